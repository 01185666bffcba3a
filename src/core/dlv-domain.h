/* dlv-domain.h: a sending domain and its authentication records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "dlv-types.h"

G_BEGIN_DECLS

/* Stored in SQLite: append only, never renumber. */
typedef enum
{
  DLV_RECORD_DKIM1 = 0, /*< nick=dkim1 >*/
  DLV_RECORD_DKIM2 = 1, /*< nick=dkim2 >*/
  DLV_RECORD_SPF_RETURN_PATH = 2, /*< nick=spf_return_path >*/
  DLV_RECORD_DMARC = 3, /*< nick=dmarc >*/
} DlvRecordName;

#define DLV_N_RECORD_NAMES 4

typedef enum
{
  DLV_RECORD_STATUS_UNKNOWN = 0, /*< nick=unknown >*/
  DLV_RECORD_STATUS_VALID = 1, /*< nick=valid >*/
  DLV_RECORD_STATUS_INVALID = 2, /*< nick=invalid >*/
  DLV_RECORD_STATUS_MISSING = 3, /*< nick=missing >*/
} DlvRecordStatus;

struct _DlvDomainRecord
{
  DlvRecordName name;
  DlvRecordStatus status;
  char *host;              /* e.g. "s1._domainkey.example.com" */
  char *type;              /* "CNAME", "TXT", "MX" */
  char *expected;          /* the value the record should hold */
  char *detail;            /* what is wrong, in the provider's or our words; may be NULL */
};

struct _DlvDomain
{
  char *domain;
  gint64 account_id;       /* set by the store, 0 before */
  char *account;           /* the account's display name, set by the store */
  DlvDomainRecord records[DLV_N_RECORD_NAMES];   /* indexed by DlvRecordName */
};

#define DLV_TYPE_DOMAIN (dlv_domain_get_type ())
GType            dlv_domain_get_type            (void) G_GNUC_CONST;

DlvDomain       *dlv_domain_new                 (const char      *domain);
DlvDomain       *dlv_domain_copy                (const DlvDomain *domain);
void             dlv_domain_free                (DlvDomain       *domain);
void             dlv_domain_set_record          (DlvDomain       *domain,
                                                 DlvRecordName    name,
                                                 DlvRecordStatus  status,
                                                 const char      *host,
                                                 const char      *type,
                                                 const char      *expected,
                                                 const char      *detail);
gboolean         dlv_domain_can_send            (const DlvDomain *domain);

const char      *dlv_record_name_to_string      (DlvRecordName    name);
gboolean         dlv_record_name_from_string    (const char      *str,
                                                 DlvRecordName   *name);
const char      *dlv_record_status_to_string    (DlvRecordStatus  status);
gboolean         dlv_record_status_from_string  (const char      *str,
                                                 DlvRecordStatus *status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DlvDomain, dlv_domain_free)

G_END_DECLS
