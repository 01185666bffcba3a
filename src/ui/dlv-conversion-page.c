/* dlv-conversion-page.c: how deferred mail turns into delivered mail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Conversion tab: the 72-hour curve for the messages of a recipient
 * provider and campaign, a one-line summary, the causes that held them back
 * and the shares at a few hours as a table. Loading the cohort and computing
 * the curve take a few milliseconds even at a million messages, so a reload
 * runs on the main thread.
 */

#define G_LOG_DOMAIN "dlv-conversion-page"

#include "config.h"

#include <glib/gi18n.h>

#include "dlv-chart.h"
#include "dlv-conversion-page.h"
#include "dlv-reason.h"
#include "dlv-recipient-group.h"
#include "dlv-util.h"

/* Below this width the filters and the side tables stack under the chart. */
#define NARROW_WIDTH 720
#define WIDE_MARGIN 18
#define NARROW_MARGIN 12
#define WIDE_SPACING 18
#define N_TOP_CAUSES 6

struct _DlvConversionPage
{
  AdwBin parent_instance;

  DlvStore *store;
  GStrv campaigns;              /* behind the campaign drop-down, after "All" */
  gint64 account_id;            /* the account shown, 0 for all */
  gboolean updating_filters;
  gboolean narrow;

  /* Template widgets */
  GtkStack *stack;
  GtkBox *toolbar_box;
  GtkLabel *provider_label;
  GtkDropDown *provider_dropdown;
  GtkLabel *campaign_label;
  GtkDropDown *campaign_dropdown;
  GtkLabel *summary_label;
  GtkLabel *detail_label;
  GtkStack *content_stack;
  GtkBox *body_box;
  DlvChart *chart;
  GtkListBox *causes_list;
  GtkGrid *hours_grid;
};

G_DEFINE_FINAL_TYPE (DlvConversionPage, dlv_conversion_page, ADW_TYPE_BIN)

/* The provider drop-down, after "All providers": the big ones first. */
static const DlvRecipientGroup provider_groups[] = {
  DLV_RECIPIENT_GROUP_GMAIL,
  DLV_RECIPIENT_GROUP_MICROSOFT,
  DLV_RECIPIENT_GROUP_YAHOO,
  DLV_RECIPIENT_GROUP_APPLE,
  DLV_RECIPIENT_GROUP_GMX,
  DLV_RECIPIENT_GROUP_ORANGE,
  DLV_RECIPIENT_GROUP_OTHER,
};

static const guint table_hours[] = { 6, 12, 24, 48, 72 };

static char *
format_share (double share)
{
  /* Translators: a percentage with one decimal, e.g. "85.7 %" */
  return g_strdup_printf (_("%.1f %%"), share * 100.0);
}

static void
fill_filter (DlvConversionPage *self,
             DlvMessageFilter  *filter)
{
  guint provider = gtk_drop_down_get_selected (self->provider_dropdown);
  guint campaign = gtk_drop_down_get_selected (self->campaign_dropdown);

  *filter = (DlvMessageFilter) { 0 };
  filter->account_id = self->account_id;

  if (provider != GTK_INVALID_LIST_POSITION && provider > 0 &&
      provider <= G_N_ELEMENTS (provider_groups))
    filter->domain = dlv_recipient_group_to_string (provider_groups[provider - 1]);

  if (campaign != GTK_INVALID_LIST_POSITION && campaign > 0 && self->campaigns != NULL &&
      campaign <= g_strv_length (self->campaigns))
    filter->campaign = self->campaigns[campaign - 1];
}

static void
fill_providers (DlvConversionPage *self)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  gtk_string_list_append (model, _("All providers"));
  for (guint i = 0; i < G_N_ELEMENTS (provider_groups); i++)
    gtk_string_list_append (model, dlv_recipient_group_title (provider_groups[i]));

  gtk_drop_down_set_model (self->provider_dropdown, G_LIST_MODEL (model));
}

/* Campaigns come and go with polls; the one chosen stays chosen. */
static void
update_campaigns (DlvConversionPage *self)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) campaigns = NULL;
  g_autofree char *chosen = NULL;
  GtkStringList *model;
  guint selected = 0;

  campaigns = dlv_store_list_campaigns (self->store, &error);
  if (campaigns == NULL)
    {
      g_warning ("Could not list the campaigns: %s", error->message);
      return;
    }
  if (self->campaigns != NULL && g_strv_equal ((const char * const *) campaigns,
                                               (const char * const *) self->campaigns))
    return;

  if (self->campaigns != NULL)
    {
      guint current = gtk_drop_down_get_selected (self->campaign_dropdown);

      if (current > 0 && current != GTK_INVALID_LIST_POSITION &&
          current <= g_strv_length (self->campaigns))
        chosen = g_strdup (self->campaigns[current - 1]);
    }

  model = gtk_string_list_new (NULL);
  gtk_string_list_append (model, _("All campaigns"));
  for (guint i = 0; campaigns[i] != NULL; i++)
    {
      gtk_string_list_append (model, campaigns[i]);
      if (chosen != NULL && g_str_equal (chosen, campaigns[i]))
        selected = i + 1;
    }

  g_strfreev (self->campaigns);
  self->campaigns = g_steal_pointer (&campaigns);

  self->updating_filters = TRUE;
  gtk_drop_down_set_model (self->campaign_dropdown, G_LIST_MODEL (model));
  gtk_drop_down_set_selected (self->campaign_dropdown, selected);
  self->updating_filters = FALSE;
  g_object_unref (model);
}

static void
update_summary (DlvConversionPage   *self,
                const DlvConversion *conversion)
{
  g_autofree char *delivered = format_share (conversion->points[24].delivered);
  g_autofree char *summary = NULL;
  g_autofree char *detail = NULL;

  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%u deferred message · %s delivered within 24 h",
                                          "%u deferred messages · %s delivered within 24 h",
                                          conversion->cohort),
                             conversion->cohort, delivered);
  gtk_label_set_label (self->summary_label, summary);

  if (conversion->censored > 0)
    detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u message is still being retried; the curve counts "
                                           "it only for the hours observed so far.",
                                           "%u messages are still being retried; the curve counts "
                                           "them only for the hours observed so far.",
                                           conversion->censored),
                              conversion->censored);
  gtk_label_set_label (self->detail_label, detail);
  gtk_widget_set_visible (GTK_WIDGET (self->detail_label), detail != NULL);
}

static GtkWidget *
create_label (const char *text,
              float       xalign,
              const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  gtk_widget_add_css_class (label, "numeric");
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

static void
append_cause_row (DlvConversionPage *self,
                  const char        *title,
                  guint64            messages,
                  guint64            total)
{
  g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, messages);
  g_autofree char *share = format_share (total > 0 ? (double) messages / total : 0.0);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *title_label = gtk_label_new (title);

  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  gtk_label_set_xalign (GTK_LABEL (title_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title_label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (title_label, TRUE);
  gtk_widget_set_tooltip_text (title_label, title);
  gtk_box_append (GTK_BOX (box), title_label);
  gtk_box_append (GTK_BOX (box), create_label (count, 1, "dim-label"));
  gtk_box_append (GTK_BOX (box), create_label (share, 1, NULL));

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_append (self->causes_list, row);
}

static void
update_causes (DlvConversionPage      *self,
               const DlvMessageFilter *filter)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) counts = NULL;
  GtkWidget *child;
  guint64 total = 0;
  guint64 rest = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->causes_list))) != NULL)
    gtk_list_box_remove (self->causes_list, child);

  counts = dlv_store_count_causes (self->store, filter, &error);
  if (counts == NULL)
    {
      g_warning ("Could not count the deferral causes: %s", error->message);
      return;
    }

  for (guint i = 0; i < counts->len; i++)
    total += g_array_index (counts, DlvCauseCount, i).messages;

  for (guint i = 0; i < counts->len; i++)
    {
      const DlvCauseCount *count = &g_array_index (counts, DlvCauseCount, i);

      if (i < N_TOP_CAUSES)
        append_cause_row (self, dlv_reason_cause_title (count->cause), count->messages, total);
      else
        rest += count->messages;
    }

  if (rest > 0)
    append_cause_row (self, _("Other causes"), rest, total);
}

/* The same numbers as the chart, as text: for reading exact values and
 * for screen readers. */
static void
update_hours_table (DlvConversionPage   *self,
                    const DlvConversion *conversion)
{
  const char *headers[] = {
    C_("hours table", "Hour"), _("Delivered"), _("Bounced"), _("Expired"), _("Pending"),
  };
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->hours_grid))) != NULL)
    gtk_grid_remove (self->hours_grid, child);

  for (guint col = 0; col < G_N_ELEMENTS (headers); col++)
    {
      GtkWidget *label = create_label (headers[col], col == 0 ? 0 : 1, "caption-heading");

      gtk_widget_set_hexpand (label, col > 0);
      gtk_grid_attach (self->hours_grid, label, col, 0, 1, 1);
    }

  for (guint row = 0; row < G_N_ELEMENTS (table_hours); row++)
    {
      const DlvConversionPoint *point = &conversion->points[table_hours[row]];
      double values[] = { point->delivered, point->bounced, point->expired, point->pending };
      /* Translators: a number of hours, e.g. "24 h" */
      g_autofree char *hour = g_strdup_printf (_("%d h"), (int) table_hours[row]);

      gtk_grid_attach (self->hours_grid, create_label (hour, 0, "dim-label"), 0, row + 1, 1, 1);
      for (guint col = 0; col < G_N_ELEMENTS (values); col++)
        {
          g_autofree char *share = format_share (values[col]);

          gtk_grid_attach (self->hours_grid, create_label (share, 1, NULL), col + 1, row + 1, 1, 1);
        }
    }
}

static void
set_exports_enabled (DlvConversionPage *self,
                     gboolean           enabled)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conversion.export-png", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conversion.export-csv", enabled);
}

/* Side by side when there is room; stacked at phone widths. */
static void
apply_narrow (DlvConversionPage *self,
              gboolean           narrow)
{
  GtkOrientation orientation = narrow ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL;
  int margin = narrow ? NARROW_MARGIN : WIDE_MARGIN;
  GtkWidget *content = gtk_widget_get_parent (GTK_WIDGET (self->toolbar_box));

  self->narrow = narrow;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->toolbar_box), orientation);
  gtk_box_set_spacing (self->toolbar_box, narrow ? 8 : WIDE_SPACING);
  /* Stacked, each drop-down lines up at the right edge. */
  gtk_widget_set_hexpand (GTK_WIDGET (self->provider_label), narrow);
  gtk_widget_set_hexpand (GTK_WIDGET (self->campaign_label), narrow);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->body_box), orientation);

  gtk_widget_set_margin_top (content, margin);
  gtk_widget_set_margin_bottom (content, margin);
  gtk_widget_set_margin_start (content, margin);
  gtk_widget_set_margin_end (content, margin);
}

/* The widest child of @box, and its children's widths side by side. */
static void
measure_children (GtkBox *box,
                  int    *widest,
                  int    *side_by_side)
{
  int n = 0;

  *widest = *side_by_side = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int min;

      if (!gtk_widget_get_visible (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
      *widest = MAX (*widest, min);
      *side_by_side += min;
      n++;
    }
  *side_by_side += MAX (n - 1, 0) * WIDE_SPACING;
}

/* The minimum widths of the stacked and of the side-by-side layout, both
 * worked out from the children, whichever layout is showing now. */
static void
measure_layouts (DlvConversionPage *self,
                 int               *stacked,
                 int               *wide)
{
  int toolbar_widest, toolbar_row, body_widest, body_row;

  measure_children (self->toolbar_box, &toolbar_widest, &toolbar_row);
  measure_children (self->body_box, &body_widest, &body_row);

  *stacked = MAX (toolbar_widest, body_widest) + 2 * NARROW_MARGIN;
  *wide = MAX (toolbar_row, body_row) + 2 * WIDE_MARGIN;
}

static void
filter_changed_cb (DlvConversionPage *self)
{
  if (!self->updating_filters)
    dlv_conversion_page_reload (self);
}

static void
show_export_error (DlvConversionPage *self,
                   const GError      *error)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Could Not Export"), error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
export_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    gpointer         user_data)
{
  g_autoptr(DlvConversionPage) self = user_data;
  gboolean png = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "dlv-export-png"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;
      gboolean saved;

      if (png)
        saved = dlv_chart_export_png (self->chart, file, &error);
      else
        saved = dlv_chart_export_csv (self->chart, file, &error);

      if (!saved)
        show_export_error (self, error);
    }

  g_object_unref (dialog);
}

static void
start_export (DlvConversionPage *self,
              gboolean           png)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (png ? _("Export Chart") : _("Export Values"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);

  if (png)
    {
      gtk_file_filter_set_name (filter, _("PNG images"));
      gtk_file_filter_add_mime_type (filter, "image/png");
      /* Translators: file name of an exported chart; keep the extension */
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), _("deferral-conversion.png"));
    }
  else
    {
      gtk_file_filter_set_name (filter, _("CSV files"));
      gtk_file_filter_add_mime_type (filter, "text/csv");
      /* Translators: file name of exported values; keep the extension */
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), _("deferral-conversion.csv"));
    }
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);

  g_object_set_data (G_OBJECT (dialog), "dlv-export-png", GINT_TO_POINTER (png));
  g_signal_connect (dialog, "response", G_CALLBACK (export_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
export_png_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  start_export (DLV_CONVERSION_PAGE (widget), TRUE);
}

static void
export_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  start_export (DLV_CONVERSION_PAGE (widget), FALSE);
}

/* GTK 4.8 has no breakpoints. The page asks only for the stacked layout's
 * width, so a window can shrink below the side-by-side layout even while
 * it shows; allocation then picks the layout that fits, before the
 * children are allocated, so the switch lands in the same frame. The page
 * drops AdwBin's layout manager (it would bypass these two vfuncs) and
 * lays out its one child itself. */
static void
dlv_conversion_page_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  DlvConversionPage *self = DLV_CONVERSION_PAGE (widget);

  GtkWidget *child = adw_bin_get_child (ADW_BIN (widget));

  *minimum = *natural = 0;
  *minimum_baseline = *natural_baseline = -1;
  if (child == NULL || !gtk_widget_should_layout (child))
    return;

  gtk_widget_measure (child, orientation, for_size, minimum, natural,
                      minimum_baseline, natural_baseline);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int stacked, wide;

      measure_layouts (self, &stacked, &wide);
      *minimum = MIN (*minimum, stacked);
      *natural = MAX (*natural, *minimum);
    }
}

static void
dlv_conversion_page_size_allocate (GtkWidget *widget,
                                   int        width,
                                   int        height,
                                   int        baseline)
{
  DlvConversionPage *self = DLV_CONVERSION_PAGE (widget);
  GtkWidget *child = adw_bin_get_child (ADW_BIN (widget));
  int stacked, wide;
  gboolean narrow;

  measure_layouts (self, &stacked, &wide);
  narrow = width < MAX (NARROW_WIDTH, wide);
  if (narrow != self->narrow)
    apply_narrow (self, narrow);

  if (child != NULL && gtk_widget_should_layout (child))
    gtk_widget_allocate (child, width, height, baseline, NULL);
}

static void
dlv_conversion_page_dispose (GObject *object)
{
  DlvConversionPage *self = (DlvConversionPage *) object;

  /* Drop-downs losing their models must not reload a half-disposed page. */
  self->updating_filters = TRUE;
  g_clear_object (&self->store);
  /* The bin's child is a bound template child: detach it from the bin
   * first, or AdwBin would unparent it again after the template freed it. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), DLV_TYPE_CONVERSION_PAGE);

  G_OBJECT_CLASS (dlv_conversion_page_parent_class)->dispose (object);
}

static void
dlv_conversion_page_finalize (GObject *object)
{
  DlvConversionPage *self = (DlvConversionPage *) object;

  g_clear_pointer (&self->campaigns, g_strfreev);

  G_OBJECT_CLASS (dlv_conversion_page_parent_class)->finalize (object);
}

static void
dlv_conversion_page_class_init (DlvConversionPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dlv_conversion_page_dispose;
  object_class->finalize = dlv_conversion_page_finalize;

  widget_class->measure = dlv_conversion_page_measure;
  widget_class->size_allocate = dlv_conversion_page_size_allocate;

  gtk_widget_class_install_action (widget_class, "conversion.export-png", NULL, export_png_action);
  gtk_widget_class_install_action (widget_class, "conversion.export-csv", NULL, export_csv_action);

  g_type_ensure (DLV_TYPE_CHART);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/dlv-conversion-page.ui");

  gtk_widget_class_bind_template_child (widget_class, DlvConversionPage, stack);
  gtk_widget_class_bind_template_child (widget_class, DlvConversionPage, toolbar_box);
  gtk_widget_class_bind_template_child (widget_class, DlvConversionPage, provider_label);
  gtk_widget_class_bind_template_child (widget_class, DlvConversionPage, provider_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DlvConversionPage, campaign_label);
  gtk_widget_class_bind_template_child (widget_class, DlvConversionPage, campaign_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DlvConversionPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, DlvConversionPage, detail_label);
  gtk_widget_class_bind_template_child (widget_class, DlvConversionPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, DlvConversionPage, body_box);
  gtk_widget_class_bind_template_child (widget_class, DlvConversionPage, chart);
  gtk_widget_class_bind_template_child (widget_class, DlvConversionPage, causes_list);
  gtk_widget_class_bind_template_child (widget_class, DlvConversionPage, hours_grid);

  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
}

static void
dlv_conversion_page_init (DlvConversionPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_layout_manager (GTK_WIDGET (self), NULL);

  self->updating_filters = TRUE;
  fill_providers (self);
  self->updating_filters = FALSE;

  apply_narrow (self, FALSE);
  set_exports_enabled (self, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

void
dlv_conversion_page_set_store (DlvConversionPage *self,
                               DlvStore          *store)
{
  g_return_if_fail (DLV_IS_CONVERSION_PAGE (self));
  g_return_if_fail (store == NULL || DLV_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  g_clear_pointer (&self->campaigns, g_strfreev);
}

/**
 * dlv_conversion_page_reload:
 *
 * Reads the deferred messages of the chosen provider and campaign again
 * and redraws; the window calls it after every poll.
 */
void
dlv_conversion_page_reload (DlvConversionPage *self)
{
  g_autoptr(DlvConversion) conversion = NULL;
  g_autoptr(GArray) cohort = NULL;
  g_autoptr(GError) error = NULL;
  DlvMessageFilter filter;
  gboolean filtered;

  g_return_if_fail (DLV_IS_CONVERSION_PAGE (self));

  if (self->store == NULL)
    {
      dlv_chart_set_conversion (self->chart, NULL);
      set_exports_enabled (self, FALSE);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  update_campaigns (self);
  fill_filter (self, &filter);
  filtered = filter.domain != NULL || filter.campaign != NULL;

  cohort = dlv_store_load_deferred_cohort (self->store, &filter, &error);
  if (cohort == NULL)
    {
      /* The window reports store faults; what is on screen stays. */
      g_warning ("Could not load the deferred messages: %s", error->message);
      return;
    }

  conversion = dlv_conversion_compute ((const DlvCohortEntry *) cohort->data, cohort->len,
                                       dlv_now ());
  dlv_chart_set_conversion (self->chart, conversion);
  set_exports_enabled (self, conversion->cohort > 0);

  if (conversion->cohort == 0 && !filtered)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  gtk_stack_set_visible_child_name (self->stack, "chart");
  gtk_widget_set_visible (GTK_WIDGET (self->summary_label), conversion->cohort > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->detail_label), FALSE);

  if (conversion->cohort == 0)
    {
      gtk_stack_set_visible_child_name (self->content_stack, "none");
      return;
    }

  update_summary (self, conversion);
  update_causes (self, &filter);
  update_hours_table (self, conversion);
  gtk_stack_set_visible_child_name (self->content_stack, "chart");
}

/**
 * dlv_conversion_page_set_account:
 * @account_id: the account to show, 0 for all of them
 */
void
dlv_conversion_page_set_account (DlvConversionPage *self,
                                 gint64             account_id)
{
  g_return_if_fail (DLV_IS_CONVERSION_PAGE (self));

  if (self->account_id == account_id)
    return;

  self->account_id = account_id;
  dlv_conversion_page_reload (self);
}
