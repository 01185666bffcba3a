/* dlv-poll.h: bring one account up to date, page by page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "dlv-provider.h"
#include "dlv-store.h"

G_BEGIN_DECLS

typedef struct
{
  guint pages;
  guint events_added;
  guint events_duplicate;
  guint events_skipped;         /* malformed items the provider skipped, or invalid events */
  guint domains;
} DlvPollStats;

gboolean dlv_poll_account_sync (DlvStore      *store,
                                gint64         account_id,
                                DlvProvider   *provider,
                                guint          max_pages,
                                DlvPollStats  *stats,
                                GCancellable  *cancellable,
                                GError       **error);

/* What a round did for one account, and when to try it again. */
typedef struct
{
  gint64 account_id;
  gboolean ok;
  int error_code;               /* DlvProviderError, when !ok and the error was the provider's */
  gboolean provider_error;
  gint64 retry_after;           /* seconds asked by the provider, -1 when unsaid */
  guint min_poll_seconds;       /* the provider's documented floor */
  guint events_added;
} DlvPollOutcome;

guint    dlv_poll_next_delay   (const DlvPollOutcome *outcome,
                                guint                 interval,
                                guint                 failures,
                                gboolean             *stop);

#define DLV_POLL_MAX_BACKOFF_SECONDS 3600

G_END_DECLS
