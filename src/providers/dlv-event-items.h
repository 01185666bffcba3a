/* dlv-event-items.h: a provider's JSON list of events, read item by item
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "dlv-event.h"

G_BEGIN_DECLS

/* Reads one item; returns %NULL for an item it cannot read, setting
 * @ignored when the item is deliberately not an event (a kind we do not
 * track) rather than broken. */
typedef DlvEvent *(*DlvEventItemFunc) (JsonObject *item,
                                       gboolean   *ignored,
                                       gpointer    user_data);

/* Longest provider JSON kept with an event. */
#define DLV_EVENT_RAW_MAX_BYTES (256 * 1024)

JsonArray *dlv_event_items_load (const char        *data,
                                 gssize             length,
                                 const char        *member,
                                 const char        *provider_title,
                                 JsonParser       **parser,
                                 guint             *repaired,
                                 GError           **error);
void       dlv_event_items_add  (DlvEventPage      *page,
                                 JsonArray         *items,
                                 DlvEventItemFunc   func,
                                 gpointer           user_data,
                                 gboolean           keep_raw);
char      *dlv_event_items_raw  (JsonNode          *node);

G_END_DECLS
