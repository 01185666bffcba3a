/* test-http.c: the HTTPS client every provider uses, against a local server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <libsoup/soup.h>

#include "dlv-http.h"
#include "dlv-provider.h"
#include "dlv-test-server.h"

typedef struct
{
  DlvTestServer *server;
  DlvHttp *http;
} Fixture;

static void
set_up (Fixture       *f,
        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;

  f->server = dlv_test_server_new ();
  base = g_strconcat (dlv_test_server_get_url (f->server), "/api/v1/", NULL);
  f->http = dlv_http_new ("Example Mail", base, 2, &error);
  g_assert_no_error (error);
  dlv_http_set_basic_auth (f->http, "api", "secret-key");
}

static void
tear_down (Fixture       *f,
           gconstpointer  data)
{
  g_clear_pointer (&f->http, dlv_http_free);
  g_clear_pointer (&f->server, dlv_test_server_free);
}

static void
test_allowed_urls (void)
{
  static const char * const allowed[] = {
    "https://api.example.com", "https://api.example.com:8443/v3", "http://127.0.0.1:8080",
    "http://127.8.9.1/x", "http://localhost:1234", "http://[::1]:99/", NULL,
  };
  static const char * const refused[] = {
    "http://api.example.com", "http://10.0.0.1/", "ftp://example.com", "example.com", "", "https://", NULL,
  };

  for (guint i = 0; allowed[i] != NULL; i++)
    g_assert_true (dlv_http_url_is_allowed (allowed[i], NULL));

  for (guint i = 0; refused[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (dlv_http_url_is_allowed (refused[i], &error));
      g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_FAILED);
    }
  g_assert_null (dlv_http_new ("Example Mail", "http://api.example.com", 30, NULL));
}

/* Paths join the base URL's own path; the key goes along. */
static void
test_paths_and_auth (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *sent = NULL;
  g_autoptr(GPtrArray) log = NULL;
  DlvHttpReply reply;

  dlv_test_server_add_status (f->server, "POST", "/api/v1/events", 200, "{\"ok\":true}");
  body = dlv_http_request (f->http, "POST", "/events?limit=10", "{\"query\":1}", NULL, &reply, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "{\"ok\":true}", 11);
  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_cmpint (reply.retry_after, ==, -1);

  log = dlv_test_server_get_log (f->server);
  g_assert_cmpstr (g_ptr_array_index (log, 0), ==, "POST /api/v1/events?limit=10");
  auth = dlv_test_server_last_header (f->server, "Authorization");
  g_assert_cmpstr (auth, ==, "Basic YXBpOnNlY3JldC1rZXk=");
  sent = dlv_test_server_last_body (f->server);
  g_assert_cmpstr (sent, ==, "{\"query\":1}");
}

/* A next-page link to another host or port never gets the key. */
static void
test_other_host_refused (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (dlv_test_server_get_url (f->server), G_URI_FLAGS_NONE, NULL);
  g_autofree char *other_port = g_strdup_printf ("http://127.0.0.1:%d/x", g_uri_get_port (uri) == 65535 ? 1 : g_uri_get_port (uri) + 1);

  g_assert_null (dlv_http_request (f->http, "GET", "https://elsewhere.example.net/page", NULL, NULL, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "elsewhere.example.net"));
  g_clear_error (&error);

  g_assert_null (dlv_http_request (f->http, "GET", other_port, NULL, NULL, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE);
  g_clear_error (&error);

  g_assert_null (dlv_http_request (f->http, "GET", "http://api.example.com/page", NULL, NULL, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_FAILED);
  g_assert_cmpuint (dlv_test_server_count (f->server, "/"), ==, 0);
}

static void
expect_status (Fixture    *f,
               guint       status,
               const char *body,
               int         code,
               const char *words)
{
  g_autoptr(GError) error = NULL;
  DlvHttpReply reply;

  dlv_test_server_reset (f->server);
  dlv_test_server_add_status (f->server, "GET", "/api/v1/x", status, body);
  g_assert_null (dlv_http_request (f->http, "GET", "/x", NULL, NULL, &reply, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, code);
  g_assert_cmpuint (reply.status, ==, status);
  g_assert_nonnull (strstr (error->message, "Example Mail"));
  if (strstr (error->message, words) == NULL)
    g_error ("“%s” does not say “%s”", error->message, words);
}

static void
test_statuses_in_words (Fixture       *f,
                        gconstpointer  data)
{
  expect_status (f, 401, "{}", DLV_PROVIDER_ERROR_UNAUTHORIZED, "API key");
  expect_status (f, 403, "{\"errors\":[{\"message\":\"access forbidden: Email Activity add-on\"}]}",
                 DLV_PROVIDER_ERROR_FORBIDDEN, "Email Activity add-on");
  expect_status (f, 404, "{}", DLV_PROVIDER_ERROR_FAILED, "region");
  expect_status (f, 429, "{}", DLV_PROVIDER_ERROR_RATE_LIMITED, "slow down");
  expect_status (f, 503, "<html>down</html>", DLV_PROVIDER_ERROR_SERVER, "503");
  expect_status (f, 418, "I'm a teapot", DLV_PROVIDER_ERROR_FAILED, "teapot");
  /* A redirect is never followed with the key. */
  expect_status (f, 302, "", DLV_PROVIDER_ERROR_BAD_RESPONSE, "redirect");
}

/* What a provider says is repeated as one short line of text. */
static void
test_provider_text_tamed (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *long_text = g_strnfill (5000, 'z');
  g_autofree char *body = g_strconcat ("line1\nline2\t\x01\x7f<b>bold</b>", long_text, NULL);
  g_autoptr(GError) error = NULL;

  dlv_test_server_add_status (f->server, "GET", "/api/v1/x", 400, body);
  g_assert_null (dlv_http_request (f->http, "GET", "/x", NULL, NULL, NULL, &error));
  g_assert_null (strchr (error->message, '\n'));
  g_assert_null (strchr (error->message, '\t'));
  g_assert_nonnull (strstr (error->message, "line1 line2"));
  g_assert_nonnull (strstr (error->message, "<b>bold</b>"));
  g_assert_cmpuint (strlen (error->message), <, 400);
}

static void
pacing (Fixture      *f,
        DlvTestReply *answer,
        DlvHttpReply *reply)
{
  g_autoptr(GError) error = NULL;

  dlv_test_server_reset (f->server);
  dlv_test_server_add (f->server, "GET", "/api/v1/x", answer);
  dlv_http_request (f->http, "GET", "/x", NULL, NULL, reply, &error);
}

/* Retry-After in seconds or as a date; otherwise each provider's reset
 * header, in seconds or as an epoch instant. */
static void
test_retry_after (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDateTime) later = g_date_time_add_seconds (g_date_time_new_now_utc (), 120);
  g_autofree char *date = soup_date_time_to_string (later, SOUP_DATE_HTTP);
  g_autofree char *epoch = g_strdup_printf ("X-RateLimit-Reset: %" G_GINT64_FORMAT, g_date_time_to_unix (later));
  DlvTestReply seconds = { .status = 429, .body = "{}", .retry_after = "30" };
  DlvTestReply as_date = { .status = 503, .body = "{}", .retry_after = date };
  DlvTestReply sendgrid = { .status = 429, .body = "{}", .extra_header = epoch };
  DlvTestReply brevo = { .status = 429, .body = "{}", .extra_header = "x-sib-ratelimit-reset: 45" };
  DlvTestReply remaining = { .status = 200, .body = "{}", .extra_header = "ratelimit-remaining: 3" };
  DlvHttpReply reply;

  pacing (f, &seconds, &reply);
  g_assert_cmpint (reply.retry_after, ==, 30);
  pacing (f, &as_date, &reply);
  g_assert_cmpint (reply.retry_after, >=, 115);
  g_assert_cmpint (reply.retry_after, <=, 121);
  pacing (f, &sendgrid, &reply);
  g_assert_cmpint (reply.retry_after, >=, 115);
  g_assert_cmpint (reply.retry_after, <=, 121);
  pacing (f, &brevo, &reply);
  g_assert_cmpint (reply.retry_after, ==, 45);
  pacing (f, &remaining, &reply);
  g_assert_cmpint (reply.rate_remaining, ==, 3);
  g_assert_cmpint (reply.retry_after, ==, -1);
}

static void
test_body_cap (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *big = g_strnfill (4096, 'x');
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) fits = NULL;

  dlv_test_server_add_status (f->server, "GET", "/api/v1/big", 200, big);
  dlv_http_set_max_body (f->http, 4096);
  fits = dlv_http_request (f->http, "GET", "/big", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (fits), ==, 4096);

  dlv_http_set_max_body (f->http, 4095);
  g_assert_null (dlv_http_request (f->http, "GET", "/big", NULL, NULL, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "larger than"));
}

/* A certificate nobody vouches for is an error, shown, never ignored. */
static void
test_untrusted_certificate (void)
{
  g_autoptr(DlvTestServer) server = dlv_test_server_new_https ();
  g_autoptr(DlvHttp) http = dlv_http_new ("Example Mail", dlv_test_server_get_url (server), 5, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_str_has_prefix (dlv_test_server_get_url (server), "https://"));
  dlv_test_server_add_status (server, "GET", "/x", 200, "{}");
  dlv_http_set_auth (http, "Authorization", "Bearer never-sent");
  g_assert_null (dlv_http_request (http, "GET", "/x", NULL, NULL, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "could not be trusted"));
  g_assert_cmpuint (dlv_test_server_count (server, "/x"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, set_up, func, tear_down)

  g_test_add_func ("/http/allowed-urls", test_allowed_urls);
  ADD ("/http/paths-and-auth", test_paths_and_auth);
  ADD ("/http/other-host-refused", test_other_host_refused);
  ADD ("/http/statuses-in-words", test_statuses_in_words);
  ADD ("/http/provider-text-tamed", test_provider_text_tamed);
  ADD ("/http/retry-after", test_retry_after);
  ADD ("/http/body-cap", test_body_cap);
  g_test_add_func ("/http/untrusted-certificate", test_untrusted_certificate);

  return g_test_run ();
}
