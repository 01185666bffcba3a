/* dlv-store-alerts.h: the store's queries behind desktop alerts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "dlv-recipient-group.h"
#include "dlv-store.h"

G_BEGIN_DECLS

/* Messages of one mailbox provider deferred for the first time. */
typedef struct
{
  DlvRecipientGroup group;
  guint64 recent;               /* in [recent_since, until) */
  guint64 before;               /* in [since, recent_since) */
} DlvDeferralCount;

/* Still-deferred messages whose retry window closes soon. */
typedef struct
{
  guint64 messages;
  gint64 first_expiry;
  gint64 last_expiry;
  DlvRecipientGroup main_group; /* the provider most of them go to */
  guint64 main_group_messages;
} DlvExpiringBatch;

GArray   *dlv_store_count_first_deferrals (DlvStore          *self,
                                           gint64             since,
                                           gint64             recent_since,
                                           gint64             until,
                                           GError           **error);
GArray   *dlv_store_count_first_deferral_causes (DlvStore    *self,
                                           DlvRecipientGroup  group,
                                           gint64             since,
                                           gint64             until,
                                           guint              sample,
                                           GError           **error);
gboolean  dlv_store_count_active_messages (DlvStore          *self,
                                           DlvRecipientGroup  group,
                                           gint64             since,
                                           gint64             recent_since,
                                           gint64             until,
                                           guint64           *recent,
                                           guint64           *before,
                                           GError           **error);
gboolean  dlv_store_count_expiring        (DlvStore          *self,
                                           gint64             now,
                                           gint64             until,
                                           DlvExpiringBatch  *batch,
                                           GError           **error);
gint64    dlv_store_get_history_start     (DlvStore          *self,
                                           GError           **error);

G_END_DECLS
