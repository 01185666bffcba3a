/* dlv-chart.h: the 72-hour conversion curve of deferred mail, drawn
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "dlv-conversion.h"

G_BEGIN_DECLS

/* Size of an exported PNG, whatever the size of the widget on screen. */
#define DLV_CHART_EXPORT_WIDTH  1200
#define DLV_CHART_EXPORT_HEIGHT 675

#define DLV_TYPE_CHART (dlv_chart_get_type ())
G_DECLARE_FINAL_TYPE (DlvChart, dlv_chart, DLV, CHART, GtkWidget)

GtkWidget           *dlv_chart_new                (void);

const DlvConversion *dlv_chart_get_conversion     (DlvChart            *self);
void                 dlv_chart_set_conversion     (DlvChart            *self,
                                                   const DlvConversion *conversion);

int                  dlv_chart_get_selected_hour  (DlvChart            *self);
void                 dlv_chart_set_selected_hour  (DlvChart            *self,
                                                   int                  hour);

char                *dlv_chart_dup_description    (DlvChart            *self);
char                *dlv_chart_dup_tooltip_text   (DlvChart            *self,
                                                   guint                hour);

gboolean             dlv_chart_export_png         (DlvChart            *self,
                                                   GFile               *file,
                                                   GError             **error);
gboolean             dlv_chart_export_csv         (DlvChart            *self,
                                                   GFile               *file,
                                                   GError             **error);

G_END_DECLS
