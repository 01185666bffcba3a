/* test-cli.c: deliverability-cli end to end, its output parsed and checked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include "dlv-test-server.h"

typedef struct
{
  int status;
  char *out;
  char *err;
} Run;

static char *tmp_dir;
static char *db_path;

static void
run_free (Run *run)
{
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

static char **cli_environment;

/* Runs the real binary with --db pointing at the test's store. */
static Run *
cli (const char *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  Run *run = g_new0 (Run, 1);
  const char *arg;
  va_list args;
  int wait_status;

  g_ptr_array_add (argv, (char *) g_getenv ("DLV_CLI"));
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, db_path);
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, cli_environment, G_SPAWN_DEFAULT, NULL, NULL,
                &run->out, &run->err, &wait_status, &error);
  g_assert_no_error (error);
  run->status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  return run;
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* `messages --json`: one object per line. */
static GPtrArray *
parse_lines (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GPtrArray *objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_ptr_array_add (objects, parse (lines[i]));
  return objects;
}

static gboolean
is_iso_or_null (JsonObject *o,
                const char *member)
{
  JsonNode *node = json_object_get_member (o, member);
  g_autoptr(GDateTime) dt = NULL;

  g_assert_nonnull (node);
  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  dt = g_date_time_new_from_iso8601 (json_node_get_string (node), NULL);
  return dt != NULL;
}

static void
assert_message_shape (JsonObject *o)
{
  static const char * const statuses[] = {
    "accepted", "deferred", "delivered", "soft_bounce", "hard_bounce", "expired", "blocked", NULL,
  };
  const char *strings[] = { "account", "provider", "recipient" };
  const char *optional[] = { "sender", "subject", "campaign" };
  JsonNode *reason;

  g_assert_cmpint (json_node_get_value_type (json_object_get_member (o, "id")), ==, G_TYPE_INT64);
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    g_assert_nonnull (json_object_get_string_member (o, strings[i]));
  /* What a provider did not say is null, but the member is always there. */
  for (guint i = 0; i < G_N_ELEMENTS (optional); i++)
    {
      JsonNode *node = json_object_get_member (o, optional[i]);

      g_assert_nonnull (node);
      g_assert_true (JSON_NODE_HOLDS_NULL (node) || json_node_get_value_type (node) == G_TYPE_STRING);
    }
  g_assert_true (g_strv_contains (statuses, json_object_get_string_member (o, "status")));
  g_assert_true (json_node_get_value_type (json_object_get_member (o, "opened")) == G_TYPE_BOOLEAN);
  g_assert_true (json_node_get_value_type (json_object_get_member (o, "clicked")) == G_TYPE_BOOLEAN);
  g_assert_cmpint (json_object_get_int_member (o, "attempts"), >=, 0);
  g_assert_true (is_iso_or_null (o, "first_event_at"));
  g_assert_true (is_iso_or_null (o, "last_event_at"));
  g_assert_true (is_iso_or_null (o, "first_deferred_at"));
  g_assert_true (is_iso_or_null (o, "delivered_at"));

  reason = json_object_get_member (o, "reason");
  g_assert_nonnull (reason);
  if (!JSON_NODE_HOLDS_NULL (reason))
    {
      JsonObject *r = json_node_get_object (reason);

      g_assert_true (json_object_has_member (r, "smtp_code"));
      g_assert_true (json_object_has_member (r, "enhanced_code"));
      g_assert_true (json_object_has_member (r, "text"));
      g_assert_nonnull (json_object_get_string_member (r, "origin"));
      g_assert_nonnull (json_object_get_string_member (r, "cause"));
      g_assert_true (json_node_get_value_type (json_object_get_member (r, "action_needed")) == G_TYPE_BOOLEAN);
    }
}

static void
test_demo_and_messages (void)
{
  g_autoptr(Run) demo = cli ("demo", "--messages", "800", "--seed", "7", "--hours", "96", NULL);
  g_autoptr(Run) list = NULL;
  g_autoptr(Run) deferred = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) only_deferred = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint ever_deferred = 0;

  g_assert_cmpint (demo->status, ==, 0);
  g_assert_cmpstr (demo->err, ==, "");

  list = cli ("messages", "--json", "--limit", "0", NULL);
  g_assert_cmpint (list->status, ==, 0);
  messages = parse_lines (list->out);
  g_assert_cmpuint (messages->len, >=, 800);

  for (guint i = 0; i < messages->len; i++)
    {
      JsonObject *o = json_node_get_object (messages->pdata[i]);

      assert_message_shape (o);
      g_hash_table_add (seen, (gpointer) json_object_get_string_member (o, "status"));
      if (!json_object_get_null_member (o, "first_deferred_at"))
        ever_deferred++;
    }
  g_assert_true (g_hash_table_contains (seen, "delivered"));
  g_assert_cmpuint (ever_deferred, >, 0);

  deferred = cli ("messages", "--status", "deferred,expired", "--json", "--limit", "0", NULL);
  only_deferred = parse_lines (deferred->out);
  g_assert_cmpuint (only_deferred->len, >, 0);
  g_assert_cmpuint (only_deferred->len, <, messages->len);
  for (guint i = 0; i < only_deferred->len; i++)
    {
      const char *status = json_object_get_string_member (json_node_get_object (only_deferred->pdata[i]), "status");

      g_assert_true (g_str_equal (status, "deferred") || g_str_equal (status, "expired"));
    }
}

static void
test_message_timeline (void)
{
  g_autoptr(Run) list = cli ("messages", "--status", "delivered", "--json", "--limit", "0", NULL);
  g_autoptr(GPtrArray) messages = parse_lines (list->out);
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *id = NULL;
  JsonArray *events;
  JsonObject *o;

  /* A message that was deferred before it was delivered. */
  for (guint i = 0; i < messages->len && id == NULL; i++)
    {
      o = json_node_get_object (messages->pdata[i]);
      if (!json_object_get_null_member (o, "first_deferred_at"))
        id = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (o, "id"));
    }
  g_assert_nonnull (id);

  {
    g_autoptr(Run) show = cli ("message", id, "--json", NULL);

    g_assert_cmpint (show->status, ==, 0);
    detail = parse (show->out);
  }
  o = json_node_get_object (detail);
  assert_message_shape (o);
  g_assert_false (json_object_get_null_member (o, "reason"));
  events = json_object_get_array_member (o, "events");
  g_assert_cmpuint (json_array_get_length (events), >=, 2);
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *e = json_array_get_object_element (events, i);
      const char *keys[] = { "kind", "at", "smtp_code", "enhanced_code", "text", "attempt", "mx" };

      for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
        g_assert_true (json_object_has_member (e, keys[k]));
    }
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (events, 0), "kind"), ==,
                   "accepted");
}

static void
test_conversion (void)
{
  g_autoptr(Run) run = cli ("conversion", "--json", NULL);
  g_autoptr(Run) gmail = cli ("conversion", "--domain", "gmail", "--json", NULL);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) gmail_root = NULL;
  JsonObject *o;
  JsonArray *points;

  g_assert_cmpint (run->status, ==, 0);
  root = parse (run->out);
  o = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (o, "cohort"), >, 0);
  points = json_object_get_array_member (o, "points");
  g_assert_cmpuint (json_array_get_length (points), ==, 73);

  for (guint h = 0; h < 73; h++)
    {
      JsonObject *p = json_array_get_object_element (points, h);
      double d = json_object_get_double_member (p, "delivered");
      double b = json_object_get_double_member (p, "bounced");
      double e = json_object_get_double_member (p, "expired");
      double pending = json_object_get_double_member (p, "pending");

      g_assert_cmpint (json_object_get_int_member (p, "hour"), ==, h);
      g_assert_cmpfloat_with_epsilon (d + b + e + pending, 1.0, 1e-9);
      if (h > 0)
        {
          JsonObject *prev = json_array_get_object_element (points, h - 1);

          g_assert_cmpfloat (d, >=, json_object_get_double_member (prev, "delivered"));
          g_assert_cmpfloat (b, >=, json_object_get_double_member (prev, "bounced"));
          g_assert_cmpfloat (e, >=, json_object_get_double_member (prev, "expired"));
        }
    }
  /* Most deferred mail is delivered within a day. */
  g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (points, 24), "delivered"), >, 0.5);

  g_assert_cmpint (gmail->status, ==, 0);
  gmail_root = parse (gmail->out);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (gmail_root), "cohort"), <,
                   json_object_get_int_member (o, "cohort"));
}

static void
test_domains (void)
{
  static const char * const names[] = { "dkim1", "dkim2", "spf_return_path", "dmarc", NULL };
  static const char * const statuses[] = { "valid", "invalid", "missing", "unknown", NULL };
  g_autoptr(Run) run = cli ("domains", "--json", NULL);
  g_autoptr(GPtrArray) domains = parse_lines (run->out);
  guint blocked = 0;

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpuint (domains->len, >=, 2);
  for (guint i = 0; i < domains->len; i++)
    {
      JsonObject *d = json_node_get_object (domains->pdata[i]);
      JsonArray *records = json_object_get_array_member (d, "records");

      g_assert_nonnull (json_object_get_string_member (d, "domain"));
      g_assert_nonnull (json_object_get_string_member (d, "account"));
      g_assert_cmpuint (json_array_get_length (records), ==, 4);
      for (guint r = 0; r < 4; r++)
        {
          JsonObject *record = json_array_get_object_element (records, r);

          g_assert_cmpstr (json_object_get_string_member (record, "name"), ==, names[r]);
          g_assert_true (g_strv_contains (statuses, json_object_get_string_member (record, "status")));
          g_assert_true (json_object_has_member (record, "host"));
          g_assert_true (json_object_has_member (record, "type"));
          g_assert_true (json_object_has_member (record, "expected"));
        }
      if (!json_object_get_boolean_member (d, "can_send"))
        blocked++;
    }
  g_assert_cmpuint (blocked, ==, 1);
}

static void
test_explain (void)
{
  g_autoptr(Run) run = cli ("explain", "--json", "450 4.2.2 Mailbox full", NULL);
  g_autoptr(Run) human = cli ("explain", "451 4.7.1 Greylisted, try again in 5 minutes", NULL);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;

  g_assert_cmpint (run->status, ==, 0);
  root = parse (run->out);
  o = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (o, "origin"), ==, "recipient");
  g_assert_cmpstr (json_object_get_string_member (o, "cause"), ==, "mailbox_full");
  g_assert_false (json_object_get_boolean_member (o, "action_needed"));
  g_assert_cmpint (json_object_get_int_member (o, "smtp_code"), ==, 450);
  g_assert_cmpstr (json_object_get_string_member (o, "enhanced_code"), ==, "4.2.2");
  g_assert_cmpstr (json_object_get_string_member (o, "summary"), !=, "");
  g_assert_cmpstr (json_object_get_string_member (o, "advice"), !=, "");

  g_assert_cmpint (human->status, ==, 0);
  g_assert_nonnull (strstr (human->out, "451"));
}

static void
test_csv (void)
{
  g_autoptr(Run) run = cli ("messages", "--csv", "--limit", "5", NULL);
  g_auto(GStrv) lines = g_strsplit (run->out, "\r\n", -1);

  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (g_str_has_prefix (lines[0], "id,status,recipient"));
  g_assert_cmpuint (g_strv_length (lines), ==, 7);   /* header, 5 rows, final empty */
  g_assert_true (g_str_has_prefix (lines[1], "\""));
}

static void
test_again_adds_nothing_old (void)
{
  g_autoptr(Run) before = cli ("messages", "--json", "--limit", "0", NULL);
  g_autoptr(Run) demo = cli ("demo", "--messages", "800", "--seed", "7", "--hours", "96", NULL);
  g_autoptr(Run) after = cli ("messages", "--json", "--limit", "0", NULL);
  g_autoptr(GPtrArray) a = parse_lines (before->out);
  g_autoptr(GPtrArray) b = parse_lines (after->out);

  /* Same simulation: it only catches up with the clock, no duplicates. */
  g_assert_cmpint (demo->status, ==, 0);
  g_assert_cmpuint (b->len, >=, a->len);
  g_assert_cmpuint (b->len, <=, a->len + 5);
}

static void
test_errors (void)
{
  g_autofree char *notes = g_build_filename (tmp_dir, "notes.txt", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(Run) unknown = cli ("frobnicate", NULL);
  g_autoptr(Run) bad_id = cli ("message", "abc", NULL);
  g_autoptr(Run) missing = cli ("message", "99999999", NULL);
  g_autoptr(Run) bad_status = cli ("messages", "--status", "lost", NULL);
  g_autoptr(Run) bad_option = cli ("messages", "--colour", NULL);
  const char *saved = db_path;

  g_assert_cmpint (unknown->status, ==, 2);
  g_assert_cmpint (bad_id->status, ==, 2);
  g_assert_cmpint (missing->status, ==, 1);
  g_assert_nonnull (strstr (missing->err, "no message"));
  g_assert_cmpint (bad_status->status, ==, 2);
  g_assert_cmpint (bad_option->status, ==, 2);

  /* A file that is not a store is refused, not overwritten. */
  g_file_set_contents (notes, "my notes\n", -1, NULL);
  db_path = notes;
  {
    g_autoptr(Run) refused = cli ("messages", NULL);
    g_autoptr(Run) refused_demo = cli ("demo", "--messages", "10", NULL);

    g_assert_cmpint (refused->status, ==, 1);
    g_assert_cmpint (refused_demo->status, ==, 1);
    g_assert_nonnull (strstr (refused->err, "not a Deliverability store"));
    /* One clear sentence, one line. */
    g_assert_cmpint (strchr (refused->err, '\n') - refused->err, ==, (int) strlen (refused->err) - 1);
  }
  db_path = (char *) saved;
  g_file_get_contents (notes, &contents, NULL, NULL);
  g_assert_cmpstr (contents, ==, "my notes\n");
}

/* Import: an events page, then webhook events as NDJSON, de-duplicated. */
static void
test_import (void)
{
  g_autofree char *page = g_test_build_filename (G_TEST_DIST, "fixtures", "mailgun-events-page.json", NULL);
  g_autofree char *ndjson = g_build_filename (tmp_dir, "webhooks.ndjson", NULL);
  g_autofree char *garbage = g_build_filename (tmp_dir, "garbage.json", NULL);
  g_autofree char *import_db = g_build_filename (tmp_dir, "import.db", NULL);
  char *saved = db_path;

  db_path = import_db;
  g_file_set_contents (ndjson,
                       "{\"signature\": {}, \"event-data\": {\"id\": \"w1\", \"event\": \"opened\","
                       " \"timestamp\": 1768470000.5, \"recipient\": \"alice@example.org\","
                       " \"message\": {\"headers\": {\"message-id\": \"20260115083520.1a2b3c4d5e6f7a8b@mg.example.com\"}}}}\n"
                       "not json\n"
                       "{\"id\": \"w2\", \"event\": \"delivered\", \"timestamp\": 1768470100,"
                       " \"recipient\": \"dave@example.com\","
                       " \"message\": {\"headers\": {\"message-id\": \"<new@mg.example.com>\"}}}\n",
                       -1, NULL);
  g_file_set_contents (garbage, "<html>not an export</html>", -1, NULL);

  {
    g_autoptr(Run) first = cli ("import", "--provider", "mailgun", page, NULL);
    g_autoptr(Run) again = cli ("import", "--provider", "mailgun", page, ndjson, NULL);
    g_autoptr(Run) list = cli ("messages", "--json", "--limit", "0", NULL);
    g_autoptr(GPtrArray) messages = parse_lines (list->out);
    g_autoptr(Run) bad = cli ("import", "--provider", "mailgun", garbage, NULL);
    g_autoptr(Run) unknown = cli ("import", "--provider", "pigeon", page, NULL);
    gboolean alice_opened = FALSE;

    g_assert_cmpint (first->status, ==, 0);
    g_assert_nonnull (strstr (first->out, "3 new events, 0 already stored"));
    g_assert_cmpint (again->status, ==, 0);
    g_assert_nonnull (strstr (again->out, "0 new events, 3 already stored"));
    g_assert_nonnull (strstr (again->out, "2 new events, 0 already stored, 1 unreadable"));

    g_assert_cmpuint (messages->len, ==, 4);
    for (guint i = 0; i < messages->len; i++)
      {
        JsonObject *o = json_node_get_object (messages->pdata[i]);

        assert_message_shape (o);
        g_assert_cmpstr (json_object_get_string_member (o, "provider"), ==, "mailgun");
        if (g_str_equal (json_object_get_string_member (o, "recipient"), "alice@example.org"))
          alice_opened = json_object_get_boolean_member (o, "opened");
      }
    g_assert_true (alice_opened);

    g_assert_cmpint (bad->status, ==, 1);
    g_assert_nonnull (strstr (bad->err, "garbage.json"));
    g_assert_cmpint (unknown->status, ==, 2);
  }

  db_path = saved;
}

/* `poll` against a local Mailgun, the key from DLV_API_KEY; then
 * `accounts` reports what it did. */
static void
test_poll_and_accounts (void)
{
  g_autoptr(DlvTestServer) server = dlv_test_server_new ();
  g_autofree char *poll_db = g_build_filename (tmp_dir, "poll.db", NULL);
  g_autofree char *db_bytes = NULL;
  char *saved = db_path;
  gsize length;

  dlv_test_server_add_status (server, "GET", "/v3/mg.example.com/events?", 200, "@mailgun/page1.json");
  dlv_test_server_add_status (server, "GET", "/events/PAGE2", 200, "@mailgun/page2.json");
  dlv_test_server_add_status (server, "GET", "/events/PAGE3", 200, "@mailgun/empty.json");
  dlv_test_server_add_status (server, "GET", "/v4/domains/", 200, "@mailgun/domain.json");
  db_path = poll_db;
  cli_environment = g_environ_setenv (g_get_environ (), "DLV_API_KEY", "key-from-environment-42", TRUE);

  {
    g_autoptr(Run) poll = cli ("poll", "--provider", "mailgun", "--base-url", dlv_test_server_get_url (server),
                               "--domain", "mg.example.com", "--once", NULL);
    g_autoptr(Run) again = cli ("poll", "--provider", "mailgun", "--base-url", dlv_test_server_get_url (server),
                                "--domain", "mg.example.com", "--once", NULL);
    g_autoptr(Run) accounts = cli ("accounts", "--json", NULL);
    g_autoptr(Run) text = cli ("accounts", NULL);
    g_autoptr(GPtrArray) lines = parse_lines (accounts->out);
    g_autoptr(Run) insecure = cli ("poll", "--provider", "mailgun", "--base-url", "http://api.mailgun.net",
                                   "--domain", "mg.example.com", "--once", NULL);
    g_autofree char *auth = dlv_test_server_last_header (server, "Authorization");
    JsonObject *account;

    g_assert_cmpint (poll->status, ==, 0);
    g_assert_nonnull (strstr (poll->out, "5 new events, 0 already stored, 0 unreadable; 1 sending domains"));
    g_assert_cmpint (again->status, ==, 0);
    g_assert_nonnull (strstr (again->out, "0 new events"));
    g_assert_cmpstr (auth, ==, "Basic YXBpOmtleS1mcm9tLWVudmlyb25tZW50LTQy");

    /* Both polls used the same account. */
    g_assert_cmpuint (lines->len, ==, 1);
    account = json_node_get_object (lines->pdata[0]);
    g_assert_cmpstr (json_object_get_string_member (account, "provider"), ==, "mailgun");
    g_assert_cmpstr (json_object_get_string_member (account, "domain"), ==, "mg.example.com");
    g_assert_true (json_object_get_boolean_member (account, "caught_up"));
    g_assert_true (is_iso_or_null (account, "last_data_at"));
    g_assert_false (JSON_NODE_HOLDS_NULL (json_object_get_member (account, "last_data_at")));
    g_assert_nonnull (strstr (text->out, "Mailgun · Last updated just now · History complete"));

    g_assert_cmpint (insecure->status, ==, 1);
    g_assert_nonnull (strstr (insecure->err, "https"));
  }

  /* The key from the environment reached the server and nothing else. */
  g_assert_true (g_file_get_contents (poll_db, &db_bytes, &length, NULL));
  g_assert_null (g_strstr_len (db_bytes, length, "key-from-environment-42"));

  g_clear_pointer (&cli_environment, g_strfreev);
  db_path = saved;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("dlv-cli-XXXXXX", &error);
  g_assert_no_error (error);
  db_path = g_build_filename (tmp_dir, "cli.db", NULL);

  /* In order: the first fills the store the others read. */
  g_test_add_func ("/dlv/cli/demo-and-messages", test_demo_and_messages);
  g_test_add_func ("/dlv/cli/message-timeline", test_message_timeline);
  g_test_add_func ("/dlv/cli/conversion", test_conversion);
  g_test_add_func ("/dlv/cli/domains", test_domains);
  g_test_add_func ("/dlv/cli/explain", test_explain);
  g_test_add_func ("/dlv/cli/csv", test_csv);
  g_test_add_func ("/dlv/cli/again", test_again_adds_nothing_old);
  g_test_add_func ("/dlv/cli/errors", test_errors);
  g_test_add_func ("/dlv/cli/import", test_import);
  g_test_add_func ("/dlv/cli/poll-and-accounts", test_poll_and_accounts);

  status = g_test_run ();

  {
    g_autoptr(GDir) dir = g_dir_open (tmp_dir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *file = g_build_filename (tmp_dir, name, NULL);
        g_unlink (file);
      }
    g_rmdir (tmp_dir);
  }
  return status;
}
