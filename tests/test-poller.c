/* test-poller.c: per-account scheduling, keys from the keyring, offline, quit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under tests/run-headless.sh for its private D-Bus session and
 * gnome-keyring: the poller reads real keys from the Secret Service.
 */

#define _GNU_SOURCE
#include "config.h"

#include <string.h>

#include "dlv-demo-provider.h"
#include "dlv-poller.h"
#include "dlv-secrets.h"
#include "dlv-test-util.h"

#define KEY "key-poller-0123456789abcdef"

/* A network monitor the test switches on and off. */
#define DLV_TYPE_FAKE_MONITOR (dlv_fake_monitor_get_type ())
G_DECLARE_FINAL_TYPE (DlvFakeMonitor, dlv_fake_monitor, DLV, FAKE_MONITOR, GObject)

struct _DlvFakeMonitor
{
  GObject parent_instance;
  gboolean available;
};

static void dlv_fake_monitor_iface_init (GNetworkMonitorInterface *iface);
static void dlv_fake_monitor_initable_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DlvFakeMonitor, dlv_fake_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, dlv_fake_monitor_initable_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR, dlv_fake_monitor_iface_init))

static gboolean
dlv_fake_monitor_initable_init_fn (GInitable     *initable,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  return TRUE;
}

static void
dlv_fake_monitor_initable_init (GInitableIface *iface)
{
  iface->init = dlv_fake_monitor_initable_init_fn;
}

enum { PROP_AVAILABLE = 1, PROP_METERED, PROP_CONNECTIVITY };

static void
dlv_fake_monitor_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DlvFakeMonitor *self = DLV_FAKE_MONITOR (object);

  if (prop_id == PROP_AVAILABLE)
    g_value_set_boolean (value, self->available);
  else if (prop_id == PROP_METERED)
    g_value_set_boolean (value, FALSE);
  else
    g_value_set_enum (value, self->available ? G_NETWORK_CONNECTIVITY_FULL : G_NETWORK_CONNECTIVITY_LOCAL);
}

static void
dlv_fake_monitor_class_init (DlvFakeMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = dlv_fake_monitor_get_property;
  g_object_class_override_property (object_class, PROP_AVAILABLE, "network-available");
  g_object_class_override_property (object_class, PROP_METERED, "network-metered");
  g_object_class_override_property (object_class, PROP_CONNECTIVITY, "connectivity");
}

static void
dlv_fake_monitor_iface_init (GNetworkMonitorInterface *iface)
{
}

static void
dlv_fake_monitor_init (DlvFakeMonitor *self)
{
  self->available = TRUE;
}

static void
set_available (DlvFakeMonitor *monitor,
               gboolean        available)
{
  monitor->available = available;
  g_signal_emit_by_name (monitor, "network-changed", available);
}

/* The poller as the application runs it, on an account whose key is in
 * the keyring and whose API is the test server. */
static DlvPoller *
mailgun_poller (DlvProviderFixture *f)
{
  g_autoptr(DlvProvider) provider = dlv_provider_fixture_provider (f, "mailgun", KEY, NULL, "mg.example.com");
  g_autoptr(GError) error = NULL;
  DlvPoller *poller;

  g_assert_true (dlv_secrets_store_sync (dlv_store_get_path (f->store), f->account_id, DLV_SECRET_API_KEY,
                                         "Mailgun test", KEY, NULL, &error));
  g_assert_no_error (error);

  poller = dlv_poller_new (dlv_store_get_path (f->store));
  dlv_poller_set_network_monitor (poller, NULL);
  return poller;
}

static void
count_round_cb (DlvPoller *poller,
                guint      events_added,
                guint     *rounds)
{
  (*rounds)++;
}

static gboolean
wait_for (guint   *counter,
          guint    target,
          guint    timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (*counter < target && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (2000);

  return *counter >= target;
}

/* Rounds until one ends without error. */
static gboolean
wait_for_quiet_round (DlvPoller *poller,
                      guint     *rounds,
                      guint      timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    {
      guint seen = *rounds;

      if (!wait_for (rounds, seen + 1, (end - g_get_monotonic_time ()) / G_TIME_SPAN_MILLISECOND))
        return FALSE;
      if (dlv_poller_get_last_error (poller) == NULL)
        return TRUE;
    }

  return FALSE;
}

static void
serve_mailgun (DlvProviderFixture *f)
{
  dlv_test_server_add_status (f->server, "GET", "/v3/mg.example.com/events?", 200, "@mailgun/page1.json");
  dlv_test_server_add_status (f->server, "GET", "/events/PAGE2", 200, "@mailgun/page2.json");
  dlv_test_server_add_status (f->server, "GET", "/events/PAGE3", 200, "@mailgun/empty.json");
  dlv_test_server_add_status (f->server, "GET", "/v4/domains/", 200, "@mailgun/domain.json");
}

/* The key travels keyring → provider → Authorization header, and is
 * nowhere in the store file. */
static void
test_key_from_keyring (DlvProviderFixture *f,
                       gconstpointer       data)
{
  g_autoptr(DlvPoller) poller = mailgun_poller (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *bytes = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *wal_path = g_strconcat (dlv_store_get_path (f->store), "-wal", NULL);
  g_autofree char *found = NULL;
  gsize length = 0;
  guint rounds = 0;

  serve_mailgun (f);
  g_signal_connect (poller, "updated", G_CALLBACK (count_round_cb), &rounds);
  dlv_poller_start (poller);
  g_assert_true (wait_for (&rounds, 1, 30000));
  g_assert_null (dlv_poller_get_last_error (poller));
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 5);

  auth = dlv_test_server_last_header (f->server, "Authorization");
  g_assert_cmpstr (auth, ==, "Basic YXBpOmtleS1wb2xsZXItMDEyMzQ1Njc4OWFiY2RlZg==");

  g_assert_true (g_file_get_contents (dlv_store_get_path (f->store), &bytes, &length, NULL));
  g_assert_null (memmem (bytes, length, KEY, strlen (KEY)));
  if (g_file_get_contents (wal_path, &wal, &length, NULL))
    g_assert_null (memmem (wal, length, KEY, strlen (KEY)));

  found = dlv_secrets_lookup_sync (dlv_store_get_path (f->store), f->account_id, DLV_SECRET_API_KEY, NULL, &error);
  g_assert_cmpstr (found, ==, KEY);
  g_assert_true (dlv_secrets_clear_sync (dlv_store_get_path (f->store), f->account_id, NULL, &error));
  g_clear_pointer (&found, g_free);
  found = dlv_secrets_lookup_sync (dlv_store_get_path (f->store), f->account_id, DLV_SECRET_API_KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (found);
}

/* A refused key is not retried on a timer; Refresh tries once more. */
static void
test_unauthorized_stops (DlvProviderFixture *f,
                         gconstpointer       data)
{
  g_autoptr(DlvPoller) poller = mailgun_poller (f);
  g_autoptr(DlvAccount) account = NULL;
  gboolean waiting = FALSE;
  guint rounds = 0;

  dlv_test_server_add_status (f->server, "GET", "/v3/", 401, "Forbidden");
  dlv_poller_set_interval (poller, 1);
  g_signal_connect (poller, "updated", G_CALLBACK (count_round_cb), &rounds);
  dlv_poller_start (poller);
  g_assert_true (wait_for (&rounds, 1, 30000));

  g_assert_nonnull (strstr (dlv_poller_get_last_error (poller), "API key"));
  account = dlv_store_get_account (f->store, f->account_id, NULL);
  g_assert_nonnull (strstr (account->last_error, "API key"));
  g_assert_true (dlv_poller_get_account_schedule (poller, f->account_id, NULL, &waiting));
  g_assert_true (waiting);

  /* Rounds go on (every second) but the account waits for the user. */
  g_assert_true (wait_for (&rounds, 3, 30000));
  g_assert_cmpuint (dlv_test_server_count (f->server, "/events"), ==, 1);

  dlv_poller_poll_now (poller);
  g_assert_true (wait_for (&rounds, 4, 30000));
  g_assert_cmpuint (dlv_test_server_count (f->server, "/events"), ==, 2);
}

/* After a 429 the account comes back when the provider said (never
 * sooner than Mailgun's 15 s floor), not one (long) interval later. */
static void
test_retry_after (DlvProviderFixture *f,
                  gconstpointer       data)
{
  g_autoptr(DlvPoller) poller = mailgun_poller (f);
  DlvTestReply limited = { .status = 429, .body = "{}", .retry_after = "16" };
  gint64 next_poll_at = 0;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  gboolean waiting = TRUE;
  guint rounds = 0;

  dlv_test_server_add (f->server, "GET", "/v3/mg.example.com/events?", &limited);
  serve_mailgun (f);
  dlv_poller_set_interval (poller, 3600);
  g_signal_connect (poller, "updated", G_CALLBACK (count_round_cb), &rounds);
  dlv_poller_start (poller);
  g_assert_true (wait_for (&rounds, 1, 30000));
  g_assert_nonnull (strstr (dlv_poller_get_last_error (poller), "slow down"));
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 0);
  g_assert_true (dlv_poller_get_account_schedule (poller, f->account_id, &next_poll_at, &waiting));
  g_assert_false (waiting);
  g_assert_cmpint (next_poll_at, >=, before + 16);
  g_assert_cmpint (next_poll_at, <=, g_get_real_time () / G_USEC_PER_SEC + 16);

  /* Not before the provider said; then the round that polls it succeeds. */
  g_assert_true (wait_for_quiet_round (poller, &rounds, 40000));
  g_assert_cmpint (g_get_real_time () / G_USEC_PER_SEC, >=, next_poll_at);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 5);
}

/* Offline, a real account waits (the cached data stays), the demo goes on;
 * when the network comes back, the account is polled at once. */
static void
test_offline_waits (DlvProviderFixture *f,
                    gconstpointer       data)
{
  g_autoptr(DlvPoller) poller = mailgun_poller (f);
  g_autoptr(DlvFakeMonitor) monitor = g_object_new (DLV_TYPE_FAKE_MONITOR, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  guint rounds = 0;

  serve_mailgun (f);
  set_available (monitor, FALSE);
  dlv_poller_set_network_monitor (poller, G_NETWORK_MONITOR (monitor));
  g_assert_true (dlv_poller_get_offline (poller));
  cursor = dlv_demo_provider_make_cursor (7, 50, 24, g_get_real_time () / G_USEC_PER_SEC);
  dlv_store_add_account (f->store, "demo", "Demo", 72, NULL, cursor, &error);
  g_assert_no_error (error);

  dlv_poller_set_interval (poller, 3600);
  g_signal_connect (poller, "updated", G_CALLBACK (count_round_cb), &rounds);
  dlv_poller_start (poller);
  g_assert_true (wait_for (&rounds, 1, 30000));
  g_assert_cmpuint (dlv_test_server_count (f->server, "/"), ==, 0);
  /* The waiting account does not make a round every second. */
  g_assert_false (wait_for (&rounds, 2, 2500));
  g_assert_cmpuint (dlv_test_count_messages (f->store), >, 0);
  g_assert_null (dlv_test_find_message (f->store, "20260115083520.1a2b3c4d5e6f7a8b@mg.example.com"));

  set_available (monitor, TRUE);
  g_assert_false (dlv_poller_get_offline (poller));
  g_assert_true (wait_for (&rounds, 2, 30000));
  g_assert_cmpuint (dlv_test_server_count (f->server, "/events"), ==, 3);
  g_assert_nonnull (dlv_test_find_message (f->store, "20260115083520.1a2b3c4d5e6f7a8b@mg.example.com"));
}

/* An account just added, whose key the dialog is still writing, is not
 * marked as refusing its key. */
static void
test_new_account_waits_for_key (DlvProviderFixture *f,
                                gconstpointer       data)
{
  g_autoptr(DlvProvider) provider = dlv_provider_fixture_provider (f, "mailgun", KEY, NULL, "mg.example.com");
  g_autoptr(DlvPoller) poller = dlv_poller_new (dlv_store_get_path (f->store));
  g_autoptr(DlvAccount) account = NULL;
  gboolean waiting = TRUE;
  guint rounds = 0;

  serve_mailgun (f);
  dlv_poller_set_network_monitor (poller, NULL);
  g_signal_connect (poller, "updated", G_CALLBACK (count_round_cb), &rounds);
  dlv_poller_start (poller);
  g_assert_true (wait_for (&rounds, 1, 30000));

  g_assert_null (dlv_poller_get_last_error (poller));
  account = dlv_store_get_account (f->store, f->account_id, NULL);
  g_assert_null (account->last_error);
  g_assert_false (dlv_poller_get_account_schedule (poller, f->account_id, NULL, &waiting));
  g_assert_false (waiting);
  g_assert_cmpuint (dlv_test_server_count (f->server, "/"), ==, 0);
}

static void
finalized_cb (gpointer  data,
              GObject  *where)
{
  *(guint *) data = 1;
}

/* Quitting in the middle of a slow request aborts it: the poller goes
 * away long before the server would have answered, and nothing is half
 * stored. */
static void
test_quit_cancels (DlvProviderFixture *f,
                   gconstpointer       data)
{
  DlvPoller *poller = mailgun_poller (f);
  g_autoptr(DlvAccount) account = NULL;
  DlvTestReply slow = { .status = 200, .body = "@mailgun/page1.json", .mode = DLV_TEST_REPLY_SLOW, .delay_ms = 8000 };
  guint gone = 0;
  gint64 start;

  dlv_test_server_add (f->server, "GET", "/v3/mg.example.com/events?", &slow);
  g_object_weak_ref (G_OBJECT (poller), finalized_cb, &gone);
  dlv_poller_start (poller);
  while (dlv_test_server_count (f->server, "/events") == 0)
    g_usleep (10000);

  start = g_get_monotonic_time ();
  g_object_run_dispose (G_OBJECT (poller));
  g_object_unref (poller);
  g_assert_true (wait_for (&gone, 1, 4000));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);
  g_assert_cmpuint (dlv_test_count_events (f->store), ==, 0);
  /* Quitting is not a problem of the account's. */
  account = dlv_store_get_account (f->store, f->account_id, NULL);
  g_assert_null (account->last_error);
}

static void
test_next_delay (void)
{
  DlvPollOutcome ok = { .ok = TRUE, .min_poll_seconds = 120 };
  DlvPollOutcome limited = { .provider_error = TRUE, .error_code = DLV_PROVIDER_ERROR_RATE_LIMITED, .retry_after = 300 };
  DlvPollOutcome limited_unsaid = { .provider_error = TRUE, .error_code = DLV_PROVIDER_ERROR_RATE_LIMITED, .retry_after = -1 };
  DlvPollOutcome server = { .provider_error = TRUE, .error_code = DLV_PROVIDER_ERROR_SERVER, .retry_after = -1 };
  DlvPollOutcome forbidden = { .provider_error = TRUE, .error_code = DLV_PROVIDER_ERROR_FORBIDDEN };
  gboolean stop;
  guint delay;

  /* The provider's floor beats a shorter user interval. */
  g_assert_cmpuint (dlv_poll_next_delay (&ok, 60, 0, &stop), ==, 120);
  g_assert_false (stop);
  g_assert_cmpuint (dlv_poll_next_delay (&ok, 600, 0, &stop), ==, 600);
  g_assert_cmpuint (dlv_poll_next_delay (&limited, 60, 1, &stop), ==, 300);

  /* Doubling per failure with ±10 % jitter, capped at an hour. */
  delay = dlv_poll_next_delay (&server, 60, 1, &stop);
  g_assert_cmpuint (delay, >=, 54);
  g_assert_cmpuint (delay, <=, 66);
  delay = dlv_poll_next_delay (&server, 60, 4, &stop);
  g_assert_cmpuint (delay, >=, 432);
  g_assert_cmpuint (delay, <=, 528);
  delay = dlv_poll_next_delay (&limited_unsaid, 60, 20, &stop);
  g_assert_cmpuint (delay, >=, 3240);
  g_assert_cmpuint (delay, <=, 3960);
  g_assert_false (stop);

  dlv_poll_next_delay (&forbidden, 60, 1, &stop);
  g_assert_true (stop);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, DlvProviderFixture, NULL, dlv_provider_fixture_set_up, func, dlv_provider_fixture_tear_down)

  g_test_add_func ("/poller/next-delay", test_next_delay);
  ADD ("/poller/key-from-keyring", test_key_from_keyring);
  ADD ("/poller/unauthorized-stops", test_unauthorized_stops);
  ADD ("/poller/retry-after", test_retry_after);
  ADD ("/poller/offline-waits", test_offline_waits);
  ADD ("/poller/quit-cancels", test_quit_cancels);
  ADD ("/poller/new-account-waits-for-key", test_new_account_waits_for_key);

  return g_test_run ();
}
