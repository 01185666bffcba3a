/* dlv-account-switcher.h: show one account or all, and how each is doing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "dlv-store.h"

G_BEGIN_DECLS

#define DLV_TYPE_ACCOUNT_SWITCHER (dlv_account_switcher_get_type ())
G_DECLARE_FINAL_TYPE (DlvAccountSwitcher, dlv_account_switcher, DLV, ACCOUNT_SWITCHER, AdwBin)

GtkWidget        *dlv_account_switcher_new            (void);
void              dlv_account_switcher_reload         (DlvAccountSwitcher *self,
                                                       DlvStore           *store);
gint64            dlv_account_switcher_get_account_id (DlvAccountSwitcher *self);
void              dlv_account_switcher_set_account_id (DlvAccountSwitcher *self,
                                                       gint64              account_id);
const DlvAccount *dlv_account_switcher_get_account    (DlvAccountSwitcher *self);

G_END_DECLS
