/* dlv-postmark-domains.c: Postmark's Domains API records as authentication rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shape: GET /domains/{ID} (account token) → {Name, DKIMVerified, WeakDKIM,
 * DKIMHost, DKIMTextValue, DKIMPendingHost, DKIMPendingTextValue,
 * DKIMUpdateStatus, ReturnPathDomain, ReturnPathDomainVerified,
 * ReturnPathDomainCNAMEValue, SPFHost, SPFTextValue, SPFVerified, …}.
 * DKIM 1 is the current key, DKIM 2 the key being rotated in (or the first
 * one mirrored, with a sentence); the SPF row is the Return-Path CNAME,
 * which makes SPF pass on the sender's own domain. Verification flags are
 * booleans, also read from "true"/"false" strings.
 */

#define G_LOG_DOMAIN "dlv-postmark"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dlv-json-util.h"
#include "dlv-postmark-domains.h"

static const char *
nonempty (JsonObject *object,
          const char *member)
{
  const char *value = dlv_json_get_string (object, member);

  return value != NULL && value[0] != '\0' ? value : NULL;
}

/* A check Postmark reports as a boolean; UNKNOWN when it does not say. */
static DlvRecordStatus
flag_status (JsonObject *record,
             const char *member)
{
  JsonNode *node = json_object_get_member (record, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return DLV_RECORD_STATUS_UNKNOWN;
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node) ? DLV_RECORD_STATUS_VALID : DLV_RECORD_STATUS_INVALID;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_ascii_strcasecmp (json_node_get_string (node), "true") == 0
           ? DLV_RECORD_STATUS_VALID : DLV_RECORD_STATUS_INVALID;

  return DLV_RECORD_STATUS_UNKNOWN;
}

static void
mirror_dkim (DlvDomain  *domain,
             const char *detail)
{
  DlvDomainRecord *first = &domain->records[DLV_RECORD_DKIM1];

  dlv_domain_set_record (domain, DLV_RECORD_DKIM2, first->status, first->host, first->type,
                         first->expected, detail);
}

/* While a key is rotated, Postmark lists the new one as pending:
 * DKIMUpdateStatus says whether it was found ("Pending", "Verified",
 * "Failed"). */
static void
set_pending_dkim (DlvDomain     *domain,
                  DlvRecordName  name,
                  JsonObject    *record)
{
  const char *update = dlv_json_get_string (record, "DKIMUpdateStatus");
  DlvRecordStatus status = DLV_RECORD_STATUS_UNKNOWN;
  const char *detail = _("Postmark is waiting to find this new DKIM key in DNS");

  if (g_strcmp0 (update, "Verified") == 0)
    {
      status = DLV_RECORD_STATUS_VALID;
      detail = NULL;
    }
  else if (g_strcmp0 (update, "Failed") == 0)
    {
      status = DLV_RECORD_STATUS_INVALID;
      detail = _("Postmark could not find this new DKIM key in DNS");
    }

  dlv_domain_set_record (domain, name, status, nonempty (record, "DKIMPendingHost"), "TXT",
                         nonempty (record, "DKIMPendingTextValue"), detail);
}

static void
set_dkim (DlvDomain  *domain,
          JsonObject *record)
{
  DlvRecordStatus status = flag_status (record, "DKIMVerified");
  gboolean weak = flag_status (record, "WeakDKIM") == DLV_RECORD_STATUS_VALID;
  const char *detail = NULL;

  if (nonempty (record, "DKIMHost") == NULL && nonempty (record, "DKIMPendingHost") != NULL)
    {
      /* A new domain: its first key waits in the pending fields. */
      set_pending_dkim (domain, DLV_RECORD_DKIM1, record);
      mirror_dkim (domain, _("Postmark signs with a single DKIM key for this domain"));
      return;
    }
  if (nonempty (record, "DKIMHost") == NULL)
    {
      dlv_domain_set_record (domain, DLV_RECORD_DKIM1, DLV_RECORD_STATUS_MISSING, NULL, "TXT", NULL,
                             _("Postmark lists no DKIM key for this domain"));
      mirror_dkim (domain, _("Postmark lists no DKIM key for this domain"));
      return;
    }

  if (status == DLV_RECORD_STATUS_INVALID)
    detail = _("Postmark has not found this DKIM key in DNS");
  else if (status == DLV_RECORD_STATUS_VALID && weak)
    detail = _("Postmark calls this DKIM key weak: rotate it to a 2048-bit key in Postmark");
  else if (status == DLV_RECORD_STATUS_UNKNOWN)
    detail = _("Postmark did not say whether it found this DKIM key in DNS");
  dlv_domain_set_record (domain, DLV_RECORD_DKIM1, status, nonempty (record, "DKIMHost"), "TXT",
                         nonempty (record, "DKIMTextValue"), detail);

  if (nonempty (record, "DKIMPendingHost") != NULL)
    set_pending_dkim (domain, DLV_RECORD_DKIM2, record);
  else
    mirror_dkim (domain, _("Postmark signs with a single DKIM key for this domain"));
}

/* The Return-Path CNAME makes SPF pass on the sender's own domain; older
 * setups verified an SPF TXT record instead, read when no Return-Path is
 * set. */
static void
set_return_path (DlvDomain  *domain,
                 JsonObject *record)
{
  const char *host = nonempty (record, "ReturnPathDomain");
  const char *target = nonempty (record, "ReturnPathDomainCNAMEValue");
  DlvRecordStatus status = flag_status (record, "ReturnPathDomainVerified");
  g_autofree char *suggested = g_strconcat ("pm-bounces.", domain->domain, NULL);

  if (host != NULL)
    dlv_domain_set_record (domain, DLV_RECORD_SPF_RETURN_PATH, status, host, "CNAME",
                           target != NULL ? target : "pm.mtasv.net",
                           status == DLV_RECORD_STATUS_VALID ? NULL
                           : _("Postmark has not found this CNAME record in DNS, so bounces and SPF "
                               "still use Postmark's own domain instead of yours"));
  else if (nonempty (record, "SPFHost") != NULL && nonempty (record, "SPFTextValue") != NULL)
    dlv_domain_set_record (domain, DLV_RECORD_SPF_RETURN_PATH, flag_status (record, "SPFVerified"),
                           nonempty (record, "SPFHost"), "TXT", nonempty (record, "SPFTextValue"),
                           _("An older SPF record: Postmark now recommends a custom Return-Path "
                             "(a CNAME to pm.mtasv.net) instead"));
  else
    dlv_domain_set_record (domain, DLV_RECORD_SPF_RETURN_PATH, DLV_RECORD_STATUS_MISSING, suggested,
                           "CNAME", "pm.mtasv.net",
                           _("No custom Return-Path is set up in Postmark: SPF passes for "
                             "Postmark's domain, not yours, so it does not count for DMARC"));
}

/**
 * dlv_postmark_parse_domain:
 * @record: GET /domains/{ID} (or, lacking it, an item of GET /domains)
 * @name: the domain's name
 *
 * Returns: (transfer full): the domain with its DKIM 1, DKIM 2 and
 *   SPF/Return-Path rows; DMARC is left to DNS
 */
DlvDomain *
dlv_postmark_parse_domain (JsonObject *record,
                           const char *name)
{
  DlvDomain *domain = dlv_domain_new (name);

  set_dkim (domain, record);
  set_return_path (domain, record);
  return domain;
}
