/* test-brevo-provider.c: the Brevo client against a local Brevo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "dlv-brevo-provider.h"
#include "dlv-import.h"
#include "dlv-test-util.h"

/* 2026-01-16 12:00 UTC: the fixtures' days are 2026-01-14 to 2026-01-16,
 * their dates written at +01:00. */
#define NOON 1768564800
#define HOUR 3600
#define KEY "xkeysib-3f0c8b7a6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a-AbCdEfGh"
#define EVENTS "/v3/smtp/statistics/events?"
#define EMPTY "{\"events\":[]}"
#define BOB "202601150835.22233344455@smtp-relay.mailin.fr"

static const char * const dns[] = {
  "_dmarc.example.com", "v=DMARC1; p=reject",
  "_dmarc.example.net", "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.net",
  NULL,
};

static DlvProvider *
brevo (DlvProviderFixture *f,
       gint64              now)
{
  DlvProvider *provider = dlv_provider_fixture_provider (f, "brevo", KEY, NULL, NULL);

  dlv_provider_set_now (provider, now);
  return provider;
}

static gboolean
poll (DlvProviderFixture  *f,
      DlvProvider         *provider,
      DlvPollStats        *stats,
      GError             **error)
{
  return dlv_poll_account_sync (f->store, f->account_id, provider, 0, stats, NULL, error);
}

static char *
events_match (const char *day,
              guint       offset)
{
  return g_strdup_printf ("startDate=%s&endDate=%s&limit=2500&offset=%u&sort=asc",
                          day, day, offset);
}

static void
serve_day (DlvProviderFixture *f,
           const char         *day,
           guint               offset,
           const char         *body)
{
  g_autofree char *match = events_match (day, offset);

  dlv_test_server_add_status (f->server, "GET", match, 200, body);
}

static guint
count_day (DlvProviderFixture *f,
           const char         *day,
           guint               offset)
{
  g_autofree char *match = events_match (day, offset);

  return dlv_test_server_count (f->server, match);
}

/* A page of @count delivered messages, as a busy day would give. */
static char *
bulk_page (const char *day,
           guint       first,
           guint       count)
{
  GString *page = g_string_new ("{\"events\":[");

  for (guint i = 0; i < count; i++)
    g_string_append_printf (page,
                            "%s{\"email\":\"r%u@example.org\",\"date\":\"%sT10:%02u:%02u.000+01:00\","
                            "\"subject\":\"Weekly news\",\"messageId\":\"<bulk.%u@smtp-relay.mailin.fr>\","
                            "\"event\":\"delivered\",\"tag\":\"weekly\",\"from\":\"news@example.com\"}",
                            i > 0 ? "," : "", first + i, day, (i / 60) % 60, i % 60, first + i);
  g_string_append (page, "]}");

  return g_string_free (page, FALSE);
}

static void
serve_domains (DlvProviderFixture *f)
{
  dlv_test_server_add_status (f->server, "GET", "/v3/senders/domains", 200, "@brevo/domains.json");
  dlv_test_server_add_status (f->server, "GET", "/v3/senders/domains/example.com", 200,
                              "@brevo/domain.json");
  dlv_test_server_add_status (f->server, "GET", "/v3/senders/domains/old.example.net", 200,
                              "@brevo/domain-legacy.json");
}

/* Days before 2026-01-14 are empty; 01-14 has 100 + 6 rows (the first page
 * in Brevo's former 100-row shape), 01-15 has 2500 + 3 (the reference
 * example), 01-16 has 3 so far. */
static void
serve_documented_days (DlvProviderFixture *f)
{
  g_autofree char *day1 = bulk_page ("2026-01-14", 0, 100);
  g_autofree char *day2 = bulk_page ("2026-01-15", 100, 2500);

  dlv_test_server_add_status (f->server, "GET", EVENTS, 200, EMPTY);
  serve_day (f, "2026-01-14", 0, day1);
  serve_day (f, "2026-01-14", 100, "@brevo/day1-tail.json");
  serve_day (f, "2026-01-15", 0, day2);
  serve_day (f, "2026-01-15", 2500, "@brevo/events-page.json");
  serve_day (f, "2026-01-16", 0, "@brevo/today.json");
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

/* Puts the account where an earlier poll would have left it. */
static void
store_cursor (DlvProviderFixture *f,
              const char         *cursor)
{
  g_autoptr(DlvEventPage) page = dlv_event_page_new ();
  g_autoptr(GError) error = NULL;

  page->next_cursor = g_strdup (cursor);
  g_assert_true (dlv_store_ingest_page (f->store, f->account_id, page, NULL, &error));
  g_assert_no_error (error);
}

static void
assert_cursor (DlvProviderFixture *f,
               const char         *expected)
{
  g_autoptr(DlvAccount) stored = account (f);

  g_assert_cmpstr (stored->cursor, ==, expected);
}

static guint
count_event_requests (DlvProviderFixture *f)
{
  return dlv_test_server_count (f->server, EVENTS);
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
test_poll_pages (DlvProviderFixture *f,
                 gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = brevo (f, NOON);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvMessage) retried = NULL;
  g_autoptr(DlvMessage) deferred = NULL;
  g_autoptr(DlvMessage) bounced = NULL;
  g_autoptr(DlvMessage) soft = NULL;
  g_autoptr(DlvMessage) blocked = NULL;
  g_autoptr(DlvMessage) invalid = NULL;
  g_autoptr(DlvMessage) failed = NULL;
  g_autoptr(DlvMessage) bulk = NULL;
  g_autoptr(GPtrArray) log = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *events = NULL;
  g_autofree char *opened = NULL;
  DlvPollStats stats;

  serve_documented_days (f);
  g_assert_true (poll (f, provider, &stats, &error));
  g_assert_no_error (error);

  /* The first poll reaches back 30 days, one day per request: 28 empty
   * days, then two pages of each busy day, then today. */
  log = dlv_test_server_get_log (f->server);
  g_assert_cmpstr (g_ptr_array_index (log, 0), ==,
                   "GET /v3/smtp/statistics/events?startDate=2025-12-17&endDate=2025-12-17"
                   "&limit=2500&offset=0&sort=asc");
  g_assert_cmpuint (stats.pages, ==, 28 + 2 + 2 + 1);
  g_assert_cmpuint (count_event_requests (f), ==, 33);
  g_assert_cmpuint (count_day (f, "2026-01-14", 0), ==, 1);
  g_assert_cmpuint (count_day (f, "2026-01-14", 100), ==, 1);
  g_assert_cmpuint (count_day (f, "2026-01-15", 0), ==, 1);
  g_assert_cmpuint (count_day (f, "2026-01-15", 2500), ==, 1);
  g_assert_cmpuint (count_day (f, "2026-01-16", 0), ==, 1);
  g_assert_cmpuint (count_day (f, "2026-01-17", 0), ==, 0);

  g_assert_cmpuint (stats.events_added, ==, 100 + 6 + 2500 + 3 + 3);
  g_assert_cmpuint (stats.events_skipped, ==, 0);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 2612);
  g_assert_cmpuint (dlv_test_count_messages (f->store), ==, 100 + 5 + 2500 + 3);

  auth = dlv_test_server_last_header (f->server, "api-key");
  g_assert_cmpstr (auth, ==, KEY);

  /* The two closed days are dropped; today stays open, the zone learned
   * from the dates (+01:00). */
  assert_cursor (f, "bv1;day=2026-01-16;offset=3;tz=3600");

  /* Requested, deferred by Gmail's volume limit, delivered two days later.
   * Brevo's angle brackets are dropped from the id. */
  retried = dlv_test_find_message (f->store, "202601142110.44455566677@smtp-relay.mailin.fr");
  g_assert_nonnull (retried);
  g_assert_cmpint (retried->status, ==, DLV_MESSAGE_STATUS_DELIVERED);
  g_assert_cmpstr (retried->recipient, ==, "dave@example.org");
  g_assert_cmpstr (retried->sender, ==, "orders@example.com");
  g_assert_cmpstr (retried->campaign, ==, "shipping");
  g_assert_cmpint (retried->first_deferred_at, ==, 1768425100);
  events = dlv_test_message_events (f->store, "202601142110.44455566677@smtp-relay.mailin.fr");
  g_assert_cmpstr (events, ==, "accepted@1768425002 deferred@1768425100 delivered@1768550412");

  /* The reference example: dates at +01:00, codes read from the reason. */
  deferred = dlv_test_find_message (f->store, BOB);
  g_assert_cmpint (deferred->status, ==, DLV_MESSAGE_STATUS_DEFERRED);
  g_assert_cmpint (deferred->first_deferred_at, ==, 1768466183);
  g_assert_cmpint (deferred->reason_info.smtp_code, ==, 452);
  g_assert_cmpstr (deferred->reason_info.enhanced_code, ==, "4.2.2");
  g_assert_cmpstr (deferred->reason, ==,
                   "452 4.2.2 The email account that you tried to reach is over quota.");
  g_assert_cmpstr (deferred->subject, ==, "Your invoice 2026-0118");
  /* Brevo's retry window is undocumented: 72 hours. */
  g_assert_cmpint (deferred->expires_at, ==, 1768466183 + 72 * 3600);

  bounced = dlv_test_find_message (f->store, "202601150835.33344455566@smtp-relay.mailin.fr");
  g_assert_cmpint (bounced->status, ==, DLV_MESSAGE_STATUS_HARD_BOUNCE);
  g_assert_cmpint (bounced->reason_info.smtp_code, ==, 550);
  g_assert_cmpstr (bounced->reason_info.enhanced_code, ==, "5.1.1");

  soft = dlv_test_find_message (f->store, "202601142110.55566677788@smtp-relay.mailin.fr");
  g_assert_cmpint (soft->status, ==, DLV_MESSAGE_STATUS_SOFT_BOUNCE);
  g_assert_null (soft->campaign);

  /* blocked, invalid and error are all "not sent"; without a reason text
   * the row keeps Brevo's word for it. */
  blocked = dlv_test_find_message (f->store, "202601142110.66677788899@smtp-relay.mailin.fr");
  g_assert_cmpint (blocked->status, ==, DLV_MESSAGE_STATUS_BLOCKED);
  g_assert_cmpstr (blocked->reason, ==, "blocked");
  invalid = dlv_test_find_message (f->store, "202601142110.77788899900@smtp-relay.mailin.fr");
  g_assert_cmpint (invalid->status, ==, DLV_MESSAGE_STATUS_BLOCKED);
  g_assert_cmpstr (invalid->reason, ==, "invalid");
  failed = dlv_test_find_message (f->store, "202601142110.88899900011@smtp-relay.mailin.fr");
  g_assert_cmpint (failed->status, ==, DLV_MESSAGE_STATUS_BLOCKED);
  g_assert_cmpstr (failed->reason, ==, "Sender address is not a verified sender of this account");

  /* A proxy load (Apple Mail) and a click count as opened and clicked. */
  opened = dlv_test_message_events (f->store, "202601150835.11122233344@smtp-relay.mailin.fr");
  g_assert_cmpstr (opened, ==, "delivered@1768466121 opened@1768550700 clicked@1768550790");

  bulk = dlv_test_find_message (f->store, "bulk.2599@smtp-relay.mailin.fr");
  g_assert_nonnull (bulk);
  g_assert_cmpint (bulk->status, ==, DLV_MESSAGE_STATUS_DELIVERED);
}

static void
test_domains (DlvProviderFixture *f,
              gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = brevo (f, NOON);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) domains = NULL;
  DlvDomain *current;
  DlvDomain *legacy;
  DlvPollStats stats;

  dlv_test_server_add_status (f->server, "GET", EVENTS, 200, EMPTY);
  serve_domains (f);
  g_assert_true (poll (f, provider, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dlv_test_server_count (f->server, "/v3/senders/domains/"), ==, 2);

  domains = dlv_store_list_domains (f->store, f->account_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (domains->len, ==, 2);

  /* Two CNAME keys, the ownership code in the SPF row (Brevo asks for no
   * SPF record) and DMARC as Brevo reports it, not as DNS says. */
  current = find_domain (domains, "example.com");
  g_assert_nonnull (current);
  g_assert_cmpint (current->records[DLV_RECORD_DKIM1].status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (current->records[DLV_RECORD_DKIM1].host, ==, "brevo1._domainkey.example.com");
  g_assert_cmpstr (current->records[DLV_RECORD_DKIM1].type, ==, "CNAME");
  g_assert_cmpstr (current->records[DLV_RECORD_DKIM1].expected, ==, "b1.example-com.dkim.brevo.com");
  g_assert_null (current->records[DLV_RECORD_DKIM1].detail);
  g_assert_cmpint (current->records[DLV_RECORD_DKIM2].status, ==, DLV_RECORD_STATUS_INVALID);
  g_assert_cmpstr (current->records[DLV_RECORD_DKIM2].host, ==, "brevo2._domainkey.example.com");
  g_assert_nonnull (strstr (current->records[DLV_RECORD_DKIM2].detail, "DNS"));
  g_assert_cmpint (current->records[DLV_RECORD_SPF_RETURN_PATH].status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (current->records[DLV_RECORD_SPF_RETURN_PATH].host, ==, "example.com");
  g_assert_cmpstr (current->records[DLV_RECORD_SPF_RETURN_PATH].expected, ==,
                   "brevo-code:7c1f0e9d8b6a5c4e3f2a1b0c9d8e7f6a");
  g_assert_nonnull (strstr (current->records[DLV_RECORD_SPF_RETURN_PATH].detail, "no SPF"));
  g_assert_cmpint (current->records[DLV_RECORD_DMARC].status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (current->records[DLV_RECORD_DMARC].host, ==, "_dmarc.example.com");
  g_assert_cmpstr (current->records[DLV_RECORD_DMARC].expected, ==,
                   "v=DMARC1; p=none; rua=mailto:rua@dmarc.brevo.com");

  /* The older setup: one TXT key, shown in both rows with a word; an
   * unverified ownership code; DMARC from DNS, on the parent domain. */
  legacy = find_domain (domains, "old.example.net");
  g_assert_nonnull (legacy);
  g_assert_cmpint (legacy->records[DLV_RECORD_DKIM1].status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (legacy->records[DLV_RECORD_DKIM1].host, ==, "mail._domainkey.old.example.net");
  g_assert_cmpstr (legacy->records[DLV_RECORD_DKIM1].type, ==, "TXT");
  g_assert_cmpint (legacy->records[DLV_RECORD_DKIM2].status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (legacy->records[DLV_RECORD_DKIM2].host, ==, "mail._domainkey.old.example.net");
  g_assert_nonnull (strstr (legacy->records[DLV_RECORD_DKIM2].detail, "single DKIM key"));
  g_assert_cmpint (legacy->records[DLV_RECORD_SPF_RETURN_PATH].status, ==, DLV_RECORD_STATUS_INVALID);
  g_assert_cmpstr (legacy->records[DLV_RECORD_SPF_RETURN_PATH].host, ==, "old.example.net");
  g_assert_nonnull (strstr (legacy->records[DLV_RECORD_SPF_RETURN_PATH].detail, "not found this code"));
  g_assert_cmpint (legacy->records[DLV_RECORD_DMARC].status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (legacy->records[DLV_RECORD_DMARC].host, ==, "_dmarc.example.net");
}

/* Today is re-read every round from where the last one stopped; rows seen
 * again are recognised without an event id. */
static void
test_today_reread (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = brevo (f, NOON);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvMessage) delivered = NULL;
  DlvPollStats stats;

  serve_documented_days (f);
  g_assert_true (poll (f, provider, &stats, &error));
  g_assert_no_error (error);

  /* Nothing new: one request for today, nothing added. */
  dlv_provider_set_now (provider, NOON + 60);
  g_assert_true (poll (f, provider, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pages, ==, 1);
  g_assert_cmpuint (stats.events_added, ==, 0);
  g_assert_cmpuint (count_day (f, "2026-01-16", 3), ==, 1);
  assert_cursor (f, "bv1;day=2026-01-16;offset=3;tz=3600");

  /* Today grew, and the answer repeats a row already read. */
  serve_day (f, "2026-01-16", 3, "@brevo/today-more.json");
  dlv_provider_set_now (provider, NOON + 120);
  g_assert_true (poll (f, provider, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.events_added, ==, 1);
  g_assert_cmpuint (stats.events_duplicate, ==, 1);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 2613);
  assert_cursor (f, "bv1;day=2026-01-16;offset=5;tz=3600");
  delivered = dlv_test_find_message (f->store, BOB);
  g_assert_cmpint (delivered->status, ==, DLV_MESSAGE_STATUS_DELIVERED);

  /* The whole of today served again from offset 5 adds nothing. */
  serve_day (f, "2026-01-16", 5, "@brevo/today.json");
  g_assert_true (poll (f, provider, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.events_added, ==, 0);
  g_assert_cmpuint (stats.events_duplicate, ==, 3);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 2613);
  g_assert_cmpuint (count_day (f, "2026-01-16", 0), ==, 1);
}

/* Just after midnight, yesterday is still filling in the account's zone:
 * both days are read each round until yesterday has settled. */
static void
test_yesterday_open (DlvProviderFixture *f,
                     gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = brevo (f, 1768525200); /* 2026-01-16 01:00 UTC */
  g_autoptr(GError) error = NULL;
  DlvPollStats stats;

  store_cursor (f, "bv1;day=2026-01-15;tz=3600");
  dlv_test_server_add_status (f->server, "GET", EVENTS, 200, "{}");
  serve_day (f, "2026-01-15", 0, "@brevo/events-page.json");
  serve_day (f, "2026-01-16", 0, "@brevo/today.json");
  serve_domains (f);

  g_assert_true (poll (f, provider, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pages, ==, 2);
  g_assert_cmpuint (stats.events_added, ==, 6);
  assert_cursor (f, "bv1;day=2026-01-15;offset=3;offset1=3;tz=3600");

  /* Still open half an hour later: both re-read from their offsets. */
  dlv_provider_set_now (provider, 1768525200 + HOUR / 2);
  g_assert_true (poll (f, provider, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pages, ==, 2);
  assert_cursor (f, "bv1;day=2026-01-15;offset=3;offset1=3;tz=3600");

  /* 03:00 UTC: midnight at +01:00 plus the settling hours is past. */
  dlv_provider_set_now (provider, 1768525200 + 2 * HOUR);
  g_assert_true (poll (f, provider, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pages, ==, 2);
  g_assert_cmpuint (stats.events_added, ==, 0);
  assert_cursor (f, "bv1;day=2026-01-16;offset=3;tz=3600");

  g_assert_cmpuint (count_day (f, "2026-01-15", 0), ==, 1);
  g_assert_cmpuint (count_day (f, "2026-01-15", 3), ==, 2);
  g_assert_cmpuint (count_day (f, "2026-01-16", 0), ==, 1);
  g_assert_cmpuint (count_day (f, "2026-01-16", 3), ==, 2);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 6);
}

/* Before any event has shown the account's zone, a day is kept open until
 * it is over everywhere (UTC−12). Dates in UTC do not tell the zone. */
static void
test_unknown_zone (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = brevo (f, NOON);
  g_autoptr(GError) error = NULL;
  DlvPollStats stats;

  store_cursor (f, "bv1;day=2026-01-15");
  dlv_test_server_add_status (f->server, "GET", EVENTS, 200, "{\"events\":null}");
  serve_day (f, "2026-01-15", 0,
             "{\"events\":[{\"event\":\"delivered\",\"date\":\"2026-01-15T10:00:00Z\","
             "\"messageId\":\"<utc.1@relay>\",\"email\":\"u@example.org\"}]}");
  serve_domains (f);

  g_assert_true (poll (f, provider, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pages, ==, 2);
  g_assert_cmpuint (stats.events_added, ==, 1);
  assert_cursor (f, "bv1;day=2026-01-15;offset=1");

  dlv_provider_set_now (provider, NOON + 2 * HOUR);
  g_assert_true (poll (f, provider, &stats, &error));
  g_assert_no_error (error);
  assert_cursor (f, "bv1;day=2026-01-16");
  g_assert_cmpuint (count_day (f, "2026-01-15", 0), ==, 1);
  g_assert_cmpuint (count_day (f, "2026-01-15", 1), ==, 1);
  g_assert_cmpuint (count_day (f, "2026-01-16", 0), ==, 2);
}

/* Little left of the hourly budget: the round ends quietly with what it
 * has, no request is made until the pause is over, then it goes on. */
static void
test_budget_stop (DlvProviderFixture *f,
                  gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = brevo (f, NOON);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  g_autofree char *day1 = bulk_page ("2026-01-14", 0, 100);
  g_autofree char *match = events_match ("2026-01-14", 0);
  g_autofree char *paused = g_strdup_printf ("bv1;day=2026-01-14;offset=100;pause=%d;tz=3600",
                                             NOON + DLV_BREVO_BUDGET_PAUSE_SECONDS);
  DlvTestReply low = { .status = 200, .body = day1, .extra_header = "x-sib-ratelimit-remaining: 12" };
  DlvPollStats stats;

  store_cursor (f, "bv1;day=2026-01-14;tz=3600");
  dlv_test_server_add_status (f->server, "GET", EVENTS, 200, EMPTY);
  dlv_test_server_add (f->server, "GET", match, &low);
  serve_day (f, "2026-01-14", 100, "@brevo/day1-tail.json");
  serve_domains (f);

  g_assert_true (poll (f, provider, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pages, ==, 1);
  g_assert_cmpuint (stats.events_added, ==, 100);
  g_assert_cmpint (dlv_provider_get_last_reply (provider)->status, ==, 200);
  stored = account (f);
  g_assert_cmpstr (stored->cursor, ==, paused);
  g_assert_null (stored->last_error);
  g_assert_null (stored->history_gap);

  /* Resting: no events request at all, nothing changes. */
  dlv_provider_set_now (provider, NOON + 60);
  g_assert_true (poll (f, provider, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_event_requests (f), ==, 1);
  g_assert_cmpuint (stats.events_added, ==, 0);
  assert_cursor (f, paused);

  /* After the pause it continues exactly where it stopped. */
  dlv_provider_set_now (provider, NOON + DLV_BREVO_BUDGET_PAUSE_SECONDS);
  g_assert_true (poll (f, provider, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.events_added, ==, 6);
  g_assert_cmpuint (count_day (f, "2026-01-14", 0), ==, 1);
  g_assert_cmpuint (count_day (f, "2026-01-14", 100), ==, 1);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 106);
  assert_cursor (f, "bv1;day=2026-01-16;tz=3600");
}

/* Brevo answers 429 with Retry-After, or with its own reset header only. */
static void
test_rate_limited (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = brevo (f, NOON);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  DlvTestReply limited = { .status = 429, .retry_after = "7",
                           .body = "{\"code\":\"too_many_requests\",\"message\":\"Too many requests\"}" };
  DlvTestReply reset = { .status = 429, .body = "{\"code\":\"too_many_requests\"}",
                         .extra_header = "x-sib-ratelimit-reset: 1800" };
  DlvPollStats stats;

  store_cursor (f, "bv1;day=2026-01-16;tz=3600");
  dlv_test_server_add (f->server, "GET", EVENTS, &limited);
  dlv_test_server_add (f->server, "GET", EVENTS, &reset);
  dlv_test_server_add_status (f->server, "GET", EVENTS, 200, "@brevo/today.json");
  serve_domains (f);

  g_assert_false (poll (f, provider, &stats, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_RATE_LIMITED);
  g_assert_nonnull (strstr (error->message, "Brevo"));
  g_assert_cmpint (dlv_provider_get_last_reply (provider)->status, ==, 429);
  g_assert_cmpint (dlv_provider_get_last_reply (provider)->retry_after, ==, 7);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 0);
  stored = account (f);
  g_assert_cmpstr (stored->cursor, ==, "bv1;day=2026-01-16;tz=3600");
  g_assert_cmpstr (stored->last_error, ==, error->message);
  g_clear_error (&error);

  g_assert_false (poll (f, provider, &stats, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_RATE_LIMITED);
  g_assert_cmpint (dlv_provider_get_last_reply (provider)->retry_after, ==, 1800);
  g_clear_error (&error);

  g_assert_true (poll (f, provider, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 3);
  assert_cursor (f, "bv1;day=2026-01-16;offset=3;tz=3600");
}

static void
test_unauthorized (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = brevo (f, NOON);
  DlvTestReply refused = { .status = 401, .body = "{\"code\":\"unauthorized\",\"message\":\"Key not found\"}" };
  g_autoptr(GError) error = dlv_test_poll_refused (f, provider, "GET", "/v3/", &refused,
                                                   DLV_PROVIDER_ERROR_UNAUTHORIZED);

  g_assert_nonnull (strstr (error->message, "API key"));
  g_assert_null (strstr (error->message, KEY));
}

/* A server error in the middle of a day keeps the page before it and
 * resumes at the same offset. */
static void
test_server_error_resumes (DlvProviderFixture *f,
                           gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = brevo (f, NOON);
  g_autoptr(GError) error = NULL;
  g_autofree char *day1 = bulk_page ("2026-01-14", 0, 100);
  g_autofree char *second = events_match ("2026-01-14", 100);
  DlvPollStats stats;

  store_cursor (f, "bv1;day=2026-01-14");
  dlv_test_server_add_status (f->server, "GET", EVENTS, 200, EMPTY);
  serve_day (f, "2026-01-14", 0, day1);
  dlv_test_server_add_status (f->server, "GET", second, 500, "{\"code\":\"internal_error\"}");
  serve_day (f, "2026-01-14", 100, "@brevo/day1-tail.json");
  serve_domains (f);

  g_assert_false (poll (f, provider, &stats, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_SERVER);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 100);
  assert_cursor (f, "bv1;day=2026-01-14;offset=100;tz=3600");
  g_clear_error (&error);

  g_assert_true (poll (f, provider, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 106);
  g_assert_cmpuint (count_day (f, "2026-01-14", 0), ==, 1);
  g_assert_cmpuint (count_day (f, "2026-01-14", 100), ==, 2);
}

static void
test_slow_answer (DlvProviderFixture *f,
                  gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = brevo (f, NOON);

  dlv_test_assert_poll_broken (f, provider, "GET", EVENTS, "@brevo/events-page.json",
                               DLV_TEST_REPLY_SLOW, DLV_PROVIDER_ERROR_TIMEOUT);
}

static void
test_truncated_answer (DlvProviderFixture *f,
                       gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = brevo (f, NOON);

  dlv_test_assert_poll_broken (f, provider, "GET", EVENTS, "@brevo/events-page.json",
                               DLV_TEST_REPLY_TRUNCATED, DLV_PROVIDER_ERROR_NETWORK);
}

/* Wrong types, missing fields, a 10 MB subject, invalid UTF-8 and numbers
 * as strings: each bad row is skipped and counted, the rest kept, and the
 * offset still moves past every row. */
static void
test_hostile_page (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = brevo (f, 1768392000); /* 2026-01-14 12:00 UTC */
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvMessage) odd = NULL;
  g_autofree char *big = g_strnfill (10 * 1024 * 1024, 'x');
  g_autofree char *page = g_strdup_printf (
    "{\"events\":["
    "{\"event\":\"delivered\",\"date\":\"2026-01-14T10:00:00+01:00\",\"messageId\":\"<ok.1@relay>\","
    " \"email\":\"a@example.org\",\"subject\":\"%s\"},"
    "{\"event\":\"delivered\",\"date\":1768381200,\"messageId\":\"<bad.1@relay>\"},"
    "{\"event\":\"delivered\",\"date\":\"2026-01-14T10:00:01+01:00\",\"messageId\":[\"<bad.2@relay>\"]},"
    "{\"event\":\"hardBounces\",\"messageId\":\"<bad.3@relay>\"},"
    "{\"event\":\"deferred\",\"date\":\"%s\",\"messageId\":\"<bad.4@relay>\"},"
    "{\"event\":17,\"date\":\"2026-01-14T10:00:02+01:00\",\"messageId\":\"<bad.5@relay>\"},"
    "{\"event\":\"delivered\",\"date\":\"2026-01-14T10:00:03+01:00\",\"messageId\":\"<>\"},"
    "42, null, \"text\", [],"
    "{\"event\":\"aNewKind\",\"date\":\"2026-01-14T10:00:04+01:00\",\"messageId\":\"<new.1@relay>\"},"
    "{\"event\":\"softBounces\",\"date\":\"2026-01-14T10:00:05.000+01:00\",\"messageId\":\"<ok.2@relay>\","
    " \"email\":{\"nested\":{\"deeper\":[1,2,3]}},\"templateId\":\"12\",\"tag\":[\"x\"],"
    " \"reason\":\"421 4.7.28 Rate limited \xff\xfe here\",\"subject\":\"caf\xc3\xa9 \xe9t\xe9\"}"
    "]}", big, big);
  DlvPollStats stats;

  store_cursor (f, "bv1;day=2026-01-14;tz=3600");
  dlv_test_server_add_status (f->server, "GET", EVENTS, 200, EMPTY);
  serve_day (f, "2026-01-14", 0, page);
  serve_domains (f);

  g_assert_true (poll (f, provider, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.events_added, ==, 2);
  g_assert_cmpuint (stats.events_skipped, ==, 10);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 2);
  /* 13 rows read: the next look at that day starts after all of them. */
  assert_cursor (f, "bv1;day=2026-01-14;offset=13;tz=3600");

  odd = dlv_test_find_message (f->store, "ok.2@relay");
  g_assert_nonnull (odd);
  g_assert_cmpint (odd->status, ==, DLV_MESSAGE_STATUS_SOFT_BOUNCE);
  g_assert_null (odd->recipient);
  g_assert_cmpint (odd->reason_info.smtp_code, ==, 421);
  g_assert_cmpstr (odd->reason_info.enhanced_code, ==, "4.7.28");
  g_assert_true (g_utf8_validate (odd->reason, -1, NULL));
  g_assert_true (g_utf8_validate (odd->subject, -1, NULL));
}

/* {"events": []}, {"events": null} and {} are empty pages; an object with
 * something else is not a page at all. */
static void
test_page_shapes (DlvProviderFixture *f,
                  gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = brevo (f, NOON);
  g_autoptr(GError) error = NULL;

  store_cursor (f, "bv1;day=2026-01-15;tz=3600");
  serve_day (f, "2026-01-15", 0, "{}");
  serve_day (f, "2026-01-16", 0, "{\"code\":\"invalid_parameter\",\"message\":\"endDate is invalid\"}");
  serve_domains (f);

  g_assert_false (poll (f, provider, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "events"));
  /* The empty day before it was taken and closed. */
  assert_cursor (f, "bv1;day=2026-01-16;tz=3600");
}

/* A position older than Brevo reaches starts at its 90-day limit, and the
 * account says which days could not be read. */
static void
test_history_gap (DlvProviderFixture *f,
                  gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = brevo (f, NOON);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  g_autoptr(GPtrArray) log = NULL;

  store_cursor (f, "bv1;day=2025-06-01;offset=40;tz=3600");
  dlv_test_server_add_status (f->server, "GET", EVENTS, 200, EMPTY);
  serve_domains (f);

  g_assert_true (poll (f, provider, NULL, &error));
  g_assert_no_error (error);
  log = dlv_test_server_get_log (f->server);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (log, 0),
                                   "GET /v3/smtp/statistics/events?startDate=2025-10-19&endDate=2025-10-19"
                                   "&limit=2500&offset=0"));
  stored = account (f);
  g_assert_nonnull (stored->history_gap);
  g_assert_nonnull (strstr (stored->history_gap, "2025-06-01"));
  g_assert_nonnull (strstr (stored->history_gap, "2025-10-18"));
  g_assert_cmpstr (stored->cursor, ==, "bv1;day=2026-01-16;tz=3600");
}

static void
test_bad_cursor (DlvProviderFixture *f,
                 gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = brevo (f, NOON);
  g_autoptr(GError) error = NULL;

  store_cursor (f, "bv1;day=2026-02-30");
  g_assert_false (poll (f, provider, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_CURSOR);
  g_assert_cmpuint (count_event_requests (f), ==, 0);
  g_clear_error (&error);

  store_cursor (f, "mg1;begin=1768466121");
  g_assert_false (poll (f, provider, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_CURSOR);
}

/* Keys only travel over https, or to a loopback address. */
static void
test_security (DlvProviderFixture *f,
               gconstpointer       data)
{
  const DlvProviderInfo *info = dlv_providers_lookup ("brevo");
  DlvAccountSettings plain = { NULL, NULL, (char *) "http://api.brevo.com" };
  DlvAccountSettings standard = { NULL, NULL, NULL };
  g_autoptr(DlvProvider) refused = NULL;
  g_autoptr(DlvProvider) provider = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (info);
  g_assert_cmpuint (info->retry_window_hours, ==, 72);
  g_assert_cmpuint (info->min_poll_seconds, ==, 12);

  refused = dlv_providers_create (info, &plain, KEY, NULL, &error);
  g_assert_null (refused);
  g_assert_nonnull (strstr (error->message, "https"));
  g_clear_error (&error);

  g_assert_null (dlv_providers_create (info, &standard, "", NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_UNAUTHORIZED);
  g_clear_error (&error);

  provider = dlv_providers_create (info, &standard, KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dlv_provider_get_base_url (provider), ==, "https://api.brevo.com");
}

static void
test_test_access (DlvProviderFixture *f,
                  gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = brevo (f, NOON);
  g_autoptr(DlvAccessReport) report = NULL;
  g_autofree char *sentence = NULL;

  dlv_test_server_add_status (f->server, "GET", EVENTS, 200, "@brevo/events-page.json");
  dlv_test_server_add_status (f->server, "GET", "/v3/senders/domains", 403,
                              "{\"code\":\"permission_denied\",\"message\":\"Unauthorized IP address\"}");

  report = dlv_provider_test_access_sync (provider, NULL);
  g_assert_true (report->events_ok);
  g_assert_false (report->domains_ok);
  sentence = dlv_access_report_describe (report);
  g_assert_nonnull (strstr (sentence, "can read delivery events"));
  g_assert_nonnull (strstr (sentence, "Unauthorized IP address"));
}

static DlvEvent *
find_event (DlvEventPage *page,
            const char   *message_id,
            DlvEventKind  kind)
{
  for (guint i = 0; i < page->events->len; i++)
    {
      DlvEvent *event = g_ptr_array_index (page->events, i);

      if (g_strcmp0 (event->message_id, message_id) == 0 && event->kind == kind)
        return event;
    }

  return NULL;
}

static void
test_import (void)
{
  g_autofree char *page = dlv_test_server_fixture ("brevo/events-page.json");
  g_autofree char *hooks = dlv_test_server_fixture ("brevo/webhooks.json");
  g_autofree char *ndjson = g_strdup (
    "{\"event\":\"delivered\",\"email\":\"a@example.org\",\"message-id\":\"<w.1@relay>\","
    "\"ts_event\":1768466121}\n"
    "not json\n"
    "{\"event\":\"unique_opened\",\"email\":\"a@example.org\",\"message-id\":\"<w.1@relay>\","
    "\"ts_epoch\":1768466221000}\n");
  g_autoptr(DlvEventPage) from_page = NULL;
  g_autoptr(DlvEventPage) from_hooks = NULL;
  g_autoptr(DlvEventPage) from_lines = NULL;
  g_autoptr(GError) error = NULL;
  DlvEvent *polled;
  DlvEvent *hooked;
  DlvEvent *bounce;

  from_page = dlv_import_parse ("brevo", page, strlen (page), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_page->events->len, ==, 3);
  g_assert_null (from_page->next_cursor);
  g_assert_false (from_page->more);

  from_hooks = dlv_import_parse ("brevo", hooks, strlen (hooks), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_hooks->events->len, ==, 3);
  g_assert_cmpuint (from_hooks->skipped, ==, 1);

  /* The webhook's deferral is the polled one: same derived id, so an
   * import and a poll de-duplicate against each other. */
  polled = find_event (from_page, BOB, DLV_EVENT_KIND_DEFERRED);
  hooked = find_event (from_hooks, BOB, DLV_EVENT_KIND_DEFERRED);
  g_assert_nonnull (polled);
  g_assert_nonnull (hooked);
  g_assert_null (polled->uid);
  g_assert_null (hooked->uid);
  dlv_event_ensure_uid (polled);
  dlv_event_ensure_uid (hooked);
  g_assert_cmpstr (polled->uid, ==, hooked->uid);
  g_assert_cmpstr (hooked->campaign, ==, "invoice");
  g_assert_cmpstr (hooked->ip, ==, "185.41.28.109");
  g_assert_nonnull (polled->raw);

  bounce = find_event (from_hooks, "202601150835.33344455566@smtp-relay.mailin.fr",
                       DLV_EVENT_KIND_HARD_BOUNCE);
  g_assert_nonnull (bounce);
  g_assert_cmpint (bounce->at, ==, 1768466124);
  g_assert_cmpint (bounce->smtp_code, ==, 550);
  g_assert_cmpstr (bounce->enhanced_code, ==, "5.1.1");
  g_assert_nonnull (find_event (from_hooks, "202601150835.11122233344@smtp-relay.mailin.fr",
                                DLV_EVENT_KIND_OPENED));

  from_lines = dlv_import_parse ("brevo", ndjson, strlen (ndjson), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_lines->events->len, ==, 2);
  g_assert_cmpuint (from_lines->skipped, ==, 1);

  g_assert_null (dlv_import_parse ("brevo", "{\"hello\":1}", 11, &error));
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

  ADD ("/brevo/poll/pages", test_poll_pages);
  ADD ("/brevo/poll/today-reread", test_today_reread);
  ADD ("/brevo/poll/yesterday-open", test_yesterday_open);
  ADD ("/brevo/poll/unknown-zone", test_unknown_zone);
  ADD ("/brevo/poll/budget-stop", test_budget_stop);
  ADD ("/brevo/poll/history-gap", test_history_gap);
  ADD ("/brevo/domains", test_domains);
  ADD ("/brevo/errors/rate-limited", test_rate_limited);
  ADD ("/brevo/errors/unauthorized", test_unauthorized);
  ADD ("/brevo/errors/server-error-resumes", test_server_error_resumes);
  ADD ("/brevo/errors/slow", test_slow_answer);
  ADD ("/brevo/errors/truncated", test_truncated_answer);
  ADD ("/brevo/errors/hostile-page", test_hostile_page);
  ADD ("/brevo/errors/page-shapes", test_page_shapes);
  ADD ("/brevo/errors/bad-cursor", test_bad_cursor);
  ADD ("/brevo/security", test_security);
  ADD ("/brevo/test-access", test_test_access);
  g_test_add_func ("/brevo/import", test_import);

  return g_test_run ();
}
