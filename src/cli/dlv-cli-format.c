/* dlv-cli-format.c: how the command line prints messages, events and domains
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "dlv-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "dlv-cli-format.h"
#include "dlv-util.h"

static void
add_time (JsonBuilder *builder,
          const char  *name,
          gint64       at)
{
  g_autofree char *iso = at != 0 ? dlv_format_iso8601 (at) : NULL;

  json_builder_set_member_name (builder, name);
  if (iso != NULL)
    json_builder_add_string_value (builder, iso);
  else
    json_builder_add_null_value (builder);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_int_or_null (JsonBuilder *builder,
                 const char  *name,
                 gint64       value)
{
  json_builder_set_member_name (builder, name);
  if (value != 0)
    json_builder_add_int_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_codes (JsonBuilder         *builder,
           const DlvReasonInfo *info)
{
  add_int_or_null (builder, "smtp_code", info->smtp_code);
  add_string (builder, "enhanced_code", info->enhanced_code[0] ? info->enhanced_code : NULL);
}

static void
add_reason (JsonBuilder      *builder,
            const DlvMessage *message,
            gint64            now)
{
  const DlvReasonInfo *info = &message->reason_info;

  json_builder_set_member_name (builder, "reason");
  if (message->reason_at == 0)
    {
      json_builder_add_null_value (builder);
      return;
    }

  json_builder_begin_object (builder);
  add_codes (builder, info);
  add_string (builder, "text", message->reason);
  add_string (builder, "origin", dlv_reason_origin_to_string (info->origin));
  add_string (builder, "cause", dlv_reason_cause_to_string (info->cause));
  json_builder_set_member_name (builder, "action_needed");
  json_builder_add_boolean_value (builder, dlv_message_get_action_needed (message, now));
  add_string (builder, "summary", dlv_reason_cause_summary (info->cause));
  add_string (builder, "advice", dlv_reason_cause_advice (info->cause));
  json_builder_end_object (builder);
}

static void
add_events (JsonBuilder *builder,
            GPtrArray   *events)
{
  json_builder_set_member_name (builder, "events");
  json_builder_begin_array (builder);
  for (guint i = 0; i < events->len; i++)
    {
      const DlvEvent *event = g_ptr_array_index (events, i);

      json_builder_begin_object (builder);
      add_string (builder, "kind", dlv_event_kind_to_string (event->kind));
      add_time (builder, "at", event->at);
      add_int_or_null (builder, "smtp_code", event->smtp_code);
      add_string (builder, "enhanced_code", event->enhanced_code);
      add_string (builder, "text", event->reason);
      add_int_or_null (builder, "attempt", event->attempt);
      add_string (builder, "mx", event->mx);
      add_string (builder, "uid", event->uid);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/**
 * dlv_cli_message_to_json:
 * @events: (nullable) (element-type DlvEvent): the timeline, for `message ID`
 *
 * Returns: (transfer full): the message in the documented JSON shape
 */
JsonNode *
dlv_cli_message_to_json (const DlvMessage *message,
                         GPtrArray        *events,
                         gint64            now)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, message->id);
  add_string (builder, "account", message->account);
  add_string (builder, "provider", message->provider);
  add_string (builder, "provider_message_id", message->provider_message_id);
  add_string (builder, "recipient", message->recipient);
  add_string (builder, "recipient_domain", message->recipient_domain);
  add_string (builder, "recipient_provider",
              dlv_recipient_group_to_string (message->recipient_group));
  add_string (builder, "sender", message->sender);
  add_string (builder, "subject", message->subject);
  add_string (builder, "campaign", message->campaign);
  add_string (builder, "status",
              dlv_message_status_to_string (dlv_message_get_status (message, now)));
  json_builder_set_member_name (builder, "opened");
  json_builder_add_boolean_value (builder, (message->flags & DLV_MESSAGE_FLAG_OPENED) != 0);
  json_builder_set_member_name (builder, "clicked");
  json_builder_add_boolean_value (builder, (message->flags & DLV_MESSAGE_FLAG_CLICKED) != 0);
  json_builder_set_member_name (builder, "attempts");
  json_builder_add_int_value (builder, message->attempts);
  add_time (builder, "first_event_at", message->first_event_at);
  add_time (builder, "last_event_at", message->last_event_at);
  add_time (builder, "first_deferred_at", message->first_deferred_at);
  add_time (builder, "delivered_at", message->delivered_at);
  add_time (builder, "expires_at",
            message->status == DLV_MESSAGE_STATUS_DEFERRED ? message->expires_at : 0);
  add_reason (builder, message, now);
  if (events != NULL)
    add_events (builder, events);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

JsonNode *
dlv_cli_domain_to_json (const DlvDomain *domain)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  add_string (builder, "domain", domain->domain);
  add_string (builder, "account", domain->account);
  json_builder_set_member_name (builder, "can_send");
  json_builder_add_boolean_value (builder, dlv_domain_can_send (domain));
  json_builder_set_member_name (builder, "records");
  json_builder_begin_array (builder);
  for (guint i = 0; i < DLV_N_RECORD_NAMES; i++)
    {
      const DlvDomainRecord *record = &domain->records[i];

      json_builder_begin_object (builder);
      add_string (builder, "name", dlv_record_name_to_string (record->name));
      add_string (builder, "host", record->host);
      add_string (builder, "type", record->type);
      add_string (builder, "expected", record->expected);
      add_string (builder, "status", dlv_record_status_to_string (record->status));
      add_string (builder, "detail", record->detail);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

JsonNode *
dlv_cli_conversion_to_json (const DlvConversion *conversion)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "cohort");
  json_builder_add_int_value (builder, conversion->cohort);
  json_builder_set_member_name (builder, "censored");
  json_builder_add_int_value (builder, conversion->censored);
  json_builder_set_member_name (builder, "points");
  json_builder_begin_array (builder);
  for (guint h = 0; h <= DLV_CONVERSION_HOURS; h++)
    {
      const DlvConversionPoint *p = &conversion->points[h];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "hour");
      json_builder_add_int_value (builder, p->hour);
      json_builder_set_member_name (builder, "delivered");
      json_builder_add_double_value (builder, p->delivered);
      json_builder_set_member_name (builder, "bounced");
      json_builder_add_double_value (builder, p->bounced);
      json_builder_set_member_name (builder, "expired");
      json_builder_add_double_value (builder, p->expired);
      json_builder_set_member_name (builder, "pending");
      json_builder_add_double_value (builder, p->pending);
      json_builder_set_member_name (builder, "at_risk");
      json_builder_add_int_value (builder, p->at_risk);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

JsonNode *
dlv_cli_explanation_to_json (const DlvReasonInfo *info)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  add_string (builder, "origin", dlv_reason_origin_to_string (info->origin));
  add_string (builder, "cause", dlv_reason_cause_to_string (info->cause));
  json_builder_set_member_name (builder, "action_needed");
  json_builder_add_boolean_value (builder, info->action_needed);
  add_codes (builder, info);
  add_string (builder, "title", dlv_reason_cause_title (info->cause));
  add_string (builder, "summary", dlv_reason_cause_summary (info->cause));
  add_string (builder, "advice", dlv_reason_cause_advice (info->cause));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* One line of compact JSON; takes ownership of @node. */
char *
dlv_cli_json_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) owned = node;

  json_generator_set_root (generator, owned);
  return json_generator_to_data (generator, NULL);
}

/* RFC 4180: quote every field, double the quotes inside. */
static void
print_csv_field (const char *value,
                 gboolean    last)
{
  g_autoptr(GString) field = g_string_new (value ? value : "");

  g_string_replace (field, "\"", "\"\"", 0);
  g_print ("\"%s\"%s", field->str, last ? "\r\n" : ",");
}

void
dlv_cli_print_csv_header (void)
{
  g_print ("id,status,recipient,sender,subject,campaign,attempts,first_event_at,"
           "last_event_at,first_deferred_at,delivered_at,smtp_code,enhanced_code,cause,reason\r\n");
}

void
dlv_cli_print_csv_message (const DlvMessage *m,
                           gint64            now)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, m->id);
  g_autofree char *attempts = g_strdup_printf ("%d", m->attempts);
  g_autofree char *first = m->first_event_at ? dlv_format_iso8601 (m->first_event_at) : NULL;
  g_autofree char *last = m->last_event_at ? dlv_format_iso8601 (m->last_event_at) : NULL;
  g_autofree char *deferred = m->first_deferred_at ? dlv_format_iso8601 (m->first_deferred_at) : NULL;
  g_autofree char *delivered = m->delivered_at ? dlv_format_iso8601 (m->delivered_at) : NULL;
  g_autofree char *smtp = m->reason_info.smtp_code
                          ? g_strdup_printf ("%d", m->reason_info.smtp_code) : NULL;
  gboolean has_reason = m->reason_at != 0;

  print_csv_field (id, FALSE);
  print_csv_field (dlv_message_status_to_string (dlv_message_get_status (m, now)), FALSE);
  print_csv_field (m->recipient, FALSE);
  print_csv_field (m->sender, FALSE);
  print_csv_field (m->subject, FALSE);
  print_csv_field (m->campaign, FALSE);
  print_csv_field (attempts, FALSE);
  print_csv_field (first, FALSE);
  print_csv_field (last, FALSE);
  print_csv_field (deferred, FALSE);
  print_csv_field (delivered, FALSE);
  print_csv_field (smtp, FALSE);
  print_csv_field (m->reason_info.enhanced_code, FALSE);
  print_csv_field (has_reason ? dlv_reason_cause_to_string (m->reason_info.cause) : NULL, FALSE);
  print_csv_field (m->reason, TRUE);
}

/* @text followed by spaces up to @width characters: printf pads bytes,
 * which shifts columns after "Délivré" or "Zurückgestellt". */
char *
dlv_cli_pad (const char *text,
             guint       width)
{
  glong length = g_utf8_strlen (text != NULL ? text : "", -1);
  GString *padded = g_string_new (text);

  for (glong i = length; i < (glong) width; i++)
    g_string_append_c (padded, ' ');

  return g_string_free (padded, FALSE);
}

void
dlv_cli_print_message_line (const DlvMessage *m,
                            gint64            now)
{
  g_autofree char *last = dlv_format_iso8601 (m->last_event_at);
  g_autofree char *status = dlv_cli_pad (dlv_message_status_title (dlv_message_get_status (m, now)), 14);
  g_autofree char *recipient = dlv_cli_pad (m->recipient, 34);

  g_print ("%-8" G_GINT64_FORMAT "  %s  %s  %-20s  %s\n",
           m->id, status, recipient, last ? last : "",
           m->subject ? m->subject : "");
}

static void
print_reason_block (const DlvMessage *m,
                    gint64            now)
{
  const DlvReasonInfo *info = &m->reason_info;

  if (m->reason_at == 0)
    return;

  g_print ("\n%s %s\n", _("Reason:"), m->reason ? m->reason : "");
  if (info->smtp_code != 0 || info->enhanced_code[0] != '\0')
    g_print ("  %s %d  %s %s\n", _("SMTP code:"), info->smtp_code,
             _("Enhanced code:"), info->enhanced_code[0] ? info->enhanced_code : "—");
  g_print ("  %s — %s\n", dlv_reason_cause_title (info->cause),
           dlv_reason_origin_title (info->origin));
  g_print ("  %s\n", dlv_reason_cause_summary (info->cause));
  g_print ("  %s\n", dlv_reason_cause_advice (info->cause));
  g_print ("  %s %s\n", _("Action needed:"),
           dlv_message_get_action_needed (m, now) ? _("yes") : _("no"));
}

void
dlv_cli_print_message_detail (const DlvMessage *m,
                              GPtrArray        *events,
                              gint64            now)
{
  g_print ("%s %s\n", _("Message:"), m->provider_message_id ? m->provider_message_id : "");
  g_print ("%s %s\n", _("To:"), m->recipient ? m->recipient : "");
  g_print ("%s %s\n", _("From:"), m->sender ? m->sender : "");
  g_print ("%s %s\n", _("Subject:"), m->subject ? m->subject : "");
  g_print ("%s %s\n", _("Campaign:"), m->campaign ? m->campaign : "");
  g_print ("%s %s (%s %d)\n", _("Status:"),
           dlv_message_status_title (dlv_message_get_status (m, now)),
           _("attempts:"), m->attempts);

  if (dlv_message_get_status (m, now) == DLV_MESSAGE_STATUS_DEFERRED && m->expires_at > now)
    g_print (_("Expires in %.1f hours if it is still deferred then\n"),
             (m->expires_at - now) / 3600.0);

  print_reason_block (m, now);

  g_print ("\n%s\n", _("Timeline:"));
  for (guint i = 0; i < events->len; i++)
    {
      const DlvEvent *e = g_ptr_array_index (events, i);
      g_autofree char *at = dlv_format_iso8601 (e->at);
      g_autofree char *kind = dlv_cli_pad (dlv_event_kind_title (e->kind), 16);

      g_print ("  %s  %s", at, kind);
      if (e->attempt != 0)
        g_print ("  #%d", e->attempt);
      if (e->reason != NULL)
        g_print ("  %s", e->reason);
      g_print ("\n");
    }
}

void
dlv_cli_print_explanation (const DlvReasonInfo *info)
{
  g_print ("%s %s\n", _("Cause:"), dlv_reason_cause_title (info->cause));
  g_print ("%s %s\n", _("Origin:"), dlv_reason_origin_title (info->origin));
  if (info->smtp_code != 0)
    g_print ("%s %d\n", _("SMTP code:"), info->smtp_code);
  if (info->enhanced_code[0] != '\0')
    g_print ("%s %s\n", _("Enhanced code:"), info->enhanced_code);
  g_print ("%s %s\n", _("What happened:"), dlv_reason_cause_summary (info->cause));
  g_print ("%s %s\n", _("What to do:"), dlv_reason_cause_advice (info->cause));
  g_print ("%s %s\n", _("Action needed:"), info->action_needed ? _("yes") : _("no"));
}

void
dlv_cli_print_conversion (const DlvConversion *conversion)
{
  static const guint hours[] = { 0, 1, 2, 4, 6, 12, 24, 36, 48, 60, 72 };

  g_print (_("%u messages were deferred at least once (%u still pending, observed < 72 h).\n"),
           conversion->cohort, conversion->censored);
  g_print ("%6s  %10s  %10s  %10s  %10s\n",
           _("Hour"), _("Delivered"), _("Bounced"), _("Expired"), _("Pending"));
  for (guint i = 0; i < G_N_ELEMENTS (hours); i++)
    {
      const DlvConversionPoint *p = &conversion->points[hours[i]];

      g_print ("%6u  %9.1f%%  %9.1f%%  %9.1f%%  %9.1f%%\n", p->hour,
               100 * p->delivered, 100 * p->bounced, 100 * p->expired, 100 * p->pending);
    }
}

void
dlv_cli_print_domain (const DlvDomain *domain)
{
  static const char * const record_titles[DLV_N_RECORD_NAMES] = {
    N_("DKIM 1"), N_("DKIM 2"), N_("SPF / Return-Path (MX)"), N_("DMARC"),
  };
  static const char * const status_titles[] = {
    N_("Not checked"), N_("Valid"), N_("Invalid"), N_("Missing"),
  };

  g_print ("%s (%s) — %s\n", domain->domain, domain->account ? domain->account : "",
           dlv_domain_can_send (domain) ? _("ready to send")
                                        : _("sending is blocked until DKIM 1, DKIM 2 and "
                                            "SPF / Return-Path are valid"));
  for (guint i = 0; i < DLV_N_RECORD_NAMES; i++)
    {
      const DlvDomainRecord *r = &domain->records[i];

      g_autofree char *title = dlv_cli_pad (_(record_titles[i]), 24);
      g_autofree char *status = dlv_cli_pad (_(status_titles[r->status]), 11);

      g_print ("  %s %s %-6s %s\n", title, status, r->type ? r->type : "", r->host ? r->host : "");
      if (r->detail != NULL)
        g_print ("  %24s %s\n", "", r->detail);
    }
}
