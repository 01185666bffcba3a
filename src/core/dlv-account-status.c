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

/**
 * dlv_account_describe_age:
 * @at: a moment in Unix seconds, 0 for never
 *
 * Returns: (transfer full): "just now", "5 minutes ago", "Mar 3, 14:05"…
 */
char *
dlv_account_describe_age (gint64 at,
                          gint64 now)
{
  gint64 age = now - at;
  g_autoptr(GDateTime) local = NULL;

  if (at <= 0)
    return g_strdup (_("never"));
  if (age < 60)
    return g_strdup (_("just now"));
  if (age < 3600)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute ago", "%d minutes ago",
                                         (gulong) (age / 60)), (int) (age / 60));
  if (age < 86400)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour ago", "%d hours ago",
                                         (gulong) (age / 3600)), (int) (age / 3600));

  local = g_date_time_new_from_unix_local (at);
  /* Translators: a date and time, see g_date_time_format() */
  return local != NULL ? g_date_time_format (local, _("%b %-d, %H:%M")) : g_strdup ("—");
}

/**
 * dlv_account_history_state:
 *
 * Returns: "complete", "catching up", or the provider's words about the
 *   events it could not give
 */
const char *
dlv_account_history_state (const DlvAccount *account)
{
  g_return_val_if_fail (account != NULL, NULL);

  if (account->history_gap != NULL)
    return account->history_gap;
  if (account->caught_up_at == 0)
    return _("catching up");

  return _("complete");
}

/**
 * dlv_account_describe:
 * @provider_title: the provider as users know it ("Mailgun")
 *
 * Returns: (transfer full): "Mailgun · data 5 minutes ago · history complete"
 */
char *
dlv_account_describe (const DlvAccount *account,
                      const char       *provider_title,
                      gint64            now)
{
  g_autofree char *age = NULL;

  g_return_val_if_fail (account != NULL, NULL);

  age = dlv_account_describe_age (account->last_success_at, now);
  /* Translators: a provider, when data last came ("5 minutes ago"), and the history's state */
  return g_strdup_printf (_("%s · data %s · history %s"), provider_title, age,
                          dlv_account_history_state (account));
}
