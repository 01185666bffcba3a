/* dlv-json-util.c: forgiving accessors for provider JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "dlv-json"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "dlv-json-util.h"
#include "dlv-provider.h"

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

/* Deepest nesting of arrays and objects, strings skipped; stops counting
 * past @limit. */
static guint
nesting_depth (const char *data,
               gsize       length,
               guint       limit)
{
  gboolean in_string = FALSE;
  guint depth = 0, deepest = 0;

  for (gsize i = 0; i < length && deepest <= limit; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          depth++;
          deepest = MAX (deepest, depth);
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }

  return deepest;
}

/**
 * dlv_json_load:
 * @data: a provider's response body
 * @length: its length, or -1 when NUL-terminated
 * @repaired: (out) (optional): set to 1 when invalid UTF-8 was replaced
 *
 * Parses a response the way every provider parser should: too large or too
 * deeply nested documents are refused, and invalid UTF-8 is replaced by
 * U+FFFD instead of losing the whole page to one bad byte.
 *
 * Returns: (transfer full): the parser holding the document, or %NULL with
 *   @error set (DLV_PROVIDER_ERROR_BAD_RESPONSE)
 */
JsonParser *
dlv_json_load (const char  *data,
               gssize       length,
               guint       *repaired,
               GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autofree char *valid = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize len = length < 0 ? strlen (data) : (gsize) length;

  if (repaired != NULL)
    *repaired = 0;

  if (len > DLV_JSON_MAX_BYTES)
    {
      g_autofree char *size = g_format_size (len);

      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE,
                   _("The provider sent %s at once, more than Deliverability reads"), size);
      return NULL;
    }

  if (nesting_depth (data, len, DLV_JSON_MAX_DEPTH) > DLV_JSON_MAX_DEPTH)
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE,
                   _("The provider sent data nested too deeply to be a list of events"));
      return NULL;
    }

  if (!g_utf8_validate_len (data, len, NULL))
    {
      valid = g_utf8_make_valid (data, len);
      data = valid;
      len = strlen (valid);
      if (repaired != NULL)
        *repaired = 1;
    }

  if (!json_parser_load_from_data (parser, data, len, &local_error))
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE,
                   _("The provider sent something that is not JSON: %s"), local_error->message);
      return NULL;
    }

  return g_steal_pointer (&parser);
}
