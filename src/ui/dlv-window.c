/* dlv-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "dlv-window"

#include "config.h"

#include <glib/gi18n.h>

#include "dlv-account-switcher.h"
#include "dlv-activity-page.h"
#include "dlv-compat.h"
#include "dlv-conversion-page.h"
#include "dlv-domains-page.h"
#include "dlv-util.h"
#include "dlv-window.h"

struct _DlvWindow
{
  AdwApplicationWindow parent_instance;

  DlvApplication *application;
  guint clock_id;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewStack *stack;
  GtkStack *refresh_stack;
  GtkLabel *updated_label;
  GtkRevealer *banner_revealer;
  DlvAccountSwitcher *account_switcher;
  DlvActivityPage *activity_page;
  DlvConversionPage *conversion_page;
  DlvDomainsPage *domains_page;
};

G_DEFINE_FINAL_TYPE (DlvWindow, dlv_window, ADW_TYPE_APPLICATION_WINDOW)

static void update_banner (DlvWindow *self);

static void
reload_pages (DlvWindow *self)
{
  dlv_activity_page_reload (self->activity_page);
  dlv_conversion_page_reload (self->conversion_page);
  dlv_domains_page_reload (self->domains_page);
}

/* "Updated 12 s ago", kept fresh by a clock while the window is open; for
 * one chosen account, when that account last got data. */
static void
update_age (DlvWindow *self)
{
  DlvPoller *poller = dlv_application_get_poller (self->application);
  const DlvAccount *account = dlv_account_switcher_get_account (self->account_switcher);
  gint64 last = account != NULL ? account->last_success_at
                : poller != NULL ? dlv_poller_get_last_success (poller) : 0;
  gint64 age = dlv_now () - last;
  g_autofree char *text = NULL;

  if (poller != NULL && dlv_poller_get_offline (poller))
    text = g_strdup (_("Offline"));
  else if (poller != NULL && dlv_poller_get_polling (poller) && last == 0)
    text = g_strdup (_("Updating…"));
  else if (last == 0)
    text = g_strdup (_("Not updated yet"));
  else if (age < 60)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Updated %d second ago",
                                         "Updated %d seconds ago", (gulong) age), (int) age);
  else if (age < 3600)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Updated %d minute ago",
                                         "Updated %d minutes ago", (gulong) (age / 60)),
                            (int) (age / 60));
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Updated %d hour ago",
                                         "Updated %d hours ago", (gulong) (age / 3600)),
                            (int) (age / 3600));

  if (account != NULL)
    {
      /* Translators: an account's name, then “Updated 5 minutes ago” */
      g_autofree char *with_name = g_strdup_printf (_("%s · %s"), account->name, text);

      g_free (text);
      text = g_steal_pointer (&with_name);
    }

  gtk_label_set_label (self->updated_label, text);
  adw_view_switcher_title_set_subtitle (self->switcher_title, text);
}

static gboolean
clock_cb (gpointer user_data)
{
  update_age (DLV_WINDOW (user_data));

  return G_SOURCE_CONTINUE;
}

static void
poller_updated_cb (DlvWindow *self,
                   guint      events_added,
                   DlvPoller *poller)
{
  dlv_account_switcher_reload (self->account_switcher,
                               dlv_application_get_store (self->application));
  update_banner (self);
  update_age (self);
  /* Expiry depends on the clock, so even a quiet round refreshes the lists. */
  reload_pages (self);
}

static void
poller_polling_cb (DlvWindow  *self,
                   GParamSpec *pspec,
                   DlvPoller  *poller)
{
  gtk_stack_set_visible_child_name (self->refresh_stack,
                                    dlv_poller_get_polling (poller) ? "polling" : "idle");
  update_age (self);
}

/* Errors in words, over the data that stays on screen. */
static void
poller_error_cb (DlvWindow  *self,
                 GParamSpec *pspec,
                 DlvPoller  *poller)
{
  const char *error = dlv_poller_get_last_error (poller);
  g_autofree char *title = NULL;
  AdwToast *toast;

  if (error == NULL)
    return;

  /* Translators: what went wrong, then that what is shown is what was stored before */
  title = g_strdup_printf (_("Could not update: %s. Showing what was fetched before."), error);
  toast = dlv_compat_toast_new_plain (title);
  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  DlvWindow *self = DLV_WINDOW (widget);
  DlvPoller *poller = dlv_application_get_poller (self->application);

  if (poller != NULL)
    dlv_poller_poll_now (poller);
  reload_pages (self);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DlvWindow *self = DLV_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->stack, "activity");
  dlv_activity_page_focus_search (self->activity_page);
}

/* The banner stays while every account is a demo one. */
static void
update_banner (DlvWindow *self)
{
  DlvStore *store = dlv_application_get_store (self->application);
  g_autoptr(GPtrArray) accounts = store ? dlv_store_list_accounts (store, NULL) : NULL;
  /* Without a store there is nothing to add an account to: the error
   * toast says why. */
  gboolean demo_only = store != NULL;

  for (guint i = 0; accounts != NULL && i < accounts->len; i++)
    {
      DlvAccount *account = g_ptr_array_index (accounts, i);

      if (g_strcmp0 (account->provider, "demo") != 0)
        demo_only = FALSE;
    }

  gtk_revealer_set_reveal_child (self->banner_revealer, demo_only);
}

/* One account or all, on every tab. */
static void
account_changed_cb (DlvWindow          *self,
                    GParamSpec         *pspec,
                    DlvAccountSwitcher *switcher)
{
  gint64 account_id = dlv_account_switcher_get_account_id (switcher);

  dlv_activity_page_set_account (self->activity_page, account_id);
  dlv_conversion_page_set_account (self->conversion_page, account_id);
  dlv_domains_page_set_account (self->domains_page, account_id);
  update_age (self);
}

static void
show_store_error (DlvWindow *self)
{
  const GError *error = dlv_application_get_error (self->application);
  g_autofree char *title = NULL;
  AdwToast *toast;

  if (error == NULL)
    return;

  title = g_strdup_printf (_("Your saved data could not be opened: %s"), error->message);
  toast = dlv_compat_toast_new_plain (title);
  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
connect_application (DlvWindow *self)
{
  DlvStore *store = dlv_application_get_store (self->application);
  DlvPoller *poller = dlv_application_get_poller (self->application);

  if (store != NULL)
    {
      dlv_activity_page_set_store (self->activity_page, store);
      dlv_conversion_page_set_store (self->conversion_page, store);
      dlv_domains_page_set_store (self->domains_page, store);
    }

  if (poller != NULL)
    {
      g_signal_connect_object (poller, "updated", G_CALLBACK (poller_updated_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (poller, "notify::polling", G_CALLBACK (poller_polling_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (poller, "notify::last-error", G_CALLBACK (poller_error_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (poller, "notify::offline", G_CALLBACK (poller_polling_cb), self,
                               G_CONNECT_SWAPPED);
      poller_polling_cb (self, NULL, poller);
    }

  dlv_account_switcher_reload (self->account_switcher, store);
  g_signal_connect_object (self->account_switcher, "notify::account-id",
                           G_CALLBACK (account_changed_cb),
                           self, G_CONNECT_SWAPPED);
  update_banner (self);
  update_age (self);
  show_store_error (self);
}

static void
dlv_window_dispose (GObject *object)
{
  DlvWindow *self = (DlvWindow *) object;

  g_clear_handle_id (&self->clock_id, g_source_remove);
  /* The poller outlives the window: it must not reach disposed pages. */
  if (self->application != NULL && dlv_application_get_poller (self->application) != NULL)
    g_signal_handlers_disconnect_by_data (dlv_application_get_poller (self->application), self);
  gtk_widget_dispose_template (GTK_WIDGET (self), DLV_TYPE_WINDOW);

  G_OBJECT_CLASS (dlv_window_parent_class)->dispose (object);
}

static void
dlv_window_class_init (DlvWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dlv_window_dispose;

  g_type_ensure (DLV_TYPE_ACCOUNT_SWITCHER);
  g_type_ensure (DLV_TYPE_ACTIVITY_PAGE);
  g_type_ensure (DLV_TYPE_CONVERSION_PAGE);
  g_type_ensure (DLV_TYPE_DOMAINS_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dlv-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DlvWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DlvWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, DlvWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, DlvWindow, refresh_stack);
  gtk_widget_class_bind_template_child (widget_class, DlvWindow, updated_label);
  gtk_widget_class_bind_template_child (widget_class, DlvWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, DlvWindow, account_switcher);
  gtk_widget_class_bind_template_child (widget_class, DlvWindow, activity_page);
  gtk_widget_class_bind_template_child (widget_class, DlvWindow, conversion_page);
  gtk_widget_class_bind_template_child (widget_class, DlvWindow, domains_page);

  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
}

static void
dlv_window_init (DlvWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  if (g_str_has_suffix (APP_ID, ".Devel"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  self->clock_id = g_timeout_add_seconds (5, clock_cb, self);
}

DlvWindow *
dlv_window_new (DlvApplication *application)
{
  DlvWindow *self;

  g_return_val_if_fail (DLV_IS_APPLICATION (application), NULL);

  self = g_object_new (DLV_TYPE_WINDOW, "application", application, NULL);
  self->application = application;
  connect_application (self);

  return self;
}

/* For tests and notifications: "activity", "conversion" or "domains". */
void
dlv_window_show_page (DlvWindow  *self,
                      const char *name)
{
  g_return_if_fail (DLV_IS_WINDOW (self));

  adw_view_stack_set_visible_child_name (self->stack, name);
}

/* The Domains tab with every account's domains, at @domain's card when given. */
void
dlv_window_show_domains (DlvWindow  *self,
                         const char *domain)
{
  g_return_if_fail (DLV_IS_WINDOW (self));

  dlv_account_switcher_set_account_id (self->account_switcher, 0);
  adw_view_stack_set_visible_child_name (self->stack, "domains");
  if (domain != NULL && domain[0] != '\0')
    dlv_domains_page_reveal_domain (self->domains_page, domain);
}

/**
 * dlv_window_show_messages:
 * @statuses: one status bit, or 0 for all
 * @domain_or_group: (nullable): a recipient domain or mailbox provider nick
 *
 * The Activity tab with exactly these messages, of every account: what a
 * notification about them leads to.
 */
void
dlv_window_show_messages (DlvWindow      *self,
                          guint           statuses,
                          const char     *domain_or_group,
                          DlvMessageSort  sort,
                          gboolean        descending,
                          gboolean        expiring)
{
  g_return_if_fail (DLV_IS_WINDOW (self));

  dlv_account_switcher_set_account_id (self->account_switcher, 0);
  dlv_activity_page_show_messages (self->activity_page, statuses, domain_or_group, sort,
                                   descending, expiring);
  adw_view_stack_set_visible_child_name (self->stack, "activity");
}
