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
#include "dlv-mailgun-events.h"
#include "dlv-provider.h"

static const struct {
  const char *name;
  guint retry_window_hours;
  gboolean parsed;              /* this version reads its files */
} providers[] = {
  { "sendgrid", 72, FALSE },
  { "mailgun", 8, TRUE },
  { "brevo", 72, FALSE },
  { "postmark", 72, FALSE },
  { "sparkpost", 72, FALSE },
  { "mailjet", 72, FALSE },
  { "resend", 72, FALSE },
};

static gint
find_provider (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    if (g_strcmp0 (providers[i].name, name) == 0)
      return i;

  return -1;
}

gboolean
dlv_import_supports (const char *provider)
{
  gint i = find_provider (provider);

  return i >= 0 && providers[i].parsed;
}

guint
dlv_import_retry_window_hours (const char *provider)
{
  gint i = find_provider (provider);

  return i >= 0 ? providers[i].retry_window_hours : 72;
}

/* A webhook event, bare or in Mailgun's {"signature", "event-data"} envelope. */
static void
add_webhook_event (DlvEventPage *page,
                   JsonNode     *node)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonObject *data = dlv_json_get_object (object, "event-data");
  gboolean ignored = FALSE;
  DlvEvent *event = NULL;

  if (object != NULL)
    event = dlv_mailgun_parse_event (data != NULL ? data : object, &ignored);

  if (event != NULL)
    g_ptr_array_add (page->events, event);
  else if (!ignored)
    page->skipped++;
}

static DlvEventPage *
parse_ndjson (const char  *data,
              gsize        length,
              GError     **error)
{
  g_autoptr(DlvEventPage) page = dlv_event_page_new ();
  g_autofree char *copy = g_strndup (data, length);
  g_auto(GStrv) lines = g_strsplit (copy, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = NULL;
      g_autoptr(GError) line_error = NULL;

      if (g_strstrip (lines[i])[0] == '\0')
        continue;

      parser = dlv_json_load (lines[i], -1, NULL, &line_error);
      if (parser == NULL)
        {
          page->skipped++;
          continue;
        }
      add_webhook_event (page, json_parser_get_root (parser));
    }

  if (page->events->len == 0 && page->skipped > 0)
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE,
                   _("No line of the file is an event"));
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
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(DlvEventPage) page = NULL;
  JsonNode *root;

  if (!dlv_import_supports (provider))
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_FAILED,
                   _("This version cannot read %s files yet"), provider);
      return NULL;
    }

  parser = dlv_json_load (data, length, NULL, NULL);
  if (parser == NULL)
    return parse_ndjson (data, length, error);

  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root) &&
      dlv_json_get_array (json_node_get_object (root), "items") != NULL)
    {
      page = dlv_mailgun_parse_events_page (data, length, TRUE, error);
      if (page != NULL)
        g_clear_pointer (&page->next_cursor, g_free);   /* a file has no poll position */
      return g_steal_pointer (&page);
    }

  page = dlv_event_page_new ();
  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (array); i++)
        add_webhook_event (page, json_array_get_element (array, i));
    }
  else if (root != NULL)
    add_webhook_event (page, root);

  if (page->events->len == 0)
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE,
                   _("The file holds no %s events: neither an events page nor webhook events"),
                   provider);
      return NULL;
    }

  return g_steal_pointer (&page);
}
