/* dlv-postmark-events.h: Postmark's messages, message events and bounces as normalized events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "dlv-event.h"

G_BEGIN_DECLS

/* Postmark reads fromdate/todate as US Eastern wall time. */
GTimeZone    *dlv_postmark_eastern_zone       (void);
char         *dlv_postmark_eastern_time       (gint64        unix_seconds,
                                               gboolean      window_end);
gboolean      dlv_postmark_parse_time         (const char   *text,
                                               gint64       *unix_seconds);

gboolean      dlv_postmark_id_is_valid        (const char   *id);
const char   *dlv_postmark_message_id         (JsonObject   *message);
gboolean      dlv_postmark_read_message       (JsonObject   *message,
                                               JsonObject   *summary,
                                               gboolean      keep_raw,
                                               DlvEventPage *page,
                                               gint64       *received_at,
                                               gboolean     *final);

DlvEvent     *dlv_postmark_parse_bounce       (JsonNode     *node,
                                               gboolean      keep_raw,
                                               gboolean     *ignored);
DlvEventPage *dlv_postmark_parse_bounces_page (const char   *data,
                                               gssize        length,
                                               guint        *items,
                                               gint64       *total,
                                               GError      **error);

DlvEventPage *dlv_postmark_parse_file_page    (const char   *data,
                                               gssize        length,
                                               GError      **error);
DlvEvent     *dlv_postmark_parse_webhook      (JsonObject   *object,
                                               gboolean     *ignored);

G_END_DECLS
