/* dlv-cli-common.h: what every command of the command line shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "dlv-store.h"

G_BEGIN_DECLS

enum {
  EXIT_OK = 0,
  EXIT_RUNTIME = 1,
  EXIT_USAGE = 2,
};

typedef struct
{
  const char *db_path;
  int argc;
  char **argv;
} Invocation;

typedef int (*CommandFunc) (Invocation *inv);

int       fail                   (int            status,
                                  const char    *format,
                                  ...) G_GNUC_PRINTF (2, 3);
int       fail_error             (GError        *error);
gboolean  parse_options          (Invocation    *inv,
                                  const char    *parameters,
                                  const char    *summary,
                                  GOptionEntry  *entries,
                                  int           *status);
DlvStore *open_store             (Invocation    *inv,
                                  GError       **error);
gboolean  dlv_cli_check_provider (const char    *provider,
                                  int           *status);

G_END_DECLS
