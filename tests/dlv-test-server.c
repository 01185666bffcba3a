/* dlv-test-server.c: a local HTTP server answering like a provider's API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real SoupServer on 127.0.0.1, run by its own thread and main context so
 * that the client under test can block on it. Replies are queued per route;
 * besides plain answers it can stall (to test timeouts) and cut a body in
 * the middle (to test truncated answers).
 */

#include "config.h"

#include <string.h>
#include <libsoup/soup.h>

#include "dlv-test-server.h"

typedef struct
{
  char *method;
  char *match;
  GQueue replies;               /* of Reply */
} Route;

typedef struct
{
  guint status;
  char *body;
  char *retry_after;
  char *extra_header;
  DlvTestReplyMode mode;
  guint delay_ms;
} Reply;

struct _DlvTestServer
{
  gboolean https;               /* with the self-signed tests/fixtures/tls certificate */
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  SoupServer *server;
  char *url;

  GMutex lock;                  /* guards what follows */
  GCond ready;
  GPtrArray *routes;
  GPtrArray *log;
  SoupMessageHeaders *last_headers;
  char *last_body;
};

static void
reply_free (Reply *reply)
{
  g_free (reply->body);
  g_free (reply->retry_after);
  g_free (reply->extra_header);
  g_free (reply);
}

static void
route_free (Route *route)
{
  g_free (route->method);
  g_free (route->match);
  g_queue_clear_full (&route->replies, (GDestroyNotify) reply_free);
  g_free (route);
}

char *
dlv_test_server_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, &error))
    g_error ("Fixture %s: %s", name, error->message);

  return contents;
}

static char *
expand_body (DlvTestServer *self,
             const char    *body)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) parts = NULL;

  if (body == NULL)
    return g_strdup ("");

  text = body[0] == '@' ? dlv_test_server_fixture (body + 1) : g_strdup (body);
  parts = g_strsplit (text, "{{BASE}}", -1);
  return g_strjoinv (self->url, parts);
}

/* The route's next reply; the last one stays for every later request. */
static Reply *
take_reply (DlvTestServer *self,
            const char    *method,
            const char    *target)
{
  for (guint i = self->routes->len; i > 0; i--)
    {
      Route *route = g_ptr_array_index (self->routes, i - 1);
      Reply *reply;

      if (g_strcmp0 (route->method, method) != 0 || strstr (target, route->match) == NULL)
        continue;

      if (g_queue_get_length (&route->replies) > 1)
        return g_queue_pop_head (&route->replies);

      reply = g_queue_peek_head (&route->replies);
      if (reply == NULL)
        continue;

      reply = g_memdup2 (reply, sizeof *reply);
      reply->body = g_strdup (reply->body);
      reply->retry_after = g_strdup (reply->retry_after);
      reply->extra_header = g_strdup (reply->extra_header);
      return reply;
    }

  return NULL;
}

/* Timers run on the server's own context, which is this thread's default. */
static void
later (guint       delay_ms,
       GSourceFunc func,
       gpointer    message)
{
  g_autoptr(GSource) source = g_timeout_source_new (delay_ms);

  g_source_set_callback (source, func, g_object_ref (message), g_object_unref);
  g_source_attach (source, g_main_context_get_thread_default ());
}

static gboolean
resume_cb (gpointer data)
{
  SoupServerMessage *message = data;

  soup_server_message_unpause (message);
  return G_SOURCE_REMOVE;
}

static gboolean
cut_connection_cb (gpointer data)
{
  SoupServerMessage *message = data;
  GSocket *socket = soup_server_message_get_socket (message);

  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

static void
send_truncated (SoupServerMessage *message,
                const char        *body)
{
  SoupMessageBody *response = soup_server_message_get_response_body (message);
  gsize half = strlen (body) / 2;

  soup_message_headers_set_encoding (soup_server_message_get_response_headers (message),
                                     SOUP_ENCODING_CONTENT_LENGTH);
  soup_message_headers_set_content_length (soup_server_message_get_response_headers (message),
                                           strlen (body));
  soup_message_body_append (response, SOUP_MEMORY_COPY, body, half);
  later (100, cut_connection_cb, message);
}

static void
handle_cb (SoupServer        *server,
           SoupServerMessage *message,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  DlvTestServer *self = user_data;
  GUri *uri = soup_server_message_get_uri (message);
  const char *method = soup_server_message_get_method (message);
  SoupMessageBody *request = soup_server_message_get_request_body (message);
  g_autofree char *target = g_strdup_printf ("%s%s%s", g_uri_get_path (uri),
                                             g_uri_get_query (uri) ? "?" : "",
                                             g_uri_get_query (uri) ? g_uri_get_query (uri) : "");
  g_autofree char *body = NULL;
  Reply *reply;

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->log, g_strdup_printf ("%s %s", method, target));
  g_clear_pointer (&self->last_headers, soup_message_headers_unref);
  self->last_headers = soup_message_headers_ref (soup_server_message_get_request_headers (message));
  g_free (self->last_body);
  self->last_body = g_strndup (request->data, request->length);
  reply = take_reply (self, method, target);
  g_mutex_unlock (&self->lock);

  if (reply == NULL)
    {
      soup_server_message_set_status (message, 404, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                        "{\"message\":\"not found\"}", 23);
      return;
    }

  body = expand_body (self, reply->body);
  soup_server_message_set_status (message, reply->status, NULL);
  if (reply->retry_after != NULL)
    soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                  "Retry-After", reply->retry_after);
  if (reply->extra_header != NULL)
    {
      g_auto(GStrv) pair = g_strsplit (reply->extra_header, ":", 2);

      soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                    g_strstrip (pair[0]), g_strstrip (pair[1]));
    }

  if (reply->mode == DLV_TEST_REPLY_TRUNCATED)
    send_truncated (message, body);
  else
    soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY, body, strlen (body));

  if (reply->mode == DLV_TEST_REPLY_SLOW)
    {
      soup_server_message_pause (message);
      later (reply->delay_ms, resume_cb, message);
    }

  reply_free (reply);
}

static gpointer
serve (gpointer data)
{
  DlvTestServer *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  GSList *uris;

  g_main_context_push_thread_default (self->context);

  if (self->https)
    {
      g_autofree char *cert = g_test_build_filename (G_TEST_DIST, "fixtures", "tls", "cert.pem", NULL);
      g_autofree char *key = g_test_build_filename (G_TEST_DIST, "fixtures", "tls", "key.pem", NULL);
      g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_files (cert, key, &error);

      if (certificate == NULL)
        g_error ("Test certificate: %s", error->message);
      self->server = soup_server_new ("tls-certificate", certificate, NULL);
    }
  else
    self->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->server, NULL, handle_cb, self, NULL);
  if (!soup_server_listen (self->server, address, self->https ? SOUP_SERVER_LISTEN_HTTPS : 0, &error))
    g_error ("Test server: %s", error->message);

  uris = soup_server_get_uris (self->server);
  g_mutex_lock (&self->lock);
  self->url = g_strdup_printf ("%s://127.0.0.1:%d", self->https ? "https" : "http",
                               g_uri_get_port (uris->data));
  g_cond_signal (&self->ready);
  g_mutex_unlock (&self->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (self->loop);

  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_main_context_pop_thread_default (self->context);

  return NULL;
}

static DlvTestServer *
start_server (gboolean https)
{
  DlvTestServer *self = g_new0 (DlvTestServer, 1);

  self->https = https;
  g_mutex_init (&self->lock);
  g_cond_init (&self->ready);
  self->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) route_free);
  self->log = g_ptr_array_new_with_free_func (g_free);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);

  g_mutex_lock (&self->lock);
  self->thread = g_thread_new ("test-server", serve, self);
  while (self->url == NULL)
    g_cond_wait (&self->ready, &self->lock);
  g_mutex_unlock (&self->lock);

  return self;
}

DlvTestServer *
dlv_test_server_new (void)
{
  return start_server (FALSE);
}

/* Over TLS, with a self-signed certificate no client should trust. */
DlvTestServer *
dlv_test_server_new_https (void)
{
  return start_server (TRUE);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
dlv_test_server_free (DlvTestServer *self)
{
  if (self == NULL)
    return;

  g_main_context_invoke (self->context, quit_cb, self->loop);
  g_thread_join (self->thread);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_ptr_array_unref (self->routes);
  g_ptr_array_unref (self->log);
  g_clear_pointer (&self->last_headers, soup_message_headers_unref);
  g_free (self->last_body);
  g_free (self->url);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->ready);
  g_free (self);
}

const char *
dlv_test_server_get_url (DlvTestServer *self)
{
  return self->url;
}

void
dlv_test_server_add (DlvTestServer      *self,
                     const char         *method,
                     const char         *match,
                     const DlvTestReply *reply)
{
  Reply *copy = g_new0 (Reply, 1);
  Route *route = NULL;

  copy->status = reply->status;
  copy->body = g_strdup (reply->body);
  copy->retry_after = g_strdup (reply->retry_after);
  copy->extra_header = g_strdup (reply->extra_header);
  copy->mode = reply->mode;
  copy->delay_ms = reply->delay_ms;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->routes->len; i++)
    {
      Route *candidate = g_ptr_array_index (self->routes, i);

      if (g_strcmp0 (candidate->method, method) == 0 && g_strcmp0 (candidate->match, match) == 0)
        route = candidate;
    }
  if (route == NULL)
    {
      route = g_new0 (Route, 1);
      route->method = g_strdup (method);
      route->match = g_strdup (match);
      g_ptr_array_add (self->routes, route);
    }
  g_queue_push_tail (&route->replies, copy);
  g_mutex_unlock (&self->lock);
}

void
dlv_test_server_add_status (DlvTestServer *self,
                            const char    *method,
                            const char    *match,
                            guint          status,
                            const char    *body)
{
  DlvTestReply reply = { .status = status, .body = body };

  dlv_test_server_add (self, method, match, &reply);
}

/* Forgets every route and the request log. */
void
dlv_test_server_reset (DlvTestServer *self)
{
  g_mutex_lock (&self->lock);
  g_ptr_array_set_size (self->routes, 0);
  g_ptr_array_set_size (self->log, 0);
  g_mutex_unlock (&self->lock);
}

/**
 * dlv_test_server_get_log:
 *
 * Returns: (transfer container): a copy of the request log
 */
GPtrArray *
dlv_test_server_get_log (DlvTestServer *self)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func (g_free);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->log->len; i++)
    g_ptr_array_add (copy, g_strdup (g_ptr_array_index (self->log, i)));
  g_mutex_unlock (&self->lock);

  return copy;
}

guint
dlv_test_server_count (DlvTestServer *self,
                       const char    *match)
{
  guint count = 0;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->log->len; i++)
    if (strstr (g_ptr_array_index (self->log, i), match) != NULL)
      count++;
  g_mutex_unlock (&self->lock);

  return count;
}

char *
dlv_test_server_last_header (DlvTestServer *self,
                             const char    *name)
{
  char *value = NULL;

  g_mutex_lock (&self->lock);
  if (self->last_headers != NULL)
    value = g_strdup (soup_message_headers_get_one (self->last_headers, name));
  g_mutex_unlock (&self->lock);

  return value;
}

char *
dlv_test_server_last_body (DlvTestServer *self)
{
  char *body;

  g_mutex_lock (&self->lock);
  body = g_strdup (self->last_body);
  g_mutex_unlock (&self->lock);

  return body;
}
