/* bench-scale.c: the Activity queries and the conversion curve at a million messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Builds a store of N messages (default 1,000,000) with the demo generator,
 * then times what the window does: the first page of the Activity list, a
 * status/domain filter change, a text search, the status counts and the 72 h
 * conversion curve. Targets: first page < 50 ms, filter and search < 200 ms,
 * curve < 100 ms. Pass a store path to keep it between runs.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "dlv-demo-provider.h"
#include "dlv-poll.h"
#include "dlv-store.h"
#include "dlv-util.h"

#define NOW 1768466120
#define PAGE 100

static gint64
build_store (DlvStore *store,
             guint     n_messages)
{
  g_autoptr(DlvProvider) demo = dlv_demo_provider_new ();
  g_autofree char *cursor = dlv_demo_provider_make_cursor (11, n_messages, 96, NOW);
  g_autoptr(GError) error = NULL;
  DlvPollStats stats;
  gint64 start = g_get_monotonic_time ();
  gint64 account;

  dlv_demo_provider_set_now (DLV_DEMO_PROVIDER (demo), NOW);
  account = dlv_store_add_account (store, "demo", "Demo", 72, NULL, cursor, &error);
  if (!dlv_poll_account_sync (store, account, demo, 0, &stats, NULL, &error))
    g_error ("%s", error->message);

  g_print ("  built: %u events in %.1f s (%.0f events/s through the demo provider and the store)\n",
           stats.events_added, (g_get_monotonic_time () - start) / 1e6,
           stats.events_added / ((g_get_monotonic_time () - start) / 1e6));
  return account;
}

/* What the list does on a query change: the ordered ids, then the first rows. */
static double
time_list (DlvStore               *store,
           const DlvMessageFilter *filter,
           guint                  *n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gint64 start = g_get_monotonic_time ();

  ids = dlv_store_query_message_ids (store, filter, DLV_MESSAGE_SORT_LAST_EVENT, TRUE, NOW, &error);
  rows = dlv_store_load_messages (store, (gint64 *) (gpointer) ids->data, MIN (ids->len, PAGE), &error);
  *n = ids->len;

  return (g_get_monotonic_time () - start) / 1e3;
}

static double
time_first_page (DlvStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gint64 start = g_get_monotonic_time ();

  ids = dlv_store_query_message_ids_limited (store, NULL, DLV_MESSAGE_SORT_LAST_EVENT, TRUE, NOW,
                                             PAGE, &error);
  rows = dlv_store_load_messages (store, (gint64 *) (gpointer) ids->data, ids->len, &error);

  return (g_get_monotonic_time () - start) / 1e3;
}

static double
time_counts (DlvStore *store)
{
  guint64 counts[DLV_N_MESSAGE_STATUSES];
  gint64 start = g_get_monotonic_time ();

  dlv_store_count_statuses (store, NULL, NOW, counts, NULL);
  return (g_get_monotonic_time () - start) / 1e3;
}

static double
time_conversion (DlvStore *store,
                 guint    *cohort_size,
                 double   *at24,
                 double   *at72)
{
  g_autoptr(GArray) cohort = NULL;
  g_autoptr(DlvConversion) conversion = NULL;
  gint64 start = g_get_monotonic_time ();

  cohort = dlv_store_load_deferred_cohort (store, NULL, NULL);
  conversion = dlv_conversion_compute ((DlvCohortEntry *) (gpointer) cohort->data, cohort->len, NOW);
  *cohort_size = conversion->cohort;
  *at24 = conversion->points[24].delivered;
  *at72 = conversion->points[72].delivered;

  return (g_get_monotonic_time () - start) / 1e3;
}

static double
best_of_3 (double a, double b, double c)
{
  return MIN (a, MIN (b, c));
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gint64) st.st_size : 0;
}

int
main (int   argc,
      char *argv[])
{
  guint n_messages = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 1000000;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(DlvStore) store = NULL;
  g_autoptr(GError) error = NULL;
  DlvMessageFilter filter = {
    .statuses = (1 << DLV_MESSAGE_STATUS_DEFERRED) | (1 << DLV_MESSAGE_STATUS_EXPIRED),
    .domain = "yahoo",
  };
  DlvMessageFilter by_domain = { .domain = "gmail.com" };
  DlvMessageFilter search = { .search = "martin" };
  double t[3], at24, at72;
  guint n, n_filter, n_domain, n_search, cohort;

  if (argc > 2)
    path = g_strdup (argv[2]);
  else
    {
      dir = g_dir_make_tmp ("dlv-scale-XXXXXX", NULL);
      path = g_build_filename (dir, "scale.db", NULL);
    }

  g_print ("scale benchmark: %u messages\n", n_messages);
  store = dlv_store_open (path, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  {
    g_autoptr(GPtrArray) accounts = dlv_store_list_accounts (store, NULL);

    if (accounts->len == 0)
      build_store (store, n_messages);
  }
  g_clear_object (&store);

  /* A fresh connection, as the window would open it. */
  store = dlv_store_open (path, &error);

  for (guint i = 0; i < 3; i++)
    t[i] = time_first_page (store);
  g_print ("  first page (%u rows)       %7.1f ms  (target < 50)\n", PAGE, best_of_3 (t[0], t[1], t[2]));

  for (guint i = 0; i < 3; i++)
    t[i] = time_list (store, NULL, &n);
  g_print ("  all ids + first page       %7.1f ms  (%u messages)\n", best_of_3 (t[0], t[1], t[2]), n);

  for (guint i = 0; i < 3; i++)
    t[i] = time_list (store, &filter, &n_filter);
  g_print ("  filter status+provider     %7.1f ms  (%u deferred/expired at Yahoo; target < 200)\n",
           best_of_3 (t[0], t[1], t[2]), n_filter);

  for (guint i = 0; i < 3; i++)
    t[i] = time_list (store, &by_domain, &n_domain);
  g_print ("  filter recipient domain    %7.1f ms  (%u at gmail.com; target < 200)\n",
           best_of_3 (t[0], t[1], t[2]), n_domain);

  for (guint i = 0; i < 3; i++)
    t[i] = time_list (store, &search, &n_search);
  g_print ("  text search \"%s\"        %7.1f ms  (%u matches; target < 200)\n", search.search,
           best_of_3 (t[0], t[1], t[2]), n_search);

  for (guint i = 0; i < 3; i++)
    t[i] = time_counts (store);
  g_print ("  status counts              %7.1f ms\n", best_of_3 (t[0], t[1], t[2]));

  for (guint i = 0; i < 3; i++)
    t[i] = time_conversion (store, &cohort, &at24, &at72);
  g_print ("  72 h conversion curve      %7.1f ms  (cohort %u; delivered %.1f %% at 24 h, %.1f %% at 72 h;"
           " target < 100)\n", best_of_3 (t[0], t[1], t[2]), cohort, 100 * at24, 100 * at72);

  g_clear_object (&store);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    gint64 bytes = file_size (path) + file_size (wal);

    g_print ("  store on disk              %7.0f bytes per message (%.0f MB)\n",
             (double) bytes / n, bytes / 1e6);
  }

  if (dir != NULL)
    {
      const char *suffixes[] = { "", "-wal", "-shm" };

      for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
        {
          g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
          g_unlink (file);
        }
      g_rmdir (dir);
    }
  return 0;
}
