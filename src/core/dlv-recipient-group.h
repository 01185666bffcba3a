/* dlv-recipient-group.h: which mailbox provider receives for a domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Stored in SQLite: append only, never renumber. */
typedef enum
{
  DLV_RECIPIENT_GROUP_OTHER = 0, /*< nick=other >*/
  DLV_RECIPIENT_GROUP_GMAIL = 1, /*< nick=gmail >*/
  DLV_RECIPIENT_GROUP_MICROSOFT = 2, /*< nick=microsoft >*/
  DLV_RECIPIENT_GROUP_YAHOO = 3, /*< nick=yahoo >*/
  DLV_RECIPIENT_GROUP_APPLE = 4, /*< nick=apple >*/
  DLV_RECIPIENT_GROUP_GMX = 5, /*< nick=gmx >*/
  DLV_RECIPIENT_GROUP_ORANGE = 6, /*< nick=orange >*/
} DlvRecipientGroup;

#define DLV_N_RECIPIENT_GROUPS 7

DlvRecipientGroup  dlv_recipient_group_for          (const char        *domain,
                                                     const char        *mx);
const char        *dlv_recipient_group_to_string    (DlvRecipientGroup  group);
gboolean           dlv_recipient_group_from_string  (const char        *str,
                                                     DlvRecipientGroup *group);
const char        *dlv_recipient_group_title        (DlvRecipientGroup  group);

G_END_DECLS
