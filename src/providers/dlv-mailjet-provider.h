/* dlv-mailjet-provider.h: polling a Mailjet account's messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "dlv-provider.h"

G_BEGIN_DECLS

#define DLV_TYPE_MAILJET_PROVIDER (dlv_mailjet_provider_get_type ())
G_DECLARE_FINAL_TYPE (DlvMailjetProvider, dlv_mailjet_provider, DLV, MAILJET_PROVIDER, DlvProvider)

/* Messages change status for days: each round reads the last two hours
 * again, and once an hour the whole retry window. */
#define DLV_MAILJET_RECENT_SECONDS (2 * 3600)
#define DLV_MAILJET_RECHECK_EVERY_SECONDS 3600
/* How far back a new account starts: Mailjet documents no retention. */
#define DLV_MAILJET_FIRST_READ_SECONDS (7 * 24 * 3600)
/* History lookups (one request per failed message) allowed in one round. */
#define DLV_MAILJET_HISTORY_PER_ROUND 50

G_END_DECLS
