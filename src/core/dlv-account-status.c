/* dlv-account-status.c: an account's state in words
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One wording for the Accounts popover, Preferences and the command line:
 * when data last came, and whether the history is complete.
 */

#define G_LOG_DOMAIN "dlv-account-status"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dlv-account-status.h"
#include "dlv-providers.h"

/**
 * dlv_account_describe_updated:
 * @at: when data last came, in Unix seconds, 0 for never
 *
 * Returns: (transfer full): "Last updated 5 minutes ago", "Never updated"…
 */
char *
dlv_account_describe_updated (gint64 at,
                              gint64 now)
{
  gint64 age = now - at;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *when = NULL;

  if (at <= 0)
    return g_strdup (_("Never updated"));
  if (age < 60)
    return g_strdup (_("Last updated just now"));
  if (age < 3600)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Last updated %d minute ago",
                                         "Last updated %d minutes ago", (gulong) (age / 60)),
                            (int) (age / 60));
  if (age < 86400)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Last updated %d hour ago",
                                         "Last updated %d hours ago", (gulong) (age / 3600)),
                            (int) (age / 3600));

  local = g_date_time_new_from_unix_local (at);
  /* Translators: a date and time, see g_date_time_format() */
  when = local != NULL ? g_date_time_format (local, _("%b %-d, %H:%M")) : NULL;
  /* Translators: %s is a date and time, such as “Mar 3, 14:05” */
  return g_strdup_printf (_("Last updated %s"), when != NULL ? when : "—");
}

/**
 * dlv_account_history_state:
 *
 * Returns: the provider's words about events it could not give, else
 *   "Catching up on history" or "History complete"
 */
const char *
dlv_account_history_state (const DlvAccount *account)
{
  g_return_val_if_fail (account != NULL, NULL);

  if (account->history_gap != NULL && account->history_gap[0] != '\0')
    return account->history_gap;
  if (account->caught_up_at == 0)
    return _("Catching up on history");

  return _("History complete");
}

/**
 * dlv_account_describe:
 *
 * Returns: (transfer full): "Mailgun · Last updated 5 minutes ago · History complete"
 */
char *
dlv_account_describe (const DlvAccount *account,
                      gint64            now)
{
  g_autofree char *updated = NULL;

  g_return_val_if_fail (account != NULL, NULL);

  updated = dlv_account_describe_updated (account->last_success_at, now);
  /* Translators: a provider's name, when data was last fetched, and how
   * much of the account's history is stored */
  return g_strdup_printf (_("%s · %s · %s"), dlv_providers_title (account->provider), updated,
                          dlv_account_history_state (account));
}
