/* dlv-mailgun-events.c: Mailgun's events pages as normalized events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shape: GET /v3/{domain}/events → {"items": [...], "paging": {"next": URL}}
 * (and the Logs API's items, which carry "@timestamp" instead of
 * "timestamp"). An item that cannot be read is skipped and counted; the rest
 * of the page is kept.
 */

#define G_LOG_DOMAIN "dlv-mailgun"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "dlv-event-items.h"
#include "dlv-json-util.h"
#include "dlv-mailgun-events.h"
#include "dlv-provider.h"
#include "dlv-util.h"

static gboolean
reason_in (const char         *reason,
           const char * const *reasons)
{
  return reason != NULL && g_strv_contains (reasons, reason);
}

/* "failed" covers deferrals, bounces, blocks and expiry: the severity,
 * Mailgun's reason and the reply code tell them apart. */
static DlvEventKind
failed_kind (JsonObject *item,
             JsonObject *status)
{
  static const char * const blocked_reasons[] = {
    "suppress-bounce", "suppress-complaint", "suppress-unsubscribe", "espblock", "blacklisted", NULL,
  };
  const char *severity = dlv_json_get_string (item, "severity");
  const char *reason = dlv_json_get_string (item, "reason");
  const char *bounce_type = dlv_json_get_string (status, "bounce-type");
  gint64 code = 0;

  if (g_strcmp0 (severity, "temporary") == 0)
    return DLV_EVENT_KIND_DEFERRED;
  if (g_strcmp0 (reason, "old") == 0)
    return DLV_EVENT_KIND_EXPIRED;
  if (reason_in (reason, blocked_reasons))
    return DLV_EVENT_KIND_BLOCKED;

  dlv_json_get_int (status, "code", &code);
  if (g_strcmp0 (bounce_type, "soft") == 0 || (code >= 400 && code < 500))
    return DLV_EVENT_KIND_SOFT_BOUNCE;

  return DLV_EVENT_KIND_HARD_BOUNCE;
}

static gboolean
kind_of (JsonObject   *item,
         DlvEventKind *kind)
{
  static const struct {
    const char *name;
    DlvEventKind kind;
  } simple[] = {
    { "accepted", DLV_EVENT_KIND_ACCEPTED },
    { "delivered", DLV_EVENT_KIND_DELIVERED },
    { "rejected", DLV_EVENT_KIND_BLOCKED },
    { "opened", DLV_EVENT_KIND_OPENED },
    { "clicked", DLV_EVENT_KIND_CLICKED },
    { "complained", DLV_EVENT_KIND_SPAM_COMPLAINT },
    { "unsubscribed", DLV_EVENT_KIND_UNSUBSCRIBED },
  };
  const char *event = dlv_json_get_string (item, "event");

  if (g_strcmp0 (event, "failed") == 0)
    {
      *kind = failed_kind (item, dlv_json_get_object (item, "delivery-status"));
      return TRUE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (simple); i++)
    {
      if (g_strcmp0 (event, simple[i].name) == 0)
        {
          *kind = simple[i].kind;
          return TRUE;
        }
    }

  return FALSE;
}

static gboolean
timestamp_of (JsonObject *item,
              gint64     *at)
{
  double seconds;

  /* Seconds everywhere in practice; Mailgun's schema once said nanoseconds,
   * so a value far past the year 5000 is scaled down until it fits. */
  if (dlv_json_get_double (item, "timestamp", &seconds) && seconds > 0)
    {
      while (seconds >= 1e11)
        seconds /= 1000;
      *at = (gint64) floor (seconds);
      return TRUE;
    }

  return dlv_parse_iso8601 (dlv_json_get_string (item, "@timestamp"), at);
}

/* The events API drops the angle brackets the send API returns. */
static char *
message_id_of (JsonObject *item)
{
  JsonObject *headers = dlv_json_path_object (item, "message", "headers", NULL);
  g_autofree char *id = dlv_json_dup_string (headers, "message-id");
  gsize len;

  if (id == NULL)
    return NULL;

  len = strlen (id);
  if (len > 2 && id[0] == '<' && id[len - 1] == '>')
    return g_strndup (id + 1, len - 2);

  return g_steal_pointer (&id);
}

static char *
campaign_of (JsonObject *item)
{
  JsonArray *campaigns = dlv_json_get_array (item, "campaigns");
  JsonArray *tags = dlv_json_get_array (item, "tags");

  if (campaigns != NULL && json_array_get_length (campaigns) > 0)
    {
      JsonNode *first = json_array_get_element (campaigns, 0);

      if (JSON_NODE_HOLDS_OBJECT (first))
        return dlv_json_dup_string (json_node_get_object (first), "name");
    }

  if (tags != NULL && json_array_get_length (tags) > 0)
    {
      JsonNode *first = json_array_get_element (tags, 0);

      if (json_node_get_value_type (first) == G_TYPE_STRING)
        return g_utf8_make_valid (json_node_get_string (first),
                                  MIN (strlen (json_node_get_string (first)), 256));
    }

  return NULL;
}

static void
read_delivery_status (DlvEvent   *event,
                      JsonObject *item)
{
  JsonObject *status = dlv_json_get_object (item, "delivery-status");
  gint64 value;

  /* Mailgun also reports its own codes (498, 605…): only SMTP ones count. */
  if (dlv_json_get_int (status, "code", &value) && value >= 200 && value < 600)
    event->smtp_code = (int) value;
  if (dlv_json_get_int (status, "attempt-no", &value) && value > 0 && value < 10000)
    event->attempt = (int) value;
  if (dlv_json_get_int (status, "retry-seconds", &value) && value > 0 && value < G_MAXINT)
    event->retry_in = (int) value;

  event->enhanced_code = dlv_json_dup_string (status, "enhanced-code");
  event->mx = dlv_json_dup_string (status, "mx-host");
  if (event->mx == NULL)
    event->mx = dlv_json_dup_string (status, "mxhost");
  event->reason = dlv_json_dup_string (status, "message");
  if (event->reason == NULL)
    event->reason = dlv_json_dup_string (status, "description");
}

static void
read_reason_fallbacks (DlvEvent   *event,
                       JsonObject *item)
{
  JsonObject *reject = dlv_json_get_object (item, "reject");

  if (event->reason == NULL && reject != NULL)
    event->reason = dlv_json_dup_string (reject, "description");
  if (event->reason == NULL && reject != NULL)
    event->reason = dlv_json_dup_string (reject, "reason");

  /* A failure with no reply text still says why in Mailgun's own word. */
  if (event->reason == NULL &&
      (event->kind == DLV_EVENT_KIND_BLOCKED || event->kind == DLV_EVENT_KIND_EXPIRED))
    event->reason = dlv_json_dup_string (item, "reason");
}

/**
 * dlv_mailgun_parse_event:
 * @item: one element of "items"
 * @ignored: (out): set when the item is valid but not a delivery event
 *   (stored, list_*), so it is not counted as malformed
 *
 * Returns: (transfer full) (nullable): the event, or %NULL
 */
DlvEvent *
dlv_mailgun_parse_event (JsonObject *item,
                         gboolean   *ignored)
{
  g_autoptr(DlvEvent) event = NULL;
  JsonObject *headers = dlv_json_path_object (item, "message", "headers", NULL);
  DlvEventKind kind;
  gint64 at;

  *ignored = FALSE;
  if (!kind_of (item, &kind))
    {
      *ignored = dlv_json_get_string (item, "event") != NULL;
      return NULL;
    }

  if (!timestamp_of (item, &at))
    return NULL;

  event = dlv_event_new (kind, at);
  event->message_id = message_id_of (item);
  if (event->message_id == NULL)
    return NULL;

  event->uid = dlv_json_dup_string (item, "id");
  event->recipient = dlv_json_dup_string (item, "recipient");
  event->sender = dlv_json_dup_string (headers, "from");
  if (event->sender == NULL)
    event->sender = dlv_json_dup_string (dlv_json_get_object (item, "envelope"), "sender");
  event->subject = dlv_json_dup_string (headers, "subject");
  event->campaign = campaign_of (item);
  event->ip = dlv_json_dup_string (dlv_json_get_object (item, "envelope"), "sending-ip");

  read_delivery_status (event, item);
  read_reason_fallbacks (event, item);

  return g_steal_pointer (&event);
}

static DlvEvent *
parse_item (JsonObject *item,
            gboolean   *ignored,
            gpointer    user_data)
{
  return dlv_mailgun_parse_event (item, ignored);
}

/**
 * dlv_mailgun_parse_events_page:
 * @keep_raw: keep each failure event's JSON (deferrals, bounces, blocks)
 *
 * Returns: (transfer full): the page, or %NULL with @error set when the
 *   document is not an events page at all
 */
DlvEventPage *
dlv_mailgun_parse_events_page (const char  *data,
                               gssize       length,
                               gboolean     keep_raw,
                               GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(DlvEventPage) page = dlv_event_page_new ();
  JsonArray *items;

  items = dlv_event_items_load (data, length, "items", "Mailgun", &parser, &page->repaired, error);
  if (items == NULL)
    return NULL;

  dlv_event_items_add (page, items, parse_item, NULL, keep_raw);
  page->next_cursor = dlv_json_dup_string (dlv_json_get_object (json_node_get_object (json_parser_get_root (parser)),
                                                                 "paging"),
                                           "next");
  page->more = json_array_get_length (items) > 0 && page->next_cursor != NULL;

  return g_steal_pointer (&page);
}
