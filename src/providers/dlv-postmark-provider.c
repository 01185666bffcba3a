/* dlv-postmark-provider.c: polling a Postmark server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Postmark has no "events since T" feed, only messages with a timeline
 * each, so a poll round reads in three phases, a page at a time:
 *
 *  1. recheck: messages whose outcome could still change (no outcome yet, or
 *     deferred) have GET /messages/outbound/{id}/details read again, at most
 *     every 10 minutes, until they have one or their retry window is over;
 *  2. messages: GET /messages/outbound?count&offset&fromdate&todate lists
 *     the messages of a time window, newest first, and each one's details
 *     (its "MessageEvents" timeline) are read right away. That is one call
 *     per message, so a page lists at most 50;
 *  3. bounces: GET /bounces over the same kind of window gives the bounce
 *     types, and bounces and spam complaints that come days later.
 *
 * A window ends five minutes before its round started and stays fixed while
 * it is paged through, so offsets do not shift under new mail. Postmark
 * lists at most 10,000 per search (offset + count ≤ 10,000): a window
 * holding more is halved until it fits. fromdate/todate are US Eastern
 * wall times (dlv_postmark_eastern_time()); consecutive windows share their
 * boundary second, and the store's de-duplication absorbs the overlap.
 *
 * Auth: X-Postmark-Server-Token with the server token (the account's key);
 * the Domains API wants X-Postmark-Account-Token, the optional secret.
 *
 * Cursor "pm1;done=E;bdone=E[;phase=…;end=E;to=E;offset=N;next=N]
 * [;checked=E][;pending=ID.E~ID.E…]": messages (done) and bounces (bdone)
 * received before those instants have been read; phase and end describe the
 * running round, which reads up to end; to and offset, the window being
 * paged through, from done (or bdone) to to; next, how far the re-check got
 * in pending; checked, when the last re-check ended; pending, the messages
 * to read again with when Postmark received them.
 */

#define G_LOG_DOMAIN "dlv-postmark"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dlv-cursor.h"
#include "dlv-json-util.h"
#include "dlv-postmark-domains.h"
#include "dlv-postmark-events.h"
#include "dlv-postmark-provider.h"
#include "dlv-providers.h"
#include "dlv-util.h"

#define CURSOR_VERSION "pm1"
#define BOUNCES_PER_PAGE 500
#define DOMAINS_PER_PAGE 500
#define MAX_DOMAINS 5000
/* Postmark's limit on offset + count in one search. */
#define MAX_SEARCH 10000
/* Halvings of a window before its first second is read as it is. */
#define MAX_NARROWING 40

#define PHASE_RECHECK "recheck"
#define PHASE_MESSAGES "messages"
#define PHASE_BOUNCES "bounces"

struct _DlvPostmarkProvider
{
  DlvProvider parent_instance;

  guint page_size;
};

G_DEFINE_FINAL_TYPE (DlvPostmarkProvider, dlv_postmark_provider, DLV_TYPE_PROVIDER)

typedef struct
{
  char *id;
  gint64 received;
} Pending;

static void
pending_free (Pending *pending)
{
  g_free (pending->id);
  g_free (pending);
}

static gint64
retry_window (DlvPostmarkProvider *self)
{
  return (gint64) dlv_provider_get_retry_window_hours (DLV_PROVIDER (self)) * 3600;
}

static void
dlv_postmark_provider_authorize (DlvProvider *provider,
                                 DlvHttp     *http)
{
  dlv_http_set_auth (http, "X-Postmark-Server-Token", dlv_provider_get_api_key (provider));
}

/* "ID.E~ID.E": '.' and '~' are left alone by the cursor's escaping, and
 * valid ids hold neither. Anything unreadable is dropped. */
static GPtrArray *
parse_pending (const char *text)
{
  GPtrArray *pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  g_auto(GStrv) entries = g_strsplit (text != NULL ? text : "", "~", -1);

  for (guint i = 0; entries[i] != NULL && pending->len < DLV_POSTMARK_MAX_PENDING; i++)
    {
      char *dot = strrchr (entries[i], '.');
      Pending *entry;
      gint64 received;

      if (dot == NULL)
        continue;
      *dot = '\0';
      if (!dlv_postmark_id_is_valid (entries[i]) ||
          !g_ascii_string_to_signed (dot + 1, 10, 0, G_MAXINT64, &received, NULL))
        continue;

      entry = g_new0 (Pending, 1);
      entry->id = g_strdup (entries[i]);
      entry->received = received;
      g_ptr_array_add (pending, entry);
    }

  return pending;
}

static void
save_pending (DlvCursor *cursor,
              GPtrArray *pending)
{
  GString *text;

  if (pending->len == 0)
    {
      dlv_cursor_set (cursor, "pending", NULL);
      return;
    }

  text = g_string_new (NULL);
  for (guint i = 0; i < pending->len; i++)
    {
      Pending *entry = g_ptr_array_index (pending, i);

      g_string_append_printf (text, "%s%s.%" G_GINT64_FORMAT,
                              i > 0 ? "~" : "", entry->id, entry->received);
    }

  dlv_cursor_set (cursor, "pending", text->str);
  g_string_free (text, TRUE);
}

static gboolean
is_pending (GPtrArray  *pending,
            const char *id)
{
  for (guint i = 0; i < pending->len; i++)
    if (g_strcmp0 (((Pending *) g_ptr_array_index (pending, i))->id, id) == 0)
      return TRUE;

  return FALSE;
}

/* Follows a message whose outcome can still change, unless its retry
 * window is over: the store then calls it expired. */
static void
remember (DlvPostmarkProvider *self,
          DlvCursor           *cursor,
          GPtrArray           *pending,
          const char          *id,
          gint64               received,
          DlvEventPage        *page)
{
  Pending *entry;

  if (received + retry_window (self) < dlv_provider_get_now (DLV_PROVIDER (self)) || is_pending (pending, id))
    return;

  /* Everything followed was read at "checked" or later: the first message
   * waits a full interval for its second look, as later ones do. */
  if (pending->len == 0)
    dlv_cursor_set_int (cursor, "checked", dlv_provider_get_now (DLV_PROVIDER (self)));

  if (pending->len >= DLV_POSTMARK_MAX_PENDING)
    {
      if (page->gap == NULL)
        page->gap = g_strdup_printf (_("More than %u Postmark messages were waiting for delivery "
                                       "at once. Deliverability does not follow the others, so "
                                       "whether they were delivered later is not shown; their "
                                       "bounces still are."),
                                     (guint) DLV_POSTMARK_MAX_PENDING);
      return;
    }

  entry = g_new0 (Pending, 1);
  entry->id = g_strdup (id);
  entry->received = received;
  g_ptr_array_add (pending, entry);
}

/* Moves the round past phases with nothing to do, starting a round when
 * none runs and @may_start. Returns FALSE, with the round cleared, when it
 * is over. */
static gboolean
find_work (DlvPostmarkProvider *self,
           DlvCursor           *cursor,
           GPtrArray           *pending,
           gboolean             may_start)
{
  static const char * const round_keys[] = { "phase", "end", "to", "offset", "next" };
  const char *phase = dlv_cursor_get (cursor, "phase");
  gint64 now = dlv_provider_get_now (DLV_PROVIDER (self));
  gint64 end;

  if (phase == NULL || (g_strcmp0 (phase, PHASE_RECHECK) != 0 &&
                        g_strcmp0 (phase, PHASE_MESSAGES) != 0 &&
                        g_strcmp0 (phase, PHASE_BOUNCES) != 0))
    {
      if (!may_start)
        return FALSE;

      dlv_cursor_set (cursor, "phase", PHASE_RECHECK);
      dlv_cursor_set_int (cursor, "end", now - DLV_POSTMARK_SETTLE_SECONDS);
      if (dlv_cursor_get (cursor, "done") == NULL)
        dlv_cursor_set_int (cursor, "done", now - DLV_POSTMARK_FIRST_READ_SECONDS);
      if (dlv_cursor_get (cursor, "bdone") == NULL)
        dlv_cursor_set_int (cursor, "bdone", now - DLV_POSTMARK_FIRST_READ_SECONDS);
      phase = PHASE_RECHECK;
    }

  end = dlv_cursor_get_int (cursor, "end", now - DLV_POSTMARK_SETTLE_SECONDS);

  if (g_strcmp0 (phase, PHASE_RECHECK) == 0)
    {
      gboolean started = dlv_cursor_get (cursor, "next") != NULL;
      gint64 since = now - dlv_cursor_get_int (cursor, "checked", 0);

      if (pending->len > 0 && (started || since >= DLV_POSTMARK_RECHECK_SECONDS))
        return TRUE;

      dlv_cursor_set (cursor, "next", NULL);
      dlv_cursor_set (cursor, "phase", PHASE_MESSAGES);
      phase = PHASE_MESSAGES;
    }

  if (g_strcmp0 (phase, PHASE_MESSAGES) == 0)
    {
      if (dlv_cursor_get_int (cursor, "done", end) < end)
        return TRUE;

      dlv_cursor_set (cursor, "to", NULL);
      dlv_cursor_set (cursor, "offset", NULL);
      dlv_cursor_set (cursor, "phase", PHASE_BOUNCES);
    }

  if (dlv_cursor_get_int (cursor, "bdone", end) < end)
    return TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (round_keys); i++)
    dlv_cursor_set (cursor, round_keys[i], NULL);

  return FALSE;
}

/* One search page of @path over [from, to], in Eastern time. */
static GBytes *
search (DlvProvider   *provider,
        const char    *path,
        guint          count,
        gint64         offset,
        gint64         from,
        gint64         to,
        GCancellable  *cancellable,
        GError       **error)
{
  g_autofree char *fromdate = dlv_postmark_eastern_time (from, FALSE);
  g_autofree char *todate = dlv_postmark_eastern_time (to, TRUE);
  g_autofree char *query = g_strdup_printf ("%s?count=%u&offset=%" G_GINT64_FORMAT
                                            "&fromdate=%s&todate=%s",
                                            path, count, offset, fromdate, todate);

  return dlv_provider_request (provider, "GET", query, NULL, cancellable, error);
}

static const char *
limit_gap (void)
{
  return _("More than 10,000 Postmark messages or bounces share one second, and Postmark's search "
           "lists only 10,000 of them: the others are missing here.");
}

/* Gone: past the server's retention, or never kept. Postmark answers 422
 * for a message it does not know, some proxies 404. */
static gboolean
is_gone (DlvProvider *provider)
{
  guint status = dlv_provider_get_last_reply (provider)->status;

  return status == 404 || status == 422;
}

/* One message's details into @page. An unreadable answer is counted and
 * leaves @final FALSE, so the message is read again later. Fails only
 * when Postmark could not be asked. */
static gboolean
read_details (DlvProvider   *provider,
              const char    *id,
              JsonObject    *summary,
              DlvEventPage  *page,
              gboolean      *final,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autofree char *path = g_strconcat ("/messages/outbound/", id, "/details", NULL);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  const char *data;
  gint64 received;
  gsize size;

  *final = FALSE;
  body = dlv_provider_request (provider, "GET", path, NULL, cancellable, &local_error);
  if (body == NULL && is_gone (provider))
    {
      gboolean unused;

      if (summary != NULL)
        dlv_postmark_read_message (summary, NULL, TRUE, page, &received, &unused);
      *final = TRUE;
      return TRUE;
    }
  if (body == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  data = g_bytes_get_data (body, &size);
  parser = dlv_json_load (data, size, NULL, NULL);
  root = parser != NULL ? json_parser_get_root (parser) : NULL;
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      !dlv_postmark_read_message (json_node_get_object (root), summary, TRUE, page,
                                  &received, final))
    {
      g_debug ("Unreadable details for Postmark message %s", id);
      page->skipped++;
      if (summary != NULL)
        dlv_postmark_read_message (summary, NULL, TRUE, page, &received, final);
      *final = FALSE;
    }

  return TRUE;
}

static DlvEventPage *
recheck_page (DlvPostmarkProvider  *self,
              DlvCursor            *cursor,
              GPtrArray            *pending,
              GCancellable         *cancellable,
              GError              **error)
{
  g_autoptr(DlvEventPage) page = dlv_event_page_new ();
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  guint next = (guint) CLAMP (dlv_cursor_get_int (cursor, "next", 0), 0, (gint64) pending->len);
  guint stop = MIN (pending->len, next + self->page_size);
  gint64 now = dlv_provider_get_now (DLV_PROVIDER (self));

  for (guint i = next; i < stop; i++)
    {
      Pending *entry = g_ptr_array_index (pending, i);
      gboolean open = entry->received + retry_window (self) >= now;
      gboolean final;

      if (!read_details (DLV_PROVIDER (self), entry->id, NULL, page, &final, cancellable, error))
        return NULL;
      g_ptr_array_add (kept, GUINT_TO_POINTER (!final && open));
    }

  /* Drops the entries with an outcome, back to front so indexes hold. */
  for (guint i = stop; i > next; i--)
    if (!GPOINTER_TO_UINT (g_ptr_array_index (kept, i - 1 - next)))
      {
        g_ptr_array_remove_index (pending, i - 1);
        stop--;
      }

  if (stop >= pending->len)
    {
      dlv_cursor_set (cursor, "next", NULL);
      dlv_cursor_set_int (cursor, "checked", now);
      dlv_cursor_set (cursor, "phase", PHASE_MESSAGES);
    }
  else
    dlv_cursor_set_int (cursor, "next", stop);

  return g_steal_pointer (&page);
}

/* Lists one page of [from, to] from @offset; at the window's start, halves
 * it until Postmark's 10,000 limit covers it. @to is updated. */
static JsonParser *
list_messages (DlvPostmarkProvider  *self,
               gint64                from,
               gint64               *to,
               gint64                offset,
               guint                 count,
               guint                *repaired,
               GCancellable         *cancellable,
               GError              **error)
{
  for (guint narrowing = 0;; narrowing++)
    {
      g_autoptr(GBytes) body = search (DLV_PROVIDER (self), "/messages/outbound", count, offset,
                                       from, *to, cancellable, error);
      g_autoptr(JsonParser) parser = NULL;
      JsonNode *root;
      const char *data;
      gint64 total;
      gsize size;

      if (body == NULL)
        return NULL;

      data = g_bytes_get_data (body, &size);
      parser = dlv_json_load (data, size, repaired, error);
      if (parser == NULL)
        return NULL;

      root = json_parser_get_root (parser);
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
          dlv_json_get_array (json_node_get_object (root), "Messages") == NULL)
        {
          g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE,
                       _("Postmark sent a message search page without its “Messages” list"));
          return NULL;
        }

      if (offset == 0 && *to - from > 1 && narrowing < MAX_NARROWING &&
          dlv_json_get_int (json_node_get_object (root), "TotalCount", &total) &&
          total > MAX_SEARCH)
        {
          *to = from + (*to - from) / 2;
          continue;
        }

      return g_steal_pointer (&parser);
    }
}

/* Whether a window's last page was just read. */
static gboolean
window_read (guint       listed,
             guint       count,
             gint64      offset,
             JsonObject *root)
{
  gint64 total;

  if (listed < count || offset >= MAX_SEARCH)
    return TRUE;

  return dlv_json_get_int (root, "TotalCount", &total) && offset >= total;
}

static DlvEventPage *
messages_page (DlvPostmarkProvider  *self,
               DlvCursor            *cursor,
               GPtrArray            *pending,
               GCancellable         *cancellable,
               GError              **error)
{
  g_autoptr(DlvEventPage) page = dlv_event_page_new ();
  g_autoptr(JsonParser) parser = NULL;
  gint64 end = dlv_cursor_get_int (cursor, "end", 0);
  gint64 from = dlv_cursor_get_int (cursor, "done", end);
  gint64 to = MAX (from, dlv_cursor_get_int (cursor, "to", end));
  gint64 offset = CLAMP (dlv_cursor_get_int (cursor, "offset", 0), 0, MAX_SEARCH - 1);
  guint count = (guint) MIN ((gint64) self->page_size, MAX_SEARCH - offset);
  JsonObject *root;
  JsonArray *messages;
  guint listed;

  parser = list_messages (self, from, &to, offset, count, &page->repaired, cancellable, error);
  if (parser == NULL)
    return NULL;

  root = json_node_get_object (json_parser_get_root (parser));
  messages = dlv_json_get_array (root, "Messages");
  listed = MIN (json_array_get_length (messages), count);
  for (guint i = 0; i < listed; i++)
    {
      JsonNode *node = json_array_get_element (messages, i);
      JsonObject *summary = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *id = dlv_postmark_message_id (summary);
      const char *received_at = dlv_json_get_string (summary, "ReceivedAt");
      gboolean final;
      gint64 received;

      if (id == NULL || !dlv_postmark_parse_time (received_at, &received))
        {
          page->skipped++;
          continue;
        }

      if (!read_details (DLV_PROVIDER (self), id, summary, page, &final, cancellable, error))
        return NULL;
      if (!final)
        remember (self, cursor, pending, id, received, page);
    }

  offset += listed;
  if (window_read (listed, count, offset, root))
    {
      gint64 total;

      if (offset >= MAX_SEARCH && dlv_json_get_int (root, "TotalCount", &total) &&
          total > MAX_SEARCH && page->gap == NULL)
        page->gap = g_strdup (limit_gap ());
      dlv_cursor_set_int (cursor, "done", to);
      dlv_cursor_set (cursor, "to", NULL);
      dlv_cursor_set (cursor, "offset", NULL);
    }
  else
    {
      dlv_cursor_set_int (cursor, "to", to);
      dlv_cursor_set_int (cursor, "offset", offset);
    }

  return g_steal_pointer (&page);
}

static DlvEventPage *
bounces_page (DlvPostmarkProvider  *self,
              DlvCursor            *cursor,
              GCancellable         *cancellable,
              GError              **error)
{
  gint64 end = dlv_cursor_get_int (cursor, "end", 0);
  gint64 from = dlv_cursor_get_int (cursor, "bdone", end);
  gint64 to = MAX (from, dlv_cursor_get_int (cursor, "to", end));
  gint64 offset = CLAMP (dlv_cursor_get_int (cursor, "offset", 0), 0, MAX_SEARCH - 1);
  guint count = (guint) MIN (BOUNCES_PER_PAGE, MAX_SEARCH - offset);

  for (guint narrowing = 0;; narrowing++)
    {
      g_autoptr(GBytes) body = search (DLV_PROVIDER (self), "/bounces", count, offset, from, to,
                                       cancellable, error);
      g_autoptr(DlvEventPage) page = NULL;
      const char *data;
      gint64 total;
      guint items;
      gsize size;

      if (body == NULL)
        return NULL;

      data = g_bytes_get_data (body, &size);
      page = dlv_postmark_parse_bounces_page (data, size, &items, &total, error);
      if (page == NULL)
        return NULL;

      if (offset == 0 && total > MAX_SEARCH && to - from > 1 && narrowing < MAX_NARROWING)
        {
          to = from + (to - from) / 2;
          continue;
        }

      offset += items;
      if (items < count || offset >= MAX_SEARCH || (total >= 0 && offset >= total))
        {
          if (offset >= MAX_SEARCH && total > MAX_SEARCH)
            page->gap = g_strdup (limit_gap ());
          dlv_cursor_set_int (cursor, "bdone", to);
          dlv_cursor_set (cursor, "to", NULL);
          dlv_cursor_set (cursor, "offset", NULL);
        }
      else
        {
          dlv_cursor_set_int (cursor, "to", to);
          dlv_cursor_set_int (cursor, "offset", offset);
        }

      return g_steal_pointer (&page);
    }
}

static DlvEventPage *
dlv_postmark_provider_fetch_page (DlvProvider   *provider,
                                  const char    *cursor_text,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  DlvPostmarkProvider *self = DLV_POSTMARK_PROVIDER (provider);
  g_autoptr(DlvCursor) cursor = dlv_cursor_parse (cursor_text, CURSOR_VERSION, error);
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(DlvEventPage) page = NULL;

  if (cursor == NULL)
    return NULL;

  pending = parse_pending (dlv_cursor_get (cursor, "pending"));
  if (!find_work (self, cursor, pending, TRUE))
    page = dlv_event_page_new ();
  else
    {
      const char *phase = dlv_cursor_get (cursor, "phase");

      if (g_strcmp0 (phase, PHASE_RECHECK) == 0)
        page = recheck_page (self, cursor, pending, cancellable, error);
      else if (g_strcmp0 (phase, PHASE_MESSAGES) == 0)
        page = messages_page (self, cursor, pending, cancellable, error);
      else
        page = bounces_page (self, cursor, cancellable, error);

      if (page == NULL)
        return NULL;
      page->more = find_work (self, cursor, pending, FALSE);
    }

  save_pending (cursor, pending);
  page->next_cursor = dlv_cursor_to_string (cursor);
  return g_steal_pointer (&page);
}

/* The Domains API is the account's: the connection's key header carries
 * the account token for this one request. */
static GBytes *
account_request (DlvProvider   *provider,
                 const char    *path,
                 GCancellable  *cancellable,
                 GError       **error)
{
  DlvHttp *http = dlv_provider_get_http (provider, error);
  g_autoptr(GError) local_error = NULL;
  GBytes *body;

  if (http == NULL)
    return NULL;

  dlv_http_set_auth (http, "X-Postmark-Account-Token", dlv_provider_get_api_secret (provider));
  body = dlv_provider_request (provider, "GET", path, NULL, cancellable, &local_error);
  dlv_postmark_provider_authorize (provider, http);

  if (g_error_matches (local_error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_UNAUTHORIZED))
    g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_UNAUTHORIZED,
                 _("Postmark did not accept the account token (HTTP 401). Check it in "
                   "Preferences, or remove it: it is only needed to show sending domains."));
  else if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return body;
}

static JsonObject *
load_object (GBytes      *body,
             JsonParser **parser)
{
  gsize size;
  const char *data = g_bytes_get_data (body, &size);
  JsonNode *root;

  *parser = dlv_json_load (data, size, NULL, NULL);
  root = *parser != NULL ? json_parser_get_root (*parser) : NULL;

  return root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
}

/* One item of GET /domains, completed by GET /domains/{ID}. */
static gboolean
add_domain (DlvProvider   *provider,
            JsonObject    *item,
            GPtrArray     *domains,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *path = NULL;
  JsonObject *record = item;
  const char *name;
  DlvDomain *domain;
  gint64 id;

  if (dlv_json_get_int (item, "ID", &id))
    {
      path = g_strdup_printf ("/domains/%" G_GINT64_FORMAT, id);
      body = account_request (provider, path, cancellable, error);
      if (body == NULL)
        return FALSE;
      record = load_object (body, &parser);
      if (record == NULL)
        {
          g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE,
                       _("Postmark described a sending domain in a shape Deliverability "
                         "does not know"));
          return FALSE;
        }
    }

  name = dlv_json_get_string (record, "Name");
  if (name == NULL || name[0] == '\0')
    name = dlv_json_get_string (item, "Name");
  if (name == NULL || name[0] == '\0' || strlen (name) > 253)
    return TRUE;

  domain = dlv_postmark_parse_domain (record, name);
  g_ptr_array_add (domains, domain);
  return TRUE;
}

static GPtrArray *
dlv_postmark_provider_fetch_domains (DlvProvider   *provider,
                                     GCancellable  *cancellable,
                                     GError       **error)
{
  g_autoptr(GPtrArray) domains = g_ptr_array_new_with_free_func ((GDestroyNotify) dlv_domain_free);
  const char *token = dlv_provider_get_api_secret (provider);
  gint64 total = G_MAXINT64;

  /* Without the optional account token there is nothing to read. Events
   * go on being polled; the account shows what to add. */
  if (token == NULL || token[0] == '\0')
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_FORBIDDEN,
                   _("Postmark shows sending domains only with an account API token: add it to this "
                     "account in Preferences to see DKIM and Return-Path"));
      return NULL;
    }

  for (guint offset = 0; offset < MIN (total, MAX_DOMAINS); offset += DOMAINS_PER_PAGE)
    {
      g_autofree char *path = g_strdup_printf ("/domains?count=%d&offset=%u",
                                               DOMAINS_PER_PAGE, offset);
      g_autoptr(GBytes) body = account_request (provider, path, cancellable, error);
      g_autoptr(JsonParser) parser = NULL;
      JsonObject *root;
      JsonArray *list;

      if (body == NULL)
        return NULL;

      root = load_object (body, &parser);
      list = dlv_json_get_array (root, "Domains");
      if (list == NULL)
        {
          g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE,
                       _("Postmark sent its list of sending domains without a “Domains” list"));
          return NULL;
        }
      if (!dlv_json_get_int (root, "TotalCount", &total))
        total = G_MAXINT64;

      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonNode *node = json_array_get_element (list, i);

          if (JSON_NODE_HOLDS_OBJECT (node) &&
              !add_domain (provider, json_node_get_object (node), domains, cancellable, error))
            return NULL;
        }

      if (json_array_get_length (list) < DOMAINS_PER_PAGE)
        break;
    }

  return g_steal_pointer (&domains);
}

static void
dlv_postmark_provider_class_init (DlvPostmarkProviderClass *klass)
{
  DlvProviderClass *provider_class = DLV_PROVIDER_CLASS (klass);

  provider_class->authorize = dlv_postmark_provider_authorize;
  provider_class->fetch_page = dlv_postmark_provider_fetch_page;
  provider_class->fetch_domains = dlv_postmark_provider_fetch_domains;
}

static void
dlv_postmark_provider_init (DlvPostmarkProvider *self)
{
  self->page_size = DLV_POSTMARK_MESSAGES_PER_PAGE;
}

void
dlv_postmark_provider_set_page_size (DlvPostmarkProvider *self,
                                     guint                messages)
{
  g_return_if_fail (DLV_IS_POSTMARK_PROVIDER (self));
  g_return_if_fail (messages > 0 && messages <= 500);

  self->page_size = messages;
}

/* An exported file: one answer, with no position to continue from. */
static DlvEventPage *
parse_file_page (const char  *data,
                 gsize        length,
                 GError     **error)
{
  return dlv_postmark_parse_file_page (data, length, error);
}

const DlvProviderInfo dlv_postmark_provider_info = {
  .name = "postmark",
  .title = "Postmark",
  /* Postmark does not document how long it retries a deferred message;
   * 72 hours is the common default (SendGrid documents it). */
  .retry_window_hours = 72,
  /* No published read limits; a round costs a call per new message. */
  .min_poll_seconds = 60,
  .needs = 0,
  .base_url = "https://api.postmarkapp.com",
  .alt_region = NULL,
  .base_url_alt = NULL,
  .key_label = N_("Server API token"),
  .secret_label = N_("Account API token (optional)"),
  .key_help = N_("The Server API token of the Postmark server you send from (Servers → your "
                 "server → API Tokens). To see your sending domains too, add an Account API token "
                 "(Account → API Tokens)."),
  .limits = N_("Postmark has no event feed: Deliverability reads each message's history one by "
               "one, reads delayed messages again until they are delivered or 72 hours have "
               "passed, and reads bounces from their own list. Postmark keeps messages 45 days by "
               "default, does not say which IP address sent them, and reports DMARC nowhere: "
               "Deliverability reads it from DNS."),
  .get_type = dlv_postmark_provider_get_type,
  .parse_page = parse_file_page,
  .parse_webhook = dlv_postmark_parse_webhook,
};
