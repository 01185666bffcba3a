/* test-mailgun-events.c: Mailgun's documented events pages, and hostile ones
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "dlv-mailgun-events.h"
#include "dlv-provider.h"

static DlvEventPage *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  DlvEventPage *page = dlv_mailgun_parse_events_page (json, -1, TRUE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (page);
  return page;
}

static const DlvEvent *
event_at (DlvEventPage *page,
          guint         i)
{
  g_assert_cmpuint (i, <, page->events->len);
  return g_ptr_array_index (page->events, i);
}

static void
test_documented_page (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "mailgun-events-page.json", NULL);
  g_autofree char *json = NULL;
  g_autoptr(DlvEventPage) page = NULL;
  const DlvEvent *e;

  g_assert_true (g_file_get_contents (path, &json, NULL, NULL));
  page = parse (json);
  g_assert_cmpuint (page->skipped, ==, 0);
  g_assert_cmpuint (page->events->len, ==, 3);
  g_assert_true (page->more);
  g_assert_true (g_str_has_prefix (page->next_cursor, "https://api.mailgun.net/v3/mg.example.com/events/"));

  e = event_at (page, 0);
  g_assert_cmpint (e->kind, ==, DLV_EVENT_KIND_DELIVERED);
  g_assert_cmpstr (e->uid, ==, "hK7mQVt1QtqRiOfQXta4sw");
  g_assert_cmpint (e->at, ==, 1768466121);
  g_assert_cmpstr (e->message_id, ==, "20260115083520.1a2b3c4d5e6f7a8b@mg.example.com");
  g_assert_cmpstr (e->recipient, ==, "alice@example.org");
  g_assert_cmpstr (e->mx, ==, "aspmx.l.google.com");
  g_assert_cmpstr (e->campaign, ==, "invoice");
  g_assert_cmpstr (e->ip, ==, "198.51.100.23");

  e = event_at (page, 1);
  g_assert_cmpint (e->kind, ==, DLV_EVENT_KIND_DEFERRED);
  g_assert_cmpint (e->smtp_code, ==, 452);
  g_assert_cmpstr (e->enhanced_code, ==, "4.2.2");
  g_assert_cmpint (e->attempt, ==, 1);
  g_assert_cmpint (e->retry_in, ==, 600);
  g_assert_nonnull (strstr (e->reason, "over quota"));
  g_assert_nonnull (e->raw);

  e = event_at (page, 2);
  g_assert_cmpint (e->kind, ==, DLV_EVENT_KIND_HARD_BOUNCE);
  g_assert_cmpint (e->smtp_code, ==, 550);
}

static void
test_kinds (void)
{
  g_autoptr(DlvEventPage) page = parse (
    "{\"items\": ["
    "{\"id\":\"1\",\"event\":\"failed\",\"severity\":\"permanent\",\"reason\":\"old\",\"timestamp\":1,"
    " \"message\":{\"headers\":{\"message-id\":\"<a@x>\"}}},"
    "{\"id\":\"2\",\"event\":\"failed\",\"severity\":\"permanent\",\"reason\":\"suppress-bounce\",\"timestamp\":2,"
    " \"message\":{\"headers\":{\"message-id\":\"a@x\"}}},"
    "{\"id\":\"3\",\"event\":\"failed\",\"severity\":\"permanent\",\"reason\":\"generic\",\"timestamp\":3,"
    " \"delivery-status\":{\"code\":421,\"bounce-type\":\"soft\"},\"message\":{\"headers\":{\"message-id\":\"a@x\"}}},"
    "{\"id\":\"4\",\"event\":\"opened\",\"@timestamp\":\"2026-01-15T08:35:20.530Z\","
    " \"message\":{\"headers\":{\"message-id\":\"a@x\"}}},"
    "{\"id\":\"5\",\"event\":\"stored\",\"timestamp\":5,\"message\":{\"headers\":{\"message-id\":\"a@x\"}}},"
    "{\"id\":\"6\",\"event\":\"failed\",\"severity\":\"temporary\",\"timestamp\":\"6.5\","
    " \"delivery-status\":{\"code\":\"451\",\"attempt-no\":\"3\",\"mxhost\":\"mx.x\"},"
    " \"message\":{\"headers\":{\"message-id\":\"a@x\"}}}"
    "], \"paging\": {\"next\": \"https://api.mailgun.net/v3/x/events/n\"}}");

  g_assert_cmpuint (page->events->len, ==, 5);
  /* "stored" is not a delivery event: ignored, not counted as unreadable. */
  g_assert_cmpuint (page->skipped, ==, 0);
  g_assert_cmpint (event_at (page, 0)->kind, ==, DLV_EVENT_KIND_EXPIRED);
  g_assert_cmpstr (event_at (page, 0)->message_id, ==, "a@x");
  g_assert_cmpint (event_at (page, 1)->kind, ==, DLV_EVENT_KIND_BLOCKED);
  g_assert_cmpint (event_at (page, 2)->kind, ==, DLV_EVENT_KIND_SOFT_BOUNCE);
  g_assert_cmpint (event_at (page, 3)->kind, ==, DLV_EVENT_KIND_OPENED);
  g_assert_cmpint (event_at (page, 3)->at, ==, 1768466120);
  /* Numbers sent as strings are read. */
  g_assert_cmpint (event_at (page, 4)->kind, ==, DLV_EVENT_KIND_DEFERRED);
  g_assert_cmpint (event_at (page, 4)->at, ==, 6);
  g_assert_cmpint (event_at (page, 4)->smtp_code, ==, 451);
  g_assert_cmpint (event_at (page, 4)->attempt, ==, 3);
  g_assert_cmpstr (event_at (page, 4)->mx, ==, "mx.x");
}

/* Wrong types and missing fields lose that item only. */
static void
test_bad_items_skipped (void)
{
  g_autoptr(DlvEventPage) page = parse (
    "{\"items\": ["
    "42, \"text\", null, [],"
    "{\"event\":\"delivered\",\"timestamp\":\"yesterday\",\"message\":{\"headers\":{\"message-id\":\"a@x\"}}},"
    "{\"event\":\"delivered\",\"timestamp\":1,\"message\":\"not an object\"},"
    "{\"event\":\"delivered\",\"timestamp\":1,\"message\":{\"headers\":{\"message-id\":17}}},"
    "{\"event\":123,\"timestamp\":1,\"message\":{\"headers\":{\"message-id\":\"a@x\"}}},"
    "{\"id\":\"ok\",\"event\":\"delivered\",\"timestamp\":1e400,\"message\":{\"headers\":{\"message-id\":\"a@x\"}}},"
    "{\"id\":\"good\",\"event\":\"delivered\",\"timestamp\":7,\"recipient\":[1,2],"
    " \"delivery-status\":{\"code\":{\"x\":1},\"message\":false},\"message\":{\"headers\":{\"message-id\":\"a@x\"}}}"
    "], \"paging\": {}}");

  g_assert_cmpuint (page->events->len, ==, 1);
  g_assert_cmpuint (page->skipped, ==, 9);
  g_assert_cmpstr (event_at (page, 0)->uid, ==, "good");
  g_assert_null (event_at (page, 0)->recipient);
  g_assert_cmpint (event_at (page, 0)->smtp_code, ==, 0);
  g_assert_false (page->more);
}

static void
test_huge_string_capped (void)
{
  GString *json = g_string_new ("{\"items\": [{\"id\":\"1\",\"event\":\"failed\",\"severity\":\"temporary\","
                                "\"timestamp\":1,\"delivery-status\":{\"message\":\"");
  g_autoptr(DlvEventPage) page = NULL;

  for (guint i = 0; i < 10 * 1024 * 1024 / 8; i++)
    g_string_append (json, "<b>&amp;");
  g_string_append (json, "\"},\"message\":{\"headers\":{\"message-id\":\"a@x\"}}}]}");

  page = parse (json->str);
  g_string_free (json, TRUE);
  g_assert_cmpuint (page->events->len, ==, 1);
  g_assert_cmpuint (strlen (event_at (page, 0)->reason), <=, 64 * 1024);
  g_assert_true (g_str_has_prefix (event_at (page, 0)->reason, "<b>&amp;"));
}

static void
test_deep_nesting_refused (void)
{
  GString *json = g_string_new ("{\"items\": [");
  g_autoptr(GError) error = NULL;
  DlvEventPage *page;

  /* json-glib recurses per level: this would overflow the stack. */
  for (guint i = 0; i < 200000; i++)
    g_string_append_c (json, '[');
  for (guint i = 0; i < 200000; i++)
    g_string_append_c (json, ']');
  g_string_append (json, "]}");

  page = dlv_mailgun_parse_events_page (json->str, json->len, FALSE, &error);
  g_string_free (json, TRUE);
  g_assert_null (page);
  g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE);
}

/* A full page of 300 items, nested like every real one, is not "deep". */
static void
test_full_page (void)
{
  GString *json = g_string_new ("{\"items\": [");
  g_autoptr(DlvEventPage) page = NULL;

  for (guint i = 0; i < 300; i++)
    g_string_append_printf (json, "%s{\"id\":\"e%u\",\"event\":\"delivered\",\"timestamp\":%u,"
                            "\"delivery-status\":{\"code\":250},\"tags\":[\"a\"],"
                            "\"message\":{\"headers\":{\"message-id\":\"m%u@x\"}}}",
                            i ? "," : "", i, 1000 + i, i);
  g_string_append (json, "], \"paging\": {\"next\": \"https://api.mailgun.net/v3/x/events/n\"}}");

  page = parse (json->str);
  g_string_free (json, TRUE);
  g_assert_cmpuint (page->events->len, ==, 300);
  g_assert_cmpuint (page->skipped, ==, 0);
}

static void
test_invalid_utf8_repaired (void)
{
  g_autoptr(DlvEventPage) page = parse (
    "{\"items\": [{\"id\":\"1\",\"event\":\"delivered\",\"timestamp\":1,\"recipient\":\"b\xff\xfe@x.org\","
    "\"message\":{\"headers\":{\"message-id\":\"a@x\",\"subject\":\"Caf\xc3\xa9\"}}},"
    "{\"id\":\"2\",\"event\":\"opened\",\"timestamp\":2,\"message\":{\"headers\":{\"message-id\":\"a@x\"}}}]}");

  /* One bad byte does not cost the page: it is replaced, the rest kept. */
  g_assert_cmpuint (page->events->len, ==, 2);
  g_assert_cmpuint (page->repaired, ==, 1);
  g_assert_true (g_utf8_validate (event_at (page, 0)->recipient, -1, NULL));
  g_assert_cmpstr (event_at (page, 0)->subject, ==, "Caf\xc3\xa9");
}

static void
test_not_a_page (void)
{
  const char *bad[] = { "", "<html>502 Bad Gateway</html>", "{\"items\": 5}", "[1,2,3]", "{\"items\": [", "null" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      DlvEventPage *page = dlv_mailgun_parse_events_page (bad[i], -1, FALSE, &error);

      g_assert_null (page);
      g_assert_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dlv/mailgun/documented-page", test_documented_page);
  g_test_add_func ("/dlv/mailgun/kinds", test_kinds);
  g_test_add_func ("/dlv/mailgun/bad-items", test_bad_items_skipped);
  g_test_add_func ("/dlv/mailgun/huge-string", test_huge_string_capped);
  g_test_add_func ("/dlv/mailgun/deep-nesting", test_deep_nesting_refused);
  g_test_add_func ("/dlv/mailgun/full-page", test_full_page);
  g_test_add_func ("/dlv/mailgun/invalid-utf8", test_invalid_utf8_repaired);
  g_test_add_func ("/dlv/mailgun/not-a-page", test_not_a_page);

  return g_test_run ();
}
