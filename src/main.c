/* main.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "dlv-application.h"
#include "dlv-util.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(DlvApplication) app = NULL;

  dlv_bind_textdomain ();

  app = dlv_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
