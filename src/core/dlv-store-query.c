/* dlv-store-query.c: the Activity queries, filtered and sorted by SQLite
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "dlv-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dlv-store-private.h"

/* "Expired" is not stored: a deferred message expires when the clock passes
 * the end of its retry window, so the status is derived against :now. */
#define EFFECTIVE_STATUS_SQL \
  "(CASE WHEN m.status = 1 AND m.expires_at <= :now THEN 5 ELSE m.status END)"

static const char * const sort_columns[] = {
  [DLV_MESSAGE_SORT_LAST_EVENT] = "m.last_event_at",
  [DLV_MESSAGE_SORT_FIRST_EVENT] = "m.first_event_at",
  [DLV_MESSAGE_SORT_STATUS] = EFFECTIVE_STATUS_SQL,
  [DLV_MESSAGE_SORT_RECIPIENT] = "m.recipient",
  [DLV_MESSAGE_SORT_SUBJECT] = "m.subject",
  [DLV_MESSAGE_SORT_CAMPAIGN] = "m.campaign",
  [DLV_MESSAGE_SORT_ATTEMPTS] = "m.attempts",
};

DlvMessage *
_dlv_message_from_row (sqlite3_stmt *stmt)
{
  DlvMessage *m = dlv_message_new ();
  const char *enhanced;

  m->id = sqlite3_column_int64 (stmt, 0);
  m->account_id = sqlite3_column_int64 (stmt, 1);
  m->provider = _dlv_column_dup (stmt, 2);
  m->account = _dlv_column_dup (stmt, 3);
  m->provider_message_id = _dlv_column_dup (stmt, 4);
  m->recipient = _dlv_column_dup (stmt, 5);
  m->recipient_domain = _dlv_column_dup (stmt, 6);
  m->recipient_group = sqlite3_column_int (stmt, 7);
  m->sender = _dlv_column_dup (stmt, 8);
  m->subject = _dlv_column_dup (stmt, 9);
  m->campaign = _dlv_column_dup (stmt, 10);
  m->status = sqlite3_column_int (stmt, 11);
  m->status_at = sqlite3_column_int64 (stmt, 12);
  m->flags = sqlite3_column_int (stmt, 13);
  m->attempts = sqlite3_column_int (stmt, 14);
  m->first_event_at = sqlite3_column_int64 (stmt, 15);
  m->last_event_at = sqlite3_column_int64 (stmt, 16);
  m->first_deferred_at = sqlite3_column_int64 (stmt, 17);
  m->delivered_at = sqlite3_column_int64 (stmt, 18);
  m->expires_at = sqlite3_column_int64 (stmt, 19);
  m->reason_at = sqlite3_column_int64 (stmt, 20);
  m->reason = _dlv_column_dup (stmt, 21);
  m->mx = _dlv_column_dup (stmt, 22);
  m->reason_info.smtp_code = sqlite3_column_int (stmt, 23);
  enhanced = (const char *) sqlite3_column_text (stmt, 24);
  g_strlcpy (m->reason_info.enhanced_code, enhanced ? enhanced : "",
             sizeof m->reason_info.enhanced_code);
  m->reason_info.origin = sqlite3_column_int (stmt, 25);
  m->reason_info.cause = sqlite3_column_int (stmt, 26);
  m->reason_info.action_needed = sqlite3_column_int (stmt, 27);
  m->attempt_events = sqlite3_column_int (stmt, 28);

  return m;
}

#define STATUS_BIT(s) (1u << DLV_MESSAGE_STATUS_##s)

/* Written so SQLite can use messages_by_status: the stored statuses first
 * (an expired message is stored as deferred until an event says expired),
 * then the expiry split, then the partial index's own condition. */
static void
append_status_filter (GString *where,
                      guint    statuses)
{
  gboolean deferred = (statuses & STATUS_BIT (DEFERRED)) != 0;
  gboolean expired = (statuses & STATUS_BIT (EXPIRED)) != 0;
  guint stored = statuses | (expired ? STATUS_BIT (DEFERRED) : 0);
  const char *sep = "";

  g_string_append (where, " AND m.status IN (");
  for (guint s = 0; s < DLV_N_MESSAGE_STATUSES; s++)
    {
      if (stored & (1u << s))
        {
          g_string_append_printf (where, "%s%u", sep, s);
          sep = ", ";
        }
    }
  g_string_append (where, ")");

  if (deferred && !expired)
    g_string_append (where, " AND NOT (m.status = 1 AND m.expires_at <= :now)");
  else if (expired && !deferred)
    g_string_append (where, " AND NOT (m.status = 1 AND coalesce (m.expires_at > :now, 1))");

  if (!(statuses & STATUS_BIT (DELIVERED)))
    g_string_append (where, " AND m.status <> 2");
}

/* Trigrams need three characters; shorter searches scan with LIKE. */
static gboolean
use_text_index (const char *search)
{
  return g_utf8_strlen (search, -1) >= 3;
}

/* Builds the WHERE clause; values are bound by name in bind_filter(). */
static void
append_filter (GString                *where,
               const DlvMessageFilter *filter,
               gboolean                with_status)
{
  DlvRecipientGroup group;

  const char *unindexed = "";

  g_string_append (where, " WHERE 1");
  if (filter == NULL)
    return;

  /* Problem statuses are a few per cent of the mail: their index beats the
   * group, domain or campaign index, which SQLite prefers because it is
   * already sorted. A unary + keeps it off those (295 ms -> 10 ms at 1M). */
  if (with_status && filter->statuses != 0)
    {
      append_status_filter (where, filter->statuses);
      if (!(filter->statuses & STATUS_BIT (DELIVERED)))
        unindexed = "+";
    }
  if (filter->domain != NULL && dlv_recipient_group_from_string (filter->domain, &group))
    g_string_append_printf (where, " AND %sm.recipient_group = :group", unindexed);
  else if (filter->domain != NULL)
    g_string_append_printf (where, " AND %sm.recipient_domain = lower (:domain)", unindexed);
  if (filter->campaign != NULL)
    g_string_append_printf (where, " AND %sm.campaign = :campaign", unindexed);
  if (filter->search != NULL && filter->search[0] != '\0' && use_text_index (filter->search))
    g_string_append (where, " AND m.id IN (SELECT rowid FROM message_text"
                            " WHERE message_text MATCH :phrase)");
  else if (filter->search != NULL && filter->search[0] != '\0')
    g_string_append (where, " AND (m.recipient LIKE :pattern ESCAPE '\\'"
                            " OR m.subject LIKE :pattern ESCAPE '\\')");
  if (filter->since != 0)
    g_string_append (where, " AND m.last_event_at >= :since");
  if (filter->until != 0)
    g_string_append (where, " AND m.last_event_at < :until");
  if (filter->account_id != 0)
    g_string_append (where, " AND m.account_id = :account");
  if (filter->ever_deferred)
    g_string_append (where, " AND m.first_deferred_at IS NOT NULL");
  /* Expired is derived: a stored Deferred whose window has not closed yet.
   * The redundant "<> delivered" lets SQLite use the partial status index. */
  if (filter->expires_before != 0)
    g_string_append_printf (where, " AND m.status = %d AND m.status <> %d AND m.expires_at > :now"
                                   " AND m.expires_at <= :expires_before",
                            DLV_MESSAGE_STATUS_DEFERRED, DLV_MESSAGE_STATUS_DELIVERED);
}

static void
bind_named_text (sqlite3_stmt *stmt,
                 const char   *name,
                 const char   *value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
}

static void
bind_named_int (sqlite3_stmt *stmt,
                const char   *name,
                gint64        value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    sqlite3_bind_int64 (stmt, index, value);
}

/* A LIKE pattern that matches @text literally anywhere. */
static char *
like_pattern (const char *text)
{
  GString *pattern = g_string_new ("%");

  for (const char *p = text; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');

  return g_string_free (pattern, FALSE);
}

/* An FTS5 phrase: the text taken literally, as one string. */
static char *
fts_phrase (const char *text)
{
  g_autoptr(GString) phrase = g_string_new (text);

  g_string_replace (phrase, "\"", "\"\"", 0);
  g_string_prepend_c (phrase, '"');
  g_string_append_c (phrase, '"');

  return g_string_free (g_steal_pointer (&phrase), FALSE);
}

static void
bind_filter (sqlite3_stmt           *stmt,
             const DlvMessageFilter *filter,
             gint64                  now)
{
  DlvRecipientGroup group;

  bind_named_int (stmt, ":now", now);
  if (filter == NULL)
    return;

  if (filter->domain != NULL && dlv_recipient_group_from_string (filter->domain, &group))
    bind_named_int (stmt, ":group", group);
  bind_named_text (stmt, ":domain", filter->domain);
  bind_named_text (stmt, ":campaign", filter->campaign);
  if (filter->search != NULL && filter->search[0] != '\0')
    {
      g_autofree char *pattern = like_pattern (filter->search);
      g_autofree char *phrase = fts_phrase (filter->search);

      bind_named_text (stmt, ":pattern", pattern);
      bind_named_text (stmt, ":phrase", phrase);
    }
  bind_named_int (stmt, ":since", filter->since);
  bind_named_int (stmt, ":until", filter->until);
  bind_named_int (stmt, ":account", filter->account_id);
  bind_named_int (stmt, ":expires_before", filter->expires_before);
}

/* SELECT @select FROM messages m WHERE <the filter> @tail, prepared and bound. */
static sqlite3_stmt *
prepare_filtered (DlvStore               *self,
                  const char             *select,
                  const DlvMessageFilter *filter,
                  gboolean                with_status,
                  const char             *tail,
                  gint64                  now,
                  GError                **error)
{
  g_autoptr(GString) sql = g_string_new (select);
  sqlite3_stmt *stmt;

  g_string_append (sql, " FROM messages m");
  append_filter (sql, filter, with_status);
  g_string_append (sql, tail);

  stmt = _dlv_store_prepare (self, sql->str, error);
  if (stmt != NULL)
    bind_filter (stmt, filter, now);

  return stmt;
}

static GArray *
query_ids (DlvStore               *self,
           const DlvMessageFilter *filter,
           DlvMessageSort          sort,
           gboolean                descending,
           gint64                  now,
           guint                   limit,
           GError                **error)
{
  g_autofree char *tail = NULL;
  g_autoptr(GArray) ids = NULL;
  sqlite3_stmt *stmt;
  int rc;

  tail = g_strdup_printf (" ORDER BY %s %s, m.id %s%s", sort_columns[sort],
                          descending ? "DESC" : "ASC", descending ? "DESC" : "ASC",
                          limit > 0 ? " LIMIT :limit" : "");
  stmt = prepare_filtered (self, "SELECT m.id", filter, TRUE, tail, now, error);
  if (stmt == NULL)
    return NULL;
  if (limit > 0)
    sqlite3_bind_int (stmt, sqlite3_bind_parameter_index (stmt, ":limit"), limit);

  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), limit > 0 ? limit : 1024);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      _dlv_store_set_error (self, error, _("list the messages"));
      return NULL;
    }

  return g_steal_pointer (&ids);
}

/**
 * dlv_store_query_message_ids:
 * @filter: (nullable): what to show
 * @sort: the column to sort by
 * @descending: newest / largest first
 * @now: the time expiry is judged against
 *
 * The Activity list keeps only these ids and loads rows as they scroll in,
 * so a million messages cost 8 MB here and no objects at all.
 *
 * Returns: (transfer full) (element-type gint64): message ids in order
 */
GArray *
dlv_store_query_message_ids (DlvStore               *self,
                             const DlvMessageFilter *filter,
                             DlvMessageSort          sort,
                             gboolean                descending,
                             gint64                  now,
                             GError                **error)
{
  g_return_val_if_fail (DLV_IS_STORE (self), NULL);
  g_return_val_if_fail ((guint) sort < G_N_ELEMENTS (sort_columns), NULL);

  return query_ids (self, filter, sort, descending, now, 0, error);
}

/**
 * dlv_store_query_message_ids_limited:
 * @limit: at most this many ids
 *
 * The same query cut short: what a window shows first, while the full
 * list of ids is still being read.
 *
 * Returns: (transfer full) (element-type gint64): the first message ids
 */
GArray *
dlv_store_query_message_ids_limited (DlvStore               *self,
                                     const DlvMessageFilter *filter,
                                     DlvMessageSort          sort,
                                     gboolean                descending,
                                     gint64                  now,
                                     guint                   limit,
                                     GError                **error)
{
  g_return_val_if_fail (DLV_IS_STORE (self), NULL);
  g_return_val_if_fail ((guint) sort < G_N_ELEMENTS (sort_columns), NULL);
  g_return_val_if_fail (limit > 0, NULL);

  return query_ids (self, filter, sort, descending, now, limit, error);
}

/**
 * dlv_store_load_messages:
 * @ids: (array length=n_ids): message ids
 *
 * Returns: (transfer full) (element-type DlvMessage): the messages in the
 *   order of @ids; an id no longer stored is left out
 */
GPtrArray *
dlv_store_load_messages (DlvStore      *self,
                         const gint64  *ids,
                         guint          n_ids,
                         GError       **error)
{
  g_autoptr(GPtrArray) messages = NULL;
  gboolean own_transaction;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DLV_IS_STORE (self), NULL);

  stmt = _dlv_store_prepare (self,
                             "SELECT " DLV_MESSAGE_COLUMNS " FROM messages m"
                             " JOIN accounts a ON a.id = m.account_id WHERE m.id = ?",
                             error);
  if (stmt == NULL)
    return NULL;

  /* One read transaction for the block: one shared lock, not one per row. */
  own_transaction = sqlite3_get_autocommit (self->db) &&
                    sqlite3_exec (self->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;

  messages = g_ptr_array_new_full (n_ids, (GDestroyNotify) dlv_message_free);
  for (guint i = 0; i < n_ids; i++)
    {
      int rc;

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, ids[i]);
      rc = sqlite3_step (stmt);

      if (rc == SQLITE_ROW)
        g_ptr_array_add (messages, _dlv_message_from_row (stmt));
      else if (rc != SQLITE_DONE)
        {
          _dlv_store_set_error (self, error, _("read the messages"));
          sqlite3_finalize (stmt);
          if (own_transaction)
            sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
          return NULL;
        }
    }
  sqlite3_finalize (stmt);
  if (own_transaction)
    sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);

  return g_steal_pointer (&messages);
}

/**
 * dlv_store_get_message:
 *
 * Returns: (transfer full): the message, or %NULL with @error set
 */
DlvMessage *
dlv_store_get_message (DlvStore    *self,
                       gint64       message_id,
                       GError     **error)
{
  g_autoptr(GPtrArray) messages = dlv_store_load_messages (self, &message_id, 1, error);

  if (messages == NULL)
    return NULL;

  if (messages->len == 0)
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, message_id);

      g_set_error (error, DLV_STORE_ERROR, DLV_STORE_ERROR_NOT_FOUND,
                   _("There is no message %s in the store"), number);
      return NULL;
    }

  return g_ptr_array_steal_index (messages, 0);
}

static DlvEvent *
event_from_row (sqlite3_stmt *stmt)
{
  DlvEvent *event = dlv_event_new (sqlite3_column_int (stmt, 0), sqlite3_column_int64 (stmt, 1));

  event->uid = _dlv_column_dup (stmt, 2);
  event->smtp_code = sqlite3_column_int (stmt, 3);
  event->enhanced_code = _dlv_column_dup (stmt, 4);
  event->reason = _dlv_column_dup (stmt, 5);
  event->attempt = sqlite3_column_int (stmt, 6);
  event->retry_in = sqlite3_column_int (stmt, 7);
  event->mx = _dlv_column_dup (stmt, 8);
  event->ip = _dlv_column_dup (stmt, 9);
  event->raw = _dlv_column_dup (stmt, 10);
  event->message_id = _dlv_column_dup (stmt, 11);
  event->recipient = _dlv_column_dup (stmt, 12);

  return event;
}

/**
 * dlv_store_get_message_events:
 *
 * Returns: (transfer full) (element-type DlvEvent): the message's timeline,
 *   oldest first
 */
GPtrArray *
dlv_store_get_message_events (DlvStore    *self,
                              gint64       message_id,
                              GError     **error)
{
  g_autoptr(GPtrArray) events = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DLV_IS_STORE (self), NULL);

  stmt = _dlv_store_prepare (self,
                             "SELECT e.kind, e.at, e.uid, e.smtp_code, e.enhanced_code, e.reason,"
                             " e.attempt, e.retry_in, e.mx, e.ip, e.raw, m.provider_message_id,"
                             " m.recipient"
                             " FROM events e JOIN messages m ON m.id = e.message_id"
                             " WHERE e.message_id = ? ORDER BY e.at, e.id",
                             error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, message_id);
  events = g_ptr_array_new_with_free_func ((GDestroyNotify) dlv_event_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (events, event_from_row (stmt));
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      _dlv_store_set_error (self, error, _("read the message’s events"));
      return NULL;
    }

  return g_steal_pointer (&events);
}

static gboolean
count_query (DlvStore               *self,
             const char             *select,
             const char             *tail,
             const DlvMessageFilter *filter,
             gint64                  now,
             guint64                 counts[DLV_N_MESSAGE_STATUSES + 1],
             GError                **error)
{
  sqlite3_stmt *stmt = prepare_filtered (self, select, filter, FALSE, tail, now, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint slot = sqlite3_column_int (stmt, 0);

      if (slot <= DLV_N_MESSAGE_STATUSES)
        counts[slot] = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    return _dlv_store_set_error (self, error, _("count the messages"));

  return TRUE;
}

/**
 * dlv_store_count_statuses:
 * @filter: (nullable): the filter; its status bits are ignored
 * @counts: (out caller-allocates): messages per effective status
 *
 * The counts shown beside each status filter. Delivered, most of the mail,
 * is the total less the rest, so only the others are grouped.
 */
gboolean
dlv_store_count_statuses (DlvStore               *self,
                          const DlvMessageFilter *filter,
                          gint64                  now,
                          guint64                 counts[DLV_N_MESSAGE_STATUSES],
                          GError                **error)
{
  guint64 slots[DLV_N_MESSAGE_STATUSES + 1] = { 0 };
  guint64 others = 0;

  g_return_val_if_fail (DLV_IS_STORE (self), FALSE);

  /* The total goes in the spare last slot. */
  if (!count_query (self, "SELECT " G_STRINGIFY (DLV_N_MESSAGE_STATUSES) ", count (*)",
                    "", filter, now, slots, error) ||
      !count_query (self, "SELECT " EFFECTIVE_STATUS_SQL ", count (*)",
                    " AND m.status <> 2 GROUP BY 1", filter, now, slots, error))
    return FALSE;

  for (guint s = 0; s < DLV_N_MESSAGE_STATUSES; s++)
    {
      counts[s] = slots[s];
      others += s == DLV_MESSAGE_STATUS_DELIVERED ? 0 : slots[s];
    }
  counts[DLV_MESSAGE_STATUS_DELIVERED] = slots[DLV_N_MESSAGE_STATUSES] - others;

  return TRUE;
}

/**
 * dlv_store_load_deferred_cohort:
 * @filter: (nullable): recipient domain or group, campaign, account
 *
 * Returns: (transfer full) (element-type DlvCohortEntry): every message of
 *   the filter that was deferred at least once
 */
GArray *
dlv_store_load_deferred_cohort (DlvStore               *self,
                                const DlvMessageFilter *filter,
                                GError                **error)
{
  g_autoptr(GArray) cohort = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DLV_IS_STORE (self), NULL);

  stmt = prepare_filtered (self, "SELECT m.first_deferred_at, m.status_at, m.expires_at, m.status",
                           filter, FALSE, " AND m.first_deferred_at IS NOT NULL", 0, error);
  if (stmt == NULL)
    return NULL;

  cohort = g_array_new (FALSE, FALSE, sizeof (DlvCohortEntry));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DlvCohortEntry entry = {
        .first_deferred_at = sqlite3_column_int64 (stmt, 0),
        .status_at = sqlite3_column_int64 (stmt, 1),
        .expires_at = sqlite3_column_int64 (stmt, 2),
        .status = sqlite3_column_int (stmt, 3),
      };

      g_array_append_val (cohort, entry);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      _dlv_store_set_error (self, error, _("read the deferred messages"));
      return NULL;
    }

  return g_steal_pointer (&cohort);
}

/**
 * _dlv_store_read_cause_counts:
 * @stmt: (transfer full): a statement yielding (cause, count) rows
 *
 * Returns: (transfer full) (element-type DlvCauseCount): the rows, or %NULL
 *   with @error set
 */
GArray *
_dlv_store_read_cause_counts (DlvStore      *self,
                              sqlite3_stmt  *stmt,
                              GError       **error)
{
  g_autoptr(GArray) counts = g_array_new (FALSE, FALSE, sizeof (DlvCauseCount));
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DlvCauseCount count = {
        .cause = sqlite3_column_int (stmt, 0),
        .messages = sqlite3_column_int64 (stmt, 1),
      };

      if ((guint) count.cause < DLV_N_REASON_CAUSES)
        g_array_append_val (counts, count);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      _dlv_store_set_error (self, error, _("count the deferral causes"));
      return NULL;
    }

  return g_steal_pointer (&counts);
}

/**
 * dlv_store_count_causes:
 * @filter: (nullable): recipient domain or group, campaign, account
 *
 * Among the messages of @filter deferred at least once, how many each
 * cause of their latest reason accounts for, most frequent first.
 *
 * Returns: (transfer full) (element-type DlvCauseCount): the causes seen
 */
GArray *
dlv_store_count_causes (DlvStore               *self,
                        const DlvMessageFilter *filter,
                        GError                **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DLV_IS_STORE (self), NULL);

  stmt = prepare_filtered (self, "SELECT m.cause, count (*)", filter, FALSE,
                           " AND m.first_deferred_at IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1",
                           0, error);
  if (stmt == NULL)
    return NULL;

  return _dlv_store_read_cause_counts (self, stmt, error);
}

/**
 * dlv_store_list_campaigns:
 *
 * Walks the campaign index from one distinct value to the next, a few
 * lookups per campaign instead of a pass over every message.
 *
 * Returns: (transfer full): campaign names in alphabetical order (at most 200)
 */
GStrv
dlv_store_list_campaigns (DlvStore  *self,
                          GError   **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *last = g_strdup ("");
  sqlite3_stmt *stmt;
  int rc = SQLITE_DONE;

  g_return_val_if_fail (DLV_IS_STORE (self), NULL);

  stmt = _dlv_store_prepare (self, "SELECT min (campaign) FROM messages WHERE campaign > ?", error);
  if (stmt == NULL)
    return NULL;

  for (guint i = 0; i < 200; i++)
    {
      const char *next;

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, last, -1, SQLITE_TRANSIENT);
      if ((rc = sqlite3_step (stmt)) != SQLITE_ROW ||
          (next = (const char *) sqlite3_column_text (stmt, 0)) == NULL)
        break;

      g_strv_builder_add (builder, next);
      g_free (last);
      last = g_strdup (next);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _dlv_store_set_error (self, error, _("list the campaigns"));
      return NULL;
    }

  return g_strv_builder_end (builder);
}

/**
 * dlv_store_list_recipient_domains:
 * @limit: at most this many
 *
 * The domains most mailed lately (among the newest 20,000 messages): what a
 * filter menu needs, read in milliseconds whatever the store's size.
 *
 * Returns: (transfer full): recipient domains, the most mailed first
 */
GStrv
dlv_store_list_recipient_domains (DlvStore  *self,
                                  guint      limit,
                                  GError   **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DLV_IS_STORE (self), NULL);
  g_return_val_if_fail (limit > 0, NULL);

  stmt = _dlv_store_prepare (self,
                             "SELECT recipient_domain FROM"
                             " (SELECT recipient_domain FROM messages ORDER BY id DESC LIMIT 20000)"
                             " WHERE recipient_domain IS NOT NULL"
                             " GROUP BY 1 ORDER BY count (*) DESC, 1 LIMIT ?",
                             error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int (stmt, 1, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      _dlv_store_set_error (self, error, _("list the recipient domains"));
      return NULL;
    }

  return g_strv_builder_end (builder);
}
