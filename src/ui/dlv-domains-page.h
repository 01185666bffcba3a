/* dlv-domains-page.h: sending domains and their authentication records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "dlv-store.h"

G_BEGIN_DECLS

#define DLV_TYPE_DOMAINS_PAGE (dlv_domains_page_get_type ())
G_DECLARE_FINAL_TYPE (DlvDomainsPage, dlv_domains_page, DLV, DOMAINS_PAGE, AdwBin)

void dlv_domains_page_set_store (DlvDomainsPage *self,
                                 DlvStore       *store);
void dlv_domains_page_reload    (DlvDomainsPage *self);
void dlv_domains_page_set_account (DlvDomainsPage *self,
                                   gint64          account_id);
gboolean dlv_domains_page_reveal_domain (DlvDomainsPage *self,
                                         const char     *domain);

G_END_DECLS
