/* test-message.c: a message's status derived from its events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "dlv-message.h"

#define T0 1768466120   /* 2026-01-15T08:35:20Z */
#define HOUR 3600

static DlvEvent *
make_event (DlvEventKind  kind,
            gint64        at,
            const char   *reason)
{
  DlvEvent *event = dlv_event_new (kind, at);

  event->message_id = g_strdup ("msg-1");
  event->recipient = g_strdup ("Bob <Bob@Example.NET>");
  event->reason = g_strdup (reason);
  return event;
}

/* Applies events in the given order and returns the message. */
static DlvMessage *
fold (const DlvEventKind *kinds,
      const gint64       *times,
      guint               n)
{
  DlvMessage *message = dlv_message_new ();

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DlvEvent) event = make_event (kinds[i], times[i], NULL);

      dlv_message_apply_event (message, event, 72);
    }

  return message;
}

static void
test_deferred_then_delivered (void)
{
  g_autoptr(DlvMessage) m = dlv_message_new ();
  g_autoptr(DlvEvent) accepted = make_event (DLV_EVENT_KIND_ACCEPTED, T0, NULL);
  g_autoptr(DlvEvent) deferred = make_event (DLV_EVENT_KIND_DEFERRED, T0 + 10, "450 4.2.2 Mailbox full");
  g_autoptr(DlvEvent) delivered = make_event (DLV_EVENT_KIND_DELIVERED, T0 + 2 * HOUR, "250 2.0.0 OK");

  dlv_message_apply_event (m, accepted, 72);
  g_assert_cmpint (m->status, ==, DLV_MESSAGE_STATUS_ACCEPTED);
  g_assert_cmpstr (m->recipient_domain, ==, "example.net");

  dlv_message_apply_event (m, deferred, 72);
  g_assert_cmpint (m->status, ==, DLV_MESSAGE_STATUS_DEFERRED);
  g_assert_cmpint (m->first_deferred_at, ==, T0 + 10);
  g_assert_cmpint (m->expires_at, ==, T0 + 10 + 72 * HOUR);
  g_assert_cmpint (m->reason_info.smtp_code, ==, 450);
  g_assert_cmpstr (m->reason_info.enhanced_code, ==, "4.2.2");
  g_assert_cmpint (m->reason_info.cause, ==, DLV_REASON_CAUSE_MAILBOX_FULL);

  dlv_message_apply_event (m, delivered, 72);
  g_assert_cmpint (m->status, ==, DLV_MESSAGE_STATUS_DELIVERED);
  g_assert_cmpint (m->delivered_at, ==, T0 + 2 * HOUR);
  g_assert_cmpint (m->attempts, ==, 2);
  /* The delivery's "250 OK" is not a failure reason: the deferral's stays. */
  g_assert_cmpstr (m->reason, ==, "450 4.2.2 Mailbox full");
  g_assert_cmpint (m->first_event_at, ==, T0);
  g_assert_cmpint (m->last_event_at, ==, T0 + 2 * HOUR);
}

static void
test_late_bounce_overrides_delivered (void)
{
  DlvEventKind kinds[] = { DLV_EVENT_KIND_ACCEPTED, DLV_EVENT_KIND_DELIVERED,
                           DLV_EVENT_KIND_HARD_BOUNCE };
  gint64 times[] = { T0, T0 + 5, T0 + 3 * HOUR };
  g_autoptr(DlvMessage) m = fold (kinds, times, 3);

  g_assert_cmpint (m->status, ==, DLV_MESSAGE_STATUS_HARD_BOUNCE);
  g_assert_cmpint (m->status_at, ==, T0 + 3 * HOUR);
}

static void
test_open_implies_delivered (void)
{
  DlvEventKind kinds[] = { DLV_EVENT_KIND_ACCEPTED, DLV_EVENT_KIND_DEFERRED,
                           DLV_EVENT_KIND_CLICKED };
  gint64 times[] = { T0, T0 + 5, T0 + HOUR };
  g_autoptr(DlvMessage) m = fold (kinds, times, 3);

  g_assert_cmpint (m->status, ==, DLV_MESSAGE_STATUS_DELIVERED);
  g_assert_cmpint (m->delivered_at, ==, T0 + HOUR);
  g_assert_true (m->flags & DLV_MESSAGE_FLAG_OPENED);
  g_assert_true (m->flags & DLV_MESSAGE_FLAG_CLICKED);
}

static void
test_order_does_not_matter (void)
{
  DlvEventKind kinds[] = { DLV_EVENT_KIND_ACCEPTED, DLV_EVENT_KIND_DEFERRED,
                           DLV_EVENT_KIND_DEFERRED, DLV_EVENT_KIND_DELIVERED,
                           DLV_EVENT_KIND_OPENED, DLV_EVENT_KIND_BLOCKED };
  gint64 times[] = { T0, T0 + 60, T0 + 600, T0 + 1800, T0 + 7200, T0 + 9000 };
  g_autoptr(DlvMessage) forward = fold (kinds, times, G_N_ELEMENTS (kinds));
  DlvEventKind rkinds[G_N_ELEMENTS (kinds)];
  gint64 rtimes[G_N_ELEMENTS (kinds)];
  g_autoptr(DlvMessage) backward = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      rkinds[i] = kinds[G_N_ELEMENTS (kinds) - 1 - i];
      rtimes[i] = times[G_N_ELEMENTS (kinds) - 1 - i];
    }
  backward = fold (rkinds, rtimes, G_N_ELEMENTS (kinds));

  g_assert_cmpint (forward->status, ==, DLV_MESSAGE_STATUS_BLOCKED);
  g_assert_cmpint (backward->status, ==, forward->status);
  g_assert_cmpint (backward->status_at, ==, forward->status_at);
  g_assert_cmpint (backward->first_deferred_at, ==, T0 + 60);
  g_assert_cmpint (backward->first_deferred_at, ==, forward->first_deferred_at);
  g_assert_cmpint (backward->delivered_at, ==, forward->delivered_at);
  g_assert_cmpint (backward->attempts, ==, forward->attempts);
  g_assert_cmpint (backward->attempts, ==, 3);
  g_assert_cmpint (backward->last_event_at, ==, forward->last_event_at);
}

static void
test_expiry (void)
{
  DlvEventKind kinds[] = { DLV_EVENT_KIND_ACCEPTED, DLV_EVENT_KIND_DEFERRED,
                           DLV_EVENT_KIND_DEFERRED };
  gint64 times[] = { T0, T0 + 60, T0 + 30 * HOUR };
  g_autoptr(DlvMessage) m = fold (kinds, times, 3);

  g_assert_cmpint (dlv_message_get_status (m, T0 + 71 * HOUR), ==, DLV_MESSAGE_STATUS_DEFERRED);
  g_assert_cmpint (dlv_message_get_status (m, T0 + 60 + 72 * HOUR), ==, DLV_MESSAGE_STATUS_EXPIRED);

  /* A deferral that lasts more than a day calls for action, whatever its reason. */
  g_assert_false (dlv_message_get_action_needed (m, T0 + 2 * HOUR));
  g_assert_true (dlv_message_get_action_needed (m, T0 + 25 * HOUR));
}

static void
test_short_retry_window (void)
{
  g_autoptr(DlvMessage) m = dlv_message_new ();
  g_autoptr(DlvEvent) deferred = make_event (DLV_EVENT_KIND_DEFERRED, T0, "451 4.4.1 timeout");

  /* Mailgun gives up after 8 hours. */
  dlv_message_apply_event (m, deferred, 8);
  g_assert_cmpint (dlv_message_get_status (m, T0 + 7 * HOUR), ==, DLV_MESSAGE_STATUS_DEFERRED);
  g_assert_cmpint (dlv_message_get_status (m, T0 + 8 * HOUR), ==, DLV_MESSAGE_STATUS_EXPIRED);
}

static void
test_explicit_expiry_beats_delivery (void)
{
  DlvEventKind kinds[] = { DLV_EVENT_KIND_DEFERRED, DLV_EVENT_KIND_EXPIRED,
                           DLV_EVENT_KIND_DELIVERED };
  gint64 times[] = { T0, T0 + 8 * HOUR, T0 + 9 * HOUR };
  g_autoptr(DlvMessage) m = fold (kinds, times, 3);

  g_assert_cmpint (m->status, ==, DLV_MESSAGE_STATUS_EXPIRED);
}

static void
test_newest_reason_wins (void)
{
  g_autoptr(DlvMessage) m = dlv_message_new ();
  g_autoptr(DlvEvent) later = make_event (DLV_EVENT_KIND_DEFERRED, T0 + HOUR,
                                          "421 4.7.0 Try again later, closing connection.");
  g_autoptr(DlvEvent) earlier = make_event (DLV_EVENT_KIND_DEFERRED, T0,
                                            "450 4.2.2 Mailbox full");

  later->attempt = 2;
  earlier->attempt = 1;
  dlv_message_apply_event (m, later, 72);
  dlv_message_apply_event (m, earlier, 72);

  g_assert_cmpstr (m->reason, ==, "421 4.7.0 Try again later, closing connection.");
  g_assert_cmpint (m->reason_at, ==, T0 + HOUR);
  g_assert_cmpint (m->first_deferred_at, ==, T0);
  g_assert_cmpint (m->attempts, ==, 2);
}

static void
test_recipient_group_learned_from_mx (void)
{
  g_autoptr(DlvMessage) m = dlv_message_new ();
  g_autoptr(DlvEvent) accepted = make_event (DLV_EVENT_KIND_ACCEPTED, T0, NULL);
  g_autoptr(DlvEvent) deferred = make_event (DLV_EVENT_KIND_DEFERRED, T0 + 5, "451 try later");

  g_free (accepted->recipient);
  accepted->recipient = g_strdup ("ceo@acme-corp.example");
  deferred->mx = g_strdup ("acme-corp-example.mail.protection.outlook.com.");

  dlv_message_apply_event (m, accepted, 72);
  g_assert_cmpint (m->recipient_group, ==, DLV_RECIPIENT_GROUP_OTHER);
  dlv_message_apply_event (m, deferred, 72);
  g_assert_cmpint (m->recipient_group, ==, DLV_RECIPIENT_GROUP_MICROSOFT);
}

static void
test_recipient_groups (void)
{
  g_assert_cmpint (dlv_recipient_group_for ("gmail.com", NULL), ==, DLV_RECIPIENT_GROUP_GMAIL);
  g_assert_cmpint (dlv_recipient_group_for ("HOTMAIL.com", NULL), ==, DLV_RECIPIENT_GROUP_MICROSOFT);
  g_assert_cmpint (dlv_recipient_group_for ("aol.com", NULL), ==, DLV_RECIPIENT_GROUP_YAHOO);
  g_assert_cmpint (dlv_recipient_group_for ("me.com", NULL), ==, DLV_RECIPIENT_GROUP_APPLE);
  g_assert_cmpint (dlv_recipient_group_for ("web.de", NULL), ==, DLV_RECIPIENT_GROUP_GMX);
  g_assert_cmpint (dlv_recipient_group_for ("wanadoo.fr", NULL), ==, DLV_RECIPIENT_GROUP_ORANGE);
  g_assert_cmpint (dlv_recipient_group_for ("notgmail.com", NULL), ==, DLV_RECIPIENT_GROUP_OTHER);
  g_assert_cmpint (dlv_recipient_group_for ("school.example", "aspmx.l.google.com"), ==,
                   DLV_RECIPIENT_GROUP_GMAIL);
  g_assert_cmpint (dlv_recipient_group_for (NULL, NULL), ==, DLV_RECIPIENT_GROUP_OTHER);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dlv/message/deferred-then-delivered", test_deferred_then_delivered);
  g_test_add_func ("/dlv/message/late-bounce", test_late_bounce_overrides_delivered);
  g_test_add_func ("/dlv/message/open-implies-delivered", test_open_implies_delivered);
  g_test_add_func ("/dlv/message/order-independent", test_order_does_not_matter);
  g_test_add_func ("/dlv/message/expiry", test_expiry);
  g_test_add_func ("/dlv/message/short-retry-window", test_short_retry_window);
  g_test_add_func ("/dlv/message/explicit-expiry", test_explicit_expiry_beats_delivery);
  g_test_add_func ("/dlv/message/newest-reason", test_newest_reason_wins);
  g_test_add_func ("/dlv/message/group-from-mx", test_recipient_group_learned_from_mx);
  g_test_add_func ("/dlv/message/recipient-groups", test_recipient_groups);

  return g_test_run ();
}
