/* test-postmark-provider.c: the Postmark client against a local Postmark
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "dlv-import.h"
#include "dlv-postmark-events.h"
#include "dlv-postmark-provider.h"
#include "dlv-test-util.h"

/* 2026-01-15T10:00:00Z, 05:00 in New York (EST); the fixtures' messages
 * were received from 03:35:20 Eastern (1768466120) on. */
#define NOW 1768471200
#define KEY "a1b2c3d4-server-token-0000-1111"
#define ACCOUNT "e5f6a7b8-account-token-2222-3333"

#define MSG_A "0ac29aee-e1cd-480d-b08d-4f48548ff48d"
#define MSG_B "5b8d3c1a-7e2f-4a90-9c61-2d4e8f0a1b3c"
#define MSG_C "9e7f6d5c-4b3a-4291-8f0e-1d2c3b4a5f6e"
#define MSG_D "3f2e1d0c-8b7a-4695-a4b3-c2d1e0f9a8b7"
#define DETAILS(id) "/messages/outbound/" id "/details"

/* The first round reads from a week back to five minutes ago, in Eastern
 * wall time. */
#define FIRST_WINDOW "fromdate=2026-01-08T05:00:00&todate=2026-01-15T04:55:00"

static const char * const dns[] = {
  "_dmarc.example.com", "v=DMARC1; p=reject; rua=mailto:dmarc@example.com",
  NULL,
};

static DlvProvider *
postmark (DlvProviderFixture *f,
          const char         *account_token,
          gint64              now)
{
  DlvProvider *provider = dlv_provider_fixture_provider (f, "postmark", KEY, account_token, NULL);

  dlv_provider_set_now (provider, now);
  dlv_postmark_provider_set_page_size (DLV_POSTMARK_PROVIDER (provider), 2);
  return provider;
}

static void
serve_domains (DlvProviderFixture *f)
{
  dlv_test_server_add_status (f->server, "GET", "/domains?", 200, "@postmark/domains.json");
  dlv_test_server_add_status (f->server, "GET", "/domains/36735", 200, "@postmark/domain-36735.json");
  dlv_test_server_add_status (f->server, "GET", "/domains/36736", 200, "@postmark/domain-36736.json");
  dlv_test_server_add_status (f->server, "GET", "/domains/36737", 200, "@postmark/domain-36737.json");
}

static void
serve_details (DlvProviderFixture *f)
{
  dlv_test_server_add_status (f->server, "GET", DETAILS (MSG_A), 200, "@postmark/details-A.json");
  dlv_test_server_add_status (f->server, "GET", DETAILS (MSG_B), 200, "@postmark/details-B.json");
  dlv_test_server_add_status (f->server, "GET", DETAILS (MSG_C), 200, "@postmark/details-C.json");
  dlv_test_server_add_status (f->server, "GET", DETAILS (MSG_D), 200, "@postmark/details-D.json");
}

/* Two pages of messages with their details, and one of bounces. A test
 * that wants an odd answer first adds it before these: each route's
 * answers are served in order. */
static void
serve_events (DlvProviderFixture *f)
{
  dlv_test_server_add_status (f->server, "GET", "/messages/outbound?count=2&offset=0&", 200,
                              "@postmark/messages-page1.json");
  dlv_test_server_add_status (f->server, "GET", "/messages/outbound?count=2&offset=2&", 200,
                              "@postmark/messages-page2.json");
  serve_details (f);
  dlv_test_server_add_status (f->server, "GET", "/bounces?", 200, "@postmark/bounces-page.json");
}

static void
serve_documented (DlvProviderFixture *f)
{
  serve_events (f);
  serve_domains (f);
}

static void
serve_empty (DlvProviderFixture *f)
{
  dlv_test_server_add_status (f->server, "GET", "/messages/outbound?", 200, "@postmark/messages-empty.json");
  dlv_test_server_add_status (f->server, "GET", "/bounces?", 200, "@postmark/bounces-empty.json");
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
assert_logged (DlvProviderFixture *f,
               const char         *match,
               guint               times)
{
  g_assert_cmpuint (dlv_test_server_count (f->server, match), ==, times);
}

static void
test_poll_pages (DlvProviderFixture *f,
                 gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = postmark (f, ACCOUNT, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvMessage) opened = NULL;
  g_autoptr(DlvMessage) retried = NULL;
  g_autoptr(DlvMessage) bounced = NULL;
  g_autoptr(DlvMessage) queued = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  g_autoptr(GPtrArray) log = NULL;
  g_autofree char *events = NULL;
  DlvPollStats stats;

  serve_documented (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);

  /* Two search pages, each message's details right after its page, then
   * the bounces: three pages, eight requests before the domains. */
  g_assert_cmpuint (stats.pages, ==, 3);
  g_assert_cmpuint (stats.events_added, ==, 11);
  g_assert_cmpuint (stats.events_skipped, ==, 0);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 11);
  g_assert_cmpuint (dlv_test_count_messages (f->store), ==, 4);

  log = dlv_test_server_get_log (f->server);
  g_assert_cmpuint (log->len, >=, 7);
  g_assert_cmpstr (g_ptr_array_index (log, 0), ==, "GET /messages/outbound?count=2&offset=0&" FIRST_WINDOW);
  g_assert_cmpstr (g_ptr_array_index (log, 1), ==, "GET " DETAILS (MSG_A));
  g_assert_cmpstr (g_ptr_array_index (log, 2), ==, "GET " DETAILS (MSG_B));
  g_assert_cmpstr (g_ptr_array_index (log, 3), ==, "GET /messages/outbound?count=2&offset=2&" FIRST_WINDOW);
  g_assert_cmpstr (g_ptr_array_index (log, 4), ==, "GET " DETAILS (MSG_C));
  g_assert_cmpstr (g_ptr_array_index (log, 5), ==, "GET " DETAILS (MSG_D));
  g_assert_cmpstr (g_ptr_array_index (log, 6), ==, "GET /bounces?count=500&offset=0&" FIRST_WINDOW);

  /* Delivered, opened and clicked, then a late spam complaint read from
   * /bounces with only its TypeCode. */
  opened = dlv_test_find_message (f->store, MSG_A);
  g_assert_nonnull (opened);
  g_assert_cmpstr (opened->subject, ==, "Your invoice 2026-0117");
  g_assert_cmpstr (opened->campaign, ==, "invoice");
  g_assert_cmpstr (opened->recipient, ==, "alice@example.org");
  g_assert_cmpstr (opened->mx, ==, "aspmx.l.google.com");
  events = dlv_test_message_events (f->store, MSG_A);
  g_assert_cmpstr (events, ==, "accepted@1768466120 delivered@1768466123 opened@1768467720 "
                               "clicked@1768467750 spam_complaint@1768469400");
  g_clear_pointer (&events, g_free);

  /* Deferred for a full mailbox, delivered on the next attempt. */
  retried = dlv_test_find_message (f->store, MSG_B);
  g_assert_cmpint (retried->status, ==, DLV_MESSAGE_STATUS_DELIVERED);
  g_assert_cmpint (retried->attempts, ==, 2);
  g_assert_cmpint (retried->first_deferred_at, ==, 1768466183);
  g_assert_cmpint (retried->expires_at, ==, 1768466183 + 72 * 3600);
  g_assert_cmpint (retried->reason_info.smtp_code, ==, 452);
  g_assert_cmpstr (retried->reason_info.enhanced_code, ==, "4.2.2");
  g_assert_cmpstr (retried->reason, ==, "452 4.2.2 The email account that you tried to reach is over quota.");
  events = dlv_test_message_events (f->store, MSG_B);
  g_assert_cmpstr (events, ==, "accepted@1768466121 deferred@1768466183 delivered@1768467130");
  g_clear_pointer (&events, g_free);

  /* The timeline's "Bounced" only names the bounce: its type came from /bounces. */
  bounced = dlv_test_find_message (f->store, MSG_C);
  g_assert_cmpint (bounced->status, ==, DLV_MESSAGE_STATUS_HARD_BOUNCE);
  g_assert_cmpint (bounced->reason_info.smtp_code, ==, 550);
  g_assert_cmpstr (bounced->reason_info.enhanced_code, ==, "5.1.1");
  events = dlv_test_message_events (f->store, MSG_C);
  g_assert_cmpstr (events, ==, "accepted@1768466122 hard_bounce@1768466124");

  /* Received without an offset: Eastern time. Still queued, so followed. */
  queued = dlv_test_find_message (f->store, MSG_D);
  g_assert_cmpint (queued->status, ==, DLV_MESSAGE_STATUS_ACCEPTED);
  g_assert_cmpint (queued->first_event_at, ==, 1768466400);
  g_assert_cmpstr (queued->recipient, ==, "dave@example.com");

  stored = account (f);
  g_assert_cmpstr (stored->cursor, ==, "pm1;bdone=1768470900;checked=1768471200;done=1768470900;"
                                       "pending=" MSG_D ".1768466400");
  g_assert_null (stored->last_error);
  g_assert_null (stored->history_gap);
}

static void
test_auth_headers (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = postmark (f, ACCOUNT, NOW);
  g_autoptr(DlvEventPage) page = NULL;
  g_autoptr(GPtrArray) domains = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *server_token = NULL;
  g_autofree char *account_token = NULL;
  g_autofree char *accept = NULL;

  serve_documented (f);
  page = dlv_provider_fetch_page_sync (provider, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (page->more);
  server_token = dlv_test_server_last_header (f->server, "X-Postmark-Server-Token");
  account_token = dlv_test_server_last_header (f->server, "X-Postmark-Account-Token");
  accept = dlv_test_server_last_header (f->server, "Accept");
  g_assert_cmpstr (server_token, ==, KEY);
  g_assert_null (account_token);
  g_assert_cmpstr (accept, ==, "application/json");
  g_clear_pointer (&server_token, g_free);

  /* The Domains API takes the account token, and only that. */
  domains = dlv_provider_fetch_domains_sync (provider, NULL, &error);
  g_assert_no_error (error);
  account_token = dlv_test_server_last_header (f->server, "X-Postmark-Account-Token");
  server_token = dlv_test_server_last_header (f->server, "X-Postmark-Server-Token");
  g_assert_cmpstr (account_token, ==, ACCOUNT);
  g_assert_null (server_token);
  g_clear_pointer (&server_token, g_free);

  /* And the server token is back for the next page. */
  g_clear_pointer (&page, dlv_event_page_free);
  page = dlv_provider_fetch_page_sync (provider, NULL, NULL, &error);
  g_assert_no_error (error);
  server_token = dlv_test_server_last_header (f->server, "X-Postmark-Server-Token");
  g_assert_cmpstr (server_token, ==, KEY);
}

static void
test_poll_again_no_duplicates (DlvProviderFixture *f,
                               gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = postmark (f, ACCOUNT, NOW);
  g_autoptr(GError) error = NULL;
  DlvPollStats stats;

  serve_documented (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));

  /* An hour later the server answers the same pages again. */
  dlv_provider_set_now (provider, NOW + 3600);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (stats.events_added, ==, 0);
  /* The queued message read again (1), both search pages (9), the bounces (2). */
  g_assert_cmpuint (stats.events_duplicate, ==, 12);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 11);
  g_assert_cmpuint (dlv_test_count_messages (f->store), ==, 4);
  /* The second round starts where the first one ended. */
  assert_logged (f, "fromdate=2026-01-15T04:55:00&todate=2026-01-15T05:55:00", 3);
  assert_logged (f, DETAILS (MSG_D), 3);
}

/* A deferred message is read again on a later round, and its delivery
 * found there. */
static void
test_recheck_delivered (DlvProviderFixture *f,
                        gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = postmark (f, NULL, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvMessage) deferred = NULL;
  g_autoptr(DlvMessage) delivered = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  g_autofree char *events = NULL;
  DlvPollStats stats;

  serve_empty (f);
  dlv_test_server_add_status (f->server, "GET", "/messages/outbound?count=2&offset=0&" FIRST_WINDOW, 200,
                              "@postmark/messages-B.json");
  dlv_test_server_add_status (f->server, "GET", DETAILS (MSG_B), 200, "@postmark/details-B-transient.json");
  dlv_test_server_add_status (f->server, "GET", DETAILS (MSG_B), 200, "@postmark/details-B.json");

  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  deferred = dlv_test_find_message (f->store, MSG_B);
  g_assert_cmpint (deferred->status, ==, DLV_MESSAGE_STATUS_DEFERRED);
  stored = account (f);
  g_assert_nonnull (strstr (stored->cursor, "pending=" MSG_B ".1768466121"));
  g_clear_pointer (&stored, dlv_account_free);

  /* Five minutes later it is not due for a second look yet. */
  dlv_provider_set_now (provider, NOW + 300);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  assert_logged (f, DETAILS (MSG_B), 1);

  /* Fifteen minutes later it is, and Postmark has delivered it. */
  dlv_provider_set_now (provider, NOW + 900);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  assert_logged (f, DETAILS (MSG_B), 2);
  g_assert_cmpuint (stats.events_added, ==, 1);
  g_assert_cmpuint (stats.events_duplicate, ==, 2);

  delivered = dlv_test_find_message (f->store, MSG_B);
  g_assert_cmpint (delivered->status, ==, DLV_MESSAGE_STATUS_DELIVERED);
  events = dlv_test_message_events (f->store, MSG_B);
  g_assert_cmpstr (events, ==, "accepted@1768466121 deferred@1768466183 delivered@1768467130");

  /* Nothing is followed any more. */
  stored = account (f);
  g_assert_null (strstr (stored->cursor, "pending="));
  g_assert_nonnull (strstr (stored->cursor, "checked=1768472100"));

  dlv_provider_set_now (provider, NOW + 3600);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  assert_logged (f, DETAILS (MSG_B), 2);
}

/* A message still deferred when the retry window closes is no longer
 * followed, and the store calls it expired. */
static void
test_recheck_expires (DlvProviderFixture *f,
                      gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = postmark (f, NULL, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvMessage) expired = NULL;
  g_autoptr(DlvAccount) stored = NULL;

  serve_empty (f);
  dlv_test_server_add_status (f->server, "GET", "/messages/outbound?count=2&offset=0&" FIRST_WINDOW, 200,
                              "@postmark/messages-B.json");
  dlv_test_server_add_status (f->server, "GET", DETAILS (MSG_B), 200, "@postmark/details-B-transient.json");
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, NULL, NULL, &error));

  dlv_provider_set_now (provider, 1768466121 + 73 * 3600);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_logged (f, DETAILS (MSG_B), 2);

  stored = account (f);
  g_assert_null (strstr (stored->cursor, "pending="));
  expired = dlv_test_find_message (f->store, MSG_B);
  g_assert_cmpint (dlv_message_get_status (expired, 1768466121 + 73 * 3600), ==, DLV_MESSAGE_STATUS_EXPIRED);
}

static gboolean
have_eastern_rules (void)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("America/New_York");

  if (zone == NULL)
    g_test_skip ("No time zone data for America/New_York");
  return zone != NULL;
}

/* In July New York is on daylight time: four hours behind UTC. */
static void
test_eastern_daylight_window (DlvProviderFixture *f,
                              gconstpointer       data)
{
  gint64 july = 1784131200;     /* 2026-07-15T16:00:00Z, 12:00 EDT */
  g_autoptr(DlvProvider) provider = postmark (f, NULL, july);
  g_autoptr(GError) error = NULL;

  if (!have_eastern_rules ())
    return;

  serve_empty (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_logged (f, "/messages/outbound?count=2&offset=0&fromdate=2026-07-08T12:00:00&todate=2026-07-15T11:55:00", 1);
  assert_logged (f, "/bounces?count=500&offset=0&fromdate=2026-07-08T12:00:00&todate=2026-07-15T11:55:00", 1);
}

/* The autumn hour happens twice in New York: a window touching it is
 * widened so that either reading of the wall time covers it. */
static void
test_eastern_autumn_hour (DlvProviderFixture *f,
                          gconstpointer       data)
{
  gint64 first_half = 1793511000;       /* 01:30 EDT on 2026-11-01 */
  gint64 second_half = 1793514600;      /* 01:30 EST, an hour later */
  g_autoptr(DlvProvider) provider = NULL;
  g_autoptr(DlvEventPage) seed = dlv_event_page_new ();
  g_autoptr(GError) error = NULL;
  char *text;

  if (!have_eastern_rules ())
    return;

  text = dlv_postmark_eastern_time (1768471200, FALSE);
  g_assert_cmpstr (text, ==, "2026-01-15T05:00:00");
  g_free (text);
  text = dlv_postmark_eastern_time (first_half, FALSE);
  g_assert_cmpstr (text, ==, "2026-11-01T00:30:00");
  g_free (text);
  text = dlv_postmark_eastern_time (first_half, TRUE);
  g_assert_cmpstr (text, ==, "2026-11-01T01:30:00");
  g_free (text);
  text = dlv_postmark_eastern_time (second_half, FALSE);
  g_assert_cmpstr (text, ==, "2026-11-01T01:30:00");
  g_free (text);
  text = dlv_postmark_eastern_time (second_half, TRUE);
  g_assert_cmpstr (text, ==, "2026-11-01T02:30:00");
  g_free (text);

  /* A round over the change, as the request log shows it. */
  provider = postmark (f, NULL, second_half + 60 + DLV_POSTMARK_SETTLE_SECONDS);
  seed->next_cursor = g_strdup ("pm1;done=1793511000;bdone=1793511000");
  g_assert_true (dlv_store_ingest_page (f->store, f->account_id, seed, NULL, &error));
  serve_empty (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_logged (f, "/messages/outbound?count=2&offset=0&fromdate=2026-11-01T00:30:00&todate=2026-11-01T02:31:00", 1);
}

/* offset + count may not pass 10,000: a window with more is halved. */
static void
test_search_limit (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = postmark (f, NULL, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) log = NULL;
  DlvTestReply crowded = { .status = 200, .body = "{\"TotalCount\": 15000, \"Messages\": []}" };
  DlvTestReply fits = { .status = 200, .body = "@postmark/messages-B.json" };

  serve_empty (f);
  dlv_test_server_add (f->server, "GET", "/messages/outbound?count=2&offset=0&", &crowded);
  dlv_test_server_add (f->server, "GET", "/messages/outbound?count=2&offset=0&", &fits);
  dlv_test_server_add_status (f->server, "GET", DETAILS (MSG_B), 200, "@postmark/details-B.json");

  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, NULL, NULL, &error));
  g_assert_no_error (error);

  log = dlv_test_server_get_log (f->server);
  g_assert_cmpstr (g_ptr_array_index (log, 0), ==, "GET /messages/outbound?count=2&offset=0&" FIRST_WINDOW);
  /* Half the week: 2026-01-11T21:57:30Z. */
  g_assert_cmpstr (g_ptr_array_index (log, 1), ==,
                   "GET /messages/outbound?count=2&offset=0&fromdate=2026-01-08T05:00:00&todate=2026-01-11T16:57:30");
  assert_logged (f, "fromdate=2026-01-11T16:57:30&todate=2026-01-15T04:55:00", 1);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 3);
}

static void
test_rate_limited (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = postmark (f, ACCOUNT, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  DlvTestReply limited = { .status = 429, .body = "{\"ErrorCode\": 429, \"Message\": \"Too many requests\"}",
                           .retry_after = "7" };
  DlvPollStats stats;

  dlv_test_server_add (f->server, "GET", "/messages/outbound?count=2&offset=0&", &limited);
  serve_documented (f);

  g_assert_false (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_RATE_LIMITED);
  g_assert_nonnull (strstr (error->message, "Postmark"));
  g_assert_cmpint (dlv_provider_get_last_reply (provider)->status, ==, 429);
  g_assert_cmpint (dlv_provider_get_last_reply (provider)->retry_after, ==, 7);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 0);
  stored = account (f);
  g_assert_null (stored->cursor);
  g_assert_cmpstr (stored->last_error, ==, error->message);
  g_clear_error (&error);

  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 11);
}

static void
test_unauthorized (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = postmark (f, NULL, NOW);
  DlvTestReply refused = { .status = 401, .body = "{\"ErrorCode\": 10, \"Message\": \"No Account or Server API tokens were supplied\"}" };
  g_autoptr(GError) error = dlv_test_poll_refused (f, provider, "GET", "/messages/", &refused,
                                                   DLV_PROVIDER_ERROR_UNAUTHORIZED);

  g_assert_nonnull (strstr (error->message, "Postmark"));
}

/* A server error mid-traversal keeps the page before it and resumes at
 * the offset it stopped at. */
static void
test_server_error_resumes (DlvProviderFixture *f,
                           gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = postmark (f, ACCOUNT, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  DlvPollStats stats;

  dlv_test_server_add_status (f->server, "GET", "/messages/outbound?count=2&offset=2&", 500,
                              "{\"ErrorCode\": 500, \"Message\": \"Internal error\"}");
  serve_documented (f);

  g_assert_false (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_SERVER);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 7);
  stored = account (f);
  g_assert_nonnull (strstr (stored->cursor, "offset=2"));
  g_assert_nonnull (strstr (stored->cursor, "phase=messages"));
  g_clear_error (&error);

  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.events_added, ==, 4);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 11);
  assert_logged (f, "/messages/outbound?count=2&offset=0&", 1);
  assert_logged (f, "/messages/outbound?count=2&offset=2&" FIRST_WINDOW, 2);
  assert_logged (f, DETAILS (MSG_A), 1);
}

/* A failed details call fails its page, which is read again whole. */
static void
test_details_error_retries_page (DlvProviderFixture *f,
                                 gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = postmark (f, ACCOUNT, NOW);
  g_autoptr(GError) error = NULL;

  dlv_test_server_add_status (f->server, "GET", DETAILS (MSG_C), 503, "Service Unavailable");
  serve_documented (f);

  g_assert_false (dlv_poll_account_sync (f->store, f->account_id, provider, 0, NULL, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_SERVER);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 7);
  g_clear_error (&error);

  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 11);
  assert_logged (f, DETAILS (MSG_C), 2);
  assert_logged (f, DETAILS (MSG_D), 1);
}

/* A message Postmark no longer has (422, ErrorCode 701) keeps what the
 * search said about it and is not followed. */
static void
test_details_gone (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = postmark (f, NULL, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) stored = NULL;

  serve_empty (f);
  dlv_test_server_add_status (f->server, "GET", "/messages/outbound?count=2&offset=0&", 200,
                              "@postmark/messages-B.json");
  dlv_test_server_add_status (f->server, "GET", DETAILS (MSG_B), 422,
                              "{\"ErrorCode\": 701, \"Message\": \"This message was not found.\"}");

  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 1);
  stored = account (f);
  g_assert_null (strstr (stored->cursor, "pending="));
}

static void
test_slow_answer (DlvProviderFixture *f,
                  gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = postmark (f, NULL, NOW);

  dlv_test_assert_poll_broken (f, provider, "GET", "/messages/outbound?", "@postmark/messages-page1.json",
                               DLV_TEST_REPLY_SLOW, DLV_PROVIDER_ERROR_TIMEOUT);
}

static void
test_truncated_answer (DlvProviderFixture *f,
                       gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = postmark (f, NULL, NOW);

  dlv_test_assert_poll_broken (f, provider, "GET", "/messages/outbound?", "@postmark/messages-page1.json",
                               DLV_TEST_REPLY_TRUNCATED, DLV_PROVIDER_ERROR_NETWORK);
}

#define H1 "11111111-2222-4333-8444-555555555555"
#define H8 "88888888-2222-4333-8444-555555555555"

/* Wrong types, unsafe ids, unreadable times, a 10 MB subject, invalid
 * UTF-8 and a details answer nested too deep: each skips its message or
 * event with a count, and the rest is kept. */
static void
test_hostile_page (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = postmark (f, NULL, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvMessage) big = NULL;
  g_autoptr(DlvMessage) nested = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  g_autofree char *subject = g_strnfill (10 * 1024 * 1024, 'x');
  g_autofree char *deep_open = g_strnfill (100, '[');
  g_autofree char *deep_close = g_strnfill (100, ']');
  g_autofree char *deep = g_strdup_printf ("{\"MessageEvents\": %s%s}", deep_open, deep_close);
  g_autofree char *list = g_strdup_printf (
    "{\"TotalCount\": 8, \"Messages\": ["
    "{\"MessageID\": \"" H1 "\", \"ReceivedAt\": \"2026-01-15T03:35:20-05:00\", \"Subject\": \"%s\","
    " \"Recipients\": [\"h1@example.org\"]},"
    "{\"MessageID\": 42, \"ReceivedAt\": \"2026-01-15T03:35:20-05:00\"},"
    "{\"MessageID\": \"../../domains\", \"ReceivedAt\": \"2026-01-15T03:35:20-05:00\"},"
    "{\"MessageID\": \"44444444-2222-4333-8444-555555555555\", \"ReceivedAt\": \"soon\"},"
    "42, null, \"text\","
    "{\"MessageID\": \"" H8 "\", \"ReceivedAt\": \"2026-01-15T03:35:30-05:00\", \"Subject\": \"Caf\xc3\xa9 \xff\","
    " \"To\": [{\"Email\": \"h8@example.org\"}]}"
    "]}", subject);
  const char *details =
    "{\"MessageID\": \"" H1 "\", \"ReceivedAt\": \"2026-01-15T03:35:20-05:00\", \"MessageEvents\": ["
    "{\"Recipient\": \"h1@example.org\", \"Type\": \"Delivered\", \"ReceivedAt\": \"2026-01-15T03:35:25-05:00\","
    " \"Details\": {\"DeliveryMessage\": \"250 OK\"}},"
    "{\"Type\": \"Delivered\", \"ReceivedAt\": 5},"
    "{\"Type\": [\"x\"]},"
    "\"Delivered\","
    "{\"Type\": \"Transient\", \"ReceivedAt\": \"2026-01-15T03:35:21-05:00\", \"Details\": {\"DeliveryMessage\": {\"nested\": true}}},"
    "{\"Type\": \"Processed\", \"ReceivedAt\": \"2026-01-15T03:35:20-05:00\"}"
    "]}";
  const char *bounces =
    "{\"TotalCount\": \"3\", \"Bounces\": ["
    "{\"ID\": 76, \"Type\": \"HardBounce\", \"MessageID\": \"" H1 "\", \"BouncedAt\": \"2026-01-15T03:40:00-05:00\","
    " \"Details\": \"smtp;550 5.1.1 unknown\", \"Email\": \"h1@example.org\"},"
    "{\"ID\": 77, \"Type\": \"HardBounce\", \"MessageID\": \"x/y\", \"BouncedAt\": \"2026-01-15T03:40:00-05:00\"},"
    "{\"ID\": \"78\", \"TypeCode\": \"100001\", \"MessageID\": \"" H8 "\", \"BouncedAt\": \"2026-01-15T04:40:00-05:00\"}"
    "]}";
  DlvPollStats stats;

  dlv_postmark_provider_set_page_size (DLV_POSTMARK_PROVIDER (provider), 50);
  dlv_test_server_add_status (f->server, "GET", "/messages/outbound?", 200, list);
  dlv_test_server_add_status (f->server, "GET", DETAILS (H1), 200, details);
  dlv_test_server_add_status (f->server, "GET", DETAILS (H8), 200, deep);
  dlv_test_server_add_status (f->server, "GET", "/bounces?", 200, bounces);

  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  /* H1: accepted, delivered, deferred, hard bounce; H8: accepted, complaint. */
  g_assert_cmpuint (stats.events_added, ==, 6);
  /* Six listed messages, three timeline entries, H8's details, one bounce. */
  g_assert_cmpuint (stats.events_skipped, ==, 11);
  assert_logged (f, "domains", 0);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 6);

  big = dlv_test_find_message (f->store, H1);
  g_assert_cmpint (big->status, ==, DLV_MESSAGE_STATUS_HARD_BOUNCE);
  g_assert_cmpuint (strlen (big->subject), <=, 64 * 1024);
  nested = dlv_test_find_message (f->store, H8);
  g_assert_cmpstr (nested->subject, ==, "Café \xef\xbf\xbd");
  g_assert_cmpstr (nested->recipient, ==, "h8@example.org");

  /* H8's unreadable details are tried again on a later round. */
  stored = account (f);
  g_assert_nonnull (strstr (stored->cursor, "pending=" H8 "."));
}

/* Without the optional account token, domains are not read, polling goes
 * on, and the account says what to add. */
static void
test_domains_without_token (DlvProviderFixture *f,
                            gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = postmark (f, NULL, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) domains = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  DlvPollStats stats;

  serve_documented (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.domains, ==, 0);
  assert_logged (f, "/domains", 0);
  domains = dlv_store_list_domains (f->store, f->account_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (domains->len, ==, 0);
  /* The events are in and fresh; the account says what would show domains. */
  stored = account (f);
  g_assert_cmpint (stored->last_success_at, >, 0);
  g_assert_nonnull (strstr (stored->last_error, "account API token"));
}

static const DlvDomain *
find_domain (GPtrArray  *domains,
             const char *name)
{
  for (guint i = 0; i < domains->len; i++)
    if (g_strcmp0 (((DlvDomain *) g_ptr_array_index (domains, i))->domain, name) == 0)
      return g_ptr_array_index (domains, i);

  return NULL;
}

static void
test_domains (DlvProviderFixture *f,
              gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = postmark (f, ACCOUNT, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) domains = NULL;
  const DlvDomainRecord *row;
  const DlvDomain *domain;
  DlvPollStats stats;

  serve_documented (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.domains, ==, 3);
  assert_logged (f, "/domains?count=500&offset=0", 1);
  domains = dlv_store_list_domains (f->store, f->account_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (domains->len, ==, 3);

  /* Verified DKIM, a single key mirrored, a Return-Path not found yet. */
  domain = find_domain (domains, "example.com");
  g_assert_nonnull (domain);
  row = &domain->records[DLV_RECORD_DKIM1];
  g_assert_cmpint (row->status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (row->host, ==, "20260101120000pm._domainkey.example.com");
  g_assert_cmpstr (row->type, ==, "TXT");
  g_assert_true (g_str_has_prefix (row->expected, "k=rsa;p=MIGf"));
  g_assert_null (row->detail);
  row = &domain->records[DLV_RECORD_DKIM2];
  g_assert_cmpint (row->status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (row->host, ==, "20260101120000pm._domainkey.example.com");
  g_assert_nonnull (strstr (row->detail, "single DKIM key"));
  row = &domain->records[DLV_RECORD_SPF_RETURN_PATH];
  g_assert_cmpint (row->status, ==, DLV_RECORD_STATUS_INVALID);
  g_assert_cmpstr (row->host, ==, "pm-bounces.example.com");
  g_assert_cmpstr (row->type, ==, "CNAME");
  g_assert_cmpstr (row->expected, ==, "pm.mtasv.net");
  g_assert_nonnull (row->detail);
  row = &domain->records[DLV_RECORD_DMARC];
  g_assert_cmpint (row->status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (row->host, ==, "_dmarc.example.com");

  /* A new domain: its first key pending, no Return-Path; DMARC from the parent. */
  domain = find_domain (domains, "news.example.com");
  g_assert_nonnull (domain);
  row = &domain->records[DLV_RECORD_DKIM1];
  g_assert_cmpint (row->status, ==, DLV_RECORD_STATUS_UNKNOWN);
  g_assert_cmpstr (row->host, ==, "20260110000000pm._domainkey.news.example.com");
  g_assert_nonnull (row->detail);
  row = &domain->records[DLV_RECORD_SPF_RETURN_PATH];
  g_assert_cmpint (row->status, ==, DLV_RECORD_STATUS_MISSING);
  g_assert_cmpstr (row->host, ==, "pm-bounces.news.example.com");
  g_assert_cmpstr (row->expected, ==, "pm.mtasv.net");
  g_assert_nonnull (row->detail);
  g_assert_cmpint (domain->records[DLV_RECORD_DMARC].status, ==, DLV_RECORD_STATUS_VALID);

  /* A rotation: a weak current key, the new one verified; the older SPF
   * record; booleans as strings; no DMARC at all. */
  domain = find_domain (domains, "mail.example.org");
  g_assert_nonnull (domain);
  row = &domain->records[DLV_RECORD_DKIM1];
  g_assert_cmpint (row->status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_nonnull (strstr (row->detail, "weak"));
  row = &domain->records[DLV_RECORD_DKIM2];
  g_assert_cmpint (row->status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (row->host, ==, "20260112000000pm._domainkey.mail.example.org");
  row = &domain->records[DLV_RECORD_SPF_RETURN_PATH];
  g_assert_cmpint (row->status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (row->type, ==, "TXT");
  g_assert_cmpstr (row->expected, ==, "v=spf1 a mx include:spf.mtasv.net ~all");
  g_assert_cmpint (domain->records[DLV_RECORD_DMARC].status, ==, DLV_RECORD_STATUS_MISSING);
}

/* A wrong account token says so, in words about that token, and the
 * events are still read. */
static void
test_domains_wrong_token (DlvProviderFixture *f,
                          gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = postmark (f, ACCOUNT, NOW);
  g_autoptr(DlvAccessReport) report = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  g_autoptr(GPtrArray) domains = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sentence = NULL;

  serve_events (f);
  dlv_test_server_add_status (f->server, "GET", "/domains?", 401,
                              "{\"ErrorCode\": 10, \"Message\": \"Bad or missing API token\"}");

  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 11);
  stored = account (f);
  g_assert_nonnull (stored->last_error);
  g_assert_nonnull (strstr (stored->last_error, "account token"));

  domains = dlv_provider_fetch_domains_sync (provider, NULL, &error);
  g_assert_null (domains);
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_UNAUTHORIZED);
  g_assert_nonnull (strstr (error->message, "account token"));

  report = dlv_provider_test_access_sync (provider, NULL);
  g_assert_true (report->events_ok);
  g_assert_false (report->domains_ok);
  sentence = dlv_access_report_describe (report);
  g_assert_nonnull (strstr (sentence, "can read delivery events"));
  g_assert_nonnull (strstr (sentence, "account token"));
}

static void
test_security (DlvProviderFixture *f,
               gconstpointer       data)
{
  const DlvProviderInfo *info = dlv_providers_lookup ("postmark");
  DlvAccountSettings plain = { NULL, NULL, (char *) "http://api.postmarkapp.com" };
  DlvAccountSettings normal = { NULL, NULL, NULL };
  g_autoptr(DlvProvider) refused = NULL;
  g_autoptr(DlvProvider) provider = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (info);
  g_assert_cmpuint (info->retry_window_hours, ==, 72);
  g_assert_cmpuint (info->needs & DLV_PROVIDER_NEEDS_SECRET, ==, 0);
  g_assert_nonnull (info->secret_label);

  refused = dlv_providers_create (info, &plain, KEY, NULL, &error);
  g_assert_null (refused);
  g_assert_nonnull (strstr (error->message, "https"));
  g_clear_error (&error);

  g_assert_null (dlv_providers_create (info, &normal, "", NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_UNAUTHORIZED);
  g_clear_error (&error);

  /* No secret needed: the account token is optional. */
  provider = dlv_providers_create (info, &normal, KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dlv_provider_get_base_url (provider), ==, "https://api.postmarkapp.com");

  g_assert_null (dlv_provider_fetch_page_sync (provider, "mg1;begin=5", NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_CURSOR);
}

static void
test_import (DlvProviderFixture *f,
             gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = postmark (f, NULL, NOW);
  g_autofree char *search = dlv_test_server_fixture ("postmark/messages-page1.json");
  g_autofree char *details = dlv_test_server_fixture ("postmark/details-B.json");
  g_autofree char *bounces = dlv_test_server_fixture ("postmark/bounces-page.json");
  const char *hooks =
    "[{\"RecordType\": \"Delivery\", \"MessageID\": \"" MSG_A "\", \"Recipient\": \"alice@example.org\","
    "  \"DeliveredAt\": \"2026-01-15T03:35:23.1-05:00\", \"Details\": \"250 2.0.0 OK  1768466123 a1si\","
    "  \"Tag\": \"invoice\", \"ServerID\": 23},"
    " {\"RecordType\": \"Bounce\", \"ID\": 4323372036, \"Type\": \"HardBounce\", \"TypeCode\": 1,"
    "  \"MessageID\": \"" MSG_C "\", \"Email\": \"carol@invalid-example.com\","
    "  \"BouncedAt\": \"2026-01-15T03:35:24.6421112-05:00\", \"Details\": \"smtp;550 5.1.1 No such user\"},"
    " {\"RecordType\": \"Open\", \"MessageID\": \"" MSG_A "\", \"Recipient\": \"alice@example.org\","
    "  \"ReceivedAt\": \"2026-01-15T04:02:00-05:00\", \"FirstOpen\": true},"
    " {\"RecordType\": \"SubscriptionChange\", \"MessageID\": \"" MSG_B "\", \"Recipient\": \"bob@example.net\","
    "  \"ChangedAt\": \"2026-01-16T10:00:00-05:00\", \"SuppressSending\": true, \"SuppressionReason\": \"ManualSuppression\"},"
    " {\"RecordType\": \"Inbound\", \"MessageID\": \"" MSG_B "\"},"
    " {\"RecordType\": \"Click\", \"MessageID\": 7}]";
  const char *ndjson =
    "{\"RecordType\": \"SpamComplaint\", \"ID\": \"4323372099\", \"Type\": \"SpamComplaint\", \"TypeCode\": 100001,"
    " \"MessageID\": \"" MSG_A "\", \"Email\": \"alice@example.org\", \"BouncedAt\": \"2026-01-15T04:30:00.1234567-05:00\"}\n"
    "not json\n"
    "{\"RecordType\": \"Click\", \"MessageID\": \"" MSG_A "\", \"Recipient\": \"alice@example.org\","
    " \"ReceivedAt\": \"2026-01-15T04:02:30-05:00\", \"OriginalLink\": \"https://example.com/invoice/4711\"}\n";
  g_autoptr(DlvEventPage) page = NULL;
  g_autoptr(GError) error = NULL;
  DlvIngestStats ingest;
  DlvEvent *event;

  /* A search page: its messages as accepted. */
  page = dlv_import_parse ("postmark", search, strlen (search), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->events->len, ==, 2);
  g_assert_null (page->next_cursor);
  g_assert_false (page->more);
  g_clear_pointer (&page, dlv_event_page_free);

  /* One message's details: accepted, deferred (with its JSON), delivered. */
  page = dlv_import_parse ("postmark", details, strlen (details), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->events->len, ==, 3);
  event = g_ptr_array_index (page->events, 1);
  g_assert_cmpint (event->kind, ==, DLV_EVENT_KIND_DEFERRED);
  g_assert_cmpint (event->smtp_code, ==, 452);
  g_assert_cmpstr (event->enhanced_code, ==, "4.2.2");
  g_assert_cmpstr (event->mx, ==, "mx1.example.net");
  g_assert_cmpstr (event->recipient, ==, "bob@example.net");
  g_assert_nonnull (strstr (event->raw, "DestinationIP"));
  g_clear_pointer (&page, dlv_event_page_free);

  /* A bounces page; "Content" is not kept with the event. */
  page = dlv_import_parse ("postmark", bounces, strlen (bounces), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->events->len, ==, 2);
  event = g_ptr_array_index (page->events, 1);
  g_assert_cmpstr (event->uid, ==, "postmark-bounce:4323372036");
  g_assert_cmpint (event->kind, ==, DLV_EVENT_KIND_HARD_BOUNCE);
  g_assert_null (strstr (event->raw, "whole returned message"));
  g_clear_pointer (&page, dlv_event_page_free);

  /* Webhooks, as a JSON array: Inbound is not ours, a Click without a
   * usable id is skipped. */
  page = dlv_import_parse ("postmark", hooks, strlen (hooks), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->events->len, ==, 4);
  g_assert_cmpuint (page->skipped, ==, 1);
  g_assert_cmpint (((DlvEvent *) g_ptr_array_index (page->events, 3))->kind, ==, DLV_EVENT_KIND_UNSUBSCRIBED);

  /* The same events as a poll reads them de-duplicate against it. */
  serve_documented (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, NULL, NULL, &error));
  g_assert_true (dlv_store_ingest_page (f->store, f->account_id, page, &ingest, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ingest.events_duplicate, ==, 3);
  g_assert_cmpuint (ingest.events_added, ==, 1);
  g_clear_pointer (&page, dlv_event_page_free);

  /* NDJSON. */
  page = dlv_import_parse ("postmark", ndjson, strlen (ndjson), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->events->len, ==, 2);
  g_assert_cmpuint (page->skipped, ==, 1);
  g_assert_cmpint (((DlvEvent *) g_ptr_array_index (page->events, 0))->kind, ==, DLV_EVENT_KIND_SPAM_COMPLAINT);
  g_clear_pointer (&page, dlv_event_page_free);

  g_assert_null (dlv_import_parse ("postmark", "{\"hello\": 1}", 12, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE);
}

/* Whether a message still needs a second look. */
static gboolean
message_final (const char *json,
               guint      *events)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(DlvEventPage) page = dlv_event_page_new ();
  g_autoptr(GError) error = NULL;
  gboolean final = FALSE;
  gint64 received;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (dlv_postmark_read_message (json_node_get_object (json_parser_get_root (parser)), NULL,
                                            FALSE, page, &received, &final));
  g_assert_cmpint (received, ==, 1768466120);
  *events = page->events->len;
  return final;
}

static void
test_message_outcome (void)
{
#define MESSAGE(extra, timeline) \
  "{\"MessageID\": \"" MSG_A "\", \"ReceivedAt\": \"2026-01-15T03:35:20.4178645-05:00\"," extra \
  " \"MessageEvents\": [" timeline "]}"
#define EVENT(to, type) \
  "{\"Recipient\": \"" to "\", \"Type\": \"" type "\", \"ReceivedAt\": \"2026-01-15T03:36:00-05:00\"}"
  guint events;

  g_assert_true (message_final (MESSAGE ("\"Recipients\": [\"a@x.org\"],", EVENT ("a@x.org", "Delivered")), &events));
  g_assert_cmpuint (events, ==, 2);
  g_assert_false (message_final (MESSAGE ("\"Recipients\": [\"a@x.org\"],", EVENT ("a@x.org", "Transient")), &events));
  /* One of two recipients delivered: the other may still be deferred. */
  g_assert_false (message_final (MESSAGE ("\"Recipients\": [\"a@x.org\", \"b@x.org\"],",
                                          EVENT ("A@X.org", "Delivered")), &events));
  g_assert_true (message_final (MESSAGE ("\"Recipients\": [\"a@x.org\", \"b@x.org\"],",
                                         EVENT ("a@x.org", "Delivered") "," EVENT ("b@x.org", "Bounced")),
                                &events));
  /* "Bounced" ends the wait but its event comes from /bounces. */
  g_assert_cmpuint (events, ==, 2);
  g_assert_false (message_final (MESSAGE ("\"Status\": \"Queued\",", ""), &events));
  g_assert_cmpuint (events, ==, 1);
  /* A sandbox server delivers nothing. */
  g_assert_true (message_final (MESSAGE ("\"Sandboxed\": true,", ""), &events));
#undef MESSAGE
#undef EVENT
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  dlv_test_use_fake_dns (dns);

#define ADD(path, func) \
  g_test_add (path, DlvProviderFixture, NULL, dlv_provider_fixture_set_up, func, dlv_provider_fixture_tear_down)

  ADD ("/postmark/poll/pages", test_poll_pages);
  ADD ("/postmark/poll/auth-headers", test_auth_headers);
  ADD ("/postmark/poll/again-no-duplicates", test_poll_again_no_duplicates);
  ADD ("/postmark/poll/recheck-delivered", test_recheck_delivered);
  ADD ("/postmark/poll/recheck-expires", test_recheck_expires);
  ADD ("/postmark/poll/eastern-daylight", test_eastern_daylight_window);
  ADD ("/postmark/poll/eastern-autumn-hour", test_eastern_autumn_hour);
  ADD ("/postmark/poll/search-limit", test_search_limit);
  ADD ("/postmark/errors/rate-limited", test_rate_limited);
  ADD ("/postmark/errors/unauthorized", test_unauthorized);
  ADD ("/postmark/errors/server-error-resumes", test_server_error_resumes);
  ADD ("/postmark/errors/details-error", test_details_error_retries_page);
  ADD ("/postmark/errors/details-gone", test_details_gone);
  ADD ("/postmark/errors/slow", test_slow_answer);
  ADD ("/postmark/errors/truncated", test_truncated_answer);
  ADD ("/postmark/errors/hostile-page", test_hostile_page);
  ADD ("/postmark/domains/rows", test_domains);
  ADD ("/postmark/domains/without-token", test_domains_without_token);
  ADD ("/postmark/domains/wrong-token", test_domains_wrong_token);
  ADD ("/postmark/security", test_security);
  ADD ("/postmark/import", test_import);
  g_test_add_func ("/postmark/events/message-outcome", test_message_outcome);

  return g_test_run ();
}
