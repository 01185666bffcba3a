/* dlv-postmark-provider.h: polling a Postmark server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "dlv-provider.h"

G_BEGIN_DECLS

#define DLV_TYPE_POSTMARK_PROVIDER (dlv_postmark_provider_get_type ())
G_DECLARE_FINAL_TYPE (DlvPostmarkProvider, dlv_postmark_provider,
                      DLV, POSTMARK_PROVIDER, DlvProvider)

/* Windows end this long before the round starts, when most messages
 * already have their outcome, so few need a second look. */
#define DLV_POSTMARK_SETTLE_SECONDS (5 * 60)
/* Messages still waiting for an outcome are read again at most this often. */
#define DLV_POSTMARK_RECHECK_SECONDS (10 * 60)
/* How far back a new account starts: the shortest retention Postmark
 * allows, so every server still has it. */
#define DLV_POSTMARK_FIRST_READ_SECONDS (7 * 24 * 3600)
/* Messages listed, each with its details, per page. */
#define DLV_POSTMARK_MESSAGES_PER_PAGE 50
/* Most messages followed for a second look at once. */
#define DLV_POSTMARK_MAX_PENDING 200

void dlv_postmark_provider_set_page_size (DlvPostmarkProvider *self,
                                          guint                messages);

G_END_DECLS
