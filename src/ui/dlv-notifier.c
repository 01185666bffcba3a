/* dlv-notifier.c: desktop notifications for what the alerts find
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * After each poll the application asks for a check: DlvAlerts reads the
 * store in a worker (its own connection) and decides back here, then each
 * alert becomes a GNotification whose default action, "app.show-alert",
 * carries where to go: a filtered Activity list or the Domains tab. App
 * actions, not window ones: the shell activates them with no window open.
 *
 * The Preferences switches are GSettings keys, followed as they change.
 * Tests connect to "send-notification" and return TRUE to keep the
 * notification from the desktop.
 */

#define G_LOG_DOMAIN "dlv-notifier"

#include "config.h"

#include <glib/gi18n.h>

#include "dlv-notifier.h"
#include "dlv-util.h"

struct _DlvNotifier
{
  GObject parent_instance;

  GApplication *application;    /* not owned: the application owns us */
  char *store_path;
  GSettings *settings;
  DlvAlerts *alerts;
  GCancellable *cancellable;
  gboolean checking;
  gboolean again;               /* a check was asked for during one */
};

enum {
  SEND_NOTIFICATION,
  CHECKED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (DlvNotifier, dlv_notifier, G_TYPE_OBJECT)

static guint signals[N_SIGNALS];

static const char * const kind_keys[DLV_N_ALERT_KINDS] = {
  [DLV_ALERT_KIND_DEFERRAL_SPIKE] = "notify-deferral-spikes",
  [DLV_ALERT_KIND_DOMAIN_INVALID] = "notify-domain-problems",
  [DLV_ALERT_KIND_EXPIRING] = "notify-expiring",
};

static const char * const kind_icons[DLV_N_ALERT_KINDS] = {
  [DLV_ALERT_KIND_DEFERRAL_SPIKE] = "mail-send-receive-symbolic",
  [DLV_ALERT_KIND_DOMAIN_INVALID] = "dialog-warning-symbolic",
  [DLV_ALERT_KIND_EXPIRING] = "alarm-symbolic",
};

static void
settings_changed_cb (DlvNotifier *self,
                     const char  *key,
                     GSettings   *settings)
{
  for (guint i = 0; i < DLV_N_ALERT_KINDS; i++)
    {
      if (key == NULL || g_strcmp0 (key, kind_keys[i]) == 0)
        dlv_alerts_set_enabled (self->alerts, i, g_settings_get_boolean (settings, kind_keys[i]));
    }
}

static void
send_alert (DlvNotifier    *self,
            const DlvAlert *alert)
{
  g_autoptr(GNotification) notification = dlv_notifier_build_notification (alert);
  g_autoptr(GVariant) target = g_variant_ref_sink (dlv_notifier_build_target (alert));
  g_autofree char *id = dlv_notifier_build_id (alert);
  gboolean handled = FALSE;

  g_debug ("Alert %s: %s", id, alert->title);
  g_signal_emit (self, signals[SEND_NOTIFICATION], 0, id, notification, target, alert, &handled);
  if (!handled)
    g_application_send_notification (self->application, id, notification);
}

static void
check_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(DlvNotifier) self = user_data;
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GError) error = NULL;

  alerts = dlv_alerts_check_finish (DLV_ALERTS (source), result, &error);
  self->checking = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* The store may be busy or gone for a moment: the next poll checks again. */
  if (alerts == NULL)
    g_debug ("No alerts checked: %s", error->message);

  for (guint i = 0; alerts != NULL && i < alerts->len; i++)
    send_alert (self, g_ptr_array_index (alerts, i));

  g_signal_emit (self, signals[CHECKED], 0, alerts != NULL ? alerts->len : 0);

  if (self->again)
    {
      self->again = FALSE;
      dlv_notifier_check (self);
    }
}

static void
dlv_notifier_dispose (GObject *object)
{
  DlvNotifier *self = (DlvNotifier *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (dlv_notifier_parent_class)->dispose (object);
}

static void
dlv_notifier_finalize (GObject *object)
{
  DlvNotifier *self = (DlvNotifier *) object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->alerts);
  g_clear_pointer (&self->store_path, g_free);

  G_OBJECT_CLASS (dlv_notifier_parent_class)->finalize (object);
}

static void
dlv_notifier_class_init (DlvNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dlv_notifier_dispose;
  object_class->finalize = dlv_notifier_finalize;

  /**
   * DlvNotifier::send-notification:
   * @id: the notification's id: one per kind and subject, a newer one replaces it
   * @notification: what to show
   * @target: the "app.show-alert" target it activates with
   * @alert: (type gpointer): the #DlvAlert it was made from
   *
   * Returns: %TRUE to keep it from g_application_send_notification()
   */
  signals[SEND_NOTIFICATION] =
    g_signal_new ("send-notification", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  g_signal_accumulator_true_handled, NULL, NULL, G_TYPE_BOOLEAN, 4,
                  G_TYPE_STRING, G_TYPE_NOTIFICATION, G_TYPE_VARIANT, G_TYPE_POINTER);

  /* After each check, with the number of notifications it sent. */
  signals[CHECKED] =
    g_signal_new ("checked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
dlv_notifier_init (DlvNotifier *self)
{
  self->alerts = dlv_alerts_new ();
  self->cancellable = g_cancellable_new ();
}

/**
 * dlv_notifier_new:
 * @application: where notifications are sent; it must outlive the notifier
 * @store_path: the store each check opens
 * @settings: (nullable): the application's settings, for the per-kind switches
 *
 * Returns: (transfer full): a notifier that checks when asked
 */
DlvNotifier *
dlv_notifier_new (GApplication *application,
                  const char   *store_path,
                  GSettings    *settings)
{
  DlvNotifier *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (store_path != NULL, NULL);

  self = g_object_new (DLV_TYPE_NOTIFIER, NULL);
  self->application = application;
  self->store_path = g_strdup (store_path);

  if (settings != NULL)
    {
      self->settings = g_object_ref (settings);
      g_signal_connect_object (settings, "changed", G_CALLBACK (settings_changed_cb), self,
                               G_CONNECT_SWAPPED);
      settings_changed_cb (self, NULL, settings);
    }

  return self;
}

/**
 * dlv_notifier_check:
 *
 * Looks for alerts now, off the main thread; a check asked for while one
 * runs follows it.
 */
void
dlv_notifier_check (DlvNotifier *self)
{
  g_return_if_fail (DLV_IS_NOTIFIER (self));

  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (self->checking)
    {
      self->again = TRUE;
      return;
    }

  self->checking = TRUE;
  dlv_alerts_check_async (self->alerts, self->store_path, dlv_now (), self->cancellable,
                          check_cb, g_object_ref (self));
}

gboolean
dlv_notifier_get_checking (DlvNotifier *self)
{
  g_return_val_if_fail (DLV_IS_NOTIFIER (self), FALSE);

  return self->checking;
}

/**
 * dlv_notifier_get_alerts:
 *
 * Returns: (transfer none): the detection and its state
 */
DlvAlerts *
dlv_notifier_get_alerts (DlvNotifier *self)
{
  g_return_val_if_fail (DLV_IS_NOTIFIER (self), NULL);

  return self->alerts;
}

/**
 * dlv_notifier_build_target:
 *
 * Where the alert leads, as "app.show-alert" reads it: a dictionary with
 * "page" ("activity" or "domains"), "statuses" (u, status bits), "domain"
 * (a recipient group nick or domain, or the sending domain; "" for all),
 * "sort" (u, a #DlvMessageSort), "descending" (b) and "expiring" (b: only
 * deferred messages whose retry window closes soon).
 *
 * Returns: (transfer floating): the target
 */
GVariant *
dlv_notifier_build_target (const DlvAlert *alert)
{
  GVariantDict dict;

  g_return_val_if_fail (alert != NULL, NULL);

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "page", "s", alert->page);
  g_variant_dict_insert (&dict, "statuses", "u", alert->statuses);
  g_variant_dict_insert (&dict, "domain", "s", alert->domain != NULL ? alert->domain : "");
  g_variant_dict_insert (&dict, "sort", "u", (guint) alert->sort);
  g_variant_dict_insert (&dict, "descending", "b", alert->descending);
  g_variant_dict_insert (&dict, "expiring", "b", alert->kind == DLV_ALERT_KIND_EXPIRING);

  return g_variant_dict_end (&dict);
}

/**
 * dlv_notifier_build_id:
 *
 * Returns: (transfer full): one id per kind and subject, so a newer
 *   notification about the same thing replaces the older one
 */
char *
dlv_notifier_build_id (const DlvAlert *alert)
{
  g_return_val_if_fail (alert != NULL, NULL);

  if (alert->subject == NULL || alert->subject[0] == '\0')
    return g_strconcat ("alert-", dlv_alert_kind_to_string (alert->kind), NULL);

  return g_strconcat ("alert-", dlv_alert_kind_to_string (alert->kind), "-", alert->subject, NULL);
}

/**
 * dlv_notifier_build_notification:
 *
 * Title and body are plain text: what a provider wrote shows as written.
 *
 * Returns: (transfer full): the notification for @alert
 */
GNotification *
dlv_notifier_build_notification (const DlvAlert *alert)
{
  g_autoptr(GIcon) icon = NULL;
  GNotification *notification;

  g_return_val_if_fail (alert != NULL, NULL);
  g_return_val_if_fail ((guint) alert->kind < DLV_N_ALERT_KINDS, NULL);

  notification = g_notification_new (alert->title);
  g_notification_set_body (notification, alert->body);
  icon = g_themed_icon_new (kind_icons[alert->kind]);
  g_notification_set_icon (notification, icon);
  /* A broken record may stop all sending from a domain: it may interrupt. */
  g_notification_set_priority (notification, alert->urgent ? G_NOTIFICATION_PRIORITY_HIGH
                                                           : G_NOTIFICATION_PRIORITY_NORMAL);
  g_notification_set_default_action_and_target_value (notification, DLV_NOTIFIER_ACTION,
                                                      dlv_notifier_build_target (alert));
  if (g_strcmp0 (alert->page, "domains") == 0)
    g_notification_add_button_with_target_value (notification, _("Show Domains"),
                                                  DLV_NOTIFIER_ACTION,
                                                  dlv_notifier_build_target (alert));
  else
    g_notification_add_button_with_target_value (notification, _("Show Messages"),
                                                 DLV_NOTIFIER_ACTION,
                                                 dlv_notifier_build_target (alert));

  return notification;
}
