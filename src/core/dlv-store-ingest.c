/* dlv-store-ingest.c: storing a page of events with its cursor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A page and the account's cursor commit in one transaction: a crash or a
 * kill either keeps the whole page and the cursor after it, or neither, so
 * fetching again from the stored cursor loses and duplicates nothing. Events
 * de-duplicate on (account, uid), and only an event stored for the first
 * time is folded into its message, so the aggregates stay exact too.
 */

#define G_LOG_DOMAIN "dlv-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dlv-store-private.h"
#include "dlv-util.h"

typedef struct
{
  DlvMessage *message;
  char *indexed_recipient;      /* what the text index holds for it */
  char *indexed_subject;
  gboolean is_new;
  gboolean dirty;
} PendingMessage;

static void
pending_message_free (PendingMessage *pending)
{
  dlv_message_free (pending->message);
  g_free (pending->indexed_recipient);
  g_free (pending->indexed_subject);
  g_free (pending);
}

#define UPSERT_MESSAGE_SQL \
  "INSERT INTO messages (id, account_id, provider_message_id, recipient, recipient_domain," \
  " recipient_group, sender, subject, campaign, status, status_at, flags, attempts," \
  " first_event_at, last_event_at, first_deferred_at, delivered_at, expires_at, reason_at," \
  " reason, mx, smtp_code, enhanced_code, origin, cause, action_needed, attempt_events)" \
  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18," \
  " ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)" \
  " ON CONFLICT (id) DO UPDATE SET recipient = ?4, recipient_domain = ?5," \
  " recipient_group = ?6, sender = ?7, subject = ?8, campaign = ?9, status = ?10," \
  " status_at = ?11, flags = ?12, attempts = ?13, first_event_at = ?14, last_event_at = ?15," \
  " first_deferred_at = ?16, delivered_at = ?17, expires_at = ?18, reason_at = ?19," \
  " reason = ?20, mx = ?21, smtp_code = ?22, enhanced_code = ?23, origin = ?24, cause = ?25," \
  " action_needed = ?26, attempt_events = ?27"

static gboolean
prepare_statements (DlvStore  *self,
                    GError   **error)
{
  if (self->insert_event != NULL)
    return TRUE;

  self->insert_event =
    _dlv_store_prepare (self,
                        "INSERT OR IGNORE INTO events (account_id, uid, message_id, kind, at,"
                        " smtp_code, enhanced_code, reason, attempt, retry_in, mx, ip, raw)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        error);
  self->find_message =
    _dlv_store_prepare (self,
                        "SELECT " DLV_MESSAGE_COLUMNS " FROM messages m"
                        " JOIN accounts a ON a.id = m.account_id"
                        " WHERE m.account_id = ? AND m.provider_message_id = ?",
                        error && *error == NULL ? error : NULL);
  self->insert_message = _dlv_store_prepare (self, UPSERT_MESSAGE_SQL,
                                             error && *error == NULL ? error : NULL);
  self->index_text =
    _dlv_store_prepare (self,
                        "INSERT INTO message_text (message_text, rowid, recipient, subject)"
                        " VALUES (?, ?, ?, ?)",
                        error && *error == NULL ? error : NULL);

  if (self->insert_event == NULL || self->find_message == NULL || self->insert_message == NULL ||
      self->index_text == NULL)
    {
      _dlv_store_finalize_ingest (self);
      return FALSE;
    }

  return TRUE;
}

void
_dlv_store_finalize_ingest (DlvStore *self)
{
  g_clear_pointer (&self->insert_event, sqlite3_finalize);
  g_clear_pointer (&self->find_message, sqlite3_finalize);
  g_clear_pointer (&self->insert_message, sqlite3_finalize);
  g_clear_pointer (&self->index_text, sqlite3_finalize);
}

static PendingMessage *
find_or_create_message (DlvStore       *self,
                        GHashTable     *pending,
                        gint64          account_id,
                        const DlvEvent *event,
                        gint64         *next_id)
{
  PendingMessage *entry = g_hash_table_lookup (pending, event->message_id);
  sqlite3_stmt *stmt = self->find_message;

  if (entry != NULL)
    return entry;

  entry = g_new0 (PendingMessage, 1);

  sqlite3_reset (stmt);
  sqlite3_bind_int64 (stmt, 1, account_id);
  _dlv_bind_text (stmt, 2, event->message_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      entry->message = _dlv_message_from_row (stmt);
      entry->indexed_recipient = g_strdup (entry->message->recipient);
      entry->indexed_subject = g_strdup (entry->message->subject);
    }
  else
    {
      entry->message = dlv_message_new ();
      entry->message->id = (*next_id)++;
      entry->message->account_id = account_id;
      entry->is_new = TRUE;
    }
  sqlite3_reset (stmt);

  g_hash_table_insert (pending, entry->message->provider_message_id
                                  ? entry->message->provider_message_id
                                  : event->message_id,
                       entry);
  return entry;
}

static gboolean
insert_event (DlvStore       *self,
              gint64          account_id,
              gint64          message_id,
              const DlvEvent *event,
              gboolean       *inserted)
{
  sqlite3_stmt *stmt = self->insert_event;
  int rc;

  sqlite3_reset (stmt);
  sqlite3_bind_int64 (stmt, 1, account_id);
  _dlv_bind_text (stmt, 2, event->uid);
  sqlite3_bind_int64 (stmt, 3, message_id);
  sqlite3_bind_int (stmt, 4, event->kind);
  sqlite3_bind_int64 (stmt, 5, event->at);
  _dlv_bind_time (stmt, 6, event->smtp_code);
  _dlv_bind_text (stmt, 7, event->enhanced_code);
  _dlv_bind_text (stmt, 8, event->reason);
  _dlv_bind_time (stmt, 9, event->attempt);
  _dlv_bind_time (stmt, 10, event->retry_in);
  _dlv_bind_text (stmt, 11, event->mx);
  _dlv_bind_text (stmt, 12, event->ip);
  _dlv_bind_text (stmt, 13, event->raw);

  rc = sqlite3_step (stmt);
  *inserted = rc == SQLITE_DONE && sqlite3_changes (self->db) == 1;
  sqlite3_reset (stmt);

  return rc == SQLITE_DONE;
}

static gboolean
write_message (DlvStore         *self,
               const DlvMessage *m)
{
  sqlite3_stmt *stmt = self->insert_message;
  int rc;

  sqlite3_reset (stmt);
  sqlite3_bind_int64 (stmt, 1, m->id);
  sqlite3_bind_int64 (stmt, 2, m->account_id);
  _dlv_bind_text (stmt, 3, m->provider_message_id);
  _dlv_bind_text (stmt, 4, m->recipient);
  _dlv_bind_text (stmt, 5, m->recipient_domain);
  sqlite3_bind_int (stmt, 6, m->recipient_group);
  _dlv_bind_text (stmt, 7, m->sender);
  _dlv_bind_text (stmt, 8, m->subject);
  _dlv_bind_text (stmt, 9, m->campaign);
  sqlite3_bind_int (stmt, 10, m->status);
  _dlv_bind_time (stmt, 11, m->status_at);
  sqlite3_bind_int (stmt, 12, m->flags);
  sqlite3_bind_int (stmt, 13, m->attempts);
  _dlv_bind_time (stmt, 14, m->first_event_at);
  _dlv_bind_time (stmt, 15, m->last_event_at);
  _dlv_bind_time (stmt, 16, m->first_deferred_at);
  _dlv_bind_time (stmt, 17, m->delivered_at);
  _dlv_bind_time (stmt, 18, m->expires_at);
  _dlv_bind_time (stmt, 19, m->reason_at);
  _dlv_bind_text (stmt, 20, m->reason);
  _dlv_bind_text (stmt, 21, m->mx);
  _dlv_bind_time (stmt, 22, m->reason_info.smtp_code);
  _dlv_bind_text (stmt, 23, m->reason_info.enhanced_code[0] ? m->reason_info.enhanced_code : NULL);
  sqlite3_bind_int (stmt, 24, m->reason_info.origin);
  sqlite3_bind_int (stmt, 25, m->reason_info.cause);
  sqlite3_bind_int (stmt, 26, m->reason_info.action_needed);
  sqlite3_bind_int (stmt, 27, m->attempt_events);

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  return rc == SQLITE_DONE;
}

/* The text index keeps no copy of the text: an entry is removed by giving
 * back exactly what was indexed ("delete"), then added anew. */
static gboolean
run_index_text (DlvStore   *self,
                const char *command,
                gint64      id,
                const char *recipient,
                const char *subject)
{
  sqlite3_stmt *stmt = self->index_text;
  int rc;

  sqlite3_reset (stmt);
  _dlv_bind_text (stmt, 1, command);
  sqlite3_bind_int64 (stmt, 2, id);
  _dlv_bind_text (stmt, 3, recipient);
  _dlv_bind_text (stmt, 4, subject);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  return rc == SQLITE_DONE;
}

static gboolean
index_text (DlvStore       *self,
            PendingMessage *entry)
{
  const DlvMessage *m = entry->message;

  if (!entry->is_new &&
      g_strcmp0 (entry->indexed_recipient, m->recipient) == 0 &&
      g_strcmp0 (entry->indexed_subject, m->subject) == 0)
    return TRUE;

  if (!entry->is_new &&
      !run_index_text (self, "delete", m->id, entry->indexed_recipient, entry->indexed_subject))
    return FALSE;

  return run_index_text (self, NULL, m->id, m->recipient, m->subject);
}

static gboolean
read_account (DlvStore  *self,
              gint64     account_id,
              guint     *retry_window_hours,
              gint64    *next_message_id,
              GError   **error)
{
  g_autoptr(DlvAccount) account = dlv_store_get_account (self, account_id, error);
  sqlite3_stmt *stmt;

  if (account == NULL)
    return FALSE;
  *retry_window_hours = account->retry_window_hours;

  /* Ids are handed out here, inside the write transaction, so a page's new
   * messages are written once, after all their events are folded in. */
  stmt = _dlv_store_prepare (self, "SELECT coalesce (max (id), 0) + 1 FROM messages", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_step (stmt);
  *next_message_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return TRUE;
}

/* The poll position, whether it reached the present, and any events the
 * provider could not give, in the page's transaction. */
static gboolean
save_cursor (DlvStore           *self,
             gint64              account_id,
             const DlvEventPage *page)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  stmt = _dlv_store_prepare (self,
                             "UPDATE accounts SET cursor = COALESCE (?, cursor),"
                             " history_gap = COALESCE (?, history_gap),"
                             " caught_up_at = CASE WHEN ? THEN caught_up_at ELSE ? END"
                             " WHERE id = ?", NULL);
  if (stmt == NULL)
    return FALSE;

  _dlv_bind_text (stmt, 1, page->next_cursor);
  _dlv_bind_text (stmt, 2, page->gap);
  sqlite3_bind_int (stmt, 3, page->more);
  sqlite3_bind_int64 (stmt, 4, dlv_now ());
  sqlite3_bind_int64 (stmt, 5, account_id);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);

  return ok;
}

static gboolean
ingest_events (DlvStore       *self,
               gint64          account_id,
               DlvEventPage   *page,
               DlvIngestStats *stats,
               GError        **error)
{
  g_autoptr(GHashTable) pending = NULL;
  GHashTableIter iter;
  PendingMessage *entry;
  guint retry_window_hours;
  gint64 next_id;

  if (!read_account (self, account_id, &retry_window_hours, &next_id, error))
    return FALSE;

  pending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                   (GDestroyNotify) pending_message_free);

  for (guint i = 0; i < page->events->len; i++)
    {
      DlvEvent *event = g_ptr_array_index (page->events, i);
      gboolean inserted = FALSE;

      if (event->message_id == NULL || event->message_id[0] == '\0' ||
          (guint) event->kind >= DLV_N_EVENT_KINDS)
        {
          stats->events_invalid++;
          continue;
        }

      dlv_event_ensure_uid (event);
      entry = find_or_create_message (self, pending, account_id, event, &next_id);

      if (!insert_event (self, account_id, entry->message->id, event, &inserted))
        return _dlv_store_set_error (self, error, _("store the events"));

      if (!inserted)
        {
          stats->events_duplicate++;
          continue;
        }

      dlv_message_apply_event (entry->message, event, retry_window_hours);
      entry->dirty = TRUE;
      stats->events_added++;
    }

  g_hash_table_iter_init (&iter, pending);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    {
      if (!entry->dirty)
        continue;

      if (!write_message (self, entry->message) || !index_text (self, entry))
        return _dlv_store_set_error (self, error, _("store the messages"));

      if (entry->is_new)
        stats->messages_added++;
      else
        stats->messages_updated++;
    }

  if (!save_cursor (self, account_id, page))
    return _dlv_store_set_error (self, error, _("save the poll position"));

  return TRUE;
}

/* Whether the account still has the cursor and settings the page was
 * fetched with: editing an account while it is polled changes its settings
 * and resets its cursor, and a page fetched with the old ones must not be
 * stored under the new ones. */
static gboolean
account_is (DlvStore   *self,
            gint64      account_id,
            const char *cursor,
            const char *settings,
            GError    **error)
{
  sqlite3_stmt *stmt = _dlv_store_prepare (self, "SELECT cursor, settings FROM accounts WHERE id = ?",
                                           error);
  gboolean same;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, account_id);
  same = sqlite3_step (stmt) == SQLITE_ROW &&
         g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), cursor) == 0 &&
         g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), settings) == 0;
  sqlite3_finalize (stmt);

  if (!same)
    g_set_error (error, DLV_STORE_ERROR, DLV_STORE_ERROR_MOVED,
                 _("The account was changed while it was being updated; it is read again from the start"));
  return same;
}

static gboolean
ingest_page (DlvStore        *self,
             gint64           account_id,
             const DlvAccount *from,
             DlvEventPage    *page,
             DlvIngestStats  *stats,
             GError         **error)
{
  DlvIngestStats local = { 0 };

  g_return_val_if_fail (DLV_IS_STORE (self), FALSE);
  g_return_val_if_fail (page != NULL, FALSE);

  if (stats == NULL)
    stats = &local;
  *stats = (DlvIngestStats) { 0 };

  if (!prepare_statements (self, error) || !_dlv_store_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  if ((from != NULL && !account_is (self, account_id, from->cursor, from->settings, error)) ||
      !ingest_events (self, account_id, page, stats, error))
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      *stats = (DlvIngestStats) { 0 };
      return FALSE;
    }

  if (sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      _dlv_store_set_error (self, error, _("save the page of events"));
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      *stats = (DlvIngestStats) { 0 };
      return FALSE;
    }

  return TRUE;
}

/**
 * dlv_store_ingest_page:
 * @self: a store
 * @account_id: the account the page was fetched for
 * @page: the page; events without a uid get a stable derived one
 * @stats: (out caller-allocates) (optional): what changed
 * @error: return location for a #GError
 *
 * Stores a page of events, updates their messages and saves the page's
 * cursor, all in one transaction.
 */
gboolean
dlv_store_ingest_page (DlvStore        *self,
                       gint64           account_id,
                       DlvEventPage    *page,
                       DlvIngestStats  *stats,
                       GError         **error)
{
  return ingest_page (self, account_id, NULL, page, stats, error);
}

/**
 * dlv_store_ingest_page_from:
 * @from: the account as it was when the page was fetched (its cursor and
 *   settings)
 *
 * Like dlv_store_ingest_page(), for a poll: stores nothing, and fails with
 * %DLV_STORE_ERROR_MOVED, when the account's cursor or settings are no
 * longer those of @from (the account was edited meanwhile).
 */
gboolean
dlv_store_ingest_page_from (DlvStore         *self,
                            const DlvAccount *from,
                            DlvEventPage     *page,
                            DlvIngestStats   *stats,
                            GError          **error)
{
  g_return_val_if_fail (from != NULL, FALSE);

  return ingest_page (self, from->id, from, page, stats, error);
}
