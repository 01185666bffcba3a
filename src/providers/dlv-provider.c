/* dlv-provider.c: the abstract base of every provider
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "dlv-provider"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dlv-dmarc.h"
#include "dlv-provider.h"
#include "dlv-util.h"

typedef struct
{
  char *name;
  char *title;
  guint retry_window_hours;
  char *api_key;
  char *api_secret;
  char *base_url;
  char *domain;
  char *region;
  guint timeout_seconds;
  gint64 now;                   /* a pinned clock for tests, 0 for the real one */
  DlvHttp *http;
  DlvHttpReply last_reply;
  GMainContext *sync_context;   /* reused: libsoup ties connections to a context */
} DlvProviderPrivate;

enum {
  PROP_0,
  PROP_NAME,
  PROP_TITLE,
  PROP_RETRY_WINDOW_HOURS,
  PROP_API_KEY,
  PROP_API_SECRET,
  PROP_BASE_URL,
  PROP_DOMAIN,
  PROP_REGION,
  PROP_TIMEOUT_SECONDS,
  N_PROPS
};

G_DEFINE_QUARK (dlv-provider-error-quark, dlv_provider_error)
G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (DlvProvider, dlv_provider, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
clear_secret (char **secret)
{
  if (*secret != NULL)
    memset (*secret, 0, strlen (*secret));
  g_clear_pointer (secret, g_free);
}

static void
dlv_provider_finalize (GObject *object)
{
  DlvProvider *self = (DlvProvider *) object;
  DlvProviderPrivate *priv = dlv_provider_get_instance_private (self);

  g_clear_pointer (&priv->http, dlv_http_free);
  g_clear_pointer (&priv->sync_context, g_main_context_unref);
  clear_secret (&priv->api_key);
  clear_secret (&priv->api_secret);
  g_clear_pointer (&priv->name, g_free);
  g_clear_pointer (&priv->title, g_free);
  g_clear_pointer (&priv->base_url, g_free);
  g_clear_pointer (&priv->domain, g_free);
  g_clear_pointer (&priv->region, g_free);

  G_OBJECT_CLASS (dlv_provider_parent_class)->finalize (object);
}

static void
dlv_provider_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  DlvProvider *self = DLV_PROVIDER (object);
  DlvProviderPrivate *priv = dlv_provider_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, priv->name);
      break;

    case PROP_TITLE:
      g_value_set_string (value, dlv_provider_get_title (self));
      break;

    case PROP_RETRY_WINDOW_HOURS:
      g_value_set_uint (value, priv->retry_window_hours);
      break;

    case PROP_BASE_URL:
      g_value_set_string (value, priv->base_url);
      break;

    case PROP_DOMAIN:
      g_value_set_string (value, priv->domain);
      break;

    case PROP_REGION:
      g_value_set_string (value, priv->region);
      break;

    case PROP_TIMEOUT_SECONDS:
      g_value_set_uint (value, priv->timeout_seconds);
      break;

    /* The key and secret are write-only: nothing reads them back by name. */
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dlv_provider_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  DlvProvider *self = DLV_PROVIDER (object);
  DlvProviderPrivate *priv = dlv_provider_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_NAME:
      priv->name = g_value_dup_string (value);
      break;

    case PROP_TITLE:
      priv->title = g_value_dup_string (value);
      break;

    case PROP_RETRY_WINDOW_HOURS:
      priv->retry_window_hours = g_value_get_uint (value);
      break;

    case PROP_API_KEY:
      priv->api_key = g_value_dup_string (value);
      break;

    case PROP_API_SECRET:
      priv->api_secret = g_value_dup_string (value);
      break;

    case PROP_BASE_URL:
      priv->base_url = g_value_dup_string (value);
      break;

    case PROP_DOMAIN:
      priv->domain = g_value_dup_string (value);
      break;

    case PROP_REGION:
      priv->region = g_value_dup_string (value);
      break;

    case PROP_TIMEOUT_SECONDS:
      priv->timeout_seconds = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fetch_page_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  DlvProvider *self = source_object;
  GError *error = NULL;
  DlvEventPage *page = DLV_PROVIDER_GET_CLASS (self)->fetch_page (self, task_data, cancellable,
                                                                  &error);

  if (page != NULL)
    g_task_return_pointer (task, page, (GDestroyNotify) dlv_event_page_free);
  else
    g_task_return_error (task, error);
}

/* Providers that block get their async call from a worker thread. */
static void
dlv_provider_real_fetch_page_async (DlvProvider         *self,
                                    const char          *cursor,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, dlv_provider_real_fetch_page_async);
  g_task_set_task_data (task, g_strdup (cursor), g_free);
  g_task_run_in_thread (task, fetch_page_thread);
}

static DlvEventPage *
dlv_provider_real_fetch_page_finish (DlvProvider   *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
fetch_domains_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  DlvProvider *self = source_object;
  GError *error = NULL;
  GPtrArray *domains = DLV_PROVIDER_GET_CLASS (self)->fetch_domains (self, cancellable, &error);

  if (domains != NULL)
    g_task_return_pointer (task, domains, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

static void
dlv_provider_real_fetch_domains_async (DlvProvider         *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, dlv_provider_real_fetch_domains_async);
  g_task_run_in_thread (task, fetch_domains_thread);
}

static GPtrArray *
dlv_provider_real_fetch_domains_finish (DlvProvider   *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
dlv_provider_class_init (DlvProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;
  GParamFlags secret_flags = G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = dlv_provider_finalize;
  object_class->get_property = dlv_provider_get_property;
  object_class->set_property = dlv_provider_set_property;

  klass->fetch_page_async = dlv_provider_real_fetch_page_async;
  klass->fetch_page_finish = dlv_provider_real_fetch_page_finish;
  klass->fetch_domains_async = dlv_provider_real_fetch_domains_async;
  klass->fetch_domains_finish = dlv_provider_real_fetch_domains_finish;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);

  /* The provider's name as its users know it ("SendGrid"), for messages. */
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);

  /* How long the provider retries a deferred message before it expires. */
  properties[PROP_RETRY_WINDOW_HOURS] =
    g_param_spec_uint ("retry-window-hours", NULL, NULL, 1, 24 * 30, 72, flags);

  properties[PROP_API_KEY] = g_param_spec_string ("api-key", NULL, NULL, NULL, secret_flags);
  properties[PROP_API_SECRET] = g_param_spec_string ("api-secret", NULL, NULL, NULL, secret_flags);

  /* Where the API lives; https, or http on a loopback address. */
  properties[PROP_BASE_URL] = g_param_spec_string ("base-url", NULL, NULL, NULL, flags);

  /* The sending domain, for providers whose events are per domain. */
  properties[PROP_DOMAIN] = g_param_spec_string ("domain", NULL, NULL, NULL, flags);
  properties[PROP_REGION] = g_param_spec_string ("region", NULL, NULL, NULL, flags);

  properties[PROP_TIMEOUT_SECONDS] =
    g_param_spec_uint ("timeout-seconds", NULL, NULL, 0, 600, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dlv_provider_init (DlvProvider *self)
{
}

const char *
dlv_provider_get_name (DlvProvider *self)
{
  DlvProviderPrivate *priv = dlv_provider_get_instance_private (self);

  g_return_val_if_fail (DLV_IS_PROVIDER (self), NULL);

  return priv->name;
}

const char *
dlv_provider_get_title (DlvProvider *self)
{
  DlvProviderPrivate *priv = dlv_provider_get_instance_private (self);

  g_return_val_if_fail (DLV_IS_PROVIDER (self), NULL);

  return priv->title != NULL ? priv->title : priv->name;
}

guint
dlv_provider_get_retry_window_hours (DlvProvider *self)
{
  DlvProviderPrivate *priv = dlv_provider_get_instance_private (self);

  g_return_val_if_fail (DLV_IS_PROVIDER (self), 0);

  return priv->retry_window_hours;
}

const char *
dlv_provider_get_api_key (DlvProvider *self)
{
  DlvProviderPrivate *priv = dlv_provider_get_instance_private (self);

  return priv->api_key;
}

const char *
dlv_provider_get_api_secret (DlvProvider *self)
{
  DlvProviderPrivate *priv = dlv_provider_get_instance_private (self);

  return priv->api_secret;
}

const char *
dlv_provider_get_base_url (DlvProvider *self)
{
  DlvProviderPrivate *priv = dlv_provider_get_instance_private (self);

  return priv->base_url;
}

const char *
dlv_provider_get_domain (DlvProvider *self)
{
  DlvProviderPrivate *priv = dlv_provider_get_instance_private (self);

  return priv->domain;
}

const char *
dlv_provider_get_region (DlvProvider *self)
{
  DlvProviderPrivate *priv = dlv_provider_get_instance_private (self);

  return priv->region;
}

/* The clock a provider reads: the wall clock, unless a test pinned it. */
gint64
dlv_provider_get_now (DlvProvider *self)
{
  DlvProviderPrivate *priv = dlv_provider_get_instance_private (self);

  return priv->now != 0 ? priv->now : dlv_now ();
}

/* Tests pin the clock; 0 gives back the wall clock. */
void
dlv_provider_set_now (DlvProvider *self,
                      gint64       now)
{
  DlvProviderPrivate *priv = dlv_provider_get_instance_private (self);

  g_return_if_fail (DLV_IS_PROVIDER (self));

  priv->now = now;
}

/**
 * dlv_provider_get_http:
 *
 * The provider's connection, opened on first use with its key set.
 *
 * Returns: (transfer none): the connection, or %NULL when the base URL may
 *   not carry a key
 */
DlvHttp *
dlv_provider_get_http (DlvProvider  *self,
                       GError      **error)
{
  DlvProviderPrivate *priv = dlv_provider_get_instance_private (self);

  g_return_val_if_fail (DLV_IS_PROVIDER (self), NULL);

  if (priv->http == NULL)
    {
      priv->http = dlv_http_new (dlv_provider_get_title (self), priv->base_url,
                                 priv->timeout_seconds, error);
      if (priv->http != NULL && DLV_PROVIDER_GET_CLASS (self)->authorize != NULL)
        DLV_PROVIDER_GET_CLASS (self)->authorize (self, priv->http);
    }

  return priv->http;
}

/**
 * dlv_provider_request:
 *
 * One request on the provider's connection; the answer's pacing headers
 * stay readable through dlv_provider_get_last_reply().
 *
 * Returns: (transfer full): the body of a successful answer
 */
GBytes *
dlv_provider_request (DlvProvider   *self,
                      const char    *method,
                      const char    *path,
                      const char    *json_body,
                      GCancellable  *cancellable,
                      GError       **error)
{
  DlvProviderPrivate *priv = dlv_provider_get_instance_private (self);
  DlvHttp *http = dlv_provider_get_http (self, error);

  if (http == NULL)
    return NULL;

  return dlv_http_request (http, method, path, json_body, cancellable, &priv->last_reply, error);
}

/**
 * dlv_provider_get_last_reply:
 *
 * The status and pacing of the last answer: after a 429, how long the
 * provider asked us to wait.
 */
const DlvHttpReply *
dlv_provider_get_last_reply (DlvProvider *self)
{
  DlvProviderPrivate *priv = dlv_provider_get_instance_private (self);

  return &priv->last_reply;
}

void
dlv_provider_fetch_page_async (DlvProvider         *self,
                               const char          *cursor,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (DLV_IS_PROVIDER (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  DLV_PROVIDER_GET_CLASS (self)->fetch_page_async (self, cursor, cancellable, callback, user_data);
}

/**
 * dlv_provider_fetch_page_finish:
 *
 * Returns: (transfer full): the page, or %NULL with @error set
 */
DlvEventPage *
dlv_provider_fetch_page_finish (DlvProvider   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (DLV_IS_PROVIDER (self), NULL);

  return DLV_PROVIDER_GET_CLASS (self)->fetch_page_finish (self, result, error);
}

void
dlv_provider_fetch_domains_async (DlvProvider         *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (DLV_IS_PROVIDER (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  DLV_PROVIDER_GET_CLASS (self)->fetch_domains_async (self, cancellable, callback, user_data);
}

/**
 * dlv_provider_fetch_domains_finish:
 *
 * Returns: (transfer full) (element-type DlvDomain): the sending domains
 */
GPtrArray *
dlv_provider_fetch_domains_finish (DlvProvider   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (DLV_IS_PROVIDER (self), NULL);

  return DLV_PROVIDER_GET_CLASS (self)->fetch_domains_finish (self, result, error);
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Runs the provider's own context until an async call has answered. One
 * context serves every call, so whatever the provider keeps between calls
 * stays attached to a context that still runs. */
static GMainContext *
push_sync_context (DlvProvider *self)
{
  DlvProviderPrivate *priv = dlv_provider_get_instance_private (self);

  if (priv->sync_context == NULL)
    priv->sync_context = g_main_context_new ();
  g_main_context_push_thread_default (priv->sync_context);

  return priv->sync_context;
}

static void
wait_for_result (GMainContext  *context,
                 GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (context, TRUE);
}

/**
 * dlv_provider_fetch_page_sync:
 *
 * Blocks; for the command line, tests and worker threads. Use one provider
 * from one thread at a time.
 */
DlvEventPage *
dlv_provider_fetch_page_sync (DlvProvider   *self,
                              const char    *cursor,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GMainContext *context;
  DlvEventPage *page;

  g_return_val_if_fail (DLV_IS_PROVIDER (self), NULL);

  if (DLV_PROVIDER_GET_CLASS (self)->fetch_page != NULL)
    return DLV_PROVIDER_GET_CLASS (self)->fetch_page (self, cursor, cancellable, error);

  context = push_sync_context (self);
  dlv_provider_fetch_page_async (self, cursor, cancellable, store_result_cb, &result);
  wait_for_result (context, &result);
  page = dlv_provider_fetch_page_finish (self, result, error);
  g_main_context_pop_thread_default (context);

  return page;
}

/* Only Brevo reports DMARC: every domain whose provider left that row
 * untouched gets it from DNS, here, for every provider at once. */
static GPtrArray *
complete_dmarc (GPtrArray    *domains,
                GCancellable *cancellable)
{
  for (guint i = 0; domains != NULL && i < domains->len; i++)
    {
      DlvDomain *domain = g_ptr_array_index (domains, i);

      if (domain->records[DLV_RECORD_DMARC].type == NULL)
        dlv_dmarc_check_sync (domain, cancellable);
    }

  return domains;
}

/**
 * dlv_provider_fetch_domains_sync:
 *
 * Blocks. Rows the provider does not report (DMARC, for all but Brevo) are
 * completed from DNS.
 *
 * Returns: (transfer full) (element-type DlvDomain): the sending domains
 */
GPtrArray *
dlv_provider_fetch_domains_sync (DlvProvider   *self,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GMainContext *context;
  GPtrArray *domains;

  g_return_val_if_fail (DLV_IS_PROVIDER (self), NULL);

  if (DLV_PROVIDER_GET_CLASS (self)->fetch_domains != NULL)
    return complete_dmarc (DLV_PROVIDER_GET_CLASS (self)->fetch_domains (self, cancellable, error),
                           cancellable);

  context = push_sync_context (self);
  dlv_provider_fetch_domains_async (self, cancellable, store_result_cb, &result);
  wait_for_result (context, &result);
  domains = dlv_provider_fetch_domains_finish (self, result, error);
  g_main_context_pop_thread_default (context);

  return complete_dmarc (domains, cancellable);
}

void
dlv_access_report_free (DlvAccessReport *report)
{
  if (report == NULL)
    return;

  g_free (report->events_error);
  g_free (report->domains_error);
  g_free (report);
}

/**
 * dlv_provider_test_access_sync:
 *
 * Reads the first events page and the sending domains, as "Test connection"
 * does, and keeps what each attempt said. Blocks.
 *
 * Returns: (transfer full): what the key can read
 */
DlvAccessReport *
dlv_provider_test_access_sync (DlvProvider  *self,
                               GCancellable *cancellable)
{
  DlvAccessReport *report = g_new0 (DlvAccessReport, 1);
  g_autoptr(DlvEventPage) page = NULL;
  g_autoptr(GPtrArray) domains = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (DLV_IS_PROVIDER (self), NULL);

  page = dlv_provider_fetch_page_sync (self, NULL, cancellable, &error);
  report->events_ok = page != NULL;
  report->events = page != NULL ? page->events->len : 0;
  if (error != NULL)
    report->events_error = g_strdup (error->message);
  g_clear_error (&error);

  domains = dlv_provider_fetch_domains_sync (self, cancellable, &error);
  report->domains_ok = domains != NULL;
  report->domains = domains != NULL ? domains->len : 0;
  if (error != NULL)
    report->domains_error = g_strdup (error->message);

  return report;
}

/**
 * dlv_access_report_describe:
 *
 * Returns: (transfer full): the report in a sentence or two
 */
char *
dlv_access_report_describe (const DlvAccessReport *report)
{
  g_autofree char *domains = NULL;

  if (report->domains_ok)
    domains = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%u sending domain", "%u sending domains",
                                            report->domains),
                               report->domains);

  if (report->events_ok && report->domains_ok)
    return g_strdup_printf (_("The key works: it can read delivery events and %s."), domains);
  if (report->events_ok)
    return g_strdup_printf (_("The key can read delivery events, but not the sending domains: %s"),
                            report->domains_error);
  if (report->domains_ok)
    return g_strdup_printf (_("The key can read %s, but not delivery events: %s"),
                            domains, report->events_error);

  return g_strdup (report->events_error);
}
