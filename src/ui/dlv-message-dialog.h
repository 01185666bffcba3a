/* dlv-message-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "dlv-store.h"

G_BEGIN_DECLS

#define DLV_TYPE_MESSAGE_DIALOG (dlv_message_dialog_get_type ())
G_DECLARE_FINAL_TYPE (DlvMessageDialog, dlv_message_dialog, DLV, MESSAGE_DIALOG, AdwWindow)

DlvMessageDialog *dlv_message_dialog_new          (DlvStore         *store,
                                                   gint64            message_id);
char             *dlv_message_dialog_dup_summary  (DlvMessageDialog *self);

G_END_DECLS
