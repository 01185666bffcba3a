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
#include "dlv-notifier.h"
#include "dlv-preferences-window.h"
#include "dlv-util.h"
#include "dlv-window.h"

#define SCHEMA_ID "io.github.deliverability.Deliverability"
#define PORTAL_BUS_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_OBJECT_PATH "/org/freedesktop/portal/desktop"

struct _DlvApplication
{
  AdwApplication parent_instance;

  char *store_path;
  DlvStore *store;
  DlvPoller *poller;
  GSettings *settings;
  DlvNotifier *notifier;
  GError *error;                /* why the store could not be opened */
  GtkWindow *preferences;       /* the open Preferences window, a weak pointer */
  guint start_id;
  gboolean started;

  /* Running on with no window: held while the setting is on and allowed. */
  gboolean held;
  gboolean asking;              /* a background portal request is under way */
  gboolean background_denied;
  guint background_generation;  /* a request answering for an older one is ignored */
};

enum {
  PROP_0,
  PROP_STORE_PATH,
  PROP_BACKGROUND_DENIED,
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

/* Running in the background: outside a sandbox nobody needs to agree, but
 * a desktop portal, when there is one, may still say no; in a sandbox the
 * portal decides. It is spoken to over D-Bus directly: libportal is not in
 * the packages we build with. */

typedef struct
{
  GWeakRef application;
  guint generation;
  gboolean sandboxed;
  GDBusConnection *bus;
  char *handle;                 /* where the answer is expected */
  guint response_id;
} BackgroundRequest;

static void
background_request_free (BackgroundRequest *request)
{
  if (request->response_id != 0)
    g_dbus_connection_signal_unsubscribe (request->bus, request->response_id);
  g_clear_object (&request->bus);
  g_free (request->handle);
  g_weak_ref_clear (&request->application);
  g_free (request);
}

static void
set_background_denied (DlvApplication *self,
                       gboolean        denied)
{
  if (self->background_denied == denied)
    return;

  self->background_denied = denied;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BACKGROUND_DENIED]);
}

static void
finish_background_request (BackgroundRequest *request,
                           gboolean           allowed)
{
  g_autoptr(DlvApplication) self = g_weak_ref_get (&request->application);

  if (self != NULL && self->asking && self->background_generation == request->generation)
    {
      g_debug ("Running in the background is %s", allowed ? "allowed" : "denied");
      self->asking = FALSE;
      if (allowed && !self->held)
        {
          g_application_hold (G_APPLICATION (self));
          self->held = TRUE;
        }
      set_background_denied (self, !allowed);
    }

  background_request_free (request);
}

static void
background_response_cb (GDBusConnection *bus,
                        const char      *sender,
                        const char      *path,
                        const char      *interface,
                        const char      *signal,
                        GVariant        *parameters,
                        gpointer         user_data)
{
  BackgroundRequest *request = user_data;
  g_autoptr(GVariant) results = NULL;
  gboolean background = FALSE;
  guint32 response = 2;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ua{sv})")))
    return;

  g_variant_get (parameters, "(u@a{sv})", &response, &results);
  g_variant_lookup (results, "background", "b", &background);
  finish_background_request (request, response == 0 && background);
}

static guint
subscribe_response (BackgroundRequest *request,
                    const char        *handle)
{
  return g_dbus_connection_signal_subscribe (request->bus, PORTAL_BUS_NAME,
                                             "org.freedesktop.portal.Request", "Response",
                                             handle, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                             background_response_cb, request, NULL);
}

static void
request_background_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  BackgroundRequest *request = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *handle;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      /* No background portal to ask: nothing can stop us either. */
      g_debug ("The background portal did not answer: %s", error->message);
      finish_background_request (request, TRUE);
      return;
    }

  /* Portals before 0.9 choose the request's path themselves. */
  g_variant_get (reply, "(&o)", &handle);
  if (g_strcmp0 (handle, request->handle) != 0)
    {
      g_dbus_connection_signal_unsubscribe (request->bus, request->response_id);
      request->response_id = subscribe_response (request, handle);
    }
}

static void
ask_portal (BackgroundRequest *request)
{
  g_autofree char *token = g_strdup_printf ("dlv%u", g_random_int ());
  g_autofree char *sender = g_strdup (g_dbus_connection_get_unique_name (request->bus) + 1);
  GVariantBuilder options;

  g_strdelimit (sender, ".", '_');
  request->handle = g_strdup_printf (PORTAL_OBJECT_PATH "/request/%s/%s", sender, token);

  /* Subscribed before asking, so a quick answer is not missed. */
  request->response_id = subscribe_response (request, request->handle);

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_("Deliverability keeps checking your email "
                                                 "delivery and notifies you of problems after "
                                                 "its window is closed.")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (FALSE));

  /* The portal may wait for the user: no timeout. */
  g_dbus_connection_call (request->bus, PORTAL_BUS_NAME, PORTAL_OBJECT_PATH,
                          "org.freedesktop.portal.Background", "RequestBackground",
                          g_variant_new ("(sa{sv})", "", &options), G_VARIANT_TYPE ("(o)"),
                          request->sandboxed ? G_DBUS_CALL_FLAGS_NONE
                                             : G_DBUS_CALL_FLAGS_NO_AUTO_START,
                          G_MAXINT, NULL, request_background_cb, request);
}

static void
portal_owner_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  BackgroundRequest *request = user_data;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             NULL);
  gboolean has_owner = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);

  if (has_owner)
    ask_portal (request);
  else
    finish_background_request (request, TRUE);
}

static void
session_bus_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  BackgroundRequest *request = user_data;
  g_autoptr(GError) error = NULL;

  request->bus = g_bus_get_finish (result, &error);
  if (request->bus == NULL)
    {
      g_debug ("No session bus, no portal to ask: %s", error->message);
      finish_background_request (request, TRUE);
      return;
    }

  /* Outside a sandbox, a portal that is not running is not started for this. */
  if (request->sandboxed)
    ask_portal (request);
  else
    g_dbus_connection_call (request->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                            "org.freedesktop.DBus", "NameHasOwner",
                            g_variant_new ("(s)", PORTAL_BUS_NAME), G_VARIANT_TYPE ("(b)"),
                            G_DBUS_CALL_FLAGS_NONE, -1, NULL, portal_owner_cb, request);
}

/* Follows the "run-in-background" setting: asks once when it is turned on,
 * lets go when it is turned off. */
static void
update_background (DlvApplication *self)
{
  BackgroundRequest *request;

  if (self->settings == NULL || !g_settings_get_boolean (self->settings, "run-in-background"))
    {
      self->background_generation++;
      self->asking = FALSE;
      set_background_denied (self, FALSE);
      if (self->held)
        {
          self->held = FALSE;
          g_application_release (G_APPLICATION (self));
        }
      return;
    }

  if (self->held || self->asking)
    return;

  self->asking = TRUE;
  request = g_new0 (BackgroundRequest, 1);
  g_weak_ref_init (&request->application, self);
  request->generation = ++self->background_generation;
  request->sandboxed = g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
  g_bus_get (G_BUS_TYPE_SESSION, NULL, session_bus_cb, request);
}

static void
settings_changed_cb (DlvApplication *self,
                     const char     *key,
                     GSettings      *settings)
{
  update_background (self);
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

/* The main window, made again when it was closed. */
static DlvWindow *
present_window (DlvApplication *self)
{
  DlvWindow *window = NULL;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (DLV_IS_WINDOW (l->data))
        {
          window = l->data;
          break;
        }
    }

  if (window == NULL)
    window = dlv_window_new (self);

  gtk_window_present (GTK_WINDOW (window));

  if (!self->started)
    {
      self->started = TRUE;
      self->start_id = g_timeout_add (700, start_polling_cb, self);
    }

  return window;
}

static void
poller_updated_cb (DlvApplication *self,
                   guint           events_added,
                   DlvPoller      *poller)
{
  if (self->notifier != NULL)
    dlv_notifier_check (self->notifier);
}

/* A notification was activated: the window, on what it was about. */
static void
show_alert_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  DlvApplication *self = user_data;
  DlvWindow *window = present_window (self);
  const char *page = "activity";
  const char *domain = "";
  guint statuses = 0;
  guint sort = DLV_MESSAGE_SORT_LAST_EVENT;
  gboolean descending = TRUE;
  gboolean expiring = FALSE;
  GVariantDict dict;

  g_variant_dict_init (&dict, parameter);
  g_variant_dict_lookup (&dict, "page", "&s", &page);
  g_variant_dict_lookup (&dict, "statuses", "u", &statuses);
  g_variant_dict_lookup (&dict, "domain", "&s", &domain);
  g_variant_dict_lookup (&dict, "sort", "u", &sort);
  g_variant_dict_lookup (&dict, "descending", "b", &descending);
  g_variant_dict_lookup (&dict, "expiring", "b", &expiring);

  if (sort > DLV_MESSAGE_SORT_ATTEMPTS)
    sort = DLV_MESSAGE_SORT_LAST_EVENT;

  if (g_strcmp0 (page, "domains") == 0)
    dlv_window_show_domains (window, domain);
  else
    dlv_window_show_messages (window, statuses, domain[0] != '\0' ? domain : NULL, sort,
                              descending, expiring);

  g_variant_dict_clear (&dict);
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

  /* One Preferences window: the shortcut pressed in it presents it again. */
  if (self->preferences == NULL)
    {
      self->preferences = GTK_WINDOW (dlv_preferences_window_new (self));
      g_object_add_weak_pointer (G_OBJECT (self->preferences), (gpointer *) &self->preferences);
      if (window != self->preferences)
        gtk_window_set_transient_for (self->preferences, window);
    }

  gtk_window_present (self->preferences);
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
  { "show-alert", show_alert_activated, "a{sv}" },
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

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
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

  /* Each poll is followed by a look for what deserves a notification. */
  self->notifier = dlv_notifier_new (application, path, self->settings);
  g_signal_connect_object (self->poller, "updated", G_CALLBACK (poller_updated_cb), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (self->settings, "changed::run-in-background",
                           G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);
  update_background (self);
}

static void
dlv_application_activate (GApplication *application)
{
  present_window (DLV_APPLICATION (application));
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
  self->background_generation++;
  self->asking = FALSE;

  /* Disposing cancels what is under way: a page being fetched, a check. */
  if (self->poller != NULL)
    {
      dlv_poller_stop (self->poller);
      g_object_run_dispose (G_OBJECT (self->poller));
    }
  if (self->notifier != NULL)
    g_object_run_dispose (G_OBJECT (self->notifier));

  G_APPLICATION_CLASS (dlv_application_parent_class)->shutdown (application);
}

static void
dlv_application_finalize (GObject *object)
{
  DlvApplication *self = (DlvApplication *) object;

  if (self->preferences != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->preferences), (gpointer *) &self->preferences);
  g_clear_object (&self->notifier);
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

    case PROP_BACKGROUND_DENIED:
      g_value_set_boolean (value, self->background_denied);
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

  /* "run-in-background" is on, but the desktop said no. */
  properties[PROP_BACKGROUND_DENIED] =
    g_param_spec_boolean ("background-denied", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
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

/**
 * dlv_application_get_notifier:
 *
 * Returns: (transfer none) (nullable): what sends the desktop notifications,
 *   %NULL without a store
 */
DlvNotifier *
dlv_application_get_notifier (DlvApplication *self)
{
  g_return_val_if_fail (DLV_IS_APPLICATION (self), NULL);

  return self->notifier;
}

/**
 * dlv_application_get_background_denied:
 *
 * Returns: whether "run-in-background" is on but the desktop refused it:
 *   closing the window then quits
 */
gboolean
dlv_application_get_background_denied (DlvApplication *self)
{
  g_return_val_if_fail (DLV_IS_APPLICATION (self), FALSE);

  return self->background_denied;
}
