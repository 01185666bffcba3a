/* dlv-resend-events.h: Resend's email list and webhook events as normalized events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "dlv-event.h"

G_BEGIN_DECLS

/* When a status read from the list happened: Resend gives no time for it.
 * All zero for a file, where each status is stamped with the send time. */
typedef struct
{
  gint64 now;                   /* when the list was read */
  gint64 seen;                  /* start of the previous complete read, 0 when none */
  gint64 retry_window;          /* seconds a delayed email may still be delivered */
} DlvResendClock;

/* What one list page says about the walk, besides its events. */
typedef struct
{
  gboolean has_more;
  char *last_id;                /* the last email with an id: where the next page starts */
  guint items;
  gint64 oldest;                /* the oldest creation time on the page, 0 when none */
  gint64 in_flight_since;       /* the oldest email still queued or delayed, 0 when none */
} DlvResendListInfo;

void          dlv_resend_list_info_clear     (DlvResendListInfo    *info);

DlvEventPage *dlv_resend_parse_emails_page   (const char           *data,
                                              gssize                length,
                                              const DlvResendClock *clock,
                                              DlvResendListInfo    *info,
                                              GError              **error);
DlvEvent     *dlv_resend_parse_email         (JsonObject           *item,
                                              const DlvResendClock *clock,
                                              gboolean             *ignored);
DlvEvent     *dlv_resend_parse_webhook_event (JsonObject           *object,
                                              gboolean             *ignored);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DlvResendListInfo, dlv_resend_list_info_clear)

G_END_DECLS
