/* dlv-dmarc.c: a sending domain's DMARC record, read from DNS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Only Brevo reports DMARC; for every other provider the record is looked
 * up here. A subdomain without its own record is covered by its parent's
 * ("mg.example.com" by "_dmarc.example.com"), so the lookup climbs until
 * two labels are left.
 */

#define G_LOG_DOMAIN "dlv-dmarc"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dlv-dmarc.h"

/* The first TXT string of @name that is a DMARC policy, or NULL. */
static char *
lookup_policy (GResolver     *resolver,
               const char    *name,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autolist(GVariant) records = g_resolver_lookup_records (resolver, name, G_RESOLVER_RECORD_TXT,
                                                            cancellable, error);

  for (GList *l = records; l != NULL; l = l->next)
    {
      g_autofree const char **parts = NULL;
      g_autofree char *text = NULL;

      g_variant_get (l->data, "(^a&s)", &parts);
      text = g_strjoinv ("", (char **) parts);
      if (g_ascii_strncasecmp (text, "v=DMARC1", 8) == 0)
        return g_steal_pointer (&text);
    }

  return NULL;
}

/**
 * dlv_dmarc_check_sync:
 *
 * Fills @domain's DMARC row: valid with the policy found, missing when DNS
 * says there is none, unknown when DNS could not be asked. Blocks.
 */
void
dlv_dmarc_check_sync (DlvDomain    *domain,
                      GCancellable *cancellable)
{
  g_autoptr(GResolver) resolver = g_resolver_get_default ();
  g_autofree char *own = g_strconcat ("_dmarc.", domain->domain, NULL);
  const char *name = domain->domain;

  g_return_if_fail (domain != NULL && domain->domain != NULL);

  for (;;)
    {
      g_autofree char *host = g_strconcat ("_dmarc.", name, NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *policy = lookup_policy (resolver, host, cancellable, &error);
      const char *parent = strchr (name, '.');

      if (policy != NULL)
        {
          dlv_domain_set_record (domain, DLV_RECORD_DMARC, DLV_RECORD_STATUS_VALID, host, "TXT",
                                 policy, NULL);
          return;
        }
      if (error != NULL && !g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND))
        {
          g_autofree char *detail = g_strdup_printf (_("DNS could not be asked: %s"),
                                                     error->message);

          dlv_domain_set_record (domain, DLV_RECORD_DMARC, DLV_RECORD_STATUS_UNKNOWN, own, "TXT",
                                 "v=DMARC1; p=none", detail);
          return;
        }
      if (parent == NULL || strchr (parent + 1, '.') == NULL)
        break;
      name = parent + 1;
    }

  dlv_domain_set_record (domain, DLV_RECORD_DMARC, DLV_RECORD_STATUS_MISSING, own, "TXT",
                         "v=DMARC1; p=none",
                         _("No DMARC policy is published for this domain or its parent"));
}
