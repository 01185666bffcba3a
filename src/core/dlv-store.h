/* dlv-store.h: the durable SQLite store of events, messages and domains
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "dlv-conversion.h"
#include "dlv-domain.h"
#include "dlv-event.h"
#include "dlv-message.h"

G_BEGIN_DECLS

#define DLV_STORE_ERROR (dlv_store_error_quark ())

typedef enum
{
  DLV_STORE_ERROR_FAILED,
  DLV_STORE_ERROR_NOT_A_STORE,      /* not SQLite, or another program's database */
  DLV_STORE_ERROR_TOO_NEW,          /* written by a newer version of the app */
  DLV_STORE_ERROR_IO,
  DLV_STORE_ERROR_NOT_FOUND,
  DLV_STORE_ERROR_MOVED,            /* the account's cursor changed under a poll */
} DlvStoreError;

GQuark dlv_store_error_quark (void);

struct _DlvAccount
{
  gint64 id;
  char *provider;
  char *name;
  char *settings;               /* JSON object: region, base URL… never a key */
  guint retry_window_hours;
  char *cursor;
  gint64 last_poll_at;
  char *last_error;
  gint64 created_at;
  gint64 last_success_at;       /* when data was last fetched, 0 never */
  gint64 caught_up_at;          /* when polling last reached the present, 0 never */
  char *history_gap;            /* events the provider could not give, in words, or NULL */
};

void dlv_account_free (DlvAccount *account);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DlvAccount, dlv_account_free)

typedef enum
{
  DLV_MESSAGE_SORT_LAST_EVENT,
  DLV_MESSAGE_SORT_FIRST_EVENT,
  DLV_MESSAGE_SORT_STATUS,
  DLV_MESSAGE_SORT_RECIPIENT,
  DLV_MESSAGE_SORT_SUBJECT,
  DLV_MESSAGE_SORT_CAMPAIGN,
  DLV_MESSAGE_SORT_ATTEMPTS,
} DlvMessageSort;

/* What the Activity list shows. Zero / NULL fields do not filter. */
struct _DlvMessageFilter
{
  guint statuses;               /* bit (1 << DlvMessageStatus) per wanted status */
  const char *domain;           /* a recipient domain, or a group nick ("gmail") */
  const char *campaign;
  const char *search;           /* substring of recipient or subject */
  gint64 since;                 /* last activity at or after */
  gint64 until;                 /* last activity before */
  gint64 account_id;
  gboolean ever_deferred;
  gint64 expires_before;        /* still deferred, expiring after now and at or before this */
};

/* How many deferred messages a cause held back. */
typedef struct
{
  DlvReasonCause cause;
  guint64 messages;
} DlvCauseCount;

typedef struct
{
  guint events_added;           /* new events stored */
  guint events_duplicate;       /* already in the store, ignored */
  guint messages_added;
  guint messages_updated;
  guint events_invalid;         /* no message id or an unknown kind: skipped */
} DlvIngestStats;

#define DLV_TYPE_STORE (dlv_store_get_type ())
G_DECLARE_FINAL_TYPE (DlvStore, dlv_store, DLV, STORE, GObject)

char        *dlv_store_default_path       (void);
DlvStore    *dlv_store_open               (const char              *path,
                                           GError                 **error);
const char  *dlv_store_get_path           (DlvStore                *self);
int          dlv_store_get_schema_version (DlvStore                *self);

gint64       dlv_store_add_account        (DlvStore                *self,
                                           const char              *provider,
                                           const char              *name,
                                           guint                    retry_window_hours,
                                           const char              *settings,
                                           const char              *cursor,
                                           GError                 **error);
gboolean     dlv_store_update_account     (DlvStore                *self,
                                           gint64                   account_id,
                                           const char              *name,
                                           const char              *settings,
                                           gboolean                 reset_cursor,
                                           GError                 **error);
gboolean     dlv_store_remove_account     (DlvStore                *self,
                                           gint64                   account_id,
                                           GError                 **error);
DlvAccount  *dlv_store_get_account        (DlvStore                *self,
                                           gint64                   account_id,
                                           GError                 **error);
GPtrArray   *dlv_store_list_accounts      (DlvStore                *self,
                                           GError                 **error);
gboolean     dlv_store_set_account_status (DlvStore                *self,
                                           gint64                   account_id,
                                           gint64                   polled_at,
                                           const char              *last_error,
                                           GError                 **error);

gboolean     dlv_store_set_account_problem (DlvStore               *self,
                                           gint64                   account_id,
                                           const char              *problem,
                                           GError                 **error);

gboolean     dlv_store_ingest_page        (DlvStore                *self,
                                           gint64                   account_id,
                                           DlvEventPage            *page,
                                           DlvIngestStats          *stats,
                                           GError                 **error);

gboolean     dlv_store_ingest_page_from   (DlvStore                *self,
                                           const DlvAccount        *from,
                                           DlvEventPage            *page,
                                           DlvIngestStats          *stats,
                                           GError                 **error);

gboolean     dlv_store_replace_domains    (DlvStore                *self,
                                           gint64                   account_id,
                                           GPtrArray               *domains,
                                           GError                 **error);
gint64       dlv_store_get_domains_checked_at (DlvStore            *self,
                                           gint64                   account_id,
                                           GError                 **error);
GPtrArray   *dlv_store_list_domains       (DlvStore                *self,
                                           gint64                   account_id,
                                           GError                 **error);

GArray      *dlv_store_query_message_ids  (DlvStore                *self,
                                           const DlvMessageFilter  *filter,
                                           DlvMessageSort           sort,
                                           gboolean                 descending,
                                           gint64                   now,
                                           GError                 **error);
GArray      *dlv_store_query_message_ids_limited (DlvStore         *self,
                                           const DlvMessageFilter  *filter,
                                           DlvMessageSort           sort,
                                           gboolean                 descending,
                                           gint64                   now,
                                           guint                    limit,
                                           GError                 **error);
GPtrArray   *dlv_store_load_messages      (DlvStore                *self,
                                           const gint64            *ids,
                                           guint                    n_ids,
                                           GError                 **error);
DlvMessage  *dlv_store_get_message        (DlvStore                *self,
                                           gint64                   message_id,
                                           GError                 **error);
GPtrArray   *dlv_store_get_message_events (DlvStore                *self,
                                           gint64                   message_id,
                                           GError                 **error);
gboolean     dlv_store_count_statuses     (DlvStore                *self,
                                           const DlvMessageFilter  *filter,
                                           gint64                   now,
                                           guint64                  counts[DLV_N_MESSAGE_STATUSES],
                                           GError                 **error);
GStrv        dlv_store_list_campaigns     (DlvStore                *self,
                                           GError                 **error);
GStrv        dlv_store_list_recipient_domains (DlvStore            *self,
                                           guint                    limit,
                                           GError                 **error);
GArray      *dlv_store_count_causes       (DlvStore                *self,
                                           const DlvMessageFilter  *filter,
                                           GError                 **error);
GArray      *dlv_store_load_deferred_cohort (DlvStore              *self,
                                           const DlvMessageFilter  *filter,
                                           GError                 **error);

G_END_DECLS
