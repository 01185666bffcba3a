/* dlv-preferences-window.c: poll interval, notifications and accounts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Accounts are listed straight from the store and refreshed after every
 * poll, so "Last updated" and the last error stay true while the window is
 * open. Each account becomes one row in create_account_row(); adding and
 * editing happen in DlvAccountDialog, which knows providers only through
 * their DlvProviderInfo, as this file does.
 */

#define G_LOG_DOMAIN "dlv-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "dlv-account-dialog.h"
#include "dlv-account-status.h"
#include "dlv-preferences-window.h"
#include "dlv-providers.h"
#include "dlv-secrets.h"
#include "dlv-util.h"

struct _DlvPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  DlvApplication *application;
  GPtrArray *account_rows;      /* rows this window added to accounts_group */

  GtkSpinButton *interval_spin;
  GtkSwitch *spikes_switch;
  GtkSwitch *domains_switch;
  GtkSwitch *expiring_switch;
  AdwActionRow *background_row;
  GtkWidget *background_warning;
  GtkSwitch *background_switch;
  AdwPreferencesGroup *accounts_group;
  GtkWidget *add_button;
};

G_DEFINE_FINAL_TYPE (DlvPreferencesWindow, dlv_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void reload_accounts (DlvPreferencesWindow *self);

static const char *
get_provider_icon (const char *id)
{
  return g_strcmp0 (id, "demo") == 0 ? "applications-science-symbolic" : "mail-send-symbolic";
}

static void
show_error (DlvPreferencesWindow *self,
            const char           *heading,
            const char           *message)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef struct
{
  char *store_path;
  gint64 account_id;
  gboolean has_keys;            /* a real provider's account, not the demo */
} RemoveAccount;

static void
remove_account_free (RemoveAccount *job)
{
  g_free (job->store_path);
  g_free (job);
}

/* Deleting an account's messages takes seconds on a big store, and the
 * keyring may block: both happen in a worker, with its own connection.
 * The keys go first: a new account may get this account's id, and must
 * never find its keys. */
static void
remove_account_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  RemoveAccount *job = task_data;
  g_autoptr(DlvStore) store = NULL;
  GError *error = NULL;

  if (job->has_keys && !dlv_secrets_clear_sync (job->store_path, job->account_id, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  store = dlv_store_open (job->store_path, &error);
  if (store == NULL || !dlv_store_remove_account (store, job->account_id, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
remove_account_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(DlvPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  DlvPoller *poller;

  if (self->application == NULL)
    return;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    show_error (self, _("Could Not Remove the Account"), error->message);

  /* The poll's "updated" signal makes every page drop the account's data. */
  poller = dlv_application_get_poller (self->application);
  if (poller != NULL)
    dlv_poller_poll_now (poller);

  reload_accounts (self);
}

static void
show_removing (AdwActionRow *row)
{
  GtkWidget *spinner = gtk_spinner_new ();

  gtk_spinner_start (GTK_SPINNER (spinner));
  gtk_accessible_update_property (GTK_ACCESSIBLE (spinner), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Removing the account"), -1);
  adw_action_row_add_suffix (row, spinner);
  adw_action_row_set_subtitle (row, _("Removing…"));
  gtk_widget_set_sensitive (GTK_WIDGET (row), FALSE);
}

static void
remove_response_cb (AdwMessageDialog     *dialog,
                    const char           *response,
                    DlvPreferencesWindow *self)
{
  const gint64 *account_id = g_object_get_data (G_OBJECT (dialog), "dlv-account-id");
  const char *provider = g_object_get_data (G_OBJECT (dialog), "dlv-account-provider");
  DlvStore *store = dlv_application_get_store (self->application);
  g_autoptr(GTask) task = NULL;
  RemoveAccount *job;

  if (g_strcmp0 (response, "remove") != 0 || store == NULL)
    return;

  /* Deleting a big account's messages takes a while: the row says so. */
  show_removing (g_object_get_data (G_OBJECT (dialog), "dlv-account-row"));

  job = g_new0 (RemoveAccount, 1);
  job->store_path = g_strdup (dlv_store_get_path (store));
  job->account_id = *account_id;
  job->has_keys = g_strcmp0 (provider, "demo") != 0;

  task = g_task_new (NULL, NULL, remove_account_cb, g_object_ref (self));
  g_task_set_source_tag (task, remove_response_cb);
  g_task_set_task_data (task, job, (GDestroyNotify) remove_account_free);
  g_task_run_in_thread (task, remove_account_thread);
}

static void
remove_clicked_cb (GtkButton            *button,
                   DlvPreferencesWindow *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "dlv-account-name");
  const char *provider = g_object_get_data (G_OBJECT (button), "dlv-account-provider");
  const gint64 *account_id = g_object_get_data (G_OBJECT (button), "dlv-account-id");
  g_autofree char *heading = NULL;
  const char *body;
  GtkWidget *dialog;

  /* Translators: %s is an account's name */
  heading = g_strdup_printf (_("Remove “%s”?"), name);
  if (g_strcmp0 (provider, "demo") == 0)
    body = _("Its simulated events, messages and domains are deleted. The demo account comes "
             "back the next time Deliverability starts without any account.");
  else
    body = _("Its events, messages and domains are deleted from this computer, and its key "
             "from the keyring. The provider keeps its own copy.");

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "dlv-account-id",
                          g_memdup2 (account_id, sizeof *account_id), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "dlv-account-provider", g_strdup (provider), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "dlv-account-row",
                          g_object_ref (gtk_widget_get_ancestor (GTK_WIDGET (button), ADW_TYPE_ACTION_ROW)),
                          g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_account_dialog (DlvPreferencesWindow *self,
                     gint64                account_id)
{
  DlvAccountDialog *dialog = dlv_account_dialog_new (self->application, account_id);

  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  g_signal_connect_object (dialog, "saved", G_CALLBACK (reload_accounts), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
edit_clicked_cb (GtkButton            *button,
                 DlvPreferencesWindow *self)
{
  const gint64 *account_id = g_object_get_data (G_OBJECT (button), "dlv-account-id");

  open_account_dialog (self, *account_id);
}

/* Whether the account has caught up with the present, and what history
 * the provider could not give. */
static GtkWidget *
create_icon_button (const char *icon_name,
                    const char *tooltip,
                    const char *accessible_label,
                    gint64      account_id)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label,
                                  -1);
  g_object_set_data_full (G_OBJECT (button), "dlv-account-id",
                          g_memdup2 (&account_id, sizeof account_id), g_free);

  return button;
}

static GtkWidget *
create_account_row (DlvPreferencesWindow *self,
                    const DlvAccount     *account)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  GtkWidget *icon = gtk_image_new_from_icon_name (get_provider_icon (account->provider));
  GtkWidget *remove;
  g_autofree char *state = dlv_account_describe (account, dlv_now ());
  g_autofree char *remove_label = NULL;
  g_autoptr(GString) subtitle = g_string_new (NULL);

  /* Account names, history gaps and provider errors are text, never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), account->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  dlv_providers_title (account->provider),
                                  -1);
  adw_action_row_add_prefix (row, icon);

  g_string_append (subtitle, state);
  if (account->last_error != NULL && account->last_error[0] != '\0')
    {
      GtkWidget *warning = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

      g_string_append_c (subtitle, '\n');
      /* Translators: %s says what went wrong when the account was last polled */
      g_string_append_printf (subtitle, _("Last error: %s"), account->last_error);

      gtk_widget_add_css_class (warning, "warning");
      gtk_widget_set_tooltip_text (warning, account->last_error);
      gtk_accessible_update_property (GTK_ACCESSIBLE (warning),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("The last poll failed"),
                                      -1);
      adw_action_row_add_suffix (row, warning);
    }
  adw_action_row_set_subtitle (row, subtitle->str);

  /* The demo has nothing to edit; an account of a provider this build
   * does not know cannot be edited here. */
  if (dlv_providers_lookup (account->provider) != NULL)
    {
      /* Translators: %s is an account's name */
      g_autofree char *edit_label = g_strdup_printf (_("Edit account %s"), account->name);
      GtkWidget *edit = create_icon_button ("document-edit-symbolic", _("Edit account"),
                                            edit_label, account->id);

      g_signal_connect_object (edit, "clicked", G_CALLBACK (edit_clicked_cb), self, 0);
      adw_action_row_add_suffix (row, edit);
      adw_action_row_set_activatable_widget (row, edit);
    }

  /* Translators: %s is an account's name */
  remove_label = g_strdup_printf (_("Remove account %s"), account->name);
  remove = create_icon_button ("user-trash-symbolic", _("Remove account"), remove_label,
                               account->id);
  g_object_set_data_full (G_OBJECT (remove), "dlv-account-name", g_strdup (account->name), g_free);
  g_object_set_data_full (G_OBJECT (remove), "dlv-account-provider",
                          g_strdup (account->provider), g_free);
  g_signal_connect_object (remove, "clicked", G_CALLBACK (remove_clicked_cb), self, 0);
  adw_action_row_add_suffix (row, remove);

  return GTK_WIDGET (row);
}

static GtkWidget *
create_message_row (const char *title,
                    const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  return row;
}

static void
add_account_row (DlvPreferencesWindow *self,
                 GtkWidget            *row)
{
  adw_preferences_group_add (self->accounts_group, row);
  g_ptr_array_add (self->account_rows, row);
}

static void
reload_accounts (DlvPreferencesWindow *self)
{
  DlvStore *store = dlv_application_get_store (self->application);
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < self->account_rows->len; i++)
    adw_preferences_group_remove (self->accounts_group, g_ptr_array_index (self->account_rows, i));
  g_ptr_array_set_size (self->account_rows, 0);

  if (store == NULL)
    {
      const GError *store_error = dlv_application_get_error (self->application);

      add_account_row (self, create_message_row (_("The store could not be opened"),
                                                 store_error ? store_error->message : NULL));
      return;
    }

  accounts = dlv_store_list_accounts (store, &error);
  if (accounts == NULL)
    {
      add_account_row (self, create_message_row (_("The accounts could not be read"),
                                                 error->message));
      return;
    }

  if (accounts->len == 0)
    add_account_row (self, create_message_row (_("No accounts"),
                                               _("The demo account comes back the next time "
                                                 "Deliverability starts.")));

  for (guint i = 0; i < accounts->len; i++)
    add_account_row (self, create_account_row (self, g_ptr_array_index (accounts, i)));
}

static void
poller_updated_cb (DlvPreferencesWindow *self,
                   guint                 events_added,
                   DlvPoller            *poller)
{
  reload_accounts (self);
}

/* The switch says what was asked for; the row, whether the desktop agreed. */
static void
update_background_row (DlvPreferencesWindow *self)
{
  gboolean denied = dlv_application_get_background_denied (self->application);

  gtk_widget_set_visible (self->background_warning, denied);
  if (denied)
    adw_action_row_set_subtitle (self->background_row,
                                 _("Not allowed by the system: Deliverability quits when its "
                                   "window is closed. Allow it to run in the background in the "
                                   "system settings, under Apps."));
  else
    adw_action_row_set_subtitle (self->background_row,
                                 _("Keep checking and notifying after the window is closed. "
                                   "Quit from the main menu or with Ctrl+Q."));
}

static void
add_clicked_cb (DlvPreferencesWindow *self)
{
  open_account_dialog (self, 0);
}

static void
dlv_preferences_window_dispose (GObject *object)
{
  DlvPreferencesWindow *self = (DlvPreferencesWindow *) object;

  g_clear_object (&self->application);
  g_clear_pointer (&self->account_rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), DLV_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (dlv_preferences_window_parent_class)->dispose (object);
}

static void
dlv_preferences_window_class_init (DlvPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dlv_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/dlv-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DlvPreferencesWindow, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, DlvPreferencesWindow, spikes_switch);
  gtk_widget_class_bind_template_child (widget_class, DlvPreferencesWindow, domains_switch);
  gtk_widget_class_bind_template_child (widget_class, DlvPreferencesWindow, expiring_switch);
  gtk_widget_class_bind_template_child (widget_class, DlvPreferencesWindow, background_row);
  gtk_widget_class_bind_template_child (widget_class, DlvPreferencesWindow, background_warning);
  gtk_widget_class_bind_template_child (widget_class, DlvPreferencesWindow, background_switch);
  gtk_widget_class_bind_template_child (widget_class, DlvPreferencesWindow, accounts_group);
  gtk_widget_class_bind_template_child (widget_class, DlvPreferencesWindow, add_button);
  gtk_widget_class_bind_template_callback (widget_class, add_clicked_cb);
}

static void
dlv_preferences_window_init (DlvPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->account_rows = g_ptr_array_new ();
}

/**
 * dlv_preferences_window_new:
 * @application: the running application, after its startup
 *
 * Returns: (transfer full): a preferences window for @application's
 *   settings and accounts
 */
DlvPreferencesWindow *
dlv_preferences_window_new (DlvApplication *application)
{
  DlvPreferencesWindow *self;
  DlvPoller *poller;
  GSettings *settings;

  g_return_val_if_fail (DLV_IS_APPLICATION (application), NULL);

  self = g_object_new (DLV_TYPE_PREFERENCES_WINDOW,
                       "application", application,
                       NULL);
  self->application = g_object_ref (application);

  settings = dlv_application_get_settings (application);
  g_settings_bind (settings, "poll-interval", self->interval_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "notify-deferral-spikes", self->spikes_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "notify-domain-problems", self->domains_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "notify-expiring", self->expiring_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "run-in-background", self->background_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (application, "notify::background-denied",
                           G_CALLBACK (update_background_row), self, G_CONNECT_SWAPPED);
  update_background_row (self);

  /* Without a store there is nowhere to add an account to. */
  gtk_widget_set_sensitive (self->add_button, dlv_application_get_store (application) != NULL &&
                                              dlv_providers_list ()[0] != NULL);

  poller = dlv_application_get_poller (application);
  if (poller != NULL)
    g_signal_connect_object (poller, "updated", G_CALLBACK (poller_updated_cb), self,
                             G_CONNECT_SWAPPED);

  reload_accounts (self);

  return self;
}
