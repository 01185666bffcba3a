/* dlv-poll.c: bring one account up to date, page by page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "dlv-poll"

#include "config.h"

#include "dlv-poll.h"
#include "dlv-util.h"

static gboolean
fetch_domains (DlvStore      *store,
               gint64         account_id,
               DlvProvider   *provider,
               DlvPollStats  *stats,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GPtrArray) domains = dlv_provider_fetch_domains_sync (provider, cancellable, error);

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
 * then refreshes the account's domains. Blocks: for the command line, tests
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
  gboolean more = TRUE;

  g_return_val_if_fail (DLV_IS_STORE (store), FALSE);
  g_return_val_if_fail (DLV_IS_PROVIDER (provider), FALSE);

  if (stats == NULL)
    stats = &local;
  *stats = (DlvPollStats) { 0 };

  while (more && (max_pages == 0 || stats->pages < max_pages))
    {
      g_autoptr(DlvAccount) account = dlv_store_get_account (store, account_id, error);
      g_autoptr(DlvEventPage) page = NULL;
      DlvIngestStats ingest;

      if (account == NULL)
        return FALSE;

      page = dlv_provider_fetch_page_sync (provider, account->cursor, cancellable, error);
      if (page == NULL || !dlv_store_ingest_page (store, account_id, page, &ingest, error))
        {
          if (error != NULL && *error != NULL)
            dlv_store_set_account_status (store, account_id, dlv_now (), (*error)->message, NULL);
          return FALSE;
        }

      stats->pages++;
      stats->events_added += ingest.events_added;
      stats->events_duplicate += ingest.events_duplicate;
      stats->events_skipped += page->skipped + ingest.events_invalid;
      more = page->more;
    }

  if (!fetch_domains (store, account_id, provider, stats, cancellable, error))
    return FALSE;

  return dlv_store_set_account_status (store, account_id, dlv_now (), NULL, error);
}
