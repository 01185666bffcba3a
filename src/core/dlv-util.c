/* dlv-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "dlv-util"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "dlv-util.h"

static GEnumClass *
enum_class (GType enum_type)
{
  /* Kept for the life of the process, like every enum class in use. */
  GEnumClass *klass = g_type_class_peek (enum_type);

  return klass != NULL ? klass : g_type_class_ref (enum_type);
}

/**
 * dlv_enum_to_nick:
 * @enum_type: one of the core's enum types (dlv-core-enums.h)
 * @value: a value of it
 *
 * Returns: (transfer none) (nullable): the value's stable nick, the word
 *   stored and exported ("soft_bounce"), or %NULL for an unknown value
 */
const char *
dlv_enum_to_nick (GType enum_type,
                  int   value)
{
  GEnumValue *enum_value = g_enum_get_value (enum_class (enum_type), value);

  return enum_value != NULL ? enum_value->value_nick : NULL;
}

gboolean
dlv_enum_from_nick (GType       enum_type,
                    const char *nick,
                    int        *value)
{
  GEnumValue *enum_value;

  if (nick == NULL)
    return FALSE;

  enum_value = g_enum_get_value_by_nick (enum_class (enum_type), nick);
  if (enum_value == NULL)
    return FALSE;

  *value = enum_value->value;
  return TRUE;
}

/**
 * dlv_format_iso8601:
 * @unix_seconds: a time
 *
 * Returns: (transfer full): "2026-01-15T08:35:20Z"
 */
char *
dlv_format_iso8601 (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_seconds);

  if (dt == NULL)
    return NULL;

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

/* Parses any ISO 8601 form the providers send; a time without an offset is UTC. */
gboolean
dlv_parse_iso8601 (const char *str,
                   gint64     *unix_seconds)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) dt = NULL;

  if (str == NULL || *str == '\0')
    return FALSE;

  dt = g_date_time_new_from_iso8601 (str, utc);
  if (dt == NULL)
    return FALSE;

  *unix_seconds = g_date_time_to_unix (dt);
  return TRUE;
}

gint64
dlv_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/**
 * dlv_recipient_domain:
 * @address: an email address, possibly "Name <a@b>"
 *
 * Returns: (transfer full) (nullable): the lower-cased domain part
 */
char *
dlv_recipient_domain (const char *address)
{
  const char *at;
  const char *end;

  if (address == NULL)
    return NULL;

  at = strrchr (address, '@');
  if (at == NULL || at[1] == '\0')
    return NULL;

  end = at + 1 + strcspn (at + 1, "> \t");
  if (end == at + 1)
    return NULL;

  return g_ascii_strdown (at + 1, end - (at + 1));
}

/**
 * dlv_bind_textdomain:
 *
 * Translations from $DLV_LOCALEDIR when set (tests), else the installed
 * ones, else, for a program run from its build tree, the ones built there.
 */
void
dlv_bind_textdomain (void)
{
  const char *dir = g_getenv ("DLV_LOCALEDIR");
  g_autofree char *installed = g_build_filename (LOCALEDIR, "fr", "LC_MESSAGES",
                                                 GETTEXT_PACKAGE ".mo", NULL);

  if (dir == NULL || dir[0] == '\0')
    dir = !g_file_test (installed, G_FILE_TEST_EXISTS) &&
          g_file_test (BUILD_LOCALEDIR, G_FILE_TEST_IS_DIR)
          ? BUILD_LOCALEDIR : LOCALEDIR;

  bindtextdomain (GETTEXT_PACKAGE, dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
