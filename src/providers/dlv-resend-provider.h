/* dlv-resend-provider.h: following the emails of a Resend team
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "dlv-provider.h"

G_BEGIN_DECLS

#define DLV_TYPE_RESEND_PROVIDER (dlv_resend_provider_get_type ())
G_DECLARE_FINAL_TYPE (DlvResendProvider, dlv_resend_provider, DLV, RESEND_PROVIDER, DlvProvider)

/* How far back the first read goes: the longest retention of Resend's
 * standard plans (Scale). */
#define DLV_RESEND_FIRST_READ_SECONDS (7 * 24 * 3600)
/* Emails made this long before the previous read are read again, so a
 * status reached soon after it (an open, a late bounce) is not missed. */
#define DLV_RESEND_RECHECK_SECONDS 3600
/* Pages of 100 emails read in one poll: the rest of a long read waits for
 * the next poll, within Resend's two requests a second. */
#define DLV_RESEND_ROUND_PAGES 10

G_END_DECLS
