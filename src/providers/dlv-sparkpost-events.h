/* dlv-sparkpost-events.h: SparkPost's events pages as normalized events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "dlv-event.h"

G_BEGIN_DECLS

DlvEventPage *dlv_sparkpost_parse_events_page (const char  *data,
                                               gssize       length,
                                               gboolean     keep_raw,
                                               GError     **error);
DlvEvent     *dlv_sparkpost_parse_event       (JsonObject  *item,
                                               gboolean    *ignored);
DlvEventKind  dlv_sparkpost_bounce_kind       (gint64       bounce_class,
                                               int          smtp_code,
                                               gint64       retries);

G_END_DECLS
