/* dlv-message.h: a message's state, derived from its events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "dlv-event.h"
#include "dlv-reason.h"
#include "dlv-recipient-group.h"

G_BEGIN_DECLS

typedef enum
{
  DLV_MESSAGE_FLAG_OPENED = 1 << 0,
  DLV_MESSAGE_FLAG_CLICKED = 1 << 1,
  DLV_MESSAGE_FLAG_COMPLAINED = 1 << 2,
  DLV_MESSAGE_FLAG_UNSUBSCRIBED = 1 << 3,
} DlvMessageFlags;

/* One message, as the store keeps it: the aggregate of its events, updated
 * one event at a time so a page never recomputes a message from scratch.
 * Times are Unix seconds, 0 when unknown. */
struct _DlvMessage
{
  gint64 id;                    /* store row id, 0 before it is stored */
  gint64 account_id;
  char *provider;               /* provider name of the account, e.g. "demo" */
  char *account;                /* account display name */
  char *provider_message_id;
  char *recipient;
  char *recipient_domain;
  DlvRecipientGroup recipient_group;
  char *sender;
  char *subject;
  char *campaign;

  DlvMessageStatus status;      /* stored status; see dlv_message_get_status() for expiry */
  gint64 status_at;             /* when the event that set the status happened */
  guint flags;                  /* DlvMessageFlags */
  int attempts;                 /* delivery attempts seen or numbered by the provider */
  int attempt_events;           /* deferrals, deliveries and bounces stored */
  gint64 first_event_at;
  gint64 last_event_at;
  gint64 first_deferred_at;
  gint64 delivered_at;
  gint64 expires_at;            /* first deferral + the provider's retry window */

  /* The newest failure reason (deferral, bounce, block), classified. */
  gint64 reason_at;
  char *reason;
  char *mx;
  DlvReasonInfo reason_info;
};

#define DLV_TYPE_MESSAGE (dlv_message_get_type ())
GType              dlv_message_get_type           (void) G_GNUC_CONST;

DlvMessage        *dlv_message_new                (void);
DlvMessage        *dlv_message_copy               (const DlvMessage *message);
void               dlv_message_free               (DlvMessage       *message);

void               dlv_message_apply_event        (DlvMessage       *message,
                                                   const DlvEvent   *event,
                                                   guint             retry_window_hours);
DlvMessageStatus   dlv_message_get_status         (const DlvMessage *message,
                                                   gint64            now);
gboolean           dlv_message_get_action_needed  (const DlvMessage *message,
                                                   gint64            now);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DlvMessage, dlv_message_free)

G_END_DECLS
