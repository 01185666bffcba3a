/* dlv-brevo-domains.c: Brevo's sender domains as the four authentication rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GET /v3/senders/domains → {"domains": [{id, domain_name, authenticated,
 * verified}]}, then per domain GET /v3/senders/domains/{name} → {domain,
 * verified, authenticated, dns_records: {NAME: {type, value, host_name,
 * status (bool)}}}. Record names: "dkim1Record"/"dkim2Record" (two CNAMEs,
 * seen in live answers but absent from Brevo's SDK models) or the older
 * single "dkim_record" TXT; "brevo_code", the TXT proving ownership;
 * "dmarc_record" (since 2024, the only provider that reports DMARC). Brevo
 * asks for no SPF or Return-Path record, so that row shows the ownership
 * code instead and says so.
 */

#define G_LOG_DOMAIN "dlv-brevo"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dlv-brevo-domains.h"
#include "dlv-json-util.h"
#include "dlv-provider.h"

static JsonObject *
load_object (JsonParser  **parser,
             const char   *data,
             gsize         size,
             GError      **error)
{
  JsonNode *root;

  *parser = dlv_json_load (data, size, NULL, error);
  if (*parser == NULL)
    return NULL;

  root = json_parser_get_root (*parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE,
                   _("Brevo answered with something other than a description of sender domains"));
      return NULL;
    }

  return json_node_get_object (root);
}

/**
 * dlv_brevo_parse_domain_names:
 *
 * Returns: (transfer full) (element-type utf8): the domain names of a
 *   GET /v3/senders/domains answer, at most %DLV_BREVO_MAX_DOMAINS
 */
GPtrArray *
dlv_brevo_parse_domain_names (const char  *data,
                              gsize        size,
                              GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  JsonObject *root = load_object (&parser, data, size, error);
  JsonArray *domains;

  if (root == NULL)
    return NULL;

  /* An account without sender domains may get {"domains": null} or {}. */
  domains = dlv_json_get_array (root, "domains");
  for (guint i = 0; domains != NULL && i < json_array_get_length (domains); i++)
    {
      JsonNode *node = json_array_get_element (domains, i);
      JsonObject *domain = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      char *name = dlv_json_dup_string (domain, "domain_name");

      if (name == NULL)
        name = dlv_json_dup_string (domain, "domain");
      if (name == NULL || strchr (name, '/') != NULL)
        {
          g_free (name);
          continue;
        }
      if (names->len == DLV_BREVO_MAX_DOMAINS)
        {
          g_debug ("Reading the first %d Brevo domains only", DLV_BREVO_MAX_DOMAINS);
          g_free (name);
          break;
        }
      g_ptr_array_add (names, name);
    }

  return g_steal_pointer (&names);
}

/* "@" and "" mean the domain itself; "brevo1._domainkey" is below it. */
static char *
full_host (const char *host,
           const char *domain)
{
  g_autofree char *bare = g_strdup (host != NULL ? host : "");
  gsize len = strlen (g_strstrip (bare));
  g_autofree char *suffix = g_strconcat (".", domain, NULL);

  if (len > 0 && bare[len - 1] == '.')
    bare[--len] = '\0';
  if (len == 0 || g_strcmp0 (bare, "@") == 0)
    return g_strdup (domain);
  if (g_ascii_strcasecmp (bare, domain) == 0 || g_str_has_suffix (bare, suffix))
    return g_steal_pointer (&bare);

  return g_strconcat (bare, ".", domain, NULL);
}

/* Brevo says true or false; anything else is not an answer. */
static DlvRecordStatus
record_status (JsonObject *record)
{
  JsonNode *node = record != NULL ? json_object_get_member (record, "status") : NULL;
  GType type = node != NULL ? json_node_get_value_type (node) : G_TYPE_INVALID;

  if (type == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node) ? DLV_RECORD_STATUS_VALID : DLV_RECORD_STATUS_INVALID;
  if (type == G_TYPE_INT64)
    return json_node_get_int (node) != 0 ? DLV_RECORD_STATUS_VALID : DLV_RECORD_STATUS_INVALID;

  return DLV_RECORD_STATUS_UNKNOWN;
}

static const char *
status_detail (DlvRecordStatus status)
{
  if (status == DLV_RECORD_STATUS_INVALID)
    return _("Brevo did not find this record in DNS, or found another value");
  if (status == DLV_RECORD_STATUS_UNKNOWN)
    return _("Brevo has not said whether it found this record in DNS");

  return NULL;
}

static void
set_record (DlvDomain     *domain,
            DlvRecordName  name,
            JsonObject    *record,
            const char    *fallback_type,
            const char    *detail)
{
  DlvRecordStatus status = record_status (record);
  const char *type = dlv_json_get_string (record, "type");
  g_autofree char *host = full_host (dlv_json_get_string (record, "host_name"), domain->domain);

  dlv_domain_set_record (domain, name, status, host,
                         type != NULL ? type : fallback_type,
                         dlv_json_get_string (record, "value"),
                         detail != NULL ? detail : status_detail (status));
}

/* Both spellings: the SDK models write snake case, live answers camel case. */
static JsonObject *
find_record (JsonObject *records,
             const char *camel,
             const char *snake)
{
  JsonObject *record = dlv_json_get_object (records, camel);

  return record != NULL ? record : dlv_json_get_object (records, snake);
}

static void
set_dkim (DlvDomain  *domain,
          JsonObject *records)
{
  JsonObject *first = find_record (records, "dkim1Record", "dkim1_record");
  JsonObject *second = find_record (records, "dkim2Record", "dkim2_record");
  const DlvDomainRecord *key;

  if (first == NULL)
    first = dlv_json_get_object (records, "dkim_record");
  if (first == NULL)
    {
      first = second;
      second = NULL;
    }

  if (first == NULL)
    {
      dlv_domain_set_record (domain, DLV_RECORD_DKIM1, DLV_RECORD_STATUS_MISSING, NULL, "TXT", NULL,
                             _("Brevo lists no DKIM record for this domain"));
      return;
    }

  set_record (domain, DLV_RECORD_DKIM1, first, "TXT", NULL);
  if (second != NULL)
    {
      set_record (domain, DLV_RECORD_DKIM2, second, "CNAME", NULL);
      return;
    }

  /* The older setup has one TXT key: Brevo signs with it alone, and the
   * second row says so rather than looking broken. */
  key = &domain->records[DLV_RECORD_DKIM1];
  dlv_domain_set_record (domain, DLV_RECORD_DKIM2, key->status, key->host, key->type, key->expected,
                         _("Brevo signs with a single DKIM key for this domain"));
}

static void
set_ownership (DlvDomain  *domain,
               JsonObject *records,
               JsonObject *root)
{
  JsonObject *code = dlv_json_get_object (records, "brevo_code");
  JsonNode *verified = json_object_get_member (root, "verified");
  DlvRecordStatus status = DLV_RECORD_STATUS_UNKNOWN;

  if (code != NULL)
    {
      status = record_status (code);
      set_record (domain, DLV_RECORD_SPF_RETURN_PATH, code, "TXT",
                  status == DLV_RECORD_STATUS_VALID
                    ? _("Brevo needs no SPF or Return-Path record, as bounces go to its own "
                        "domain; this row shows the Brevo code that proves the domain is yours")
                    : _("Brevo has not found this code in DNS yet; it proves the domain is "
                        "yours. Brevo needs no SPF or Return-Path record"));
      return;
    }

  if (verified != NULL && json_node_get_value_type (verified) == G_TYPE_BOOLEAN)
    status = json_node_get_boolean (verified) ? DLV_RECORD_STATUS_VALID : DLV_RECORD_STATUS_INVALID;
  dlv_domain_set_record (domain, DLV_RECORD_SPF_RETURN_PATH, status, domain->domain, "TXT", NULL,
                         status == DLV_RECORD_STATUS_VALID
                           ? _("Brevo needs no SPF or Return-Path record, and has verified that "
                               "the domain is yours")
                           : _("Brevo needs no SPF or Return-Path record, but has not verified "
                               "that the domain is yours"));
}

/**
 * dlv_brevo_parse_domain:
 * @name: the domain as listed
 *
 * The DMARC row is left untouched when Brevo does not report it, so it is
 * read from DNS like every other provider's.
 *
 * Returns: (transfer full): the domain with its rows, or %NULL with @error
 *   set when the answer is not a domain description
 */
DlvDomain *
dlv_brevo_parse_domain (const char  *name,
                        const char  *data,
                        gsize        size,
                        GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(DlvDomain) domain = NULL;
  JsonObject *root = load_object (&parser, data, size, error);
  JsonObject *records;
  JsonObject *dmarc;

  if (root == NULL)
    return NULL;

  records = dlv_json_get_object (root, "dns_records");
  if (records == NULL)
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE,
                   _("Brevo described the domain %s without its DNS records"), name);
      return NULL;
    }

  domain = dlv_domain_new (name);
  set_dkim (domain, records);
  set_ownership (domain, records, root);

  dmarc = dlv_json_get_object (records, "dmarc_record");
  if (dmarc != NULL)
    set_record (domain, DLV_RECORD_DMARC, dmarc, "TXT", NULL);

  return g_steal_pointer (&domain);
}
