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

G_END_DECLS
