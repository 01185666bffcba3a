/* dlv-http.h: one provider's HTTPS connection, with its errors in words
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What the last answer said about pacing, kept even when it was an error. */
typedef struct
{
  guint status;                 /* HTTP status, 0 when no answer came */
  gint64 retry_after;           /* seconds the provider asked us to wait, -1 when it did not say */
  gint64 rate_remaining;        /* requests left in the provider's budget, -1 when unknown */
} DlvHttpReply;

typedef struct _DlvHttp DlvHttp;

DlvHttp    *dlv_http_new            (const char          *service,
                                     const char          *base_url,
                                     guint                timeout_seconds,
                                     GError             **error);
void        dlv_http_free           (DlvHttp             *http);
void        dlv_http_set_max_body   (DlvHttp             *http,
                                     gsize                max_body);
void        dlv_http_set_auth       (DlvHttp             *http,
                                     const char          *header,
                                     const char          *value);
void        dlv_http_set_basic_auth (DlvHttp             *http,
                                     const char          *user,
                                     const char          *password);
GBytes     *dlv_http_request        (DlvHttp             *http,
                                     const char          *method,
                                     const char          *path,
                                     const char          *json_body,
                                     GCancellable        *cancellable,
                                     DlvHttpReply        *reply,
                                     GError             **error);
gboolean    dlv_http_url_is_allowed (const char          *url,
                                     GError             **error);

/* The most a provider may send in one answer. */
#define DLV_HTTP_MAX_BODY (64 * 1024 * 1024)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DlvHttp, dlv_http_free)

G_END_DECLS
