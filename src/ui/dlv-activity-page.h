/* dlv-activity-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "dlv-store.h"

G_BEGIN_DECLS

#define DLV_TYPE_ACTIVITY_PAGE (dlv_activity_page_get_type ())
G_DECLARE_FINAL_TYPE (DlvActivityPage, dlv_activity_page, DLV, ACTIVITY_PAGE, AdwBin)

void dlv_activity_page_set_store    (DlvActivityPage *self,
                                     DlvStore        *store);
void dlv_activity_page_reload       (DlvActivityPage *self);
void dlv_activity_page_focus_search (DlvActivityPage *self);
void dlv_activity_page_set_account  (DlvActivityPage *self,
                                     gint64           account_id);
void dlv_activity_page_show_messages (DlvActivityPage *self,
                                      guint            statuses,
                                      const char      *domain_or_group,
                                      DlvMessageSort   sort,
                                      gboolean         descending,
                                      gboolean         expiring);

G_END_DECLS
