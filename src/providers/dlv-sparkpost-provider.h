/* dlv-sparkpost-provider.h: polling a SparkPost account
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "dlv-provider.h"

G_BEGIN_DECLS

#define DLV_TYPE_SPARKPOST_PROVIDER (dlv_sparkpost_provider_get_type ())
G_DECLARE_FINAL_TYPE (DlvSparkpostProvider, dlv_sparkpost_provider, DLV, SPARKPOST_PROVIDER, DlvProvider)

/* SparkPost rate-limits anyone reading events more than once in two
 * minutes: a new round never starts sooner after the previous one. */
#define DLV_SPARKPOST_MIN_ROUND_SECONDS 120

/* The newest minutes are read again by the next round, for events that
 * reach the Events API late. */
#define DLV_SPARKPOST_SETTLE_SECONDS (10 * 60)

/* SparkPost keeps event-level data for 10 days. */
#define DLV_SPARKPOST_RETENTION_SECONDS (10 * 24 * 3600)

G_END_DECLS
