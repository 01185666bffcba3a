/* dlv-reason.h: turns a raw deferral or bounce reason into an explanation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "dlv-types.h"

G_BEGIN_DECLS

/* Stored in SQLite: append only, never renumber. */
typedef enum
{
  DLV_REASON_ORIGIN_UNKNOWN = 0, /*< nick=unknown >*/
  DLV_REASON_ORIGIN_PREEMPTIVE = 1, /*< nick=preemptive >*/
  DLV_REASON_ORIGIN_INTERNAL = 2, /*< nick=internal >*/
  DLV_REASON_ORIGIN_RECIPIENT = 3, /*< nick=recipient >*/
} DlvReasonOrigin;

#define DLV_N_REASON_ORIGINS 4

/* Stored in SQLite: append only, never renumber. */
typedef enum
{
  DLV_REASON_CAUSE_UNKNOWN = 0, /*< nick=unknown >*/
  DLV_REASON_CAUSE_ISP_HOURLY_LIMIT = 1, /*< nick=isp_hourly_limit >*/
  DLV_REASON_CAUSE_ISP_CONNECTION_LIMIT = 2, /*< nick=isp_connection_limit >*/
  DLV_REASON_CAUSE_PORT_LIMIT = 3, /*< nick=port_limit >*/
  DLV_REASON_CAUSE_IP_CONNECTION_LIMIT = 4, /*< nick=ip_connection_limit >*/
  DLV_REASON_CAUSE_THROTTLED_BY_RECIPIENT = 5, /*< nick=throttled_by_recipient >*/
  DLV_REASON_CAUSE_INTERNAL_ERROR = 6, /*< nick=internal_error >*/
  DLV_REASON_CAUSE_MAILBOX_FULL = 7, /*< nick=mailbox_full >*/
  DLV_REASON_CAUSE_GREYLISTING = 8, /*< nick=greylisting >*/
  DLV_REASON_CAUSE_RATE_LIMITED = 9, /*< nick=rate_limited >*/
  DLV_REASON_CAUSE_REPUTATION = 10, /*< nick=reputation >*/
  DLV_REASON_CAUSE_AUTHENTICATION = 11, /*< nick=authentication >*/
  DLV_REASON_CAUSE_DNS = 12, /*< nick=dns >*/
  DLV_REASON_CAUSE_SERVER_UNAVAILABLE = 13, /*< nick=server_unavailable >*/
  DLV_REASON_CAUSE_CONTENT = 14, /*< nick=content >*/
  DLV_REASON_CAUSE_POLICY = 15, /*< nick=policy >*/
} DlvReasonCause;

#define DLV_N_REASON_CAUSES 16

/* The classification of one raw reason. Plain value type: no allocation. */
struct _DlvReasonInfo
{
  DlvReasonOrigin origin;
  DlvReasonCause cause;
  gboolean action_needed;
  int smtp_code;             /* basic reply code (e.g. 450), 0 when the text has none */
  char enhanced_code[16];    /* "4.2.2", "" when the text has none */
};

void         dlv_reason_classify            (const char      *text,
                                             DlvReasonInfo   *info);
void         dlv_reason_classify_with_codes (const char      *text,
                                             int              smtp_code,
                                             const char      *enhanced_code,
                                             DlvReasonInfo   *info);

const char  *dlv_reason_origin_to_string    (DlvReasonOrigin  origin);
const char  *dlv_reason_cause_to_string     (DlvReasonCause   cause);
gboolean     dlv_reason_cause_from_string   (const char      *str,
                                             DlvReasonCause  *cause);

/* Translated, plain-language sentences for people (not markup). */
const char  *dlv_reason_cause_title         (DlvReasonCause   cause);
const char  *dlv_reason_cause_summary       (DlvReasonCause   cause);
const char  *dlv_reason_cause_advice        (DlvReasonCause   cause);
const char  *dlv_reason_origin_title        (DlvReasonOrigin  origin);

G_END_DECLS
