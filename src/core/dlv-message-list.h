/* dlv-message-list.h: the Activity list, filtered and sorted by SQLite
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "dlv-message-item.h"
#include "dlv-store.h"

G_BEGIN_DECLS

#define DLV_TYPE_MESSAGE_LIST (dlv_message_list_get_type ())
G_DECLARE_FINAL_TYPE (DlvMessageList, dlv_message_list, DLV, MESSAGE_LIST, GObject)

DlvMessageList *dlv_message_list_new           (DlvStore               *store);
void            dlv_message_list_set_query     (DlvMessageList         *self,
                                                const DlvMessageFilter *filter,
                                                DlvMessageSort          sort,
                                                gboolean                descending);
void            dlv_message_list_reload        (DlvMessageList         *self);
gboolean        dlv_message_list_get_loading   (DlvMessageList         *self);
const guint64  *dlv_message_list_get_counts    (DlvMessageList         *self);
const GError   *dlv_message_list_get_error     (DlvMessageList         *self);
void            dlv_message_list_set_now_func  (DlvMessageList         *self,
                                                gint64                (*now_func) (void));

G_END_DECLS
