/* test-domains-page.c: the Domains tab and the preferences window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "dlv-account-dialog.h"
#include "dlv-application.h"
#include "dlv-demo-provider.h"
#include "dlv-domains-page.h"
#include "dlv-poll.h"
#include "dlv-preferences-window.h"
#include "dlv-util.h"

#define BILLING "billing.example-shop.com"
#define MARKUP_DOMAIN "<b>&amp;.example"
#define MARKUP_ACCOUNT "Ops & <i>Billing"
#define MARKUP_DETAIL "<b>bold</b> & <span foo='x'>unclosed"

static char *data_home;

typedef gboolean (*WidgetPredicate) (GtkWidget  *widget,
                                     const char *arg);

typedef struct
{
  char *dir;
  char *path;
  DlvStore *store;
} TempStore;

static void
temp_store_init (TempStore *ts)
{
  g_autoptr(GError) error = NULL;

  ts->dir = g_dir_make_tmp ("dlv-domains-XXXXXX", &error);
  g_assert_no_error (error);
  ts->path = g_build_filename (ts->dir, "store.db", NULL);
  ts->store = dlv_store_open (ts->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ts->store);
}

static void
temp_store_clear (TempStore *ts)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  g_clear_object (&ts->store);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (ts->path, suffixes[i], NULL);

      g_unlink (file);
    }
  g_rmdir (ts->dir);
  g_clear_pointer (&ts->path, g_free);
  g_clear_pointer (&ts->dir, g_free);
}

static gint64
add_demo_account (DlvStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvProvider) provider = dlv_demo_provider_new ();
  g_autofree char *cursor = dlv_demo_provider_make_cursor (7, 300, 96, dlv_now ());
  gint64 id;

  id = dlv_store_add_account (store, "demo", "Demo", 72, NULL, cursor, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  dlv_poll_account_sync (store, id, provider, 0, NULL, NULL, &error);
  g_assert_no_error (error);

  return id;
}

static void
collect (GtkWidget       *widget,
         WidgetPredicate  predicate,
         const char      *arg,
         GPtrArray       *found)
{
  if (predicate (widget, arg))
    g_ptr_array_add (found, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (child, predicate, arg, found);
}

static GPtrArray *
find_all (GtkWidget       *root,
          WidgetPredicate  predicate,
          const char      *arg)
{
  GPtrArray *found = g_ptr_array_new ();

  collect (root, predicate, arg, found);
  return found;
}

static gboolean
has_css_class (GtkWidget  *widget,
               const char *css_class)
{
  return gtk_widget_has_css_class (widget, css_class);
}

static gboolean
is_label_with_text (GtkWidget  *widget,
                    const char *text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

static gboolean
is_button_with_tooltip (GtkWidget  *widget,
                        const char *tooltip)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0;
}

static gboolean
is_action_row_with_title (GtkWidget  *widget,
                          const char *title)
{
  return ADW_IS_ACTION_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static gboolean
is_type (GtkWidget  *widget,
         const char *type_name)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, g_type_from_name (type_name));
}

static gboolean
contains_label (GtkWidget  *root,
                const char *text)
{
  g_autoptr(GPtrArray) found = find_all (root, is_label_with_text, text);

  return found->len > 0;
}

static GtkWidget *
find_one (GtkWidget       *root,
          WidgetPredicate  predicate,
          const char      *arg)
{
  g_autoptr(GPtrArray) found = find_all (root, predicate, arg);

  g_assert_cmpuint (found->len, >, 0);
  return g_ptr_array_index (found, 0);
}

static GtkWidget *
find_card (GtkWidget  *page,
           const char *domain)
{
  g_autoptr(GPtrArray) cards = find_all (page, has_css_class, "domain-card");

  for (guint i = 0; i < cards->len; i++)
    if (contains_label (g_ptr_array_index (cards, i), domain))
      return g_ptr_array_index (cards, i);

  g_assert_not_reached ();
}

static guint
count_cards (GtkWidget *page)
{
  g_autoptr(GPtrArray) cards = find_all (page, has_css_class, "domain-card");

  return cards->len;
}

/* gtk_widget_activate() would animate the press and click only later. */
static void
click (GtkWidget *button)
{
  g_signal_emit_by_name (button, "clicked");
}

static void
wait_for_draw (GtkWidget *window)
{
  gint64 end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

  gtk_test_widget_wait_for_draw (window);
  /* Drain what is pending, but never forever: an animation or a poll
   * under way keeps sources ready. */
  while (g_main_context_iteration (NULL, FALSE) && g_get_monotonic_time () < end)
    ;
}

/* Lets animations such as a page switch finish before a screenshot. */
static void
settle (GtkWidget *window)
{
  gint64 end = g_get_monotonic_time () + 400 * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  wait_for_draw (window);
}

/* See reference/toolchain.md, "In-process offscreen PNG". */
static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (g_test_get_dir (G_TEST_BUILT), name, NULL);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s", path);
}

static void
read_text_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*text);
}

static char *
read_clipboard (void)
{
  GdkClipboard *clipboard = gdk_display_get_clipboard (gdk_display_get_default ());
  char *text = NULL;

  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  gdk_clipboard_read_text_async (clipboard, NULL, read_text_cb, &text);
  while (text == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  return text;
}

static GtkWidget *
present_page (DlvStore *store,
              int       width,
              int       height)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = g_object_new (DLV_TYPE_DOMAINS_PAGE, NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), page);
  dlv_domains_page_set_store (DLV_DOMAINS_PAGE (page), store);
  dlv_domains_page_reload (DLV_DOMAINS_PAGE (page));
  gtk_window_present (GTK_WINDOW (window));
  wait_for_draw (window);

  return page;
}

static void
add_markup_domain (DlvStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) domains = g_ptr_array_new_with_free_func ((GDestroyNotify) dlv_domain_free);
  DlvDomain *domain = dlv_domain_new (MARKUP_DOMAIN);
  gint64 id;

  id = dlv_store_add_account (store, "demo", MARKUP_ACCOUNT, 72, NULL, NULL, &error);
  g_assert_no_error (error);

  dlv_domain_set_record (domain, DLV_RECORD_DKIM1, DLV_RECORD_STATUS_INVALID,
                         "s1._domainkey.<b>", "CNAME", "<i>x</i>", MARKUP_DETAIL);
  dlv_domain_set_record (domain, DLV_RECORD_DKIM2, DLV_RECORD_STATUS_VALID, NULL, NULL, NULL, NULL);
  g_ptr_array_add (domains, domain);
  dlv_store_replace_domains (store, id, domains, &error);
  g_assert_no_error (error);
}

static void
test_domains_demo (void)
{
  TempStore ts = { 0 };
  GtkWidget *page;
  GtkWidget *window;
  GtkWidget *billing;
  GtkWidget *news;
  GtkWidget *copy;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *copied = NULL;
  int min_width;

  temp_store_init (&ts);
  add_demo_account (ts.store);

  page = present_page (ts.store, 1180, 760);
  window = GTK_WIDGET (gtk_widget_get_root (page));

  g_assert_cmpuint (count_cards (page), ==, 3);
  g_assert_true (contains_label (page, "1 of 3 domains cannot send"));

  billing = find_card (page, BILLING);
  g_assert_true (contains_label (billing, "Sending is blocked: DKIM 1, DKIM 2 and SPF / "
                                          "Return-Path must all be valid"));
  g_assert_true (contains_label (billing, "Invalid"));
  g_assert_true (contains_label (billing, "Missing"));
  g_assert_true (contains_label (billing, "Valid"));
  g_assert_true (contains_label (billing, "Account: Demo"));
  g_assert_true (contains_label (billing, "_dmarc." BILLING));

  news = find_card (page, "news.example-shop.com");
  g_assert_true (contains_label (news, "Ready to send"));
  g_assert_false (contains_label (news, "Invalid"));

  /* The first host of the billing card is DKIM 1's. */
  copy = find_one (billing, is_button_with_tooltip, "Copy host");
  g_signal_emit_by_name (copy, "clicked");
  copied = read_clipboard ();
  g_assert_cmpstr (copied, ==, "s1._domainkey." BILLING);

  save_screenshot (page, "domains-page.png");

  /* A poll that changed nothing keeps every card, with its open rows. */
  before = find_all (page, has_css_class, "domain-card");
  dlv_domains_page_reload (DLV_DOMAINS_PAGE (page));
  after = find_all (page, has_css_class, "domain-card");
  g_assert_cmpuint (before->len, ==, after->len);
  for (guint i = 0; i < before->len; i++)
    g_assert_true (g_ptr_array_index (before, i) == g_ptr_array_index (after, i));

  /* Remote strings are text: markup characters show as they are. */
  add_markup_domain (ts.store);
  dlv_domains_page_reload (DLV_DOMAINS_PAGE (page));
  wait_for_draw (window);
  g_assert_cmpuint (count_cards (page), ==, 4);
  g_assert_true (contains_label (page, MARKUP_DOMAIN));
  g_assert_true (contains_label (page, "Account: " MARKUP_ACCOUNT));
  g_assert_true (contains_label (page, MARKUP_DETAIL));
  g_assert_true (contains_label (page, "s1._domainkey.<b>"));
  g_assert_true (contains_label (page, "<i>x</i>"));
  g_assert_true (find_card (page, BILLING) == billing);

  /* Usable on a phone: nothing forces the page wider than 360 px. */
  gtk_widget_measure (page, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  g_assert_cmpint (min_width, <=, 360);
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 760);
  wait_for_draw (window);
  save_screenshot (page, "domains-page-narrow.png");

  gtk_window_destroy (GTK_WINDOW (window));
  temp_store_clear (&ts);
}

static void
test_domains_empty (void)
{
  TempStore ts = { 0 };
  GtkWidget *page;
  GtkWidget *status;
  GtkWidget *stack;

  temp_store_init (&ts);
  page = present_page (ts.store, 800, 600);

  g_assert_cmpuint (count_cards (page), ==, 0);
  status = find_one (page, is_type, "AdwStatusPage");
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status)), ==,
                   "No sending domains yet");
  g_assert_true (gtk_widget_get_mapped (status));

  /* Domains arriving with a later poll replace the empty state. */
  add_demo_account (ts.store);
  dlv_domains_page_reload (DLV_DOMAINS_PAGE (page));
  wait_for_draw (GTK_WIDGET (gtk_widget_get_root (page)));
  g_assert_cmpuint (count_cards (page), ==, 3);
  stack = find_one (page, is_type, "GtkStack");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "domains");

  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (page)));
  temp_store_clear (&ts);
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }

  return NULL;
}

/* As a click on a response button does; the emission alone does not close. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static GtkWindow *
find_account_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (DLV_IS_ACCOUNT_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return GTK_WINDOW (window);
    }

  return NULL;
}

static void
test_preferences (void)
{
  g_autoptr(DlvApplication) app = dlv_application_new ();
  g_autoptr(GError) error = NULL;
  GSettings *settings;
  DlvPoller *poller;
  DlvPreferencesWindow *prefs;
  gint64 end;
  GtkWidget *row;
  GtkWidget *spin;
  AdwMessageDialog *dialog;
  GtkWindow *account_dialog;
  g_autoptr(GPtrArray) accounts = NULL;

  /* No bus name: the test must not meet a running Deliverability. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (dlv_application_get_store (app));
  g_assert_true (g_str_has_prefix (dlv_store_get_path (dlv_application_get_store (app)),
                                  data_home));
  settings = dlv_application_get_settings (app);
  poller = dlv_application_get_poller (app);

  prefs = dlv_preferences_window_new (app);
  gtk_window_present (GTK_WINDOW (prefs));
  wait_for_draw (GTK_WIDGET (prefs));

  row = find_one (GTK_WIDGET (prefs), is_action_row_with_title, "Demo");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                            "Simulated platform"));

  /* The application polls once its window shows; here there is none, so
   * poll now. The list follows each poll. */
  dlv_poller_poll_now (poller);
  end = g_get_monotonic_time () + 60 * G_TIME_SPAN_SECOND;
  while (dlv_poller_get_last_success (poller) == 0 && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_null (dlv_poller_get_last_error (poller));
  row = find_one (GTK_WIDGET (prefs), is_action_row_with_title, "Demo");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                            "Last updated just now"));

  /* The spin button and the setting follow each other. */
  spin = find_one (GTK_WIDGET (prefs), is_type, "GtkSpinButton");
  g_settings_set_uint (settings, "poll-interval", 120);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), ==, 120);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 300);
  g_assert_cmpuint (g_settings_get_uint (settings, "poll-interval"), ==, 300);

  /* Add Account opens the account dialog (tests/test-preferences.c
   * covers it); closing it adds nothing. */
  click (find_one (GTK_WIDGET (prefs), is_button_with_tooltip,
                  "Add an account of a sending platform"));
  account_dialog = find_account_dialog ();
  g_assert_nonnull (account_dialog);
  gtk_window_destroy (account_dialog);
  wait_for_draw (GTK_WIDGET (prefs));

  save_screenshot (GTK_WIDGET (prefs), "preferences-general.png");
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (prefs), "accounts");
  settle (GTK_WIDGET (prefs));
  save_screenshot (GTK_WIDGET (prefs), "preferences-accounts.png");

  click (find_one (row, is_button_with_tooltip, "Remove account"));
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Remove “Demo”?");
  respond (dialog, "remove");

  /* Removed in a worker, the window staying responsive meanwhile. */
  {
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    do
      {
        g_clear_pointer (&accounts, g_ptr_array_unref);
        accounts = dlv_store_list_accounts (dlv_application_get_store (app), &error);
        g_assert_no_error (error);
        g_main_context_iteration (NULL, FALSE);
      }
    while (accounts->len > 0 && g_get_monotonic_time () < deadline);
  }
  g_assert_cmpuint (accounts->len, ==, 0);
  settle (GTK_WIDGET (prefs));
  g_assert_nonnull (find_one (GTK_WIDGET (prefs), is_action_row_with_title, "No accounts"));

  gtk_window_destroy (GTK_WINDOW (prefs));
  dlv_poller_stop (poller);
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_clear_pointer (&dir, g_dir_close);
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GtkCssProvider) css = NULL;
  int status;

  /* The preferences test runs the application, which opens the default
   * store: never the user's own, even when run outside run-headless.sh.
   * Set before GTK reads the data directory and caches it. */
  data_home = g_dir_make_tmp ("dlv-test-data-XXXXXX", NULL);
  g_assert_nonnull (data_home);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  /* AdwApplication loads the app's style sheet; bare pages need it too. */
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, RESOURCE_BASE "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  g_test_add_func ("/dlv/domains-page/demo", test_domains_demo);
  g_test_add_func ("/dlv/domains-page/empty", test_domains_empty);
  g_test_add_func ("/dlv/preferences/accounts", test_preferences);

  status = g_test_run ();
  remove_tree (data_home);
  g_clear_pointer (&data_home, g_free);

  return status;
}
