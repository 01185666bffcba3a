/* dlv-cursor.c: a provider's poll position as "version;key=value;…"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store keeps a cursor with the events it led to, in one transaction, so
 * everything a provider needs to continue (time windows, next-page links,
 * offsets) lives in this one string. Values are percent-escaped, so a link
 * may hold ';' and '='. The version prefix lets a later release refuse, in
 * words, a position it no longer understands.
 */

#define G_LOG_DOMAIN "dlv-cursor"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dlv-cursor.h"
#include "dlv-provider.h"

struct _DlvCursor
{
  char *version;
  GHashTable *values;
};

DlvCursor *
dlv_cursor_new (const char *version)
{
  DlvCursor *cursor = g_new0 (DlvCursor, 1);

  cursor->version = g_strdup (version);
  cursor->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return cursor;
}

/**
 * dlv_cursor_parse:
 * @text: (nullable): a stored cursor; %NULL gives an empty cursor
 *
 * Returns: (transfer full): the cursor, or %NULL with @error set when @text
 *   was written for another version
 */
DlvCursor *
dlv_cursor_parse (const char  *text,
                  const char  *version,
                  GError     **error)
{
  g_autoptr(DlvCursor) cursor = dlv_cursor_new (version);
  g_auto(GStrv) fields = NULL;

  if (text == NULL)
    return g_steal_pointer (&cursor);

  fields = g_strsplit (text, ";", -1);
  if (g_strcmp0 (fields[0], version) != 0)
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_CURSOR,
                   _("The saved poll position is from another version; remove and add the account again"));
      return NULL;
    }

  for (guint i = 1; fields[i] != NULL; i++)
    {
      char *equals = strchr (fields[i], '=');

      if (equals == NULL)
        continue;
      *equals = '\0';
      g_hash_table_replace (cursor->values, g_strdup (fields[i]),
                            g_uri_unescape_string (equals + 1, NULL));
    }

  return g_steal_pointer (&cursor);
}

void
dlv_cursor_free (DlvCursor *cursor)
{
  if (cursor == NULL)
    return;

  g_hash_table_unref (cursor->values);
  g_free (cursor->version);
  g_free (cursor);
}

const char *
dlv_cursor_get (DlvCursor  *cursor,
                const char *key)
{
  return g_hash_table_lookup (cursor->values, key);
}

gint64
dlv_cursor_get_int (DlvCursor  *cursor,
                    const char *key,
                    gint64      fallback)
{
  const char *value = dlv_cursor_get (cursor, key);
  char *end = NULL;
  gint64 number;

  if (value == NULL)
    return fallback;

  number = g_ascii_strtoll (value, &end, 10);
  return end != value && *end == '\0' ? number : fallback;
}

/* A %NULL value removes the key. */
void
dlv_cursor_set (DlvCursor  *cursor,
                const char *key,
                const char *value)
{
  if (value == NULL)
    g_hash_table_remove (cursor->values, key);
  else
    g_hash_table_replace (cursor->values, g_strdup (key), g_strdup (value));
}

void
dlv_cursor_set_int (DlvCursor  *cursor,
                    const char *key,
                    gint64      value)
{
  g_hash_table_replace (cursor->values, g_strdup (key),
                        g_strdup_printf ("%" G_GINT64_FORMAT, value));
}

/* Keys in order, so equal positions give equal strings. */
char *
dlv_cursor_to_string (DlvCursor *cursor)
{
  g_autoptr(GList) keys = g_list_sort (g_hash_table_get_keys (cursor->values),
                                       (GCompareFunc) g_strcmp0);
  GString *text = g_string_new (cursor->version);

  for (GList *l = keys; l != NULL; l = l->next)
    {
      g_autofree char *escaped = g_uri_escape_string (g_hash_table_lookup (cursor->values, l->data), NULL, FALSE);

      g_string_append_printf (text, ";%s=%s", (const char *) l->data, escaped);
    }

  return g_string_free (text, FALSE);
}
