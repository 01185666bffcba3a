/* test-demo.c: the built-in demo provider
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "dlv-demo-provider.h"

#define T0          G_GINT64_CONSTANT (1760000000)
#define HOUR        3600
#define WINDOW      (72 * HOUR)

/* Walks a cursor chain until the provider is caught up with its clock,
 * appending every event to @events and leaving the last cursor in @cursor. */
static void
fetch_all (DlvProvider  *provider,
           char        **cursor,
           GPtrArray    *events)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DlvEventPage) page = NULL;
      gboolean more;

      page = dlv_provider_fetch_page_sync (provider, *cursor, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (page);
      g_assert_nonnull (page->next_cursor);
      g_assert_cmpuint (page->events->len, <=, 2000);

      g_free (*cursor);
      *cursor = g_strdup (page->next_cursor);
      more = page->more;
      g_ptr_array_extend_and_steal (events, g_steal_pointer (&page->events));

      if (!more)
        break;
    }
}

static DlvProvider *
new_provider (gint64 now)
{
  DlvProvider *provider = dlv_demo_provider_new ();

  g_assert_cmpstr (dlv_provider_get_name (provider), ==, "demo");
  g_assert_cmpuint (dlv_provider_get_retry_window_hours (provider), ==, 72);
  dlv_demo_provider_set_now (DLV_DEMO_PROVIDER (provider), now);

  return provider;
}

static GPtrArray *
new_event_array (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) dlv_event_free);
}

/* Generates a whole simulation up to @now in one go. */
static GPtrArray *
simulate (guint64 seed,
          guint   n,
          guint   hours,
          gint64  now)
{
  g_autoptr(DlvProvider) provider = new_provider (now);
  g_autofree char *cursor = dlv_demo_provider_make_cursor (seed, n, hours, T0);
  GPtrArray *events = new_event_array ();

  fetch_all (provider, &cursor, events);

  return events;
}

/* message id → GPtrArray of its events, in the order they were served */
static GHashTable *
group_by_message (GPtrArray *events)
{
  GHashTable *messages = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                (GDestroyNotify) g_ptr_array_unref);

  for (guint i = 0; i < events->len; i++)
    {
      DlvEvent *event = events->pdata[i];
      GPtrArray *timeline = g_hash_table_lookup (messages, event->message_id);

      if (timeline == NULL)
        {
          timeline = g_ptr_array_new ();
          g_hash_table_insert (messages, event->message_id, timeline);
        }
      g_ptr_array_add (timeline, event);
    }

  return messages;
}

static DlvEvent *
find_kind (GPtrArray    *timeline,
           DlvEventKind  kind)
{
  for (guint i = 0; i < timeline->len; i++)
    {
      DlvEvent *event = timeline->pdata[i];

      if (event->kind == kind)
        return event;
    }

  return NULL;
}

static void
assert_same_event (const DlvEvent *a,
                   const DlvEvent *b)
{
  g_assert_cmpint (a->kind, ==, b->kind);
  g_assert_cmpint (a->at, ==, b->at);
  g_assert_cmpstr (a->uid, ==, b->uid);
  g_assert_cmpstr (a->message_id, ==, b->message_id);
  g_assert_cmpstr (a->recipient, ==, b->recipient);
  g_assert_cmpstr (a->sender, ==, b->sender);
  g_assert_cmpstr (a->subject, ==, b->subject);
  g_assert_cmpstr (a->campaign, ==, b->campaign);
  g_assert_cmpint (a->smtp_code, ==, b->smtp_code);
  g_assert_cmpstr (a->enhanced_code, ==, b->enhanced_code);
  g_assert_cmpstr (a->reason, ==, b->reason);
  g_assert_cmpint (a->attempt, ==, b->attempt);
  g_assert_cmpint (a->retry_in, ==, b->retry_in);
  g_assert_cmpstr (a->mx, ==, b->mx);
  g_assert_cmpstr (a->ip, ==, b->ip);
}

static void
test_determinism (void)
{
  g_autoptr(GPtrArray) a = simulate (7, 3000, 72, T0);
  g_autoptr(GPtrArray) b = simulate (7, 3000, 72, T0);
  g_autoptr(GPtrArray) c = simulate (8, 3000, 72, T0);
  guint differences = 0;

  g_assert_cmpuint (a->len, >, 3000);
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    assert_same_event (a->pdata[i], b->pdata[i]);

  for (guint i = 0; i < MIN (a->len, c->len); i++)
    {
      const DlvEvent *x = a->pdata[i];
      const DlvEvent *y = c->pdata[i];

      differences += x->at != y->at || g_strcmp0 (x->recipient, y->recipient) != 0;
    }
  g_assert_cmpuint (differences, >, a->len / 2);
}

/* Every uid once, also across calls sharing @seen. */
static void
assert_unique_uids (GPtrArray  *events,
                    GHashTable *seen)
{
  for (guint i = 0; i < events->len; i++)
    {
      DlvEvent *event = events->pdata[i];

      g_assert_nonnull (event->uid);
      g_assert_nonnull (event->message_id);
      if (!g_hash_table_add (seen, event->uid))
        g_error ("uid %s served twice", event->uid);
    }
}

static void
assert_all_accepted (GPtrArray *events,
                     guint      expected_messages)
{
  g_autoptr(GHashTable) messages = group_by_message (events);
  GHashTableIter iter;
  GPtrArray *timeline;

  g_assert_cmpuint (g_hash_table_size (messages), ==, expected_messages);

  g_hash_table_iter_init (&iter, messages);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &timeline))
    g_assert_nonnull (find_kind (timeline, DLV_EVENT_KIND_ACCEPTED));
}

static void
test_exactly_once (void)
{
  g_autoptr(DlvProvider) provider = new_provider (T0);
  g_autofree char *cursor = dlv_demo_provider_make_cursor (42, 2000, 96, T0);
  g_autoptr(GPtrArray) first = new_event_array ();
  g_autoptr(GPtrArray) later = new_event_array ();
  g_autoptr(GPtrArray) fresh = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) fresh_uids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) old_messages = NULL;
  g_autoptr(GHashTable) new_messages = NULL;
  g_autoptr(DlvEventPage) idle = NULL;
  GHashTableIter iter;
  const char *message_id;
  GPtrArray *timeline;
  guint n_live = 0;

  fetch_all (provider, &cursor, first);
  assert_unique_uids (first, seen);
  assert_all_accepted (first, 2000);
  for (guint i = 0; i < first->len; i++)
    g_assert_cmpint (((DlvEvent *) first->pdata[i])->at, <=, T0);

  /* Caught up: the same clock serves nothing more. */
  idle = dlv_provider_fetch_page_sync (provider, cursor, NULL, NULL);
  g_assert_nonnull (idle);
  g_assert_cmpuint (idle->events->len, ==, 0);
  g_assert_false (idle->more);

  dlv_demo_provider_set_now (DLV_DEMO_PROVIDER (provider), T0 + 6 * HOUR);
  fetch_all (provider, &cursor, later);
  g_assert_cmpuint (later->len, >, 0);
  assert_unique_uids (later, seen);
  for (guint i = 0; i < later->len; i++)
    {
      const DlvEvent *event = later->pdata[i];

      g_assert_cmpint (event->at, >, T0);
      g_assert_cmpint (event->at, <=, T0 + 6 * HOUR);
    }

  /* New live messages arrive with their accepted event. */
  old_messages = group_by_message (first);
  new_messages = group_by_message (later);
  g_hash_table_iter_init (&iter, new_messages);
  while (g_hash_table_iter_next (&iter, (gpointer *) &message_id, (gpointer *) &timeline))
    {
      if (g_hash_table_contains (old_messages, message_id))
        continue;
      g_assert_nonnull (find_kind (timeline, DLV_EVENT_KIND_ACCEPTED));
      n_live++;
    }
  /* "A few per minute" */
  g_assert_cmpuint (n_live, >=, 6 * 60);

  /* Completeness: one chain up to the later clock serves the same events. */
  fresh = simulate (42, 2000, 96, T0 + 6 * HOUR);
  assert_unique_uids (fresh, fresh_uids);
  g_assert_cmpuint (fresh->len, ==, first->len + later->len);
  g_assert_cmpuint (g_hash_table_size (fresh_uids), ==, g_hash_table_size (seen));
  for (guint i = 0; i < fresh->len; i++)
    g_assert_true (g_hash_table_contains (seen, ((DlvEvent *) fresh->pdata[i])->uid));
}

/* Classifies a reason by the signs the taxonomy names. */
static const char *
cause_of (const char *reason)
{
  static const struct { const char *sign; const char *cause; } signs[] = {
    { "hourly limits", "isp_hourly_limit" },
    { "ISP-suggested max connection limits", "isp_connection_limit" },
    { "max port limit", "port_limit" },
    { "IP reached max connection limit", "ip_connection_limit" },
    { "throttled by recipient server", "throttled_by_recipient" },
    { "Internal Server Error", "internal_error" },
    { "reylist", "greylisting" },
    { "4.2.2", "mailbox_full" },
    { "pleine", "mailbox_full" },
    { "user complaints", "reputation" },
    { "IP reputation", "reputation" },
    { "unsolicited", "reputation" },
    { "DKIM", "authentication" },
    { "connections", "rate_limited" },
    { "Max message per connection", "rate_limited" },
    { "busy", "server_unavailable" },
    { "not available", "server_unavailable" },
    { "refuse", "server_unavailable" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (signs); i++)
    {
      if (strstr (reason, signs[i].sign) != NULL)
        return signs[i].cause;
    }

  return "unknown";
}

static const char *
family_of (const char *recipient)
{
  static const struct { const char *domain; const char *family; } families[] = {
    { "@gmail.com", "gmail" }, { "@googlemail.com", "gmail" },
    { "@outlook.com", "microsoft" }, { "@hotmail.com", "microsoft" },
    { "@live.com", "microsoft" }, { "@msn.com", "microsoft" },
    { "@yahoo.com", "yahoo" }, { "@aol.com", "yahoo" }, { "@ymail.com", "yahoo" },
    { "@icloud.com", "apple" }, { "@me.com", "apple" }, { "@mac.com", "apple" },
    { "@gmx.de", "gmx" }, { "@gmx.net", "gmx" }, { "@web.de", "gmx" },
    { "@orange.fr", "orange" }, { "@wanadoo.fr", "orange" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (families); i++)
    {
      if (g_str_has_suffix (recipient, families[i].domain))
        return families[i].family;
    }

  return "other";
}

typedef struct
{
  guint messages;
  guint deferred;
  guint old_deferred;            /* first deferral at least 72 h before the clock */
  guint old_delivered;
  guint old_bounced;
  guint old_expired;
  guint greylisted;
  GHashTable *causes;
  GHashTable *families;
} Realism;

static void
greylisting_resolves (GPtrArray      *timeline,
                      const DlvEvent *deferral,
                      gint64          now)
{
  DlvEvent *delivered = find_kind (timeline, DLV_EVENT_KIND_DELIVERED);

  /* Only deferrals an hour old have had their hour. */
  if (deferral->at + HOUR > now)
    return;

  g_assert_nonnull (delivered);
  g_assert_cmpint (delivered->at, >, deferral->at);
  g_assert_cmpint (delivered->at - deferral->at, <=, HOUR);
}

static void
measure_message (Realism   *r,
                 GPtrArray *timeline,
                 gint64     now)
{
  const DlvEvent *accepted = timeline->pdata[0];
  DlvEvent *first_deferral = find_kind (timeline, DLV_EVENT_KIND_DEFERRED);
  gboolean delivered = find_kind (timeline, DLV_EVENT_KIND_DELIVERED) != NULL;
  gboolean bounced = find_kind (timeline, DLV_EVENT_KIND_SOFT_BOUNCE) != NULL ||
                     find_kind (timeline, DLV_EVENT_KIND_HARD_BOUNCE) != NULL;

  r->messages++;
  g_hash_table_add (r->families, (gpointer) family_of (accepted->recipient));
  if (first_deferral == NULL)
    return;

  r->deferred++;
  for (guint i = 0; i < timeline->len; i++)
    {
      DlvEvent *event = timeline->pdata[i];

      if (event->kind != DLV_EVENT_KIND_DEFERRED)
        continue;
      g_hash_table_add (r->causes, (gpointer) cause_of (event->reason));
      if (strstr (event->reason, "reylist") != NULL)
        {
          r->greylisted++;
          greylisting_resolves (timeline, event, now);
        }
    }

  if (first_deferral->at + WINDOW > now)
    return;
  r->old_deferred++;
  r->old_delivered += delivered;
  r->old_bounced += bounced;
  r->old_expired += !delivered && !bounced;
}

static void
test_realism (void)
{
  g_autoptr(GPtrArray) events = simulate (42, 2000, 96, T0);
  g_autoptr(GHashTable) messages = group_by_message (events);
  g_autoptr(GHashTable) causes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) families = g_hash_table_new (g_str_hash, g_str_equal);
  Realism r = { 0, .causes = causes, .families = families };
  GHashTableIter iter;
  GPtrArray *timeline;

  g_hash_table_iter_init (&iter, messages);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &timeline))
    measure_message (&r, timeline, T0);

  g_test_message ("%u messages, %u deferred (%.1f %%); of the %u deferred 72 h ago: "
                  "%.0f %% delivered, %.0f %% bounced, %.0f %% expired; %u greylisting "
                  "deferrals; %u causes; %u recipient families",
                  r.messages, r.deferred, 100.0 * r.deferred / r.messages, r.old_deferred,
                  100.0 * r.old_delivered / MAX (r.old_deferred, 1),
                  100.0 * r.old_bounced / MAX (r.old_deferred, 1),
                  100.0 * r.old_expired / MAX (r.old_deferred, 1),
                  r.greylisted, g_hash_table_size (causes), g_hash_table_size (families));

  g_assert_cmpfloat (r.deferred, >=, 0.02 * r.messages);
  g_assert_cmpfloat (r.deferred, <=, 0.08 * r.messages);
  g_assert_cmpuint (r.old_deferred, >, 0);
  g_assert_cmpfloat (r.old_delivered, >=, 0.60 * r.old_deferred);
  g_assert_cmpuint (r.old_expired, >=, 1);
  g_assert_cmpuint (r.greylisted, >, 0);
  g_assert_false (g_hash_table_contains (causes, "unknown"));
  g_assert_cmpuint (g_hash_table_size (causes), >=, 6);
  g_assert_cmpuint (g_hash_table_size (families), >=, 6);
}

/* Attempt numbers start at 1 and grow; deferrals say why and when again. */
static void
check_timeline (GPtrArray *timeline,
                gint64     now)
{
  int last_attempt = 0;
  gint64 last_at = G_MININT64;

  for (guint i = 0; i < timeline->len; i++)
    {
      DlvEvent *event = timeline->pdata[i];

      g_assert_cmpint (event->at, <=, now);
      g_assert_cmpint (event->at, >=, last_at);
      last_at = event->at;
      g_assert_nonnull (event->recipient);
      g_assert_nonnull (event->sender);
      g_assert_nonnull (event->subject);
      g_assert_nonnull (event->campaign);

      if (event->kind == DLV_EVENT_KIND_DEFERRED)
        {
          g_assert_nonnull (event->reason);
          g_assert_cmpstr (event->reason, !=, "");
          g_assert_cmpint (event->retry_in, >, 0);
        }
      if (event->kind == DLV_EVENT_KIND_DELIVERED)
        g_assert_true (g_str_has_prefix (event->reason, "250 "));
      if (event->attempt == 0)
        continue;

      g_assert_cmpint (event->attempt, ==, last_attempt + 1);
      last_attempt = event->attempt;
      g_assert_nonnull (event->mx);
      g_assert_nonnull (event->ip);
    }
}

static void
test_invariants (void)
{
  gint64 now = T0 + 30 * HOUR;
  g_autoptr(GPtrArray) events = simulate (3, 2000, 48, now);
  g_autoptr(GHashTable) messages = group_by_message (events);
  GHashTableIter iter;
  GPtrArray *timeline;

  g_hash_table_iter_init (&iter, messages);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &timeline))
    check_timeline (timeline, now);
}

static void
test_domains (void)
{
  g_autoptr(DlvProvider) provider = new_provider (T0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) domains = dlv_provider_fetch_domains_sync (provider, NULL, &error);
  guint broken = 0;

  g_assert_no_error (error);
  g_assert_nonnull (domains);
  g_assert_cmpuint (domains->len, ==, 3);

  for (guint i = 0; i < domains->len; i++)
    {
      const DlvDomain *domain = domains->pdata[i];

      for (guint r = 0; r < DLV_N_RECORD_NAMES; r++)
        {
          g_assert_nonnull (domain->records[r].host);
          g_assert_nonnull (domain->records[r].type);
          g_assert_nonnull (domain->records[r].expected);
        }
      if (dlv_domain_can_send (domain))
        {
          g_assert_cmpint (domain->records[DLV_RECORD_DMARC].status, ==,
                           DLV_RECORD_STATUS_VALID);
          continue;
        }

      broken++;
      g_assert_cmpint (domain->records[DLV_RECORD_DMARC].status, ==, DLV_RECORD_STATUS_MISSING);
      g_assert_nonnull (domain->records[DLV_RECORD_DMARC].detail);
      for (guint r = 0; r < DLV_RECORD_DMARC; r++)
        {
          if (domain->records[r].status != DLV_RECORD_STATUS_VALID)
            g_assert_nonnull (domain->records[r].detail);
        }
    }
  g_assert_cmpuint (broken, ==, 1);
}

static void
assert_bad_cursor (DlvProvider *provider,
                   const char  *cursor)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DlvEventPage) page = dlv_provider_fetch_page_sync (provider, cursor, NULL, &error);

  g_assert_null (page);
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_CURSOR);
  g_assert_nonnull (error->message);
}

static void
test_bad_cursor (void)
{
  g_autoptr(DlvProvider) provider = new_provider (T0);
  g_autofree char *good = dlv_demo_provider_make_cursor (1, 10, 24, T0);
  g_autofree char *truncated = g_strndup (good, strlen (good) / 2);

  assert_bad_cursor (provider, NULL);
  assert_bad_cursor (provider, "");
  assert_bad_cursor (provider, "garbage");
  assert_bad_cursor (provider, truncated);
  assert_bad_cursor (provider, "demo1;seed=x;n=10;hours=24;t0=1760000000;lo=0;wm=0;next=0");
  assert_bad_cursor (provider, "demo1;seed=1;n=10;hours=0;t0=1760000000;lo=0;wm=0;next=0");
  assert_bad_cursor (provider, "demo1;seed=1;n=10;hours=24;t0=1760000000;lo=5;wm=4;next=0");
  assert_bad_cursor (provider, "demo1;seed=1;n=10;hours=24;t0=1760000000;lo=0;wm=0;next=11");
  assert_bad_cursor (provider, "demo2;seed=1;n=10;hours=24;t0=1760000000;lo=0;wm=0;next=0");
}

/* Back after two months: a poll brings the last week, like a provider's
 * retention, not the 260,000 messages the live stream sent meanwhile. */
static void
test_long_pause (void)
{
  gint64 t0 = 1768466120;
  gint64 later = t0 + 60 * 24 * 3600;
  g_autoptr(DlvProvider) provider = new_provider (t0);
  g_autofree char *cursor = dlv_demo_provider_make_cursor (3, 500, 96, t0);
  g_autoptr(GPtrArray) before = new_event_array ();
  g_autoptr(GPtrArray) after = new_event_array ();

  fetch_all (provider, &cursor, before);
  dlv_demo_provider_set_now (DLV_DEMO_PROVIDER (provider), later);
  fetch_all (provider, &cursor, after);

  g_assert_cmpuint (after->len, >, 0);
  g_assert_cmpuint (after->len, <, 200000);
  for (guint i = 0; i < after->len; i++)
    {
      const DlvEvent *e = g_ptr_array_index (after, i);

      g_assert_cmpint (e->at, >, later - 7 * 24 * 3600);
      g_assert_cmpint (e->at, <=, later);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dlv/demo/determinism", test_determinism);
  g_test_add_func ("/dlv/demo/exactly-once", test_exactly_once);
  g_test_add_func ("/dlv/demo/realism", test_realism);
  g_test_add_func ("/dlv/demo/invariants", test_invariants);
  g_test_add_func ("/dlv/demo/domains", test_domains);
  g_test_add_func ("/dlv/demo/bad-cursor", test_bad_cursor);
  g_test_add_func ("/dlv/demo/long-pause", test_long_pause);

  return g_test_run ();
}
