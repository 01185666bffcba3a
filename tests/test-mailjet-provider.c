/* test-mailjet-provider.c: the Mailjet client against a local Mailjet
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "dlv-import.h"
#include "dlv-mailjet-events.h"
#include "dlv-mailjet-provider.h"
#include "dlv-test-util.h"

/* The fixtures' messages arrived from 1768466120 to 1768466160. */
#define NOW 1768470000
#define FIRST_FROM (NOW - 7 * 24 * 3600)
#define KEY "3c2f0a8b9d4e4f1a8c7b6a5d4e3f2a1b"
#define SECRET "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
#define BASIC "Basic M2MyZjBhOGI5ZDRlNGYxYThjN2I2YTVkNGUzZjJhMWI6OWY4ZTdkNmM1YjRhMzkyODE3MDZmNWU0ZDNjMmIxYTA="

/* Beyond 2^53: a double would round these. */
#define OPENED_ID "288230384231612345"
#define DEFERRED_ID "288230384231612346"
#define BOUNCED_ID "288230384231612347"
#define SENT_ID "288230384231612348"
#define BLOCKED_ID "288230384231612349"

static const char * const dns[] = {
  "_dmarc.example.com", "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com",
  NULL,
};

static DlvProvider *
mailjet_for (DlvProviderFixture *f,
             gint64              now,
             const char         *domain)
{
  DlvProvider *provider = dlv_provider_fixture_provider (f, "mailjet", KEY, SECRET, domain);

  dlv_provider_set_now (provider, now);
  return provider;
}

static DlvProvider *
mailjet (DlvProviderFixture *f,
         gint64              now)
{
  return mailjet_for (f, now, NULL);
}

static void
serve_history (DlvProviderFixture *f)
{
  dlv_test_server_add_status (f->server, "GET", "/messagehistory/" DEFERRED_ID, 200, "@mailjet/history-empty.json");
  dlv_test_server_add_status (f->server, "GET", "/messagehistory/" BOUNCED_ID, 200, "@mailjet/history-bounce.json");
  dlv_test_server_add_status (f->server, "GET", "/messagehistory/" BLOCKED_ID, 200, "@mailjet/history-blocked.json");
}

static void
serve_documented_pages (DlvProviderFixture *f)
{
  dlv_test_server_add_status (f->server, "GET", "&Offset=0&", 200, "@mailjet/page1.json");
  dlv_test_server_add_status (f->server, "GET", "&Offset=3&", 200, "@mailjet/page2.json");
  serve_history (f);
  dlv_test_server_add_status (f->server, "GET", "/v3/REST/dns?", 200, "@mailjet/domains.json");
}

static DlvAccount *
account (DlvProviderFixture *f)
{
  g_autoptr(GError) error = NULL;
  DlvAccount *result = dlv_store_get_account (f->store, f->account_id, &error);

  g_assert_no_error (error);
  return result;
}

static DlvDomain *
find_domain (GPtrArray  *domains,
             const char *name)
{
  for (guint i = 0; i < domains->len; i++)
    if (g_strcmp0 (((DlvDomain *) g_ptr_array_index (domains, i))->domain, name) == 0)
      return g_ptr_array_index (domains, i);

  return NULL;
}

static void
assert_poll (DlvProviderFixture *f,
             DlvProvider        *provider,
             DlvPollStats       *stats)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, stats, NULL, &error));
  g_assert_no_error (error);
}

static void
test_poll_pages (DlvProviderFixture *f,
                 gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailjet (f, NOW);
  g_autoptr(DlvMessage) opened = NULL;
  g_autoptr(DlvMessage) deferred = NULL;
  g_autoptr(DlvMessage) bounced = NULL;
  g_autoptr(DlvMessage) sent = NULL;
  g_autoptr(DlvMessage) blocked = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *first = g_strdup_printf ("GET /v3/REST/message?FromTS=%d&ToTS=%d&Limit=1000&Offset=0"
                                            "&ShowSubject=true&ShowContactAlt=true", FIRST_FROM, NOW);
  g_autofree char *cursor = g_strdup_printf ("mj1;mark=%d;recheck=%d", NOW, NOW + 3600);
  g_autofree char *events = NULL;
  g_autoptr(GPtrArray) log = NULL;
  DlvPollStats stats;

  serve_documented_pages (f);
  assert_poll (f, provider, &stats);

  /* Two pages by offset, ended by "Total"; the failures' histories read once each. */
  g_assert_cmpuint (stats.pages, ==, 2);
  g_assert_cmpuint (stats.events_added, ==, 7);
  g_assert_cmpuint (stats.events_skipped, ==, 0);
  g_assert_cmpuint (dlv_test_count_messages (f->store), ==, 5);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 7);
  log = dlv_test_server_get_log (f->server);
  g_assert_cmpstr (g_ptr_array_index (log, 0), ==, first);
  g_assert_cmpuint (dlv_test_server_count (f->server, "/v3/REST/message?"), ==, 2);
  g_assert_cmpuint (dlv_test_server_count (f->server, "&Offset=3&"), ==, 1);
  g_assert_cmpuint (dlv_test_server_count (f->server, "/messagehistory/"), ==, 3);
  g_assert_cmpuint (dlv_test_server_count (f->server, "/messagehistory/" OPENED_ID), ==, 0);

  auth = dlv_test_server_last_header (f->server, "Authorization");
  g_assert_cmpstr (auth, ==, BASIC);

  opened = dlv_test_find_message (f->store, OPENED_ID);
  g_assert_nonnull (opened);
  g_assert_cmpint (opened->status, ==, DLV_MESSAGE_STATUS_DELIVERED);
  g_assert_true (opened->flags & DLV_MESSAGE_FLAG_OPENED);
  g_assert_cmpstr (opened->recipient, ==, "alice@example.org");
  g_assert_cmpstr (opened->subject, ==, "Your invoice 2026-0117");
  g_assert_cmpstr (opened->campaign, ==, "7521984");
  g_assert_null (opened->reason);

  /* A full mailbox, from the coded state alone: Mailjet keeps no deferrals in the history. */
  deferred = dlv_test_find_message (f->store, DEFERRED_ID);
  g_assert_cmpint (deferred->status, ==, DLV_MESSAGE_STATUS_DEFERRED);
  g_assert_cmpint (deferred->attempts, ==, 2);
  g_assert_cmpint (deferred->first_deferred_at, ==, 1768466121);
  g_assert_cmpint (deferred->expires_at, ==, 1768466121 + 72 * 3600);
  g_assert_cmpstr (deferred->reason, ==, "Quota exceeded: the mailbox is full (Mailjet StateID 3)");
  g_assert_cmpint (deferred->reason_info.cause, ==, DLV_REASON_CAUSE_MAILBOX_FULL);
  g_assert_cmpint (deferred->reason_info.smtp_code, ==, 0);

  /* The bounce's history comment is the newest reason, with its codes. */
  bounced = dlv_test_find_message (f->store, BOUNCED_ID);
  g_assert_cmpint (bounced->status, ==, DLV_MESSAGE_STATUS_HARD_BOUNCE);
  g_assert_true (g_str_has_prefix (bounced->reason, "550 5.1.1 <carol@invalid-example.com>"));
  g_assert_cmpint (bounced->reason_info.smtp_code, ==, 550);
  g_assert_cmpstr (bounced->reason_info.enhanced_code, ==, "5.1.1");
  events = dlv_test_message_events (f->store, BOUNCED_ID);
  g_assert_cmpstr (events, ==, "hard_bounce@1768466122 hard_bounce@1768466124");

  /* An ID sent as a string and a time as Unix seconds; a status as its number. */
  sent = dlv_test_find_message (f->store, SENT_ID);
  g_assert_nonnull (sent);
  g_assert_cmpint (sent->status, ==, DLV_MESSAGE_STATUS_DELIVERED);
  g_assert_cmpint (sent->delivered_at, ==, 1768466130);
  g_assert_null (sent->campaign);
  blocked = dlv_test_find_message (f->store, BLOCKED_ID);
  g_assert_cmpint (blocked->status, ==, DLV_MESSAGE_STATUS_BLOCKED);
  g_clear_pointer (&events, g_free);
  events = dlv_test_message_events (f->store, BLOCKED_ID);
  g_assert_cmpstr (events, ==, "blocked@1768466160 blocked@1768466161");
  g_assert_cmpstr (blocked->reason, ==, "Recipient preblocked after repeated hard bounces");

  stored = account (f);
  g_assert_cmpstr (stored->cursor, ==, cursor);
  g_assert_null (stored->last_error);
  g_assert_null (stored->history_gap);
}

static void
test_poll_again_no_duplicates (DlvProviderFixture *f,
                               gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailjet (f, NOW);
  g_autofree char *recent = g_strdup_printf ("FromTS=%d&ToTS=%d&", NOW - 2 * 3600, NOW + 60);
  DlvPollStats stats;

  serve_documented_pages (f);
  assert_poll (f, provider, &stats);
  dlv_provider_set_now (provider, NOW + 60);
  assert_poll (f, provider, &stats);

  g_assert_cmpuint (stats.events_added, ==, 0);
  g_assert_cmpuint (stats.events_duplicate, ==, 5);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 7);
  /* The second round read the recent window again (both pages), and no history: every failure
   * is old news. */
  g_assert_cmpuint (dlv_test_server_count (f->server, recent), ==, 2);
  g_assert_cmpuint (dlv_test_server_count (f->server, "/messagehistory/"), ==, 3);
}

/* A message deferred in one round and delivered before the next is read again: the recent
 * window each round, the whole retry window once an hour. */
static void
test_status_changes (DlvProviderFixture *f,
                     gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailjet (f, NOW);
  g_autoptr(DlvMessage) retried = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  g_autofree char *events = NULL;
  g_autofree char *recent = g_strdup_printf ("FromTS=%d&ToTS=%d&", NOW - 2 * 3600, NOW + 600);
  g_autofree char *recheck = g_strdup_printf ("FromTS=%d&ToTS=%d&", NOW + 600 - 72 * 3600, NOW + 3600);
  g_autofree char *cursor = g_strdup_printf ("mj1;mark=%d;recheck=%d", NOW + 3600, NOW + 7200);
  DlvPollStats stats;

  serve_documented_pages (f);
  assert_poll (f, provider, &stats);

  dlv_test_server_reset (f->server);
  dlv_test_server_add_status (f->server, "GET", "/v3/REST/message?", 200, "@mailjet/page-retried.json");
  dlv_test_server_add_status (f->server, "GET", "/v3/REST/dns?", 200, "@mailjet/domains.json");
  dlv_provider_set_now (provider, NOW + 600);
  assert_poll (f, provider, &stats);

  g_assert_cmpuint (dlv_test_server_count (f->server, recent), ==, 1);
  g_assert_cmpuint (stats.events_added, ==, 1);
  retried = dlv_test_find_message (f->store, DEFERRED_ID);
  g_assert_cmpint (retried->status, ==, DLV_MESSAGE_STATUS_DELIVERED);
  g_assert_cmpint (retried->attempts, ==, 3);
  /* Delivered "Delay" seconds after arrival, not at arrival: 1.5 h into the retry window. */
  g_assert_cmpint (retried->delivered_at, ==, 1768466121 + 5400);
  events = dlv_test_message_events (f->store, DEFERRED_ID);
  g_assert_cmpstr (events, ==, "deferred@1768466121 delivered@1768471521");

  /* An hour on, the whole retry window is read again, from the last mark. */
  dlv_provider_set_now (provider, NOW + 3600);
  assert_poll (f, provider, &stats);
  g_assert_cmpuint (dlv_test_server_count (f->server, recheck), ==, 1);
  g_assert_cmpuint (stats.events_added, ==, 0);
  stored = account (f);
  g_assert_cmpstr (stored->cursor, ==, cursor);
}

/* Without "Total", a page shorter than the limit is the last one. */
static void
test_no_total (DlvProviderFixture *f,
               gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailjet (f, NOW);
  g_autofree char *page = dlv_test_server_fixture ("mailjet/page2.json");
  char *total = strstr (page, "\"Total\": 5");
  DlvPollStats stats;

  g_assert_nonnull (total);
  memcpy (total, "\"Tot\":   5", strlen ("\"Total\": 5"));
  dlv_test_server_add_status (f->server, "GET", "/v3/REST/message?", 200, page);
  serve_history (f);
  dlv_test_server_add_status (f->server, "GET", "/v3/REST/dns?", 200, "@mailjet/empty.json");
  assert_poll (f, provider, &stats);

  g_assert_cmpuint (stats.pages, ==, 1);
  g_assert_cmpuint (stats.events_added, ==, 3);
  g_assert_cmpuint (stats.domains, ==, 0);
  g_assert_cmpuint (dlv_test_server_count (f->server, "/v3/REST/message?"), ==, 1);
}

/* IDs past 2^53 stay exact; one that arrives as a double has lost its digits and is refused. */
static void
test_big_ids (void)
{
  const char *page =
    "{\"Count\":4,\"Total\":4,\"Data\":["
    "{\"ID\":9007199254740993,\"Status\":\"sent\",\"ArrivedAt\":\"2026-01-15T08:35:20Z\"},"
    "{\"ID\":9223372036854775807,\"Status\":\"sent\",\"ArrivedAt\":\"2026-01-15T08:35:20Z\"},"
    "{\"ID\":\"288230384231612399\",\"Status\":\"sent\",\"ArrivedAt\":\"2026-01-15T08:35:20Z\"},"
    "{\"ID\":2.8823038423161235e17,\"Status\":\"sent\",\"ArrivedAt\":\"2026-01-15T08:35:20Z\"},"
    "{\"ID\":-5,\"Status\":\"sent\",\"ArrivedAt\":\"2026-01-15T08:35:20Z\"}"
    "]}";
  g_autoptr(DlvEventPage) parsed = NULL;
  g_autoptr(GError) error = NULL;

  parsed = dlv_mailjet_parse_messages_page (page, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parsed->events->len, ==, 3);
  g_assert_cmpuint (parsed->skipped, ==, 2);
  g_assert_cmpstr (((DlvEvent *) g_ptr_array_index (parsed->events, 0))->message_id, ==, "9007199254740993");
  g_assert_cmpstr (((DlvEvent *) g_ptr_array_index (parsed->events, 1))->message_id, ==, "9223372036854775807");
  g_assert_cmpstr (((DlvEvent *) g_ptr_array_index (parsed->events, 2))->message_id, ==, "288230384231612399");
}

static void
test_coded_reasons (void)
{
  g_autofree char *full = dlv_mailjet_state_reason (3);
  g_autofree char *grey = dlv_mailjet_state_reason (13);
  g_autofree char *internal = dlv_mailjet_state_reason (10);
  g_autofree char *unknown = dlv_mailjet_state_reason (99);
  DlvReasonInfo info;

  g_assert_null (dlv_mailjet_state_reason (0));
  g_assert_null (dlv_mailjet_state_title (0));
  g_assert_cmpstr (dlv_mailjet_state_title (13), ==, "Greylisted: the receiving server asked Mailjet to retry later");
  g_assert_cmpstr (unknown, ==, "A reason Mailjet does not document (Mailjet StateID 99)");

  /* The words carry the signs the classifier reads. */
  dlv_reason_classify (full, &info);
  g_assert_cmpint (info.cause, ==, DLV_REASON_CAUSE_MAILBOX_FULL);
  dlv_reason_classify (grey, &info);
  g_assert_cmpint (info.cause, ==, DLV_REASON_CAUSE_GREYLISTING);
  dlv_reason_classify (internal, &info);
  g_assert_cmpint (info.origin, ==, DLV_REASON_ORIGIN_INTERNAL);
  for (gint64 state = 1; state <= 21; state++)
    {
      g_autofree char *reason = dlv_mailjet_state_reason (state);
      g_autofree char *code = g_strdup_printf ("(Mailjet StateID %" G_GINT64_FORMAT ")", state);

      g_assert_true (g_str_has_suffix (reason, code));
      g_assert_nonnull (dlv_mailjet_state_title (state));
    }
}

/* One history lookup per new failure, at most DLV_MAILJET_HISTORY_PER_ROUND a round; the
 * rest keep their coded reason. */
static void
test_history_budget (DlvProviderFixture *f,
                     gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailjet (f, NOW);
  g_autoptr(GString) page = g_string_new ("{\"Count\":60,\"Total\":60,\"Data\":[");
  DlvPollStats stats;

  for (guint i = 0; i < 60; i++)
    g_string_append_printf (page, "%s{\"ID\":%" G_GINT64_FORMAT ",\"Status\":\"deferred\",\"StateID\":13,"
                            "\"AttemptCount\":1,\"ArrivedAt\":%d}",
                            i > 0 ? "," : "", G_GINT64_CONSTANT (288230384231700000) + i, NOW - 600 + i);
  g_string_append (page, "]}");

  dlv_test_server_add_status (f->server, "GET", "/v3/REST/message?", 200, page->str);
  dlv_test_server_add_status (f->server, "GET", "/messagehistory/", 200, "@mailjet/history-empty.json");
  dlv_test_server_add_status (f->server, "GET", "/v3/REST/dns?", 200, "@mailjet/empty.json");
  assert_poll (f, provider, &stats);

  g_assert_cmpuint (stats.events_added, ==, 60);
  g_assert_cmpuint (dlv_test_server_count (f->server, "/messagehistory/"), ==, DLV_MAILJET_HISTORY_PER_ROUND);
}

/* A history Mailjet refuses leaves the coded reason; a request to slow down ends the lookups
 * of the round, not the round. */
static void
test_history_refused (DlvProviderFixture *f,
                      gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailjet (f, NOW);
  DlvTestReply limited = { .status = 429, .body = "{\"ErrorMessage\":\"Too many requests\"}", .retry_after = "30" };
  g_autoptr(DlvMessage) bounced = NULL;
  DlvPollStats stats;

  dlv_test_server_add_status (f->server, "GET", "&Offset=0&", 200, "@mailjet/page1.json");
  dlv_test_server_add_status (f->server, "GET", "&Offset=3&", 200, "@mailjet/page2.json");
  dlv_test_server_add_status (f->server, "GET", "/messagehistory/" DEFERRED_ID, 500, "{}");
  dlv_test_server_add (f->server, "GET", "/messagehistory/" BOUNCED_ID, &limited);
  dlv_test_server_add_status (f->server, "GET", "/v3/REST/dns?", 200, "@mailjet/empty.json");
  assert_poll (f, provider, &stats);

  g_assert_cmpuint (stats.events_added, ==, 5);
  g_assert_cmpuint (dlv_test_server_count (f->server, "/messagehistory/"), ==, 2);
  bounced = dlv_test_find_message (f->store, BOUNCED_ID);
  g_assert_cmpstr (bounced->reason, ==, "User unknown: the address does not exist (Mailjet StateID 1)");
}

static void
test_rate_limited (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailjet (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  DlvTestReply limited = { .status = 429, .body = "{\"ErrorMessage\":\"Too many requests\"}", .retry_after = "7" };
  DlvPollStats stats;

  dlv_test_server_add (f->server, "GET", "&Offset=0&", &limited);
  serve_documented_pages (f);

  g_assert_false (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_RATE_LIMITED);
  g_assert_nonnull (strstr (error->message, "Mailjet"));
  g_assert_cmpint (dlv_provider_get_last_reply (provider)->status, ==, 429);
  g_assert_cmpint (dlv_provider_get_last_reply (provider)->retry_after, ==, 7);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 0);
  stored = account (f);
  g_assert_null (stored->cursor);
  g_assert_cmpstr (stored->last_error, ==, error->message);
  g_clear_error (&error);

  assert_poll (f, provider, &stats);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 7);
}

static void
test_unauthorized (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailjet (f, NOW);
  DlvTestReply refused = { .status = 401, .body = "" };
  g_autoptr(GError) error = dlv_test_poll_refused (f, provider, "GET", "/v3/REST/", &refused,
                                                   DLV_PROVIDER_ERROR_UNAUTHORIZED);

  g_assert_nonnull (strstr (error->message, "API key"));
}

/* A server error mid-traversal keeps the page before it and resumes at its offset, in the
 * same window, with the history lookups already spent. */
static void
test_server_error_resumes (DlvProviderFixture *f,
                           gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailjet (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  g_autofree char *resumed = g_strdup_printf ("FromTS=%d&ToTS=%d&Limit=1000&Offset=3&", FIRST_FROM, NOW);
  DlvPollStats stats;

  dlv_test_server_add_status (f->server, "GET", "&Offset=0&", 200, "@mailjet/page1.json");
  dlv_test_server_add_status (f->server, "GET", "&Offset=3&", 500, "{\"ErrorMessage\":\"Internal error\"}");
  serve_documented_pages (f);

  g_assert_false (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_SERVER);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 4);
  stored = account (f);
  g_assert_true (g_str_has_prefix (stored->cursor, "mj1;from="));
  g_assert_nonnull (strstr (stored->cursor, "offset=3"));
  g_assert_nonnull (strstr (stored->cursor, "hist=2"));
  g_clear_error (&error);

  /* Later, the clock has moved on: the traversal still ends in its own window. */
  dlv_provider_set_now (provider, NOW + 300);
  assert_poll (f, provider, &stats);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 7);
  g_assert_cmpuint (dlv_test_server_count (f->server, "&Offset=0&"), ==, 1);
  g_assert_cmpuint (dlv_test_server_count (f->server, resumed), ==, 2);
  g_assert_cmpuint (dlv_test_server_count (f->server, "/messagehistory/" BLOCKED_ID), ==, 1);
}

static void
test_slow_answer (DlvProviderFixture *f,
                  gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailjet (f, NOW);

  dlv_test_assert_poll_broken (f, provider, "GET", "/v3/REST/message?", "@mailjet/page1.json",
                               DLV_TEST_REPLY_SLOW, DLV_PROVIDER_ERROR_TIMEOUT);
}

static void
test_truncated_answer (DlvProviderFixture *f,
                       gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailjet (f, NOW);

  dlv_test_assert_poll_broken (f, provider, "GET", "/v3/REST/message?", "@mailjet/page1.json",
                               DLV_TEST_REPLY_TRUNCATED, DLV_PROVIDER_ERROR_NETWORK);
}

/* Wrong types, missing fields, a 10 MB string, invalid UTF-8, numbers as strings: each
 * unreadable item is skipped and counted, the rest of the page is kept. */
static void
test_hostile_page (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailjet (f, NOW);
  g_autoptr(DlvMessage) big = NULL;
  g_autoptr(DlvMessage) deferred = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  g_autofree char *huge = g_strnfill (10 * 1024 * 1024, 'x');
  g_autofree char *page = g_strdup_printf (
    "{\"Count\":\"11\",\"Total\":\"11\",\"Data\":["
    "{\"ID\":288230384231612501,\"Status\":\"sent\",\"ArrivedAt\":\"2026-01-15T08:35:20Z\",\"Subject\":\"%s\","
    " \"ContactAlt\":\"b\xff\xfeob@example.net\"},"
    "{\"ID\":2.8823038423161250e17,\"Status\":\"sent\",\"ArrivedAt\":\"2026-01-15T08:35:20Z\"},"
    "{\"ID\":288230384231612503,\"Status\":\"sent\"},"
    "{\"ID\":288230384231612504,\"Status\":{\"word\":\"sent\"},\"ArrivedAt\":\"2026-01-15T08:35:20Z\"},"
    "{\"ID\":288230384231612505,\"Status\":\"sent\",\"ArrivedAt\":\"soon\"},"
    "42, null, \"text\", [1, [2, [3]]],"
    "{\"ID\":288230384231612506,\"Status\":\"teleported\",\"ArrivedAt\":\"2026-01-15T08:35:20Z\"},"
    "{\"ID\":\"288230384231612507\",\"Status\":\"deferred\",\"StateID\":\"13\",\"AttemptCount\":\"2\","
    " \"ArrivedAt\":\"1768466125\",\"Subject\":{\"a\":{\"b\":{\"c\":{\"d\":[[[[[1]]]]]}}}},\"Delay\":\"x\"}"
    "]}", huge);
  const char *history =
    "{\"Data\":[{\"EventType\":\"bounce\",\"EventAt\":\"soon\",\"Comment\":\"x\"}, 7,"
    " {\"EventType\":\"bounce\",\"EventAt\":1768466200,\"Comment\":\"421 4.7.0 Try again later, closing connection\"},"
    " {\"EventType\":\"bounce\",\"EventAt\":1768466300,\"Comment\":{\"nested\":true}}]}";
  DlvPollStats stats;

  dlv_test_server_add_status (f->server, "GET", "/v3/REST/message?", 200, page);
  dlv_test_server_add_status (f->server, "GET", "/messagehistory/288230384231612507", 200, history);
  dlv_test_server_add_status (f->server, "GET", "/v3/REST/dns?", 200, "@mailjet/empty.json");
  assert_poll (f, provider, &stats);

  g_assert_cmpuint (stats.events_added, ==, 3);
  g_assert_cmpuint (stats.events_skipped, ==, 8 + 2);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 3);

  big = dlv_test_find_message (f->store, "288230384231612501");
  g_assert_nonnull (big);
  g_assert_cmpuint (strlen (big->subject), <=, 64 * 1024);
  g_assert_true (g_utf8_validate (big->recipient, -1, NULL));

  deferred = dlv_test_find_message (f->store, "288230384231612507");
  g_assert_cmpint (deferred->status, ==, DLV_MESSAGE_STATUS_DEFERRED);
  g_assert_cmpint (deferred->attempts, ==, 2);
  g_assert_null (deferred->subject);
  g_assert_cmpint (deferred->reason_info.smtp_code, ==, 421);
  g_assert_cmpstr (deferred->reason_info.enhanced_code, ==, "4.7.0");

  /* "Total" as a string still ends the traversal. */
  stored = account (f);
  g_assert_null (strstr (stored->cursor, "offset="));
}

/* Not a list answer at all: the page fails in words, the position is kept. */
static void
test_not_a_page (DlvProviderFixture *f,
                 gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailjet (f, NOW);
  g_autoptr(GError) error = NULL;

  dlv_test_server_add_status (f->server, "GET", "/v3/REST/message?", 200, "{\"ErrorInfo\":\"\",\"StatusCode\":200}");
  g_assert_false (dlv_poll_account_sync (f->store, f->account_id, provider, 0, NULL, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "Mailjet"));
}

/* After a long pause the first read's reach bounds the window, and the user is told. */
static void
test_long_pause (DlvProviderFixture *f,
                 gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailjet (f, NOW);
  g_autoptr(DlvAccount) stored = NULL;
  gint64 later = NOW + 30 * 24 * 3600;
  g_autofree char *window = g_strdup_printf ("FromTS=%" G_GINT64_FORMAT "&ToTS=%" G_GINT64_FORMAT "&",
                                             later - 7 * 24 * 3600, later);
  DlvPollStats stats;

  dlv_test_server_add_status (f->server, "GET", "/v3/REST/message?", 200, "@mailjet/empty.json");
  dlv_test_server_add_status (f->server, "GET", "/v3/REST/dns?", 200, "@mailjet/empty.json");
  assert_poll (f, provider, &stats);
  stored = account (f);
  g_assert_null (stored->history_gap);
  g_clear_pointer (&stored, dlv_account_free);

  dlv_provider_set_now (provider, later);
  assert_poll (f, provider, &stats);
  g_assert_cmpuint (dlv_test_server_count (f->server, window), ==, 1);
  stored = account (f);
  g_assert_nonnull (stored->history_gap);
  g_assert_nonnull (strstr (stored->history_gap, "7 days"));
}

static void
test_domains_list (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailjet (f, NOW);
  g_autoptr(GPtrArray) domains = NULL;
  g_autoptr(GError) error = NULL;
  DlvDomain *domain;
  DlvPollStats stats;

  serve_documented_pages (f);
  assert_poll (f, provider, &stats);
  g_assert_cmpuint (dlv_test_server_count (f->server, "/v3/REST/dns?Limit=1000&Offset=0"), ==, 1);

  domains = dlv_store_list_domains (f->store, f->account_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (domains->len, ==, 2);

  domain = find_domain (domains, "example.com");
  g_assert_nonnull (domain);
  g_assert_cmpint (domain->records[DLV_RECORD_DKIM1].status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (domain->records[DLV_RECORD_DKIM1].host, ==, "mailjet._domainkey.example.com");
  g_assert_cmpstr (domain->records[DLV_RECORD_DKIM1].type, ==, "TXT");
  g_assert_true (g_str_has_prefix (domain->records[DLV_RECORD_DKIM1].expected, "k=rsa; p=MIGf"));
  g_assert_null (domain->records[DLV_RECORD_DKIM1].detail);
  g_assert_cmpint (domain->records[DLV_RECORD_DKIM2].status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (domain->records[DLV_RECORD_DKIM2].host, ==, "mailjet._domainkey.example.com");
  g_assert_nonnull (strstr (domain->records[DLV_RECORD_DKIM2].detail, "single DKIM key"));
  g_assert_cmpint (domain->records[DLV_RECORD_SPF_RETURN_PATH].status, ==, DLV_RECORD_STATUS_INVALID);
  g_assert_cmpstr (domain->records[DLV_RECORD_SPF_RETURN_PATH].host, ==, "example.com");
  g_assert_cmpstr (domain->records[DLV_RECORD_SPF_RETURN_PATH].expected, ==, "v=spf1 include:spf.mailjet.com ?all");
  g_assert_nonnull (strstr (domain->records[DLV_RECORD_SPF_RETURN_PATH].detail, "include:spf.mailjet.com"));
  g_assert_cmpint (domain->records[DLV_RECORD_DMARC].status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (domain->records[DLV_RECORD_DMARC].host, ==, "_dmarc.example.com");

  /* Not checked yet, no DKIM key listed, no SPF found, no DMARC in DNS. */
  domain = find_domain (domains, "news.example.org");
  g_assert_nonnull (domain);
  g_assert_cmpint (domain->records[DLV_RECORD_DKIM1].status, ==, DLV_RECORD_STATUS_MISSING);
  g_assert_cmpint (domain->records[DLV_RECORD_DKIM2].status, ==, DLV_RECORD_STATUS_MISSING);
  g_assert_cmpint (domain->records[DLV_RECORD_SPF_RETURN_PATH].status, ==, DLV_RECORD_STATUS_MISSING);
  g_assert_cmpstr (domain->records[DLV_RECORD_SPF_RETURN_PATH].expected, ==, "v=spf1 include:spf.mailjet.com ?all");
  g_assert_nonnull (strstr (domain->records[DLV_RECORD_SPF_RETURN_PATH].detail,
                            "No SPF record found for news.example.org"));
  g_assert_cmpint (domain->records[DLV_RECORD_DMARC].status, ==, DLV_RECORD_STATUS_MISSING);
}

/* An account that names its domain reads only that one, by name. */
static void
test_domain_named (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailjet_for (f, NOW, "example.com");
  g_autoptr(GPtrArray) domains = NULL;
  g_autoptr(GError) error = NULL;
  DlvDomain *domain;

  dlv_test_server_add_status (f->server, "GET", "/v3/REST/dns/example.com", 200, "@mailjet/domain.json");
  domains = dlv_provider_fetch_domains_sync (provider, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (domains->len, ==, 1);
  g_assert_cmpuint (dlv_test_server_count (f->server, "/v3/REST/dns?"), ==, 0);
  domain = g_ptr_array_index (domains, 0);
  g_assert_cmpstr (domain->domain, ==, "example.com");
  g_assert_cmpint (domain->records[DLV_RECORD_SPF_RETURN_PATH].status, ==, DLV_RECORD_STATUS_INVALID);
  g_assert_cmpint (domain->records[DLV_RECORD_DMARC].status, ==, DLV_RECORD_STATUS_VALID);
}

/* The key and the secret are both needed; keys only travel over https; the US region. */
static void
test_security (void)
{
  const DlvProviderInfo *info = dlv_providers_lookup ("mailjet");
  DlvAccountSettings plain = { NULL, NULL, (char *) "http://api.mailjet.com" };
  DlvAccountSettings us = { (char *) "us", NULL, NULL };
  DlvAccountSettings europe = { NULL, NULL, NULL };
  g_autoptr(DlvProvider) american = NULL;
  g_autoptr(DlvProvider) european = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (info);
  g_assert_true (info->needs & DLV_PROVIDER_NEEDS_SECRET);
  g_assert_false (info->needs & DLV_PROVIDER_NEEDS_DOMAIN);
  g_assert_cmpstr (info->secret_label, ==, "Secret key");
  g_assert_cmpuint (info->retry_window_hours, ==, 72);

  g_assert_null (dlv_providers_create (info, &plain, KEY, SECRET, &error));
  g_assert_nonnull (strstr (error->message, "https"));
  g_clear_error (&error);

  g_assert_null (dlv_providers_create (info, &europe, KEY, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_UNAUTHORIZED);
  g_assert_nonnull (strstr (error->message, "secret key"));
  g_clear_error (&error);

  american = dlv_providers_create (info, &us, KEY, SECRET, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dlv_provider_get_base_url (american), ==, "https://api.us.mailjet.com");
  european = dlv_providers_create (info, &europe, KEY, SECRET, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dlv_provider_get_base_url (european), ==, "https://api.mailjet.com");
}

/* A cursor from another version is refused in words. */
static void
test_bad_cursor (DlvProviderFixture *f,
                 gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailjet (f, NOW);
  g_autoptr(GError) error = NULL;

  g_assert_null (dlv_provider_fetch_page_sync (provider, "mg1;begin=1", NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_CURSOR);
  g_assert_cmpuint (dlv_test_server_count (f->server, "/"), ==, 0);
}

static void
test_test_access (DlvProviderFixture *f,
                  gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = mailjet (f, NOW);
  g_autoptr(DlvAccessReport) report = NULL;
  g_autofree char *sentence = NULL;

  dlv_test_server_add_status (f->server, "GET", "&Offset=0&", 200, "@mailjet/page1.json");
  serve_history (f);
  dlv_test_server_add_status (f->server, "GET", "/v3/REST/dns?", 403, "{\"ErrorMessage\":\"Access denied for this key\"}");

  report = dlv_provider_test_access_sync (provider, NULL);
  g_assert_true (report->events_ok);
  g_assert_false (report->domains_ok);
  sentence = dlv_access_report_describe (report);
  g_assert_nonnull (strstr (sentence, "can read delivery events"));
  g_assert_nonnull (strstr (sentence, "Access denied for this key"));
}

static void
test_import (void)
{
  g_autofree char *page = dlv_test_server_fixture ("mailjet/page1.json");
  const char *array =
    "[{\"event\":\"sent\",\"time\":1433333949,\"MessageID\":19421777835146490,\"email\":\"api@mailjet.com\","
    "  \"mj_campaign_id\":7257,\"mj_contact_id\":4,\"customcampaign\":\"\",\"mj_message_id\":\"19421777835146490\","
    "  \"smtp_reply\":\"sent (250 2.0.0 OK 1433333948 fa5si855896wjc.199 - gsmtp)\",\"CustomID\":\"helloworld\"},"
    " {\"event\":\"bounce\",\"time\":1430812195,\"MessageID\":288230384231612347,\"email\":\"bounce@mailjet.com\","
    "  \"mj_campaign_id\":0,\"customcampaign\":\"spring\",\"blocked\":false,\"hard_bounce\":true,"
    "  \"error_related_to\":\"recipient\",\"error\":\"user unknown\","
    "  \"comment\":\"550 5.1.1 The email account that you tried to reach does not exist\"},"
    " {\"event\":\"blocked\",\"time\":1430812196,\"mj_message_id\":\"13792286917004336\",\"email\":\"b@mailjet.com\","
    "  \"error_related_to\":\"mailjet\",\"error\":\"preblocked\"},"
    " {\"event\":\"open\",\"time\":1433103519,\"MessageID\":19421777396190490,\"email\":\"api@mailjet.com\","
    "  \"ip\":\"127.0.0.1\",\"geo\":\"US\",\"agent\":\"Mozilla/5.0\"},"
    " {\"event\":\"sent\",\"time\":1433333949,\"MessageID\":1.9421777835146490e16},"
    " {\"event\":\"ping\",\"time\":1433333949}]";
  const char *ndjson =
    "{\"event\":\"click\",\"time\":1433334653,\"MessageID\":19421777836302490,\"url\":\"https://mailjet.com\"}\n"
    "not json\n"
    "{\"event\":\"unsub\",\"time\":1433334941,\"MessageID\":20547674933128000,\"mj_list_id\":1}\n"
    "{\"event\":\"spam\",\"time\":1430812195,\"MessageID\":\"13792286917004336\",\"source\":\"JMRPP\"}\n";
  g_autoptr(DlvEventPage) from_page = NULL;
  g_autoptr(DlvEventPage) from_hooks = NULL;
  g_autoptr(DlvEventPage) from_lines = NULL;
  g_autoptr(GError) error = NULL;
  DlvEvent *event;

  from_page = dlv_import_parse ("mailjet", page, strlen (page), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_page->events->len, ==, 3);
  g_assert_null (from_page->next_cursor);
  g_assert_false (from_page->more);

  from_hooks = dlv_import_parse ("mailjet", array, strlen (array), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_hooks->events->len, ==, 4);
  g_assert_cmpuint (from_hooks->skipped, ==, 1);
  event = g_ptr_array_index (from_hooks->events, 0);
  g_assert_cmpint (event->kind, ==, DLV_EVENT_KIND_DELIVERED);
  g_assert_cmpstr (event->message_id, ==, "19421777835146490");
  g_assert_cmpstr (event->campaign, ==, "7257");
  g_assert_cmpint (event->smtp_code, ==, 250);
  g_assert_cmpstr (event->enhanced_code, ==, "2.0.0");
  event = g_ptr_array_index (from_hooks->events, 1);
  g_assert_cmpint (event->kind, ==, DLV_EVENT_KIND_HARD_BOUNCE);
  g_assert_cmpstr (event->message_id, ==, BOUNCED_ID);
  g_assert_cmpstr (event->campaign, ==, "spring");
  g_assert_cmpstr (event->reason, ==, "user unknown: 550 5.1.1 The email account that you tried to reach does not exist");
  g_assert_cmpint (event->smtp_code, ==, 550);
  g_assert_nonnull (event->raw);
  event = g_ptr_array_index (from_hooks->events, 2);
  g_assert_cmpint (event->kind, ==, DLV_EVENT_KIND_BLOCKED);
  g_assert_cmpstr (event->message_id, ==, "13792286917004336");
  g_assert_cmpstr (event->reason, ==, "preblocked");
  event = g_ptr_array_index (from_hooks->events, 3);
  g_assert_cmpint (event->kind, ==, DLV_EVENT_KIND_OPENED);
  g_assert_null (event->ip);

  from_lines = dlv_import_parse ("mailjet", ndjson, strlen (ndjson), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_lines->events->len, ==, 3);
  g_assert_cmpuint (from_lines->skipped, ==, 1);

  g_assert_null (dlv_import_parse ("mailjet", "{\"hello\":1}", 11, &error));
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

  ADD ("/mailjet/poll/pages", test_poll_pages);
  ADD ("/mailjet/poll/again-no-duplicates", test_poll_again_no_duplicates);
  ADD ("/mailjet/poll/status-changes", test_status_changes);
  ADD ("/mailjet/poll/no-total", test_no_total);
  ADD ("/mailjet/poll/long-pause", test_long_pause);
  g_test_add_func ("/mailjet/parse/big-ids", test_big_ids);
  g_test_add_func ("/mailjet/parse/coded-reasons", test_coded_reasons);
  ADD ("/mailjet/history/budget", test_history_budget);
  ADD ("/mailjet/history/refused", test_history_refused);
  ADD ("/mailjet/errors/rate-limited", test_rate_limited);
  ADD ("/mailjet/errors/unauthorized", test_unauthorized);
  ADD ("/mailjet/errors/server-error-resumes", test_server_error_resumes);
  ADD ("/mailjet/errors/slow", test_slow_answer);
  ADD ("/mailjet/errors/truncated", test_truncated_answer);
  ADD ("/mailjet/errors/hostile-page", test_hostile_page);
  ADD ("/mailjet/errors/not-a-page", test_not_a_page);
  ADD ("/mailjet/errors/bad-cursor", test_bad_cursor);
  ADD ("/mailjet/domains/list", test_domains_list);
  ADD ("/mailjet/domains/named", test_domain_named);
  g_test_add_func ("/mailjet/security", test_security);
  ADD ("/mailjet/test-access", test_test_access);
  g_test_add_func ("/mailjet/import", test_import);

  return g_test_run ();
}
