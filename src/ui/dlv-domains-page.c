/* dlv-domains-page.c: sending domains and their authentication records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One card per sending domain: a verdict (can it send?), then DKIM 1, DKIM 2,
 * SPF / Return-Path and DMARC, each with a circle and a word, what to fix,
 * and the host, type and value to publish. Everything that comes from a
 * provider is shown in plain labels, never parsed as markup.
 *
 * The window reloads the page after every poll. A card is rebuilt only when
 * its domain's records changed, so a poll neither collapses the rows someone
 * opened nor moves the scroll position under them.
 */

#define G_LOG_DOMAIN "dlv-domains-page"

#include "config.h"

#include <glib/gi18n.h>

#include "dlv-domains-page.h"

#define COPIED_FEEDBACK_SECONDS 2

struct _DlvDomainsPage
{
  AdwBin parent_instance;

  DlvStore *store;
  GHashTable *cards;            /* "account-id/domain" → card, a reference */
  gint64 account_id;            /* the account shown, 0 for all */

  GtkStack *stack;
  AdwStatusPage *error_page;
  GtkLabel *summary_label;
  GtkBox *domains_box;
};

G_DEFINE_FINAL_TYPE (DlvDomainsPage, dlv_domains_page, ADW_TYPE_BIN)

typedef enum
{
  VERDICT_READY,
  VERDICT_WEAK_DMARC,
  VERDICT_BLOCKED,
  VERDICT_UNCHECKED,
} Verdict;

static const struct {
  const char *text;
  const char *icon;
  const char *css;
} verdicts[] = {
  [VERDICT_READY] = { N_("Ready to send"), "emblem-ok-symbolic", "success" },
  [VERDICT_WEAK_DMARC] = { N_("Sending works, but a missing or invalid DMARC record hurts inbox "
                              "placement"), "dialog-warning-symbolic", "warning" },
  [VERDICT_BLOCKED] = { N_("Sending is blocked: DKIM 1, DKIM 2 and SPF / Return-Path must all be "
                           "valid"), "dialog-error-symbolic", "error" },
  [VERDICT_UNCHECKED] = { N_("Not checked yet: sending needs DKIM 1, DKIM 2 and SPF / Return-Path "
                             "to be valid"), "dialog-question-symbolic", "dim-label" },
};

static const char * const record_titles[DLV_N_RECORD_NAMES] = {
  [DLV_RECORD_DKIM1] = N_("DKIM 1"),
  [DLV_RECORD_DKIM2] = N_("DKIM 2"),
  [DLV_RECORD_SPF_RETURN_PATH] = N_("SPF / Return-Path (MX)"),
  [DLV_RECORD_DMARC] = N_("DMARC"),
};

static const struct {
  const char *word;
  const char *circle_css;
} statuses[] = {
  [DLV_RECORD_STATUS_UNKNOWN] = { N_("Not checked"), "unknown" },
  [DLV_RECORD_STATUS_VALID] = { N_("Valid"), "valid" },
  [DLV_RECORD_STATUS_INVALID] = { N_("Invalid"), "invalid" },
  [DLV_RECORD_STATUS_MISSING] = { N_("Missing"), "missing" },
};

/* The status column comes from the store; a value this version does not
 * know is shown as not checked rather than trusted. */
static DlvRecordStatus
get_status (const DlvDomainRecord *record)
{
  if ((guint) record->status >= G_N_ELEMENTS (statuses))
    return DLV_RECORD_STATUS_UNKNOWN;

  return record->status;
}

static gboolean
is_required (DlvRecordName name)
{
  return name != DLV_RECORD_DMARC;
}

static Verdict
get_verdict (const DlvDomain *domain)
{
  DlvRecordStatus dmarc = get_status (&domain->records[DLV_RECORD_DMARC]);

  if (dlv_domain_can_send (domain))
    {
      if (dmarc == DLV_RECORD_STATUS_INVALID || dmarc == DLV_RECORD_STATUS_MISSING)
        return VERDICT_WEAK_DMARC;
      return VERDICT_READY;
    }

  for (guint i = 0; i < DLV_N_RECORD_NAMES; i++)
    {
      DlvRecordStatus status = get_status (&domain->records[i]);

      if (is_required (i) &&
          (status == DLV_RECORD_STATUS_INVALID || status == DLV_RECORD_STATUS_MISSING))
        return VERDICT_BLOCKED;
    }

  return VERDICT_UNCHECKED;
}

/* The colour of a status word follows what it means for sending: a missing
 * DKIM key blocks, a missing DMARC record only warns. */
static const char *
get_word_css (DlvRecordName   name,
              DlvRecordStatus status)
{
  switch (status)
    {
    case DLV_RECORD_STATUS_VALID:
      return "success";
    case DLV_RECORD_STATUS_INVALID:
    case DLV_RECORD_STATUS_MISSING:
      return is_required (name) ? "error" : "warning";
    case DLV_RECORD_STATUS_UNKNOWN:
    default:
      return "dim-label";
    }
}

static gboolean
has_text (const char *str)
{
  return str != NULL && str[0] != '\0';
}

/* The provider's own explanation wins; otherwise one sentence of ours on
 * what the status means and what to do about it. */
static char *
dup_fix_sentence (const DlvDomain *domain,
                  DlvRecordName    name)
{
  const DlvDomainRecord *record = &domain->records[name];
  DlvRecordStatus status = get_status (record);
  gboolean dkim = name == DLV_RECORD_DKIM1 || name == DLV_RECORD_DKIM2;

  if (has_text (record->detail))
    return g_strdup (record->detail);

  if (status == DLV_RECORD_STATUS_UNKNOWN)
    return g_strdup (_("Not checked yet: the provider has not reported this record."));

  if (status == DLV_RECORD_STATUS_VALID)
    {
      if (dkim)
        return g_strdup (_("Published as expected: receivers can verify the signatures made with "
                           "this key."));
      if (name == DLV_RECORD_SPF_RETURN_PATH)
        return g_strdup (_("Published as expected: bounces return to the provider and SPF "
                           "passes for this domain."));
      return g_strdup (_("Published: receivers know what to do with mail that fails "
                         "authentication."));
    }

  if (name == DLV_RECORD_DMARC && status == DLV_RECORD_STATUS_MISSING)
    {
      g_autofree char *host = NULL;
      g_autofree char *example = NULL;

      host = has_text (record->host) ? g_strdup (record->host)
                                     : g_strconcat ("_dmarc.", domain->domain, NULL);
      example = has_text (record->expected)
                  ? g_strdup (record->expected)
                  : g_strdup_printf ("v=DMARC1; p=none; rua=mailto:dmarc-reports@%s",
                                     domain->domain);
      /* Translators: the first %s is a DNS host name, the second a DMARC record */
      return g_strdup_printf (_("Publish a TXT record at %s, for example %s"), host, example);
    }

  if (!has_text (record->expected))
    return g_strdup (_("Check this record in the provider’s domain settings and publish the "
                       "value it asks for."));

  if (name == DLV_RECORD_DMARC)
    return g_strdup (_("Receivers cannot use this DMARC record: replace it with a valid one, such "
                       "as the value below."));
  if (status == DLV_RECORD_STATUS_MISSING)
    return g_strdup (_("Publish the record below at your DNS host: until it is found, the "
                       "provider blocks sending from this domain."));
  if (dkim)
    return g_strdup (_("The record does not hold the expected key, so signatures fail: change "
                       "it to the value below."));
  return g_strdup (_("The record does not point to the provider, so bounces and SPF checks fail: "
                     "change it to the value below."));
}

/* Everything a card shows, so a reload can tell whether it must be rebuilt. */
static char *
dup_signature (const DlvDomain *domain)
{
  GString *str = g_string_new (domain->domain);

  g_string_append_printf (str, "\x1f%s", domain->account ? domain->account : "");
  for (guint i = 0; i < DLV_N_RECORD_NAMES; i++)
    {
      const DlvDomainRecord *r = &domain->records[i];
      const char *fields[] = { r->host, r->type, r->expected, r->detail };

      g_string_append_printf (str, "\x1e%d", (int) r->status);
      for (guint j = 0; j < G_N_ELEMENTS (fields); j++)
        {
          g_string_append_c (str, '\x1f');
          if (fields[j] != NULL)
            g_string_append (str, fields[j]);
          else
            g_string_append_c (str, '\x1d');
        }
    }

  return g_string_free (str, FALSE);
}

static GtkWidget *
create_label (const char *text,
              const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  /* Host names and DKIM values have no spaces: let them break anywhere. */
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

static gboolean
restore_copy_icon_cb (gpointer user_data)
{
  GtkButton *button = user_data;

  gtk_button_set_icon_name (button, "edit-copy-symbolic");
  g_object_set_data (G_OBJECT (button), "dlv-restore-id", NULL);

  return G_SOURCE_REMOVE;
}

static void
copy_clicked_cb (GtkButton *button,
                 gpointer   user_data)
{
  const char *text = g_object_get_data (G_OBJECT (button), "dlv-copy-text");
  guint restore_id = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "dlv-restore-id"));

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), text);

  /* A tick in place of the copy icon, for a moment, says it worked. */
  if (restore_id != 0)
    g_source_remove (restore_id);
  gtk_button_set_icon_name (button, "object-select-symbolic");
  restore_id = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, COPIED_FEEDBACK_SECONDS,
                                           restore_copy_icon_cb, g_object_ref (button),
                                           g_object_unref);
  g_object_set_data (G_OBJECT (button), "dlv-restore-id", GUINT_TO_POINTER (restore_id));
}

static GtkWidget *
create_value_row (GtkSizeGroup *key_group,
                  const char   *key,
                  const char   *value,
                  const char   *copy_tooltip,
                  const char   *copy_label)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *key_label = gtk_label_new (key);
  GtkWidget *value_label = create_label (value, "monospace");

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_size_request (box, -1, 34);

  gtk_label_set_xalign (GTK_LABEL (key_label), 0);
  gtk_widget_add_css_class (key_label, "dim-label");
  gtk_size_group_add_widget (key_group, key_label);
  gtk_label_set_selectable (GTK_LABEL (value_label), TRUE);
  gtk_widget_set_hexpand (value_label, TRUE);
  gtk_box_append (GTK_BOX (box), key_label);
  gtk_box_append (GTK_BOX (box), value_label);

  if (copy_tooltip != NULL)
    {
      GtkWidget *button = gtk_button_new_from_icon_name ("edit-copy-symbolic");

      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, copy_tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, copy_label,
                                      -1);
      g_object_set_data_full (G_OBJECT (button), "dlv-copy-text", g_strdup (value), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (copy_clicked_cb), NULL);
      gtk_box_append (GTK_BOX (box), button);
    }

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  return row;
}

static GtkWidget *
create_status_chip (DlvRecordName   name,
                    DlvRecordStatus status)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *circle;
  GtkWidget *word = gtk_label_new (_(statuses[status].word));

  /* The word says it all to a screen reader; the circle is decoration. */
  circle = g_object_new (GTK_TYPE_BOX,
                         "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                         "valign", GTK_ALIGN_CENTER,
                         NULL);
  gtk_widget_add_css_class (circle, "record-circle");
  gtk_widget_add_css_class (circle, statuses[status].circle_css);

  gtk_widget_add_css_class (word, "record-status");
  gtk_widget_add_css_class (word, get_word_css (name, status));

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), circle);
  gtk_box_append (GTK_BOX (box), word);

  return box;
}

static gboolean
has_values (const DlvDomainRecord *record)
{
  return has_text (record->host) || has_text (record->type) || has_text (record->expected);
}

static GtkWidget *
create_record_row (const DlvDomain *domain,
                   DlvRecordName    name)
{
  const DlvDomainRecord *record = &domain->records[name];
  DlvRecordStatus status = get_status (record);
  const char *title = _(record_titles[name]);
  g_autoptr(GtkSizeGroup) key_group = NULL;
  g_autofree char *fix = dup_fix_sentence (domain, name);
  AdwExpanderRow *row;

  /* Nothing to publish or copy: a plain row, with nothing to expand. */
  if (!has_values (record))
    {
      GtkWidget *plain = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (plain), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (plain), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (plain), fix);
      adw_action_row_add_suffix (ADW_ACTION_ROW (plain), create_status_chip (name, status));
      return plain;
    }

  row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  key_group = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);

  /* Details and values come from the provider: plain text only. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_expander_row_set_subtitle (row, fix);
  adw_expander_row_add_action (row, create_status_chip (name, status));

  if (has_text (record->host))
    {
      /* Translators: %s is a record such as “DKIM 1” */
      g_autofree char *label = g_strdup_printf (_("Copy the host of %s"), title);

      adw_expander_row_add_row (row, create_value_row (key_group, _("Host"), record->host,
                                                       _("Copy host"), label));
    }
  if (has_text (record->type))
    adw_expander_row_add_row (row, create_value_row (key_group, _("Type"), record->type,
                                                     NULL, NULL));
  if (has_text (record->expected))
    {
      /* Translators: %s is a record such as “DKIM 1” */
      g_autofree char *label = g_strdup_printf (_("Copy the value of %s"), title);

      adw_expander_row_add_row (row, create_value_row (key_group, _("Value"), record->expected,
                                                       _("Copy value"), label));
    }

  /* What needs fixing is open from the start, with the values to publish. */
  adw_expander_row_set_expanded (row, status != DLV_RECORD_STATUS_VALID);

  return GTK_WIDGET (row);
}

static GtkWidget *
create_card (const DlvDomain *domain)
{
  Verdict verdict = get_verdict (domain);
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *verdict_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *verdict_icon = gtk_image_new_from_icon_name (verdicts[verdict].icon);
  GtkWidget *verdict_label = create_label (_(verdicts[verdict].text), NULL);
  GtkWidget *list = gtk_list_box_new ();
  g_autofree char *list_label = NULL;

  gtk_widget_add_css_class (card, "domain-card");
  gtk_accessible_update_property (GTK_ACCESSIBLE (card),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, domain->domain,
                                  -1);

  gtk_box_append (GTK_BOX (header), create_label (domain->domain, "title-4"));
  if (has_text (domain->account))
    {
      /* Translators: %s is the name of an account, such as “Demo” */
      g_autofree char *account = g_strdup_printf (_("Account: %s"), domain->account);

      gtk_box_append (GTK_BOX (header), create_label (account, "dim-label"));
    }
  gtk_box_append (GTK_BOX (card), header);

  gtk_widget_add_css_class (verdict_box, "domain-verdict");
  gtk_widget_add_css_class (verdict_box, verdicts[verdict].css);
  gtk_widget_set_valign (verdict_icon, GTK_ALIGN_START);
  gtk_widget_set_hexpand (verdict_label, TRUE);
  gtk_box_append (GTK_BOX (verdict_box), verdict_icon);
  gtk_box_append (GTK_BOX (verdict_box), verdict_label);
  gtk_box_append (GTK_BOX (card), verdict_box);

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  /* Translators: %s is a domain name */
  list_label = g_strdup_printf (_("Records of %s"), domain->domain);
  gtk_accessible_update_property (GTK_ACCESSIBLE (list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, list_label,
                                  -1);
  for (guint i = 0; i < DLV_N_RECORD_NAMES; i++)
    gtk_list_box_append (GTK_LIST_BOX (list), create_record_row (domain, i));
  gtk_box_append (GTK_BOX (card), list);

  return card;
}

static void
remove_all_cards (DlvDomainsPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->domains_box))) != NULL)
    gtk_box_remove (self->domains_box, child);
  g_hash_table_remove_all (self->cards);
}

static void
update_summary (DlvDomainsPage *self,
                guint           n_domains,
                guint           n_blocked)
{
  g_autofree char *text = NULL;

  if (n_blocked == 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u sending domain, ready to send",
                                         "%u sending domains, all ready to send", n_domains),
                            n_domains);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         /* Translators: “1 of 3 domains cannot send” */
                                         "%u of %u domain cannot send",
                                         "%u of %u domains cannot send", n_domains),
                            n_blocked, n_domains);

  gtk_label_set_text (self->summary_label, text);
}

static void
dlv_domains_page_dispose (GObject *object)
{
  DlvDomainsPage *self = (DlvDomainsPage *) object;

  g_clear_object (&self->store);
  g_clear_pointer (&self->cards, g_hash_table_unref);
  /* The stack is both AdwBin's child and a bound template child: let AdwBin
   * drop it first, or it would unparent it again after the template did. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), DLV_TYPE_DOMAINS_PAGE);

  G_OBJECT_CLASS (dlv_domains_page_parent_class)->dispose (object);
}

static void
dlv_domains_page_class_init (DlvDomainsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dlv_domains_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/dlv-domains-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DlvDomainsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, DlvDomainsPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, DlvDomainsPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, DlvDomainsPage, domains_box);
}

static void
dlv_domains_page_init (DlvDomainsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cards = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

/**
 * dlv_domains_page_set_store:
 * @store: (nullable): the store to read the domains from
 *
 * Shows the domains of @store at once; call dlv_domains_page_reload() after
 * each poll.
 */
void
dlv_domains_page_set_store (DlvDomainsPage *self,
                            DlvStore       *store)
{
  g_return_if_fail (DLV_IS_DOMAINS_PAGE (self));
  g_return_if_fail (store == NULL || DLV_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  dlv_domains_page_reload (self);
}

void
dlv_domains_page_reload (DlvDomainsPage *self)
{
  g_autoptr(GPtrArray) domains = NULL;
  g_autoptr(GPtrArray) order = NULL;
  g_autoptr(GHashTable) cards = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *previous = NULL;
  GtkWidget *child;
  guint n_blocked = 0;

  g_return_if_fail (DLV_IS_DOMAINS_PAGE (self));

  if (self->store == NULL)
    {
      remove_all_cards (self);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  domains = dlv_store_list_domains (self->store, self->account_id, &error);
  if (domains == NULL)
    {
      g_warning ("Could not read the domains: %s", error->message);
      /* Cards already shown stay: stale records beat an empty page. */
      if (g_hash_table_size (self->cards) == 0)
        {
          g_autofree char *escaped = g_markup_escape_text (error->message, -1);

          adw_status_page_set_description (self->error_page, escaped);
          gtk_stack_set_visible_child_name (self->stack, "error");
        }
      return;
    }

  cards = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  order = g_ptr_array_new ();

  for (guint i = 0; i < domains->len; i++)
    {
      const DlvDomain *domain = g_ptr_array_index (domains, i);
      g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT "/%s",
                                              domain->account_id, domain->domain);
      g_autofree char *signature = NULL;
      GtkWidget *card;

      if (g_hash_table_contains (cards, key))
        continue;

      if (get_verdict (domain) == VERDICT_BLOCKED)
        n_blocked++;

      signature = dup_signature (domain);
      card = g_hash_table_lookup (self->cards, key);
      if (card == NULL ||
          g_strcmp0 (g_object_get_data (G_OBJECT (card), "dlv-signature"), signature) != 0)
        {
          card = create_card (domain);
          g_object_set_data_full (G_OBJECT (card), "dlv-signature",
                                  g_steal_pointer (&signature), g_free);
        }

      g_ptr_array_add (order, card);
      g_hash_table_insert (cards, g_steal_pointer (&key), g_object_ref_sink (card));
    }

  /* Cards of domains that went away, or whose records changed, leave. */
  child = gtk_widget_get_first_child (GTK_WIDGET (self->domains_box));
  while (child != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);

      if (!g_ptr_array_find (order, child, NULL))
        gtk_box_remove (self->domains_box, child);
      child = next;
    }

  for (guint i = 0; i < order->len; i++)
    {
      GtkWidget *card = g_ptr_array_index (order, i);

      if (gtk_widget_get_parent (card) == NULL)
        gtk_box_insert_child_after (self->domains_box, card, previous);
      else
        gtk_box_reorder_child_after (self->domains_box, card, previous);
      previous = card;
    }

  g_hash_table_unref (self->cards);
  self->cards = g_steal_pointer (&cards);

  update_summary (self, order->len, n_blocked);
  gtk_stack_set_visible_child_name (self->stack, order->len > 0 ? "domains" : "empty");
}

/**
 * dlv_domains_page_set_account:
 * @account_id: the account to show, 0 for all of them
 */
void
dlv_domains_page_set_account (DlvDomainsPage *self,
                              gint64          account_id)
{
  g_return_if_fail (DLV_IS_DOMAINS_PAGE (self));

  if (self->account_id == account_id)
    return;

  self->account_id = account_id;
  dlv_domains_page_reload (self);
}

/**
 * dlv_domains_page_reveal_domain:
 * @domain: a sending domain
 *
 * Scrolls to @domain's card, focusing its first control: what an alert
 * about one of its records leads to.
 *
 * Returns: whether a card was found
 */
gboolean
dlv_domains_page_reveal_domain (DlvDomainsPage *self,
                                const char     *domain)
{
  g_autofree char *suffix = NULL;
  GHashTableIter iter;
  gpointer key, card;

  g_return_val_if_fail (DLV_IS_DOMAINS_PAGE (self), FALSE);
  g_return_val_if_fail (domain != NULL, FALSE);

  suffix = g_strconcat ("/", domain, NULL);
  g_hash_table_iter_init (&iter, self->cards);
  while (g_hash_table_iter_next (&iter, &key, &card))
    if (g_str_has_suffix (key, suffix))
      return gtk_widget_child_focus (card, GTK_DIR_TAB_FORWARD);

  return FALSE;
}
