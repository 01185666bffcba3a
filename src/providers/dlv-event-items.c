/* dlv-event-items.c: a provider's JSON list of events, read item by item
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every provider's page is a JSON object holding a list of items. One item
 * that cannot be read (wrong types, missing fields, not even an object) is
 * skipped and counted; the rest of the page is kept.
 */

#define G_LOG_DOMAIN "dlv-event-items"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dlv-event-items.h"
#include "dlv-json-util.h"
#include "dlv-provider.h"

/**
 * dlv_event_items_load:
 * @member: the list's name in the page object ("items", "results"…)
 * @parser: (out): holds the document the list belongs to
 * @repaired: (out) (optional): 1 when invalid UTF-8 was replaced
 *
 * Returns: (transfer none): the list, or %NULL with @error set when the
 *   document is not such a page at all
 */
JsonArray *
dlv_event_items_load (const char  *data,
                      gssize       length,
                      const char  *member,
                      const char  *provider_title,
                      JsonParser **parser,
                      guint       *repaired,
                      GError     **error)
{
  JsonNode *root;
  JsonArray *items;

  *parser = dlv_json_load (data, length, repaired, error);
  if (*parser == NULL)
    return NULL;

  root = json_parser_get_root (*parser);
  items = root != NULL && JSON_NODE_HOLDS_OBJECT (root)
          ? dlv_json_get_array (json_node_get_object (root), member) : NULL;
  if (items == NULL)
    g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_RESPONSE,
                 /* Translators: a provider's name, then the name of a list in its answer */
                 _("%s sent a page without its “%s” list"), provider_title, member);

  return items;
}

/* The provider's JSON for an event, unless absurdly large. */
char *
dlv_event_items_raw (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  gsize length = 0;

  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, &length);

  return length <= DLV_EVENT_RAW_MAX_BYTES ? g_steal_pointer (&text) : NULL;
}

/**
 * dlv_event_items_add:
 * @keep_raw: keep the JSON of each failure (deferral, bounce, block,
 *   expiry), which the timeline shows
 *
 * Reads every item of @items with @func into @page, counting in
 * page->skipped the items that could not be read.
 */
void
dlv_event_items_add (DlvEventPage     *page,
                     JsonArray        *items,
                     DlvEventItemFunc  func,
                     gpointer          user_data,
                     gboolean          keep_raw)
{
  guint skipped = page->skipped;

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      DlvEvent *event = NULL;
      gboolean ignored = FALSE;

      if (JSON_NODE_HOLDS_OBJECT (node))
        event = func (json_node_get_object (node), &ignored, user_data);

      if (event == NULL)
        {
          if (!ignored)
            page->skipped++;
          continue;
        }

      if (keep_raw && event->raw == NULL && dlv_event_kind_is_failure (event->kind))
        event->raw = dlv_event_items_raw (node);
      g_ptr_array_add (page->events, event);
    }

  if (page->skipped > skipped)
    g_debug ("Skipped %u unreadable items of %u", page->skipped - skipped,
             json_array_get_length (items));
}
