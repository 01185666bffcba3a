/* dlv-conversion-page.h: how deferred mail turns into delivered mail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "dlv-store.h"

G_BEGIN_DECLS

#define DLV_TYPE_CONVERSION_PAGE (dlv_conversion_page_get_type ())
G_DECLARE_FINAL_TYPE (DlvConversionPage, dlv_conversion_page, DLV, CONVERSION_PAGE, AdwBin)

void dlv_conversion_page_set_store (DlvConversionPage *self,
                                    DlvStore          *store);
void dlv_conversion_page_reload    (DlvConversionPage *self);
void dlv_conversion_page_set_account (DlvConversionPage *self,
                                      gint64             account_id);

G_END_DECLS
