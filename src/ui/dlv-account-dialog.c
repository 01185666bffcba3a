/* dlv-account-dialog.c: add or edit a provider account
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The form is built from the provider's DlvProviderInfo alone, so a provider
 * that lands later needs nothing here. Keys go to the Secret Service from a
 * worker thread and nowhere else: not the store, not GSettings, not a log.
 * An account is added to the store first, because its id names its keys;
 * when the keyring refuses them the account is removed again, so an account
 * never exists without its key.
 */

#define G_LOG_DOMAIN "dlv-account-dialog"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "dlv-account-dialog.h"
#include "dlv-http.h"
#include "dlv-providers.h"
#include "dlv-secrets.h"

struct _DlvAccountDialog
{
  AdwWindow parent_instance;

  DlvApplication *application;
  GCancellable *cancellable;
  gint64 account_id;                    /* 0 until an added account is saved */
  gboolean editing;
  char *original_name;
  DlvAccountSettings *original;         /* editing: where the account polled from */
  const DlvProviderInfo *info;
  char *load_error;                     /* editing: why the account cannot be edited */
  guint form_serial;                    /* bumped by every change; stale tests are ignored */
  gboolean testing;
  gboolean saving;
  gboolean focused_once;

  /* Template widgets */
  AdwWindowTitle *window_title;
  GtkWidget *cancel_button;
  GtkWidget *save_button;
  GtkSpinner *save_spinner;
  AdwComboRow *provider_row;
  AdwEntryRow *name_row;
  AdwPreferencesGroup *connection_group;
  AdwEntryRow *key_row;
  AdwEntryRow *secret_row;
  AdwComboRow *region_row;
  AdwEntryRow *domain_row;
  AdwExpanderRow *advanced_row;
  AdwEntryRow *base_url_row;
  GtkLabel *key_help_label;
  GtkLabel *limits_label;
  GtkLabel *problem_label;
  GtkWidget *test_button;
  GtkSpinner *test_spinner;
  GtkWidget *test_result_box;
  GtkImage *test_icon;
  GtkLabel *test_label;
};

enum {
  SIGNAL_SAVED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (DlvAccountDialog, dlv_account_dialog, ADW_TYPE_WINDOW)

static guint signals[N_SIGNALS];

/* Letters the template's own mnemonics use: Cancel, Add / Save, Provider,
 * Name, Region, Domain, Advanced, Base URL, Test. */
#define RESERVED_MNEMONICS "caspnrdvbt"

typedef enum
{
  RESULT_SUCCESS,
  RESULT_WARNING,
  RESULT_ERROR,
} ResultKind;

/* What a worker needs, copied from the form: widgets stay in the main thread. */
typedef struct
{
  const DlvProviderInfo *info;
  DlvAccountSettings *settings;
  char *store_path;
  gint64 account_id;
  char *label;                          /* the keyring item's label */
  char *key;                            /* typed; NULL: keep (or look up) the saved one */
  char *secret;
  gboolean adding;
  gboolean relabel;                     /* the name changed: rewrite the saved keys' labels */
  guint serial;
  DlvStore *store;                      /* for undoing an add, even after the dialog closed */
} Job;

static void
wipe_string (char *text)
{
  if (text != NULL)
    {
      explicit_bzero (text, strlen (text));
      g_free (text);
    }
}

static void
job_free (Job *job)
{
  g_clear_pointer (&job->settings, dlv_account_settings_free);
  g_free (job->store_path);
  g_free (job->label);
  wipe_string (job->key);
  wipe_string (job->secret);
  g_clear_object (&job->store);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

/* "Private API key" → "Pr_ivate API key": the first letter no other row
 * of the form claims, so every field keeps an Alt shortcut. */
static char *
add_mnemonic (const char *label,
              const char *taken)
{
  GString *result = g_string_new (NULL);
  gboolean placed = FALSE;

  for (const char *p = label; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '_')
        {
          g_string_append (result, "__");
          continue;
        }
      if (!placed && c < 128 && g_ascii_isalnum (c) && strchr (taken, g_ascii_tolower (c)) == NULL)
        {
          g_string_append_c (result, '_');
          placed = TRUE;
        }
      g_string_append_unichar (result, c);
    }

  return g_string_free (result, FALSE);
}

static char
mnemonic_letter (const char *with_mnemonic)
{
  const char *underscore = with_mnemonic;

  while ((underscore = strchr (underscore, '_')) != NULL)
    {
      if (underscore[1] != '_')
        return g_ascii_tolower (underscore[1]);
      underscore += 2;
    }

  return '\0';
}

static char *
dup_trimmed (gpointer editable)
{
  char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (editable))));

  if (text[0] == '\0')
    g_clear_pointer (&text, g_free);

  return text;
}

static char *
dup_host (const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;

  return g_strdup (uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : url);
}

static const DlvProviderInfo *
get_info (DlvAccountDialog *self)
{
  const DlvProviderInfo * const *list;
  guint selected;

  if (self->editing)
    return self->info;

  list = dlv_providers_list ();
  selected = adw_combo_row_get_selected (self->provider_row);
  for (guint i = 0; list[i] != NULL; i++)
    if (i == selected)
      return list[i];

  return NULL;
}

static DlvAccountSettings *
settings_from_form (DlvAccountDialog      *self,
                    const DlvProviderInfo *info)
{
  DlvAccountSettings *settings = g_new0 (DlvAccountSettings, 1);

  if (dlv_provider_info_has_region (info) &&
      adw_combo_row_get_selected (self->region_row) == 1)
    settings->region = g_strdup (info->alt_region);
  if (info->needs & DLV_PROVIDER_NEEDS_DOMAIN)
    settings->domain = dup_trimmed (self->domain_row);
  settings->base_url = dup_trimmed (self->base_url_row);

  return settings;
}

static char *
dup_name (DlvAccountDialog         *self,
          const DlvProviderInfo    *info,
          const DlvAccountSettings *settings)
{
  char *name = dup_trimmed (self->name_row);

  if (name != NULL)
    return name;
  if (settings->domain != NULL)
    return g_strdup (settings->domain);

  return g_strdup (info->title);
}

static gboolean
looks_like_domain (const char *domain)
{
  for (const char *p = domain; *p != '\0'; p++)
    if (g_ascii_isspace (*p) || *p == '/' || *p == ':' || *p == '@')
      return FALSE;

  return strchr (domain, '.') != NULL;
}

/* The first thing that keeps the form from being saved, in words, or
 * %NULL. @is_error tells a wrong value from one not typed yet; @bad_row
 * is the row to mark. */
static char *
check_form (DlvAccountDialog  *self,
            gboolean          *is_error,
            GtkWidget        **bad_row)
{
  const DlvProviderInfo *info = get_info (self);
  g_autofree char *key = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *base_url = NULL;
  g_autoptr(GError) error = NULL;

  *is_error = TRUE;
  *bad_row = NULL;

  if (self->load_error != NULL)
    return g_strdup (self->load_error);
  if (info == NULL)
    return g_strdup (_("This version of Deliverability knows no provider it could poll."));

  key = dup_trimmed (self->key_row);
  secret = dup_trimmed (self->secret_row);
  domain = dup_trimmed (self->domain_row);
  base_url = dup_trimmed (self->base_url_row);

  /* Wrong values first: a hint about an empty field would hide them. */
  if ((info->needs & DLV_PROVIDER_NEEDS_DOMAIN) && domain != NULL && !looks_like_domain (domain))
    {
      *bad_row = GTK_WIDGET (self->domain_row);
      /* Translators: %s is what was typed as the sending domain */
      return g_strdup_printf (_("“%s” is not a domain name, such as mg.example.com."), domain);
    }
  if (base_url != NULL && !dlv_http_url_is_allowed (base_url, &error))
    {
      *bad_row = GTK_WIDGET (self->base_url_row);
      return g_strdup (error->message);
    }

  /* Then what is missing: a hint, not an error. Editing keeps the saved keys. */
  *is_error = FALSE;
  if (key == NULL && !self->editing)
    /* Translators: %s names a field, such as “Private API key” */
    return g_strdup_printf (_("Fill in “%s” to continue."), _(info->key_label));
  if ((info->needs & DLV_PROVIDER_NEEDS_SECRET) && secret == NULL && !self->editing)
    return g_strdup_printf (_("Fill in “%s” to continue."), _(info->secret_label));
  if ((info->needs & DLV_PROVIDER_NEEDS_DOMAIN) && domain == NULL)
    /* Translators: %s is a provider, such as Mailgun */
    return g_strdup_printf (_("Type the sending domain: %s reads events per domain."), info->title);

  return NULL;
}

static void
hide_test_result (DlvAccountDialog *self)
{
  gtk_widget_set_visible (self->test_result_box, FALSE);
  gtk_label_set_text (self->test_label, "");
}

static void
show_test_result (DlvAccountDialog *self,
                  ResultKind        kind,
                  const char       *text)
{
  static const char * const classes[] = { "success", "warning", "error" };
  static const char * const icons[] = {
    "emblem-ok-symbolic", "dialog-warning-symbolic", "dialog-error-symbolic",
  };
  const char *accessible[] = { _("Success"), _("Partly working"), _("Failed") };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->test_label), classes[i]);
      gtk_widget_remove_css_class (GTK_WIDGET (self->test_icon), classes[i]);
    }
  gtk_widget_add_css_class (GTK_WIDGET (self->test_label), classes[kind]);
  gtk_widget_add_css_class (GTK_WIDGET (self->test_icon), classes[kind]);
  gtk_image_set_from_icon_name (self->test_icon, icons[kind]);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->test_icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible[kind],
                                  -1);
  /* Provider errors are remote text: never markup. */
  gtk_label_set_use_markup (self->test_label, FALSE);
  gtk_label_set_text (self->test_label, text);
  gtk_widget_set_visible (self->test_result_box, TRUE);
}

static void
show_problem (DlvAccountDialog *self,
              const char       *message,
              gboolean          is_error)
{
  gtk_label_set_text (self->problem_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), message != NULL);
  if (is_error)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->problem_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->problem_label), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->problem_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->problem_label), "dim-label");
    }
}

static void
update_state (DlvAccountDialog *self)
{
  GtkWidget *rows[] = {
    GTK_WIDGET (self->domain_row), GTK_WIDGET (self->base_url_row),
  };
  g_autofree char *problem = NULL;
  GtkWidget *bad_row;
  gboolean is_error;
  gboolean busy = self->saving;

  problem = check_form (self, &is_error, &bad_row);
  show_problem (self, problem, is_error);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    if (rows[i] == bad_row)
      gtk_widget_add_css_class (rows[i], "error");
    else
      gtk_widget_remove_css_class (rows[i], "error");
  if (bad_row == GTK_WIDGET (self->base_url_row))
    adw_expander_row_set_expanded (self->advanced_row, TRUE);

  gtk_widget_set_sensitive (self->save_button, problem == NULL && !busy);
  gtk_widget_set_sensitive (self->test_button, problem == NULL && !busy && !self->testing);
  gtk_widget_set_sensitive (self->cancel_button, !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->save_spinner), busy);
  gtk_spinner_set_spinning (self->save_spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), self->testing);
  gtk_spinner_set_spinning (self->test_spinner, self->testing);
}

static void
form_changed_cb (DlvAccountDialog *self)
{
  /* A result said about other values would mislead. */
  self->form_serial++;
  hide_test_result (self);
  update_state (self);
}

static void
name_changed_cb (DlvAccountDialog *self)
{
  /* The name plays no part in a connection test. */
  update_state (self);
}

static void
set_region_model (DlvAccountDialog      *self,
                  const DlvProviderInfo *info)
{
  g_autoptr(GtkStringList) regions = gtk_string_list_new (NULL);

  if (dlv_provider_info_has_region (info))
    {
      g_autofree char *host = dup_host (info->base_url);
      g_autofree char *alt_host = dup_host (info->base_url_alt);
      g_autofree char *alt_name = g_ascii_strup (info->alt_region, -1);
      /* Translators: %s is a host name, such as api.mailgun.net */
      g_autofree char *first = g_strdup_printf (_("Default (%s)"), host);
      /* Translators: a region such as “EU”, then a host name */
      g_autofree char *second = g_strdup_printf (_("%s (%s)"), alt_name, alt_host);

      gtk_string_list_append (regions, first);
      gtk_string_list_append (regions, second);
    }

  g_signal_handlers_block_by_func (self->region_row, form_changed_cb, self);
  adw_combo_row_set_model (self->region_row, G_LIST_MODEL (regions));
  adw_combo_row_set_selected (self->region_row, 0);
  g_signal_handlers_unblock_by_func (self->region_row, form_changed_cb, self);
}

/* Shows the rows and help @info asks for. */
static void
apply_info (DlvAccountDialog      *self,
            const DlvProviderInfo *info)
{
  g_autofree char *key_title = NULL;
  g_autofree char *secret_title = NULL;
  char taken[sizeof RESERVED_MNEMONICS + 1] = RESERVED_MNEMONICS;

  if (info == NULL)
    return;

  /* Entry row titles ellipsize; the tooltip keeps a long label readable. */
  key_title = add_mnemonic (_(info->key_label), taken);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->key_row), key_title);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->key_row), _(info->key_label));
  taken[sizeof RESERVED_MNEMONICS - 1] = mnemonic_letter (key_title);

  gtk_widget_set_visible (GTK_WIDGET (self->secret_row), info->secret_label != NULL);
  if (info->secret_label != NULL)
    {
      secret_title = add_mnemonic (_(info->secret_label), taken);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->secret_row), secret_title);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->secret_row), _(info->secret_label));
    }

  set_region_model (self, info);
  gtk_widget_set_visible (GTK_WIDGET (self->region_row),
                          dlv_provider_info_has_region (info));
  gtk_widget_set_visible (GTK_WIDGET (self->domain_row), info->needs & DLV_PROVIDER_NEEDS_DOMAIN);

  gtk_label_set_text (self->key_help_label, info->key_help != NULL ? _(info->key_help) : "");
  gtk_widget_set_visible (GTK_WIDGET (self->key_help_label), info->key_help != NULL);
  gtk_label_set_text (self->limits_label, info->limits != NULL ? _(info->limits) : "");
  gtk_widget_set_visible (GTK_WIDGET (self->limits_label), info->limits != NULL);
}

static void
provider_changed_cb (DlvAccountDialog *self)
{
  apply_info (self, get_info (self));
  form_changed_cb (self);
}

static Job *
job_new (DlvAccountDialog      *self,
         const DlvProviderInfo *info)
{
  DlvStore *store = dlv_application_get_store (self->application);
  Job *job = g_new0 (Job, 1);

  job->info = info;
  job->settings = settings_from_form (self, info);
  job->store_path = store != NULL ? g_strdup (dlv_store_get_path (store)) : NULL;
  job->store = store != NULL ? g_object_ref (store) : NULL;
  job->account_id = self->account_id;
  job->key = dup_trimmed (self->key_row);
  /* A secret may also be optional (Postmark's account token). */
  if (info->secret_label != NULL)
    job->secret = dup_trimmed (self->secret_row);
  job->serial = self->form_serial;

  return job;
}

/* Test Connection */

static void
test_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(DlvProvider) provider = NULL;
  GError *error = NULL;
  char *saved_key = NULL;
  char *saved_secret = NULL;

  /* Editing with the key fields left empty tests the saved key. */
  if (job->key == NULL && job->account_id > 0 && job->store_path != NULL)
    saved_key = dlv_secrets_lookup_sync (job->store_path, job->account_id, DLV_SECRET_API_KEY,
                                         cancellable, &error);
  if (error == NULL && job->secret == NULL && job->account_id > 0 && job->store_path != NULL &&
      job->info->secret_label != NULL)
    saved_secret = dlv_secrets_lookup_sync (job->store_path, job->account_id, DLV_SECRET_API_SECRET,
                                            cancellable, &error);
  if (error == NULL)
    provider = dlv_providers_create (job->info, job->settings,
                                     job->key != NULL ? job->key : saved_key,
                                     job->secret != NULL ? job->secret : saved_secret,
                                     &error);
  dlv_secrets_free (saved_key);
  dlv_secrets_free (saved_secret);

  if (provider == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, dlv_provider_test_access_sync (provider, cancellable),
                           (GDestroyNotify) dlv_access_report_free);
}

static void
test_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(DlvAccountDialog) self = user_data;
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(DlvAccessReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sentence = NULL;

  report = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->application == NULL ||
      g_cancellable_is_cancelled (self->cancellable))
    return;

  self->testing = FALSE;
  update_state (self);
  if (job->serial != self->form_serial)
    return;

  if (report == NULL)
    {
      show_test_result (self, RESULT_ERROR, error->message);
      return;
    }

  sentence = dlv_access_report_describe (report);
  if (report->events_ok && report->domains_ok)
    show_test_result (self, RESULT_SUCCESS, sentence);
  else if (report->events_ok || report->domains_ok)
    show_test_result (self, RESULT_WARNING, sentence);
  else
    show_test_result (self, RESULT_ERROR, sentence);
}

static void
test_clicked_cb (DlvAccountDialog *self)
{
  const DlvProviderInfo *info = get_info (self);
  g_autoptr(GTask) task = NULL;
  gboolean is_error;
  GtkWidget *bad_row;
  g_autofree char *problem = check_form (self, &is_error, &bad_row);

  if (problem != NULL || info == NULL || self->testing)
    return;

  self->testing = TRUE;
  hide_test_result (self);
  update_state (self);

  task = g_task_new (NULL, self->cancellable, test_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, test_clicked_cb);
  g_task_set_task_data (task, job_new (self, info), (GDestroyNotify) job_free);
  g_task_run_in_thread (task, test_thread);
}

/* Saving */

static gboolean
write_key (Job           *job,
           DlvSecretKind  kind,
           const char    *typed,
           GCancellable  *cancellable,
           GError       **error)
{
  char *saved = NULL;
  gboolean ok;

  if (typed != NULL || job->adding)
    return dlv_secrets_store_sync (job->store_path, job->account_id, kind, job->label, typed,
                                   cancellable, error);
  if (!job->relabel)
    return TRUE;

  /* Same key, new name: store it again so the keyring shows the new one. */
  saved = dlv_secrets_lookup_sync (job->store_path, job->account_id, kind, cancellable, error);
  if (saved == NULL)
    return error == NULL || *error == NULL;
  ok = dlv_secrets_store_sync (job->store_path, job->account_id, kind, job->label, saved,
                               cancellable, error);
  dlv_secrets_free (saved);

  return ok;
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;

  /* A new account always writes its secret, empty or not, so that no key
   * of an earlier account with the same id survives. */
  if (!write_key (job, DLV_SECRET_API_KEY, job->key, cancellable, &error) ||
      ((job->adding || job->info->secret_label != NULL) &&
       !write_key (job, DLV_SECRET_API_SECRET, job->secret, cancellable, &error)))
    {
      if (job->adding)
        dlv_secrets_clear_sync (job->store_path, job->account_id, NULL, NULL);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
finish_save (DlvAccountDialog *self)
{
  DlvPoller *poller = dlv_application_get_poller (self->application);

  self->saving = FALSE;
  update_state (self);

  if (poller != NULL)
    dlv_poller_poll_now (poller);

  g_signal_emit (self, signals[SIGNAL_SAVED], 0, self->account_id);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(DlvAccountDialog) self = user_data;
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) remove_error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* No account without its key. */
      if (job->adding && !dlv_store_remove_account (job->store, job->account_id, &remove_error))
        g_warning ("An account whose key could not be saved stays in the store: %s",
                   remove_error->message);
      if (self->application == NULL)
        return;

      self->account_id = job->adding ? 0 : self->account_id;
      self->saving = FALSE;
      update_state (self);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = NULL;

          /* Translators: %s says why the keyring refused the key */
          message = g_strdup_printf (job->adding ? _("The account was not added. %s")
                                                 : _("Nothing was changed. %s"),
                                     error->message);
          show_problem (self, message, TRUE);
        }
      return;
    }

  if (self->application == NULL)
    return;

  /* Where the account reads from decides its poll position: a change
   * starts it over, a new name or key does not. */
  if (!job->adding)
    {
      const char *name = g_object_get_data (G_OBJECT (result), "dlv-name");
      const char *json = g_object_get_data (G_OBJECT (result), "dlv-settings");
      gboolean reset = g_strcmp0 (self->original->region, job->settings->region) != 0 ||
                       g_strcmp0 (self->original->domain, job->settings->domain) != 0 ||
                       g_strcmp0 (self->original->base_url, job->settings->base_url) != 0;

      if (!dlv_store_update_account (job->store, job->account_id, name, json, reset, &error))
        {
          self->saving = FALSE;
          update_state (self);
          show_problem (self, error->message, TRUE);
          return;
        }
    }

  finish_save (self);
}

static void
save_clicked_cb (DlvAccountDialog *self)
{
  const DlvProviderInfo *info = get_info (self);
  DlvStore *store = dlv_application_get_store (self->application);
  g_autoptr(GTask) task = NULL;
  g_autoptr(Job) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;
  g_autofree char *json = NULL;
  g_autofree char *name = NULL;
  GtkWidget *bad_row;
  gboolean is_error;

  problem = check_form (self, &is_error, &bad_row);
  if (problem != NULL || info == NULL || store == NULL || self->saving)
    return;

  job = job_new (self, info);
  json = dlv_account_settings_to_json (job->settings);
  name = dup_name (self, info, job->settings);
  /* Translators: a provider, then an account's name, for the keyring item */
  job->label = g_strdup_printf (_("%s — %s"), info->title, name);
  job->adding = !self->editing;
  job->relabel = self->editing && g_strcmp0 (name, self->original_name) != 0;

  if (job->adding)
    {
      self->account_id = dlv_store_add_account (store, info->name, name, info->retry_window_hours,
                                                json, NULL, &error);
      if (self->account_id == 0)
        {
          show_problem (self, error->message, TRUE);
          return;
        }
      job->account_id = self->account_id;
    }

  self->saving = TRUE;
  update_state (self);

  task = g_task_new (NULL, self->cancellable, save_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, save_clicked_cb);
  g_object_set_data_full (G_OBJECT (task), "dlv-name", g_steal_pointer (&name), g_free);
  g_object_set_data_full (G_OBJECT (task), "dlv-settings", g_steal_pointer (&json), g_free);
  g_task_set_task_data (task, g_steal_pointer (&job), (GDestroyNotify) job_free);
  g_task_run_in_thread (task, save_thread);
}

static gboolean
close_request_cb (DlvAccountDialog *self)
{
  /* The keyring is being written: closing now could leave half an account. */
  if (self->saving)
    return TRUE;

  /* A test still running holds the dialog: stop its requests now rather
   * than when the last reference goes. */
  g_cancellable_cancel (self->cancellable);
  return FALSE;
}

static void
load_account (DlvAccountDialog *self)
{
  DlvStore *store = dlv_application_get_store (self->application);
  g_autoptr(DlvAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  account = store != NULL ? dlv_store_get_account (store, self->account_id, &error) : NULL;
  if (account == NULL)
    {
      self->load_error = g_strdup (error != NULL ? error->message
                                                 : _("The store could not be opened."));
      return;
    }

  self->info = dlv_providers_lookup (account->provider);
  if (self->info == NULL)
    {
      /* Translators: %s is a provider's identifier, such as “demo” */
      self->load_error = g_strdup_printf (_("This version of Deliverability cannot edit “%s” "
                                            "accounts."), account->provider);
      return;
    }

  adw_window_title_set_subtitle (self->window_title, self->info->title);
  apply_info (self, self->info);

  self->original_name = g_strdup (account->name);
  self->original = dlv_account_settings_parse (account->settings);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), account->name);
  if (self->original->domain != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->domain_row), self->original->domain);
  if (self->original->base_url != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->base_url_row), self->original->base_url);
      adw_expander_row_set_expanded (self->advanced_row, TRUE);
    }
  if (self->original->region != NULL &&
      g_strcmp0 (self->original->region, self->info->alt_region) == 0)
    adw_combo_row_set_selected (self->region_row, 1);

  adw_preferences_group_set_description (self->connection_group,
                                         self->info->secret_label != NULL
                                           ? _("The saved keys are kept unless you type new ones.")
                                           : _("The saved key is kept unless you type a new one."));
}

/* The first question has the focus, not the Cancel button: Enter there
 * would cancel. Focus can only move into mapped widgets. */
static void
dlv_account_dialog_map (GtkWidget *widget)
{
  DlvAccountDialog *self = DLV_ACCOUNT_DIALOG (widget);
  const DlvProviderInfo * const *list = dlv_providers_list ();
  GtkWidget *first;

  GTK_WIDGET_CLASS (dlv_account_dialog_parent_class)->map (widget);

  if (self->focused_once)
    return;
  self->focused_once = TRUE;

  if (self->editing)
    first = GTK_WIDGET (self->name_row);
  else if (list[0] != NULL && list[1] == NULL)
    first = GTK_WIDGET (self->key_row);
  else
    first = GTK_WIDGET (self->provider_row);
  gtk_widget_grab_focus (first);
}

static void
dlv_account_dialog_dispose (GObject *object)
{
  DlvAccountDialog *self = (DlvAccountDialog *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->application);
  gtk_widget_dispose_template (GTK_WIDGET (self), DLV_TYPE_ACCOUNT_DIALOG);

  G_OBJECT_CLASS (dlv_account_dialog_parent_class)->dispose (object);
}

static void
dlv_account_dialog_finalize (GObject *object)
{
  DlvAccountDialog *self = (DlvAccountDialog *) object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->original, dlv_account_settings_free);
  g_clear_pointer (&self->original_name, g_free);
  g_clear_pointer (&self->load_error, g_free);

  G_OBJECT_CLASS (dlv_account_dialog_parent_class)->finalize (object);
}

static void
dlv_account_dialog_class_init (DlvAccountDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dlv_account_dialog_dispose;
  object_class->finalize = dlv_account_dialog_finalize;
  widget_class->map = dlv_account_dialog_map;

  /**
   * DlvAccountDialog::saved:
   * @account_id: the account added or changed
   *
   * Emitted once the account and its keys are saved, before the dialog closes.
   */
  signals[SIGNAL_SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/dlv-account-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DlvAccountDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, DlvAccountDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, DlvAccountDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, DlvAccountDialog, save_spinner);
  gtk_widget_class_bind_template_child (widget_class, DlvAccountDialog, provider_row);
  gtk_widget_class_bind_template_child (widget_class, DlvAccountDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, DlvAccountDialog, connection_group);
  gtk_widget_class_bind_template_child (widget_class, DlvAccountDialog, key_row);
  gtk_widget_class_bind_template_child (widget_class, DlvAccountDialog, secret_row);
  gtk_widget_class_bind_template_child (widget_class, DlvAccountDialog, region_row);
  gtk_widget_class_bind_template_child (widget_class, DlvAccountDialog, domain_row);
  gtk_widget_class_bind_template_child (widget_class, DlvAccountDialog, advanced_row);
  gtk_widget_class_bind_template_child (widget_class, DlvAccountDialog, base_url_row);
  gtk_widget_class_bind_template_child (widget_class, DlvAccountDialog, key_help_label);
  gtk_widget_class_bind_template_child (widget_class, DlvAccountDialog, limits_label);
  gtk_widget_class_bind_template_child (widget_class, DlvAccountDialog, problem_label);
  gtk_widget_class_bind_template_child (widget_class, DlvAccountDialog, test_button);
  gtk_widget_class_bind_template_child (widget_class, DlvAccountDialog, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, DlvAccountDialog, test_result_box);
  gtk_widget_class_bind_template_child (widget_class, DlvAccountDialog, test_icon);
  gtk_widget_class_bind_template_child (widget_class, DlvAccountDialog, test_label);
  gtk_widget_class_bind_template_callback (widget_class, form_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, name_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, provider_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, test_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, close_request_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
dlv_account_dialog_init (DlvAccountDialog *self)
{
  g_autoptr(GtkStringList) titles = gtk_string_list_new (NULL);
  const DlvProviderInfo * const *list = dlv_providers_list ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  gtk_window_set_default_widget (GTK_WINDOW (self), self->save_button);

  for (guint i = 0; list[i] != NULL; i++)
    gtk_string_list_append (titles, list[i]->title);
  g_signal_handlers_block_by_func (self->provider_row, provider_changed_cb, self);
  adw_combo_row_set_model (self->provider_row, G_LIST_MODEL (titles));
  g_signal_handlers_unblock_by_func (self->provider_row, provider_changed_cb, self);
}

/**
 * dlv_account_dialog_new:
 * @application: the running application, after its startup
 * @account_id: the account to edit, or 0 to add one
 *
 * Returns: (transfer full): a modal dialog; set its transient parent and
 *   present it
 */
DlvAccountDialog *
dlv_account_dialog_new (DlvApplication *application,
                        gint64          account_id)
{
  DlvAccountDialog *self;

  g_return_val_if_fail (DLV_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (account_id >= 0, NULL);

  self = g_object_new (DLV_TYPE_ACCOUNT_DIALOG, NULL);
  self->application = g_object_ref (application);
  self->account_id = account_id;
  self->editing = account_id > 0;

  if (self->editing)
    {
      gtk_window_set_title (GTK_WINDOW (self), _("Edit Account"));
      adw_window_title_set_title (self->window_title, _("Edit Account"));
      gtk_button_set_label (GTK_BUTTON (self->save_button), _("_Save"));
      gtk_widget_set_visible (GTK_WIDGET (self->provider_row), FALSE);
      load_account (self);
    }
  else
    {
      apply_info (self, get_info (self));
    }

  update_state (self);

  return self;
}

/**
 * dlv_account_dialog_get_account_id:
 *
 * Returns: the account being edited, or the one just added; 0 before an
 *   added account is saved
 */
gint64
dlv_account_dialog_get_account_id (DlvAccountDialog *self)
{
  g_return_val_if_fail (DLV_IS_ACCOUNT_DIALOG (self), 0);

  return self->account_id;
}
