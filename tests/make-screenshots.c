/* make-screenshots.c: the metainfo's screenshots, from the app's own rendering
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the real window on the demo platform, as a first start shows it, and
 * saves each tab as a PNG with the window's rounded corners and shadow (an X
 * server without a compositor draws neither). Run it headless:
 *
 *   tests/run-headless.sh build/tests/make-screenshots data/screenshots
 *
 * or `meson compile -C build screenshots`, which does the same.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "dlv-application.h"
#include "dlv-demo-provider.h"
#include "dlv-message-dialog.h"
#include "dlv-message-item.h"
#include "dlv-poll.h"
#include "dlv-util.h"
#include "dlv-window.h"

/* The window, and the transparent border its shadow is drawn in: the PNGs
 * come out at 1280×800. */
#define WINDOW_WIDTH  1200
#define WINDOW_HEIGHT 720
#define MARGIN        40
#define RADIUS        12

/* The deferral shown: a few attempts, so its explanation and the start of
 * its timeline fill the dialog. */
#define MAX_ATTEMPTS  8

/* What a first start does (dlv-application.c, ensure_an_account). */
#define DEMO_SEED     1
#define DEMO_MESSAGES 5000
#define DEMO_HOURS    96

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static void
iterate_until (gboolean (*done) (gpointer),
               gpointer   data,
               guint      timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;

  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for the window");
      g_main_context_iteration (NULL, TRUE);
    }
}

/* Depth-first search for the @nth widget of @type below @root. */
static GtkWidget *
find_widget (GtkWidget *root,
             GType      type,
             guint     *nth)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) && (*nth)-- == 0)
        return child;
      if ((found = find_widget (child, type, nth)) != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_nth (GtkWidget *root,
          GType      type,
          guint      nth)
{
  return find_widget (root, type, &nth);
}

static GListModel *
activity_model (GtkWidget *window)
{
  GtkWidget *view = find_nth (window, GTK_TYPE_COLUMN_VIEW, 0);

  g_assert (view != NULL);
  return G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (view)));
}

static gboolean
has_rows (gpointer window)
{
  return g_list_model_get_n_items (activity_model (window)) > 0;
}

static gboolean
poll_done (gpointer poller)
{
  return dlv_poller_get_last_success (poller) != 0 && !dlv_poller_get_polling (poller);
}

/* The look of a stock GNOME session rather than of a bare X server. */
static void
set_up_look (void)
{
  GtkSettings *settings = gtk_settings_get_default ();
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  /* Xvfb has no compositor, so GTK frames the window with a solid border
   * (solid-csd); the corners and shadow are drawn in save_window() instead. */
  static const char solid_csd_off[] = "window.solid-csd { padding: 0; box-shadow: none; }";

  g_object_set (settings,
                "gtk-decoration-layout", ":close",
                "gtk-font-name", "Cantarell 11",
                "gtk-xft-antialias", 1,
                "gtk-xft-hinting", 1,
                "gtk-xft-hintstyle", "hintslight",
                "gtk-xft-rgba", "none",
                "gtk-enable-animations", FALSE,
                NULL);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_LIGHT);

  gtk_css_provider_load_from_data (css, solid_csd_off, -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_USER);
}

/* The demo account a first start creates, filled as its first poll would. */
static void
prepare_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvStore) store = dlv_store_open (path, &error);
  g_autoptr(DlvProvider) demo = dlv_demo_provider_new ();
  g_autofree char *cursor = dlv_demo_provider_make_cursor (DEMO_SEED, DEMO_MESSAGES, DEMO_HOURS,
                                                           dlv_now ());
  g_autofree char *params = g_strdup_printf ("{\"seed\": %d, \"messages\": %d, \"hours\": %d}",
                                             DEMO_SEED, DEMO_MESSAGES, DEMO_HOURS);
  gint64 id;

  if (store == NULL)
    g_error ("Cannot create the store: %s", error->message);
  id = dlv_store_add_account (store, "demo", "Demo", 72, params, cursor, &error);
  if (id <= 0 || !dlv_poll_account_sync (store, id, demo, 0, NULL, NULL, &error))
    g_error ("Cannot fill the demo store: %s", error ? error->message : "no account");
}

/* The window's last frame; an invalidated widget has none until it is drawn. */
static GskRenderNode *
last_frame (GtkWidget *widget,
            int       *width,
            int       *height)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      GskRenderNode *node;

      *width = gtk_widget_get_width (widget);
      *height = gtk_widget_get_height (widget);
      gdk_paintable_snapshot (paintable, snapshot, *width, *height);
      node = gtk_snapshot_free_to_node (snapshot);
      if (node != NULL)
        return node;

      if (g_get_monotonic_time () > deadline)
        g_error ("The window was never drawn");
      g_main_context_iteration (NULL, TRUE);
    }
}

/* @window's frame at @x, @y, inside libadwaita's window shadow (window.csd in
 * its stylesheet) and clipped to its rounded corners. */
static void
append_window (GtkSnapshot *snapshot,
               GtkWidget   *window,
               float        x,
               float        y)
{
  static const struct { float alpha, dy, spread, blur; } shadows[] = {
    { 0.13f, 2, 2, 8 },
    { 0.09f, 3, 10, 20 },
    { 0.04f, 6, 16, 32 },
    { 0.05f, 0, 1, 0 },
  };
  g_autoptr(GskRenderNode) frame = NULL;
  GskRoundedRect outline;
  int width, height;

  frame = last_frame (window, &width, &height);
  gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (0, 0, width, height), RADIUS);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  for (guint i = 0; i < G_N_ELEMENTS (shadows); i++)
    gtk_snapshot_append_outset_shadow (snapshot, &outline, &(GdkRGBA) { 0, 0, 0, shadows[i].alpha },
                                       0, shadows[i].dy, shadows[i].spread, shadows[i].blur);
  gtk_snapshot_push_rounded_clip (snapshot, &outline);
  gtk_snapshot_append_node (snapshot, frame);
  gtk_snapshot_pop (snapshot);
  gtk_snapshot_restore (snapshot);
}

/* The window, and @dialog over it where a modal dialog is attached to its
 * parent: centred, just below the header bar. */
static void
save_window (GtkWidget  *window,
             GtkWidget  *dialog,
             const char *dir,
             const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int width = gtk_widget_get_width (window) + 2 * MARGIN;
  int height = gtk_widget_get_height (window) + 2 * MARGIN;

  append_window (snapshot, window, MARGIN, MARGIN);
  if (dialog != NULL)
    {
      GtkWidget *header = find_nth (window, ADW_TYPE_HEADER_BAR, 0);

      append_window (snapshot, dialog, (width - gtk_widget_get_width (dialog)) / 2,
                     MARGIN + gtk_widget_get_height (header));
    }
  node = gtk_snapshot_free_to_node (snapshot);

  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    g_error ("Cannot write %s", path);
  g_print ("%s (%d×%d)\n", path, width, height);
}

/* The deferral with the longest story among the first rows of the list. */
static gint64
pick_deferred_message (GtkWidget *window)
{
  GListModel *model = activity_model (window);
  gint64 id = 0;
  int most = 0;

  for (guint i = 0; i < MIN (g_list_model_get_n_items (model), 50); i++)
    {
      g_autoptr(DlvMessageItem) item = g_list_model_get_item (model, i);
      const DlvMessage *m = dlv_message_item_get_message (item);

      if (dlv_message_item_get_status (item) == DLV_MESSAGE_STATUS_DEFERRED &&
          m->reason_info.smtp_code != 0 && m->attempts > most && m->attempts <= MAX_ATTEMPTS)
        {
          most = m->attempts;
          id = m->id;
        }
    }

  if (id == 0)
    g_error ("The demo has no deferred message to show");
  return id;
}

static void
show_page (DlvWindow  *window,
           const char *page)
{
  dlv_window_show_page (window, page);
  iterate_for (800);
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);

      g_unlink (file);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvApplication) app = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *store_path = NULL;
  const char *out;
  DlvWindow *window;
  DlvPoller *poller;
  GtkDropDown *status;
  DlvMessageDialog *dialog;

  if (argc != 2)
    {
      g_printerr ("Usage: %s OUTPUT-DIR\n", argv[0]);
      return 2;
    }
  out = argv[1];
  if (g_mkdir_with_parents (out, 0755) != 0)
    g_error ("Cannot create %s", out);

  gtk_init ();
  adw_init ();
  set_up_look ();

  tmp = g_dir_make_tmp ("dlv-screenshots-XXXXXX", &error);
  if (tmp == NULL)
    g_error ("%s", error->message);
  store_path = g_build_filename (tmp, "deliverability.db", NULL);
  prepare_store (store_path);

  app = g_object_new (DLV_TYPE_APPLICATION,
                      "application-id", APP_ID,
                      "flags", G_APPLICATION_NON_UNIQUE,
                      "resource-base-path", RESOURCE_BASE,
                      "store-path", store_path,
                      NULL);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);
  poller = dlv_application_get_poller (app);
  g_assert (poller != NULL);

  window = dlv_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), WINDOW_WIDTH, WINDOW_HEIGHT);
  gtk_window_present (GTK_WINDOW (window));
  iterate_until (has_rows, window, 30);

  /* One round, as at start, so the header says when the data was fetched. */
  dlv_poller_poll_now (poller);
  iterate_until (poll_done, poller, 60);
  iterate_until (has_rows, window, 30);
  /* The header's clock ticks every 5 s: past one tick it reads "Updated N
   * seconds ago" rather than "0 seconds". */
  iterate_for (5500);

  show_page (window, "activity");
  save_window (GTK_WIDGET (window), NULL, out, "activity.png");

  /* A deferral explained, over the list of deferred messages. */
  status = GTK_DROP_DOWN (find_nth (GTK_WIDGET (window), GTK_TYPE_DROP_DOWN, 0));
  gtk_drop_down_set_selected (status, 1);       /* "Deferred (N)" */
  iterate_for (1000);
  dialog = dlv_message_dialog_new (dlv_application_get_store (app),
                                   pick_deferred_message (GTK_WIDGET (window)));
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (dialog));
  iterate_for (1000);
  save_window (GTK_WIDGET (window), GTK_WIDGET (dialog), out, "deferral.png");
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_drop_down_set_selected (status, 0);

  show_page (window, "conversion");
  save_window (GTK_WIDGET (window), NULL, out, "conversion.png");

  show_page (window, "domains");
  save_window (GTK_WIDGET (window), NULL, out, "domains.png");

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (100);
  g_clear_object (&app);
  remove_dir (tmp);

  return 0;
}
