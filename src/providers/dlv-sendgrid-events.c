/* dlv-sendgrid-events.c: SendGrid's Email Logs as normalized events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three shapes are read here:
 *
 *  - an Email Logs list, POST /v3/logs → {"messages": [row…]}, one row per
 *    message with its summary "status", the last "reason" and the time the
 *    message was created ("sg_message_id_created_at"); the older Email
 *    Activity list (GET /v3/messages) has the same envelope with "msg_id"
 *    and "last_event_time";
 *  - one message's detail, GET /v3/logs/{sg_message_id} → the message with
 *    "events": [...], each with "sg_event_id", an integer "timestamp", and
 *    for deferrals the SMTP "response" and the "attempt";
 *  - Event Webhook events, which are the same event objects.
 *
 * Message id: the full sg_message_id ("Xj5L….recvd-…-1C.0"), never the
 * X-Message-Id that /v3/mail/send returns (the part before the first '.'):
 * one X-Message-Id covers every recipient of a send, and each recipient is
 * a message of its own here.
 *
 * Event id: processed, delivered, bounce and dropped happen once per
 * message, so they are keyed "sg:ID:processed" and so on, whichever shape
 * they came from; a list row and a detail event for the same step then
 * de-duplicate. Deferrals, opens and clicks repeat and keep sg_event_id.
 */

#define G_LOG_DOMAIN "dlv-sendgrid"

#include "config.h"

#include <math.h>
#include <string.h>

#include "dlv-event-items.h"
#include "dlv-json-util.h"
#include "dlv-sendgrid-events.h"
#include "dlv-util.h"

/* Longer message ids are not SendGrid's. */
#define MAX_ID_BYTES 512
#define MAX_CAMPAIGN_BYTES 256

typedef struct
{
  const char *name;
  DlvEventKind kind;
  const char *once;             /* the uid suffix of a once-per-message step */
} KindEntry;

/* Email Logs and webhook names first, then Email Activity's. */
static const KindEntry event_kinds[] = {
  { "processed", DLV_EVENT_KIND_ACCEPTED, "processed" },
  { "deferred", DLV_EVENT_KIND_DEFERRED, NULL },
  { "delivered", DLV_EVENT_KIND_DELIVERED, "delivered" },
  { "bounce", DLV_EVENT_KIND_HARD_BOUNCE, "bounce" },
  { "dropped", DLV_EVENT_KIND_BLOCKED, "dropped" },
  { "cancel_drop", DLV_EVENT_KIND_BLOCKED, "dropped" },
  { "open", DLV_EVENT_KIND_OPENED, NULL },
  { "click", DLV_EVENT_KIND_CLICKED, NULL },
  { "spamreport", DLV_EVENT_KIND_SPAM_COMPLAINT, NULL },
  { "unsubscribe", DLV_EVENT_KIND_UNSUBSCRIBED, NULL },
  { "group_unsubscribe", DLV_EVENT_KIND_UNSUBSCRIBED, NULL },
  { "bounced", DLV_EVENT_KIND_HARD_BOUNCE, "bounce" },
  { "opened", DLV_EVENT_KIND_OPENED, NULL },
  { "clicked", DLV_EVENT_KIND_CLICKED, NULL },
  { "spam_report", DLV_EVENT_KIND_SPAM_COMPLAINT, NULL },
};

static const struct
{
  const char *name;
  DlvSendgridStatus status;
} statuses[] = {
  { "processed", DLV_SENDGRID_STATUS_PROCESSED },
  { "deferred", DLV_SENDGRID_STATUS_DEFERRED },
  { "delivered", DLV_SENDGRID_STATUS_DELIVERED },
  { "bounced", DLV_SENDGRID_STATUS_BOUNCED },
  { "blocked", DLV_SENDGRID_STATUS_BLOCKED },
  { "dropped", DLV_SENDGRID_STATUS_DROPPED },
  { "not_delivered", DLV_SENDGRID_STATUS_NOT_DELIVERED },
};

DlvSendgridStatus
dlv_sendgrid_status_from_string (const char *status)
{
  for (guint i = 0; status != NULL && i < G_N_ELEMENTS (statuses); i++)
    if (strcmp (status, statuses[i].name) == 0)
      return statuses[i].status;

  return DLV_SENDGRID_STATUS_UNKNOWN;
}

/* SendGrid still works on these: their story is not over. */
gboolean
dlv_sendgrid_status_in_flight (DlvSendgridStatus status)
{
  return status == DLV_SENDGRID_STATUS_PROCESSED || status == DLV_SENDGRID_STATUS_DEFERRED;
}

/**
 * dlv_sendgrid_dup_message_id:
 *
 * Returns: (transfer full) (nullable): the id without surrounding blanks
 *   or angle brackets; %NULL when absent or too long to be one
 */
char *
dlv_sendgrid_dup_message_id (JsonObject *object,
                             const char *member)
{
  const char *value = dlv_json_get_string (object, member);
  g_autofree char *id = NULL;
  gsize len;

  if (value == NULL || strlen (value) > MAX_ID_BYTES)
    return NULL;

  id = g_strstrip (g_utf8_make_valid (value, -1));
  len = strlen (id);
  if (len > 2 && id[0] == '<' && id[len - 1] == '>')
    {
      id[len - 1] = '\0';
      memmove (id, id + 1, len - 1);
    }

  return id[0] != '\0' ? g_steal_pointer (&id) : NULL;
}

/* Whether @id may go into a URL path and a cursor as it is. */
gboolean
dlv_sendgrid_id_is_safe (const char *id)
{
  gsize len = id != NULL ? strlen (id) : 0;

  if (len == 0 || len > 200)
    return FALSE;

  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-' && *p != '_')
      return FALSE;

  return TRUE;
}

char *
dlv_sendgrid_row_id (JsonObject *row)
{
  char *id = dlv_sendgrid_dup_message_id (row, "sg_message_id");

  return id != NULL ? id : dlv_sendgrid_dup_message_id (row, "msg_id");
}

DlvSendgridStatus
dlv_sendgrid_row_status (JsonObject *row)
{
  return dlv_sendgrid_status_from_string (dlv_json_get_string (row, "status"));
}

/* Email Logs rows carry when the message was created; Email Activity rows
 * when its last event happened. */
gboolean
dlv_sendgrid_row_time (JsonObject *row,
                       gint64     *at)
{
  return dlv_parse_iso8601 (dlv_json_get_string (row, "sg_message_id_created_at"), at) ||
         dlv_parse_iso8601 (dlv_json_get_string (row, "last_event_time"), at);
}

static gboolean
is_delivery_kind (DlvEventKind kind)
{
  return kind == DLV_EVENT_KIND_DEFERRED || kind == DLV_EVENT_KIND_DELIVERED ||
         kind == DLV_EVENT_KIND_SOFT_BOUNCE || kind == DLV_EVENT_KIND_HARD_BOUNCE ||
         kind == DLV_EVENT_KIND_BLOCKED;
}

static guint
count_digits (const char *p)
{
  guint n = 0;

  while (g_ascii_isdigit (p[n]))
    n++;

  return n;
}

/* The first "4.2.2"-like code standing on its own in @text, or NULL. */
static char *
find_enhanced_code (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      const char *q = p + 1;
      guint n;

      if (*p != '2' && *p != '4' && *p != '5')
        continue;
      if (p > text && (g_ascii_isdigit (p[-1]) || p[-1] == '.'))
        continue;
      if (*q++ != '.' || (n = count_digits (q)) == 0 || n > 3)
        continue;
      q += n;
      if (*q++ != '.' || (n = count_digits (q)) == 0 || n > 3)
        continue;
      q += n;
      /* "5.6.7.8" is an address, not a code. */
      if (*q == '.' && g_ascii_isdigit (q[1]))
        continue;

      return g_strndup (p, q - p);
    }

  return NULL;
}

/* A bounce's "status" is the enhanced code ("5.1.1"), or by the schema's
 * pattern a basic one ("550"). */
static void
codes_from_status (const char  *status,
                   int         *smtp_code,
                   char       **enhanced_code)
{
  g_autofree char *enhanced = NULL;

  if (status == NULL)
    return;

  if (strlen (status) == 3 && count_digits (status) == 3 && status[0] >= '2' && status[0] <= '5')
    {
      *smtp_code = (int) g_ascii_strtoll (status, NULL, 10);
      return;
    }

  enhanced = find_enhanced_code (status);
  if (enhanced != NULL && strcmp (enhanced, status) == 0)
    *enhanced_code = g_steal_pointer (&enhanced);
}

/* "452 4.2.2 The email account…": the basic code leads the reply. */
static void
codes_from_text (const char  *text,
                 int         *smtp_code,
                 char       **enhanced_code)
{
  if (text == NULL)
    return;

  while (g_ascii_isspace (*text))
    text++;

  if (*smtp_code == 0 && (text[0] == '2' || text[0] == '4' || text[0] == '5') &&
      count_digits (text) == 3)
    *smtp_code = (int) g_ascii_strtoll (text, NULL, 10);
  if (*enhanced_code == NULL)
    *enhanced_code = find_enhanced_code (text);
}

static char *
cap_string (const char *value,
            gsize       max)
{
  return g_utf8_make_valid (value, MIN (strlen (value), max));
}

/* "category" is a string in older webhooks and a list in the rest. */
static char *
first_string (JsonObject *object,
              const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
      json_node_get_string (node)[0] != '\0')
    return cap_string (json_node_get_string (node), MAX_CAMPAIGN_BYTES);

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING &&
              json_node_get_string (element)[0] != '\0')
            return cap_string (json_node_get_string (element), MAX_CAMPAIGN_BYTES);
        }
    }

  return NULL;
}

static char *
campaign_of (JsonObject *item,
             JsonObject *message)
{
  char *campaign = first_string (item, "category");

  if (campaign == NULL)
    campaign = first_string (message, "category");
  if (campaign == NULL)
    campaign = first_string (message, "categories");
  if (campaign == NULL)
    campaign = first_string (message, "marketing_campaign_name");

  return campaign;
}

static char *
dup_either (JsonObject *first,
            JsonObject *second,
            const char *member)
{
  char *value = dlv_json_dup_string (first, member);

  return value != NULL ? value : dlv_json_dup_string (second, member);
}

/* Deliveries and deferrals answer in "response", bounces and drops say
 * why in "reason" (and drops in "message"); Email Activity uses "reason". */
static char *
reason_of (JsonObject   *item,
           DlvEventKind  kind)
{
  static const char * const delivery[] = { "response", "reason", NULL };
  static const char * const failure[] = { "reason", "response", "message", NULL };
  const char * const *members = kind == DLV_EVENT_KIND_DEFERRED || kind == DLV_EVENT_KIND_DELIVERED
                                ? delivery : failure;

  for (guint i = 0; members[i] != NULL; i++)
    {
      char *reason = dlv_json_dup_string (item, members[i]);

      if (reason != NULL)
        return reason;
    }

  return NULL;
}

static void
read_delivery (DlvEvent   *event,
               JsonObject *item,
               JsonObject *message)
{
  gint64 attempt;

  event->reason = reason_of (item, event->kind);
  codes_from_status (dlv_json_get_string (item, "status"), &event->smtp_code,
                     &event->enhanced_code);
  codes_from_text (event->reason, &event->smtp_code, &event->enhanced_code);

  /* The Logs schema calls "attempt" zero-based, its own examples and the
   * webhook documentation count from one: "0" and "1" both mean the first
   * attempt. Email Activity's "attempt_num" counts from one. */
  if ((dlv_json_get_int (item, "attempt", &attempt) || dlv_json_get_int (item, "attempt_num", &attempt)) &&
      attempt >= 0 && attempt < 10000)
    event->attempt = (int) MAX (attempt, 1);

  event->mx = dlv_json_dup_string (item, "mx_server");
  event->ip = dup_either (item, message, "ip");
  if (event->ip == NULL)
    event->ip = dlv_json_dup_string (message, "outbound_ip");
}

static gboolean
is_soft_bounce (JsonObject *item)
{
  const char *type = dlv_json_get_string (item, "type");

  /* The schema's enum says "blocked", its prose "block". */
  return g_strcmp0 (type, "blocked") == 0 || g_strcmp0 (type, "block") == 0 ||
         g_strcmp0 (dlv_json_get_string (item, "bounce_type"), "soft") == 0;
}

static gboolean
event_time (JsonObject *item,
            gint64     *at)
{
  double seconds;

  /* Integer seconds in the schema; a millisecond value is scaled down. */
  if (dlv_json_get_double (item, "timestamp", &seconds) && seconds > 0)
    {
      while (seconds >= 1e11)
        seconds /= 1000;
      *at = (gint64) floor (seconds);
      return TRUE;
    }

  return dlv_parse_iso8601 (dlv_json_get_string (item, "timestamp"), at) ||
         dlv_parse_iso8601 (dlv_json_get_string (item, "processed"), at);
}

static const KindEntry *
find_kind (const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (event_kinds); i++)
    if (strcmp (name, event_kinds[i].name) == 0)
      return &event_kinds[i];

  return NULL;
}

static char *
event_message_id (JsonObject *item,
                  JsonObject *message)
{
  static const char * const members[] = { "sg_message_id", "msg_id", NULL };

  for (guint i = 0; members[i] != NULL; i++)
    {
      char *id = dlv_sendgrid_dup_message_id (item, members[i]);

      if (id == NULL)
        id = dlv_sendgrid_dup_message_id (message, members[i]);
      if (id != NULL)
        return id;
    }

  return NULL;
}

/**
 * dlv_sendgrid_parse_event:
 * @item: one element of a detail's "events", or one webhook event
 * @message: (nullable): the detail the event belongs to, for what events
 *   leave to their message (subject, sender)
 * @ignored: (out): set when @item is valid but not one Deliverability
 *   shows (received, group_resubscribe…), so it is not counted as malformed
 *
 * Returns: (transfer full) (nullable): the event, or %NULL
 */
DlvEvent *
dlv_sendgrid_parse_event (JsonObject *item,
                          JsonObject *message,
                          gboolean   *ignored)
{
  g_autoptr(DlvEvent) event = NULL;
  const char *name = dlv_json_get_string (item, "event");
  const KindEntry *entry;
  DlvEventKind kind;
  gint64 at;

  if (name == NULL)
    name = dlv_json_get_string (item, "event_name");

  *ignored = FALSE;
  entry = find_kind (name);
  if (entry == NULL)
    {
      *ignored = name != NULL;
      return NULL;
    }

  kind = entry->kind;
  if (kind == DLV_EVENT_KIND_HARD_BOUNCE && is_soft_bounce (item))
    kind = DLV_EVENT_KIND_SOFT_BOUNCE;
  if (!event_time (item, &at))
    return NULL;

  event = dlv_event_new (kind, at);
  event->message_id = event_message_id (item, message);
  if (event->message_id == NULL)
    return NULL;

  if (entry->once != NULL)
    event->uid = g_strdup_printf ("sg:%s:%s", event->message_id, entry->once);
  else
    event->uid = dlv_json_dup_string (item, "sg_event_id");

  event->recipient = dup_either (item, message, "email");
  if (event->recipient == NULL)
    event->recipient = dlv_json_dup_string (message, "to_email");
  event->sender = dlv_json_dup_string (item, "from");
  if (event->sender == NULL)
    event->sender = dup_either (item, message, "from_email");
  event->subject = dup_either (item, message, "subject");
  event->campaign = campaign_of (item, message);

  if (is_delivery_kind (kind))
    read_delivery (event, item, message);

  return g_steal_pointer (&event);
}

static const struct
{
  DlvEventKind kind;
  const char *once;
} row_kinds[] = {
  [DLV_SENDGRID_STATUS_PROCESSED] = { DLV_EVENT_KIND_ACCEPTED, "processed" },
  [DLV_SENDGRID_STATUS_DEFERRED] = { DLV_EVENT_KIND_DEFERRED, NULL },
  [DLV_SENDGRID_STATUS_DELIVERED] = { DLV_EVENT_KIND_DELIVERED, "delivered" },
  [DLV_SENDGRID_STATUS_BOUNCED] = { DLV_EVENT_KIND_HARD_BOUNCE, "bounce" },
  [DLV_SENDGRID_STATUS_BLOCKED] = { DLV_EVENT_KIND_SOFT_BOUNCE, "bounce" },
  [DLV_SENDGRID_STATUS_DROPPED] = { DLV_EVENT_KIND_BLOCKED, "dropped" },
  /* Bounced, blocked or dropped: the list does not say which. */
  [DLV_SENDGRID_STATUS_NOT_DELIVERED] = { DLV_EVENT_KIND_BLOCKED, NULL },
};

/**
 * dlv_sendgrid_parse_row:
 * @row: one element of a list's "messages"
 * @ignored: (out): set when the row is valid but in a status not known here
 *
 * The row's summary status as one event at the time the row gives: all a
 * list says about a message. A deferred row has no uid, so the store
 * derives one from its reason and time.
 *
 * Returns: (transfer full) (nullable): the event, or %NULL
 */
DlvEvent *
dlv_sendgrid_parse_row (JsonObject *row,
                        gboolean   *ignored)
{
  g_autoptr(DlvEvent) event = NULL;
  DlvSendgridStatus status = dlv_sendgrid_row_status (row);
  g_autofree char *id = NULL;
  gint64 at;

  *ignored = FALSE;
  if (status == DLV_SENDGRID_STATUS_UNKNOWN)
    {
      *ignored = dlv_json_get_string (row, "status") != NULL;
      return NULL;
    }

  id = dlv_sendgrid_row_id (row);
  if (id == NULL || !dlv_sendgrid_row_time (row, &at))
    return NULL;

  event = dlv_event_new (row_kinds[status].kind, at);
  if (row_kinds[status].once != NULL)
    event->uid = g_strdup_printf ("sg:%s:%s", id, row_kinds[status].once);
  event->message_id = g_steal_pointer (&id);
  event->recipient = dlv_json_dup_string (row, "to_email");
  event->sender = dlv_json_dup_string (row, "from_email");
  event->subject = dlv_json_dup_string (row, "subject");
  event->campaign = first_string (row, "categories");

  if (is_delivery_kind (event->kind))
    {
      event->reason = dlv_json_dup_string (row, "reason");
      codes_from_text (event->reason, &event->smtp_code, &event->enhanced_code);
    }

  return g_steal_pointer (&event);
}

static DlvEvent *
parse_row_item (JsonObject *row,
                gboolean   *ignored,
                gpointer    user_data)
{
  return dlv_sendgrid_parse_row (row, ignored);
}

static DlvEvent *
parse_detail_item (JsonObject *item,
                   gboolean   *ignored,
                   gpointer    user_data)
{
  return dlv_sendgrid_parse_event (item, user_data, ignored);
}

/**
 * dlv_sendgrid_add_row_event:
 * @node: one element of a list's "messages"
 *
 * Adds the row's event to @page, or counts it as skipped.
 */
void
dlv_sendgrid_add_row_event (DlvEventPage *page,
                            JsonNode     *node,
                            gboolean      keep_raw)
{
  gboolean ignored = FALSE;
  DlvEvent *event = NULL;

  if (JSON_NODE_HOLDS_OBJECT (node))
    event = dlv_sendgrid_parse_row (json_node_get_object (node), &ignored);

  if (event == NULL)
    {
      if (!ignored)
        page->skipped++;
      return;
    }

  if (keep_raw && dlv_event_kind_is_failure (event->kind))
    event->raw = dlv_event_items_raw (node);
  g_ptr_array_add (page->events, event);
}

/**
 * dlv_sendgrid_add_detail_events:
 * @detail: a GET /v3/logs/{sg_message_id} answer
 *
 * Adds the events of one message's detail to @page; unreadable ones count
 * as skipped, and a detail without an events list as one.
 */
void
dlv_sendgrid_add_detail_events (DlvEventPage *page,
                                JsonObject   *detail,
                                gboolean      keep_raw)
{
  JsonArray *events = dlv_json_get_array (detail, "events");

  if (events == NULL)
    page->skipped++;
  else
    dlv_event_items_add (page, events, parse_detail_item, detail, keep_raw);
}

/**
 * dlv_sendgrid_parse_page:
 * @keep_raw: keep each failure event's JSON
 *
 * One saved answer: an Email Logs or Email Activity list, or one message's
 * detail with its events.
 *
 * Returns: (transfer full): the page, or %NULL with @error set when the
 *   document is none of them
 */
DlvEventPage *
dlv_sendgrid_parse_page (const char  *data,
                         gssize       length,
                         gboolean     keep_raw,
                         GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(DlvEventPage) page = dlv_event_page_new ();
  g_autoptr(GError) local_error = NULL;
  JsonArray *rows;
  JsonNode *root;

  rows = dlv_event_items_load (data, length, "messages", "SendGrid", &parser, &page->repaired,
                               &local_error);
  if (rows != NULL)
    {
      dlv_event_items_add (page, rows, parse_row_item, NULL, keep_raw);
      return g_steal_pointer (&page);
    }

  /* Not a list: perhaps one message's detail. */
  root = parser != NULL ? json_parser_get_root (parser) : NULL;
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      dlv_json_get_array (json_node_get_object (root), "events") == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  dlv_sendgrid_add_detail_events (page, json_node_get_object (root), keep_raw);
  return g_steal_pointer (&page);
}
