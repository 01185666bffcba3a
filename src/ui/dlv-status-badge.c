/* dlv-status-badge.c: a message's status as icon, word and colour
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Never colour alone: every status has its own icon and word too. Hovering
 * a deferral, soft bounce or expiry explains it; the text is built only
 * when the tooltip is asked for, not for every row bound while scrolling.
 */

#define G_LOG_DOMAIN "dlv-status-badge"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "dlv-status-badge.h"
#include "dlv-util.h"

struct _DlvStatusBadge
{
  GtkWidget parent_instance;

  DlvMessageItem *item;
  GtkImage *icon;
  GtkLabel *label;
};

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (DlvStatusBadge, dlv_status_badge, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static const struct {
  const char *icon;
  const char *css;
} statuses[DLV_N_MESSAGE_STATUSES] = {
  [DLV_MESSAGE_STATUS_ACCEPTED] = { "mail-send-symbolic", "accepted" },
  [DLV_MESSAGE_STATUS_DEFERRED] = { "alarm-symbolic", "deferred" },
  [DLV_MESSAGE_STATUS_DELIVERED] = { "emblem-ok-symbolic", "delivered" },
  [DLV_MESSAGE_STATUS_SOFT_BOUNCE] = { "mail-replied-symbolic", "soft-bounce" },
  [DLV_MESSAGE_STATUS_HARD_BOUNCE] = { "dialog-error-symbolic", "hard-bounce" },
  [DLV_MESSAGE_STATUS_EXPIRED] = { "hourglass-symbolic", "expired" },
  [DLV_MESSAGE_STATUS_BLOCKED] = { "action-unavailable-symbolic", "blocked" },
};

const char *
dlv_status_icon_name (DlvMessageStatus status)
{
  g_return_val_if_fail ((guint) status < DLV_N_MESSAGE_STATUSES, NULL);

  return statuses[status].icon;
}

static char *
format_local_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_seconds);
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

  /* Translators: a date and time, see g_date_time_format() */
  return local ? g_date_time_format (local, _("%b %-d, %H:%M")) : g_strdup ("—");
}

static char *
format_duration (gint64 seconds)
{
  if (seconds < 3600)
    return g_strdup_printf (_("%d min"), (int) MAX (seconds / 60, 1));
  if (seconds < 48 * 3600)
    return g_strdup_printf (_("%d h %02d min"), (int) (seconds / 3600),
                            (int) (seconds % 3600 / 60));

  return g_strdup_printf (_("%d days"), (int) (seconds / 86400));
}

static void
append_codes (GString             *markup,
              const DlvReasonInfo *info)
{
  if (info->smtp_code != 0 && info->enhanced_code[0] != '\0')
    g_string_append_printf (markup, "<b>%s</b> %d  ·  <b>%s</b> %s\n", _("SMTP code"),
                            info->smtp_code, _("Enhanced code"), info->enhanced_code);
  else if (info->smtp_code != 0)
    g_string_append_printf (markup, "<b>%s</b> %d\n", _("SMTP code"), info->smtp_code);
  else if (info->enhanced_code[0] != '\0')
    g_string_append_printf (markup, "<b>%s</b> %s\n", _("Enhanced code"), info->enhanced_code);
}

static void
append_timing (GString          *markup,
               const DlvMessage *m,
               DlvMessageStatus  status,
               gint64            now)
{
  g_autofree char *first = NULL;
  g_autofree char *left = NULL;

  if (m->first_deferred_at == 0)
    return;

  first = format_local_time (m->first_deferred_at);
  g_string_append_printf (markup, "<b>%s</b> %s  ·  ", _("First deferred"), first);
  g_string_append_printf (markup, g_dngettext (GETTEXT_PACKAGE, "%d attempt", "%d attempts",
                                               m->attempts), m->attempts);
  g_string_append_c (markup, '\n');

  if (status == DLV_MESSAGE_STATUS_DEFERRED && m->expires_at > now)
    {
      left = format_duration (m->expires_at - now);
      g_string_append_printf (markup, _("Retried for %s more before it expires"), left);
      g_string_append_c (markup, '\n');
    }
}

/* The explanation of a deferral, soft bounce or expiry, as Pango markup.
 * The reason itself is the receiving server's text: escaped, always. */
static char *
build_tooltip (DlvMessageItem *item)
{
  const DlvMessage *m = dlv_message_item_get_message (item);
  DlvMessageStatus status = dlv_message_item_get_status (item);
  gint64 now = dlv_message_item_get_now (item);
  const DlvReasonInfo *info = &m->reason_info;
  g_autoptr(GString) markup = g_string_new (NULL);
  g_autofree char *shown = NULL;
  g_autofree char *escaped = NULL;

  g_string_append_printf (markup, "<b>%s</b>\n", dlv_message_status_title (status));
  if (m->reason_at == 0)
    {
      append_timing (markup, m, status, now);
      return g_strchomp (g_string_free (g_steal_pointer (&markup), FALSE));
    }

  append_codes (markup, info);
  /* Long replies (whole bounce bodies) are cut at a character boundary;
   * g_utf8_substring() needs an end within the string. */
  shown = g_utf8_substring (m->reason ? m->reason : "", 0,
                            MIN (g_utf8_strlen (m->reason ? m->reason : "", -1), 600));
  escaped = g_markup_escape_text (shown, -1);
  g_string_append_printf (markup, "<tt>%s</tt>\n\n", escaped);
  g_string_append_printf (markup, "<b>%s</b> — %s\n", dlv_reason_cause_title (info->cause),
                          dlv_reason_origin_title (info->origin));
  g_string_append_printf (markup, "%s\n", dlv_reason_cause_summary (info->cause));
  g_string_append_printf (markup, "%s\n\n", dlv_reason_cause_advice (info->cause));
  append_timing (markup, m, status, now);
  g_string_append_printf (markup, "<b>%s</b>",
                          dlv_message_get_action_needed (m, now) ? _("You should act on this.")
                                                                 : _("No action needed."));

  return g_string_free (g_steal_pointer (&markup), FALSE);
}

/**
 * dlv_status_badge_dup_tooltip:
 *
 * Returns: (transfer full) (nullable): the tooltip markup for the badge's
 *   message, or %NULL when its status has nothing to explain
 */
char *
dlv_status_badge_dup_tooltip (DlvStatusBadge *self)
{
  DlvMessageStatus status;

  g_return_val_if_fail (DLV_IS_STATUS_BADGE (self), NULL);

  if (self->item == NULL)
    return NULL;

  status = dlv_message_item_get_status (self->item);
  if (status == DLV_MESSAGE_STATUS_DELIVERED || status == DLV_MESSAGE_STATUS_ACCEPTED)
    return NULL;

  return build_tooltip (self->item);
}

static gboolean
query_tooltip_cb (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard_mode,
                  GtkTooltip *tooltip)
{
  /* Every remote string in it was escaped by build_tooltip(). */
  g_autofree char *escaped_markup = dlv_status_badge_dup_tooltip (DLV_STATUS_BADGE (widget));

  if (escaped_markup == NULL)
    return FALSE;

  gtk_tooltip_set_markup (tooltip, escaped_markup);
  return TRUE;
}

static void
update (DlvStatusBadge *self)
{
  DlvMessageStatus status = self->item ? dlv_message_item_get_status (self->item)
                                       : DLV_MESSAGE_STATUS_ACCEPTED;
  g_autofree char *accessible = NULL;

  for (guint i = 0; i < DLV_N_MESSAGE_STATUSES; i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self), statuses[i].css);
  gtk_widget_add_css_class (GTK_WIDGET (self), statuses[status].css);

  gtk_image_set_from_icon_name (self->icon, statuses[status].icon);
  gtk_label_set_label (self->label, dlv_message_status_title (status));

  /* Translators: read by screen readers, e.g. "Status: Deferred" */
  accessible = g_strdup_printf (_("Status: %s"), dlv_message_status_title (status));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
}

static void
dlv_status_badge_dispose (GObject *object)
{
  DlvStatusBadge *self = (DlvStatusBadge *) object;
  GtkWidget *child;

  g_clear_object (&self->item);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (dlv_status_badge_parent_class)->dispose (object);
}

static void
dlv_status_badge_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DlvStatusBadge *self = DLV_STATUS_BADGE (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dlv_status_badge_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  DlvStatusBadge *self = DLV_STATUS_BADGE (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      dlv_status_badge_set_item (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dlv_status_badge_class_init (DlvStatusBadgeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dlv_status_badge_dispose;
  object_class->get_property = dlv_status_badge_get_property;
  object_class->set_property = dlv_status_badge_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, DLV_TYPE_MESSAGE_ITEM,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "dlv-status-badge");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
dlv_status_badge_init (DlvStatusBadge *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 6);
  gtk_widget_add_css_class (GTK_WIDGET (self), "status-badge");
  gtk_widget_set_halign (GTK_WIDGET (self), GTK_ALIGN_START);
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);

  self->icon = GTK_IMAGE (gtk_image_new ());
  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_parent (GTK_WIDGET (self->icon), GTK_WIDGET (self));
  gtk_widget_set_parent (GTK_WIDGET (self->label), GTK_WIDGET (self));

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
  update (self);
}

GtkWidget *
dlv_status_badge_new (void)
{
  return g_object_new (DLV_TYPE_STATUS_BADGE, NULL);
}

void
dlv_status_badge_set_item (DlvStatusBadge *self,
                           DlvMessageItem *item)
{
  g_return_if_fail (DLV_IS_STATUS_BADGE (self));

  if (!g_set_object (&self->item, item))
    return;

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}

DlvMessageItem *
dlv_status_badge_get_item (DlvStatusBadge *self)
{
  g_return_val_if_fail (DLV_IS_STATUS_BADGE (self), NULL);

  return self->item;
}
