/* test-store.c: the SQLite store: de-duplication, cursor, migrations, queries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sqlite3.h>
#include <glib/gstdio.h>

#include "dlv-store.h"

#define T0 1768466120
#define HOUR 3600

typedef struct
{
  char *dir;
  char *path;
  DlvStore *store;
  gint64 account;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("dlv-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "test.db", NULL);
  f->store = dlv_store_open (f->path, &error);
  g_assert_no_error (error);
  f->account = dlv_store_add_account (f->store, "demo", "Test", 72, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (f->account, >, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_object (&f->store);
  dir = g_dir_open (f->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (f->dir, name, NULL);

      g_unlink (file);
    }
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static DlvEvent *
make_event (const char   *message_id,
            const char   *uid,
            DlvEventKind  kind,
            gint64        at,
            const char   *recipient,
            const char   *campaign,
            const char   *reason)
{
  DlvEvent *e = dlv_event_new (kind, at);

  e->message_id = g_strdup (message_id);
  e->uid = g_strdup (uid);
  e->recipient = g_strdup (recipient);
  e->campaign = g_strdup (campaign);
  e->subject = g_strdup_printf ("Offer for %s", recipient);
  e->reason = g_strdup (reason);
  return e;
}

/* Four messages: delivered, deferred (then expired), hard bounce, blocked. */
static DlvEventPage *
make_page (const char *cursor)
{
  DlvEventPage *page = dlv_event_page_new ();
  GPtrArray *e = page->events;

  g_ptr_array_add (e, make_event ("m1", "e1", DLV_EVENT_KIND_ACCEPTED, T0, "ann@gmail.com", "Spring", NULL));
  g_ptr_array_add (e, make_event ("m1", "e2", DLV_EVENT_KIND_DELIVERED, T0 + 60, "ann@gmail.com", "Spring", "250 OK"));
  g_ptr_array_add (e, make_event ("m2", "e3", DLV_EVENT_KIND_ACCEPTED, T0 + 1, "bob@yahoo.com", "Spring", NULL));
  g_ptr_array_add (e, make_event ("m2", "e4", DLV_EVENT_KIND_DEFERRED, T0 + 61, "bob@yahoo.com", "Spring",
                                  "421 4.7.0 [TSS04] Messages temporarily deferred due to user complaints"));
  g_ptr_array_add (e, make_event ("m3", "e5", DLV_EVENT_KIND_HARD_BOUNCE, T0 + 120, "carl_x@example.org", "Summer",
                                  "550 5.1.1 User unknown"));
  g_ptr_array_add (e, make_event ("m4", NULL, DLV_EVENT_KIND_BLOCKED, T0 + 130, "100%@example.org", "Summer",
                                  "Bounced Address"));
  page->next_cursor = g_strdup (cursor);
  return page;
}

static void
test_dedupe (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(DlvEventPage) page = make_page ("c1");
  g_autoptr(DlvEventPage) again = make_page ("c2");
  g_autoptr(DlvAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  DlvIngestStats stats;

  g_assert_true (dlv_store_ingest_page (f->store, f->account, page, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.events_added, ==, 6);
  g_assert_cmpuint (stats.messages_added, ==, 4);

  /* The same events again, one of them without a provider id (derived). */
  g_assert_true (dlv_store_ingest_page (f->store, f->account, again, &stats, &error));
  g_assert_cmpuint (stats.events_added, ==, 0);
  g_assert_cmpuint (stats.events_duplicate, ==, 6);
  g_assert_cmpuint (stats.messages_added, ==, 0);
  g_assert_cmpuint (stats.messages_updated, ==, 0);

  /* The cursor moved with the page even though nothing was new. */
  account = dlv_store_get_account (f->store, f->account, &error);
  g_assert_cmpstr (account->cursor, ==, "c2");
}

static void
test_incremental_update (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(DlvEventPage) page = make_page ("c1");
  g_autoptr(DlvEventPage) later = dlv_event_page_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(DlvMessage) m = NULL;
  g_autoptr(GPtrArray) events = NULL;
  DlvMessageFilter filter = { .search = "bob@" };
  DlvIngestStats stats;

  dlv_store_ingest_page (f->store, f->account, page, NULL, &error);
  g_ptr_array_add (later->events, make_event ("m2", "e9", DLV_EVENT_KIND_DELIVERED, T0 + 3 * HOUR,
                                              "bob@yahoo.com", "Spring", "250 ok"));
  g_assert_true (dlv_store_ingest_page (f->store, f->account, later, &stats, &error));
  g_assert_cmpuint (stats.messages_updated, ==, 1);

  ids = dlv_store_query_message_ids (f->store, &filter, DLV_MESSAGE_SORT_LAST_EVENT, TRUE, T0, &error);
  g_assert_cmpuint (ids->len, ==, 1);
  m = dlv_store_get_message (f->store, g_array_index (ids, gint64, 0), &error);
  g_assert_no_error (error);
  g_assert_cmpint (m->status, ==, DLV_MESSAGE_STATUS_DELIVERED);
  g_assert_cmpint (m->attempts, ==, 2);
  g_assert_cmpint (m->first_deferred_at, ==, T0 + 61);
  g_assert_cmpint (m->recipient_group, ==, DLV_RECIPIENT_GROUP_YAHOO);
  g_assert_cmpint (m->reason_info.cause, ==, DLV_REASON_CAUSE_REPUTATION);
  g_assert_cmpstr (m->account, ==, "Test");
  g_assert_cmpstr (m->provider, ==, "demo");

  events = dlv_store_get_message_events (f->store, m->id, &error);
  g_assert_cmpuint (events->len, ==, 3);
  g_assert_cmpint (((DlvEvent *) events->pdata[0])->kind, ==, DLV_EVENT_KIND_ACCEPTED);
  g_assert_cmpint (((DlvEvent *) events->pdata[2])->kind, ==, DLV_EVENT_KIND_DELIVERED);
}

static guint
count (DlvStore               *store,
       const DlvMessageFilter *filter,
       gint64                  now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = dlv_store_query_message_ids (store, filter, DLV_MESSAGE_SORT_LAST_EVENT,
                                                       TRUE, now, &error);

  g_assert_no_error (error);
  return ids->len;
}

static void
test_filters (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(DlvEventPage) page = make_page ("c1");
  g_autoptr(GError) error = NULL;
  guint64 counts[DLV_N_MESSAGE_STATUSES];
  gint64 soon = T0 + HOUR, late = T0 + 100 * HOUR;

  dlv_store_ingest_page (f->store, f->account, page, NULL, &error);

  g_assert_cmpuint (count (f->store, NULL, soon), ==, 4);
  g_assert_cmpuint (count (f->store, &(DlvMessageFilter) { .statuses = 1 << DLV_MESSAGE_STATUS_DEFERRED }, soon), ==, 1);
  g_assert_cmpuint (count (f->store, &(DlvMessageFilter) { .statuses = 1 << DLV_MESSAGE_STATUS_DEFERRED }, late), ==, 0);
  g_assert_cmpuint (count (f->store, &(DlvMessageFilter) { .statuses = 1 << DLV_MESSAGE_STATUS_EXPIRED }, late), ==, 1);
  g_assert_cmpuint (count (f->store, &(DlvMessageFilter) {
                      .statuses = (1 << DLV_MESSAGE_STATUS_HARD_BOUNCE) | (1 << DLV_MESSAGE_STATUS_BLOCKED) }, soon), ==, 2);
  g_assert_cmpuint (count (f->store, &(DlvMessageFilter) { .domain = "gmail" }, soon), ==, 1);
  g_assert_cmpuint (count (f->store, &(DlvMessageFilter) { .domain = "Example.ORG" }, soon), ==, 2);
  g_assert_cmpuint (count (f->store, &(DlvMessageFilter) { .campaign = "Summer" }, soon), ==, 2);
  g_assert_cmpuint (count (f->store, &(DlvMessageFilter) { .ever_deferred = TRUE }, soon), ==, 1);
  g_assert_cmpuint (count (f->store, &(DlvMessageFilter) { .since = T0 + 100 }, soon), ==, 2);
  /* LIKE wildcards in the search are literal characters. */
  g_assert_cmpuint (count (f->store, &(DlvMessageFilter) { .search = "100%" }, soon), ==, 1);
  g_assert_cmpuint (count (f->store, &(DlvMessageFilter) { .search = "l_x" }, soon), ==, 1);
  g_assert_cmpuint (count (f->store, &(DlvMessageFilter) { .search = "r_x" }, soon), ==, 0);
  g_assert_cmpuint (count (f->store, &(DlvMessageFilter) { .search = "OFFER FOR ANN" }, soon), ==, 1);

  g_assert_true (dlv_store_count_statuses (f->store, NULL, late, counts, &error));
  g_assert_cmpuint (counts[DLV_MESSAGE_STATUS_DELIVERED], ==, 1);
  g_assert_cmpuint (counts[DLV_MESSAGE_STATUS_EXPIRED], ==, 1);
  g_assert_cmpuint (counts[DLV_MESSAGE_STATUS_DEFERRED], ==, 0);
  g_assert_cmpuint (counts[DLV_MESSAGE_STATUS_HARD_BOUNCE], ==, 1);
  g_assert_cmpuint (counts[DLV_MESSAGE_STATUS_BLOCKED], ==, 1);

  {
    g_auto(GStrv) campaigns = dlv_store_list_campaigns (f->store, &error);
    g_auto(GStrv) domains = dlv_store_list_recipient_domains (f->store, 10, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_strv_length (campaigns), ==, 2);
    g_assert_cmpstr (campaigns[0], ==, "Spring");
    g_assert_cmpstr (campaigns[1], ==, "Summer");
    g_assert_cmpstr (domains[0], ==, "example.org");
    g_assert_cmpuint (g_strv_length (domains), ==, 3);
  }
}

static void
test_sorting (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(DlvEventPage) page = make_page ("c1");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) newest = NULL;
  g_autoptr(GArray) by_recipient = NULL;
  g_autoptr(GPtrArray) messages = NULL;

  dlv_store_ingest_page (f->store, f->account, page, NULL, &error);

  newest = dlv_store_query_message_ids (f->store, NULL, DLV_MESSAGE_SORT_LAST_EVENT, TRUE, T0, &error);
  messages = dlv_store_load_messages (f->store, (gint64 *) (gpointer) newest->data, newest->len, &error);
  g_assert_cmpuint (messages->len, ==, 4);
  g_assert_cmpstr (((DlvMessage *) messages->pdata[0])->provider_message_id, ==, "m4");
  g_assert_cmpstr (((DlvMessage *) messages->pdata[3])->provider_message_id, ==, "m1");
  g_clear_pointer (&messages, g_ptr_array_unref);

  by_recipient = dlv_store_query_message_ids (f->store, NULL, DLV_MESSAGE_SORT_RECIPIENT, FALSE, T0, &error);
  messages = dlv_store_load_messages (f->store, (gint64 *) (gpointer) by_recipient->data, by_recipient->len, &error);
  g_assert_cmpstr (((DlvMessage *) messages->pdata[0])->recipient, ==, "100%@example.org");
  g_assert_cmpstr (((DlvMessage *) messages->pdata[1])->recipient, ==, "ann@gmail.com");
}

static void
test_domains (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) domains = g_ptr_array_new_with_free_func ((GDestroyNotify) dlv_domain_free);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;
  DlvDomain *d = dlv_domain_new ("news.example.com");
  const DlvDomain *got;

  for (guint i = 0; i < DLV_N_RECORD_NAMES; i++)
    dlv_domain_set_record (d, i, DLV_RECORD_STATUS_VALID, "host", "CNAME", "value", NULL);
  dlv_domain_set_record (d, DLV_RECORD_DKIM2, DLV_RECORD_STATUS_INVALID, "s2._domainkey.news.example.com",
                         "CNAME", "s2.example.net", "Points elsewhere");
  g_ptr_array_add (domains, d);

  g_assert_true (dlv_store_replace_domains (f->store, f->account, domains, &error));
  g_assert_true (dlv_store_replace_domains (f->store, f->account, domains, &error));
  listed = dlv_store_list_domains (f->store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);
  got = listed->pdata[0];
  g_assert_cmpstr (got->domain, ==, "news.example.com");
  g_assert_cmpstr (got->account, ==, "Test");
  g_assert_cmpint (got->records[DLV_RECORD_DKIM2].status, ==, DLV_RECORD_STATUS_INVALID);
  g_assert_cmpstr (got->records[DLV_RECORD_DKIM2].detail, ==, "Points elsewhere");
  g_assert_false (dlv_domain_can_send (got));
}

static void
test_cause_counts (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(DlvEventPage) page = make_page ("c1");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) causes = NULL;

  dlv_store_ingest_page (f->store, f->account, page, NULL, &error);
  causes = dlv_store_count_causes (f->store, NULL, &error);
  g_assert_no_error (error);
  /* Only m2 was ever deferred; its reason speaks of complaints. */
  g_assert_cmpuint (causes->len, ==, 1);
  g_assert_cmpint (g_array_index (causes, DlvCauseCount, 0).cause, ==, DLV_REASON_CAUSE_REPUTATION);
  g_assert_cmpuint (g_array_index (causes, DlvCauseCount, 0).messages, ==, 1);
}

static void
test_text_search (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(DlvEventPage) page = make_page ("c1");
  g_autoptr(DlvEventPage) later = dlv_event_page_new ();
  g_autoptr(GError) error = NULL;
  DlvEvent *e;

  dlv_store_ingest_page (f->store, f->account, page, NULL, &error);
  /* Trigram index for three characters or more, in either column, any case. */
  g_assert_cmpuint (count (f->store, &(DlvMessageFilter) { .search = "Yahoo" }, T0), ==, 1);
  g_assert_cmpuint (count (f->store, &(DlvMessageFilter) { .search = "offer for" }, T0), ==, 4);
  g_assert_cmpuint (count (f->store, &(DlvMessageFilter) { .search = "\"quoted\"" }, T0), ==, 0);
  g_assert_cmpuint (count (f->store, &(DlvMessageFilter) { .search = "nn" }, T0), ==, 1);

  /* A message first seen without a subject is found by it once it arrives. */
  e = make_event ("m9", "e20", DLV_EVENT_KIND_ACCEPTED, T0, "zed@example.net", NULL, NULL);
  g_clear_pointer (&e->subject, g_free);
  g_ptr_array_add (later->events, e);
  dlv_store_ingest_page (f->store, f->account, later, NULL, &error);
  g_assert_cmpuint (count (f->store, &(DlvMessageFilter) { .search = "Renewal" }, T0), ==, 0);

  g_ptr_array_set_size (later->events, 0);
  e = make_event ("m9", "e21", DLV_EVENT_KIND_DELIVERED, T0 + 5, "zed@example.net", NULL, NULL);
  g_free (e->subject);
  e->subject = g_strdup ("Your renewal");
  g_ptr_array_add (later->events, e);
  dlv_store_ingest_page (f->store, f->account, later, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count (f->store, &(DlvMessageFilter) { .search = "Renewal" }, T0), ==, 1);
  g_assert_cmpuint (count (f->store, &(DlvMessageFilter) { .search = "zed@" }, T0), ==, 1);
}

static void
test_remove_account_cascades (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(DlvEventPage) page = make_page ("c1");
  g_autoptr(GError) error = NULL;

  dlv_store_ingest_page (f->store, f->account, page, NULL, &error);
  g_assert_true (dlv_store_remove_account (f->store, f->account, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count (f->store, NULL, T0), ==, 0);
  g_assert_cmpuint (count (f->store, &(DlvMessageFilter) { .search = "offer" }, T0), ==, 0);
}

static void
assert_refused_untouched (const char *path,
                          int         code)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len = 0, after_len = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvStore) store = NULL;

  g_file_get_contents (path, &before, &before_len, NULL);
  store = dlv_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, DLV_STORE_ERROR, code);
  g_file_get_contents (path, &after, &after_len, NULL);
  g_assert_cmpmem (before, before_len, after, after_len);
}

static void
test_foreign_files (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *text = g_build_filename (f->dir, "notes.txt", NULL);
  g_autofree char *other = g_build_filename (f->dir, "other.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvStore) store = NULL;
  sqlite3 *db;

  g_file_set_contents (text, "These are my notes, not a database.\n", -1, NULL);
  assert_refused_untouched (text, DLV_STORE_ERROR_NOT_A_STORE);

  g_assert_cmpint (sqlite3_open (other, &db), ==, SQLITE_OK);
  sqlite3_exec (db, "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x');", NULL, NULL, NULL);
  sqlite3_close (db);
  assert_refused_untouched (other, DLV_STORE_ERROR_NOT_A_STORE);

  store = dlv_store_open (f->dir, &error);
  g_assert_null (store);
  g_assert_error (error, DLV_STORE_ERROR, DLV_STORE_ERROR_NOT_A_STORE);
}

static void
test_too_new (Fixture       *f,
              gconstpointer  data)
{
  sqlite3 *db;

  g_clear_object (&f->store);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL);
  sqlite3_close (db);

  assert_refused_untouched (f->path, DLV_STORE_ERROR_TOO_NEW);
}

/* A version-1 store (no domains, no Activity indexes, no text index) with
 * data in it is migrated in place: its data kept, and searchable. */
static void
test_migration (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(DlvEventPage) page = make_page ("c1");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) domains = NULL;
  sqlite3 *db;

  dlv_store_ingest_page (f->store, f->account, page, NULL, &error);
  g_assert_cmpint (dlv_store_get_schema_version (f->store), ==, 4);
  g_clear_object (&f->store);

  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "DROP TABLE message_text; DROP TABLE domain_records;"
                                 "DROP INDEX messages_by_last_event; DROP INDEX messages_by_status;"
                                 "DROP INDEX messages_by_domain; DROP INDEX messages_by_group;"
                                 "DROP INDEX messages_by_campaign; DROP INDEX messages_deferred;"
                                 "ALTER TABLE accounts DROP COLUMN last_success_at;"
                                 "ALTER TABLE accounts DROP COLUMN caught_up_at;"
                                 "ALTER TABLE accounts DROP COLUMN history_gap;"
                                 "PRAGMA user_version = 1;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  f->store = dlv_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dlv_store_get_schema_version (f->store), ==, 4);
  g_assert_cmpuint (count (f->store, NULL, T0), ==, 4);
  g_assert_cmpuint (count (f->store, &(DlvMessageFilter) { .search = "yahoo.com" }, T0), ==, 1);
  domains = dlv_store_list_domains (f->store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (domains->len, ==, 0);
}

static void
test_invalid_events_skipped (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(DlvEventPage) page = make_page ("c1");
  g_autoptr(GError) error = NULL;
  DlvEvent *no_message = dlv_event_new (DLV_EVENT_KIND_DELIVERED, T0);
  DlvIngestStats stats;

  g_ptr_array_insert (page->events, 2, no_message);
  g_assert_true (dlv_store_ingest_page (f->store, f->account, page, &stats, &error));
  g_assert_cmpuint (stats.events_invalid, ==, 1);
  g_assert_cmpuint (stats.events_added, ==, 6);
}

/* What the Accounts rows show: data fetched, caught up, gaps; and edits. */
static void
test_account_state (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(DlvEventPage) partial = make_page ("c1");
  g_autoptr(DlvEventPage) last = dlv_event_page_new ();
  g_autoptr(GError) error = NULL;
  DlvAccount *account;

  partial->more = TRUE;
  partial->gap = g_strdup ("1,000 events at most per second");
  g_assert_true (dlv_store_ingest_page (f->store, f->account, partial, NULL, &error));
  account = dlv_store_get_account (f->store, f->account, &error);
  g_assert_cmpint (account->caught_up_at, ==, 0);
  g_assert_cmpstr (account->history_gap, ==, "1,000 events at most per second");
  g_assert_cmpstr (account->cursor, ==, "c1");
  dlv_account_free (account);

  /* A page without a cursor keeps the old one; the last page marks the
   * account caught up; a gap is not forgotten by later pages. */
  last->more = FALSE;
  g_assert_true (dlv_store_ingest_page (f->store, f->account, last, NULL, &error));
  g_assert_true (dlv_store_set_account_status (f->store, f->account, T0, "Offline", &error));
  account = dlv_store_get_account (f->store, f->account, &error);
  g_assert_cmpint (account->caught_up_at, >, 0);
  g_assert_cmpstr (account->cursor, ==, "c1");
  g_assert_cmpstr (account->history_gap, ==, "1,000 events at most per second");
  g_assert_cmpint (account->last_success_at, ==, 0);
  dlv_account_free (account);

  g_assert_true (dlv_store_set_account_status (f->store, f->account, T0 + 60, NULL, &error));
  g_assert_true (dlv_store_update_account (f->store, f->account, "Renamed", "{\"region\":\"eu\"}", TRUE, &error));
  g_assert_no_error (error);
  account = dlv_store_get_account (f->store, f->account, &error);
  g_assert_cmpint (account->last_success_at, ==, T0 + 60);
  g_assert_cmpstr (account->name, ==, "Renamed");
  g_assert_cmpstr (account->settings, ==, "{\"region\":\"eu\"}");
  g_assert_null (account->cursor);
  g_assert_cmpint (account->caught_up_at, ==, 0);
  g_assert_cmpuint (count (f->store, NULL, T0), ==, 4);
  dlv_account_free (account);
}

/* A page fetched before the account was edited is not stored under the
 * new settings; one fetched from the current state is. */
static void
test_ingest_from_moved (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(DlvEventPage) page = make_page ("c1");
  g_autoptr(DlvAccount) before = NULL;
  g_autoptr(DlvAccount) after = NULL;
  g_autoptr(GError) error = NULL;

  before = dlv_store_get_account (f->store, f->account, &error);
  g_assert_true (dlv_store_update_account (f->store, f->account, "Renamed", "{\"domain\":\"b.example\"}",
                                           TRUE, &error));
  g_assert_false (dlv_store_ingest_page_from (f->store, before, page, NULL, &error));
  g_assert_error (error, DLV_STORE_ERROR, DLV_STORE_ERROR_MOVED);
  g_clear_error (&error);
  g_assert_cmpuint (count (f->store, NULL, T0), ==, 0);

  after = dlv_store_get_account (f->store, f->account, &error);
  g_assert_true (dlv_store_ingest_page_from (f->store, after, page, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count (f->store, NULL, T0), ==, 4);
}

/* Deferred messages whose retry window closes soon: what the expiring
 * alert leads to. m2 was deferred at T0 + 61 and expires 72 h later. */
static void
test_expiring_filter (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(DlvEventPage) page = make_page ("c1");
  g_autoptr(GError) error = NULL;
  gint64 expires = T0 + 61 + 72 * 3600;

  g_assert_true (dlv_store_ingest_page (f->store, f->account, page, NULL, &error));
  g_assert_cmpuint (count (f->store, &(DlvMessageFilter) { .expires_before = expires }, expires - 3600), ==, 1);
  g_assert_cmpuint (count (f->store, &(DlvMessageFilter) { .expires_before = expires - 1 }, expires - 3600), ==, 0);
  /* Once the window has closed the message is Expired, not expiring. */
  g_assert_cmpuint (count (f->store, &(DlvMessageFilter) { .expires_before = expires + 3600 }, expires), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/dlv/store/dedupe", test_dedupe);
  ADD ("/dlv/store/incremental", test_incremental_update);
  ADD ("/dlv/store/filters", test_filters);
  ADD ("/dlv/store/sorting", test_sorting);
  ADD ("/dlv/store/domains", test_domains);
  ADD ("/dlv/store/text-search", test_text_search);
  ADD ("/dlv/store/cause-counts", test_cause_counts);
  ADD ("/dlv/store/remove-account", test_remove_account_cascades);
  ADD ("/dlv/store/foreign-files", test_foreign_files);
  ADD ("/dlv/store/too-new", test_too_new);
  ADD ("/dlv/store/migration", test_migration);
  ADD ("/dlv/store/invalid-events", test_invalid_events_skipped);
  ADD ("/dlv/store/account-state", test_account_state);
  ADD ("/dlv/store/expiring-filter", test_expiring_filter);
  ADD ("/dlv/store/ingest-from-moved", test_ingest_from_moved);
#undef ADD

  return g_test_run ();
}
