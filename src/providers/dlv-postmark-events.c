/* dlv-postmark-events.c: Postmark's messages, message events and bounces as normalized events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Postmark is message-centric. A message (an item of GET /messages/outbound,
 * or GET /messages/outbound/{id}/details) becomes an "accepted" event at its
 * ReceivedAt, plus one event per entry of the details' "MessageEvents"
 * timeline: Delivered, Transient (a deferral), Opened, LinkClicked and
 * SubscriptionChanged. A timeline "Bounced" entry only names a BounceID: the
 * bounce itself, with its type, is read from GET /bounces, whose records
 * carry an ID used as the event's uid. Timeline entries have no id, so the
 * store derives one from message id, kind, time, reason and code; they are
 * read here without attempt numbers (Postmark gives none) so that a re-read,
 * or a webhook import of the same event, derives the same uid.
 *
 * Times carry an offset and up to seven fractional digits
 * ("2026-01-15T03:35:20.4178645-05:00"); one without an offset is US Eastern
 * time, the zone of Postmark's fromdate/todate filters.
 */

#define G_LOG_DOMAIN "dlv-postmark"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dlv-json-util.h"
#include "dlv-postmark-events.h"
#include "dlv-provider.h"
#include "dlv-reason.h"

/* Longest failure JSON kept with an event; bounce "Content" (the whole
 * returned message) is never kept. */
#define RAW_MAX_BYTES (64 * 1024)
/* A message to more addresses than this is someone else's bug. */
#define MAX_RECIPIENTS 1000
#define MAX_ID_LENGTH 128

/**
 * dlv_postmark_eastern_zone:
 *
 * Returns: (transfer none): America/New_York, or a fixed −05:00 when the
 *   system has no time zone data
 */
GTimeZone *
dlv_postmark_eastern_zone (void)
{
  static GTimeZone *zone = NULL;

  if (g_once_init_enter (&zone))
    {
      GTimeZone *eastern = g_time_zone_new_identifier ("America/New_York");

      /* Standard time all year: summer windows then start and end an hour
       * early, which delays events but loses none, except once a year
       * across the autumn change. */
      if (eastern == NULL)
        {
          g_debug ("No time zone data for America/New_York; using −05:00");
          eastern = g_time_zone_new_offset (-5 * 3600);
        }
      g_once_init_leave (&zone, eastern);
    }

  return zone;
}

static char *
wall_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_seconds);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup ("1970-01-01T00:00:00");

  local = g_date_time_to_timezone (utc, dlv_postmark_eastern_zone ());
  return g_date_time_format (local, "%Y-%m-%dT%H:%M:%S");
}

/**
 * dlv_postmark_eastern_time:
 * @window_end: whether the time closes a window (todate) or opens it (fromdate)
 *
 * The value of a fromdate/todate parameter: Eastern wall time without an
 * offset. In the autumn hour that happens twice, Postmark may read the wall
 * time as either instant; an hour is added to or taken from the window so
 * that both readings still cover it.
 *
 * Returns: (transfer full): "YYYY-MM-DDThh:mm:ss"
 */
char *
dlv_postmark_eastern_time (gint64   unix_seconds,
                           gboolean window_end)
{
  g_autofree char *wall = wall_time (unix_seconds);
  g_autofree char *other = wall_time (window_end ? unix_seconds - 3600 : unix_seconds + 3600);

  if (g_strcmp0 (wall, other) == 0)
    return wall_time (window_end ? unix_seconds + 3600 : unix_seconds - 3600);

  return g_steal_pointer (&wall);
}

gboolean
dlv_postmark_parse_time (const char *text,
                         gint64     *unix_seconds)
{
  g_autoptr(GDateTime) time = NULL;

  if (text == NULL || text[0] == '\0' || strlen (text) > 64)
    return FALSE;

  time = g_date_time_new_from_iso8601 (text, dlv_postmark_eastern_zone ());
  if (time == NULL)
    return FALSE;

  *unix_seconds = g_date_time_to_unix (time);
  return TRUE;
}

/**
 * dlv_postmark_id_is_valid:
 *
 * Whether @id could be a MessageID Postmark made (a UUID): ids go into
 * request paths and into the cursor, so nothing else is accepted.
 */
gboolean
dlv_postmark_id_is_valid (const char *id)
{
  gsize length = 0;

  if (id == NULL)
    return FALSE;

  for (const char *p = id; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '-' || *p == '_') || ++length > MAX_ID_LENGTH)
      return FALSE;

  return length > 0;
}

/**
 * dlv_postmark_message_id:
 *
 * Returns: (transfer none) (nullable): the object's MessageID when it is a
 *   valid one
 */
const char *
dlv_postmark_message_id (JsonObject *message)
{
  const char *id = dlv_json_get_string (message, "MessageID");

  return dlv_postmark_id_is_valid (id) ? id : NULL;
}

/* A JSON boolean, or "true"/"false" and 1/0 the way loosely typed
 * serializers write them. */
static gboolean
get_bool (JsonObject *object,
          const char *member,
          gboolean   *value)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;
  gint64 number;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    {
      *value = json_node_get_boolean (node);
      return TRUE;
    }
  if (json_node_get_value_type (node) == G_TYPE_STRING &&
      (g_ascii_strcasecmp (json_node_get_string (node), "true") == 0 ||
       g_ascii_strcasecmp (json_node_get_string (node), "false") == 0))
    {
      *value = g_ascii_strcasecmp (json_node_get_string (node), "true") == 0;
      return TRUE;
    }
  if (dlv_json_get_int (object, member, &number) && (number == 0 || number == 1))
    {
      *value = number == 1;
      return TRUE;
    }

  return FALSE;
}

static char *
raw_json (JsonObject *object)
{
  g_autoptr(JsonObject) copy = json_object_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  gsize length;
  char *text;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &value))
    if (g_strcmp0 (name, "Content") != 0)
      json_object_set_member (copy, name, json_node_copy (value));

  json_node_set_object (root, copy);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);
  if (length > RAW_MAX_BYTES)
    g_clear_pointer (&text, g_free);

  return text;
}

static char *
dup_either (JsonObject *first,
            JsonObject *second,
            const char *member)
{
  char *value = dlv_json_dup_string (first, member);

  return value != NULL ? value : dlv_json_dup_string (second, member);
}

static void
add_address (GPtrArray  *list,
             const char *address)
{
  if (address != NULL && address[0] != '\0' && list->len < MAX_RECIPIENTS)
    g_ptr_array_add (list, g_utf8_make_valid (address, MIN (strlen (address), 320)));
}

/* "Recipients", else the addresses of To, Cc and Bcc. */
static GPtrArray *
recipients_of (JsonObject *message)
{
  static const char * const fields[] = { "To", "Cc", "Bcc" };
  GPtrArray *list = g_ptr_array_new_with_free_func (g_free);
  JsonArray *recipients = dlv_json_get_array (message, "Recipients");

  for (guint i = 0; recipients != NULL && i < json_array_get_length (recipients); i++)
    {
      JsonNode *node = json_array_get_element (recipients, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        add_address (list, json_node_get_string (node));
    }

  for (guint f = 0; list->len == 0 && f < G_N_ELEMENTS (fields); f++)
    {
      JsonArray *people = dlv_json_get_array (message, fields[f]);

      for (guint i = 0; people != NULL && i < json_array_get_length (people); i++)
        {
          JsonNode *node = json_array_get_element (people, i);

          if (JSON_NODE_HOLDS_OBJECT (node))
            add_address (list, dlv_json_get_string (json_node_get_object (node), "Email"));
        }
    }

  return list;
}

static gboolean
has_address (GPtrArray  *list,
             const char *address)
{
  for (guint i = 0; i < list->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (list, i), address) == 0)
      return TRUE;

  return FALSE;
}

/* Field names are not confirmed for the timeline; Postmark's webhook of
 * the same name says SuppressSending and SuppressionReason. A suppression
 * for a bounce or a complaint is already told by that bounce. */
static gboolean
suppresses (JsonObject *details)
{
  const char *reason = dlv_json_get_string (details, "SuppressionReason");
  gboolean suppress;

  if (get_bool (details, "SuppressSending", &suppress) && !suppress)
    return FALSE;
  if (g_strcmp0 (reason, "HardBounce") == 0 || g_strcmp0 (reason, "SpamComplaint") == 0)
    return FALSE;

  return TRUE;
}

static gboolean
is_type (const char *type,
         const char *name)
{
  return type != NULL && g_ascii_strcasecmp (type, name) == 0;
}

/* Whether a timeline entry is an outcome the message will keep: then it
 * needs no second look. */
static gboolean
is_outcome (const char *type)
{
  return is_type (type, "Delivered") || is_type (type, "Bounced") ||
         is_type (type, "Opened") || is_type (type, "LinkClicked");
}

static gboolean
timeline_kind (const char   *type,
               JsonObject   *details,
               DlvEventKind *kind)
{
  if (is_type (type, "Delivered"))
    *kind = DLV_EVENT_KIND_DELIVERED;
  else if (is_type (type, "Transient"))
    *kind = DLV_EVENT_KIND_DEFERRED;
  else if (is_type (type, "Opened"))
    *kind = DLV_EVENT_KIND_OPENED;
  else if (is_type (type, "LinkClicked"))
    *kind = DLV_EVENT_KIND_CLICKED;
  else if (is_type (type, "SubscriptionChanged") && suppresses (details))
    *kind = DLV_EVENT_KIND_UNSUBSCRIBED;
  else
    return FALSE;

  return TRUE;
}

static DlvEvent *
message_event (DlvEventKind  kind,
               gint64        at,
               const char   *id,
               JsonObject   *message,
               JsonObject   *summary)
{
  DlvEvent *event = dlv_event_new (kind, at);

  event->message_id = g_strdup (id);
  event->sender = dup_either (message, summary, "From");
  event->subject = dup_either (message, summary, "Subject");
  event->campaign = dup_either (message, summary, "Tag");

  return event;
}

/* One "MessageEvents" entry; %NULL when it is unreadable, or (with
 * @ignored) not an event of ours: "Bounced" comes from /bounces. */
static DlvEvent *
read_timeline_entry (JsonObject *entry,
                     const char *id,
                     JsonObject *message,
                     JsonObject *summary,
                     const char *first_recipient,
                     gboolean    keep_raw,
                     gboolean   *ignored)
{
  JsonObject *details = dlv_json_get_object (entry, "Details");
  const char *type = dlv_json_get_string (entry, "Type");
  DlvEvent *event;
  DlvEventKind kind;
  gint64 at;

  *ignored = FALSE;
  if (type == NULL)
    return NULL;
  if (!timeline_kind (type, details, &kind))
    {
      *ignored = TRUE;
      return NULL;
    }
  if (!dlv_postmark_parse_time (dlv_json_get_string (entry, "ReceivedAt"), &at))
    return NULL;

  event = message_event (kind, at, id, message, summary);
  event->recipient = dlv_json_dup_string (entry, "Recipient");
  if (event->recipient == NULL)
    event->recipient = g_strdup (first_recipient);

  if (kind == DLV_EVENT_KIND_DELIVERED || kind == DLV_EVENT_KIND_DEFERRED)
    {
      event->reason = dlv_json_dup_string (details, "DeliveryMessage");
      event->mx = dlv_json_dup_string (details, "DestinationServer");
      dlv_event_take_codes_from_reason (event);
    }
  if (keep_raw && kind == DLV_EVENT_KIND_DEFERRED)
    event->raw = raw_json (entry);

  return event;
}

/**
 * dlv_postmark_read_message:
 * @message: a message's details, or a search item
 * @summary: (nullable): the search item @message was listed as, for what
 *   the details lack
 * @received_at: (out): when Postmark received the message
 * @final: (out): whether every recipient has an outcome (delivered,
 *   bounced, opened or clicked) that later reads will not change, or the
 *   message was only sandboxed
 *
 * Adds the message's events to @page, counting unreadable timeline
 * entries in page->skipped.
 *
 * Returns: %FALSE (and adds nothing) when the message has no usable
 *   MessageID or ReceivedAt
 */
gboolean
dlv_postmark_read_message (JsonObject   *message,
                           JsonObject   *summary,
                           gboolean      keep_raw,
                           DlvEventPage *page,
                           gint64       *received_at,
                           gboolean     *final)
{
  const char *id = dlv_postmark_message_id (message);
  g_autoptr(GPtrArray) recipients = NULL;
  g_autoptr(GPtrArray) settled = g_ptr_array_new_with_free_func (g_free);
  gboolean settled_all = FALSE;
  gboolean sandboxed = FALSE;
  const char *first_recipient;
  JsonArray *timeline;
  DlvEvent *accepted;

  if (id == NULL)
    id = dlv_postmark_message_id (summary);
  if (id == NULL ||
      (!dlv_postmark_parse_time (dlv_json_get_string (message, "ReceivedAt"), received_at) &&
       !dlv_postmark_parse_time (dlv_json_get_string (summary, "ReceivedAt"), received_at)))
    return FALSE;

  recipients = recipients_of (message);
  if (recipients->len == 0 && summary != NULL)
    {
      g_ptr_array_unref (recipients);
      recipients = recipients_of (summary);
    }
  first_recipient = recipients->len > 0 ? g_ptr_array_index (recipients, 0) : NULL;

  accepted = message_event (DLV_EVENT_KIND_ACCEPTED, *received_at, id, message, summary);
  accepted->recipient = g_strdup (first_recipient);
  g_ptr_array_add (page->events, accepted);

  timeline = dlv_json_get_array (message, "MessageEvents");
  for (guint i = 0; timeline != NULL && i < json_array_get_length (timeline); i++)
    {
      JsonNode *node = json_array_get_element (timeline, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *recipient = dlv_json_get_string (entry, "Recipient");
      gboolean ignored = FALSE;
      DlvEvent *event = NULL;

      if (entry != NULL)
        event = read_timeline_entry (entry, id, message, summary, first_recipient, keep_raw,
                                     &ignored);

      if (event != NULL)
        g_ptr_array_add (page->events, event);
      else if (!ignored)
        page->skipped++;

      if (entry != NULL && is_outcome (dlv_json_get_string (entry, "Type")))
        {
          if (recipient == NULL || recipient[0] == '\0')
            settled_all = TRUE;
          else
            add_address (settled, recipient);
        }
    }

  /* A sandbox server delivers nothing: there is nothing to wait for. */
  if (settled_all || (get_bool (message, "Sandboxed", &sandboxed) && sandboxed) ||
      (get_bool (summary, "Sandboxed", &sandboxed) && sandboxed))
    *final = TRUE;
  else if (recipients->len == 0)
    *final = settled->len > 0;
  else
    {
      *final = TRUE;
      for (guint i = 0; i < recipients->len && *final; i++)
        *final = has_address (settled, g_ptr_array_index (recipients, i));
    }

  return TRUE;
}

static const struct {
  const char *type;
  gint64 code;
  gboolean ours;               /* FALSE: not about delivering a sent message */
  DlvEventKind kind;
} bounce_types[] = {
  { "HardBounce", 1, TRUE, DLV_EVENT_KIND_HARD_BOUNCE },
  { "Transient", 2, TRUE, DLV_EVENT_KIND_SOFT_BOUNCE },
  { "Unsubscribe", 16, TRUE, DLV_EVENT_KIND_UNSUBSCRIBED },
  { "Subscribe", 32, FALSE, 0 },
  { "AutoResponder", 64, TRUE, DLV_EVENT_KIND_SOFT_BOUNCE },
  { "AddressChange", 128, FALSE, 0 },
  { "DnsError", 256, TRUE, DLV_EVENT_KIND_HARD_BOUNCE },
  { "SpamNotification", 512, TRUE, DLV_EVENT_KIND_SPAM_COMPLAINT },
  { "OpenRelayTest", 1024, FALSE, 0 },
  { "Unknown", 2048, TRUE, DLV_EVENT_KIND_SOFT_BOUNCE },
  { "SoftBounce", 4096, TRUE, DLV_EVENT_KIND_SOFT_BOUNCE },
  { "VirusNotification", 8192, TRUE, DLV_EVENT_KIND_BLOCKED },
  { "ChallengeVerification", 16384, TRUE, DLV_EVENT_KIND_SOFT_BOUNCE },
  { "BadEmailAddress", 100000, TRUE, DLV_EVENT_KIND_HARD_BOUNCE },
  { "SpamComplaint", 100001, TRUE, DLV_EVENT_KIND_SPAM_COMPLAINT },
  { "ManuallyDeactivated", 100002, TRUE, DLV_EVENT_KIND_BLOCKED },
  { "Unconfirmed", 100003, TRUE, DLV_EVENT_KIND_BLOCKED },
  { "Blocked", 100006, TRUE, DLV_EVENT_KIND_BLOCKED },
  { "SMTPApiError", 100007, TRUE, DLV_EVENT_KIND_BLOCKED },
  { "InboundError", 100008, FALSE, 0 },
  { "DMARCPolicy", 100009, TRUE, DLV_EVENT_KIND_BLOCKED },
  { "TemplateRenderingFailed", 100010, TRUE, DLV_EVENT_KIND_BLOCKED },
};

/* By Type, else by TypeCode; a type Postmark adds later still is a
 * failed delivery, counted as a soft bounce as "Unknown" is. */
static gboolean
bounce_kind (JsonObject   *bounce,
             DlvEventKind *kind,
             gboolean     *ignored)
{
  const char *type = dlv_json_get_string (bounce, "Type");
  gint64 code = -1;

  dlv_json_get_int (bounce, "TypeCode", &code);
  if (type == NULL && code < 0)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (bounce_types); i++)
    {
      gboolean match = type != NULL ? g_ascii_strcasecmp (type, bounce_types[i].type) == 0
                                    : code == bounce_types[i].code;

      if (!match)
        continue;

      *ignored = !bounce_types[i].ours;
      *kind = bounce_types[i].kind;
      return bounce_types[i].ours;
    }

  *kind = DLV_EVENT_KIND_SOFT_BOUNCE;
  return TRUE;
}

/**
 * dlv_postmark_parse_bounce:
 * @node: a Bounce record (GET /bounces, or a Bounce / SpamComplaint webhook)
 * @ignored: (out): set when the record is valid but not about delivering
 *   a sent message (Subscribe, AddressChange, OpenRelayTest, InboundError)
 *
 * Returns: (transfer full) (nullable): the event, or %NULL
 */
DlvEvent *
dlv_postmark_parse_bounce (JsonNode *node,
                           gboolean  keep_raw,
                           gboolean *ignored)
{
  JsonObject *bounce = node != NULL && JSON_NODE_HOLDS_OBJECT (node)
                       ? json_node_get_object (node) : NULL;
  g_autoptr(DlvEvent) event = NULL;
  const char *id = dlv_postmark_message_id (bounce);
  DlvEventKind kind;
  gint64 bounce_id;
  gint64 at;

  *ignored = FALSE;
  if (bounce == NULL || !bounce_kind (bounce, &kind, ignored) || id == NULL ||
      !dlv_postmark_parse_time (dlv_json_get_string (bounce, "BouncedAt"), &at))
    return NULL;

  event = dlv_event_new (kind, at);
  event->message_id = g_strdup (id);
  if (dlv_json_get_int (bounce, "ID", &bounce_id))
    event->uid = g_strdup_printf ("postmark-bounce:%" G_GINT64_FORMAT, bounce_id);
  event->recipient = dlv_json_dup_string (bounce, "Email");
  if (event->recipient == NULL)
    event->recipient = dlv_json_dup_string (bounce, "Recipient");
  event->sender = dlv_json_dup_string (bounce, "From");
  event->subject = dlv_json_dup_string (bounce, "Subject");
  event->campaign = dlv_json_dup_string (bounce, "Tag");
  event->reason = dlv_json_dup_string (bounce, "Details");
  if (event->reason == NULL)
    event->reason = dlv_json_dup_string (bounce, "Description");
  dlv_event_take_codes_from_reason (event);
  if (keep_raw)
    event->raw = raw_json (bounce);

  return g_steal_pointer (&event);
}

static JsonObject *
root_object (JsonParser *parser)
{
  JsonNode *root = json_parser_get_root (parser);

  return root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
}

static void
add_bounces (DlvEventPage *page,
             JsonArray    *bounces)
{
  for (guint i = 0; i < json_array_get_length (bounces); i++)
    {
      JsonNode *node = json_array_get_element (bounces, i);
      gboolean ignored = FALSE;
      DlvEvent *event = dlv_postmark_parse_bounce (node, TRUE, &ignored);

      if (event != NULL)
        g_ptr_array_add (page->events, event);
      else if (!ignored)
        page->skipped++;
    }
}

/**
 * dlv_postmark_parse_bounces_page:
 * @items: (out): how many records the page held
 * @total: (out): Postmark's TotalCount, -1 when it did not say
 *
 * Returns: (transfer full): the page, or %NULL with @error set when the
 *   document is not a bounces page
 */
DlvEventPage *
dlv_postmark_parse_bounces_page (const char  *data,
                                 gssize       length,
                                 guint       *items,
                                 gint64      *total,
                                 GError     **error)
{
  g_autoptr(DlvEventPage) page = dlv_event_page_new ();
  g_autoptr(JsonParser) parser = dlv_json_load (data, length, &page->repaired, error);
  JsonObject *root;
  JsonArray *bounces;

  if (parser == NULL)
    return NULL;

  root = root_object (parser);
  bounces = dlv_json_get_array (root, "Bounces");
  if (bounces == NULL)
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE,
                   _("Postmark sent a page of bounces without its “Bounces” list"));
      return NULL;
    }

  *items = json_array_get_length (bounces);
  if (!dlv_json_get_int (root, "TotalCount", total))
    *total = -1;
  add_bounces (page, bounces);

  return g_steal_pointer (&page);
}

static void
add_message (DlvEventPage *page,
             JsonNode     *node)
{
  gint64 received;
  gboolean final;

  if (!JSON_NODE_HOLDS_OBJECT (node) ||
      !dlv_postmark_read_message (json_node_get_object (node), NULL, TRUE, page, &received, &final))
    page->skipped++;
}

/**
 * dlv_postmark_parse_file_page:
 *
 * One saved API answer: a message search page (its messages as accepted,
 * with their timelines when they carry one), one message's details, or a
 * page of bounces.
 *
 * Returns: (transfer full): the page, or %NULL with @error set
 */
DlvEventPage *
dlv_postmark_parse_file_page (const char  *data,
                              gssize       length,
                              GError     **error)
{
  g_autoptr(DlvEventPage) page = dlv_event_page_new ();
  g_autoptr(JsonParser) parser = dlv_json_load (data, length, &page->repaired, error);
  JsonObject *root;
  JsonArray *list;

  if (parser == NULL)
    return NULL;

  root = root_object (parser);

  if ((list = dlv_json_get_array (root, "Bounces")) != NULL)
    add_bounces (page, list);
  else if ((list = dlv_json_get_array (root, "Messages")) != NULL)
    for (guint i = 0; i < json_array_get_length (list); i++)
      add_message (page, json_array_get_element (list, i));
  else if (dlv_json_get_array (root, "MessageEvents") != NULL)
    add_message (page, json_parser_get_root (parser));
  else
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE,
                   _("This is not a Postmark answer Deliverability reads: it has no "
                     "“Messages”, “MessageEvents” or “Bounces”"));
      return NULL;
    }

  return g_steal_pointer (&page);
}

/* Webhooks other than bounces: Delivery, Open, Click, SubscriptionChange. */
static DlvEvent *
parse_tracking_webhook (JsonObject *object,
                        const char *record,
                        gboolean   *ignored)
{
  const char *id = dlv_postmark_message_id (object);
  const char *time_member = "ReceivedAt";
  DlvEventKind kind;
  DlvEvent *event;
  gint64 at;

  if (g_strcmp0 (record, "Delivery") == 0)
    {
      kind = DLV_EVENT_KIND_DELIVERED;
      time_member = "DeliveredAt";
    }
  else if (g_strcmp0 (record, "Open") == 0)
    kind = DLV_EVENT_KIND_OPENED;
  else if (g_strcmp0 (record, "Click") == 0)
    kind = DLV_EVENT_KIND_CLICKED;
  else if (g_strcmp0 (record, "SubscriptionChange") == 0)
    {
      *ignored = !suppresses (object);
      if (*ignored)
        return NULL;
      kind = DLV_EVENT_KIND_UNSUBSCRIBED;
      time_member = "ChangedAt";
    }
  else
    {
      *ignored = record != NULL;
      return NULL;
    }

  if (id == NULL || !dlv_postmark_parse_time (dlv_json_get_string (object, time_member), &at))
    return NULL;

  event = dlv_event_new (kind, at);
  event->message_id = g_strdup (id);
  event->recipient = dlv_json_dup_string (object, "Recipient");
  event->campaign = dlv_json_dup_string (object, "Tag");
  if (kind == DLV_EVENT_KIND_DELIVERED)
    {
      event->reason = dlv_json_dup_string (object, "Details");
      dlv_event_take_codes_from_reason (event);
    }

  return event;
}

/**
 * dlv_postmark_parse_webhook:
 * @object: one webhook payload
 * @ignored: (out): set for valid payloads that are not delivery events
 *   (inbound mail, a re-subscription)
 *
 * Returns: (transfer full) (nullable): the event, or %NULL
 */
DlvEvent *
dlv_postmark_parse_webhook (JsonObject *object,
                            gboolean   *ignored)
{
  const char *record = dlv_json_get_string (object, "RecordType");

  *ignored = FALSE;
  if (g_strcmp0 (record, "Bounce") == 0 || g_strcmp0 (record, "SpamComplaint") == 0 ||
      (record == NULL && dlv_json_get_string (object, "BouncedAt") != NULL))
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

      return dlv_postmark_parse_bounce (node, TRUE, ignored);
    }

  return parse_tracking_webhook (object, record, ignored);
}
