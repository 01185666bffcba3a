/* test-mailgun-provider.c: the Mailgun client against a local Mailgun
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "dlv-import.h"
#include "dlv-mailgun-provider.h"
#include "dlv-test-util.h"

/* The fixtures' events run from 1768466121 to 1768467183. */
#define NEWEST_EVENT 1768467183
#define SETTLED_NOW (NEWEST_EVENT + 3600)
#define KEY "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"

static const char * const dns[] = {
  "_dmarc.example.com", "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com",
  NULL,
};

static DlvProvider *
mailgun (DlvProviderFixture *f,
         gint64              now)
{
  DlvProvider *provider = dlv_provider_fixture_provider (f, "mailgun", KEY, NULL, "mg.example.com");

  dlv_provider_set_now (provider, now);
  return provider;
}

static void
serve_documented_pages (DlvProviderFixture *f)
{
  dlv_test_server_add_status (f->server, "GET", "/v3/mg.example.com/events?", 200, "@mailgun/page1.json");
  dlv_test_server_add_status (f->server, "GET", "/events/PAGE2", 200, "@mailgun/page2.json");
  dlv_test_server_add_status (f->server, "GET", "/events/PAGE3", 200, "@mailgun/empty.json");
  dlv_test_server_add_status (f->server, "GET", "/v4/domains/mg.example.com", 200, "@mailgun/domain.json");
}

static DlvAccount *
account (DlvProviderFixture *f)
{
  g_autoptr(GError) error = NULL;
  DlvAccount *result = dlv_store_get_account (f->store, f->account_id, &error);

  g_assert_no_error (error);
  return result;
}

static void
test_poll_pages (DlvProviderFixture *f,
                 gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailgun (f, SETTLED_NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvMessage) retried = NULL;
  g_autoptr(DlvMessage) bounced = NULL;
  g_autoptr(DlvMessage) variant = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  g_autoptr(GPtrArray) domains = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *expected_cursor = NULL;
  g_autofree char *events = NULL;
  g_autofree char *first_begin = g_strdup_printf ("begin=%d", SETTLED_NOW - 30 * 24 * 3600);
  DlvPollStats stats;
  DlvDomain *domain;

  serve_documented_pages (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);

  /* Three pages walked by their next links, the last one empty. */
  g_assert_cmpuint (stats.pages, ==, 3);
  g_assert_cmpuint (stats.events_added, ==, 5);
  g_assert_cmpuint (dlv_test_server_count (f->server, first_begin), ==, 1);
  g_assert_cmpuint (dlv_test_server_count (f->server, "ascending=yes&limit=300"), ==, 1);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 5);
  g_assert_cmpuint (dlv_test_count_messages (f->store), ==, 4);

  auth = dlv_test_server_last_header (f->server, "Authorization");
  g_assert_cmpstr (auth, ==, "Basic YXBpOmtleS0zYXg2eG5qcDI5amQ2ZmRzNGdjMzczc2d2anh0ZW9sMA==");

  /* Deferred for a full mailbox, then delivered on the second attempt. */
  retried = dlv_test_find_message (f->store, "20260115083521.2b3c4d5e6f7a8b9c@mg.example.com");
  g_assert_nonnull (retried);
  g_assert_cmpint (retried->status, ==, DLV_MESSAGE_STATUS_DELIVERED);
  g_assert_cmpint (retried->attempts, ==, 2);
  g_assert_cmpint (retried->first_deferred_at, ==, 1768466183);
  events = dlv_test_message_events (f->store, "20260115083521.2b3c4d5e6f7a8b9c@mg.example.com");
  g_assert_cmpstr (events, ==, "deferred@1768466183 delivered@1768467083");

  bounced = dlv_test_find_message (f->store, "20260115083522.3c4d5e6f7a8b9c0d@mg.example.com");
  g_assert_cmpint (bounced->status, ==, DLV_MESSAGE_STATUS_HARD_BOUNCE);

  /* Uncertain shapes: a nanosecond timestamp and the "mxhost" spelling. */
  variant = dlv_test_find_message (f->store, "20260115090000.9f9f9f9f@mg.example.com");
  g_assert_nonnull (variant);
  g_assert_cmpint (variant->status, ==, DLV_MESSAGE_STATUS_DEFERRED);
  g_assert_cmpint (variant->first_deferred_at, ==, 1768467183);
  g_assert_cmpstr (variant->mx, ==, "mx1.example.net");
  g_assert_cmpint (variant->reason_info.smtp_code, ==, 452);
  g_assert_cmpstr (variant->reason_info.enhanced_code, ==, "4.2.2");
  /* Mailgun retries for 8 hours. */
  g_assert_cmpint (variant->expires_at, ==, 1768467183 + 8 * 3600);

  /* The round ends settled: the next one starts half an hour back. */
  stored = account (f);
  expected_cursor = g_strdup_printf ("mg1;begin=%d", SETTLED_NOW - DLV_MAILGUN_SETTLE_SECONDS);
  g_assert_cmpstr (stored->cursor, ==, expected_cursor);
  g_assert_null (stored->last_error);

  /* Domain rows from sending_dns_records; DMARC from DNS, found on the
   * parent of the sending subdomain. */
  domains = dlv_store_list_domains (f->store, f->account_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (domains->len, ==, 1);
  domain = g_ptr_array_index (domains, 0);
  g_assert_cmpstr (domain->domain, ==, "mg.example.com");
  g_assert_cmpint (domain->records[DLV_RECORD_DKIM1].status, ==, DLV_RECORD_STATUS_UNKNOWN);
  g_assert_cmpstr (domain->records[DLV_RECORD_DKIM1].host, ==, "krs._domainkey.mg.example.com");
  g_assert_cmpint (domain->records[DLV_RECORD_SPF_RETURN_PATH].status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (domain->records[DLV_RECORD_SPF_RETURN_PATH].expected, ==, "v=spf1 include:mailgun.org ~all");
  g_assert_cmpint (domain->records[DLV_RECORD_DMARC].status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (domain->records[DLV_RECORD_DMARC].host, ==, "_dmarc.example.com");
}

static void
test_poll_again_no_duplicates (DlvProviderFixture *f,
                               gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailgun (f, SETTLED_NOW);
  g_autoptr(GError) error = NULL;
  g_autofree char *settled_begin = g_strdup_printf ("begin=%d", SETTLED_NOW - 1800);
  DlvPollStats stats;

  serve_documented_pages (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (stats.events_added, ==, 0);
  g_assert_cmpuint (stats.events_duplicate, ==, 5);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 5);
  /* The second round asked from the settled mark, not from the start. */
  g_assert_cmpuint (dlv_test_server_count (f->server, settled_begin), ==, 1);
}

/* Mailgun indexes out of order: an event stamped before the newest one
 * seen may show up later. The unsettled half hour is read again. */
static void
test_unsettled_window (DlvProviderFixture *f,
                       gconstpointer       data)
{
  gint64 now = 1768466183 + 60;
  g_autoptr(DlvProvider) provider = mailgun (f, now);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  g_autofree char *late_page = NULL;
  g_autofree char *page = dlv_test_server_fixture ("mailgun/page1.json");
  g_autofree char *begin = g_strdup_printf ("begin=%" G_GINT64_FORMAT, now - 1800);
  DlvPollStats stats;
  char *end;

  dlv_test_server_add_status (f->server, "GET", "/v3/mg.example.com/events?", 200, page);
  dlv_test_server_add_status (f->server, "GET", "/v4/domains/", 200, "@mailgun/domain.json");
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);

  /* The page reached into the unsettled window: its next link is not
   * followed, and the round stops with begin at now − 30 min. */
  g_assert_cmpuint (stats.pages, ==, 1);
  g_assert_cmpuint (dlv_test_server_count (f->server, "PAGE2"), ==, 0);
  stored = account (f);
  g_assert_true (g_str_has_prefix (stored->cursor, "mg1;begin="));
  g_assert_null (strstr (stored->cursor, "next="));

  /* A late event, stamped before the newest one already read. */
  end = strrchr (page, ']');
  g_assert_nonnull (end);
  *end = '\0';
  late_page = g_strconcat (page, ",{\"event\":\"delivered\",\"id\":\"lateIndexed001\",\"timestamp\":1768466150.5,"
                           "\"recipient\":\"late@example.org\",\"message\":{\"headers\":{\"message-id\":\"late.1@mg.example.com\","
                           "\"subject\":\"Late\"}}}]", end + 1, NULL);
  dlv_test_server_reset (f->server);
  dlv_test_server_add_status (f->server, "GET", "/v3/mg.example.com/events?", 200, late_page);
  dlv_test_server_add_status (f->server, "GET", "/v4/domains/", 200, "@mailgun/domain.json");
  dlv_provider_set_now (provider, now + 30);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (dlv_test_server_count (f->server, begin), ==, 1);
  g_assert_cmpuint (stats.events_added, ==, 1);
  g_assert_cmpuint (stats.events_duplicate, ==, 3);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 4);
  g_assert_nonnull (dlv_test_find_message (f->store, "late.1@mg.example.com"));
}

static void
test_rate_limited (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailgun (f, SETTLED_NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  DlvTestReply limited = { .status = 429, .body = "{\"message\":\"Too many requests\"}", .retry_after = "7" };
  DlvPollStats stats;

  dlv_test_server_add (f->server, "GET", "/v3/mg.example.com/events?", &limited);
  dlv_test_server_add_status (f->server, "GET", "/v3/mg.example.com/events?", 200, "@mailgun/page1.json");
  dlv_test_server_add_status (f->server, "GET", "/events/PAGE2", 200, "@mailgun/page2.json");
  dlv_test_server_add_status (f->server, "GET", "/events/PAGE3", 200, "@mailgun/empty.json");
  dlv_test_server_add_status (f->server, "GET", "/v4/domains/", 200, "@mailgun/domain.json");

  g_assert_false (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_RATE_LIMITED);
  g_assert_nonnull (strstr (error->message, "Mailgun"));
  g_assert_cmpint (dlv_provider_get_last_reply (provider)->status, ==, 429);
  g_assert_cmpint (dlv_provider_get_last_reply (provider)->retry_after, ==, 7);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 0);
  stored = account (f);
  g_assert_null (stored->cursor);
  g_assert_cmpstr (stored->last_error, ==, error->message);
  g_clear_error (&error);

  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 5);
}

static void
test_unauthorized (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailgun (f, SETTLED_NOW);
  DlvTestReply refused = { .status = 401, .body = "Forbidden" };
  g_autoptr(GError) error = dlv_test_poll_refused (f, provider, "GET", "/v3/", &refused,
                                                   DLV_PROVIDER_ERROR_UNAUTHORIZED);

  g_assert_nonnull (strstr (error->message, "API key"));
}

/* A server error mid-traversal keeps the pages before it and resumes from
 * the link it stopped at. */
static void
test_server_error_resumes (DlvProviderFixture *f,
                           gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailgun (f, SETTLED_NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  DlvPollStats stats;

  dlv_test_server_add_status (f->server, "GET", "/v3/mg.example.com/events?", 200, "@mailgun/page1.json");
  dlv_test_server_add_status (f->server, "GET", "/events/PAGE2", 500, "{\"message\":\"Internal error\"}");
  dlv_test_server_add_status (f->server, "GET", "/events/PAGE2", 200, "@mailgun/page2.json");
  dlv_test_server_add_status (f->server, "GET", "/events/PAGE3", 200, "@mailgun/empty.json");
  dlv_test_server_add_status (f->server, "GET", "/v4/domains/", 200, "@mailgun/domain.json");

  g_assert_false (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_SERVER);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 3);
  stored = account (f);
  g_assert_nonnull (strstr (stored->cursor, "next="));
  g_assert_nonnull (strstr (stored->cursor, "PAGE2"));
  g_clear_error (&error);

  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 5);
  g_assert_cmpuint (dlv_test_server_count (f->server, "events?begin"), ==, 1);
  g_assert_cmpuint (dlv_test_server_count (f->server, "PAGE2"), ==, 2);
}

static void
test_slow_answer (DlvProviderFixture *f,
                  gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailgun (f, SETTLED_NOW);

  dlv_test_assert_poll_broken (f, provider, "GET", "/v3/mg.example.com/events?", "@mailgun/page1.json",
                               DLV_TEST_REPLY_SLOW, DLV_PROVIDER_ERROR_TIMEOUT);
}

static void
test_truncated_answer (DlvProviderFixture *f,
                       gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailgun (f, SETTLED_NOW);

  dlv_test_assert_poll_broken (f, provider, "GET", "/v3/mg.example.com/events?", "@mailgun/page1.json",
                               DLV_TEST_REPLY_TRUNCATED, DLV_PROVIDER_ERROR_NETWORK);
}

/* Wrong types, a missing id and a string for a number skip their event
 * with a count; the rest of the page is kept. */
static void
test_hostile_page (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailgun (f, SETTLED_NOW);
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_strnfill (10 * 1024 * 1024, 'x');
  g_autofree char *page = g_strdup_printf (
    "{\"items\":["
    "{\"event\":\"delivered\",\"id\":\"ok1\",\"timestamp\":1768466121.5,\"recipient\":\"a@example.org\","
    " \"message\":{\"headers\":{\"message-id\":\"ok.1@mg.example.com\",\"subject\":\"%s\"}}},"
    "{\"event\":\"delivered\",\"id\":\"bad1\",\"timestamp\":\"soon\",\"message\":{\"headers\":{\"message-id\":\"bad.1@x\"}}},"
    "{\"event\":\"failed\",\"id\":\"bad2\",\"timestamp\":1768466122,\"message\":[1,2,3]},"
    "42, null, \"text\","
    "{\"event\":\"failed\",\"severity\":\"temporary\",\"id\":\"ok2\",\"timestamp\":1768466123,"
    " \"delivery-status\":{\"code\":\"451\",\"message\":{\"nested\":true},\"attempt-no\":\"2\"},"
    " \"message\":{\"headers\":{\"message-id\":\"ok.2@mg.example.com\"}}}"
    "],\"paging\":{\"next\":\"{{BASE}}/v3/mg.example.com/events/PAGE3\"}}", big);
  g_autoptr(DlvAccount) stored = NULL;
  DlvPollStats stats;

  dlv_test_server_add_status (f->server, "GET", "/v3/mg.example.com/events?", 200, page);
  dlv_test_server_add_status (f->server, "GET", "/events/PAGE3", 200, "@mailgun/empty.json");
  dlv_test_server_add_status (f->server, "GET", "/v4/domains/", 200, "@mailgun/domain.json");

  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.events_added, ==, 2);
  g_assert_cmpuint (stats.events_skipped, ==, 5);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 2);
  /* The warning is counted where the user sees the account. */
  stored = account (f);
  g_assert_cmpstr (stored->last_error, ==, "5 events from Mailgun could not be read and were skipped");
  g_assert_cmpint (stored->last_success_at, >, 0);
}

/* Keys only travel over https, or to a loopback address, and only to the
 * base URL's host, whatever a next link says. */
static void
test_security (DlvProviderFixture *f,
               gconstpointer       data)
{
  const DlvProviderInfo *info = dlv_providers_lookup ("mailgun");
  DlvAccountSettings plain = { NULL, (char *) "mg.example.com", (char *) "http://api.mailgun.net" };
  DlvAccountSettings eu = { (char *) "eu", (char *) "mg.example.com", NULL };
  DlvAccountSettings no_domain = { NULL, NULL, NULL };
  g_autoptr(DlvProvider) refused = NULL;
  g_autoptr(DlvProvider) european = NULL;
  g_autoptr(DlvProvider) provider = mailgun (f, SETTLED_NOW);
  g_autoptr(GError) error = NULL;

  refused = dlv_providers_create (info, &plain, KEY, NULL, &error);
  g_assert_null (refused);
  g_assert_nonnull (strstr (error->message, "https"));
  g_clear_error (&error);

  g_assert_null (dlv_providers_create (info, &no_domain, KEY, NULL, &error));
  g_assert_nonnull (strstr (error->message, "domain"));
  g_clear_error (&error);

  g_assert_null (dlv_providers_create (info, &eu, "", NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_UNAUTHORIZED);
  g_clear_error (&error);

  european = dlv_providers_create (info, &eu, KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dlv_provider_get_base_url (european), ==, "https://api.eu.mailgun.net");

  dlv_test_server_add_status (f->server, "GET", "/v3/mg.example.com/events?", 200,
                              "{\"items\":[{\"event\":\"delivered\",\"id\":\"x\",\"timestamp\":1768466121,"
                              "\"message\":{\"headers\":{\"message-id\":\"x@mg\"}}}],"
                              "\"paging\":{\"next\":\"https://collector.example.net/steal\"}}");
  g_assert_false (dlv_poll_account_sync (f->store, f->account_id, provider, 0, NULL, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "collector.example.net"));
  /* The page itself was fine and is kept. */
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 1);
}

static void
test_test_access (DlvProviderFixture *f,
                  gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailgun (f, SETTLED_NOW);
  g_autoptr(DlvAccessReport) report = NULL;
  g_autofree char *sentence = NULL;

  dlv_test_server_add_status (f->server, "GET", "/v3/mg.example.com/events?", 200, "@mailgun/page1.json");
  dlv_test_server_add_status (f->server, "GET", "/v4/domains/", 403, "{\"message\":\"Domain access denied\"}");

  report = dlv_provider_test_access_sync (provider, NULL);
  g_assert_true (report->events_ok);
  g_assert_false (report->domains_ok);
  sentence = dlv_access_report_describe (report);
  g_assert_nonnull (strstr (sentence, "can read delivery events"));
  g_assert_nonnull (strstr (sentence, "Domain access denied"));
}

/* Domains are read at most every quarter of an hour; a refusal to list
 * them keeps the events and says so with the account. */
static void
test_domains_refresh (DlvProviderFixture *f,
                      gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailgun (f, SETTLED_NOW);
  g_autoptr(GError) error = NULL;

  serve_documented_pages (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, NULL, NULL, &error));
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dlv_test_server_count (f->server, "/v4/domains/"), ==, 1);
}

static void
test_domains_refused (DlvProviderFixture *f,
                      gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailgun (f, SETTLED_NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) stored = NULL;

  dlv_test_server_add_status (f->server, "GET", "/v3/mg.example.com/events?", 200, "@mailgun/page1.json");
  dlv_test_server_add_status (f->server, "GET", "/events/PAGE2", 200, "@mailgun/empty.json");
  dlv_test_server_add_status (f->server, "GET", "/v4/domains/", 403, "{\"message\":\"Key has no domain access\"}");

  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 3);
  stored = account (f);
  g_assert_cmpint (stored->last_success_at, >, 0);
  g_assert_nonnull (strstr (stored->last_error, "sending domains could not be read"));
  g_assert_nonnull (strstr (stored->last_error, "Key has no domain access"));
}

/* A page of kinds we do not track (stored, list events) is not an empty
 * page: the traversal goes on to the next link. */
static void
test_ignored_page_continues (DlvProviderFixture *f,
                             gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailgun (f, SETTLED_NOW);
  g_autoptr(GError) error = NULL;
  DlvPollStats stats;

  dlv_test_server_add_status (f->server, "GET", "/v3/mg.example.com/events?", 200,
                              "{\"items\":[{\"event\":\"stored\",\"id\":\"s1\",\"timestamp\":1768466000,"
                              "\"message\":{\"headers\":{\"message-id\":\"s@mg\"}}}],"
                              "\"paging\":{\"next\":\"{{BASE}}/v3/mg.example.com/events/PAGE2\"}}");
  dlv_test_server_add_status (f->server, "GET", "/events/PAGE2", 200, "@mailgun/page2.json");
  dlv_test_server_add_status (f->server, "GET", "/events/PAGE3", 200, "@mailgun/empty.json");
  dlv_test_server_add_status (f->server, "GET", "/v4/domains/", 200, "@mailgun/domain.json");

  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pages, ==, 3);
  g_assert_cmpuint (stats.events_skipped, ==, 0);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 2);
}

static void
test_import (void)
{
  g_autofree char *page = dlv_test_server_fixture ("mailgun/page1.json");
  g_autofree char *ndjson = g_strdup (
    "{\"signature\":{\"token\":\"t\"},\"event-data\":{\"event\":\"delivered\",\"id\":\"w1\",\"timestamp\":1768466121,"
    "\"message\":{\"headers\":{\"message-id\":\"w.1@mg\"}}}}\n"
    "not json\n"
    "{\"event\":\"opened\",\"id\":\"w2\",\"timestamp\":1768466221,\"message\":{\"headers\":{\"message-id\":\"w.1@mg\"}}}\n");
  g_autoptr(DlvEventPage) from_page = NULL;
  g_autoptr(DlvEventPage) from_hooks = NULL;
  g_autoptr(GError) error = NULL;

  from_page = dlv_import_parse ("mailgun", page, strlen (page), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_page->events->len, ==, 3);
  g_assert_null (from_page->next_cursor);

  from_hooks = dlv_import_parse ("mailgun", ndjson, strlen (ndjson), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_hooks->events->len, ==, 2);
  g_assert_cmpuint (from_hooks->skipped, ==, 1);

  g_assert_null (dlv_import_parse ("mailgun", "{\"hello\":1}", 11, &error));
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

  ADD ("/mailgun/poll/pages", test_poll_pages);
  ADD ("/mailgun/poll/again-no-duplicates", test_poll_again_no_duplicates);
  ADD ("/mailgun/poll/unsettled-window", test_unsettled_window);
  ADD ("/mailgun/errors/rate-limited", test_rate_limited);
  ADD ("/mailgun/errors/unauthorized", test_unauthorized);
  ADD ("/mailgun/errors/server-error-resumes", test_server_error_resumes);
  ADD ("/mailgun/errors/slow", test_slow_answer);
  ADD ("/mailgun/errors/truncated", test_truncated_answer);
  ADD ("/mailgun/errors/hostile-page", test_hostile_page);
  ADD ("/mailgun/security", test_security);
  ADD ("/mailgun/test-access", test_test_access);
  ADD ("/mailgun/domains/refresh-interval", test_domains_refresh);
  ADD ("/mailgun/domains/refused", test_domains_refused);
  ADD ("/mailgun/poll/ignored-page-continues", test_ignored_page_continues);
  g_test_add_func ("/mailgun/import", test_import);

  return g_test_run ();
}
