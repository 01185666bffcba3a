/* dlv-brevo-provider.h: polling a Brevo account's transactional events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "dlv-provider.h"

G_BEGIN_DECLS

#define DLV_TYPE_BREVO_PROVIDER (dlv_brevo_provider_get_type ())
G_DECLARE_FINAL_TYPE (DlvBrevoProvider, dlv_brevo_provider, DLV, BREVO_PROVIDER, DlvProvider)

/* Rows per request: Brevo's documented default and largest page. */
#define DLV_BREVO_PAGE_LIMIT 2500
/* The largest page Brevo used to give, whatever was asked: a page of
 * exactly this many rows may not be the last. */
#define DLV_BREVO_LEGACY_PAGE_LIMIT 100
/* Requests left in the hourly budget at which a round stops early, and
 * how long polling then rests. */
#define DLV_BREVO_BUDGET_RESERVE 30
#define DLV_BREVO_BUDGET_PAUSE_SECONDS (10 * 60)

G_END_DECLS
