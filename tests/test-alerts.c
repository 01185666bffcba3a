/* test-alerts.c: which store changes become desktop alerts, and how often
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "dlv-alerts.h"
#include "dlv-demo-provider.h"
#include "dlv-poll.h"
#include "dlv-store-alerts.h"

#define NOW        G_GINT64_CONSTANT (1768466120)
#define HOUR       3600

#define GREYLIST   "451 4.7.1 Greylisting in action, please come back later"
#define QUOTA      "452 4.2.2 Mailbox over quota"
#define TSS04      "421 4.7.0 [TSS04] Messages from 203.0.113.10 temporarily deferred due to " \
                   "unexpected volume or user complaints - 4.16.55.1; see " \
                   "https://postmaster.yahooinc.com/error-codes"

/* The demo's promotion goes out 0.8 of its 96 h window before t0, and a
 * third of it to Yahoo meets a reputation problem (dlv-demo-provider.c). */
#define DEMO_HOURS       96
#define DEMO_PROMO_START (NOW - (gint64) (0.80 * DEMO_HOURS * HOUR))

typedef struct
{
  DlvStore *store;
  gint64 account;
  guint next_id;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->store = dlv_store_open (":memory:", &error);
  g_assert_no_error (error);
  fixture->account = dlv_store_add_account (fixture->store, "test", "Test", 72, NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
}

static DlvEvent *
new_event (Fixture      *fixture,
           DlvEventKind  kind,
           gint64        at,
           const char   *domain,
           guint         id,
           const char   *reason)
{
  DlvEvent *event = dlv_event_new (kind, at);

  event->message_id = g_strdup_printf ("m%u", id);
  event->recipient = g_strdup_printf ("r%u@%s", id, domain);
  event->uid = g_strdup_printf ("m%u-%d-%" G_GINT64_FORMAT, id, kind, at);
  event->reason = g_strdup (reason);
  event->attempt = kind == DLV_EVENT_KIND_DEFERRED ? 1 : 0;

  return event;
}

/* @per_hour messages to @domain in each hour of [from, to), of which the
 * first @deferred_per_hour are deferred once with @reason: delivered after
 * ten minutes when @recover, else left deferred. */
static void
add_traffic (Fixture    *fixture,
             const char *domain,
             gint64      from,
             gint64      to,
             guint       per_hour,
             guint       deferred_per_hour,
             const char *reason,
             gboolean    recover)
{
  g_autoptr(DlvEventPage) page = dlv_event_page_new ();
  g_autoptr(GError) error = NULL;

  for (gint64 hour = from; hour < to; hour += HOUR)
    {
      for (guint i = 0; i < per_hour; i++)
        {
          guint id = fixture->next_id++;
          gint64 at = hour + (gint64) i * (HOUR - 700) / per_hour;

          g_ptr_array_add (page->events, new_event (fixture, DLV_EVENT_KIND_ACCEPTED, at,
                                                    domain, id, NULL));
          if (i < deferred_per_hour)
            {
              g_ptr_array_add (page->events, new_event (fixture, DLV_EVENT_KIND_DEFERRED, at + 5,
                                                        domain, id, reason));
              if (!recover)
                continue;
            }
          g_ptr_array_add (page->events, new_event (fixture, DLV_EVENT_KIND_DELIVERED,
                                                    at + (i < deferred_per_hour ? 600 : 5),
                                                    domain, id, NULL));
        }
    }

  g_assert_true (dlv_store_ingest_page (fixture->store, fixture->account, page, NULL, &error));
  g_assert_no_error (error);
}

/* A day and more of ordinary mail: Gmail and Yahoo, a little deferred. */
static void
add_baseline (Fixture *fixture,
              gint64   from,
              gint64   to)
{
  add_traffic (fixture, "gmail.com", from, to, 60, 2, GREYLIST, TRUE);
  add_traffic (fixture, "yahoo.com", from, to, 40, 1, QUOTA, TRUE);
}

/* In the hour before @at, Yahoo defers @n messages for its reputation. */
static void
add_yahoo_spike (Fixture *fixture,
                 gint64   at,
                 guint    n)
{
  add_traffic (fixture, "yahoo.com", at - HOUR, at, n, n, TSS04, FALSE);
}

static GPtrArray *
check (DlvAlerts *alerts,
       DlvStore  *store,
       gint64     now)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *found = dlv_alerts_check (alerts, store, now, &error);

  g_assert_no_error (error);
  g_assert_nonnull (found);
  for (guint i = 0; i < found->len; i++)
    {
      const DlvAlert *alert = g_ptr_array_index (found, i);

      g_test_message ("%s: %s — %s", dlv_alert_kind_to_string (alert->kind), alert->title,
                      alert->body);
    }

  return found;
}

static guint
count_kind (GPtrArray    *found,
            DlvAlertKind  kind)
{
  guint n = 0;

  for (guint i = 0; i < found->len; i++)
    n += ((DlvAlert *) g_ptr_array_index (found, i))->kind == kind;

  return n;
}

static const DlvAlert *
find_spike (GPtrArray  *found,
            const char *group)
{
  for (guint i = 0; i < found->len; i++)
    {
      const DlvAlert *alert = g_ptr_array_index (found, i);

      if (alert->kind == DLV_ALERT_KIND_DEFERRAL_SPIKE && g_strcmp0 (alert->subject, group) == 0)
        return alert;
    }

  return NULL;
}

static void
test_spike (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(DlvAlerts) alerts = dlv_alerts_new ();
  g_autoptr(GPtrArray) quiet = NULL;
  g_autoptr(GPtrArray) found = NULL;
  const DlvAlert *alert;

  add_baseline (fixture, NOW - 30 * HOUR, NOW);
  quiet = check (alerts, fixture->store, NOW);
  g_assert_cmpuint (quiet->len, ==, 0);

  add_yahoo_spike (fixture, NOW, 45);
  found = check (alerts, fixture->store, NOW);
  g_assert_cmpuint (found->len, ==, 1);
  alert = g_ptr_array_index (found, 0);
  g_assert_cmpint (alert->kind, ==, DLV_ALERT_KIND_DEFERRAL_SPIKE);
  g_assert_cmpstr (alert->subject, ==, "yahoo");
  /* The spike and the hour's usual full mailbox. */
  g_assert_cmpuint (alert->count, ==, 46);
  g_assert_cmpint (alert->cause, ==, DLV_REASON_CAUSE_REPUTATION);
  g_assert_false (alert->urgent);
  g_assert_cmpfloat (alert->ratio, >=, DLV_ALERTS_SPIKE_MIN_RATIO);
  g_assert_cmpstr (alert->title, ==, "Yahoo / AOL is deferring your mail");
  g_assert_true (g_str_has_prefix (alert->body, "46 messages were deferred in the last hour"));
  g_assert_nonnull (strstr (alert->body, "Main cause: Sender reputation (98 % of them)."));
  g_assert_nonnull (strstr (alert->body, dlv_reason_cause_advice (DLV_REASON_CAUSE_REPUTATION)));

  /* It leads to the deferred messages at that provider. */
  g_assert_cmpstr (alert->page, ==, "activity");
  g_assert_cmpuint (alert->statuses, ==, 1u << DLV_MESSAGE_STATUS_DEFERRED);
  g_assert_cmpstr (alert->domain, ==, "yahoo");
}

/* Many deferrals, far above the usual rate, but fewer than the minimum. */
static void
test_under_minimum (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(DlvAlerts) alerts = dlv_alerts_new ();
  g_autoptr(GPtrArray) found = NULL;

  add_baseline (fixture, NOW - 30 * HOUR, NOW);
  /* With the hour's usual full mailbox, one fewer than the minimum. */
  add_yahoo_spike (fixture, NOW, DLV_ALERTS_SPIKE_MIN_MESSAGES - 2);
  found = check (alerts, fixture->store, NOW);
  g_assert_cmpuint (found->len, ==, 0);
}

/* A campaign sent in one hour brings its usual share of deferrals: more
 * deferrals, but no sign that the provider treats the mail worse. */
static void
test_big_send_is_not_a_spike (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(DlvAlerts) alerts = dlv_alerts_new ();
  g_autoptr(GPtrArray) found = NULL;

  add_baseline (fixture, NOW - 30 * HOUR, NOW);
  add_traffic (fixture, "gmail.com", NOW - HOUR, NOW, 3000, 100, GREYLIST, TRUE);
  found = check (alerts, fixture->store, NOW);
  g_assert_cmpuint (found->len, ==, 0);
}

/* Without 6 hours of history there is no usual rate to compare with. */
static void
test_young_store (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(DlvAlerts) alerts = dlv_alerts_new ();
  g_autoptr(GPtrArray) found = NULL;

  add_baseline (fixture, NOW - 3 * HOUR, NOW);
  add_yahoo_spike (fixture, NOW, 45);
  found = check (alerts, fixture->store, NOW);
  g_assert_cmpuint (found->len, ==, 0);
}

static void
test_rate_limit (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(DlvAlerts) alerts = dlv_alerts_new ();
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) same_spike = NULL;
  g_autoptr(GPtrArray) ended = NULL;
  g_autoptr(GPtrArray) too_soon = NULL;
  g_autoptr(GPtrArray) later = NULL;

  add_baseline (fixture, NOW - 30 * HOUR, NOW + 8 * HOUR);
  add_yahoo_spike (fixture, NOW, 45);

  first = check (alerts, fixture->store, NOW);
  g_assert_cmpuint (count_kind (first, DLV_ALERT_KIND_DEFERRAL_SPIKE), ==, 1);

  /* The same spike, still under way: told once. */
  same_spike = check (alerts, fixture->store, NOW + 600);
  g_assert_cmpuint (same_spike->len, ==, 0);

  /* It ended; a new one within 6 hours of the notification stays quiet. */
  ended = check (alerts, fixture->store, NOW + 2 * HOUR);
  g_assert_cmpuint (ended->len, ==, 0);
  add_yahoo_spike (fixture, NOW + 3 * HOUR, 45);
  too_soon = check (alerts, fixture->store, NOW + 3 * HOUR);
  g_assert_cmpuint (too_soon->len, ==, 0);

  /* Ended again; the next one, 7 hours after the first, is told. */
  g_clear_pointer (&ended, g_ptr_array_unref);
  ended = check (alerts, fixture->store, NOW + 5 * HOUR);
  g_assert_cmpuint (ended->len, ==, 0);
  add_yahoo_spike (fixture, NOW + 7 * HOUR, 60);
  later = check (alerts, fixture->store, NOW + 7 * HOUR);
  g_assert_cmpuint (later->len, ==, 1);
  g_assert_nonnull (find_spike (later, "yahoo"));
}

/* A disabled kind says nothing and is not counted as told. */
static void
test_disabled (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(DlvAlerts) alerts = dlv_alerts_new ();
  g_autoptr(GPtrArray) off = NULL;
  g_autoptr(GPtrArray) on = NULL;

  add_baseline (fixture, NOW - 30 * HOUR, NOW);
  add_yahoo_spike (fixture, NOW, 45);

  g_assert_true (dlv_alerts_get_enabled (alerts, DLV_ALERT_KIND_DEFERRAL_SPIKE));
  dlv_alerts_set_enabled (alerts, DLV_ALERT_KIND_DEFERRAL_SPIKE, FALSE);
  off = check (alerts, fixture->store, NOW);
  g_assert_cmpuint (off->len, ==, 0);

  dlv_alerts_set_enabled (alerts, DLV_ALERT_KIND_DEFERRAL_SPIKE, TRUE);
  on = check (alerts, fixture->store, NOW + 60);
  g_assert_cmpuint (on->len, ==, 1);
}

static void
set_domains (Fixture         *fixture,
             DlvRecordStatus  news_dkim2,
             DlvRecordStatus  news_dmarc,
             gboolean         with_shop)
{
  g_autoptr(GPtrArray) domains = g_ptr_array_new_with_free_func ((GDestroyNotify) dlv_domain_free);
  g_autoptr(GError) error = NULL;
  DlvDomain *news = dlv_domain_new ("news.example.com");

  dlv_domain_set_record (news, DLV_RECORD_DKIM1, DLV_RECORD_STATUS_VALID,
                         "s1._domainkey.news.example.com", "CNAME", "s1.esp.example", NULL);
  dlv_domain_set_record (news, DLV_RECORD_DKIM2, news_dkim2,
                         "s2._domainkey.news.example.com", "CNAME", "s2.esp.example",
                         news_dkim2 == DLV_RECORD_STATUS_INVALID
                         ? "s2._domainkey points to <b>an old key</b>" : NULL);
  dlv_domain_set_record (news, DLV_RECORD_SPF_RETURN_PATH, DLV_RECORD_STATUS_VALID,
                         "em1.news.example.com", "CNAME", "esp.example", NULL);
  dlv_domain_set_record (news, DLV_RECORD_DMARC, news_dmarc, "_dmarc.news.example.com", "TXT",
                         "v=DMARC1; p=none", NULL);
  g_ptr_array_add (domains, news);

  /* Broken from the start: a baseline, never news. */
  if (with_shop)
    {
      DlvDomain *shop = dlv_domain_new ("shop.example.com");

      dlv_domain_set_record (shop, DLV_RECORD_DKIM1, DLV_RECORD_STATUS_INVALID, NULL, NULL, NULL,
                             NULL);
      g_ptr_array_add (domains, shop);
    }

  g_assert_true (dlv_store_replace_domains (fixture->store, fixture->account, domains, &error));
  g_assert_no_error (error);
}

static void
test_domain_invalid (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(DlvAlerts) alerts = dlv_alerts_new ();
  g_autoptr(GPtrArray) first_sight = NULL;
  g_autoptr(GPtrArray) broken = NULL;
  g_autoptr(GPtrArray) still_broken = NULL;
  g_autoptr(GPtrArray) fixed = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) dmarc = NULL;
  const DlvAlert *alert;

  set_domains (fixture, DLV_RECORD_STATUS_VALID, DLV_RECORD_STATUS_VALID, FALSE);
  first_sight = check (alerts, fixture->store, NOW);
  g_assert_cmpuint (first_sight->len, ==, 0);

  /* DKIM 2 breaks, and a domain broken from the start appears. */
  set_domains (fixture, DLV_RECORD_STATUS_INVALID, DLV_RECORD_STATUS_VALID, TRUE);
  broken = check (alerts, fixture->store, NOW + 900);
  g_assert_cmpuint (broken->len, ==, 1);
  alert = g_ptr_array_index (broken, 0);
  g_assert_cmpint (alert->kind, ==, DLV_ALERT_KIND_DOMAIN_INVALID);
  g_assert_cmpstr (alert->subject, ==, "news.example.com");
  g_assert_true (alert->urgent);
  g_assert_cmpstr (alert->title, ==, "DKIM 2 of news.example.com is no longer valid");
  /* The provider's words stay text, markup characters included. */
  g_assert_nonnull (strstr (alert->body, "DKIM 2 is invalid: s2._domainkey points to "
                                         "<b>an old key</b>."));
  g_assert_nonnull (strstr (alert->body, "Publish a CNAME record at "
                                         "s2._domainkey.news.example.com with the value "
                                         "s2.esp.example."));
  g_assert_cmpstr (alert->page, ==, "domains");
  g_assert_cmpstr (alert->domain, ==, "news.example.com");
  g_assert_cmpint (alert->account_id, ==, fixture->account);

  still_broken = check (alerts, fixture->store, NOW + 1800);
  g_assert_cmpuint (still_broken->len, ==, 0);

  /* Fixed and broken again within hours: not told twice. */
  set_domains (fixture, DLV_RECORD_STATUS_VALID, DLV_RECORD_STATUS_VALID, TRUE);
  fixed = check (alerts, fixture->store, NOW + 2700);
  g_assert_cmpuint (fixed->len, ==, 0);
  set_domains (fixture, DLV_RECORD_STATUS_INVALID, DLV_RECORD_STATUS_VALID, TRUE);
  again = check (alerts, fixture->store, NOW + 3600);
  g_assert_cmpuint (again->len, ==, 0);

  /* A day later, DMARC going missing is told, and says what it costs. */
  set_domains (fixture, DLV_RECORD_STATUS_INVALID, DLV_RECORD_STATUS_MISSING, TRUE);
  dmarc = check (alerts, fixture->store, NOW + 24 * HOUR);
  g_assert_cmpuint (dmarc->len, ==, 1);
  alert = g_ptr_array_index (dmarc, 0);
  g_assert_cmpstr (alert->title, ==, "DMARC of news.example.com is no longer valid");
  g_assert_nonnull (strstr (alert->body, "DMARC is missing."));
  g_assert_nonnull (strstr (alert->body, "spam"));
}

/* Messages first deferred 68 hours ago, still deferred: their 72 hour
 * window closes in the next hours. */
static void
test_expiring (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(DlvAlerts) alerts = dlv_alerts_new ();
  g_autoptr(GPtrArray) few = NULL;
  g_autoptr(GPtrArray) found = NULL;
  const DlvAlert *alert;

  add_traffic (fixture, "yahoo.com", NOW - 69 * HOUR, NOW - 68 * HOUR,
               DLV_ALERTS_EXPIRING_MIN_MESSAGES - 5, DLV_ALERTS_EXPIRING_MIN_MESSAGES - 5,
               TSS04, FALSE);
  few = check (alerts, fixture->store, NOW);
  g_assert_cmpuint (few->len, ==, 0);

  add_traffic (fixture, "gmail.com", NOW - 68 * HOUR, NOW - 67 * HOUR, 10, 10, GREYLIST, FALSE);
  /* Expired already, and far from expiry: neither counts. */
  add_traffic (fixture, "gmail.com", NOW - 80 * HOUR, NOW - 79 * HOUR, 10, 10, GREYLIST, FALSE);
  add_traffic (fixture, "gmail.com", NOW - 20 * HOUR, NOW - 19 * HOUR, 10, 10, GREYLIST, FALSE);

  found = check (alerts, fixture->store, NOW);
  g_assert_cmpuint (found->len, ==, 1);
  alert = g_ptr_array_index (found, 0);
  g_assert_cmpint (alert->kind, ==, DLV_ALERT_KIND_EXPIRING);
  g_assert_cmpuint (alert->count, ==, DLV_ALERTS_EXPIRING_MIN_MESSAGES + 5);
  g_assert_cmpstr (alert->title, ==, "25 deferred messages are about to expire");
  /* TZ=UTC, NOW is 08:35: the first expires 72 - 69 = 3 hours later. */
  g_assert_nonnull (strstr (alert->body, "between 11:35 and 13:18"));
  g_assert_nonnull (strstr (alert->body, "Most are to Yahoo / AOL (15)."));
  g_assert_cmpstr (alert->page, ==, "activity");
  g_assert_cmpstr (alert->domain, ==, "yahoo");
  g_assert_cmpint (alert->sort, ==, DLV_MESSAGE_SORT_ATTEMPTS);
}

static gint64
fill_demo_store (DlvStore *store,
                 gint64    now)
{
  g_autoptr(DlvProvider) demo = dlv_demo_provider_new ();
  g_autofree char *cursor = dlv_demo_provider_make_cursor (1, 8000, DEMO_HOURS, NOW);
  g_autoptr(GError) error = NULL;
  gint64 account;

  dlv_demo_provider_set_now (DLV_DEMO_PROVIDER (demo), now);
  account = dlv_store_add_account (store, "demo", "Demo", 72, NULL, cursor, &error);
  g_assert_no_error (error);
  g_assert_true (dlv_poll_account_sync (store, account, demo, 0, NULL, NULL, &error));
  g_assert_no_error (error);

  return account;
}

/* The demo's Yahoo reputation episode, 45 minutes into the promotion. */
static void
test_demo_spike (void)
{
  gint64 now = DEMO_PROMO_START + 45 * 60;
  g_autoptr(DlvStore) store = dlv_store_open (":memory:", NULL);
  g_autoptr(DlvAlerts) alerts = dlv_alerts_new ();
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) found = NULL;
  const DlvAlert *yahoo;

  fill_demo_store (store, now);

  /* Ten minutes before the promotion, the demo is quiet. */
  before = check (alerts, store, DEMO_PROMO_START - 600);
  g_assert_cmpuint (count_kind (before, DLV_ALERT_KIND_DEFERRAL_SPIKE), ==, 0);

  found = check (alerts, store, now);
  yahoo = find_spike (found, "yahoo");
  g_assert_nonnull (yahoo);
  g_assert_cmpint (yahoo->cause, ==, DLV_REASON_CAUSE_REPUTATION);
  g_assert_cmpuint (yahoo->count, >=, DLV_ALERTS_SPIKE_MIN_MESSAGES);
  g_assert_nonnull (strstr (yahoo->body, "Sender reputation"));
}

/* The worker path decides as the synchronous one does. */
static void
check_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_async (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("dlv-alerts-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autoptr(DlvAlerts) alerts = dlv_alerts_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) found = NULL;
  const char *suffixes[] = { "", "-wal", "-shm" };

  g_clear_object (&fixture->store);
  fixture->store = dlv_store_open (path, &error);
  g_assert_no_error (error);
  fixture->account = dlv_store_add_account (fixture->store, "test", "Test", 72, NULL, NULL, &error);
  add_baseline (fixture, NOW - 30 * HOUR, NOW);
  add_yahoo_spike (fixture, NOW, 45);

  dlv_alerts_check_async (alerts, path, NOW, NULL, check_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  found = dlv_alerts_check_finish (alerts, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_nonnull (find_spike (found, "yahoo"));

  g_clear_object (&fixture->store);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }
  g_rmdir (dir);
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/dlv/alerts/spike", test_spike);
  ADD ("/dlv/alerts/under-minimum", test_under_minimum);
  ADD ("/dlv/alerts/big-send", test_big_send_is_not_a_spike);
  ADD ("/dlv/alerts/young-store", test_young_store);
  ADD ("/dlv/alerts/rate-limit", test_rate_limit);
  ADD ("/dlv/alerts/disabled", test_disabled);
  ADD ("/dlv/alerts/domain-invalid", test_domain_invalid);
  ADD ("/dlv/alerts/expiring", test_expiring);
  ADD ("/dlv/alerts/async", test_async);
  g_test_add_func ("/dlv/alerts/demo-spike", test_demo_spike);

  return g_test_run ();
}
