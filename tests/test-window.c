/* test-window.c: the window on a demo store, as a user sees it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "dlv-account-dialog.h"
#include "dlv-account-switcher.h"
#include "dlv-compat.h"

#include <glib/gstdio.h>

#include <json-glib/json-glib.h>

#include "dlv-application.h"
#include "dlv-chart.h"
#include "dlv-conversion-page.h"
#include "dlv-activity-page.h"
#include "dlv-demo-provider.h"
#include "dlv-message-dialog.h"
#include "dlv-poll.h"
#include "dlv-status-badge.h"
#include "dlv-util.h"
#include "dlv-window.h"

#define MARKUP_REASON "452 4.2.2 <b>Mailbox</b> & \"full\" <span>x</span>"

static char *store_path;
static DlvApplication *app;
static DlvWindow *window;

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

/* Depth-first search for the @nth widget of @type below @root. */
static GtkWidget *
find_widget (GtkWidget *root,
             GType      type,
             guint     *nth)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) && (*nth)-- == 0)
        return child;
      if ((found = find_widget (child, type, nth)) != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_nth (GtkWidget *root,
          GType      type,
          guint      nth)
{
  return find_widget (root, type, &nth);
}

static GListModel *
activity_model (void)
{
  GtkColumnView *view = GTK_COLUMN_VIEW (find_nth (GTK_WIDGET (window), GTK_TYPE_COLUMN_VIEW, 0));

  g_assert_nonnull (view);
  return G_LIST_MODEL (gtk_column_view_get_model (view));
}

/* Waits until the list has answered its latest query. */
static guint
wait_for_rows (guint expected_at_least)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  iterate_for (200);
  while (g_list_model_get_n_items (activity_model ()) < expected_at_least)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  iterate_for (300);

  return g_list_model_get_n_items (activity_model ());
}

/* The widget's last frame as a render node; an invalidated widget has none
 * until it is drawn again (a toast's animation invalidates every frame). */
static GskRenderNode *
last_frame (GtkWidget *widget,
            int       *width,
            int       *height)
{
  gint64 deadline = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      GskRenderNode *node;

      *width = gtk_widget_get_width (widget);
      *height = gtk_widget_get_height (widget);
      gdk_paintable_snapshot (paintable, snapshot, *width, *height);
      node = gtk_snapshot_free_to_node (snapshot);
      if (node != NULL)
        return node;

      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  g_autofree char *path = g_build_filename (g_test_get_dir (G_TEST_BUILT), name, NULL);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width, height;

  node = last_frame (widget, &width, &height);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

static guint64
count_in_store (const DlvMessageFilter *filter)
{
  g_autoptr(DlvStore) store = dlv_store_open (store_path, NULL);
  g_autoptr(GArray) ids = dlv_store_query_message_ids (store, filter, DLV_MESSAGE_SORT_LAST_EVENT,
                                                       TRUE, dlv_now (), NULL);

  return ids->len;
}

static void
test_activity_lists_every_message (void)
{
  guint rows = wait_for_rows (600);

  g_assert_cmpuint (rows, ==, count_in_store (NULL));
  save_screenshot (GTK_WIDGET (window), "window-activity.png");
}

static DlvMessageItem *
find_item (const char *reason_part)
{
  GListModel *model = activity_model ();

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(DlvMessageItem) item = g_list_model_get_item (model, i);
      const DlvMessage *m = dlv_message_item_get_message (item);

      if (dlv_message_item_get_status (item) == DLV_MESSAGE_STATUS_DEFERRED &&
          m->reason != NULL && strstr (m->reason, reason_part) != NULL)
        return g_steal_pointer (&item);
    }

  return NULL;
}

static char *
badge_tooltip_text (DlvMessageItem *item)
{
  GtkWidget *badge = g_object_ref_sink (dlv_status_badge_new ());
  g_autofree char *markup = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  dlv_status_badge_set_item (DLV_STATUS_BADGE (badge), item);
  markup = dlv_status_badge_dup_tooltip (DLV_STATUS_BADGE (badge));
  g_object_unref (badge);
  g_assert_nonnull (markup);

  /* It must be valid markup; what a user reads is its text. */
  g_assert_true (pango_parse_markup (markup, -1, 0, NULL, &text, NULL, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&text);
}

static void
test_deferred_tooltip (void)
{
  g_autoptr(DlvMessageItem) item = NULL;
  g_autofree char *text = NULL;
  const DlvMessage *m;

  wait_for_rows (600);
  item = find_item ("4.");
  g_assert_nonnull (item);
  m = dlv_message_item_get_message (item);
  text = badge_tooltip_text (item);

  g_assert_nonnull (strstr (text, "Deferred"));
  g_assert_nonnull (strstr (text, m->reason_info.enhanced_code));
  if (m->reason_info.smtp_code != 0)
    {
      g_autofree char *code = g_strdup_printf ("%d", m->reason_info.smtp_code);
      g_assert_nonnull (strstr (text, code));
    }
  g_assert_nonnull (strstr (text, dlv_reason_cause_title (m->reason_info.cause)));
  g_assert_nonnull (strstr (text, dlv_reason_cause_advice (m->reason_info.cause)));
  g_assert_nonnull (strstr (text, "First deferred"));
  g_assert_nonnull (strstr (text, "attempt"));
  g_assert_nonnull (strstr (text, "before it expires"));
}

static void
test_markup_reason_shows_literally (void)
{
  g_autoptr(DlvMessageItem) item = NULL;
  g_autofree char *text = NULL;

  wait_for_rows (600);
  item = find_item ("<b>Mailbox</b>");
  g_assert_nonnull (item);
  text = badge_tooltip_text (item);
  g_assert_nonnull (strstr (text, MARKUP_REASON));
}

static void
test_status_filter (void)
{
  GtkDropDown *status = GTK_DROP_DOWN (find_nth (GTK_WIDGET (window), GTK_TYPE_DROP_DOWN, 0));
  DlvMessageFilter deferred = { .statuses = 1 << DLV_MESSAGE_STATUS_DEFERRED };
  guint64 expected = count_in_store (&deferred);
  guint all = wait_for_rows (600);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  g_assert_cmpuint (expected, >, 0);
  gtk_drop_down_set_selected (status, 1);       /* "Deferred (N)" */
  while (g_list_model_get_n_items (activity_model ()) == all)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpuint (g_list_model_get_n_items (activity_model ()), ==, expected);
  save_screenshot (GTK_WIDGET (window), "window-activity-deferred.png");

  gtk_drop_down_set_selected (status, 0);
  g_assert_cmpuint (wait_for_rows (all), ==, all);
}

static void
test_search (void)
{
  GtkEditable *search = GTK_EDITABLE (find_nth (GTK_WIDGET (window), GTK_TYPE_SEARCH_ENTRY, 0));
  DlvMessageFilter filter = { .search = "gmail" };
  guint64 expected = count_in_store (&filter);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  wait_for_rows (600);
  gtk_editable_set_text (search, "gmail");
  while (g_list_model_get_n_items (activity_model ()) != expected)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  gtk_editable_set_text (search, "");
  wait_for_rows (600);
}

static void
test_message_dialog (void)
{
  g_autoptr(DlvMessageItem) item = NULL;
  g_autoptr(DlvStore) store = dlv_store_open (store_path, NULL);
  DlvMessageDialog *dialog;
  g_autofree char *summary = NULL;
  const DlvMessage *m;

  wait_for_rows (600);
  item = find_item ("4.");
  m = dlv_message_item_get_message (item);
  dialog = dlv_message_dialog_new (store, m->id);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (dialog));
  iterate_for (500);

  summary = dlv_message_dialog_dup_summary (dialog);
  g_assert_nonnull (strstr (summary, m->recipient));
  g_assert_nonnull (strstr (summary, m->reason));
  g_assert_nonnull (strstr (summary, "deferred"));
  g_assert_nonnull (strstr (summary, "Timeline"));
  save_screenshot (GTK_WIDGET (dialog), "message-dialog.png");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static double
cli_delivered_share (JsonArray *points,
                     guint      hour)
{
  return json_object_get_double_member (json_array_get_object_element (points, hour), "delivered");
}

/* What the chart says in words is what deliverability-cli computes. */
static void
test_chart_matches_cli (void)
{
  DlvConversionPage *page = DLV_CONVERSION_PAGE (find_nth (GTK_WIDGET (window), DLV_TYPE_CONVERSION_PAGE, 0));
  const char *argv[] = { g_getenv ("DLV_CLI"), "--db", store_path, "conversion", "--json", NULL };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *description = NULL;
  g_autofree char *expected = NULL;
  JsonArray *points;
  GtkWidget *chart;
  int wait_status;

  dlv_window_show_page (window, "conversion");
  dlv_conversion_page_reload (page);
  iterate_for (300);
  chart = find_nth (GTK_WIDGET (page), DLV_TYPE_CHART, 0);
  g_assert_nonnull (chart);
  description = dlv_chart_dup_description (DLV_CHART (chart));

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  points = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "points");

  expected = g_strdup_printf ("%.1f %% were delivered within 24 hours and %.1f %% within 72 hours",
                              100 * cli_delivered_share (points, 24),
                              100 * cli_delivered_share (points, 72));
  g_test_message ("chart: %s", description);
  g_assert_nonnull (strstr (description, expected));
  dlv_window_show_page (window, "activity");
}

static void
test_tabs (void)
{
  const char *pages[] = { "conversion", "domains", "activity" };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *name = g_strdup_printf ("window-%s.png", pages[i]);

      dlv_window_show_page (window, pages[i]);
      iterate_for (600);
      save_screenshot (GTK_WIDGET (window), name);
    }
}

/* The smallest phone-sized window: view switcher at the bottom, filters
 * wrapped. A window of its own, as resizing a live one makes GTK 4.8 warn
 * about libadwaita's switcher between two frames. */
static void
test_narrow (void)
{
  DlvWindow *narrow = dlv_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (narrow), 360, 640);
  gtk_window_present (GTK_WINDOW (narrow));
  iterate_for (1500);
  save_screenshot (GTK_WIDGET (narrow), "window-narrow.png");
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (narrow)), <=, 370);
  gtk_window_destroy (GTK_WINDOW (narrow));
}

/* The accounts popover lists each account with its state; choosing one
 * filters the list, and "All accounts" brings everything back. */
static void
test_account_switcher (void)
{
  GtkWidget *switcher = find_nth (GTK_WIDGET (window), DLV_TYPE_ACCOUNT_SWITCHER, 0);
  GtkMenuButton *button = GTK_MENU_BUTTON (find_nth (switcher, GTK_TYPE_MENU_BUTTON, 0));
  GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (button));
  GtkWidget *list;
  GtkListBoxRow *other_row;
  g_autoptr(DlvStore) store = dlv_store_open (store_path, NULL);
  g_autoptr(GPtrArray) accounts = dlv_store_list_accounts (store, NULL);
  DlvAccount *other = g_ptr_array_index (accounts, 1);
  guint64 all = count_in_store (&(DlvMessageFilter) { 0 });
  guint64 only_other = count_in_store (&(DlvMessageFilter) { .account_id = other->id });

  g_assert_nonnull (switcher);
  g_assert_cmpuint (only_other, ==, 1);
  gtk_menu_button_popup (button);
  iterate_for (500);
  list = find_nth (popover, GTK_TYPE_LIST_BOX, 0);
  g_assert_nonnull (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 2));
  g_assert_null (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 3));
  save_screenshot (popover, "window-accounts.png");

  other_row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 2);
  g_signal_emit_by_name (list, "row-activated", other_row);
  g_assert_cmpint (dlv_account_switcher_get_account_id (DLV_ACCOUNT_SWITCHER (switcher)), ==, other->id);
  iterate_for (300);
  g_assert_cmpuint (g_list_model_get_n_items (activity_model ()), ==, only_other);
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (GTK_WIDGET (button)), "Other"));

  dlv_account_switcher_set_account_id (DLV_ACCOUNT_SWITCHER (switcher), 0);
  g_assert_cmpuint (wait_for_rows (all), ==, all);
}

/* Errors in toasts hold provider text and account names: shown literally. */
static void
test_toast_plain (void)
{
  g_autoptr(AdwToast) toast = g_object_ref_sink (dlv_compat_toast_new_plain ("R&D: <b>502</b> \"bad\""));

#if ADW_CHECK_VERSION (1, 4, 0)
  g_assert_false (adw_toast_get_use_markup (toast));
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "R&D: <b>502</b> \"bad\"");
#else
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "R&amp;D: &lt;b&gt;502&lt;/b&gt; &quot;bad&quot;");
#endif
}

/* The demo banner's "Add Account" opens the account dialog itself. */
static void
test_banner_adds_account (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *dialog = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (app), "add-account", NULL);
  iterate_for (500);
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) candidate = g_list_model_get_item (toplevels, i);

      if (DLV_IS_ACCOUNT_DIALOG (candidate))
        dialog = GTK_WINDOW (candidate);
    }
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (window));
  gtk_window_destroy (dialog);
}

/* A demo store, plus one deferral whose reason is full of markup. */
static void
prepare_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvStore) store = dlv_store_open (store_path, &error);
  g_autoptr(DlvProvider) demo = dlv_demo_provider_new ();
  g_autofree char *cursor = dlv_demo_provider_make_cursor (5, 600, 96, dlv_now ());
  g_autoptr(DlvEventPage) page = dlv_event_page_new ();
  DlvEvent *e = dlv_event_new (DLV_EVENT_KIND_DEFERRED, dlv_now () - 3600);
  gint64 demo_id, other_id;

  g_assert_no_error (error);
  demo_id = dlv_store_add_account (store, "demo", "Demo", 72, NULL, cursor, &error);
  g_assert_true (dlv_poll_account_sync (store, demo_id, demo, 0, NULL, NULL, &error));
  g_assert_no_error (error);

  other_id = dlv_store_add_account (store, "test", "Other", 72, NULL, NULL, &error);
  e->message_id = g_strdup ("markup-1");
  e->recipient = g_strdup ("mark@example.org");
  e->subject = g_strdup ("Markup <i>test</i>");
  e->reason = g_strdup (MARKUP_REASON);
  g_ptr_array_add (page->events, e);
  g_assert_true (dlv_store_ingest_page (store, other_id, page, NULL, &error));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  dir = g_dir_make_tmp ("dlv-window-XXXXXX", &error);
  store_path = g_build_filename (dir, "window.db", NULL);
  prepare_store ();

  app = g_object_new (DLV_TYPE_APPLICATION,
                      "application-id", "io.github.deliverability.Deliverability.Test",
                      "flags", G_APPLICATION_NON_UNIQUE,
                      "resource-base-path", RESOURCE_BASE,
                      "store-path", store_path,
                      NULL);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  window = dlv_window_new (app);
  gtk_window_present (GTK_WINDOW (window));

  g_test_add_func ("/dlv/window/activity", test_activity_lists_every_message);
  g_test_add_func ("/dlv/window/deferred-tooltip", test_deferred_tooltip);
  g_test_add_func ("/dlv/window/markup-literal", test_markup_reason_shows_literally);
  g_test_add_func ("/dlv/window/status-filter", test_status_filter);
  g_test_add_func ("/dlv/window/search", test_search);
  g_test_add_func ("/dlv/window/message-dialog", test_message_dialog);
  g_test_add_func ("/dlv/window/chart-matches-cli", test_chart_matches_cli);
  g_test_add_func ("/dlv/window/tabs", test_tabs);
  g_test_add_func ("/dlv/window/narrow", test_narrow);
  g_test_add_func ("/dlv/window/account-switcher", test_account_switcher);
  g_test_add_func ("/dlv/window/banner-adds-account", test_banner_adds_account);
  g_test_add_func ("/dlv/window/toast-plain", test_toast_plain);

  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_application_quit (G_APPLICATION (app));
  return status;
}
