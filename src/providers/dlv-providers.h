/* dlv-providers.h: the provider for an account
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "dlv-provider.h"
#include "dlv-store.h"

G_BEGIN_DECLS

DlvProvider *dlv_providers_create_for_account (const DlvAccount  *account,
                                               GError           **error);

G_END_DECLS
