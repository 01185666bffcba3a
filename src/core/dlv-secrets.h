/* dlv-secrets.h: account keys in the Secret Service, and nowhere else
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  DLV_SECRET_API_KEY,
  DLV_SECRET_API_SECRET,
} DlvSecretKind;

gboolean  dlv_secrets_store_sync  (const char     *store_path,
                                   gint64          account_id,
                                   DlvSecretKind   kind,
                                   const char     *account_label,
                                   const char     *value,
                                   GCancellable   *cancellable,
                                   GError        **error);
char     *dlv_secrets_lookup_sync (const char     *store_path,
                                   gint64          account_id,
                                   DlvSecretKind   kind,
                                   GCancellable   *cancellable,
                                   GError        **error);
gboolean  dlv_secrets_clear_sync  (const char     *store_path,
                                   gint64          account_id,
                                   GCancellable   *cancellable,
                                   GError        **error);
void      dlv_secrets_free        (char           *value);


G_END_DECLS
