/* dlv-sendgrid-provider.c: polling a SendGrid account through Email Logs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Events come from Email Logs (30 days, all plans), not from the Email
 * Activity API, which needs a paid add-on and allows 6 requests a minute.
 * Every request carries "Authorization: Bearer KEY".
 *
 * POST /v3/logs {"query": "sg_message_id_created_at >= TIMESTAMP \"…\" AND
 * sg_message_id_created_at < TIMESTAMP \"…\"", "limit": 1000} lists the
 * messages created in a window, at most 1000 and with no way to page. A
 * window that comes back full is split in two and the older half read
 * first; a full one-second window is kept as it is, with a gap saying that
 * some messages of that second could not be read. Each round ends by
 * reading the last few minutes again, for messages listed late.
 *
 * A row is one message in its current state. Delivered, dropped and
 * processed rows stand for themselves. For deferred, bounced and blocked
 * messages of the last retry window the poller reads the message's detail,
 * GET /v3/logs/{sg_message_id}, whose events carry the SMTP reply, the
 * attempt number and their own times. Messages SendGrid is still working
 * on (processed or deferred) are followed: their detail is read again
 * every ten minutes, and as soon as their row changes, until they end.
 *
 * Cursor "sg1;from=EPOCH;to=E1,E2,…;pending=ID,…;watch=ID,…;revisit=EPOCH;done=1":
 * everything created before "from" has been listed; "to" holds the end of
 * the window being read followed by the newer halves split off from it;
 * "pending" the messages whose detail is read next, "watch" the ones
 * followed, and "revisit" when they are read again; "done" says this
 * round's windows reached the present.
 */

#define G_LOG_DOMAIN "dlv-sendgrid"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dlv-cursor.h"
#include "dlv-event-items.h"
#include "dlv-json-util.h"
#include "dlv-providers.h"
#include "dlv-sendgrid-events.h"
#include "dlv-sendgrid-provider.h"
#include "dlv-util.h"

#define CURSOR_VERSION "sg1"
/* How far back a new account starts: Email Logs keeps 30 days. */
#define FIRST_READ_SECONDS (30 * 24 * 3600)
/* Past its retry window, plus a day for late bounces, a message is history:
 * its row alone is enough and it is no longer followed. */
#define AFTER_RETRY_SECONDS (24 * 3600)
#define DOMAIN_PAGE 50
#define DOMAIN_PAGES_MAX 20
/* Remembered rows, so a row read again in the same state is not read in
 * detail again; forgotten all at once past this size. */
#define QUEUED_MAX 100000

struct _DlvSendgridProvider
{
  DlvProvider parent_instance;

  GMutex lock;                  /* guards queued */
  GHashTable *queued;           /* message id → DlvSendgridStatus its detail was read for */
};

G_DEFINE_FINAL_TYPE (DlvSendgridProvider, dlv_sendgrid_provider, DLV_TYPE_PROVIDER)

/* An ordered list of message ids with a quick membership test. */
typedef struct
{
  GPtrArray *items;
  GHashTable *index;
} IdList;

typedef struct
{
  gint64 from;
  GArray *ends;                 /* gint64, ascending: [0] ends the window being read */
  IdList pending;
  IdList watch;
  gint64 revisit;               /* 0 while nothing is followed */
  gboolean done;
} PollState;

static void
id_list_init (IdList *list)
{
  list->items = g_ptr_array_new_with_free_func (g_free);
  list->index = g_hash_table_new (g_str_hash, g_str_equal);
}

static void
id_list_clear (IdList *list)
{
  g_clear_pointer (&list->index, g_hash_table_unref);
  g_clear_pointer (&list->items, g_ptr_array_unref);
}

static gboolean
id_list_contains (IdList     *list,
                  const char *id)
{
  return g_hash_table_contains (list->index, id);
}

static void
id_list_add (IdList     *list,
             const char *id)
{
  char *copy;

  if (id_list_contains (list, id))
    return;

  copy = g_strdup (id);
  g_ptr_array_add (list->items, copy);
  g_hash_table_add (list->index, copy);
}

static void
id_list_remove (IdList     *list,
                const char *id)
{
  char *item = g_hash_table_lookup (list->index, id);

  if (item == NULL)
    return;

  g_hash_table_remove (list->index, id);
  g_ptr_array_remove (list->items, item);
}

static void
id_list_parse (IdList     *list,
               const char *text)
{
  g_auto(GStrv) ids = text != NULL ? g_strsplit (text, ",", -1) : NULL;

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    if (dlv_sendgrid_id_is_safe (ids[i]))
      id_list_add (list, ids[i]);
}

static char *
id_list_join (IdList *list)
{
  GString *joined = g_string_new (NULL);

  for (guint i = 0; i < list->items->len; i++)
    {
      const char *id = g_ptr_array_index (list->items, i);

      g_string_append_printf (joined, "%s%s", i > 0 ? "," : "", id);
    }

  return g_string_free (joined, FALSE);
}

static void
poll_state_free (PollState *state)
{
  g_clear_pointer (&state->ends, g_array_unref);
  id_list_clear (&state->pending);
  id_list_clear (&state->watch);
  g_free (state);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PollState, poll_state_free)

/* Window ends must rise above "from"; anything else is dropped rather than
 * trusted, and reading simply goes on from "from". */
static void
parse_ends (PollState  *state,
            const char *text)
{
  g_auto(GStrv) ends = text != NULL ? g_strsplit (text, ",", -1) : NULL;
  gint64 last = state->from;

  for (guint i = 0; ends != NULL && ends[i] != NULL; i++)
    {
      gint64 end;

      if (g_ascii_string_to_signed (ends[i], 10, 0, G_MAXINT64, &end, NULL) && end > last)
        {
          g_array_append_val (state->ends, end);
          last = end;
        }
    }
}

static PollState *
poll_state_load (const char  *text,
                 gint64       now,
                 GError     **error)
{
  g_autoptr(DlvCursor) cursor = dlv_cursor_parse (text, CURSOR_VERSION, error);
  PollState *state;

  if (cursor == NULL)
    return NULL;

  state = g_new0 (PollState, 1);
  state->ends = g_array_new (FALSE, FALSE, sizeof (gint64));
  id_list_init (&state->pending);
  id_list_init (&state->watch);

  state->from = dlv_cursor_get_int (cursor, "from", now - FIRST_READ_SECONDS);
  parse_ends (state, dlv_cursor_get (cursor, "to"));
  id_list_parse (&state->pending, dlv_cursor_get (cursor, "pending"));
  id_list_parse (&state->watch, dlv_cursor_get (cursor, "watch"));
  state->revisit = MAX (dlv_cursor_get_int (cursor, "revisit", 0), 0);
  state->done = dlv_cursor_get_int (cursor, "done", 0) != 0;

  return state;
}

static char *
poll_state_save (PollState *state)
{
  g_autoptr(DlvCursor) cursor = dlv_cursor_new (CURSOR_VERSION);

  dlv_cursor_set_int (cursor, "from", state->from);
  if (state->ends->len > 0)
    {
      GString *ends = g_string_new (NULL);

      for (guint i = 0; i < state->ends->len; i++)
        g_string_append_printf (ends, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "",
                                g_array_index (state->ends, gint64, i));
      dlv_cursor_set (cursor, "to", ends->str);
      g_string_free (ends, TRUE);
    }
  if (state->pending.items->len > 0)
    {
      g_autofree char *pending = id_list_join (&state->pending);

      dlv_cursor_set (cursor, "pending", pending);
    }
  if (state->watch.items->len > 0)
    {
      g_autofree char *watch = id_list_join (&state->watch);

      dlv_cursor_set (cursor, "watch", watch);
      dlv_cursor_set_int (cursor, "revisit", state->revisit);
    }
  if (state->done)
    dlv_cursor_set_int (cursor, "done", 1);

  return dlv_cursor_to_string (cursor);
}

/* Messages older than this are history: no detail, no following. */
static gint64
history_horizon (DlvSendgridProvider *self,
                 gint64               now)
{
  gint64 retry_window = (gint64) dlv_provider_get_retry_window_hours (DLV_PROVIDER (self)) * 3600;

  return now - retry_window - AFTER_RETRY_SECONDS;
}

static void
dlv_sendgrid_provider_authorize (DlvProvider *provider,
                                 DlvHttp     *http)
{
  g_autofree char *value = g_strconcat ("Bearer ", dlv_provider_get_api_key (provider), NULL);

  dlv_http_set_auth (http, "Authorization", value);
  memset (value, 0, strlen (value));
}

/* What SendGrid itself said, as quoted at the end of a 403 message. */
static char *
quoted_text (const char *message)
{
  const char *open = g_strrstr (message, "“");
  const char *close = open != NULL ? g_strrstr (open, "”") : NULL;

  if (open == NULL || close == NULL)
    return NULL;

  open += strlen ("“");
  return close > open ? g_strndup (open, close - open) : NULL;
}

/* SendGrid answers errors as {"errors": [{"field": …, "message": "…"}]}:
 * its first message, else the text as it came. */
static char *
sendgrid_text (const char *message)
{
  g_autofree char *said = quoted_text (message);
  g_autoptr(JsonParser) parser = said != NULL ? dlv_json_load (said, -1, NULL, NULL) : NULL;
  JsonNode *root = parser != NULL ? json_parser_get_root (parser) : NULL;
  JsonArray *errors = root != NULL && JSON_NODE_HOLDS_OBJECT (root)
                      ? dlv_json_get_array (json_node_get_object (root), "errors") : NULL;
  JsonNode *first = errors != NULL && json_array_get_length (errors) > 0
                    ? json_array_get_element (errors, 0) : NULL;
  char *text = first != NULL && JSON_NODE_HOLDS_OBJECT (first)
               ? dlv_json_dup_string (json_node_get_object (first), "message") : NULL;

  return text != NULL ? text : g_steal_pointer (&said);
}

/* A 403 from SendGrid means a permission the key lacks (or Email Logs not
 * being available on the account): the generic sentence is replaced by one
 * that names it. */
static void
explain_forbidden (GError     **error,
                   GError      *cause,
                   const char  *explanation)
{
  g_autofree char *said = NULL;

  if (!g_error_matches (cause, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_FORBIDDEN))
    {
      g_propagate_error (error, cause);
      return;
    }

  said = sendgrid_text (cause->message);
  if (said != NULL && said[0] != '\0')
    g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_FORBIDDEN,
                 _("%s SendGrid said: “%s”"), explanation, said);
  else
    g_set_error_literal (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_FORBIDDEN, explanation);
  g_error_free (cause);
}

static char *
list_request_body (const char *query,
                   guint       limit)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "query");
  json_builder_add_string_value (builder, query);
  json_builder_set_member_name (builder, "limit");
  json_builder_add_int_value (builder, limit);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/**
 * list_messages:
 * @rows: (out) (transfer none): the "messages" array, owned by the parser
 *
 * One POST /v3/logs query.
 *
 * Returns: (transfer full): the parser holding the answer, or %NULL
 */
static JsonParser *
list_messages (DlvSendgridProvider  *self,
               const char           *query,
               guint                 limit,
               GCancellable         *cancellable,
               JsonArray           **rows,
               guint                *repaired,
               GError              **error)
{
  g_autofree char *request = list_request_body (query, limit);
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GBytes) body = NULL;
  GError *local_error = NULL;
  const char *data;
  gsize size;

  body = dlv_provider_request (DLV_PROVIDER (self), "POST", "/v3/logs", request, cancellable,
                               &local_error);
  if (body == NULL)
    {
      explain_forbidden (error, local_error,
                         _("SendGrid accepted the API key but did not let it read Email Logs (HTTP 403). "
                           "In SendGrid, give the key read access to “Email Activity” "
                           "(Settings → API Keys → Restricted Access), and check that Email Logs is available "
                           "on this account."));
      return NULL;
    }

  data = g_bytes_get_data (body, &size);
  *rows = dlv_event_items_load (data, size, "messages", "SendGrid", &parser, repaired, error);

  return *rows != NULL ? g_steal_pointer (&parser) : NULL;
}

static void
watch (PollState    *state,
       DlvEventPage *page,
       const char   *id)
{
  if (id_list_contains (&state->watch, id))
    return;

  if (state->watch.items->len >= DLV_SENDGRID_WATCH_MAX)
    {
      if (page->gap == NULL)
        page->gap = g_strdup_printf (_("More than %d SendGrid messages were waiting for delivery at the same time. "
                                       "Deliverability follows %d of them; later deliveries or bounces of the "
                                       "others may not appear."),
                                     DLV_SENDGRID_WATCH_MAX, DLV_SENDGRID_WATCH_MAX);
      return;
    }

  id_list_add (&state->watch, id);
}

/* Queues the message's detail, unless it was already read in this state. */
static void
queue_detail (DlvSendgridProvider *self,
              PollState           *state,
              const char          *id,
              DlvSendgridStatus    status)
{
  gboolean known;

  if (id_list_contains (&state->pending, id))
    return;

  g_mutex_lock (&self->lock);
  known = GPOINTER_TO_INT (g_hash_table_lookup (self->queued, id)) == (int) status;
  if (!known)
    {
      if (g_hash_table_size (self->queued) >= QUEUED_MAX)
        g_hash_table_remove_all (self->queued);
      g_hash_table_replace (self->queued, g_strdup (id), GINT_TO_POINTER (status));
    }
  g_mutex_unlock (&self->lock);

  if (!known)
    id_list_add (&state->pending, id);
}

/* Whether a recent row waits for its message's detail instead of standing
 * for itself. A message once seen in flight is read in detail when it
 * ends, so the deferrals before its delivery are not lost. */
static gboolean
follow_row (DlvSendgridProvider *self,
            PollState           *state,
            DlvEventPage        *page,
            const char          *id,
            DlvSendgridStatus    status)
{
  switch (status)
    {
    case DLV_SENDGRID_STATUS_PROCESSED:
      if (!id_list_contains (&state->pending, id))
        watch (state, page, id);
      return FALSE;

    case DLV_SENDGRID_STATUS_DEFERRED:
    case DLV_SENDGRID_STATUS_BOUNCED:
    case DLV_SENDGRID_STATUS_BLOCKED:
      queue_detail (self, state, id, status);
      return TRUE;

    case DLV_SENDGRID_STATUS_DELIVERED:
      if (!id_list_contains (&state->watch, id))
        return FALSE;
      id_list_remove (&state->watch, id);
      queue_detail (self, state, id, status);
      return TRUE;

    case DLV_SENDGRID_STATUS_DROPPED:
    case DLV_SENDGRID_STATUS_NOT_DELIVERED:
    case DLV_SENDGRID_STATUS_UNKNOWN:
    default:
      id_list_remove (&state->watch, id);
      return FALSE;
    }
}

static void
add_rows (DlvSendgridProvider *self,
          PollState           *state,
          DlvEventPage        *page,
          JsonArray           *rows,
          gint64               now)
{
  gint64 horizon = history_horizon (self, now);

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonNode *node = json_array_get_element (rows, i);
      JsonObject *row = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      g_autofree char *id = row != NULL ? dlv_sendgrid_row_id (row) : NULL;
      gint64 created;

      if (id != NULL && dlv_sendgrid_id_is_safe (id) && dlv_sendgrid_row_time (row, &created) &&
          created >= horizon && follow_row (self, state, page, id, dlv_sendgrid_row_status (row)))
        continue;

      dlv_sendgrid_add_row_event (page, node, TRUE);
    }
}

static char *
busy_second_gap (gint64 second)
{
  g_autofree char *when = dlv_format_iso8601 (second);

  return g_strdup_printf (_("SendGrid had more than %d messages created in the second starting at %s. "
                            "Its Email Logs answer at most %d messages per request and cannot page, so some "
                            "messages of that second could not be read."),
                          DLV_SENDGRID_ROW_LIMIT, when, DLV_SENDGRID_ROW_LIMIT);
}

static char *
window_query (gint64 from,
              gint64 end)
{
  g_autofree char *start = dlv_format_iso8601 (from);
  g_autofree char *stop = dlv_format_iso8601 (end);

  return g_strdup_printf ("sg_message_id_created_at >= TIMESTAMP \"%s\" AND "
                          "sg_message_id_created_at < TIMESTAMP \"%s\"", start, stop);
}

/* One window [from, ends[0]) of the traversal that ends at the present. */
static DlvEventPage *
read_window (DlvSendgridProvider  *self,
             PollState            *state,
             gint64                now,
             GCancellable         *cancellable,
             GError              **error)
{
  g_autoptr(DlvEventPage) page = dlv_event_page_new ();
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *query = NULL;
  JsonArray *rows = NULL;
  gint64 end;

  if (state->ends->len == 0)
    {
      if (state->from >= now)
        {
          state->done = TRUE;
          return g_steal_pointer (&page);
        }
      g_array_append_val (state->ends, now);
    }

  end = g_array_index (state->ends, gint64, 0);
  query = window_query (state->from, end);
  parser = list_messages (self, query, DLV_SENDGRID_ROW_LIMIT, cancellable, &rows,
                          &page->repaired, error);
  if (parser == NULL)
    return NULL;

  /* A full answer may have left messages out: the older half is read
   * first, the newer one waits in the cursor. */
  if (json_array_get_length (rows) >= DLV_SENDGRID_ROW_LIMIT && end - state->from > 1)
    {
      gint64 middle = state->from + (end - state->from) / 2;

      g_debug ("%u messages in %s: splitting", json_array_get_length (rows), query);
      g_array_prepend_val (state->ends, middle);
      return g_steal_pointer (&page);
    }

  if (json_array_get_length (rows) >= DLV_SENDGRID_ROW_LIMIT)
    page->gap = busy_second_gap (state->from);

  add_rows (self, state, page, rows, now);
  g_array_remove_index (state->ends, 0);
  if (state->ends->len > 0)
    {
      state->from = end;
      return g_steal_pointer (&page);
    }

  /* The present is reached; the next round starts a little before it. */
  state->from = end - DLV_SENDGRID_OVERLAP_SECONDS;
  state->done = TRUE;
  return g_steal_pointer (&page);
}

static gboolean
ends_story (DlvEventKind kind)
{
  return kind != DLV_EVENT_KIND_ACCEPTED && kind != DLV_EVENT_KIND_DEFERRED;
}

/* Follows the message while SendGrid still works on it and it is young
 * enough to be retried; its detail's status says, else its events do. */
static void
follow_detail (DlvSendgridProvider *self,
               PollState           *state,
               DlvEventPage        *page,
               const char          *id,
               DlvSendgridStatus    status,
               guint                first,
               gint64               now)
{
  gint64 first_at = G_MAXINT64;
  gboolean ended = FALSE;
  gboolean in_flight;

  for (guint i = first; i < page->events->len; i++)
    {
      DlvEvent *event = g_ptr_array_index (page->events, i);

      first_at = MIN (first_at, event->at);
      ended |= ends_story (event->kind);
    }

  in_flight = status != DLV_SENDGRID_STATUS_UNKNOWN ? dlv_sendgrid_status_in_flight (status) : !ended;
  if (in_flight && first_at != G_MAXINT64 && first_at >= history_horizon (self, now))
    watch (state, page, id);
  else
    id_list_remove (&state->watch, id);

  if (status != DLV_SENDGRID_STATUS_UNKNOWN)
    {
      g_mutex_lock (&self->lock);
      g_hash_table_replace (self->queued, g_strdup (id), GINT_TO_POINTER (status));
      g_mutex_unlock (&self->lock);
    }
}

/* When the detail cannot be had, the message's own row stands for it. */
static gboolean
read_row_by_id (DlvSendgridProvider  *self,
                PollState            *state,
                DlvEventPage         *page,
                const char           *id,
                gint64                now,
                GCancellable         *cancellable,
                GError              **error)
{
  g_autofree char *query = g_strdup_printf ("sg_message_id = \"%s\"", id);
  g_autoptr(JsonParser) parser = NULL;
  JsonArray *rows = NULL;
  guint first = page->events->len;
  DlvSendgridStatus status = DLV_SENDGRID_STATUS_UNKNOWN;

  parser = list_messages (self, query, 1, cancellable, &rows, NULL, error);
  if (parser == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonNode *node = json_array_get_element (rows, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        status = dlv_sendgrid_row_status (json_node_get_object (node));
      dlv_sendgrid_add_row_event (page, node, TRUE);
    }

  follow_detail (self, state, page, id, status, first, now);
  return TRUE;
}

/* A refusal of this one message (404: not found or aged out, 400, 403…)
 * rather than of the key or the pace. */
static gboolean
is_refused_lookup (DlvSendgridProvider *self,
                   const GError        *error)
{
  guint status = dlv_provider_get_last_reply (DLV_PROVIDER (self))->status;

  return error->domain == DLV_PROVIDER_ERROR && status >= 400 && status < 500 &&
         status != 401 && status != 429;
}

static gboolean
read_detail (DlvSendgridProvider  *self,
             PollState            *state,
             DlvEventPage         *page,
             const char           *id,
             gint64                now,
             GCancellable         *cancellable,
             GError              **error)
{
  g_autofree char *path = g_strconcat ("/v3/logs/", id, NULL);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = NULL;
  guint first = page->events->len;
  JsonObject *detail;
  JsonNode *root;
  const char *data;
  gsize size;

  body = dlv_provider_request (DLV_PROVIDER (self), "GET", path, NULL, cancellable, &local_error);
  if (body == NULL)
    {
      if (!is_refused_lookup (self, local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_debug ("No detail for a message (%s); reading its row", local_error->message);
      return read_row_by_id (self, state, page, id, now, cancellable, error);
    }

  data = g_bytes_get_data (body, &size);
  parser = dlv_json_load (data, size, NULL, NULL);
  root = parser != NULL ? json_parser_get_root (parser) : NULL;
  detail = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (detail == NULL)
    {
      page->skipped++;
      id_list_remove (&state->watch, id);
      return TRUE;
    }

  dlv_sendgrid_add_detail_events (page, detail, TRUE);
  follow_detail (self, state, page, id, dlv_sendgrid_row_status (detail), first, now);
  return TRUE;
}

static DlvEventPage *
read_details (DlvSendgridProvider  *self,
              PollState            *state,
              gint64                now,
              GCancellable         *cancellable,
              GError              **error)
{
  g_autoptr(DlvEventPage) page = dlv_event_page_new ();
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  /* Taken off the queue first, so following them can queue nothing twice;
   * a failure discards the whole state anyway. */
  while (ids->len < DLV_SENDGRID_DETAILS_PER_PAGE && state->pending.items->len > 0)
    {
      g_ptr_array_add (ids, g_strdup (g_ptr_array_index (state->pending.items, 0)));
      id_list_remove (&state->pending, g_ptr_array_index (ids, ids->len - 1));
    }

  for (guint i = 0; i < ids->len; i++)
    if (!read_detail (self, state, page, g_ptr_array_index (ids, i), now, cancellable, error))
      return NULL;

  return g_steal_pointer (&page);
}

static gboolean
revisit_due (PollState *state,
             gint64     now)
{
  return state->watch.items->len > 0 && state->revisit != 0 && now >= state->revisit;
}

/* Every followed message is queued once; the detail of each decides
 * whether it stays followed. */
static void
start_revisit (PollState *state)
{
  IdList swap = state->pending;

  state->pending = state->watch;
  state->watch = swap;
  state->revisit = 0;
}

static DlvEventPage *
dlv_sendgrid_provider_fetch_page (DlvProvider   *provider,
                                  const char    *cursor_text,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  DlvSendgridProvider *self = DLV_SENDGRID_PROVIDER (provider);
  gint64 now = dlv_provider_get_now (DLV_PROVIDER (self));
  g_autoptr(PollState) state = poll_state_load (cursor_text, now, error);
  g_autoptr(DlvEventPage) page = NULL;
  gboolean listed = FALSE;

  if (state == NULL)
    return NULL;

  if (state->pending.items->len > 0)
    page = read_details (self, state, now, cancellable, error);
  else
    {
      /* A finished round with nothing left to do: a new one begins. */
      state->done = FALSE;
      page = read_window (self, state, now, cancellable, error);
      listed = TRUE;
    }

  if (page == NULL)
    return NULL;

  if (state->watch.items->len == 0)
    state->revisit = 0;
  else if (state->revisit == 0)
    state->revisit = now + DLV_SENDGRID_REVISIT_SECONDS;

  /* Followed messages are read again once the windows reached the
   * present, so a round always lists new messages first. */
  /* Only after listing: a pass over many followed messages that itself
   * outlasts the revisit interval would otherwise start the next one at
   * once, and the round would never end. */
  if (listed && state->done && state->pending.items->len == 0 && revisit_due (state, now))
    start_revisit (state);

  page->more = state->pending.items->len > 0 || !state->done;
  page->next_cursor = poll_state_save (state);
  return g_steal_pointer (&page);
}

static gboolean
get_bool (JsonObject *object,
          const char *member,
          gboolean   *value)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_BOOLEAN)
    *value = json_node_get_boolean (node);
  else if (type == G_TYPE_INT64)
    *value = json_node_get_int (node) != 0;
  else if (type == G_TYPE_STRING && g_ascii_strcasecmp (json_node_get_string (node), "true") == 0)
    *value = TRUE;
  else if (type == G_TYPE_STRING && g_ascii_strcasecmp (json_node_get_string (node), "false") == 0)
    *value = FALSE;
  else
    return FALSE;

  return TRUE;
}

static DlvRecordStatus
record_status (JsonObject *record)
{
  gboolean valid;

  if (record == NULL)
    return DLV_RECORD_STATUS_MISSING;
  if (!get_bool (record, "valid", &valid))
    return DLV_RECORD_STATUS_UNKNOWN;

  return valid ? DLV_RECORD_STATUS_VALID : DLV_RECORD_STATUS_INVALID;
}

static const char *
status_detail (DlvRecordStatus status)
{
  switch (status)
    {
    case DLV_RECORD_STATUS_INVALID:
      return _("SendGrid’s last check did not find this record in DNS. Publish it as shown, then choose "
               "“Verify” under Sender Authentication in SendGrid.");
    case DLV_RECORD_STATUS_UNKNOWN:
      return _("SendGrid did not say whether this record is in place");
    case DLV_RECORD_STATUS_MISSING:
      return _("SendGrid lists no such record for this domain");
    case DLV_RECORD_STATUS_VALID:
    default:
      return NULL;
    }
}

static void
set_record (DlvDomain     *domain,
            DlvRecordName  name,
            JsonObject    *record)
{
  DlvRecordStatus status = record_status (record);
  const char *type = dlv_json_get_string (record, "type");
  g_autofree char *upper = type != NULL ? g_ascii_strup (type, -1) : NULL;

  dlv_domain_set_record (domain, name, status,
                         dlv_json_get_string (record, "host"),
                         upper,
                         dlv_json_get_string (record, "data"),
                         status_detail (status));
}

/* Return-Path and SPF of a domain without automatic security: the MX and
 * the TXT of its subdomain, shown as the first of them not in place. */
static void
set_manual_return_path (DlvDomain  *domain,
                        JsonObject *dns)
{
  JsonObject *mx = dlv_json_get_object (dns, "mail_server");
  JsonObject *spf = dlv_json_get_object (dns, "subdomain_spf");

  if (mx != NULL && record_status (mx) != DLV_RECORD_STATUS_VALID)
    set_record (domain, DLV_RECORD_SPF_RETURN_PATH, mx);
  else if (spf != NULL)
    set_record (domain, DLV_RECORD_SPF_RETURN_PATH, spf);
  else
    set_record (domain, DLV_RECORD_SPF_RETURN_PATH, mx);
}

/* With automatic security SendGrid hosts the keys and the SPF behind three
 * CNAMEs (dkim1, dkim2, mail_cname); without it the domain publishes one
 * DKIM TXT, an MX and an SPF TXT itself. DMARC is not in the API. */
static DlvDomain *
parse_domain (JsonObject *object)
{
  const char *name = dlv_json_get_string (object, "domain");
  JsonObject *dns = dlv_json_get_object (object, "dns");
  g_autoptr(DlvDomain) domain = NULL;
  gboolean automatic;

  if (name == NULL || name[0] == '\0' || strlen (name) > 253)
    return NULL;

  domain = dlv_domain_new (name);
  if (!get_bool (object, "automatic_security", &automatic))
    automatic = dlv_json_get_object (dns, "dkim") == NULL;

  if (automatic)
    {
      set_record (domain, DLV_RECORD_DKIM1, dlv_json_get_object (dns, "dkim1"));
      set_record (domain, DLV_RECORD_DKIM2, dlv_json_get_object (dns, "dkim2"));
      set_record (domain, DLV_RECORD_SPF_RETURN_PATH, dlv_json_get_object (dns, "mail_cname"));
      return g_steal_pointer (&domain);
    }

  set_record (domain, DLV_RECORD_DKIM1, dlv_json_get_object (dns, "dkim"));
  /* One key only: the second row says so rather than looking broken. */
  dlv_domain_set_record (domain, DLV_RECORD_DKIM2, domain->records[DLV_RECORD_DKIM1].status,
                         domain->records[DLV_RECORD_DKIM1].host, domain->records[DLV_RECORD_DKIM1].type,
                         domain->records[DLV_RECORD_DKIM1].expected,
                         _("Without automatic security, SendGrid signs with a single DKIM key for this domain"));
  set_manual_return_path (domain, dns);

  return g_steal_pointer (&domain);
}

/* The documented answer is an array; one domain object, or an array under
 * "result", is read too. */
static JsonArray *
domain_items (JsonNode  *root,
              JsonArray *single)
{
  JsonObject *object;
  JsonArray *result;

  if (root == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_ARRAY (root))
    return json_node_get_array (root);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  object = json_node_get_object (root);
  result = dlv_json_get_array (object, "result");
  if (result != NULL)
    return result;
  if (dlv_json_get_string (object, "domain") == NULL)
    return NULL;

  json_array_add_object_element (single, json_object_ref (object));
  return single;
}

/* Several entries may name one domain (subdomains, subusers): the default
 * one wins, else the first. */
static void
add_domain (GPtrArray  *domains,
            GHashTable *defaults,
            DlvDomain  *domain,
            gboolean    is_default)
{
  for (guint i = 0; i < domains->len; i++)
    {
      DlvDomain *other = g_ptr_array_index (domains, i);

      if (g_ascii_strcasecmp (other->domain, domain->domain) != 0)
        continue;
      if (is_default && !g_hash_table_contains (defaults, other->domain))
        {
          g_ptr_array_index (domains, i) = domain;
          dlv_domain_free (other);
          g_hash_table_add (defaults, g_strdup (domain->domain));
        }
      else
        dlv_domain_free (domain);
      return;
    }

  g_ptr_array_add (domains, domain);
  if (is_default)
    g_hash_table_add (defaults, g_strdup (domain->domain));
}

static gboolean
read_domain_page (DlvSendgridProvider  *self,
                  guint                 offset,
                  GPtrArray            *domains,
                  GHashTable           *defaults,
                  guint                *count,
                  GCancellable         *cancellable,
                  GError              **error)
{
  g_autofree char *path = g_strdup_printf ("/v3/whitelabel/domains?limit=%d&offset=%u",
                                           DOMAIN_PAGE, offset);
  g_autoptr(JsonArray) single = json_array_new ();
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GBytes) body = NULL;
  GError *local_error = NULL;
  JsonArray *items;
  const char *data;
  gsize size;

  body = dlv_provider_request (DLV_PROVIDER (self), "GET", path, NULL, cancellable, &local_error);
  if (body == NULL)
    {
      explain_forbidden (error, local_error,
                         _("SendGrid accepted the API key but did not let it read the sending domains (HTTP 403). "
                           "In SendGrid, give the key read access to “Sender Authentication” "
                           "(Settings → API Keys → Restricted Access)."));
      return FALSE;
    }

  data = g_bytes_get_data (body, &size);
  parser = dlv_json_load (data, size, NULL, error);
  if (parser == NULL)
    return FALSE;

  items = domain_items (json_parser_get_root (parser), single);
  if (items == NULL)
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE,
                   _("SendGrid described the sending domains in a shape Deliverability does not know"));
      return FALSE;
    }

  *count = json_array_get_length (items);
  for (guint i = 0; i < *count; i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      DlvDomain *domain = object != NULL ? parse_domain (object) : NULL;
      gboolean is_default = FALSE;

      if (domain != NULL)
        add_domain (domains, defaults, domain,
                    get_bool (object, "default", &is_default) && is_default);
    }

  return TRUE;
}

static GPtrArray *
dlv_sendgrid_provider_fetch_domains (DlvProvider   *provider,
                                     GCancellable  *cancellable,
                                     GError       **error)
{
  DlvSendgridProvider *self = DLV_SENDGRID_PROVIDER (provider);
  g_autoptr(GPtrArray) domains = g_ptr_array_new_with_free_func ((GDestroyNotify) dlv_domain_free);
  g_autoptr(GHashTable) defaults = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *only = dlv_provider_get_domain (provider);
  guint count = DOMAIN_PAGE;

  /* Domains come in pages by offset; a short page is the last. */
  for (guint page = 0; page < DOMAIN_PAGES_MAX && count == DOMAIN_PAGE; page++)
    if (!read_domain_page (self, page * DOMAIN_PAGE, domains, defaults, &count, cancellable, error))
      return NULL;

  /* An account may name the one domain it sends from. */
  for (guint i = domains->len; only != NULL && i > 0; i--)
    if (g_ascii_strcasecmp (((DlvDomain *) g_ptr_array_index (domains, i - 1))->domain, only) != 0)
      g_ptr_array_remove_index (domains, i - 1);

  return g_steal_pointer (&domains);
}

static void
dlv_sendgrid_provider_finalize (GObject *object)
{
  DlvSendgridProvider *self = DLV_SENDGRID_PROVIDER (object);

  g_clear_pointer (&self->queued, g_hash_table_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (dlv_sendgrid_provider_parent_class)->finalize (object);
}

static void
dlv_sendgrid_provider_class_init (DlvSendgridProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  DlvProviderClass *provider_class = DLV_PROVIDER_CLASS (klass);

  object_class->finalize = dlv_sendgrid_provider_finalize;

  provider_class->authorize = dlv_sendgrid_provider_authorize;
  provider_class->fetch_page = dlv_sendgrid_provider_fetch_page;
  provider_class->fetch_domains = dlv_sendgrid_provider_fetch_domains;
}

static void
dlv_sendgrid_provider_init (DlvSendgridProvider *self)
{
  g_mutex_init (&self->lock);
  self->queued = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* An exported file: one list or detail (the import drops its position). */
static DlvEventPage *
parse_file_page (const char  *data,
                 gsize        length,
                 GError     **error)
{
  return dlv_sendgrid_parse_page (data, length, TRUE, error);
}

/* An Event Webhook event: the same objects as a detail's events. */
static DlvEvent *
parse_webhook (JsonObject *object,
               gboolean   *ignored)
{
  return dlv_sendgrid_parse_event (object, NULL, ignored);
}

const DlvProviderInfo dlv_sendgrid_provider_info = {
  .name = "sendgrid",
  .title = "SendGrid",
  .retry_window_hours = 72,
  /* Email Logs publishes no rate; each round lists, then reads details. */
  .min_poll_seconds = 60,
  .needs = 0,
  .base_url = "https://api.sendgrid.com",
  .alt_region = "eu",
  .base_url_alt = "https://api.eu.sendgrid.com",
  .key_label = N_("API key"),
  .secret_label = NULL,
  .key_help = N_("A SendGrid API key (Settings → API Keys) with read access to “Email Activity” and "
                 "“Sender Authentication”. Choose the EU region for an EU regional subuser."),
  .limits = N_("SendGrid’s Email Logs keep 30 days and answer at most 1,000 messages per request without paging, "
               "so a second with more messages cannot be read in full. For messages delivered at the first attempt "
               "they give the time the message was sent, not the time of delivery, and opens and clicks only for "
               "messages read in detail. DMARC is read from DNS. The Email Activity API is not used: it needs a paid "
               "add-on and allows 6 requests a minute."),
  .get_type = dlv_sendgrid_provider_get_type,
  .parse_page = parse_file_page,
  .parse_webhook = parse_webhook,
};
