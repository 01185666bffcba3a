/* dlv-status-badge.h: a message's status as icon, word and colour
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "dlv-message-item.h"

G_BEGIN_DECLS

#define DLV_TYPE_STATUS_BADGE (dlv_status_badge_get_type ())
G_DECLARE_FINAL_TYPE (DlvStatusBadge, dlv_status_badge, DLV, STATUS_BADGE, GtkWidget)

GtkWidget      *dlv_status_badge_new          (void);
void            dlv_status_badge_set_item     (DlvStatusBadge *self,
                                               DlvMessageItem *item);
DlvMessageItem *dlv_status_badge_get_item     (DlvStatusBadge *self);
char           *dlv_status_badge_dup_tooltip  (DlvStatusBadge *self);

const char     *dlv_status_icon_name          (DlvMessageStatus status);

G_END_DECLS
