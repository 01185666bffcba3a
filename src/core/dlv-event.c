/* dlv-event.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "dlv-event"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dlv-event.h"
#include "dlv-reason.h"
#include "dlv-core-enums.h"
#include "dlv-util.h"

G_DEFINE_BOXED_TYPE (DlvEvent, dlv_event, dlv_event_copy, dlv_event_free)
G_DEFINE_BOXED_TYPE (DlvEventPage, dlv_event_page, NULL, dlv_event_page_free)

/**
 * dlv_event_new:
 * @kind: what happened
 * @at: when, in Unix seconds
 *
 * Returns: (transfer full): a new event with every string unset
 */
DlvEvent *
dlv_event_new (DlvEventKind kind,
               gint64       at)
{
  DlvEvent *event = g_new0 (DlvEvent, 1);

  event->kind = kind;
  event->at = at;

  return event;
}

DlvEvent *
dlv_event_copy (const DlvEvent *event)
{
  DlvEvent *copy;

  g_return_val_if_fail (event != NULL, NULL);

  copy = g_memdup2 (event, sizeof *event);
  copy->uid = g_strdup (event->uid);
  copy->message_id = g_strdup (event->message_id);
  copy->recipient = g_strdup (event->recipient);
  copy->sender = g_strdup (event->sender);
  copy->subject = g_strdup (event->subject);
  copy->campaign = g_strdup (event->campaign);
  copy->enhanced_code = g_strdup (event->enhanced_code);
  copy->reason = g_strdup (event->reason);
  copy->mx = g_strdup (event->mx);
  copy->ip = g_strdup (event->ip);
  copy->raw = g_strdup (event->raw);

  return copy;
}

void
dlv_event_free (DlvEvent *event)
{
  if (event == NULL)
    return;

  g_free (event->uid);
  g_free (event->message_id);
  g_free (event->recipient);
  g_free (event->sender);
  g_free (event->subject);
  g_free (event->campaign);
  g_free (event->enhanced_code);
  g_free (event->reason);
  g_free (event->mx);
  g_free (event->ip);
  g_free (event->raw);
  g_free (event);
}

/* A deferral, a bounce, a block or an expiry: what needs explaining. */
gboolean
dlv_event_kind_is_failure (DlvEventKind kind)
{
  return kind == DLV_EVENT_KIND_DEFERRED ||
         kind == DLV_EVENT_KIND_SOFT_BOUNCE ||
         kind == DLV_EVENT_KIND_HARD_BOUNCE ||
         kind == DLV_EVENT_KIND_BLOCKED ||
         kind == DLV_EVENT_KIND_EXPIRED;
}

/**
 * dlv_event_take_codes_from_reason:
 *
 * Fills the reply code and the enhanced code the provider gave only inside
 * the reason text ("452 4.2.2 The email account …"); codes already set stay.
 */
void
dlv_event_take_codes_from_reason (DlvEvent *event)
{
  DlvReasonInfo info;

  g_return_if_fail (event != NULL);

  if (event->reason == NULL)
    return;

  dlv_reason_classify (event->reason, &info);
  if (event->smtp_code == 0)
    event->smtp_code = info.smtp_code;
  if (event->enhanced_code == NULL && info.enhanced_code[0] != '\0')
    event->enhanced_code = g_strdup (info.enhanced_code);
}

/**
 * dlv_event_ensure_uid:
 * @event: an event
 *
 * Gives an event without a provider event id a stable one, derived from what
 * identifies it: the same event fetched twice gets the same id, so the store
 * de-duplicates it.
 */
void
dlv_event_ensure_uid (DlvEvent *event)
{
  g_autoptr(GChecksum) checksum = NULL;
  g_autofree char *key = NULL;

  g_return_if_fail (event != NULL);

  if (event->uid != NULL && event->uid[0] != '\0')
    return;

  /* The recipient too: some providers give every recipient of one send
   * the same message id. */
  key = g_strdup_printf ("%s\x1f%s\x1f%s\x1f%" G_GINT64_FORMAT "\x1f%d\x1f%s\x1f%d",
                         event->message_id ? event->message_id : "",
                         event->recipient ? event->recipient : "",
                         dlv_event_kind_to_string (event->kind),
                         event->at,
                         event->attempt,
                         event->reason ? event->reason : "",
                         event->smtp_code);
  checksum = g_checksum_new (G_CHECKSUM_SHA1);
  g_checksum_update (checksum, (const guchar *) key, -1);

  g_free (event->uid);
  event->uid = g_strconcat ("dlv:", g_checksum_get_string (checksum), NULL);
}

const char *
dlv_event_kind_to_string (DlvEventKind value)
{
  return dlv_enum_to_nick (DLV_TYPE_EVENT_KIND, value);
}

gboolean
dlv_event_kind_from_string (const char   *str,
                            DlvEventKind *value)
{
  return dlv_enum_from_nick (DLV_TYPE_EVENT_KIND, str, (int *) value);
}

const char *
dlv_message_status_to_string (DlvMessageStatus value)
{
  return dlv_enum_to_nick (DLV_TYPE_MESSAGE_STATUS, value);
}

gboolean
dlv_message_status_from_string (const char       *str,
                                DlvMessageStatus *value)
{
  return dlv_enum_from_nick (DLV_TYPE_MESSAGE_STATUS, str, (int *) value);
}

DlvEventPage *
dlv_event_page_new (void)
{
  DlvEventPage *page = g_new0 (DlvEventPage, 1);

  page->events = g_ptr_array_new_with_free_func ((GDestroyNotify) dlv_event_free);

  return page;
}

void
dlv_event_page_free (DlvEventPage *page)
{
  if (page == NULL)
    return;

  g_clear_pointer (&page->events, g_ptr_array_unref);
  g_clear_pointer (&page->gap, g_free);
  g_free (page->next_cursor);
  g_free (page);
}

/* The words people read: the same everywhere, window and command line. */
static const char * const event_kind_titles[DLV_N_EVENT_KINDS] = {
  N_("Accepted"), N_("Deferred"), N_("Delivered"), N_("Soft bounce"), N_("Hard bounce"),
  N_("Expired"), N_("Blocked"), N_("Opened"), N_("Clicked"), N_("Marked as spam"),
  N_("Unsubscribed"),
};

static const char * const message_status_titles[DLV_N_MESSAGE_STATUSES] = {
  N_("Accepted"), N_("Deferred"), N_("Delivered"), N_("Soft bounce"), N_("Hard bounce"),
  N_("Expired"), N_("Blocked"),
};

/**
 * dlv_event_kind_title:
 *
 * Returns: (transfer none): the translated name of an event, e.g. "Soft bounce"
 */
const char *
dlv_event_kind_title (DlvEventKind kind)
{
  g_return_val_if_fail ((guint) kind < DLV_N_EVENT_KINDS, NULL);

  return _(event_kind_titles[kind]);
}

/**
 * dlv_message_status_title:
 *
 * Returns: (transfer none): the translated name of a status, e.g. "Deferred"
 */
const char *
dlv_message_status_title (DlvMessageStatus status)
{
  g_return_val_if_fail ((guint) status < DLV_N_MESSAGE_STATUSES, NULL);

  return _(message_status_titles[status]);
}
