/* test-sparkpost-provider.c: the SparkPost client against a local SparkPost
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "dlv-import.h"
#include "dlv-sparkpost-events.h"
#include "dlv-sparkpost-provider.h"
#include "dlv-test-util.h"

/* 2026-01-15T10:00:30Z; the fixtures' events run from 08:35:21 to 09:30. */
#define NOW 1768471230
/* The first window: 10 days back, a minute inside retention, to 09:59. */
#define FIRST_FROM "from=2026-01-05T10:02&to=2026-01-15T09:59&timezone=UTC&per_page=1000"
#define WINDOW_TO 1768471140
#define KEY "5a1b2c3d4e5f60718293a4b5c6d7e8f901234567"

static const char * const dns[] = {
  "_dmarc.example.com", "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com",
  NULL,
};

static DlvProvider *
sparkpost_with_domain (DlvProviderFixture *f,
                       gint64              now,
                       const char         *domain)
{
  DlvProvider *provider = dlv_provider_fixture_provider (f, "sparkpost", KEY, NULL, domain);

  dlv_provider_set_now (provider, now);
  return provider;
}

static DlvProvider *
sparkpost (DlvProviderFixture *f,
           gint64              now)
{
  return sparkpost_with_domain (f, now, "example.com");
}

/* Routes added later are matched first: the next links before the first page. */
static void
serve_documented_pages (DlvProviderFixture *f)
{
  dlv_test_server_add_status (f->server, "GET", "/api/v1/events/message?", 200, "@sparkpost/page1.json");
  dlv_test_server_add_status (f->server, "GET", "cursor=PAGE2CURSOR", 200, "@sparkpost/page2.json");
  dlv_test_server_add_status (f->server, "GET", "cursor=PAGE3CURSOR", 200, "@sparkpost/page3.json");
  dlv_test_server_add_status (f->server, "GET", "/api/v1/sending-domains/example.com", 200, "@sparkpost/domain.json");
}

static void
set_now (DlvProvider *provider,
         gint64       now)
{
  dlv_provider_set_now (provider, now);
}

static DlvAccount *
account (DlvProviderFixture *f)
{
  g_autoptr(GError) error = NULL;
  DlvAccount *result = dlv_store_get_account (f->store, f->account_id, &error);

  g_assert_no_error (error);
  return result;
}

/* Requests exactly equal to @request ("GET /path?query"). */
static guint
count_exact (DlvProviderFixture *f,
             const char         *request)
{
  g_autoptr(GPtrArray) log = dlv_test_server_get_log (f->server);
  guint count = 0;

  for (guint i = 0; i < log->len; i++)
    count += g_strcmp0 (g_ptr_array_index (log, i), request) == 0;

  return count;
}

static guint
event_requests (DlvProviderFixture *f)
{
  return dlv_test_server_count (f->server, "/events/message");
}

static void
test_poll_pages (DlvProviderFixture *f,
                 gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sparkpost (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvMessage) retried = NULL;
  g_autoptr(DlvMessage) bounced = NULL;
  g_autoptr(DlvMessage) late = NULL;
  g_autoptr(DlvMessage) blocked = NULL;
  g_autoptr(DlvMessage) rejected = NULL;
  g_autoptr(DlvMessage) expired = NULL;
  g_autoptr(DlvMessage) waiting = NULL;
  g_autoptr(DlvMessage) failed = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *expected_cursor = NULL;
  g_autofree char *events = NULL;
  g_autoptr(GPtrArray) log = NULL;
  DlvPollStats stats;

  serve_documented_pages (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);

  /* Three pages: a relative next link, then an absolute one, then none.
   * The relay event is ignored, not counted as unreadable. */
  g_assert_cmpuint (stats.pages, ==, 3);
  g_assert_cmpuint (stats.events_added, ==, 16);
  g_assert_cmpuint (stats.events_skipped, ==, 0);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 16);
  g_assert_cmpuint (dlv_test_count_messages (f->store), ==, 9);

  log = dlv_test_server_get_log (f->server);
  g_assert_cmpuint (log->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (log, 0), ==, "GET /api/v1/events/message?" FIRST_FROM);
  g_assert_true (g_str_has_suffix (g_ptr_array_index (log, 1), "&cursor=PAGE2CURSOR"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (log, 1), "GET /api/v1/events/message?from="));
  g_assert_true (g_str_has_suffix (g_ptr_array_index (log, 2), "&cursor=PAGE3CURSOR"));
  g_assert_cmpstr (g_ptr_array_index (log, 3), ==, "GET /api/v1/sending-domains/example.com");

  /* The raw key, no scheme. */
  auth = dlv_test_server_last_header (f->server, "Authorization");
  g_assert_cmpstr (auth, ==, KEY);

  /* Deferred with "num_retries": "1", delivered with "2": the third attempt. */
  retried = dlv_test_find_message (f->store, "0004e3724f57b5ac1d2b");
  g_assert_nonnull (retried);
  g_assert_cmpint (retried->status, ==, DLV_MESSAGE_STATUS_DELIVERED);
  g_assert_cmpint (retried->attempts, ==, 3);
  g_assert_cmpint (retried->first_deferred_at, ==, 1768466183);
  g_assert_cmpstr (retried->recipient, ==, "bob@example.net");
  g_assert_cmpstr (retried->sender, ==, "billing@example.com");
  g_assert_cmpstr (retried->campaign, ==, "invoices");
  g_assert_cmpint (retried->reason_info.smtp_code, ==, 452);
  g_assert_cmpstr (retried->reason_info.enhanced_code, ==, "4.2.2");
  /* The receiver's own words, not SparkPost's canonical shortening. */
  g_assert_nonnull (strstr (retried->reason, "support.example.net"));
  events = dlv_test_message_events (f->store, "0004e3724f57b5ac1d2b");
  g_assert_cmpstr (events, ==, "deferred@1768466183 delivered@1768467100");

  bounced = dlv_test_find_message (f->store, "0004e3724f57b5ac1d2c");
  g_assert_cmpint (bounced->status, ==, DLV_MESSAGE_STATUS_HARD_BOUNCE);
  g_assert_cmpint (bounced->reason_info.smtp_code, ==, 550);
  g_assert_cmpstr (bounced->reason_info.enhanced_code, ==, "5.1.1");

  /* An out-of-band bounce after delivery overrides it. */
  late = dlv_test_find_message (f->store, "0004e3724f57b5ac1d2d");
  g_assert_cmpint (late->status, ==, DLV_MESSAGE_STATUS_HARD_BOUNCE);
  g_clear_pointer (&events, g_free);
  events = dlv_test_message_events (f->store, "0004e3724f57b5ac1d2d");
  g_assert_cmpstr (events, ==, "accepted@1768466400 delivered@1768466402 hard_bounce@1768468320");

  /* Class 51 (spam block) and a policy rejection are blocks. */
  blocked = dlv_test_find_message (f->store, "0004e3724f57b5ac1d2f");
  g_assert_cmpint (blocked->status, ==, DLV_MESSAGE_STATUS_BLOCKED);
  g_assert_cmpint (blocked->reason_info.smtp_code, ==, 554);
  rejected = dlv_test_find_message (f->store, "0004e3724f57b5ac1d2e");
  g_assert_cmpint (rejected->status, ==, DLV_MESSAGE_STATUS_BLOCKED);

  /* Numbers as JSON numbers (class 24 after 5 retries): expired. */
  expired = dlv_test_find_message (f->store, "0004e3724f57b5ac1d30");
  g_assert_cmpint (expired->status, ==, DLV_MESSAGE_STATUS_EXPIRED);
  g_assert_cmpint (expired->attempts, ==, 6);

  /* An epoch-seconds string for a timestamp; codes read from the text;
   * SparkPost retries for 72 hours. */
  waiting = dlv_test_find_message (f->store, "0004e3724f57b5ac1d31");
  g_assert_cmpint (waiting->status, ==, DLV_MESSAGE_STATUS_DEFERRED);
  g_assert_cmpint (waiting->first_deferred_at, ==, 1768467600);
  g_assert_cmpint (waiting->expires_at, ==, 1768467600 + 72 * 3600);
  g_assert_cmpint (waiting->reason_info.smtp_code, ==, 421);
  g_assert_cmpstr (waiting->reason_info.enhanced_code, ==, "4.7.0");
  g_assert_cmpstr (waiting->campaign, ==, "reminder");

  failed = dlv_test_find_message (f->store, "0004e3724f57b5ac1d32");
  g_assert_cmpint (failed->status, ==, DLV_MESSAGE_STATUS_BLOCKED);

  /* The round ends: the next one starts ten minutes before its end, and
   * remembers when this one started. */
  stored = account (f);
  expected_cursor = g_strdup_printf ("sp1;from=%d;started=%d", WINDOW_TO - DLV_SPARKPOST_SETTLE_SECONDS, NOW);
  g_assert_cmpstr (stored->cursor, ==, expected_cursor);
  g_assert_null (stored->last_error);
  g_assert_null (stored->history_gap);
}

static void
test_domain_rows (DlvProviderFixture *f,
                  gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sparkpost (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) domains = NULL;
  DlvDomain *domain;

  serve_documented_pages (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, NULL, NULL, &error));
  g_assert_no_error (error);

  domains = dlv_store_list_domains (f->store, f->account_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (domains->len, ==, 1);
  domain = g_ptr_array_index (domains, 0);
  g_assert_cmpstr (domain->domain, ==, "example.com");

  g_assert_cmpint (domain->records[DLV_RECORD_DKIM1].status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (domain->records[DLV_RECORD_DKIM1].host, ==, "scph0126._domainkey.example.com");
  g_assert_cmpstr (domain->records[DLV_RECORD_DKIM1].type, ==, "TXT");
  g_assert_true (g_str_has_prefix (domain->records[DLV_RECORD_DKIM1].expected,
                                   "v=DKIM1; k=rsa; h=sha256; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC"));
  g_assert_null (domain->records[DLV_RECORD_DKIM1].detail);

  /* One key: the second row mirrors it and says why. */
  g_assert_cmpint (domain->records[DLV_RECORD_DKIM2].status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (domain->records[DLV_RECORD_DKIM2].host, ==, "scph0126._domainkey.example.com");
  g_assert_nonnull (strstr (domain->records[DLV_RECORD_DKIM2].detail, "single DKIM key"));

  /* cname_status "pending": not known yet, with what to do. */
  g_assert_cmpint (domain->records[DLV_RECORD_SPF_RETURN_PATH].status, ==, DLV_RECORD_STATUS_UNKNOWN);
  g_assert_cmpstr (domain->records[DLV_RECORD_SPF_RETURN_PATH].type, ==, "CNAME");
  g_assert_cmpstr (domain->records[DLV_RECORD_SPF_RETURN_PATH].host, ==, "example.com");
  g_assert_cmpstr (domain->records[DLV_RECORD_SPF_RETURN_PATH].expected, ==, "sparkpostmail.com");
  g_assert_nonnull (strstr (domain->records[DLV_RECORD_SPF_RETURN_PATH].detail, "still checking"));
  g_assert_nonnull (strstr (domain->records[DLV_RECORD_SPF_RETURN_PATH].detail, "sparkpostmail.com"));

  /* DMARC is not in the API: read from DNS. */
  g_assert_cmpint (domain->records[DLV_RECORD_DMARC].status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (domain->records[DLV_RECORD_DMARC].host, ==, "_dmarc.example.com");
}

/* Without a named domain, every sending domain of the account is listed;
 * each names itself. Odd entries are passed over. */
static void
test_domain_list (DlvProviderFixture *f,
                  gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sparkpost_with_domain (f, NOW, NULL);
  g_autoptr(GPtrArray) domains = NULL;
  g_autoptr(GError) error = NULL;
  DlvDomain *main_domain, *news, *old;

  dlv_test_server_add_status (f->server, "GET", "/api/v1/sending-domains", 200, "@sparkpost/domains.json");
  domains = dlv_provider_fetch_domains_sync (provider, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (domains->len, ==, 3);
  g_assert_cmpuint (dlv_test_server_count (f->server, "GET /api/v1/sending-domains"), ==, 1);

  main_domain = g_ptr_array_index (domains, 0);
  g_assert_cmpstr (main_domain->domain, ==, "example.com");
  g_assert_cmpint (main_domain->records[DLV_RECORD_SPF_RETURN_PATH].status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_null (main_domain->records[DLV_RECORD_SPF_RETURN_PATH].detail);
  g_assert_cmpint (main_domain->records[DLV_RECORD_DMARC].status, ==, DLV_RECORD_STATUS_VALID);

  /* Two keys (an array): two rows of their own; "invalid" and
   * "unverified" in words. */
  news = g_ptr_array_index (domains, 1);
  g_assert_cmpstr (news->domain, ==, "news.example.org");
  g_assert_cmpint (news->records[DLV_RECORD_DKIM1].status, ==, DLV_RECORD_STATUS_INVALID);
  g_assert_cmpstr (news->records[DLV_RECORD_DKIM1].host, ==, "spk1._domainkey.news.example.org");
  g_assert_nonnull (strstr (news->records[DLV_RECORD_DKIM1].detail, "different value"));
  g_assert_cmpstr (news->records[DLV_RECORD_DKIM2].host, ==, "spk2._domainkey.news.example.org");
  g_assert_cmpstr (news->records[DLV_RECORD_DKIM2].expected, ==, "v=DKIM1; k=rsa; h=sha256; p=MIGfKEYTWO");
  g_assert_cmpint (news->records[DLV_RECORD_SPF_RETURN_PATH].status, ==, DLV_RECORD_STATUS_UNKNOWN);
  g_assert_nonnull (strstr (news->records[DLV_RECORD_SPF_RETURN_PATH].detail, "not verified"));
  g_assert_cmpint (news->records[DLV_RECORD_DMARC].status, ==, DLV_RECORD_STATUS_MISSING);

  /* An older shape: no key, no cname_status, the deprecated spf_status. */
  old = g_ptr_array_index (domains, 2);
  g_assert_cmpint (old->records[DLV_RECORD_DKIM1].status, ==, DLV_RECORD_STATUS_MISSING);
  g_assert_nonnull (strstr (old->records[DLV_RECORD_DKIM1].detail, "no DKIM key"));
  g_assert_cmpint (old->records[DLV_RECORD_DKIM2].status, ==, DLV_RECORD_STATUS_MISSING);
  g_assert_cmpint (old->records[DLV_RECORD_SPF_RETURN_PATH].status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (old->records[DLV_RECORD_SPF_RETURN_PATH].type, ==, "TXT");

  /* A single-domain answer without any status is not a domain. */
  g_clear_object (&provider);
  g_clear_pointer (&domains, g_ptr_array_unref);
  provider = sparkpost (f, NOW);
  dlv_test_server_add_status (f->server, "GET", "/api/v1/sending-domains/example.com", 200,
                              "{\"results\":{\"tracking_domain\":\"x\"}}");
  domains = dlv_provider_fetch_domains_sync (provider, NULL, &error);
  g_assert_null (domains);
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE);
}

static void
test_poll_again_no_duplicates (DlvProviderFixture *f,
                               gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sparkpost (f, NOW);
  g_autoptr(GError) error = NULL;
  DlvPollStats stats;

  serve_documented_pages (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  set_now (provider, NOW + 130);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (stats.events_added, ==, 0);
  g_assert_cmpuint (stats.events_duplicate, ==, 16);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 16);
  /* The second round asked from ten minutes before the first one's end
   * (09:49) up to the new last minute (10:01). */
  g_assert_cmpuint (dlv_test_server_count (f->server,
                                           "?from=2026-01-15T09:49&to=2026-01-15T10:01&timezone=UTC"), ==, 1);
}

/* SparkPost's two minutes between rounds hold whoever asks: no request at
 * all until they have passed. */
static void
test_two_minute_floor (DlvProviderFixture *f,
                       gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sparkpost (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) before = NULL;
  g_autoptr(DlvAccount) after = NULL;
  g_autoptr(DlvEventPage) page = NULL;
  DlvPollStats stats;

  serve_documented_pages (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_cmpuint (event_requests (f), ==, 3);
  before = account (f);

  /* Refresh a minute later, then a second before the two minutes are up. */
  set_now (provider, NOW + 60);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pages, ==, 1);
  g_assert_cmpuint (stats.events_added, ==, 0);
  g_assert_cmpuint (event_requests (f), ==, 3);

  set_now (provider, NOW + DLV_SPARKPOST_MIN_ROUND_SECONDS - 1);
  page = dlv_provider_fetch_page_sync (provider, before->cursor, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->events->len, ==, 0);
  g_assert_false (page->more);
  g_assert_null (page->next_cursor);
  g_assert_cmpuint (event_requests (f), ==, 3);

  after = account (f);
  g_assert_cmpstr (after->cursor, ==, before->cursor);

  /* Two minutes after the last round started, a new one goes out. */
  set_now (provider, NOW + DLV_SPARKPOST_MIN_ROUND_SECONDS);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (event_requests (f), ==, 6);

  /* A clock set back an hour does not lock polling out. */
  set_now (provider, NOW - 3600);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (event_requests (f), ==, 9);
}

/* Away longer than SparkPost keeps events: the window starts at the
 * retention limit and the account says what was lost. */
static void
test_retention_gap (DlvProviderFixture *f,
                    gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sparkpost (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  gint64 later = NOW + 14 * 24 * 3600;
  DlvPollStats stats;

  serve_documented_pages (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  stored = account (f);
  g_assert_null (stored->history_gap);
  g_clear_pointer (&stored, dlv_account_free);

  set_now (provider, later);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  /* 2026-01-29T10:00:30 − 10 days, a minute inside. */
  g_assert_cmpuint (dlv_test_server_count (f->server, "?from=2026-01-19T10:02&to=2026-01-29T09:59"), ==, 1);

  stored = account (f);
  g_assert_nonnull (stored->history_gap);
  g_assert_nonnull (strstr (stored->history_gap, "10 days"));
  g_assert_nonnull (strstr (stored->history_gap, "2026-01-15 09:49 UTC"));
  g_assert_nonnull (strstr (stored->history_gap, "2026-01-19 10:02 UTC"));
}

/* Links: documented as an array of {href, rel}; read as an object too. A
 * link back to the same page ends the round rather than looping. */
static void
test_link_shapes (DlvProviderFixture *f,
                  gconstpointer       data)
{
  const char *object_links = "{\"results\":[],\"links\":{\"next\":{\"href\":\"/api/v1/events/message?cursor=B\"}}}";
  const char *string_link = "{\"results\":[],\"links\":{\"next\":\"/api/v1/events/message?cursor=C\"}}";
  const char *no_next = "{\"results\":[],\"links\":[{\"rel\":\"first\",\"href\":\"/x\"},{\"rel\":\"next\"}]}";
  g_autoptr(DlvProvider) provider = sparkpost (f, NOW);
  g_autoptr(DlvEventPage) page = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  DlvPollStats stats;

  page = dlv_sparkpost_parse_events_page (object_links, -1, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (page->next_cursor, ==, "/api/v1/events/message?cursor=B");
  g_assert_false (page->more);
  g_clear_pointer (&page, dlv_event_page_free);

  page = dlv_sparkpost_parse_events_page (string_link, -1, FALSE, &error);
  g_assert_cmpstr (page->next_cursor, ==, "/api/v1/events/message?cursor=C");
  g_clear_pointer (&page, dlv_event_page_free);

  page = dlv_sparkpost_parse_events_page (no_next, -1, FALSE, &error);
  g_assert_null (page->next_cursor);
  g_clear_pointer (&page, dlv_event_page_free);

  g_assert_null (dlv_sparkpost_parse_events_page ("{\"errors\":[{\"message\":\"x\"}]}", -1, FALSE, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE);
  g_clear_error (&error);

  /* The first page links to itself (its own path, relative). */
  dlv_test_server_add_status (f->server, "GET", "/api/v1/events/message?", 200,
                              "{\"results\":[{\"type\":\"delivery\",\"event_id\":\"1\",\"message_id\":\"m1\","
                              "\"timestamp\":\"2026-01-15T09:00:00Z\"}],"
                              "\"links\":[{\"rel\":\"next\",\"href\":\"/api/v1/events/message?" FIRST_FROM "\"}]}");
  dlv_test_server_add_status (f->server, "GET", "/api/v1/sending-domains/", 200, "@sparkpost/domain.json");
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pages, ==, 1);
  g_assert_cmpuint (event_requests (f), ==, 1);
  stored = account (f);
  g_assert_null (strstr (stored->cursor, "next="));
}

/* Every bounce class SparkPost documents, with its numbers as strings or
 * as numbers. */
static void
test_bounce_classes (void)
{
  static const struct {
    int bounce_class;
    DlvEventKind kind;
  } classes[] = {
    { 1, DLV_EVENT_KIND_SOFT_BOUNCE }, { 10, DLV_EVENT_KIND_HARD_BOUNCE },
    { 20, DLV_EVENT_KIND_SOFT_BOUNCE }, { 21, DLV_EVENT_KIND_SOFT_BOUNCE },
    { 22, DLV_EVENT_KIND_SOFT_BOUNCE }, { 23, DLV_EVENT_KIND_SOFT_BOUNCE },
    { 24, DLV_EVENT_KIND_SOFT_BOUNCE }, { 25, DLV_EVENT_KIND_BLOCKED },
    { 30, DLV_EVENT_KIND_HARD_BOUNCE }, { 40, DLV_EVENT_KIND_SOFT_BOUNCE },
    { 50, DLV_EVENT_KIND_BLOCKED }, { 51, DLV_EVENT_KIND_BLOCKED },
    { 52, DLV_EVENT_KIND_BLOCKED }, { 53, DLV_EVENT_KIND_BLOCKED },
    { 54, DLV_EVENT_KIND_BLOCKED }, { 60, DLV_EVENT_KIND_SOFT_BOUNCE },
    { 70, DLV_EVENT_KIND_SOFT_BOUNCE }, { 80, DLV_EVENT_KIND_BLOCKED },
    { 90, DLV_EVENT_KIND_HARD_BOUNCE }, { 100, DLV_EVENT_KIND_SOFT_BOUNCE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    {
      for (guint as_string = 0; as_string < 2; as_string++)
        {
          g_autofree char *json = g_strdup_printf (
            "{\"type\":\"bounce\",\"event_id\":\"e%u\",\"message_id\":\"m%u\",\"timestamp\":\"1768467600\","
            "\"num_retries\":%s,\"bounce_class\":%s%d%s}",
            i, i, as_string ? "\"0\"" : "0", as_string ? "\"" : "", classes[i].bounce_class, as_string ? "\"" : "");
          g_autoptr(JsonParser) parser = json_parser_new ();
          g_autoptr(DlvEvent) event = NULL;
          gboolean ignored;

          g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
          event = dlv_sparkpost_parse_event (json_node_get_object (json_parser_get_root (parser)), &ignored);
          g_assert_nonnull (event);
          g_assert_cmpint (event->kind, ==, classes[i].kind);
          g_assert_cmpint (event->attempt, ==, 1);
        }
    }

  /* A timeout after retries is how SparkPost gives up: expired. */
  g_assert_cmpint (dlv_sparkpost_bounce_kind (24, 421, 3), ==, DLV_EVENT_KIND_EXPIRED);
  g_assert_cmpint (dlv_sparkpost_bounce_kind (24, 421, -1), ==, DLV_EVENT_KIND_SOFT_BOUNCE);
  /* A class unknown today, or none: the reply code decides. */
  g_assert_cmpint (dlv_sparkpost_bounce_kind (0, 550, 0), ==, DLV_EVENT_KIND_HARD_BOUNCE);
  g_assert_cmpint (dlv_sparkpost_bounce_kind (0, 451, 0), ==, DLV_EVENT_KIND_SOFT_BOUNCE);
  g_assert_cmpint (dlv_sparkpost_bounce_kind (110, 0, 0), ==, DLV_EVENT_KIND_SOFT_BOUNCE);
}

/* The other event types, and strings where numbers are expected. */
static void
test_event_types (void)
{
  static const struct {
    const char *type;
    DlvEventKind kind;
  } types[] = {
    { "injection", DLV_EVENT_KIND_ACCEPTED }, { "delivery", DLV_EVENT_KIND_DELIVERED },
    { "delay", DLV_EVENT_KIND_DEFERRED }, { "policy_rejection", DLV_EVENT_KIND_BLOCKED },
    { "generation_failure", DLV_EVENT_KIND_BLOCKED }, { "generation_rejection", DLV_EVENT_KIND_BLOCKED },
    { "spam_complaint", DLV_EVENT_KIND_SPAM_COMPLAINT }, { "open", DLV_EVENT_KIND_OPENED },
    { "initial_open", DLV_EVENT_KIND_OPENED }, { "amp_open", DLV_EVENT_KIND_OPENED },
    { "amp_initial_open", DLV_EVENT_KIND_OPENED }, { "click", DLV_EVENT_KIND_CLICKED },
    { "amp_click", DLV_EVENT_KIND_CLICKED }, { "list_unsubscribe", DLV_EVENT_KIND_UNSUBSCRIBED },
    { "link_unsubscribe", DLV_EVENT_KIND_UNSUBSCRIBED },
  };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(DlvEvent) delay = NULL;
  JsonObject *object;
  gboolean ignored;

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"type\":\"%s\",\"message_id\":\"m\",\"timestamp\":"
                                               "\"2026-01-15T09:00:00.000+00:00\"}", types[i].type);
      g_autoptr(DlvEvent) event = NULL;

      g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
      event = dlv_sparkpost_parse_event (json_node_get_object (json_parser_get_root (parser)), &ignored);
      g_assert_nonnull (event);
      g_assert_cmpint (event->kind, ==, types[i].kind);
      g_assert_cmpint (event->at, ==, 1768467600);
      g_assert_null (event->uid);
    }

  /* Types that are not about delivery are ignored, not unreadable. */
  g_assert_true (json_parser_load_from_data (parser, "{\"type\":\"sms_status\",\"message_id\":\"m\"}", -1, NULL));
  g_assert_null (dlv_sparkpost_parse_event (json_node_get_object (json_parser_get_root (parser)), &ignored));
  g_assert_true (ignored);
  g_assert_true (json_parser_load_from_data (parser, "{\"type\":7,\"message_id\":\"m\"}", -1, NULL));
  g_assert_null (dlv_sparkpost_parse_event (json_node_get_object (json_parser_get_root (parser)), &ignored));
  g_assert_false (ignored);

  /* Numbers as strings everywhere, milliseconds since the epoch, an
   * error code that is no SMTP code. */
  g_assert_true (json_parser_load_from_data (parser,
                                             "{\"type\":\"delay\",\"event_id\":\"9\",\"message_id\":\"m\","
                                             "\"timestamp\":\"1768467600123\",\"num_retries\":\"2\","
                                             "\"error_code\":\"998\",\"reason\":\"451 4.3.0 Greylisted\"}", -1, NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  delay = dlv_sparkpost_parse_event (object, &ignored);
  g_assert_nonnull (delay);
  g_assert_cmpint (delay->at, ==, 1768467600);
  g_assert_cmpint (delay->attempt, ==, 3);
  g_assert_cmpint (delay->smtp_code, ==, 451);
  g_assert_cmpstr (delay->enhanced_code, ==, "4.3.0");
  g_assert_cmpstr (delay->reason, ==, "451 4.3.0 Greylisted");
  g_assert_cmpstr (delay->uid, ==, "9");
}

static void
test_rate_limited (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sparkpost (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  DlvTestReply limited = { .status = 429, .body = "{\"errors\":[{\"message\":\"Too many requests\"}]}", .retry_after = "120" };
  DlvPollStats stats;

  dlv_test_server_add (f->server, "GET", "/api/v1/events/message?", &limited);
  dlv_test_server_add_status (f->server, "GET", "/api/v1/events/message?", 200, "@sparkpost/page1.json");
  dlv_test_server_add_status (f->server, "GET", "cursor=PAGE2CURSOR", 200, "@sparkpost/page2.json");
  dlv_test_server_add_status (f->server, "GET", "cursor=PAGE3CURSOR", 200, "@sparkpost/page3.json");
  dlv_test_server_add_status (f->server, "GET", "/api/v1/sending-domains/", 200, "@sparkpost/domain.json");

  g_assert_false (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_RATE_LIMITED);
  g_assert_nonnull (strstr (error->message, "SparkPost"));
  g_assert_cmpint (dlv_provider_get_last_reply (provider)->status, ==, 429);
  g_assert_cmpint (dlv_provider_get_last_reply (provider)->retry_after, ==, 120);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 0);
  stored = account (f);
  g_assert_null (stored->cursor);
  g_assert_cmpstr (stored->last_error, ==, error->message);
  g_clear_error (&error);

  set_now (provider, NOW + 120);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 16);
}

static void
test_unauthorized (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sparkpost (f, NOW);
  DlvTestReply refused = { .status = 401, .body = "{\"errors\":[{\"message\":\"Unauthorized.\"}]}" };
  g_autoptr(GError) error = dlv_test_poll_refused (f, provider, "GET", "/api/v1/", &refused,
                                                   DLV_PROVIDER_ERROR_UNAUTHORIZED);

  g_assert_nonnull (strstr (error->message, "API key"));
}

/* A server error mid-traversal keeps the pages before it and resumes from
 * the link it stopped at, at once: the two minutes only hold between
 * rounds. */
static void
test_server_error_resumes (DlvProviderFixture *f,
                           gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sparkpost (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  g_autoptr(DlvAccount) done = NULL;
  g_autofree char *expected_cursor = NULL;
  DlvPollStats stats;

  dlv_test_server_add_status (f->server, "GET", "/api/v1/events/message?", 200, "@sparkpost/page1.json");
  dlv_test_server_add_status (f->server, "GET", "cursor=PAGE2CURSOR", 200, "@sparkpost/page2.json");
  dlv_test_server_add_status (f->server, "GET", "cursor=PAGE3CURSOR", 500,
                              "{\"errors\":[{\"message\":\"Internal error\"}]}");
  dlv_test_server_add_status (f->server, "GET", "cursor=PAGE3CURSOR", 200, "@sparkpost/page3.json");
  dlv_test_server_add_status (f->server, "GET", "/api/v1/sending-domains/", 200, "@sparkpost/domain.json");

  g_assert_false (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_SERVER);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 12);
  stored = account (f);
  g_assert_nonnull (strstr (stored->cursor, "next="));
  g_assert_nonnull (strstr (stored->cursor, "PAGE3CURSOR"));
  g_clear_error (&error);

  set_now (provider, NOW + 5);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.events_duplicate, ==, 0);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 16);
  g_assert_cmpuint (count_exact (f, "GET /api/v1/events/message?" FIRST_FROM), ==, 1);
  g_assert_cmpuint (dlv_test_server_count (f->server, "PAGE3CURSOR"), ==, 2);

  /* The window still ends where the interrupted round said. */
  done = account (f);
  expected_cursor = g_strdup_printf ("sp1;from=%d;started=%d", WINDOW_TO - DLV_SPARKPOST_SETTLE_SECONDS, NOW);
  g_assert_cmpstr (done->cursor, ==, expected_cursor);
}

static void
test_slow_answer (DlvProviderFixture *f,
                  gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sparkpost (f, NOW);

  dlv_test_assert_poll_broken (f, provider, "GET", "/api/v1/events/message?", "@sparkpost/page1.json",
                               DLV_TEST_REPLY_SLOW, DLV_PROVIDER_ERROR_TIMEOUT);
}

static void
test_truncated_answer (DlvProviderFixture *f,
                       gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sparkpost (f, NOW);

  dlv_test_assert_poll_broken (f, provider, "GET", "/api/v1/events/message?", "@sparkpost/page1.json",
                               DLV_TEST_REPLY_TRUNCATED, DLV_PROVIDER_ERROR_NETWORK);
}

/* Wrong types, missing ids, invalid UTF-8, deep nesting and a 10 MB string
 * skip their event with a count; the rest of the page is kept. */
static void
test_hostile_page (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sparkpost (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvMessage) kept = NULL;
  g_autofree char *big = g_strnfill (10 * 1024 * 1024, 'x');
  g_autofree char *deep_open = g_strnfill (40, '[');
  g_autofree char *deep_close = g_strnfill (40, ']');
  g_autofree char *page = g_strdup_printf (
    "{\"results\":["
    "{\"type\":\"delivery\",\"event_id\":\"ok1\",\"message_id\":\"ok.1\",\"timestamp\":\"2026-01-15T09:00:00Z\","
    " \"rcpt_to\":\"a@example.org\",\"subject\":\"%s\"},"
    "{\"type\":\"delivery\",\"event_id\":\"bad1\",\"message_id\":\"bad.1\",\"timestamp\":\"soon\"},"
    "{\"type\":\"bounce\",\"event_id\":\"bad2\",\"timestamp\":\"1768467600\",\"bounce_class\":\"10\"},"
    "{\"type\":[\"delay\"],\"event_id\":\"bad3\",\"message_id\":\"bad.3\",\"timestamp\":\"1768467600\"},"
    "{\"type\":\"delay\",\"event_id\":\"bad4\",\"message_id\":{\"id\":1},\"timestamp\":\"1768467600\"},"
    "42, null, \"text\", %s1%s,"
    "{\"type\":\"delay\",\"event_id\":\"ok2\",\"message_id\":\"ok.2\",\"timestamp\":\"1768467600\","
    " \"num_retries\":\"many\",\"error_code\":{\"x\":1},\"bounce_class\":\"ten\","
    " \"raw_reason\":[\"451\"],\"reason\":\"451 4.7.1 Try later \xff\xfe\",\"rcpt_tags\":[{\"a\":1}]},"
    "{\"type\":\"bounce\",\"event_id\":\"ok3\",\"message_id\":\"ok.3\",\"timestamp\":\"1768467601\","
    " \"bounce_class\":\"-5\",\"error_code\":\"550\",\"num_retries\":\"-1\",\"raw_reason\":\"%s\"}"
    "],\"links\":[{\"rel\":\"next\",\"href\":42}]}", big, deep_open, deep_close, big);
  DlvPollStats stats;

  dlv_test_server_add_status (f->server, "GET", "/api/v1/events/message?", 200, page);
  dlv_test_server_add_status (f->server, "GET", "/api/v1/sending-domains/", 200, "@sparkpost/domain.json");

  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.events_added, ==, 3);
  g_assert_cmpuint (stats.events_skipped, ==, 8);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 3);

  kept = dlv_test_find_message (f->store, "ok.2");
  g_assert_nonnull (kept);
  g_assert_cmpint (kept->status, ==, DLV_MESSAGE_STATUS_DEFERRED);
  g_assert_cmpint (kept->reason_info.smtp_code, ==, 451);
  g_assert_true (g_utf8_validate (kept->reason, -1, NULL));
  g_clear_pointer (&kept, dlv_message_free);

  kept = dlv_test_find_message (f->store, "ok.3");
  g_assert_cmpint (kept->status, ==, DLV_MESSAGE_STATUS_HARD_BOUNCE);
  g_assert_cmpuint (strlen (kept->reason), <=, 64 * 1024);
}

/* Keys only travel over https, or to a loopback address, and only to the
 * base URL's host, whatever a next link says. */
static void
test_security (DlvProviderFixture *f,
               gconstpointer       data)
{
  const DlvProviderInfo *info = dlv_providers_lookup ("sparkpost");
  DlvAccountSettings plain = { NULL, NULL, (char *) "http://api.sparkpost.com" };
  DlvAccountSettings eu = { (char *) "eu", NULL, NULL };
  DlvAccountSettings us = { NULL, NULL, NULL };
  g_autoptr(DlvProvider) refused = NULL;
  g_autoptr(DlvProvider) european = NULL;
  g_autoptr(DlvProvider) american = NULL;
  g_autoptr(DlvProvider) provider = sparkpost (f, NOW);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (info);
  g_assert_cmpuint (info->min_poll_seconds, ==, 120);
  g_assert_cmpuint (info->retry_window_hours, ==, 72);
  g_assert_true (dlv_provider_info_has_region (info));
  g_assert_false (info->needs & DLV_PROVIDER_NEEDS_DOMAIN);

  refused = dlv_providers_create (info, &plain, KEY, NULL, &error);
  g_assert_null (refused);
  g_assert_nonnull (strstr (error->message, "https"));
  g_clear_error (&error);

  g_assert_null (dlv_providers_create (info, &eu, "", NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_UNAUTHORIZED);
  g_clear_error (&error);

  european = dlv_providers_create (info, &eu, KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dlv_provider_get_base_url (european), ==, "https://api.eu.sparkpost.com");
  american = dlv_providers_create (info, &us, KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dlv_provider_get_base_url (american), ==, "https://api.sparkpost.com");

  dlv_test_server_add_status (f->server, "GET", "/api/v1/events/message?", 200,
                              "{\"results\":[{\"type\":\"delivery\",\"event_id\":\"x\",\"message_id\":\"x1\","
                              "\"timestamp\":\"1768467600\"}],"
                              "\"links\":[{\"rel\":\"next\",\"href\":\"https://collector.example.net/steal?cursor=1\"}]}");
  g_assert_false (dlv_poll_account_sync (f->store, f->account_id, provider, 0, NULL, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "collector.example.net"));
  /* The page itself was fine and is kept. */
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 1);
  g_assert_cmpuint (dlv_test_server_count (f->server, "steal"), ==, 0);
}

/* An Enterprise base URL that already ends in /api/v1, and its EU
 * bounce host. */
static void
test_base_url_with_prefix (DlvProviderFixture *f,
                           gconstpointer       data)
{
  const DlvProviderInfo *info = dlv_providers_lookup ("sparkpost");
  g_autofree char *base = g_strconcat (dlv_test_server_get_url (f->server), "/api/v1/", NULL);
  DlvAccountSettings settings = { (char *) "eu", (char *) "example.com", base };
  g_autoptr(DlvProvider) provider = NULL;
  g_autoptr(DlvEventPage) page = NULL;
  g_autoptr(GPtrArray) domains = NULL;
  g_autoptr(GError) error = NULL;
  DlvDomain *domain;

  provider = dlv_providers_create (info, &settings, KEY, NULL, &error);
  g_assert_no_error (error);
  g_object_set (provider, "timeout-seconds", 1, NULL);
  set_now (provider, NOW);

  serve_documented_pages (f);
  page = dlv_provider_fetch_page_sync (provider, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (page->more);
  g_assert_cmpuint (count_exact (f, "GET /api/v1/events/message?" FIRST_FROM), ==, 1);
  g_assert_cmpuint (dlv_test_server_count (f->server, "/api/v1/api/v1"), ==, 0);
  g_assert_nonnull (strstr (page->next_cursor, "PAGE2CURSOR"));
  g_clear_pointer (&page, dlv_event_page_free);

  domains = dlv_provider_fetch_domains_sync (provider, NULL, &error);
  g_assert_no_error (error);
  domain = g_ptr_array_index (domains, 0);
  g_assert_cmpstr (domain->records[DLV_RECORD_SPF_RETURN_PATH].expected, ==, "eu.sparkpostmail.com");
}

static void
test_test_access (DlvProviderFixture *f,
                  gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sparkpost (f, NOW);
  g_autoptr(DlvAccessReport) report = NULL;
  g_autofree char *sentence = NULL;

  dlv_test_server_add_status (f->server, "GET", "/api/v1/events/message?", 200, "@sparkpost/page1.json");
  dlv_test_server_add_status (f->server, "GET", "/api/v1/sending-domains/", 403,
                              "{\"errors\":[{\"message\":\"Forbidden: sending domains\"}]}");

  report = dlv_provider_test_access_sync (provider, NULL);
  g_assert_true (report->events_ok);
  g_assert_false (report->domains_ok);
  sentence = dlv_access_report_describe (report);
  g_assert_nonnull (strstr (sentence, "can read delivery events"));
  g_assert_nonnull (strstr (sentence, "Forbidden: sending domains"));
}

static void
test_import (void)
{
  g_autofree char *page = dlv_test_server_fixture ("sparkpost/page2.json");
  const char *array =
    "[{\"msys\":{\"message_event\":{\"type\":\"bounce\",\"event_id\":\"w1\",\"message_id\":\"wm1\","
    "\"timestamp\":\"1768467600\",\"bounce_class\":\"10\",\"error_code\":\"550\","
    "\"raw_reason\":\"550 5.1.1 No such user\"}}},"
    " {\"msys\":{\"track_event\":{\"type\":\"click\",\"event_id\":\"w2\",\"message_id\":\"wm1\","
    "\"timestamp\":\"1768467700\"}}},"
    " {\"msys\":{}},"
    " {\"msys\":{\"relay_event\":{\"type\":\"relay_injection\",\"event_id\":\"w3\"}}},"
    " {\"msys\":{\"message_event\":{\"type\":\"delivery\",\"timestamp\":\"1768467600\"}}}]";
  const char *ndjson =
    "{\"msys\":{\"message_event\":{\"type\":\"delivery\",\"event_id\":\"n1\",\"message_id\":\"nm1\","
    "\"timestamp\":\"1768467600\",\"num_retries\":\"0\"}}}\n"
    "not json\n"
    "{\"type\":\"open\",\"event_id\":\"n2\",\"message_id\":\"nm1\",\"timestamp\":\"2026-01-15T09:01:00.000+00:00\"}\n";
  g_autoptr(DlvEventPage) from_page = NULL;
  g_autoptr(DlvEventPage) from_array = NULL;
  g_autoptr(DlvEventPage) from_lines = NULL;
  g_autoptr(GError) error = NULL;
  DlvEvent *event;

  from_page = dlv_import_parse ("sparkpost", page, strlen (page), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_page->events->len, ==, 9);
  g_assert_cmpuint (from_page->skipped, ==, 0);
  g_assert_null (from_page->next_cursor);
  g_assert_false (from_page->more);
  /* The event id given as a JSON number is kept exactly. */
  event = g_ptr_array_index (from_page->events, 0);
  g_assert_cmpstr (event->uid, ==, "92356927693813870");
  g_assert_nonnull (event->raw);

  from_array = dlv_import_parse ("sparkpost", array, strlen (array), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_array->events->len, ==, 2);
  g_assert_cmpuint (from_array->skipped, ==, 1);
  event = g_ptr_array_index (from_array->events, 0);
  g_assert_cmpint (event->kind, ==, DLV_EVENT_KIND_HARD_BOUNCE);
  g_assert_cmpint (event->smtp_code, ==, 550);
  g_assert_cmpstr (event->enhanced_code, ==, "5.1.1");
  g_assert_cmpint (event->at, ==, 1768467600);

  from_lines = dlv_import_parse ("sparkpost", ndjson, strlen (ndjson), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_lines->events->len, ==, 2);
  g_assert_cmpuint (from_lines->skipped, ==, 1);
  event = g_ptr_array_index (from_lines->events, 0);
  g_assert_cmpint (event->attempt, ==, 1);

  g_assert_null (dlv_import_parse ("sparkpost", "{\"hello\":1}", 11, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  dlv_test_use_fake_dns (dns);

#define ADD(path, func) \
  g_test_add (path, DlvProviderFixture, NULL, dlv_provider_fixture_set_up, func, dlv_provider_fixture_tear_down)

  ADD ("/sparkpost/poll/pages", test_poll_pages);
  ADD ("/sparkpost/poll/again-no-duplicates", test_poll_again_no_duplicates);
  ADD ("/sparkpost/poll/two-minute-floor", test_two_minute_floor);
  ADD ("/sparkpost/poll/retention-gap", test_retention_gap);
  ADD ("/sparkpost/poll/link-shapes", test_link_shapes);
  ADD ("/sparkpost/domains/rows", test_domain_rows);
  ADD ("/sparkpost/domains/list", test_domain_list);
  ADD ("/sparkpost/errors/rate-limited", test_rate_limited);
  ADD ("/sparkpost/errors/unauthorized", test_unauthorized);
  ADD ("/sparkpost/errors/server-error-resumes", test_server_error_resumes);
  ADD ("/sparkpost/errors/slow", test_slow_answer);
  ADD ("/sparkpost/errors/truncated", test_truncated_answer);
  ADD ("/sparkpost/errors/hostile-page", test_hostile_page);
  ADD ("/sparkpost/security", test_security);
  ADD ("/sparkpost/base-url-with-prefix", test_base_url_with_prefix);
  ADD ("/sparkpost/test-access", test_test_access);
  g_test_add_func ("/sparkpost/events/bounce-classes", test_bounce_classes);
  g_test_add_func ("/sparkpost/events/types", test_event_types);
  g_test_add_func ("/sparkpost/import", test_import);

  return g_test_run ();
}
