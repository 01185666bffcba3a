/* bench-ingest.c: parse + normalize + store, against its parts alone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The demo simulation's events are written out as Mailgun events pages (300
 * items each, the API's maximum). Then, on the same pages in the same run:
 *   parse   json-glib parsing alone (json_parser_load_from_data)
 *   store   storing the already-normalized pages alone (dlv_store_ingest_page:
 *           events insert + de-duplication + message aggregates + cursor)
 *   sqlite  for reference, bare INSERTs of the event rows into a plain table
 *   ingest  the whole pipeline: parse + normalize + store
 * and prints ingest / (1 / (1/parse + 1/store)): 1.0 would mean the pipeline
 * costs no more than its two halves run back to back. Target ≥ 0.8.
 */

#include "config.h"

#include <unistd.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <json-glib/json-glib.h>

#include "dlv-demo-provider.h"
#include "dlv-mailgun-events.h"
#include "dlv-store.h"
#include "dlv-util.h"

#define PAGE_ITEMS 300
#define NOW 1768466120

static const char * const kind_events[DLV_N_EVENT_KINDS] = {
  "accepted", "failed", "delivered", "failed", "failed", "failed", "rejected",
  "opened", "clicked", "complained", "unsubscribed",
};

static void
add_member_string (JsonBuilder *b,
                   const char  *name,
                   const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

/* One normalized event in Mailgun's documented item shape. */
static void
build_item (JsonBuilder    *b,
            const DlvEvent *e)
{
  json_builder_begin_object (b);
  add_member_string (b, "id", e->uid);
  add_member_string (b, "event", kind_events[e->kind]);
  if (e->kind == DLV_EVENT_KIND_DEFERRED)
    add_member_string (b, "severity", "temporary");
  else if (g_str_equal (kind_events[e->kind], "failed"))
    add_member_string (b, "severity", "permanent");
  if (e->kind == DLV_EVENT_KIND_HARD_BOUNCE)
    add_member_string (b, "reason", "bounce");
  json_builder_set_member_name (b, "timestamp");
  json_builder_add_double_value (b, e->at + 0.25);
  add_member_string (b, "log-level", "info");
  add_member_string (b, "recipient", e->recipient);
  json_builder_set_member_name (b, "envelope");
  json_builder_begin_object (b);
  add_member_string (b, "transport", "smtp");
  add_member_string (b, "sending-ip", e->ip);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "delivery-status");
  json_builder_begin_object (b);
  if (e->smtp_code)
    {
      json_builder_set_member_name (b, "code");
      json_builder_add_int_value (b, e->smtp_code);
    }
  add_member_string (b, "enhanced-code", e->enhanced_code);
  add_member_string (b, "message", e->reason);
  add_member_string (b, "mx-host", e->mx);
  json_builder_set_member_name (b, "attempt-no");
  json_builder_add_int_value (b, MAX (e->attempt, 1));
  if (e->retry_in)
    {
      json_builder_set_member_name (b, "retry-seconds");
      json_builder_add_int_value (b, e->retry_in);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "message");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "headers");
  json_builder_begin_object (b);
  add_member_string (b, "message-id", e->message_id);
  add_member_string (b, "to", e->recipient);
  add_member_string (b, "from", e->sender);
  add_member_string (b, "subject", e->subject);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "tags");
  json_builder_begin_array (b);
  if (e->campaign)
    json_builder_add_string_value (b, e->campaign);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static char *
build_page (GPtrArray *events,
            guint      start,
            guint      end,
            guint      page_no)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *next = g_strdup_printf ("https://api.mailgun.net/v3/news.example-shop.com/events/page%u",
                                           page_no + 1);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "items");
  json_builder_begin_array (b);
  for (guint i = start; i < end; i++)
    build_item (b, g_ptr_array_index (events, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "paging");
  json_builder_begin_object (b);
  add_member_string (b, "next", next);
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static GPtrArray *
simulate (guint target_events)
{
  g_autoptr(DlvProvider) demo = dlv_demo_provider_new ();
  g_autofree char *cursor = NULL;
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) dlv_event_free);
  guint messages = target_events / 2;

  dlv_demo_provider_set_now (DLV_DEMO_PROVIDER (demo), NOW);
  cursor = dlv_demo_provider_make_cursor (7, messages, 96, NOW);

  for (gboolean more = TRUE; more;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DlvEventPage) page = dlv_provider_fetch_page_sync (demo, cursor, NULL, &error);

      if (page == NULL)
        g_error ("demo: %s", error->message);
      for (guint i = 0; i < page->events->len; i++)
        g_ptr_array_add (events, g_steal_pointer (&page->events->pdata[i]));
      g_ptr_array_set_size (page->events, 0);
      g_free (cursor);
      cursor = g_strdup (page->next_cursor);
      more = page->more;
    }

  return events;
}

static DlvStore *
fresh_store (const char *dir,
             const char *name,
             gint64     *account)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  DlvStore *store;

  store = dlv_store_open (path, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  *account = dlv_store_add_account (store, "mailgun", "Bench", 8, NULL, NULL, &error);
  return store;
}

/* Each timed phase starts with no dirty pages of an earlier one still being
 * written back, which would throttle whichever phase runs later. */
static void
drop_store (const char *dir,
            const char *name)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (dir, G_DIR_SEPARATOR_S, name, suffixes[i], NULL);

      g_unlink (file);
    }
  sync ();
}

static double
time_parse (GPtrArray *pages)
{
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < pages->len; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();

      if (!json_parser_load_from_data (parser, pages->pdata[i], -1, NULL))
        g_error ("parse failed");
    }

  return (g_get_monotonic_time () - start) / 1e6;
}

static double
time_store (GPtrArray  *normalized,
            const char *dir,
            const char *name)
{
  gint64 account;
  g_autoptr(DlvStore) store = fresh_store (dir, name, &account);
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < normalized->len; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!dlv_store_ingest_page (store, account, normalized->pdata[i], NULL, &error))
        g_error ("%s", error->message);
    }

  return (g_get_monotonic_time () - start) / 1e6;
}

static double
time_ingest (GPtrArray  *pages,
             const char *dir,
             const char *name,
             guint      *stored)
{
  gint64 account;
  g_autoptr(DlvStore) store = fresh_store (dir, name, &account);
  gint64 start = g_get_monotonic_time ();

  *stored = 0;
  for (guint i = 0; i < pages->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DlvEventPage) page = dlv_mailgun_parse_events_page (pages->pdata[i], -1, TRUE, &error);
      DlvIngestStats stats;

      if (page == NULL || !dlv_store_ingest_page (store, account, page, &stats, &error))
        g_error ("%s", error->message);
      *stored += stats.events_added;
    }

  return (g_get_monotonic_time () - start) / 1e6;
}

/* Reference only: bare prepared INSERTs of the event rows, one transaction a page. */
static double
time_sqlite_plain (GPtrArray  *normalized,
                   const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "plain.db", NULL);
  sqlite3 *db;
  sqlite3_stmt *stmt;
  gint64 start;

  sqlite3_open (path, &db);
  sqlite3_exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                "CREATE TABLE events (id INTEGER PRIMARY KEY, uid TEXT UNIQUE, message TEXT,"
                " kind INTEGER, at INTEGER, smtp_code INTEGER, enhanced TEXT, reason TEXT,"
                " attempt INTEGER, mx TEXT, ip TEXT)", NULL, NULL, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO events (uid, message, kind, at, smtp_code, enhanced, reason,"
                      " attempt, mx, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &stmt, NULL);

  start = g_get_monotonic_time ();
  for (guint p = 0; p < normalized->len; p++)
    {
      DlvEventPage *page = normalized->pdata[p];

      sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
      for (guint i = 0; i < page->events->len; i++)
        {
          DlvEvent *e = page->events->pdata[i];

          sqlite3_reset (stmt);
          sqlite3_bind_text (stmt, 1, e->uid, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 2, e->message_id, -1, SQLITE_STATIC);
          sqlite3_bind_int (stmt, 3, e->kind);
          sqlite3_bind_int64 (stmt, 4, e->at);
          sqlite3_bind_int (stmt, 5, e->smtp_code);
          sqlite3_bind_text (stmt, 6, e->enhanced_code, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 7, e->reason, -1, SQLITE_STATIC);
          sqlite3_bind_int (stmt, 8, e->attempt);
          sqlite3_bind_text (stmt, 9, e->mx, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 10, e->ip, -1, SQLITE_STATIC);
          sqlite3_step (stmt);
        }
      sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
    }
  start = g_get_monotonic_time () - start;

  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return start / 1e6;
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *file = g_build_filename (dir, name, NULL);
      g_unlink (file);
    }
  g_rmdir (dir);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median3 (double a, double b, double c)
{
  double v[3] = { a, b, c };

  qsort (v, 3, sizeof (double), compare_doubles);
  return v[1];
}

int
main (int   argc,
      char *argv[])
{
  guint target = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 250000;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) normalized = g_ptr_array_new_with_free_func ((GDestroyNotify) dlv_event_page_free);
  g_autofree char *dir = g_dir_make_tmp ("dlv-bench-XXXXXX", NULL);
  double parse[3], store[3], ingest[3], plain;
  gsize bytes = 0;
  guint stored = 0;

  events = simulate (target);
  for (guint start = 0, n = 0; start < events->len; start += PAGE_ITEMS, n++)
    {
      char *json = build_page (events, start, MIN (start + PAGE_ITEMS, events->len), n);

      bytes += strlen (json);
      g_ptr_array_add (pages, json);
      g_autoptr(GError) error = NULL;
      DlvEventPage *page = dlv_mailgun_parse_events_page (json, -1, TRUE, &error);

      if (page == NULL)
        g_error ("page %u: %s", n, error->message);
      g_ptr_array_add (normalized, page);
    }

  g_print ("ingest benchmark: %u events in %u Mailgun pages, %.1f MB of JSON\n",
           events->len, pages->len, bytes / 1e6);

  for (guint run = 0; run < 3; run++)
    {
      g_autofree char *store_name = g_strdup_printf ("store%u.db", run);
      g_autofree char *ingest_name = g_strdup_printf ("ingest%u.db", run);

      parse[run] = time_parse (pages);
      store[run] = time_store (normalized, dir, store_name);
      drop_store (dir, store_name);
      ingest[run] = time_ingest (pages, dir, ingest_name, &stored);
      drop_store (dir, ingest_name);
    }
  plain = time_sqlite_plain (normalized, dir);
  drop_store (dir, "plain.db");

  {
    double p = events->len / median3 (parse[0], parse[1], parse[2]);
    double s = events->len / median3 (store[0], store[1], store[2]);
    double i = events->len / median3 (ingest[0], ingest[1], ingest[2]);
    double both = 1.0 / (1.0 / p + 1.0 / s);

    g_print ("  json-glib parse alone     %9.0f events/s  (%.1f MB/s)\n", p,
             bytes / 1e6 / median3 (parse[0], parse[1], parse[2]));
    g_print ("  store alone               %9.0f events/s  (insert + dedupe + aggregates + cursor)\n", s);
    g_print ("  sqlite bare inserts       %9.0f events/s  (reference: event rows only)\n",
             events->len / plain);
    g_print ("  parse+normalize+store     %9.0f events/s  (%u events stored)\n", i, stored);
    g_print ("  parse and store in series %9.0f events/s\n", both);
    g_print ("  ratio ingest / series     %9.2f  (target >= 0.80)\n", i / both);
  }

  remove_dir (dir);
  return 0;
}
