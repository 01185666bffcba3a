/* dlv-cli-format.h: how the command line prints messages, events and domains
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "dlv-conversion.h"
#include "dlv-domain.h"
#include "dlv-message.h"
#include "dlv-reason.h"

G_BEGIN_DECLS

JsonNode *dlv_cli_message_to_json      (const DlvMessage    *message,
                                        GPtrArray           *events,
                                        gint64               now);
JsonNode *dlv_cli_domain_to_json       (const DlvDomain     *domain);
JsonNode *dlv_cli_conversion_to_json   (const DlvConversion *conversion);
JsonNode *dlv_cli_explanation_to_json  (const DlvReasonInfo *info);
char     *dlv_cli_json_to_string       (JsonNode            *node);

void      dlv_cli_print_csv_header     (void);
void      dlv_cli_print_csv_message    (const DlvMessage    *message,
                                        gint64               now);
char     *dlv_cli_pad                  (const char          *text,
                                        guint                width);
void      dlv_cli_print_message_line   (const DlvMessage    *message,
                                        gint64               now);
void      dlv_cli_print_message_detail (const DlvMessage    *message,
                                        GPtrArray           *events,
                                        gint64               now);
void      dlv_cli_print_explanation    (const DlvReasonInfo *info);
void      dlv_cli_print_conversion     (const DlvConversion *conversion);
void      dlv_cli_print_domain         (const DlvDomain     *domain);

G_END_DECLS
