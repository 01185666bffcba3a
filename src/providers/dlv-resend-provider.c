/* dlv-resend-provider.c: following the emails of a Resend team
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Resend has no events API: GET /emails lists emails newest first, 100 a
 * page, continued with "after=<id of the last email>" while "has_more", with
 * only each email's latest status and Bearer auth. A status changes over
 * time, so each poll walks the list again from the newest email down to a
 * floor: the start of the previous walk (less an hour), or further down to
 * the oldest email that was still queued or delayed then and whose retry
 * window is open. The first walk reaches back 7 days, the longest standard
 * retention. Reasons exist only in webhook events, read by parse_webhook.
 *
 * Cursor "rs1;seen=EPOCH[;pend=EPOCH]" between walks: when the last
 * complete walk began, and the oldest email it left in flight. During a
 * walk it also holds start, floor, after (the last email read), n (pages
 * read), wpend and old (oldest in-flight and oldest email read so far).
 */

#define G_LOG_DOMAIN "dlv-resend"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dlv-cursor.h"
#include "dlv-providers.h"
#include "dlv-resend-domains.h"
#include "dlv-resend-events.h"
#include "dlv-resend-provider.h"
#include "dlv-util.h"

#define CURSOR_VERSION "rs1"
#define PAGE_LIMIT 100
/* Resend's Free plan keeps emails a day: a shorter absence loses nothing. */
#define SHORTEST_RETENTION_SECONDS (24 * 3600)
#define DOMAIN_LIST_PAGES 5
/* Each domain costs a request of the team's two a second. */
#define MAX_DOMAIN_DETAILS 25

struct _DlvResendProvider
{
  DlvProvider parent_instance;

};

G_DEFINE_FINAL_TYPE (DlvResendProvider, dlv_resend_provider, DLV_TYPE_PROVIDER)

static void
dlv_resend_provider_authorize (DlvProvider *provider,
                               DlvHttp     *http)
{
  g_autofree char *value = g_strconcat ("Bearer ", dlv_provider_get_api_key (provider), NULL);

  dlv_http_set_auth (http, "Authorization", value);
  memset (value, 0, strlen (value));
}

static void
begin_walk (DlvCursor *cursor,
            gint64     now)
{
  gint64 seen = dlv_cursor_get_int (cursor, "seen", 0);
  gint64 pend = dlv_cursor_get_int (cursor, "pend", 0);
  gint64 floor_at = now - DLV_RESEND_FIRST_READ_SECONDS;

  if (seen != 0)
    {
      gint64 from = seen - DLV_RESEND_RECHECK_SECONDS;

      if (pend != 0 && pend < from)
        from = pend;
      floor_at = MAX (floor_at, from);
    }

  dlv_cursor_set_int (cursor, "start", now);
  dlv_cursor_set_int (cursor, "floor", floor_at);
}

static void
end_walk (DlvCursor *cursor)
{
  static const char * const walk_keys[] = { "start", "floor", "after", "n", "wpend", "old", NULL };
  gint64 pend = dlv_cursor_get_int (cursor, "wpend", 0);

  dlv_cursor_set_int (cursor, "seen", dlv_cursor_get_int (cursor, "start", 0));
  if (pend != 0)
    dlv_cursor_set_int (cursor, "pend", pend);
  else
    dlv_cursor_set (cursor, "pend", NULL);

  for (guint i = 0; walk_keys[i] != NULL; i++)
    dlv_cursor_set (cursor, walk_keys[i], NULL);
}

static void
keep_min (DlvCursor  *cursor,
          const char *key,
          gint64      value)
{
  gint64 current = dlv_cursor_get_int (cursor, key, 0);

  if (value != 0 && (current == 0 || value < current))
    dlv_cursor_set_int (cursor, key, value);
}

static char *
format_time (gint64 at)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (at);

  return when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M UTC") : g_strdup ("?");
}

/* The list ran out above the previous walk's start after a long absence:
 * Resend may have dropped what was sent in between. Said once, when the
 * walk ends, and only when it can be true. */
static char *
describe_gap (DlvCursor *cursor,
              gint64     now)
{
  gint64 seen = dlv_cursor_get_int (cursor, "seen", 0);
  gint64 oldest = dlv_cursor_get_int (cursor, "old", 0);
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  if (seen == 0 || now - seen <= SHORTEST_RETENTION_SECONDS || (oldest != 0 && oldest <= seen))
    return NULL;

  from = format_time (seen);
  to = format_time (oldest != 0 ? oldest : now);
  /* Translators: both are dates and times */
  return g_strdup_printf (_("Resend keeps emails for 1 to 7 days depending on the plan, and this "
                            "account was last read on %s: emails sent between then and %s may be "
                            "missing."), from, to);
}

/* Where the page leaves the walk: on to the next page, a pause until the
 * next poll after DLV_RESEND_ROUND_PAGES pages, or the end of the walk at
 * its floor or at the end of the list. */
static void
advance (DlvCursor               *cursor,
         DlvEventPage            *page,
         const DlvResendListInfo *info,
         gint64                   now)
{
  const char *after = dlv_cursor_get (cursor, "after");
  gint64 floor_at = dlv_cursor_get_int (cursor, "floor", 0);
  gint64 pages = dlv_cursor_get_int (cursor, "n", 0) + 1;
  gboolean exhausted = !info->has_more || info->items == 0;
  gboolean looped = info->last_id == NULL || g_strcmp0 (info->last_id, after) == 0;

  keep_min (cursor, "wpend", info->in_flight_since);
  keep_min (cursor, "old", info->oldest);

  if (exhausted || looped || (info->oldest != 0 && info->oldest < floor_at))
    {
      if (exhausted)
        page->gap = describe_gap (cursor, now);
      end_walk (cursor);
      page->more = FALSE;
      return;
    }

  dlv_cursor_set (cursor, "after", info->last_id);
  dlv_cursor_set_int (cursor, "n", pages);
  page->more = pages % DLV_RESEND_ROUND_PAGES != 0;
}

static GBytes *
request_list (DlvProvider   *provider,
              DlvCursor     *cursor,
              GCancellable  *cancellable,
              GError       **error)
{
  const char *after = dlv_cursor_get (cursor, "after");
  g_autofree char *escaped = after != NULL ? g_uri_escape_string (after, NULL, FALSE) : NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) local_error = NULL;
  GBytes *body;

  path = escaped != NULL ? g_strdup_printf ("/emails?limit=%d&after=%s", PAGE_LIMIT, escaped)
                         : g_strdup_printf ("/emails?limit=%d", PAGE_LIMIT);
  body = dlv_provider_request (provider, "GET", path, NULL, cancellable, &local_error);
  if (body != NULL || after == NULL ||
      !g_error_matches (local_error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_FAILED))
    {
      if (body == NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return body;
    }

  /* The email the walk stopped at may have aged out of Resend's retention
   * since: the walk goes on from the newest email, and the store drops
   * what it reads twice. */
  g_debug ("Resend refused to continue after %s (%s); reading from the newest email", after,
           local_error->message);
  dlv_cursor_set (cursor, "after", NULL);
  return request_list (provider, cursor, cancellable, error);
}

static DlvEventPage *
dlv_resend_provider_fetch_page (DlvProvider   *provider,
                                const char    *cursor_text,
                                GCancellable  *cancellable,
                                GError       **error)
{
  DlvResendProvider *self = DLV_RESEND_PROVIDER (provider);
  g_autoptr(DlvCursor) cursor = dlv_cursor_parse (cursor_text, CURSOR_VERSION, error);
  g_auto(DlvResendListInfo) info = { 0 };
  g_autoptr(DlvEventPage) page = NULL;
  g_autoptr(GBytes) body = NULL;
  DlvResendClock clock;
  gint64 now = dlv_provider_get_now (DLV_PROVIDER (self));
  const char *data;
  gsize size;

  if (cursor == NULL)
    return NULL;

  if (dlv_cursor_get_int (cursor, "start", 0) == 0)
    begin_walk (cursor, now);

  body = request_list (provider, cursor, cancellable, error);
  if (body == NULL)
    return NULL;

  clock = (DlvResendClock) {
    .now = now,
    .seen = dlv_cursor_get_int (cursor, "seen", 0),
    .retry_window = (gint64) dlv_provider_get_retry_window_hours (provider) * 3600,
  };
  data = g_bytes_get_data (body, &size);
  page = dlv_resend_parse_emails_page (data, size, &clock, &info, error);
  if (page == NULL)
    return NULL;

  advance (cursor, page, &info, now);
  page->next_cursor = dlv_cursor_to_string (cursor);
  return g_steal_pointer (&page);
}

static GPtrArray *
list_domains (DlvProvider   *provider,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GPtrArray) refs = NULL;
  g_autofree char *after = NULL;

  refs = g_ptr_array_new_with_free_func ((GDestroyNotify) dlv_resend_domain_ref_free);
  for (guint i = 0; i < DOMAIN_LIST_PAGES; i++)
    {
      g_autofree char *escaped = after != NULL ? g_uri_escape_string (after, NULL, FALSE) : NULL;
      g_autofree char *path = escaped != NULL
                              ? g_strdup_printf ("/domains?limit=100&after=%s", escaped)
                              : g_strdup ("/domains?limit=100");
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GPtrArray) part = NULL;
      g_autofree char *last = NULL;
      gboolean has_more;
      const char *data;
      gsize size;

      body = dlv_provider_request (provider, "GET", path, NULL, cancellable, error);
      if (body == NULL)
        return NULL;

      data = g_bytes_get_data (body, &size);
      part = dlv_resend_parse_domain_list (data, size, &has_more, &last, error);
      if (part == NULL)
        return NULL;

      g_ptr_array_extend_and_steal (refs, g_steal_pointer (&part));
      if (!has_more || last == NULL || g_strcmp0 (last, after) == 0)
        break;
      g_free (after);
      after = g_steal_pointer (&last);
    }

  return g_steal_pointer (&refs);
}

static DlvDomain *
read_domain (DlvProvider               *provider,
             const DlvResendDomainRef  *ref,
             GCancellable              *cancellable,
             GError                   **error)
{
  g_autofree char *escaped = g_uri_escape_string (ref->id, NULL, FALSE);
  g_autofree char *path = g_strconcat ("/domains/", escaped, NULL);
  g_autoptr(GBytes) body = dlv_provider_request (provider, "GET", path, NULL, cancellable, error);
  const char *data;
  gsize size;

  if (body == NULL)
    return NULL;

  data = g_bytes_get_data (body, &size);
  return dlv_resend_parse_domain (data, size, ref->name, error);
}

static GPtrArray *
dlv_resend_provider_fetch_domains (DlvProvider   *provider,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  g_autoptr(GPtrArray) refs = list_domains (provider, cancellable, error);
  g_autoptr(GPtrArray) domains = g_ptr_array_new_with_free_func ((GDestroyNotify) dlv_domain_free);

  if (refs == NULL)
    return NULL;

  for (guint i = 0; i < refs->len; i++)
    {
      const DlvResendDomainRef *ref = g_ptr_array_index (refs, i);
      g_autofree char *detail = NULL;
      DlvDomain *domain;

      if (i < MAX_DOMAIN_DETAILS)
        domain = read_domain (provider, ref, cancellable, error);
      else
        {
          detail = g_strdup_printf (_("Deliverability reads the DNS records of the first %d Resend "
                                      "domains only"), MAX_DOMAIN_DETAILS);
          domain = dlv_resend_domain_from_ref (ref, detail);
        }
      if (domain == NULL)
        return NULL;

      g_ptr_array_add (domains, domain);
    }

  return g_steal_pointer (&domains);
}

static void
dlv_resend_provider_class_init (DlvResendProviderClass *klass)
{
  DlvProviderClass *provider_class = DLV_PROVIDER_CLASS (klass);

  provider_class->authorize = dlv_resend_provider_authorize;
  provider_class->fetch_page = dlv_resend_provider_fetch_page;
  provider_class->fetch_domains = dlv_resend_provider_fetch_domains;
}

static void
dlv_resend_provider_init (DlvResendProvider *self)
{
}

/* A saved GET /emails answer: each status stamped with its send time. */
static DlvEventPage *
parse_file_page (const char  *data,
                 gsize        length,
                 GError     **error)
{
  return dlv_resend_parse_emails_page (data, length, NULL, NULL, error);
}

const DlvProviderInfo dlv_resend_provider_info = {
  .name = "resend",
  .title = "Resend",
  /* Resend documents no retry window; the reference derives Expired after
   * 72 hours of delay, the window SendGrid documents. */
  .retry_window_hours = 72,
  /* A poll takes at least three requests (emails, domains, one domain)
   * against the team's budget of two a second. */
  .min_poll_seconds = 2,
  .needs = 0,
  .base_url = "https://api.resend.com",
  .alt_region = NULL,
  .base_url_alt = NULL,
  .key_label = N_("API key"),
  .secret_label = NULL,
  .key_help = N_("A Resend API key with full access (API Keys → Create API key → Full access): "
                 "a key for sending only cannot list emails or domains."),
  .limits = N_("Resend’s API only gives each email’s latest status, without its time: bounce and "
               "delay reasons and SMTP codes come only with Resend’s webhook events. Save them and "
               "import them with “deliverability-cli import --provider resend FILE”. Resend keeps "
               "emails for 1 to 7 days depending on the plan, and reports DMARC nowhere: "
               "Deliverability reads it from DNS."),
  .get_type = dlv_resend_provider_get_type,
  .parse_page = parse_file_page,
  .parse_webhook = dlv_resend_parse_webhook_event,
};
