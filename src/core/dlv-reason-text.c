/* dlv-reason-text.c: the words people read about a reason
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The classifier (dlv-reason.c) decides; this file says it: the stable
 * nicks stored and exported, and the translated title, summary and advice
 * for each cause.
 */

#define G_LOG_DOMAIN "dlv-reason"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dlv-core-enums.h"
#include "dlv-reason.h"
#include "dlv-util.h"

static const char * const origin_titles[DLV_N_REASON_ORIGINS] = {
  N_("Unknown"),
  N_("Held back by your provider"),
  N_("Provider-side error"),
  N_("Refused for now by the receiving server"),
};

typedef struct
{
  const char *title;
  const char *summary;
  const char *advice;
} CauseText;

static const CauseText cause_texts[DLV_N_REASON_CAUSES] = {
  [DLV_REASON_CAUSE_UNKNOWN] = {
    N_("Unclassified reason"),
    N_("The message was not delivered on this attempt, and the reason given does not match "
       "anything we recognise."),
    N_("Read the full reason. If the same text comes back for many messages or for more than "
       "a day, ask your sending provider what it means."),
  },
  [DLV_REASON_CAUSE_ISP_HOURLY_LIMIT] = {
    N_("Hourly sending limit"),
    N_("Your sending provider paused this message on purpose, to stay within the hourly volume "
       "this mailbox provider accepts from your sending addresses."),
    N_("Nothing to do: it goes out in a later hour. If it happens often, spread large sends "
       "over more hours or warm up new sending addresses gradually."),
  },
  [DLV_REASON_CAUSE_ISP_CONNECTION_LIMIT] = {
    N_("Connection limit"),
    N_("Your sending provider slowed down on purpose, so as not to open more connections to "
       "this mailbox provider than it tolerates."),
    N_("Nothing to do: your provider is pacing the delivery and will retry by itself."),
  },
  [DLV_REASON_CAUSE_PORT_LIMIT] = {
    N_("Sending capacity reached"),
    N_("Your sending provider's servers had no free outgoing connection for your sending "
       "addresses at that moment, so the message waits in the queue."),
    N_("Nothing to do: it will be retried. If it keeps happening, ask your provider whether "
       "more sending IP addresses would help."),
  },
  [DLV_REASON_CAUSE_IP_CONNECTION_LIMIT] = {
    N_("Connection cap for one address"),
    N_("One of your sending IP addresses already had as many open connections to this mailbox "
       "provider as it is allowed, so the message waits its turn."),
    N_("Nothing to do: it will be retried. If it keeps happening, ask your provider whether "
       "more sending IP addresses would help."),
  },
  [DLV_REASON_CAUSE_THROTTLED_BY_RECIPIENT] = {
    N_("Backing off after a refusal"),
    N_("The receiving server recently turned mail away, so your sending provider is holding "
       "messages for it back for a while to protect your reputation."),
    N_("Nothing to do for now: delivery resumes by itself. If it lasts, look at which reasons "
       "that mailbox provider gave for the earlier refusals."),
  },
  [DLV_REASON_CAUSE_INTERNAL_ERROR] = {
    N_("Provider-side error"),
    N_("Something went wrong inside your sending provider while it tried to deliver the "
       "message. The receiving side had nothing to do with it."),
    N_("Nothing to do: your provider retries the message by itself."),
  },
  [DLV_REASON_CAUSE_MAILBOX_FULL] = {
    N_("Mailbox full"),
    N_("The recipient's mailbox has no room left, so their provider cannot store new mail "
       "until they free some space."),
    N_("Nothing to do: the message is retried and arrives once space is freed. If the address "
       "stays full for weeks, it is probably abandoned."),
  },
  [DLV_REASON_CAUSE_GREYLISTING] = {
    N_("Greylisting"),
    N_("The receiving server turns away the first attempt from a sender it does not know yet, "
       "as a spam filter. A later attempt is normally accepted."),
    N_("Nothing to do: the retry usually goes through within minutes or a few hours."),
  },
  [DLV_REASON_CAUSE_RATE_LIMITED] = {
    N_("Sending too fast"),
    N_("The receiving server limits how much mail it takes from you, or how much this "
       "recipient receives, in a given time, and that limit was reached."),
    N_("Nothing to do for a single message: it is retried more slowly. If it is frequent, "
       "spread your sends over a longer period."),
  },
  [DLV_REASON_CAUSE_REPUTATION] = {
    N_("Sender reputation"),
    N_("The receiving server does not trust mail from your sending address or domain right "
       "now, because of spam complaints, a block list or suspicious sending."),
    N_("Check your complaint rate and block lists, send only to people who asked for your "
       "mail, remove addresses that never engage, and slow down to this provider."),
  },
  [DLV_REASON_CAUSE_AUTHENTICATION] = {
    N_("Authentication failed"),
    N_("The receiving server could not confirm that the message really comes from your "
       "domain: SPF, DKIM or DMARC did not pass."),
    N_("Check that your DKIM, SPF and return-path records are valid in the Domains tab, and "
       "publish a DMARC record for your domain."),
  },
  [DLV_REASON_CAUSE_DNS] = {
    N_("Name lookup failed"),
    N_("A domain name involved in the delivery could not be looked up: the recipient's domain, "
       "your sending domain, or the name behind your sending address."),
    N_("Check that the recipient's domain is spelled right, and that your own domain's DNS "
       "records are valid in the Domains tab."),
  },
  [DLV_REASON_CAUSE_SERVER_UNAVAILABLE] = {
    N_("Receiving server unavailable"),
    N_("The receiving server was down, overloaded or could not be reached when delivery was "
       "attempted."),
    N_("Nothing to do: the message is retried until the server answers again."),
  },
  [DLV_REASON_CAUSE_CONTENT] = {
    N_("Message content"),
    N_("The receiving server held the message back because of what it contains: text or links "
       "that look like spam, an attachment, or its size."),
    N_("Review the message: remove links to poorly regarded sites, heavy attachments and "
       "spam-like wording, then test it before sending again."),
  },
  [DLV_REASON_CAUSE_POLICY] = {
    N_("Receiver policy"),
    N_("The receiving server refused the message for now under one of its own rules, without "
       "saying which."),
    N_("Nothing to do at first: it is retried. If the same refusal lasts more than a day, "
       "contact the recipient's mail administrator or your provider."),
  },
};

/**
 * dlv_reason_origin_to_string:
 * @origin: an origin
 *
 * Returns: (transfer none): the stable nick stored and exported, e.g. "preemptive"
 */
const char *
dlv_reason_origin_to_string (DlvReasonOrigin origin)
{
  return dlv_enum_to_nick (DLV_TYPE_REASON_ORIGIN, origin);
}

/**
 * dlv_reason_cause_to_string:
 * @cause: a cause
 *
 * Returns: (transfer none): the stable nick stored and exported, e.g. "mailbox_full"
 */
const char *
dlv_reason_cause_to_string (DlvReasonCause cause)
{
  return dlv_enum_to_nick (DLV_TYPE_REASON_CAUSE, cause);
}

/**
 * dlv_reason_cause_from_string:
 * @str: (nullable): a nick from dlv_reason_cause_to_string()
 * @cause: (out): the cause
 *
 * Returns: whether @str names a cause
 */
gboolean
dlv_reason_cause_from_string (const char     *str,
                              DlvReasonCause *cause)
{
  g_return_val_if_fail (cause != NULL, FALSE);

  return dlv_enum_from_nick (DLV_TYPE_REASON_CAUSE, str, (int *) cause);
}

/**
 * dlv_reason_cause_title:
 * @cause: a cause
 *
 * Returns: (transfer none): a short translated name, e.g. "Mailbox full"
 */
const char *
dlv_reason_cause_title (DlvReasonCause cause)
{
  g_return_val_if_fail ((guint) cause < DLV_N_REASON_CAUSES, NULL);

  return _(cause_texts[cause].title);
}

/**
 * dlv_reason_cause_summary:
 * @cause: a cause
 *
 * Returns: (transfer none): what happened, in one or two translated sentences
 */
const char *
dlv_reason_cause_summary (DlvReasonCause cause)
{
  g_return_val_if_fail ((guint) cause < DLV_N_REASON_CAUSES, NULL);

  return _(cause_texts[cause].summary);
}

/**
 * dlv_reason_cause_advice:
 * @cause: a cause
 *
 * Returns: (transfer none): what to do about it, translated
 */
const char *
dlv_reason_cause_advice (DlvReasonCause cause)
{
  g_return_val_if_fail ((guint) cause < DLV_N_REASON_CAUSES, NULL);

  return _(cause_texts[cause].advice);
}

/**
 * dlv_reason_origin_title:
 * @origin: an origin
 *
 * Returns: (transfer none): who held the message back, translated
 */
const char *
dlv_reason_origin_title (DlvReasonOrigin origin)
{
  g_return_val_if_fail ((guint) origin < DLV_N_REASON_ORIGINS, NULL);

  return _(origin_titles[origin]);
}
