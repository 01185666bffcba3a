/* dlv-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "dlv-application"

#include "config.h"

#include <glib/gi18n.h>

#include "dlv-application.h"
#include "dlv-demo-provider.h"
#include "dlv-account-dialog.h"
#include "dlv-preferences-window.h"
#include "dlv-util.h"
#include "dlv-window.h"

#define SCHEMA_ID "io.github.deliverability.Deliverability"

struct _DlvApplication
{
  AdwApplication parent_instance;

  char *store_path;
  DlvStore *store;
  DlvPoller *poller;
  GSettings *settings;
  GError *error;                /* why the store could not be opened */
  guint start_id;
  gboolean started;
};

enum {
  PROP_0,
  PROP_STORE_PATH,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (DlvApplication, dlv_application, ADW_TYPE_APPLICATION)

static GParamSpec *properties[N_PROPS];

/* Installed, the schema is in the system's schema path; run from the build
 * tree (the README's first command), it is in the build's data folder. */
static GSettings *
create_settings (void)
{
  GSettingsSchemaSource *installed = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchemaSource) built = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;

  if (installed != NULL &&
      (schema = g_settings_schema_source_lookup (installed, SCHEMA_ID, TRUE)) != NULL)
    return g_settings_new_full (schema, NULL, NULL);

  built = g_settings_schema_source_new_from_directory (BUILD_DATA_DIR, installed, FALSE, NULL);
  if (built != NULL && (schema = g_settings_schema_source_lookup (built, SCHEMA_ID, FALSE)) != NULL)
    return g_settings_new_full (schema, NULL, NULL);

  g_error ("The settings schema %s is not installed", SCHEMA_ID);
}

/* With no account yet, the simulated platform makes the app useful at once. */
static void
ensure_an_account (DlvApplication *self)
{
  g_autoptr(GPtrArray) accounts = dlv_store_list_accounts (self->store, &self->error);
  g_autofree char *cursor = NULL;

  if (accounts == NULL || accounts->len > 0)
    return;

  cursor = dlv_demo_provider_make_cursor (1, 5000, 96, dlv_now ());
  dlv_store_add_account (self->store, "demo", _("Demo"), 72,
                         "{\"seed\": 1, \"messages\": 5000, \"hours\": 96}", cursor, &self->error);
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  DlvApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  DlvPreferencesWindow *preferences = dlv_preferences_window_new (self);

  gtk_window_set_transient_for (GTK_WINDOW (preferences), window);
  gtk_window_present (GTK_WINDOW (preferences));
}

/* The demo banner's button: straight to a new account. */
static void
add_account_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  DlvApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  DlvAccountDialog *dialog;

  if (self->store == NULL)
    return;

  dialog = dlv_account_dialog_new (self, 0);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), window);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  DlvApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  const char *developers[] = { _("The Deliverability developers"), NULL };

  adw_show_about_window (window,
                         "application-name", _("Deliverability"),
                         "application-icon", APP_ID,
                         "developer-name", _("The Deliverability developers"),
                         "version", PACKAGE_VERSION,
                         "comments", _("Watch whether your email is delivered, and why not"),
                         "website", "https://github.com/deliverability/deliverability",
                         "issue-url", "https://github.com/deliverability/deliverability/issues",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "developers", developers,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "preferences", preferences_activated },
  { "add-account", add_account_activated },
  { "about", about_activated },
};

static void
dlv_application_startup (GApplication *application)
{
  DlvApplication *self = DLV_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *refresh_accels[] = { "<Control>r", "F5", NULL };
  static const char *search_accels[] = { "<Control>f", NULL };
  g_autofree char *path = NULL;

  G_APPLICATION_CLASS (dlv_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.refresh", refresh_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.search", search_accels);

  self->settings = create_settings ();
  path = self->store_path != NULL ? g_strdup (self->store_path) : dlv_store_default_path ();
  self->store = dlv_store_open (path, &self->error);
  if (self->store == NULL)
    return;

  ensure_an_account (self);
  self->poller = dlv_poller_new (path);
  g_settings_bind (self->settings, "poll-interval", self->poller, "interval", G_SETTINGS_BIND_GET);
}

/* The first poll waits for the window to show what is stored: a poll
 * catching up is heavy, and racing it made the first frame late. */
static gboolean
start_polling_cb (gpointer user_data)
{
  DlvApplication *self = user_data;

  self->start_id = 0;
  if (self->poller != NULL)
    dlv_poller_start (self->poller);

  return G_SOURCE_REMOVE;
}

static void
dlv_application_activate (GApplication *application)
{
  DlvApplication *self = DLV_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (dlv_window_new (self));

  gtk_window_present (window);

  if (!self->started)
    {
      self->started = TRUE;
      self->start_id = g_timeout_add (700, start_polling_cb, self);
    }
}

static int
dlv_application_handle_local_options (GApplication *application,
                                      GVariantDict *options)
{
  DlvApplication *self = DLV_APPLICATION (application);
  const char *db = NULL;

  if (g_variant_dict_lookup (options, "db", "^&ay", &db))
    self->store_path = g_strdup (db);

  return -1;
}

static void
dlv_application_shutdown (GApplication *application)
{
  DlvApplication *self = DLV_APPLICATION (application);

  g_clear_handle_id (&self->start_id, g_source_remove);
  if (self->poller != NULL)
    dlv_poller_stop (self->poller);

  G_APPLICATION_CLASS (dlv_application_parent_class)->shutdown (application);
}

static void
dlv_application_finalize (GObject *object)
{
  DlvApplication *self = (DlvApplication *) object;

  g_clear_object (&self->poller);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_error (&self->error);
  g_clear_pointer (&self->store_path, g_free);

  G_OBJECT_CLASS (dlv_application_parent_class)->finalize (object);
}

static void
dlv_application_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  DlvApplication *self = DLV_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_STORE_PATH:
      g_value_set_string (value, self->store_path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dlv_application_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  DlvApplication *self = DLV_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_STORE_PATH:
      g_free (self->store_path);
      self->store_path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dlv_application_class_init (DlvApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = dlv_application_finalize;
  object_class->get_property = dlv_application_get_property;
  object_class->set_property = dlv_application_set_property;

  /* The store to open instead of the one in the user data dir (--db). */
  properties[PROP_STORE_PATH] =
    g_param_spec_string ("store-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  app_class->startup = dlv_application_startup;
  app_class->activate = dlv_application_activate;
  app_class->handle_local_options = dlv_application_handle_local_options;
  app_class->shutdown = dlv_application_shutdown;
}

static void
dlv_application_init (DlvApplication *self)
{
  static const GOptionEntry options[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Use this store instead of the default one"),
      N_("FILE") },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

DlvApplication *
dlv_application_new (void)
{
  return g_object_new (DLV_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", RESOURCE_BASE,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}

/**
 * dlv_application_get_store:
 *
 * Returns: (transfer none) (nullable): the store, or %NULL when it could not
 *   be opened (see dlv_application_get_error())
 */
DlvStore *
dlv_application_get_store (DlvApplication *self)
{
  g_return_val_if_fail (DLV_IS_APPLICATION (self), NULL);

  return self->store;
}

DlvPoller *
dlv_application_get_poller (DlvApplication *self)
{
  g_return_val_if_fail (DLV_IS_APPLICATION (self), NULL);

  return self->poller;
}

GSettings *
dlv_application_get_settings (DlvApplication *self)
{
  g_return_val_if_fail (DLV_IS_APPLICATION (self), NULL);

  return self->settings;
}

const GError *
dlv_application_get_error (DlvApplication *self)
{
  g_return_val_if_fail (DLV_IS_APPLICATION (self), NULL);

  return self->error;
}
