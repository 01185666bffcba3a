/* dlv-http.c: one provider's HTTPS connection, with its errors in words
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Blocking requests for worker threads (libsoup ≥ 3.2 sends from any thread).
 * Only https is spoken, except to a loopback address, where tests and local
 * relays live. The key is only ever sent to the base URL's own host: a next-page
 * link pointing elsewhere is refused rather than followed with credentials.
 * Nothing here logs a header, so keys never reach a log.
 */

#define G_LOG_DOMAIN "dlv-http"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "dlv-http.h"
#include "dlv-provider.h"
#include "dlv-util.h"

struct _DlvHttp
{
  char *service;                /* "Mailgun": who the errors talk about */
  char *base_url;               /* without a trailing slash */
  GUri *base;
  SoupSession *session;
  guint timeout;
  gsize max_body;
  char *auth_header;
  char *auth_value;
};

/* Longest piece of a provider's error text repeated to the user. */
#define ERROR_TEXT_MAX 200

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/**
 * dlv_http_url_is_allowed:
 *
 * Whether @url may carry an API key: https anywhere, plain http only to a
 * loopback address.
 */
gboolean
dlv_http_url_is_allowed (const char  *url,
                         GError     **error)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;

  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_FAILED,
                   _("“%s” is not a web address"), url != NULL ? url : "");
      return FALSE;
    }
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (scheme, "http") == 0 && host_is_loopback (g_uri_get_host (uri)))
    return TRUE;

  g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_FAILED,
               _("“%s” is not a secure address: API keys are only sent over https"), url);
  return FALSE;
}

/**
 * dlv_http_new:
 * @service: the provider's name as users know it
 * @timeout_seconds: longest wait for an answer
 *
 * Returns: (transfer full): a connection, or %NULL when @base_url may not
 *   carry a key
 */
DlvHttp *
dlv_http_new (const char  *service,
              const char  *base_url,
              guint        timeout_seconds,
              GError     **error)
{
  DlvHttp *http;
  gsize length;

  g_return_val_if_fail (service != NULL, NULL);

  if (!dlv_http_url_is_allowed (base_url, error))
    return NULL;

  http = g_new0 (DlvHttp, 1);
  http->service = g_strdup (service);
  http->base_url = g_strdup (base_url);
  length = strlen (http->base_url);
  while (length > 0 && http->base_url[length - 1] == '/')
    http->base_url[--length] = '\0';
  http->base = g_uri_parse (http->base_url, G_URI_FLAGS_NONE, NULL);
  http->timeout = timeout_seconds > 0 ? timeout_seconds : 30;
  http->max_body = DLV_HTTP_MAX_BODY;
  http->session = soup_session_new_with_options ("timeout", http->timeout,
                                                 "idle-timeout", 60,
                                                 "user-agent", "Deliverability/" PACKAGE_VERSION,
                                                 NULL);
  return http;
}

void
dlv_http_free (DlvHttp *http)
{
  if (http == NULL)
    return;

  g_clear_object (&http->session);
  g_clear_pointer (&http->base, g_uri_unref);
  g_free (http->service);
  g_free (http->base_url);
  g_free (http->auth_header);
  if (http->auth_value != NULL)
    memset (http->auth_value, 0, strlen (http->auth_value));
  g_free (http->auth_value);
  g_free (http);
}

/* The largest answer read; DLV_HTTP_MAX_BODY unless a test says less. */
void
dlv_http_set_max_body (DlvHttp *http,
                       gsize    max_body)
{
  http->max_body = max_body;
}

/* The header that carries the key, sent with every request. */
void
dlv_http_set_auth (DlvHttp    *http,
                   const char *header,
                   const char *value)
{
  g_free (http->auth_header);
  if (http->auth_value != NULL)
    memset (http->auth_value, 0, strlen (http->auth_value));
  g_free (http->auth_value);
  http->auth_header = g_strdup (header);
  http->auth_value = g_strdup (value);
}

void
dlv_http_set_basic_auth (DlvHttp    *http,
                         const char *user,
                         const char *password)
{
  g_autofree char *pair = g_strconcat (user != NULL ? user : "", ":",
                                       password != NULL ? password : "", NULL);
  g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  g_autofree char *value = g_strconcat ("Basic ", encoded, NULL);

  dlv_http_set_auth (http, "Authorization", value);
  memset (pair, 0, strlen (pair));
  memset (value, 0, strlen (value));
}

/* A relative path joins the base URL; an absolute URL (a next-page link)
 * must stay on the base URL's host and port. */
static char *
resolve_url (DlvHttp     *http,
             const char  *path,
             GError     **error)
{
  g_autoptr(GUri) uri = NULL;

  if (!g_str_has_prefix (path, "https://") && !g_str_has_prefix (path, "http://"))
    return g_strconcat (http->base_url, path[0] == '/' ? "" : "/", path, NULL);

  if (!dlv_http_url_is_allowed (path, error))
    return NULL;

  uri = g_uri_parse (path, G_URI_FLAGS_NONE, NULL);
  if (g_ascii_strcasecmp (g_uri_get_host (uri), g_uri_get_host (http->base)) != 0 ||
      g_uri_get_port (uri) != g_uri_get_port (http->base) ||
      g_ascii_strcasecmp (g_uri_get_scheme (uri), g_uri_get_scheme (http->base)) != 0)
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE,
                   _("%s pointed to another server (%s); the key is only sent to %s"),
                   http->service, g_uri_get_host (uri), g_uri_get_host (http->base));
      return NULL;
    }

  return g_strdup (path);
}

static gint64
header_seconds (SoupMessageHeaders *headers,
                const char         *name)
{
  const char *value = soup_message_headers_get_one (headers, name);
  g_autoptr(GDateTime) date = NULL;
  char *end = NULL;
  gint64 seconds;

  if (value == NULL)
    return -1;

  seconds = g_ascii_strtoll (value, &end, 10);
  if (end != value && (*end == '\0' || g_ascii_isspace (*end) || *end == '.'))
    {
      /* Reset headers hold either seconds to wait or an epoch instant. */
      if (seconds > 1000000000)
        seconds -= dlv_now ();
      return MAX (seconds, 0);
    }

  date = soup_date_time_new_from_http_string (value);
  if (date != NULL)
    return MAX (g_date_time_to_unix (date) - dlv_now (), 0);

  return -1;
}

static void
read_pacing (SoupMessage  *message,
             DlvHttpReply *reply)
{
  static const char * const reset_headers[] = { "X-RateLimit-Reset", "x-sib-ratelimit-reset", "ratelimit-reset", NULL };
  static const char * const remaining_headers[] = { "X-RateLimit-Remaining", "x-sib-ratelimit-remaining", "ratelimit-remaining", NULL };
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);

  reply->status = soup_message_get_status (message);
  reply->retry_after = header_seconds (headers, "Retry-After");
  for (guint i = 0; reply->retry_after < 0 && reply->status == 429 && reset_headers[i] != NULL; i++)
    reply->retry_after = header_seconds (headers, reset_headers[i]);
  for (guint i = 0; reply->rate_remaining < 0 && remaining_headers[i] != NULL; i++)
    {
      const char *value = soup_message_headers_get_one (headers, remaining_headers[i]);

      if (value != NULL)
        reply->rate_remaining = g_ascii_strtoll (value, NULL, 10);
    }
}

/* Reads the whole body, refusing more than @limit bytes. */
static GBytes *
read_body (DlvHttp       *http,
           GInputStream  *stream,
           gsize          limit,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GByteArray) body = g_byte_array_new ();
  guint8 buffer[65536];

  for (;;)
    {
      g_autoptr(GError) read_error = NULL;
      gssize n = g_input_stream_read (stream, buffer, sizeof buffer, cancellable, &read_error);

      if (n == 0)
        break;
      if (n < 0)
        {
          if (g_error_matches (read_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, g_steal_pointer (&read_error));
          else if (g_error_matches (read_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
            g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_TIMEOUT,
                         _("%s stopped sending in the middle of an answer"), http->service);
          else
            g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_NETWORK,
                         _("The answer from %s broke off before it was complete"), http->service);
          return NULL;
        }
      if (body->len + (gsize) n > limit)
        {
          g_autofree char *size = g_format_size (limit);

          g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE,
                       _("%s sent an answer larger than %s, which Deliverability does not read"),
                       http->service, size);
          return NULL;
        }
      g_byte_array_append (body, buffer, n);
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&body));
}

/* The start of the provider's own explanation, on one line, or "". */
static char *
provider_text (GBytes *body)
{
  gsize size = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &size) : NULL;
  gsize length = MIN (size, 4 * ERROR_TEXT_MAX);
  g_autofree char *valid = data != NULL ? g_utf8_make_valid (data, length) : g_strdup ("");
  GString *text = g_string_new (NULL);

  for (const char *p = valid; *p != '\0' && g_utf8_strlen (text->str, -1) < ERROR_TEXT_MAX;
       p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (text, g_unichar_iscntrl (c) || g_unichar_isspace (c) ? ' ' : c);
    }

  return g_strstrip (g_string_free (text, FALSE));
}

static void
set_status_error (DlvHttp  *http,
                  guint     status,
                  GBytes   *body,
                  GError  **error)
{
  g_autofree char *text = provider_text (body);

  if (status == 401)
    g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_UNAUTHORIZED,
                 _("%s did not accept the API key (HTTP 401). Check the key in Preferences."), http->service);
  else if (status == 403)
    g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_FORBIDDEN,
                 _("%s accepted the key but does not let it read this (HTTP 403): the key lacks a permission or the plan lacks a feature. %s says: “%s”"),
                 http->service, http->service, text);
  else if (status == 429)
    g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_RATE_LIMITED,
                 _("%s asked Deliverability to slow down (HTTP 429); it will try again later"), http->service);
  else if (status >= 500)
    g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_SERVER,
                 _("%s had a problem on its side (HTTP %u); Deliverability will try again"), http->service, status);
  else if (status >= 300 && status < 400)
    g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE,
                 _("%s answered with a redirect (HTTP %u), which Deliverability does not follow with "
                   "your key. Check the region and the base URL."), http->service, status);
  else if (status == 404)
    g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_FAILED,
                 _("%s does not know this address (HTTP 404). Check the region, the sending domain and the base URL."),
                 http->service);
  else
    g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_FAILED,
                 _("%s refused the request (HTTP %u): “%s”"), http->service, status, text);
}

static void
set_transport_error (DlvHttp  *http,
                     GError   *cause,
                     GError  **error)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_error_copy (cause));
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_TIMEOUT,
                 _("%s did not answer within %u seconds; Deliverability will try again"), http->service, http->timeout);
  else if (cause->domain == G_TLS_ERROR)
    g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_NETWORK,
                 _("The secure connection to %s could not be trusted (%s), so nothing was sent"),
                 http->service, cause->message);
  else
    g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_NETWORK,
                 _("Could not reach %s: %s"), http->service, cause->message);
}

/**
 * dlv_http_request:
 * @path: a path below the base URL ("/v3/events?limit=300"), or an absolute
 *   URL on the base URL's host
 * @json_body: (nullable): a JSON request body
 * @reply: (out caller-allocates) (optional): the status and pacing headers
 *
 * Blocks until the whole answer has arrived.
 *
 * Returns: (transfer full): the body of a 2xx answer, or %NULL with @error
 *   set in words a user understands
 */
GBytes *
dlv_http_request (DlvHttp       *http,
                  const char    *method,
                  const char    *path,
                  const char    *json_body,
                  GCancellable  *cancellable,
                  DlvHttpReply  *reply,
                  GError       **error)
{
  DlvHttpReply local;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) send_error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;
  gboolean ok;

  g_return_val_if_fail (http != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  if (reply == NULL)
    reply = &local;
  *reply = (DlvHttpReply) { 0, -1, -1 };

  url = resolve_url (http, path, error);
  if (url == NULL)
    return NULL;

  message = soup_message_new (method, url);
  if (message == NULL)
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_FAILED,
                   _("“%s” is not a web address"), url);
      return NULL;
    }

  /* A redirect would carry the key to wherever it points: answers are
   * taken as they come, and a 3xx is an error. */
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept",
                                "application/json");
  if (http->auth_header != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message), http->auth_header,
                                  http->auth_value);
  if (json_body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (json_body, strlen (json_body));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }

  stream = soup_session_send (http->session, message, cancellable, &send_error);
  if (stream == NULL)
    {
      set_transport_error (http, send_error, error);
      return NULL;
    }

  read_pacing (message, reply);
  ok = SOUP_STATUS_IS_SUCCESSFUL (reply->status);
  body = read_body (http, stream, ok ? http->max_body : 64 * 1024, cancellable, ok ? error : NULL);
  g_input_stream_close (stream, NULL, NULL);

  if (!ok)
    {
      set_status_error (http, reply->status, body, error);
      return NULL;
    }

  return g_steal_pointer (&body);
}
