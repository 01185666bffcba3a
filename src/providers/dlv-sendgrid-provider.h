/* dlv-sendgrid-provider.h: polling a SendGrid account through Email Logs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "dlv-provider.h"

G_BEGIN_DECLS

#define DLV_TYPE_SENDGRID_PROVIDER (dlv_sendgrid_provider_get_type ())
G_DECLARE_FINAL_TYPE (DlvSendgridProvider, dlv_sendgrid_provider, DLV, SENDGRID_PROVIDER, DlvProvider)

/* Email Logs answers at most this many messages a query, and cannot page. */
#define DLV_SENDGRID_ROW_LIMIT 1000

/* Messages created this recently may not be listed yet: each round ends
 * by reading them again. */
#define DLV_SENDGRID_OVERLAP_SECONDS (5 * 60)

/* How often messages SendGrid is still working on are looked at again. */
#define DLV_SENDGRID_REVISIT_SECONDS (10 * 60)

/* Message details read per page, so progress is saved along the way. */
#define DLV_SENDGRID_DETAILS_PER_PAGE 20

/* Most messages followed at once while SendGrid still works on them. */
#define DLV_SENDGRID_WATCH_MAX 2000

G_END_DECLS
