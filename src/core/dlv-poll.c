/* dlv-poll.c: bring one account up to date, page by page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "dlv-poll"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dlv-poll.h"
#include "dlv-util.h"

/* DNS records change rarely, and some providers count every request
 * against a small hourly budget: domains are read again at most this often. */
#define DOMAINS_EVERY_SECONDS (15 * 60)

static gboolean
fetch_domains (DlvStore      *store,
               gint64         account_id,
               DlvProvider   *provider,
               DlvPollStats  *stats,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GPtrArray) domains = NULL;
  gint64 checked_at = dlv_store_get_domains_checked_at (store, account_id, NULL);

  if (checked_at > 0 && dlv_now () - checked_at < DOMAINS_EVERY_SECONDS)
    return TRUE;

  domains = dlv_provider_fetch_domains_sync (provider, cancellable, error);

  if (domains == NULL)
    return FALSE;

  stats->domains = domains->len;
  return dlv_store_replace_domains (store, account_id, domains, error);
}

/**
 * dlv_poll_account_sync:
 * @max_pages: stop after this many pages (0: until caught up)
 *
 * Fetches pages from the account's stored cursor until the provider has no
 * more for now, storing each with its cursor before asking for the next;
 * then refreshes the account's domains if they are a quarter of an hour old. Blocks: for the command line, tests
 * and worker threads. A failure keeps every page stored before it.
 */
gboolean
dlv_poll_account_sync (DlvStore      *store,
                       gint64         account_id,
                       DlvProvider   *provider,
                       guint          max_pages,
                       DlvPollStats  *stats,
                       GCancellable  *cancellable,
                       GError       **error)
{
  DlvPollStats local = { 0 };
  g_autoptr(GError) domain_error = NULL;
  g_autoptr(DlvAccount) account = NULL;
  g_autofree char *problem = NULL;
  gboolean more = TRUE;

  g_return_val_if_fail (DLV_IS_STORE (store), FALSE);
  g_return_val_if_fail (DLV_IS_PROVIDER (provider), FALSE);

  if (stats == NULL)
    stats = &local;
  *stats = (DlvPollStats) { 0 };

  /* The account as the provider was made for it: each page is stored only
   * while the account still has these settings and the cursor the page
   * was fetched from. */
  account = dlv_store_get_account (store, account_id, error);
  if (account == NULL)
    return FALSE;

  while (more && (max_pages == 0 || stats->pages < max_pages))
    {
      g_autoptr(DlvEventPage) page = NULL;
      g_autoptr(GError) page_error = NULL;
      DlvIngestStats ingest;

      page = dlv_provider_fetch_page_sync (provider, account->cursor, cancellable, &page_error);
      if (page != NULL && !dlv_store_ingest_page_from (store, account, page, &ingest, &page_error) &&
          g_error_matches (page_error, DLV_STORE_ERROR, DLV_STORE_ERROR_MOVED))
        {
          /* Edited meanwhile: the round ends, and the next one reads the
           * account with its new settings. */
          g_debug ("Account %" G_GINT64_FORMAT " changed during its poll", account_id);
          return TRUE;
        }
      if (page_error != NULL)
        {
          /* A cancelled poll (quitting) is not the account's problem. */
          if (!g_error_matches (page_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            dlv_store_set_account_status (store, account_id, dlv_now (), page_error->message, NULL);
          g_propagate_error (error, g_steal_pointer (&page_error));
          return FALSE;
        }

      stats->pages++;
      stats->events_added += ingest.events_added;
      stats->events_duplicate += ingest.events_duplicate;
      stats->events_skipped += page->skipped + ingest.events_invalid;
      more = page->more;
      if (page->next_cursor != NULL)
        {
          g_free (account->cursor);
          account->cursor = g_strdup (page->next_cursor);
        }
    }

  /* The events are in: a refusal to list the domains (a key without that
   * permission, a rate limit right after the pages) is shown with the
   * account, kept domains stay, and the next round asks again. */
  if (!fetch_domains (store, account_id, provider, stats, cancellable, &domain_error))
    {
      if (g_error_matches (domain_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&domain_error));
          return FALSE;
        }
      /* Translators: %s says why, in the provider's terms */
      problem = g_strdup_printf (_("The sending domains could not be read: %s"),
                                 domain_error->message);
    }
  /* Unreadable events were skipped, the rest kept: the account says so. */
  else if (stats->events_skipped > 0)
    problem = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%u event from %s could not be read and was skipped",
                                            "%u events from %s could not be read and were skipped",
                                            stats->events_skipped),
                               stats->events_skipped, dlv_provider_get_title (provider));

  return dlv_store_set_account_status (store, account_id, dlv_now (), NULL, error) &&
         (problem == NULL || dlv_store_set_account_problem (store, account_id, problem, error));
}

/**
 * dlv_poll_next_delay:
 * @interval: the user's poll interval, in seconds
 * @failures: failed rounds in a row for this account, including this one
 * @stop: (out): set when polling this account cannot help until the user
 *   acts (a refused key, a missing add-on or permission, an unreadable
 *   position)
 *
 * Seconds to wait before polling the account again: the interval (never
 * under the provider's documented floor) after success; what the provider
 * asked after a 429 (its Retry-After or rate-limit reset); otherwise the
 * interval doubled per failure, up to an hour, with ±10 % jitter so that
 * clients recovering from one outage do not all return at once.
 */
guint
dlv_poll_next_delay (const DlvPollOutcome *outcome,
                     guint                 interval,
                     guint                 failures,
                     gboolean             *stop)
{
  guint floor_seconds = MAX (outcome->min_poll_seconds, 1);
  double delay = MAX (interval, floor_seconds);

  *stop = FALSE;
  if (outcome->ok)
    return (guint) delay;

  if (outcome->provider_error &&
      (outcome->error_code == DLV_PROVIDER_ERROR_UNAUTHORIZED ||
       outcome->error_code == DLV_PROVIDER_ERROR_FORBIDDEN ||
       outcome->error_code == DLV_PROVIDER_ERROR_BAD_CURSOR))
    {
      *stop = TRUE;
      return 0;
    }

  if (outcome->provider_error && outcome->error_code == DLV_PROVIDER_ERROR_RATE_LIMITED &&
      outcome->retry_after >= 0)
    return (guint) CLAMP (outcome->retry_after, floor_seconds, 24 * 3600);

  for (guint i = 1; i < failures && delay < DLV_POLL_MAX_BACKOFF_SECONDS; i++)
    delay *= 2;
  delay = MIN (delay, DLV_POLL_MAX_BACKOFF_SECONDS);
  delay *= g_random_double_range (0.9, 1.1);

  return MAX ((guint) delay, floor_seconds);
}
