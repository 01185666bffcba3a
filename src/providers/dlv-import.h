/* dlv-import.h: events from files a provider exported
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "dlv-event.h"

G_BEGIN_DECLS

guint         dlv_import_retry_window_hours (const char *provider);
DlvEventPage *dlv_import_parse      (const char  *provider,
                                     const char  *data,
                                     gsize        length,
                                     GError     **error);

G_END_DECLS
