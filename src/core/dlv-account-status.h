/* dlv-account-status.h: an account's state in words
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "dlv-store.h"

G_BEGIN_DECLS

char       *dlv_account_describe_updated (gint64            at,
                                          gint64            now);
const char *dlv_account_history_state    (const DlvAccount *account);
char       *dlv_account_describe         (const DlvAccount *account,
                                          gint64            now);

G_END_DECLS
