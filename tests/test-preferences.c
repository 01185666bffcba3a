/* test-preferences.c: accounts added, tested, edited and removed in Preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real application on a throwaway store, a real keyring (run-headless.sh)
 * and a local Mailgun (dlv-test-server) behind the dialog's custom base URL.
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "dlv-account-dialog.h"
#include "dlv-application.h"
#include "dlv-demo-provider.h"
#include "dlv-preferences-window.h"
#include "dlv-providers.h"
#include "dlv-secrets.h"
#include "dlv-test-util.h"
#include "dlv-util.h"

#define KEY "key-7hq2prefs0secret9zx4wv81mn3kd5"
#define NEW_KEY "key-5second0rotated7key2fy9ux4qp6"

typedef gboolean (*WidgetPredicate) (GtkWidget  *widget,
                                     const char *arg);

static char *data_home;
static char *store_path;
static DlvApplication *app;
static DlvPreferencesWindow *prefs;
static DlvTestServer *server;
static GString *log_text;
static GMutex log_lock;
static gint64 account_id;

static const char * const dns[] = {
  "_dmarc.example.com", "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com",
  NULL,
};

/* Every log line, debug included, to prove no key is ever written there. */
static GLogWriterOutput
capture_writer (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  g_mutex_lock (&log_lock);
  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
      {
        if (fields[i].length < 0)
          g_string_append (log_text, fields[i].value);
        else
          g_string_append_len (log_text, fields[i].value, fields[i].length);
        g_string_append_c (log_text, '\n');
      }
  g_mutex_unlock (&log_lock);

  if (log_level & G_LOG_LEVEL_DEBUG)
    return G_LOG_WRITER_HANDLED;

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static GLogFunc default_handler;

/* The same for g_log(), which GLib's and our own g_debug() use. */
static void
capture_handler (const char     *log_domain,
                 GLogLevelFlags  log_level,
                 const char     *message,
                 gpointer        user_data)
{
  g_mutex_lock (&log_lock);
  g_string_append (log_text, message);
  g_string_append_c (log_text, '\n');
  g_mutex_unlock (&log_lock);

  if (!(log_level & G_LOG_LEVEL_DEBUG))
    default_handler (log_domain, log_level, message, NULL);
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

static GtkWidget *
find_maybe (GtkWidget       *root,
            WidgetPredicate  predicate,
            const char      *arg)
{
  g_autoptr(GPtrArray) found = find_all (root, predicate, arg);

  return found->len > 0 ? g_ptr_array_index (found, 0) : NULL;
}

static GtkWidget *
find_one (GtkWidget       *root,
          WidgetPredicate  predicate,
          const char      *arg)
{
  GtkWidget *widget = find_maybe (root, predicate, arg);

  if (widget == NULL)
    g_error ("No widget for “%s”", arg);
  return widget;
}

static gboolean
is_row_with_title (GtkWidget  *widget,
                   const char *title)
{
  return ADW_IS_PREFERENCES_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static gboolean
is_button_with_tooltip (GtkWidget  *widget,
                        const char *tooltip)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0;
}

static gboolean
is_button_with_label (GtkWidget  *widget,
                      const char *label)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static gboolean
is_label_containing (GtkWidget  *widget,
                     const char *text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) &&
         strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL;
}

/* A row of the dialog by the start of its title, mnemonic included. */
static gboolean
is_row_titled (GtkWidget  *widget,
               const char *prefix)
{
  const char *title;
  g_autoptr(GString) plain = NULL;

  if (!ADW_IS_PREFERENCES_ROW (widget))
    return FALSE;

  title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
  plain = g_string_new (title);
  g_string_replace (plain, "_", "", 0);
  return g_str_has_prefix (plain->str, prefix);
}

/* Alt + a letter reaches the row's text. */
static gboolean
has_mnemonic_for (GtkWidget  *widget,
                  const char *unused)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) &&
         gtk_label_get_mnemonic_keyval (GTK_LABEL (widget)) != GDK_KEY_VoidSymbol &&
         gtk_label_get_mnemonic_widget (GTK_LABEL (widget)) != NULL;
}

static guint
row_mnemonic (GtkWidget *row)
{
  GtkWidget *label = find_maybe (row, has_mnemonic_for, NULL);

  return label != NULL ? gtk_label_get_mnemonic_keyval (GTK_LABEL (label)) : GDK_KEY_VoidSymbol;
}

static void
iterate_until (gboolean (*done) (gpointer),
               gpointer   data,
               guint      seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!done (data))
    {
      if (g_get_monotonic_time () > end)
        g_error ("Timed out waiting");
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
wait_for_draw (GtkWidget *window)
{
  gtk_test_widget_wait_for_draw (window);
  iterate_for (300);
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

  node = last_frame (widget, &width, &height);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s", path);
}

/* As a click does, without the press animation. */
static void
click (GtkWidget *button)
{
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static void
type_into (GtkWidget  *row,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

/* Enter in an entry row, as the keyboard does it: in the focused row. */
static void
press_enter (GtkWidget *row)
{
  g_assert_true (gtk_widget_grab_focus (row));
  g_signal_emit_by_name (gtk_editable_get_delegate (GTK_EDITABLE (row)), "activate");
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

static DlvAccountDialog *
find_account_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (DLV_IS_ACCOUNT_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return DLV_ACCOUNT_DIALOG (window);
    }

  return NULL;
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static gboolean
is_visible (gpointer data)
{
  return gtk_widget_get_visible (data);
}

static DlvAccountDialog *
open_add_dialog (void)
{
  DlvAccountDialog *dialog;

  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (prefs), "accounts");
  click (find_one (GTK_WIDGET (prefs), is_button_with_tooltip,
                   "Add an account of a sending platform"));
  dialog = find_account_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (prefs));
  wait_for_draw (GTK_WIDGET (dialog));

  return dialog;
}

static void
select_provider (DlvAccountDialog *dialog,
                 const char       *name)
{
  AdwComboRow *row = ADW_COMBO_ROW (find_one (GTK_WIDGET (dialog), is_row_titled, "Provider"));
  const DlvProviderInfo * const *list = dlv_providers_list ();
  GListModel *titles = adw_combo_row_get_model (row);

  g_assert_cmpuint (g_list_model_get_n_items (titles), >, 0);
  for (guint i = 0; list[i] != NULL; i++)
    {
      g_autoptr(GtkStringObject) title = g_list_model_get_item (titles, i);

      /* The combo lists the registry, in order, by title. */
      g_assert_cmpstr (gtk_string_object_get_string (title), ==, list[i]->title);
      if (g_strcmp0 (list[i]->name, name) == 0)
        adw_combo_row_set_selected (row, i);
    }
  g_assert_cmpstr (list[adw_combo_row_get_selected (row)]->name, ==, name);
}

static GtkWidget *
dialog_row (DlvAccountDialog *dialog,
            const char       *title)
{
  return find_one (GTK_WIDGET (dialog), is_row_titled, title);
}

static GtkWidget *
save_button (DlvAccountDialog *dialog)
{
  GtkWidget *button = gtk_window_get_default_widget (GTK_WINDOW (dialog));

  g_assert_true (GTK_IS_BUTTON (button));
  return button;
}

static GtkWidget *
problem_label (DlvAccountDialog *dialog)
{
  GtkWidget *box = find_one (GTK_WIDGET (dialog), is_button_with_label, "_Test Connection");

  /* The label above the Test Connection button. */
  box = gtk_widget_get_parent (gtk_widget_get_parent (box));
  return gtk_widget_get_first_child (box);
}

static GtkWidget *
test_result_label (DlvAccountDialog *dialog)
{
  GtkWidget *button = find_one (GTK_WIDGET (dialog), is_button_with_label, "_Test Connection");
  GtkWidget *result_box = gtk_widget_get_next_sibling (gtk_widget_get_parent (button));

  return gtk_widget_get_last_child (result_box);
}

static void
press_test_connection (DlvAccountDialog *dialog)
{
  GtkWidget *button = find_one (GTK_WIDGET (dialog), is_button_with_label, "_Test Connection");
  GtkWidget *label = test_result_label (dialog);
  GtkWidget *spinner = gtk_widget_get_next_sibling (button);

  g_assert_true (GTK_IS_SPINNER (spinner));
  click (button);
  /* The worker runs while the window stays responsive. */
  g_assert_false (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_widget_get_visible (spinner));
  g_assert_true (gtk_spinner_get_spinning (GTK_SPINNER (spinner)));
  iterate_until (is_visible, gtk_widget_get_parent (label), 20);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_false (gtk_widget_get_visible (spinner));
}

static DlvAccount *
get_account (gint64 id)
{
  g_autoptr(GError) error = NULL;
  DlvAccount *account = dlv_store_get_account (dlv_application_get_store (app), id, &error);

  g_assert_no_error (error);
  return account;
}

static guint
count_accounts (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = dlv_store_list_accounts (dlv_application_get_store (app), &error);

  g_assert_no_error (error);
  return accounts->len;
}

static gboolean
accounts_fewer_than (gpointer data)
{
  return count_accounts () < GPOINTER_TO_UINT (data);
}

static char *
lookup_key (gint64        id,
            DlvSecretKind kind)
{
  g_autoptr(GError) error = NULL;
  char *value = dlv_secrets_lookup_sync (store_path, id, kind, NULL, &error);
  char *copy;

  g_assert_no_error (error);
  copy = g_strdup (value);
  dlv_secrets_free (value);
  return copy;
}

static gboolean
polled_since (gpointer data)
{
  const gint64 *since = data;
  g_autoptr(DlvAccount) account = get_account (account_id);

  return account->last_poll_at >= *since && account->last_success_at >= *since &&
         !dlv_poller_get_polling (dlv_application_get_poller (app));
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;

  for (gsize i = 0; i + strlen (needle) <= length; i++)
    if (memcmp (contents + i, needle, strlen (needle)) == 0)
      return TRUE;

  return FALSE;
}

/* A key may be in the keyring and in memory; nowhere else. */
static void
assert_key_nowhere (const char *key)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };
  GSettings *settings = dlv_application_get_settings (app);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;
  g_autofree char *wal = g_strconcat (store_path, "-wal", NULL);

  g_assert_true (g_file_test (store_path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (store_path, suffixes[i], NULL);

      g_assert_false (file_contains (path, key));
    }

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  g_assert_cmpuint (g_strv_length (keys), >, 0);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_settings_get_value (settings, keys[i]);
      g_autofree char *printed = g_variant_print (value, FALSE);

      g_assert_null (strstr (printed, key));
    }

  g_mutex_lock (&log_lock);
  g_assert_null (strstr (log_text->str, key));
  g_mutex_unlock (&log_lock);
}

static GtkWidget *
account_row (const char *name)
{
  return find_one (GTK_WIDGET (prefs), is_row_with_title, name);
}

static void
test_add_account (void)
{
  DlvAccountDialog *dialog = open_add_dialog ();
  g_autoptr(DlvAccount) account = NULL;
  g_autoptr(DlvAccountSettings) settings = NULL;
  g_autofree char *key = NULL;
  g_autofree char *secret = NULL;
  GtkWidget *advanced;
  GtkWidget *label;
  GtkWidget *row;
  GtkWidget *focus;
  GtkWidget *first;
  const char *subtitle;
  guint before = count_accounts ();
  gint64 started = dlv_now ();

  /* Typing can start at once: in the provider choice, or in the key when
   * there is nothing to choose. */
  focus = gtk_root_get_focus (GTK_ROOT (dialog));
  first = dlv_providers_list ()[1] == NULL ? dialog_row (dialog, "Private API key")
                                           : dialog_row (dialog, "Provider");
  g_assert_true (focus == first || gtk_widget_is_ancestor (focus, first));
  select_provider (dialog, "mailgun");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "Add Account");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (save_button (dialog))), ==, "_Add");
  g_assert_false (gtk_widget_is_sensitive (save_button (dialog)));

  /* Everything the form shows comes from the provider's info. */
  g_assert_true (gtk_widget_get_visible (dialog_row (dialog, "Private API key")));
  g_assert_true (ADW_IS_PASSWORD_ENTRY_ROW (dialog_row (dialog, "Private API key")));
  g_assert_true (gtk_widget_get_visible (dialog_row (dialog, "Region")));
  g_assert_true (gtk_widget_get_visible (dialog_row (dialog, "Sending domain")));
  g_assert_nonnull (find_maybe (GTK_WIDGET (dialog), is_label_containing,
                                "Account → API Security"));
  g_assert_nonnull (find_maybe (GTK_WIDGET (dialog), is_label_containing, "reports DMARC nowhere"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (problem_label (dialog))), ==,
                   "Fill in “Private API key” to continue.");
  save_screenshot (GTK_WIDGET (dialog), "account-dialog-add.png");

  /* Every field has its own Alt shortcut, the provider's key included. */
  {
    const char *rows[] = { "Provider", "Name", "Private API key", "Region", "Sending domain",
                           "Custom base URL" };
    g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

    for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
      {
        guint keyval = gdk_keyval_to_lower (row_mnemonic (dialog_row (dialog, rows[i])));

        g_test_message ("%s: %s", rows[i], gdk_keyval_name (keyval));
        g_assert_cmpuint (keyval, !=, GDK_KEY_VoidSymbol);
        g_assert_false (g_hash_table_contains (seen, GUINT_TO_POINTER (keyval)));
        g_hash_table_add (seen, GUINT_TO_POINTER (keyval));
      }
  }

  type_into (dialog_row (dialog, "Name"), "Newsletters");
  type_into (dialog_row (dialog, "Private API key"), KEY);
  type_into (dialog_row (dialog, "Sending domain"), "mg.example.com");
  advanced = dialog_row (dialog, "Advanced");
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (advanced), TRUE);
  type_into (dialog_row (dialog, "Custom base URL"), dlv_test_server_get_url (server));
  g_assert_false (gtk_widget_get_visible (problem_label (dialog)));
  g_assert_true (gtk_widget_is_sensitive (save_button (dialog)));

  press_test_connection (dialog);
  label = test_result_label (dialog);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==,
                   "The key works: it can read delivery events and 1 sending domain.");
  g_assert_true (gtk_widget_has_css_class (label, "success"));
  g_assert_false (gtk_label_get_use_markup (GTK_LABEL (label)));
  g_assert_cmpuint (dlv_test_server_count (server, "/v3/mg.example.com/events?begin="), ==, 1);
  g_assert_cmpuint (dlv_test_server_count (server, "/v4/domains/mg.example.com"), ==, 1);
  /* Testing saves nothing. */
  g_assert_cmpuint (count_accounts (), ==, before);
  wait_for_draw (GTK_WIDGET (dialog));
  save_screenshot (GTK_WIDGET (dialog), "account-dialog-tested.png");

  /* Enter in any field saves once the form is complete. */
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  press_enter (dialog_row (dialog, "Sending domain"));
  iterate_until (is_null, &dialog, 20);

  g_assert_cmpuint (count_accounts (), ==, before + 1);
  row = account_row ("Newsletters");
  account_id = 0;
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) accounts = dlv_store_list_accounts (dlv_application_get_store (app),
                                                             &error);

    for (guint i = 0; i < accounts->len; i++)
      if (g_strcmp0 (((DlvAccount *) g_ptr_array_index (accounts, i))->name, "Newsletters") == 0)
        account_id = ((DlvAccount *) g_ptr_array_index (accounts, i))->id;
  }
  g_assert_cmpint (account_id, >, 0);

  account = get_account (account_id);
  g_assert_cmpstr (account->provider, ==, "mailgun");
  g_assert_cmpuint (account->retry_window_hours, ==,
                    dlv_providers_lookup ("mailgun")->retry_window_hours);
  settings = dlv_account_settings_parse (account->settings);
  g_assert_cmpstr (settings->domain, ==, "mg.example.com");
  g_assert_cmpstr (settings->base_url, ==, dlv_test_server_get_url (server));
  g_assert_null (settings->region);
  g_assert_null (strstr (account->settings, KEY));

  key = lookup_key (account_id, DLV_SECRET_API_KEY);
  g_assert_cmpstr (key, ==, KEY);
  secret = lookup_key (account_id, DLV_SECRET_API_SECRET);
  g_assert_null (secret);

  /* Saving polls at once; the row follows. */
  iterate_until (polled_since, &started, 30);
  iterate_for (200);
  g_clear_pointer (&account, dlv_account_free);
  account = get_account (account_id);
  g_assert_null (account->last_error);
  g_assert_cmpint (account->caught_up_at, >, 0);
  row = account_row ("Newsletters");
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
  g_assert_cmpstr (subtitle, ==, "Mailgun · Last updated just now · History complete");
  g_assert_nonnull (find_maybe (row, is_button_with_tooltip, "Edit account"));
  g_assert_nonnull (find_maybe (row, is_button_with_tooltip, "Remove account"));

  /* The demo has nothing to edit. */
  g_assert_null (find_maybe (account_row ("Demo"), is_button_with_tooltip, "Edit account"));

  assert_key_nowhere (KEY);

  wait_for_draw (GTK_WIDGET (prefs));
  save_screenshot (GTK_WIDGET (prefs), "preferences-accounts.png");
}

static gboolean
row_says_catching_up (gpointer data)
{
  GtkWidget *row = find_maybe (GTK_WIDGET (prefs), is_row_with_title, data);

  return row != NULL &&
         strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Catching up") != NULL;
}

static gint64
first_begin (const char *match)
{
  GPtrArray *log = dlv_test_server_get_log (server);

  for (guint i = 0; i < log->len; i++)
    {
      const char *line = g_ptr_array_index (log, i);
      const char *begin = strstr (line, "begin=");

      if (strstr (line, match) != NULL && begin != NULL)
        return g_ascii_strtoll (begin + strlen ("begin="), NULL, 10);
    }

  return 0;
}

static void
test_edit_account (void)
{
  DlvAccountDialog *dialog;
  g_autoptr(DlvAccount) before = get_account (account_id);
  g_autoptr(DlvAccount) after = NULL;
  g_autoptr(DlvAccountSettings) settings = NULL;
  g_autofree char *key = NULL;
  GtkWidget *key_row;
  GtkWidget *group;
  GtkWidget *row;
  gint64 started;
  gint64 begin;

  g_assert_nonnull (before->cursor);
  click (find_one (account_row ("Newsletters"), is_button_with_tooltip, "Edit account"));
  dialog = find_account_dialog ();
  g_assert_nonnull (dialog);
  wait_for_draw (GTK_WIDGET (dialog));

  /* Prefilled, without the provider choice and without the key. */
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "Edit Account");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (save_button (dialog))), ==, "_Save");
  g_assert_false (gtk_widget_get_visible (dialog_row (dialog, "Provider")));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dialog_row (dialog, "Name"))), ==,
                   "Newsletters");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dialog_row (dialog, "Sending domain"))), ==,
                   "mg.example.com");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dialog_row (dialog, "Custom base URL"))),
                   ==, dlv_test_server_get_url (server));
  key_row = dialog_row (dialog, "Private API key");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (key_row)), ==, "");
  group = gtk_widget_get_ancestor (key_row, ADW_TYPE_PREFERENCES_GROUP);
  g_assert_cmpstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (group)), ==,
                   "The saved key is kept unless you type a new one.");
  g_assert_true (gtk_widget_is_sensitive (save_button (dialog)));

  /* Testing an edited account uses the saved key. */
  press_test_connection (dialog);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (test_result_label (dialog))),
                                   "The key works"));
  save_screenshot (GTK_WIDGET (dialog), "account-dialog-edit.png");

  /* Rename and move to another domain; its first page is held back, so
   * the reset position can be seen before the poll moves it on. */
  type_into (dialog_row (dialog, "Name"), "Renamed");
  type_into (dialog_row (dialog, "Sending domain"), "news.example.com");
  started = dlv_now ();
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  click (save_button (dialog));
  iterate_until (is_null, &dialog, 20);

  after = get_account (account_id);
  g_assert_cmpstr (after->name, ==, "Renamed");
  settings = dlv_account_settings_parse (after->settings);
  g_assert_cmpstr (settings->domain, ==, "news.example.com");
  g_assert_cmpstr (settings->base_url, ==, dlv_test_server_get_url (server));
  g_assert_null (after->cursor);
  g_assert_cmpint (after->caught_up_at, ==, 0);
  iterate_until (row_says_catching_up, (gpointer) "Renamed", 5);

  /* The key was kept, under the new name. */
  key = lookup_key (account_id, DLV_SECRET_API_KEY);
  g_assert_cmpstr (key, ==, KEY);

  /* The new domain is read from the start of the provider's history. */
  iterate_until (polled_since, &started, 30);
  begin = first_begin ("/v3/news.example.com/events?");
  g_assert_cmpint (begin, >, 0);
  g_assert_cmpint (begin, <, dlv_now () - 29 * 24 * 3600);
  g_clear_pointer (&after, dlv_account_free);
  after = get_account (account_id);
  g_assert_null (after->last_error);

  /* A rename alone keeps the position. */
  dialog = DLV_ACCOUNT_DIALOG (dlv_account_dialog_new (app, account_id));
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (prefs));
  gtk_window_present (GTK_WINDOW (dialog));
  wait_for_draw (GTK_WIDGET (dialog));
  type_into (dialog_row (dialog, "Name"), "Renamed again");
  type_into (dialog_row (dialog, "Private API key"), NEW_KEY);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  click (save_button (dialog));
  iterate_until (is_null, &dialog, 20);
  g_clear_pointer (&before, dlv_account_free);
  before = g_steal_pointer (&after);
  after = get_account (account_id);
  g_assert_cmpstr (after->name, ==, "Renamed again");
  g_assert_nonnull (after->cursor);
  g_clear_pointer (&key, g_free);
  key = lookup_key (account_id, DLV_SECRET_API_KEY);
  g_assert_cmpstr (key, ==, NEW_KEY);

  iterate_until (polled_since, &started, 30);
  assert_key_nowhere (KEY);
  assert_key_nowhere (NEW_KEY);

  /* A provider's error is shown as text, markup characters and all. */
  g_assert_true (dlv_store_set_account_status (dlv_application_get_store (app), account_id,
                                               dlv_now (), "HTTP 401: <b>Forbidden</b> & more",
                                               NULL));
  g_signal_emit_by_name (dlv_application_get_poller (app), "updated", 0);
  row = account_row ("Renamed again");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                            "\nLast error: HTTP 401: <b>Forbidden</b> & more"));
  g_assert_false (adw_preferences_row_get_use_markup (ADW_PREFERENCES_ROW (row)));
  wait_for_draw (GTK_WIDGET (prefs));
  save_screenshot (GTK_WIDGET (prefs), "preferences-accounts-error.png");
}

static gboolean
key_gone (gpointer data)
{
  g_autofree char *key = lookup_key (account_id, DLV_SECRET_API_KEY);

  return key == NULL;
}

static void
test_remove_account (void)
{
  AdwMessageDialog *dialog;
  guint before = count_accounts ();
  GtkWidget *row = account_row ("Renamed again");

  click (find_one (row, is_button_with_tooltip, "Remove account"));
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Remove “Renamed again”?");
  adw_message_dialog_response (dialog, "remove");
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Removed in a worker: the row says so, and the window stays responsive. */
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "Removing…");
  g_assert_false (gtk_widget_get_sensitive (row));
  iterate_until (accounts_fewer_than, GUINT_TO_POINTER (before), 10);
  g_assert_cmpuint (count_accounts (), ==, before - 1);
  iterate_until (key_gone, NULL, 10);
  iterate_for (300);
  g_assert_null (find_maybe (GTK_WIDGET (prefs), is_row_with_title, "Renamed again"));
  g_assert_nonnull (find_maybe (GTK_WIDGET (prefs), is_row_with_title, "Demo"));
}

static void
test_validation (void)
{
  DlvAccountDialog *dialog = open_add_dialog ();
  GtkWidget *problem;
  GtkWidget *base_url;
  GtkWidget *result;
  guint before = count_accounts ();
  int min_width;

  select_provider (dialog, "mailgun");
  problem = problem_label (dialog);
  base_url = dialog_row (dialog, "Custom base URL");

  /* No domain: said in words, and neither Add nor Enter saves. */
  type_into (dialog_row (dialog, "Private API key"), KEY);
  g_assert_true (gtk_widget_get_visible (problem));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (problem)), ==,
                   "Type the sending domain: Mailgun reads events per domain.");
  g_assert_false (gtk_widget_is_sensitive (save_button (dialog)));
  g_assert_false (gtk_widget_is_sensitive (find_one (GTK_WIDGET (dialog), is_button_with_label,
                                                     "_Test Connection")));
  press_enter (dialog_row (dialog, "Private API key"));
  iterate_for (100);
  g_assert_true (find_account_dialog () == dialog);
  g_assert_cmpuint (count_accounts (), ==, before);

  /* Not a domain name. */
  type_into (dialog_row (dialog, "Sending domain"), "https://mg.example.com/");
  g_assert_true (gtk_widget_has_css_class (problem, "error"));
  g_assert_true (gtk_widget_has_css_class (dialog_row (dialog, "Sending domain"), "error"));
  g_assert_false (gtk_widget_is_sensitive (save_button (dialog)));

  /* Keys never travel over plain http, but to this computer. */
  type_into (dialog_row (dialog, "Sending domain"), "mg.example.com");
  g_assert_false (gtk_widget_has_css_class (dialog_row (dialog, "Sending domain"), "error"));
  type_into (base_url, "http://api.example.com");
  g_assert_true (gtk_widget_get_visible (problem));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (problem)), ==,
                   "“http://api.example.com” is not a secure address: API keys are only sent "
                   "over https");
  g_assert_true (gtk_widget_has_css_class (problem, "error"));
  g_assert_true (gtk_widget_has_css_class (base_url, "error"));
  g_assert_true (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (dialog_row (dialog,
                                                                               "Advanced"))));
  g_assert_false (gtk_widget_is_sensitive (save_button (dialog)));
  press_enter (base_url);
  iterate_for (100);
  g_assert_cmpuint (count_accounts (), ==, before);
  wait_for_draw (GTK_WIDGET (dialog));
  save_screenshot (GTK_WIDGET (dialog), "account-dialog-invalid.png");

  type_into (base_url, "https://api.example.com");
  g_assert_false (gtk_widget_get_visible (problem));
  g_assert_false (gtk_widget_has_css_class (base_url, "error"));
  g_assert_true (gtk_widget_is_sensitive (save_button (dialog)));

  /* A refused key is told as an error, the provider's text as text. */
  type_into (dialog_row (dialog, "Sending domain"), "refused.example.com");
  type_into (base_url, dlv_test_server_get_url (server));
  press_test_connection (dialog);
  result = test_result_label (dialog);
  g_assert_true (gtk_widget_has_css_class (result, "error"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (result)), !=, "");
  g_assert_false (gtk_label_get_use_markup (GTK_LABEL (result)));
  /* A change hides a result that no longer applies. */
  wait_for_draw (GTK_WIDGET (dialog));
  save_screenshot (GTK_WIDGET (dialog), "account-dialog-refused.png");
  type_into (dialog_row (dialog, "Sending domain"), "mg.example.com");
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_parent (result)));

  /* Phone width: nothing clipped, nothing forces it wider. */
  gtk_widget_measure (GTK_WIDGET (dialog), GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL,
                      NULL, NULL);
  g_assert_cmpint (min_width, <=, 360);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 360, 720);
  wait_for_draw (GTK_WIDGET (dialog));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (dialog)), <=, 360);
  save_screenshot (GTK_WIDGET (dialog), "account-dialog-narrow.png");

  /* Escape cancels and saves nothing. */
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "window.close", NULL));
  iterate_until (is_null, &dialog, 5);
  g_assert_cmpuint (count_accounts (), ==, before);
}

static gboolean
problem_shown (gpointer data)
{
  GtkWidget *label = problem_label (data);

  return gtk_widget_get_visible (label) && gtk_widget_has_css_class (label, "error");
}

/* With no Secret Service the account is not kept, and the dialog says why. */
static void
test_keyring_refuses (void)
{
  DlvAccountDialog *dialog;
  guint before;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  before = count_accounts ();
  dialog = open_add_dialog ();
  select_provider (dialog, "mailgun");
  type_into (dialog_row (dialog, "Name"), "No keyring");
  type_into (dialog_row (dialog, "Private API key"), KEY);
  type_into (dialog_row (dialog, "Sending domain"), "mg.example.com");
  type_into (dialog_row (dialog, "Custom base URL"), dlv_test_server_get_url (server));
  click (save_button (dialog));
  iterate_until (problem_shown, dialog, 30);

  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (problem_label (dialog))),
                                   "The account was not added. The keyring could not be "
                                   "used"));
  g_assert_true (find_account_dialog () == dialog);
  g_assert_true (gtk_widget_is_sensitive (save_button (dialog)));
  g_assert_cmpuint (count_accounts (), ==, before);
  assert_key_nowhere (KEY);
  wait_for_draw (GTK_WIDGET (dialog));
  save_screenshot (GTK_WIDGET (dialog), "account-dialog-keyring-error.png");
}

/* Every registered provider gets the rows its info asks for. */
static void
test_every_provider (void)
{
  DlvAccountDialog *dialog = open_add_dialog ();
  const DlvProviderInfo * const *list = dlv_providers_list ();
  gboolean secret_shot = FALSE;

  for (guint i = 0; list[i] != NULL; i++)
    {
      g_autofree char *shot = g_strdup_printf ("account-dialog-narrow-%s.png", list[i]->name);
      const DlvProviderInfo *info = list[i];
      g_autofree char *hint = g_strdup_printf ("Fill in “%s” to continue.", info->key_label);
      GtkWidget *key;

      select_provider (dialog, info->name);
      key = dialog_row (dialog, info->key_label);
      g_assert_true (gtk_widget_get_visible (key));
      g_assert_true (ADW_IS_PASSWORD_ENTRY_ROW (key));
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (problem_label (dialog))), ==, hint);
      g_assert_cmpint (gtk_widget_get_visible (dialog_row (dialog, "Sending domain")), ==,
                       (info->needs & DLV_PROVIDER_NEEDS_DOMAIN) != 0);
      g_assert_cmpint (gtk_widget_get_visible (dialog_row (dialog, "Region")), ==,
                       dlv_provider_info_has_region (info));
      g_assert_nonnull (find_maybe (GTK_WIDGET (dialog), is_label_containing, info->key_help));
      if (info->secret_label != NULL)
        {
          GtkWidget *secret = dialog_row (dialog, info->secret_label);

          g_assert_true (gtk_widget_get_visible (secret));
          g_assert_true (secret != key);
          /* The key alone is enough only when the secret is optional. */
          type_into (key, KEY);
          type_into (dialog_row (dialog, "Sending domain"), "mg.example.com");
          g_assert_cmpint (gtk_widget_is_sensitive (save_button (dialog)), ==,
                           !(info->needs & DLV_PROVIDER_NEEDS_SECRET));
          type_into (key, "");
          type_into (dialog_row (dialog, "Sending domain"), "");
          if (!secret_shot && (info->needs & DLV_PROVIDER_NEEDS_SECRET))
            {
              wait_for_draw (GTK_WIDGET (dialog));
              save_screenshot (GTK_WIDGET (dialog), "account-dialog-secret.png");
              secret_shot = TRUE;
            }
        }
      /* At phone width, long labels (Postmark's optional token) still fit. */
      gtk_window_set_default_size (GTK_WINDOW (dialog), 360, 720);
      wait_for_draw (GTK_WIDGET (dialog));
      save_screenshot (GTK_WIDGET (dialog), shot);
      gtk_window_set_default_size (GTK_WINDOW (dialog), 540, 700);

      if (dlv_provider_info_has_region (info))
        {
          GtkWidget *region = dialog_row (dialog, "Region");
          GListModel *regions = adw_combo_row_get_model (ADW_COMBO_ROW (region));

          g_assert_cmpuint (g_list_model_get_n_items (regions), ==, 2);
        }
    }

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_window_close (GTK_WINDOW (dialog));
  iterate_until (is_null, &dialog, 5);
}

static void
test_narrow_preferences (void)
{
  GtkWidget *group = gtk_widget_get_ancestor (account_row ("Demo"), ADW_TYPE_PREFERENCES_GROUP);
  int min_width;

  /* The accounts never force the window wider than a phone. */
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (prefs), "accounts");
  gtk_widget_measure (group, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  g_assert_cmpint (min_width, <=, 360 - 2 * 12);
  gtk_window_set_default_size (GTK_WINDOW (prefs), 360, 640);
  wait_for_draw (GTK_WIDGET (prefs));
  save_screenshot (GTK_WIDGET (prefs), "preferences-accounts-narrow.png");
  gtk_window_set_default_size (GTK_WINDOW (prefs), 640, 600);
  wait_for_draw (GTK_WIDGET (prefs));
}

static void
serve_mailgun (void)
{
  DlvTestReply slow = {
    .status = 200, .body = "@mailgun/empty.json", .mode = DLV_TEST_REPLY_SLOW, .delay_ms = 1500,
  };

  dlv_test_server_add_status (server, "GET", "/v3/mg.example.com/events?", 200,
                              "@mailgun/page1.json");
  dlv_test_server_add_status (server, "GET", "/events/PAGE2", 200, "@mailgun/page2.json");
  dlv_test_server_add_status (server, "GET", "/events/PAGE3", 200, "@mailgun/empty.json");
  dlv_test_server_add_status (server, "GET", "/v4/domains/mg.example.com", 200,
                              "@mailgun/domain.json");
  dlv_test_server_add (server, "GET", "/v3/news.example.com/events?", &slow);
  dlv_test_server_add_status (server, "GET", "/v4/domains/news.example.com", 200,
                              "@mailgun/domain.json");
  dlv_test_server_add_status (server, "GET", "/v3/refused.example.com/", 401,
                              "{\"message\": \"Invalid private key <b>\"}");
  dlv_test_server_add_status (server, "GET", "/v4/domains/refused.example.com", 401,
                              "{\"message\": \"Invalid private key <b>\"}");
}

/* A small demo account, so that the app does not simulate its default 5000
 * messages on every poll. */
static void
create_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvStore) store = dlv_store_open (store_path, &error);
  g_autofree char *cursor = dlv_demo_provider_make_cursor (7, 200, 96, dlv_now ());

  g_assert_no_error (error);
  dlv_store_add_account (store, "demo", "Demo", 72, NULL, cursor, &error);
  g_assert_no_error (error);
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
  g_autoptr(GError) error = NULL;
  int status;

  /* Never the user's data; and a network monitor that trusts the loopback
   * server rather than the machine's routes. */
  data_home = g_dir_make_tmp ("dlv-test-prefs-XXXXXX", NULL);
  g_assert_nonnull (data_home);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("GIO_USE_NETWORK_MONITOR", "base", TRUE);

  /* The keyring test's child runs without a session bus, so without a
   * Secret Service; set before GTK opens the bus. */
  for (int i = 1; i < argc; i++)
    if (g_strcmp0 (argv[i], "--GTestSubprocess") == 0)
      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/dlv-test-bus", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  log_text = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  default_handler = g_log_set_default_handler (capture_handler, NULL);
  g_log_set_debug_enabled (TRUE);

  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, RESOURCE_BASE "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  dlv_test_use_fake_dns (dns);
  server = dlv_test_server_new ();
  serve_mailgun ();

  store_path = g_build_filename (data_home, "store.db", NULL);
  create_store ();
  app = g_object_new (DLV_TYPE_APPLICATION,
                      "application-id", APP_ID,
                      "resource-base-path", RESOURCE_BASE,
                      "flags", G_APPLICATION_NON_UNIQUE,
                      "store-path", store_path,
                      NULL);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (dlv_application_get_store (app));
  g_assert_cmpstr (dlv_store_get_path (dlv_application_get_store (app)), ==, store_path);

  prefs = dlv_preferences_window_new (app);
  gtk_window_present (GTK_WINDOW (prefs));
  wait_for_draw (GTK_WIDGET (prefs));

  g_test_add_func ("/dlv/preferences/add", test_add_account);
  g_test_add_func ("/dlv/preferences/edit", test_edit_account);
  g_test_add_func ("/dlv/preferences/remove", test_remove_account);
  g_test_add_func ("/dlv/preferences/validation", test_validation);
  g_test_add_func ("/dlv/preferences/every-provider", test_every_provider);
  g_test_add_func ("/dlv/preferences/keyring-refuses", test_keyring_refuses);
  g_test_add_func ("/dlv/preferences/narrow", test_narrow_preferences);

  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (prefs));
  dlv_poller_stop (dlv_application_get_poller (app));
  g_clear_object (&app);
  g_clear_pointer (&server, dlv_test_server_free);
  remove_tree (data_home);
  g_clear_pointer (&data_home, g_free);
  g_clear_pointer (&store_path, g_free);
  g_string_free (log_text, TRUE);

  return status;
}
