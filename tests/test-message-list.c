/* test-message-list.c: the lazy Activity list model and the background poller
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "dlv-demo-provider.h"
#include "dlv-message-list.h"
#include "dlv-poller.h"
#include "dlv-util.h"

typedef struct
{
  char *dir;
  char *path;
  DlvStore *store;
  guint items_changed;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = dlv_demo_provider_make_cursor (3, 400, 96, dlv_now ());

  f->dir = g_dir_make_tmp ("dlv-list-XXXXXX", &error);
  f->path = g_build_filename (f->dir, "list.db", NULL);
  f->store = dlv_store_open (f->path, &error);
  g_assert_no_error (error);
  dlv_store_add_account (f->store, "demo", "Demo", 72, NULL, cursor, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  g_clear_object (&f->store);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (f->path, suffixes[i], NULL);
      g_unlink (file);
    }
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static void
updated_cb (DlvPoller *poller,
            guint      events,
            guint     *out)
{
  *out = events;
}

/* Runs the main loop until *flag turns non-zero, or fails after 20 s. */
static void
wait_for (guint *flag)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (*flag == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
poll_once (Fixture *f)
{
  g_autoptr(DlvPoller) poller = dlv_poller_new (f->path);
  guint events = 0;

  g_signal_connect (poller, "updated", G_CALLBACK (updated_cb), &events);
  dlv_poller_start (poller);
  g_assert_true (dlv_poller_get_polling (poller));
  wait_for (&events);
  g_assert_false (dlv_poller_get_polling (poller));
  g_assert_null (dlv_poller_get_last_error (poller));
  g_assert_cmpint (dlv_poller_get_last_success (poller), >, 0);
  dlv_poller_stop (poller);
}

static void
loaded_cb (DlvMessageList *list,
           guint          *loaded)
{
  (*loaded)++;
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *f)
{
  f->items_changed++;
}

static void
load (DlvMessageList         *list,
      const DlvMessageFilter *filter)
{
  guint loaded = 0;
  gulong id = g_signal_connect (list, "loaded", G_CALLBACK (loaded_cb), &loaded);

  dlv_message_list_set_query (list, filter, DLV_MESSAGE_SORT_LAST_EVENT, TRUE);
  g_assert_true (dlv_message_list_get_loading (list));
  wait_for (&loaded);
  g_signal_handler_disconnect (list, id);
  g_assert_false (dlv_message_list_get_loading (list));
  g_assert_null (dlv_message_list_get_error (list));
}

static void
test_list_lazily (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(DlvMessageList) list = dlv_message_list_new (f->store);
  g_autoptr(DlvMessageItem) first = NULL;
  g_autoptr(DlvMessageItem) last = NULL;
  DlvMessageFilter deferred = {
    .statuses = (1 << DLV_MESSAGE_STATUS_DEFERRED) | (1 << DLV_MESSAGE_STATUS_EXPIRED),
  };
  guint64 total = 0;
  guint all, changes;

  poll_once (f);
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), f);
  load (list, NULL);

  all = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_assert_cmpuint (all, >=, 400);
  /* The first 256 rows, then the rest: at most two announcements. */
  g_assert_cmpuint (f->items_changed, >=, 1);
  g_assert_cmpuint (f->items_changed, <=, 2);
  changes = f->items_changed;
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == DLV_TYPE_MESSAGE_ITEM);

  first = g_list_model_get_item (G_LIST_MODEL (list), 0);
  last = g_list_model_get_item (G_LIST_MODEL (list), all - 1);
  g_assert_nonnull (dlv_message_item_get_message (first)->recipient);
  g_assert_cmpint (dlv_message_item_get_message (first)->last_event_at, >=,
                   dlv_message_item_get_message (last)->last_event_at);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), all));

  for (guint s = 0; s < DLV_N_MESSAGE_STATUSES; s++)
    total += dlv_message_list_get_counts (list)[s];
  g_assert_cmpuint (total, ==, all);

  /* The same query again changes nothing, and says so by silence. */
  load (list, NULL);
  g_assert_cmpuint (f->items_changed, ==, changes);

  load (list, &deferred);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==,
                    dlv_message_list_get_counts (list)[DLV_MESSAGE_STATUS_DEFERRED] +
                    dlv_message_list_get_counts (list)[DLV_MESSAGE_STATUS_EXPIRED]);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), <, all);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr(DlvMessageItem) item = g_list_model_get_item (G_LIST_MODEL (list), i);
      DlvMessageStatus status = dlv_message_item_get_status (item);

      g_assert_true (status == DLV_MESSAGE_STATUS_DEFERRED || status == DLV_MESSAGE_STATUS_EXPIRED);
    }
}

/* When a query fails, the list says why and keeps the rows it had. */
static void
test_query_error_keeps_rows (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(DlvMessageList) list = dlv_message_list_new (f->store);
  g_autofree char *moved = g_strconcat (f->path, ".moved", NULL);
  guint loaded = 0, rows;

  poll_once (f);
  load (list, NULL);
  rows = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_assert_cmpuint (rows, >, 0);

  /* The worker opens the store anew: put something that is not one in its place. */
  g_assert_cmpint (g_rename (f->path, moved), ==, 0);
  g_assert_cmpint (g_mkdir (f->path, 0700), ==, 0);

  g_signal_connect (list, "loaded", G_CALLBACK (loaded_cb), &loaded);
  dlv_message_list_reload (list);
  wait_for (&loaded);

  g_assert_nonnull (dlv_message_list_get_error (list));
  g_assert_error ((GError *) dlv_message_list_get_error (list), DLV_STORE_ERROR,
                  DLV_STORE_ERROR_NOT_A_STORE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, rows);

  g_rmdir (f->path);
  g_assert_cmpint (g_rename (moved, f->path), ==, 0);
}

static void
test_poller_reports_errors (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(DlvPoller) poller = dlv_poller_new (f->path);
  g_autoptr(GError) error = NULL;
  guint events = 0;

  dlv_store_add_account (f->store, "carrier-pigeon", "Pigeons", 72, NULL, NULL, &error);
  g_signal_connect (poller, "updated", G_CALLBACK (updated_cb), &events);
  dlv_poller_start (poller);
  wait_for (&events);

  /* The demo account was polled; the one that failed is named in words. */
  g_assert_cmpuint (events, >, 0);
  g_assert_nonnull (dlv_poller_get_last_error (poller));
  g_assert_true (g_str_has_prefix (dlv_poller_get_last_error (poller), "Pigeons: "));
  g_assert_cmpint (dlv_poller_get_last_success (poller), >, 0);
  dlv_poller_stop (poller);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/dlv/message-list/lazily", Fixture, NULL, fixture_setup, test_list_lazily,
              fixture_teardown);
  g_test_add ("/dlv/message-list/query-error", Fixture, NULL, fixture_setup,
              test_query_error_keeps_rows, fixture_teardown);
  g_test_add ("/dlv/poller/errors", Fixture, NULL, fixture_setup, test_poller_reports_errors,
              fixture_teardown);

  return g_test_run ();
}
