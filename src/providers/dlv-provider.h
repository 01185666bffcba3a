/* dlv-provider.h: the interface every email provider implements
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "dlv-event.h"
#include "dlv-domain.h"

G_BEGIN_DECLS

#define DLV_PROVIDER_ERROR (dlv_provider_error_quark ())

typedef enum
{
  DLV_PROVIDER_ERROR_FAILED,
  DLV_PROVIDER_ERROR_UNAUTHORIZED,     /* 401: wrong key */
  DLV_PROVIDER_ERROR_FORBIDDEN,        /* 403: missing add-on or scope */
  DLV_PROVIDER_ERROR_RATE_LIMITED,     /* 429 */
  DLV_PROVIDER_ERROR_SERVER,           /* 5xx */
  DLV_PROVIDER_ERROR_NETWORK,          /* offline, DNS, refused, TLS */
  DLV_PROVIDER_ERROR_TIMEOUT,
  DLV_PROVIDER_ERROR_BAD_RESPONSE,     /* not the documented shape */
  DLV_PROVIDER_ERROR_BAD_CURSOR,       /* a stored cursor this provider cannot read */
} DlvProviderError;

GQuark dlv_provider_error_quark (void);

#define DLV_TYPE_PROVIDER (dlv_provider_get_type ())
G_DECLARE_DERIVABLE_TYPE (DlvProvider, dlv_provider, DLV, PROVIDER, GObject)

struct _DlvProviderClass
{
  GObjectClass parent_class;

  /* Fetch the page after @cursor (NULL: the provider's starting point). */
  void           (*fetch_page_async)     (DlvProvider          *self,
                                          const char           *cursor,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
  DlvEventPage  *(*fetch_page_finish)    (DlvProvider          *self,
                                          GAsyncResult         *result,
                                          GError              **error);
  /* Sending domains with their DKIM 1 / DKIM 2 / SPF-Return-Path / DMARC rows. */
  void           (*fetch_domains_async)  (DlvProvider          *self,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
  GPtrArray     *(*fetch_domains_finish) (DlvProvider          *self,
                                          GAsyncResult         *result,
                                          GError              **error);

  /*< private >*/
  gpointer padding[8];
};

const char    *dlv_provider_get_name                (DlvProvider          *self);
guint          dlv_provider_get_retry_window_hours  (DlvProvider          *self);

void           dlv_provider_fetch_page_async        (DlvProvider          *self,
                                                     const char           *cursor,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
DlvEventPage  *dlv_provider_fetch_page_finish       (DlvProvider          *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void           dlv_provider_fetch_domains_async     (DlvProvider          *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
GPtrArray     *dlv_provider_fetch_domains_finish    (DlvProvider          *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

/* Blocking wrappers for the command line and tests: they run the async call
 * on a private main context of the calling thread. */
DlvEventPage  *dlv_provider_fetch_page_sync         (DlvProvider          *self,
                                                     const char           *cursor,
                                                     GCancellable         *cancellable,
                                                     GError              **error);
GPtrArray     *dlv_provider_fetch_domains_sync      (DlvProvider          *self,
                                                     GCancellable         *cancellable,
                                                     GError              **error);

G_END_DECLS
