/* dlv-domain.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "dlv-domain"

#include "config.h"

#include "dlv-domain.h"
#include "dlv-core-enums.h"
#include "dlv-util.h"

G_DEFINE_BOXED_TYPE (DlvDomain, dlv_domain, dlv_domain_copy, dlv_domain_free)

/**
 * dlv_domain_new:
 * @domain: the sending domain
 *
 * Returns: (transfer full): a domain whose four records are all "unknown"
 */
DlvDomain *
dlv_domain_new (const char *domain)
{
  DlvDomain *self;

  g_return_val_if_fail (domain != NULL, NULL);

  self = g_new0 (DlvDomain, 1);
  self->domain = g_strdup (domain);
  for (guint i = 0; i < DLV_N_RECORD_NAMES; i++)
    self->records[i].name = i;

  return self;
}

DlvDomain *
dlv_domain_copy (const DlvDomain *domain)
{
  DlvDomain *copy;

  g_return_val_if_fail (domain != NULL, NULL);

  copy = dlv_domain_new (domain->domain);
  copy->account_id = domain->account_id;
  copy->account = g_strdup (domain->account);
  for (guint i = 0; i < DLV_N_RECORD_NAMES; i++)
    {
      const DlvDomainRecord *r = &domain->records[i];

      dlv_domain_set_record (copy, i, r->status, r->host, r->type, r->expected, r->detail);
    }

  return copy;
}

void
dlv_domain_free (DlvDomain *domain)
{
  if (domain == NULL)
    return;

  for (guint i = 0; i < DLV_N_RECORD_NAMES; i++)
    {
      g_free (domain->records[i].host);
      g_free (domain->records[i].type);
      g_free (domain->records[i].expected);
      g_free (domain->records[i].detail);
    }
  g_free (domain->domain);
  g_free (domain->account);
  g_free (domain);
}

void
dlv_domain_set_record (DlvDomain       *domain,
                       DlvRecordName    name,
                       DlvRecordStatus  status,
                       const char      *host,
                       const char      *type,
                       const char      *expected,
                       const char      *detail)
{
  DlvDomainRecord *record;

  g_return_if_fail (domain != NULL);
  g_return_if_fail ((guint) name < DLV_N_RECORD_NAMES);

  record = &domain->records[name];
  record->status = status;
  g_free (record->host);
  record->host = g_strdup (host);
  g_free (record->type);
  record->type = g_strdup (type);
  g_free (record->expected);
  record->expected = g_strdup (expected);
  g_free (record->detail);
  record->detail = g_strdup (detail);
}

/* Sending needs DKIM 1, DKIM 2 and SPF / Return-Path valid; DMARC only helps placement. */
gboolean
dlv_domain_can_send (const DlvDomain *domain)
{
  g_return_val_if_fail (domain != NULL, FALSE);

  return domain->records[DLV_RECORD_DKIM1].status == DLV_RECORD_STATUS_VALID &&
         domain->records[DLV_RECORD_DKIM2].status == DLV_RECORD_STATUS_VALID &&
         domain->records[DLV_RECORD_SPF_RETURN_PATH].status == DLV_RECORD_STATUS_VALID;
}

const char *
dlv_record_name_to_string (DlvRecordName value)
{
  return dlv_enum_to_nick (DLV_TYPE_RECORD_NAME, value);
}

gboolean
dlv_record_name_from_string (const char    *str,
                             DlvRecordName *value)
{
  return dlv_enum_from_nick (DLV_TYPE_RECORD_NAME, str, (int *) value);
}

const char *
dlv_record_status_to_string (DlvRecordStatus value)
{
  return dlv_enum_to_nick (DLV_TYPE_RECORD_STATUS, value);
}

gboolean
dlv_record_status_from_string (const char      *str,
                               DlvRecordStatus *value)
{
  return dlv_enum_from_nick (DLV_TYPE_RECORD_STATUS, str, (int *) value);
}
