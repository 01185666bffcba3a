/* dlv-store-alerts.c: the store's queries behind desktop alerts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each runs after every poll, so each reads an index range bounded by time
 * and never the whole table: a million stored messages cost a few
 * milliseconds (see dlv-alerts.c for what is done with the figures).
 */

#define G_LOG_DOMAIN "dlv-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dlv-store-alerts.h"
#include "dlv-store-private.h"

/**
 * dlv_store_count_first_deferrals:
 * @since: start of the earlier period
 * @recent_since: end of the earlier period, start of the recent one
 * @until: end of the recent period
 *
 * Counts, per mailbox provider, the messages whose first deferral falls in
 * each period. A message counts once however often it is retried, so the
 * figure follows new trouble rather than the backlog of old retries. It is
 * read from the messages_deferred index alone (it holds both columns).
 *
 * Returns: (transfer full) (element-type DlvDeferralCount): the providers
 *   with any first deferral in [@since, @until)
 */
GArray *
dlv_store_count_first_deferrals (DlvStore  *self,
                                 gint64     since,
                                 gint64     recent_since,
                                 gint64     until,
                                 GError   **error)
{
  g_autoptr(GArray) counts = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DLV_IS_STORE (self), NULL);
  g_return_val_if_fail (since <= recent_since && recent_since <= until, NULL);

  stmt = _dlv_store_prepare (self,
                             "SELECT recipient_group, sum (first_deferred_at >= ?2),"
                             " sum (first_deferred_at < ?2) FROM messages"
                             " WHERE first_deferred_at >= ?1 AND first_deferred_at < ?3"
                             " GROUP BY recipient_group",
                             error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_int64 (stmt, 2, recent_since);
  sqlite3_bind_int64 (stmt, 3, until);

  counts = g_array_new (FALSE, FALSE, sizeof (DlvDeferralCount));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DlvDeferralCount count = {
        .group = sqlite3_column_int (stmt, 0),
        .recent = sqlite3_column_int64 (stmt, 1),
        .before = sqlite3_column_int64 (stmt, 2),
      };

      if ((guint) count.group < DLV_N_RECIPIENT_GROUPS)
        g_array_append_val (counts, count);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      _dlv_store_set_error (self, error, _("count the deferred messages"));
      return NULL;
    }

  return g_steal_pointer (&counts);
}

/**
 * dlv_store_count_first_deferral_causes:
 * @group: a mailbox provider
 * @since: first deferral at or after
 * @until: first deferral before
 * @sample: how many of the latest to look at, 0 for all
 *
 * The causes (of each message's latest reason) among @group's messages
 * first deferred in [@since, @until). The cause is not in the index: each
 * message read is a row lookup, which a sample of the latest few hundred
 * bounds (thousands of random reads take seconds on a cold disk).
 *
 * Returns: (transfer full) (element-type DlvCauseCount): the causes, most
 *   frequent first
 */
GArray *
dlv_store_count_first_deferral_causes (DlvStore           *self,
                                       DlvRecipientGroup   group,
                                       gint64              since,
                                       gint64              until,
                                       guint               sample,
                                       GError            **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DLV_IS_STORE (self), NULL);

  /* The unary + keeps SQLite on the time range: the provider's own index
   * would walk all of its messages (a third of the store for Gmail). */
  stmt = _dlv_store_prepare (self,
                             "SELECT cause, count (*) FROM"
                             " (SELECT cause FROM messages"
                             "  WHERE first_deferred_at >= ?1 AND first_deferred_at < ?2"
                             "  AND +recipient_group = ?3"
                             "  ORDER BY first_deferred_at DESC LIMIT ?4)"
                             " GROUP BY 1 ORDER BY 2 DESC, 1",
                             error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_int64 (stmt, 2, until);
  sqlite3_bind_int (stmt, 3, group);
  sqlite3_bind_int64 (stmt, 4, sample > 0 ? (gint64) sample : -1);

  return _dlv_store_read_cause_counts (self, stmt, error);
}

/**
 * dlv_store_count_active_messages:
 * @group: a mailbox provider
 * @recent: (out): its messages with their last activity in [@recent_since, @until)
 * @before: (out): those with it in [@since, @recent_since)
 *
 * How much mail to @group was under way in each period: what a count of
 * deferrals is divided by, so a big send is not mistaken for trouble.
 * Read from the messages_by_group index alone.
 */
gboolean
dlv_store_count_active_messages (DlvStore           *self,
                                 DlvRecipientGroup   group,
                                 gint64              since,
                                 gint64              recent_since,
                                 gint64              until,
                                 guint64            *recent,
                                 guint64            *before,
                                 GError            **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (DLV_IS_STORE (self), FALSE);
  g_return_val_if_fail (recent != NULL && before != NULL, FALSE);

  *recent = *before = 0;
  stmt = _dlv_store_prepare (self,
                             "SELECT sum (last_event_at >= ?2), sum (last_event_at < ?2)"
                             " FROM messages WHERE recipient_group = ?4"
                             " AND last_event_at >= ?1 AND last_event_at < ?3",
                             error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_int64 (stmt, 2, recent_since);
  sqlite3_bind_int64 (stmt, 3, until);
  sqlite3_bind_int (stmt, 4, group);

  ok = sqlite3_step (stmt) == SQLITE_ROW;
  if (ok)
    {
      *recent = sqlite3_column_int64 (stmt, 0);
      *before = sqlite3_column_int64 (stmt, 1);
    }
  else
    _dlv_store_set_error (self, error, _("count the messages"));
  sqlite3_finalize (stmt);

  return ok;
}

/**
 * dlv_store_count_expiring:
 * @now: the current time
 * @until: the end of the period looked at
 * @batch: (out caller-allocates): the messages still deferred whose retry
 *   window closes in (@now, @until]
 *
 * Read through messages_by_status: only stored-deferred messages are
 * visited (its own condition is repeated so SQLite may use it).
 */
gboolean
dlv_store_count_expiring (DlvStore          *self,
                          gint64             now,
                          gint64             until,
                          DlvExpiringBatch  *batch,
                          GError           **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DLV_IS_STORE (self), FALSE);
  g_return_val_if_fail (batch != NULL, FALSE);

  *batch = (DlvExpiringBatch) { 0 };
  stmt = _dlv_store_prepare (self,
                             "SELECT recipient_group, count (*), min (expires_at), max (expires_at)"
                             " FROM messages"
                             " WHERE status = 1 AND status <> 2"
                             " AND expires_at > ?1 AND expires_at <= ?2"
                             " GROUP BY 1 ORDER BY 2 DESC, 1",
                             error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int64 (stmt, 2, until);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DlvRecipientGroup group = sqlite3_column_int (stmt, 0);
      guint64 messages = sqlite3_column_int64 (stmt, 1);
      gint64 first = sqlite3_column_int64 (stmt, 2);
      gint64 last = sqlite3_column_int64 (stmt, 3);

      if (batch->messages == 0)
        {
          batch->main_group = (guint) group < DLV_N_RECIPIENT_GROUPS ? group
                              : DLV_RECIPIENT_GROUP_OTHER;
          batch->main_group_messages = messages;
          batch->first_expiry = first;
          batch->last_expiry = last;
        }
      batch->messages += messages;
      batch->first_expiry = MIN (batch->first_expiry, first);
      batch->last_expiry = MAX (batch->last_expiry, last);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    return _dlv_store_set_error (self, error, _("count the messages about to expire"));

  return TRUE;
}

/**
 * dlv_store_get_history_start:
 *
 * Returns: the oldest last activity of any message (an index's first
 *   entry), roughly how far back the store's history goes; 0 when empty
 */
gint64
dlv_store_get_history_start (DlvStore  *self,
                             GError   **error)
{
  sqlite3_stmt *stmt;
  gint64 start = 0;

  g_return_val_if_fail (DLV_IS_STORE (self), 0);

  stmt = _dlv_store_prepare (self, "SELECT min (last_event_at) FROM messages", error);
  if (stmt == NULL)
    return 0;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    start = sqlite3_column_int64 (stmt, 0);
  else
    _dlv_store_set_error (self, error, _("read the messages"));
  sqlite3_finalize (stmt);

  return start;
}
