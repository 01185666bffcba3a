/* dlv-message-dialog.c: one message, its reason explained and every attempt
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "dlv-message-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "dlv-compat.h"
#include "dlv-message-dialog.h"
#include "dlv-message-summary.h"
#include "dlv-status-badge.h"
#include "dlv-util.h"

struct _DlvMessageDialog
{
  AdwWindow parent_instance;

  DlvMessage *message;
  GPtrArray *events;
  gint64 now;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  DlvStatusBadge *badge;
  GtkLabel *subject_label;
  GtkLabel *meta_label;
  GtkWidget *reason_box;
  GtkLabel *cause_label;
  GtkLabel *reason_label;
  GtkLabel *explanation_label;
  GtkListBox *timeline;
};

G_DEFINE_FINAL_TYPE (DlvMessageDialog, dlv_message_dialog, ADW_TYPE_WINDOW)

static char *
format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_seconds);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);

  /* Translators: a date and time in the timeline, see g_date_time_format() */
  return g_date_time_format (local, _("%b %-d, %H:%M:%S"));
}

/* One row per event. Remote text goes into plain labels, never markup. */
static GtkWidget *
create_event_row (const DlvEvent *event)
{
  g_autofree char *when = format_time (event->at);
  g_autofree char *title = NULL;
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  GtkWidget *time_label = gtk_label_new (when);

  if (event->attempt > 0)
    title = g_strdup_printf (_("%s, attempt %d"), dlv_event_kind_title (event->kind),
                             event->attempt);
  else
    title = g_strdup (dlv_event_kind_title (event->kind));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (event->reason != NULL || event->mx != NULL)
    {
      g_autofree char *subtitle = g_strdup_printf ("%s%s%s", event->reason ? event->reason : "",
                                                   event->reason && event->mx ? " — " : "",
                                                   event->mx ? event->mx : "");
      adw_action_row_set_subtitle (row, subtitle);
      adw_action_row_set_subtitle_lines (row, 4);
    }

  gtk_widget_add_css_class (time_label, "dim-label");
  gtk_widget_add_css_class (time_label, "numeric");
  adw_action_row_add_suffix (row, time_label);

  return GTK_WIDGET (row);
}

static void
show_reason (DlvMessageDialog *self)
{
  const DlvMessage *m = self->message;
  const DlvReasonInfo *info = &m->reason_info;
  g_autofree char *cause = NULL;
  g_autofree char *explanation = NULL;

  gtk_widget_set_visible (self->reason_box, m->reason_at != 0);
  if (m->reason_at == 0)
    return;

  if (info->smtp_code != 0 || info->enhanced_code[0] != '\0')
    cause = g_strdup_printf ("%s — %s %d, %s %s", dlv_reason_cause_title (info->cause),
                             _("SMTP"), info->smtp_code, _("enhanced"),
                             info->enhanced_code[0] ? info->enhanced_code : "—");
  else
    cause = g_strdup (dlv_reason_cause_title (info->cause));

  explanation = g_strdup_printf ("%s\n%s\n\n%s", dlv_reason_cause_summary (info->cause),
                                 dlv_reason_cause_advice (info->cause),
                                 dlv_message_get_action_needed (m, self->now)
                                 ? _("You should act on this.") : _("No action needed."));

  gtk_label_set_label (self->cause_label, cause);
  gtk_label_set_label (self->reason_label, m->reason ? m->reason : "");
  gtk_label_set_label (self->explanation_label, explanation);
}

static void
show_message (DlvMessageDialog *self)
{
  const DlvMessage *m = self->message;
  g_autoptr(DlvMessageItem) item = dlv_message_item_new (dlv_message_copy (m), self->now);
  g_autoptr(GString) meta = g_string_new (NULL);

  gtk_window_set_title (GTK_WINDOW (self), m->recipient ? m->recipient : _("Message"));
  dlv_status_badge_set_item (self->badge, item);
  gtk_label_set_label (self->subject_label, m->subject ? m->subject : _("(no subject)"));

  /* Only what is known; no dashes for what the provider did not say. */
  if (m->recipient != NULL)
    g_string_append_printf (meta, _("To: %s\n"), m->recipient);
  if (m->sender != NULL)
    g_string_append_printf (meta, _("From: %s\n"), m->sender);
  if (m->campaign != NULL)
    g_string_append_printf (meta, _("Campaign: %s\n"), m->campaign);
  if (m->account != NULL)
    g_string_append_printf (meta, _("Account: %s"), m->account);
  gtk_label_set_label (self->meta_label, g_strchomp (meta->str));

  show_reason (self);
  for (guint i = 0; i < self->events->len; i++)
    gtk_list_box_append (self->timeline, create_event_row (g_ptr_array_index (self->events, i)));
}

static void
copy_clicked_cb (DlvMessageDialog *self)
{
  g_autofree char *summary = dlv_message_dialog_dup_summary (self);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), summary);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Summary copied")));
}

static void
dlv_message_dialog_dispose (GObject *object)
{
  DlvMessageDialog *self = (DlvMessageDialog *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), DLV_TYPE_MESSAGE_DIALOG);
  g_clear_pointer (&self->message, dlv_message_free);
  g_clear_pointer (&self->events, g_ptr_array_unref);

  G_OBJECT_CLASS (dlv_message_dialog_parent_class)->dispose (object);
}

static void
dlv_message_dialog_class_init (DlvMessageDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dlv_message_dialog_dispose;

  g_type_ensure (DLV_TYPE_STATUS_BADGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/dlv-message-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DlvMessageDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DlvMessageDialog, badge);
  gtk_widget_class_bind_template_child (widget_class, DlvMessageDialog, subject_label);
  gtk_widget_class_bind_template_child (widget_class, DlvMessageDialog, meta_label);
  gtk_widget_class_bind_template_child (widget_class, DlvMessageDialog, reason_box);
  gtk_widget_class_bind_template_child (widget_class, DlvMessageDialog, cause_label);
  gtk_widget_class_bind_template_child (widget_class, DlvMessageDialog, reason_label);
  gtk_widget_class_bind_template_child (widget_class, DlvMessageDialog, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, DlvMessageDialog, timeline);
  gtk_widget_class_bind_template_callback (widget_class, copy_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
dlv_message_dialog_init (DlvMessageDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * dlv_message_dialog_new:
 * @store: the store to read the message and its events from
 *
 * Returns: (transfer floating): the dialog; it says so when the message
 *   cannot be read
 */
DlvMessageDialog *
dlv_message_dialog_new (DlvStore *store,
                        gint64    message_id)
{
  DlvMessageDialog *self = g_object_new (DLV_TYPE_MESSAGE_DIALOG, NULL);
  g_autoptr(GError) error = NULL;

  self->now = dlv_now ();
  self->message = dlv_store_get_message (store, message_id, &error);
  if (self->message != NULL)
    self->events = dlv_store_get_message_events (store, message_id, &error);

  if (self->events != NULL)
    show_message (self);
  else
    adw_toast_overlay_add_toast (self->toast_overlay, dlv_compat_toast_new_plain (error->message));

  return self;
}

/**
 * dlv_message_dialog_dup_summary:
 *
 * Returns: (transfer full): what "Copy Summary" puts on the clipboard
 */
char *
dlv_message_dialog_dup_summary (DlvMessageDialog *self)
{
  g_return_val_if_fail (DLV_IS_MESSAGE_DIALOG (self), NULL);

  if (self->message == NULL)
    return g_strdup ("");

  return dlv_message_format_summary (self->message, self->events, self->now);
}
