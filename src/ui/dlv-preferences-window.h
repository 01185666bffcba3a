/* dlv-preferences-window.h: poll interval and accounts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "dlv-application.h"

G_BEGIN_DECLS

#define DLV_TYPE_PREFERENCES_WINDOW (dlv_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (DlvPreferencesWindow, dlv_preferences_window, DLV, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

DlvPreferencesWindow *dlv_preferences_window_new (DlvApplication *application);

G_END_DECLS
