/* dlv-brevo-events.c: Brevo's transactional events as normalized events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shape: GET /v3/smtp/statistics/events → {"events": [{email, date,
 * messageId, event, subject, reason, tag, from, ip, link, templateId}]},
 * with no total, no cursor and no event id: the store derives a stable id
 * from the message id, kind, time and reason, which are all read here
 * exactly as Brevo wrote them. "date" carries the account's UTC offset
 * ("2026-01-15T09:35:21.000+01:00"). Transactional webhooks name the same
 * events differently ("hard_bounce", "message-id", "ts_event") and are read
 * by the same code. An event that cannot be read is skipped and counted;
 * the rest of the page is kept.
 */

#define G_LOG_DOMAIN "dlv-brevo"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dlv-brevo-events.h"
#include "dlv-event-items.h"
#include "dlv-json-util.h"
#include "dlv-provider.h"
#include "dlv-reason.h"
#include "dlv-util.h"

/* Longer "date" strings are not dates; never hand 10 MB to the parser. */
#define MAX_DATE_LENGTH 64
#define MAX_CAMPAIGN_BYTES 256

typedef struct
{
  const char *name;
  DlvEventKind kind;
  const char *word;             /* the reason when Brevo gives none */
} KindName;

/* Events API names first, then the webhook names of the same events. */
static const KindName kinds[] = {
  { "requests", DLV_EVENT_KIND_ACCEPTED, NULL },
  { "delivered", DLV_EVENT_KIND_DELIVERED, NULL },
  { "deferred", DLV_EVENT_KIND_DEFERRED, NULL },
  { "softBounces", DLV_EVENT_KIND_SOFT_BOUNCE, NULL },
  { "hardBounces", DLV_EVENT_KIND_HARD_BOUNCE, NULL },
  { "blocked", DLV_EVENT_KIND_BLOCKED, "blocked" },
  { "invalid", DLV_EVENT_KIND_BLOCKED, "invalid" },
  { "error", DLV_EVENT_KIND_BLOCKED, "error" },
  { "opened", DLV_EVENT_KIND_OPENED, NULL },
  { "loadedByProxy", DLV_EVENT_KIND_OPENED, NULL },
  { "clicks", DLV_EVENT_KIND_CLICKED, NULL },
  { "spam", DLV_EVENT_KIND_SPAM_COMPLAINT, NULL },
  { "unsubscribed", DLV_EVENT_KIND_UNSUBSCRIBED, NULL },
  { "request", DLV_EVENT_KIND_ACCEPTED, NULL },
  { "sent", DLV_EVENT_KIND_ACCEPTED, NULL },
  { "soft_bounce", DLV_EVENT_KIND_SOFT_BOUNCE, NULL },
  { "hard_bounce", DLV_EVENT_KIND_HARD_BOUNCE, NULL },
  { "invalid_email", DLV_EVENT_KIND_BLOCKED, "invalid" },
  { "unique_opened", DLV_EVENT_KIND_OPENED, NULL },
  { "proxy_open", DLV_EVENT_KIND_OPENED, NULL },
  { "unique_proxy_open", DLV_EVENT_KIND_OPENED, NULL },
  { "click", DLV_EVENT_KIND_CLICKED, NULL },
};

static const KindName *
find_kind (const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (kinds); i++)
    {
      if (g_ascii_strcasecmp (name, kinds[i].name) == 0)
        return &kinds[i];
    }

  return NULL;
}

/* The events API writes the account's offset, which also tells which day
 * Brevo files the event under. Webhooks give epoch seconds ("ts_event") or
 * milliseconds ("ts_epoch") and a "date" without any offset, which would be
 * wrong read as UTC: it is the last resort. */
static gboolean
time_of (JsonObject *item,
         gint64     *at,
         gboolean   *has_offset,
         int        *utc_offset)
{
  const char *date = dlv_json_get_string (item, "date");
  gboolean short_date = date != NULL && strnlen (date, MAX_DATE_LENGTH + 1) <= MAX_DATE_LENGTH;
  g_autoptr(GDateTime) dt = short_date ? g_date_time_new_from_iso8601 (date, NULL) : NULL;
  gint64 value;

  *has_offset = FALSE;
  if (dt != NULL)
    {
      *at = g_date_time_to_unix (dt);
      *utc_offset = (int) (g_date_time_get_utc_offset (dt) / G_USEC_PER_SEC);
      *has_offset = TRUE;
    }
  else if (dlv_json_get_int (item, "ts_event", &value) && value > 0)
    *at = value;
  else if (dlv_json_get_int (item, "ts_epoch", &value) && value > 0)
    *at = value / 1000;
  else if (dlv_json_get_int (item, "ts", &value) && value > 0)
    *at = value;
  else if (!short_date || !dlv_parse_iso8601 (date, at))
    return FALSE;

  return *at > 0;
}

/* Brevo keeps the angle brackets ("<…@smtp-relay.mailin.fr>") in the events
 * API, in webhooks and in the send API's answer; the store holds the bare
 * id, as it does for every provider. */
static char *
message_id_of (JsonObject *item)
{
  g_autofree char *id = dlv_json_dup_string (item, "messageId");
  gsize len;

  if (id == NULL)
    id = dlv_json_dup_string (item, "message-id");
  if (id == NULL)
    return NULL;

  g_strstrip (id);
  len = strlen (id);
  if (len >= 2 && id[0] == '<' && id[len - 1] == '>')
    {
      id[len - 1] = '\0';
      memmove (id, id + 1, len - 1);
      g_strstrip (id);
    }

  if (id[0] == '\0')
    return NULL;

  return g_steal_pointer (&id);
}

static char *
first_string (JsonArray *array)
{
  JsonNode *first;
  const char *text;

  if (array == NULL || json_array_get_length (array) == 0)
    return NULL;

  first = json_array_get_element (array, 0);
  if (json_node_get_value_type (first) != G_TYPE_STRING)
    return NULL;

  text = json_node_get_string (first);
  if (text[0] == '\0')
    return NULL;

  return g_utf8_make_valid (text, strnlen (text, MAX_CAMPAIGN_BYTES));
}

/* The events API has one "tag" string (often ""); webhooks send "tags" as
 * an array and "tag" as that array written out as text ("[\"invoice\"]"). */
static char *
campaign_of (JsonObject *item)
{
  const char *tag = dlv_json_get_string (item, "tag");

  if (tag != NULL && tag[0] == '[' && strnlen (tag, MAX_CAMPAIGN_BYTES + 1) <= MAX_CAMPAIGN_BYTES)
    {
      g_autoptr(JsonParser) parser = dlv_json_load (tag, -1, NULL, NULL);
      JsonNode *root = parser != NULL ? json_parser_get_root (parser) : NULL;

      if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
        return first_string (json_node_get_array (root));
    }
  if (tag != NULL && tag[0] != '\0')
    return g_utf8_make_valid (tag, strnlen (tag, MAX_CAMPAIGN_BYTES));

  return first_string (dlv_json_get_array (item, "tags"));
}

/* "bounces" is a filter word for both kinds; should a row carry it, the
 * reply code decides. */
static DlvEventKind
bounce_kind (DlvEvent *event)
{
  return event->smtp_code >= 500 ? DLV_EVENT_KIND_HARD_BOUNCE : DLV_EVENT_KIND_SOFT_BOUNCE;
}

static DlvEvent *
parse_item (JsonObject *item,
            gboolean   *has_offset,
            int        *utc_offset,
            gboolean   *ignored)
{
  g_autoptr(DlvEvent) event = NULL;
  const char *name = dlv_json_get_string (item, "event");
  const KindName *kind = find_kind (name);
  gboolean bounces = name != NULL && g_ascii_strcasecmp (name, "bounces") == 0;
  gint64 at;

  *ignored = FALSE;
  *has_offset = FALSE;
  if (kind == NULL && !bounces)
    {
      *ignored = name != NULL;
      return NULL;
    }

  if (!time_of (item, &at, has_offset, utc_offset))
    return NULL;

  event = dlv_event_new (kind != NULL ? kind->kind : DLV_EVENT_KIND_SOFT_BOUNCE, at);
  event->message_id = message_id_of (item);
  if (event->message_id == NULL)
    return NULL;

  event->recipient = dlv_json_dup_string (item, "email");
  event->sender = dlv_json_dup_string (item, "from");
  event->subject = dlv_json_dup_string (item, "subject");
  event->campaign = campaign_of (item);
  /* The events API's "ip" is the reader's address on opens and clicks, not
   * a sending server: only the webhooks' sending_ip is one. */
  event->ip = dlv_json_dup_string (item, "sending_ip");
  event->reason = dlv_json_dup_string (item, "reason");
  dlv_event_take_codes_from_reason (event);

  if (bounces)
    event->kind = bounce_kind (event);
  /* Without a reason, blocked, invalid and error would look alike. */
  if (event->reason == NULL && kind != NULL && kind->word != NULL)
    event->reason = g_strdup (kind->word);

  return g_steal_pointer (&event);
}

/**
 * dlv_brevo_parse_event:
 * @item: one element of "events", or one webhook event
 * @ignored: (out): set when the item is an event of another kind (a new
 *   name), so it is not counted as malformed
 *
 * Returns: (transfer full) (nullable): the event, or %NULL
 */
DlvEvent *
dlv_brevo_parse_event (JsonObject *item,
                       gboolean   *ignored)
{
  gboolean has_offset;
  int utc_offset;

  g_return_val_if_fail (item != NULL, NULL);
  g_return_val_if_fail (ignored != NULL, NULL);

  return parse_item (item, &has_offset, &utc_offset, ignored);
}

/* Keeps the offset of the newest event that gave one. */
typedef struct
{
  DlvBrevoPageInfo *info;
  gint64 newest;
} OffsetScan;

static DlvEvent *
parse_page_item (JsonObject *item,
                 gboolean   *ignored,
                 gpointer    user_data)
{
  OffsetScan *scan = user_data;
  gboolean has_offset = FALSE;
  int utc_offset = 0;
  DlvEvent *event = parse_item (item, &has_offset, &utc_offset, ignored);

  if (event != NULL && has_offset && event->at >= scan->newest)
    {
      scan->newest = event->at;
      scan->info->has_utc_offset = TRUE;
      scan->info->utc_offset = utc_offset;
    }

  return event;
}

/* Brevo answers a day without events with {"events": []}, and sometimes,
 * it seems, with a bare {}: both are an empty page. Anything else without
 * the list is not an events page. */
static JsonArray *
events_of (JsonNode *root,
           gboolean *empty)
{
  JsonObject *object = NULL;
  JsonNode *member = NULL;

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      object = json_node_get_object (root);
      member = json_object_get_member (object, "events");
    }

  *empty = object != NULL && (json_object_get_size (object) == 0 ||
                              (member != NULL && JSON_NODE_HOLDS_NULL (member)));

  return dlv_json_get_array (object, "events");
}

/**
 * dlv_brevo_parse_events_page:
 * @keep_raw: keep each failure event's JSON (deferrals, bounces, blocks)
 * @info: (out) (optional): the page's row count and UTC offset
 *
 * Returns: (transfer full): the page, or %NULL with @error set when the
 *   document is not an events page at all
 */
DlvEventPage *
dlv_brevo_parse_events_page (const char        *data,
                             gssize             length,
                             gboolean           keep_raw,
                             DlvBrevoPageInfo  *info,
                             GError           **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(DlvEventPage) page = NULL;
  DlvBrevoPageInfo local = { 0 };
  JsonArray *items;
  gboolean empty;
  guint repaired;

  if (info == NULL)
    info = &local;
  *info = (DlvBrevoPageInfo) { 0 };

  parser = dlv_json_load (data, length, &repaired, error);
  if (parser == NULL)
    return NULL;

  items = events_of (json_parser_get_root (parser), &empty);
  if (items == NULL && !empty)
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE,
                   _("Brevo sent a page without an “events” list"));
      return NULL;
    }

  page = dlv_event_page_new ();
  page->repaired = repaired;
  info->rows = items != NULL ? json_array_get_length (items) : 0;
  if (items != NULL)
    dlv_event_items_add (page, items, parse_page_item, &(OffsetScan) { info, G_MININT64 },
                         keep_raw);

  return g_steal_pointer (&page);
}
