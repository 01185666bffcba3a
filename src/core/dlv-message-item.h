/* dlv-message-item.h: one row of the Activity list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "dlv-message.h"

G_BEGIN_DECLS

#define DLV_TYPE_MESSAGE_ITEM (dlv_message_item_get_type ())
G_DECLARE_FINAL_TYPE (DlvMessageItem, dlv_message_item, DLV, MESSAGE_ITEM, GObject)

DlvMessageItem   *dlv_message_item_new          (DlvMessage     *message,
                                                 gint64          now);
const DlvMessage *dlv_message_item_get_message  (DlvMessageItem *self);
DlvMessageStatus  dlv_message_item_get_status   (DlvMessageItem *self);
gint64            dlv_message_item_get_now      (DlvMessageItem *self);

G_END_DECLS
