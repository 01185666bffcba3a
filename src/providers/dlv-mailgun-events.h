/* dlv-mailgun-events.h: Mailgun's events pages as normalized events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "dlv-event.h"

G_BEGIN_DECLS

DlvEventPage *dlv_mailgun_parse_events_page (const char  *data,
                                             gssize       length,
                                             gboolean     keep_raw,
                                             GError     **error);
DlvEvent     *dlv_mailgun_parse_event       (JsonObject  *item,
                                             gboolean    *ignored);

G_END_DECLS
