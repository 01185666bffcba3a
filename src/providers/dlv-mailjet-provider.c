/* dlv-mailjet-provider.c: polling a Mailjet account's messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Messages: GET /v3/REST/message?FromTS=&ToTS=&Limit=1000&Offset=
 * &ShowSubject=true&ShowContactAlt=true, with HTTP Basic KEY:SECRET, on api.mailjet.com or,
 * for accounts on Mailjet's US infrastructure, api.us.mailjet.com. Each message comes once
 * with its current status, so a message deferred now and delivered tomorrow must be read
 * again: every round reads the last two hours once more, and once an hour the whole retry
 * window, and the store's de-duplication keeps that exact. The window is fixed when a
 * traversal starts (ToTS), so messages arriving meanwhile cannot shift the offsets; a
 * short page ends the traversal (unless "Total" promises more).
 *
 * A failed message seen for the first time has its history read
 * (GET /v3/REST/messagehistory/{ID}), whose comments say why in Mailjet's words; at most
 * DLV_MAILJET_HISTORY_PER_ROUND of them a round, beyond which the coded reason stands alone.
 *
 * Cursor "mj1;mark=T;recheck=T[;from=T;to=T;offset=N;hist=N]": mark is where the last complete
 * traversal ended (messages that arrived before it have been seen), recheck when the retry
 * window is next read again, and from/to/offset/hist the traversal in progress.
 */

#define G_LOG_DOMAIN "dlv-mailjet"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dlv-cursor.h"
#include "dlv-json-util.h"
#include "dlv-mailjet-domains.h"
#include "dlv-mailjet-events.h"
#include "dlv-mailjet-provider.h"
#include "dlv-providers.h"
#include "dlv-util.h"

#define CURSOR_VERSION "mj1"
#define PAGE_LIMIT 1000
/* A DNS list longer than this many pages is not one account's sender domains. */
#define MAX_DOMAIN_PAGES 10

struct _DlvMailjetProvider
{
  DlvProvider parent_instance;

};

/* One page's walk through its messages. */
typedef struct
{
  gint64 mark;                  /* messages arriving from here on are new */
  gint64 history_spent;         /* history lookups so far this round */
} Walk;

G_DEFINE_FINAL_TYPE (DlvMailjetProvider, dlv_mailjet_provider, DLV_TYPE_PROVIDER)

static void
dlv_mailjet_provider_authorize (DlvProvider *provider,
                                DlvHttp     *http)
{
  dlv_http_set_basic_auth (http, dlv_provider_get_api_key (provider),
                           dlv_provider_get_api_secret (provider));
}

/* Fixes the window of a new traversal: from the last mark, two hours back; the whole retry
 * window when its hour has come; the first week for a new account. */
static void
start_traversal (DlvMailjetProvider  *self,
                 DlvCursor           *cursor,
                 gint64               now,
                 char               **gap)
{
  gint64 mark = MIN (dlv_cursor_get_int (cursor, "mark", 0), now);
  gint64 recheck = dlv_cursor_get_int (cursor, "recheck", 0);
  gint64 retry_window = (gint64) dlv_provider_get_retry_window_hours (DLV_PROVIDER (self)) * 3600;
  gint64 reach = now - DLV_MAILJET_FIRST_READ_SECONDS;
  gint64 from;

  if (mark <= 0)
    {
      from = reach;
      recheck = now + DLV_MAILJET_RECHECK_EVERY_SECONDS;
    }
  else if (now >= recheck)
    {
      from = mark - MAX (retry_window, DLV_MAILJET_RECENT_SECONDS);
      recheck = now + DLV_MAILJET_RECHECK_EVERY_SECONDS;
    }
  else
    from = mark - DLV_MAILJET_RECENT_SECONDS;

  /* After a long pause, reading everything since would take hours: say what was left out. */
  if (mark > 0 && mark < reach)
    *gap = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Mailjet had not been read for more than %d day, so "
                                         "older messages were left out.",
                                         "Mailjet had not been read for more than %d days, so "
                                         "older messages were left out.",
                                         DLV_MAILJET_FIRST_READ_SECONDS / 86400),
                            DLV_MAILJET_FIRST_READ_SECONDS / 86400);

  dlv_cursor_set_int (cursor, "from", MAX (from, reach));
  dlv_cursor_set_int (cursor, "to", now);
  dlv_cursor_set_int (cursor, "offset", 0);
  dlv_cursor_set_int (cursor, "hist", 0);
  dlv_cursor_set_int (cursor, "recheck", recheck);
}

static void
finish_traversal (DlvCursor *cursor)
{
  dlv_cursor_set_int (cursor, "mark", dlv_cursor_get_int (cursor, "to", 0));
  dlv_cursor_set (cursor, "from", NULL);
  dlv_cursor_set (cursor, "to", NULL);
  dlv_cursor_set (cursor, "offset", NULL);
  dlv_cursor_set (cursor, "hist", NULL);
}

static char *
messages_path (DlvCursor *cursor)
{
  return g_strdup_printf ("/v3/REST/message?FromTS=%" G_GINT64_FORMAT "&ToTS=%" G_GINT64_FORMAT
                          "&Limit=%d&Offset=%" G_GINT64_FORMAT
                          "&ShowSubject=true&ShowContactAlt=true",
                          dlv_cursor_get_int (cursor, "from", 0),
                          dlv_cursor_get_int (cursor, "to", 0),
                          PAGE_LIMIT, dlv_cursor_get_int (cursor, "offset", 0));
}

/* A failure seen for the first time: its history says why in Mailjet's words. Only a
 * cancellation fails the page; a history Mailjet cannot give leaves the coded reason alone,
 * and a request to slow down ends the lookups of this round. */
static gboolean
add_history (DlvMailjetProvider  *self,
             Walk                *walk,
             JsonObject          *item,
             const DlvEvent      *status,
             DlvEventPage        *page,
             GCancellable        *cancellable,
             GError             **error)
{
  g_autofree char *path = g_strconcat ("/v3/REST/messagehistory/", status->message_id, NULL);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) body = NULL;
  const char *data;
  guint skipped = 0;
  gsize size;

  walk->history_spent++;
  body = dlv_provider_request (DLV_PROVIDER (self), "GET", path, NULL, cancellable, &local_error);
  if (body == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (g_error_matches (local_error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_RATE_LIMITED))
        walk->history_spent = DLV_MAILJET_HISTORY_PER_ROUND;
      g_debug ("No history for a Mailjet message: %s", local_error->message);
      return TRUE;
    }

  data = g_bytes_get_data (body, &size);
  dlv_mailjet_parse_history (data, size, status, item, page->events, &skipped, &local_error);
  if (local_error != NULL)
    g_debug ("Unreadable history for a Mailjet message: %s", local_error->message);
  page->skipped += skipped;

  return TRUE;
}

static gboolean
wants_history (Walk           *walk,
               JsonObject     *item,
               const DlvEvent *status)
{
  gint64 arrived;

  return dlv_mailjet_event_is_failure (status) &&
         walk->history_spent < DLV_MAILJET_HISTORY_PER_ROUND &&
         dlv_mailjet_read_time (item, "ArrivedAt", &arrived) &&
         arrived >= walk->mark;
}

static gboolean
read_messages (DlvMailjetProvider  *self,
               Walk                *walk,
               JsonArray           *items,
               DlvEventPage        *page,
               GCancellable        *cancellable,
               GError             **error)
{
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      gboolean ignored = FALSE;
      DlvEvent *event = item != NULL ? dlv_mailjet_parse_message (item, &ignored) : NULL;

      if (event == NULL)
        {
          if (!ignored)
            page->skipped++;
          continue;
        }

      g_ptr_array_add (page->events, event);
      if (wants_history (walk, item, event) &&
          !add_history (self, walk, item, event, page, cancellable, error))
        return FALSE;
    }

  if (page->skipped > 0)
    g_debug ("Skipped %u unreadable Mailjet messages of %u", page->skipped,
             json_array_get_length (items));

  return TRUE;
}

static DlvEventPage *
dlv_mailjet_provider_fetch_page (DlvProvider   *provider,
                                 const char    *cursor_text,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  DlvMailjetProvider *self = DLV_MAILJET_PROVIDER (provider);
  g_autoptr(DlvCursor) cursor = dlv_cursor_parse (cursor_text, CURSOR_VERSION, error);
  g_autoptr(DlvEventPage) page = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *gap = NULL;
  JsonArray *items;
  Walk walk;
  gint64 total, offset;
  guint repaired, count;
  const char *data;
  gsize size;

  if (cursor == NULL)
    return NULL;

  if (dlv_cursor_get (cursor, "to") == NULL)
    start_traversal (self, cursor, dlv_provider_get_now (DLV_PROVIDER (self)), &gap);

  path = messages_path (cursor);
  body = dlv_provider_request (provider, "GET", path, NULL, cancellable, error);
  if (body == NULL)
    return NULL;

  data = g_bytes_get_data (body, &size);
  parser = dlv_json_load (data, size, &repaired, error);
  if (parser == NULL || (items = dlv_mailjet_page_data (parser, &total, error)) == NULL)
    return NULL;

  page = dlv_event_page_new ();
  page->repaired = repaired;
  page->gap = g_steal_pointer (&gap);
  walk.mark = dlv_cursor_get_int (cursor, "mark", 0);
  walk.history_spent = dlv_cursor_get_int (cursor, "hist", 0);
  if (!read_messages (self, &walk, items, page, cancellable, error))
    return NULL;

  /* Offsets count every item, readable or not. Mailjet's own clients
   * disagree on whether "Total" counts the whole result or only this
   * answer, so a full page always asks for the next, and a short one ends
   * unless "Total" promises more. */
  count = json_array_get_length (items);
  offset = dlv_cursor_get_int (cursor, "offset", 0) + count;
  page->more = count > 0 && (count >= PAGE_LIMIT || (total >= 0 && offset < total));
  if (page->more)
    {
      dlv_cursor_set_int (cursor, "offset", offset);
      dlv_cursor_set_int (cursor, "hist", walk.history_spent);
    }
  else
    finish_traversal (cursor);

  page->next_cursor = dlv_cursor_to_string (cursor);
  return g_steal_pointer (&page);
}

static gboolean
add_domains (GPtrArray   *domains,
             const char  *data,
             gsize        size,
             guint       *items,
             gint64      *total,
             GError     **error)
{
  g_autoptr(GPtrArray) page = dlv_mailjet_parse_domains (data, size, items, total, error);

  if (page == NULL)
    return FALSE;

  g_ptr_array_extend_and_steal (domains, g_steal_pointer (&page));
  return TRUE;
}

static char *
domains_path (const char *name,
              guint       offset)
{
  g_autofree char *escaped = NULL;

  if (name == NULL)
    return g_strdup_printf ("/v3/REST/dns?Limit=%d&Offset=%u", PAGE_LIMIT, offset);

  escaped = g_uri_escape_string (name, NULL, FALSE);
  return g_strconcat ("/v3/REST/dns/", escaped, NULL);
}

/* One domain when the account names it, otherwise every domain of the account, page by page. */
static GPtrArray *
dlv_mailjet_provider_fetch_domains (DlvProvider   *provider,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  const char *name = dlv_provider_get_domain (provider);
  g_autoptr(GPtrArray) domains = g_ptr_array_new_with_free_func ((GDestroyNotify) dlv_domain_free);
  guint offset = 0;

  for (guint pages = 0; pages < MAX_DOMAIN_PAGES; pages++)
    {
      g_autofree char *path = domains_path (name, offset);
      g_autoptr(GBytes) body = dlv_provider_request (provider, "GET", path, NULL, cancellable,
                                                     error);
      const char *data;
      gint64 total;
      guint items;
      gsize size;

      if (body == NULL)
        return NULL;

      data = g_bytes_get_data (body, &size);
      if (!add_domains (domains, data, size, &items, &total, error))
        return NULL;

      offset += items;
      if (name != NULL || items == 0 || (items < PAGE_LIMIT && (total < 0 || offset >= total)))
        break;
    }

  return g_steal_pointer (&domains);
}

static void
dlv_mailjet_provider_class_init (DlvMailjetProviderClass *klass)
{
  DlvProviderClass *provider_class = DLV_PROVIDER_CLASS (klass);

  provider_class->authorize = dlv_mailjet_provider_authorize;
  provider_class->fetch_page = dlv_mailjet_provider_fetch_page;
  provider_class->fetch_domains = dlv_mailjet_provider_fetch_domains;
}

static void
dlv_mailjet_provider_init (DlvMailjetProvider *self)
{
}

/* An exported file: one /v3/REST/message answer, with no position to continue from. */
static DlvEventPage *
parse_file_page (const char  *data,
                 gsize        length,
                 GError     **error)
{
  return dlv_mailjet_parse_messages_page (data, length, error);
}

const DlvProviderInfo dlv_mailjet_provider_info = {
  .name = "mailjet",
  .title = "Mailjet",
  /* Mailjet documents no retry window; 72 h is where a message still deferred counts as expired. */
  .retry_window_hours = 72,
  /* No documented rate limit: a minute keeps a round of pages and history lookups gentle. */
  .min_poll_seconds = 60,
  .needs = DLV_PROVIDER_NEEDS_SECRET,
  .base_url = "https://api.mailjet.com",
  .alt_region = "us",
  .base_url_alt = "https://api.us.mailjet.com",
  .key_label = N_("API key"),
  .secret_label = N_("Secret key"),
  .key_help = N_("Your Mailjet API key and its secret key (Account settings → REST API → "
                 "API key management). Choose the US region if your account lives on Mailjet's "
                 "US infrastructure."),
  .limits = N_("Mailjet gives each message's current status and a coded reason, not the "
               "receiving server's own reply: reasons are Mailjet's codes and comments in words. "
               "Opens, clicks and late bounces are seen while a message is less than 72 hours "
               "old, and Mailjet reports DMARC nowhere: Deliverability reads it from DNS."),
  .get_type = dlv_mailjet_provider_get_type,
  .parse_page = parse_file_page,
  .parse_webhook = dlv_mailjet_parse_webhook,
};
