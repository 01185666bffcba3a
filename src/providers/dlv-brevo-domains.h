/* dlv-brevo-domains.h: Brevo's sender domains as the four authentication rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "dlv-domain.h"

G_BEGIN_DECLS

/* The most domains read in one refresh: each costs a request. */
#define DLV_BREVO_MAX_DOMAINS 100

GPtrArray *dlv_brevo_parse_domain_names (const char  *data,
                                         gsize        size,
                                         GError     **error);
DlvDomain *dlv_brevo_parse_domain       (const char  *name,
                                         const char  *data,
                                         gsize        size,
                                         GError     **error);

G_END_DECLS
