/* dlv-notifier.h: desktop notifications for what the alerts find
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "dlv-alerts.h"

G_BEGIN_DECLS

/* The app action every notification activates, with its target. */
#define DLV_NOTIFIER_ACTION "app.show-alert"

#define DLV_TYPE_NOTIFIER (dlv_notifier_get_type ())
G_DECLARE_FINAL_TYPE (DlvNotifier, dlv_notifier, DLV, NOTIFIER, GObject)

DlvNotifier   *dlv_notifier_new                 (GApplication   *application,
                                                 const char     *store_path,
                                                 GSettings      *settings);
void           dlv_notifier_check               (DlvNotifier    *self);
gboolean       dlv_notifier_get_checking        (DlvNotifier    *self);
DlvAlerts     *dlv_notifier_get_alerts          (DlvNotifier    *self);

GNotification *dlv_notifier_build_notification  (const DlvAlert *alert);
GVariant      *dlv_notifier_build_target        (const DlvAlert *alert);
char          *dlv_notifier_build_id            (const DlvAlert *alert);

G_END_DECLS
