/* test-crash.c: a process killed with SIGKILL while ingesting loses nothing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A child process ingests deterministic pages from the stored cursor on; the
 * parent kills it with SIGKILL at varying moments, several times over the
 * same store, and after each kill checks that the store is consistent: the
 * cursor matches exactly the pages stored, every message's aggregate equals
 * the fold of its stored events. At the end every page is ingested again
 * from the beginning, and exactly the missing events are added.
 */

#include "config.h"

#include <signal.h>
#include <sys/wait.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "dlv-store.h"

#define N_PAGES 150
#define PAGE_EVENTS 2000
#define N_MESSAGES 6000
#define T0 1768466120

static const char *self_path;

/* Page @k: 2000 events over messages that earlier pages also touched. */
static DlvEventPage *
make_page (guint k)
{
  static const DlvEventKind kinds[] = {
    DLV_EVENT_KIND_ACCEPTED, DLV_EVENT_KIND_DEFERRED, DLV_EVENT_KIND_DEFERRED,
    DLV_EVENT_KIND_DELIVERED, DLV_EVENT_KIND_OPENED, DLV_EVENT_KIND_HARD_BOUNCE,
  };
  DlvEventPage *page = dlv_event_page_new ();

  for (guint j = 0; j < PAGE_EVENTS; j++)
    {
      guint n = k * PAGE_EVENTS + j;
      guint message = (n * 7919u) % N_MESSAGES;
      DlvEvent *e = dlv_event_new (kinds[n % G_N_ELEMENTS (kinds)], T0 + n);

      e->uid = g_strdup_printf ("p%u-e%u", k, j);
      e->message_id = g_strdup_printf ("msg-%u", message);
      e->recipient = g_strdup_printf ("user%u@example%u.org", message, message % 13);
      e->subject = g_strdup ("Crash test");
      if (e->kind == DLV_EVENT_KIND_DEFERRED)
        e->reason = g_strdup ("451 4.7.1 Greylisted, please try again later");
      g_ptr_array_add (page->events, e);
    }
  page->next_cursor = g_strdup_printf ("page-%u", k + 1);
  page->more = k + 1 < N_PAGES;

  return page;
}

static guint
page_of_cursor (const char *cursor)
{
  guint64 k = 0;

  if (cursor != NULL)
    g_ascii_string_to_unsigned (cursor + strlen ("page-"), 10, 0, N_PAGES, &k, NULL);
  return (guint) k;
}

/* The child: ingest from the stored cursor until killed or done. */
static int
run_child (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvStore) store = dlv_store_open (path, &error);
  gint64 account = 1;

  if (store == NULL)
    g_error ("child: %s", error->message);

  for (;;)
    {
      g_autoptr(DlvAccount) a = dlv_store_get_account (store, account, &error);
      g_autoptr(DlvEventPage) page = NULL;
      guint k = page_of_cursor (a->cursor);

      if (k >= N_PAGES)
        return 0;
      page = make_page (k);
      if (!dlv_store_ingest_page (store, account, page, NULL, &error))
        g_error ("child: %s", error->message);
    }
}

static gint64
count_rows (const char *path,
            const char *sql)
{
  sqlite3 *db;
  sqlite3_stmt *stmt;
  gint64 n;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static void
assert_integrity (const char *path)
{
  sqlite3 *db;
  sqlite3_stmt *stmt;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* Every stored aggregate equals the fold of the events stored for it. */
static void
assert_aggregates_match_events (DlvStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = dlv_store_query_message_ids (store, NULL, DLV_MESSAGE_SORT_LAST_EVENT,
                                                       TRUE, T0, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      g_autoptr(DlvMessage) stored = dlv_store_get_message (store, id, &error);
      g_autoptr(GPtrArray) events = dlv_store_get_message_events (store, id, &error);
      g_autoptr(DlvMessage) folded = dlv_message_new ();

      for (guint j = 0; j < events->len; j++)
        dlv_message_apply_event (folded, events->pdata[j], 72);

      g_assert_cmpint (stored->status, ==, folded->status);
      g_assert_cmpint (stored->attempts, ==, folded->attempts);
      g_assert_cmpint (stored->attempt_events, ==, folded->attempt_events);
      g_assert_cmpint (stored->flags, ==, folded->flags);
      g_assert_cmpint (stored->first_event_at, ==, folded->first_event_at);
      g_assert_cmpint (stored->last_event_at, ==, folded->last_event_at);
      g_assert_cmpint (stored->first_deferred_at, ==, folded->first_deferred_at);
      g_assert_cmpint (stored->delivered_at, ==, folded->delivered_at);
    }
}

/* Returns the number of whole pages the store holds. */
static guint
check_consistent (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvStore) store = NULL;
  g_autoptr(DlvAccount) account = NULL;
  guint pages;

  assert_integrity (path);
  store = dlv_store_open (path, &error);
  g_assert_no_error (error);
  account = dlv_store_get_account (store, 1, &error);
  pages = page_of_cursor (account->cursor);

  /* The cursor says exactly how many pages were stored: no half page. */
  g_assert_cmpint (count_rows (path, "SELECT count (*) FROM events"), ==,
                   (gint64) pages * PAGE_EVENTS);
  assert_aggregates_match_events (store);

  return pages;
}

static void
test_sigkill_during_ingest (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("dlv-crash-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "crash.db", NULL);
  g_autoptr(DlvStore) store = dlv_store_open (path, &error);
  guint kills_mid_way = 0, pages = 0, total_added = 0;
  const guint delays_ms[] = { 40, 90, 150, 230, 330, 450 };

  g_assert_no_error (error);
  g_assert_cmpint (dlv_store_add_account (store, "test", "Crash", 72, NULL, "page-0", &error), ==, 1);
  g_clear_object (&store);

  for (guint round = 0; round < G_N_ELEMENTS (delays_ms); round++)
    {
      const char *argv[] = { self_path, "--child", path, NULL };
      GPid pid;
      int wait_status;
      guint before = pages;

      g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, &error);
      g_assert_no_error (error);
      g_usleep (delays_ms[round] * 1000);
      kill (pid, SIGKILL);
      waitpid (pid, &wait_status, 0);

      pages = check_consistent (path);
      g_assert_cmpuint (pages, >=, before);
      if (WIFSIGNALED (wait_status) && pages < N_PAGES)
        kills_mid_way++;
      g_test_message ("round %u: killed after %u ms, %u pages stored", round, delays_ms[round], pages);
    }

  /* The test only means something if the kills landed during ingestion. */
  g_assert_cmpuint (kills_mid_way, >=, 3);
  g_assert_cmpuint (pages, >, 0);

  /* Ingest everything again: exactly the missing events are added. */
  store = dlv_store_open (path, &error);
  for (guint k = 0; k < N_PAGES; k++)
    {
      g_autoptr(DlvEventPage) page = make_page (k);
      DlvIngestStats stats;

      g_assert_true (dlv_store_ingest_page (store, 1, page, &stats, &error));
      g_assert_cmpuint (stats.events_added + stats.events_duplicate, ==, PAGE_EVENTS);
      total_added += stats.events_added;
    }
  g_assert_cmpuint (total_added, ==, (N_PAGES - pages) * PAGE_EVENTS);
  g_assert_cmpint (count_rows (path, "SELECT count (*) FROM events"), ==, N_PAGES * PAGE_EVENTS);
  g_assert_cmpint (count_rows (path, "SELECT count (DISTINCT uid) FROM events"), ==,
                   N_PAGES * PAGE_EVENTS);
  assert_aggregates_match_events (store);
  g_clear_object (&store);

  for (guint i = 0; i < 3; i++)
    {
      const char *suffixes[] = { "", "-wal", "-shm" };
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  self_path = argv[0];
  if (argc == 3 && g_str_equal (argv[1], "--child"))
    return run_child (argv[2]);

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dlv/store/sigkill-during-ingest", test_sigkill_during_ingest);

  return g_test_run ();
}
