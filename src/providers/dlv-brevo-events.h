/* dlv-brevo-events.h: Brevo's transactional events as normalized events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "dlv-event.h"

G_BEGIN_DECLS

/* What a page says besides its events: how far the offset moves, and which
 * UTC offset Brevo wrote the dates in (the account's time zone, which is
 * also the one its day filter uses). */
typedef struct
{
  guint rows;                   /* elements of "events", read or skipped */
  gboolean has_utc_offset;
  int utc_offset;               /* seconds east of UTC, of the newest dated event */
} DlvBrevoPageInfo;

DlvEventPage *dlv_brevo_parse_events_page (const char        *data,
                                           gssize             length,
                                           gboolean           keep_raw,
                                           DlvBrevoPageInfo  *info,
                                           GError           **error);
DlvEvent     *dlv_brevo_parse_event       (JsonObject        *item,
                                           gboolean          *ignored);

G_END_DECLS
