/* dlv-poller.h: poll every account in the background, on a schedule
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DLV_TYPE_POLLER (dlv_poller_get_type ())
G_DECLARE_FINAL_TYPE (DlvPoller, dlv_poller, DLV, POLLER, GObject)

DlvPoller   *dlv_poller_new               (const char *store_path);
void         dlv_poller_start             (DlvPoller  *self);
void         dlv_poller_stop              (DlvPoller  *self);
void         dlv_poller_poll_now          (DlvPoller  *self);
void         dlv_poller_set_interval      (DlvPoller  *self,
                                           guint       seconds);
guint        dlv_poller_get_interval      (DlvPoller  *self);
gboolean     dlv_poller_get_polling       (DlvPoller  *self);
gint64       dlv_poller_get_last_success  (DlvPoller  *self);
const char  *dlv_poller_get_last_error    (DlvPoller  *self);
gboolean     dlv_poller_get_offline       (DlvPoller  *self);
gboolean     dlv_poller_get_account_schedule (DlvPoller *self,
                                              gint64     account_id,
                                              gint64    *next_poll_at,
                                              gboolean  *waiting_for_user);
void         dlv_poller_set_network_monitor (DlvPoller       *self,
                                             GNetworkMonitor *monitor);

G_END_DECLS
