/* dlv-postmark-domains.h: Postmark's Domains API records as authentication rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "dlv-domain.h"

G_BEGIN_DECLS

DlvDomain *dlv_postmark_parse_domain (JsonObject *record,
                                      const char *name);

G_END_DECLS
