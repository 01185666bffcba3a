/* dlv-account-switcher.c: show one account or all, and how each is doing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A header-bar button whose popover lists "All accounts" and each account
 * with when its data last came, whether its history is complete and its
 * last error. Choosing a row filters every tab. Accounts are few, so the
 * rows are rebuilt after each poll.
 */

#define G_LOG_DOMAIN "dlv-account-switcher"

#include "config.h"

#include <glib/gi18n.h>

#include "dlv-account-status.h"
#include "dlv-account-switcher.h"
#include "dlv-providers.h"
#include "dlv-util.h"

struct _DlvAccountSwitcher
{
  AdwBin parent_instance;

  GtkMenuButton *button;
  GtkPopover *popover;
  GtkListBox *list;
  GPtrArray *accounts;          /* of DlvAccount, in row order after "All" */
  gint64 account_id;            /* 0: all */
  gboolean filling;
};

enum {
  PROP_0,
  PROP_ACCOUNT_ID,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (DlvAccountSwitcher, dlv_account_switcher, ADW_TYPE_BIN)

static GParamSpec *properties[N_PROPS];

static GtkWidget *
create_label (const char *text,
              const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 42);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

/* Names, gaps and errors come from users and providers: plain text only. */
static GtkWidget *
create_row (const char *title,
            const char *subtitle,
            const char *error,
            gboolean    selected)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");

  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (text), create_label (title, "heading"));
  if (subtitle != NULL)
    gtk_box_append (GTK_BOX (text), create_label (subtitle, "dim-label"));
  if (error != NULL)
    gtk_box_append (GTK_BOX (text), create_label (error, "error"));
  gtk_box_append (GTK_BOX (box), text);

  gtk_widget_set_opacity (check, selected ? 1.0 : 0.0);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), check);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_SELECTED, selected, -1);

  return row;
}

static void
update_button (DlvAccountSwitcher *self)
{
  const DlvAccount *account = dlv_account_switcher_get_account (self);
  g_autofree char *tooltip = NULL;

  /* Translators: %s is an account's name, or “All accounts” */
  tooltip = g_strdup_printf (_("Accounts: %s"),
                             account != NULL ? account->name : _("All accounts"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);

  /* A filtered view is easy to forget: the button says it is one. */
  if (account != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->button), "accent");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->button), "accent");
}

static void
fill_rows (DlvAccountSwitcher *self)
{
  GtkWidget *child;
  gint64 now = dlv_now ();

  self->filling = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);

  gtk_list_box_append (self->list,
                       create_row (_("All accounts"), NULL, NULL, self->account_id == 0));
  for (guint i = 0; i < self->accounts->len; i++)
    {
      DlvAccount *account = g_ptr_array_index (self->accounts, i);
      g_autofree char *state = dlv_account_describe (account, now);

      gtk_list_box_append (self->list, create_row (account->name, state, account->last_error,
                                                   account->id == self->account_id));
    }
  self->filling = FALSE;

  update_button (self);
}

static void
row_activated_cb (DlvAccountSwitcher *self,
                  GtkListBoxRow      *row)
{
  int index = gtk_list_box_row_get_index (row);
  gint64 account_id = 0;

  if (self->filling)
    return;

  if (index > 0 && (guint) index <= self->accounts->len)
    account_id = ((DlvAccount *) g_ptr_array_index (self->accounts, index - 1))->id;

  gtk_popover_popdown (self->popover);
  dlv_account_switcher_set_account_id (self, account_id);
}

static void
dlv_account_switcher_dispose (GObject *object)
{
  DlvAccountSwitcher *self = (DlvAccountSwitcher *) object;

  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  adw_bin_set_child (ADW_BIN (self), NULL);

  G_OBJECT_CLASS (dlv_account_switcher_parent_class)->dispose (object);
}

static void
dlv_account_switcher_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  DlvAccountSwitcher *self = DLV_ACCOUNT_SWITCHER (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT_ID:
      g_value_set_int64 (value, self->account_id);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dlv_account_switcher_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  DlvAccountSwitcher *self = DLV_ACCOUNT_SWITCHER (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT_ID:
      dlv_account_switcher_set_account_id (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dlv_account_switcher_class_init (DlvAccountSwitcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dlv_account_switcher_dispose;
  object_class->get_property = dlv_account_switcher_get_property;
  object_class->set_property = dlv_account_switcher_set_property;

  /* The account every tab shows, 0 for all. */
  properties[PROP_ACCOUNT_ID] =
    g_param_spec_int64 ("account-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dlv_account_switcher_init (DlvAccountSwitcher *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *heading = gtk_label_new (_("Accounts"));
  GtkWidget *manage = gtk_button_new_with_mnemonic (_("_Manage Accounts…"));

  self->accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) dlv_account_free);

  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "title-4");
  gtk_box_append (GTK_BOX (box), heading);

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_list_box_set_activate_on_single_click (self->list, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  g_signal_connect_object (self->list, "row-activated", G_CALLBACK (row_activated_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->list));

  gtk_actionable_set_action_name (GTK_ACTIONABLE (manage), "app.preferences");
  gtk_widget_add_css_class (manage, "flat");
  gtk_box_append (GTK_BOX (box), manage);

  self->popover = GTK_POPOVER (gtk_popover_new ());
  gtk_popover_set_child (self->popover, box);
  gtk_widget_set_size_request (GTK_WIDGET (self->popover), 300, -1);

  self->button = GTK_MENU_BUTTON (gtk_menu_button_new ());
  gtk_menu_button_set_icon_name (self->button, "system-users-symbolic");
  gtk_menu_button_set_popover (self->button, GTK_WIDGET (self->popover));
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->button));

  fill_rows (self);
}

GtkWidget *
dlv_account_switcher_new (void)
{
  return g_object_new (DLV_TYPE_ACCOUNT_SWITCHER, NULL);
}

/**
 * dlv_account_switcher_reload:
 * @store: (nullable): the store to read the accounts from
 *
 * Reads the accounts again; a chosen account that was removed falls back
 * to all accounts.
 */
void
dlv_account_switcher_reload (DlvAccountSwitcher *self,
                             DlvStore           *store)
{
  g_autoptr(GPtrArray) accounts = NULL;
  gboolean found = FALSE;

  g_return_if_fail (DLV_IS_ACCOUNT_SWITCHER (self));

  if (store != NULL)
    accounts = dlv_store_list_accounts (store, NULL);
  if (accounts == NULL)
    return;

  g_ptr_array_set_size (self->accounts, 0);
  for (guint i = 0; i < accounts->len; i++)
    {
      DlvAccount *account = g_ptr_array_index (accounts, i);

      found |= account->id == self->account_id;
      g_ptr_array_add (self->accounts, g_steal_pointer (&accounts->pdata[i]));
    }

  if (!found && self->account_id != 0)
    dlv_account_switcher_set_account_id (self, 0);
  else
    fill_rows (self);
}

gint64
dlv_account_switcher_get_account_id (DlvAccountSwitcher *self)
{
  g_return_val_if_fail (DLV_IS_ACCOUNT_SWITCHER (self), 0);

  return self->account_id;
}

void
dlv_account_switcher_set_account_id (DlvAccountSwitcher *self,
                                     gint64              account_id)
{
  g_return_if_fail (DLV_IS_ACCOUNT_SWITCHER (self));

  if (self->account_id == account_id)
    return;

  self->account_id = account_id;
  fill_rows (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT_ID]);
}

/**
 * dlv_account_switcher_get_account:
 *
 * Returns: (transfer none) (nullable): the chosen account, %NULL for all
 */
const DlvAccount *
dlv_account_switcher_get_account (DlvAccountSwitcher *self)
{
  g_return_val_if_fail (DLV_IS_ACCOUNT_SWITCHER (self), NULL);

  for (guint i = 0; i < self->accounts->len; i++)
    {
      DlvAccount *account = g_ptr_array_index (self->accounts, i);

      if (account->id == self->account_id)
        return account;
    }

  return NULL;
}
