/* dlv-message-summary.h: a message explained in plain text, for support tickets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "dlv-message.h"

G_BEGIN_DECLS

char *dlv_message_format_summary (const DlvMessage *message,
                                  GPtrArray        *events,
                                  gint64            now);

G_END_DECLS
