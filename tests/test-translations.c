/* test-translations.c: the window and the command line really run in French,
 * German and Spanish
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Expected words come from the catalogues themselves (po/LANG.po), so the
 * test checks that the program shows the translation, whoever worded it.
 */

#include "config.h"

#include <locale.h>
#include <string.h>
#include <sys/wait.h>
#include <adwaita.h>
#include <glib/gi18n.h>

#include "dlv-application.h"
#include "dlv-util.h"
#include "dlv-window.h"

static const char * const languages[] = { "fr", "de", "es", NULL };

/* The translation of @msgid in po/@language.po (a single-line msgid). */
static char *
catalogue_translation (const char *language,
                       const char *msgid)
{
  g_autofree char *name = g_strconcat (language, ".po", NULL);
  g_autofree char *path = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "po", name, NULL);
  g_autofree char *contents = NULL;
  g_autofree char *needle = g_strdup_printf ("\nmsgid \"%s\"\nmsgstr \"", msgid);
  const char *start;
  const char *end;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  start = strstr (contents, needle);
  g_assert_nonnull (start);
  start += strlen (needle);
  end = strchr (start, '"');
  g_assert_nonnull (end);
  g_assert_cmpint (end - start, >, 0);

  return g_strndup (start, end - start);
}

static char *
run_cli (const char  *language,
         const char **argv_tail)
{
  g_auto(GStrv) env = g_get_environ ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status;

  env = g_environ_setenv (env, "LANGUAGE", language, TRUE);
  env = g_environ_setenv (env, "LC_ALL", "C.UTF-8", TRUE);
  g_ptr_array_add (argv, (char *) g_getenv ("DLV_CLI"));
  for (guint i = 0; argv_tail[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) argv_tail[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  return out;
}

/* `--help` and `explain` answer in each language. */
static void
test_command_line (void)
{
  const char *help[] = { "--help", NULL };
  const char *explain[] = { "explain", "452 4.2.2 Mailbox full", NULL };

  for (guint i = 0; languages[i] != NULL; i++)
    {
      g_autofree char *usage = run_cli (languages[i], help);
      g_autofree char *explained = run_cli (languages[i], explain);
      g_autofree char *list = catalogue_translation (languages[i], "List messages");
      g_autofree char *full = catalogue_translation (languages[i], "Mailbox full");

      g_test_message ("%s: %s / %s", languages[i], list, full);
      g_assert_nonnull (strstr (usage, list));
      g_assert_null (strstr (usage, "List messages"));
      g_assert_nonnull (strstr (explained, full));
    }
}

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static GtkWidget *
find_switcher (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (ADW_IS_VIEW_STACK (child))
        return child;
      if ((found = find_switcher (child)) != NULL)
        return found;
    }

  return NULL;
}

static const char *
page_title (AdwViewStack *stack,
            const char   *name)
{
  GtkWidget *child = adw_view_stack_get_child_by_name (stack, name);

  return adw_view_stack_page_get_title (adw_view_stack_get_page (stack, child));
}

/* The window's tabs carry the language's words. This process runs in
 * the language the test program was started with (see main). */
static void
test_window (gconstpointer data)
{
  const char *language = data;
  g_autofree char *dir = g_dir_make_tmp ("dlv-i18n-XXXXXX", NULL);
  g_autofree char *store_path = g_build_filename (dir, "i18n.db", NULL);
  g_autofree char *activity = catalogue_translation (language, "Activity");
  g_autofree char *domains = catalogue_translation (language, "Domains");
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvApplication) app = NULL;
  AdwViewStack *stack;
  DlvWindow *window;

  app = g_object_new (DLV_TYPE_APPLICATION,
                      "application-id", "io.github.deliverability.Deliverability.I18n",
                      "flags", G_APPLICATION_NON_UNIQUE,
                      "resource-base-path", RESOURCE_BASE,
                      "store-path", store_path,
                      NULL);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  window = dlv_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  iterate_for (500);

  stack = ADW_VIEW_STACK (find_switcher (GTK_WIDGET (window)));
  g_assert_nonnull (stack);
  g_assert_cmpstr (page_title (stack, "activity"), ==, activity);
  g_assert_cmpstr (page_title (stack, "domains"), ==, domains);
  g_assert_cmpstr (_("Delivered"), !=, "Delivered");

  gtk_window_destroy (GTK_WINDOW (window));
  g_application_quit (G_APPLICATION (app));
}

int
main (int   argc,
      char *argv[])
{
  const char *language = g_getenv ("DLV_TEST_LANGUAGE");

  /* The window test runs in one language per process: gettext caches a
   * catalogue per language, and the window must be built in it. */
  if (language == NULL)
    language = "fr";
  g_setenv ("LANGUAGE", language, TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  dlv_bind_textdomain ();

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/i18n/command-line", test_command_line);
  g_test_add_data_func ("/i18n/window", language, test_window);

  return g_test_run ();
}
