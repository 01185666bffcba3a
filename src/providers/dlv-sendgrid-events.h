/* dlv-sendgrid-events.h: SendGrid's Email Logs as normalized events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "dlv-event.h"

G_BEGIN_DECLS

/* A message's summary status in an Email Logs (or Email Activity) list. */
typedef enum
{
  DLV_SENDGRID_STATUS_UNKNOWN,
  DLV_SENDGRID_STATUS_PROCESSED,
  DLV_SENDGRID_STATUS_DEFERRED,
  DLV_SENDGRID_STATUS_DELIVERED,
  DLV_SENDGRID_STATUS_BOUNCED,
  DLV_SENDGRID_STATUS_BLOCKED,
  DLV_SENDGRID_STATUS_DROPPED,
  DLV_SENDGRID_STATUS_NOT_DELIVERED,    /* Email Activity only: bounced, blocked or dropped */
} DlvSendgridStatus;

DlvSendgridStatus  dlv_sendgrid_status_from_string (const char  *status);
gboolean           dlv_sendgrid_status_in_flight   (DlvSendgridStatus status);

char              *dlv_sendgrid_dup_message_id     (JsonObject  *object,
                                                    const char  *member);
gboolean           dlv_sendgrid_id_is_safe         (const char  *id);

char              *dlv_sendgrid_row_id             (JsonObject  *row);
DlvSendgridStatus  dlv_sendgrid_row_status         (JsonObject  *row);
gboolean           dlv_sendgrid_row_time           (JsonObject  *row,
                                                    gint64      *at);

DlvEvent          *dlv_sendgrid_parse_row          (JsonObject  *row,
                                                    gboolean    *ignored);
DlvEvent          *dlv_sendgrid_parse_event        (JsonObject  *item,
                                                    JsonObject  *message,
                                                    gboolean    *ignored);
void               dlv_sendgrid_add_detail_events  (DlvEventPage *page,
                                                    JsonObject   *detail,
                                                    gboolean      keep_raw);
void               dlv_sendgrid_add_row_event      (DlvEventPage *page,
                                                    JsonNode     *node,
                                                    gboolean      keep_raw);
DlvEventPage      *dlv_sendgrid_parse_page         (const char  *data,
                                                    gssize       length,
                                                    gboolean     keep_raw,
                                                    GError     **error);

G_END_DECLS
