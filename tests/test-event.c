/* test-event.c: events, domains and the small shared helpers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "dlv-domain.h"
#include "dlv-event.h"
#include "dlv-util.h"

static void
test_derived_uid (void)
{
  g_autoptr(DlvEvent) a = dlv_event_new (DLV_EVENT_KIND_DEFERRED, 1768466120);
  g_autoptr(DlvEvent) b = NULL;
  g_autoptr(DlvEvent) c = NULL;

  a->message_id = g_strdup ("<abc@example.com>");
  a->reason = g_strdup ("450 4.2.2 Mailbox full");
  a->attempt = 2;
  b = dlv_event_copy (a);
  c = dlv_event_copy (a);
  c->attempt = 3;

  dlv_event_ensure_uid (a);
  dlv_event_ensure_uid (b);
  dlv_event_ensure_uid (c);
  g_assert_true (g_str_has_prefix (a->uid, "dlv:"));
  g_assert_cmpstr (a->uid, ==, b->uid);
  g_assert_cmpstr (a->uid, !=, c->uid);

  /* A provider's own id is kept. */
  g_free (c->uid);
  c->uid = g_strdup ("sg-event-1");
  dlv_event_ensure_uid (c);
  g_assert_cmpstr (c->uid, ==, "sg-event-1");
}

static void
test_names (void)
{
  for (guint k = 0; k < DLV_N_EVENT_KINDS; k++)
    {
      DlvEventKind kind;

      g_assert_true (dlv_event_kind_from_string (dlv_event_kind_to_string (k), &kind));
      g_assert_cmpint (kind, ==, k);
    }
  for (guint s = 0; s < DLV_N_MESSAGE_STATUSES; s++)
    {
      DlvMessageStatus status;

      g_assert_true (dlv_message_status_from_string (dlv_message_status_to_string (s), &status));
      g_assert_cmpint (status, ==, s);
    }
  g_assert_cmpstr (dlv_event_kind_to_string (DLV_EVENT_KIND_SOFT_BOUNCE), ==, "soft_bounce");
  g_assert_false (dlv_event_kind_from_string ("bounced", &(DlvEventKind) { 0 }));
  g_assert_false (dlv_message_status_from_string (NULL, &(DlvMessageStatus) { 0 }));
}

static void
test_times (void)
{
  g_autofree char *iso = dlv_format_iso8601 (1768466120);
  gint64 t = 0;

  g_assert_cmpstr (iso, ==, "2026-01-15T08:35:20Z");
  g_assert_true (dlv_parse_iso8601 ("2026-01-15T08:35:20Z", &t));
  g_assert_cmpint (t, ==, 1768466120);
  /* Postmark's 7-digit fractions with an offset, Resend's space form. */
  g_assert_true (dlv_parse_iso8601 ("2026-01-15T03:35:20.4178645-05:00", &t));
  g_assert_cmpint (t, ==, 1768466120);
  g_assert_true (dlv_parse_iso8601 ("2026-01-15 08:35:20.674981+00", &t));
  g_assert_cmpint (t, ==, 1768466120);
  g_assert_true (dlv_parse_iso8601 ("2026-01-15T08:35:20", &t));
  g_assert_cmpint (t, ==, 1768466120);
  g_assert_false (dlv_parse_iso8601 ("yesterday", &t));
  g_assert_false (dlv_parse_iso8601 (NULL, &t));
}

static void
test_recipient_domain (void)
{
  g_autofree char *plain = dlv_recipient_domain ("ann@Example.ORG");
  g_autofree char *named = dlv_recipient_domain ("Ann <ann@mail.example.org>");
  g_autofree char *none = dlv_recipient_domain ("not an address");
  g_autofree char *empty = dlv_recipient_domain ("ann@");

  g_assert_cmpstr (plain, ==, "example.org");
  g_assert_cmpstr (named, ==, "mail.example.org");
  g_assert_null (none);
  g_assert_null (empty);
}

static void
test_domain_verdict (void)
{
  g_autoptr(DlvDomain) d = dlv_domain_new ("news.example.com");
  g_autoptr(DlvDomain) copy = NULL;

  for (guint i = 0; i < DLV_N_RECORD_NAMES; i++)
    g_assert_cmpint (d->records[i].status, ==, DLV_RECORD_STATUS_UNKNOWN);
  g_assert_false (dlv_domain_can_send (d));

  dlv_domain_set_record (d, DLV_RECORD_DKIM1, DLV_RECORD_STATUS_VALID, "s1", "CNAME", "x", NULL);
  dlv_domain_set_record (d, DLV_RECORD_DKIM2, DLV_RECORD_STATUS_VALID, "s2", "CNAME", "y", NULL);
  dlv_domain_set_record (d, DLV_RECORD_SPF_RETURN_PATH, DLV_RECORD_STATUS_VALID, "em", "CNAME", "z", NULL);
  /* DMARC missing does not block sending. */
  dlv_domain_set_record (d, DLV_RECORD_DMARC, DLV_RECORD_STATUS_MISSING, "_dmarc", "TXT", "v=DMARC1", NULL);
  g_assert_true (dlv_domain_can_send (d));

  copy = dlv_domain_copy (d);
  g_assert_cmpstr (copy->records[DLV_RECORD_DKIM2].host, ==, "s2");
  dlv_domain_set_record (copy, DLV_RECORD_DKIM2, DLV_RECORD_STATUS_INVALID, "s2", "CNAME", "y", "wrong");
  g_assert_false (dlv_domain_can_send (copy));
  g_assert_true (dlv_domain_can_send (d));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dlv/event/derived-uid", test_derived_uid);
  g_test_add_func ("/dlv/event/names", test_names);
  g_test_add_func ("/dlv/util/times", test_times);
  g_test_add_func ("/dlv/util/recipient-domain", test_recipient_domain);
  g_test_add_func ("/dlv/domain/verdict", test_domain_verdict);

  return g_test_run ();
}
