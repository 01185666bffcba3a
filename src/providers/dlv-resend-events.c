/* dlv-resend-events.c: Resend's email list and webhook events as normalized events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pull: GET /emails → {"object": "list", "has_more": bool, "data": [Email]},
 * newest first. An email carries its creation time and only its latest
 * status, "last_event": no time for that status, no reason, no reply code.
 * Each email read becomes one event for its status, with the uid
 * "resend:<email id>:<kind>", so reading it again adds nothing and a status
 * it reaches later adds one event.
 *
 * Push: a webhook event {"type": "email.bounced", "created_at", "data":
 * {email_id, to[], from, subject, tags, bounce{type, subType, message,
 * diagnosticCode[]}}}, bare or as the "payload" of an event pulled from
 * Resend's webhook event log. Only these carry reasons; the store derives
 * their uid from what they say.
 */

#define G_LOG_DOMAIN "dlv-resend"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dlv-event-items.h"
#include "dlv-json-util.h"
#include "dlv-provider.h"
#include "dlv-reason.h"
#include "dlv-resend-events.h"
#include "dlv-util.h"

/* Resend's ids are UUIDs; anything much longer is not one. */
#define MAX_ID_BYTES 255
/* A failure's JSON is kept for the details view, unless it is huge. */
#define MAX_TAG_BYTES 256

static const struct {
  const char *status;
  DlvEventKind kind;
} statuses[] = {
  { "queued", DLV_EVENT_KIND_ACCEPTED },
  { "scheduled", DLV_EVENT_KIND_ACCEPTED },
  { "sent", DLV_EVENT_KIND_ACCEPTED },
  { "delivered", DLV_EVENT_KIND_DELIVERED },
  { "delivery_delayed", DLV_EVENT_KIND_DEFERRED },
  /* The list cannot tell a soft bounce: only a webhook's bounce.type can. */
  { "bounced", DLV_EVENT_KIND_HARD_BOUNCE },
  { "complained", DLV_EVENT_KIND_SPAM_COMPLAINT },
  { "opened", DLV_EVENT_KIND_OPENED },
  { "clicked", DLV_EVENT_KIND_CLICKED },
  { "failed", DLV_EVENT_KIND_BLOCKED },
  { "suppressed", DLV_EVENT_KIND_BLOCKED },
  { "canceled", DLV_EVENT_KIND_BLOCKED },
  { "cancelled", DLV_EVENT_KIND_BLOCKED },
};

void
dlv_resend_list_info_clear (DlvResendListInfo *info)
{
  g_clear_pointer (&info->last_id, g_free);
  *info = (DlvResendListInfo) { 0 };
}

static gboolean
kind_of_status (const char   *status,
                DlvEventKind *kind)
{
  for (guint i = 0; status != NULL && i < G_N_ELEMENTS (statuses); i++)
    {
      if (strcmp (status, statuses[i].status) == 0)
        {
          *kind = statuses[i].kind;
          return TRUE;
        }
    }

  return FALSE;
}

/* Queued, scheduled, sent or delayed: Resend may still report more. */
static gboolean
is_in_flight (DlvEventKind kind)
{
  return kind == DLV_EVENT_KIND_ACCEPTED || kind == DLV_EVENT_KIND_DEFERRED;
}

/* Both "2023-04-03 22:13:42.674981+00" and "2023-04-03T22:13:42.674981+00:00"
 * are seen; epoch seconds are accepted too. */
static gboolean
time_of (JsonObject *object,
         const char *member,
         gint64     *at)
{
  gint64 seconds;

  if (dlv_parse_iso8601 (dlv_json_get_string (object, member), at))
    return TRUE;

  if (dlv_json_get_int (object, member, &seconds) && seconds > 0)
    {
      *at = seconds;
      return TRUE;
    }

  return FALSE;
}

static gboolean
is_usable_id (const char *id)
{
  return id != NULL && id[0] != '\0' && strlen (id) <= MAX_ID_BYTES;
}

static gboolean
boolean_of (JsonObject *object,
            const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;
  gint64 number;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_ascii_strcasecmp (json_node_get_string (node), "true") == 0;

  return dlv_json_get_int (object, member, &number) && number != 0;
}

/* "to" is a list of addresses; the first one names the message. */
static char *
first_address (JsonObject *object,
               const char *member)
{
  JsonArray *list = dlv_json_get_array (object, member);
  JsonNode *first;
  const char *address;

  if (list == NULL)
    return dlv_json_dup_string (object, member);
  if (json_array_get_length (list) == 0)
    return NULL;

  first = json_array_get_element (list, 0);
  if (json_node_get_value_type (first) != G_TYPE_STRING)
    return NULL;

  address = json_node_get_string (first);
  return address[0] != '\0' ? g_utf8_make_valid (address, MIN (strlen (address), 4096)) : NULL;
}

static char *
short_copy (const char *value)
{
  if (value == NULL || value[0] == '\0')
    return NULL;

  return g_utf8_make_valid (value, MIN (strlen (value), MAX_TAG_BYTES));
}

static const char *
tag_in_object (JsonObject *tags)
{
  static const char * const preferred[] = { "campaign", "category", NULL };
  g_autoptr(GList) members = NULL;

  for (guint i = 0; preferred[i] != NULL; i++)
    {
      if (dlv_json_get_string (tags, preferred[i]) != NULL)
        return dlv_json_get_string (tags, preferred[i]);
    }

  members = json_object_get_members (tags);
  for (GList *l = members; l != NULL; l = l->next)
    {
      if (dlv_json_get_string (tags, l->data) != NULL)
        return dlv_json_get_string (tags, l->data);
    }

  return NULL;
}

/* The send API's shape: [{"name": "category", "value": "invoice"}]. */
static const char *
tag_in_array (JsonArray *tags)
{
  const char *first = NULL;

  for (guint i = 0; i < json_array_get_length (tags); i++)
    {
      JsonNode *node = json_array_get_element (tags, i);
      JsonObject *tag = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *name = dlv_json_get_string (tag, "name");
      const char *value = dlv_json_get_string (tag, "value");

      if (tag == NULL && json_node_get_value_type (node) == G_TYPE_STRING)
        value = json_node_get_string (node);
      if (value == NULL)
        continue;
      if (g_strcmp0 (name, "campaign") == 0 || g_strcmp0 (name, "category") == 0)
        return value;
      if (first == NULL)
        first = value;
    }

  return first;
}

/* Tags name the campaign; a broadcast's id groups its emails otherwise. */
static char *
campaign_of (JsonObject *object)
{
  JsonObject *tags = dlv_json_get_object (object, "tags");
  JsonArray *tag_list = dlv_json_get_array (object, "tags");
  const char *value = NULL;

  if (tags != NULL)
    value = tag_in_object (tags);
  else if (tag_list != NULL)
    value = tag_in_array (tag_list);
  if (value == NULL)
    value = dlv_json_get_string (object, "broadcast_id");

  return short_copy (value);
}

static char *
raw_of (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return dlv_event_items_raw (node);
}

/* The time an email left: its scheduled time once that has passed. */
static gint64
send_time (JsonObject *item,
           gint64      created,
           gint64      now)
{
  gint64 scheduled;

  if (time_of (item, "scheduled_at", &scheduled) && scheduled > created &&
      (now == 0 || scheduled <= now))
    return scheduled;

  return created;
}

/* Resend says when an email was made, never when its status changed. An
 * email made after the previous complete read began cannot have been seen
 * before, so its status is stamped with its send time; an older one was
 * read before in another status (the uid makes an unchanged one a
 * duplicate), so its new status happened since, and is stamped now. */
static gint64
status_time (DlvEventKind          kind,
             gint64                created,
             gint64                send,
             const DlvResendClock *clock)
{
  if (kind == DLV_EVENT_KIND_ACCEPTED)
    return created;
  if (clock->seen == 0 || created >= clock->seen)
    return send;

  return MAX (clock->now, send);
}

static DlvEvent *
read_email (JsonObject           *item,
            const DlvResendClock *clock,
            gboolean             *ignored,
            gint64               *created,
            gint64               *send)
{
  static const DlvResendClock file_clock = { 0 };
  const char *id = dlv_json_get_string (item, "id");
  const char *status = dlv_json_get_string (item, "last_event");
  DlvEvent *event;
  DlvEventKind kind;

  *ignored = FALSE;
  if (clock == NULL)
    clock = &file_clock;
  if (status == NULL || !is_usable_id (id) || !time_of (item, "created_at", created))
    return NULL;

  /* A status this version does not know is Resend's news, not damage. */
  if (!kind_of_status (status, &kind))
    {
      *ignored = TRUE;
      return NULL;
    }

  *send = send_time (item, *created, clock->now);
  event = dlv_event_new (kind, status_time (kind, *created, *send, clock));
  event->message_id = g_ascii_strdown (id, -1);
  event->uid = g_strconcat ("resend:", event->message_id, ":", dlv_event_kind_to_string (kind),
                            NULL);
  event->recipient = first_address (item, "to");
  event->sender = dlv_json_dup_string (item, "from");
  event->subject = dlv_json_dup_string (item, "subject");
  event->campaign = campaign_of (item);

  /* The status word is all the list says about a block. */
  if (kind == DLV_EVENT_KIND_BLOCKED)
    event->reason = g_strdup (status);
  if (dlv_event_kind_is_failure (kind))
    event->raw = raw_of (item);

  return event;
}

/**
 * dlv_resend_parse_email:
 * @item: one Email of GET /emails or GET /emails/{id}
 * @clock: (nullable): when the list was read; %NULL for a file
 * @ignored: (out): set when the email is fine but its status is unknown
 *
 * Returns: (transfer full) (nullable): the event for its latest status
 */
DlvEvent *
dlv_resend_parse_email (JsonObject           *item,
                        const DlvResendClock *clock,
                        gboolean             *ignored)
{
  gint64 created;
  gint64 send;

  return read_email (item, clock, ignored, &created, &send);
}

/* "smtp; 550 5.1.1 …" is a DSN diagnostic: the reply follows the type. */
static char *
diagnostic_text (JsonObject *failure)
{
  JsonArray *codes = dlv_json_get_array (failure, "diagnosticCode");
  const char *text = dlv_json_get_string (failure, "diagnosticCode");

  if (codes != NULL && json_array_get_length (codes) > 0 &&
      json_node_get_value_type (json_array_get_element (codes, 0)) == G_TYPE_STRING)
    text = json_node_get_string (json_array_get_element (codes, 0));
  if (text == NULL)
    return NULL;

  if (g_ascii_strncasecmp (text, "smtp;", 5) == 0)
    text += 5;
  while (g_ascii_isspace (*text))
    text++;

  return *text != '\0' ? g_utf8_make_valid (text, MIN (strlen (text), 64 * 1024)) : NULL;
}

/* bounce, suppressed and failed are documented; a delay's details are
 * not, so the likely spellings are read when present. */
static void
read_failure (DlvEvent   *event,
              JsonObject *data)
{
  static const char * const members[] = {
    "bounce", "suppressed", "failed", "delivery_delayed", "delay", NULL,
  };
  JsonObject *failure = NULL;

  for (guint i = 0; failure == NULL && members[i] != NULL; i++)
    failure = dlv_json_get_object (data, members[i]);
  if (failure == NULL)
    return;

  event->reason = diagnostic_text (failure);
  if (event->reason == NULL)
    event->reason = dlv_json_dup_string (failure, "message");
  if (event->reason == NULL)
    event->reason = dlv_json_dup_string (failure, "reason");
  dlv_event_take_codes_from_reason (event);
}

static DlvEventKind
bounce_kind (JsonObject *data)
{
  const char *type = dlv_json_get_string (dlv_json_get_object (data, "bounce"), "type");

  if (g_strcmp0 (type, "Transient") == 0)
    return DLV_EVENT_KIND_SOFT_BOUNCE;

  return DLV_EVENT_KIND_HARD_BOUNCE;
}

/**
 * dlv_resend_parse_webhook_event:
 * @object: a webhook event {type, created_at, data}, a pulled webhook event
 *   with it as "payload", or a saved Email
 * @ignored: (out): set when the object is fine but no delivery event
 *   (domain.*, contact.*, email.received)
 *
 * Returns: (transfer full) (nullable): the event, or %NULL
 */
DlvEvent *
dlv_resend_parse_webhook_event (JsonObject *object,
                                gboolean   *ignored)
{
  JsonObject *payload = dlv_json_get_object (object, "payload");
  JsonObject *hook = payload != NULL ? payload : object;
  const char *type = dlv_json_get_string (hook, "type");
  JsonObject *data = dlv_json_get_object (hook, "data");
  const char *email_id = dlv_json_get_string (data, "email_id");
  g_autoptr(DlvEvent) event = NULL;
  DlvEventKind kind;
  gint64 at;

  *ignored = FALSE;
  if (type == NULL && g_strcmp0 (dlv_json_get_string (object, "object"), "email") == 0)
    return dlv_resend_parse_email (object, NULL, ignored);
  if (type == NULL)
    return NULL;

  if (!g_str_has_prefix (type, "email.") || !kind_of_status (type + strlen ("email."), &kind))
    {
      *ignored = TRUE;
      return NULL;
    }

  /* The event's own time; the email's creation time is the fallback. */
  if (!is_usable_id (email_id) ||
      (!time_of (hook, "created_at", &at) && !time_of (object, "created_at", &at) &&
       !time_of (data, "created_at", &at)))
    return NULL;

  if (kind == DLV_EVENT_KIND_HARD_BOUNCE)
    kind = bounce_kind (data);

  event = dlv_event_new (kind, at);
  event->message_id = g_ascii_strdown (email_id, -1);
  event->recipient = first_address (data, "to");
  event->sender = dlv_json_dup_string (data, "from");
  event->subject = dlv_json_dup_string (data, "subject");
  event->campaign = campaign_of (data);
  read_failure (event, data);
  if (event->reason == NULL && kind == DLV_EVENT_KIND_BLOCKED)
    event->reason = g_strdup (type + strlen ("email."));
  if (dlv_event_kind_is_failure (kind))
    event->raw = raw_of (hook);

  return g_steal_pointer (&event);
}

static void
note_item (DlvResendListInfo *info,
           JsonObject        *item)
{
  const char *id = dlv_json_get_string (item, "id");
  gint64 created;

  info->items++;
  if (is_usable_id (id))
    {
      g_free (info->last_id);
      info->last_id = g_strdup (id);
    }
  if (time_of (item, "created_at", &created) && (info->oldest == 0 || created < info->oldest))
    info->oldest = created;
}

/* An email still in flight keeps its part of the list worth reading again,
 * until its retry window has closed. */
static void
note_in_flight (DlvResendListInfo    *info,
                const DlvEvent       *event,
                gint64                created,
                gint64                send,
                const DlvResendClock *clock)
{
  if (clock == NULL || clock->now == 0 || !is_in_flight (event->kind) ||
      send + clock->retry_window <= clock->now)
    return;

  if (info->in_flight_since == 0 || created < info->in_flight_since)
    info->in_flight_since = created;
}

static DlvEvent *
read_item (JsonObject           *item,
           const DlvResendClock *clock,
           DlvResendListInfo    *info,
           gboolean             *ignored)
{
  DlvEvent *event;
  gint64 created = 0;
  gint64 send = 0;

  /* A saved page of webhook events reads as well as a page of emails. */
  if (dlv_json_get_string (item, "last_event") == NULL &&
      (dlv_json_get_string (item, "type") != NULL || dlv_json_get_object (item, "payload") != NULL))
    return dlv_resend_parse_webhook_event (item, ignored);

  note_item (info, item);
  event = read_email (item, clock, ignored, &created, &send);
  if (event != NULL)
    note_in_flight (info, event, created, send, clock);

  return event;
}

typedef struct
{
  const DlvResendClock *clock;
  DlvResendListInfo *info;
} ListScan;

static DlvEvent *
read_list_item (JsonObject *item,
                gboolean   *ignored,
                gpointer    user_data)
{
  ListScan *scan = user_data;

  return read_item (item, scan->clock, scan->info, ignored);
}

/**
 * dlv_resend_parse_emails_page:
 * @clock: (nullable): when the list was read; %NULL for a file
 * @info: (out caller-allocates) (optional): where the walk stands; clear
 *   it with dlv_resend_list_info_clear()
 *
 * Returns: (transfer full): the page, or %NULL with @error set when the
 *   document is not a list at all
 */
DlvEventPage *
dlv_resend_parse_emails_page (const char            *data,
                              gssize                 length,
                              const DlvResendClock  *clock,
                              DlvResendListInfo     *info,
                              GError               **error)
{
  g_auto(DlvResendListInfo) local = { 0 };
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(DlvEventPage) page = NULL;
  JsonArray *items;

  if (info == NULL)
    info = &local;
  *info = (DlvResendListInfo) { 0 };

  page = dlv_event_page_new ();
  items = dlv_event_items_load (data, length, "data", "Resend", &parser, &page->repaired, error);
  if (items == NULL)
    return NULL;

  dlv_event_items_add (page, items, read_list_item, &(ListScan) { clock, info }, FALSE);
  /* Every item moves the walk on, readable or not. */
  info->items = json_array_get_length (items);

  info->has_more = boolean_of (json_node_get_object (json_parser_get_root (parser)), "has_more");
  return g_steal_pointer (&page);
}
