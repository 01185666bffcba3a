/* dlv-activity-page.c: every message, with its status, filtered and sorted in SQL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "dlv-activity-page"

#include "config.h"

#include <glib/gi18n.h>

#include "dlv-activity-page.h"
#include "dlv-alerts.h"
#include "dlv-compat.h"
#include "dlv-message-dialog.h"
#include "dlv-message-list.h"
#include "dlv-status-badge.h"
#include "dlv-util.h"

#define TOP_DOMAINS 15

struct _DlvActivityPage
{
  AdwBin parent_instance;

  DlvStore *store;
  DlvMessageList *list;
  GtkSingleSelection *selection;
  GPtrArray *domain_values;     /* the dropdown's rows: NULL (all), group nicks, domains */
  GStrv campaigns;              /* the dropdown's rows after "All campaigns" */
  gint64 account_id;            /* the account shown, 0 for all */
  gboolean updating;            /* dropdowns being refilled: not a user's choice */

  /* Template widgets */
  GtkSearchEntry *search_entry;
  GtkDropDown *status_dropdown;
  GtkDropDown *domain_dropdown;
  GtkDropDown *campaign_dropdown;
  GtkDropDown *time_dropdown;
  GtkStack *content_stack;
  AdwStatusPage *error_page;
  GtkColumnView *column_view;
  GtkColumnViewColumn *status_column;
  GtkColumnViewColumn *recipient_column;
  GtkColumnViewColumn *subject_column;
  GtkColumnViewColumn *campaign_column;
  GtkColumnViewColumn *last_event_column;
  GtkColumnViewColumn *attempts_column;
};

G_DEFINE_FINAL_TYPE (DlvActivityPage, dlv_activity_page, ADW_TYPE_BIN)

/* The status filter's rows after "All statuses": problems first. */
static const DlvMessageStatus status_rows[] = {
  DLV_MESSAGE_STATUS_DEFERRED, DLV_MESSAGE_STATUS_EXPIRED, DLV_MESSAGE_STATUS_SOFT_BOUNCE,
  DLV_MESSAGE_STATUS_HARD_BOUNCE, DLV_MESSAGE_STATUS_BLOCKED, DLV_MESSAGE_STATUS_DELIVERED,
  DLV_MESSAGE_STATUS_ACCEPTED,
};

/* Last activity within a period, or, in the last row, what an alert about
 * expiring mail leads to: deferred messages whose retry window closes soon. */
#define EXPIRING_ROW 5

static const struct {
  const char *title;
  gint64 seconds;
} time_rows[] = {
  { N_("Any time"), 0 },
  { N_("Last hour"), 3600 },
  { N_("Last 24 hours"), 24 * 3600 },
  { N_("Last 7 days"), 7 * 24 * 3600 },
  { N_("Last 30 days"), 30 * 24 * 3600 },
  [EXPIRING_ROW] = { N_("Expiring within 6 hours"), DLV_ALERTS_EXPIRING_WITHIN },
};

static char *
format_last_event (gpointer instance,
                   gint64   unix_seconds)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (unix_seconds == 0)
    return g_strdup ("");

  utc = g_date_time_new_from_unix_utc (unix_seconds);
  local = g_date_time_to_local (utc);
  /* Translators: a date and time in the list, see g_date_time_format() */
  return g_date_time_format (local, _("%b %-d, %H:%M"));
}

static char *
format_attempts (gpointer instance,
                 int      attempts)
{
  return attempts > 0 ? g_strdup_printf ("%d", attempts) : g_strdup ("");
}

static void
replace_strings (GtkDropDown        *dropdown,
                 const char * const *strings)
{
  GtkStringList *model = GTK_STRING_LIST (gtk_drop_down_get_model (dropdown));

  gtk_string_list_splice (model, 0, g_list_model_get_n_items (G_LIST_MODEL (model)), strings);
}

static void
fill_time_dropdown (DlvActivityPage *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) strings = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (time_rows); i++)
    g_strv_builder_add (builder, _(time_rows[i].title));
  strings = g_strv_builder_end (builder);
  replace_strings (self->time_dropdown, (const char * const *) strings);
}

/* "Deferred (123)": the counts are those of the other filters. */
static void
fill_status_dropdown (DlvActivityPage *self)
{
  const guint64 *counts = self->list ? dlv_message_list_get_counts (self->list) : NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) strings = NULL;
  guint selected = gtk_drop_down_get_selected (self->status_dropdown);
  guint64 total = 0;

  for (guint s = 0; counts != NULL && s < DLV_N_MESSAGE_STATUSES; s++)
    total += counts[s];

  for (guint i = 0; i <= G_N_ELEMENTS (status_rows); i++)
    {
      g_autofree char *row = NULL;

      if (i == 0)
        {
          g_autofree char *number = g_strdup_printf ("%" G_GUINT64_FORMAT, total);

          /* Translators: the number of messages under the other filters */
          row = g_strdup_printf (_("All statuses (%s)"), number);
        }
      else
        row = g_strdup_printf ("%s (%" G_GUINT64_FORMAT ")",
                               dlv_message_status_title (status_rows[i - 1]),
                               counts ? counts[status_rows[i - 1]] : 0);
      g_strv_builder_add (builder, row);
    }
  strings = g_strv_builder_end (builder);

  self->updating = TRUE;
  replace_strings (self->status_dropdown, (const char * const *) strings);
  gtk_drop_down_set_selected (self->status_dropdown,
                              selected == GTK_INVALID_LIST_POSITION ? 0 : selected);
  self->updating = FALSE;
}

static const char *
selected_domain (DlvActivityPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->domain_dropdown);

  if (self->domain_values == NULL || selected >= self->domain_values->len)
    return NULL;

  return g_ptr_array_index (self->domain_values, selected);
}

static const char *
selected_campaign (DlvActivityPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->campaign_dropdown);

  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION || self->campaigns == NULL ||
      selected > g_strv_length (self->campaigns))
    return NULL;

  return self->campaigns[selected - 1];
}

static guint
index_of (GPtrArray  *values,
          const char *value)
{
  for (guint i = 0; value != NULL && i < values->len; i++)
    if (g_strcmp0 (g_ptr_array_index (values, i), value) == 0)
      return i;

  return 0;
}

/* Mailbox providers first, then the most mailed domains; the choice
 * survives a refill, also when its domain is no longer among the most
 * mailed (or never was: a notification may show any domain). */
static void
fill_domain_dropdown (DlvActivityPage *self,
                      const char      *choice)
{
  g_autofree char *kept = g_strdup (choice != NULL ? choice : selected_domain (self));
  g_auto(GStrv) domains = dlv_store_list_recipient_domains (self->store, TOP_DOMAINS, NULL);
  g_autoptr(GPtrArray) titles = g_ptr_array_new ();

  g_clear_pointer (&self->domain_values, g_ptr_array_unref);
  self->domain_values = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (self->domain_values, NULL);
  g_ptr_array_add (titles, (gpointer) _("All recipients"));
  for (guint g = 1; g <= DLV_N_RECIPIENT_GROUPS; g++)
    {
      DlvRecipientGroup group = g % DLV_N_RECIPIENT_GROUPS;   /* "Other" last */

      g_ptr_array_add (self->domain_values, g_strdup (dlv_recipient_group_to_string (group)));
      g_ptr_array_add (titles, (gpointer) dlv_recipient_group_title (group));
    }
  for (guint i = 0; domains != NULL && domains[i] != NULL; i++)
    {
      g_ptr_array_add (self->domain_values, g_strdup (domains[i]));
      g_ptr_array_add (titles, domains[i]);
    }
  if (kept != NULL && kept[0] != '\0' && index_of (self->domain_values, kept) == 0)
    {
      g_ptr_array_add (self->domain_values, g_strdup (kept));
      g_ptr_array_add (titles, kept);
    }
  g_ptr_array_add (titles, NULL);

  self->updating = TRUE;
  replace_strings (self->domain_dropdown, (const char * const *) titles->pdata);
  gtk_drop_down_set_selected (self->domain_dropdown, index_of (self->domain_values, kept));
  self->updating = FALSE;
}

static void
fill_campaign_dropdown (DlvActivityPage *self)
{
  g_autofree char *kept = g_strdup (selected_campaign (self));
  g_autoptr(GPtrArray) titles = g_ptr_array_new ();
  guint selected = 0;

  g_clear_pointer (&self->campaigns, g_strfreev);
  self->campaigns = dlv_store_list_campaigns (self->store, NULL);

  g_ptr_array_add (titles, (gpointer) _("All campaigns"));
  for (guint i = 0; self->campaigns != NULL && self->campaigns[i] != NULL; i++)
    {
      g_ptr_array_add (titles, self->campaigns[i]);
      if (g_strcmp0 (kept, self->campaigns[i]) == 0)
        selected = i + 1;
    }
  g_ptr_array_add (titles, NULL);

  self->updating = TRUE;
  replace_strings (self->campaign_dropdown, (const char * const *) titles->pdata);
  gtk_drop_down_set_selected (self->campaign_dropdown, selected);
  self->updating = FALSE;
}

static DlvMessageSort
current_sort (DlvActivityPage *self,
              gboolean        *descending)
{
  GtkColumnViewColumn *column = NULL;
  GtkSortType order = GTK_SORT_DESCENDING;

  *descending = TRUE;
  if (!dlv_compat_column_view_get_sort (self->column_view, &column, &order))
    return DLV_MESSAGE_SORT_LAST_EVENT;

  *descending = order == GTK_SORT_DESCENDING;
  if (column == self->status_column)
    return DLV_MESSAGE_SORT_STATUS;
  if (column == self->recipient_column)
    return DLV_MESSAGE_SORT_RECIPIENT;
  if (column == self->subject_column)
    return DLV_MESSAGE_SORT_SUBJECT;
  if (column == self->campaign_column)
    return DLV_MESSAGE_SORT_CAMPAIGN;
  if (column == self->attempts_column)
    return DLV_MESSAGE_SORT_ATTEMPTS;

  return DLV_MESSAGE_SORT_LAST_EVENT;
}

static void
apply_query (DlvActivityPage *self)
{
  guint status_row = gtk_drop_down_get_selected (self->status_dropdown);
  guint time_row = gtk_drop_down_get_selected (self->time_dropdown);
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  DlvMessageFilter filter = { 0 };
  DlvMessageSort sort;
  gboolean descending;

  if (self->list == NULL)
    return;

  if (status_row > 0 && status_row <= G_N_ELEMENTS (status_rows))
    filter.statuses = 1u << status_rows[status_row - 1];
  if (time_row > 0 && time_row < G_N_ELEMENTS (time_rows))
    {
      if (time_row == EXPIRING_ROW)
        filter.expires_before = dlv_now () + time_rows[time_row].seconds;
      else
        filter.since = dlv_now () - time_rows[time_row].seconds;
    }
  filter.domain = selected_domain (self);
  filter.campaign = selected_campaign (self);
  filter.search = search[0] != '\0' ? search : NULL;
  filter.account_id = self->account_id;

  sort = current_sort (self, &descending);
  dlv_message_list_set_query (self->list, &filter, sort, descending);
}

static void
filter_changed_cb (DlvActivityPage *self)
{
  if (!self->updating)
    apply_query (self);
}

static void
sorter_changed_cb (DlvActivityPage *self)
{
  if (!self->updating)
    apply_query (self);
}

static void
list_loaded_cb (DlvActivityPage *self,
                DlvMessageList  *list)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (list)) == 0;
  const GError *error = dlv_message_list_get_error (list);

  fill_status_dropdown (self);

  /* A failed query keeps the rows already shown; with none, it says why. */
  if (error != NULL && empty)
    {
      g_autofree char *escaped = g_markup_escape_text (error->message, -1);

      adw_status_page_set_description (self->error_page, escaped);
      gtk_stack_set_visible_child_name (self->content_stack, "error");
      return;
    }

  gtk_stack_set_visible_child_name (self->content_stack, empty ? "empty" : "list");
}

/* The first rows of a query arrive before the rest: show them at once. */
static void
list_items_changed_cb (DlvActivityPage *self,
                       guint            position,
                       guint            removed,
                       guint            added,
                       GListModel      *list)
{
  if (g_list_model_get_n_items (list) > 0)
    gtk_stack_set_visible_child_name (self->content_stack, "list");
}

static void
row_activated_cb (DlvActivityPage *self,
                  guint            position)
{
  g_autoptr(DlvMessageItem) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  DlvMessageDialog *dialog;

  if (item == NULL || dlv_message_item_get_message (item)->id == 0)
    return;

  dialog = dlv_message_dialog_new (self->store, dlv_message_item_get_message (item)->id);
  gtk_window_set_transient_for (GTK_WINDOW (dialog),
                                GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
dlv_activity_page_dispose (GObject *object)
{
  DlvActivityPage *self = (DlvActivityPage *) object;

  /* A query still running must not report to a page being torn down, nor
   * the column view's sorter, which changes as its columns go. */
  if (self->list != NULL)
    g_signal_handlers_disconnect_by_data (self->list, self);
  if (self->column_view != NULL)
    g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->column_view), self);
  gtk_widget_dispose_template (GTK_WIDGET (self), DLV_TYPE_ACTIVITY_PAGE);
  g_clear_object (&self->selection);
  g_clear_object (&self->list);
  g_clear_object (&self->store);
  g_clear_pointer (&self->domain_values, g_ptr_array_unref);
  g_clear_pointer (&self->campaigns, g_strfreev);

  G_OBJECT_CLASS (dlv_activity_page_parent_class)->dispose (object);
}

static void
dlv_activity_page_class_init (DlvActivityPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dlv_activity_page_dispose;

  g_type_ensure (DLV_TYPE_STATUS_BADGE);
  g_type_ensure (DLV_TYPE_MESSAGE_ITEM);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/dlv-activity-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DlvActivityPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, DlvActivityPage, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DlvActivityPage, domain_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DlvActivityPage, campaign_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DlvActivityPage, time_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DlvActivityPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, DlvActivityPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, DlvActivityPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, DlvActivityPage, status_column);
  gtk_widget_class_bind_template_child (widget_class, DlvActivityPage, recipient_column);
  gtk_widget_class_bind_template_child (widget_class, DlvActivityPage, subject_column);
  gtk_widget_class_bind_template_child (widget_class, DlvActivityPage, campaign_column);
  gtk_widget_class_bind_template_child (widget_class, DlvActivityPage, last_event_column);
  gtk_widget_class_bind_template_child (widget_class, DlvActivityPage, attempts_column);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, format_last_event);
  gtk_widget_class_bind_template_callback (widget_class, format_attempts);
}

static void
dlv_activity_page_init (DlvActivityPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->updating = TRUE;
  fill_time_dropdown (self);
  fill_status_dropdown (self);
  self->updating = FALSE;

  dlv_compat_column_view_make_sortable (self->column_view);
  gtk_column_view_sort_by_column (self->column_view, self->last_event_column, GTK_SORT_DESCENDING);
  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (sorter_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_stack_set_visible_child_name (self->content_stack, "loading");
}

void
dlv_activity_page_set_store (DlvActivityPage *self,
                             DlvStore        *store)
{
  g_return_if_fail (DLV_IS_ACTIVITY_PAGE (self));
  g_return_if_fail (DLV_IS_STORE (store));

  g_set_object (&self->store, store);
  g_clear_object (&self->selection);
  if (self->list != NULL)
    g_signal_handlers_disconnect_by_data (self->list, self);
  g_clear_object (&self->list);

  self->list = dlv_message_list_new (store);
  g_signal_connect_object (self->list, "loaded", G_CALLBACK (list_loaded_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list, "items-changed", G_CALLBACK (list_items_changed_cb), self,
                           G_CONNECT_SWAPPED);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->list)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  fill_domain_dropdown (self, NULL);
  fill_campaign_dropdown (self);
  apply_query (self);
}

/* New events arrived, or time passed: the same query again, in place. */
void
dlv_activity_page_reload (DlvActivityPage *self)
{
  g_return_if_fail (DLV_IS_ACTIVITY_PAGE (self));

  if (self->list == NULL)
    return;

  fill_domain_dropdown (self, NULL);
  fill_campaign_dropdown (self);
  /* Rebuilt, not replayed: "Last hour" moves with the clock. */
  apply_query (self);
}

void
dlv_activity_page_focus_search (DlvActivityPage *self)
{
  g_return_if_fail (DLV_IS_ACTIVITY_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/**
 * dlv_activity_page_set_account:
 * @account_id: the account to show, 0 for all of them
 */
void
dlv_activity_page_set_account (DlvActivityPage *self,
                               gint64           account_id)
{
  g_return_if_fail (DLV_IS_ACTIVITY_PAGE (self));

  if (self->account_id == account_id)
    return;

  self->account_id = account_id;
  apply_query (self);
}

static GtkColumnViewColumn *
column_for_sort (DlvActivityPage *self,
                 DlvMessageSort   sort)
{
  switch (sort)
    {
    case DLV_MESSAGE_SORT_STATUS:
      return self->status_column;
    case DLV_MESSAGE_SORT_RECIPIENT:
      return self->recipient_column;
    case DLV_MESSAGE_SORT_SUBJECT:
      return self->subject_column;
    case DLV_MESSAGE_SORT_CAMPAIGN:
      return self->campaign_column;
    case DLV_MESSAGE_SORT_ATTEMPTS:
      return self->attempts_column;
    case DLV_MESSAGE_SORT_LAST_EVENT:
    case DLV_MESSAGE_SORT_FIRST_EVENT:
    default:
      return self->last_event_column;
    }
}

/**
 * dlv_activity_page_show_messages:
 * @statuses: one status bit (1 << #DlvMessageStatus), or 0 for every status
 * @domain_or_group: (nullable): a recipient domain or a mailbox provider
 *   nick ("yahoo"), %NULL for all recipients
 * @sort: the column to sort by
 * @descending: largest or newest first
 * @expiring: only deferred messages whose retry window closes within 6 hours
 *
 * Shows exactly these messages: the other filters (search, campaign, time
 * range) are cleared. What a notification leads to.
 */
void
dlv_activity_page_show_messages (DlvActivityPage *self,
                                 guint            statuses,
                                 const char      *domain_or_group,
                                 DlvMessageSort   sort,
                                 gboolean         descending,
                                 gboolean         expiring)
{
  guint status_row = 0;

  g_return_if_fail (DLV_IS_ACTIVITY_PAGE (self));

  for (guint i = 0; i < G_N_ELEMENTS (status_rows); i++)
    if (statuses == 1u << status_rows[i])
      status_row = i + 1;

  self->updating = TRUE;
  if (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))[0] != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_drop_down_set_selected (self->status_dropdown, status_row);
  gtk_drop_down_set_selected (self->campaign_dropdown, 0);
  gtk_drop_down_set_selected (self->time_dropdown, expiring ? EXPIRING_ROW : 0);
  if (self->store != NULL)
    fill_domain_dropdown (self, domain_or_group != NULL && domain_or_group[0] != '\0'
                                ? domain_or_group : "");
  gtk_column_view_sort_by_column (self->column_view, column_for_sort (self, sort),
                                  descending ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
  self->updating = FALSE;

  apply_query (self);
}
