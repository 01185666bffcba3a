/* dlv-conversion.c: the 72-hour conversion curve of deferred mail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cohort is every message deferred at least once. Each has one of four
 * outcomes, timed from its first deferral: delivered, bounced (soft, hard or
 * blocked), expired, or still pending. A message deferred five hours ago and
 * still pending says nothing about hour 30: counting it as "pending at hour
 * 30" would bias the curve towards failure, and leaving it out would bias it
 * towards the old, settled messages. So pending messages are right-censored
 * at the last whole hour they were observed, and the curve is the
 * Aalen-Johansen estimate of the cumulative incidence of each outcome (the
 * Kaplan-Meier estimate generalised to competing outcomes), on an hourly grid:
 *
 *   at_risk(h)  = messages neither resolved before hour h nor censored before h
 *   S(h)        = S(h-1) * (1 - resolved_in(h) / at_risk(h))       "pending"
 *   F_k(h)      = F_k(h-1) + S(h-1) * resolved_k_in(h) / at_risk(h)
 *
 * Bin h holds outcomes in (h-1, h] hours; bin 0 those at the deferral itself.
 * With no censoring this is exactly the plain share of the cohort; the four
 * shares always sum to 1 and the three outcome curves never decrease.
 */

#define G_LOG_DOMAIN "dlv-conversion"

#include "config.h"

#include "dlv-conversion.h"

G_DEFINE_BOXED_TYPE (DlvConversion, dlv_conversion, dlv_conversion_copy, dlv_conversion_free)

enum {
  OUTCOME_DELIVERED,
  OUTCOME_BOUNCED,
  OUTCOME_EXPIRED,
  N_OUTCOMES,
  OUTCOME_PENDING = N_OUTCOMES,
};

#define N_BINS (DLV_CONVERSION_HOURS + 1)

typedef struct
{
  guint resolved[N_BINS][N_OUTCOMES];
  guint censored[N_BINS];       /* last observed during bin h: at risk up to h */
  guint beyond;                 /* resolved after the chart's last hour */
} Tally;

static int
outcome_of (const DlvCohortEntry *entry,
            gint64                now,
            gint64               *at)
{
  switch (entry->status)
    {
    case DLV_MESSAGE_STATUS_DELIVERED:
      *at = entry->status_at;
      return OUTCOME_DELIVERED;

    case DLV_MESSAGE_STATUS_SOFT_BOUNCE:
    case DLV_MESSAGE_STATUS_HARD_BOUNCE:
    case DLV_MESSAGE_STATUS_BLOCKED:
      *at = entry->status_at;
      return OUTCOME_BOUNCED;

    case DLV_MESSAGE_STATUS_EXPIRED:
      *at = entry->status_at;
      return OUTCOME_EXPIRED;

    case DLV_MESSAGE_STATUS_ACCEPTED:
    case DLV_MESSAGE_STATUS_DEFERRED:
    default:
      if (entry->expires_at != 0 && entry->expires_at <= now)
        {
          *at = entry->expires_at;
          return OUTCOME_EXPIRED;
        }
      *at = now;
      return OUTCOME_PENDING;
    }
}

/* Bin of an outcome t seconds after the first deferral: ceil (t / 1 h). */
static guint
bin_of (gint64 seconds)
{
  if (seconds <= 0)
    return 0;

  return (guint) MIN ((seconds + 3599) / 3600, (gint64) N_BINS);
}

static void
tally_entries (Tally                *tally,
               const DlvCohortEntry *entries,
               guint                 n_entries,
               gint64                now,
               guint                *censored)
{
  *censored = 0;

  for (guint i = 0; i < n_entries; i++)
    {
      gint64 at = 0;
      int outcome = outcome_of (&entries[i], now, &at);
      gint64 elapsed = at - entries[i].first_deferred_at;

      if (outcome == OUTCOME_PENDING)
        {
          /* Observed through the last whole hour only. */
          gint64 whole_hours = MAX (elapsed, 0) / 3600;

          if (whole_hours < DLV_CONVERSION_HOURS)
            {
              tally->censored[whole_hours]++;
              (*censored)++;
            }
          continue;
        }

      if (bin_of (elapsed) >= N_BINS)
        tally->beyond++;
      else
        tally->resolved[bin_of (elapsed)][outcome]++;
    }
}

/**
 * dlv_conversion_compute:
 * @entries: (array length=n_entries): the deferred cohort
 * @n_entries: its size
 * @now: the time the pending messages were last observed
 *
 * Returns: (transfer full): the shares at each hour 0–72
 */
DlvConversion *
dlv_conversion_compute (const DlvCohortEntry *entries,
                        guint                 n_entries,
                        gint64                now)
{
  g_autofree Tally *tally = g_new0 (Tally, 1);
  DlvConversion *conversion = g_new0 (DlvConversion, 1);
  double share[N_OUTCOMES] = { 0 };
  double pending = 1.0;
  guint at_risk = n_entries;

  g_return_val_if_fail (entries != NULL || n_entries == 0, conversion);

  conversion->cohort = n_entries;
  tally_entries (tally, entries, n_entries, now, &conversion->censored);

  for (guint h = 0; h < N_BINS; h++)
    {
      guint resolved_here = 0;
      double pending_before = pending;

      for (guint k = 0; k < N_OUTCOMES; k++)
        resolved_here += tally->resolved[h][k];

      if (at_risk > 0)
        {
          for (guint k = 0; k < N_OUTCOMES; k++)
            share[k] += pending_before * tally->resolved[h][k] / at_risk;
          pending = pending_before * (1.0 - (double) resolved_here / at_risk);
        }

      conversion->points[h] = (DlvConversionPoint) {
        .hour = h,
        .delivered = share[OUTCOME_DELIVERED],
        .bounced = share[OUTCOME_BOUNCED],
        .expired = share[OUTCOME_EXPIRED],
        .pending = n_entries > 0 ? pending : 0.0,
        .at_risk = at_risk,
      };

      /* Those censored during hour h were observed through h, not after. */
      at_risk -= resolved_here + tally->censored[h];
    }

  return conversion;
}

DlvConversion *
dlv_conversion_copy (const DlvConversion *conversion)
{
  g_return_val_if_fail (conversion != NULL, NULL);

  return g_memdup2 (conversion, sizeof *conversion);
}

void
dlv_conversion_free (DlvConversion *conversion)
{
  g_free (conversion);
}
