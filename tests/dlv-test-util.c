/* dlv-test-util.c: what provider tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "dlv-test-util.h"

void
dlv_provider_fixture_set_up (DlvProviderFixture *fixture,
                             gconstpointer       data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("dlv-provider-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "store.sqlite", NULL);
  fixture->store = dlv_store_open (path, &error);
  g_assert_no_error (error);
  fixture->server = dlv_test_server_new ();
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

void
dlv_provider_fixture_tear_down (DlvProviderFixture *fixture,
                                gconstpointer       data)
{
  g_clear_pointer (&fixture->server, dlv_test_server_free);
  g_clear_object (&fixture->store);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
}

DlvProvider *
dlv_provider_fixture_provider (DlvProviderFixture *fixture,
                               const char         *name,
                               const char         *key,
                               const char         *secret,
                               const char         *domain)
{
  const DlvProviderInfo *info = dlv_providers_lookup (name);
  DlvAccountSettings settings = { NULL, (char *) domain, (char *) dlv_test_server_get_url (fixture->server) };
  g_autofree char *settings_json = NULL;
  g_autoptr(GError) error = NULL;
  DlvProvider *provider;

  g_assert_nonnull (info);
  provider = dlv_providers_create (info, &settings, key, secret, &error);
  g_assert_no_error (error);
  g_object_set (provider, "timeout-seconds", 1, NULL);

  settings_json = dlv_account_settings_to_json (&settings);
  fixture->account_id = dlv_store_add_account (fixture->store, name, info->title, info->retry_window_hours,
                                               settings_json, NULL, &error);
  g_assert_no_error (error);

  return provider;
}

/**
 * dlv_test_poll_refused:
 * @reply: how the requests matching @match are answered
 * @code: the DlvProviderError the poll must end with
 *
 * Polls once and checks the failure kept the store as it was: no events,
 * no cursor.
 *
 * Returns: (transfer full): the error, for the caller to read its words
 */
GError *
dlv_test_poll_refused (DlvProviderFixture *fixture,
                       DlvProvider        *provider,
                       const char         *method,
                       const char         *match,
                       const DlvTestReply *reply,
                       int                 code)
{
  g_autoptr(DlvAccount) account = NULL;
  GError *error = NULL;

  dlv_test_server_add (fixture->server, method, match, reply);
  g_assert_false (dlv_poll_account_sync (fixture->store, fixture->account_id, provider, 0, NULL, NULL, &error));
  g_assert_error (error, DLV_PROVIDER_ERROR, code);
  g_assert_cmpuint (dlv_test_count_events (fixture->store), ==, 0);
  account = dlv_store_get_account (fixture->store, fixture->account_id, NULL);
  g_assert_null (account->cursor);

  return error;
}

/**
 * dlv_test_assert_poll_broken:
 * @mode: a slow answer (2.5 s, against the fixture's 1 s timeout) or a
 *   truncated one
 *
 * dlv_test_poll_refused() for an answer that never arrives whole.
 */
void
dlv_test_assert_poll_broken (DlvProviderFixture *fixture,
                             DlvProvider        *provider,
                             const char         *method,
                             const char         *match,
                             const char         *body,
                             DlvTestReplyMode    mode,
                             int                 code)
{
  DlvTestReply reply = { .status = 200, .body = body, .mode = mode, .delay_ms = 2500 };
  g_autoptr(GError) error = dlv_test_poll_refused (fixture, provider, method, match, &reply, code);
}

static GPtrArray *
all_messages (DlvStore *store)
{
  DlvMessageFilter filter = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = dlv_store_query_message_ids (store, &filter, DLV_MESSAGE_SORT_LAST_EVENT, TRUE,
                                                       G_MAXINT64 / 2, &error);
  GPtrArray *messages;

  g_assert_no_error (error);
  messages = dlv_store_load_messages (store, (const gint64 *) ids->data, ids->len, &error);
  g_assert_no_error (error);

  return messages;
}

DlvMessage *
dlv_test_find_message (DlvStore   *store,
                       const char *provider_message_id)
{
  g_autoptr(GPtrArray) messages = all_messages (store);

  for (guint i = 0; i < messages->len; i++)
    {
      DlvMessage *message = g_ptr_array_index (messages, i);

      if (g_strcmp0 (message->provider_message_id, provider_message_id) == 0)
        return dlv_message_copy (message);
    }

  return NULL;
}

guint
dlv_test_count_messages (DlvStore *store)
{
  g_autoptr(GPtrArray) messages = all_messages (store);

  return messages->len;
}

guint
dlv_test_count_events (DlvStore *store)
{
  g_autoptr(GPtrArray) messages = all_messages (store);
  guint count = 0;

  for (guint i = 0; i < messages->len; i++)
    {
      DlvMessage *message = g_ptr_array_index (messages, i);
      g_autoptr(GPtrArray) events = dlv_store_get_message_events (store, message->id, NULL);

      g_assert_nonnull (events);
      count += events->len;
    }

  return count;
}

char *
dlv_test_message_events (DlvStore   *store,
                         const char *provider_message_id)
{
  g_autoptr(DlvMessage) message = dlv_test_find_message (store, provider_message_id);
  g_autoptr(GPtrArray) events = NULL;
  GString *text = g_string_new (NULL);

  if (message == NULL)
    return g_string_free (text, FALSE);

  events = dlv_store_get_message_events (store, message->id, NULL);
  for (guint i = 0; i < events->len; i++)
    {
      DlvEvent *event = g_ptr_array_index (events, i);

      g_string_append_printf (text, "%s%s@%" G_GINT64_FORMAT, i > 0 ? " " : "",
                              dlv_event_kind_to_string (event->kind), event->at);
    }

  return g_string_free (text, FALSE);
}

#define DLV_TYPE_FAKE_RESOLVER (dlv_fake_resolver_get_type ())
G_DECLARE_FINAL_TYPE (DlvFakeResolver, dlv_fake_resolver, DLV, FAKE_RESOLVER, GResolver)

struct _DlvFakeResolver
{
  GResolver parent_instance;

  GResolver *real;
  GStrv records;
};

G_DEFINE_FINAL_TYPE (DlvFakeResolver, dlv_fake_resolver, G_TYPE_RESOLVER)

static GList *
fake_lookup_records (GResolver            *resolver,
                     const char           *rrname,
                     GResolverRecordType   record_type,
                     GCancellable         *cancellable,
                     GError              **error)
{
  DlvFakeResolver *self = DLV_FAKE_RESOLVER (resolver);
  GList *found = NULL;

  for (guint i = 0; record_type == G_RESOLVER_RECORD_TXT && self->records[i] != NULL; i += 2)
    if (g_ascii_strcasecmp (self->records[i], rrname) == 0)
      {
        const char *parts[] = { self->records[i + 1], NULL };

        found = g_list_append (found, g_variant_ref_sink (g_variant_new ("(^as)", parts)));
      }

  if (found == NULL)
    g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "No record for “%s”", rrname);

  return found;
}

static GList *
fake_lookup_by_name (GResolver     *resolver,
                     const char    *hostname,
                     GCancellable  *cancellable,
                     GError       **error)
{
  return g_resolver_lookup_by_name (DLV_FAKE_RESOLVER (resolver)->real, hostname, cancellable, error);
}

static void
fake_lookup_by_name_async (GResolver           *resolver,
                           const char          *hostname,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_resolver_lookup_by_name_async (DLV_FAKE_RESOLVER (resolver)->real, hostname, cancellable, callback, user_data);
}

static GList *
fake_lookup_by_name_finish (GResolver     *resolver,
                            GAsyncResult  *result,
                            GError       **error)
{
  return g_resolver_lookup_by_name_finish (DLV_FAKE_RESOLVER (resolver)->real, result, error);
}

static void
dlv_fake_resolver_finalize (GObject *object)
{
  DlvFakeResolver *self = DLV_FAKE_RESOLVER (object);

  g_clear_object (&self->real);
  g_strfreev (self->records);

  G_OBJECT_CLASS (dlv_fake_resolver_parent_class)->finalize (object);
}

static void
dlv_fake_resolver_class_init (DlvFakeResolverClass *klass)
{
  GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = dlv_fake_resolver_finalize;
  resolver_class->lookup_records = fake_lookup_records;
  resolver_class->lookup_by_name = fake_lookup_by_name;
  resolver_class->lookup_by_name_async = fake_lookup_by_name_async;
  resolver_class->lookup_by_name_finish = fake_lookup_by_name_finish;
}

static void
dlv_fake_resolver_init (DlvFakeResolver *self)
{
}

void
dlv_test_use_fake_dns (const char * const *records)
{
  g_autoptr(DlvFakeResolver) resolver = g_object_new (DLV_TYPE_FAKE_RESOLVER, NULL);

  resolver->real = g_resolver_get_default ();
  if (DLV_IS_FAKE_RESOLVER (resolver->real))
    g_set_object (&resolver->real, DLV_FAKE_RESOLVER (resolver->real)->real);
  resolver->records = g_strdupv ((char **) records);
  g_resolver_set_default (G_RESOLVER (resolver));
}
