/* dlv-conversion.h: how deferred mail converts into delivered mail, hour by hour
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "dlv-types.h"

G_BEGIN_DECLS

#define DLV_CONVERSION_HOURS 72

/* One message that was deferred at least once, as the curve needs it. */
typedef struct
{
  gint64 first_deferred_at;
  gint64 status_at;             /* when its current status was reached */
  gint64 expires_at;            /* end of its provider's retry window */
  DlvMessageStatus status;      /* stored status (expiry is derived from expires_at) */
} DlvCohortEntry;

typedef struct
{
  guint hour;
  double delivered;             /* share of the cohort delivered within this many hours */
  double bounced;               /* soft or hard bounced, or blocked */
  double expired;
  double pending;               /* still being retried */
  guint at_risk;                /* messages still observed and undecided at this hour */
} DlvConversionPoint;

struct _DlvConversion
{
  guint cohort;
  guint censored;               /* pending messages observed for less than 72 h */
  DlvConversionPoint points[DLV_CONVERSION_HOURS + 1];
};

#define DLV_TYPE_CONVERSION (dlv_conversion_get_type ())
GType          dlv_conversion_get_type (void) G_GNUC_CONST;

DlvConversion *dlv_conversion_compute  (const DlvCohortEntry *entries,
                                        guint                 n_entries,
                                        gint64                now);
DlvConversion *dlv_conversion_copy     (const DlvConversion  *conversion);
void           dlv_conversion_free     (DlvConversion        *conversion);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DlvConversion, dlv_conversion_free)

G_END_DECLS
