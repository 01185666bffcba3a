/* dlv-resend-domains.h: Resend's domains as DKIM, SPF-Return-Path and DMARC rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "dlv-domain.h"

G_BEGIN_DECLS

/* One sending domain of GET /domains. */
typedef struct
{
  char *id;
  char *name;
  char *status;                 /* "verified", "pending"…, or NULL */
} DlvResendDomainRef;

void        dlv_resend_domain_ref_free      (DlvResendDomainRef  *ref);

GPtrArray  *dlv_resend_parse_domain_list    (const char          *data,
                                             gsize                length,
                                             gboolean            *has_more,
                                             char               **last_id,
                                             GError             **error);
DlvDomain  *dlv_resend_parse_domain         (const char          *data,
                                             gsize                length,
                                             const char          *fallback_name,
                                             GError             **error);
DlvDomain  *dlv_resend_domain_from_ref      (const DlvResendDomainRef *ref,
                                             const char          *detail);

G_END_DECLS
