/* dlv-cli-poll.c: the poll and accounts commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `poll` polls one provider account the way the app does, page by page with
 * each page committed with its cursor, so it can be stopped (Ctrl+C) or
 * killed at any moment. The key comes from DLV_API_KEY (and DLV_API_SECRET)
 * or from the keyring, and is never written anywhere.
 */

#define G_LOG_DOMAIN "dlv-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "dlv-account-status.h"
#include "dlv-cli-format.h"
#include "dlv-cli-poll.h"
#include "dlv-poll.h"
#include "dlv-providers.h"
#include "dlv-secrets.h"
#include "dlv-util.h"

typedef struct
{
  DlvStore *store;
  gint64 account_id;
  DlvProvider *provider;
  const DlvProviderInfo *info;
  guint interval;
  gboolean once;
  guint failures;
  int status;
  GMainLoop *loop;
  GCancellable *cancellable;
} PollRun;

/* The account polled: the one of this provider with exactly these
 * settings, or a new one. */
static gint64
find_poll_account (DlvStore                  *store,
                   const DlvProviderInfo     *info,
                   const DlvAccountSettings  *settings,
                   GError                   **error)
{
  g_autoptr(GPtrArray) accounts = dlv_store_list_accounts (store, error);
  g_autofree char *json = dlv_account_settings_to_json (settings);
  g_autofree char *name = NULL;

  if (accounts == NULL)
    return 0;

  for (guint i = 0; i < accounts->len; i++)
    {
      DlvAccount *account = g_ptr_array_index (accounts, i);
      g_autoptr(DlvAccountSettings) stored = dlv_account_settings_parse (account->settings);
      g_autofree char *stored_json = dlv_account_settings_to_json (stored);

      if (g_strcmp0 (account->provider, info->name) == 0 && g_strcmp0 (stored_json, json) == 0)
        return account->id;
    }

  name = settings->domain != NULL
    /* Translators: a provider's name and a sending domain, e.g. "Mailgun — mg.example.com" */
    ? g_strdup_printf (_("%s — %s"), info->title, settings->domain)
    : g_strdup (info->title);
  return dlv_store_add_account (store, info->name, name, info->retry_window_hours, json, NULL,
                                error);
}

/* The key from the environment, else from the keyring; free it with
 * dlv_secrets_free(), which wipes it. */
static char *
find_key (DlvStore       *store,
          gint64          account_id,
          const char     *variable,
          DlvSecretKind   kind,
          GError        **error)
{
  const char *value = g_getenv (variable);

  if (value != NULL && value[0] != '\0')
    return g_strdup (value);

  return dlv_secrets_lookup_sync (dlv_store_get_path (store), account_id, kind, NULL, error);
}

static void
report_round (PollRun            *run,
              const DlvPollStats *stats)
{
  g_autoptr(DlvAccount) account = dlv_store_get_account (run->store, run->account_id, NULL);

  g_print (_("%s: %u new events, %u already stored, %u unreadable; %u sending domains\n"),
           account != NULL ? account->name : run->info->title,
           stats->events_added, stats->events_duplicate, stats->events_skipped, stats->domains);
  if (account != NULL && account->history_gap != NULL)
    g_print (_("Some history is missing: %s\n"), account->history_gap);
}

static void
poll_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  PollRun *run = task_data;
  DlvPollStats *stats = g_new0 (DlvPollStats, 1);
  GError *error = NULL;

  if (dlv_poll_account_sync (run->store, run->account_id, run->provider, 0, stats, cancellable, &error))
    g_task_return_pointer (task, stats, g_free);
  else
    {
      g_free (stats);
      g_task_return_error (task, error);
    }
}

static void start_poll (PollRun *run);

static gboolean
next_poll_cb (gpointer data)
{
  start_poll (data);
  return G_SOURCE_REMOVE;
}

static void
poll_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      data)
{
  PollRun *run = data;
  g_autoptr(GError) error = NULL;
  g_autofree DlvPollStats *stats = g_task_propagate_pointer (G_TASK (result), &error);
  DlvPollOutcome outcome = { run->account_id, stats != NULL, 0, FALSE, -1, run->info->min_poll_seconds, 0 };
  gboolean stop = FALSE;
  guint delay;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_main_loop_quit (run->loop);
      return;
    }

  if (stats != NULL)
    {
      report_round (run, stats);
      run->failures = 0;
      run->status = EXIT_OK;
    }
  else
    {
      fail (EXIT_RUNTIME, "%s", error->message);
      outcome.provider_error = error->domain == DLV_PROVIDER_ERROR;
      outcome.error_code = error->code;
      outcome.retry_after = dlv_provider_get_last_reply (run->provider)->retry_after;
      run->failures++;
      run->status = EXIT_RUNTIME;
    }

  delay = dlv_poll_next_delay (&outcome, run->interval, run->failures, &stop);
  if (run->once || stop)
    {
      g_main_loop_quit (run->loop);
      return;
    }

  g_timeout_add_seconds (delay, next_poll_cb, run);
}

static void
start_poll (PollRun *run)
{
  g_autoptr(GTask) task = g_task_new (NULL, run->cancellable, poll_done_cb, run);

  g_task_set_task_data (task, run, NULL);
  g_task_run_in_thread (task, poll_thread);
}

static gboolean
interrupted_cb (gpointer data)
{
  PollRun *run = data;

  g_printerr (_("Stopping; every page already fetched is stored.\n"));
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_CONTINUE;
}

static int
run_polls (PollRun *run)
{
  guint sigint = g_unix_signal_add (SIGINT, interrupted_cb, run);
  guint sigterm = g_unix_signal_add (SIGTERM, interrupted_cb, run);

  run->loop = g_main_loop_new (NULL, FALSE);
  run->cancellable = g_cancellable_new ();
  start_poll (run);
  g_main_loop_run (run->loop);

  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_clear_pointer (&run->loop, g_main_loop_unref);
  g_clear_object (&run->cancellable);

  return run->status;
}

int
dlv_cli_command_poll (Invocation *inv)
{
  g_autoptr(DlvStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvProvider) provider = NULL;
  g_autofree char *provider_name = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *region = NULL;
  char *key = NULL;
  char *secret = NULL;
  DlvAccountSettings settings = { 0 };
  PollRun run = { 0 };
  gboolean once = FALSE;
  int interval = 60;
  int status = EXIT_OK;
  GOptionEntry entries[] = {
    { "provider", 0, 0, G_OPTION_ARG_STRING, &provider_name, N_("The provider to poll"), "NAME" },
    { "base-url", 0, 0, G_OPTION_ARG_STRING, &base_url,
      N_("Another address for the provider’s API (https, or http on this machine)"), "URL" },
    { "domain", 0, 0, G_OPTION_ARG_STRING, &domain, N_("The sending domain (Mailgun)"), "D" },
    { "region", 0, 0, G_OPTION_ARG_STRING, &region, N_("The provider’s other region (eu or us)"), "R" },
    { "once", 0, 0, G_OPTION_ARG_NONE, &once, N_("Poll until caught up, then stop"), NULL },
    { "interval", 0, 0, G_OPTION_ARG_INT, &interval, N_("Seconds between polls (60)"), "S" },
    { NULL }
  };

  if (!parse_options (inv, NULL, _("Poll a provider’s events API into the store, with the key from "
                                    "DLV_API_KEY (and DLV_API_SECRET) or from the keyring."),
                      entries, &status))
    return status;
  if (!dlv_cli_check_provider (provider_name, &status))
    return status;
  if (interval < 1)
    return fail (EXIT_USAGE, "%s", _("--interval must be at least one second"));

  run.info = dlv_providers_lookup (provider_name);
  settings = (DlvAccountSettings) { region, domain, base_url };
  if ((store = open_store (inv, &error)) == NULL ||
      (run.account_id = find_poll_account (store, run.info, &settings, &error)) == 0)
    return fail_error (error);

  key = find_key (store, run.account_id, "DLV_API_KEY", DLV_SECRET_API_KEY, &error);
  if (key == NULL && error != NULL)
    return fail (EXIT_RUNTIME, _("No key in DLV_API_KEY, and the keyring could not be read: %s"),
                 error->message);
  secret = find_key (store, run.account_id, "DLV_API_SECRET", DLV_SECRET_API_SECRET, NULL);

  provider = dlv_providers_create (run.info, &settings, key, secret, &error);
  dlv_secrets_free (key);
  dlv_secrets_free (secret);
  if (provider == NULL)
    return fail_error (error);

  run.store = store;
  run.provider = provider;
  run.interval = interval;
  run.once = once;
  return run_polls (&run);
}

static JsonNode *
account_json (const DlvAccount *account)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(DlvAccountSettings) settings = dlv_account_settings_parse (account->settings);
  g_autofree char *last_poll = account->last_poll_at > 0 ? dlv_format_iso8601 (account->last_poll_at) : NULL;
  g_autofree char *last_data = account->last_success_at > 0 ? dlv_format_iso8601 (account->last_success_at) : NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, account->id);
  json_builder_set_member_name (builder, "provider");
  json_builder_add_string_value (builder, account->provider);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, account->name);
  json_builder_set_member_name (builder, "region");
  json_builder_add_string_value (builder, settings->region);
  json_builder_set_member_name (builder, "domain");
  json_builder_add_string_value (builder, settings->domain);
  json_builder_set_member_name (builder, "base_url");
  json_builder_add_string_value (builder, settings->base_url);
  json_builder_set_member_name (builder, "last_poll_at");
  json_builder_add_string_value (builder, last_poll);
  json_builder_set_member_name (builder, "last_data_at");
  json_builder_add_string_value (builder, last_data);
  json_builder_set_member_name (builder, "caught_up");
  json_builder_add_boolean_value (builder, account->caught_up_at > 0);
  json_builder_set_member_name (builder, "history_gap");
  json_builder_add_string_value (builder, account->history_gap);
  json_builder_set_member_name (builder, "last_error");
  json_builder_add_string_value (builder, account->last_error);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

int
dlv_cli_command_accounts (Invocation *inv)
{
  g_autoptr(DlvStore) store = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  int status = EXIT_OK;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("One JSON object per line"), NULL },
    { NULL }
  };

  if (!parse_options (inv, NULL, _("List the accounts, when each last got data, whether its history "
                                   "is complete, and its last error."), entries, &status))
    return status;

  if ((store = open_store (inv, &error)) == NULL ||
      (accounts = dlv_store_list_accounts (store, &error)) == NULL)
    return fail_error (error);

  for (guint i = 0; i < accounts->len; i++)
    {
      DlvAccount *account = g_ptr_array_index (accounts, i);

      if (json)
        {
          g_autoptr(JsonNode) node = account_json (account);
          g_autofree char *line = dlv_cli_json_to_string (node);

          g_print ("%s\n", line);
        }
      else
        {
          g_autofree char *state = dlv_account_describe (account, dlv_now ());

          g_print ("%" G_GINT64_FORMAT "  ", account->id);
          /* Translators: an account's name, then its state */
          g_print (_("%s: %s\n"), account->name, state);
          if (account->last_error != NULL)
            g_print (_("    last error: %s\n"), account->last_error);
        }
    }

  return EXIT_OK;
}
