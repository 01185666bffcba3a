/* test-conversion.c: the 72-hour conversion curve on hand-computed cohorts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "dlv-conversion.h"

#define T0 1768466120
#define HOUR 3600

static DlvCohortEntry
resolved (DlvMessageStatus status,
          gint64           first,
          gint64           after)
{
  return (DlvCohortEntry) {
    .first_deferred_at = first,
    .status_at = first + after,
    .expires_at = first + 72 * HOUR,
    .status = status,
  };
}

static DlvCohortEntry
pending (gint64 first)
{
  return (DlvCohortEntry) {
    .first_deferred_at = first,
    .status_at = first,
    .expires_at = first + 72 * HOUR,
    .status = DLV_MESSAGE_STATUS_DEFERRED,
  };
}

static void
assert_point (const DlvConversion *c,
              guint                hour,
              double               delivered,
              double               bounced,
              double               expired,
              double               pending_share)
{
  const DlvConversionPoint *p = &c->points[hour];

  g_assert_cmpuint (p->hour, ==, hour);
  g_assert_cmpfloat_with_epsilon (p->delivered, delivered, 1e-9);
  g_assert_cmpfloat_with_epsilon (p->bounced, bounced, 1e-9);
  g_assert_cmpfloat_with_epsilon (p->expired, expired, 1e-9);
  g_assert_cmpfloat_with_epsilon (p->pending, pending_share, 1e-9);
}

/* Everything observed for 72 h: the curve is the plain share of the cohort. */
static void
test_uncensored (void)
{
  DlvCohortEntry cohort[] = {
    resolved (DLV_MESSAGE_STATUS_DELIVERED, T0, HOUR / 2),        /* hour 1 */
    resolved (DLV_MESSAGE_STATUS_DELIVERED, T0, 3 * HOUR),        /* hour 3 */
    resolved (DLV_MESSAGE_STATUS_HARD_BOUNCE, T0 + 60, 3 * HOUR), /* hour 3 */
    pending (T0),                                                 /* expires at 72 */
  };
  g_autoptr(DlvConversion) c = dlv_conversion_compute (cohort, 4, T0 + 100 * HOUR);

  g_assert_cmpuint (c->cohort, ==, 4);
  g_assert_cmpuint (c->censored, ==, 0);
  assert_point (c, 0, 0, 0, 0, 1);
  assert_point (c, 1, 0.25, 0, 0, 0.75);
  assert_point (c, 2, 0.25, 0, 0, 0.75);
  assert_point (c, 3, 0.5, 0.25, 0, 0.25);
  assert_point (c, 71, 0.5, 0.25, 0, 0.25);
  assert_point (c, 72, 0.5, 0.25, 0.25, 0);
}

/* Two of four are still pending after 2.5 h and 10 h. Counting them as
 * failures would give 50 % delivered; each is evidence only up to the
 * hours it was watched, so the estimate at hour 4 is 0.25 + 0.75 / 2. */
static void
test_censored (void)
{
  gint64 now = T0 + 10 * HOUR;
  DlvCohortEntry cohort[] = {
    resolved (DLV_MESSAGE_STATUS_DELIVERED, T0, HOUR),       /* hour 1, at risk 4 */
    pending (now - 2 * HOUR - HOUR / 2),                     /* watched 2.5 h */
    resolved (DLV_MESSAGE_STATUS_DELIVERED, T0, 4 * HOUR),   /* hour 4, at risk 2 */
    pending (T0),                                            /* watched 10 h */
  };
  g_autoptr(DlvConversion) c = dlv_conversion_compute (cohort, 4, now);

  g_assert_cmpuint (c->censored, ==, 2);
  assert_point (c, 1, 0.25, 0, 0, 0.75);
  g_assert_cmpuint (c->points[1].at_risk, ==, 4);
  g_assert_cmpuint (c->points[3].at_risk, ==, 2);
  assert_point (c, 4, 0.625, 0, 0, 0.375);
  g_assert_cmpuint (c->points[10].at_risk, ==, 1);
  g_assert_cmpuint (c->points[11].at_risk, ==, 0);
  /* No evidence after hour 10: the estimate holds. */
  assert_point (c, 72, 0.625, 0, 0, 0.375);
}

static void
test_expired_by_status_and_window (void)
{
  DlvCohortEntry explicit_expiry = resolved (DLV_MESSAGE_STATUS_EXPIRED, T0, 8 * HOUR);
  DlvCohortEntry short_window = pending (T0);
  DlvCohortEntry cohort[2];
  g_autoptr(DlvConversion) c = NULL;

  short_window.expires_at = T0 + 8 * HOUR;   /* an 8-hour provider */
  cohort[0] = explicit_expiry;
  cohort[1] = short_window;
  c = dlv_conversion_compute (cohort, 2, T0 + 20 * HOUR);

  assert_point (c, 7, 0, 0, 0, 1);
  assert_point (c, 8, 0, 0, 1, 0);
}

static void
test_empty (void)
{
  g_autoptr(DlvConversion) c = dlv_conversion_compute (NULL, 0, T0);

  g_assert_cmpuint (c->cohort, ==, 0);
  for (guint h = 0; h <= DLV_CONVERSION_HOURS; h++)
    assert_point (c, h, 0, 0, 0, 0);
}

/* Whatever the cohort: shares in [0, 1] summing to 1, outcomes never fall. */
static void
test_invariants (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  gint64 now = T0 + 96 * HOUR;

  for (guint round = 0; round < 50; round++)
    {
      guint n = g_rand_int_range (rand, 1, 400);
      g_autofree DlvCohortEntry *cohort = g_new0 (DlvCohortEntry, n);
      g_autoptr(DlvConversion) c = NULL;

      for (guint i = 0; i < n; i++)
        {
          gint64 first = T0 + g_rand_int_range (rand, 0, 96 * HOUR);
          DlvMessageStatus status = g_rand_int_range (rand, 0, DLV_N_MESSAGE_STATUSES);
          gint64 after = g_rand_int_range (rand, 0, 80 * HOUR);

          cohort[i] = resolved (status, first, MIN (after, now - first));
        }
      c = dlv_conversion_compute (cohort, n, now);

      for (guint h = 0; h <= DLV_CONVERSION_HOURS; h++)
        {
          const DlvConversionPoint *p = &c->points[h];

          g_assert_cmpfloat_with_epsilon (p->delivered + p->bounced + p->expired + p->pending,
                                          1.0, 1e-9);
          g_assert_cmpfloat (p->pending, >=, -1e-12);
          if (h > 0)
            {
              g_assert_cmpfloat (p->delivered, >=, c->points[h - 1].delivered);
              g_assert_cmpfloat (p->bounced, >=, c->points[h - 1].bounced);
              g_assert_cmpfloat (p->expired, >=, c->points[h - 1].expired);
            }
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dlv/conversion/uncensored", test_uncensored);
  g_test_add_func ("/dlv/conversion/censored", test_censored);
  g_test_add_func ("/dlv/conversion/expired", test_expired_by_status_and_window);
  g_test_add_func ("/dlv/conversion/empty", test_empty);
  g_test_add_func ("/dlv/conversion/invariants", test_invariants);

  return g_test_run ();
}
