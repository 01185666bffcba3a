/* dlv-message-summary.c: a message explained in plain text, for support tickets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "dlv-message-summary"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dlv-message-summary.h"
#include "dlv-util.h"

static const char *
status_word (DlvMessageStatus status)
{
  static const char * const words[DLV_N_MESSAGE_STATUSES] = {
    N_("accepted by the provider, not yet attempted"), N_("deferred: delivery is being retried"),
    N_("delivered"), N_("soft bounce: a temporary failure the provider stopped retrying"),
    N_("hard bounce: refused for good"), N_("expired: still deferred when the retries ended"),
    N_("blocked: the provider refused to send it"),
  };

  return _(words[status]);
}

static void
append_reason (GString          *text,
               const DlvMessage *m,
               gint64            now)
{
  const DlvReasonInfo *info = &m->reason_info;

  if (m->reason_at == 0)
    return;

  g_string_append_printf (text, "\n%s %s\n", _("Reason given:"), m->reason ? m->reason : "");
  if (info->smtp_code != 0 || info->enhanced_code[0] != '\0')
    {
      g_string_append_printf (text, "%s %s", _("SMTP code:"),
                              info->smtp_code ? "" : "—");
      if (info->smtp_code != 0)
        g_string_append_printf (text, "%d", info->smtp_code);
      g_string_append_printf (text, ", %s %s\n", _("enhanced code:"),
                              info->enhanced_code[0] ? info->enhanced_code : "—");
    }
  g_string_append_printf (text, "%s %s (%s)\n", _("What it means:"),
                          dlv_reason_cause_title (info->cause), dlv_reason_origin_title (info->origin));
  g_string_append_printf (text, "%s\n", dlv_reason_cause_summary (info->cause));
  g_string_append_printf (text, "%s %s\n", _("What to do:"), dlv_reason_cause_advice (info->cause));
  g_string_append_printf (text, "%s %s\n", _("Action needed by the sender:"),
                          dlv_message_get_action_needed (m, now) ? _("yes") : _("no"));
}

/**
 * dlv_message_format_summary:
 * @events: (element-type DlvEvent) (nullable): the timeline, oldest first
 *
 * What a support agent pastes into a ticket: who, what, where it stands,
 * why, and every attempt.
 *
 * Returns: (transfer full): plain text, several lines
 */
char *
dlv_message_format_summary (const DlvMessage *m,
                            GPtrArray        *events,
                            gint64            now)
{
  g_autoptr(GString) text = g_string_new (NULL);
  DlvMessageStatus status;

  g_return_val_if_fail (m != NULL, NULL);

  status = dlv_message_get_status (m, now);
  g_string_append_printf (text, "%s %s\n", _("To:"), m->recipient ? m->recipient : "—");
  g_string_append_printf (text, "%s %s\n", _("From:"), m->sender ? m->sender : "—");
  g_string_append_printf (text, "%s %s\n", _("Subject:"), m->subject ? m->subject : "—");
  if (m->provider_message_id != NULL)
    g_string_append_printf (text, "%s %s\n", _("Message ID:"), m->provider_message_id);
  g_string_append_printf (text, "%s %s (%s %d)\n", _("Status:"), status_word (status),
                          _("attempts:"), m->attempts);

  append_reason (text, m, now);

  if (events != NULL && events->len > 0)
    {
      g_string_append_printf (text, "\n%s\n", _("Timeline (UTC):"));
      for (guint i = 0; i < events->len; i++)
        {
          const DlvEvent *e = g_ptr_array_index (events, i);
          g_autofree char *at = dlv_format_iso8601 (e->at);

          g_string_append_printf (text, "  %s  %s", at, dlv_event_kind_to_string (e->kind));
          if (e->attempt > 0)
            g_string_append_printf (text, " #%d", e->attempt);
          if (e->reason != NULL)
            g_string_append_printf (text, "  %s", e->reason);
          g_string_append_c (text, '\n');
        }
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}
