/* dlv-providers.h: the providers this version knows, and the one for an account
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "dlv-provider.h"
#include "dlv-store.h"

G_BEGIN_DECLS

typedef enum
{
  DLV_PROVIDER_NEEDS_SECRET = 1 << 0,   /* a key and a secret (Mailjet) */
  DLV_PROVIDER_NEEDS_DOMAIN = 1 << 1,   /* events are read per sending domain (Mailgun) */
} DlvProviderNeeds;

/* What the app knows about a provider before talking to it. */
typedef struct
{
  const char *name;             /* "sendgrid": stored with the account, used by the CLI */
  const char *title;            /* "SendGrid" */
  guint retry_window_hours;     /* how long it retries a deferred message */
  guint min_poll_seconds;       /* documented floor between polls */
  DlvProviderNeeds needs;
  const char *base_url;         /* default region */
  const char *alt_region;       /* "eu" or "us": the region base_url_alt serves; NULL for none */
  const char *base_url_alt;
  const char *key_label;        /* N_(): "API key", "Server token"… */
  const char *secret_label;     /* N_(), or NULL */
  const char *key_help;         /* N_(): which key, with which permissions */
  const char *limits;           /* N_(): what its API cannot give */
  GType (*get_type) (void);
  /* One response page of its events API; %NULL with an error when @data
   * is not one. */
  DlvEventPage *(*parse_page) (const char *data, gsize length, GError **error);
  /* One of its webhook events; %NULL (and @ignored when deliberately so)
   * when it is not one. */
  DlvEvent *(*parse_webhook) (JsonObject *object, gboolean *ignored);
} DlvProviderInfo;

/* Where and how an account is read: the account's "settings" JSON. Never a key. */
typedef struct
{
  char *region;                 /* NULL for the default, or the provider's alt_region ("eu", "us") */
  char *domain;
  char *base_url;               /* a custom endpoint, overriding the region */
} DlvAccountSettings;

const DlvProviderInfo * const *dlv_providers_list       (void);
const DlvProviderInfo *dlv_providers_lookup             (const char                *name);
gboolean               dlv_provider_info_has_region     (const DlvProviderInfo     *info);
char                  *dlv_providers_names              (void);
const char            *dlv_providers_title              (const char                *name);

DlvAccountSettings    *dlv_account_settings_parse       (const char                *json);
char                  *dlv_account_settings_to_json     (const DlvAccountSettings  *settings);
void                   dlv_account_settings_free        (DlvAccountSettings        *settings);

DlvProvider           *dlv_providers_create             (const DlvProviderInfo     *info,
                                                         const DlvAccountSettings  *settings,
                                                         const char                *api_key,
                                                         const char                *api_secret,
                                                         GError                   **error);
DlvProvider           *dlv_providers_create_for_account (const DlvAccount          *account,
                                                         const char                *api_key,
                                                         const char                *api_secret,
                                                         GError                   **error);
DlvProvider           *dlv_providers_open_account       (const char                *store_path,
                                                         const DlvAccount          *account,
                                                         GCancellable              *cancellable,
                                                         GError                   **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DlvAccountSettings, dlv_account_settings_free)

G_END_DECLS
