/* dlv-provider.c: the abstract base of every provider
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "dlv-provider"

#include "config.h"

#include "dlv-provider.h"

typedef struct
{
  char *name;
  guint retry_window_hours;
} DlvProviderPrivate;

enum {
  PROP_0,
  PROP_NAME,
  PROP_RETRY_WINDOW_HOURS,
  N_PROPS
};

G_DEFINE_QUARK (dlv-provider-error-quark, dlv_provider_error)
G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (DlvProvider, dlv_provider, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
dlv_provider_finalize (GObject *object)
{
  DlvProvider *self = (DlvProvider *) object;
  DlvProviderPrivate *priv = dlv_provider_get_instance_private (self);

  g_clear_pointer (&priv->name, g_free);

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

    case PROP_RETRY_WINDOW_HOURS:
      g_value_set_uint (value, priv->retry_window_hours);
      break;

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

    case PROP_RETRY_WINDOW_HOURS:
      priv->retry_window_hours = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dlv_provider_class_init (DlvProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dlv_provider_finalize;
  object_class->get_property = dlv_provider_get_property;
  object_class->set_property = dlv_provider_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /* How long the provider retries a deferred message before it expires. */
  properties[PROP_RETRY_WINDOW_HOURS] =
    g_param_spec_uint ("retry-window-hours", NULL, NULL,
                       1, 24 * 30, 72,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

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

guint
dlv_provider_get_retry_window_hours (DlvProvider *self)
{
  DlvProviderPrivate *priv = dlv_provider_get_instance_private (self);

  g_return_val_if_fail (DLV_IS_PROVIDER (self), 0);

  return priv->retry_window_hours;
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

/* Runs a private main context until the async call has answered. */
static GAsyncResult *
wait_for_result (GMainContext  *context,
                 GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (context, TRUE);

  return *slot;
}

DlvEventPage *
dlv_provider_fetch_page_sync (DlvProvider   *self,
                              const char    *cursor,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;
  DlvEventPage *page;

  g_return_val_if_fail (DLV_IS_PROVIDER (self), NULL);

  g_main_context_push_thread_default (context);
  dlv_provider_fetch_page_async (self, cursor, cancellable, store_result_cb, &result);
  wait_for_result (context, &result);
  page = dlv_provider_fetch_page_finish (self, result, error);
  g_main_context_pop_thread_default (context);

  return page;
}

GPtrArray *
dlv_provider_fetch_domains_sync (DlvProvider   *self,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;
  GPtrArray *domains;

  g_return_val_if_fail (DLV_IS_PROVIDER (self), NULL);

  g_main_context_push_thread_default (context);
  dlv_provider_fetch_domains_async (self, cancellable, store_result_cb, &result);
  wait_for_result (context, &result);
  domains = dlv_provider_fetch_domains_finish (self, result, error);
  g_main_context_pop_thread_default (context);

  return domains;
}
