/* dlv-recipient-group.c: group recipient domains by mailbox provider
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "dlv-recipient-group"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dlv-recipient-group.h"
#include "dlv-core-enums.h"
#include "dlv-util.h"

typedef struct
{
  const char *suffix;
  DlvRecipientGroup group;
} SuffixRule;

/* Consumer domains the big mailbox providers host themselves. */
static const SuffixRule domain_rules[] = {
  { "gmail.com", DLV_RECIPIENT_GROUP_GMAIL },
  { "googlemail.com", DLV_RECIPIENT_GROUP_GMAIL },
  { "outlook.com", DLV_RECIPIENT_GROUP_MICROSOFT },
  { "hotmail.com", DLV_RECIPIENT_GROUP_MICROSOFT },
  { "hotmail.co.uk", DLV_RECIPIENT_GROUP_MICROSOFT },
  { "hotmail.fr", DLV_RECIPIENT_GROUP_MICROSOFT },
  { "hotmail.de", DLV_RECIPIENT_GROUP_MICROSOFT },
  { "live.com", DLV_RECIPIENT_GROUP_MICROSOFT },
  { "live.fr", DLV_RECIPIENT_GROUP_MICROSOFT },
  { "msn.com", DLV_RECIPIENT_GROUP_MICROSOFT },
  { "passport.com", DLV_RECIPIENT_GROUP_MICROSOFT },
  { "yahoo.com", DLV_RECIPIENT_GROUP_YAHOO },
  { "yahoo.co.uk", DLV_RECIPIENT_GROUP_YAHOO },
  { "yahoo.fr", DLV_RECIPIENT_GROUP_YAHOO },
  { "yahoo.de", DLV_RECIPIENT_GROUP_YAHOO },
  { "ymail.com", DLV_RECIPIENT_GROUP_YAHOO },
  { "rocketmail.com", DLV_RECIPIENT_GROUP_YAHOO },
  { "aol.com", DLV_RECIPIENT_GROUP_YAHOO },
  { "aim.com", DLV_RECIPIENT_GROUP_YAHOO },
  { "icloud.com", DLV_RECIPIENT_GROUP_APPLE },
  { "me.com", DLV_RECIPIENT_GROUP_APPLE },
  { "mac.com", DLV_RECIPIENT_GROUP_APPLE },
  { "gmx.de", DLV_RECIPIENT_GROUP_GMX },
  { "gmx.net", DLV_RECIPIENT_GROUP_GMX },
  { "gmx.at", DLV_RECIPIENT_GROUP_GMX },
  { "gmx.ch", DLV_RECIPIENT_GROUP_GMX },
  { "gmx.com", DLV_RECIPIENT_GROUP_GMX },
  { "web.de", DLV_RECIPIENT_GROUP_GMX },
  { "orange.fr", DLV_RECIPIENT_GROUP_ORANGE },
  { "wanadoo.fr", DLV_RECIPIENT_GROUP_ORANGE },
};

/* Company domains hosted by the same providers show it in their MX. */
static const SuffixRule mx_rules[] = {
  { "google.com", DLV_RECIPIENT_GROUP_GMAIL },
  { "googlemail.com", DLV_RECIPIENT_GROUP_GMAIL },
  { "outlook.com", DLV_RECIPIENT_GROUP_MICROSOFT },
  { "hotmail.com", DLV_RECIPIENT_GROUP_MICROSOFT },
  { "yahoodns.net", DLV_RECIPIENT_GROUP_YAHOO },
  { "icloud.com", DLV_RECIPIENT_GROUP_APPLE },
  { "gmx.net", DLV_RECIPIENT_GROUP_GMX },
  { "web.de", DLV_RECIPIENT_GROUP_GMX },
  { "orange.fr", DLV_RECIPIENT_GROUP_ORANGE },
};

static const char * const group_titles[DLV_N_RECIPIENT_GROUPS] = {
  N_("Other"), N_("Gmail"), N_("Microsoft"), N_("Yahoo / AOL"), N_("Apple"),
  N_("GMX / Web.de"), N_("Orange"),
};

/* TRUE when @name is @suffix or ends with "." @suffix. */
static gboolean
has_domain_suffix (const char *name,
                   const char *suffix)
{
  size_t name_len = strlen (name);
  size_t suffix_len = strlen (suffix);

  if (name_len < suffix_len || g_ascii_strcasecmp (name + name_len - suffix_len, suffix) != 0)
    return FALSE;

  return name_len == suffix_len || name[name_len - suffix_len - 1] == '.';
}

static DlvRecipientGroup
match_rules (const SuffixRule *rules,
             guint             n_rules,
             const char       *name)
{
  g_autofree char *trimmed = NULL;
  gsize len;

  if (name == NULL || *name == '\0')
    return DLV_RECIPIENT_GROUP_OTHER;

  /* MX hosts are often written fully qualified, with a final dot. */
  len = strlen (name);
  trimmed = g_strndup (name, name[len - 1] == '.' ? len - 1 : len);

  for (guint i = 0; i < n_rules; i++)
    {
      if (has_domain_suffix (trimmed, rules[i].suffix))
        return rules[i].group;
    }

  return DLV_RECIPIENT_GROUP_OTHER;
}

/**
 * dlv_recipient_group_for:
 * @domain: (nullable): the recipient's domain
 * @mx: (nullable): the receiving MX host, where the provider reports it
 *
 * Returns: the mailbox provider, by domain first and by MX family second
 */
DlvRecipientGroup
dlv_recipient_group_for (const char *domain,
                         const char *mx)
{
  DlvRecipientGroup group = match_rules (domain_rules, G_N_ELEMENTS (domain_rules), domain);

  if (group == DLV_RECIPIENT_GROUP_OTHER)
    group = match_rules (mx_rules, G_N_ELEMENTS (mx_rules), mx);

  return group;
}

const char *
dlv_recipient_group_to_string (DlvRecipientGroup value)
{
  return dlv_enum_to_nick (DLV_TYPE_RECIPIENT_GROUP, value);
}

gboolean
dlv_recipient_group_from_string (const char        *str,
                                 DlvRecipientGroup *value)
{
  return dlv_enum_from_nick (DLV_TYPE_RECIPIENT_GROUP, str, (int *) value);
}

const char *
dlv_recipient_group_title (DlvRecipientGroup group)
{
  g_return_val_if_fail ((guint) group < DLV_N_RECIPIENT_GROUPS, NULL);

  return _(group_titles[group]);
}
