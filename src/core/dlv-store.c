/* dlv-store.c: opening the store, its schema, accounts and domains
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "dlv-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "dlv-store-private.h"
#include "dlv-util.h"

/* "DLV1": marks the file as ours, so another program's database is refused. */
#define DLV_APPLICATION_ID 0x444c5631

G_DEFINE_QUARK (dlv-store-error-quark, dlv_store_error)
G_DEFINE_FINAL_TYPE (DlvStore, dlv_store, G_TYPE_OBJECT)

/* migrations[i] brings a store from version i to i + 1. Append only: a
 * released step is never edited, a change is a new step. */
static const char * const migrations[] = {
  /* 0 -> 1: accounts, messages and their events */
  "CREATE TABLE accounts ("
  "  id INTEGER PRIMARY KEY,"
  "  provider TEXT NOT NULL,"
  "  name TEXT NOT NULL,"
  "  settings TEXT,"
  "  retry_window_hours INTEGER NOT NULL DEFAULT 72,"
  "  cursor TEXT,"
  "  last_poll_at INTEGER,"
  "  last_error TEXT,"
  "  created_at INTEGER NOT NULL);"
  "CREATE TABLE messages ("
  "  id INTEGER PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  provider_message_id TEXT NOT NULL,"
  "  recipient TEXT, recipient_domain TEXT, recipient_group INTEGER NOT NULL DEFAULT 0,"
  "  sender TEXT, subject TEXT, campaign TEXT,"
  "  status INTEGER NOT NULL, status_at INTEGER,"
  "  flags INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,"
  "  attempt_events INTEGER NOT NULL DEFAULT 0,"
  "  first_event_at INTEGER, last_event_at INTEGER, first_deferred_at INTEGER,"
  "  delivered_at INTEGER, expires_at INTEGER,"
  "  reason_at INTEGER, reason TEXT, mx TEXT, smtp_code INTEGER, enhanced_code TEXT,"
  "  origin INTEGER NOT NULL DEFAULT 0, cause INTEGER NOT NULL DEFAULT 0,"
  "  action_needed INTEGER NOT NULL DEFAULT 0,"
  "  UNIQUE (account_id, provider_message_id));"
  "CREATE TABLE events ("
  "  id INTEGER PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  uid TEXT NOT NULL,"
  "  message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE"
  "    DEFERRABLE INITIALLY DEFERRED,"
  "  kind INTEGER NOT NULL, at INTEGER NOT NULL,"
  "  smtp_code INTEGER, enhanced_code TEXT, reason TEXT,"
  "  attempt INTEGER, retry_in INTEGER, mx TEXT, ip TEXT, raw TEXT,"
  "  UNIQUE (account_id, uid));"
  "CREATE INDEX events_by_message ON events (message_id, at);",

  /* 1 -> 2: sending domains, and the indexes the Activity list filters and sorts by */
  "CREATE TABLE domain_records ("
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  domain TEXT NOT NULL, name INTEGER NOT NULL, status INTEGER NOT NULL,"
  "  host TEXT, type TEXT, expected TEXT, detail TEXT, checked_at INTEGER,"
  "  PRIMARY KEY (account_id, domain, name)) WITHOUT ROWID;"
  "CREATE INDEX messages_by_last_event ON messages (last_event_at);"
  /* Delivered, most of the mail, is found through messages_by_last_event;
   * leaving it out here spares most writes an index update. */
  "CREATE INDEX messages_by_status ON messages (status, last_event_at, expires_at)"
  "  WHERE status <> 2;"
  "CREATE INDEX messages_by_domain ON messages (recipient_domain, last_event_at);"
  "CREATE INDEX messages_by_group ON messages (recipient_group, last_event_at);"
  "CREATE INDEX messages_by_campaign ON messages (campaign, last_event_at);"
  /* Covers the conversion curve's cohort query. */
  "CREATE INDEX messages_deferred ON messages (first_deferred_at, status, status_at, expires_at,"
  "  recipient_group, account_id) WHERE first_deferred_at IS NOT NULL;",

  /* 2 -> 3: substring search over recipient and subject, by trigram */
  "CREATE VIRTUAL TABLE message_text USING fts5 (recipient, subject,"
  "  content = 'messages', content_rowid = 'id', tokenize = 'trigram');"
  "INSERT INTO message_text (message_text) VALUES ('rebuild');",

  /* 3 -> 4: what the Accounts rows show: last data fetched, whether the
   * backfill reached the present, and events a provider could not give */
  "ALTER TABLE accounts ADD COLUMN last_success_at INTEGER;"
  "ALTER TABLE accounts ADD COLUMN caught_up_at INTEGER;"
  "ALTER TABLE accounts ADD COLUMN history_gap TEXT;"
  "UPDATE accounts SET last_success_at = last_poll_at WHERE last_error IS NULL;",
};

#define DLV_SCHEMA_VERSION ((int) G_N_ELEMENTS (migrations))

gboolean
_dlv_store_set_error (DlvStore    *self,
                      GError     **error,
                      const char  *what)
{
  int code = sqlite3_extended_errcode (self->db);
  int domain_code = DLV_STORE_ERROR_FAILED;

  if ((code & 0xff) == SQLITE_NOTADB)
    domain_code = DLV_STORE_ERROR_NOT_A_STORE;
  else if ((code & 0xff) == SQLITE_IOERR || (code & 0xff) == SQLITE_FULL ||
           (code & 0xff) == SQLITE_CANTOPEN || (code & 0xff) == SQLITE_READONLY)
    domain_code = DLV_STORE_ERROR_IO;

  g_set_error (error, DLV_STORE_ERROR, domain_code,
               _("Could not %s in the store %s: %s"),
               what, self->path, sqlite3_errmsg (self->db));
  return FALSE;
}

gboolean
_dlv_store_exec (DlvStore    *self,
                 const char  *sql,
                 GError     **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return _dlv_store_set_error (self, error, _("update the data"));

  return TRUE;
}

sqlite3_stmt *
_dlv_store_prepare (DlvStore    *self,
                    const char  *sql,
                    GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      g_warning ("Failed to prepare \"%s\": %s", sql, sqlite3_errmsg (self->db));
      _dlv_store_set_error (self, error, _("read the data"));
      return NULL;
    }

  return stmt;
}

void
_dlv_bind_text (sqlite3_stmt *stmt,
                int           index,
                const char   *value)
{
  if (value == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_STATIC);
}

void
_dlv_bind_time (sqlite3_stmt *stmt,
                int           index,
                gint64        value)
{
  if (value == 0)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int64 (stmt, index, value);
}

char *
_dlv_column_dup (sqlite3_stmt *stmt,
                 int           index)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, index));
}

static gint64
query_int (DlvStore   *self,
           const char *sql,
           gboolean   *ok)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = 0;

  *ok = FALSE;
  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return 0;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      value = sqlite3_column_int64 (stmt, 0);
      *ok = TRUE;
    }
  sqlite3_finalize (stmt);

  return value;
}

/* Refuses anything that is not an empty file or a store of ours, before a
 * single byte is written: a wrong --db must never be damaged. */
static gboolean
check_ownership (DlvStore  *self,
                 gboolean  *fresh,
                 GError   **error)
{
  gboolean ok;
  gint64 app_id = query_int (self, "PRAGMA application_id", &ok);
  gint64 n_tables;

  if (!ok)
    {
      g_set_error (error, DLV_STORE_ERROR, DLV_STORE_ERROR_NOT_A_STORE,
                   _("%s is not a Deliverability store: %s"),
                   self->path, sqlite3_errmsg (self->db));
      return FALSE;
    }

  n_tables = query_int (self, "SELECT count(*) FROM sqlite_master", &ok);
  *fresh = (app_id == 0 && n_tables == 0);

  if (!*fresh && app_id != DLV_APPLICATION_ID)
    {
      g_set_error (error, DLV_STORE_ERROR, DLV_STORE_ERROR_NOT_A_STORE,
                   _("%s is another program’s database, not a Deliverability store"),
                   self->path);
      return FALSE;
    }

  self->schema_version = (int) query_int (self, "PRAGMA user_version", &ok);
  if (self->schema_version > DLV_SCHEMA_VERSION)
    {
      g_set_error (error, DLV_STORE_ERROR, DLV_STORE_ERROR_TOO_NEW,
                   _("%s was written by a newer version of Deliverability (store version %d, "
                     "this version reads up to %d)"),
                   self->path, self->schema_version, DLV_SCHEMA_VERSION);
      return FALSE;
    }

  return TRUE;
}

static gboolean
migrate (DlvStore  *self,
         GError   **error)
{
  while (self->schema_version < DLV_SCHEMA_VERSION)
    {
      g_autofree char *bump = NULL;
      int next = self->schema_version + 1;

      g_debug ("Migrating %s to schema version %d", self->path, next);
      bump = g_strdup_printf ("PRAGMA user_version = %d; PRAGMA application_id = %d;",
                              next, DLV_APPLICATION_ID);

      if (!_dlv_store_exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;

      if (!_dlv_store_exec (self, migrations[self->schema_version], error) ||
          !_dlv_store_exec (self, bump, error) ||
          !_dlv_store_exec (self, "COMMIT", error))
        {
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }

      self->schema_version = next;
    }

  return TRUE;
}

static gboolean
check_path (const char  *path,
            GError     **error)
{
  GStatBuf st;

  if (g_strcmp0 (path, ":memory:") == 0 || g_stat (path, &st) != 0)
    return TRUE;

  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, DLV_STORE_ERROR, DLV_STORE_ERROR_NOT_A_STORE,
                   _("%s is not a regular file"), path);
      return FALSE;
    }

  if (g_access (path, R_OK | W_OK) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, DLV_STORE_ERROR, DLV_STORE_ERROR_IO,
                   _("Cannot read and write %s: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

static gboolean
open_database (DlvStore  *self,
               GError   **error)
{
  gboolean fresh = FALSE;

  if (!check_path (self->path, error))
    return FALSE;

  if (sqlite3_open_v2 (self->path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (error, DLV_STORE_ERROR, DLV_STORE_ERROR_IO,
                   _("Cannot open the store %s: %s"),
                   self->path, self->db ? sqlite3_errmsg (self->db) : g_strerror (ENOMEM));
      return FALSE;
    }

  sqlite3_busy_timeout (self->db, 5000);

  if (!check_ownership (self, &fresh, error))
    return FALSE;

  /* WAL: readers (the window) never wait for the poller's writes, and a
   * killed process leaves at worst an uncommitted page behind. Pages are
   * checkpointed every 64 MB of WAL instead of 4 MB: index pages that many
   * commits rewrite are copied back once, +58 % ingest on a backfill. */
  return _dlv_store_exec (self,
                          "PRAGMA journal_mode = WAL;"
                          "PRAGMA synchronous = NORMAL;"
                          "PRAGMA foreign_keys = ON;"
                          "PRAGMA temp_store = MEMORY;"
                          "PRAGMA cache_size = -32000;"
                          "PRAGMA wal_autocheckpoint = 16384;",
                          error) &&
         migrate (self, error);
}

static void
dlv_store_finalize (GObject *object)
{
  DlvStore *self = (DlvStore *) object;

  _dlv_store_finalize_ingest (self);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (dlv_store_parent_class)->finalize (object);
}

static void
dlv_store_class_init (DlvStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dlv_store_finalize;
}

static void
dlv_store_init (DlvStore *self)
{
}

/**
 * dlv_store_default_path:
 *
 * Returns: (transfer full): the store in the user data dir, its folder created
 */
char *
dlv_store_default_path (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "deliverability", NULL);

  g_mkdir_with_parents (dir, 0700);

  return g_build_filename (dir, "deliverability.db", NULL);
}

/**
 * dlv_store_open:
 * @path: a file, created if missing, or ":memory:"
 * @error: return location for a #GError
 *
 * Opens a store, creating or migrating its schema. A file that is not a
 * Deliverability store is refused and left untouched.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
DlvStore *
dlv_store_open (const char  *path,
                GError     **error)
{
  g_autoptr(DlvStore) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (DLV_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  if (!open_database (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
dlv_store_get_path (DlvStore *self)
{
  g_return_val_if_fail (DLV_IS_STORE (self), NULL);

  return self->path;
}

int
dlv_store_get_schema_version (DlvStore *self)
{
  g_return_val_if_fail (DLV_IS_STORE (self), 0);

  return self->schema_version;
}

void
dlv_account_free (DlvAccount *account)
{
  if (account == NULL)
    return;

  g_free (account->provider);
  g_free (account->name);
  g_free (account->settings);
  g_free (account->cursor);
  g_free (account->last_error);
  g_free (account->history_gap);
  g_free (account);
}

/**
 * dlv_store_add_account:
 *
 * Returns: the new account's id, or 0 with @error set
 */
gint64
dlv_store_add_account (DlvStore    *self,
                       const char  *provider,
                       const char  *name,
                       guint        retry_window_hours,
                       const char  *settings,
                       const char  *cursor,
                       GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 id = 0;

  g_return_val_if_fail (DLV_IS_STORE (self), 0);
  g_return_val_if_fail (provider != NULL && name != NULL, 0);

  stmt = _dlv_store_prepare (self,
                             "INSERT INTO accounts (provider, name, retry_window_hours, settings,"
                             " cursor, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                             error);
  if (stmt == NULL)
    return 0;

  _dlv_bind_text (stmt, 1, provider);
  _dlv_bind_text (stmt, 2, name);
  sqlite3_bind_int (stmt, 3, retry_window_hours ? retry_window_hours : 72);
  _dlv_bind_text (stmt, 4, settings);
  _dlv_bind_text (stmt, 5, cursor);
  sqlite3_bind_int64 (stmt, 6, dlv_now ());

  if (sqlite3_step (stmt) == SQLITE_DONE)
    id = sqlite3_last_insert_rowid (self->db);
  else
    _dlv_store_set_error (self, error, _("add the account"));

  sqlite3_finalize (stmt);
  return id;
}

gboolean
dlv_store_remove_account (DlvStore    *self,
                          gint64       account_id,
                          GError     **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (DLV_IS_STORE (self), FALSE);

  /* The foreign keys cascade to its messages, events and domains; the
   * text index is told which entries go, in the same transaction. */
  sql = g_strdup_printf ("BEGIN IMMEDIATE;"
                         "INSERT INTO message_text (message_text, rowid, recipient, subject)"
                         " SELECT 'delete', id, recipient, subject FROM messages"
                         " WHERE account_id = %" G_GINT64_FORMAT ";"
                         "DELETE FROM accounts WHERE id = %" G_GINT64_FORMAT ";"
                         "COMMIT;", account_id, account_id);
  if (!_dlv_store_exec (self, sql, error))
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }

  return TRUE;
}

static DlvAccount *
account_from_row (sqlite3_stmt *stmt)
{
  DlvAccount *account = g_new0 (DlvAccount, 1);

  account->id = sqlite3_column_int64 (stmt, 0);
  account->provider = _dlv_column_dup (stmt, 1);
  account->name = _dlv_column_dup (stmt, 2);
  account->settings = _dlv_column_dup (stmt, 3);
  account->retry_window_hours = sqlite3_column_int (stmt, 4);
  account->cursor = _dlv_column_dup (stmt, 5);
  account->last_poll_at = sqlite3_column_int64 (stmt, 6);
  account->last_error = _dlv_column_dup (stmt, 7);
  account->created_at = sqlite3_column_int64 (stmt, 8);
  account->last_success_at = sqlite3_column_int64 (stmt, 9);
  account->caught_up_at = sqlite3_column_int64 (stmt, 10);
  account->history_gap = _dlv_column_dup (stmt, 11);

  return account;
}

#define ACCOUNT_COLUMNS \
  "id, provider, name, settings, retry_window_hours, cursor, last_poll_at, last_error, created_at," \
  " last_success_at, caught_up_at, history_gap"

/**
 * dlv_store_list_accounts:
 *
 * Returns: (transfer full) (element-type DlvAccount): every account, oldest first
 */
GPtrArray *
dlv_store_list_accounts (DlvStore  *self,
                         GError   **error)
{
  g_autoptr(GPtrArray) accounts = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DLV_IS_STORE (self), NULL);

  stmt = _dlv_store_prepare (self, "SELECT " ACCOUNT_COLUMNS " FROM accounts ORDER BY id", error);
  if (stmt == NULL)
    return NULL;

  accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) dlv_account_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (accounts, account_from_row (stmt));
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      _dlv_store_set_error (self, error, _("read the accounts"));
      return NULL;
    }

  return g_steal_pointer (&accounts);
}

/**
 * dlv_store_get_account:
 *
 * Returns: (transfer full): the account, or %NULL with @error set
 */
DlvAccount *
dlv_store_get_account (DlvStore    *self,
                       gint64       account_id,
                       GError     **error)
{
  DlvAccount *account = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DLV_IS_STORE (self), NULL);

  stmt = _dlv_store_prepare (self, "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE id = ?", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, account_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    account = account_from_row (stmt);
  else
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, account_id);

      g_set_error (error, DLV_STORE_ERROR, DLV_STORE_ERROR_NOT_FOUND,
                   _("There is no account %s"), number);
    }
  sqlite3_finalize (stmt);

  return account;
}

gboolean
dlv_store_set_account_status (DlvStore    *self,
                              gint64       account_id,
                              gint64       polled_at,
                              const char  *last_error,
                              GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (DLV_IS_STORE (self), FALSE);

  stmt = _dlv_store_prepare (self,
                             "UPDATE accounts SET last_poll_at = ?1, last_error = ?2,"
                             " last_success_at = CASE WHEN ?2 IS NULL THEN ?1 ELSE last_success_at END"
                             " WHERE id = ?3",
                             error);
  if (stmt == NULL)
    return FALSE;

  _dlv_bind_time (stmt, 1, polled_at);
  _dlv_bind_text (stmt, 2, last_error);
  sqlite3_bind_int64 (stmt, 3, account_id);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    _dlv_store_set_error (self, error, _("save the account’s state"));
  sqlite3_finalize (stmt);

  return ok;
}

/**
 * dlv_store_update_account:
 * @settings: (nullable): the new settings JSON (never a key)
 *
 * Renames an account and replaces its settings. Where it polls from is part
 * of the settings, so a changed provider endpoint keeps the history but
 * not the poll position when @reset_cursor is set.
 */
gboolean
dlv_store_update_account (DlvStore    *self,
                          gint64       account_id,
                          const char  *name,
                          const char  *settings,
                          gboolean     reset_cursor,
                          GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (DLV_IS_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  stmt = _dlv_store_prepare (self,
                             "UPDATE accounts SET name = ?, settings = ?,"
                             " cursor = CASE WHEN ? THEN NULL ELSE cursor END,"
                             " caught_up_at = CASE WHEN ? THEN NULL ELSE caught_up_at END"
                             " WHERE id = ?",
                             error);
  if (stmt == NULL)
    return FALSE;

  _dlv_bind_text (stmt, 1, name);
  _dlv_bind_text (stmt, 2, settings);
  sqlite3_bind_int (stmt, 3, reset_cursor);
  sqlite3_bind_int (stmt, 4, reset_cursor);
  sqlite3_bind_int64 (stmt, 5, account_id);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    _dlv_store_set_error (self, error, _("save the account"));
  sqlite3_finalize (stmt);

  return ok;
}

/**
 * dlv_store_set_account_problem:
 * @problem: (nullable): what went wrong although data was fetched, in words
 *
 * Shows a problem with the account (as its last error) without marking its
 * data stale: the events came, the domains did not.
 */
gboolean
dlv_store_set_account_problem (DlvStore    *self,
                               gint64       account_id,
                               const char  *problem,
                               GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (DLV_IS_STORE (self), FALSE);

  stmt = _dlv_store_prepare (self, "UPDATE accounts SET last_error = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  _dlv_bind_text (stmt, 1, problem);
  sqlite3_bind_int64 (stmt, 2, account_id);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    _dlv_store_set_error (self, error, _("save the account’s state"));
  sqlite3_finalize (stmt);

  return ok;
}

static gboolean
insert_domain (DlvStore         *self,
               sqlite3_stmt     *stmt,
               gint64            account_id,
               const DlvDomain  *domain,
               gint64            now)
{
  for (guint i = 0; i < DLV_N_RECORD_NAMES; i++)
    {
      const DlvDomainRecord *record = &domain->records[i];

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, account_id);
      _dlv_bind_text (stmt, 2, domain->domain);
      sqlite3_bind_int (stmt, 3, i);
      sqlite3_bind_int (stmt, 4, record->status);
      _dlv_bind_text (stmt, 5, record->host);
      _dlv_bind_text (stmt, 6, record->type);
      _dlv_bind_text (stmt, 7, record->expected);
      _dlv_bind_text (stmt, 8, record->detail);
      sqlite3_bind_int64 (stmt, 9, now);

      if (sqlite3_step (stmt) != SQLITE_DONE)
        return FALSE;
    }

  return TRUE;
}

/**
 * dlv_store_replace_domains:
 * @domains: (element-type DlvDomain): what the provider reports now
 *
 * Replaces an account's sending domains in one transaction.
 */
gboolean
dlv_store_replace_domains (DlvStore    *self,
                           gint64       account_id,
                           GPtrArray   *domains,
                           GError     **error)
{
  g_autofree char *clear = NULL;
  sqlite3_stmt *stmt;
  gboolean ok = TRUE;
  gint64 now = dlv_now ();

  g_return_val_if_fail (DLV_IS_STORE (self), FALSE);
  g_return_val_if_fail (domains != NULL, FALSE);

  stmt = _dlv_store_prepare (self,
                             "INSERT OR REPLACE INTO domain_records (account_id, domain, name,"
                             " status, host, type, expected, detail, checked_at)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             error);
  if (stmt == NULL || !_dlv_store_exec (self, "BEGIN IMMEDIATE", error))
    {
      sqlite3_finalize (stmt);
      return FALSE;
    }

  clear = g_strdup_printf ("DELETE FROM domain_records WHERE account_id = %" G_GINT64_FORMAT,
                           account_id);
  ok = _dlv_store_exec (self, clear, error);

  for (guint i = 0; ok && i < domains->len; i++)
    ok = insert_domain (self, stmt, account_id, g_ptr_array_index (domains, i), now);

  if (ok && sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
    {
      sqlite3_finalize (stmt);
      return TRUE;
    }

  _dlv_store_set_error (self, error, _("save the domains"));
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_finalize (stmt);
  return FALSE;
}

/**
 * dlv_store_get_domains_checked_at:
 *
 * Returns: when the account's domains were last read from its provider, 0
 *   when never (or when it has none)
 */
gint64
dlv_store_get_domains_checked_at (DlvStore  *self,
                                  gint64     account_id,
                                  GError   **error)
{
  sqlite3_stmt *stmt;
  gint64 checked_at = 0;

  g_return_val_if_fail (DLV_IS_STORE (self), 0);

  stmt = _dlv_store_prepare (self, "SELECT MAX (checked_at) FROM domain_records WHERE account_id = ?",
                             error);
  if (stmt == NULL)
    return 0;

  sqlite3_bind_int64 (stmt, 1, account_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    checked_at = sqlite3_column_int64 (stmt, 0);
  else
    _dlv_store_set_error (self, error, _("read the domains"));
  sqlite3_finalize (stmt);

  return checked_at;
}

/**
 * dlv_store_list_domains:
 * @account_id: an account, or 0 for all of them
 *
 * Returns: (transfer full) (element-type DlvDomain): domains sorted by name;
 *   each one's `account` names its account
 */
GPtrArray *
dlv_store_list_domains (DlvStore    *self,
                        gint64       account_id,
                        GError     **error)
{
  g_autoptr(GPtrArray) domains = NULL;
  DlvDomain *current = NULL;
  gint64 current_account = -1;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DLV_IS_STORE (self), NULL);

  stmt = _dlv_store_prepare (self,
                             "SELECT d.account_id, a.name, d.domain, d.name, d.status, d.host,"
                             " d.type, d.expected, d.detail"
                             " FROM domain_records d JOIN accounts a ON a.id = d.account_id"
                             " WHERE ?1 = 0 OR d.account_id = ?1"
                             " ORDER BY d.domain, d.account_id, d.name",
                             error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, account_id);
  domains = g_ptr_array_new_with_free_func ((GDestroyNotify) dlv_domain_free);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 row_account = sqlite3_column_int64 (stmt, 0);
      const char *name = (const char *) sqlite3_column_text (stmt, 2);
      guint record = sqlite3_column_int (stmt, 3);

      if (current == NULL || row_account != current_account || g_strcmp0 (current->domain, name))
        {
          current = dlv_domain_new (name ? name : "");
          current->account_id = row_account;
          current->account = _dlv_column_dup (stmt, 1);
          current_account = row_account;
          g_ptr_array_add (domains, current);
        }

      if (record < DLV_N_RECORD_NAMES)
        dlv_domain_set_record (current, record, sqlite3_column_int (stmt, 4),
                               (const char *) sqlite3_column_text (stmt, 5),
                               (const char *) sqlite3_column_text (stmt, 6),
                               (const char *) sqlite3_column_text (stmt, 7),
                               (const char *) sqlite3_column_text (stmt, 8));
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      _dlv_store_set_error (self, error, _("read the domains"));
      return NULL;
    }

  return g_steal_pointer (&domains);
}
