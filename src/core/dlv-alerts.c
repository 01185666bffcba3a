/* dlv-alerts.c: what is worth a desktop notification after a poll
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three things deserve to interrupt someone who is not looking at the
 * window:
 *
 * - A mailbox provider suddenly defers much more of your mail than it
 *   usually does: its messages deferred for the first time in the last
 *   hour, against its own hourly average over the 24 hours before. First
 *   deferrals, not every retry, so a backlog being retried does not look
 *   like new trouble. At least DLV_ALERTS_SPIKE_MIN_MESSAGES (a few
 *   greylisted or full mailboxes are no news) and DLV_ALERTS_SPIKE_MIN_RATIO
 *   times the usual count; and, since a campaign sent in one hour brings
 *   its usual share of deferrals with it, also that many times the usual
 *   share of the provider's mail under way (messages with activity in the
 *   period). With under 6 hours of history there is no usual yet.
 * - A sending domain's DKIM 1, DKIM 2, SPF / Return-Path or DMARC record
 *   goes from valid to invalid or missing between two checks. The first
 *   sight of a domain is its baseline: a record broken since before the
 *   app started is on the Domains tab, not news.
 * - Many still-deferred messages reach the end of their retry window in
 *   the next hours: after that they are lost.
 *
 * Reading the store is done by gather(), which needs nothing but a store
 * connection and so runs in a worker; deciding against what was already
 * said is done by evaluate() on the caller's thread, which alone touches
 * the state kept here (previous domain statuses, spikes under way, when
 * each subject was last notified). Nothing is persisted: after a restart,
 * domains are a new baseline and a spike under way may be told again.
 */

#define G_LOG_DOMAIN "dlv-alerts"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dlv-alerts.h"
#include "dlv-domain.h"
#include "dlv-store-alerts.h"

#define MAX_DETAIL_CHARS 200
#define CAUSE_SAMPLE     500      /* the latest first deferrals whose cause is read */

struct _DlvAlerts
{
  GObject parent_instance;

  gboolean enabled[DLV_N_ALERT_KINDS];
  GHashTable *last_sent;        /* "kind/subject" → gint64 * */
  GHashTable *domains;          /* "account/domain" → guint8[DLV_N_RECORD_NAMES] */
  gboolean spiking[DLV_N_RECIPIENT_GROUPS];
};

G_DEFINE_FINAL_TYPE (DlvAlerts, dlv_alerts, G_TYPE_OBJECT)

/* One mailbox provider's last hour against its usual rate. */
typedef struct
{
  DlvRecipientGroup group;
  guint64 recent;               /* first deferrals in the last hour */
  guint64 before;               /* and in the hours before */
  double usual;                 /* first deferrals per hour before */
  double share;                 /* of the mail under way in the last hour */
  double usual_share;           /* of the mail under way before */
  gboolean spiking;
  DlvReasonCause cause;
  double cause_share;
} SpikeFact;

/* What the store says now; made in a worker, read on the caller's thread. */
typedef struct
{
  gint64 now;
  gboolean know_spikes;         /* FALSE with too little history */
  SpikeFact spikes[DLV_N_RECIPIENT_GROUPS];
  GPtrArray *domains;           /* of DlvDomain */
  DlvExpiringBatch expiring;
} Facts;

static const char * const kind_nicks[DLV_N_ALERT_KINDS] = {
  [DLV_ALERT_KIND_DEFERRAL_SPIKE] = "deferral-spike",
  [DLV_ALERT_KIND_DOMAIN_INVALID] = "domain-invalid",
  [DLV_ALERT_KIND_EXPIRING] = "expiring",
};

static const char * const record_titles[DLV_N_RECORD_NAMES] = {
  [DLV_RECORD_DKIM1] = N_("DKIM 1"),
  [DLV_RECORD_DKIM2] = N_("DKIM 2"),
  [DLV_RECORD_SPF_RETURN_PATH] = N_("SPF / Return-Path (MX)"),
  [DLV_RECORD_DMARC] = N_("DMARC"),
};

static void
facts_free (Facts *facts)
{
  g_clear_pointer (&facts->domains, g_ptr_array_unref);
  g_free (facts);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Facts, facts_free)

void
dlv_alert_free (DlvAlert *alert)
{
  if (alert == NULL)
    return;

  g_free (alert->subject);
  g_free (alert->title);
  g_free (alert->body);
  g_free (alert->page);
  g_free (alert->domain);
  g_free (alert);
}

/**
 * dlv_alert_kind_to_string:
 *
 * Returns: a stable name for @kind, e.g. "deferral-spike"
 */
const char *
dlv_alert_kind_to_string (DlvAlertKind kind)
{
  g_return_val_if_fail ((guint) kind < DLV_N_ALERT_KINDS, NULL);

  return kind_nicks[kind];
}

/* Gathering, in any thread. */

/* "Backing off after a refusal" and "unclassified" say little about why:
 * the refusal that caused the backing off is the cause worth naming. */
static gboolean
is_telling (DlvReasonCause cause)
{
  return cause != DLV_REASON_CAUSE_THROTTLED_BY_RECIPIENT && cause != DLV_REASON_CAUSE_UNKNOWN;
}

static gboolean
find_main_cause (DlvStore   *store,
                 SpikeFact  *fact,
                 gint64      since,
                 gint64      until,
                 GError    **error)
{
  g_autoptr(GArray) causes = dlv_store_count_first_deferral_causes (store, fact->group, since,
                                                                    until, CAUSE_SAMPLE, error);
  guint64 total = 0;
  guint64 main = 0;

  if (causes == NULL)
    return FALSE;

  for (guint i = 0; i < causes->len; i++)
    {
      const DlvCauseCount *count = &g_array_index (causes, DlvCauseCount, i);

      total += count->messages;
      if (i == 0 || (is_telling (count->cause) && !is_telling (fact->cause)))
        {
          fact->cause = count->cause;
          main = count->messages;
        }
    }
  fact->cause_share = total > 0 ? (double) main / total : 0;

  return TRUE;
}

/* Counts first, they are read from an index alone; the mail under way is
 * counted only for a provider whose count already stands out. */
static gboolean
judge_spike (DlvStore   *store,
             SpikeFact  *fact,
             gint64      since,
             gint64      recent_since,
             gint64      until,
             double      hours,
             GError    **error)
{
  guint64 active_recent, active_before;

  fact->usual = fact->before / hours;
  /* Under one message an hour, the usual count is taken as one. */
  if (fact->recent < DLV_ALERTS_SPIKE_MIN_MESSAGES ||
      fact->recent < DLV_ALERTS_SPIKE_MIN_RATIO * MAX (fact->usual, 1.0))
    return TRUE;

  if (!dlv_store_count_active_messages (store, fact->group, since, recent_since, until,
                                        &active_recent, &active_before, error))
    return FALSE;

  fact->share = MIN (1.0, (double) fact->recent / MAX (active_recent, 1));
  fact->usual_share = MIN (1.0, (double) fact->before / MAX (active_before, 1));
  fact->spiking = fact->share >= DLV_ALERTS_SPIKE_MIN_RATIO * MAX (fact->usual_share,
                                                                   DLV_ALERTS_SPIKE_MIN_SHARE);
  if (!fact->spiking)
    return TRUE;

  return find_main_cause (store, fact, recent_since, until, error);
}

static gboolean
gather_spikes (DlvStore  *store,
               Facts     *facts,
               GError   **error)
{
  gint64 recent_since = facts->now - DLV_ALERTS_SPIKE_WINDOW;
  gint64 history = dlv_store_get_history_start (store, error);
  gint64 since;
  double hours;
  g_autoptr(GArray) counts = NULL;

  if (history == 0 || facts->now - history < DLV_ALERTS_MIN_HISTORY_HOURS * 3600)
    return error == NULL || *error == NULL;

  /* A store younger than a day averages over the hours it has. */
  since = MAX (recent_since - DLV_ALERTS_BASELINE_HOURS * 3600, history);
  hours = MAX (1.0, (recent_since - since) / 3600.0);
  counts = dlv_store_count_first_deferrals (store, since, recent_since, facts->now, error);
  if (counts == NULL)
    return FALSE;

  facts->know_spikes = TRUE;
  for (guint i = 0; i < counts->len; i++)
    {
      const DlvDeferralCount *count = &g_array_index (counts, DlvDeferralCount, i);
      SpikeFact *fact = &facts->spikes[count->group];

      fact->recent = count->recent;
      fact->before = count->before;
      if (!judge_spike (store, fact, since, recent_since, facts->now, hours, error))
        return FALSE;
    }

  return TRUE;
}

static Facts *
gather (DlvStore  *store,
        gint64     now,
        GError   **error)
{
  g_autoptr(Facts) facts = g_new0 (Facts, 1);

  facts->now = now;
  for (guint g = 0; g < DLV_N_RECIPIENT_GROUPS; g++)
    facts->spikes[g].group = g;

  if (!gather_spikes (store, facts, error))
    return NULL;

  facts->domains = dlv_store_list_domains (store, 0, error);
  if (facts->domains == NULL)
    return NULL;

  if (!dlv_store_count_expiring (store, now, now + DLV_ALERTS_EXPIRING_WITHIN,
                                 &facts->expiring, error))
    return NULL;

  return g_steal_pointer (&facts);
}

/* Deciding, on the owner's thread. */

static gboolean
may_send (DlvAlerts    *self,
          DlvAlertKind  kind,
          const char   *subject,
          gint64        now)
{
  g_autofree char *key = g_strconcat (kind_nicks[kind], "/", subject, NULL);
  const gint64 *last = g_hash_table_lookup (self->last_sent, key);

  if (!self->enabled[kind])
    return FALSE;
  if (last != NULL && now - *last < DLV_ALERTS_REPEAT_AFTER && now >= *last)
    return FALSE;

  g_hash_table_replace (self->last_sent, g_steal_pointer (&key), g_memdup2 (&now, sizeof now));
  return TRUE;
}

static DlvAlert *
alert_new (DlvAlertKind  kind,
           const char   *subject,
           const char   *page)
{
  DlvAlert *alert = g_new0 (DlvAlert, 1);

  alert->kind = kind;
  alert->subject = g_strdup (subject);
  alert->page = g_strdup (page);
  alert->sort = DLV_MESSAGE_SORT_LAST_EVENT;
  alert->descending = TRUE;

  return alert;
}

/* "Yahoo / AOL", or a phrase for the domains of no big provider. */
static const char *
group_name (DlvRecipientGroup group)
{
  if (group == DLV_RECIPIENT_GROUP_OTHER)
    return _("smaller mailbox providers");

  return dlv_recipient_group_title (group);
}

static DlvAlert *
spike_alert (const SpikeFact *fact)
{
  DlvAlert *alert = alert_new (DLV_ALERT_KIND_DEFERRAL_SPIKE,
                               dlv_recipient_group_to_string (fact->group), "activity");
  g_autoptr(GString) body = g_string_new (NULL);
  guint recent = (guint) MIN (fact->recent, G_MAXUINT);

  g_autofree char *percent = g_strdup_printf ("%.0f", 100 * fact->share);
  g_autofree char *cause_percent = g_strdup_printf ("%.0f", 100 * fact->cause_share);

  alert->statuses = 1u << DLV_MESSAGE_STATUS_DEFERRED;
  alert->domain = g_strdup (alert->subject);
  alert->count = fact->recent;
  alert->share = fact->share;
  alert->ratio = fact->before > 0 ? fact->share / fact->usual_share : 0;
  alert->cause = fact->cause;
  alert->cause_share = fact->cause_share;

  if (fact->group == DLV_RECIPIENT_GROUP_OTHER)
    alert->title = g_strdup (_("Smaller mailbox providers are deferring your mail"));
  else
    /* Translators: %s is a mailbox provider, e.g. “Yahoo / AOL” */
    alert->title = g_strdup_printf (_("%s is deferring your mail"),
                                    dlv_recipient_group_title (fact->group));

  if (fact->before > 0)
    {
      g_autofree char *ratio = g_strdup_printf ("%.0f", alert->ratio);

      /* Translators: a number of messages, a percentage, then how many times more than
       * usual (e.g. “6”) */
      g_string_append_printf (body, g_dngettext (GETTEXT_PACKAGE,
                                                 "%u message was deferred in the last hour: "
                                                 "%s %% of your mail there, %s times the usual "
                                                 "share.",
                                                 "%u messages were deferred in the last hour: "
                                                 "%s %% of your mail there, %s times the usual "
                                                 "share.", recent),
                              recent, percent, ratio);
    }
  else
    /* Translators: a number of messages, then a percentage */
    g_string_append_printf (body, g_dngettext (GETTEXT_PACKAGE,
                                               "%u message was deferred in the last hour: %s %% "
                                               "of your mail there, and none the day before.",
                                               "%u messages were deferred in the last hour: %s "
                                               "%% of your mail there, and none the day before.",
                                               recent),
                            recent, percent);

  g_string_append_c (body, ' ');
  /* Translators: a cause such as “Sender reputation”, then a percentage */
  g_string_append_printf (body, _("Main cause: %s (%s %% of them)."),
                          dlv_reason_cause_title (fact->cause), cause_percent);
  g_string_append_c (body, ' ');
  g_string_append (body, dlv_reason_cause_advice (fact->cause));
  alert->body = g_string_free (g_steal_pointer (&body), FALSE);

  return alert;
}

static void
evaluate_spikes (DlvAlerts   *self,
                 const Facts *facts,
                 GPtrArray   *alerts)
{
  if (!facts->know_spikes)
    return;

  for (guint g = 0; g < DLV_N_RECIPIENT_GROUPS; g++)
    {
      const SpikeFact *fact = &facts->spikes[g];

      /* Told once per spike: only its end makes a new one worth telling. */
      if (!fact->spiking)
        self->spiking[g] = FALSE;
      else if (!self->spiking[g] &&
               may_send (self, DLV_ALERT_KIND_DEFERRAL_SPIKE, dlv_recipient_group_to_string (g),
                         facts->now))
        {
          self->spiking[g] = TRUE;
          g_ptr_array_add (alerts, spike_alert (fact));
        }
    }
}

/* Provider texts are plain text of any length: a notification gets the
 * beginning of a long one. */
static char *
shorten (const char *text)
{
  g_autofree char *start = NULL;

  if (g_utf8_strlen (text, -1) <= MAX_DETAIL_CHARS)
    return g_strdup (text);

  start = g_utf8_substring (text, 0, MAX_DETAIL_CHARS - 1);
  return g_strconcat (start, "…", NULL);
}

static gboolean
is_broken (DlvRecordStatus status)
{
  return status == DLV_RECORD_STATUS_INVALID || status == DLV_RECORD_STATUS_MISSING;
}

static void
append_record_problem (GString               *body,
                       const DlvDomainRecord *record,
                       DlvRecordName          name)
{
  const char *title = _(record_titles[name]);
  g_autofree char *detail = NULL;

  if (body->len > 0)
    g_string_append_c (body, ' ');

  if (record->detail != NULL && record->detail[0] != '\0')
    {
      detail = shorten (record->detail);
      if (record->status == DLV_RECORD_STATUS_MISSING)
        /* Translators: a record such as “DKIM 2”, then what the provider says about it */
        g_string_append_printf (body, _("%s is missing: %s"), title, detail);
      else
        /* Translators: a record such as “DKIM 2”, then what the provider says about it */
        g_string_append_printf (body, _("%s is invalid: %s"), title, detail);
      if (!g_str_has_suffix (detail, "."))
        g_string_append_c (body, '.');
    }
  else if (record->status == DLV_RECORD_STATUS_MISSING)
    /* Translators: a record such as “DKIM 2” */
    g_string_append_printf (body, _("%s is missing."), title);
  else
    /* Translators: a record such as “DKIM 2” */
    g_string_append_printf (body, _("%s is invalid."), title);
}

static DlvAlert *
domain_alert (const DlvDomain *domain,
              guint            broken)
{
  DlvAlert *alert = alert_new (DLV_ALERT_KIND_DOMAIN_INVALID, domain->domain, "domains");
  g_autoptr(GString) body = g_string_new (NULL);
  const DlvDomainRecord *fix = NULL;
  gboolean blocks = FALSE;
  guint n = 0;

  alert->urgent = TRUE;
  alert->domain = g_strdup (domain->domain);
  alert->account_id = domain->account_id;

  for (guint i = 0; i < DLV_N_RECORD_NAMES; i++)
    {
      const DlvDomainRecord *record = &domain->records[i];

      if (!(broken & (1u << i)))
        continue;

      n++;
      blocks |= i != DLV_RECORD_DMARC;
      append_record_problem (body, record, i);
      if (fix == NULL && record->host != NULL && record->type != NULL && record->expected != NULL)
        fix = record;
    }
  alert->count = n;

  if (n == 1)
    {
      guint name = g_bit_nth_lsf (broken, -1);

      /* Translators: a record such as “DKIM 2”, then a sending domain */
      alert->title = g_strdup_printf (_("%s of %s is no longer valid"), _(record_titles[name]),
                                      domain->domain);
    }
  else
    /* Translators: %u is a number of DNS records, %s a sending domain */
    alert->title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "%u record of %s is no longer valid",
                                                 "%u records of %s are no longer valid", n),
                                    n, domain->domain);

  if (fix != NULL)
    {
      g_autofree char *expected = shorten (fix->expected);

      g_string_append_c (body, ' ');
      /* Translators: a DNS record type (“CNAME”), its host name, then the value it must hold */
      g_string_append_printf (body, _("Publish a %s record at %s with the value %s."),
                              fix->type, fix->host, expected);
    }

  g_string_append_c (body, ' ');
  if (blocks)
    g_string_append (body, _("Until it is fixed, your mail from this domain may be refused."));
  else
    g_string_append (body, _("Without it, Gmail and Yahoo may put your mail in spam."));

  alert->body = g_string_free (g_steal_pointer (&body), FALSE);

  return alert;
}

static void
evaluate_domains (DlvAlerts   *self,
                  const Facts *facts,
                  GPtrArray   *alerts)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < facts->domains->len; i++)
    {
      const DlvDomain *domain = g_ptr_array_index (facts->domains, i);
      g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT "/%s", domain->account_id,
                                              domain->domain);
      const guint8 *before = g_hash_table_lookup (self->domains, key);
      guint8 *now = g_new0 (guint8, DLV_N_RECORD_NAMES);
      guint broken = 0;

      for (guint r = 0; r < DLV_N_RECORD_NAMES; r++)
        {
          now[r] = domain->records[r].status;
          if (before != NULL && before[r] == DLV_RECORD_STATUS_VALID && is_broken (now[r]))
            broken |= 1u << r;
        }

      if (broken != 0 && may_send (self, DLV_ALERT_KIND_DOMAIN_INVALID, key, facts->now))
        g_ptr_array_add (alerts, domain_alert (domain, broken));

      g_hash_table_replace (seen, g_steal_pointer (&key), now);
    }

  /* A domain that went away and comes back is a new baseline. */
  g_hash_table_unref (self->domains);
  self->domains = g_steal_pointer (&seen);
}

static char *
format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_seconds);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);

  /* Translators: a time of day, see g_date_time_format() */
  return g_date_time_format (local, _("%H:%M"));
}

static DlvAlert *
expiring_alert (const DlvExpiringBatch *batch)
{
  DlvAlert *alert = alert_new (DLV_ALERT_KIND_EXPIRING, "", "activity");
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *first = format_time (batch->first_expiry);
  g_autofree char *last = format_time (batch->last_expiry);
  guint n = (guint) MIN (batch->messages, G_MAXUINT);
  gboolean mostly_one = batch->main_group_messages * 2 >= batch->messages;

  alert->count = batch->messages;
  alert->statuses = 1u << DLV_MESSAGE_STATUS_DEFERRED;
  /* The longest retried first: they are the ones about to expire. */
  alert->sort = DLV_MESSAGE_SORT_ATTEMPTS;
  alert->descending = TRUE;
  if (mostly_one)
    alert->domain = g_strdup (dlv_recipient_group_to_string (batch->main_group));

  /* Translators: %u is a number of messages */
  alert->title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "%u deferred message is about to expire",
                                               "%u deferred messages are about to expire", n),
                                  n);

  if (g_strcmp0 (first, last) == 0)
    /* Translators: %s is a time of day */
    g_string_append_printf (body, _("Your provider stops retrying them at %s: after that they "
                                    "are lost."), first);
  else
    /* Translators: both are times of day */
    g_string_append_printf (body, _("Your provider stops retrying them between %s and %s: after "
                                    "that they are lost."), first, last);

  g_string_append_c (body, ' ');
  if (mostly_one)
    /* Translators: a mailbox provider such as “Yahoo / AOL”, then a number of messages */
    g_string_append_printf (body, _("Most are to %s (%u)."), group_name (batch->main_group),
                            (guint) MIN (batch->main_group_messages, G_MAXUINT));
  else
    g_string_append (body, _("They are to several mailbox providers."));

  alert->body = g_string_free (g_steal_pointer (&body), FALSE);

  return alert;
}

static GPtrArray *
evaluate (DlvAlerts   *self,
          const Facts *facts)
{
  GPtrArray *alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) dlv_alert_free);

  evaluate_spikes (self, facts, alerts);
  evaluate_domains (self, facts, alerts);

  if (facts->expiring.messages >= DLV_ALERTS_EXPIRING_MIN_MESSAGES &&
      may_send (self, DLV_ALERT_KIND_EXPIRING, "", facts->now))
    g_ptr_array_add (alerts, expiring_alert (&facts->expiring));

  return alerts;
}

/* Async: the store in a worker, the decision back on the caller's thread. */

typedef struct
{
  char *store_path;
  gint64 now;
} CheckRequest;

static void
check_request_free (CheckRequest *request)
{
  g_free (request->store_path);
  g_free (request);
}

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CheckRequest *request = task_data;
  g_autoptr(DlvStore) store = NULL;
  GError *error = NULL;
  Facts *facts;

  /* A connection of its own: SQLite connections are not shared across threads. */
  store = dlv_store_open (request->store_path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  facts = gather (store, request->now, &error);
  if (facts == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, facts, (GDestroyNotify) facts_free);
}

/* GObject */

static void
dlv_alerts_finalize (GObject *object)
{
  DlvAlerts *self = (DlvAlerts *) object;

  g_clear_pointer (&self->last_sent, g_hash_table_unref);
  g_clear_pointer (&self->domains, g_hash_table_unref);

  G_OBJECT_CLASS (dlv_alerts_parent_class)->finalize (object);
}

static void
dlv_alerts_class_init (DlvAlertsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dlv_alerts_finalize;
}

static void
dlv_alerts_init (DlvAlerts *self)
{
  for (guint i = 0; i < DLV_N_ALERT_KINDS; i++)
    self->enabled[i] = TRUE;

  self->last_sent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->domains = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * dlv_alerts_new:
 *
 * Returns: (transfer full): alert detection with no history: every kind
 *   enabled, every domain not seen yet
 */
DlvAlerts *
dlv_alerts_new (void)
{
  return g_object_new (DLV_TYPE_ALERTS, NULL);
}

/**
 * dlv_alerts_set_enabled:
 *
 * A disabled kind produces no alert and is not counted as notified; domain
 * statuses are still followed, so enabling it later does not report old
 * changes.
 */
void
dlv_alerts_set_enabled (DlvAlerts    *self,
                        DlvAlertKind  kind,
                        gboolean      enabled)
{
  g_return_if_fail (DLV_IS_ALERTS (self));
  g_return_if_fail ((guint) kind < DLV_N_ALERT_KINDS);

  self->enabled[kind] = !!enabled;
}

gboolean
dlv_alerts_get_enabled (DlvAlerts    *self,
                        DlvAlertKind  kind)
{
  g_return_val_if_fail (DLV_IS_ALERTS (self), FALSE);
  g_return_val_if_fail ((guint) kind < DLV_N_ALERT_KINDS, FALSE);

  return self->enabled[kind];
}

/**
 * dlv_alerts_check:
 * @store: the store, used on this thread
 * @now: the time to judge against
 *
 * Reads the store and decides, all on the calling thread.
 *
 * Returns: (transfer full) (element-type DlvAlert): the alerts to show now,
 *   each already counted as shown; %NULL with @error set
 */
GPtrArray *
dlv_alerts_check (DlvAlerts  *self,
                  DlvStore   *store,
                  gint64      now,
                  GError    **error)
{
  g_autoptr(Facts) facts = NULL;

  g_return_val_if_fail (DLV_IS_ALERTS (self), NULL);
  g_return_val_if_fail (DLV_IS_STORE (store), NULL);

  facts = gather (store, now, error);
  if (facts == NULL)
    return NULL;

  return evaluate (self, facts);
}

/**
 * dlv_alerts_check_async:
 * @store_path: the store; a worker opens its own connection
 *
 * Reads the store in a worker thread. The result comes back on the
 * caller's main context, where the decision is made and the state kept.
 */
void
dlv_alerts_check_async (DlvAlerts           *self,
                        const char          *store_path,
                        gint64               now,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CheckRequest *request;

  g_return_if_fail (DLV_IS_ALERTS (self));
  g_return_if_fail (store_path != NULL);

  request = g_new0 (CheckRequest, 1);
  request->store_path = g_strdup (store_path);
  request->now = now;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dlv_alerts_check_async);
  g_task_set_task_data (task, request, (GDestroyNotify) check_request_free);
  g_task_run_in_thread (task, check_thread);
}

/**
 * dlv_alerts_check_finish:
 *
 * Returns: (transfer full) (element-type DlvAlert): the alerts to show now,
 *   each already counted as shown; %NULL with @error set
 */
GPtrArray *
dlv_alerts_check_finish (DlvAlerts     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_autoptr(Facts) facts = NULL;

  g_return_val_if_fail (DLV_IS_ALERTS (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  facts = g_task_propagate_pointer (G_TASK (result), error);
  if (facts == NULL)
    return NULL;

  return evaluate (self, facts);
}
