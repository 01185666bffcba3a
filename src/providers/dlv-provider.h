/* dlv-provider.h: the interface every email provider implements
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "dlv-event.h"
#include "dlv-domain.h"
#include "dlv-http.h"

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

  /* Blocking versions, for providers that speak HTTP from a worker thread.
   * A provider implements either these or the async pair; the base class
   * derives the other. */
  DlvEventPage  *(*fetch_page)           (DlvProvider          *self,
                                          const char           *cursor,
                                          GCancellable         *cancellable,
                                          GError              **error);
  GPtrArray     *(*fetch_domains)        (DlvProvider          *self,
                                          GCancellable         *cancellable,
                                          GError              **error);
  /* Sets the key (and secret) on a fresh connection. */
  void           (*authorize)            (DlvProvider          *self,
                                          DlvHttp              *http);

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
const char    *dlv_provider_get_title               (DlvProvider          *self);
guint          dlv_provider_get_retry_window_hours  (DlvProvider          *self);
const char    *dlv_provider_get_api_key             (DlvProvider          *self);
const char    *dlv_provider_get_api_secret          (DlvProvider          *self);
const char    *dlv_provider_get_base_url            (DlvProvider          *self);
const char    *dlv_provider_get_domain              (DlvProvider          *self);
const char    *dlv_provider_get_region              (DlvProvider          *self);
gint64         dlv_provider_get_now                 (DlvProvider          *self);
void           dlv_provider_set_now                 (DlvProvider          *self,
                                                     gint64                now);
DlvHttp       *dlv_provider_get_http                (DlvProvider          *self,
                                                     GError              **error);
GBytes        *dlv_provider_request                 (DlvProvider          *self,
                                                     const char           *method,
                                                     const char           *path,
                                                     const char           *json_body,
                                                     GCancellable         *cancellable,
                                                     GError              **error);
const DlvHttpReply *dlv_provider_get_last_reply     (DlvProvider          *self);

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

/* What "Test connection" found the key can read. */
typedef struct
{
  gboolean events_ok;
  gboolean domains_ok;
  guint events;                 /* events on the first page */
  guint domains;
  char *events_error;
  char *domains_error;
} DlvAccessReport;

void             dlv_access_report_free  (DlvAccessReport *report);
char            *dlv_access_report_describe (const DlvAccessReport *report);
DlvAccessReport *dlv_provider_test_access_sync (DlvProvider   *self,
                                                GCancellable  *cancellable);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DlvAccessReport, dlv_access_report_free)

G_END_DECLS
