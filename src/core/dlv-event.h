/* dlv-event.h: one normalized provider event, and a page of them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "dlv-types.h"

G_BEGIN_DECLS

/* A provider event in the shape every provider maps to. Plain struct (not a
 * GObject) because ingest handles hundreds of thousands of them per second.
 * Every string is owned by the event and may be NULL unless noted. */
struct _DlvEvent
{
  DlvEventKind kind;
  gint64 at;               /* Unix seconds, UTC */
  char *uid;               /* provider event id, or a stable derived one; never NULL once stored */
  char *message_id;        /* provider message id; never NULL once stored */
  char *recipient;
  char *sender;
  char *subject;
  char *campaign;
  int smtp_code;           /* 0 when unknown */
  char *enhanced_code;     /* "4.2.2" */
  char *reason;            /* raw reason text as the provider gave it */
  int attempt;             /* 1-based attempt number, 0 when unknown */
  int retry_in;            /* seconds until the provider retries, 0 when unknown */
  char *mx;
  char *ip;
  char *raw;               /* the provider's JSON for this event */
};

#define DLV_TYPE_EVENT (dlv_event_get_type ())
GType         dlv_event_get_type         (void) G_GNUC_CONST;

DlvEvent     *dlv_event_new              (DlvEventKind        kind,
                                          gint64              at);
DlvEvent     *dlv_event_copy             (const DlvEvent     *event);
void          dlv_event_free             (DlvEvent           *event);
void          dlv_event_ensure_uid       (DlvEvent           *event);
gboolean      dlv_event_kind_is_failure  (DlvEventKind        kind);
void          dlv_event_take_codes_from_reason (DlvEvent     *event);

const char   *dlv_event_kind_to_string   (DlvEventKind        kind);
gboolean      dlv_event_kind_from_string (const char         *str,
                                          DlvEventKind       *kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DlvEvent, dlv_event_free)

/* What one fetch returns: the events, the cursor to store with them, and
 * whether another page is available right away. */
struct _DlvEventPage
{
  GPtrArray *events;       /* element-type DlvEvent, owned */
  char *next_cursor;       /* committed with the events; NULL keeps the old one */
  gboolean more;           /* TRUE: fetch again now; FALSE: poll later */
  guint skipped;           /* malformed items skipped */
  guint repaired;          /* 1 when invalid UTF-8 in the page was replaced */
  char *gap;               /* events the provider could not give, in words; NULL when none */
};

#define DLV_TYPE_EVENT_PAGE (dlv_event_page_get_type ())
GType         dlv_event_page_get_type    (void) G_GNUC_CONST;

DlvEventPage *dlv_event_page_new         (void);
void          dlv_event_page_free        (DlvEventPage       *page);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DlvEventPage, dlv_event_page_free)

const char   *dlv_event_kind_title           (DlvEventKind      kind);
const char   *dlv_message_status_title       (DlvMessageStatus  status);
const char   *dlv_message_status_to_string   (DlvMessageStatus  status);
gboolean      dlv_message_status_from_string (const char       *str,
                                              DlvMessageStatus *status);

G_END_DECLS
