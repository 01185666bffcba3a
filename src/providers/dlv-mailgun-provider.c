/* dlv-mailgun-provider.c: polling a Mailgun sending domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Events: GET /v3/{domain}/events, ascending from a begin time, 300 a page,
 * following the opaque "paging.next" links with the same Basic api:KEY
 * auth. Mailgun indexes events out of order, so the newest half hour is
 * never trusted: each round ends by re-reading from now − 30 min, and the
 * store's de-duplication on event id keeps that exact.
 *
 * Cursor "mg1;begin=EPOCH[;next=URL]": everything before begin has been
 * read; next is the link to continue a traversal that a crash or a page
 * limit interrupted.
 */

#define G_LOG_DOMAIN "dlv-mailgun"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dlv-cursor.h"
#include "dlv-json-util.h"
#include "dlv-mailgun-events.h"
#include "dlv-mailgun-provider.h"
#include "dlv-providers.h"
#include "dlv-util.h"

#define CURSOR_VERSION "mg1"
#define PAGE_LIMIT 300
/* How far back a new account starts: Mailgun keeps at most 30 days. */
#define FIRST_READ_SECONDS (30 * 24 * 3600)

struct _DlvMailgunProvider
{
  DlvProvider parent_instance;

};

G_DEFINE_FINAL_TYPE (DlvMailgunProvider, dlv_mailgun_provider, DLV_TYPE_PROVIDER)

static void
dlv_mailgun_provider_authorize (DlvProvider *provider,
                                DlvHttp     *http)
{
  dlv_http_set_basic_auth (http, "api", dlv_provider_get_api_key (provider));
}

static char *
first_page_path (DlvProvider *provider,
                 gint64       begin)
{
  g_autofree char *domain = g_uri_escape_string (dlv_provider_get_domain (provider), NULL, FALSE);

  return g_strdup_printf ("/v3/%s/events?begin=%" G_GINT64_FORMAT "&ascending=yes&limit=%d",
                          domain, begin, PAGE_LIMIT);
}

static gint64
newest_event (DlvEventPage *page)
{
  gint64 newest = 0;

  for (guint i = 0; i < page->events->len; i++)
    newest = MAX (newest, ((DlvEvent *) g_ptr_array_index (page->events, i))->at);

  return newest;
}

static DlvEventPage *
dlv_mailgun_provider_fetch_page (DlvProvider   *provider,
                                 const char    *cursor_text,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  DlvMailgunProvider *self = DLV_MAILGUN_PROVIDER (provider);
  g_autoptr(DlvCursor) cursor = dlv_cursor_parse (cursor_text, CURSOR_VERSION, error);
  g_autoptr(DlvEventPage) page = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *first_path = NULL;
  g_autofree char *next = NULL;
  const char *path;
  gint64 now = dlv_provider_get_now (DLV_PROVIDER (self));
  gint64 settled = now - DLV_MAILGUN_SETTLE_SECONDS;
  gint64 begin;
  gsize size;
  const char *data;

  if (cursor == NULL)
    return NULL;

  begin = dlv_cursor_get_int (cursor, "begin", now - FIRST_READ_SECONDS);
  path = dlv_cursor_get (cursor, "next");
  if (path == NULL)
    path = first_path = first_page_path (provider, begin);

  body = dlv_provider_request (provider, "GET", path, NULL, cancellable, error);
  if (body == NULL)
    return NULL;

  data = g_bytes_get_data (body, &size);
  page = dlv_mailgun_parse_events_page (data, size, TRUE, error);
  if (page == NULL)
    return NULL;

  next = g_steal_pointer (&page->next_cursor);

  /* An empty page ends the traversal (Mailgun's "next" never runs out):
   * empty of items, since a page of kinds we do not track must not end it
   * early (the parser's "more"). A page reaching into the unsettled half
   * hour ends this round, and the next one starts over from there. A link
   * back to the same page would loop forever, so it ends the round too. */
  if (!page->more || newest_event (page) >= settled || g_strcmp0 (next, path) == 0)
    {
      dlv_cursor_set_int (cursor, "begin", MAX (begin, MIN (settled, now)));
      dlv_cursor_set (cursor, "next", NULL);
      page->more = FALSE;
    }
  else
    {
      dlv_cursor_set (cursor, "next", next);
      page->more = TRUE;
    }

  page->next_cursor = dlv_cursor_to_string (cursor);
  return g_steal_pointer (&page);
}

static const char *
record_string (JsonObject *record,
               const char *member)
{
  const char *value = dlv_json_get_string (record, member);

  return value != NULL ? value : "";
}

/* Anything but "valid" is not valid: Mailgun also says "unknown" for a
 * record it has not seen yet. */
static DlvRecordStatus
record_status (JsonObject *record)
{
  const char *valid = dlv_json_get_string (record, "valid");

  if (g_strcmp0 (valid, "valid") == 0)
    return DLV_RECORD_STATUS_VALID;
  if (g_strcmp0 (valid, "invalid") == 0)
    return DLV_RECORD_STATUS_INVALID;

  return DLV_RECORD_STATUS_UNKNOWN;
}

static const char *
status_detail (DlvRecordStatus status)
{
  if (status == DLV_RECORD_STATUS_INVALID)
    return _("Mailgun found a different value in DNS");
  if (status == DLV_RECORD_STATUS_UNKNOWN)
    return _("Mailgun has not seen this record in DNS yet");

  return NULL;
}

static void
set_record (DlvDomain     *domain,
            DlvRecordName  name,
            JsonObject    *record)
{
  DlvRecordStatus status = record_status (record);

  dlv_domain_set_record (domain, name, status,
                         dlv_json_get_string (record, "name") != NULL
                           ? record_string (record, "name") : domain->domain,
                         record_string (record, "record_type"),
                         record_string (record, "value"),
                         status_detail (status));
}

/* DKIM keys are the "_domainkey" records (one usually, two when present);
 * SPF is the v=spf1 TXT; Mailgun's envelope domain is the sending domain
 * itself, so Return-Path is proven by SPF there. */
static DlvDomain *
parse_domain (const char  *name,
              const char  *data,
              gsize        size,
              GError     **error)
{
  g_autoptr(JsonParser) parser = dlv_json_load (data, size, NULL, error);
  g_autoptr(DlvDomain) domain = dlv_domain_new (name);
  JsonNode *root;
  JsonArray *sending;
  guint dkim = 0;
  gboolean spf = FALSE;

  if (parser == NULL)
    return NULL;

  root = json_parser_get_root (parser);
  sending = root != NULL && JSON_NODE_HOLDS_OBJECT (root)
            ? dlv_json_get_array (json_node_get_object (root), "sending_dns_records") : NULL;
  if (sending == NULL)
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE,
                   _("Mailgun described the domain %s without its DNS records"), name);
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (sending); i++)
    {
      JsonNode *node = json_array_get_element (sending, i);
      JsonObject *record = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *host = dlv_json_get_string (record, "name");
      const char *value = dlv_json_get_string (record, "value");

      if (record == NULL)
        continue;
      if (host != NULL && strstr (host, "._domainkey.") != NULL && dkim < 2)
        set_record (domain, dkim++ == 0 ? DLV_RECORD_DKIM1 : DLV_RECORD_DKIM2, record);
      else if (value != NULL && g_str_has_prefix (value, "v=spf1") && !spf)
        {
          set_record (domain, DLV_RECORD_SPF_RETURN_PATH, record);
          spf = TRUE;
        }
    }

  /* With one key, Mailgun signs with it alone: the second row says so
   * rather than looking broken. */
  if (dkim == 1)
    dlv_domain_set_record (domain, DLV_RECORD_DKIM2, domain->records[DLV_RECORD_DKIM1].status,
                           domain->records[DLV_RECORD_DKIM1].host, domain->records[DLV_RECORD_DKIM1].type,
                           domain->records[DLV_RECORD_DKIM1].expected,
                           _("Mailgun signs with a single DKIM key for this domain"));
  if (dkim == 0)
    dlv_domain_set_record (domain, DLV_RECORD_DKIM1, DLV_RECORD_STATUS_MISSING, NULL, "TXT", NULL,
                           _("Mailgun lists no DKIM key for this domain"));
  if (!spf)
    dlv_domain_set_record (domain, DLV_RECORD_SPF_RETURN_PATH, DLV_RECORD_STATUS_MISSING, name,
                           "TXT", "v=spf1 include:mailgun.org ~all",
                           _("Mailgun lists no SPF record for this domain"));

  return g_steal_pointer (&domain);
}

static GPtrArray *
dlv_mailgun_provider_fetch_domains (DlvProvider   *provider,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  const char *name = dlv_provider_get_domain (provider);
  g_autofree char *escaped = g_uri_escape_string (name, NULL, FALSE);
  g_autofree char *path = g_strconcat ("/v4/domains/", escaped, NULL);
  g_autoptr(GPtrArray) domains = g_ptr_array_new_with_free_func ((GDestroyNotify) dlv_domain_free);
  g_autoptr(GBytes) body = dlv_provider_request (provider, "GET", path, NULL, cancellable, error);
  DlvDomain *domain;
  const char *data;
  gsize size;

  if (body == NULL)
    return NULL;

  data = g_bytes_get_data (body, &size);
  domain = parse_domain (name, data, size, error);
  if (domain == NULL)
    return NULL;

  g_ptr_array_add (domains, domain);
  return g_steal_pointer (&domains);
}

static void
dlv_mailgun_provider_class_init (DlvMailgunProviderClass *klass)
{
  DlvProviderClass *provider_class = DLV_PROVIDER_CLASS (klass);

  provider_class->authorize = dlv_mailgun_provider_authorize;
  provider_class->fetch_page = dlv_mailgun_provider_fetch_page;
  provider_class->fetch_domains = dlv_mailgun_provider_fetch_domains;
}

static void
dlv_mailgun_provider_init (DlvMailgunProvider *self)
{
}

/* An exported file: one events page (the import drops its position). */
static DlvEventPage *
parse_file_page (const char  *data,
                 gsize        length,
                 GError     **error)
{
  return dlv_mailgun_parse_events_page (data, length, TRUE, error);
}

/* A webhook event, bare or in its {"signature", "event-data"} envelope. */
static DlvEvent *
parse_webhook (JsonObject *object,
               gboolean   *ignored)
{
  JsonObject *data = dlv_json_get_object (object, "event-data");

  return dlv_mailgun_parse_event (data != NULL ? data : object, ignored);
}

const DlvProviderInfo dlv_mailgun_provider_info = {
  .name = "mailgun",
  .title = "Mailgun",
  .retry_window_hours = 8,
  .min_poll_seconds = 15,
  .needs = DLV_PROVIDER_NEEDS_DOMAIN,
  .base_url = "https://api.mailgun.net",
  .alt_region = "eu",
  .base_url_alt = "https://api.eu.mailgun.net",
  .key_label = N_("Private API key"),
  .secret_label = NULL,
  .key_help = N_("Your Mailgun private API key (Account → API Security), and the sending domain as it appears in Mailgun, "
                 "in the region where the domain was created."),
  .limits = N_("Mailgun keeps events for 1 to 30 days depending on the plan, and reports DMARC nowhere: "
               "Deliverability reads it from DNS."),
  .get_type = dlv_mailgun_provider_get_type,
  .parse_page = parse_file_page,
  .parse_webhook = parse_webhook,
};
