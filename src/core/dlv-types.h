/* dlv-types.h: forward declarations and the enums shared by the whole core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _DlvEvent DlvEvent;
typedef struct _DlvEventPage DlvEventPage;
typedef struct _DlvMessage DlvMessage;
typedef struct _DlvMessageFilter DlvMessageFilter;
typedef struct _DlvDomain DlvDomain;
typedef struct _DlvDomainRecord DlvDomainRecord;
typedef struct _DlvReasonInfo DlvReasonInfo;
typedef struct _DlvConversion DlvConversion;
typedef struct _DlvAccount DlvAccount;
typedef struct _DlvStore DlvStore;
typedef struct _DlvProvider DlvProvider;

/* The numeric values are stored in SQLite: append only, never renumber. */
typedef enum
{
  DLV_EVENT_KIND_ACCEPTED = 0, /*< nick=accepted >*/
  DLV_EVENT_KIND_DEFERRED = 1, /*< nick=deferred >*/
  DLV_EVENT_KIND_DELIVERED = 2, /*< nick=delivered >*/
  DLV_EVENT_KIND_SOFT_BOUNCE = 3, /*< nick=soft_bounce >*/
  DLV_EVENT_KIND_HARD_BOUNCE = 4, /*< nick=hard_bounce >*/
  DLV_EVENT_KIND_EXPIRED = 5, /*< nick=expired >*/
  DLV_EVENT_KIND_BLOCKED = 6, /*< nick=blocked >*/
  DLV_EVENT_KIND_OPENED = 7, /*< nick=opened >*/
  DLV_EVENT_KIND_CLICKED = 8, /*< nick=clicked >*/
  DLV_EVENT_KIND_SPAM_COMPLAINT = 9, /*< nick=spam_complaint >*/
  DLV_EVENT_KIND_UNSUBSCRIBED = 10, /*< nick=unsubscribed >*/
} DlvEventKind;

#define DLV_N_EVENT_KINDS 11

/* A message's delivery status. Stored in SQLite: append only, never renumber. */
typedef enum
{
  DLV_MESSAGE_STATUS_ACCEPTED = 0, /*< nick=accepted >*/
  DLV_MESSAGE_STATUS_DEFERRED = 1, /*< nick=deferred >*/
  DLV_MESSAGE_STATUS_DELIVERED = 2, /*< nick=delivered >*/
  DLV_MESSAGE_STATUS_SOFT_BOUNCE = 3, /*< nick=soft_bounce >*/
  DLV_MESSAGE_STATUS_HARD_BOUNCE = 4, /*< nick=hard_bounce >*/
  DLV_MESSAGE_STATUS_EXPIRED = 5, /*< nick=expired >*/
  DLV_MESSAGE_STATUS_BLOCKED = 6, /*< nick=blocked >*/
} DlvMessageStatus;

#define DLV_N_MESSAGE_STATUSES 7

G_END_DECLS
