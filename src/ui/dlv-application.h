/* dlv-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "dlv-notifier.h"
#include "dlv-poller.h"
#include "dlv-store.h"

G_BEGIN_DECLS

#define DLV_TYPE_APPLICATION (dlv_application_get_type ())
G_DECLARE_FINAL_TYPE (DlvApplication, dlv_application, DLV, APPLICATION, AdwApplication)

DlvApplication *dlv_application_new          (void);
DlvStore       *dlv_application_get_store    (DlvApplication *self);
DlvPoller      *dlv_application_get_poller   (DlvApplication *self);
GSettings      *dlv_application_get_settings (DlvApplication *self);
const GError   *dlv_application_get_error    (DlvApplication *self);
DlvNotifier    *dlv_application_get_notifier (DlvApplication *self);
gboolean        dlv_application_get_background_denied (DlvApplication *self);

G_END_DECLS
