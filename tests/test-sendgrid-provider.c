/* test-sendgrid-provider.c: the SendGrid client against a local SendGrid
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "dlv-import.h"
#include "dlv-sendgrid-events.h"
#include "dlv-sendgrid-provider.h"
#include "dlv-test-util.h"
#include "dlv-util.h"

/* The fixture rows were created from 1768466120 to 1768466125. */
#define NEWEST_ROW 1768466125
#define NOW (NEWEST_ROW + 3600)
#define KEY "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"

#define DEFERRED_ID "Yk6MoOlXTPrScewPqS45CB.recvd-85abf8d92c-3qfgp-2-67A1F0B2-1D.0"
#define BOUNCED_ID "Zl7NpPmYUQsTdfxQrT56DC.recvd-85abf8d92c-3qfgp-2-67A1F0B2-1E.0"
#define BLOCKED_ID "Am8OqQnZVRtUegyRsU67ED.recvd-85abf8d92c-3qfgp-2-67A1F0B2-1F.0"
#define DROPPED_ID "Bn9PrRoAWSuVfhzStV78FE.recvd-85abf8d92c-3qfgp-2-67A1F0B2-20.0"
#define PROCESSED_ID "Co1QsSpBXTvWgiAtUw89GF.recvd-85abf8d92c-3qfgp-2-67A1F0B2-21.0"
#define DELIVERED_ID "Xj5LmNkWSOqRbdvOpR34BA.recvd-85abf8d92c-3qfgp-2-67A1F0B2-1C.0"

static const char * const dns[] = {
  "_dmarc.example.com", "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com",
  NULL,
};

static DlvProvider *
sendgrid (DlvProviderFixture *f,
          gint64              now)
{
  DlvProvider *provider = dlv_provider_fixture_provider (f, "sendgrid", KEY, NULL, NULL);

  dlv_provider_set_now (provider, now);
  return provider;
}

/* Another process polling the same account: a fresh provider, no memory. */
static DlvProvider *
sendgrid_restarted (DlvProviderFixture *f,
                    gint64              now)
{
  DlvAccountSettings settings = { NULL, NULL, (char *) dlv_test_server_get_url (f->server) };
  g_autoptr(GError) error = NULL;
  DlvProvider *provider = dlv_providers_create (dlv_providers_lookup ("sendgrid"), &settings, KEY, NULL, &error);

  g_assert_no_error (error);
  g_object_set (provider, "timeout-seconds", 1, NULL);
  dlv_provider_set_now (provider, now);
  return provider;
}

static void
serve_details (DlvProviderFixture *f)
{
  dlv_test_server_add_status (f->server, "GET", "/v3/logs/Yk6", 200, "@sendgrid/detail-deferred.json");
  dlv_test_server_add_status (f->server, "GET", "/v3/logs/Zl7", 200, "@sendgrid/detail-bounce.json");
  dlv_test_server_add_status (f->server, "GET", "/v3/logs/Am8", 200, "@sendgrid/detail-blocked.json");
  dlv_test_server_add_status (f->server, "GET", "/v3/whitelabel/domains", 200, "@sendgrid/domains.json");
}

static void
serve_documented (DlvProviderFixture *f)
{
  dlv_test_server_add_status (f->server, "POST", "/v3/logs", 200, "@sendgrid/logs-page.json");
  serve_details (f);
}

static DlvAccount *
account (DlvProviderFixture *f)
{
  g_autoptr(GError) error = NULL;
  DlvAccount *result = dlv_store_get_account (f->store, f->account_id, &error);

  g_assert_no_error (error);
  return result;
}

/* One page fetched from the stored cursor and stored with its cursor, as
 * the poller does, but leaving the request log to the test. */
static DlvEventPage *
fetch_and_store (DlvProviderFixture  *f,
                 DlvProvider         *provider,
                 GError             **error)
{
  g_autoptr(DlvAccount) stored = account (f);
  DlvEventPage *page = dlv_provider_fetch_page_sync (provider, stored->cursor, NULL, error);

  if (page != NULL)
    g_assert_true (dlv_store_ingest_page (f->store, f->account_id, page, NULL, NULL));

  return page;
}

static void
set_cursor (DlvProviderFixture *f,
            const char         *cursor)
{
  g_autoptr(DlvEventPage) page = dlv_event_page_new ();
  g_autoptr(GError) error = NULL;

  page->next_cursor = g_strdup (cursor);
  page->more = TRUE;
  g_assert_true (dlv_store_ingest_page (f->store, f->account_id, page, NULL, &error));
  g_assert_no_error (error);
}

static gboolean
body_has_window (DlvProviderFixture *f,
                 gint64              from,
                 gint64              end)
{
  g_autofree char *body = dlv_test_server_last_body (f->server);
  g_autofree char *start = dlv_format_iso8601 (from);
  g_autofree char *stop = dlv_format_iso8601 (end);
  g_autofree char *lower = g_strdup_printf (">= TIMESTAMP \\\"%s\\\"", start);
  g_autofree char *upper = g_strdup_printf ("< TIMESTAMP \\\"%s\\\"", stop);

  return strstr (body, lower) != NULL && strstr (body, upper) != NULL &&
         strstr (body, "\"limit\":1000") != NULL;
}

/* @count delivered rows created at @created, ids PREFIX0000… */
static char *
rows_page (const char *prefix,
           guint       count,
           gint64      created)
{
  g_autofree char *when = dlv_format_iso8601 (created);
  GString *page = g_string_new ("{\"messages\":[");

  for (guint i = 0; i < count; i++)
    g_string_append_printf (page,
                            "%s{\"sg_message_id\":\"%s%04u.recvd-1-2.0\",\"to_email\":\"r%u@example.org\","
                            "\"from_email\":\"news@example.com\",\"subject\":\"News\",\"status\":\"delivered\","
                            "\"reason\":\"250 2.0.0 OK\",\"sg_message_id_created_at\":\"%s\"}",
                            i > 0 ? "," : "", prefix, i, i, when);
  g_string_append (page, "]}");

  return g_string_free (page, FALSE);
}

static void
test_poll_pages (DlvProviderFixture *f,
                 gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sendgrid (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvMessage) deferred = NULL;
  g_autoptr(DlvMessage) bounced = NULL;
  g_autoptr(DlvMessage) blocked = NULL;
  g_autoptr(DlvMessage) dropped = NULL;
  g_autoptr(DlvMessage) delivered = NULL;
  g_autoptr(DlvMessage) processed = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  g_autoptr(DlvEventPage) first = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *events = NULL;
  g_autofree char *expected_from = g_strdup_printf ("from=%d;", NOW - DLV_SENDGRID_OVERLAP_SECONDS);
  g_autofree char *expected_revisit = g_strdup_printf ("revisit=%d;", NOW + DLV_SENDGRID_REVISIT_SECONDS);
  DlvPollStats stats;

  serve_documented (f);

  /* The first page lists the last 30 days in one window. */
  first = fetch_and_store (f, provider, &error);
  g_assert_no_error (error);
  g_assert_true (body_has_window (f, NOW - 30 * 24 * 3600, NOW));
  auth = dlv_test_server_last_header (f->server, "Authorization");
  g_assert_cmpstr (auth, ==, "Bearer " KEY);
  g_assert_true (first->more);
  /* Delivered, dropped and processed rows stand for themselves; the
   * deferred, bounced and blocked ones wait for their detail. */
  g_assert_cmpuint (first->events->len, ==, 3);
  g_assert_nonnull (strstr (first->next_cursor, "pending="));

  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pages, ==, 1);
  g_assert_cmpuint (stats.events_added, ==, 6);
  g_assert_cmpuint (dlv_test_server_count (f->server, "POST /v3/logs"), ==, 1);
  g_assert_cmpuint (dlv_test_server_count (f->server, "GET /v3/logs/" DEFERRED_ID), ==, 1);
  g_assert_cmpuint (dlv_test_server_count (f->server, "GET /v3/logs/" BOUNCED_ID), ==, 1);
  g_assert_cmpuint (dlv_test_server_count (f->server, "GET /v3/logs/" BLOCKED_ID), ==, 1);
  g_assert_cmpuint (dlv_test_server_count (f->server, "GET /v3/whitelabel/domains?limit=50&offset=0"), ==, 1);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 9);
  g_assert_cmpuint (dlv_test_count_messages (f->store), ==, 6);

  /* The message id is the full sg_message_id. */
  deferred = dlv_test_find_message (f->store, DEFERRED_ID);
  g_assert_nonnull (deferred);
  g_assert_cmpint (deferred->status, ==, DLV_MESSAGE_STATUS_DEFERRED);
  g_assert_cmpint (deferred->attempts, ==, 1);
  g_assert_cmpint (deferred->first_deferred_at, ==, 1768466183);
  g_assert_cmpint (deferred->expires_at, ==, 1768466183 + 72 * 3600);
  g_assert_cmpint (deferred->reason_info.smtp_code, ==, 452);
  g_assert_cmpstr (deferred->reason_info.enhanced_code, ==, "4.2.2");
  g_assert_cmpstr (deferred->reason, ==, "452 4.2.2 The email account that you tried to reach is over quota.");
  g_assert_cmpstr (deferred->campaign, ==, "invoice");
  g_assert_cmpstr (deferred->subject, ==, "Your invoice 2026-0118");
  events = dlv_test_message_events (f->store, DEFERRED_ID);
  g_assert_cmpstr (events, ==, "accepted@1768466121 deferred@1768466183");

  bounced = dlv_test_find_message (f->store, BOUNCED_ID);
  g_assert_cmpint (bounced->status, ==, DLV_MESSAGE_STATUS_HARD_BOUNCE);
  g_assert_cmpint (bounced->status_at, ==, 1768466125);
  g_assert_cmpstr (bounced->reason_info.enhanced_code, ==, "5.1.1");
  g_assert_cmpint (bounced->reason_info.smtp_code, ==, 550);

  /* Uncertain shapes: "type": "block", a basic code in "status", a
   * timestamp as a string and "category" as a string. */
  blocked = dlv_test_find_message (f->store, BLOCKED_ID);
  g_assert_cmpint (blocked->status, ==, DLV_MESSAGE_STATUS_SOFT_BOUNCE);
  g_assert_cmpint (blocked->reason_info.smtp_code, ==, 554);
  g_assert_cmpstr (blocked->reason_info.enhanced_code, ==, "5.7.1");
  g_assert_cmpint (blocked->first_event_at, ==, 1768466123);
  g_assert_cmpstr (blocked->campaign, ==, "invoice");

  dropped = dlv_test_find_message (f->store, DROPPED_ID);
  g_assert_cmpint (dropped->status, ==, DLV_MESSAGE_STATUS_BLOCKED);
  g_assert_cmpstr (dropped->reason, ==, "Bounced Address");

  delivered = dlv_test_find_message (f->store, DELIVERED_ID);
  g_assert_cmpint (delivered->status, ==, DLV_MESSAGE_STATUS_DELIVERED);
  g_assert_cmpint (delivered->delivered_at, ==, 1768466120);

  processed = dlv_test_find_message (f->store, PROCESSED_ID);
  g_assert_cmpint (processed->status, ==, DLV_MESSAGE_STATUS_ACCEPTED);

  /* Caught up: the next round starts five minutes back, and the two
   * messages SendGrid still works on are followed. */
  stored = account (f);
  g_assert_true (g_str_has_prefix (stored->cursor, "sg1;done=1;"));
  g_assert_nonnull (strstr (stored->cursor, expected_from));
  g_assert_nonnull (strstr (stored->cursor, expected_revisit));
  g_assert_true (g_str_has_suffix (stored->cursor, "watch=" PROCESSED_ID "%2C" DEFERRED_ID));
  g_assert_null (strstr (stored->cursor, "pending="));
  g_assert_null (stored->last_error);
  g_assert_null (stored->history_gap);
}

static void
test_domains (DlvProviderFixture *f,
              gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sendgrid (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) domains = NULL;
  DlvDomain *automatic;
  DlvDomain *manual;

  serve_documented (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, NULL, NULL, &error));
  g_assert_no_error (error);

  domains = dlv_store_list_domains (f->store, f->account_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (domains->len, ==, 2);
  automatic = g_ptr_array_index (domains, 0);
  manual = g_ptr_array_index (domains, 1);

  /* Two entries for example.com: the default one is shown. */
  g_assert_cmpstr (automatic->domain, ==, "example.com");
  g_assert_cmpint (automatic->records[DLV_RECORD_DKIM1].status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (automatic->records[DLV_RECORD_DKIM1].host, ==, "s1._domainkey.example.com");
  g_assert_cmpstr (automatic->records[DLV_RECORD_DKIM1].type, ==, "CNAME");
  g_assert_null (automatic->records[DLV_RECORD_DKIM1].detail);
  g_assert_cmpint (automatic->records[DLV_RECORD_DKIM2].status, ==, DLV_RECORD_STATUS_INVALID);
  g_assert_cmpstr (automatic->records[DLV_RECORD_DKIM2].expected, ==, "s2.domainkey.u1234567.wl068.sendgrid.net");
  g_assert_nonnull (strstr (automatic->records[DLV_RECORD_DKIM2].detail, "Verify"));
  g_assert_cmpint (automatic->records[DLV_RECORD_SPF_RETURN_PATH].status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (automatic->records[DLV_RECORD_SPF_RETURN_PATH].host, ==, "em4821.example.com");
  g_assert_cmpstr (automatic->records[DLV_RECORD_SPF_RETURN_PATH].expected, ==, "u1234567.wl068.sendgrid.net");
  g_assert_cmpint (automatic->records[DLV_RECORD_DMARC].status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (automatic->records[DLV_RECORD_DMARC].host, ==, "_dmarc.example.com");

  /* Without automatic security ("false" as a string here): one DKIM TXT,
   * and the subdomain's SPF, which is not in place. */
  g_assert_cmpstr (manual->domain, ==, "example.org");
  g_assert_cmpint (manual->records[DLV_RECORD_DKIM1].status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_cmpstr (manual->records[DLV_RECORD_DKIM1].type, ==, "TXT");
  g_assert_cmpint (manual->records[DLV_RECORD_DKIM2].status, ==, DLV_RECORD_STATUS_VALID);
  g_assert_nonnull (strstr (manual->records[DLV_RECORD_DKIM2].detail, "single DKIM key"));
  g_assert_cmpint (manual->records[DLV_RECORD_SPF_RETURN_PATH].status, ==, DLV_RECORD_STATUS_INVALID);
  g_assert_cmpstr (manual->records[DLV_RECORD_SPF_RETURN_PATH].type, ==, "TXT");
  g_assert_cmpstr (manual->records[DLV_RECORD_SPF_RETURN_PATH].expected, ==, "v=spf1 ip4:198.51.100.23 -all");
  g_assert_cmpint (manual->records[DLV_RECORD_DMARC].status, ==, DLV_RECORD_STATUS_MISSING);
}

static void
test_poll_again_no_duplicates (DlvProviderFixture *f,
                               gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sendgrid (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvEventPage) page = NULL;
  DlvPollStats stats;

  serve_documented (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);

  /* The next round reads the overlap again; rows already read in detail in
   * the same state are not read again, the rest de-duplicate. */
  dlv_provider_set_now (provider, NOW + 60);
  page = fetch_and_store (f, provider, &error);
  g_assert_no_error (error);
  g_assert_true (body_has_window (f, NOW - DLV_SENDGRID_OVERLAP_SECONDS, NOW + 60));
  g_assert_false (page->more);

  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.events_added, ==, 0);
  g_assert_cmpuint (stats.events_duplicate, ==, 3);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 9);
  g_assert_cmpuint (dlv_test_server_count (f->server, "GET /v3/logs/"), ==, 3);

  /* Another process (say, after a restart) reads the details again: the
   * store keeps exactly one copy of each event. */
  {
    g_autoptr(DlvProvider) fresh = sendgrid_restarted (f, NOW + 120);

    g_assert_true (dlv_poll_account_sync (f->store, f->account_id, fresh, 0, &stats, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (stats.events_added, ==, 0);
    g_assert_cmpuint (dlv_test_count_events (f->store), ==, 9);
  }
}

/* The trap: 1000 rows and no paging. A full window is split, the
 * older half first, and the split survives a crash. */
static void
test_cap_splits_window (DlvProviderFixture *f,
                        gconstpointer       data)
{
  gint64 from = NOW - 1000;
  gint64 middle = NOW - 500;
  g_autoptr(DlvProvider) provider = sendgrid (f, NOW);
  g_autoptr(DlvProvider) restarted = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  g_autoptr(DlvEventPage) split = NULL;
  g_autoptr(DlvEventPage) older = NULL;
  g_autoptr(DlvEventPage) newer = NULL;
  g_autofree char *start = g_strdup_printf ("sg1;from=%" G_GINT64_FORMAT, from);
  g_autofree char *full = rows_page ("full", DLV_SENDGRID_ROW_LIMIT, from + 10);
  g_autofree char *older_rows = rows_page ("old", 600, from + 10);
  g_autofree char *newer_rows = rows_page ("new", 400, middle + 10);
  g_autofree char *split_cursor = g_strdup_printf ("sg1;from=%" G_GINT64_FORMAT ";to=%" G_GINT64_FORMAT "%%2C%d",
                                                   from, middle, NOW);
  g_autofree char *half_cursor = g_strdup_printf ("sg1;from=%" G_GINT64_FORMAT ";to=%d", middle, NOW);

  set_cursor (f, start);
  dlv_test_server_add_status (f->server, "POST", "/v3/logs", 200, full);
  dlv_test_server_add_status (f->server, "POST", "/v3/logs", 200, older_rows);
  dlv_test_server_add_status (f->server, "POST", "/v3/logs", 500, "{\"errors\":[{\"message\":\"internal\"}]}");
  dlv_test_server_add_status (f->server, "POST", "/v3/logs", 200, newer_rows);

  /* [from, now) is full: nothing kept, the window splits. */
  split = fetch_and_store (f, provider, &error);
  g_assert_no_error (error);
  g_assert_true (body_has_window (f, from, NOW));
  g_assert_cmpuint (split->events->len, ==, 0);
  g_assert_true (split->more);
  g_assert_null (split->gap);
  g_assert_cmpstr (split->next_cursor, ==, split_cursor);

  /* The older half fits. */
  older = fetch_and_store (f, provider, &error);
  g_assert_no_error (error);
  g_assert_true (body_has_window (f, from, middle));
  g_assert_cmpuint (older->events->len, ==, 600);
  g_assert_cmpstr (older->next_cursor, ==, half_cursor);

  /* A failure, then a fresh process resumes with the newer half. */
  g_assert_null (fetch_and_store (f, provider, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_SERVER);
  g_clear_error (&error);
  stored = account (f);
  g_assert_cmpstr (stored->cursor, ==, half_cursor);

  restarted = sendgrid_restarted (f, NOW);
  newer = fetch_and_store (f, restarted, &error);
  g_assert_no_error (error);
  g_assert_true (body_has_window (f, middle, NOW));
  g_assert_cmpuint (newer->events->len, ==, 400);
  g_assert_false (newer->more);
  g_assert_true (g_str_has_prefix (newer->next_cursor, "sg1;done=1;"));

  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 1000);
  g_assert_cmpuint (dlv_test_count_messages (f->store), ==, 1000);
  g_assert_nonnull (dlv_test_find_message (f->store, "old0599.recvd-1-2.0"));
  g_assert_nonnull (dlv_test_find_message (f->store, "new0000.recvd-1-2.0"));
  g_assert_null (dlv_test_find_message (f->store, "full0000.recvd-1-2.0"));
}

/* A single second with 1000 messages cannot be split: its rows are kept
 * and the account says, in words, that some could not be read. */
static void
test_cap_busy_second (DlvProviderFixture *f,
                      gconstpointer       data)
{
  gint64 second = NOW - 100;
  g_autoptr(DlvProvider) provider = sendgrid (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  g_autoptr(DlvEventPage) page = NULL;
  g_autofree char *start = g_strdup_printf ("sg1;from=%" G_GINT64_FORMAT ";to=%" G_GINT64_FORMAT "%%2C%d",
                                            second, second + 1, NOW);
  g_autofree char *full = rows_page ("busy", DLV_SENDGRID_ROW_LIMIT, second);
  g_autofree char *when = dlv_format_iso8601 (second);
  DlvPollStats stats;

  set_cursor (f, start);
  dlv_test_server_add_status (f->server, "POST", "/v3/logs", 200, full);
  dlv_test_server_add_status (f->server, "POST", "/v3/logs", 200, "@sendgrid/empty.json");
  dlv_test_server_add_status (f->server, "GET", "/v3/whitelabel/domains", 200, "[]");

  page = fetch_and_store (f, provider, &error);
  g_assert_no_error (error);
  g_assert_true (body_has_window (f, second, second + 1));
  g_assert_cmpuint (page->events->len, ==, DLV_SENDGRID_ROW_LIMIT);
  g_assert_nonnull (page->gap);
  g_assert_nonnull (strstr (page->gap, when));

  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, DLV_SENDGRID_ROW_LIMIT);
  stored = account (f);
  g_assert_nonnull (stored->history_gap);
  g_assert_nonnull (strstr (stored->history_gap, "could not be read"));
  g_assert_true (g_str_has_prefix (stored->cursor, "sg1;done=1;"));
}

/* A deferred message is followed until it ends: its detail is read again
 * after ten minutes and gives the later attempts and the delivery. */
static void
test_follow_until_delivered (DlvProviderFixture *f,
                             gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sendgrid (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvMessage) deferred = NULL;
  g_autoptr(DlvMessage) processed = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  g_autofree char *events = NULL;
  DlvPollStats stats;

  serve_documented (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);

  /* Before the revisit is due, nothing is read in detail. */
  dlv_provider_set_now (provider, NOW + 300);
  dlv_test_server_reset (f->server);
  dlv_test_server_add_status (f->server, "POST", "/v3/logs", 200, "@sendgrid/empty.json");
  dlv_test_server_add_status (f->server, "GET", "/v3/whitelabel/domains", 200, "@sendgrid/domains.json");
  dlv_test_server_add_status (f->server, "GET", "/v3/logs/Yk6", 200, "@sendgrid/detail-delivered.json");
  dlv_test_server_add_status (f->server, "GET", "/v3/logs/Co1", 200, "@sendgrid/detail-processed-delivered.json");
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dlv_test_server_count (f->server, "GET /v3/logs/"), ==, 0);

  dlv_provider_set_now (provider, NOW + DLV_SENDGRID_REVISIT_SECONDS + 1);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  /* The round lists new messages first, then reads the followed ones. */
  g_assert_cmpuint (stats.pages, ==, 2);
  g_assert_cmpuint (dlv_test_server_count (f->server, "GET /v3/logs/" DEFERRED_ID), ==, 1);
  g_assert_cmpuint (dlv_test_server_count (f->server, "GET /v3/logs/" PROCESSED_ID), ==, 1);
  g_assert_cmpuint (stats.events_added, ==, 4);

  deferred = dlv_test_find_message (f->store, DEFERRED_ID);
  g_assert_cmpint (deferred->status, ==, DLV_MESSAGE_STATUS_DELIVERED);
  g_assert_cmpint (deferred->attempts, ==, 3);
  g_assert_cmpint (deferred->delivered_at, ==, 1768469000);
  events = dlv_test_message_events (f->store, DEFERRED_ID);
  g_assert_cmpstr (events, ==, "accepted@1768466121 deferred@1768466183 deferred@1768467083 "
                               "delivered@1768469000 opened@1768469300");

  processed = dlv_test_find_message (f->store, PROCESSED_ID);
  g_assert_cmpint (processed->status, ==, DLV_MESSAGE_STATUS_DELIVERED);
  g_assert_cmpint (processed->delivered_at, ==, 1768466130);

  /* Nothing is followed any more. */
  stored = account (f);
  g_assert_null (strstr (stored->cursor, "watch="));
  g_assert_null (strstr (stored->cursor, "revisit="));
}

/* A followed message whose row turns delivered is read in detail at once,
 * so the deferrals before the delivery are kept. */
static void
test_changed_row_read_in_detail (DlvProviderFixture *f,
                                 gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sendgrid (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvMessage) message = NULL;
  g_autofree char *page = dlv_test_server_fixture ("sendgrid/logs-page.json");
  g_auto(GStrv) parts = NULL;
  g_autofree char *changed = NULL;
  DlvPollStats stats;

  serve_documented (f);
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);

  /* The deferred row is now delivered. */
  parts = g_strsplit (page, "\"status\": \"deferred\"", -1);
  changed = g_strjoinv ("\"status\": \"delivered\"", parts);
  dlv_test_server_reset (f->server);
  dlv_test_server_add_status (f->server, "POST", "/v3/logs", 200, changed);
  dlv_test_server_add_status (f->server, "GET", "/v3/logs/Yk6", 200, "@sendgrid/detail-delivered.json");
  dlv_test_server_add_status (f->server, "GET", "/v3/whitelabel/domains", 200, "[]");
  dlv_provider_set_now (provider, NOW + 60);

  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dlv_test_server_count (f->server, "GET /v3/logs/" DEFERRED_ID), ==, 1);
  g_assert_cmpuint (dlv_test_server_count (f->server, "GET /v3/logs/"), ==, 1);
  message = dlv_test_find_message (f->store, DEFERRED_ID);
  g_assert_cmpint (message->status, ==, DLV_MESSAGE_STATUS_DELIVERED);
  g_assert_cmpint (message->delivered_at, ==, 1768469000);
  g_assert_cmpint (message->attempts, ==, 3);
}

/* A message whose detail is not found (too new or aged out) is told by its
 * row alone. */
static void
test_detail_not_found (DlvProviderFixture *f,
                       gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sendgrid (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvEventPage) list = NULL;
  g_autoptr(DlvEventPage) details = NULL;
  g_autoptr(DlvMessage) bounced = NULL;
  g_autofree char *body = NULL;
  const char *row = "{\"messages\":[{\"sg_message_id\":\"" BOUNCED_ID "\",\"to_email\":\"carol@invalid-example.com\","
                    "\"from_email\":\"billing@example.com\",\"subject\":\"Invoice\",\"status\":\"bounced\","
                    "\"reason\":\"550 5.1.1 No such user\",\"sg_message_id_created_at\":\"2026-01-15T08:35:22Z\"}]}";

  dlv_test_server_add_status (f->server, "POST", "/v3/logs", 200, row);
  dlv_test_server_add_status (f->server, "GET", "/v3/logs/Zl7", 404,
                              "{\"errors\":[{\"field\":null,\"message\":\"message not found\"}]}");

  list = fetch_and_store (f, provider, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->events->len, ==, 0);
  details = fetch_and_store (f, provider, &error);
  g_assert_no_error (error);
  body = dlv_test_server_last_body (f->server);
  g_assert_nonnull (strstr (body, "sg_message_id = \\\"" BOUNCED_ID "\\\""));
  g_assert_cmpuint (details->events->len, ==, 1);
  g_assert_cmpuint (details->skipped, ==, 0);

  bounced = dlv_test_find_message (f->store, BOUNCED_ID);
  g_assert_cmpint (bounced->status, ==, DLV_MESSAGE_STATUS_HARD_BOUNCE);
  g_assert_cmpint (bounced->status_at, ==, 1768466122);
  g_assert_cmpint (bounced->reason_info.smtp_code, ==, 550);
  g_assert_cmpstr (bounced->reason_info.enhanced_code, ==, "5.1.1");
}

static void
test_rate_limited (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sendgrid (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  g_autofree char *reset = g_strdup_printf ("X-RateLimit-Reset: %" G_GINT64_FORMAT, dlv_now () + 30);
  const char *too_many = "{\"errors\":[{\"field\":null,\"message\":\"too many requests\"}]}";
  DlvTestReply limited = { .status = 429, .body = too_many, .retry_after = "7" };
  DlvTestReply limited_reset = { .status = 429, .body = too_many, .extra_header = reset };
  DlvPollStats stats;
  gint64 wait;

  dlv_test_server_add (f->server, "POST", "/v3/logs", &limited);
  dlv_test_server_add (f->server, "POST", "/v3/logs", &limited_reset);
  dlv_test_server_add_status (f->server, "POST", "/v3/logs", 200, "@sendgrid/logs-page.json");
  serve_details (f);

  g_assert_false (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_RATE_LIMITED);
  g_assert_nonnull (strstr (error->message, "SendGrid"));
  g_assert_cmpint (dlv_provider_get_last_reply (provider)->status, ==, 429);
  g_assert_cmpint (dlv_provider_get_last_reply (provider)->retry_after, ==, 7);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 0);
  stored = account (f);
  g_assert_null (stored->cursor);
  g_assert_cmpstr (stored->last_error, ==, error->message);
  g_clear_error (&error);

  /* SendGrid's own pacing header: the epoch second its budget resets. */
  g_assert_false (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_RATE_LIMITED);
  wait = dlv_provider_get_last_reply (provider)->retry_after;
  g_assert_cmpint (wait, >=, 28);
  g_assert_cmpint (wait, <=, 30);
  g_clear_error (&error);

  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 9);
}

static void
test_unauthorized (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sendgrid (f, NOW);
  DlvTestReply refused = { .status = 401, .body = "{\"errors\":[{\"field\":null,\"message\":\"authorization required\"}]}" };
  g_autoptr(GError) error = dlv_test_poll_refused (f, provider, "POST", "/v3/logs", &refused,
                                                   DLV_PROVIDER_ERROR_UNAUTHORIZED);

  g_assert_nonnull (strstr (error->message, "API key"));
}

/* The other trap: a 403 names the permission the key lacks, in
 * words, with SendGrid's own message rather than its JSON. */
static void
test_forbidden (DlvProviderFixture *f,
                gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sendgrid (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) stored = NULL;

  dlv_test_server_add_status (f->server, "POST", "/v3/logs", 403,
                              "{\"errors\":[{\"field\":null,\"message\":\"access forbidden\"}]}");
  g_assert_false (dlv_poll_account_sync (f->store, f->account_id, provider, 0, NULL, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (error->message, "Email Logs"));
  g_assert_nonnull (strstr (error->message, "“Email Activity”"));
  g_assert_nonnull (strstr (error->message, "“access forbidden”"));
  g_assert_null (strstr (error->message, "{"));
  stored = account (f);
  g_assert_cmpstr (stored->last_error, ==, error->message);
  g_clear_error (&error);

  dlv_test_server_reset (f->server);
  dlv_test_server_add_status (f->server, "POST", "/v3/logs", 200, "@sendgrid/empty.json");
  dlv_test_server_add_status (f->server, "GET", "/v3/whitelabel/domains", 403, "not json at all");
  /* The events are in; the domains' refusal is told with the account. */
  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&stored, dlv_account_free);
  stored = account (f);
  g_assert_nonnull (strstr (stored->last_error, "sending domains could not be read"));
  g_assert_nonnull (strstr (stored->last_error, "“Sender Authentication”"));
  g_assert_nonnull (strstr (stored->last_error, "“not json at all”"));
}

/* A server error between a list and its details keeps the list's page and
 * reads exactly the missing details on the next poll. */
static void
test_server_error_resumes (DlvProviderFixture *f,
                           gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sendgrid (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvAccount) stored = NULL;
  DlvPollStats stats;

  dlv_test_server_add_status (f->server, "GET", "/v3/logs/Yk6", 500, "{\"errors\":[{\"message\":\"oops\"}]}");
  serve_documented (f);

  g_assert_false (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_SERVER);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 3);
  stored = account (f);
  g_assert_nonnull (strstr (stored->cursor, "pending=" DEFERRED_ID "%2C" BOUNCED_ID "%2C" BLOCKED_ID));
  g_clear_error (&error);

  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.events_added, ==, 6);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 9);
  g_assert_cmpuint (dlv_test_server_count (f->server, "POST /v3/logs"), ==, 1);
  g_assert_cmpuint (dlv_test_server_count (f->server, "GET /v3/logs/" DEFERRED_ID), ==, 2);
  g_assert_cmpuint (dlv_test_server_count (f->server, "GET /v3/logs/" BOUNCED_ID), ==, 1);
}

static void
test_slow_answer (DlvProviderFixture *f,
                  gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sendgrid (f, NOW);

  dlv_test_assert_poll_broken (f, provider, "POST", "/v3/logs", "@sendgrid/logs-page.json",
                               DLV_TEST_REPLY_SLOW, DLV_PROVIDER_ERROR_TIMEOUT);
}

static void
test_truncated_answer (DlvProviderFixture *f,
                       gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sendgrid (f, NOW);

  dlv_test_assert_poll_broken (f, provider, "POST", "/v3/logs", "@sendgrid/logs-page.json",
                               DLV_TEST_REPLY_TRUNCATED, DLV_PROVIDER_ERROR_NETWORK);
}

/* Wrong types, missing fields, huge strings, invalid UTF-8 and numbers as
 * strings skip their row or event with a count; the rest is kept. */
static void
test_hostile_page (DlvProviderFixture *f,
                   gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sendgrid (f, NOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvMessage) unsafe = NULL;
  g_autoptr(DlvMessage) detailed = NULL;
  g_autofree char *big = g_strnfill (10 * 1024 * 1024, 'x');
  g_autofree char *page = g_strdup_printf (
    "{\"messages\":["
    "{\"sg_message_id\":\"ok1.recvd-1\",\"status\":\"delivered\",\"subject\":\"%s\","
    " \"sg_message_id_created_at\":\"2026-01-15T08:35:20Z\",\"to_email\":\"a@example.org\"},"
    "{\"sg_message_id\":\"ok2.recvd-1\",\"status\":\"delivered\",\"subject\":\"caf\xc3\x28 \xff\","
    " \"sg_message_id_created_at\":\"2026-01-15T08:35:21Z\",\"custom\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]},"
    "{\"sg_message_id\":\"bad1.recvd-1\",\"status\":\"delivered\",\"sg_message_id_created_at\":1768466120},"
    "{\"sg_message_id\":\"%s\",\"status\":\"delivered\",\"sg_message_id_created_at\":\"2026-01-15T08:35:20Z\"},"
    "{\"sg_message_id\":[1,2],\"status\":\"bounced\",\"sg_message_id_created_at\":\"2026-01-15T08:35:20Z\"},"
    "{\"sg_message_id\":\"bad3.recvd-1\",\"status\":[\"delivered\"],\"sg_message_id_created_at\":\"2026-01-15T08:35:20Z\"},"
    "{\"sg_message_id\":\"bad4.recvd-1\",\"status\":\"bounced\",\"sg_message_id_created_at\":\"soon\"},"
    "42, null, \"text\","
    "{\"sg_message_id\":\"odd id/with slash\",\"status\":\"deferred\",\"reason\":\"421 4.7.0 Try again later\","
    " \"sg_message_id_created_at\":\"2026-01-15T08:35:22Z\"},"
    "{\"sg_message_id\":\"det1.recvd-1\",\"status\":\"deferred\",\"sg_message_id_created_at\":\"2026-01-15T08:35:23Z\"},"
    "{\"sg_message_id\":\"new1.recvd-1\",\"status\":\"some_future_status\",\"sg_message_id_created_at\":\"2026-01-15T08:35:23Z\"}"
    "]}", big, big);
  const char *detail =
    "{\"sg_message_id\":\"det1.recvd-1\",\"subject\":{\"not\":\"a string\"},\"status\":42,\"events\":["
    "{\"event\":\"processed\",\"sg_event_id\":\"p1\",\"timestamp\":1768466123},"
    "{\"event\":\"deferred\",\"sg_event_id\":\"d0\",\"timestamp\":\"never\"},"
    "7, [], {\"event\":{\"x\":1},\"timestamp\":1768466124},"
    "{\"event\":\"received\",\"sg_event_id\":\"r1\",\"timestamp\":1768466123},"
    "{\"event\":\"deferred\",\"sg_event_id\":\"d1\",\"timestamp\":1768466124.9,\"attempt\":{\"n\":1},"
    " \"response\":[\"x\"],\"reason\":\"451 4.3.0 Temporary failure\",\"status\":551,\"ip\":12}"
    "]}";
  DlvPollStats stats;

  dlv_test_server_add_status (f->server, "POST", "/v3/logs", 200, page);
  dlv_test_server_add_status (f->server, "GET", "/v3/logs/det1", 200, detail);
  dlv_test_server_add_status (f->server, "GET", "/v3/whitelabel/domains", 200,
                              "[{\"domain\":42},{\"domain\":\"ok.example.com\",\"dns\":[]},7]");

  g_assert_true (dlv_poll_account_sync (f->store, f->account_id, provider, 0, &stats, NULL, &error));
  g_assert_no_error (error);
  /* ok1, ok2, the odd id told by its row, and det1's two readable events. */
  g_assert_cmpuint (stats.events_added, ==, 5);
  /* bad1, bad3, bad4, the huge id, the list id, 42, null and "text";
   * then four of det1's events. */
  g_assert_cmpuint (stats.events_skipped, ==, 12);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 5);

  unsafe = dlv_test_find_message (f->store, "odd id/with slash");
  g_assert_nonnull (unsafe);
  g_assert_cmpint (unsafe->status, ==, DLV_MESSAGE_STATUS_DEFERRED);
  g_assert_cmpint (unsafe->reason_info.smtp_code, ==, 421);

  detailed = dlv_test_find_message (f->store, "det1.recvd-1");
  g_assert_cmpint (detailed->status, ==, DLV_MESSAGE_STATUS_DEFERRED);
  g_assert_cmpint (detailed->first_deferred_at, ==, 1768466124);
  g_assert_cmpint (detailed->reason_info.smtp_code, ==, 451);
  g_assert_cmpstr (detailed->reason, ==, "451 4.3.0 Temporary failure");
  g_assert_null (detailed->subject);
}

/* Keys only travel over https, or to a loopback address; the EU region has
 * its own host; no domain is needed. */
static void
test_security (DlvProviderFixture *f,
               gconstpointer       data)
{
  const DlvProviderInfo *info = dlv_providers_lookup ("sendgrid");
  DlvAccountSettings plain = { NULL, NULL, (char *) "http://api.sendgrid.com" };
  DlvAccountSettings eu = { (char *) "eu", NULL, NULL };
  DlvAccountSettings global = { NULL, NULL, NULL };
  g_autoptr(DlvProvider) european = NULL;
  g_autoptr(DlvProvider) standard = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (info);
  g_assert_cmpuint (info->retry_window_hours, ==, 72);
  g_assert_cmpuint (info->min_poll_seconds, >=, 10);
  g_assert_true (dlv_provider_info_has_region (info));
  g_assert_false (info->needs & DLV_PROVIDER_NEEDS_DOMAIN);

  g_assert_null (dlv_providers_create (info, &plain, KEY, NULL, &error));
  g_assert_nonnull (strstr (error->message, "https"));
  g_clear_error (&error);

  g_assert_null (dlv_providers_create (info, &eu, "", NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_UNAUTHORIZED);
  g_clear_error (&error);

  european = dlv_providers_create (info, &eu, KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dlv_provider_get_base_url (european), ==, "https://api.eu.sendgrid.com");
  standard = dlv_providers_create (info, &global, KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dlv_provider_get_base_url (standard), ==, "https://api.sendgrid.com");

  /* A stored cursor of another kind is refused in words. */
  g_assert_null (dlv_provider_fetch_page_sync (standard, "mg1;begin=5", NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_CURSOR);
}

static void
test_test_access (DlvProviderFixture *f,
                  gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = sendgrid (f, NOW);
  g_autoptr(DlvAccessReport) report = NULL;
  g_autofree char *sentence = NULL;

  dlv_test_server_add_status (f->server, "POST", "/v3/logs", 200, "@sendgrid/logs-page.json");
  dlv_test_server_add_status (f->server, "GET", "/v3/whitelabel/domains", 403,
                              "{\"errors\":[{\"field\":null,\"message\":\"access forbidden\"}]}");

  report = dlv_provider_test_access_sync (provider, NULL);
  g_assert_true (report->events_ok);
  g_assert_cmpuint (report->events, ==, 3);
  g_assert_false (report->domains_ok);
  sentence = dlv_access_report_describe (report);
  g_assert_nonnull (strstr (sentence, "can read delivery events"));
  g_assert_nonnull (strstr (sentence, "Sender Authentication"));
}

static void
test_import (void)
{
  g_autofree char *list = dlv_test_server_fixture ("sendgrid/logs-page.json");
  g_autofree char *detail = dlv_test_server_fixture ("sendgrid/detail-deferred.json");
  g_autofree char *activity = dlv_test_server_fixture ("sendgrid/activity-page.json");
  const char *hooks =
    "[{\"email\":\"a@example.org\",\"timestamp\":1768466121,\"event\":\"processed\",\"category\":\"cat facts\","
    "  \"sg_event_id\":\"wh-p1\",\"sg_message_id\":\"Wh1.filterdrecv-1.0\"},"
    " {\"email\":\"a@example.org\",\"timestamp\":1768466183,\"event\":\"deferred\",\"response\":\"400 try again later\","
    "  \"attempt\":\"5\",\"sg_event_id\":\"wh-d1\",\"sg_message_id\":\"Wh1.filterdrecv-1.0\"},"
    " {\"email\":\"a@example.org\",\"timestamp\":1768466283,\"event\":\"bounce\",\"type\":\"blocked\",\"status\":\"5.0.0\","
    "  \"reason\":\"500 unknown recipient\",\"sg_event_id\":\"wh-b1\",\"sg_message_id\":\"Wh1.filterdrecv-1.0\"},"
    " {\"email\":\"a@example.org\",\"timestamp\":1768466383,\"event\":\"group_resubscribe\",\"sg_event_id\":\"wh-g1\","
    "  \"sg_message_id\":\"Wh1.filterdrecv-1.0\"}]";
  g_autofree char *ndjson = g_strdup (
    "{\"email\":\"b@example.org\",\"timestamp\":1768466121,\"event\":\"delivered\",\"sg_event_id\":\"wh-x\","
    "\"sg_message_id\":\"Wh2.filterdrecv-1.0\",\"response\":\"250 OK\"}\n"
    "not json\n"
    "{\"email\":\"b@example.org\",\"timestamp\":1768466221,\"event\":\"open\",\"sg_event_id\":\"wh-o\","
    "\"sg_message_id\":\"Wh2.filterdrecv-1.0\"}\n");
  g_autoptr(DlvEventPage) from_list = NULL;
  g_autoptr(DlvEventPage) from_detail = NULL;
  g_autoptr(DlvEventPage) from_activity = NULL;
  g_autoptr(DlvEventPage) from_hooks = NULL;
  g_autoptr(DlvEventPage) from_ndjson = NULL;
  g_autoptr(GError) error = NULL;
  DlvEvent *event;

  from_list = dlv_import_parse ("sendgrid", list, strlen (list), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_list->events->len, ==, 6);
  g_assert_null (from_list->next_cursor);
  g_assert_false (from_list->more);
  event = g_ptr_array_index (from_list->events, 1);
  g_assert_cmpint (event->kind, ==, DLV_EVENT_KIND_DEFERRED);
  g_assert_cmpstr (event->message_id, ==, DEFERRED_ID);
  g_assert_null (event->uid);
  g_assert_nonnull (event->raw);
  event = g_ptr_array_index (from_list->events, 3);
  g_assert_cmpint (event->kind, ==, DLV_EVENT_KIND_SOFT_BOUNCE);
  g_assert_cmpstr (event->uid, ==, "sg:" BLOCKED_ID ":bounce");

  /* A detail's once-per-message steps share their uid with the list rows,
   * so a list and a detail of one message de-duplicate. */
  from_detail = dlv_import_parse ("sendgrid", detail, strlen (detail), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_detail->events->len, ==, 2);
  event = g_ptr_array_index (from_detail->events, 0);
  g_assert_cmpstr (event->uid, ==, "sg:" DEFERRED_ID ":processed");
  event = g_ptr_array_index (from_detail->events, 1);
  g_assert_cmpstr (event->uid, ==, "ZGVmZXJyZWQtMTIzNDU2Nzg5");
  g_assert_cmpint (event->attempt, ==, 1);
  g_assert_cmpstr (event->ip, ==, "198.51.100.23");
  g_assert_cmpstr (event->sender, ==, "billing@example.com");

  /* The older Email Activity list: "not_delivered" says no more than that. */
  from_activity = dlv_import_parse ("sendgrid", activity, strlen (activity), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_activity->events->len, ==, 3);
  event = g_ptr_array_index (from_activity->events, 2);
  g_assert_cmpint (event->kind, ==, DLV_EVENT_KIND_BLOCKED);
  g_assert_cmpint (event->at, ==, 1768466124);

  from_hooks = dlv_import_parse ("sendgrid", hooks, strlen (hooks), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_hooks->events->len, ==, 3);
  g_assert_cmpuint (from_hooks->skipped, ==, 0);
  event = g_ptr_array_index (from_hooks->events, 0);
  g_assert_cmpstr (event->campaign, ==, "cat facts");
  event = g_ptr_array_index (from_hooks->events, 1);
  g_assert_cmpint (event->attempt, ==, 5);
  g_assert_cmpint (event->smtp_code, ==, 400);
  event = g_ptr_array_index (from_hooks->events, 2);
  g_assert_cmpint (event->kind, ==, DLV_EVENT_KIND_SOFT_BOUNCE);
  g_assert_cmpstr (event->enhanced_code, ==, "5.0.0");
  g_assert_cmpint (event->smtp_code, ==, 500);

  from_ndjson = dlv_import_parse ("sendgrid", ndjson, strlen (ndjson), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_ndjson->events->len, ==, 2);
  g_assert_cmpuint (from_ndjson->skipped, ==, 1);

  g_assert_null (dlv_import_parse ("sendgrid", "{\"hello\":1}", 11, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE);
}

/* SMTP codes from reply text: the basic code leads, the enhanced one
 * stands on its own (an address is not a code). */
static void
test_codes (void)
{
  const char *json = "{\"event\":\"deferred\",\"timestamp\":1768466121000,\"sg_message_id\":\"<c1.x>\","
                     "\"response\":\"  421 Service 10.5.6.7.8 busy, see 4.7.28 and 5.6.7\",\"attempt\":\"0\"}";
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(DlvEvent) event = NULL;
  gboolean ignored;

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  event = dlv_sendgrid_parse_event (json_node_get_object (json_parser_get_root (parser)), NULL, &ignored);
  g_assert_nonnull (event);
  g_assert_cmpstr (event->message_id, ==, "c1.x");
  g_assert_cmpint (event->at, ==, 1768466121);
  g_assert_cmpint (event->smtp_code, ==, 421);
  g_assert_cmpstr (event->enhanced_code, ==, "4.7.28");
  g_assert_cmpint (event->attempt, ==, 1);
  g_assert_false (ignored);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  dlv_test_use_fake_dns (dns);

#define ADD(path, func) \
  g_test_add (path, DlvProviderFixture, NULL, dlv_provider_fixture_set_up, func, dlv_provider_fixture_tear_down)

  ADD ("/sendgrid/poll/pages", test_poll_pages);
  ADD ("/sendgrid/poll/domains", test_domains);
  ADD ("/sendgrid/poll/again-no-duplicates", test_poll_again_no_duplicates);
  ADD ("/sendgrid/poll/follow-until-delivered", test_follow_until_delivered);
  ADD ("/sendgrid/poll/changed-row-read-in-detail", test_changed_row_read_in_detail);
  ADD ("/sendgrid/poll/detail-not-found", test_detail_not_found);
  ADD ("/sendgrid/cap/splits-window", test_cap_splits_window);
  ADD ("/sendgrid/cap/busy-second", test_cap_busy_second);
  ADD ("/sendgrid/errors/rate-limited", test_rate_limited);
  ADD ("/sendgrid/errors/unauthorized", test_unauthorized);
  ADD ("/sendgrid/errors/forbidden", test_forbidden);
  ADD ("/sendgrid/errors/server-error-resumes", test_server_error_resumes);
  ADD ("/sendgrid/errors/slow", test_slow_answer);
  ADD ("/sendgrid/errors/truncated", test_truncated_answer);
  ADD ("/sendgrid/errors/hostile-page", test_hostile_page);
  ADD ("/sendgrid/security", test_security);
  ADD ("/sendgrid/test-access", test_test_access);
  g_test_add_func ("/sendgrid/import", test_import);
  g_test_add_func ("/sendgrid/codes", test_codes);

  return g_test_run ();
}
