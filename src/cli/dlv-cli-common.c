/* dlv-cli-common.c: what every command of the command line shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "dlv-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "dlv-cli-common.h"
#include "dlv-providers.h"

/* Every failure is one sentence on stderr. */
int
fail (int         status,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("deliverability-cli: %s\n", message);
  return status;
}

int
fail_error (GError *error)
{
  return fail (EXIT_RUNTIME, "%s", error->message);
}

/* Parses a command's options; a usage error is reported here. */
gboolean
parse_options (Invocation   *inv,
               const char   *parameters,
               const char   *summary,
               GOptionEntry *entries,
               int          *status)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &inv->argc, &inv->argv, &error))
    {
      *status = fail (EXIT_USAGE, "%s", error->message);
      return FALSE;
    }

  return TRUE;
}

DlvStore *
open_store (Invocation  *inv,
            GError     **error)
{
  g_autofree char *path = inv->db_path ? g_strdup (inv->db_path) : dlv_store_default_path ();

  return dlv_store_open (path, error);
}

/* --provider must name a provider this build knows. */
gboolean
dlv_cli_check_provider (const char *provider,
                        int        *status)
{
  g_autofree char *names = NULL;

  if (provider != NULL && dlv_providers_lookup (provider) != NULL)
    return TRUE;

  names = dlv_providers_names ();
  *status = fail (EXIT_USAGE, _("Give --provider, one of %s"), names);
  return FALSE;
}
