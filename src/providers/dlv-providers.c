/* dlv-providers.c: the provider for an account
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "dlv-providers"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dlv-demo-provider.h"
#include "dlv-providers.h"

/**
 * dlv_providers_create_for_account:
 * @account: a stored account
 *
 * Returns: (transfer full): the provider that polls @account, or %NULL with
 *   @error set when this version does not know its provider
 */
DlvProvider *
dlv_providers_create_for_account (const DlvAccount  *account,
                                  GError           **error)
{
  g_return_val_if_fail (account != NULL, NULL);

  if (g_strcmp0 (account->provider, "demo") == 0)
    return dlv_demo_provider_new ();

  g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_FAILED,
               _("This version of Deliverability cannot poll “%s” accounts"), account->provider);
  return NULL;
}
