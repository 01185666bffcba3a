/* dlv-cursor.h: a provider's poll position as "version;key=value;…"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _DlvCursor DlvCursor;

DlvCursor  *dlv_cursor_new        (const char  *version);
DlvCursor  *dlv_cursor_parse      (const char  *text,
                                   const char  *version,
                                   GError     **error);
void        dlv_cursor_free       (DlvCursor   *cursor);
const char *dlv_cursor_get        (DlvCursor   *cursor,
                                   const char  *key);
gint64      dlv_cursor_get_int    (DlvCursor   *cursor,
                                   const char  *key,
                                   gint64       fallback);
void        dlv_cursor_set        (DlvCursor   *cursor,
                                   const char  *key,
                                   const char  *value);
void        dlv_cursor_set_int    (DlvCursor   *cursor,
                                   const char  *key,
                                   gint64       value);
char       *dlv_cursor_to_string  (DlvCursor   *cursor);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DlvCursor, dlv_cursor_free)

G_END_DECLS
