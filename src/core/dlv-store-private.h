/* dlv-store-private.h: shared by the store's files, not part of its API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "dlv-store.h"

G_BEGIN_DECLS

struct _DlvStore
{
  GObject parent_instance;

  char *path;
  sqlite3 *db;
  int schema_version;

  /* Prepared once: ingest runs them hundreds of thousands of times. */
  sqlite3_stmt *insert_event;
  sqlite3_stmt *find_message;
  sqlite3_stmt *insert_message;
  sqlite3_stmt *index_text;
};

gboolean       _dlv_store_exec           (DlvStore      *self,
                                          const char    *sql,
                                          GError       **error);
sqlite3_stmt  *_dlv_store_prepare        (DlvStore      *self,
                                          const char    *sql,
                                          GError       **error);
gboolean       _dlv_store_set_error      (DlvStore      *self,
                                          GError       **error,
                                          const char    *what);
void           _dlv_store_finalize_ingest (DlvStore     *self);
GArray        *_dlv_store_read_cause_counts (DlvStore    *self,
                                             sqlite3_stmt *stmt,
                                             GError     **error);

/* Binding helpers: NULL / 0 store SQL NULL. */
void           _dlv_bind_text            (sqlite3_stmt  *stmt,
                                          int            index,
                                          const char    *value);
void           _dlv_bind_time            (sqlite3_stmt  *stmt,
                                          int            index,
                                          gint64         value);
char          *_dlv_column_dup           (sqlite3_stmt  *stmt,
                                          int            index);

#define DLV_MESSAGE_COLUMNS \
  "m.id, m.account_id, a.provider, a.name, m.provider_message_id, m.recipient, " \
  "m.recipient_domain, m.recipient_group, m.sender, m.subject, m.campaign, m.status, " \
  "m.status_at, m.flags, m.attempts, m.first_event_at, m.last_event_at, " \
  "m.first_deferred_at, m.delivered_at, m.expires_at, m.reason_at, m.reason, m.mx, " \
  "m.smtp_code, m.enhanced_code, m.origin, m.cause, m.action_needed, m.attempt_events"

DlvMessage    *_dlv_message_from_row     (sqlite3_stmt  *stmt);

G_END_DECLS
