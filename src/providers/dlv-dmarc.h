/* dlv-dmarc.h: a sending domain's DMARC record, read from DNS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "dlv-domain.h"

G_BEGIN_DECLS

void dlv_dmarc_check_sync (DlvDomain    *domain,
                           GCancellable *cancellable);

G_END_DECLS
