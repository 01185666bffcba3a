/* dlv-resend-domains.c: Resend's domains as DKIM, SPF-Return-Path and DMARC rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GET /domains → {"object": "list", "has_more", "data": [{id, name, status,
 * region, capabilities{sending, receiving}}]}; GET /domains/{id} adds
 * "records": [{record: "SPF"|"DKIM"|"Receiving"|"Tracking"…, name ("send",
 * relative to the domain), type, value, status, priority}]. DKIM is the
 * "resend._domainkey" key (TXT, or CNAMEs on some accounts); SPF and the
 * Return-Path are both on the "send" subdomain: an MX for bounces and the
 * SPF TXT. Resend reports no DMARC: the caller reads it from DNS.
 */

#define G_LOG_DOMAIN "dlv-resend"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dlv-json-util.h"
#include "dlv-provider.h"
#include "dlv-resend-domains.h"

void
dlv_resend_domain_ref_free (DlvResendDomainRef *ref)
{
  if (ref == NULL)
    return;

  g_free (ref->id);
  g_free (ref->name);
  g_free (ref->status);
  g_free (ref);
}

static JsonArray *
list_data (JsonParser *parser)
{
  JsonNode *root = json_parser_get_root (parser);

  return root != NULL && JSON_NODE_HOLDS_OBJECT (root)
         ? dlv_json_get_array (json_node_get_object (root), "data") : NULL;
}

/* A domain that only receives has nothing to authenticate for sending. */
static gboolean
sends (JsonObject *domain)
{
  JsonObject *capabilities = dlv_json_get_object (domain, "capabilities");

  return g_strcmp0 (dlv_json_get_string (capabilities, "sending"), "disabled") != 0;
}

/**
 * dlv_resend_parse_domain_list:
 * @has_more: (out): whether Resend has another page
 * @last_id: (out) (transfer full): where the next page starts, or %NULL
 *
 * Returns: (transfer container) (element-type DlvResendDomainRef): the
 *   sending domains, or %NULL with @error set when the answer is no list
 */
GPtrArray *
dlv_resend_parse_domain_list (const char  *data,
                              gsize        length,
                              gboolean    *has_more,
                              char       **last_id,
                              GError     **error)
{
  g_autoptr(JsonParser) parser = dlv_json_load (data, length, NULL, error);
  g_autoptr(GPtrArray) refs = NULL;
  JsonArray *items;
  JsonNode *more;

  *has_more = FALSE;
  *last_id = NULL;
  if (parser == NULL)
    return NULL;

  items = list_data (parser);
  if (items == NULL)
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE,
                   _("Resend sent a list of domains without its “data”"));
      return NULL;
    }

  refs = g_ptr_array_new_with_free_func ((GDestroyNotify) dlv_resend_domain_ref_free);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      JsonObject *domain = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *id = dlv_json_get_string (domain, "id");
      DlvResendDomainRef *ref;

      if (id == NULL || id[0] == '\0' || strlen (id) > 255)
        continue;
      g_free (*last_id);
      *last_id = g_strdup (id);
      if (dlv_json_get_string (domain, "name") == NULL || !sends (domain))
        continue;

      ref = g_new0 (DlvResendDomainRef, 1);
      ref->id = g_strdup (id);
      ref->name = dlv_json_dup_string (domain, "name");
      ref->status = dlv_json_dup_string (domain, "status");
      if (ref->name != NULL)
        g_ptr_array_add (refs, ref);
      else
        dlv_resend_domain_ref_free (ref);
    }

  more = json_object_get_member (json_node_get_object (json_parser_get_root (parser)), "has_more");
  *has_more = more != NULL && json_node_get_value_type (more) == G_TYPE_BOOLEAN &&
              json_node_get_boolean (more);

  return g_steal_pointer (&refs);
}

/* Anything but "verified" is not valid, but only "failed" says it is wrong:
 * "pending", "not_started" and "temporary_failure" are not known yet. */
static DlvRecordStatus
record_status (JsonObject *record)
{
  const char *status = dlv_json_get_string (record, "status");

  if (g_strcmp0 (status, "verified") == 0)
    return DLV_RECORD_STATUS_VALID;
  if (g_strcmp0 (status, "failed") == 0)
    return DLV_RECORD_STATUS_INVALID;

  return DLV_RECORD_STATUS_UNKNOWN;
}

static const char *
status_detail (JsonObject *record)
{
  const char *status = dlv_json_get_string (record, "status");

  if (g_strcmp0 (status, "verified") == 0)
    return NULL;
  if (g_strcmp0 (status, "failed") == 0)
    return _("Resend did not find this record in DNS, or found a different value");
  if (g_strcmp0 (status, "temporary_failure") == 0)
    return _("Resend could not check this record in DNS for now and will try again");
  if (g_strcmp0 (status, "pending") == 0)
    return _("Resend is still looking for this record in DNS");
  if (g_strcmp0 (status, "not_started") == 0)
    return _("Resend has not checked this record yet: start the verification in Resend");

  return _("Resend gives no status for this record");
}

/* Names are relative to the domain ("send", "resend._domainkey"). */
static char *
record_host (JsonObject *record,
             const char *domain)
{
  const char *name = dlv_json_get_string (record, "name");
  g_autofree char *suffix = g_strconcat (".", domain, NULL);

  if (name == NULL || name[0] == '\0' || strcmp (name, "@") == 0)
    return g_strdup (domain);
  if (g_ascii_strcasecmp (name, domain) == 0 || g_str_has_suffix (name, suffix))
    return g_strdup (name);

  return g_strconcat (name, suffix, NULL);
}

/* TXT values come quoted: "\"v=spf1 include:amazonses.com ~all\"". */
static char *
record_value (JsonObject *record)
{
  g_autofree char *value = dlv_json_dup_string (record, "value");
  gsize len = value != NULL ? strlen (value) : 0;

  if (len >= 2 && value[0] == '"' && value[len - 1] == '"')
    return g_strndup (value + 1, len - 2);

  return g_steal_pointer (&value);
}

static void
set_record (DlvDomain     *domain,
            DlvRecordName  name,
            JsonObject    *record)
{
  g_autofree char *host = record_host (record, domain->domain);
  g_autofree char *value = record_value (record);
  const char *type = dlv_json_get_string (record, "type");

  dlv_domain_set_record (domain, name, record_status (record), host, type != NULL ? type : "TXT",
                         value, status_detail (record));
}

static void
copy_record (DlvDomain     *domain,
             DlvRecordName  to,
             DlvRecordName  from,
             const char    *detail)
{
  const DlvDomainRecord *source = &domain->records[from];

  dlv_domain_set_record (domain, to, source->status, source->host, source->type, source->expected,
                         detail);
}

static int
status_rank (DlvRecordStatus status)
{
  switch (status)
    {
    case DLV_RECORD_STATUS_VALID:
      return 0;
    case DLV_RECORD_STATUS_UNKNOWN:
      return 1;
    case DLV_RECORD_STATUS_MISSING:
      return 2;
    case DLV_RECORD_STATUS_INVALID:
    default:
      return 3;
    }
}

/* One row for two records on "send": the SPF TXT, shown, and the MX that
 * makes it the Return-Path, named in the detail when it is the problem. */
static void
set_spf_return_path (DlvDomain  *domain,
                     JsonObject *txt,
                     JsonObject *mx)
{
  DlvRecordStatus txt_status = txt != NULL ? record_status (txt) : DLV_RECORD_STATUS_MISSING;
  DlvRecordStatus mx_status = mx != NULL ? record_status (mx) : DLV_RECORD_STATUS_MISSING;
  DlvRecordStatus status = status_rank (txt_status) >= status_rank (mx_status)
                           ? txt_status : mx_status;
  JsonObject *shown = txt != NULL ? txt : mx;
  g_autofree char *host = shown != NULL ? record_host (shown, domain->domain)
                                        : g_strconcat ("send.", domain->domain, NULL);
  g_autofree char *value = shown != NULL ? record_value (shown)
                                         : g_strdup ("v=spf1 include:amazonses.com ~all");
  g_autofree char *mx_host = mx != NULL ? record_host (mx, domain->domain) : NULL;
  g_autofree char *mx_value = mx != NULL ? record_value (mx) : NULL;
  g_autofree char *detail = NULL;

  if (txt == NULL && mx == NULL)
    detail = g_strdup (_("Resend lists no SPF or Return-Path record for this domain"));
  else if (txt == NULL)
    detail = g_strdup (_("Resend lists no SPF record for this domain, only its Return-Path MX"));
  else if (txt_status != DLV_RECORD_STATUS_VALID)
    detail = g_strdup (status_detail (txt));
  else if (mx == NULL)
    detail = g_strdup (_("Resend lists no Return-Path MX record for this domain"));
  else if (mx_status != DLV_RECORD_STATUS_VALID)
    /* Translators: the MX record's host, the mail server it points to, then what Resend says */
    detail = g_strdup_printf (_("Return-Path MX record %s → %s: %s"), mx_host,
                              mx_value != NULL ? mx_value : "", status_detail (mx));

  dlv_domain_set_record (domain, DLV_RECORD_SPF_RETURN_PATH, status, host,
                         shown == txt ? "TXT" : "MX", value, detail);
}

static gboolean
is_dkim (JsonObject *record)
{
  const char *kind = dlv_json_get_string (record, "record");
  const char *name = dlv_json_get_string (record, "name");

  if (kind != NULL)
    return g_ascii_strcasecmp (kind, "DKIM") == 0;

  return name != NULL && strstr (name, "_domainkey") != NULL;
}

static void
read_records (DlvDomain *domain,
              JsonArray *records)
{
  JsonObject *spf_txt = NULL;
  JsonObject *spf_mx = NULL;
  guint dkim = 0;

  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonNode *node = json_array_get_element (records, i);
      JsonObject *record = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *kind = dlv_json_get_string (record, "record");
      const char *type = dlv_json_get_string (record, "type");

      if (record == NULL)
        continue;
      if (is_dkim (record) && dkim < 2)
        set_record (domain, dkim++ == 0 ? DLV_RECORD_DKIM1 : DLV_RECORD_DKIM2, record);
      else if (g_strcmp0 (kind, "SPF") == 0 && g_strcmp0 (type, "MX") == 0 && spf_mx == NULL)
        spf_mx = record;
      else if (g_strcmp0 (kind, "SPF") == 0 && g_strcmp0 (type, "TXT") == 0 && spf_txt == NULL)
        spf_txt = record;
    }

  if (dkim == 0)
    dlv_domain_set_record (domain, DLV_RECORD_DKIM1, DLV_RECORD_STATUS_MISSING,
                           NULL, "TXT", NULL, _("Resend lists no DKIM key for this domain"));
  /* With one key Resend signs with it alone: the second row says so
   * rather than looking broken. */
  if (dkim < 2)
    copy_record (domain, DLV_RECORD_DKIM2, DLV_RECORD_DKIM1,
                 dkim == 1 ? _("Resend signs with a single DKIM key for this domain")
                           : _("Resend lists no DKIM key for this domain"));

  set_spf_return_path (domain, spf_txt, spf_mx);
}

static void
set_unread (DlvDomain  *domain,
            const char *detail)
{
  for (guint i = DLV_RECORD_DKIM1; i <= DLV_RECORD_SPF_RETURN_PATH; i++)
    dlv_domain_set_record (domain, i, DLV_RECORD_STATUS_UNKNOWN, NULL, NULL, NULL, detail);
}

/**
 * dlv_resend_parse_domain:
 * @fallback_name: the name the list gave, should the answer lack it
 *
 * Returns: (transfer full): the domain with its DKIM and SPF-Return-Path
 *   rows (DMARC is left to DNS), or %NULL with @error set when the answer
 *   is not JSON
 */
DlvDomain *
dlv_resend_parse_domain (const char  *data,
                         gsize        length,
                         const char  *fallback_name,
                         GError     **error)
{
  g_autoptr(JsonParser) parser = dlv_json_load (data, length, NULL, error);
  JsonObject *object = NULL;
  JsonArray *records;
  JsonNode *root;
  const char *name;
  DlvDomain *domain;

  if (parser == NULL)
    return NULL;

  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    object = json_node_get_object (root);
  name = dlv_json_get_string (object, "name");
  if (name == NULL || name[0] == '\0')
    name = fallback_name;
  if (name == NULL)
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE,
                   _("Resend described a domain without its name"));
      return NULL;
    }

  domain = dlv_domain_new (name);
  records = dlv_json_get_array (object, "records");
  if (records != NULL)
    read_records (domain, records);
  else
    set_unread (domain, _("Resend described this domain without its DNS records"));

  return domain;
}

/**
 * dlv_resend_domain_from_ref:
 * @detail: why its records were not read
 *
 * Returns: (transfer full): a domain known by name only
 */
DlvDomain *
dlv_resend_domain_from_ref (const DlvResendDomainRef *ref,
                            const char               *detail)
{
  DlvDomain *domain = dlv_domain_new (ref->name);

  set_unread (domain, detail);
  return domain;
}
