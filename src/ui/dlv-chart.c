/* dlv-chart.c: the 72-hour conversion curve of deferred mail, drawn
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Four lines share one plot: of the messages that were deferred, the share
 * delivered, bounced, expired and still pending, hour 0 to 72 after the
 * first deferral. The series differ by dash pattern as well as by colour, so
 * the chart still reads in grey or for colour-blind people. Colours come
 * from fixed tables chosen by the style manager (dark × high contrast),
 * because the lines need hues that no CSS colour of the theme provides.
 *
 * The same drawing code paints the widget and the exported PNG; the export
 * always uses the light palette on white, the usual ground of a document.
 */

#define G_LOG_DOMAIN "dlv-chart"

#include "config.h"

#include <math.h>
#include <adwaita.h>
#include <glib/gi18n.h>

#include "dlv-chart.h"

typedef enum
{
  SERIES_DELIVERED,
  SERIES_BOUNCED,
  SERIES_EXPIRED,
  SERIES_PENDING,
  N_SERIES
} Series;

typedef struct
{
  GdkRGBA background;
  GdkRGBA text;
  GdkRGBA dim_text;
  GdkRGBA axis;
  GdkRGBA grid;
  GdkRGBA crosshair;
  GdkRGBA focus;
  GdkRGBA series[N_SERIES];
  double line_width;
} Palette;

struct _DlvChart
{
  GtkWidget parent_instance;

  DlvConversion *conversion;
  int selected_hour;            /* keyboard or click selection, -1 for none */
  int hover_hour;               /* under the pointer, -1 when outside the plot */
  graphene_rect_t plot;         /* plot area of the last frame, for pointer hit tests */
};

enum {
  PROP_0,
  PROP_CONVERSION,
  PROP_SELECTED_HOUR,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (DlvChart, dlv_chart, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

#define RGB(hex) \
  { ((hex) >> 16 & 0xff) / 255.f, ((hex) >> 8 & 0xff) / 255.f, ((hex) & 0xff) / 255.f, 1.f }
#define GREY(v, a) { (v), (v), (v), (a) }

/* Based on the Okabe-Ito set, which stays apart under the common forms of
 * colour blindness; each variant keeps at least 3:1 against its ground. */
static const Palette palettes[2][2] = {
  { /* light */
    {
      .background = RGB (0xffffff),
      .text = GREY (0.f, 0.8f),
      .dim_text = GREY (0.f, 0.6f),
      .axis = GREY (0.f, 0.45f),
      .grid = GREY (0.f, 0.09f),
      .crosshair = GREY (0.f, 0.5f),
      .focus = { 0.208f, 0.518f, 0.894f, 0.6f },
      .series = { RGB (0x008f68), RGB (0xc85400), RGB (0xa8489b), RGB (0x0072b2) },
      .line_width = 2.25,
    },
    { /* light, high contrast */
      .background = RGB (0xffffff),
      .text = GREY (0.f, 1.f),
      .dim_text = GREY (0.f, 0.85f),
      .axis = GREY (0.f, 0.8f),
      .grid = GREY (0.f, 0.25f),
      .crosshair = GREY (0.f, 0.85f),
      .focus = { 0.11f, 0.443f, 0.847f, 1.f },
      .series = { RGB (0x005c43), RGB (0x9a3c00), RGB (0x7a2a70), RGB (0x004f7c) },
      .line_width = 3.0,
    },
  },
  { /* dark */
    {
      .background = RGB (0x303030),
      .text = GREY (1.f, 0.9f),
      .dim_text = GREY (1.f, 0.65f),
      .axis = GREY (1.f, 0.45f),
      .grid = GREY (1.f, 0.1f),
      .crosshair = GREY (1.f, 0.55f),
      .focus = { 0.471f, 0.682f, 0.929f, 0.6f },
      .series = { RGB (0x3fd6a5), RGB (0xff8a4c), RGB (0xe69bd0), RGB (0x5cb8f2) },
      .line_width = 2.25,
    },
    { /* dark, high contrast */
      .background = RGB (0x242424),
      .text = GREY (1.f, 1.f),
      .dim_text = GREY (1.f, 0.9f),
      .axis = GREY (1.f, 0.8f),
      .grid = GREY (1.f, 0.3f),
      .crosshair = GREY (1.f, 0.9f),
      .focus = { 0.471f, 0.682f, 0.929f, 1.f },
      .series = { RGB (0x6ff5c8), RGB (0xffab7a), RGB (0xffbdeb), RGB (0x94d3ff) },
      .line_width = 3.0,
    },
  },
};

#undef RGB
#undef GREY

/* Solid, dashed, dotted, dash-dot: each series is told apart without colour. */
static const double dash_delivered[] = { 0 };
static const double dash_bounced[] = { 8, 4 };
static const double dash_expired[] = { 0.1, 4.5 };
static const double dash_pending[] = { 10, 3.5, 0.1, 3.5 };

static const struct {
  const char *title;
  const double *dashes;
  guint n_dashes;
} series_info[N_SERIES] = {
  [SERIES_DELIVERED] = { N_("Delivered"), dash_delivered, 0 },
  [SERIES_BOUNCED] = { N_("Bounced"), dash_bounced, G_N_ELEMENTS (dash_bounced) },
  [SERIES_EXPIRED] = { N_("Expired"), dash_expired, G_N_ELEMENTS (dash_expired) },
  [SERIES_PENDING] = { N_("Pending"), dash_pending, G_N_ELEMENTS (dash_pending) },
};

/* Lines drawn first end up below: delivered, the headline, stays on top. */
static const Series paint_order[N_SERIES] = {
  SERIES_PENDING, SERIES_EXPIRED, SERIES_BOUNCED, SERIES_DELIVERED,
};

static const guint hour_ticks[] = { 0, 6, 12, 24, 48, 72 };

#define PADDING 12.f
#define LEGEND_SAMPLE 28.f
#define LEGEND_GAP 18.f
#define HIT_SLOP 12.f

static double
point_value (const DlvConversionPoint *point,
             Series                    series)
{
  switch (series)
    {
    case SERIES_DELIVERED:
      return point->delivered;
    case SERIES_BOUNCED:
      return point->bounced;
    case SERIES_EXPIRED:
      return point->expired;
    case SERIES_PENDING:
      return point->pending;
    case N_SERIES:
    default:
      g_assert_not_reached ();
    }
}

static char *
format_share (double share)
{
  /* Translators: a percentage with one decimal, e.g. "85.7 %" */
  return g_strdup_printf (_("%.1f %%"), share * 100.0);
}

/* Field by field: the points have padding that memcmp would compare too. */
static gboolean
conversion_equal (const DlvConversion *a,
                  const DlvConversion *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (a->cohort != b->cohort || a->censored != b->censored)
    return FALSE;

  for (guint h = 0; h <= DLV_CONVERSION_HOURS; h++)
    {
      const DlvConversionPoint *p = &a->points[h];
      const DlvConversionPoint *q = &b->points[h];

      if (p->delivered != q->delivered || p->bounced != q->bounced ||
          p->expired != q->expired || p->pending != q->pending || p->at_risk != q->at_risk)
        return FALSE;
    }

  return TRUE;
}

static const Palette *
current_palette (void)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();

  return &palettes[adw_style_manager_get_dark (style_manager) ? 1 : 0]
                  [adw_style_manager_get_high_contrast (style_manager) ? 1 : 0];
}

static gboolean
has_data (DlvChart *self)
{
  return self->conversion != NULL && self->conversion->cohort > 0;
}

static float
x_for_hour (const graphene_rect_t *plot,
            double                 hour)
{
  return plot->origin.x + hour / DLV_CONVERSION_HOURS * plot->size.width;
}

static float
y_for_share (const graphene_rect_t *plot,
             double                 share)
{
  return plot->origin.y + (1.0 - CLAMP (share, 0.0, 1.0)) * plot->size.height;
}

/* The hour whose column the pointer is over, or -1 outside the plot. */
static int
hour_at (DlvChart *self,
         double    x,
         double    y)
{
  const graphene_rect_t *plot = &self->plot;
  double hour;

  if (!has_data (self) || plot->size.width <= 0 || plot->size.height <= 0)
    return -1;
  if (x < plot->origin.x - HIT_SLOP || x > plot->origin.x + plot->size.width + HIT_SLOP ||
      y < plot->origin.y - HIT_SLOP || y > plot->origin.y + plot->size.height + HIT_SLOP)
    return -1;

  hour = round ((x - plot->origin.x) / plot->size.width * DLV_CONVERSION_HOURS);

  return (int) CLAMP (hour, 0, DLV_CONVERSION_HOURS);
}

static PangoLayout *
create_layout (DlvChart   *self,
               const char *text,
               gboolean    small)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);

  if (small)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
      pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }

  return layout;
}

static void
append_layout_at (GtkSnapshot   *snapshot,
                  PangoLayout   *layout,
                  float          x,
                  float          y,
                  const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
set_series_style (cairo_t       *cr,
                  const Palette *palette,
                  Series         series)
{
  gdk_cairo_set_source_rgba (cr, &palette->series[series]);
  cairo_set_line_width (cr, palette->line_width);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  /* Round caps turn the near-zero dashes of the dotted style into dots. */
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_dash (cr, series_info[series].dashes, series_info[series].n_dashes, 0);
}

/* The legend wraps onto more rows in a narrow chart; returns its bottom. */
static float
draw_legend (DlvChart      *self,
             GtkSnapshot   *snapshot,
             float          pad,
             float          top,
             float          width,
             const Palette *palette)
{
  PangoLayout *layouts[N_SERIES];
  float item_x[N_SERIES];
  float item_y[N_SERIES];
  float x = pad;
  float y = top;
  float row_height = 0;
  cairo_t *cr;

  for (guint i = 0; i < N_SERIES; i++)
    {
      int text_width, text_height;
      float item_width;

      layouts[i] = create_layout (self, _(series_info[i].title), FALSE);
      pango_layout_get_pixel_size (layouts[i], &text_width, &text_height);
      item_width = LEGEND_SAMPLE + 6 + text_width;
      row_height = MAX (row_height, text_height);

      if (x > pad && x + item_width > width - pad)
        {
          x = pad;
          y += row_height + 4;
        }
      item_x[i] = x;
      item_y[i] = y;
      x += item_width + LEGEND_GAP;
    }

  cr = gtk_snapshot_append_cairo (snapshot,
                                  &GRAPHENE_RECT_INIT (0, top, width, y + row_height - top));
  for (guint i = 0; i < N_SERIES; i++)
    {
      float mid = floorf (item_y[i] + row_height / 2) + 0.5f;

      set_series_style (cr, palette, i);
      cairo_move_to (cr, item_x[i] + 2, mid);
      cairo_line_to (cr, item_x[i] + LEGEND_SAMPLE - 2, mid);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);

  for (guint i = 0; i < N_SERIES; i++)
    {
      append_layout_at (snapshot, layouts[i], item_x[i] + LEGEND_SAMPLE + 6, item_y[i],
                        &palette->text);
      g_object_unref (layouts[i]);
    }

  return y + row_height;
}

static void
draw_series (DlvChart              *self,
             GtkSnapshot           *snapshot,
             const graphene_rect_t *plot,
             const Palette         *palette,
             int                    crosshair_hour)
{
  graphene_rect_t bounds;
  cairo_t *cr;

  graphene_rect_inset_r (plot, -8, -8, &bounds);
  cr = gtk_snapshot_append_cairo (snapshot, &bounds);

  for (guint i = 0; i < N_SERIES; i++)
    {
      Series series = paint_order[i];

      set_series_style (cr, palette, series);
      for (guint h = 0; h <= DLV_CONVERSION_HOURS; h++)
        cairo_line_to (cr, x_for_hour (plot, h),
                       y_for_share (plot, point_value (&self->conversion->points[h], series)));
      cairo_stroke (cr);
    }

  if (crosshair_hour >= 0)
    {
      const DlvConversionPoint *point = &self->conversion->points[crosshair_hour];
      double x = x_for_hour (plot, crosshair_hour);

      cairo_set_dash (cr, NULL, 0, 0);
      for (guint i = 0; i < N_SERIES; i++)
        {
          Series series = paint_order[i];

          cairo_arc (cr, x, y_for_share (plot, point_value (point, series)), 4.5, 0, 2 * G_PI);
          gdk_cairo_set_source_rgba (cr, &palette->series[series]);
          cairo_fill_preserve (cr);
          gdk_cairo_set_source_rgba (cr, &palette->background);
          cairo_set_line_width (cr, 1.5);
          cairo_stroke (cr);
        }
    }

  cairo_destroy (cr);
}

/* "24 h" in a small pill at the top of the crosshair, so a keyboard user
 * sees which hour is selected without a pointer tooltip. */
static void
draw_hour_badge (DlvChart              *self,
                 GtkSnapshot           *snapshot,
                 const graphene_rect_t *plot,
                 const Palette         *palette,
                 int                    hour)
{
  /* Translators: a number of hours, e.g. "24 h" */
  g_autofree char *text = g_strdup_printf (_("%d h"), hour);
  g_autoptr(PangoLayout) layout = create_layout (self, text, TRUE);
  GskRoundedRect pill;
  int w, h;
  float x, y;

  pango_layout_get_pixel_size (layout, &w, &h);
  x = x_for_hour (plot, hour) - (w + 12) / 2.f;
  x = CLAMP (x, plot->origin.x, plot->origin.x + plot->size.width - (w + 12));
  y = plot->origin.y + 4;

  gsk_rounded_rect_init_from_rect (&pill, &GRAPHENE_RECT_INIT (x, y, w + 12, h + 4), (h + 4) / 2.f);
  gtk_snapshot_push_rounded_clip (snapshot, &pill);
  gtk_snapshot_append_color (snapshot, &palette->text, &pill.bounds);
  gtk_snapshot_pop (snapshot);
  append_layout_at (snapshot, layout, x + 6, y + 2, &palette->background);
}

static char *build_summary (const DlvConversion *conversion);

/* An exported image travels alone, so it carries its title and the curve
 * in words; returns the bottom of the heading. */
static float
draw_heading (DlvChart      *self,
              GtkSnapshot   *snapshot,
              float          pad,
              float          width,
              const Palette *palette)
{
  g_autoptr(PangoLayout) title = NULL;
  g_autofree char *summary_text = build_summary (self->conversion);
  g_autoptr(PangoLayout) summary = create_layout (self, summary_text, FALSE);
  PangoAttrList *attrs = pango_attr_list_new ();
  float y = pad;
  int h;

  title = create_layout (self, _("Conversion of deferred mail over 72 hours"), FALSE);
  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_X_LARGE));
  pango_layout_set_attributes (title, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_width (title, (width - 2 * pad) * PANGO_SCALE);
  pango_layout_set_ellipsize (title, PANGO_ELLIPSIZE_END);
  append_layout_at (snapshot, title, pad, y, &palette->text);
  pango_layout_get_pixel_size (title, NULL, &h);
  y += h + 4;

  pango_layout_set_width (summary, (width - 2 * pad) * PANGO_SCALE);
  pango_layout_set_wrap (summary, PANGO_WRAP_WORD_CHAR);
  append_layout_at (snapshot, summary, pad, y, &palette->dim_text);
  pango_layout_get_pixel_size (summary, NULL, &h);

  return y + h + 20;
}

/* Everything but the background: shared by the widget and the PNG export.
 * Returns the plot area, for pointer hit tests. */
static graphene_rect_t
draw_chart (DlvChart      *self,
            GtkSnapshot   *snapshot,
            float          width,
            float          height,
            const Palette *palette,
            int            crosshair_hour,
            gboolean       for_export)
{
  float pad = for_export ? 28 : PADDING;
  g_autoptr(PangoLayout) x_title = create_layout (self, _("Hours since first deferral"), TRUE);
  g_autoptr(PangoLayout) y_title = create_layout (self, _("Share of deferred messages"), TRUE);
  PangoLayout *y_labels[5];
  PangoLayout *x_labels[G_N_ELEMENTS (hour_ticks)];
  int y_label_width = 0, y_label_height = 0, x_label_height = 0;
  int x_title_width, x_title_height, y_title_width, y_title_height;
  int last_x_label_width;
  float legend_bottom, left, right, top, bottom, last_label_end;
  graphene_rect_t plot;

  for (guint i = 0; i < G_N_ELEMENTS (y_labels); i++)
    {
      /* Translators: a whole percentage on the chart's axis, e.g. "25 %" */
      g_autofree char *text = g_strdup_printf (_("%d %%"), i * 25);
      int w, h;

      y_labels[i] = create_layout (self, text, TRUE);
      pango_layout_get_pixel_size (y_labels[i], &w, &h);
      y_label_width = MAX (y_label_width, w);
      y_label_height = MAX (y_label_height, h);
    }
  for (guint i = 0; i < G_N_ELEMENTS (hour_ticks); i++)
    {
      /* Translators: a number of hours, e.g. "24 h" */
      g_autofree char *text = g_strdup_printf (_("%d h"), (int) hour_ticks[i]);
      int h;

      x_labels[i] = create_layout (self, text, TRUE);
      pango_layout_get_pixel_size (x_labels[i], NULL, &h);
      x_label_height = MAX (x_label_height, h);
    }
  pango_layout_get_pixel_size (x_labels[G_N_ELEMENTS (hour_ticks) - 1], &last_x_label_width, NULL);
  pango_layout_get_pixel_size (x_title, &x_title_width, &x_title_height);
  pango_layout_get_pixel_size (y_title, &y_title_width, &y_title_height);

  top = pad;
  if (for_export)
    top = draw_heading (self, snapshot, pad, width, palette);
  legend_bottom = draw_legend (self, snapshot, pad, top, width, palette);

  left = pad + y_title_height + 8 + y_label_width + 8;
  right = width - pad - MAX (last_x_label_width / 2.f, 4);
  top = legend_bottom + 12 + y_label_height / 2.f;
  bottom = height - pad - x_title_height - 6 - x_label_height - 8;
  plot = GRAPHENE_RECT_INIT (floorf (left), floorf (top),
                             MAX (floorf (right - left), 0), MAX (floorf (bottom - top), 0));

  /* Too small to say anything: draw the legend only. */
  if (plot.size.width < 40 || plot.size.height < 40)
    goto out;

  /* Share gridlines and their labels. */
  for (guint i = 0; i < G_N_ELEMENTS (y_labels); i++)
    {
      float y = floorf (y_for_share (&plot, i * 0.25));
      int w, h;

      gtk_snapshot_append_color (snapshot, i == 0 ? &palette->axis : &palette->grid,
                                 &GRAPHENE_RECT_INIT (plot.origin.x, y, plot.size.width, 1));
      pango_layout_get_pixel_size (y_labels[i], &w, &h);
      append_layout_at (snapshot, y_labels[i], plot.origin.x - 8 - w, y - h / 2.f,
                        &palette->dim_text);
    }

  /* Hour gridlines, ticks and labels; a label that would touch the one
   * before it is left out (a narrow chart crowds 0, 6 and 12). */
  last_label_end = -G_MAXFLOAT;
  for (guint i = 0; i < G_N_ELEMENTS (hour_ticks); i++)
    {
      float x = floorf (x_for_hour (&plot, hour_ticks[i]));
      float label_x;
      int w;

      gtk_snapshot_append_color (snapshot, i == 0 ? &palette->axis : &palette->grid,
                                 &GRAPHENE_RECT_INIT (x, plot.origin.y, 1, plot.size.height));
      gtk_snapshot_append_color (snapshot, &palette->axis,
                                 &GRAPHENE_RECT_INIT (x, plot.origin.y + plot.size.height, 1, 5));

      pango_layout_get_pixel_size (x_labels[i], &w, NULL);
      label_x = MIN (x - w / 2.f, width - pad - w);
      if (label_x < last_label_end + 6)
        continue;
      append_layout_at (snapshot, x_labels[i], label_x, plot.origin.y + plot.size.height + 8,
                        &palette->dim_text);
      last_label_end = label_x + w;
    }

  /* Axis titles; the vertical one is turned a quarter and cut to the plot. */
  append_layout_at (snapshot, x_title,
                    plot.origin.x + (plot.size.width - MIN (x_title_width, plot.size.width)) / 2,
                    height - pad - x_title_height, &palette->dim_text);
  pango_layout_set_width (y_title, plot.size.height * PANGO_SCALE);
  pango_layout_set_ellipsize (y_title, PANGO_ELLIPSIZE_END);
  pango_layout_get_pixel_size (y_title, &y_title_width, NULL);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (pad, plot.origin.y +
                                                     (plot.size.height + y_title_width) / 2));
  gtk_snapshot_rotate (snapshot, -90);
  gtk_snapshot_append_layout (snapshot, y_title, &palette->dim_text);
  gtk_snapshot_restore (snapshot);

  if (!has_data (self))
    {
      g_autoptr(PangoLayout) empty = create_layout (self, _("No deferred mail"), FALSE);
      int w, h;

      pango_layout_get_pixel_size (empty, &w, &h);
      append_layout_at (snapshot, empty, plot.origin.x + (plot.size.width - w) / 2,
                        plot.origin.y + (plot.size.height - h) / 2, &palette->dim_text);
      goto out;
    }

  if (crosshair_hour >= 0)
    gtk_snapshot_append_color (snapshot, &palette->crosshair,
                               &GRAPHENE_RECT_INIT (floorf (x_for_hour (&plot, crosshair_hour)),
                                                    plot.origin.y, 1, plot.size.height));
  draw_series (self, snapshot, &plot, palette, crosshair_hour);
  if (crosshair_hour >= 0)
    draw_hour_badge (self, snapshot, &plot, palette, crosshair_hour);

out:
  for (guint i = 0; i < G_N_ELEMENTS (y_labels); i++)
    g_object_unref (y_labels[i]);
  for (guint i = 0; i < G_N_ELEMENTS (x_labels); i++)
    g_object_unref (x_labels[i]);

  return plot;
}

static char *
build_summary (const DlvConversion *conversion)
{
  g_autofree char *delivered_24 = NULL;
  g_autofree char *delivered_72 = NULL;
  g_autofree char *bounced = NULL;
  g_autofree char *expired = NULL;
  const DlvConversionPoint *last;
  GString *text;

  if (conversion == NULL || conversion->cohort == 0)
    return g_strdup (_("No message was deferred, so there is no conversion to show."));

  last = &conversion->points[DLV_CONVERSION_HOURS];
  delivered_24 = format_share (conversion->points[24].delivered);
  delivered_72 = format_share (last->delivered);
  bounced = format_share (last->bounced);
  expired = format_share (last->expired);

  text = g_string_new (NULL);
  g_string_append_printf (text,
                          g_dngettext (GETTEXT_PACKAGE,
                                       "Of %u deferred message, %s was delivered within 24 hours "
                                       "and %s within 72 hours; %s bounced, %s expired.",
                                       "Of %u deferred messages, %s were delivered within 24 hours "
                                       "and %s within 72 hours; %s bounced, %s expired.",
                                       conversion->cohort),
                          conversion->cohort, delivered_24, delivered_72, bounced, expired);

  if (conversion->censored > 0)
    {
      g_string_append_c (text, ' ');
      g_string_append_printf (text,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "%u message is still being retried and counts only "
                                           "for the hours observed so far.",
                                           "%u messages are still being retried and count only "
                                           "for the hours observed so far.",
                                           conversion->censored),
                              conversion->censored);
    }

  return g_string_free (text, FALSE);
}

/* The accessible description says the whole curve in words, then the
 * selected hour, so a screen reader announces each step. */
static void
update_description (DlvChart *self)
{
  g_autofree char *description = dlv_chart_dup_description (self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

static void
set_hover_hour (DlvChart *self,
                int       hour)
{
  if (self->hover_hour == hour)
    return;

  self->hover_hour = hour;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
motion_cb (DlvChart                 *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *controller)
{
  set_hover_hour (self, hour_at (self, x, y));
}

static void
leave_cb (DlvChart                 *self,
          GtkEventControllerMotion *controller)
{
  set_hover_hour (self, -1);
}

static void
pressed_cb (DlvChart        *self,
            int              n_press,
            double           x,
            double           y,
            GtkGestureClick *gesture)
{
  int hour = hour_at (self, x, y);

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (hour >= 0)
    dlv_chart_set_selected_hour (self, hour);
}

static void
step_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DlvChart *self = DLV_CHART (widget);
  int delta = g_variant_get_int32 (parameter);

  if (!has_data (self))
    return;

  /* The first step enters the curve from the side it points away from. */
  if (self->selected_hour < 0)
    dlv_chart_set_selected_hour (self, delta > 0 ? 0 : DLV_CONVERSION_HOURS);
  else
    dlv_chart_set_selected_hour (self, CLAMP (self->selected_hour + delta,
                                              0, DLV_CONVERSION_HOURS));
}

static void
first_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  if (has_data (DLV_CHART (widget)))
    dlv_chart_set_selected_hour (DLV_CHART (widget), 0);
}

static void
last_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  if (has_data (DLV_CHART (widget)))
    dlv_chart_set_selected_hour (DLV_CHART (widget), DLV_CONVERSION_HOURS);
}

static gboolean
dlv_chart_query_tooltip (GtkWidget  *widget,
                         int         x,
                         int         y,
                         gboolean    keyboard_mode,
                         GtkTooltip *tooltip)
{
  DlvChart *self = DLV_CHART (widget);
  g_autofree char *text = NULL;
  int hour = keyboard_mode ? self->selected_hour : hour_at (self, x, y);
  float hour_x, column;

  if (hour < 0 || !has_data (self))
    return FALSE;

  text = dlv_chart_dup_tooltip_text (self, hour);
  gtk_tooltip_set_text (tooltip, text);

  /* Leaving this hour's column asks again, so the tooltip follows the pointer. */
  hour_x = x_for_hour (&self->plot, hour);
  column = self->plot.size.width / DLV_CONVERSION_HOURS;
  gtk_tooltip_set_tip_area (tooltip,
                            &(GdkRectangle) {
                              (int) floorf (hour_x - column / 2),
                              (int) self->plot.origin.y,
                              (int) ceilf (column) + 1,
                              (int) self->plot.size.height,
                            });

  return TRUE;
}

static void
dlv_chart_snapshot (GtkWidget   *widget,
                    GtkSnapshot *snapshot)
{
  DlvChart *self = DLV_CHART (widget);
  const Palette *palette = current_palette ();
  float width = gtk_widget_get_width (widget);
  float height = gtk_widget_get_height (widget);
  int crosshair = self->hover_hour >= 0 ? self->hover_hour : self->selected_hour;

  if (!has_data (self))
    crosshair = -1;

  self->plot = draw_chart (self, snapshot, width, height, palette, crosshair, FALSE);

  /* A custom widget draws its own focus ring: no theme rule knows "dlv-chart". */
  if (gtk_widget_has_visible_focus (widget))
    {
      GskRoundedRect ring;
      const float widths[4] = { 2, 2, 2, 2 };
      const GdkRGBA colors[4] = { palette->focus, palette->focus, palette->focus, palette->focus };

      gsk_rounded_rect_init_from_rect (&ring, &GRAPHENE_RECT_INIT (1, 1, width - 2, height - 2),
                                       10);
      gtk_snapshot_append_border (snapshot, &ring, widths, colors);
    }
}

static void
dlv_chart_measure (GtkWidget      *widget,
                   GtkOrientation  orientation,
                   int             for_size,
                   int            *minimum,
                   int            *natural,
                   int            *minimum_baseline,
                   int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 240;
      *natural = 640;
    }
  else
    {
      *minimum = 200;
      *natural = 360;
    }
}

static void
dlv_chart_state_flags_changed (GtkWidget     *widget,
                               GtkStateFlags  previous_state)
{
  GtkStateFlags changed = previous_state ^ gtk_widget_get_state_flags (widget);

  if (changed & GTK_STATE_FLAG_FOCUS_VISIBLE)
    gtk_widget_queue_draw (widget);

  GTK_WIDGET_CLASS (dlv_chart_parent_class)->state_flags_changed (widget, previous_state);
}

static void
dlv_chart_finalize (GObject *object)
{
  DlvChart *self = (DlvChart *) object;

  g_clear_pointer (&self->conversion, dlv_conversion_free);

  G_OBJECT_CLASS (dlv_chart_parent_class)->finalize (object);
}

static void
dlv_chart_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  DlvChart *self = DLV_CHART (object);

  switch (prop_id)
    {
    case PROP_CONVERSION:
      g_value_set_boxed (value, self->conversion);
      break;

    case PROP_SELECTED_HOUR:
      g_value_set_int (value, self->selected_hour);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dlv_chart_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  DlvChart *self = DLV_CHART (object);

  switch (prop_id)
    {
    case PROP_CONVERSION:
      dlv_chart_set_conversion (self, g_value_get_boxed (value));
      break;

    case PROP_SELECTED_HOUR:
      dlv_chart_set_selected_hour (self, g_value_get_int (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dlv_chart_class_init (DlvChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = dlv_chart_finalize;
  object_class->get_property = dlv_chart_get_property;
  object_class->set_property = dlv_chart_set_property;

  widget_class->snapshot = dlv_chart_snapshot;
  widget_class->measure = dlv_chart_measure;
  widget_class->query_tooltip = dlv_chart_query_tooltip;
  widget_class->state_flags_changed = dlv_chart_state_flags_changed;

  properties[PROP_CONVERSION] =
    g_param_spec_boxed ("conversion", NULL, NULL,
                        DLV_TYPE_CONVERSION,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SELECTED_HOUR] =
    g_param_spec_int ("selected-hour", NULL, NULL,
                      -1, DLV_CONVERSION_HOURS, -1,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "chart.step", "i", step_action);
  gtk_widget_class_install_action (widget_class, "chart.first", NULL, first_action);
  gtk_widget_class_install_action (widget_class, "chart.last", NULL, last_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "chart.step", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Right, 0, "chart.step", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "chart.step", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Left, 0, "chart.step", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, 0, "chart.step", "i", 6);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, 0, "chart.step", "i", -6);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, 0, "chart.first", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Home, 0, "chart.first", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_End, 0, "chart.last", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_End, 0, "chart.last", NULL);

  gtk_widget_class_set_css_name (widget_class, "dlv-chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
dlv_chart_init (DlvChart *self)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  GtkEventController *motion;
  GtkGesture *click;

  self->selected_hour = -1;
  self->hover_hour = -1;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect_object (motion, "enter", G_CALLBACK (motion_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (motion, "motion", G_CALLBACK (motion_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (motion, "leave", G_CALLBACK (leave_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  click = gtk_gesture_click_new ();
  g_signal_connect_object (click, "pressed", G_CALLBACK (pressed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  g_signal_connect_object (style_manager, "notify::dark",
                           G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (style_manager, "notify::high-contrast",
                           G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Conversion of deferred mail over 72 hours"),
                                  -1);
  update_description (self);
}

GtkWidget *
dlv_chart_new (void)
{
  return g_object_new (DLV_TYPE_CHART, NULL);
}

/**
 * dlv_chart_get_conversion:
 *
 * Returns: (transfer none) (nullable): the curve shown
 */
const DlvConversion *
dlv_chart_get_conversion (DlvChart *self)
{
  g_return_val_if_fail (DLV_IS_CHART (self), NULL);

  return self->conversion;
}

/**
 * dlv_chart_set_conversion:
 * @conversion: (nullable): the curve to show; the chart keeps a copy
 */
void
dlv_chart_set_conversion (DlvChart            *self,
                          const DlvConversion *conversion)
{
  g_return_if_fail (DLV_IS_CHART (self));

  /* The window reloads after every poll, most often to the same curve. */
  if (conversion_equal (self->conversion, conversion))
    return;

  g_clear_pointer (&self->conversion, dlv_conversion_free);
  if (conversion != NULL)
    self->conversion = dlv_conversion_copy (conversion);

  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONVERSION]);
}

int
dlv_chart_get_selected_hour (DlvChart *self)
{
  g_return_val_if_fail (DLV_IS_CHART (self), -1);

  return self->selected_hour;
}

/**
 * dlv_chart_set_selected_hour:
 * @hour: 0–72, or -1 for none
 *
 * Puts the crosshair on @hour, as the keyboard does.
 */
void
dlv_chart_set_selected_hour (DlvChart *self,
                             int       hour)
{
  g_return_if_fail (DLV_IS_CHART (self));
  g_return_if_fail (hour >= -1 && hour <= DLV_CONVERSION_HOURS);

  if (self->selected_hour == hour)
    return;

  self->selected_hour = hour;
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_HOUR]);
}

/**
 * dlv_chart_dup_description:
 *
 * The chart's accessible description: the curve in words and, when an hour
 * is selected, that hour's values.
 *
 * Returns: (transfer full): a sentence or two
 */
char *
dlv_chart_dup_description (DlvChart *self)
{
  g_autofree char *summary = NULL;
  g_autofree char *hour = NULL;

  g_return_val_if_fail (DLV_IS_CHART (self), NULL);

  summary = build_summary (self->conversion);
  if (self->selected_hour < 0 || !has_data (self))
    return g_steal_pointer (&summary);

  hour = dlv_chart_dup_tooltip_text (self, self->selected_hour);

  return g_strconcat (summary, " ", hour, NULL);
}

/**
 * dlv_chart_dup_tooltip_text:
 * @hour: 0–72
 *
 * Returns: (transfer full) (nullable): the exact values at @hour, or %NULL
 *   without a curve
 */
char *
dlv_chart_dup_tooltip_text (DlvChart *self,
                            guint     hour)
{
  const DlvConversionPoint *point;
  g_autofree char *delivered = NULL;
  g_autofree char *bounced = NULL;
  g_autofree char *expired = NULL;
  g_autofree char *pending = NULL;
  g_autofree char *values = NULL;
  g_autofree char *observed = NULL;

  g_return_val_if_fail (DLV_IS_CHART (self), NULL);
  g_return_val_if_fail (hour <= DLV_CONVERSION_HOURS, NULL);

  if (self->conversion == NULL)
    return NULL;

  point = &self->conversion->points[hour];
  delivered = format_share (point->delivered);
  bounced = format_share (point->bounced);
  expired = format_share (point->expired);
  pending = format_share (point->pending);

  values = g_strdup_printf (_("Hour %u: delivered %s, bounced %s, expired %s, pending %s"),
                            hour, delivered, bounced, expired, pending);
  observed = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u message still observed",
                                           "%u messages still observed",
                                           point->at_risk),
                              point->at_risk);

  /* Translators: the values at one hour, then how many messages they rest on */
  return g_strdup_printf (_("%s — %s"), values, observed);
}

/**
 * dlv_chart_export_png:
 * @file: where to write
 *
 * Draws the chart at %DLV_CHART_EXPORT_WIDTH × %DLV_CHART_EXPORT_HEIGHT on
 * white, whatever its size on screen, and saves it as PNG.
 */
gboolean
dlv_chart_export_png (DlvChart  *self,
                      GFile     *file,
                      GError   **error)
{
  const Palette *palette = &palettes[0][0];
  const int width = DLV_CHART_EXPORT_WIDTH;
  const int height = DLV_CHART_EXPORT_HEIGHT;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) pixels = NULL;
  g_autoptr(GBytes) png = NULL;
  GtkSnapshot *snapshot;
  cairo_surface_t *surface;
  cairo_t *cr;

  g_return_val_if_fail (DLV_IS_CHART (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  snapshot = gtk_snapshot_new ();
  gtk_snapshot_append_color (snapshot, &palette->background,
                             &GRAPHENE_RECT_INIT (0, 0, width, height));
  draw_chart (self, snapshot, width, height, palette, -1, TRUE);
  node = gtk_snapshot_free_to_node (snapshot);

  /* Drawn by cairo in memory: works with any renderer, even unrealized. */
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  pixels = g_bytes_new (cairo_image_surface_get_data (surface),
                        (gsize) cairo_image_surface_get_stride (surface) * height);
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, pixels,
                                    cairo_image_surface_get_stride (surface));
  cairo_surface_destroy (surface);
  png = gdk_texture_save_to_png_bytes (texture);

  return g_file_replace_contents (file, g_bytes_get_data (png, NULL), g_bytes_get_size (png),
                                  NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL,
                                  error);
}

/**
 * dlv_chart_export_csv:
 * @file: where to write
 *
 * Writes one row per hour, shares as fractions with a '.' decimal point
 * whatever the locale, so spreadsheets and scripts read it alike.
 */
gboolean
dlv_chart_export_csv (DlvChart  *self,
                      GFile     *file,
                      GError   **error)
{
  g_autoptr(GString) csv = NULL;

  g_return_val_if_fail (DLV_IS_CHART (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->conversion == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("There is no conversion data to export"));
      return FALSE;
    }

  csv = g_string_new ("hour,delivered,bounced,expired,pending,at_risk\n");
  for (guint h = 0; h <= DLV_CONVERSION_HOURS; h++)
    {
      const DlvConversionPoint *point = &self->conversion->points[h];
      char buffers[N_SERIES][G_ASCII_DTOSTR_BUF_SIZE];

      for (guint s = 0; s < N_SERIES; s++)
        g_ascii_formatd (buffers[s], sizeof buffers[s], "%.6f", point_value (point, s));

      g_string_append_printf (csv, "%u,%s,%s,%s,%s,%u\n", point->hour, buffers[SERIES_DELIVERED],
                              buffers[SERIES_BOUNCED], buffers[SERIES_EXPIRED],
                              buffers[SERIES_PENDING], point->at_risk);
    }

  return g_file_replace_contents (file, csv->str, csv->len, NULL, FALSE,
                                  G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}
