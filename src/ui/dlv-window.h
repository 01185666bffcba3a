/* dlv-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "dlv-application.h"

G_BEGIN_DECLS

#define DLV_TYPE_WINDOW (dlv_window_get_type ())
G_DECLARE_FINAL_TYPE (DlvWindow, dlv_window, DLV, WINDOW, AdwApplicationWindow)

DlvWindow *dlv_window_new          (DlvApplication *application);
void       dlv_window_show_page    (DlvWindow      *self,
                                    const char     *name);
void       dlv_window_show_domains  (DlvWindow     *self,
                                     const char    *domain);
void       dlv_window_show_messages (DlvWindow     *self,
                                     guint          statuses,
                                     const char    *domain_or_group,
                                     DlvMessageSort sort,
                                     gboolean       descending,
                                     gboolean        expiring);

G_END_DECLS
