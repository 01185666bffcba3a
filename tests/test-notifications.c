/* test-notifications.c: desktop alerts with the real application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each case runs the application with g_application_run() in a child
 * process of its own, as a user would, on a demo store whose clock puts
 * the demo's Yahoo reputation episode 45 minutes into the past. The
 * notifier's "send-notification" signal keeps notifications from the
 * desktop and records them.
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "dlv-activity-page.h"
#include "dlv-application.h"
#include "dlv-compat.h"
#include "dlv-demo-provider.h"
#include "dlv-domains-page.h"
#include "dlv-message-item.h"
#include "dlv-notifier.h"
#include "dlv-preferences-window.h"
#include "dlv-util.h"
#include "dlv-window.h"

#define HOUR            3600
#define DEMO_HOURS      96
#define PROMO_BEFORE_T0 ((gint64) (0.80 * DEMO_HOURS * HOUR))
#define TIMEOUT_SECONDS 60

typedef struct
{
  char *id;
  char *title;
  char *body;
  GVariant *target;
  DlvAlertKind kind;
} Sent;

typedef struct
{
  DlvApplication *app;
  GPtrArray *sent;              /* of Sent */
  guint updates;                /* poller rounds */
  guint checks;                 /* notifier checks */
  gboolean shut_down;
  gboolean forced_quit;         /* the test had to quit it */
  gboolean still_running;       /* checked after the script, before quitting */
  void (*script) (void);
} Run;

static char *store_dir;
static char *store_path;
static Run run;

static void
sent_free (Sent *sent)
{
  g_free (sent->id);
  g_free (sent->title);
  g_free (sent->body);
  g_variant_unref (sent->target);
  g_free (sent);
}

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

#define WAIT_UNTIL(condition) \
  G_STMT_START { \
    gint64 deadline_ = g_get_monotonic_time () + TIMEOUT_SECONDS * G_USEC_PER_SEC; \
    while (!(condition)) \
      { \
        g_assert_cmpint (g_get_monotonic_time (), <, deadline_); \
        g_main_context_iteration (NULL, FALSE); \
        g_usleep (1000); \
      } \
  } G_STMT_END

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

/* The switch of the preferences row titled @title. */
static GtkSwitch *
find_switch (GtkWidget  *root,
             const char *title)
{
  GtkWidget *row;

  for (guint i = 0; (row = find_nth (root, ADW_TYPE_ACTION_ROW, i)) != NULL; i++)
    {
      if (g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), title) == 0)
        return GTK_SWITCH (find_nth (row, GTK_TYPE_SWITCH, 0));
    }

  g_assert_not_reached ();
}

static AdwActionRow *
find_row (GtkWidget  *root,
          const char *title)
{
  return ADW_ACTION_ROW (gtk_widget_get_ancestor (GTK_WIDGET (find_switch (root, title)),
                                                  ADW_TYPE_ACTION_ROW));
}

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

  iterate_for (400);
  node = last_frame (widget, &width, &height);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_printerr ("screenshot: %s\n", path);
}

static DlvWindow *
main_window (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (run.app)); l != NULL; l = l->next)
    if (DLV_IS_WINDOW (l->data))
      return l->data;

  return NULL;
}

static DlvPreferencesWindow *
open_preferences (void)
{
  DlvPreferencesWindow *prefs = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (run.app), "preferences", NULL);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (run.app)); l != NULL; l = l->next)
    if (DLV_IS_PREFERENCES_WINDOW (l->data))
      prefs = l->data;

  g_assert_nonnull (prefs);
  iterate_for (300);
  return prefs;
}

static guint
count_sent (DlvAlertKind kind)
{
  guint n = 0;

  for (guint i = 0; i < run.sent->len; i++)
    n += ((Sent *) g_ptr_array_index (run.sent, i))->kind == kind;

  return n;
}

static guint64
count_in_store (const DlvMessageFilter *filter)
{
  g_autoptr(DlvStore) store = dlv_store_open (store_path, NULL);
  g_autoptr(GArray) ids = dlv_store_query_message_ids (store, filter, DLV_MESSAGE_SORT_LAST_EVENT,
                                                       TRUE, dlv_now (), NULL);

  return ids->len;
}

static gboolean
send_notification_cb (DlvNotifier   *notifier,
                      const char    *id,
                      GNotification *notification,
                      GVariant      *target,
                      gpointer       alert_pointer,
                      gpointer       user_data)
{
  const DlvAlert *alert = alert_pointer;
  Sent *sent = g_new0 (Sent, 1);

  g_assert_true (G_IS_NOTIFICATION (notification));
  sent->id = g_strdup (id);
  sent->title = g_strdup (alert->title);
  sent->body = g_strdup (alert->body);
  sent->target = g_variant_ref (target);
  sent->kind = alert->kind;
  g_ptr_array_add (run.sent, sent);
  g_printerr ("notification %s: %s — %s\n", id, alert->title, alert->body);

  return TRUE;
}

static void
checked_cb (DlvNotifier *notifier,
            guint        n_sent,
            gpointer     user_data)
{
  run.checks++;
}

static void
updated_cb (DlvPoller *poller,
            guint      events_added,
            gpointer   user_data)
{
  run.updates++;
}

static void
shutdown_cb (GApplication *app,
             gpointer      user_data)
{
  run.shut_down = TRUE;
}

static gboolean
failsafe_cb (gpointer user_data)
{
  run.forced_quit = TRUE;
  g_application_quit (G_APPLICATION (run.app));

  return G_SOURCE_REMOVE;
}

static gboolean
still_running_cb (gpointer user_data)
{
  run.still_running = TRUE;
  g_application_quit (G_APPLICATION (run.app));

  return G_SOURCE_REMOVE;
}

static gboolean
script_cb (gpointer user_data)
{
  run.script ();

  return G_SOURCE_REMOVE;
}

static void
activate_cb (GApplication *app,
             gpointer      user_data)
{
  static gboolean once;

  if (once)
    return;
  once = TRUE;

  g_signal_connect (dlv_application_get_notifier (run.app), "send-notification",
                    G_CALLBACK (send_notification_cb), NULL);
  g_signal_connect (dlv_application_get_notifier (run.app), "checked",
                    G_CALLBACK (checked_cb), NULL);
  g_signal_connect (dlv_application_get_poller (run.app), "updated",
                    G_CALLBACK (updated_cb), NULL);
  g_idle_add (script_cb, NULL);
}

/* A demo store whose promotion went out 45 minutes ago: the application's
 * first poll brings the Yahoo reputation episode. */
static void
prepare_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvStore) store = NULL;
  g_autofree char *cursor = NULL;
  gint64 t0 = dlv_now () + PROMO_BEFORE_T0 - 45 * 60;

  store_dir = g_dir_make_tmp ("dlv-notifications-XXXXXX", &error);
  g_assert_no_error (error);
  store_path = g_build_filename (store_dir, "notifications.db", NULL);
  store = dlv_store_open (store_path, &error);
  g_assert_no_error (error);
  cursor = dlv_demo_provider_make_cursor (1, 8000, DEMO_HOURS, t0);
  dlv_store_add_account (store, "demo", "Demo", 72, NULL, cursor, &error);
  g_assert_no_error (error);
}

static void
remove_store (void)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (store_path, suffixes[i], NULL);

      g_unlink (file);
    }
  g_rmdir (store_dir);
}

/* Runs the application until it quits, with @script called once its
 * window is up. Returns g_application_run()'s status. */
static int
run_app (void (*script) (void))
{
  g_autoptr(GError) error = NULL;
  guint failsafe;
  int status;

  prepare_store ();
  run.sent = g_ptr_array_new_with_free_func ((GDestroyNotify) sent_free);
  run.script = script;
  run.app = g_object_new (DLV_TYPE_APPLICATION,
                          "application-id", "io.github.deliverability.Deliverability.Test",
                          "flags", G_APPLICATION_NON_UNIQUE,
                          "resource-base-path", RESOURCE_BASE,
                          "store-path", store_path,
                          NULL);
  g_signal_connect_after (run.app, "activate", G_CALLBACK (activate_cb), NULL);
  g_signal_connect (run.app, "shutdown", G_CALLBACK (shutdown_cb), NULL);
  failsafe = g_timeout_add_seconds (3 * TIMEOUT_SECONDS, failsafe_cb, NULL);

  status = g_application_run (G_APPLICATION (run.app), 0, NULL);

  if (!run.forced_quit)
    g_source_remove (failsafe);
  g_assert_true (run.shut_down);
  remove_store ();
  return status;
}

static gboolean
has_label (GtkWidget  *root,
           const char *text)
{
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;

  return FALSE;
}

/* Whether the focus sits in the Domains card showing @domain: the nearest
 * ancestor of the focus that names one of the demo's domains names this one. */
static gboolean
focus_in_card_of (GtkWindow  *window,
                  const char *domain)
{
  static const char * const demo_domains[] = {
    "news.example-shop.com", "mail.example-shop.com", "billing.example-shop.com", NULL,
  };

  for (GtkWidget *w = gtk_window_get_focus (window); w != NULL; w = gtk_widget_get_parent (w))
    for (guint i = 0; demo_domains[i] != NULL; i++)
      if (has_label (w, demo_domains[i]))
        return has_label (w, domain) && !has_label (w, demo_domains[(i + 1) % 3]) &&
               !has_label (w, demo_domains[(i + 2) % 3]);

  return FALSE;
}

/* The switches, a spike, and where its notification leads. */
static void
spike_script (void)
{
  DlvPreferencesWindow *prefs = open_preferences ();
  GSettings *settings = dlv_application_get_settings (run.app);
  DlvMessageFilter deferred_yahoo = {
    .statuses = 1 << DLV_MESSAGE_STATUS_DEFERRED,
    .domain = "yahoo",
  };
  GtkSwitch *spikes = find_switch (GTK_WIDGET (prefs), "_Deferral Spikes");
  GtkSwitch *background = find_switch (GTK_WIDGET (prefs), "Run in _Background");
  DlvNotifier *notifier = dlv_application_get_notifier (run.app);
  DlvWindow *window;
  GtkWidget *page;
  GListModel *rows;
  GtkDropDown *status;
  GtkDropDown *domain;
  Sent *sent = NULL;
  guint64 expected;
  DlvAlert expiring = { 0 };
  DlvAlert broken = { 0 };
  GVariant *target;
  GtkColumnViewColumn *column = NULL;
  GtkSortType order;
  const char *page_name = NULL;

  /* Every kind is on by default; running in the background is not. */
  g_assert_true (gtk_switch_get_active (spikes));
  g_assert_true (gtk_switch_get_active (find_switch (GTK_WIDGET (prefs), "D_omain Problems")));
  g_assert_true (gtk_switch_get_active (find_switch (GTK_WIDGET (prefs),
                                                     "Messages About to _Expire")));
  g_assert_false (gtk_switch_get_active (background));

  /* Spikes off: the first poll's check says nothing. */
  gtk_switch_set_active (spikes, FALSE);
  g_assert_false (g_settings_get_boolean (settings, "notify-deferral-spikes"));
  gtk_switch_set_active (background, TRUE);
  g_assert_true (g_settings_get_boolean (settings, "run-in-background"));
  save_screenshot (GTK_WIDGET (prefs), "preferences-notifications.png");

  WAIT_UNTIL (run.checks >= 1);
  g_assert_cmpuint (count_sent (DLV_ALERT_KIND_DEFERRAL_SPIKE), ==, 0);
  /* No background portal on the test's bus: nothing to refuse it. */
  g_assert_false (dlv_application_get_background_denied (run.app));

  /* Spikes on: the next check tells the Yahoo episode, once. */
  gtk_switch_set_active (spikes, TRUE);
  dlv_notifier_check (notifier);
  WAIT_UNTIL (run.checks >= 2);
  g_assert_cmpuint (count_sent (DLV_ALERT_KIND_DEFERRAL_SPIKE), ==, 1);
  for (guint i = 0; i < run.sent->len; i++)
    if (((Sent *) g_ptr_array_index (run.sent, i))->kind == DLV_ALERT_KIND_DEFERRAL_SPIKE)
      sent = g_ptr_array_index (run.sent, i);
  g_assert_cmpstr (sent->id, ==, "alert-deferral-spike-yahoo");
  g_assert_cmpstr (sent->title, ==, "Yahoo / AOL is deferring your mail");
  g_assert_nonnull (strstr (sent->body, "Main cause: Sender reputation"));
  g_assert_true (g_variant_lookup (sent->target, "page", "&s", &page_name));
  g_assert_cmpstr (page_name, ==, "activity");

  dlv_notifier_check (notifier);
  WAIT_UNTIL (run.checks >= 3);
  g_assert_cmpuint (count_sent (DLV_ALERT_KIND_DEFERRAL_SPIKE), ==, 1);

  /* The window closes; running in the background, the app stays. */
  gtk_window_destroy (GTK_WINDOW (prefs));
  gtk_window_close (GTK_WINDOW (main_window ()));
  iterate_for (500);
  g_assert_null (main_window ());

  /* Activating the notification brings a window on Deferred at Yahoo. */
  g_action_group_activate_action (G_ACTION_GROUP (run.app), "show-alert", sent->target);
  window = main_window ();
  g_assert_nonnull (window);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  page = find_nth (GTK_WIDGET (window), DLV_TYPE_ACTIVITY_PAGE, 0);
  g_assert_true (gtk_widget_get_mapped (page));
  rows = G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (find_nth (page,
                                                                          GTK_TYPE_COLUMN_VIEW,
                                                                          0))));
  expected = count_in_store (&deferred_yahoo);
  g_assert_cmpuint (expected, >, 0);
  WAIT_UNTIL (g_list_model_get_n_items (rows) == expected);
  iterate_for (300);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, count_in_store (&deferred_yahoo));

  status = GTK_DROP_DOWN (find_nth (page, GTK_TYPE_DROP_DOWN, 0));
  domain = GTK_DROP_DOWN (find_nth (page, GTK_TYPE_DROP_DOWN, 1));
  g_assert_cmpuint (gtk_drop_down_get_selected (status), ==, 1);
  g_assert_cmpstr (gtk_string_object_get_string (gtk_drop_down_get_selected_item (domain)), ==,
                   "Yahoo / AOL");
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(DlvMessageItem) item = g_list_model_get_item (rows, i);

      g_assert_cmpint (dlv_message_item_get_status (item), ==, DLV_MESSAGE_STATUS_DEFERRED);
      g_assert_cmpint (dlv_message_item_get_message (item)->recipient_group, ==,
                       DLV_RECIPIENT_GROUP_YAHOO);
    }
  save_screenshot (GTK_WIDGET (window), "notification-activity.png");

  /* Messages about to expire: the deferred ones whose window closes within
   * 6 hours, the longest retried first. */
  expiring.kind = DLV_ALERT_KIND_EXPIRING;
  expiring.page = (char *) "activity";
  expiring.statuses = 1 << DLV_MESSAGE_STATUS_DEFERRED;
  expiring.sort = DLV_MESSAGE_SORT_ATTEMPTS;
  expiring.descending = TRUE;
  target = g_variant_ref_sink (dlv_notifier_build_target (&expiring));
  g_action_group_activate_action (G_ACTION_GROUP (run.app), "show-alert", target);
  g_clear_pointer (&target, g_variant_unref);
  expected = count_in_store (&(DlvMessageFilter) { .statuses = 1 << DLV_MESSAGE_STATUS_DEFERRED,
                                                   .expires_before = g_get_real_time () / G_USEC_PER_SEC
                                                                     + DLV_ALERTS_EXPIRING_WITHIN });
  g_assert_cmpuint (expected, <, count_in_store (&(DlvMessageFilter) { .statuses = 1 << DLV_MESSAGE_STATUS_DEFERRED }));
  WAIT_UNTIL (g_list_model_get_n_items (rows) == expected);
  g_assert_cmpuint (gtk_drop_down_get_selected (domain), ==, 0);
  g_assert_true (dlv_compat_column_view_get_sort (GTK_COLUMN_VIEW (find_nth (page,
                                                                             GTK_TYPE_COLUMN_VIEW,
                                                                             0)),
                                                  &column, &order));
  g_assert_cmpstr (gtk_column_view_column_get_title (column), ==, "Attempts");
  g_assert_cmpint (order, ==, GTK_SORT_DESCENDING);

  /* A domain problem leads to the Domains tab. */
  broken.kind = DLV_ALERT_KIND_DOMAIN_INVALID;
  broken.page = (char *) "domains";
  broken.domain = (char *) "billing.example-shop.com";
  target = g_variant_ref_sink (dlv_notifier_build_target (&broken));
  g_action_group_activate_action (G_ACTION_GROUP (run.app), "show-alert", target);
  g_clear_pointer (&target, g_variant_unref);
  g_assert_true (main_window () == window);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (
                     find_nth (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK, 0))), ==, "domains");
  /* At that domain's card: the focus is in the card that names it. */
  g_assert_true (focus_in_card_of (GTK_WINDOW (window), "billing.example-shop.com"));
  g_assert_false (focus_in_card_of (GTK_WINDOW (window), "news.example-shop.com"));

  /* Quit from the menu's action always quits, held or not. */
  g_action_group_activate_action (G_ACTION_GROUP (run.app), "quit", NULL);
}

static void
test_spike (void)
{
  if (g_test_subprocess ())
    {
      g_assert_cmpint (run_app (spike_script), ==, 0);
      g_assert_false (run.forced_quit);
      return;
    }

  g_test_trap_subprocess (NULL, 3 * TIMEOUT_SECONDS * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* Without "Run in background", closing the window quits: nobody calls quit. */
static void
close_script (void)
{
  WAIT_UNTIL (run.updates >= 1);
  g_assert_false (g_settings_get_boolean (dlv_application_get_settings (run.app),
                                          "run-in-background"));
  gtk_window_close (GTK_WINDOW (main_window ()));
}

static void
test_close_quits (void)
{
  if (g_test_subprocess ())
    {
      g_assert_cmpint (run_app (close_script), ==, 0);
      g_assert_false (run.forced_quit);
      return;
    }

  g_test_trap_subprocess (NULL, 3 * TIMEOUT_SECONDS * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* With it, the application goes on polling and checking, windowless. */
static void
background_script (void)
{
  guint updates, checks;

  g_settings_set_boolean (dlv_application_get_settings (run.app), "run-in-background", TRUE);
  WAIT_UNTIL (run.updates >= 1);
  dlv_poller_set_interval (dlv_application_get_poller (run.app), 1);

  gtk_window_close (GTK_WINDOW (main_window ()));
  iterate_for (200);
  g_assert_null (main_window ());
  updates = run.updates;
  checks = run.checks;
  WAIT_UNTIL (run.updates >= updates + 2 && run.checks >= checks + 2);

  /* Still running once this returns: quit by the test a second later. */
  g_timeout_add_seconds (1, still_running_cb, NULL);
}

static void
test_background (void)
{
  if (g_test_subprocess ())
    {
      g_assert_cmpint (run_app (background_script), ==, 0);
      g_assert_true (run.still_running);
      g_assert_false (run.forced_quit);
      return;
    }

  g_test_trap_subprocess (NULL, 3 * TIMEOUT_SECONDS * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* A background portal that says no, on the test's own session bus. */
static guint portal_requests;

static gboolean
deny_cb (gpointer user_data)
{
  g_autofree char *handle = user_data;
  GVariantBuilder results;

  g_variant_builder_init (&results, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&results, "{sv}", "background", g_variant_new_boolean (FALSE));
  g_variant_builder_add (&results, "{sv}", "autostart", g_variant_new_boolean (FALSE));
  g_dbus_connection_emit_signal (g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL), NULL, handle,
                                 "org.freedesktop.portal.Request", "Response",
                                 g_variant_new ("(ua{sv})", 0, &results), NULL);

  return G_SOURCE_REMOVE;
}

static void
portal_method_cb (GDBusConnection       *bus,
                  const char            *sender,
                  const char            *path,
                  const char            *interface,
                  const char            *method,
                  GVariant              *parameters,
                  GDBusMethodInvocation *invocation,
                  gpointer               user_data)
{
  g_autoptr(GVariant) options = NULL;
  g_autofree char *name = g_strdup (sender + 1);
  const char *parent, *token = "t";
  char *handle;

  g_assert_cmpstr (method, ==, "RequestBackground");
  g_variant_get (parameters, "(&s@a{sv})", &parent, &options);
  g_variant_lookup (options, "handle_token", "&s", &token);
  g_assert_true (g_variant_lookup (options, "reason", "&s", &parent));
  g_strdelimit (name, ".", '_');
  handle = g_strdup_printf ("/org/freedesktop/portal/desktop/request/%s/%s", name, token);
  portal_requests++;

  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", handle));
  g_idle_add (deny_cb, handle);
}

static void
start_denying_portal (void)
{
  static const char xml[] =
    "<node><interface name='org.freedesktop.portal.Background'>"
    "  <method name='RequestBackground'>"
    "    <arg type='s' name='parent_window' direction='in'/>"
    "    <arg type='a{sv}' name='options' direction='in'/>"
    "    <arg type='o' name='handle' direction='out'/>"
    "  </method>"
    "</interface></node>";
  static const GDBusInterfaceVTable vtable = { portal_method_cb, NULL, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (xml, NULL);
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_dbus_connection_register_object (bus, "/org/freedesktop/portal/desktop",
                                     info->interfaces[0], &vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.portal.Desktop",
                                                      0x4),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                                       &error);
  g_assert_no_error (error);
}

/* Refused: Preferences says so, and closing the window quits after all. */
static void
denied_script (void)
{
  DlvPreferencesWindow *prefs;
  AdwActionRow *row;

  start_denying_portal ();
  prefs = open_preferences ();
  gtk_switch_set_active (find_switch (GTK_WIDGET (prefs), "Run in _Background"), TRUE);
  WAIT_UNTIL (dlv_application_get_background_denied (run.app));
  g_assert_cmpuint (portal_requests, ==, 1);

  iterate_for (300);
  row = find_row (GTK_WIDGET (prefs), "Run in _Background");
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (row), "Not allowed by the system"));
  g_assert_true (gtk_switch_get_active (find_switch (GTK_WIDGET (prefs), "Run in _Background")));
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (prefs), "general");
  save_screenshot (GTK_WIDGET (prefs), "preferences-background-denied.png");

  gtk_window_destroy (GTK_WINDOW (prefs));
  gtk_window_close (GTK_WINDOW (main_window ()));
}

static void
test_background_denied (void)
{
  if (g_test_subprocess ())
    {
      g_assert_cmpint (run_app (denied_script), ==, 0);
      g_assert_false (run.forced_quit);
      return;
    }

  g_test_trap_subprocess (NULL, 3 * TIMEOUT_SECONDS * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/dlv/notifications/spike", test_spike);
  g_test_add_func ("/dlv/notifications/close-quits", test_close_quits);
  g_test_add_func ("/dlv/notifications/background", test_background);
  g_test_add_func ("/dlv/notifications/background-denied", test_background_denied);

  return g_test_run ();
}
