/* dlv-mailjet-events.c: Mailjet's messages, message history and webhook events as normalized events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Mailjet is message-centric. GET /v3/REST/message → {"Count", "Data": [...], "Total"} lists each
 * message once, with its current "Status", "AttemptCount" and a coded failure reason, "StateID"
 * (table below). GET /v3/REST/messagehistory/{ID} → {"Data": [{"EventAt", "EventType", "State",
 * "Comment"}]} tells a failure in Mailjet's own words. Neither gives an event id nor the
 * receiving server's SMTP reply, so one read of a message becomes one event whose fields depend
 * only on what Mailjet said: the store derives the same id from the same read, and a message
 * whose status moved on gives a new event. The Event API's webhook objects (imports) do carry
 * the SMTP reply and Mailjet's error words.
 *
 * Message IDs are about 2.9e17, beyond the 2^53 a double holds exactly: they are read as gint64
 * or as a string of digits, and an ID that arrives as a double is refused rather than rounded.
 * Anything unreadable skips its item, counted; the rest of the page is kept.
 */

#define G_LOG_DOMAIN "dlv-mailjet"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "dlv-event-items.h"
#include "dlv-json-util.h"
#include "dlv-mailjet-events.h"
#include "dlv-provider.h"
#include "dlv-util.h"

/* A status reached after retries happened "Delay" seconds after arrival; a longer delay than
 * a week is not one Mailjet could have retried for. */
#define MAX_DELAY_SECONDS (7 * 24 * 3600)

/* Mailjet's MessageState codes, in words the classifier reads (it looks for signs like "mailbox
 * is full", "local policy", "greylisted") and a marketer understands. The English text is what
 * is stored: it is part of an event's identity, so it must not change with the language of the
 * desktop. dlv_mailjet_state_title() gives the translation for display. */
static const char * const state_reasons[] = {
  [1] = N_("User unknown: the address does not exist"),
  [2] = N_("Mailbox inactive: the account is disabled or abandoned"),
  [3] = N_("Quota exceeded: the mailbox is full"),
  [4] = N_("Invalid domain: the recipient's domain does not exist"),
  [5] = N_("No mail host: the recipient's domain has no MX record that answers"),
  [6] = N_("Relay or access denied: the receiving server refuses mail from Mailjet"),
  [7] = N_("Sender blocked: the receiving server blocks this sender for its reputation"),
  [8] = N_("Content blocked: a spam filter rejected the message content"),
  [9] = N_("Policy issue: the receiving server refused the message by local policy"),
  [10] = N_("System issue: an internal server error at Mailjet; it retries"),
  [11] = N_("Protocol issue: an internal server error at Mailjet during the SMTP conversation"),
  [12] = N_("Connection issue: the connection to the receiving server failed or it was "
             "unavailable"),
  [13] = N_("Greylisted: the receiving server asked Mailjet to retry later"),
  [14] = N_("Preblocked: Mailjet did not send to an address that bounced recently"),
  [15] = N_("Duplicate in campaign: Mailjet does not send one campaign twice to the same address"),
  [16] = N_("Spam preblocked: Mailjet's own check judged the message content as spam"),
  [17] = N_("Bad or empty template: the message content could not be built"),
  [18] = N_("Error in template language: the message content could not be built"),
  [19] = N_("Typofix: the address looks misspelled, so Mailjet did not send"),
  [20] = N_("On the exclusion list: this account excludes the address, so sending is not allowed"),
  [21] = N_("Spam reporter: the recipient filed a complaint before, so Mailjet no longer sends "
             "to it"),
};

static gboolean
state_known (gint64 state_id)
{
  return state_id > 0 && state_id < (gint64) G_N_ELEMENTS (state_reasons) &&
         state_reasons[state_id] != NULL;
}

/**
 * dlv_mailjet_state_reason:
 * @state_id: a message's "StateID"
 *
 * Returns: (transfer full) (nullable): the reason as stored with an event, in English with the
 *   raw code ("Quota exceeded: the mailbox is full (Mailjet StateID 3)"); %NULL for 0, which
 *   means no failure
 */
char *
dlv_mailjet_state_reason (gint64 state_id)
{
  if (state_id <= 0)
    return NULL;
  if (state_known (state_id))
    return g_strdup_printf ("%s (Mailjet StateID %" G_GINT64_FORMAT ")",
                            state_reasons[state_id], state_id);

  return g_strdup_printf ("A reason Mailjet does not document (Mailjet StateID %"
                          G_GINT64_FORMAT ")", state_id);
}

/**
 * dlv_mailjet_state_title:
 * @state_id: a message's "StateID"
 *
 * Returns: (transfer none) (nullable): the reason in the user's language, for display
 */
const char *
dlv_mailjet_state_title (gint64 state_id)
{
  return state_known (state_id) ? _(state_reasons[state_id]) : NULL;
}

/**
 * dlv_mailjet_read_id:
 *
 * Reads a message ID exactly: a JSON integer or a string of digits. A double has already lost
 * the low digits of an ID past 2^53, so it is refused.
 */
gboolean
dlv_mailjet_read_id (JsonObject *object,
                     const char *member,
                     gint64     *id)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;
  guint64 digits;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *id = json_node_get_int (node);
      return *id > 0;
    }

  if (json_node_get_value_type (node) == G_TYPE_STRING &&
      g_ascii_string_to_unsigned (json_node_get_string (node), 10, 1, G_MAXINT64, &digits, NULL))
    {
      *id = (gint64) digits;
      return TRUE;
    }

  return FALSE;
}

/* RFC 3339 ("ArrivedAt") or Unix seconds ("EventAt", "time"), as a number or a string: the
 * documentation and the SDKs disagree on which field uses which. */
gboolean
dlv_mailjet_read_time (JsonObject *object,
                       const char *member,
                       gint64     *at)
{
  const char *text = dlv_json_get_string (object, member);
  gint64 seconds;

  if (text != NULL && strchr (text, '-') != NULL)
    return dlv_parse_iso8601 (text, at);

  if (!dlv_json_get_int (object, member, &seconds) || seconds <= 0)
    return FALSE;

  /* Milliseconds from a client that knows better than the documentation. */
  if (seconds >= 100000000000)
    seconds /= 1000;

  *at = seconds;
  return TRUE;
}

static gboolean
read_flag (JsonObject *object,
           const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;
  gint64 number;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);
  if (dlv_json_get_int (object, member, &number))
    return number != 0;

  return g_strcmp0 (dlv_json_get_string (object, member), "true") == 0;
}

/* "Status" as a word, or as the MessageStatus number some answers use. */
static gboolean
status_kind (JsonObject   *item,
             DlvEventKind *kind,
             gboolean     *ignored)
{
  static const char * const names[] = {
    "processed", "queued", "sent", "opened", "clicked", "bounce", "spam", "unsub", "blocked",
    "softbounced", "hardbounced", "deferred",
  };
  static const DlvEventKind kinds[] = {
    DLV_EVENT_KIND_ACCEPTED, DLV_EVENT_KIND_ACCEPTED, DLV_EVENT_KIND_DELIVERED,
    DLV_EVENT_KIND_OPENED, DLV_EVENT_KIND_CLICKED, DLV_EVENT_KIND_HARD_BOUNCE,
    DLV_EVENT_KIND_SPAM_COMPLAINT, DLV_EVENT_KIND_UNSUBSCRIBED, DLV_EVENT_KIND_BLOCKED,
    DLV_EVENT_KIND_SOFT_BOUNCE, DLV_EVENT_KIND_HARD_BOUNCE, DLV_EVENT_KIND_DEFERRED,
  };
  const char *status = dlv_json_get_string (item, "Status");
  gint64 number = -1;

  G_STATIC_ASSERT (G_N_ELEMENTS (names) == G_N_ELEMENTS (kinds));

  if (status == NULL && dlv_json_get_int (item, "Status", &number) &&
      number >= 0 && number < (gint64) G_N_ELEMENTS (names))
    status = names[number];
  if (g_strcmp0 (status, "unknown") == 0)
    status = "queued";

  for (guint i = 0; status != NULL && i < G_N_ELEMENTS (names); i++)
    {
      if (g_ascii_strcasecmp (status, names[i]) != 0)
        continue;

      *kind = kinds[i];
      /* The legacy "bounce" says whether it was permanent only in StatePermanent. */
      if (i == 5 && !read_flag (item, "StatePermanent"))
        *kind = DLV_EVENT_KIND_SOFT_BOUNCE;
      return TRUE;
    }

  /* A status word Mailjet added after this version is not a broken item. */
  *ignored = status != NULL;
  return FALSE;
}

gboolean
dlv_mailjet_event_is_failure (const DlvEvent *event)
{
  return event->kind == DLV_EVENT_KIND_DEFERRED ||
         event->kind == DLV_EVENT_KIND_SOFT_BOUNCE ||
         event->kind == DLV_EVENT_KIND_HARD_BOUNCE ||
         event->kind == DLV_EVENT_KIND_BLOCKED;
}

/* Mailjet gives one time per message, its arrival. A status reached on the first attempt
 * happened then, give or take seconds; one reached after retries happened "Delay" seconds
 * later. A deferral is dated at arrival, where the retry window starts. */
static gint64
status_time (JsonObject   *item,
             DlvEventKind  kind,
             gint64        arrived,
             gint64        attempts)
{
  double delay;

  if (kind == DLV_EVENT_KIND_ACCEPTED || kind == DLV_EVENT_KIND_DEFERRED || attempts <= 1)
    return arrived;
  if (dlv_json_get_double (item, "Delay", &delay) && delay >= 1 && delay <= MAX_DELAY_SECONDS)
    return arrived + (gint64) floor (delay);

  return arrived;
}

static char *
id_string (JsonObject *object,
           const char *member)
{
  gint64 id;

  if (!dlv_json_get_int (object, member, &id) || id <= 0)
    return NULL;

  return g_strdup_printf ("%" G_GINT64_FORMAT, id);
}

static char *
object_json (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return json_to_string (node, FALSE);
}

/* The reply codes inside a text Mailjet passes on ("sent (250 2.0.0 OK …)", a history
 * comment): a code stands alone, never as part of a longer number. */
static void
read_codes (DlvEvent *event)
{
  static GRegex *basic;
  static GRegex *enhanced;
  g_autoptr(GMatchInfo) match = NULL;

  if (g_once_init_enter (&basic))
    {
      enhanced = g_regex_new ("(?<![0-9.])[245]\\.[0-9]{1,3}\\.[0-9]{1,3}(?![0-9.])",
                              G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&basic, g_regex_new ("(?<![0-9.])[245][0-9][0-9](?![0-9.])",
                                              G_REGEX_OPTIMIZE, 0, NULL));
    }

  if (event->reason == NULL)
    return;

  if (g_regex_match (basic, event->reason, 0, &match))
    {
      g_autofree char *code = g_match_info_fetch (match, 0);

      event->smtp_code = (int) g_ascii_strtoll (code, NULL, 10);
    }
  g_clear_pointer (&match, g_match_info_free);

  if (g_regex_match (enhanced, event->reason, 0, &match))
    event->enhanced_code = g_match_info_fetch (match, 0);
}

/**
 * dlv_mailjet_parse_message:
 * @item: one element of a /v3/REST/message page's "Data"
 * @ignored: (out): set when the item is readable but its status is one this version does not map
 *
 * Returns: (transfer full) (nullable): the message's current status as an event
 */
DlvEvent *
dlv_mailjet_parse_message (JsonObject *item,
                           gboolean   *ignored)
{
  g_autoptr(DlvEvent) event = NULL;
  DlvEventKind kind;
  gint64 id, arrived, state = 0, attempts = 0;

  *ignored = FALSE;
  if (!status_kind (item, &kind, ignored))
    return NULL;
  if (!dlv_mailjet_read_id (item, "ID", &id) ||
      !dlv_mailjet_read_time (item, "ArrivedAt", &arrived))
    {
      *ignored = FALSE;
      return NULL;
    }

  if (!dlv_json_get_int (item, "AttemptCount", &attempts) || attempts < 0 || attempts > 9999)
    attempts = 0;

  event = dlv_event_new (kind, status_time (item, kind, arrived, attempts));
  event->message_id = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  event->recipient = dlv_json_dup_string (item, "ContactAlt");
  event->subject = dlv_json_dup_string (item, "Subject");
  event->campaign = id_string (item, "CampaignID");
  event->attempt = (int) attempts;

  if (dlv_mailjet_event_is_failure (event))
    {
      if (dlv_json_get_int (item, "StateID", &state))
        event->reason = dlv_mailjet_state_reason (state);
      event->raw = object_json (item);
    }

  return g_steal_pointer (&event);
}

/**
 * dlv_mailjet_page_data:
 * @parser: a parsed answer of a Mailjet REST list ("/message", "/messagehistory/{id}", "/dns")
 * @total: (out): its "Total", or -1 when it gives none
 *
 * Returns: (transfer none): its "Data", or %NULL with @error set when it is not a list answer
 */
JsonArray *
dlv_mailjet_page_data (JsonParser  *parser,
                       gint64      *total,
                       GError     **error)
{
  JsonNode *root = json_parser_get_root (parser);
  JsonObject *object = NULL;
  JsonArray *data;

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    object = json_node_get_object (root);
  data = dlv_json_get_array (object, "Data");

  if (!dlv_json_get_int (object, "Total", total) || *total < 0)
    *total = -1;

  if (data == NULL)
    g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE,
                 _("Mailjet sent an answer without its “Data” list"));

  return data;
}

static DlvEvent *
parse_message_item (JsonObject *item,
                    gboolean   *ignored,
                    gpointer    user_data)
{
  return dlv_mailjet_parse_message (item, ignored);
}

/**
 * dlv_mailjet_parse_messages_page:
 *
 * One /v3/REST/message answer, read on its own (an exported file): the current status of each
 * message, with no history and no position to continue from.
 *
 * Returns: (transfer full): the page, or %NULL with @error set
 */
DlvEventPage *
dlv_mailjet_parse_messages_page (const char  *data,
                                 gssize       length,
                                 GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(DlvEventPage) page = NULL;
  JsonArray *items;
  guint repaired;
  gint64 total;

  parser = dlv_json_load (data, length, &repaired, error);
  if (parser == NULL)
    return NULL;

  items = dlv_mailjet_page_data (parser, &total, error);
  if (items == NULL)
    return NULL;

  page = dlv_event_page_new ();
  page->repaired = repaired;
  dlv_event_items_add (page, items, parse_message_item, NULL, FALSE);

  return g_steal_pointer (&page);
}

/* Only failures are taken from the history: the current status already says the message was
 * sent or opened, and a second such event would count a delivery twice. A bounce while the
 * message is still retried is a deferral; once it is final, it is the final kind. */
static gboolean
history_kind (const char     *type,
              const DlvEvent *status,
              gboolean        permanent,
              DlvEventKind   *kind)
{
  gboolean final_bounce = status->kind == DLV_EVENT_KIND_SOFT_BOUNCE ||
                          status->kind == DLV_EVENT_KIND_HARD_BOUNCE;

  if (type == NULL)
    return FALSE;

  if (g_ascii_strcasecmp (type, "blocked") == 0)
    *kind = DLV_EVENT_KIND_BLOCKED;
  else if (g_ascii_strcasecmp (type, "deferred") == 0 || g_ascii_strcasecmp (type, "deferral") == 0)
    *kind = DLV_EVENT_KIND_DEFERRED;
  else if (g_ascii_strncasecmp (type, "hardbounce", 10) == 0)
    *kind = DLV_EVENT_KIND_HARD_BOUNCE;
  else if (g_ascii_strncasecmp (type, "softbounce", 10) == 0)
    *kind = status->kind == DLV_EVENT_KIND_DEFERRED
            ? DLV_EVENT_KIND_DEFERRED : DLV_EVENT_KIND_SOFT_BOUNCE;
  else if (g_ascii_strcasecmp (type, "bounce") == 0 || g_ascii_strcasecmp (type, "bounced") == 0)
    {
      if (final_bounce)
        *kind = status->kind;
      else if (status->kind == DLV_EVENT_KIND_DEFERRED)
        *kind = DLV_EVENT_KIND_DEFERRED;
      else
        *kind = permanent ? DLV_EVENT_KIND_HARD_BOUNCE : DLV_EVENT_KIND_SOFT_BOUNCE;
    }
  else
    return FALSE;

  return TRUE;
}

static DlvEvent *
parse_history_entry (JsonObject     *entry,
                     const DlvEvent *status,
                     gboolean        permanent,
                     gboolean       *ignored)
{
  g_autoptr(DlvEvent) event = NULL;
  DlvEventKind kind;
  gint64 at;

  *ignored = FALSE;
  if (!history_kind (dlv_json_get_string (entry, "EventType"), status, permanent, &kind))
    {
      *ignored = dlv_json_get_string (entry, "EventType") != NULL;
      return NULL;
    }
  if (!dlv_mailjet_read_time (entry, "EventAt", &at))
    return NULL;

  /* Without a comment, an entry only repeats the state the message already gave (its "State"
   * is the same word as its StateID), and would count the same failure twice. */
  event = dlv_event_new (kind, at);
  event->reason = dlv_json_dup_string (entry, "Comment");
  if (event->reason == NULL)
    {
      *ignored = TRUE;
      return NULL;
    }

  event->message_id = g_strdup (status->message_id);
  event->recipient = g_strdup (status->recipient);
  event->subject = g_strdup (status->subject);
  event->campaign = g_strdup (status->campaign);
  event->raw = object_json (entry);
  read_codes (event);

  return g_steal_pointer (&event);
}

/**
 * dlv_mailjet_parse_history:
 * @data: a /v3/REST/messagehistory/{ID} answer ({"Data": [...]}, or a bare array)
 * @status: the event of the message's current status
 * @message: the message's item, for "StatePermanent"
 * @events: (element-type DlvEvent): where the history's failures are added
 * @skipped: (out): entries that could not be read
 *
 * Returns: how many events were added; 0 with @error set when @data is no history
 */
guint
dlv_mailjet_parse_history (const char      *data,
                           gsize            length,
                           const DlvEvent  *status,
                           JsonObject      *message,
                           GPtrArray       *events,
                           guint           *skipped,
                           GError         **error)
{
  g_autoptr(JsonParser) parser = dlv_json_load (data, length, NULL, error);
  gboolean permanent = read_flag (message, "StatePermanent");
  JsonArray *entries;
  JsonNode *root;
  guint added = 0;
  gint64 total;

  *skipped = 0;
  if (parser == NULL)
    return 0;

  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    entries = json_node_get_array (root);
  else if ((entries = dlv_mailjet_page_data (parser, &total, error)) == NULL)
    return 0;

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *node = json_array_get_element (entries, i);
      gboolean ignored = FALSE;
      DlvEvent *event = NULL;

      if (JSON_NODE_HOLDS_OBJECT (node))
        event = parse_history_entry (json_node_get_object (node), status, permanent, &ignored);

      if (event != NULL)
        {
          g_ptr_array_add (events, event);
          added++;
        }
      else if (!ignored)
        (*skipped)++;
    }

  return added;
}

static gboolean
webhook_kind (JsonObject   *object,
              DlvEventKind *kind)
{
  static const struct {
    const char *name;
    DlvEventKind kind;
  } simple[] = {
    { "sent", DLV_EVENT_KIND_DELIVERED },
    { "open", DLV_EVENT_KIND_OPENED },
    { "click", DLV_EVENT_KIND_CLICKED },
    { "blocked", DLV_EVENT_KIND_BLOCKED },
    { "spam", DLV_EVENT_KIND_SPAM_COMPLAINT },
    { "unsub", DLV_EVENT_KIND_UNSUBSCRIBED },
  };
  const char *event = dlv_json_get_string (object, "event");

  if (event == NULL)
    return FALSE;

  if (g_ascii_strcasecmp (event, "bounce") == 0)
    {
      *kind = read_flag (object, "hard_bounce")
              ? DLV_EVENT_KIND_HARD_BOUNCE : DLV_EVENT_KIND_SOFT_BOUNCE;
      return TRUE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (simple); i++)
    {
      if (g_ascii_strcasecmp (event, simple[i].name) == 0)
        {
          *kind = simple[i].kind;
          return TRUE;
        }
    }

  return FALSE;
}

/* Mailjet's error words ("user unknown"), with the receiving server's comment when it gave one. */
static char *
webhook_reason (JsonObject   *object,
                DlvEventKind  kind)
{
  g_autofree char *error = dlv_json_dup_string (object, "error");
  g_autofree char *comment = dlv_json_dup_string (object, "comment");

  if (kind == DLV_EVENT_KIND_DELIVERED)
    return dlv_json_dup_string (object, "smtp_reply");
  if (kind != DLV_EVENT_KIND_SOFT_BOUNCE && kind != DLV_EVENT_KIND_HARD_BOUNCE &&
      kind != DLV_EVENT_KIND_BLOCKED)
    return NULL;

  if (error != NULL && comment != NULL)
    return g_strconcat (error, ": ", comment, NULL);

  return error != NULL ? g_steal_pointer (&error) : g_steal_pointer (&comment);
}

/**
 * dlv_mailjet_parse_webhook:
 * @object: one Event API object ({"event": "bounce", "time": …, "MessageID": …})
 * @ignored: (out): set when it is a readable event of a type that is no delivery event
 *
 * Returns: (transfer full) (nullable): the event
 */
DlvEvent *
dlv_mailjet_parse_webhook (JsonObject *object,
                           gboolean   *ignored)
{
  g_autoptr(DlvEvent) event = NULL;
  DlvEventKind kind;
  gint64 id, at;

  *ignored = FALSE;
  if (!webhook_kind (object, &kind))
    {
      *ignored = dlv_json_get_string (object, "event") != NULL;
      return NULL;
    }

  if (!dlv_mailjet_read_time (object, "time", &at))
    return NULL;
  if (!dlv_mailjet_read_id (object, "MessageID", &id) &&
      !dlv_mailjet_read_id (object, "mj_message_id", &id))
    return NULL;

  event = dlv_event_new (kind, at);
  event->message_id = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  event->recipient = dlv_json_dup_string (object, "email");
  event->campaign = id_string (object, "mj_campaign_id");
  if (event->campaign == NULL)
    event->campaign = dlv_json_dup_string (object, "customcampaign");
  event->reason = webhook_reason (object, kind);
  read_codes (event);

  if (dlv_mailjet_event_is_failure (event))
    event->raw = object_json (object);

  return g_steal_pointer (&event);
}
