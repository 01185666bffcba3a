/* dlv-mailjet-domains.h: Mailjet's sender domains and their DNS checks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "dlv-domain.h"

G_BEGIN_DECLS

GPtrArray *dlv_mailjet_parse_domains (const char  *data,
                                      gsize        length,
                                      guint       *items,
                                      gint64      *total,
                                      GError     **error);

G_END_DECLS
