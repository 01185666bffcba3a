/* dlv-message-item.c: one row of the Activity list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A thin GObject over a DlvMessage so list rows can bind to it. Only the
 * rows on screen (and a small cache) ever exist as items.
 */

#define G_LOG_DOMAIN "dlv-message-item"

#include "config.h"

#include "dlv-core-enums.h"
#include "dlv-message-item.h"

struct _DlvMessageItem
{
  GObject parent_instance;

  DlvMessage *message;
  gint64 now;                   /* the time the status was judged at */
};

enum {
  PROP_0,
  PROP_ID,
  PROP_RECIPIENT,
  PROP_SUBJECT,
  PROP_CAMPAIGN,
  PROP_STATUS,
  PROP_ATTEMPTS,
  PROP_LAST_EVENT,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (DlvMessageItem, dlv_message_item, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
dlv_message_item_finalize (GObject *object)
{
  DlvMessageItem *self = (DlvMessageItem *) object;

  g_clear_pointer (&self->message, dlv_message_free);

  G_OBJECT_CLASS (dlv_message_item_parent_class)->finalize (object);
}

static void
dlv_message_item_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DlvMessageItem *self = DLV_MESSAGE_ITEM (object);
  const DlvMessage *m = self->message;

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, m->id);
      break;

    case PROP_RECIPIENT:
      g_value_set_string (value, m->recipient);
      break;

    case PROP_SUBJECT:
      g_value_set_string (value, m->subject);
      break;

    case PROP_CAMPAIGN:
      g_value_set_string (value, m->campaign);
      break;

    case PROP_STATUS:
      g_value_set_enum (value, dlv_message_item_get_status (self));
      break;

    case PROP_ATTEMPTS:
      g_value_set_int (value, m->attempts);
      break;

    case PROP_LAST_EVENT:
      g_value_set_int64 (value, m->last_event_at);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dlv_message_item_class_init (DlvMessageItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = dlv_message_item_finalize;
  object_class->get_property = dlv_message_item_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_RECIPIENT] = g_param_spec_string ("recipient", NULL, NULL, NULL, flags);
  properties[PROP_SUBJECT] = g_param_spec_string ("subject", NULL, NULL, NULL, flags);
  properties[PROP_CAMPAIGN] = g_param_spec_string ("campaign", NULL, NULL, NULL, flags);
  properties[PROP_STATUS] = g_param_spec_enum ("status", NULL, NULL, DLV_TYPE_MESSAGE_STATUS,
                                               DLV_MESSAGE_STATUS_ACCEPTED, flags);
  properties[PROP_ATTEMPTS] = g_param_spec_int ("attempts", NULL, NULL, 0, G_MAXINT, 0, flags);
  properties[PROP_LAST_EVENT] = g_param_spec_int64 ("last-event", NULL, NULL, 0, G_MAXINT64, 0,
                                                    flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dlv_message_item_init (DlvMessageItem *self)
{
}

/**
 * dlv_message_item_new:
 * @message: (transfer full): the message
 * @now: the time its status is judged at (expiry)
 *
 * Returns: (transfer full): a new item
 */
DlvMessageItem *
dlv_message_item_new (DlvMessage *message,
                      gint64      now)
{
  DlvMessageItem *self;

  g_return_val_if_fail (message != NULL, NULL);

  self = g_object_new (DLV_TYPE_MESSAGE_ITEM, NULL);
  self->message = message;
  self->now = now;

  return self;
}

const DlvMessage *
dlv_message_item_get_message (DlvMessageItem *self)
{
  g_return_val_if_fail (DLV_IS_MESSAGE_ITEM (self), NULL);

  return self->message;
}

DlvMessageStatus
dlv_message_item_get_status (DlvMessageItem *self)
{
  g_return_val_if_fail (DLV_IS_MESSAGE_ITEM (self), DLV_MESSAGE_STATUS_ACCEPTED);

  return dlv_message_get_status (self->message, self->now);
}

gint64
dlv_message_item_get_now (DlvMessageItem *self)
{
  g_return_val_if_fail (DLV_IS_MESSAGE_ITEM (self), 0);

  return self->now;
}
