/* dlv-account-dialog.h: add or edit a provider account
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "dlv-application.h"

G_BEGIN_DECLS

#define DLV_TYPE_ACCOUNT_DIALOG (dlv_account_dialog_get_type ())
G_DECLARE_FINAL_TYPE (DlvAccountDialog, dlv_account_dialog, DLV, ACCOUNT_DIALOG, AdwWindow)

DlvAccountDialog *dlv_account_dialog_new            (DlvApplication   *application,
                                                     gint64            account_id);
gint64            dlv_account_dialog_get_account_id (DlvAccountDialog *self);

G_END_DECLS
