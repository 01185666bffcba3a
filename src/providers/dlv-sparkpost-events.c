/* dlv-sparkpost-events.c: SparkPost's events pages as normalized events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shape: GET /api/v1/events/message → {"results": [...], "total_count": n,
 * "links": [{"rel": "next", "href": "/api/v1/events/message?…&cursor=…"}]}.
 * Each result is one flat event whose numbers are mostly JSON strings
 * ("bounce_class": "10", "num_retries": "2"); webhooks send the same fields
 * with the timestamp in Unix seconds, also as a string. An item that cannot
 * be read is skipped and counted; the rest of the page is kept.
 */

#define G_LOG_DOMAIN "dlv-sparkpost"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "dlv-event-items.h"
#include "dlv-json-util.h"
#include "dlv-provider.h"
#include "dlv-reason.h"
#include "dlv-sparkpost-events.h"
#include "dlv-util.h"

/* A failure event's JSON is kept for the details view, unless a hostile
 * page made it huge. */

/**
 * dlv_sparkpost_bounce_kind:
 * @bounce_class: SparkPost's bounce classification code, 0 when absent
 * @smtp_code: the reply code, 0 when unknown
 * @retries: failed attempts before this one, -1 when unknown
 *
 * SparkPost's bounce classes: 10, 30 and 90 are permanent; 50–54 are the
 * receiver blocking the sender, 25 and 80 SparkPost's own admin failures;
 * the rest (1, 20–24, 40, 60, 70, 100) are soft. A timeout (24) after
 * earlier attempts is how SparkPost ends its retries, so it counts as
 * expired.
 *
 * Returns: the normalized kind of a bounce or out_of_band event
 */
DlvEventKind
dlv_sparkpost_bounce_kind (gint64 bounce_class,
                           int    smtp_code,
                           gint64 retries)
{
  switch (bounce_class)
    {
    case 10:
    case 30:
    case 90:
      return DLV_EVENT_KIND_HARD_BOUNCE;

    case 24:
      return retries > 0 ? DLV_EVENT_KIND_EXPIRED : DLV_EVENT_KIND_SOFT_BOUNCE;

    case 25:
    case 50:
    case 51:
    case 52:
    case 53:
    case 54:
    case 80:
      return DLV_EVENT_KIND_BLOCKED;

    case 1:
    case 20:
    case 21:
    case 22:
    case 23:
    case 40:
    case 60:
    case 70:
    case 100:
      return DLV_EVENT_KIND_SOFT_BOUNCE;

    default:
      /* A class SparkPost added later: the reply code decides. */
      return smtp_code >= 500 && smtp_code < 600 ? DLV_EVENT_KIND_HARD_BOUNCE : DLV_EVENT_KIND_SOFT_BOUNCE;
    }
}

static gboolean
is_bounce (const char *type)
{
  return g_strcmp0 (type, "bounce") == 0 || g_strcmp0 (type, "out_of_band") == 0;
}

static gboolean
simple_kind (const char   *type,
             DlvEventKind *kind)
{
  static const struct {
    const char *name;
    DlvEventKind kind;
  } kinds[] = {
    { "injection", DLV_EVENT_KIND_ACCEPTED },
    { "delivery", DLV_EVENT_KIND_DELIVERED },
    { "delay", DLV_EVENT_KIND_DEFERRED },
    { "policy_rejection", DLV_EVENT_KIND_BLOCKED },
    { "generation_failure", DLV_EVENT_KIND_BLOCKED },
    { "generation_rejection", DLV_EVENT_KIND_BLOCKED },
    { "spam_complaint", DLV_EVENT_KIND_SPAM_COMPLAINT },
    { "open", DLV_EVENT_KIND_OPENED },
    { "initial_open", DLV_EVENT_KIND_OPENED },
    { "amp_open", DLV_EVENT_KIND_OPENED },
    { "amp_initial_open", DLV_EVENT_KIND_OPENED },
    { "click", DLV_EVENT_KIND_CLICKED },
    { "amp_click", DLV_EVENT_KIND_CLICKED },
    { "list_unsubscribe", DLV_EVENT_KIND_UNSUBSCRIBED },
    { "link_unsubscribe", DLV_EVENT_KIND_UNSUBSCRIBED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      if (g_strcmp0 (type, kinds[i].name) == 0)
        {
          *kind = kinds[i].kind;
          return TRUE;
        }
    }

  return FALSE;
}

/* The Events API says ISO 8601; webhooks say Unix seconds as a string.
 * Both are accepted everywhere, and milliseconds are scaled down. */
static gboolean
timestamp_of (JsonObject *item,
              gint64     *at)
{
  double seconds;

  if (dlv_json_get_double (item, "timestamp", &seconds))
    {
      while (seconds >= 1e11)
        seconds /= 1000;
      if (seconds <= 0)
        return FALSE;
      *at = (gint64) floor (seconds);
      return TRUE;
    }

  return dlv_parse_iso8601 (dlv_json_get_string (item, "timestamp"), at);
}

/* Ids are strings, but a JSON number is read exactly too. */
static char *
dup_id (JsonObject *item,
        const char *member)
{
  gint64 number;

  if (dlv_json_get_string (item, member) != NULL)
    return dlv_json_dup_string (item, member);
  if (dlv_json_get_int (item, member, &number))
    return g_strdup_printf ("%" G_GINT64_FORMAT, number);

  return NULL;
}

static char *
campaign_of (JsonObject *item)
{
  JsonArray *tags = dlv_json_get_array (item, "rcpt_tags");
  char *campaign = dlv_json_dup_string (item, "campaign_id");

  if (campaign != NULL)
    return campaign;

  if (tags != NULL && json_array_get_length (tags) > 0)
    {
      JsonNode *first = json_array_get_element (tags, 0);

      if (JSON_NODE_HOLDS_VALUE (first) && json_node_get_value_type (first) == G_TYPE_STRING)
        {
          const char *tag = json_node_get_string (first);

          return tag[0] != '\0' ? g_utf8_make_valid (tag, MIN (strlen (tag), 256)) : NULL;
        }
    }

  return NULL;
}

/* The types that report one delivery attempt; an out-of-band bounce
 * arrives after delivery and is none. */
static gboolean
is_attempt (const char *type)
{
  return g_strcmp0 (type, "delivery") == 0 ||
         g_strcmp0 (type, "delay") == 0 ||
         g_strcmp0 (type, "bounce") == 0;
}

/* "reason" is SparkPost's canonicalized reply, "raw_reason" the receiver's
 * own words; the raw one is shown, the codes come from "error_code" or
 * either text. */
static void
read_reason (DlvEvent   *event,
             JsonObject *item)
{
  g_autofree char *canonical = dlv_json_dup_string (item, "reason");
  DlvReasonInfo info;
  gint64 code;

  event->reason = dlv_json_dup_string (item, "raw_reason");
  if (event->reason == NULL)
    event->reason = g_steal_pointer (&canonical);

  if (dlv_json_get_int (item, "error_code", &code) && code >= 200 && code < 600)
    event->smtp_code = (int) code;

  if (event->reason == NULL)
    return;

  /* Some receivers leave the enhanced code out of their own words. */
  dlv_reason_classify (event->reason, &info);
  if (info.enhanced_code[0] == '\0' && canonical != NULL)
    dlv_reason_classify (canonical, &info);

  if (event->smtp_code == 0 && info.smtp_code >= 200 && info.smtp_code < 600)
    event->smtp_code = info.smtp_code;
  if (info.enhanced_code[0] != '\0')
    event->enhanced_code = g_strdup (info.enhanced_code);
}

/**
 * dlv_sparkpost_parse_event:
 * @item: one element of "results", or a webhook's inner event
 * @ignored: (out): set when the item is valid but not a delivery event
 *   (relay_*, ab_test_*, ingest_*, sms_status…), so it is not counted as
 *   malformed
 *
 * Returns: (transfer full) (nullable): the event, or %NULL
 */
DlvEvent *
dlv_sparkpost_parse_event (JsonObject *item,
                           gboolean   *ignored)
{
  g_autoptr(DlvEvent) event = NULL;
  const char *type = dlv_json_get_string (item, "type");
  DlvEventKind kind;
  gint64 bounce_class = 0;
  gint64 retries = -1;
  gint64 at;

  *ignored = FALSE;
  if (type == NULL)
    return NULL;

  if (!dlv_json_get_int (item, "num_retries", &retries) || retries < 0 || retries > 9999)
    retries = -1;

  if (is_bounce (type))
    kind = DLV_EVENT_KIND_SOFT_BOUNCE;   /* refined below, once the code is known */
  else if (!simple_kind (type, &kind))
    {
      *ignored = TRUE;
      return NULL;
    }

  if (!timestamp_of (item, &at))
    return NULL;

  event = dlv_event_new (kind, at);
  event->message_id = dup_id (item, "message_id");
  if (event->message_id == NULL)
    return NULL;

  event->uid = dup_id (item, "event_id");
  event->recipient = dlv_json_dup_string (item, "rcpt_to");
  if (event->recipient == NULL)
    event->recipient = dlv_json_dup_string (item, "raw_rcpt_to");
  event->sender = dlv_json_dup_string (item, "friendly_from");
  if (event->sender == NULL)
    event->sender = dlv_json_dup_string (item, "msg_from");
  event->subject = dlv_json_dup_string (item, "subject");
  event->campaign = campaign_of (item);
  event->ip = dlv_json_dup_string (item, "sending_ip");

  read_reason (event, item);

  if (is_bounce (type))
    {
      if (!dlv_json_get_int (item, "bounce_class", &bounce_class))
        bounce_class = 0;
      event->kind = dlv_sparkpost_bounce_kind (bounce_class, event->smtp_code, retries);
    }

  /* "num_retries" counts the failed attempts before this one. */
  if (is_attempt (type) && retries >= 0)
    event->attempt = (int) retries + 1;

  return g_steal_pointer (&event);
}

static char *
link_href (JsonNode *node)
{
  if (node == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node)[0] != '\0' ? g_strdup (json_node_get_string (node)) : NULL;
  if (JSON_NODE_HOLDS_OBJECT (node))
    return dlv_json_dup_string (json_node_get_object (node), "href");

  return NULL;
}

/* Documented: an array of {"href", "rel"}; stop when no rel "next" is in
 * it. An object keyed by rel ({"next": "…"} or {"next": {"href": …}}) is
 * read too. */
static char *
next_link (JsonObject *root)
{
  JsonArray *array = dlv_json_get_array (root, "links");
  JsonObject *object = dlv_json_get_object (root, "links");

  if (object != NULL)
    return link_href (json_object_get_member (object, "next"));

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *link = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (g_strcmp0 (dlv_json_get_string (link, "rel"), "next") == 0)
        return link_href (node);
    }

  return NULL;
}

static DlvEvent *
parse_item (JsonObject *item,
            gboolean   *ignored,
            gpointer    user_data)
{
  return dlv_sparkpost_parse_event (item, ignored);
}

/**
 * dlv_sparkpost_parse_events_page:
 * @keep_raw: keep each failure event's JSON (deferrals, bounces, blocks)
 *
 * The page's next_cursor is the "next" link exactly as SparkPost wrote it
 * (a path or a whole URL), %NULL on the last page.
 *
 * Returns: (transfer full): the page, or %NULL with @error set when the
 *   document is not an events page at all
 */
DlvEventPage *
dlv_sparkpost_parse_events_page (const char  *data,
                                 gssize       length,
                                 gboolean     keep_raw,
                                 GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(DlvEventPage) page = dlv_event_page_new ();
  JsonArray *results;

  results = dlv_event_items_load (data, length, "results", "SparkPost", &parser, &page->repaired,
                                  error);
  if (results == NULL)
    return NULL;

  dlv_event_items_add (page, results, parse_item, NULL, keep_raw);
  page->next_cursor = next_link (json_node_get_object (json_parser_get_root (parser)));
  page->more = json_array_get_length (results) > 0 && page->next_cursor != NULL;

  return g_steal_pointer (&page);
}
