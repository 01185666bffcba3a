/* dlv-json-util.h: forgiving accessors for provider JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Each returns NULL / FALSE when the member is absent or of another type,
 * so one odd field never takes a whole page down. */
JsonObject  *dlv_json_get_object  (JsonObject  *object,
                                   const char  *member);
JsonArray   *dlv_json_get_array   (JsonObject  *object,
                                   const char  *member);
const char  *dlv_json_get_string  (JsonObject  *object,
                                   const char  *member);
char        *dlv_json_dup_string  (JsonObject  *object,
                                   const char  *member);
gboolean     dlv_json_get_int     (JsonObject  *object,
                                   const char  *member,
                                   gint64      *value);
gboolean     dlv_json_get_double  (JsonObject  *object,
                                   const char  *member,
                                   double      *value);
/* Largest page accepted, and deepest nesting: json-glib recurses per level
 * and a hostile page nested a hundred thousand deep would crash it. */
#define DLV_JSON_MAX_BYTES (64 * 1024 * 1024)
#define DLV_JSON_MAX_DEPTH 64

JsonParser  *dlv_json_load        (const char  *data,
                                   gssize       length,
                                   guint       *repaired,
                                   GError     **error);
JsonObject  *dlv_json_path_object (JsonObject  *object,
                                   const char  *first,
                                   ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
