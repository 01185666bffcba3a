/* dlv-sparkpost-provider.c: polling a SparkPost account
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Events: GET /api/v1/events/message?from=…&to=…&timezone=UTC&per_page=1000
 * with the raw key in "Authorization" (no scheme). From and to are whole
 * minutes ("2026-01-15T08:35"); SparkPost keeps 10 days. A round reads one
 * fixed window by following the "next" entries of "links" (a path or a
 * whole URL) to the end; the next round starts ten minutes before that
 * window's end, and the store's de-duplication on event_id keeps the
 * overlap exact. SparkPost rate-limits polling more often than every two
 * minutes, so a round never starts sooner than that after the previous one,
 * however often the app asks.
 *
 * Cursor "sp1;from=EPOCH;started=EPOCH[;to=EPOCH;next=URL]": from is where
 * the next window starts, started when the last round started, and to/next
 * the window and link of a traversal that a crash or an error interrupted.
 */

#define G_LOG_DOMAIN "dlv-sparkpost"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dlv-cursor.h"
#include "dlv-json-util.h"
#include "dlv-providers.h"
#include "dlv-sparkpost-events.h"
#include "dlv-sparkpost-provider.h"
#include "dlv-util.h"

#define CURSOR_VERSION "sp1"
#define PER_PAGE 1000
#define API_PREFIX "/api/v1"

struct _DlvSparkpostProvider
{
  DlvProvider parent_instance;

};

G_DEFINE_FINAL_TYPE (DlvSparkpostProvider, dlv_sparkpost_provider, DLV_TYPE_PROVIDER)

static void
dlv_sparkpost_provider_authorize (DlvProvider *provider,
                                  DlvHttp     *http)
{
  dlv_http_set_auth (http, "Authorization", dlv_provider_get_api_key (provider));
}

static char *
base_url (DlvProvider *provider)
{
  char *base = g_strdup (dlv_provider_get_base_url (provider));
  gsize length = strlen (base);

  while (length > 0 && base[length - 1] == '/')
    base[--length] = '\0';

  return base;
}

/* The regional hosts take /api/v1; an Enterprise base URL may already end
 * with it. */
static char *
api_path (DlvProvider *provider,
          const char  *rest)
{
  g_autofree char *base = base_url (provider);

  return g_strconcat (g_str_has_suffix (base, API_PREFIX) ? "" : API_PREFIX, rest, NULL);
}

static gboolean
is_eu (DlvProvider *provider)
{
  return g_strcmp0 (dlv_provider_get_region (provider), "eu") == 0 ||
         strstr (dlv_provider_get_base_url (provider), ".eu.sparkpost.com") != NULL;
}

/* SparkPost's "YYYY-MM-DDTHH:MM", in UTC. */
static char *
format_minute (gint64 seconds)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (seconds);

  return g_date_time_format (date, "%Y-%m-%dT%H:%M");
}

static char *
format_for_people (gint64 seconds)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (seconds);

  return g_date_time_format (date, "%Y-%m-%d %H:%M UTC");
}

static char *
first_page_path (DlvProvider *provider,
                 gint64       from,
                 gint64       to)
{
  g_autofree char *from_text = format_minute (from);
  g_autofree char *to_text = format_minute (to);
  g_autofree char *rest = g_strdup_printf ("/events/message?from=%s&to=%s&timezone=UTC&per_page=%d",
                                           from_text, to_text, PER_PAGE);

  return api_path (provider, rest);
}

static DlvEventPage *
waiting_page (gint64 started,
              gint64 now)
{
  DlvEventPage *page = dlv_event_page_new ();

  g_debug ("The last SparkPost round started %" G_GINT64_FORMAT " s ago; the next waits until %d s",
           now - started, DLV_SPARKPOST_MIN_ROUND_SECONDS);
  page->more = FALSE;
  return page;
}

/* Opens the window of a new round in @cursor: from the stored start (or
 * as far back as SparkPost keeps) to the last whole minute before the one
 * now running. Returns the events lost to retention, in words, or NULL. */
static char *
start_round (DlvCursor *cursor,
             gint64     now)
{
  gint64 oldest = (now - DLV_SPARKPOST_RETENTION_SECONDS + 119) / 60 * 60;
  gint64 to = now / 60 * 60 - 60;
  gint64 from = dlv_cursor_get_int (cursor, "from", oldest);
  g_autofree char *lost_from = NULL;
  g_autofree char *lost_to = NULL;
  char *gap = NULL;

  if (from < oldest)
    {
      lost_from = format_for_people (from);
      lost_to = format_for_people (oldest);
      /* Translators: two dates and times */
      gap = g_strdup_printf (_("SparkPost keeps events for only 10 days, so the events between %s and %s "
                               "could not be read: Deliverability was not polling then"),
                             lost_from, lost_to);
      from = oldest;
    }
  /* A clock set back: read the last minute again rather than ask for an
   * empty or reversed window. */
  from = MIN (from, to - 60);

  dlv_cursor_set_int (cursor, "from", from);
  dlv_cursor_set_int (cursor, "to", to);
  dlv_cursor_set_int (cursor, "started", now);

  return gap;
}

/* The window is read: the next round starts a little before its end. */
static void
end_round (DlvCursor *cursor)
{
  gint64 from = dlv_cursor_get_int (cursor, "from", 0);
  gint64 to = dlv_cursor_get_int (cursor, "to", from);

  dlv_cursor_set_int (cursor, "from", MAX (from, to - DLV_SPARKPOST_SETTLE_SECONDS));
  dlv_cursor_set (cursor, "to", NULL);
  dlv_cursor_set (cursor, "next", NULL);
}

/* A next link is a path below the host, or a whole URL: made absolute
 * against the page it came from. The connection later refuses one on
 * another host. */
static char *
resolve_link (const char *page_url,
              const char *href)
{
  char *url = g_uri_resolve_relative (page_url, href, G_URI_FLAGS_NONE, NULL);

  return url != NULL ? url : g_strdup (href);
}

static DlvEventPage *
dlv_sparkpost_provider_fetch_page (DlvProvider   *provider,
                                   const char    *cursor_text,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  DlvSparkpostProvider *self = DLV_SPARKPOST_PROVIDER (provider);
  g_autoptr(DlvCursor) cursor = dlv_cursor_parse (cursor_text, CURSOR_VERSION, error);
  g_autoptr(DlvEventPage) page = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *gap = NULL;
  g_autofree char *path = NULL;
  g_autofree char *page_url = NULL;
  g_autofree char *href = NULL;
  g_autofree char *link = NULL;
  gint64 now = dlv_provider_get_now (DLV_PROVIDER (self));
  const char *data;
  gsize size;

  if (cursor == NULL)
    return NULL;

  if (dlv_cursor_get (cursor, "next") != NULL)
    {
      path = g_strdup (dlv_cursor_get (cursor, "next"));
      page_url = g_strdup (path);
    }
  else
    {
      gint64 started = dlv_cursor_get_int (cursor, "started", 0);
      g_autofree char *base = base_url (provider);

      /* Whoever asks (timer, Refresh, command line), SparkPost's two
       * minutes hold; a clock set back does not lock polling out. */
      if (started != 0 && now >= started && now - started < DLV_SPARKPOST_MIN_ROUND_SECONDS)
        return waiting_page (started, now);

      gap = start_round (cursor, now);
      path = first_page_path (provider, dlv_cursor_get_int (cursor, "from", 0),
                              dlv_cursor_get_int (cursor, "to", 0));
      page_url = g_strconcat (base, path, NULL);
    }

  body = dlv_provider_request (provider, "GET", path, NULL, cancellable, error);
  if (body == NULL)
    return NULL;

  data = g_bytes_get_data (body, &size);
  page = dlv_sparkpost_parse_events_page (data, size, TRUE, error);
  if (page == NULL)
    return NULL;

  href = g_steal_pointer (&page->next_cursor);
  if (href != NULL)
    link = resolve_link (page_url, href);

  /* No next link ends the window. So does a page without items (the
   * parser's "more": a page of types we ignore is not empty), and a link
   * back to the same page, which would otherwise loop forever. */
  if (!page->more || link == NULL || g_strcmp0 (link, page_url) == 0)
    {
      end_round (cursor);
      page->more = FALSE;
    }
  else
    {
      dlv_cursor_set (cursor, "next", link);
      page->more = TRUE;
    }

  page->gap = g_steal_pointer (&gap);
  page->next_cursor = dlv_cursor_to_string (cursor);
  return g_steal_pointer (&page);
}

/* "valid", "invalid", "unverified" or "pending": only the first is good,
 * only the second is known to be wrong. */
static DlvRecordStatus
record_status (const char *value)
{
  if (g_strcmp0 (value, "valid") == 0)
    return DLV_RECORD_STATUS_VALID;
  if (g_strcmp0 (value, "invalid") == 0)
    return DLV_RECORD_STATUS_INVALID;

  return DLV_RECORD_STATUS_UNKNOWN;
}

static const char *
status_detail (const char *value)
{
  if (g_strcmp0 (value, "valid") == 0)
    return NULL;
  if (g_strcmp0 (value, "invalid") == 0)
    return _("SparkPost found a different value in DNS");
  if (g_strcmp0 (value, "pending") == 0)
    return _("SparkPost is still checking this record");
  if (g_strcmp0 (value, "unverified") == 0)
    return _("SparkPost has not verified this record yet: publish it, then verify the domain in SparkPost");

  return _("SparkPost did not report this record’s status");
}

/* One key object ({"selector", "public", "signing_domain"}) per key: SparkPost
 * documents a single "dkim" object; an array of them is read too. */
static GPtrArray *
dkim_keys (JsonObject *object)
{
  GPtrArray *keys = g_ptr_array_new ();
  JsonNode *node = json_object_get_member (object, "dkim");

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    g_ptr_array_add (keys, json_node_get_object (node));
  else if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_OBJECT (element))
            g_ptr_array_add (keys, json_node_get_object (element));
        }
    }

  /* A key without selector or public key cannot be published. */
  for (guint i = keys->len; i > 0; i--)
    {
      JsonObject *key = g_ptr_array_index (keys, i - 1);

      if (dlv_json_get_string (key, "selector") == NULL || dlv_json_get_string (key, "public") == NULL)
        g_ptr_array_remove_index (keys, i - 1);
    }

  return keys;
}

static void
set_dkim (DlvDomain     *domain,
          DlvRecordName  name,
          JsonObject    *key,
          const char    *dkim_status)
{
  const char *signing = dlv_json_get_string (key, "signing_domain");
  const char *zone = signing != NULL && signing[0] != '\0' ? signing : domain->domain;
  g_autofree char *host = g_strconcat (dlv_json_get_string (key, "selector"), "._domainkey.",
                                       zone, NULL);
  g_autofree char *expected = g_strconcat ("v=DKIM1; k=rsa; h=sha256; p=",
                                           dlv_json_get_string (key, "public"), NULL);

  dlv_domain_set_record (domain, name, record_status (dkim_status), host, "TXT", expected,
                         status_detail (dkim_status));
}

static void
set_dkim_rows (DlvDomain  *domain,
               JsonObject *object,
               JsonObject *status)
{
  g_autoptr(GPtrArray) keys = dkim_keys (object);
  const char *dkim_status = dlv_json_get_string (status, "dkim_status");
  DlvDomainRecord *first = &domain->records[DLV_RECORD_DKIM1];

  if (keys->len == 0)
    dlv_domain_set_record (domain, DLV_RECORD_DKIM1,
                           record_status (dkim_status) == DLV_RECORD_STATUS_VALID
                             ? DLV_RECORD_STATUS_VALID : DLV_RECORD_STATUS_MISSING,
                           NULL, "TXT", NULL,
                           record_status (dkim_status) == DLV_RECORD_STATUS_VALID
                             ? NULL : _("SparkPost lists no DKIM key for this domain"));
  else
    set_dkim (domain, DLV_RECORD_DKIM1, g_ptr_array_index (keys, 0), dkim_status);

  if (keys->len > 1)
    {
      set_dkim (domain, DLV_RECORD_DKIM2, g_ptr_array_index (keys, 1), dkim_status);
      return;
    }

  /* SparkPost signs with one key: the second row says so rather than
   * looking broken. */
  dlv_domain_set_record (domain, DLV_RECORD_DKIM2, first->status, first->host, first->type,
                         first->expected,
                         keys->len == 1 ? _("SparkPost signs with a single DKIM key for this domain")
                                        : first->detail);
}

/* The Return-Path (bounce) domain is proven by a CNAME to SparkPost's
 * bounce host, or by MX on Enterprise; "spf_status" is deprecated and only
 * read when neither is reported. */
static void
set_return_path_row (DlvDomain  *domain,
                     JsonObject *status,
                     gboolean    eu)
{
  const char *cname = dlv_json_get_string (status, "cname_status");
  const char *mx = dlv_json_get_string (status, "mx_status");
  const char *spf = dlv_json_get_string (status, "spf_status");
  const char *target = eu ? "eu.sparkpostmail.com" : "sparkpostmail.com";
  g_autofree char *spf_value = g_strdup_printf ("v=spf1 include:%s ~all", target);
  g_autofree char *detail = NULL;

  if (record_status (cname) != DLV_RECORD_STATUS_VALID && record_status (mx) == DLV_RECORD_STATUS_VALID)
    {
      dlv_domain_set_record (domain, DLV_RECORD_SPF_RETURN_PATH, DLV_RECORD_STATUS_VALID,
                             domain->domain, "MX", NULL, NULL);
      return;
    }

  if (cname == NULL && spf != NULL)
    {
      dlv_domain_set_record (domain, DLV_RECORD_SPF_RETURN_PATH, record_status (spf),
                             domain->domain, "TXT", spf_value, status_detail (spf));
      return;
    }

  if (record_status (cname) != DLV_RECORD_STATUS_VALID)
    /* Translators: the first %s explains the status, the second is a host name */
    detail = g_strdup_printf (_("%s. Bounces return to your own domain once a CNAME record points it to %s."),
                              status_detail (cname), target);

  dlv_domain_set_record (domain, DLV_RECORD_SPF_RETURN_PATH, record_status (cname),
                         domain->domain, "CNAME", target, detail);
}

static DlvDomain *
parse_domain (JsonObject *object,
              const char *name,
              gboolean    eu)
{
  JsonObject *status = dlv_json_get_object (object, "status");
  const char *own_name = dlv_json_get_string (object, "domain");
  DlvDomain *domain;

  if (own_name != NULL && own_name[0] != '\0')
    name = own_name;
  if (name == NULL || (status == NULL && json_object_get_member (object, "dkim") == NULL))
    return NULL;

  domain = dlv_domain_new (name);
  set_dkim_rows (domain, object, status);
  set_return_path_row (domain, status, eu);

  return domain;
}

/* GET …/sending-domains/{domain} answers {"results": {…}} without the
 * name; GET …/sending-domains answers {"results": [{…, "domain"}]}. */
static GPtrArray *
parse_domains (const char  *name,
               gboolean     eu,
               const char  *data,
               gsize        size,
               GError     **error)
{
  g_autoptr(JsonParser) parser = dlv_json_load (data, size, NULL, error);
  g_autoptr(GPtrArray) domains = g_ptr_array_new_with_free_func ((GDestroyNotify) dlv_domain_free);
  JsonNode *root;
  JsonNode *results;

  if (parser == NULL)
    return NULL;

  root = json_parser_get_root (parser);
  results = root != NULL && JSON_NODE_HOLDS_OBJECT (root)
            ? json_object_get_member (json_node_get_object (root), "results") : NULL;

  if (results != NULL && JSON_NODE_HOLDS_OBJECT (results))
    {
      DlvDomain *domain = parse_domain (json_node_get_object (results), name, eu);

      if (domain != NULL)
        g_ptr_array_add (domains, domain);
    }
  else if (results != NULL && JSON_NODE_HOLDS_ARRAY (results))
    {
      JsonArray *array = json_node_get_array (results);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          DlvDomain *domain = NULL;

          /* In a list, each domain names itself. */
          if (JSON_NODE_HOLDS_OBJECT (element))
            domain = parse_domain (json_node_get_object (element), NULL, eu);
          if (domain != NULL)
            g_ptr_array_add (domains, domain);
        }
      return g_steal_pointer (&domains);
    }

  if (domains->len == 0)
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE,
                   _("SparkPost described the sending domain %s without its DNS status"),
                   name != NULL ? name : "");
      return NULL;
    }

  return g_steal_pointer (&domains);
}

/* All the account's sending domains; only the named one when the
 * account's settings name one. */
static GPtrArray *
dlv_sparkpost_provider_fetch_domains (DlvProvider   *provider,
                                      GCancellable  *cancellable,
                                      GError       **error)
{
  const char *name = dlv_provider_get_domain (provider);
  gboolean one = name != NULL && name[0] != '\0';
  g_autofree char *escaped = one ? g_uri_escape_string (name, NULL, FALSE) : NULL;
  g_autofree char *rest = one ? g_strconcat ("/sending-domains/", escaped, NULL)
                              : g_strdup ("/sending-domains");
  g_autofree char *path = api_path (provider, rest);
  g_autoptr(GBytes) body = dlv_provider_request (provider, "GET", path, NULL, cancellable, error);
  g_autoptr(GPtrArray) domains = NULL;
  const char *data;
  gsize size;

  if (body == NULL)
    return NULL;

  data = g_bytes_get_data (body, &size);
  domains = parse_domains (one ? name : NULL, is_eu (provider), data, size, error);
  if (domains == NULL)
    return NULL;

  return g_steal_pointer (&domains);
}

static void
dlv_sparkpost_provider_class_init (DlvSparkpostProviderClass *klass)
{
  DlvProviderClass *provider_class = DLV_PROVIDER_CLASS (klass);

  provider_class->authorize = dlv_sparkpost_provider_authorize;
  provider_class->fetch_page = dlv_sparkpost_provider_fetch_page;
  provider_class->fetch_domains = dlv_sparkpost_provider_fetch_domains;
}

static void
dlv_sparkpost_provider_init (DlvSparkpostProvider *self)
{
}

/* An exported file: one events page (the import drops its position). */
static DlvEventPage *
parse_file_page (const char  *data,
                 gsize        length,
                 GError     **error)
{
  return dlv_sparkpost_parse_events_page (data, length, TRUE, error);
}

/* A webhook event in its {"msys": {"message_event": {…}}} envelope (also
 * track_event, gen_event, unsubscribe_event…), or bare. SparkPost's test
 * ping is {"msys": {}}: nothing to read, nothing wrong. */
static DlvEvent *
parse_webhook (JsonObject *object,
               gboolean   *ignored)
{
  JsonObject *msys = dlv_json_get_object (object, "msys");
  g_autoptr(GList) members = NULL;

  if (msys == NULL)
    return dlv_sparkpost_parse_event (object, ignored);

  members = json_object_get_members (msys);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonObject *inner = dlv_json_get_object (msys, l->data);

      if (inner != NULL)
        return dlv_sparkpost_parse_event (inner, ignored);
    }

  *ignored = members == NULL;
  return NULL;
}

const DlvProviderInfo dlv_sparkpost_provider_info = {
  .name = "sparkpost",
  .title = "SparkPost",
  .retry_window_hours = 72,
  .min_poll_seconds = DLV_SPARKPOST_MIN_ROUND_SECONDS,
  .needs = 0,
  .base_url = "https://api.sparkpost.com",
  .alt_region = "eu",
  .base_url_alt = "https://api.eu.sparkpost.com",
  .key_label = N_("API key"),
  .secret_label = NULL,
  .key_help = N_("A SparkPost API key (Configuration → API Keys) with the “Events Search: Read-only” and "
                 "“Sending Domains: Read-only” permissions, in the region where the account lives: "
                 "SparkPost EU accounts are separate from US ones."),
  .limits = N_("SparkPost keeps events for only 10 days and allows reading them once every 2 minutes. "
               "It does not say when it will retry a deferred message or which receiving server answered, "
               "and it reports no DMARC: Deliverability reads DMARC from DNS."),
  .get_type = dlv_sparkpost_provider_get_type,
  .parse_page = parse_file_page,
  .parse_webhook = parse_webhook,
};
