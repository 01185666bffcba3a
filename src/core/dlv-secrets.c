/* dlv-secrets.c: account keys in the Secret Service, and nowhere else
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A key is found by the store file it belongs to and the account's id in
 * that store, so two stores (a test's and the user's) never share keys.
 * Values are wiped from memory when freed.
 */

#define G_LOG_DOMAIN "dlv-secrets"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "dlv-secrets.h"

static const SecretSchema *
key_schema (void)
{
  static const SecretSchema schema = {
    "io.github.deliverability.Deliverability.AccountKey", SECRET_SCHEMA_NONE,
    {
      { "store", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "account", SECRET_SCHEMA_ATTRIBUTE_INTEGER },
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

static const char *
kind_nick (DlvSecretKind kind)
{
  return kind == DLV_SECRET_API_SECRET ? "api-secret" : "api-key";
}

/* Attribute integers are 32-bit in the Secret Service schema. */
static int
account_attribute (gint64 account_id)
{
  return (int) CLAMP (account_id, G_MININT32, G_MAXINT32);
}

static void
set_keyring_error (GError  *cause,
                   GError **error)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_error_copy (cause));
  else
    g_set_error (error, cause->domain, cause->code,
                 _("The keyring could not be used: %s"), cause->message);
}

/**
 * dlv_secrets_store_sync:
 * @account_label: shown in the keyring manager ("Mailgun — Newsletters")
 * @value: the key; %NULL or "" removes it
 *
 * Blocks.
 */
gboolean
dlv_secrets_store_sync (const char     *store_path,
                        gint64          account_id,
                        DlvSecretKind   kind,
                        const char     *account_label,
                        const char     *value,
                        GCancellable   *cancellable,
                        GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *label = NULL;

  g_return_val_if_fail (store_path != NULL, FALSE);

  if (value == NULL || value[0] == '\0')
    {
      secret_password_clear_sync (key_schema (), cancellable, &local_error,
                                  "store", store_path,
                                  "account", account_attribute (account_id),
                                  "kind", kind_nick (kind),
                                  NULL);
    }
  else
    {
      label = kind == DLV_SECRET_API_SECRET
        ? g_strdup_printf (_("Deliverability secret key for %s"), account_label)
        : g_strdup_printf (_("Deliverability API key for %s"), account_label);
      secret_password_store_sync (key_schema (), SECRET_COLLECTION_DEFAULT, label, value,
                                  cancellable, &local_error,
                                  "store", store_path,
                                  "account", account_attribute (account_id),
                                  "kind", kind_nick (kind),
                                  NULL);
    }

  if (local_error != NULL)
    {
      set_keyring_error (local_error, error);
      return FALSE;
    }

  return TRUE;
}

/**
 * dlv_secrets_lookup_sync:
 *
 * Blocks.
 *
 * Returns: (transfer full) (nullable): the key, to free with
 *   dlv_secrets_free(); %NULL without an error when none is stored
 */
char *
dlv_secrets_lookup_sync (const char     *store_path,
                         gint64          account_id,
                         DlvSecretKind   kind,
                         GCancellable   *cancellable,
                         GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  char *value;

  g_return_val_if_fail (store_path != NULL, NULL);

  value = secret_password_lookup_sync (key_schema (), cancellable, &local_error,
                                       "store", store_path,
                                       "account", account_attribute (account_id),
                                       "kind", kind_nick (kind),
                                       NULL);
  if (local_error != NULL)
    set_keyring_error (local_error, error);

  return value;
}

/* Removes every key of an account; for when the account is removed. */
gboolean
dlv_secrets_clear_sync (const char    *store_path,
                        gint64         account_id,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (store_path != NULL, FALSE);

  secret_password_clear_sync (key_schema (), cancellable, &local_error,
                              "store", store_path,
                              "account", account_attribute (account_id),
                              NULL);
  if (local_error != NULL)
    {
      set_keyring_error (local_error, error);
      return FALSE;
    }

  return TRUE;
}

void
dlv_secrets_free (char *value)
{
  secret_password_free (value);
}
