/* dlv-util.h: small helpers shared across the core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

const char *dlv_enum_to_nick       (GType               enum_type,
                                    int                 value);
gboolean  dlv_enum_from_nick       (GType               enum_type,
                                    const char         *nick,
                                    int                *value);

char     *dlv_format_iso8601       (gint64              unix_seconds);
gboolean  dlv_parse_iso8601        (const char         *str,
                                    gint64             *unix_seconds);
gint64    dlv_now                  (void);
void      dlv_bind_textdomain      (void);

char     *dlv_recipient_domain     (const char         *address);

G_END_DECLS
