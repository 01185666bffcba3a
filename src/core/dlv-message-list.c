/* dlv-message-list.c: the Activity list, filtered and sorted by SQLite
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GListModel that holds only the ordered ids of the messages that match
 * (8 bytes each: 8 MB for a million) and builds item objects for the rows
 * GTK asks for, a block at a time, keeping a bounded cache. The ids are
 * queried in a worker thread on its own SQLite connection, so the window
 * never waits on a query; rows are read on the main thread by primary key,
 * which takes microseconds.
 */

#define G_LOG_DOMAIN "dlv-message-list"

#include "config.h"

#include <string.h>

#include "dlv-message-list.h"
#include "dlv-util.h"

#define BLOCK_SIZE 64
#define MAX_CACHED_ITEMS 2048
/* Above this many new rows, a change is announced as "all removed" then
 * "all added": GTK 4.8 looks through every added item for a removed row's
 * widget to reuse, which at a million rows reads the whole store. */
#define MAX_REPLACED_IN_PLACE 1024
/* A new query shows its first rows before all its ids are read: on a cold
 * store of a million messages the full list takes seconds, these do not. */
#define HEAD_ROWS 256

struct _DlvMessageList
{
  GObject parent_instance;

  DlvStore *store;
  GArray *ids;                  /* gint64, in display order */
  GHashTable *cache;            /* position -> DlvMessageItem */
  guint64 counts[DLV_N_MESSAGE_STATUSES];
  GError *error;
  gint64 now;
  gint64 (*now_func) (void);

  /* The query, with its strings owned here. */
  DlvMessageFilter filter;
  DlvMessageSort sort;
  gboolean descending;

  GCancellable *cancellable;
  guint generation;
  gboolean loading;
  gboolean counts_valid;        /* counts match the filter's non-status part */
};

typedef struct
{
  char *path;
  DlvMessageFilter filter;
  DlvMessageSort sort;
  gboolean descending;
  gint64 now;
  guint generation;
  gboolean want_counts;
  gboolean want_head;
  DlvMessageList *list;         /* for the head, delivered on the main context */
  GMainContext *context;
} Query;

typedef struct
{
  GArray *ids;
  guint64 counts[DLV_N_MESSAGE_STATUSES];
  gboolean has_counts;
} QueryResult;

enum {
  PROP_0,
  PROP_ITEM_TYPE,
  PROP_N_ITEMS,
  PROP_LOADING,
  N_PROPS
};

enum {
  LOADED,
  N_SIGNALS
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DlvMessageList, dlv_message_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
filter_copy (DlvMessageFilter       *dest,
             const DlvMessageFilter *src)
{
  *dest = src != NULL ? *src : (DlvMessageFilter) { 0 };
  dest->domain = g_strdup (dest->domain);
  dest->campaign = g_strdup (dest->campaign);
  dest->search = g_strdup (dest->search);
}

static void
filter_clear (DlvMessageFilter *filter)
{
  g_free ((char *) filter->domain);
  g_free ((char *) filter->campaign);
  g_free ((char *) filter->search);
  *filter = (DlvMessageFilter) { 0 };
}

static void
query_free (Query *query)
{
  g_clear_object (&query->list);
  g_clear_pointer (&query->context, g_main_context_unref);
  g_free (query->path);
  filter_clear (&query->filter);
  g_free (query);
}

static void
query_result_free (QueryResult *result)
{
  g_clear_pointer (&result->ids, g_array_unref);
  g_free (result);
}

typedef struct
{
  DlvMessageList *list;
  GArray *ids;
  guint generation;
  gint64 now;
} Head;

static void replace_ids (DlvMessageList *self,
                         GArray         *new_ids);

static gboolean
deliver_head_cb (gpointer user_data)
{
  Head *head = user_data;
  DlvMessageList *self = head->list;

  /* Only while its query is still the latest and has not answered in full. */
  if (head->generation == self->generation && self->loading)
    {
      self->now = head->now;
      replace_ids (self, g_steal_pointer (&head->ids));
    }

  return G_SOURCE_REMOVE;
}

static void
head_free (Head *head)
{
  g_clear_object (&head->list);
  g_clear_pointer (&head->ids, g_array_unref);
  g_free (head);
}

static void
send_head (Query    *query,
           DlvStore *store)
{
  g_autoptr(GArray) ids = dlv_store_query_message_ids_limited (store, &query->filter, query->sort,
                                                               query->descending, query->now,
                                                               HEAD_ROWS, NULL);
  Head *head;

  if (ids == NULL)
    return;

  g_autoptr(GSource) source = g_idle_source_new ();

  head = g_new0 (Head, 1);
  head->list = g_object_ref (query->list);
  head->ids = g_steal_pointer (&ids);
  head->generation = query->generation;
  head->now = query->now;

  /* A source, not g_main_context_invoke(): invoke would run the callback
   * right here in the worker whenever the main loop is between iterations. */
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver_head_cb, head, (GDestroyNotify) head_free);
  g_source_attach (source, query->context);
}

static void
run_query (GTask        *task,
           gpointer      source_object,
           gpointer      task_data,
           GCancellable *cancellable)
{
  Query *query = task_data;
  g_autoptr(DlvStore) store = NULL;
  g_autoptr(GError) error = NULL;
  QueryResult *result = g_new0 (QueryResult, 1);

  /* A connection of its own: SQLite connections are not shared across threads. */
  store = dlv_store_open (query->path, &error);
  if (store != NULL && query->want_head)
    send_head (query, store);
  if (store != NULL)
    result->ids = dlv_store_query_message_ids (store, &query->filter, query->sort,
                                               query->descending, query->now, &error);
  if (result->ids != NULL && query->want_counts)
    result->has_counts = dlv_store_count_statuses (store, &query->filter, query->now,
                                                   result->counts, &error);

  if (error != NULL)
    {
      query_result_free (result);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, result, (GDestroyNotify) query_result_free);
}

/* Length of the runs of ids the old and new lists share at both ends, so
 * a reload announces only the rows in between and the view keeps its place. */
static void
common_ends (GArray *old_ids,
             GArray *new_ids,
             guint  *prefix,
             guint  *suffix)
{
  guint max = MIN (old_ids->len, new_ids->len);

  for (*prefix = 0; *prefix < max; (*prefix)++)
    if (g_array_index (old_ids, gint64, *prefix) != g_array_index (new_ids, gint64, *prefix))
      break;

  for (*suffix = 0; *suffix < max - *prefix; (*suffix)++)
    if (g_array_index (old_ids, gint64, old_ids->len - 1 - *suffix) !=
        g_array_index (new_ids, gint64, new_ids->len - 1 - *suffix))
      break;
}

/* Installs @new_ids and announces the change; the model is in the state
 * each emission describes while it is emitted. */
static void
replace_ids (DlvMessageList *self,
             GArray         *new_ids)
{
  g_autoptr(GArray) old_ids = g_steal_pointer (&self->ids);
  guint prefix, suffix, removed, added;

  g_hash_table_remove_all (self->cache);
  common_ends (old_ids, new_ids, &prefix, &suffix);
  removed = old_ids->len - prefix - suffix;
  added = new_ids->len - prefix - suffix;

  if (removed > 0 && added > MAX_REPLACED_IN_PLACE)
    {
      /* First the old rows without the replaced middle, then the new ones. */
      self->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), prefix + suffix);
      g_array_append_vals (self->ids, old_ids->data, prefix);
      g_array_append_vals (self->ids, &g_array_index (old_ids, gint64, prefix + removed), suffix);
      g_list_model_items_changed (G_LIST_MODEL (self), prefix, removed, 0);

      g_clear_pointer (&self->ids, g_array_unref);
      self->ids = new_ids;
      g_list_model_items_changed (G_LIST_MODEL (self), prefix, 0, added);
    }
  else
    {
      self->ids = new_ids;
      if (removed > 0 || added > 0)
        g_list_model_items_changed (G_LIST_MODEL (self), prefix, removed, added);
    }

  if (old_ids->len != self->ids->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
set_loading (DlvMessageList *self,
             gboolean        loading)
{
  if (self->loading == loading)
    return;

  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
query_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(DlvMessageList) self = user_data;
  g_autoptr(GError) error = NULL;
  QueryResult *answer = g_task_propagate_pointer (G_TASK (result), &error);
  Query *query = g_task_get_task_data (G_TASK (result));

  /* A newer query was started meanwhile: its answer is the one to show. */
  if (query->generation != self->generation)
    {
      g_clear_pointer (&answer, query_result_free);
      return;
    }

  set_loading (self, FALSE);
  g_clear_error (&self->error);
  if (answer == NULL)
    {
      /* Not a warning: the list's owner shows it (dlv_message_list_get_error). */
      g_debug ("Could not list messages: %s", error->message);
      self->error = g_steal_pointer (&error);
      g_signal_emit (self, signals[LOADED], 0);
      return;
    }

  self->now = query->now;
  if (answer->has_counts)
    {
      memcpy (self->counts, answer->counts, sizeof self->counts);
      self->counts_valid = TRUE;
    }
  replace_ids (self, g_steal_pointer (&answer->ids));
  query_result_free (answer);

  g_signal_emit (self, signals[LOADED], 0);
}

/* The counts ignore the status filter: a status change can keep them. */
static gboolean
same_but_statuses (const DlvMessageFilter *a,
                   const DlvMessageFilter *b)
{
  return g_strcmp0 (a->domain, b->domain) == 0 && g_strcmp0 (a->campaign, b->campaign) == 0 &&
         g_strcmp0 (a->search, b->search) == 0 && a->since == b->since && a->until == b->until &&
         a->account_id == b->account_id && a->ever_deferred == b->ever_deferred;
}

static void
start_query (DlvMessageList *self,
             gboolean        new_query)
{
  g_autoptr(GTask) task = NULL;
  Query *query = g_new0 (Query, 1);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  query->path = g_strdup (dlv_store_get_path (self->store));
  filter_copy (&query->filter, &self->filter);
  query->sort = self->sort;
  query->descending = self->descending;
  query->now = self->now_func ();
  query->generation = ++self->generation;
  query->want_counts = !self->counts_valid;
  /* A refresh of the same query keeps the rows shown until it answers. */
  query->want_head = new_query;
  query->list = g_object_ref (self);
  query->context = g_main_context_ref_thread_default ();

  set_loading (self, TRUE);
  task = g_task_new (self, self->cancellable, query_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, start_query);
  g_task_set_task_data (task, query, (GDestroyNotify) query_free);
  g_task_run_in_thread (task, run_query);
}

/* Loads the block around @position and caches its items. */
static void
load_block (DlvMessageList *self,
            guint           position)
{
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  guint start = position - position % BLOCK_SIZE;
  guint count = MIN (BLOCK_SIZE, self->ids->len - start);

  if (g_hash_table_size (self->cache) > MAX_CACHED_ITEMS)
    g_hash_table_remove_all (self->cache);

  messages = dlv_store_load_messages (self->store, &g_array_index (self->ids, gint64, start),
                                      count, &error);
  if (messages == NULL)
    {
      g_warning ("Could not read messages: %s", error->message);
      return;
    }

  /* A message deleted since the query leaves a gap: those rows stay empty. */
  for (guint i = 0, j = 0; i < count && j < messages->len; i++)
    {
      DlvMessage *m = g_ptr_array_index (messages, j);

      if (m->id != g_array_index (self->ids, gint64, start + i))
        continue;

      g_hash_table_insert (self->cache, GUINT_TO_POINTER (start + i),
                           dlv_message_item_new (g_ptr_array_steal_index (messages, j), self->now));
    }
}

static GType
dlv_message_list_get_item_type (GListModel *model)
{
  return DLV_TYPE_MESSAGE_ITEM;
}

static guint
dlv_message_list_get_n_items (GListModel *model)
{
  DlvMessageList *self = DLV_MESSAGE_LIST (model);

  return self->ids->len;
}

static gpointer
dlv_message_list_get_item (GListModel *model,
                           guint       position)
{
  DlvMessageList *self = DLV_MESSAGE_LIST (model);
  DlvMessageItem *item;

  if (position >= self->ids->len)
    return NULL;

  item = g_hash_table_lookup (self->cache, GUINT_TO_POINTER (position));
  if (item == NULL)
    {
      load_block (self, position);
      item = g_hash_table_lookup (self->cache, GUINT_TO_POINTER (position));
    }

  /* GListModel wants an item at every position below n_items. */
  if (item == NULL)
    return dlv_message_item_new (dlv_message_new (), self->now);

  return g_object_ref (item);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = dlv_message_list_get_item_type;
  iface->get_n_items = dlv_message_list_get_n_items;
  iface->get_item = dlv_message_list_get_item;
}

static void
dlv_message_list_dispose (GObject *object)
{
  DlvMessageList *self = (DlvMessageList *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (dlv_message_list_parent_class)->dispose (object);
}

static void
dlv_message_list_finalize (GObject *object)
{
  DlvMessageList *self = (DlvMessageList *) object;

  g_clear_pointer (&self->ids, g_array_unref);
  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_error (&self->error);
  filter_clear (&self->filter);

  G_OBJECT_CLASS (dlv_message_list_parent_class)->finalize (object);
}

static void
dlv_message_list_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DlvMessageList *self = DLV_MESSAGE_LIST (object);

  switch (prop_id)
    {
    case PROP_ITEM_TYPE:
      g_value_set_gtype (value, DLV_TYPE_MESSAGE_ITEM);
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, self->ids->len);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dlv_message_list_class_init (DlvMessageListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dlv_message_list_dispose;
  object_class->finalize = dlv_message_list_finalize;
  object_class->get_property = dlv_message_list_get_property;

  properties[PROP_ITEM_TYPE] =
    g_param_spec_gtype ("item-type", NULL, NULL, G_TYPE_OBJECT,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted after each query has answered, with or without a change. */
  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
dlv_message_list_init (DlvMessageList *self)
{
  self->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->cache = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->sort = DLV_MESSAGE_SORT_LAST_EVENT;
  self->descending = TRUE;
  self->now_func = dlv_now;
}

/**
 * dlv_message_list_new:
 * @store: the store rows are read from on the main thread; queries open
 *   their own connection to the same file
 *
 * Returns: (transfer full): an empty list; set a query to fill it
 */
DlvMessageList *
dlv_message_list_new (DlvStore *store)
{
  DlvMessageList *self;

  g_return_val_if_fail (DLV_IS_STORE (store), NULL);

  self = g_object_new (DLV_TYPE_MESSAGE_LIST, NULL);
  self->store = g_object_ref (store);

  return self;
}

void
dlv_message_list_set_query (DlvMessageList         *self,
                            const DlvMessageFilter *filter,
                            DlvMessageSort          sort,
                            gboolean                descending)
{
  const DlvMessageFilter none = { 0 };
  gboolean new_query;

  g_return_if_fail (DLV_IS_MESSAGE_LIST (self));

  /* Only a change of status alone keeps the counts; the same query again
   * (a refresh after new events) counts anew. */
  if (filter == NULL || !same_but_statuses (&self->filter, filter) ||
      self->filter.statuses == filter->statuses)
    self->counts_valid = FALSE;
  new_query = self->ids->len == 0 || !same_but_statuses (&self->filter, filter ? filter : &none) ||
              (filter ? filter->statuses : 0) != self->filter.statuses ||
              sort != self->sort || descending != self->descending;
  filter_clear (&self->filter);
  filter_copy (&self->filter, filter);
  self->sort = sort;
  self->descending = descending;

  start_query (self, new_query);
}

/* Runs the same query again: after new events, or as time passes (expiry). */
void
dlv_message_list_reload (DlvMessageList *self)
{
  g_return_if_fail (DLV_IS_MESSAGE_LIST (self));

  self->counts_valid = FALSE;
  start_query (self, FALSE);
}

gboolean
dlv_message_list_get_loading (DlvMessageList *self)
{
  g_return_val_if_fail (DLV_IS_MESSAGE_LIST (self), FALSE);

  return self->loading;
}

/**
 * dlv_message_list_get_counts:
 *
 * Returns: (array fixed-size=7): messages per status under the current
 *   filter, whatever its status bits
 */
const guint64 *
dlv_message_list_get_counts (DlvMessageList *self)
{
  g_return_val_if_fail (DLV_IS_MESSAGE_LIST (self), NULL);

  return self->counts;
}

/**
 * dlv_message_list_get_error:
 *
 * Returns: (nullable): why the last query failed
 */
const GError *
dlv_message_list_get_error (DlvMessageList *self)
{
  g_return_val_if_fail (DLV_IS_MESSAGE_LIST (self), NULL);

  return self->error;
}

/* Tests pin the clock expiry is judged against. */
void
dlv_message_list_set_now_func (DlvMessageList *self,
                               gint64        (*now_func) (void))
{
  g_return_if_fail (DLV_IS_MESSAGE_LIST (self));

  self->now_func = now_func != NULL ? now_func : dlv_now;
}
