/* dlv-cli-poll.h: the poll and accounts commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "dlv-cli-common.h"

G_BEGIN_DECLS

int dlv_cli_command_poll     (Invocation *inv);
int dlv_cli_command_accounts (Invocation *inv);

G_END_DECLS
