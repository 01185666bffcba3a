/* dlv-message.c: derive a message's status from its events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "dlv-message"

#include "config.h"

#include <string.h>

#include "dlv-message.h"
#include "dlv-util.h"

G_DEFINE_BOXED_TYPE (DlvMessage, dlv_message, dlv_message_copy, dlv_message_free)

/* Which status wins when events disagree, whatever order they arrive in:
 * a final outcome beats "still trying", and a bounce, block or expiry beats
 * an earlier "delivered" (providers report late bounces). */
static const int status_rank[DLV_N_MESSAGE_STATUSES] = {
  [DLV_MESSAGE_STATUS_ACCEPTED] = 0,
  [DLV_MESSAGE_STATUS_DEFERRED] = 1,
  [DLV_MESSAGE_STATUS_DELIVERED] = 2,
  [DLV_MESSAGE_STATUS_SOFT_BOUNCE] = 3,
  [DLV_MESSAGE_STATUS_EXPIRED] = 4,
  [DLV_MESSAGE_STATUS_HARD_BOUNCE] = 5,
  [DLV_MESSAGE_STATUS_BLOCKED] = 6,
};

/* The status an event implies. Engagement proves delivery. */
static const DlvMessageStatus status_for_kind[DLV_N_EVENT_KINDS] = {
  [DLV_EVENT_KIND_ACCEPTED] = DLV_MESSAGE_STATUS_ACCEPTED,
  [DLV_EVENT_KIND_DEFERRED] = DLV_MESSAGE_STATUS_DEFERRED,
  [DLV_EVENT_KIND_DELIVERED] = DLV_MESSAGE_STATUS_DELIVERED,
  [DLV_EVENT_KIND_SOFT_BOUNCE] = DLV_MESSAGE_STATUS_SOFT_BOUNCE,
  [DLV_EVENT_KIND_HARD_BOUNCE] = DLV_MESSAGE_STATUS_HARD_BOUNCE,
  [DLV_EVENT_KIND_EXPIRED] = DLV_MESSAGE_STATUS_EXPIRED,
  [DLV_EVENT_KIND_BLOCKED] = DLV_MESSAGE_STATUS_BLOCKED,
  [DLV_EVENT_KIND_OPENED] = DLV_MESSAGE_STATUS_DELIVERED,
  [DLV_EVENT_KIND_CLICKED] = DLV_MESSAGE_STATUS_DELIVERED,
  [DLV_EVENT_KIND_SPAM_COMPLAINT] = DLV_MESSAGE_STATUS_DELIVERED,
  [DLV_EVENT_KIND_UNSUBSCRIBED] = DLV_MESSAGE_STATUS_DELIVERED,
};

static const guint flag_for_kind[DLV_N_EVENT_KINDS] = {
  [DLV_EVENT_KIND_OPENED] = DLV_MESSAGE_FLAG_OPENED,
  [DLV_EVENT_KIND_CLICKED] = DLV_MESSAGE_FLAG_OPENED | DLV_MESSAGE_FLAG_CLICKED,
  [DLV_EVENT_KIND_SPAM_COMPLAINT] = DLV_MESSAGE_FLAG_COMPLAINED,
  [DLV_EVENT_KIND_UNSUBSCRIBED] = DLV_MESSAGE_FLAG_UNSUBSCRIBED,
};

DlvMessage *
dlv_message_new (void)
{
  return g_new0 (DlvMessage, 1);
}

DlvMessage *
dlv_message_copy (const DlvMessage *message)
{
  DlvMessage *copy;

  g_return_val_if_fail (message != NULL, NULL);

  copy = g_memdup2 (message, sizeof *message);
  copy->provider = g_strdup (message->provider);
  copy->account = g_strdup (message->account);
  copy->provider_message_id = g_strdup (message->provider_message_id);
  copy->recipient = g_strdup (message->recipient);
  copy->recipient_domain = g_strdup (message->recipient_domain);
  copy->sender = g_strdup (message->sender);
  copy->subject = g_strdup (message->subject);
  copy->campaign = g_strdup (message->campaign);
  copy->reason = g_strdup (message->reason);
  copy->mx = g_strdup (message->mx);

  return copy;
}

void
dlv_message_free (DlvMessage *message)
{
  if (message == NULL)
    return;

  g_free (message->provider);
  g_free (message->account);
  g_free (message->provider_message_id);
  g_free (message->recipient);
  g_free (message->recipient_domain);
  g_free (message->sender);
  g_free (message->subject);
  g_free (message->campaign);
  g_free (message->reason);
  g_free (message->mx);
  g_free (message);
}

static gboolean
is_delivery_attempt (DlvEventKind kind)
{
  return kind == DLV_EVENT_KIND_DEFERRED ||
         kind == DLV_EVENT_KIND_DELIVERED ||
         kind == DLV_EVENT_KIND_SOFT_BOUNCE ||
         kind == DLV_EVENT_KIND_HARD_BOUNCE;
}

static gboolean
carries_failure_reason (const DlvEvent *event)
{
  if (event->kind != DLV_EVENT_KIND_DEFERRED &&
      event->kind != DLV_EVENT_KIND_SOFT_BOUNCE &&
      event->kind != DLV_EVENT_KIND_HARD_BOUNCE &&
      event->kind != DLV_EVENT_KIND_BLOCKED &&
      event->kind != DLV_EVENT_KIND_EXPIRED)
    return FALSE;

  return (event->reason != NULL && event->reason[0] != '\0') ||
         event->smtp_code != 0 ||
         (event->enhanced_code != NULL && event->enhanced_code[0] != '\0');
}

static void
take_if_unset (char       **field,
               const char  *value)
{
  if (*field == NULL && value != NULL && value[0] != '\0')
    *field = g_strdup (value);
}

static gint64
earliest (gint64 current,
          gint64 candidate)
{
  return current == 0 || candidate < current ? candidate : current;
}

static void
apply_identity (DlvMessage     *message,
                const DlvEvent *event)
{
  gboolean had_domain = message->recipient_domain != NULL;
  gboolean learned_mx = message->mx == NULL && event->mx != NULL && event->mx[0] != '\0';

  take_if_unset (&message->provider_message_id, event->message_id);
  take_if_unset (&message->recipient, event->recipient);
  take_if_unset (&message->sender, event->sender);
  take_if_unset (&message->subject, event->subject);
  take_if_unset (&message->campaign, event->campaign);
  take_if_unset (&message->mx, event->mx);

  if (!had_domain)
    message->recipient_domain = dlv_recipient_domain (message->recipient);

  /* A company domain only shows its mailbox provider once an MX is known. */
  if (!had_domain || (learned_mx && message->recipient_group == DLV_RECIPIENT_GROUP_OTHER))
    message->recipient_group = dlv_recipient_group_for (message->recipient_domain, message->mx);
}

static void
apply_status (DlvMessage     *message,
              const DlvEvent *event)
{
  DlvMessageStatus candidate = status_for_kind[event->kind];
  int rank = status_rank[candidate];
  int current = status_rank[message->status];

  /* The first event sets the status even when it is just "accepted". */
  if (message->status_at == 0 || rank > current ||
      (rank == current && event->at < message->status_at))
    {
      message->status = candidate;
      message->status_at = event->at;
    }

  if (candidate == DLV_MESSAGE_STATUS_DELIVERED)
    message->delivered_at = earliest (message->delivered_at, event->at);
}

static void
apply_reason (DlvMessage     *message,
              const DlvEvent *event)
{
  if (!carries_failure_reason (event) || event->at < message->reason_at)
    return;

  message->reason_at = event->at;
  g_free (message->reason);
  message->reason = g_strdup (event->reason);
  dlv_reason_classify_with_codes (event->reason, event->smtp_code, event->enhanced_code,
                                  &message->reason_info);
}

/**
 * dlv_message_apply_event:
 * @message: the message so far
 * @event: one new event of it (never one already applied)
 * @retry_window_hours: how long its provider retries a deferred message
 *
 * Folds one event into the message. Events may arrive in any order; the
 * result depends only on the set of events applied.
 */
void
dlv_message_apply_event (DlvMessage     *message,
                         const DlvEvent *event,
                         guint           retry_window_hours)
{
  g_return_if_fail (message != NULL);
  g_return_if_fail (event != NULL);
  g_return_if_fail ((guint) event->kind < DLV_N_EVENT_KINDS);

  apply_identity (message, event);
  apply_status (message, event);
  apply_reason (message, event);

  message->flags |= flag_for_kind[event->kind];
  message->first_event_at = earliest (message->first_event_at, event->at);
  message->last_event_at = MAX (message->last_event_at, event->at);

  /* Counting events alone misses attempts a provider did not report;
   * its attempt numbers alone are missing at most providers. */
  if (is_delivery_attempt (event->kind))
    message->attempt_events++;
  message->attempts = MAX (message->attempts, MAX (message->attempt_events, event->attempt));

  if (event->kind == DLV_EVENT_KIND_DEFERRED)
    {
      message->first_deferred_at = earliest (message->first_deferred_at, event->at);
      message->expires_at = message->first_deferred_at + (gint64) retry_window_hours * 3600;
    }
}

/**
 * dlv_message_get_status:
 * @message: a message
 * @now: the current time
 *
 * A message still deferred when its provider's retry window closes has
 * expired, though no provider event says so.
 */
DlvMessageStatus
dlv_message_get_status (const DlvMessage *message,
                        gint64            now)
{
  g_return_val_if_fail (message != NULL, DLV_MESSAGE_STATUS_ACCEPTED);

  if (message->status == DLV_MESSAGE_STATUS_DEFERRED &&
      message->expires_at != 0 && message->expires_at <= now)
    return DLV_MESSAGE_STATUS_EXPIRED;

  return message->status;
}

/* The sender should act on what the reason says, or on a deferral that
 * has lasted more than a day whatever its reason. */
gboolean
dlv_message_get_action_needed (const DlvMessage *message,
                               gint64            now)
{
  g_return_val_if_fail (message != NULL, FALSE);

  if (message->reason_info.action_needed)
    return TRUE;

  return dlv_message_get_status (message, now) == DLV_MESSAGE_STATUS_DEFERRED &&
         message->first_deferred_at != 0 &&
         now - message->first_deferred_at > 24 * 3600;
}
