/* deliverability-cli.c: the command-line companion
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "dlv-cli"

#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <glib/gi18n.h>

#include "dlv-cli-common.h"
#include "dlv-cli-format.h"
#include "dlv-cli-poll.h"
#include "dlv-demo-provider.h"
#include "dlv-import.h"
#include "dlv-poll.h"
#include "dlv-providers.h"
#include "dlv-store.h"
#include "dlv-util.h"

static gint64
find_demo_account (DlvStore  *store,
                   char     **cursor)
{
  g_autoptr(GPtrArray) accounts = dlv_store_list_accounts (store, NULL);

  for (guint i = 0; accounts != NULL && i < accounts->len; i++)
    {
      DlvAccount *account = g_ptr_array_index (accounts, i);

      if (g_strcmp0 (account->provider, "demo") == 0)
        {
          *cursor = g_strdup (account->settings);
          return account->id;
        }
    }

  return 0;
}

/* The demo account remembers how it was created in its settings, so the
 * same `demo` command again only catches up with the simulation's clock. */
static gint64
prepare_demo_account (DlvStore  *store,
                      guint64    seed,
                      int        messages,
                      int        hours,
                      GError   **error)
{
  g_autofree char *settings = g_strdup_printf ("{\"seed\": %" G_GUINT64_FORMAT ", \"messages\": %d,"
                                               " \"hours\": %d}", seed, messages, hours);
  g_autofree char *existing = NULL;
  g_autofree char *cursor = NULL;
  gint64 account_id = find_demo_account (store, &existing);

  if (account_id != 0 && g_strcmp0 (existing, settings) == 0)
    return account_id;

  if (account_id != 0 && !dlv_store_remove_account (store, account_id, error))
    return 0;

  cursor = dlv_demo_provider_make_cursor (seed, messages, hours, dlv_now ());
  return dlv_store_add_account (store, "demo", _("Demo"), 72, settings, cursor, error);
}

static int
command_demo (Invocation *inv)
{
  g_autoptr(DlvStore) store = NULL;
  g_autoptr(DlvProvider) provider = NULL;
  g_autoptr(GError) error = NULL;
  gint64 seed = 1;
  int messages = 5000;
  int hours = 96;
  DlvPollStats stats;
  gint64 account_id;
  int status;
  GOptionEntry entries[] = {
    { "messages", 0, 0, G_OPTION_ARG_INT, &messages, N_("Messages to simulate (5000)"), "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Seed of the simulation (1)"), "S" },
    { "hours", 0, 0, G_OPTION_ARG_INT, &hours, N_("Hours of sending to simulate (96)"), "H" },
    { NULL }
  };

  if (!parse_options (inv, NULL, _("Fill the store with the simulated demo platform."),
                      entries, &status))
    return status;
  if (messages < 1 || messages > 10000000 || hours < 1 || hours > 24 * 30 || seed < 0)
    return fail (EXIT_USAGE, _("--messages must be 1 to 10000000, --hours 1 to 720, --seed ≥ 0"));

  if ((store = open_store (inv, &error)) == NULL ||
      (account_id = prepare_demo_account (store, seed, messages, hours, &error)) == 0)
    return fail_error (error);

  provider = dlv_demo_provider_new ();
  if (!dlv_poll_account_sync (store, account_id, provider, 0, &stats, NULL, &error))
    return fail_error (error);

  g_print (_("Demo: %u new events stored (%u already there) in %u pages; %u domains.\n"),
           stats.events_added, stats.events_duplicate, stats.pages, stats.domains);
  return EXIT_OK;
}

static gboolean
parse_statuses (const char  *text,
                guint       *statuses)
{
  g_auto(GStrv) names = g_strsplit (text, ",", -1);

  *statuses = 0;
  for (guint i = 0; names[i] != NULL; i++)
    {
      DlvMessageStatus status;

      if (!dlv_message_status_from_string (g_strstrip (names[i]), &status))
        return FALSE;
      *statuses |= 1u << status;
    }

  return TRUE;
}

static int
command_messages (Invocation *inv)
{
  g_autoptr(DlvStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autofree char *status_text = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *campaign = NULL;
  g_autofree char *search = NULL;
  gboolean json = FALSE, csv = FALSE;
  int limit = 100;
  DlvMessageFilter filter = { 0 };
  gint64 now = dlv_now ();
  guint n;
  int status;
  GOptionEntry entries[] = {
    { "status", 0, 0, G_OPTION_ARG_STRING, &status_text,
      N_("Only these statuses (comma-separated: accepted, deferred, delivered, soft_bounce, "
         "hard_bounce, expired, blocked)"), "S" },
    { "domain", 0, 0, G_OPTION_ARG_STRING, &domain,
      N_("Only this recipient domain, or mailbox provider (gmail, microsoft, yahoo, apple, gmx, "
         "orange, other)"), "D" },
    { "campaign", 0, 0, G_OPTION_ARG_STRING, &campaign, N_("Only this campaign"), "C" },
    { "search", 0, 0, G_OPTION_ARG_STRING, &search, N_("Recipient or subject contains"), "TEXT" },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most N messages, newest first (100; 0: all)"),
      "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("One JSON object per line"), NULL },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, N_("CSV with a header line"), NULL },
    { NULL }
  };

  if (!parse_options (inv, NULL, _("List messages, newest activity first."), entries, &status))
    return status;
  if (json && csv)
    return fail (EXIT_USAGE, _("Choose one of --json and --csv"));
  if (limit < 0)
    return fail (EXIT_USAGE, _("--limit must be 0 or more"));
  if (status_text != NULL && !parse_statuses (status_text, &filter.statuses))
    return fail (EXIT_USAGE, _("Unknown status in “%s”"), status_text);

  filter.domain = domain;
  filter.campaign = campaign;
  filter.search = search;

  if ((store = open_store (inv, &error)) == NULL ||
      (ids = dlv_store_query_message_ids (store, &filter, DLV_MESSAGE_SORT_LAST_EVENT, TRUE,
                                          now, &error)) == NULL)
    return fail_error (error);

  n = limit == 0 ? ids->len : MIN ((guint) limit, ids->len);
  if (csv)
    dlv_cli_print_csv_header ();

  /* Load in slices: a full export never holds every message at once. */
  for (guint start = 0; start < n; start += 500)
    {
      g_autoptr(GPtrArray) messages = NULL;

      messages = dlv_store_load_messages (store, &g_array_index (ids, gint64, start),
                                          MIN (500, n - start), &error);
      if (messages == NULL)
        return fail_error (error);

      for (guint i = 0; i < messages->len; i++)
        {
          DlvMessage *m = g_ptr_array_index (messages, i);

          if (json)
            {
              g_autofree char *line = dlv_cli_json_to_string (dlv_cli_message_to_json (m, NULL, now));

              g_print ("%s\n", line);
            }
          else if (csv)
            dlv_cli_print_csv_message (m, now);
          else
            dlv_cli_print_message_line (m, now);
        }
    }

  return EXIT_OK;
}

static int
command_message (Invocation *inv)
{
  g_autoptr(DlvStore) store = NULL;
  g_autoptr(DlvMessage) message = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  gint64 now = dlv_now ();
  guint64 id;
  int status;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  if (!parse_options (inv, _("ID"), _("Show one message and its timeline."), entries, &status))
    return status;
  if (inv->argc != 2 || !g_ascii_string_to_unsigned (inv->argv[1], 10, 1, G_MAXINT64, &id, NULL))
    return fail (EXIT_USAGE, _("Give one message id, a number from `messages`"));

  if ((store = open_store (inv, &error)) == NULL ||
      (message = dlv_store_get_message (store, id, &error)) == NULL ||
      (events = dlv_store_get_message_events (store, id, &error)) == NULL)
    return fail_error (error);

  if (json)
    {
      g_autofree char *text = dlv_cli_json_to_string (dlv_cli_message_to_json (message, events, now));

      g_print ("%s\n", text);
    }
  else
    dlv_cli_print_message_detail (message, events, now);

  return EXIT_OK;
}

static int
command_conversion (Invocation *inv)
{
  g_autoptr(DlvStore) store = NULL;
  g_autoptr(GArray) cohort = NULL;
  g_autoptr(DlvConversion) conversion = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *campaign = NULL;
  gboolean json = FALSE;
  DlvMessageFilter filter = { 0 };
  int status;
  GOptionEntry entries[] = {
    { "domain", 0, 0, G_OPTION_ARG_STRING, &domain,
      N_("Only this recipient domain, or mailbox provider (gmail, microsoft, yahoo, apple, gmx, "
         "orange, other)"), "D" },
    { "campaign", 0, 0, G_OPTION_ARG_STRING, &campaign, N_("Only this campaign"), "C" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  if (!parse_options (inv, NULL, _("How deferred mail turned into delivered mail, 0–72 h after "
                                   "its first deferral."), entries, &status))
    return status;

  filter.domain = domain;
  filter.campaign = campaign;

  if ((store = open_store (inv, &error)) == NULL ||
      (cohort = dlv_store_load_deferred_cohort (store, &filter, &error)) == NULL)
    return fail_error (error);

  conversion = dlv_conversion_compute ((DlvCohortEntry *) (gpointer) cohort->data, cohort->len,
                                       dlv_now ());
  if (json)
    {
      g_autofree char *text = dlv_cli_json_to_string (dlv_cli_conversion_to_json (conversion));

      g_print ("%s\n", text);
    }
  else
    dlv_cli_print_conversion (conversion);

  return EXIT_OK;
}

static int
command_domains (Invocation *inv)
{
  g_autoptr(DlvStore) store = NULL;
  g_autoptr(GPtrArray) domains = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  int status;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("One JSON object per line"), NULL },
    { NULL }
  };

  if (!parse_options (inv, NULL, _("Show the sending domains and their authentication."),
                      entries, &status))
    return status;

  if ((store = open_store (inv, &error)) == NULL ||
      (domains = dlv_store_list_domains (store, 0, &error)) == NULL)
    return fail_error (error);

  for (guint i = 0; i < domains->len; i++)
    {
      DlvDomain *domain = g_ptr_array_index (domains, i);

      if (json)
        {
          g_autofree char *line = dlv_cli_json_to_string (dlv_cli_domain_to_json (domain));

          g_print ("%s\n", line);
        }
      else
        dlv_cli_print_domain (domain);
    }

  return EXIT_OK;
}

static int
command_explain (Invocation *inv)
{
  g_autofree char *text = NULL;
  gboolean json = FALSE;
  DlvReasonInfo info;
  int status;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  if (!parse_options (inv, _("TEXT"), _("Explain a deferral or bounce reason."), entries, &status))
    return status;
  if (inv->argc < 2)
    return fail (EXIT_USAGE, _("Give the reason text to explain"));

  text = g_strjoinv (" ", inv->argv + 1);
  dlv_reason_classify (text, &info);

  if (json)
    {
      g_autofree char *out = dlv_cli_json_to_string (dlv_cli_explanation_to_json (&info));

      g_print ("%s\n", out);
    }
  else
    dlv_cli_print_explanation (&info);

  return EXIT_OK;
}


/* Imports go to the first account of that provider, made when there is none. */
static gint64
find_import_account (DlvStore    *store,
                     const char  *provider,
                     GError     **error)
{
  g_autoptr(GPtrArray) accounts = dlv_store_list_accounts (store, error);
  g_autofree char *name = NULL;

  if (accounts == NULL)
    return 0;

  for (guint i = 0; i < accounts->len; i++)
    {
      DlvAccount *account = g_ptr_array_index (accounts, i);

      if (g_strcmp0 (account->provider, provider) == 0)
        return account->id;
    }

  /* Translators: the name of an account made for imported files, e.g. "mailgun (imported)" */
  name = g_strdup_printf (_("%s (imported)"), provider);
  return dlv_store_add_account (store, provider, name, dlv_import_retry_window_hours (provider),
                                NULL, NULL, error);
}

static gboolean
import_file (DlvStore    *store,
             gint64       account_id,
             const char  *provider,
             const char  *path,
             GError     **error)
{
  g_autoptr(DlvEventPage) page = NULL;
  g_autofree char *data = NULL;
  DlvIngestStats stats;
  gsize length;

  if (!g_file_get_contents (path, &data, &length, error))
    return FALSE;

  page = dlv_import_parse (provider, data, length, error);
  if (page == NULL || !dlv_store_ingest_page (store, account_id, page, &stats, error))
    return FALSE;

  g_print (_("%s: %u new events, %u already stored, %u unreadable\n"),
           path, stats.events_added, stats.events_duplicate, page->skipped + stats.events_invalid);
  return TRUE;
}

static int
command_import (Invocation *inv)
{
  g_autoptr(DlvStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *provider = NULL;
  gint64 account_id;
  int status = EXIT_OK;
  GOptionEntry entries[] = {
    { "provider", 0, 0, G_OPTION_ARG_STRING, &provider,
      N_("The provider the files come from (sendgrid, mailgun, brevo, postmark, sparkpost, "
         "mailjet, resend)"), "NAME" },
    { NULL }
  };

  if (!parse_options (inv, _("FILE…"), _("Store events from files a provider exported: one "
                                          "events API response per file, or webhook events as a "
                                          "JSON array or one per line."), entries, &status))
    return status;
  if (!dlv_cli_check_provider (provider, &status))
    return status;
  if (inv->argc < 2)
    return fail (EXIT_USAGE, "%s", _("Give at least one file to import"));

  if ((store = open_store (inv, &error)) == NULL ||
      (account_id = find_import_account (store, provider, &error)) == 0)
    return fail_error (error);

  /* Each file is its own transaction: a bad one is reported, the others kept. */
  for (int i = 1; i < inv->argc; i++)
    {
      g_autoptr(GError) file_error = NULL;

      if (!import_file (store, account_id, provider, inv->argv[i], &file_error))
        status = fail (EXIT_RUNTIME, "%s: %s", inv->argv[i], file_error->message);
    }

  return status;
}

static const struct {
  const char *name;
  CommandFunc func;
  const char *summary;
} commands[] = {
  { "demo", command_demo, N_("Fill the store with the simulated demo platform") },
  { "messages", command_messages, N_("List messages") },
  { "message", command_message, N_("Show one message and its timeline") },
  { "conversion", command_conversion, N_("The 72-hour conversion of deferred mail") },
  { "domains", command_domains, N_("Sending domains and their DKIM, SPF and DMARC records") },
  { "explain", command_explain, N_("Explain a deferral or bounce reason") },
  { "import", command_import, N_("Store events from files a provider exported") },
  { "poll", dlv_cli_command_poll, N_("Poll a provider’s events API into the store") },
  { "accounts", dlv_cli_command_accounts, N_("List the accounts and their state") },
};

static int
usage (int status)
{
  GString *text = g_string_new (_("Usage: deliverability-cli [--db FILE] COMMAND [OPTIONS…]\n\n"
                                  "Commands:\n"));

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *name = dlv_cli_pad (commands[i].name, 11);

      g_string_append_printf (text, "  %s %s\n", name, _(commands[i].summary));
    }
  g_string_append (text,
                   _("\n“deliverability-cli COMMAND --help” describes a command’s options.\n"));

  if (status == EXIT_OK)
    g_print ("%s", text->str);
  else
    g_printerr ("%s", text->str);
  g_string_free (text, TRUE);

  return status;
}

int
main (int   argc,
      char *argv[])
{
  Invocation inv = { 0 };
  int i = 1;

  setlocale (LC_ALL, "");
  dlv_bind_textdomain ();

  /* Global options come before the command. */
  for (; i < argc && argv[i][0] == '-'; i++)
    {
      if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        return usage (EXIT_OK);
      else if (g_str_equal (argv[i], "--db") && i + 1 < argc)
        inv.db_path = argv[++i];
      else if (g_str_has_prefix (argv[i], "--db="))
        inv.db_path = argv[i] + strlen ("--db=");
      else
        return fail (EXIT_USAGE, _("Unknown option %s (see --help)"), argv[i]);
    }

  if (i >= argc)
    return usage (EXIT_USAGE);
  if (inv.db_path != NULL && inv.db_path[0] == '\0')
    return fail (EXIT_USAGE, _("--db needs a file name"));

  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    {
      if (g_str_equal (argv[i], commands[c].name))
        {
          /* The command sees itself as argv[0], the way GOptionContext wants. */
          inv.argc = argc - i;
          inv.argv = argv + i;
          return commands[c].func (&inv);
        }
    }

  return fail (EXIT_USAGE, _("Unknown command “%s” (see --help)"), argv[i]);
}
