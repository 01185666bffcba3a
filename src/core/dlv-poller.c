/* dlv-poller.c: poll every account in the background, on a schedule
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each round polls every account in a worker thread with its own store
 * connection, so the window never waits on the network or on SQLite. After
 * a failed round the next one waits longer (doubling, with jitter, up to an
 * hour); a success returns to the normal interval. The cached data is never
 * touched by a failure: each page was committed with its cursor.
 */

#define G_LOG_DOMAIN "dlv-poller"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dlv-poll.h"
#include "dlv-poller.h"
#include "dlv-providers.h"
#include "dlv-store.h"
#include "dlv-util.h"

#define MAX_BACKOFF_SECONDS 3600

struct _DlvPoller
{
  GObject parent_instance;

  char *store_path;
  guint interval;
  guint failures;
  guint timeout_id;
  gboolean running;
  gboolean polling;
  gboolean again;               /* a poll was asked for during a round */
  gint64 last_success;
  char *last_error;
  GCancellable *cancellable;
};

typedef struct
{
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
  N_PROPS
};

enum {
  UPDATED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (DlvPoller, dlv_poller, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void schedule (DlvPoller *self);

static void
round_result_free (RoundResult *result)
{
  g_string_free (result->errors, TRUE);
  g_free (result);
}

static void
poll_account (DlvStore     *store,
              DlvAccount   *account,
              RoundResult  *result,
              GCancellable *cancellable)
{
  g_autoptr(DlvProvider) provider = NULL;
  g_autoptr(GError) error = NULL;
  DlvPollStats stats;

  provider = dlv_providers_open_account (dlv_store_get_path (store), account, cancellable, &error);
  if (provider != NULL &&
      dlv_poll_account_sync (store, account->id, provider, 0, &stats, cancellable, &error))
    {
      result->events_added += stats.events_added;
      result->accounts_updated++;
      return;
    }

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
  const char *path = task_data;
  g_autoptr(DlvStore) store = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;
  RoundResult *result = g_new0 (RoundResult, 1);

  result->errors = g_string_new (NULL);
  store = dlv_store_open (path, &error);
  if (store != NULL)
    accounts = dlv_store_list_accounts (store, &error);

  if (accounts == NULL)
    g_string_append (result->errors, error->message);

  for (guint i = 0; accounts != NULL && i < accounts->len; i++)
    {
      if (g_cancellable_is_cancelled (cancellable))
        break;
      poll_account (store, g_ptr_array_index (accounts, i), result, cancellable);
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

static void
round_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(DlvPoller) self = user_data;
  RoundResult *round = g_task_propagate_pointer (G_TASK (result), NULL);

  set_polling (self, FALSE);
  if (round == NULL)
    return;

  /* Data is fresh for every account that answered, even if another failed. */
  if (round->accounts_updated > 0)
    {
      self->last_success = dlv_now ();
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SUCCESS]);
    }

  if (round->errors->len == 0)
    {
      self->failures = 0;
      set_last_error (self, NULL);
    }
  else
    {
      self->failures++;
      set_last_error (self, round->errors->str);
    }

  g_signal_emit (self, signals[UPDATED], 0, round->events_added);
  round_result_free (round);

  if (self->again)
    {
      self->again = FALSE;
      dlv_poller_poll_now (self);
    }
  else
    schedule (self);
}

static void
start_round (DlvPoller *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->polling)
    {
      self->again = TRUE;
      return;
    }

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  set_polling (self, TRUE);

  task = g_task_new (self, self->cancellable, round_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, start_round);
  g_task_set_task_data (task, g_strdup (self->store_path), g_free);
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

/* After failures the wait doubles, with ±10 % jitter so many clients
 * recovering from the same outage do not all come back at once. */
static guint
next_delay (DlvPoller *self)
{
  double delay = self->interval;

  for (guint i = 0; i < self->failures && delay < MAX_BACKOFF_SECONDS; i++)
    delay *= 2;
  delay = MIN (delay, MAX_BACKOFF_SECONDS);
  if (self->failures > 0)
    delay *= g_random_double_range (0.9, 1.1);

  return MAX ((guint) delay, 1);
}

static void
schedule (DlvPoller *self)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->running)
    self->timeout_id = g_timeout_add_seconds (next_delay (self), timeout_cb, self);
}

static void
dlv_poller_dispose (GObject *object)
{
  DlvPoller *self = (DlvPoller *) object;

  dlv_poller_stop (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (dlv_poller_parent_class)->dispose (object);
}

static void
dlv_poller_finalize (GObject *object)
{
  DlvPoller *self = (DlvPoller *) object;

  g_clear_pointer (&self->store_path, g_free);
  g_clear_pointer (&self->last_error, g_free);

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

  self->failures = 0;
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
    schedule (self);
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
