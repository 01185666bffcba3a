/* bench-window.c: the window on a million messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opens the real window on a store of N messages (default 1,000,000, built
 * with the demo generator unless a store path is given) and measures, under
 * Xvfb (tests/run-headless.sh): the time from start to the first frame that
 * shows rows, resident memory then and after scrolling through the list,
 * and how long a filter change takes to reach the screen.
 * Targets: first frame with rows < 1 s, RSS < 250 MB, filter < 200 ms.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "dlv-application.h"
#include "dlv-demo-provider.h"
#include "dlv-poll.h"
#include "dlv-util.h"
#include "dlv-window.h"

static gint64 painted_at;

static long
rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "VmRSS:")) == NULL)
    return 0;

  return strtol (line + 6, NULL, 10);
}

static void
build_store (const char *path,
             guint       n_messages)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvStore) store = dlv_store_open (path, &error);
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(DlvProvider) demo = dlv_demo_provider_new ();
  g_autofree char *cursor = NULL;
  gint64 account;

  if (store == NULL)
    g_error ("%s", error->message);
  accounts = dlv_store_list_accounts (store, NULL);
  if (accounts->len > 0)
    return;

  g_print ("  building a store of %u messages…\n", n_messages);
  cursor = dlv_demo_provider_make_cursor (11, n_messages, 96, dlv_now ());
  account = dlv_store_add_account (store, "demo", "Demo", 72, NULL, cursor, &error);
  if (!dlv_poll_account_sync (store, account, demo, 0, NULL, NULL, &error))
    g_error ("%s", error->message);
}

static GtkWidget *
find_widget (GtkWidget *root,
             GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = find_widget (child, type)) != NULL)
        return found;
    }

  return NULL;
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  painted_at = g_get_monotonic_time ();
}

/* Runs the main loop until @done says so, then until one more frame is painted. */
static gint64
wait_for_frame (gboolean (*done) (gpointer),
                gpointer   data)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  gint64 ready;

  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out");
      g_main_context_iteration (NULL, TRUE);
    }

  ready = g_get_monotonic_time ();
  painted_at = 0;
  while (painted_at == 0)
    g_main_context_iteration (NULL, TRUE);

  return MAX (painted_at, ready);
}

static gboolean
has_rows (gpointer view)
{
  GtkSelectionModel *model = gtk_column_view_get_model (view);

  return model != NULL && g_list_model_get_n_items (G_LIST_MODEL (model)) > 0;
}

static guint rows_before;

static gboolean
rows_changed (gpointer view)
{
  GtkSelectionModel *model = gtk_column_view_get_model (view);

  return g_list_model_get_n_items (G_LIST_MODEL (model)) != rows_before;
}

static void
scroll_through (GtkWidget *view)
{
  GtkScrolledWindow *scrolled = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (view, GTK_TYPE_SCROLLED_WINDOW));
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scrolled);

  /* Twenty jumps across the whole list, a frame each. */
  for (guint i = 1; i <= 20; i++)
    {
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) * i / 21.0);
      painted_at = 0;
      while (painted_at == 0)
        g_main_context_iteration (NULL, TRUE);
    }
}

static double
time_filter (GtkWidget   *view,
             GtkDropDown *dropdown,
             guint        row)
{
  gint64 start, shown;

  rows_before = g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (view))));
  start = g_get_monotonic_time ();
  gtk_drop_down_set_selected (dropdown, row);
  shown = wait_for_frame (rows_changed, view);

  return (shown - start) / 1e3;
}

int
main (int   argc,
      char *argv[])
{
  gint64 start = g_get_monotonic_time ();
  guint n_messages = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 1000000;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(DlvApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  DlvWindow *window;
  GtkWidget *view;
  GtkDropDown *status;
  gint64 first_frame;
  long rss_first;
  double deferred_ms, all_ms;

  gtk_init ();
  adw_init ();

  if (argc > 2)
    path = g_strdup (argv[2]);
  else
    {
      dir = g_dir_make_tmp ("dlv-bench-window-XXXXXX", NULL);
      path = g_build_filename (dir, "window.db", NULL);
    }
  g_print ("window benchmark: %u messages\n", n_messages);
  build_store (path, n_messages);

  start = g_get_monotonic_time ();
  app = g_object_new (DLV_TYPE_APPLICATION,
                      "application-id", "io.github.deliverability.Deliverability.Bench",
                      "flags", G_APPLICATION_NON_UNIQUE,
                      "resource-base-path", RESOURCE_BASE,
                      "store-path", path,
                      NULL);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);

  window = dlv_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                    G_CALLBACK (after_paint_cb), NULL);

  view = find_widget (GTK_WIDGET (window), GTK_TYPE_COLUMN_VIEW);
  status = GTK_DROP_DOWN (find_widget (GTK_WIDGET (window), GTK_TYPE_DROP_DOWN));
  first_frame = wait_for_frame (has_rows, view);
  rss_first = rss_kb ();

  g_print ("  first frame with rows      %7.0f ms  (target < 1000; %u rows)\n",
           (first_frame - start) / 1e3,
           g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (view)))));
  g_print ("  resident memory then       %7.0f MB  (target < 250)\n", rss_first / 1024.0);

  deferred_ms = time_filter (view, status, 1);
  all_ms = time_filter (view, status, 0);
  g_print ("  filter to Deferred shown   %7.0f ms  (target < 200)\n", deferred_ms);
  g_print ("  filter back to all shown   %7.0f ms  (target < 200; every id of the store)\n", all_ms);

  scroll_through (view);
  g_print ("  resident memory, scrolled  %7.0f MB  (after 20 jumps across the list)\n",
           rss_kb () / 1024.0);

  gtk_window_destroy (GTK_WINDOW (window));
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
