/* dlv-brevo-provider.c: polling a Brevo account's transactional events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Events: GET /v3/smtp/statistics/events?startDate=D&endDate=D&limit=2500
 * &offset=N&sort=asc with the "api-key: KEY" header. Brevo filters by whole
 * days only, pages by offset without a total and gives no event id, so the
 * poller reads one calendar day at a time, oldest first, with the offset
 * into it. Sorted by record creation, rows only ever join the end of a day,
 * so an offset stays valid while the day is still filling: each round goes
 * on from where the last one stopped, and the store's de-duplication on
 * the derived event id keeps any re-read exact.
 *
 * Which day? Brevo writes dates in the account's time zone, and its day
 * filter most likely uses that zone too (it may be UTC: both are covered).
 * The zone is learned from the events' dates; until then a day is kept
 * open for as long as any zone could still be in it. A day stays open
 * (re-read every round) until it is over in UTC and in the account's zone,
 * plus a settling margin; then it is read to the end one last time and
 * dropped.
 *
 * The budget for /v3/smtp is a few hundred requests an hour
 * (x-sib-ratelimit-remaining): when little is left, the round ends and
 * polling rests for a while instead of running into HTTP 429.
 *
 * Cursor "bv1;day=YYYY-MM-DD[;offset=N][;offset1=N…][;at=I][;tz=SECONDS]
 * [;pause=EPOCH]": day is the oldest day not yet closed (everything before
 * it has been read completely); offset, offset1, … are the rows read of
 * day, day + 1, …; at is the day being read in the current round
 * (day + at); tz is the account's UTC offset once seen; pause is when
 * requests may start again.
 */

#define G_LOG_DOMAIN "dlv-brevo"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dlv-brevo-domains.h"
#include "dlv-brevo-events.h"
#include "dlv-brevo-provider.h"
#include "dlv-cursor.h"
#include "dlv-providers.h"
#include "dlv-util.h"

#define CURSOR_VERSION "bv1"
#define DAY_SECONDS (24 * 3600)
/* How far back a new account starts: the events endpoint's own default. */
#define FIRST_READ_DAYS 30
/* The events endpoint answers for the last 90 days at most. */
#define MAX_READ_DAYS 90
/* Brevo files an event a little after it happens. */
#define SETTLE_SECONDS (2 * 3600)
/* Until the account's zone is known, a day may go on this long after it
 * ended in UTC (UTC−12, the westernmost zone). */
#define WESTMOST_OFFSET (12 * 3600)
#define MAX_OFFSET (14 * 3600)
/* Days a round may hold open at once: yesterday, today, and a spare. */
#define MAX_OPEN_DAYS 4

struct _DlvBrevoProvider
{
  DlvProvider parent_instance;

};

G_DEFINE_FINAL_TYPE (DlvBrevoProvider, dlv_brevo_provider, DLV_TYPE_PROVIDER)

/* Where a Brevo poll stands; see the cursor format at the top. Days are
 * counted from 1970-01-01. */
typedef struct
{
  gint64 day;
  gint64 offsets[MAX_OPEN_DAYS];
  guint at;
  gboolean tz_known;
  int tz;
  gint64 pause;
} Position;

static void
dlv_brevo_provider_authorize (DlvProvider *provider,
                              DlvHttp     *http)
{
  dlv_http_set_auth (http, "api-key", dlv_provider_get_api_key (provider));
}

static char *
day_to_string (gint64 day)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (day * DAY_SECONDS);

  return g_date_time_format (dt, "%Y-%m-%d");
}

/* Only "YYYY-MM-DD" that names a real day, written back the same way. */
static gboolean
day_from_string (const char *text,
                 gint64     *day)
{
  g_autofree char *iso = NULL;
  g_autofree char *again = NULL;
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL || strlen (text) != 10)
    return FALSE;

  iso = g_strconcat (text, "T00:00:00Z", NULL);
  dt = g_date_time_new_from_iso8601 (iso, NULL);
  if (dt == NULL)
    return FALSE;

  *day = g_date_time_to_unix (dt) / DAY_SECONDS;
  again = day_to_string (*day);
  return g_strcmp0 (again, text) == 0;
}

/* The account's today: the newest day with events. */
static gint64
newest_day (const Position *pos,
            gint64          now)
{
  gint64 ahead = pos->tz_known ? MAX (pos->tz, 0) : 0;

  return (now + ahead) / DAY_SECONDS;
}

/* Over in the account's zone (in every zone, while it is unknown), and
 * settled: nothing more will be filed under it. */
static gboolean
day_closed (const Position *pos,
            gint64          day,
            gint64          now)
{
  gint64 behind = pos->tz_known ? MAX (-pos->tz, 0) : WESTMOST_OFFSET;

  return now >= (day + 1) * DAY_SECONDS + behind + SETTLE_SECONDS;
}

/* "offset" for the oldest open day, "offset1" for the day after, … */
static char *
offset_key (guint index)
{
  return index == 0 ? g_strdup ("offset") : g_strdup_printf ("offset%u", index);
}

static gboolean
read_position (DlvCursor  *cursor,
               gint64      now,
               Position   *pos,
               GError    **error)
{
  const char *day = dlv_cursor_get (cursor, "day");
  const char *tz = dlv_cursor_get (cursor, "tz");

  *pos = (Position) { 0 };
  if (day == NULL)
    pos->day = now / DAY_SECONDS - FIRST_READ_DAYS;
  else if (!day_from_string (day, &pos->day))
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_CURSOR,
                   _("The saved Brevo poll position is damaged; remove and add the account again"));
      return FALSE;
    }

  /* A damaged count only costs a re-read from the start of its day. */
  for (guint i = 0; i < MAX_OPEN_DAYS; i++)
    {
      g_autofree char *key = offset_key (i);

      pos->offsets[i] = CLAMP (dlv_cursor_get_int (cursor, key, 0), 0, G_MAXINT32);
    }

  pos->at = (guint) CLAMP (dlv_cursor_get_int (cursor, "at", 0), 0, MAX_OPEN_DAYS - 1);
  pos->tz_known = tz != NULL && dlv_cursor_get_int (cursor, "tz", G_MININT64) != G_MININT64;
  if (pos->tz_known)
    pos->tz = (int) CLAMP (dlv_cursor_get_int (cursor, "tz", 0), -MAX_OFFSET, MAX_OFFSET);
  pos->pause = dlv_cursor_get_int (cursor, "pause", 0);

  return TRUE;
}

static char *
write_position (DlvCursor      *cursor,
                const Position *pos)
{
  g_autofree char *day = day_to_string (pos->day);

  dlv_cursor_set (cursor, "day", day);
  /* Zeros are left out: equal positions give equal cursors. */
  for (guint i = 0; i < MAX_OPEN_DAYS; i++)
    {
      g_autofree char *key = offset_key (i);

      if (pos->offsets[i] > 0)
        dlv_cursor_set_int (cursor, key, pos->offsets[i]);
      else
        dlv_cursor_set (cursor, key, NULL);
    }
  if (pos->at > 0)
    dlv_cursor_set_int (cursor, "at", pos->at);
  else
    dlv_cursor_set (cursor, "at", NULL);
  if (pos->tz_known)
    dlv_cursor_set_int (cursor, "tz", pos->tz);
  if (pos->pause > 0)
    dlv_cursor_set_int (cursor, "pause", pos->pause);
  else
    dlv_cursor_set (cursor, "pause", NULL);

  return dlv_cursor_to_string (cursor);
}

/* A position older than the endpoint reaches (the app was off for months)
 * starts again at its limit, and the page says what was lost. */
static char *
clamp_history (Position *pos,
               gint64    now)
{
  gint64 oldest = now / DAY_SECONDS - (MAX_READ_DAYS - 1);
  g_autofree char *from = NULL;
  g_autofree char *until = NULL;

  if (pos->day >= oldest)
    return NULL;

  from = day_to_string (pos->day);
  until = day_to_string (oldest - 1);
  *pos = (Position) { .day = oldest, .tz_known = pos->tz_known, .tz = pos->tz };

  return g_strdup_printf (_("Deliverability reads at most the last %d days of Brevo events: "
                            "events from %s to %s were not read"),
                          MAX_READ_DAYS, from, until);
}

/* The day being read has no more rows for now. Returns whether the round
 * goes on: with the next day when this one is closed (and so dropped for
 * good) or still open but not the newest; it ends after the newest. */
static gboolean
finish_day (Position *pos,
            gint64    now)
{
  if (pos->at == 0 && day_closed (pos, pos->day, now))
    {
      memmove (pos->offsets, pos->offsets + 1, sizeof pos->offsets[0] * (MAX_OPEN_DAYS - 1));
      pos->offsets[MAX_OPEN_DAYS - 1] = 0;
      pos->day++;
      return pos->day <= newest_day (pos, now);
    }

  if (pos->at + 1 < MAX_OPEN_DAYS && pos->day + pos->at + 1 <= newest_day (pos, now))
    {
      pos->at++;
      return TRUE;
    }

  pos->at = 0;
  return FALSE;
}

static char *
events_path (gint64 day,
             gint64 offset)
{
  g_autofree char *date = day_to_string (day);

  return g_strdup_printf ("/v3/smtp/statistics/events?startDate=%s&endDate=%s&limit=%d&offset=%"
                          G_GINT64_FORMAT "&sort=asc",
                          date, date, DLV_BREVO_PAGE_LIMIT, offset);
}

/* Little left of the hourly budget: rest rather than run into HTTP 429,
 * which would also hold up the user's own use of the key. */
static gboolean
budget_low (DlvProvider *provider)
{
  const DlvHttpReply *reply = dlv_provider_get_last_reply (provider);

  return reply->rate_remaining >= 0 && reply->rate_remaining <= DLV_BREVO_BUDGET_RESERVE;
}

static DlvEventPage *
dlv_brevo_provider_fetch_page (DlvProvider   *provider,
                               const char    *cursor_text,
                               GCancellable  *cancellable,
                               GError       **error)
{
  DlvBrevoProvider *self = DLV_BREVO_PROVIDER (provider);
  g_autoptr(DlvCursor) cursor = dlv_cursor_parse (cursor_text, CURSOR_VERSION, error);
  g_autoptr(DlvEventPage) page = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *gap = NULL;
  DlvBrevoPageInfo info;
  gint64 now = dlv_provider_get_now (DLV_PROVIDER (self));
  Position pos;
  const char *data;
  gsize size;

  if (cursor == NULL || !read_position (cursor, now, &pos, error))
    return NULL;

  /* Resting for the budget: an empty page keeps the stored position. */
  if (pos.pause > now)
    {
      g_debug ("Brevo's hourly budget is nearly spent; reading again at %" G_GINT64_FORMAT,
               pos.pause);
      return dlv_event_page_new ();
    }
  pos.pause = 0;

  gap = clamp_history (&pos, now);
  if (pos.at > 0 && pos.day + pos.at > newest_day (&pos, now))
    pos.at = 0;

  path = events_path (pos.day + pos.at, pos.offsets[pos.at]);
  body = dlv_provider_request (provider, "GET", path, NULL, cancellable, error);
  if (body == NULL)
    return NULL;

  data = g_bytes_get_data (body, &size);
  page = dlv_brevo_parse_events_page (data, size, TRUE, &info, error);
  if (page == NULL)
    return NULL;

  /* "+00:00" may be an account in UTC or Brevo writing UTC for any
   * account, which tells nothing about where its days end. */
  if (info.has_utc_offset && info.utc_offset != 0)
    {
      pos.tz_known = TRUE;
      pos.tz = CLAMP (info.utc_offset, -MAX_OFFSET, MAX_OFFSET);
    }
  pos.offsets[pos.at] += info.rows;

  if (info.rows == DLV_BREVO_PAGE_LIMIT || info.rows == DLV_BREVO_LEGACY_PAGE_LIMIT)
    page->more = TRUE;
  else
    page->more = finish_day (&pos, now);

  if (budget_low (provider))
    {
      g_debug ("Brevo's hourly budget is nearly spent; resting for %d s",
               DLV_BREVO_BUDGET_PAUSE_SECONDS);
      pos.pause = now + DLV_BREVO_BUDGET_PAUSE_SECONDS;
      page->more = FALSE;
    }

  page->gap = g_steal_pointer (&gap);
  page->next_cursor = write_position (cursor, &pos);
  return g_steal_pointer (&page);
}

static DlvDomain *
fetch_domain (DlvProvider   *provider,
              const char    *name,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autofree char *escaped = g_uri_escape_string (name, NULL, FALSE);
  g_autofree char *path = g_strconcat ("/v3/senders/domains/", escaped, NULL);
  g_autoptr(GBytes) body = dlv_provider_request (provider, "GET", path, NULL, cancellable, error);
  const char *data;
  gsize size;

  if (body == NULL)
    return NULL;

  data = g_bytes_get_data (body, &size);
  /* Domains set up before Brevo reported DMARC (2024) leave the row to
   * DNS, as every other provider does (dlv_provider_fetch_domains_sync). */
  return dlv_brevo_parse_domain (name, data, size, error);
}

static GPtrArray *
dlv_brevo_provider_fetch_domains (DlvProvider   *provider,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  g_autoptr(GPtrArray) domains = g_ptr_array_new_with_free_func ((GDestroyNotify) dlv_domain_free);
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GBytes) body = NULL;
  const char *data;
  gsize size;

  body = dlv_provider_request (provider, "GET", "/v3/senders/domains", NULL, cancellable, error);
  if (body == NULL)
    return NULL;

  data = g_bytes_get_data (body, &size);
  names = dlv_brevo_parse_domain_names (data, size, error);
  if (names == NULL)
    return NULL;

  for (guint i = 0; i < names->len; i++)
    {
      DlvDomain *domain = fetch_domain (provider, g_ptr_array_index (names, i), cancellable, error);

      if (domain == NULL)
        return NULL;
      g_ptr_array_add (domains, domain);
    }

  return g_steal_pointer (&domains);
}

static void
dlv_brevo_provider_class_init (DlvBrevoProviderClass *klass)
{
  DlvProviderClass *provider_class = DLV_PROVIDER_CLASS (klass);

  provider_class->authorize = dlv_brevo_provider_authorize;
  provider_class->fetch_page = dlv_brevo_provider_fetch_page;
  provider_class->fetch_domains = dlv_brevo_provider_fetch_domains;
}

static void
dlv_brevo_provider_init (DlvBrevoProvider *self)
{
}

/* An exported file: one events page, with no position to continue from. */
static DlvEventPage *
parse_file_page (const char  *data,
                 gsize        length,
                 GError     **error)
{
  return dlv_brevo_parse_events_page (data, length, TRUE, NULL, error);
}

static DlvEvent *
parse_webhook (JsonObject *object,
               gboolean   *ignored)
{
  return dlv_brevo_parse_event (object, ignored);
}

const DlvProviderInfo dlv_brevo_provider_info = {
  .name = "brevo",
  .title = "Brevo",
  /* Brevo does not document how long it retries a deferred message; our
   * reference notes derive "expired" after 72 h, the usual MTA window. */
  .retry_window_hours = 72,
  /* Brevo's published budget for /v3/smtp is 300 requests an hour: at
   * most one every 12 seconds. */
  .min_poll_seconds = 12,
  .needs = 0,
  .base_url = "https://api.brevo.com",
  .alt_region = NULL,
  .base_url_alt = NULL,
  .key_label = N_("API key"),
  .secret_label = NULL,
  .key_help = N_("A Brevo API key (SMTP & API → API keys), not the SMTP key. Brevo has one region."),
  .limits = N_("Brevo filters events by whole days and gives no event id, so Deliverability "
               "re-reads the current day and drops what it already has; its hourly request "
               "budget can delay catching up. It does not say which server or attempt a "
               "deferral came from."),
  .get_type = dlv_brevo_provider_get_type,
  .parse_page = parse_file_page,
  .parse_webhook = parse_webhook,
};
