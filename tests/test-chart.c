/* test-chart.c: the conversion chart and its page, drawn in a real window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "dlv-chart.h"
#include "dlv-conversion-page.h"
#include "dlv-demo-provider.h"
#include "dlv-poll.h"
#include "dlv-util.h"

typedef struct
{
  char *dir;
  DlvStore *store;
} TestStore;

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static void
test_store_open (TestStore *ts,
                 gboolean   with_demo)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  ts->dir = g_dir_make_tmp ("dlv-test-chart-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (ts->dir, "store.db", NULL);
  ts->store = dlv_store_open (path, &error);
  g_assert_no_error (error);

  if (with_demo)
    {
      g_autofree char *cursor = dlv_demo_provider_make_cursor (7, 800, 96, dlv_now ());
      g_autoptr(DlvProvider) provider = dlv_demo_provider_new ();
      gint64 id;

      id = dlv_store_add_account (ts->store, "demo", "Demo", 72, NULL, cursor, &error);
      g_assert_no_error (error);
      dlv_poll_account_sync (ts->store, id, provider, 0, NULL, NULL, &error);
      g_assert_no_error (error);
    }
}

static void
test_store_close (TestStore *ts)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_assert_finalize_object (ts->store);
  dir = g_dir_open (ts->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (ts->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (ts->dir);
  g_free (ts->dir);
}

static GtkWidget *
find_widget (GtkWidget  *root,
             GType       type,
             const char *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) &&
          (name == NULL || g_str_equal (gtk_widget_get_name (child), name)))
        return child;
      if ((found = find_widget (child, type, name)) != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *action_name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) &&
          g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), action_name) == 0)
        return child;
      if ((found = find_button (child, action_name)) != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
show_page (DlvStore  *store,
           int        width,
           int        height,
           GtkWidget **page_out)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = g_object_new (DLV_TYPE_CONVERSION_PAGE, NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), page);
  dlv_conversion_page_set_store (DLV_CONVERSION_PAGE (page), store);
  dlv_conversion_page_reload (DLV_CONVERSION_PAGE (page));
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (window);
  iterate_for (100);

  *page_out = page;
  return window;
}

/* The toolchain recipe: the widget's own rendering, as the screen has it. */
static GdkTexture *
render_widget (GtkWidget *widget)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

/* Opaque, coloured pixels: the curves and the legend's samples; text,
 * gridlines and the background are all grey. */
static guint
count_ink (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  gsize stride = width * 4;
  g_autofree guchar *pixels = g_malloc (stride * height);
  guint ink = 0;

  gdk_texture_download (texture, pixels, stride);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guchar *p = pixels + y * stride + x * 4;
        int lo = MIN (p[0], MIN (p[1], p[2]));
        int hi = MAX (p[0], MAX (p[1], p[2]));

        if (p[3] > 200 && hi - lo > 60)
          ink++;
      }

  return ink;
}

static guint
count_differences (GdkTexture *a,
                   GdkTexture *b)
{
  int width = gdk_texture_get_width (a);
  int height = gdk_texture_get_height (a);
  gsize stride = width * 4;
  g_autofree guchar *pa = g_malloc (stride * height);
  g_autofree guchar *pb = g_malloc (stride * height);
  guint differences = 0;

  g_assert_cmpint (gdk_texture_get_width (b), ==, width);
  g_assert_cmpint (gdk_texture_get_height (b), ==, height);
  gdk_texture_download (a, pa, stride);
  gdk_texture_download (b, pb, stride);
  for (gsize i = 0; i < stride * height; i += 4)
    if (memcmp (pa + i, pb + i, 4) != 0)
      differences++;

  return differences;
}

static void
save_screenshot (GtkWidget  *window,
                 const char *name)
{
  g_autoptr(GdkTexture) texture = render_widget (window);
  g_autofree char *path = g_build_filename (g_test_get_dir (G_TEST_BUILT), name, NULL);

  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

static char *
percent (double share)
{
  return g_strdup_printf ("%.1f %%", share * 100.0);
}

static DlvConversion *
compute_conversion (DlvStore   *store,
                    const char *domain,
                    gint64      now)
{
  DlvMessageFilter filter = { .domain = domain };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) cohort = dlv_store_load_deferred_cohort (store, &filter, &error);

  g_assert_no_error (error);
  return dlv_conversion_compute ((const DlvCohortEntry *) cohort->data, cohort->len, now);
}

static void
assert_same_conversion (const DlvConversion *a,
                        const DlvConversion *b)
{
  g_assert_cmpuint (a->cohort, ==, b->cohort);
  g_assert_cmpuint (a->censored, ==, b->censored);
  for (guint h = 0; h <= DLV_CONVERSION_HOURS; h++)
    {
      g_assert_cmpfloat (a->points[h].delivered, ==, b->points[h].delivered);
      g_assert_cmpfloat (a->points[h].bounced, ==, b->points[h].bounced);
      g_assert_cmpfloat (a->points[h].expired, ==, b->points[h].expired);
      g_assert_cmpfloat (a->points[h].pending, ==, b->points[h].pending);
      g_assert_cmpuint (a->points[h].at_risk, ==, b->points[h].at_risk);
    }
}

static char *
expected_summary (const DlvConversion *c)
{
  g_autofree char *d24 = percent (c->points[24].delivered);
  g_autofree char *d72 = percent (c->points[72].delivered);
  g_autofree char *b72 = percent (c->points[72].bounced);
  g_autofree char *e72 = percent (c->points[72].expired);

  return g_strdup_printf ("Of %u deferred messages, %s were delivered within 24 hours and %s "
                          "within 72 hours; %s bounced, %s expired.",
                          c->cohort, d24, d72, b72, e72);
}

static char *
expected_tooltip (const DlvConversion *c,
                  guint                hour)
{
  const DlvConversionPoint *p = &c->points[hour];
  g_autofree char *d = percent (p->delivered);
  g_autofree char *b = percent (p->bounced);
  g_autofree char *e = percent (p->expired);
  g_autofree char *q = percent (p->pending);

  return g_strdup_printf ("Hour %u: delivered %s, bounced %s, expired %s, pending %s — "
                          "%u message%s still observed",
                          hour, d, b, e, q, p->at_risk, p->at_risk == 1 ? "" : "s");
}

/* Presses a key through the chart's own key bindings, as GTK would on a
 * key event (GTK 4 cannot synthesize one). */
static void
press_key (GtkWidget *widget,
           guint      keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean pressed = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !pressed; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)) && !pressed; j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == 0)
            {
              pressed = gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                                      GTK_SHORTCUT_ACTION_EXCLUSIVE, widget,
                                                      gtk_shortcut_get_arguments (shortcut));
            }
        }
    }

  g_assert_true (pressed);
}

static void
hover (GtkWidget *chart,
       double     x,
       double     y)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (chart);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_MOTION (controller))
        g_signal_emit_by_name (controller, "motion", x, y);
    }
}

static void
test_page_demo (void)
{
  TestStore ts = { 0 };
  g_autoptr(DlvConversion) expected = NULL;
  g_autoptr(DlvConversion) gmail = NULL;
  g_autoptr(GdkTexture) before_hover = NULL;
  g_autoptr(GdkTexture) after_hover = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *description = NULL;
  g_autofree char *tooltip = NULL;
  g_autofree char *want_tooltip = NULL;
  GtkWidget *window, *page, *chart, *provider, *campaign;
  const DlvConversion *shown;
  gint64 now;

  test_store_open (&ts, TRUE);
  window = show_page (ts.store, 1100, 700, &page);

  chart = find_widget (page, DLV_TYPE_CHART, NULL);
  g_assert_nonnull (chart);
  g_assert_true (gtk_widget_get_mapped (chart));
  g_assert_cmpint (gtk_widget_get_height (chart), >=, 280);

  /* It draws: the curves put opaque ink in the plot. */
  before_hover = render_widget (chart);
  g_assert_cmpuint (count_ink (before_hover), >, 1000);

  /* The page and the core agree; reload until both read the same second. */
  do
    {
      now = dlv_now ();
      dlv_conversion_page_reload (DLV_CONVERSION_PAGE (page));
    }
  while (dlv_now () != now);
  expected = compute_conversion (ts.store, NULL, now);
  shown = dlv_chart_get_conversion (DLV_CHART (chart));
  g_assert_nonnull (shown);
  g_assert_cmpuint (expected->cohort, >, 20);
  assert_same_conversion (shown, expected);

  /* The accessible description states the 24 h and 72 h shares. */
  summary = expected_summary (expected);
  description = dlv_chart_dup_description (DLV_CHART (chart));
  g_test_message ("description: %s", description);
  g_assert_true (g_str_has_prefix (description, summary));

  /* Hover and keyboard share the crosshair's values. */
  dlv_chart_set_selected_hour (DLV_CHART (chart), 24);
  tooltip = dlv_chart_dup_tooltip_text (DLV_CHART (chart), 24);
  want_tooltip = expected_tooltip (expected, 24);
  g_assert_cmpstr (tooltip, ==, want_tooltip);
  g_clear_pointer (&description, g_free);
  description = dlv_chart_dup_description (DLV_CHART (chart));
  g_assert_true (g_str_has_suffix (description, want_tooltip));

  gtk_widget_grab_focus (chart);
  g_assert_true (gtk_widget_has_focus (chart));
  press_key (chart, GDK_KEY_Right);
  press_key (chart, GDK_KEY_Right);
  g_assert_cmpint (dlv_chart_get_selected_hour (DLV_CHART (chart)), ==, 26);
  press_key (chart, GDK_KEY_Left);
  g_assert_cmpint (dlv_chart_get_selected_hour (DLV_CHART (chart)), ==, 25);
  press_key (chart, GDK_KEY_End);
  g_assert_cmpint (dlv_chart_get_selected_hour (DLV_CHART (chart)), ==, 72);
  press_key (chart, GDK_KEY_Right);
  g_assert_cmpint (dlv_chart_get_selected_hour (DLV_CHART (chart)), ==, 72);
  press_key (chart, GDK_KEY_Home);
  g_assert_cmpint (dlv_chart_get_selected_hour (DLV_CHART (chart)), ==, 0);
  /* As a keyboard user sees it: focus ring, crosshair and hour badge. */
  gtk_window_set_focus_visible (GTK_WINDOW (window), TRUE);
  dlv_chart_set_selected_hour (DLV_CHART (chart), 24);
  gtk_test_widget_wait_for_draw (window);
  save_screenshot (window, "conversion-page-keyboard.png");
  dlv_chart_set_selected_hour (DLV_CHART (chart), -1);
  gtk_window_set_focus_visible (GTK_WINDOW (window), FALSE);

  /* The pointer over hour 48 draws a crosshair there. */
  hover (chart, gtk_widget_get_width (chart) * 0.66, gtk_widget_get_height (chart) / 2.0);
  gtk_test_widget_wait_for_draw (window);
  after_hover = render_widget (chart);
  g_assert_cmpuint (count_differences (before_hover, after_hover), >, 50);
  save_screenshot (window, "conversion-page-hover.png");
  hover (chart, -100, -100);

  gtk_test_widget_wait_for_draw (window);
  save_screenshot (window, "conversion-page.png");

  /* Exports. */
  g_assert_true (gtk_widget_get_sensitive (find_button (page, "conversion.export-png")));
  g_assert_true (gtk_widget_get_sensitive (find_button (page, "conversion.export-csv")));
  {
    g_autofree char *png_path = g_build_filename (ts.dir, "chart.png", NULL);
    g_autofree char *csv_path = g_build_filename (ts.dir, "chart.csv", NULL);
    g_autoptr(GFile) png = g_file_new_for_path (png_path);
    g_autoptr(GFile) csv = g_file_new_for_path (csv_path);
    g_autoptr(GdkTexture) texture = NULL;
    g_autofree char *contents = NULL;
    g_auto(GStrv) lines = NULL;
    g_auto(GStrv) fields = NULL;

    g_assert_true (dlv_chart_export_png (DLV_CHART (chart), png, &error));
    g_assert_no_error (error);
    texture = gdk_texture_new_from_file (png, &error);
    g_assert_no_error (error);
    g_assert_cmpint (gdk_texture_get_width (texture), ==, DLV_CHART_EXPORT_WIDTH);
    g_assert_cmpint (gdk_texture_get_height (texture), ==, DLV_CHART_EXPORT_HEIGHT);
    g_assert_true (gdk_texture_save_to_png (texture, g_test_get_filename (G_TEST_BUILT,
                                                                          "conversion-export.png",
                                                                          NULL)));

    g_assert_true (dlv_chart_export_csv (DLV_CHART (chart), csv, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (csv_path, &contents, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (g_str_has_suffix (contents, "\n"));
    lines = g_strsplit (contents, "\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, 74 + 1);   /* the last one is empty */
    g_assert_cmpstr (lines[0], ==, "hour,delivered,bounced,expired,pending,at_risk");
    fields = g_strsplit (lines[25], ",", -1);
    g_assert_cmpuint (g_strv_length (fields), ==, 6);
    g_assert_cmpstr (fields[0], ==, "24");
    g_assert_cmpfloat_with_epsilon (g_ascii_strtod (fields[1], NULL),
                                    expected->points[24].delivered, 1e-6);
    g_assert_cmpuint (g_ascii_strtoull (fields[5], NULL, 10), ==, expected->points[24].at_risk);
  }

  /* Filters: Gmail alone is a smaller cohort, and the one the core computes. */
  provider = find_widget (page, GTK_TYPE_DROP_DOWN, "provider-filter");
  campaign = find_widget (page, GTK_TYPE_DROP_DOWN, "campaign-filter");
  g_assert_nonnull (provider);
  g_assert_nonnull (campaign);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (GTK_DROP_DOWN (provider))),
                    ==, 8);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (GTK_DROP_DOWN (campaign))),
                    >, 1);
  do
    {
      now = dlv_now ();
      gtk_drop_down_set_selected (GTK_DROP_DOWN (provider), 1);
      dlv_conversion_page_reload (DLV_CONVERSION_PAGE (page));
    }
  while (dlv_now () != now);
  gmail = compute_conversion (ts.store, "gmail", now);
  shown = dlv_chart_get_conversion (DLV_CHART (chart));
  g_assert_cmpuint (shown->cohort, ==, gmail->cohort);
  g_assert_cmpuint (shown->cohort, <, expected->cohort);
  assert_same_conversion (shown, gmail);

  /* A campaign keeps its place in the list across reloads. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (provider), 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (campaign), 1);
  dlv_conversion_page_reload (DLV_CONVERSION_PAGE (page));
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (campaign)), ==, 1);
  g_assert_cmpuint (dlv_chart_get_conversion (DLV_CHART (chart))->cohort, <, expected->cohort);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (campaign), 0);

  /* Dark mode redraws with its own colours. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);
  gtk_test_widget_wait_for_draw (window);
  iterate_for (100);
  save_screenshot (window, "conversion-page-dark.png");
  {
    g_autoptr(GdkTexture) dark = render_widget (chart);

    g_assert_cmpuint (count_ink (dark), >, 1000);
  }
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (50);
  test_store_close (&ts);
}

static void
test_page_narrow (void)
{
  TestStore ts = { 0 };
  GtkWidget *window, *page, *chart;

  test_store_open (&ts, TRUE);
  window = show_page (ts.store, 360, 760, &page);

  chart = find_widget (page, DLV_TYPE_CHART, NULL);
  g_assert_true (gtk_widget_get_mapped (chart));
  g_assert_cmpint (gtk_widget_get_width (window), <=, 400);
  g_assert_cmpint (gtk_widget_get_width (chart), >=, 240);
  g_assert_cmpint (gtk_widget_get_width (chart), <=, 360);
  save_screenshot (window, "conversion-page-narrow.png");

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (50);
  test_store_close (&ts);
}

static void
test_page_empty (void)
{
  TestStore ts = { 0 };
  GtkWidget *window, *page, *status, *chart;

  test_store_open (&ts, FALSE);
  window = show_page (ts.store, 1100, 700, &page);

  status = find_widget (page, ADW_TYPE_STATUS_PAGE, NULL);
  chart = find_widget (page, DLV_TYPE_CHART, NULL);
  g_assert_true (gtk_widget_get_mapped (status));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status)), ==, "No deferred mail");
  g_assert_false (gtk_widget_get_mapped (chart));
  g_assert_nonnull (dlv_chart_get_conversion (DLV_CHART (chart)));
  g_assert_cmpuint (dlv_chart_get_conversion (DLV_CHART (chart))->cohort, ==, 0);
  g_assert_false (gtk_widget_get_sensitive (find_button (page, "conversion.export-png")));
  g_assert_false (gtk_widget_get_sensitive (find_button (page, "conversion.export-csv")));
  save_screenshot (window, "conversion-page-empty.png");

  /* Without a store at all, the same. */
  dlv_conversion_page_set_store (DLV_CONVERSION_PAGE (page), NULL);
  dlv_conversion_page_reload (DLV_CONVERSION_PAGE (page));
  g_assert_true (gtk_widget_get_mapped (status));

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (50);
  test_store_close (&ts);
}

static void
count_cb (guint *counter)
{
  (*counter)++;
}

/* The words and the file formats on a cohort small enough to check by hand. */
static void
test_chart_widget (void)
{
  const gint64 t0 = 1700000000;
  DlvCohortEntry entries[10];
  g_autoptr(DlvConversion) conversion = NULL;
  g_autofree char *description = NULL;
  g_autofree char *tooltip = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("dlv-test-chart-XXXXXX", &error);
  g_autofree char *csv_path = g_build_filename (dir, "empty.csv", NULL);
  g_autoptr(GFile) csv = g_file_new_for_path (csv_path);
  GtkWidget *chart;
  guint notified = 0;

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      entries[i] = (DlvCohortEntry) {
        .first_deferred_at = t0,
        .status = DLV_MESSAGE_STATUS_DELIVERED,
        .status_at = t0 + 3600 * (i < 6 ? 2 : 30),
        .expires_at = t0 + 72 * 3600,
      };
    }
  entries[8].status = DLV_MESSAGE_STATUS_SOFT_BOUNCE;
  entries[8].status_at = t0 + 5 * 3600;
  entries[9].status = DLV_MESSAGE_STATUS_EXPIRED;
  entries[9].status_at = t0 + 72 * 3600;
  conversion = dlv_conversion_compute (entries, G_N_ELEMENTS (entries), t0 + 100 * 3600);

  chart = g_object_ref_sink (dlv_chart_new ());
  description = dlv_chart_dup_description (DLV_CHART (chart));
  g_assert_cmpstr (description, ==, "No message was deferred, so there is no conversion to show.");
  g_assert_null (dlv_chart_dup_tooltip_text (DLV_CHART (chart), 0));
  g_assert_false (dlv_chart_export_csv (DLV_CHART (chart), csv, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  g_signal_connect_swapped (chart, "notify::selected-hour", G_CALLBACK (count_cb), &notified);

  dlv_chart_set_conversion (DLV_CHART (chart), conversion);
  g_clear_pointer (&description, g_free);
  description = dlv_chart_dup_description (DLV_CHART (chart));
  g_assert_cmpstr (description, ==,
                   "Of 10 deferred messages, 60.0 % were delivered within 24 hours and 80.0 % "
                   "within 72 hours; 10.0 % bounced, 10.0 % expired.");

  tooltip = dlv_chart_dup_tooltip_text (DLV_CHART (chart), 24);
  g_assert_cmpstr (tooltip, ==, "Hour 24: delivered 60.0 %, bounced 10.0 %, expired 0.0 %, "
                   "pending 30.0 % — 3 messages still observed");

  dlv_chart_set_selected_hour (DLV_CHART (chart), 24);
  dlv_chart_set_selected_hour (DLV_CHART (chart), 24);
  g_assert_cmpuint (notified, ==, 1);

  g_rmdir (dir);
  g_assert_finalize_object (chart);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/dlv/chart/widget", test_chart_widget);
  g_test_add_func ("/dlv/chart/page-demo", test_page_demo);
  g_test_add_func ("/dlv/chart/page-narrow", test_page_narrow);
  g_test_add_func ("/dlv/chart/page-empty", test_page_empty);

  return g_test_run ();
}
