/* dlv-mailjet-events.h: Mailjet's messages, message history and webhook events as normalized events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "dlv-event.h"

G_BEGIN_DECLS

gboolean      dlv_mailjet_read_id             (JsonObject     *object,
                                               const char     *member,
                                               gint64         *id);
gboolean      dlv_mailjet_read_time           (JsonObject     *object,
                                               const char     *member,
                                               gint64         *at);

char         *dlv_mailjet_state_reason        (gint64          state_id);
const char   *dlv_mailjet_state_title         (gint64          state_id);

JsonArray    *dlv_mailjet_page_data           (JsonParser     *parser,
                                               gint64         *total,
                                               GError        **error);
DlvEvent     *dlv_mailjet_parse_message       (JsonObject     *item,
                                               gboolean       *ignored);
gboolean      dlv_mailjet_event_is_failure    (const DlvEvent *event);
DlvEventPage *dlv_mailjet_parse_messages_page (const char     *data,
                                               gssize          length,
                                               GError        **error);

guint         dlv_mailjet_parse_history       (const char     *data,
                                               gsize           length,
                                               const DlvEvent *status,
                                               JsonObject     *message,
                                               GPtrArray      *events,
                                               guint          *skipped,
                                               GError        **error);

DlvEvent     *dlv_mailjet_parse_webhook       (JsonObject     *object,
                                               gboolean       *ignored);

G_END_DECLS
