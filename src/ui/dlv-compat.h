/* dlv-compat.h: the one place that knows about newer GTK and libadwaita
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void     dlv_compat_column_view_make_sortable (GtkColumnView        *view);
gboolean dlv_compat_column_view_get_sort      (GtkColumnView        *view,
                                               GtkColumnViewColumn **column,
                                               GtkSortType          *order);

AdwToast *dlv_compat_toast_new_plain          (const char           *text);

G_END_DECLS
