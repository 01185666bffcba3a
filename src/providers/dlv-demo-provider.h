/* dlv-demo-provider.h: a simulated sending platform, the default provider
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "dlv-provider.h"

G_BEGIN_DECLS

#define DLV_TYPE_DEMO_PROVIDER (dlv_demo_provider_get_type ())
G_DECLARE_FINAL_TYPE (DlvDemoProvider, dlv_demo_provider, DLV, DEMO_PROVIDER, DlvProvider)

DlvProvider *dlv_demo_provider_new          (void);

/* The whole simulation lives in the cursor, so the store keeps it with the
 * events and a later poll continues the same simulation. */
char        *dlv_demo_provider_make_cursor  (guint64          seed,
                                             guint            n_messages,
                                             guint            hours,
                                             gint64           now);

/* Tests pin the clock; 0 means the wall clock (the default). */
void         dlv_demo_provider_set_now      (DlvDemoProvider *self,
                                             gint64           now);

G_END_DECLS
