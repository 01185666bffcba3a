/* dlv-import.c: events from files a provider exported
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A file holds either exactly what the provider's events API returned (one
 * response page), or the provider's webhook events: a JSON array of them,
 * or one per line (NDJSON). Each event is parsed as the poller parses it,
 * so an import and a poll de-duplicate against each other.
 */

#define G_LOG_DOMAIN "dlv-import"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dlv-import.h"
#include "dlv-json-util.h"
#include "dlv-providers.h"

guint
dlv_import_retry_window_hours (const char *provider)
{
  const DlvProviderInfo *info = dlv_providers_lookup (provider);

  return info != NULL ? info->retry_window_hours : 72;
}

static void
add_webhook_event (const DlvProviderInfo *info,
                   DlvEventPage          *page,
                   JsonNode              *node)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  gboolean ignored = FALSE;
  DlvEvent *event = NULL;

  if (object != NULL)
    event = info->parse_webhook (object, &ignored);

  if (event != NULL)
    g_ptr_array_add (page->events, event);
  else if (!ignored)
    page->skipped++;
}

static DlvEventPage *
parse_ndjson (const DlvProviderInfo  *info,
              const char             *data,
              gsize                   length,
              GError                **error)
{
  g_autoptr(DlvEventPage) page = dlv_event_page_new ();
  g_autofree char *copy = g_strndup (data, length);
  g_auto(GStrv) lines = g_strsplit (copy, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = NULL;

      if (g_strstrip (lines[i])[0] == '\0')
        continue;

      parser = dlv_json_load (lines[i], -1, NULL, NULL);
      if (parser == NULL)
        {
          page->skipped++;
          continue;
        }
      add_webhook_event (info, page, json_parser_get_root (parser));
    }

  if (page->events->len == 0)
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE,
                   _("The file holds no %s events: neither an events page nor webhook events"), info->title);
      return NULL;
    }

  return g_steal_pointer (&page);
}

/**
 * dlv_import_parse:
 * @provider: a provider name ("mailgun")
 *
 * Returns: (transfer full): the events of one exported file, or %NULL with
 *   @error set when the file is none of the accepted shapes
 */
DlvEventPage *
dlv_import_parse (const char  *provider,
                  const char  *data,
                  gsize        length,
                  GError     **error)
{
  const DlvProviderInfo *info = dlv_providers_lookup (provider);
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(DlvEventPage) page = NULL;
  JsonNode *root;

  if (info == NULL || info->parse_page == NULL)
    {
      g_autofree char *names = dlv_providers_names ();

      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_FAILED,
                   _("“%s” is not a provider this version reads; it reads %s"), provider, names);
      return NULL;
    }

  parser = dlv_json_load (data, length, NULL, NULL);
  if (parser == NULL)
    return parse_ndjson (info, data, length, error);

  /* An object is first tried as an events page, then as one webhook event. */
  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      page = info->parse_page (data, length, NULL);
      if (page != NULL)
        {
          /* A file is not a place to continue polling from. */
          g_clear_pointer (&page->next_cursor, g_free);
          page->more = FALSE;
          return g_steal_pointer (&page);
        }
    }

  page = dlv_event_page_new ();
  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (array); i++)
        add_webhook_event (info, page, json_array_get_element (array, i));
    }
  else if (root != NULL)
    add_webhook_event (info, page, root);

  if (page->events->len == 0)
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE,
                   _("The file holds no %s events: neither an events page nor webhook events"), info->title);
      return NULL;
    }

  return g_steal_pointer (&page);
}
