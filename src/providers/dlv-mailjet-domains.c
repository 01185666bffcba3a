/* dlv-mailjet-domains.c: Mailjet's sender domains and their DNS checks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shape: GET /v3/REST/dns (every domain) or /v3/REST/dns/{ID or name} (one) →
 * {"Count", "Data": [{"Domain", "DKIMRecordName", "DKIMRecordValue", "DKIMStatus",
 * "SPFRecordValue", "SPFStatus", …}], "Total"}, the statuses being "OK", "Error", "Not checked"
 * and, for SPF, "Not found". Mailjet signs with one DKIM key, and its bounce address is on its
 * own domain, so the Return-Path row is proven by SPF alone. DMARC is not in the API: the
 * caller reads it from DNS.
 */

#define G_LOG_DOMAIN "dlv-mailjet"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dlv-json-util.h"
#include "dlv-mailjet-domains.h"
#include "dlv-mailjet-events.h"
#include "dlv-provider.h"

#define DEFAULT_SPF "v=spf1 include:spf.mailjet.com ?all"

static DlvRecordStatus
check_status (const char *status)
{
  if (status == NULL)
    return DLV_RECORD_STATUS_UNKNOWN;
  if (g_ascii_strcasecmp (status, "OK") == 0)
    return DLV_RECORD_STATUS_VALID;
  if (g_ascii_strcasecmp (status, "Error") == 0)
    return DLV_RECORD_STATUS_INVALID;
  if (g_ascii_strcasecmp (status, "Not found") == 0)
    return DLV_RECORD_STATUS_MISSING;

  /* "Not checked", and any word added later. */
  return DLV_RECORD_STATUS_UNKNOWN;
}

/* What Mailjet's own check said ("DKIMErrors": a string or a list of them), when it said it. */
static char *
check_errors (JsonObject *item,
              const char *member)
{
  JsonArray *list = dlv_json_get_array (item, member);
  g_autoptr(GString) text = NULL;

  if (list == NULL)
    return dlv_json_dup_string (item, member);

  text = g_string_new (NULL);
  for (guint i = 0; i < json_array_get_length (list) && i < 5; i++)
    {
      JsonNode *node = json_array_get_element (list, i);

      if (json_node_get_value_type (node) != G_TYPE_STRING ||
          json_node_get_string (node)[0] == '\0')
        continue;
      g_string_append_printf (text, "%s%s", text->len > 0 ? "; " : "", json_node_get_string (node));
    }

  if (text->len == 0)
    return NULL;

  return g_utf8_make_valid (text->str, MIN (text->len, 1024));
}

static char *
detail_with_errors (const char *ours,
                    JsonObject *item,
                    const char *member)
{
  g_autofree char *theirs = check_errors (item, member);

  if (ours == NULL)
    return NULL;
  if (theirs == NULL)
    return g_strdup (ours);

  /* TRANSLATORS: our explanation, then what Mailjet's check reported */
  return g_strdup_printf (_("%s. Mailjet says: “%s”"), ours, theirs);
}

static const char *
dkim_detail (DlvRecordStatus status)
{
  switch (status)
    {
    case DLV_RECORD_STATUS_INVALID:
      return _("Mailjet found a different DKIM key in DNS, or none");
    case DLV_RECORD_STATUS_MISSING:
      return _("Mailjet found no DKIM record in DNS");
    case DLV_RECORD_STATUS_UNKNOWN:
      return _("Mailjet has not checked this record yet");
    case DLV_RECORD_STATUS_VALID:
    default:
      return NULL;
    }
}

static const char *
spf_detail (DlvRecordStatus status)
{
  switch (status)
    {
    case DLV_RECORD_STATUS_INVALID:
      return _("The domain's SPF record does not allow Mailjet: add “include:spf.mailjet.com” to "
               "the existing record rather than publishing a second one");
    case DLV_RECORD_STATUS_MISSING:
      return _("Mailjet found no SPF record for this domain");
    case DLV_RECORD_STATUS_UNKNOWN:
      return _("Mailjet has not checked this record yet");
    case DLV_RECORD_STATUS_VALID:
    default:
      return NULL;
    }
}

static void
set_dkim (DlvDomain  *domain,
          JsonObject *item)
{
  const char *host = dlv_json_get_string (item, "DKIMRecordName");
  const char *value = dlv_json_get_string (item, "DKIMRecordValue");
  DlvDomainRecord *first = &domain->records[DLV_RECORD_DKIM1];
  DlvRecordStatus status = check_status (dlv_json_get_string (item, "DKIMStatus"));
  g_autofree char *detail = NULL;

  if (host == NULL || host[0] == '\0')
    dlv_domain_set_record (domain, DLV_RECORD_DKIM1, DLV_RECORD_STATUS_MISSING, NULL, "TXT", NULL,
                           _("Mailjet lists no DKIM key for this domain"));
  else
    {
      detail = detail_with_errors (dkim_detail (status), item, "DKIMErrors");
      dlv_domain_set_record (domain, DLV_RECORD_DKIM1, status, host, "TXT", value, detail);
    }

  /* Mailjet signs with a single key: the second row says so rather than looking broken. */
  dlv_domain_set_record (domain, DLV_RECORD_DKIM2, first->status, first->host, first->type,
                         first->expected,
                         _("Mailjet signs with a single DKIM key for this domain"));
}

static void
set_spf (DlvDomain  *domain,
         JsonObject *item)
{
  const char *value = dlv_json_get_string (item, "SPFRecordValue");
  DlvRecordStatus status = check_status (dlv_json_get_string (item, "SPFStatus"));
  g_autofree char *detail = detail_with_errors (spf_detail (status), item, "SPFErrors");

  dlv_domain_set_record (domain, DLV_RECORD_SPF_RETURN_PATH, status, domain->domain, "TXT",
                         value != NULL && value[0] != '\0' ? value : DEFAULT_SPF, detail);
}

static DlvDomain *
parse_domain (JsonObject *item)
{
  const char *name = dlv_json_get_string (item, "Domain");
  g_autoptr(DlvDomain) domain = NULL;

  if (name == NULL || name[0] == '\0' || strlen (name) > 253 || !g_utf8_validate (name, -1, NULL))
    return NULL;

  domain = dlv_domain_new (name);
  set_dkim (domain, item);
  set_spf (domain, item);

  return g_steal_pointer (&domain);
}

/**
 * dlv_mailjet_parse_domains:
 * @items: (out): how many items the answer held, readable or not (to page on)
 * @total: (out): its "Total", or -1
 *
 * Returns: (transfer full) (element-type DlvDomain): the domains without their DMARC row, or
 *   %NULL with @error set when the answer is not a DNS list
 */
GPtrArray *
dlv_mailjet_parse_domains (const char  *data,
                           gsize        length,
                           guint       *items,
                           gint64      *total,
                           GError     **error)
{
  g_autoptr(JsonParser) parser = dlv_json_load (data, length, NULL, error);
  g_autoptr(GPtrArray) domains = g_ptr_array_new_with_free_func ((GDestroyNotify) dlv_domain_free);
  JsonArray *list;

  if (parser == NULL)
    return NULL;

  list = dlv_mailjet_page_data (parser, total, error);
  if (list == NULL)
    return NULL;

  *items = json_array_get_length (list);
  for (guint i = 0; i < *items; i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      DlvDomain *domain = NULL;

      if (JSON_NODE_HOLDS_OBJECT (node))
        domain = parse_domain (json_node_get_object (node));

      if (domain != NULL)
        g_ptr_array_add (domains, domain);
    }

  return g_steal_pointer (&domains);
}
