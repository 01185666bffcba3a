/* dlv-providers.c: the providers this version knows, and the one for an account
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each provider describes itself in a DlvProviderInfo next to its class;
 * the build lists the ones present in dlv-provider-list.h.
 */

#define G_LOG_DOMAIN "dlv-providers"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "dlv-demo-provider.h"
#include "dlv-json-util.h"
#include "dlv-providers.h"
#include "dlv-secrets.h"

#define DLV_PROVIDER_ENTRY(name) extern const DlvProviderInfo dlv_##name##_provider_info;
#include "dlv-provider-list.h"
#undef DLV_PROVIDER_ENTRY

static const DlvProviderInfo * const all_providers[] = {
#define DLV_PROVIDER_ENTRY(name) &dlv_##name##_provider_info,
#include "dlv-provider-list.h"
#undef DLV_PROVIDER_ENTRY
  NULL,
};

/**
 * dlv_providers_list:
 *
 * Returns: (transfer none): the real providers, %NULL-terminated
 */
const DlvProviderInfo * const *
dlv_providers_list (void)
{
  return all_providers;
}

const DlvProviderInfo *
dlv_providers_lookup (const char *name)
{
  for (guint i = 0; all_providers[i] != NULL; i++)
    if (g_strcmp0 (all_providers[i]->name, name) == 0)
      return all_providers[i];

  return NULL;
}

/**
 * dlv_providers_title:
 * @name: (nullable): a stored account's provider name
 *
 * Returns: the provider as users know it ("SendGrid"); the demo is the
 *   simulated platform, and a provider this build does not know shows its
 *   stored name
 */
const char *
dlv_providers_title (const char *name)
{
  const DlvProviderInfo *info = dlv_providers_lookup (name);

  if (g_strcmp0 (name, "demo") == 0)
    return _("Simulated platform");
  if (info != NULL)
    return info->title;

  return name != NULL ? name : "";
}

/* Whether the provider has a second regional endpoint (EU, or Mailjet's US). */
gboolean
dlv_provider_info_has_region (const DlvProviderInfo *info)
{
  return info->alt_region != NULL && info->base_url_alt != NULL;
}

/* "sendgrid, mailgun, …" for error messages and help. */
char *
dlv_providers_names (void)
{
  GString *names = g_string_new (NULL);

  for (guint i = 0; all_providers[i] != NULL; i++)
    g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", all_providers[i]->name);

  return g_string_free (names, FALSE);
}

void
dlv_account_settings_free (DlvAccountSettings *settings)
{
  if (settings == NULL)
    return;

  g_free (settings->region);
  g_free (settings->domain);
  g_free (settings->base_url);
  g_free (settings);
}

static char *
dup_nonempty (JsonObject *object,
              const char *member)
{
  const char *value = dlv_json_get_string (object, member);

  return value != NULL && value[0] != '\0' ? g_strdup (value) : NULL;
}

/**
 * dlv_account_settings_parse:
 * @json: (nullable): an account's settings column
 *
 * Returns: (transfer full): the settings; empty ones for %NULL or unreadable JSON
 */
DlvAccountSettings *
dlv_account_settings_parse (const char *json)
{
  DlvAccountSettings *settings = g_new0 (DlvAccountSettings, 1);
  g_autoptr(JsonParser) parser = json != NULL ? dlv_json_load (json, -1, NULL, NULL) : NULL;
  JsonNode *root = parser != NULL ? json_parser_get_root (parser) : NULL;
  JsonObject *object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;

  if (object != NULL)
    {
      settings->region = dup_nonempty (object, "region");
      settings->domain = dup_nonempty (object, "domain");
      settings->base_url = dup_nonempty (object, "base_url");
    }

  return settings;
}

char *
dlv_account_settings_to_json (const DlvAccountSettings *settings)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  if (settings->region != NULL)
    {
      json_builder_set_member_name (builder, "region");
      json_builder_add_string_value (builder, settings->region);
    }
  if (settings->domain != NULL)
    {
      json_builder_set_member_name (builder, "domain");
      json_builder_add_string_value (builder, settings->domain);
    }
  if (settings->base_url != NULL)
    {
      json_builder_set_member_name (builder, "base_url");
      json_builder_add_string_value (builder, settings->base_url);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static gboolean
is_blank (const char *text)
{
  return text == NULL || text[0] == '\0';
}

/**
 * dlv_providers_create:
 *
 * Returns: (transfer full): a provider ready to poll, or %NULL with @error
 *   set when something it needs is missing or unsafe
 */
DlvProvider *
dlv_providers_create (const DlvProviderInfo     *info,
                      const DlvAccountSettings  *settings,
                      const char                *api_key,
                      const char                *api_secret,
                      GError                   **error)
{
  gboolean alt;
  const char *base_url;

  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (settings != NULL, NULL);

  alt = dlv_provider_info_has_region (info) && g_strcmp0 (settings->region, info->alt_region) == 0;
  base_url = settings->base_url != NULL ? settings->base_url : alt ? info->base_url_alt : info->base_url;

  if (is_blank (api_key))
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_UNAUTHORIZED,
                   _("No API key is saved for this %s account. Add it in Preferences."), info->title);
      return NULL;
    }
  if ((info->needs & DLV_PROVIDER_NEEDS_SECRET) && is_blank (api_secret))
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_UNAUTHORIZED,
                   _("No secret key is saved for this %s account. Add it in Preferences."), info->title);
      return NULL;
    }
  if ((info->needs & DLV_PROVIDER_NEEDS_DOMAIN) && is_blank (settings->domain))
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_FAILED,
                   _("%s reads events per sending domain: name the domain in Preferences."), info->title);
      return NULL;
    }
  if (!dlv_http_url_is_allowed (base_url, error))
    return NULL;

  return g_object_new (info->get_type (),
                       "name", info->name,
                       "title", info->title,
                       "retry-window-hours", info->retry_window_hours,
                       "api-key", api_key,
                       "api-secret", api_secret,
                       "base-url", base_url,
                       "domain", settings->domain,
                       "region", alt ? info->alt_region : NULL,
                       NULL);
}

/**
 * dlv_providers_create_for_account:
 * @account: a stored account
 * @api_key: (nullable): its key, from the keyring (not needed by the demo)
 *
 * Returns: (transfer full): the provider that polls @account, or %NULL with
 *   @error set
 */
DlvProvider *
dlv_providers_create_for_account (const DlvAccount  *account,
                                  const char        *api_key,
                                  const char        *api_secret,
                                  GError           **error)
{
  const DlvProviderInfo *info;
  g_autoptr(DlvAccountSettings) settings = NULL;

  g_return_val_if_fail (account != NULL, NULL);

  if (g_strcmp0 (account->provider, "demo") == 0)
    return dlv_demo_provider_new ();

  info = dlv_providers_lookup (account->provider);
  if (info == NULL)
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_FAILED,
                   _("This version of Deliverability cannot poll “%s” accounts"), account->provider);
      return NULL;
    }

  settings = dlv_account_settings_parse (account->settings);
  return dlv_providers_create (info, settings, api_key, api_secret, error);
}

/**
 * dlv_providers_open_account:
 * @store_path: the store the account lives in, which names its keys
 *
 * The provider for @account with its key and secret from the keyring.
 * Blocks on the Secret Service.
 *
 * Returns: (transfer full): the provider, or %NULL with @error set
 */
DlvProvider *
dlv_providers_open_account (const char        *store_path,
                            const DlvAccount  *account,
                            GCancellable      *cancellable,
                            GError           **error)
{
  DlvProvider *provider;
  char *key = NULL;
  char *secret = NULL;

  g_return_val_if_fail (account != NULL, NULL);

  if (dlv_providers_lookup (account->provider) != NULL)
    {
      key = dlv_secrets_lookup_sync (store_path, account->id, DLV_SECRET_API_KEY, cancellable,
                                     error);
      if (key == NULL && error != NULL && *error != NULL)
        return NULL;
      secret = dlv_secrets_lookup_sync (store_path, account->id, DLV_SECRET_API_SECRET,
                                        cancellable, error);
      if (secret == NULL && error != NULL && *error != NULL)
        {
          dlv_secrets_free (key);
          return NULL;
        }
    }

  provider = dlv_providers_create_for_account (account, key, secret, error);
  dlv_secrets_free (key);
  dlv_secrets_free (secret);

  return provider;
}
