/* dlv-json-util.c: forgiving accessors for provider JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "dlv-json"

#include "config.h"

#include <math.h>

#include "dlv-json-util.h"

/* Remote strings are capped: a 10 MB "reason" is someone else's bug. */
#define MAX_STRING_BYTES (64 * 1024)

static JsonNode *
get_member (JsonObject *object,
            const char *member)
{
  if (object == NULL)
    return NULL;

  return json_object_get_member (object, member);
}

JsonObject *
dlv_json_get_object (JsonObject *object,
                     const char *member)
{
  JsonNode *node = get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
dlv_json_get_array (JsonObject *object,
                    const char *member)
{
  JsonNode *node = get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

const char *
dlv_json_get_string (JsonObject *object,
                     const char *member)
{
  JsonNode *node = get_member (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/**
 * dlv_json_dup_string:
 *
 * Returns: (transfer full) (nullable): the string, valid UTF-8 and at most
 *   64 KiB; %NULL when absent, empty or not a string
 */
char *
dlv_json_dup_string (JsonObject *object,
                     const char *member)
{
  const char *value = dlv_json_get_string (object, member);
  gsize len;

  if (value == NULL || value[0] == '\0')
    return NULL;

  len = strlen (value);
  if (len > MAX_STRING_BYTES)
    len = MAX_STRING_BYTES;

  return g_utf8_make_valid (value, len);
}

/* Integers may arrive as numbers or as strings of digits (SparkPost). */
gboolean
dlv_json_get_int (JsonObject *object,
                  const char *member,
                  gint64     *value)
{
  JsonNode *node = get_member (object, member);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *value = json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE && isfinite (json_node_get_double (node)))
    *value = (gint64) json_node_get_double (node);
  else if (type == G_TYPE_STRING)
    return g_ascii_string_to_signed (json_node_get_string (node), 10, G_MININT64, G_MAXINT64,
                                     value, NULL);
  else
    return FALSE;

  return TRUE;
}

gboolean
dlv_json_get_double (JsonObject *object,
                     const char *member,
                     double     *value)
{
  JsonNode *node = get_member (object, member);
  GType type;
  char *end = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_DOUBLE || type == G_TYPE_INT64)
    *value = json_node_get_double (node);
  else if (type == G_TYPE_STRING)
    {
      *value = g_ascii_strtod (json_node_get_string (node), &end);
      if (end == json_node_get_string (node) || *end != '\0')
        return FALSE;
    }
  else
    return FALSE;

  return isfinite (*value);
}

/* dlv_json_path_object (item, "message", "headers", NULL) */
JsonObject *
dlv_json_path_object (JsonObject *object,
                      const char *first,
                      ...)
{
  va_list args;

  va_start (args, first);
  for (const char *member = first; member != NULL && object != NULL;
       member = va_arg (args, const char *))
    object = dlv_json_get_object (object, member);
  va_end (args);

  return object;
}
