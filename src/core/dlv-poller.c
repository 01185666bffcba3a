/* dlv-poller.c: poll every account in the background, each on its own schedule
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Rounds run in a worker thread with its own store connection, so the
 * window never waits on the network or on SQLite. Each account keeps its
 * own clock: the user's interval (never under its provider's documented
 * floor) after success, the provider's Retry-After after a 429, doubling
 * waits with jitter after server errors and timeouts, and no automatic
 * polls at all after a refused key or a missing permission, which only
 * the user can fix (editing the account or pressing Refresh tries again).
 * While the machine is offline, accounts that need the network wait and
 * the demo goes on. The cached data is never touched by a failure: each
 * page was committed with its cursor.
 */

#define G_LOG_DOMAIN "dlv-poller"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dlv-poll.h"
#include "dlv-poller.h"
#include "dlv-providers.h"
#include "dlv-store.h"
#include "dlv-util.h"

/* How long a new account may wait for its key before a missing key counts. */
#define NEW_ACCOUNT_GRACE_SECONDS 120

typedef struct
{
  gint64 next_due;              /* Unix seconds */
  guint failures;
  gboolean stopped;             /* waits for the user */
} AccountSchedule;

struct _DlvPoller
{
  GObject parent_instance;

  char *store_path;
  guint interval;
  guint timeout_id;
  gboolean running;
  gboolean polling;
  gboolean again;               /* a poll was asked for during a round */
  gboolean force;               /* the next round polls every account */
  gboolean offline;
  gint64 last_success;
  char *last_error;
  GHashTable *schedule;         /* account id → AccountSchedule */
  GNetworkMonitor *monitor;
  GCancellable *cancellable;
};

/* What a round is given: a snapshot of the schedule, owned by the thread. */
typedef struct
{
  char *store_path;
  GHashTable *schedule;
  gboolean force;
  gboolean offline;
  gint64 now;
} RoundRequest;

typedef struct
{
  GArray *outcomes;             /* of DlvPollOutcome */
  GArray *account_ids;          /* every account in the store */
  guint events_added;
  guint accounts_updated;
  GString *errors;
} RoundResult;

enum {
  PROP_0,
  PROP_INTERVAL,
  PROP_POLLING,
  PROP_LAST_SUCCESS,
  PROP_LAST_ERROR,
  PROP_OFFLINE,
  N_PROPS
};

enum {
  UPDATED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (DlvPoller, dlv_poller, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void schedule_next_round (DlvPoller *self);
static void start_round (DlvPoller *self);

static GHashTable *
schedule_table_new (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
}

static AccountSchedule *
schedule_lookup (GHashTable *table,
                 gint64      account_id,
                 gboolean    create)
{
  AccountSchedule *entry = g_hash_table_lookup (table, &account_id);

  if (entry == NULL && create)
    {
      entry = g_new0 (AccountSchedule, 1);
      g_hash_table_insert (table, g_memdup2 (&account_id, sizeof account_id), entry);
    }

  return entry;
}

static GHashTable *
schedule_copy (GHashTable *table)
{
  GHashTable *copy = schedule_table_new ();
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy, g_memdup2 (key, sizeof (gint64)),
                         g_memdup2 (value, sizeof (AccountSchedule)));

  return copy;
}

static void
round_request_free (RoundRequest *request)
{
  g_free (request->store_path);
  g_hash_table_unref (request->schedule);
  g_free (request);
}

static void
round_result_free (RoundResult *result)
{
  g_array_unref (result->outcomes);
  g_array_unref (result->account_ids);
  g_string_free (result->errors, TRUE);
  g_free (result);
}

static gboolean
needs_network (const DlvAccount *account)
{
  return g_strcmp0 (account->provider, "demo") != 0;
}

static gboolean
is_due (const RoundRequest *request,
        const DlvAccount   *account)
{
  AccountSchedule *entry = schedule_lookup (request->schedule, account->id, FALSE);

  if (request->offline && needs_network (account))
    return FALSE;
  if (request->force || entry == NULL)
    return TRUE;

  return !entry->stopped && entry->next_due <= request->now;
}

static void
poll_account (DlvStore     *store,
              DlvAccount   *account,
              RoundResult  *result,
              GCancellable *cancellable)
{
  const DlvProviderInfo *info = dlv_providers_lookup (account->provider);
  g_autoptr(DlvProvider) provider = NULL;
  g_autoptr(GError) error = NULL;
  DlvPollOutcome outcome = { account->id, FALSE, 0, FALSE, -1, info != NULL ? info->min_poll_seconds : 0, 0 };
  DlvPollStats stats;

  provider = dlv_providers_open_account (dlv_store_get_path (store), account, cancellable, &error);
  if (provider != NULL &&
      dlv_poll_account_sync (store, account->id, provider, 0, &stats, cancellable, &error))
    {
      outcome.ok = TRUE;
      outcome.events_added = stats.events_added;
      result->events_added += stats.events_added;
      result->accounts_updated++;
      g_array_append_val (result->outcomes, outcome);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* An account just added whose key is still being written to the
   * keyring: not an error yet (saving it polls again). */
  if (provider == NULL && g_error_matches (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_UNAUTHORIZED) &&
      dlv_now () - account->created_at < NEW_ACCOUNT_GRACE_SECONDS)
    return;

  outcome.provider_error = error->domain == DLV_PROVIDER_ERROR;
  outcome.error_code = error->code;
  if (provider != NULL && outcome.error_code == DLV_PROVIDER_ERROR_RATE_LIMITED)
    outcome.retry_after = dlv_provider_get_last_reply (provider)->retry_after;
  g_array_append_val (result->outcomes, outcome);

  /* A provider's refusal is stored with the account (dlv_poll_account_sync)
   * so Preferences can show it; failures before any request (no key in the
   * keyring, an unknown provider) are stored here. */
  if (provider == NULL)
    dlv_store_set_account_status (store, account->id, dlv_now (), error->message, NULL);

  g_debug ("Polling %s failed: %s", account->name, error->message);
  if (result->errors->len > 0)
    g_string_append_c (result->errors, '\n');
  /* Translators: an account's name, then what went wrong */
  g_string_append_printf (result->errors, _("%s: %s"), account->name, error->message);
}

static void
run_round (GTask        *task,
           gpointer      source_object,
           gpointer      task_data,
           GCancellable *cancellable)
{
  RoundRequest *request = task_data;
  g_autoptr(DlvStore) store = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;
  RoundResult *result = g_new0 (RoundResult, 1);

  result->outcomes = g_array_new (FALSE, FALSE, sizeof (DlvPollOutcome));
  result->account_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  result->errors = g_string_new (NULL);
  store = dlv_store_open (request->store_path, &error);
  if (store != NULL)
    accounts = dlv_store_list_accounts (store, &error);

  if (accounts == NULL)
    g_string_append (result->errors, error->message);

  for (guint i = 0; accounts != NULL && i < accounts->len; i++)
    {
      DlvAccount *account = g_ptr_array_index (accounts, i);

      g_array_append_val (result->account_ids, account->id);
      if (g_cancellable_is_cancelled (cancellable) || !is_due (request, account))
        continue;
      poll_account (store, account, result, cancellable);
    }

  g_task_return_pointer (task, result, (GDestroyNotify) round_result_free);
}

static void
set_polling (DlvPoller *self,
             gboolean   polling)
{
  if (self->polling == polling)
    return;

  self->polling = polling;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POLLING]);
}

static void
set_last_error (DlvPoller  *self,
                const char *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;

  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

/* Forgets removed accounts and sets each polled account's next turn. */
static void
update_schedule (DlvPoller   *self,
                 RoundResult *round)
{
  g_autoptr(GHashTable) current = schedule_table_new ();
  gint64 now = dlv_now ();

  for (guint i = 0; i < round->account_ids->len; i++)
    {
      gint64 id = g_array_index (round->account_ids, gint64, i);
      AccountSchedule *entry = schedule_lookup (self->schedule, id, FALSE);

      if (entry != NULL)
        *schedule_lookup (current, id, TRUE) = *entry;
    }
  g_hash_table_unref (self->schedule);
  self->schedule = g_steal_pointer (&current);

  for (guint i = 0; i < round->outcomes->len; i++)
    {
      const DlvPollOutcome *outcome = &g_array_index (round->outcomes, DlvPollOutcome, i);
      AccountSchedule *entry = schedule_lookup (self->schedule, outcome->account_id, TRUE);
      guint delay;

      entry->failures = outcome->ok ? 0 : entry->failures + 1;
      delay = dlv_poll_next_delay (outcome, self->interval, entry->failures, &entry->stopped);
      entry->next_due = now + delay;
    }
}

static void
round_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(DlvPoller) self = user_data;
  RoundResult *round = g_task_propagate_pointer (G_TASK (result), NULL);

  set_polling (self, FALSE);
  if (round == NULL || self->schedule == NULL)
    {
      g_clear_pointer (&round, round_result_free);
      return;
    }

  update_schedule (self, round);

  /* Data is fresh for every account that answered, even if another failed. */
  if (round->accounts_updated > 0)
    {
      self->last_success = dlv_now ();
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SUCCESS]);
    }

  if (round->outcomes->len > 0 || round->errors->len > 0)
    set_last_error (self, round->errors->len > 0 ? round->errors->str : NULL);

  g_signal_emit (self, signals[UPDATED], 0, round->events_added);
  round_result_free (round);

  /* Asked for during the round: forced only if the user asked (force is
   * kept until a round starts), not when the network came back. */
  if (self->again)
    {
      self->again = FALSE;
      start_round (self);
    }
  else
    schedule_next_round (self);
}

static void
start_round (DlvPoller *self)
{
  g_autoptr(GTask) task = NULL;
  RoundRequest *request;

  if (self->polling)
    {
      self->again = TRUE;
      return;
    }

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  set_polling (self, TRUE);

  request = g_new0 (RoundRequest, 1);
  request->store_path = g_strdup (self->store_path);
  request->schedule = schedule_copy (self->schedule);
  request->force = self->force;
  request->offline = self->offline;
  request->now = dlv_now ();
  self->force = FALSE;

  task = g_task_new (self, self->cancellable, round_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, start_round);
  g_task_set_task_data (task, request, (GDestroyNotify) round_request_free);
  g_task_run_in_thread (task, run_round);
}

static gboolean
timeout_cb (gpointer user_data)
{
  DlvPoller *self = user_data;

  self->timeout_id = 0;
  start_round (self);

  return G_SOURCE_REMOVE;
}

/* The next round comes when the earliest account is due; new accounts
 * are found at the latest one interval later. */
static guint
seconds_to_next_round (DlvPoller *self)
{
  gint64 now = dlv_now ();
  gint64 next = now + self->interval;
  GHashTableIter iter;
  gpointer value;

  /* Offline, accounts already due wait for the network (which starts a
   * round when it returns), not for the next second. */
  if (self->offline)
    return self->interval;

  g_hash_table_iter_init (&iter, self->schedule);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      AccountSchedule *entry = value;

      if (!entry->stopped)
        next = MIN (next, entry->next_due);
    }

  /* A second more: g_timeout_add_seconds() may fire just before the
   * second the account is due, which would make an empty round. */
  return (guint) CLAMP (next - now + 1, 1, G_MAXINT);
}

static void
schedule_next_round (DlvPoller *self)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->running)
    self->timeout_id = g_timeout_add_seconds (seconds_to_next_round (self), timeout_cb, self);
}

static void
network_changed_cb (DlvPoller       *self,
                    gboolean         available,
                    GNetworkMonitor *monitor)
{
  gboolean offline = !available;

  if (self->offline == offline)
    return;

  self->offline = offline;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFLINE]);

  /* Back online: whatever waited is due now. */
  if (!offline && self->running)
    start_round (self);
}

static void
dlv_poller_dispose (GObject *object)
{
  DlvPoller *self = (DlvPoller *) object;

  dlv_poller_stop (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (dlv_poller_parent_class)->dispose (object);
}

static void
dlv_poller_finalize (GObject *object)
{
  DlvPoller *self = (DlvPoller *) object;

  g_clear_pointer (&self->store_path, g_free);
  g_clear_pointer (&self->last_error, g_free);
  g_clear_pointer (&self->schedule, g_hash_table_unref);

  G_OBJECT_CLASS (dlv_poller_parent_class)->finalize (object);
}

static void
dlv_poller_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  DlvPoller *self = DLV_POLLER (object);

  switch (prop_id)
    {
    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval);
      break;

    case PROP_POLLING:
      g_value_set_boolean (value, self->polling);
      break;

    case PROP_LAST_SUCCESS:
      g_value_set_int64 (value, self->last_success);
      break;

    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;

    case PROP_OFFLINE:
      g_value_set_boolean (value, self->offline);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dlv_poller_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  DlvPoller *self = DLV_POLLER (object);

  switch (prop_id)
    {
    case PROP_INTERVAL:
      dlv_poller_set_interval (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dlv_poller_class_init (DlvPollerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dlv_poller_dispose;
  object_class->finalize = dlv_poller_finalize;
  object_class->get_property = dlv_poller_get_property;
  object_class->set_property = dlv_poller_set_property;

  properties[PROP_INTERVAL] =
    g_param_spec_uint ("interval", NULL, NULL, 1, 24 * 3600, 60,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POLLING] =
    g_param_spec_boolean ("polling", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_SUCCESS] =
    g_param_spec_int64 ("last-success", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /* TRUE while accounts that need the network wait for it. */
  properties[PROP_OFFLINE] =
    g_param_spec_boolean ("offline", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* After every round, with the number of new events stored. */
  signals[UPDATED] = g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
dlv_poller_init (DlvPoller *self)
{
  self->interval = 60;
  self->cancellable = g_cancellable_new ();
  self->schedule = schedule_table_new ();
}

/**
 * dlv_poller_new:
 * @store_path: the store file; each round opens its own connection
 *
 * Returns: (transfer full): a poller, stopped
 */
DlvPoller *
dlv_poller_new (const char *store_path)
{
  DlvPoller *self;

  g_return_val_if_fail (store_path != NULL, NULL);

  self = g_object_new (DLV_TYPE_POLLER, NULL);
  self->store_path = g_strdup (store_path);
  dlv_poller_set_network_monitor (self, g_network_monitor_get_default ());

  return self;
}

/* Polls now, then every interval. */
void
dlv_poller_start (DlvPoller *self)
{
  g_return_if_fail (DLV_IS_POLLER (self));

  self->running = TRUE;
  start_round (self);
}

/* No further rounds; a round under way finishes its current page. */
void
dlv_poller_stop (DlvPoller *self)
{
  g_return_if_fail (DLV_IS_POLLER (self));

  self->running = FALSE;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
}

void
dlv_poller_poll_now (DlvPoller *self)
{
  g_return_if_fail (DLV_IS_POLLER (self));

  /* The user asked: every account, also those waiting for a fix. */
  self->force = TRUE;
  start_round (self);
}

void
dlv_poller_set_interval (DlvPoller *self,
                         guint      seconds)
{
  g_return_if_fail (DLV_IS_POLLER (self));

  seconds = CLAMP (seconds, 1, 24 * 3600);
  if (self->interval == seconds)
    return;

  self->interval = seconds;
  if (!self->polling)
    schedule_next_round (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
}

guint
dlv_poller_get_interval (DlvPoller *self)
{
  g_return_val_if_fail (DLV_IS_POLLER (self), 0);

  return self->interval;
}

gboolean
dlv_poller_get_polling (DlvPoller *self)
{
  g_return_val_if_fail (DLV_IS_POLLER (self), FALSE);

  return self->polling;
}

gint64
dlv_poller_get_last_success (DlvPoller *self)
{
  g_return_val_if_fail (DLV_IS_POLLER (self), 0);

  return self->last_success;
}

/**
 * dlv_poller_get_last_error:
 *
 * Returns: (nullable): what the last round could not do, in words, one line
 *   per account that failed; %NULL after a round that fully succeeded
 */
const char *
dlv_poller_get_last_error (DlvPoller *self)
{
  g_return_val_if_fail (DLV_IS_POLLER (self), NULL);

  return self->last_error;
}

/* Whether accounts that need the network are waiting for it. */
gboolean
dlv_poller_get_offline (DlvPoller *self)
{
  g_return_val_if_fail (DLV_IS_POLLER (self), FALSE);

  return self->offline;
}

/**
 * dlv_poller_set_network_monitor:
 * @monitor: (nullable): what says whether the network is there; %NULL
 *   assumes it always is
 *
 * The default monitor is GIO's; tests give their own.
 */
void
dlv_poller_set_network_monitor (DlvPoller       *self,
                                GNetworkMonitor *monitor)
{
  g_return_if_fail (DLV_IS_POLLER (self));

  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_set_object (&self->monitor, monitor);

  if (monitor != NULL)
    {
      g_signal_connect_object (monitor, "network-changed", G_CALLBACK (network_changed_cb), self,
                               G_CONNECT_SWAPPED);
      network_changed_cb (self, g_network_monitor_get_network_available (monitor), monitor);
    }
  else
    network_changed_cb (self, TRUE, NULL);
}

/**
 * dlv_poller_get_account_schedule:
 * @next_poll_at: (out) (optional): when the account is polled next, 0 when
 *   not yet scheduled
 * @waiting_for_user: (out) (optional): whether automatic polling stopped
 *   until the account is changed or the user refreshes
 *
 * Returns: %TRUE when the account has been polled since the poller started
 */
gboolean
dlv_poller_get_account_schedule (DlvPoller *self,
                                 gint64     account_id,
                                 gint64    *next_poll_at,
                                 gboolean  *waiting_for_user)
{
  AccountSchedule *entry;

  g_return_val_if_fail (DLV_IS_POLLER (self), FALSE);

  entry = schedule_lookup (self->schedule, account_id, FALSE);
  if (next_poll_at != NULL)
    *next_poll_at = entry != NULL && !entry->stopped ? entry->next_due : 0;
  if (waiting_for_user != NULL)
    *waiting_for_user = entry != NULL && entry->stopped;

  return entry != NULL;
}
