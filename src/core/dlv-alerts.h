/* dlv-alerts.h: what is worth a desktop notification after a poll
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "dlv-reason.h"
#include "dlv-recipient-group.h"
#include "dlv-store.h"

G_BEGIN_DECLS

typedef enum
{
  DLV_ALERT_KIND_DEFERRAL_SPIKE,
  DLV_ALERT_KIND_DOMAIN_INVALID,
  DLV_ALERT_KIND_EXPIRING,
} DlvAlertKind;

#define DLV_N_ALERT_KINDS 3

/* A mailbox provider's messages deferred for the first time in the last
 * hour must be at least this many, this many times its hourly average of
 * the 24 hours before, and this many times the share of its mail deferred
 * then (a share of at least 1 %), over at least 6 hours of history. */
#define DLV_ALERTS_SPIKE_MIN_MESSAGES   20
#define DLV_ALERTS_SPIKE_MIN_RATIO      3.0
#define DLV_ALERTS_SPIKE_MIN_SHARE      0.01
#define DLV_ALERTS_SPIKE_WINDOW         3600
#define DLV_ALERTS_BASELINE_HOURS       24
#define DLV_ALERTS_MIN_HISTORY_HOURS    6

/* At least this many still-deferred messages expiring within this time. */
#define DLV_ALERTS_EXPIRING_MIN_MESSAGES 20
#define DLV_ALERTS_EXPIRING_WITHIN      (6 * 3600)

/* One notification per kind and subject at most this often. */
#define DLV_ALERTS_REPEAT_AFTER         (6 * 3600)

/* One notification to show. Title and body are translated plain text (a
 * remote string in them is never markup); the rest says where activating
 * it leads and, for tests, what it counted. */
typedef struct
{
  DlvAlertKind kind;
  char *subject;                /* group nick, sending domain, or "" */
  char *title;
  char *body;
  gboolean urgent;

  /* Where it leads: "activity" with a filter and sort, or "domains". */
  char *page;
  guint statuses;               /* bit (1 << DlvMessageStatus) per status */
  char *domain;                 /* recipient group nick or domain; the sending domain */
  DlvMessageSort sort;
  gboolean descending;

  guint64 count;
  double share;                 /* spikes: of the provider's mail in the last hour, deferred */
  double ratio;                 /* spikes: that share over the usual one, 0 when none before */
  DlvReasonCause cause;         /* spikes: the main cause */
  double cause_share;           /* spikes: of the messages looked at, how many it held back */
  gint64 account_id;            /* domains: the account */
} DlvAlert;

void         dlv_alert_free              (DlvAlert     *alert);
const char  *dlv_alert_kind_to_string    (DlvAlertKind  kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DlvAlert, dlv_alert_free)

#define DLV_TYPE_ALERTS (dlv_alerts_get_type ())
G_DECLARE_FINAL_TYPE (DlvAlerts, dlv_alerts, DLV, ALERTS, GObject)

DlvAlerts   *dlv_alerts_new              (void);
void         dlv_alerts_set_enabled      (DlvAlerts            *self,
                                          DlvAlertKind          kind,
                                          gboolean              enabled);
gboolean     dlv_alerts_get_enabled      (DlvAlerts            *self,
                                          DlvAlertKind          kind);
GPtrArray   *dlv_alerts_check            (DlvAlerts            *self,
                                          DlvStore             *store,
                                          gint64                now,
                                          GError              **error);
void         dlv_alerts_check_async      (DlvAlerts            *self,
                                          const char           *store_path,
                                          gint64                now,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
GPtrArray   *dlv_alerts_check_finish     (DlvAlerts            *self,
                                          GAsyncResult         *result,
                                          GError              **error);

G_END_DECLS
