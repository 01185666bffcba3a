/* dlv-demo-provider.c: a simulated sending platform, the default provider
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "dlv-demo-provider"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "dlv-demo-provider.h"
#include "dlv-util.h"

/* The simulation is a pure function of (seed, n_messages, hours, t0): every
 * message's whole timeline is derived from its own random stream, so any
 * message can be generated alone and a page never depends on earlier pages.
 * Only the clock decides which of those events are served yet. */

#define PAGE_SIZE            2000
#define RETRY_WINDOW         (72 * 3600)
#define LIVE_INTERVAL        20                    /* seconds between live transactional sends */
#define RETENTION            (7 * 24 * 3600)       /* how far back a poll after a long pause reaches */
#define MAX_STEPS            48
#define MAX_SPAN             (130 * 3600)          /* sent → last event, asserted when planning */
#define CURSOR_PREFIX        "demo1"
#define MAX_HOURS            (24 * 366)
#define DEFERRAL_DOC_URL     "https://www.twilio.com/docs/sendgrid/ui/sending-email/deferrals"
#define PREEMPTIVE(reason)   "Email was deferred due to the following reason(s): [\"" reason \
                             ": " DEFERRAL_DOC_URL "\"]"

struct _DlvDemoProvider
{
  DlvProvider parent_instance;

  /* The only mutable state: fetches read it from worker threads. */
  GMutex clock_lock;
  gint64 pinned_now;
};

G_DEFINE_FINAL_TYPE (DlvDemoProvider, dlv_demo_provider, DLV_TYPE_PROVIDER)

/* What the cursor holds: the parameters, then the progress. A phase serves
 * the events in (lo, wm] by walking messages from index 0; next is the first
 * message not walked yet. */
typedef struct
{
  guint64 seed;
  guint n;
  guint hours;
  gint64 t0;
  gint64 lo;
  gint64 wm;
  guint64 next;
} DemoCursor;

typedef struct
{
  DemoCursor cursor;
  gint64 now;
} PageRequest;

/* SMTP replies and provider sentences. Placeholders: %i sending IP,
 * %r recipient, %d recipient domain, %M message id, %t event time,
 * %x 16 hex digits, %X queue-id style token, %n decimal id, %o Orange node,
 * %H Microsoft front-end host, %N order number. */
typedef enum
{
  R_NONE,
  R_OK_GMAIL,
  R_OK_MICROSOFT,
  R_OK_YAHOO,
  R_OK_APPLE,
  R_OK_GMX,
  R_OK_ORANGE,
  R_OK_POSTFIX,
  R_PRE_HOURLY,
  R_PRE_ISP_CONNECTIONS,
  R_PRE_PORTS,
  R_PRE_IP_CONNECTIONS,
  R_PRE_THROTTLED,
  R_INTERNAL,
  R_GMAIL_RATE,
  R_GMAIL_DKIM,
  R_GMAIL_QUOTA,
  R_GMAIL_QUOTA_SHORT,
  R_MS_BUSY,
  R_MS_REPUTATION,
  R_MS_QUOTA,
  R_YAHOO_TSS04,
  R_YAHOO_MAX_MESSAGES,
  R_YAHOO_QUOTA,
  R_APPLE_CONNECTIONS,
  R_APPLE_QUOTA,
  R_GMX_POLICY,
  R_GMX_QUOTA,
  R_ORANGE_CONNECTIONS,
  R_ORANGE_REFUSED,
  R_ORANGE_QUOTA,
  R_POSTGREY,
  R_GREYLIST_EXIM,
  R_DOVECOT_QUOTA,
  R_SMALL_UNAVAILABLE,
  R_GMAIL_NO_USER,
  R_MS_NO_USER,
  R_YAHOO_NO_USER,
  R_APPLE_NO_USER,
  R_GMX_NO_USER,
  R_ORANGE_NO_USER,
  R_POSTFIX_NO_USER,
  R_GMAIL_DISABLED,
  R_DISABLED,
  R_QUOTA_BOUNCE,
  R_DROP_BOUNCED,
  R_DROP_INVALID,
  R_DROP_UNSUBSCRIBED,
  R_DROP_SPAM_REPORT,
  N_REPLIES
} Reply;

typedef struct
{
  const char *text;
  int smtp_code;
  const char *enhanced_code;
} ReplyInfo;

static const ReplyInfo replies[N_REPLIES] = {
  [R_OK_GMAIL] = { "250 2.0.0 OK  %t %x - gsmtp", 250, "2.0.0" },
  [R_OK_MICROSOFT] = { "250 2.6.0 <%M> [InternalId=%n, Hostname=%H] Queued mail for delivery",
                       250, "2.6.0" },
  [R_OK_YAHOO] = { "250 ok dirdel", 250, NULL },
  [R_OK_APPLE] = { "250 2.0.0 Ok: queued as %X", 250, "2.0.0" },
  [R_OK_GMX] = { "250 Requested mail action okay, completed: id=%X", 250, NULL },
  [R_OK_ORANGE] = { "250 2.0.0 %o with ME id %X queued", 250, "2.0.0" },
  [R_OK_POSTFIX] = { "250 2.0.0 Ok: queued as %X", 250, "2.0.0" },

  [R_PRE_HOURLY] = { PREEMPTIVE ("IPs reached ISP-suggested hourly limits"), 0, NULL },
  [R_PRE_ISP_CONNECTIONS] = { PREEMPTIVE ("IPs reached ISP-suggested max connection limits"),
                              0, NULL },
  [R_PRE_PORTS] = { PREEMPTIVE ("IPs reached max port limit"), 0, NULL },
  [R_PRE_IP_CONNECTIONS] = { PREEMPTIVE ("IP reached max connection limit"), 0, NULL },
  [R_PRE_THROTTLED] = { PREEMPTIVE ("IPs were throttled by recipient server"), 0, NULL },
  [R_INTERNAL] = { "Internal Server Error", 0, NULL },

  [R_GMAIL_RATE] = {
    "421-4.7.28 [%i      15] Our system has detected an unusual rate of 421-4.7.28 unsolicited "
    "mail originating from your IP address. To protect our 421-4.7.28 users from spam, mail sent "
    "from your IP address has been temporarily 421-4.7.28 rate limited. For more information, go "
    "to 421-4.7.28  https://support.google.com/mail/?p=UnsolicitedRateLimitError to 421 4.7.28 "
    "review our Bulk Email Senders Guidelines. %x - gsmtp", 421, "4.7.28" },
  [R_GMAIL_DKIM] = {
    "421-4.7.30 Your email has been rate limited because DKIM authentication didn't pass for "
    "421-4.7.30 this message. Gmail requires all senders to authenticate their 421-4.7.30 "
    "messages with DKIM. 421-4.7.30 421-4.7.30  Authentication results: 421-4.7.30  DKIM = did "
    "not pass 421-4.7.30 421-4.7.30  For instructions on setting up DKIM authentication, go to "
    "421 4.7.30  https://support.google.com/mail/answer/81126#authentication %x - gsmtp",
    421, "4.7.30" },
  [R_GMAIL_QUOTA] = {
    "452-4.2.2 The recipient's inbox is out of storage space. Please direct 452-4.2.2 the "
    "recipient to 452 4.2.2  https://support.google.com/mail/?p=OverQuotaTemp %x - gsmtp",
    452, "4.2.2" },
  [R_GMAIL_QUOTA_SHORT] = { "452 4.2.2 The email account that you tried to reach is over quota.",
                            452, "4.2.2" },
  [R_MS_BUSY] = { "451 4.7.500 Server busy. Please try again later from [%i]. (S77714) [%H]",
                  451, "4.7.500" },
  [R_MS_REPUTATION] = {
    "451 4.7.650 The mail server [%i] has been temporarily rate limited due to IP reputation. "
    "For e-mail delivery information, see https://aka.ms/postmaster (S775) [%H]", 451, "4.7.650" },
  [R_MS_QUOTA] = {
    "452 4.2.2 The recipient's mailbox is full and can't accept messages now. Please try "
    "resending this message later, or contact the recipient directly. [%H]", 452, "4.2.2" },
  [R_YAHOO_TSS04] = {
    "421 4.7.0 [TSS04] Messages from %i temporarily deferred due to unexpected volume or user "
    "complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes", 421, "4.7.0" },
  [R_YAHOO_MAX_MESSAGES] = { "421 Max message per connection reached, closing transmission channel",
                             421, NULL },
  [R_YAHOO_QUOTA] = { "452 4.2.2 Mailbox over quota (%r)", 452, "4.2.2" },
  [R_APPLE_CONNECTIONS] = {
    "421 4.7.0 Too many concurrent connections from %i, please try again later (in reply to "
    "MAIL FROM command)", 421, "4.7.0" },
  [R_APPLE_QUOTA] = { "452 4.2.2 <%r>: user is over quota (in reply to RCPT TO command)",
                      452, "4.2.2" },
  [R_GMX_POLICY] = {
    "421-%d Nemesis ESMTP Service not available 421-Service unavailable 421-Reject due to policy "
    "restrictions. 421 For explanation visit https://postmaster.gmx.net/en/case?c=r0701&i=ip&v=%i"
    "&r=%X", 421, NULL },
  [R_GMX_QUOTA] = { "452 4.2.2 Requested action not taken: mailbox quota exceeded <%r>",
                    452, "4.2.2" },
  [R_ORANGE_CONNECTIONS] = {
    "421 %o ME Trop de connexions, veuillez verifier votre configuration. Too many connections, "
    "slow down. OFR005_104 [104]", 421, NULL },
  [R_ORANGE_REFUSED] = {
    "421 %o ME Service refuse. Veuillez essayer plus tard. Service refused, please try later. "
    "OFR_999 [999]", 421, NULL },
  [R_ORANGE_QUOTA] = { "452 %o ME Boite du destinataire pleine. Recipient mailbox full. "
                       "OFR_417 [417]", 452, NULL },
  [R_POSTGREY] = {
    "450 4.2.0 <%r>: Recipient address rejected: Greylisted, see "
    "http://postgrey.schweikert.ch/help/%d.html", 450, "4.2.0" },
  [R_GREYLIST_EXIM] = { "451 4.7.1 Greylisting in action, please come back later", 451, "4.7.1" },
  [R_DOVECOT_QUOTA] = { "452 4.2.2 <%r> Quota exceeded (mailbox for user is full)",
                        452, "4.2.2" },
  [R_SMALL_UNAVAILABLE] = { "421 4.3.2 Service not available, closing transmission channel",
                            421, "4.3.2" },

  [R_GMAIL_NO_USER] = {
    "550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 "
    "double-checking the recipient's email address for typos or 550-5.1.1 unnecessary spaces. "
    "For more information, go to 550 5.1.1  https://support.google.com/mail/?p=NoSuchUser %x - "
    "gsmtp", 550, "5.1.1" },
  [R_MS_NO_USER] = { "550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302). "
                     "[%H]", 550, "5.5.0" },
  [R_YAHOO_NO_USER] = { "554 delivery error: dd This user doesn't have a %d account (%r) [0] - "
                        "mta1047.mail.ir2.yahoo.com", 554, NULL },
  [R_APPLE_NO_USER] = { "550 5.1.1 <%r>: user does not exist", 550, "5.1.1" },
  [R_GMX_NO_USER] = { "550 Requested action not taken: mailbox unavailable", 550, NULL },
  [R_ORANGE_NO_USER] = { "550 %o ME Adresse destinataire inconnue. Unknown recipient. "
                         "OFR_416 [416]", 550, NULL },
  [R_POSTFIX_NO_USER] = { "550 5.1.1 <%r>: Recipient address rejected: User unknown in virtual "
                          "mailbox table", 550, "5.1.1" },
  [R_GMAIL_DISABLED] = {
    "550-5.2.1 The email account that you tried to reach is inactive. For more information, go "
    "to 550 5.2.1  https://support.google.com/mail/?p=DisabledUser %x - gsmtp", 550, "5.2.1" },
  [R_DISABLED] = { "550 5.2.1 <%r>: mailbox disabled, not accepting messages", 550, "5.2.1" },
  [R_QUOTA_BOUNCE] = { "552 5.2.2 <%r>: mailbox full, quota exceeded", 552, "5.2.2" },

  [R_DROP_BOUNCED] = { "Bounced Address", 0, NULL },
  [R_DROP_INVALID] = { "Invalid", 0, NULL },
  [R_DROP_UNSUBSCRIBED] = { "Unsubscribed Address", 0, NULL },
  [R_DROP_SPAM_REPORT] = { "Spam Reporting Address", 0, NULL },
};

typedef enum
{
  FAMILY_GMAIL,
  FAMILY_MICROSOFT,
  FAMILY_YAHOO,
  FAMILY_APPLE,
  FAMILY_GMX,
  FAMILY_ORANGE,
  FAMILY_SMALL,
  N_FAMILIES
} Family;

typedef struct
{
  guint8 ok;
  guint8 no_user;
  guint8 quota;
} FamilyReplies;

static const FamilyReplies family_replies[N_FAMILIES] = {
  [FAMILY_GMAIL] = { R_OK_GMAIL, R_GMAIL_NO_USER, R_GMAIL_QUOTA },
  [FAMILY_MICROSOFT] = { R_OK_MICROSOFT, R_MS_NO_USER, R_MS_QUOTA },
  [FAMILY_YAHOO] = { R_OK_YAHOO, R_YAHOO_NO_USER, R_YAHOO_QUOTA },
  [FAMILY_APPLE] = { R_OK_APPLE, R_APPLE_NO_USER, R_APPLE_QUOTA },
  [FAMILY_GMX] = { R_OK_GMX, R_GMX_NO_USER, R_GMX_QUOTA },
  [FAMILY_ORANGE] = { R_OK_ORANGE, R_ORANGE_NO_USER, R_ORANGE_QUOTA },
  [FAMILY_SMALL] = { R_OK_POSTFIX, R_POSTFIX_NO_USER, R_DOVECOT_QUOTA },
};

typedef enum
{
  DOMAIN_POSTGREY = 1 << 0,      /* greylists unknown senders */
  DOMAIN_GREYLIST_EXIM = 1 << 1, /* greylists, with exim's wording */
  DOMAIN_SMALL_QUOTA = 1 << 2,   /* small mailboxes that fill up */
} DomainFlags;

typedef struct
{
  const char *name;
  guint weight;                  /* per mille of the list */
  Family family;
  const char *mx;
  guint flags;
} RecipientDomain;

/* A B2C list: the big mailbox providers, then small and company domains
 * (company domains hosted by Microsoft 365 or Google Workspace behave like
 * their host). The weights add up to 1000. */
static const RecipientDomain recipient_domains[] = {
  { "gmail.com", 330, FAMILY_GMAIL, "gmail-smtp-in.l.google.com", 0 },
  { "googlemail.com", 20, FAMILY_GMAIL, "gmail-smtp-in.l.google.com", 0 },
  { "outlook.com", 70, FAMILY_MICROSOFT, "outlook-com.olc.protection.outlook.com", 0 },
  { "hotmail.com", 90, FAMILY_MICROSOFT, "hotmail-com.olc.protection.outlook.com", 0 },
  { "live.com", 25, FAMILY_MICROSOFT, "live-com.olc.protection.outlook.com", 0 },
  { "msn.com", 15, FAMILY_MICROSOFT, "msn-com.olc.protection.outlook.com", 0 },
  { "yahoo.com", 60, FAMILY_YAHOO, "mta5.am0.yahoodns.net", 0 },
  { "aol.com", 25, FAMILY_YAHOO, "mx-aol.mail.gm0.yahoodns.net", 0 },
  { "ymail.com", 15, FAMILY_YAHOO, "mta6.am0.yahoodns.net", 0 },
  { "icloud.com", 55, FAMILY_APPLE, "mx01.mail.icloud.com", 0 },
  { "me.com", 15, FAMILY_APPLE, "mx02.mail.icloud.com", 0 },
  { "mac.com", 10, FAMILY_APPLE, "mx01.mail.icloud.com", 0 },
  { "gmx.de", 30, FAMILY_GMX, "mx00.emig.gmx.net", 0 },
  { "gmx.net", 15, FAMILY_GMX, "mx01.emig.gmx.net", 0 },
  { "web.de", 25, FAMILY_GMX, "mx-ha03.web.de", 0 },
  { "orange.fr", 35, FAMILY_ORANGE, "smtp-in.orange.fr", 0 },
  { "wanadoo.fr", 15, FAMILY_ORANGE, "smtp-in.orange.fr", 0 },
  { "kanzlei-weber.de", 12, FAMILY_SMALL, "mail.kanzlei-weber.de", DOMAIN_POSTGREY },
  { "mueller-bau.de", 10, FAMILY_SMALL, "mx1.mueller-bau.de", DOMAIN_POSTGREY },
  { "atelier-lumiere.fr", 10, FAMILY_SMALL, "mail.atelier-lumiere.fr", DOMAIN_POSTGREY },
  { "vandenberg-advies.nl", 8, FAMILY_SMALL, "mx.vandenberg-advies.nl", DOMAIN_POSTGREY },
  { "bergmann-it.de", 9, FAMILY_SMALL, "mail.bergmann-it.de", DOMAIN_GREYLIST_EXIM },
  { "studio-nordlicht.de", 6, FAMILY_SMALL, "mx.studio-nordlicht.de", DOMAIN_GREYLIST_EXIM },
  { "free.fr", 15, FAMILY_SMALL, "mx1.free.fr", DOMAIN_SMALL_QUOTA },
  { "laposte.net", 12, FAMILY_SMALL, "smtpz4.laposte.net", DOMAIN_SMALL_QUOTA },
  { "t-online.de", 10, FAMILY_SMALL, "mx00.t-online.de", DOMAIN_SMALL_QUOTA },
  { "libero.it", 8, FAMILY_SMALL, "smtp-in.libero.it", DOMAIN_SMALL_QUOTA },
  { "contoso.com", 12, FAMILY_MICROSOFT, "contoso-com.mail.protection.outlook.com", 0 },
  { "fabrikam.com", 10, FAMILY_MICROSOFT, "fabrikam-com.mail.protection.outlook.com", 0 },
  { "northwindtraders.com", 8, FAMILY_MICROSOFT,
    "northwindtraders-com.mail.protection.outlook.com", 0 },
  { "adventure-works.com", 8, FAMILY_MICROSOFT,
    "adventure-works-com.mail.protection.outlook.com", 0 },
  { "tailspintoys.com", 6, FAMILY_GMAIL, "aspmx.l.google.com", 0 },
  { "wingtiptoys.com", 6, FAMILY_GMAIL, "aspmx.l.google.com", 0 },
};

static const char * const first_names[] = {
  "emma", "liam", "olivia", "noah", "ava", "lucas", "mia", "leon", "sophie", "louis", "chloe",
  "hugo", "lena", "paul", "anna", "jonas", "julia", "felix", "laura", "max", "sarah", "tom",
  "marie", "ben", "clara", "david", "nina", "elias", "lea", "jan", "ines", "marco", "giulia",
  "pierre", "camille", "thomas", "manon", "nicolas", "amelie", "antoine", "sofia", "daniel",
  "hannah", "james", "grace", "oliver", "isla", "jack", "ella", "samuel", "zoe", "adam", "alice",
  "gabriel", "eva", "raphael", "lina", "arthur", "rose", "victor", "maya", "theo", "nora", "omar",
  "yasmin", "kenji", "mei", "ravi", "priya", "mateo", "lucia", "diego", "elena", "luca",
};

static const char * const last_names[] = {
  "smith", "johnson", "brown", "taylor", "wilson", "martin", "bernard", "dubois", "durand",
  "lefebvre", "moreau", "laurent", "muller", "schmidt", "schneider", "fischer", "weber", "meyer",
  "wagner", "becker", "hoffmann", "rossi", "russo", "ferrari", "esposito", "garcia", "martinez",
  "lopez", "gonzalez", "fernandez", "jansen", "devries", "bakker", "visser", "nowak", "kowalski",
  "novak", "horvat", "nielsen", "hansen", "andersson", "johansson", "larsen", "obrien", "murphy",
  "kelly", "walsh", "campbell", "stewart", "clarke", "patel", "singh", "khan", "nguyen", "tran",
  "kim", "park", "lee", "chen", "wang", "tanaka", "sato", "silva", "santos", "costa", "oliveira",
  "roux", "fontaine", "girard", "bonnet", "lambert", "klein", "wolf", "neumann", "schwarz",
};

static const char * const microsoft_hosts[] = {
  "AM4PEPF00025E9B.EURPRD04.PROD.OUTLOOK.COM",
  "BN8NAM11FT066.eop-nam11.prod.protection.outlook.com",
  "DB5PEPF00014B9C.eurprd02.prod.outlook.com",
  "CY4PEPF0000EE3A.namprd03.prod.outlook.com",
};

typedef enum
{
  SENDING_NEWS,
  SENDING_MAIL,
  SENDING_BILLING,
  N_SENDING_DOMAINS
} SendingDomain;

typedef struct
{
  const char *domain;
  const char *sender;
  const char * const *ips;
  guint n_ips;
  const char *return_path;   /* SendGrid-style link branding label */
} SendingInfo;

static const char * const news_ips[] = { "203.0.113.10", "203.0.113.11", "203.0.113.12",
                                         "203.0.113.13" };
static const char * const mail_ips[] = { "198.51.100.20", "198.51.100.21" };
static const char * const billing_ips[] = { "198.51.100.30" };

static const SendingInfo sending_domains[N_SENDING_DOMAINS] = {
  { "news.example-shop.com", "Example Shop <news@news.example-shop.com>",
    news_ips, G_N_ELEMENTS (news_ips), "em4821" },
  { "mail.example-shop.com", "Example Shop <no-reply@mail.example-shop.com>",
    mail_ips, G_N_ELEMENTS (mail_ips), "em5307" },
  { "billing.example-shop.com", "Example Shop Billing <billing@billing.example-shop.com>",
    billing_ips, G_N_ELEMENTS (billing_ips), "em6190" },
};

typedef enum
{
  CATEGORY_NEWSLETTER,
  CATEGORY_PROMO,
  CATEGORY_LAUNCH,
  CATEGORY_PASSWORD_RESET,
  CATEGORY_SHIPPING,
  CATEGORY_RECEIPT,
  CATEGORY_INVOICE,
  N_CATEGORIES
} Category;

#define IS_CAMPAIGN(c) ((c) <= CATEGORY_LAUNCH)
#define IS_BILLING(c)  ((c) == CATEGORY_RECEIPT || (c) == CATEGORY_INVOICE)

typedef struct
{
  const char *campaign;
  const char *subjects[2];       /* A/B variants; the same one twice when not tested */
  SendingDomain sending;
  double share;                  /* of the initial messages */
  double live_share;             /* of the live stream after t0 */
  double before_t0;              /* campaigns: start of the send, in windows before t0 */
  double open_rate;              /* of delivered */
  double click_rate;             /* of opened */
} CategoryInfo;

static const CategoryInfo categories[N_CATEGORIES] = {
  [CATEGORY_NEWSLETTER] = { "Weekly newsletter",
                            { "This week at Example Shop: 12 new arrivals",
                              "New arrivals you'll love, and a gift inside" },
                            SENDING_NEWS, 0.30, 0.0, 0.55, 0.27, 0.22 },
  [CATEGORY_PROMO] = { "Flash sale",
                       { "48 hours only: 30% off everything", "Your 30% discount ends soon" },
                       SENDING_NEWS, 0.28, 0.0, 0.80, 0.24, 0.25 },
  [CATEGORY_LAUNCH] = { "Aurora lamp launch",
                        { "Meet Aurora, our new smart lamp", "Meet Aurora, our new smart lamp" },
                        SENDING_NEWS, 0.20, 0.0, 0.25, 0.33, 0.20 },
  [CATEGORY_PASSWORD_RESET] = { "Password reset",
                                { "Reset your Example Shop password",
                                  "Reset your Example Shop password" },
                                SENDING_MAIL, 0.05, 0.25, 0.0, 0.55, 0.80 },
  [CATEGORY_SHIPPING] = { "Shipping updates",
                          { "Your order #%N has shipped", "Your order #%N has shipped" },
                          SENDING_MAIL, 0.06, 0.30, 0.0, 0.40, 0.30 },
  [CATEGORY_RECEIPT] = { "Receipts",
                         { "Your receipt for order #%N", "Your receipt for order #%N" },
                         SENDING_BILLING, 0.07, 0.30, 0.0, 0.18, 0.05 },
  [CATEGORY_INVOICE] = { "Invoices",
                         { "Invoice EXS-%N is available", "Invoice EXS-%N is available" },
                         SENDING_BILLING, 0.04, 0.15, 0.0, 0.22, 0.25 },
};

typedef struct
{
  gint64 at;
  gint32 retry_in;
  guint8 kind;
  guint8 reply;
  guint8 attempt;
} Step;

typedef struct
{
  guint64 index;
  guint64 rng;
  guint64 hash;                  /* ids inside replies, order number */
  guint64 rcpt_hash;             /* the local part is derived from it */
  gint64 sent_at;
  Category category;
  guint subject_variant;
  guint domain;                  /* into recipient_domains */
  guint ip;
  gboolean burst_head;           /* among the first sends of a campaign */
  guint n_steps;
  Step steps[MAX_STEPS];
} Plan;

typedef enum
{
  OUTCOME_DELIVERED,
  OUTCOME_SOFT_BOUNCE,
  OUTCOME_HARD_BOUNCE,
  OUTCOME_EXPIRED,
} Outcome;

/* How one message's deferrals unfold. */
typedef struct
{
  Reply first;
  Reply then;
  Reply alternate;               /* sometimes instead of then */
  guint n_deferrals;             /* before the outcome; unused when expiring */
  Outcome outcome;
  Reply bounce;
} Scenario;

/* Random numbers: splitmix64, seeded per message, so nothing is shared. */

static inline guint64
splitmix64 (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static inline guint64
mix64 (guint64 value)
{
  return splitmix64 (&value);
}

static inline double
rng_double (guint64 *state)
{
  return (splitmix64 (state) >> 11) * (1.0 / 9007199254740992.0);
}

static inline guint
rng_below (guint64 *state,
           guint     n)
{
  return (guint) (((splitmix64 (state) >> 32) * n) >> 32);
}

static inline gint64
rng_range (guint64 *state,
           gint64   lo,
           gint64   hi)
{
  return lo + rng_below (state, (guint) (hi - lo + 1));
}

/* Consumes @p of the unit interval: successive calls pick exclusive cases. */
static inline gboolean
take (double *u,
      double  p)
{
  if (*u < p)
    return TRUE;

  *u -= p;
  return FALSE;
}

/* Timeline planning. */

static gint64
window_seconds (const DemoCursor *cursor)
{
  return (gint64) cursor->hours * 3600;
}

static guint64
count_messages (const DemoCursor *cursor,
                gint64            at)
{
  if (at <= cursor->t0)
    return cursor->n;

  return cursor->n + (guint64) ((at - cursor->t0) / LIVE_INTERVAL);
}

static Category
pick_category (guint64  *rng,
               gboolean  live)
{
  double u = rng_double (rng);

  for (guint i = 0; i < N_CATEGORIES - 1; i++)
    {
      if (take (&u, live ? categories[i].live_share : categories[i].share))
        return i;
    }

  return N_CATEGORIES - 1;
}

static guint
pick_recipient_domain (guint64 *rng)
{
  guint u = rng_below (rng, 1000);

  for (guint i = 0; i < G_N_ELEMENTS (recipient_domains); i++)
    {
      if (u < recipient_domains[i].weight)
        return i;
      u -= recipient_domains[i].weight;
    }

  return 0;
}

/* Campaigns go out in bursts at fixed points of the window; the platform
 * spreads each over up to 90 minutes. */
static gint64
campaign_burst (const DemoCursor *cursor)
{
  return CLAMP (window_seconds (cursor) / 10, 60, 5400);
}

/* The send time comes first in the stream so that later phases can skip
 * old messages without planning them. */
static void
plan_header (const DemoCursor *cursor,
             guint64           index,
             Plan             *plan)
{
  gboolean live = index >= cursor->n;

  plan->index = index;
  plan->rng = mix64 (cursor->seed ^ mix64 (index ^ G_GUINT64_CONSTANT (0x6a09e667f3bcc909)));
  plan->category = pick_category (&plan->rng, live);
  plan->burst_head = FALSE;

  if (live)
    {
      plan->sent_at = cursor->t0 + (gint64) (index - cursor->n + 1) * LIVE_INTERVAL;
    }
  else if (IS_CAMPAIGN (plan->category))
    {
      gint64 burst = campaign_burst (cursor);
      gint64 start = cursor->t0 - (gint64) (window_seconds (cursor) *
                                            categories[plan->category].before_t0);
      gint64 offset = rng_below (&plan->rng, (guint) burst);

      plan->sent_at = start + offset;
      plan->burst_head = offset < burst * 2 / 5;
    }
  else
    {
      plan->sent_at = cursor->t0 - rng_range (&plan->rng, 0, window_seconds (cursor));
    }
}

static void
add_step (Plan         *plan,
          DlvEventKind  kind,
          gint64        at,
          Reply         reply,
          int           attempt,
          int           retry_in)
{
  Step *step;

  g_assert (plan->n_steps < MAX_STEPS);

  step = &plan->steps[plan->n_steps++];
  step->kind = kind;
  step->at = at;
  step->reply = reply;
  step->attempt = attempt;
  step->retry_in = retry_in;
}

/* The set_* helpers fill a scenario and return TRUE, so a chooser can
 * return them directly. */
static gboolean
set_transient (Scenario *sc,
               Reply     reply,
               guint64  *rng,
               guint     min,
               guint     max)
{
  sc->first = sc->then = sc->alternate = reply;
  sc->n_deferrals = rng_range (rng, min, max);
  sc->outcome = OUTCOME_DELIVERED;

  return TRUE;
}

/* A full mailbox lasts hours: the owner may clean up, or the receiver gives
 * up on the address, or the provider's retry window runs out. */
static gboolean
set_mailbox_full (Scenario      *sc,
                  const Plan    *plan,
                  guint64       *rng)
{
  Family family = recipient_domains[plan->domain].family;
  double u = rng_double (rng);

  sc->first = sc->then = sc->alternate = family_replies[family].quota;
  if (family == FAMILY_GMAIL && (plan->hash & 1))
    sc->first = sc->then = sc->alternate = R_GMAIL_QUOTA_SHORT;

  if (take (&u, 0.50))
    {
      sc->outcome = OUTCOME_DELIVERED;
      sc->n_deferrals = rng_range (rng, 3, 12);
    }
  else if (take (&u, 0.15))
    {
      sc->outcome = OUTCOME_SOFT_BOUNCE;
      sc->n_deferrals = rng_range (rng, 4, 10);
      sc->bounce = R_QUOTA_BOUNCE;
    }
  else if (take (&u, 0.10))
    {
      sc->outcome = OUTCOME_HARD_BOUNCE;
      sc->n_deferrals = rng_range (rng, 2, 8);
      sc->bounce = family == FAMILY_GMAIL ? R_GMAIL_DISABLED : R_DISABLED;
    }
  else
    {
      sc->outcome = OUTCOME_EXPIRED;
    }

  return TRUE;
}

/* The platform holds mail back itself while a campaign floods a big ISP. */
static gboolean
set_preemptive (Scenario *sc,
                guint64  *rng)
{
  double u = rng_double (rng);
  Reply reply;

  if (take (&u, 0.50))
    reply = R_PRE_HOURLY;
  else if (take (&u, 0.25))
    reply = R_PRE_ISP_CONNECTIONS;
  else if (take (&u, 0.12))
    reply = R_PRE_PORTS;
  else
    reply = R_PRE_IP_CONNECTIONS;

  set_transient (sc, reply, rng, 1, 3);

  return TRUE;
}

/* After a refusal the platform throttles itself towards that receiver, so
 * later deferrals are mostly its own "throttled by recipient server". */
static gboolean
set_throttled (Scenario *sc,
               Reply     refusal,
               guint64  *rng,
               guint     min,
               guint     max,
               double    expire_rate)
{
  set_transient (sc, refusal, rng, min, max);
  sc->then = R_PRE_THROTTLED;
  if (rng_double (rng) < expire_rate)
    sc->outcome = OUTCOME_EXPIRED;

  return TRUE;
}

/* Yahoo distrusts the promo campaign: many deferrals, slow conversion, and
 * a share that only expires. */
static gboolean
set_yahoo_reputation (Scenario *sc,
                      guint64  *rng)
{
  double u = rng_double (rng);

  sc->first = sc->then = R_YAHOO_TSS04;
  sc->alternate = R_PRE_THROTTLED;
  sc->outcome = OUTCOME_DELIVERED;

  if (take (&u, 0.72))
    sc->n_deferrals = rng_range (rng, 1, 9);
  else if (take (&u, 0.08))
    sc->n_deferrals = rng_range (rng, 10, 17);
  else
    sc->outcome = OUTCOME_EXPIRED;

  return TRUE;
}

static gboolean
choose_by_family (const Plan *plan,
                  double     *u,
                  guint64    *rng,
                  Scenario   *sc)
{
  gboolean campaign = IS_CAMPAIGN (plan->category);

  switch (recipient_domains[plan->domain].family)
    {
    case FAMILY_GMAIL:
      if (IS_BILLING (plan->category) && take (u, 0.05))
        {
          /* billing.example-shop.com has a broken DKIM 2 record. */
          set_transient (sc, R_GMAIL_DKIM, rng, 1, 3);
          if (rng_double (rng) < 0.12)
            sc->outcome = OUTCOME_EXPIRED;
          return TRUE;
        }
      if (campaign && take (u, 0.005))
        return set_throttled (sc, R_GMAIL_RATE, rng, 2, 5, 0.0);
      return FALSE;

    case FAMILY_MICROSOFT:
      if (take (u, 0.008))
        return set_transient (sc, R_MS_BUSY, rng, 1, 3);
      if (campaign && take (u, 0.003))
        return set_throttled (sc, R_MS_REPUTATION, rng, 2, 6, 0.10);
      return FALSE;

    case FAMILY_YAHOO:
      if (plan->category == CATEGORY_PROMO && take (u, 0.35))
        return set_yahoo_reputation (sc, rng);
      if (campaign && take (u, 0.01))
        return set_throttled (sc, R_YAHOO_TSS04, rng, 1, 3, 0.0);
      if (take (u, 0.01))
        return set_transient (sc, R_YAHOO_MAX_MESSAGES, rng, 1, 2);
      return FALSE;

    case FAMILY_APPLE:
      if (take (u, 0.01))
        return set_transient (sc, R_APPLE_CONNECTIONS, rng, 1, 2);
      return FALSE;

    case FAMILY_GMX:
      if (take (u, 0.02))
        return set_transient (sc, R_GMX_POLICY, rng, 1, 3);
      return FALSE;

    case FAMILY_ORANGE:
      if (take (u, 0.06))
        return set_transient (sc, R_ORANGE_CONNECTIONS, rng, 1, 3);
      if (take (u, 0.01))
        return set_transient (sc, R_ORANGE_REFUSED, rng, 1, 2);
      return FALSE;

    case FAMILY_SMALL:
    case N_FAMILIES:
    default:
      if (take (u, 0.005))
        return set_transient (sc, R_SMALL_UNAVAILABLE, rng, 1, 4);
      return FALSE;
    }
}

/* Returns %FALSE when the message goes through at the first attempt. */
static gboolean
choose_scenario (const Plan *plan,
                 guint64    *rng,
                 Scenario   *sc)
{
  const RecipientDomain *domain = &recipient_domains[plan->domain];
  gboolean big = domain->family <= FAMILY_YAHOO && !(domain->flags & DOMAIN_SMALL_QUOTA);
  double quota_rate = (domain->flags & DOMAIN_SMALL_QUOTA) ? 0.05 : big ? 0.003 : 0.006;
  double u = rng_double (rng);

  memset (sc, 0, sizeof *sc);

  if (take (&u, 0.001))
    return set_transient (sc, R_INTERNAL, rng, 1, 1);
  if (take (&u, quota_rate))
    return set_mailbox_full (sc, plan, rng);
  if ((domain->flags & (DOMAIN_POSTGREY | DOMAIN_GREYLIST_EXIM)) && take (&u, 0.30))
    {
      /* A retry after five minutes usually passes; one that comes a little
       * early is refused once more. */
      set_transient (sc, (domain->flags & DOMAIN_POSTGREY) ? R_POSTGREY : R_GREYLIST_EXIM,
                     rng, 1, 1);
      sc->n_deferrals += rng_double (rng) < 0.2;
      return TRUE;
    }
  if (IS_CAMPAIGN (plan->category) && plan->burst_head && big && take (&u, 0.04))
    return set_preemptive (sc, rng);

  return choose_by_family (plan, &u, rng, sc);
}

static const int backoff[] = { 300, 900, 1800, 3600, 7200, 14400 };

static int
retry_delay (guint    k,
             guint64 *rng)
{
  int base = backoff[MIN (k, G_N_ELEMENTS (backoff) - 1)];

  return base * 9 / 10 + rng_below (rng, base / 5 + 1);
}

/* Deferral after deferral until the outcome, or until the retry window is
 * spent: an expiring message simply stops producing events (the store
 * derives "expired" from the window). */
static void
plan_deferrals (Plan           *plan,
                const Scenario *sc,
                guint64        *rng,
                gint64          t)
{
  gint64 deadline = t + RETRY_WINDOW;
  int attempt = 1;

  for (guint k = 0; sc->outcome == OUTCOME_EXPIRED || k < sc->n_deferrals; k++)
    {
      int delay = retry_delay (k, rng);
      Reply reply = k == 0 ? sc->first : sc->then;

      if (k > 0 && sc->alternate != sc->then && rng_double (rng) < 0.4)
        reply = sc->alternate;

      add_step (plan, DLV_EVENT_KIND_DEFERRED, t, reply, attempt++, delay);
      t += delay;
      if (t >= deadline)
        return;
    }

  switch (sc->outcome)
    {
    case OUTCOME_DELIVERED:
      add_step (plan, DLV_EVENT_KIND_DELIVERED, t + rng_range (rng, 1, 20),
                family_replies[recipient_domains[plan->domain].family].ok, attempt, 0);
      break;

    case OUTCOME_SOFT_BOUNCE:
      add_step (plan, DLV_EVENT_KIND_SOFT_BOUNCE, t, sc->bounce, attempt, 0);
      break;

    case OUTCOME_HARD_BOUNCE:
      add_step (plan, DLV_EVENT_KIND_HARD_BOUNCE, t, sc->bounce, attempt, 0);
      break;

    case OUTCOME_EXPIRED:
    default:
      g_assert_not_reached ();
    }
}

/* Opens hours later for most, minutes for password resets; clicks follow
 * opens; a few campaign readers unsubscribe or complain. */
static void
plan_engagement (Plan    *plan,
                 guint64 *rng,
                 gint64   delivered_at)
{
  const CategoryInfo *info = &categories[plan->category];
  gboolean campaign = IS_CAMPAIGN (plan->category);
  gint64 opened_at;
  double u = rng_double (rng);

  if (u >= info->open_rate)
    {
      if (campaign && u - info->open_rate < 0.0008)
        add_step (plan, DLV_EVENT_KIND_SPAM_COMPLAINT,
                  delivered_at + rng_range (rng, 600, 12 * 3600), R_NONE, 0, 0);
      return;
    }

  if (plan->category == CATEGORY_PASSWORD_RESET)
    opened_at = delivered_at + 5 + (gint64) (900 * rng_double (rng) * rng_double (rng));
  else if (rng_double (rng) < 0.45)
    opened_at = delivered_at + 5 + (gint64) MIN (-log1p (-rng_double (rng)) * 2400, 6 * 3600);
  else
    opened_at = delivered_at + rng_range (rng, 3600, 48 * 3600);
  add_step (plan, DLV_EVENT_KIND_OPENED, opened_at, R_NONE, 0, 0);

  u = rng_double (rng);
  if (u < info->click_rate)
    add_step (plan, DLV_EVENT_KIND_CLICKED, opened_at + rng_range (rng, 8, 600), R_NONE, 0, 0);
  else if (campaign && u - info->click_rate < 0.01)
    add_step (plan, DLV_EVENT_KIND_UNSUBSCRIBED, opened_at + rng_range (rng, 20, 300),
              R_NONE, 0, 0);
}

static Reply
pick_drop_reason (guint64 *rng)
{
  double u = rng_double (rng);

  if (take (&u, 0.45))
    return R_DROP_BOUNCED;
  if (take (&u, 0.25))
    return R_DROP_INVALID;
  if (take (&u, 0.20))
    return R_DROP_UNSUBSCRIBED;
  return R_DROP_SPAM_REPORT;
}

static void
plan_timeline (Plan *plan)
{
  guint64 *rng = &plan->rng;
  Family family;
  Scenario sc;
  gint64 t;
  double u;

  plan->hash = splitmix64 (rng);
  plan->rcpt_hash = splitmix64 (rng);
  plan->domain = pick_recipient_domain (rng);
  plan->subject_variant = rng_below (rng, 2);
  plan->ip = rng_below (rng, sending_domains[categories[plan->category].sending].n_ips);
  plan->n_steps = 0;
  family = recipient_domains[plan->domain].family;

  add_step (plan, DLV_EVENT_KIND_ACCEPTED, plan->sent_at, R_NONE, 0, 0);
  t = plan->sent_at + rng_range (rng, 1, 40);

  u = rng_double (rng);
  if (take (&u, 0.005))
    add_step (plan, DLV_EVENT_KIND_BLOCKED, plan->sent_at + rng_below (rng, 3),
              pick_drop_reason (rng), 0, 0);
  else if (take (&u, 0.015))
    add_step (plan, DLV_EVENT_KIND_HARD_BOUNCE, t, family_replies[family].no_user, 1, 0);
  else if (choose_scenario (plan, rng, &sc))
    plan_deferrals (plan, &sc, rng, t);
  else
    add_step (plan, DLV_EVENT_KIND_DELIVERED, t, family_replies[family].ok, 1, 0);

  if (plan->steps[plan->n_steps - 1].kind == DLV_EVENT_KIND_DELIVERED)
    plan_engagement (plan, rng, plan->steps[plan->n_steps - 1].at);

  g_assert (plan->steps[plan->n_steps - 1].at - plan->sent_at <= MAX_SPAN);
}

/* Materializing events: fixed buffers and hand-rolled number formatting,
 * since this runs for millions of events. */

typedef struct
{
  char str[1024];
  gsize len;
} Buf;

static inline void
buf_add_len (Buf        *buf,
             const char *str,
             gsize       len)
{
  len = MIN (len, sizeof buf->str - 1 - buf->len);
  memcpy (buf->str + buf->len, str, len);
  buf->len += len;
  buf->str[buf->len] = '\0';
}

static inline void
buf_add (Buf        *buf,
         const char *str)
{
  buf_add_len (buf, str, strlen (str));
}

static void
buf_add_uint (Buf     *buf,
              guint64  value,
              guint    min_digits)
{
  char digits[24];
  guint i = sizeof digits;

  do
    {
      digits[--i] = '0' + value % 10;
      value /= 10;
    }
  while (value != 0 || sizeof digits - i < min_digits);

  buf_add_len (buf, digits + i, sizeof digits - i);
}

static void
buf_add_int (Buf    *buf,
             gint64  value)
{
  if (value < 0)
    {
      buf_add_len (buf, "-", 1);
      buf_add_uint (buf, -(guint64) value, 1);
    }
  else
    {
      buf_add_uint (buf, value, 1);
    }
}

static void
buf_add_token (Buf        *buf,
               guint64     value,
               const char *alphabet,
               guint       length)
{
  guint base = strlen (alphabet);
  char token[32];

  g_assert (length <= sizeof token);

  for (guint i = 0; i < length; i++)
    {
      token[i] = alphabet[value % base];
      value /= base;
      if (value == 0)
        value = mix64 (i + 1);
    }
  buf_add_len (buf, token, length);
}

static void
buf_add_hex (Buf     *buf,
             guint64  value)
{
  static const char hex[] = "0123456789abcdef";
  char digits[16];

  for (guint i = 0; i < 16; i++)
    digits[i] = hex[(value >> (60 - 4 * i)) & 0xf];

  buf_add_len (buf, digits, 16);
}

static inline char *
buf_dup (const Buf *buf)
{
  return g_memdup2 (buf->str, buf->len + 1);
}

typedef struct
{
  const Plan *plan;
  const char *recipient;
  const char *ip;
  const char *message_id;
  gint64 at;
  guint64 hash;
} Expansion;

static void
expand (Buf             *buf,
        const char      *template,
        const Expansion *ex)
{
  const char *p = template;

  buf->len = 0;
  buf->str[0] = '\0';

  while (*p != '\0')
    {
      const char *percent = strchr (p, '%');

      if (percent == NULL)
        {
          buf_add (buf, p);
          return;
        }
      buf_add_len (buf, p, percent - p);
      p = percent + 2;

      switch (percent[1])
        {
        case 'i':
          buf_add (buf, ex->ip);
          break;
        case 'r':
          buf_add (buf, ex->recipient);
          break;
        case 'd':
          buf_add (buf, recipient_domains[ex->plan->domain].name);
          break;
        case 'M':
          buf_add (buf, ex->message_id);
          break;
        case 't':
          buf_add_int (buf, ex->at);
          break;
        case 'x':
          buf_add_hex (buf, ex->hash);
          break;
        case 'X':
          buf_add_token (buf, ex->hash, "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz", 12);
          break;
        case 'n':
          buf_add_uint (buf, ex->hash % G_GUINT64_CONSTANT (9000000000000) + 1000000000000, 1);
          break;
        case 'o':
          buf_add (buf, "mwinf5c");
          buf_add_uint (buf, 10 + ex->hash % 90, 2);
          break;
        case 'H':
          buf_add (buf, microsoft_hosts[ex->hash % G_N_ELEMENTS (microsoft_hosts)]);
          break;
        case 'N':
          buf_add_uint (buf, 100000 + ex->plan->hash % 900000, 6);
          break;
        case '\0':
          p = percent + 1;
          break;
        default:
          buf_add_len (buf, percent, 2);
        }
    }
}

/* first.last, initials and a number, a birth year...: the shapes real
 * addresses take. */
static void
build_recipient (Buf        *buf,
                 const Plan *plan)
{
  guint64 h = plan->rcpt_hash;
  const char *first = first_names[h % G_N_ELEMENTS (first_names)];
  const char *last = last_names[(h >> 8) % G_N_ELEMENTS (last_names)];
  guint shape = (h >> 16) % 100;
  guint64 number = h >> 24;

  buf->len = 0;
  if (shape < 22 || (shape >= 50 && shape < 62))
    {
      buf_add (buf, first);
      buf_add (buf, ".");
      buf_add (buf, last);
      if (shape >= 50)
        buf_add_uint (buf, 10 + number % 90, 2);
    }
  else if (shape < 30)
    {
      buf_add (buf, first);
      buf_add (buf, last);
    }
  else if (shape < 38)
    {
      buf_add_len (buf, first, 1);
      buf_add (buf, ".");
      buf_add (buf, last);
    }
  else if (shape < 43)
    {
      buf_add (buf, first);
      buf_add (buf, "_");
      buf_add (buf, last);
    }
  else if (shape < 50)
    {
      buf_add (buf, last);
      buf_add (buf, ".");
      buf_add (buf, first);
    }
  else if (shape < 74)
    {
      buf_add (buf, first);
      buf_add_uint (buf, 1955 + number % 50, 4);
    }
  else if (shape < 86)
    {
      buf_add_len (buf, first, 1);
      buf_add_len (buf, last, 1);
      buf_add_uint (buf, 100 + number % 9900, 3);
    }
  else if (shape < 94)
    {
      buf_add (buf, first);
      buf_add_len (buf, last, 1);
      buf_add_uint (buf, number % 1000, 1);
    }
  else
    {
      buf_add (buf, first);
      buf_add (buf, "-");
      buf_add (buf, last);
    }
  buf_add (buf, "@");
  buf_add (buf, recipient_domains[plan->domain].name);
}

static void
build_message_id (Buf        *buf,
                  const Plan *plan)
{
  buf->len = 0;
  buf_add_hex (buf, plan->hash);
  buf_add (buf, ".");
  buf_add_uint (buf, plan->index, 1);
  buf_add (buf, ".demo@example-shop.com");
}

static gboolean
step_in_window (const Step       *step,
                const DemoCursor *cursor)
{
  return step->at > cursor->lo && step->at <= cursor->wm;
}

static void
emit_events (const Plan       *plan,
             const DemoCursor *cursor,
             GPtrArray        *events)
{
  const CategoryInfo *info = &categories[plan->category];
  const SendingInfo *sending = &sending_domains[info->sending];
  const char *mx = recipient_domains[plan->domain].mx;
  Buf recipient, message_id, subject, text, uid;
  Expansion ex = { plan, recipient.str, sending->ips[plan->ip], message_id.str, 0, 0 };

  build_recipient (&recipient, plan);
  build_message_id (&message_id, plan);
  expand (&subject, info->subjects[plan->subject_variant], &ex);

  uid.len = 0;
  buf_add (&uid, "demo-");
  buf_add_uint (&uid, plan->index, 1);
  buf_add (&uid, "-");

  for (guint i = 0; i < plan->n_steps; i++)
    {
      const Step *step = &plan->steps[i];
      DlvEvent *event;
      gsize uid_len = uid.len;

      if (!step_in_window (step, cursor))
        continue;

      event = dlv_event_new (step->kind, step->at);
      buf_add_uint (&uid, i, 1);
      event->uid = buf_dup (&uid);
      uid.len = uid_len;
      event->message_id = buf_dup (&message_id);
      event->recipient = buf_dup (&recipient);
      event->sender = g_strdup (sending->sender);
      event->subject = buf_dup (&subject);
      event->campaign = g_strdup (info->campaign);
      event->attempt = step->attempt;
      event->retry_in = step->retry_in;

      if (step->attempt > 0)
        {
          event->mx = g_strdup (mx);
          event->ip = g_strdup (ex.ip);
        }
      if (step->reply != R_NONE)
        {
          ex.at = step->at;
          ex.hash = mix64 (plan->hash + i);
          expand (&text, replies[step->reply].text, &ex);
          event->reason = buf_dup (&text);
          event->smtp_code = replies[step->reply].smtp_code;
          event->enhanced_code = g_strdup (replies[step->reply].enhanced_code);
        }

      g_ptr_array_add (events, event);
    }
}

static guint
count_in_window (const Plan       *plan,
                 const DemoCursor *cursor)
{
  guint count = 0;

  for (guint i = 0; i < plan->n_steps; i++)
    count += step_in_window (&plan->steps[i], cursor);

  return count;
}

/* Cursor text. */

static char *
format_cursor (const DemoCursor *cursor)
{
  return g_strdup_printf (CURSOR_PREFIX ";seed=%" G_GUINT64_FORMAT ";n=%u;hours=%u"
                          ";t0=%" G_GINT64_FORMAT ";lo=%" G_GINT64_FORMAT
                          ";wm=%" G_GINT64_FORMAT ";next=%" G_GUINT64_FORMAT,
                          cursor->seed, cursor->n, cursor->hours, cursor->t0,
                          cursor->lo, cursor->wm, cursor->next);
}

static gboolean
parse_field (const char  *field,
             const char  *key,
             gboolean     is_signed,
             gint64       min,
             guint64      max,
             gpointer     value)
{
  gsize key_len = strlen (key);

  if (strncmp (field, key, key_len) != 0 || field[key_len] != '=')
    return FALSE;

  if (is_signed)
    return g_ascii_string_to_signed (field + key_len + 1, 10, min, (gint64) max,
                                     value, NULL);

  return g_ascii_string_to_unsigned (field + key_len + 1, 10, (guint64) min, max,
                                     value, NULL);
}

static gboolean
parse_cursor_fields (char       **fields,
                     DemoCursor  *cursor)
{
  guint64 n, hours;

  if (g_strv_length (fields) != 8 || strcmp (fields[0], CURSOR_PREFIX) != 0)
    return FALSE;

  if (!parse_field (fields[1], "seed", FALSE, 0, G_MAXUINT64, &cursor->seed) ||
      !parse_field (fields[2], "n", FALSE, 0, G_MAXUINT, &n) ||
      !parse_field (fields[3], "hours", FALSE, 1, MAX_HOURS, &hours) ||
      !parse_field (fields[4], "t0", TRUE, 0, G_MAXINT64 / 2, &cursor->t0) ||
      !parse_field (fields[5], "lo", TRUE, G_MININT64 / 2, G_MAXINT64 / 2, &cursor->lo) ||
      !parse_field (fields[6], "wm", TRUE, G_MININT64 / 2, G_MAXINT64 / 2, &cursor->wm) ||
      !parse_field (fields[7], "next", FALSE, 0, G_MAXUINT64, &cursor->next))
    return FALSE;

  cursor->n = n;
  cursor->hours = hours;

  return cursor->lo <= cursor->wm && cursor->next <= count_messages (cursor, cursor->wm);
}

static gboolean
parse_cursor (const char  *text,
              DemoCursor  *cursor,
              GError     **error)
{
  g_auto(GStrv) fields = NULL;

  if (text == NULL)
    {
      g_set_error_literal (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_CURSOR,
                           _("The demo platform has no saved position; remove the demo account to "
                             "start it again"));
      return FALSE;
    }

  fields = g_strsplit (text, ";", -1);
  if (!parse_cursor_fields (fields, cursor))
    {
      g_set_error (error, DLV_PROVIDER_ERROR, DLV_PROVIDER_ERROR_BAD_CURSOR,
                   _("The demo platform’s saved position “%s” cannot be read; remove the demo "
                     "account to start it again"), text);
      return FALSE;
    }

  return TRUE;
}

/* The first message that can still have events after @lo: once the
 * campaigns are over, live messages sent MAX_SPAN before @lo are done. */
static guint64
first_message_after (const DemoCursor *cursor,
                     gint64            lo)
{
  gint64 oldest_send = lo - MAX_SPAN;

  if (oldest_send <= cursor->t0)
    return 0;

  /* Live message i is sent at t0 + (i - n + 1) * LIVE_INTERVAL. */
  return cursor->n + (guint64) ((oldest_send - cursor->t0) / LIVE_INTERVAL);
}

/* Paging. Phase after phase, each serving (lo, wm] with wm the clock when
 * the phase began: every event is served exactly once along a chain. */

static DlvEventPage *
generate_page (const DemoCursor  *start,
               gint64             now,
               GCancellable      *cancellable,
               GError           **error)
{
  g_autoptr(DlvEventPage) page = dlv_event_page_new ();
  DemoCursor cursor = *start;
  guint64 end;
  Plan plan;

  if (cursor.next >= count_messages (&cursor, cursor.wm))
    {
      if (now <= cursor.wm)
        {
          page->next_cursor = format_cursor (&cursor);
          return g_steal_pointer (&page);
        }
      /* Like a provider's event retention: after weeks away, a poll
       * brings the last 7 days, not every message sent meanwhile. */
      cursor.lo = MAX (cursor.wm, now - RETENTION);
      cursor.wm = now;
      cursor.next = first_message_after (&cursor, cursor.lo);
    }

  end = count_messages (&cursor, cursor.wm);
  for (; cursor.next < end; cursor.next++)
    {
      if ((cursor.next & 0xffff) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;

      plan_header (&cursor, cursor.next, &plan);
      if (plan.sent_at + MAX_SPAN <= cursor.lo || plan.sent_at > cursor.wm)
        continue;

      plan_timeline (&plan);
      if (page->events->len + count_in_window (&plan, &cursor) > PAGE_SIZE)
        break;
      emit_events (&plan, &cursor, page->events);
    }

  /* Caught up with the clock the phase began at: newer events wait for the
   * next poll, so a caller looping while more always stops. */
  page->more = cursor.next < end;
  page->next_cursor = format_cursor (&cursor);

  return g_steal_pointer (&page);
}

static gint64
get_clock (DlvDemoProvider *self)
{
  gint64 now;

  g_mutex_lock (&self->clock_lock);
  now = self->pinned_now;
  g_mutex_unlock (&self->clock_lock);

  return now != 0 ? now : dlv_now ();
}

static void
fetch_page_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  const PageRequest *request = task_data;
  GError *error = NULL;
  DlvEventPage *page;

  page = generate_page (&request->cursor, request->now, cancellable, &error);
  if (page == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, page, (GDestroyNotify) dlv_event_page_free);
}

/* Domains: two healthy, one with the kind of breakage the Domains tab is for. */

#define ESP_USER "u4821.wl137.example-esp.net"
#define DMARC_VALUE "v=DMARC1; p=none; rua=mailto:dmarc-reports@example-shop.com"

static DlvDomain *
build_domain (const SendingInfo *info,
              gboolean           broken)
{
  DlvDomain *domain = dlv_domain_new (info->domain);
  g_autofree char *dkim1 = g_strconcat ("s1._domainkey.", info->domain, NULL);
  g_autofree char *dkim2 = g_strconcat ("s2._domainkey.", info->domain, NULL);
  g_autofree char *return_path = g_strconcat (info->return_path, ".", info->domain, NULL);
  g_autofree char *wrong = NULL;
  g_autofree char *dmarc = g_strconcat ("_dmarc.", info->domain, NULL);

  dlv_domain_set_record (domain, DLV_RECORD_DKIM1, DLV_RECORD_STATUS_VALID, dkim1, "CNAME",
                         "s1.domainkey." ESP_USER, NULL);
  dlv_domain_set_record (domain, DLV_RECORD_SPF_RETURN_PATH, DLV_RECORD_STATUS_VALID,
                         return_path, "CNAME", ESP_USER, NULL);

  if (!broken)
    {
      dlv_domain_set_record (domain, DLV_RECORD_DKIM2, DLV_RECORD_STATUS_VALID, dkim2, "CNAME",
                             "s2.domainkey." ESP_USER, NULL);
      dlv_domain_set_record (domain, DLV_RECORD_DMARC, DLV_RECORD_STATUS_VALID, dmarc, "TXT",
                             DMARC_VALUE, NULL);
      return domain;
    }

  /* Translators: a DNS name, what it points to, and what it should point to */
  wrong = g_strdup_printf (_("%s points to %s instead of %s: the record still names an older sender "
                             "authentication."),
                           "s2._domainkey", "s2.domainkey.u4821.wl094.example-esp.net",
                           "s2.domainkey." ESP_USER);
  dlv_domain_set_record (domain, DLV_RECORD_DKIM2, DLV_RECORD_STATUS_INVALID, dkim2, "CNAME",
                         "s2.domainkey." ESP_USER, wrong);
  dlv_domain_set_record (domain, DLV_RECORD_DMARC, DLV_RECORD_STATUS_MISSING, dmarc, "TXT",
                         DMARC_VALUE,
                         _("No TXT record was found at _dmarc: receivers cannot apply a DMARC "
                           "policy, and Gmail and Yahoo expect one from bulk senders."));

  return domain;
}

/* DlvProvider */

static void
dlv_demo_provider_fetch_page_async (DlvProvider         *provider,
                                    const char          *cursor,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  DlvDemoProvider *self = DLV_DEMO_PROVIDER (provider);
  g_autoptr(GTask) task = NULL;
  g_autofree PageRequest *request = g_new0 (PageRequest, 1);
  GError *error = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dlv_demo_provider_fetch_page_async);

  if (!parse_cursor (cursor, &request->cursor, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* Read on the caller's thread: the page answers for the moment it was asked. */
  request->now = get_clock (self);
  g_task_set_task_data (task, g_steal_pointer (&request), g_free);
  g_task_run_in_thread (task, fetch_page_thread);
}

static DlvEventPage *
dlv_demo_provider_fetch_page_finish (DlvProvider   *provider,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, provider), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
dlv_demo_provider_fetch_domains_async (DlvProvider         *provider,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GPtrArray *domains;

  task = g_task_new (provider, cancellable, callback, user_data);
  g_task_set_source_tag (task, dlv_demo_provider_fetch_domains_async);

  domains = g_ptr_array_new_with_free_func ((GDestroyNotify) dlv_domain_free);
  for (guint i = 0; i < N_SENDING_DOMAINS; i++)
    g_ptr_array_add (domains, build_domain (&sending_domains[i], i == SENDING_BILLING));

  g_task_return_pointer (task, domains, (GDestroyNotify) g_ptr_array_unref);
}

static GPtrArray *
dlv_demo_provider_fetch_domains_finish (DlvProvider   *provider,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, provider), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* GObject */

static void
dlv_demo_provider_finalize (GObject *object)
{
  DlvDemoProvider *self = (DlvDemoProvider *) object;

  g_mutex_clear (&self->clock_lock);

  G_OBJECT_CLASS (dlv_demo_provider_parent_class)->finalize (object);
}

static void
dlv_demo_provider_class_init (DlvDemoProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  DlvProviderClass *provider_class = DLV_PROVIDER_CLASS (klass);

  object_class->finalize = dlv_demo_provider_finalize;

  provider_class->fetch_page_async = dlv_demo_provider_fetch_page_async;
  provider_class->fetch_page_finish = dlv_demo_provider_fetch_page_finish;
  provider_class->fetch_domains_async = dlv_demo_provider_fetch_domains_async;
  provider_class->fetch_domains_finish = dlv_demo_provider_fetch_domains_finish;
}

static void
dlv_demo_provider_init (DlvDemoProvider *self)
{
  g_mutex_init (&self->clock_lock);
}

/**
 * dlv_demo_provider_new:
 *
 * Returns: (transfer full): the built-in simulated platform, named "demo"
 */
DlvProvider *
dlv_demo_provider_new (void)
{
  return g_object_new (DLV_TYPE_DEMO_PROVIDER,
                       "name", "demo",
                       "retry-window-hours", RETRY_WINDOW / 3600,
                       NULL);
}

/**
 * dlv_demo_provider_make_cursor:
 * @seed: the simulation's random seed
 * @n_messages: messages sent over the window before @now
 * @hours: the window's length
 * @now: t0, the end of the window; a live transactional stream follows it
 *
 * Returns: (transfer full): the first cursor of a simulation
 */
char *
dlv_demo_provider_make_cursor (guint64 seed,
                               guint   n_messages,
                               guint   hours,
                               gint64  now)
{
  DemoCursor cursor = { seed, n_messages, hours, now, 0, 0, n_messages };

  g_return_val_if_fail (hours > 0 && hours <= MAX_HOURS, NULL);
  g_return_val_if_fail (now >= 0 && now <= G_MAXINT64 / 2, NULL);

  /* An empty, finished phase just before the first send: the first fetch
   * starts a phase that serves everything up to its clock. */
  cursor.lo = cursor.wm = now - window_seconds (&cursor) - 1;

  return format_cursor (&cursor);
}

/**
 * dlv_demo_provider_set_now:
 * @self: a demo provider
 * @now: the clock in Unix seconds, or 0 for the wall clock
 *
 * Pins the clock the simulation serves events up to.
 */
void
dlv_demo_provider_set_now (DlvDemoProvider *self,
                           gint64           now)
{
  g_return_if_fail (DLV_IS_DEMO_PROVIDER (self));

  g_mutex_lock (&self->clock_lock);
  self->pinned_now = now;
  g_mutex_unlock (&self->clock_lock);
}
