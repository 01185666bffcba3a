/* dlv-compat.c: the one place that knows about newer GTK and libadwaita
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Activity list sorts in SQL, so it needs to know which column header
 * was clicked and in which direction. GTK 4.10 reports it
 * (GtkColumnViewSorter's primary column and order); GTK 4.8 does not. There
 * each column gets a sorter that only says "I was asked first", and the
 * column view's sorter is asked to compare two dummy items: the primary
 * column's sorter answers first, and the view inverts its answer when the
 * order is descending.
 */

#define G_LOG_DOMAIN "dlv-compat"

#include "config.h"

#include "dlv-compat.h"

#define PROBE_KEY "dlv-compat-column"

static GtkColumnViewColumn *probed_column;

static int
probe_compare (gconstpointer a,
               gconstpointer b,
               gpointer      column)
{
  if (probed_column == NULL)
    probed_column = column;

  return GTK_ORDERING_SMALLER;
}

/* Gives every column a sorter, so its header can be clicked. */
void
dlv_compat_column_view_make_sortable (GtkColumnView *view)
{
  GListModel *columns = gtk_column_view_get_columns (view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      g_autoptr(GtkSorter) sorter = GTK_SORTER (gtk_custom_sorter_new (probe_compare, column, NULL));

      gtk_column_view_column_set_sorter (column, sorter);
    }
}

/**
 * dlv_compat_column_view_get_sort:
 * @column: (out) (transfer none): the column sorted by
 * @order: (out): its direction
 *
 * Returns: %FALSE when no column is sorted
 */
gboolean
dlv_compat_column_view_get_sort (GtkColumnView        *view,
                                 GtkColumnViewColumn **column,
                                 GtkSortType          *order)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (view);

#if GTK_CHECK_VERSION (4, 10, 0)
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  *column = gtk_column_view_sorter_get_primary_sort_column (GTK_COLUMN_VIEW_SORTER (sorter));
  *order = gtk_column_view_sorter_get_primary_sort_order (GTK_COLUMN_VIEW_SORTER (sorter));
  G_GNUC_END_IGNORE_DEPRECATIONS

  return *column != NULL;
#else
  g_autoptr(GObject) a = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) b = g_object_new (G_TYPE_OBJECT, NULL);
  GtkOrdering ordering;

  probed_column = NULL;
  ordering = gtk_sorter_compare (sorter, a, b);
  *column = probed_column;
  *order = ordering == GTK_ORDERING_LARGER ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING;
  probed_column = NULL;

  return *column != NULL;
#endif
}

/**
 * dlv_compat_toast_new_plain:
 * @text: text that may hold anything, such as a provider's error or an
 *   account's name ("R&D")
 *
 * A toast showing @text literally. Before libadwaita 1.4 a toast's title
 * is always markup, so the text is escaped; since then markup is turned off.
 *
 * Returns: (transfer floating): the toast
 */
AdwToast *
dlv_compat_toast_new_plain (const char *text)
{
#if ADW_CHECK_VERSION (1, 4, 0)
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_use_markup (toast, FALSE);
  return toast;
#else
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  return adw_toast_new (escaped);
#endif
}
