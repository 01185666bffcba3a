/* dlv-mailgun-provider.h: polling a Mailgun sending domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "dlv-provider.h"

G_BEGIN_DECLS

#define DLV_TYPE_MAILGUN_PROVIDER (dlv_mailgun_provider_get_type ())
G_DECLARE_FINAL_TYPE (DlvMailgunProvider, dlv_mailgun_provider, DLV, MAILGUN_PROVIDER, DlvProvider)

/* Events newer than this may still be indexed out of order: Mailgun's
 * polling recipe re-reads them. */
#define DLV_MAILGUN_SETTLE_SECONDS (30 * 60)

G_END_DECLS
