/* test-resend-provider.c: the Resend client against a local Resend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "dlv-import.h"
#include "dlv-resend-provider.h"
#include "dlv-test-util.h"

/* When the fixtures' emails were made. */
#define CREATED_A 1768466122    /* bounced */
#define CREATED_B 1768466121    /* delivery_delayed */
#define CREATED_C 1768466120    /* opened */
#define CREATED_D 1768465800    /* delivered */
#define CREATED_E 1768465200    /* suppressed */
#define CREATED_F 1768420800    /* sent, scheduled for the next morning */
#define CREATED_G 1768471800    /* in page1-later.json only */
#define NOW (CREATED_A + 3600)
#define KEY "re_c1tpEyD8_NKFusih9vKVQknRAQfmFcWCv"

#define ID_A "6f1d2c3b-4a59-4e8f-9a7b-0c1d2e3f4a5b"
#define ID_B "5e0c1b2a-3948-4d7e-8f6a-9b0c1d2e3f4a"
#define ID_C "4dfb0a19-2837-4c6d-8e59-8a9b0c1d2e3f"
#define ID_D "3cea0908-1726-4b5c-9d48-7f8a9b0c1d2e"
#define ID_E "2bd9f8e7-1615-4a4b-8c37-6e7f8a9b0c1d"
#define ID_F "1ac8e7d6-0504-4939-8b26-5d6e7f8a9b0c"
#define ID_G "7a2e3d4c-5b6a-4f9e-8b7c-1d2e3f4a5b6c"

static const char * const dns[] = {
  "_dmarc.example.com", "v=DMARC1; p=reject; rua=mailto:dmarc@example.com",
  NULL,
};

static DlvProvider *
resend (DlvProviderFixture *f,
        gint64              now)
{
  DlvProvider *provider = dlv_provider_fixture_provider (f, "resend", KEY, NULL, NULL);

  dlv_provider_set_now (provider, now);
  return provider;
}

static void
serve_domains (DlvProviderFixture *f)
{
  dlv_test_server_add_status (f->server, "GET", "/domains?", 200, "@resend/domains.json");
  dlv_test_server_add_status (f->server, "GET", "/domains/d91cd9bd-1176-453e-8fc1-35364d380206", 200,
                              "@resend/domain.json");
  dlv_test_server_add_status (f->server, "GET", "/domains/a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", 200,
                              "@resend/domain-news.json");
}

static void
serve_no_domains (DlvProviderFixture *f)
{
  dlv_test_server_add_status (f->server, "GET", "/domains?", 200, "@resend/empty.json");
}

/* Routes added later win, so the continuation is added after the head. */
static void
serve_pages (DlvProviderFixture *f,
             const char         *first)
{
  dlv_test_server_add_status (f->server, "GET", "/emails?limit=100", 200, first);
  dlv_test_server_add_status (f->server, "GET", "after=" ID_C, 200, "@resend/page2.json");
}

static void
serve_documented (DlvProviderFixture *f)
{
  serve_pages (f, "@resend/page1.json");
  serve_domains (f);
}

static DlvAccount *
account (DlvProviderFixture *f)
{
  g_autoptr(GError) error = NULL;
  DlvAccount *result = dlv_store_get_account (f->store, f->account_id, &error);

  g_assert_no_error (error);
  return result;
}

/* Requests whose line is exactly @line: "GET /emails?limit=100". */
static guint
count_exact (DlvProviderFixture *f,
             const char         *line)
{
  g_autoptr(GPtrArray) log = dlv_test_server_get_log (f->server);
  guint count = 0;

  for (guint i = 0; i < log->len; i++)
    count += g_strcmp0 (g_ptr_array_index (log, i), line) == 0;

  return count;
}

static DlvDomain *
find_domain (GPtrArray  *domains,
             const char *name)
{
  for (guint i = 0; i < domains->len; i++)
    {
      DlvDomain *domain = g_ptr_array_index (domains, i);

      if (g_strcmp0 (domain->domain, name) == 0)
        return domain;
    }

  return NULL;
}

static void
assert_events (DlvProviderFixture *f,
               const char         *message_id,
               const char         *expected)
{
  g_autofree char *events = dlv_test_message_events (f->store, message_id);

  g_assert_cmpstr (events, ==, expected);
}

static void
test_poll_pages (DlvProviderFixture *f,
                 gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = resend (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvMessage) bounced = NULL;
  g_autoptr(DlvMessage) delayed = NULL;
  g_autoptr(DlvMessage) opened = NULL;
  g_autoptr(DlvMessage) welcome = NULL;
  g_autoptr(DlvMessage) suppressed = NULL;
  g_autoptr(DlvMessage) scheduled = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  g_autoptr(GPtrArray) log = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *expected_cursor = g_strdup_printf ("rs1;pend=%d;seen=%d", CREATED_F, NOW);
  DlvPollStats stats;

  serve_documented (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);

  /* Two pages, the second one asked after the last email of the first. */
  g_assert_cmpuint (stats.pages, ==, 2);
  g_assert_cmpuint (stats.events_added, ==, 6);
  g_assert_cmpuint (stats.events_skipped, ==, 0);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 6);
  g_assert_cmpuint (dlv_test_count_messages (f->store), ==, 6);
  log = dlv_test_server_get_log (f->server);
  g_assert_cmpstr (g_ptr_array_index (log, 0), ==, "GET /emails?limit=100");
  g_assert_cmpstr (g_ptr_array_index (log, 1), ==, "GET /emails?limit=100&after=" ID_C);
  g_assert_cmpstr (g_ptr_array_index (log, 2), ==, "GET /domains?limit=100");

  auth = dlv_test_server_last_header (f->server, "Authorization");
  g_assert_cmpstr (auth, ==, "Bearer " KEY);

  /* One event per email, for its latest status, at its send time. */
  bounced = dlv_test_find_message (f->store, ID_A);
  g_assert_nonnull (bounced);
  g_assert_cmpint (bounced->status, ==, DLV_MESSAGE_STATUS_HARD_BOUNCE);
  g_assert_cmpstr (bounced->recipient, ==, "carol@invalid-example.com");
  g_assert_cmpstr (bounced->subject, ==, "Your invoice 2026-0119");
  g_assert_null (bounced->reason);
  assert_events (f, ID_A, "hard_bounce@1768466122");

  delayed = dlv_test_find_message (f->store, ID_B);
  g_assert_cmpint (delayed->status, ==, DLV_MESSAGE_STATUS_DEFERRED);
  g_assert_cmpint (delayed->first_deferred_at, ==, CREATED_B);
  /* Resend retries for the 72 hours the reference derives. */
  g_assert_cmpint (delayed->expires_at, ==, CREATED_B + 72 * 3600);
  g_assert_cmpint (dlv_message_get_status (delayed, NOW), ==, DLV_MESSAGE_STATUS_DEFERRED);

  /* The "T" timestamp spelling; an open proves delivery. */
  opened = dlv_test_find_message (f->store, ID_C);
  g_assert_cmpint (opened->status, ==, DLV_MESSAGE_STATUS_DELIVERED);
  g_assert_true (opened->flags & DLV_MESSAGE_FLAG_OPENED);
  assert_events (f, ID_C, "opened@1768466120");

  /* Uncertain shapes: tags on a listed email, a fraction of one digit,
   * two recipients. */
  welcome = dlv_test_find_message (f->store, ID_D);
  g_assert_cmpint (welcome->status, ==, DLV_MESSAGE_STATUS_DELIVERED);
  g_assert_cmpstr (welcome->campaign, ==, "welcome");
  g_assert_cmpstr (welcome->recipient, ==, "erin@example.org");
  g_assert_cmpint (welcome->delivered_at, ==, CREATED_D);

  /* An upper-case id and a bare "to" string. */
  suppressed = dlv_test_find_message (f->store, ID_E);
  g_assert_nonnull (suppressed);
  g_assert_cmpint (suppressed->status, ==, DLV_MESSAGE_STATUS_BLOCKED);
  g_assert_cmpstr (suppressed->recipient, ==, "dave@example.com");
  g_assert_cmpstr (suppressed->reason, ==, "suppressed");

  scheduled = dlv_test_find_message (f->store, ID_F);
  g_assert_cmpint (scheduled->status, ==, DLV_MESSAGE_STATUS_ACCEPTED);
  assert_events (f, ID_F, "accepted@1768420800");

  /* The walk ended at the end of the list; the oldest email still in
   * flight is where the next walk must reach. */
  stored = account (f);
  g_assert_cmpstr (stored->cursor, ==, expected_cursor);
  g_assert_null (stored->last_error);
  g_assert_null (stored->history_gap);
}

static void
test_domains (DlvProviderFixture *f,
              gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = resend (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) domains = NULL;
  DlvDomain *domain;
  DlvDomain *news;

  serve_documented (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, NULL, NULL, &error));
  g_assert_no_error (error);

  /* The receiving-only domain is left out. */
  domains = dlv_store_list_domains (f->store, f->account_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (domains->len, ==, 2);
  g_assert_null (find_domain (domains, "inbound.example.com"));
  g_assert_cmpuint (dlv_test_server_count (f->server, "/domains/0e5f7a8b"), ==, 0);

  domain = find_domain (domains, "example.com");
  g_assert_nonnull (domain);
  g_assert_cmpint (domain->records[DLV_RECORD_DKIM1].status, ==, DLV_RECORD_STATUS_INVALID);
  g_assert_cmpstr (domain->records[DLV_RECORD_DKIM1].host, ==, "resend._domainkey.example.com");
  g_assert_cmpstr (domain->records[DLV_RECORD_DKIM1].type, ==, "TXT");
  g_assert_true (g_str_has_prefix (domain->records[DLV_RECORD_DKIM1].expected, "p=MIGfMA0G"));
  g_assert_nonnull (strstr (domain->records[DLV_RECORD_DKIM1].detail, "did not find"));
  /* One key: the second row mirrors it and says why. */
  g_assert_cmpint (domain->records[DLV_RECORD_DKIM2].status, ==, DLV_RECORD_STATUS_INVALID);
  g_assert_nonnull (strstr (domain->records[DLV_RECORD_DKIM2].detail, "single DKIM key"));
  g_assert_cmpint (domain->records[DLV_RECORD_SPF_RETURN_PATH].status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (domain->records[DLV_RECORD_SPF_RETURN_PATH].host, ==, "send.example.com");
  g_assert_cmpstr (domain->records[DLV_RECORD_SPF_RETURN_PATH].expected, ==, "v=spf1 include:amazonses.com ~all");
  g_assert_null (domain->records[DLV_RECORD_SPF_RETURN_PATH].detail);
  g_assert_cmpint (domain->records[DLV_RECORD_DMARC].status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (domain->records[DLV_RECORD_DMARC].host, ==, "_dmarc.example.com");

  /* Uncertain: two DKIM CNAMEs; the Return-Path MX still pending while
   * the SPF TXT is verified; no DMARC anywhere. */
  news = find_domain (domains, "news.example.org");
  g_assert_nonnull (news);
  g_assert_cmpint (news->records[DLV_RECORD_DKIM1].status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (news->records[DLV_RECORD_DKIM1].host, ==, "k1._domainkey.news.example.org");
  g_assert_cmpstr (news->records[DLV_RECORD_DKIM1].type, ==, "CNAME");
  g_assert_cmpint (news->records[DLV_RECORD_DKIM2].status, ==, DLV_RECORD_STATUS_UNKNOWN);
  g_assert_cmpstr (news->records[DLV_RECORD_DKIM2].host, ==, "k2._domainkey.news.example.org");
  g_assert_nonnull (news->records[DLV_RECORD_DKIM2].detail);
  g_assert_cmpint (news->records[DLV_RECORD_SPF_RETURN_PATH].status, ==, DLV_RECORD_STATUS_UNKNOWN);
  g_assert_cmpstr (news->records[DLV_RECORD_SPF_RETURN_PATH].host, ==, "send.news.example.org");
  g_assert_nonnull (strstr (news->records[DLV_RECORD_SPF_RETURN_PATH].detail,
                            "feedback-smtp.us-east-1.amazonses.com"));
  g_assert_cmpint (news->records[DLV_RECORD_DMARC].status, ==, DLV_RECORD_STATUS_MISSING);
}

static void
test_poll_again_no_duplicates (DlvProviderFixture *f,
                               gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = resend (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  g_autofree char *expected_cursor = g_strdup_printf ("rs1;pend=%d;seen=%d", CREATED_F, NOW + 60);
  DlvPollStats stats;

  serve_documented (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  dlv_provider_set_now (provider, NOW + 60);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (stats.events_added, ==, 0);
  g_assert_cmpuint (stats.events_duplicate, ==, 6);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 6);
  /* The scheduled email is still in flight: the walk reached it again. */
  g_assert_cmpuint (dlv_test_server_count (f->server, "after=" ID_C), ==, 2);
  stored = account (f);
  g_assert_cmpstr (stored->cursor, ==, expected_cursor);
  g_assert_null (stored->history_gap);
}

/* The list says "delivery_delayed" first and "delivered" an hour later:
 * one event each, and a new email on top stamped with its send time. */
static void
test_delayed_then_delivered (DlvProviderFixture *f,
                             gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = resend (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvMessage) delayed = NULL;
  g_autoptr(DlvMessage) later = NULL;
  g_autofree char *expected = g_strdup_printf ("deferred@%d delivered@%d", CREATED_B, NOW + 7200);
  DlvPollStats stats;

  serve_documented (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);

  dlv_test_server_reset (f->server);
  serve_pages (f, "@resend/page1-later.json");
  serve_domains (f);
  dlv_provider_set_now (provider, NOW + 7200);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (stats.events_added, ==, 2);
  g_assert_cmpuint (stats.events_duplicate, ==, 5);
  delayed = dlv_test_find_message (f->store, ID_B);
  g_assert_cmpint (delayed->status, ==, DLV_MESSAGE_STATUS_DELIVERED);
  g_assert_cmpint (delayed->first_deferred_at, ==, CREATED_B);
  g_assert_cmpint (delayed->delivered_at, ==, NOW + 7200);
  g_assert_cmpint (delayed->attempts, ==, 2);
  assert_events (f, ID_B, expected);

  later = dlv_test_find_message (f->store, ID_G);
  g_assert_nonnull (later);
  g_assert_cmpint (later->delivered_at, ==, CREATED_G);

  /* A third read adds nothing. */
  dlv_provider_set_now (provider, NOW + 7260);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.events_added, ==, 0);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 8);
  assert_events (f, ID_B, expected);
}

/* With nothing left in flight, the next walk stops an hour before the
 * previous one began, without reading the older page. */
static void
test_walk_stops_at_floor (DlvProviderFixture *f,
                          gconstpointer       data)
{
  gint64 late = CREATED_B + 73 * 3600;
  g_autoptr(DlvProvider) provider = resend (f, late);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvMessage) delayed = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  g_autofree char *expected_cursor = g_strdup_printf ("rs1;seen=%" G_GINT64_FORMAT, late + 60);
  DlvPollStats stats;

  serve_documented (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pages, ==, 2);

  /* Delayed for longer than the retry window: expired. */
  delayed = dlv_test_find_message (f->store, ID_B);
  g_assert_cmpint (dlv_message_get_status (delayed, late), ==, DLV_MESSAGE_STATUS_EXPIRED);

  dlv_provider_set_now (provider, late + 60);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pages, ==, 1);
  g_assert_cmpuint (dlv_test_server_count (f->server, "after="), ==, 1);
  stored = account (f);
  g_assert_cmpstr (stored->cursor, ==, expected_cursor);
}

static char *
single_email_page (guint    index,
                   gboolean has_more)
{
  return g_strdup_printf ("{\"object\":\"list\",\"has_more\":%s,\"data\":[{\"object\":\"email\","
                          "\"id\":\"00000000-0000-4000-8000-%012u\",\"to\":[\"r%u@example.org\"],"
                          "\"created_at\":\"2026-01-15 08:%02u:00+00\",\"last_event\":\"delivered\"}]}",
                          has_more ? "true" : "false", index, index, 59 - index);
}

/* A long walk pauses after ten pages and goes on at the next poll. */
static void
test_round_pages (DlvProviderFixture *f,
                  gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = resend (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) paused = NULL;
  g_autoptr(DlvAccount) done = NULL;
  DlvPollStats stats;

  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *body = single_email_page (i, i < 11);
      g_autofree char *match = i == 0 ? g_strdup ("/emails?limit=100")
                                      : g_strdup_printf ("after=00000000-0000-4000-8000-%012u", i - 1);

      dlv_test_server_add_status (f->server, "GET", match, 200, body);
    }
  serve_no_domains (f);

  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pages, ==, DLV_RESEND_ROUND_PAGES);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 10);
  paused = account (f);
  g_assert_nonnull (strstr (paused->cursor, "after=00000000-0000-4000-8000-000000000009"));
  g_assert_nonnull (strstr (paused->cursor, "n=10"));

  dlv_provider_set_now (provider, NOW + 60);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pages, ==, 2);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 12);
  g_assert_cmpuint (count_exact (f, "GET /emails?limit=100"), ==, 1);
  done = account (f);
  /* The walk that began at NOW is complete. */
  g_assert_cmpstr (done->cursor, ==, "rs1;seen=1768469722");
}

static void
test_rate_limited (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = resend (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  DlvTestReply limited = {
    .status = 429,
    .body = "{\"statusCode\":429,\"name\":\"rate_limit_exceeded\",\"message\":\"Too many requests.\"}",
    .retry_after = "1",
    .extra_header = "ratelimit-remaining: 0",
  };
  DlvPollStats stats;

  dlv_test_server_add (f->server, "GET", "/emails?limit=100", &limited);
  serve_documented (f);

  g_assert_false (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_RATE_LIMITED);
  g_assert_nonnull (strstr (error->message, "Resend"));
  g_assert_cmpint (dlv_provider_get_last_reply (provider)->status, ==, 429);
  g_assert_cmpint (dlv_provider_get_last_reply (provider)->retry_after, ==, 1);
  g_assert_cmpint (dlv_provider_get_last_reply (provider)->rate_remaining, ==, 0);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 0);
  stored = account (f);
  g_assert_null (stored->cursor);
  g_assert_cmpstr (stored->last_error, ==, error->message);
  g_clear_error (&error);

  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 6);
}

static void
test_unauthorized (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = resend (f, NOW);
  DlvTestReply refused = { .status = 401, .body = "{\"statusCode\":401,\"name\":\"missing_api_key\",\"message\":\"Missing API key\"}" };
  g_autoptr(GError) error = dlv_test_poll_refused (f, provider, "GET", "/emails", &refused,
                                                   DLV_PROVIDER_ERROR_UNAUTHORIZED);

  g_assert_nonnull (strstr (error->message, "API key"));
}

/* A server error mid-walk keeps the first page and resumes after it. */
static void
test_server_error_resumes (DlvProviderFixture *f,
                           gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = resend (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  g_autoptr(DlvAccount) finished = NULL;
  DlvPollStats stats;

  dlv_test_server_add_status (f->server, "GET", "/emails?limit=100", 200, "@resend/page1.json");
  dlv_test_server_add_status (f->server, "GET", "after=" ID_C, 500, "{\"name\":\"internal_server_error\"}");
  dlv_test_server_add_status (f->server, "GET", "after=" ID_C, 200, "@resend/page2.json");
  serve_domains (f);

  g_assert_false (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_SERVER);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 3);
  stored = account (f);
  g_assert_nonnull (strstr (stored->cursor, "after=" ID_C));
  g_clear_error (&error);

  dlv_provider_set_now (provider, NOW + 30);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 6);
  g_assert_cmpuint (count_exact (f, "GET /emails?limit=100"), ==, 1);
  g_assert_cmpuint (dlv_test_server_count (f->server, "after=" ID_C), ==, 2);
  /* The walk keeps the time it began. */
  finished = account (f);
  g_assert_nonnull (strstr (finished->cursor, "seen=1768469722"));
}

/* The email a paused walk stopped at has aged out: Resend refuses the
 * position, and the walk goes on from the newest email. */
static void
test_lost_position (DlvProviderFixture *f,
                    gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = resend (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) stored = NULL;

  dlv_test_server_add_status (f->server, "GET", "/emails?limit=100", 200, "@resend/page1.json");
  dlv_test_server_add_status (f->server, "GET", "after=" ID_C, 500, "{}");
  g_assert_false (dlv_poll_account_sync (f->store, f->account_id, provider, 0, NULL, NULL, &error));
  g_clear_error (&error);

  dlv_test_server_reset (f->server);
  dlv_test_server_add_status (f->server, "GET", "/emails?limit=100", 200, "@resend/page2.json");
  dlv_test_server_add_status (f->server, "GET", "after=" ID_C, 404,
                              "{\"statusCode\":404,\"name\":\"not_found\",\"message\":\"Email not found\"}");
  serve_domains (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, NULL, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 6);
  g_assert_cmpuint (dlv_test_server_count (f->server, "after=" ID_C), ==, 1);
  g_assert_cmpuint (count_exact (f, "GET /emails?limit=100"), ==, 1);
  stored = account (f);
  g_assert_null (strstr (stored->cursor, "after="));
}

static void
test_slow_answer (DlvProviderFixture *f,
                  gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = resend (f, NOW);

  dlv_test_assert_poll_broken (f, provider, "GET", "/emails?limit=100", "@resend/page1.json",
                               DLV_TEST_REPLY_SLOW, DLV_PROVIDER_ERROR_TIMEOUT);
}

static void
test_truncated_answer (DlvProviderFixture *f,
                       gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = resend (f, NOW);

  dlv_test_assert_poll_broken (f, provider, "GET", "/emails?limit=100", "@resend/page1.json",
                               DLV_TEST_REPLY_TRUNCATED, DLV_PROVIDER_ERROR_NETWORK);
}

static char *
nested (guint depth)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < depth; i++)
    g_string_append_c (text, ']');

  return g_string_free (text, FALSE);
}

/* Wrong types, bad times, an unknown status, a 10 MB subject, invalid
 * UTF-8 and nesting: each bad email is skipped and counted, the rest kept. */
static void
test_hostile_page (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = resend (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvMessage) big = NULL;
  g_autoptr(DlvMessage) odd = NULL;
  g_autoptr(DlvMessage) broken = NULL;
  g_autofree char *huge = g_strnfill (10 * 1024 * 1024, 'x');
  g_autofree char *deep = nested (40);
  g_autofree char *page = g_strdup_printf (
    "{\"object\":\"list\",\"has_more\":\"false\",\"data\":["
    "{\"id\":\"ok-1\",\"last_event\":\"delivered\",\"created_at\":\"2026-01-15 08:00:00+00\",\"subject\":\"%s\"},"
    "{\"id\":12345,\"last_event\":\"delivered\",\"created_at\":\"2026-01-15 08:00:00+00\"},"
    "{\"id\":\"bad-time\",\"last_event\":\"delivered\",\"created_at\":\"yesterday\"},"
    "{\"id\":\"bad-status\",\"last_event\":{\"x\":1},\"created_at\":\"2026-01-15 08:00:00+00\"},"
    "{\"id\":\"new-status\",\"last_event\":\"teleported\",\"created_at\":\"2026-01-15 08:00:00+00\"},"
    "42, null, \"text\","
    "{\"id\":\"ok-2\",\"last_event\":\"delivery_delayed\",\"created_at\":\"1768466000\","
    " \"to\":{\"nested\":true},\"subject\":[1,2],\"extra\":%s},"
    "{\"id\":\"ok-3\",\"last_event\":\"clicked\",\"created_at\":\"2026-01-15T07:00:00Z\","
    " \"subject\":\"Caf\xe9 \xff\xfe news\",\"tags\":{\"campaign\":42}}"
    "]}", huge, deep);
  DlvPollStats stats;

  dlv_test_server_add_status (f->server, "GET", "/emails?limit=100", 200, page);
  serve_no_domains (f);

  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.events_added, ==, 3);
  g_assert_cmpuint (stats.events_skipped, ==, 6);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 3);

  big = dlv_test_find_message (f->store, "ok-1");
  g_assert_nonnull (big);
  g_assert_cmpuint (strlen (big->subject), <=, 64 * 1024);
  odd = dlv_test_find_message (f->store, "ok-2");
  g_assert_cmpint (odd->first_deferred_at, ==, 1768466000);
  g_assert_null (odd->recipient);
  broken = dlv_test_find_message (f->store, "ok-3");
  g_assert_true (g_utf8_validate (broken->subject, -1, NULL));
  g_assert_null (broken->campaign);
}

/* After more than a day without polling, a list that ends above the
 * previous walk may have lost emails to Resend's retention: said once. */
static void
test_retention_gap (DlvProviderFixture *f,
                    gconstpointer       data)
{
  gint64 back = NOW + 3 * 24 * 3600;
  g_autoptr(DlvProvider) provider = resend (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) first = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  g_autofree char *recent = g_strdup_printf ("{\"object\":\"list\",\"has_more\":false,\"data\":[{\"object\":\"email\","
                                             "\"id\":\"recent-1\",\"created_at\":%" G_GINT64_FORMAT ","
                                             "\"last_event\":\"delivered\"}]}", back - 3600);

  serve_documented (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, NULL, NULL, &error));
  g_assert_no_error (error);
  first = account (f);
  g_assert_null (first->history_gap);

  dlv_test_server_reset (f->server);
  dlv_test_server_add_status (f->server, "GET", "/emails?limit=100", 200, recent);
  serve_domains (f);
  dlv_provider_set_now (provider, back);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, NULL, NULL, &error));
  g_assert_no_error (error);

  stored = account (f);
  g_assert_nonnull (stored->history_gap);
  g_assert_nonnull (strstr (stored->history_gap, "1 to 7 days"));
  g_assert_nonnull (strstr (stored->history_gap, "2026-01-15 09:35 UTC"));
  g_assert_nonnull (dlv_test_find_message (f->store, "recent-1"));
}

/* Keys only travel over https, or to a loopback address. */
static void
test_security (DlvProviderFixture *f,
               gconstpointer       data)
{
  const DlvProviderInfo *info = dlv_providers_lookup ("resend");
  DlvAccountSettings plain = { NULL, NULL, (char *) "http://api.resend.com" };
  DlvAccountSettings standard = { NULL, NULL, NULL };
  g_autoptr(DlvProvider) refused = NULL;
  g_autoptr(DlvProvider) real = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (info);
  g_assert_cmpuint (info->retry_window_hours, ==, 72);
  g_assert_nonnull (strstr (info->limits, "webhook"));
  g_assert_nonnull (strstr (info->limits, "deliverability-cli import --provider resend"));

  refused = dlv_providers_create (info, &plain, KEY, NULL, &error);
  g_assert_null (refused);
  g_assert_nonnull (strstr (error->message, "https"));
  g_clear_error (&error);

  g_assert_null (dlv_providers_create (info, &standard, "", NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_UNAUTHORIZED);
  g_clear_error (&error);

  real = dlv_providers_create (info, &standard, KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dlv_provider_get_base_url (real), ==, "https://api.resend.com");
}

static void
test_test_access (DlvProviderFixture *f,
                  gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = resend (f, NOW);
  g_autoptr(DlvAccessReport) report = NULL;
  g_autofree char *sentence = NULL;

  dlv_test_server_add_status (f->server, "GET", "/emails?limit=100", 200, "@resend/page1.json");
  dlv_test_server_add_status (f->server, "GET", "/domains?", 403,
                              "{\"statusCode\":403,\"name\":\"restricted_api_key\","
                              "\"message\":\"This API key is restricted to only send emails\"}");

  report = dlv_provider_test_access_sync (provider, NULL);
  g_assert_true (report->events_ok);
  g_assert_false (report->domains_ok);
  sentence = dlv_access_report_describe (report);
  g_assert_nonnull (strstr (sentence, "can read delivery events"));
  g_assert_nonnull (strstr (sentence, "restricted to only send emails"));
}

static DlvEvent *
event_of (DlvEventPage *page,
          const char   *message_id,
          DlvEventKind  kind,
          guint         nth)
{
  for (guint i = 0; i < page->events->len; i++)
    {
      DlvEvent *event = g_ptr_array_index (page->events, i);

      if (g_strcmp0 (event->message_id, message_id) == 0 && event->kind == kind && nth-- == 0)
        return event;
    }

  return NULL;
}

/* Saved webhook events bring what the list cannot: times, reasons, codes,
 * soft bounces. */
static void
test_import_webhooks (void)
{
  g_autofree char *hooks = dlv_test_server_fixture ("resend/webhooks.json");
  g_autoptr(DlvEventPage) page = NULL;
  g_autoptr(GError) error = NULL;
  DlvEvent *event;

  page = dlv_import_parse ("resend", hooks, strlen (hooks), &error);
  g_assert_no_error (error);
  /* domain.updated and email.received are not delivery events; one object
   * is no event at all. */
  g_assert_cmpuint (page->events->len, ==, 7);
  g_assert_cmpuint (page->skipped, ==, 1);

  event = event_of (page, ID_B, DLV_EVENT_KIND_ACCEPTED, 0);
  g_assert_nonnull (event);
  g_assert_cmpint (event->at, ==, 1768466121);
  g_assert_cmpstr (event->campaign, ==, "invoice");
  g_assert_null (event->uid);

  /* The documented delay carries no reason; the uncertain shape does. */
  event = event_of (page, ID_B, DLV_EVENT_KIND_DEFERRED, 0);
  g_assert_cmpint (event->at, ==, 1768466730);
  g_assert_null (event->reason);
  event = event_of (page, ID_B, DLV_EVENT_KIND_DEFERRED, 1);
  g_assert_cmpstr (event->reason, ==, "451 4.7.1 Greylisted, please try again in 300 seconds");
  g_assert_cmpint (event->smtp_code, ==, 451);
  g_assert_cmpstr (event->enhanced_code, ==, "4.7.1");
  g_assert_nonnull (event->raw);

  /* A pulled webhook event: its payload, a transient bounce. */
  event = event_of (page, "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a", DLV_EVENT_KIND_SOFT_BOUNCE, 0);
  g_assert_nonnull (event);
  g_assert_cmpstr (event->recipient, ==, "ivan@full-example.net");
  g_assert_cmpint (event->smtp_code, ==, 452);
  g_assert_cmpstr (event->enhanced_code, ==, "4.2.2");
  g_assert_true (g_str_has_prefix (event->reason, "452 4.2.2 The email account"));

  event = event_of (page, "8c7b6a5f-4e3d-4c2b-9a1f-0e9d8c7b6a5f", DLV_EVENT_KIND_BLOCKED, 0);
  g_assert_cmpstr (event->reason, ==, "reached_daily_quota");
  g_assert_cmpint (event->smtp_code, ==, 0);

  event = event_of (page, ID_E, DLV_EVENT_KIND_BLOCKED, 0);
  g_assert_nonnull (strstr (event->reason, "suppression list"));

  g_assert_nonnull (event_of (page, ID_B, DLV_EVENT_KIND_DELIVERED, 0));
}

static void
test_import_files (void)
{
  g_autofree char *list = dlv_test_server_fixture ("resend/page1.json");
  g_autofree char *single = dlv_test_server_fixture ("resend/webhook-bounced.json");
  g_autofree char *ndjson = g_strconcat (
    "{\"type\":\"email.opened\",\"created_at\":\"2026-01-15T09:00:00Z\",\"data\":{\"email_id\":\"" ID_C "\"}}\n"
    "not json\n"
    "\n"
    "{\"type\":\"email.clicked\",\"created_at\":\"2026-01-15 09:01:00+00\",\"data\":{\"email_id\":\"" ID_C "\","
    "\"click\":{\"link\":\"https://example.com\"}}}\n"
    "{\"type\":\"contact.created\",\"created_at\":\"2026-01-15T09:02:00Z\",\"data\":{\"id\":\"c1\"}}\n", NULL);
  g_autoptr(DlvEventPage) from_list = NULL;
  g_autoptr(DlvEventPage) from_hook = NULL;
  g_autoptr(DlvEventPage) from_lines = NULL;
  g_autoptr(GError) error = NULL;
  DlvEvent *bounce;

  /* A saved GET /emails answer: the same uids a poll gives. */
  from_list = dlv_import_parse ("resend", list, strlen (list), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_list->events->len, ==, 3);
  g_assert_null (from_list->next_cursor);
  g_assert_false (from_list->more);
  g_assert_cmpstr (((DlvEvent *) g_ptr_array_index (from_list->events, 0))->uid, ==,
                   "resend:" ID_A ":hard_bounce");

  /* One webhook event object, the reference's permanent bounce. */
  from_hook = dlv_import_parse ("resend", single, strlen (single), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_hook->events->len, ==, 1);
  bounce = g_ptr_array_index (from_hook->events, 0);
  g_assert_cmpint (bounce->kind, ==, DLV_EVENT_KIND_HARD_BOUNCE);
  g_assert_cmpint (bounce->at, ==, 1768466124);
  g_assert_cmpstr (bounce->message_id, ==, ID_A);
  g_assert_cmpint (bounce->smtp_code, ==, 550);
  g_assert_cmpstr (bounce->enhanced_code, ==, "5.1.1");
  g_assert_cmpstr (bounce->campaign, ==, "invoice");

  from_lines = dlv_import_parse ("resend", ndjson, strlen (ndjson), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_lines->events->len, ==, 2);
  g_assert_cmpuint (from_lines->skipped, ==, 1);

  g_assert_null (dlv_import_parse ("resend", "{\"hello\":1}", 11, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE);
}

/* Imported webhook events and a later poll meet in one message: the
 * reason stays, the poll adds only what is new. */
static void
test_import_then_poll (DlvProviderFixture *f,
                       gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = resend (f, NOW);
  g_autofree char *single = dlv_test_server_fixture ("resend/webhook-bounced.json");
  g_autoptr(DlvEventPage) page = NULL;
  g_autoptr(DlvMessage) bounced = NULL;
  g_autoptr(GError) error = NULL;
  DlvIngestStats ingest;

  page = dlv_import_parse ("resend", single, strlen (single), &error);
  g_assert_no_error (error);
  g_assert_true (dlv_store_ingest_page (f->store, f->account_id, page, &ingest, &error));
  g_assert_no_error (error);

  serve_documented (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, NULL, NULL, &error));
  g_assert_no_error (error);

  bounced = dlv_test_find_message (f->store, ID_A);
  g_assert_cmpint (bounced->status, ==, DLV_MESSAGE_STATUS_HARD_BOUNCE);
  g_assert_nonnull (strstr (bounced->reason, "550 5.1.1"));
  g_assert_cmpint (bounced->reason_info.smtp_code, ==, 550);
  g_assert_cmpstr (bounced->subject, ==, "Your invoice 2026-0119");
  g_assert_cmpuint (dlv_test_count_messages (f->store), ==, 6);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  dlv_test_use_fake_dns (dns);

#define ADD(path, func) \
  g_test_add (path, DlvProviderFixture, NULL, dlv_provider_fixture_set_up, func, dlv_provider_fixture_tear_down)

  ADD ("/resend/poll/pages", test_poll_pages);
  ADD ("/resend/poll/domains", test_domains);
  ADD ("/resend/poll/again-no-duplicates", test_poll_again_no_duplicates);
  ADD ("/resend/poll/delayed-then-delivered", test_delayed_then_delivered);
  ADD ("/resend/poll/walk-stops-at-floor", test_walk_stops_at_floor);
  ADD ("/resend/poll/round-pages", test_round_pages);
  ADD ("/resend/poll/retention-gap", test_retention_gap);
  ADD ("/resend/errors/rate-limited", test_rate_limited);
  ADD ("/resend/errors/unauthorized", test_unauthorized);
  ADD ("/resend/errors/server-error-resumes", test_server_error_resumes);
  ADD ("/resend/errors/lost-position", test_lost_position);
  ADD ("/resend/errors/slow", test_slow_answer);
  ADD ("/resend/errors/truncated", test_truncated_answer);
  ADD ("/resend/errors/hostile-page", test_hostile_page);
  ADD ("/resend/security", test_security);
  ADD ("/resend/test-access", test_test_access);
  ADD ("/resend/import/then-poll", test_import_then_poll);
  g_test_add_func ("/resend/import/webhooks", test_import_webhooks);
  g_test_add_func ("/resend/import/files", test_import_files);

  return g_test_run ();
}
