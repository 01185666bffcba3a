/* dlv-reason.c: turns a raw deferral or bounce reason into an explanation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The classifier reads signs, not whole sentences: keywords (in English, French, German,
 * Spanish and Italian), SMTP reply codes and enhanced status codes. The contract is
 * shared/reference/deferral-taxonomy.md; precedence, strongest first:
 *
 *   1. the sending provider's own pacing sentence ("IPs reached ISP-suggested hourly limits");
 *   2. "Internal Server Error" from the provider (only when the text carries no reply code: a
 *      receiver that says it over SMTP is a receiver in trouble);
 *   3. specific text signs, in this order: phrases that merely look like a later sign ("sending
 *      quota" is not a full mailbox), greylisting, mailbox full, content, reputation,
 *      authentication, stated requirements (TLS, message format), DNS, weaker suspicion signs,
 *      rate, a bad or closed address, an explicit policy statement;
 *   4. specific enhanced codes (4.2.2, 4.2.1, 4.4.3, Gmail's 4.7.2x authentication codes …);
 *   5. generic "server unavailable" text (busy, timed out, try again later …);
 *   6. generic enhanced codes (4.3.x, 4.4.x, 4.7.x);
 *   7. vague words (blocked, rejected, deferred);
 *   8. the basic reply code (421/450/451/452).
 *
 * It runs at ingest for every event, so it never allocates: one lower-cased, whitespace-folded
 * copy of the first SCAN_MAX bytes lives on the stack, and one pass over it looks up every sign
 * through a small index keyed on the first two bytes of each needle (built once).
 */

#define G_LOG_DOMAIN "dlv-reason"

#include "config.h"

#include <stdlib.h>
#include <string.h>


#include "dlv-reason.h"
#include "dlv-util.h"

/* Long reasons (whole DSN bodies, 10 MB garbage) are cut here: the reply line that matters
 * always comes first. */
#define SCAN_MAX 4096

typedef struct
{
  const char     *needle;   /* lower case, at least two bytes */
  DlvReasonCause  cause;
} Sign;

/* Tiers in precedence order; the specific and generic enhanced-code stages sit between
 * TIER_POLICY / TIER_UNAVAILABLE and TIER_UNAVAILABLE / TIER_VAGUE (see classify ()). */
typedef enum
{
  TIER_PREEMPTIVE,
  TIER_INTERNAL,
  TIER_OVERRIDE,
  TIER_GREYLISTING,
  TIER_MAILBOX,
  TIER_CONTENT,
  TIER_REPUTATION,
  TIER_AUTHENTICATION,
  TIER_REQUIREMENT,
  TIER_DNS,
  TIER_SUSPICION,
  TIER_RATE,
  TIER_ADDRESS,
  TIER_POLICY,
  TIER_UNAVAILABLE,
  TIER_VAGUE,
  N_TIERS
} Tier;

#define C(name) DLV_REASON_CAUSE_##name

/* A phrase that says nothing about the cause but contains a word that would ("refused to talk
 * to me" is Postfix's wording for any refused greeting). It hides the signs inside it, no more. */
#define NEUTRAL ((DlvReasonCause) 0xff)

/* SendGrid's own sentences; the earliest one in the text wins (a wrapper may list several). */
static const Sign preemptive_signs[] = {
  { "isp-suggested hourly limit", C (ISP_HOURLY_LIMIT) },
  { "isp suggested hourly limit", C (ISP_HOURLY_LIMIT) },
  { "isp-suggested max connection limit", C (ISP_CONNECTION_LIMIT) },
  { "isp suggested max connection limit", C (ISP_CONNECTION_LIMIT) },
  { "max port limit", C (PORT_LIMIT) },
  { "ip reached max connection limit", C (IP_CONNECTION_LIMIT) },
  { "ips reached max connection limit", C (IP_CONNECTION_LIMIT) },
  { "throttled by recipient server", C (THROTTLED_BY_RECIPIENT) },
  { "throttled by the recipient server", C (THROTTLED_BY_RECIPIENT) },
};

static const Sign internal_signs[] = {
  { "internal server error", C (INTERNAL_ERROR) },
};

/* Phrases that contain a later tier's sign but mean something else; listed first so they win. */
static const Sign override_signs[] = {
  /* A sender's own quota, or a whole organisation's queue, is a rate limit, not a full mailbox. */
  { "sending quota", C (RATE_LIMITED) },
  { "quota for sending", C (RATE_LIMITED) },
  { "queue quota", C (RATE_LIMITED) },
  /* amavis: the virus scanner broke, the message was not found infected */
  { "virus_scan failed", C (SERVER_UNAVAILABLE) },
  { "scanners failed", C (SERVER_UNAVAILABLE) },
  /* The sender's behaviour, though it names spam messages, which alone would be about content */
  { "sending spam", C (REPUTATION) },
};

static const Sign greylisting_signs[] = {
  { "greylist", C (GREYLISTING) },
  { "graylist", C (GREYLISTING) },
  { "grey-list", C (GREYLISTING) },
  { "gray-list", C (GREYLISTING) },
  { "grey list", C (GREYLISTING) },
  { "gray list", C (GREYLISTING) },
  { "postgrey", C (GREYLISTING) },
  { "sqlgrey", C (GREYLISTING) },
  { "liste grise", C (GREYLISTING) },
  { "lista gris", C (GREYLISTING) },
  { "graue liste", C (GREYLISTING) },
};

static const Sign mailbox_signs[] = {
  { "mailbox full", C (MAILBOX_FULL) },
  { "mailbox is full", C (MAILBOX_FULL) },
  { "mailbox has exceeded", C (MAILBOX_FULL) },
  { "mailbox size", C (MAILBOX_FULL) },
  { "mailbox would exceed", C (MAILBOX_FULL) },
  { "mailbox exceeds", C (MAILBOX_FULL) },
  { "mailbox quota", C (MAILBOX_FULL) },
  { "full mailbox", C (MAILBOX_FULL) },
  { "inbox is full", C (MAILBOX_FULL) },
  { "inbox full", C (MAILBOX_FULL) },
  { "out of storage", C (MAILBOX_FULL) },
  { "storage space", C (MAILBOX_FULL) },
  { "storage allocation", C (MAILBOX_FULL) },
  { "insufficient storage", C (MAILBOX_FULL) },
  { "system storage", C (MAILBOX_FULL) },
  { "insufficient disk", C (MAILBOX_FULL) },
  { "disk space", C (MAILBOX_FULL) },
  { "disk full", C (MAILBOX_FULL) },
  { "no space left", C (MAILBOX_FULL) },
  { "not enough space", C (MAILBOX_FULL) },
  { "mail system full", C (MAILBOX_FULL) },
  { "folder is full", C (MAILBOX_FULL) },
  { "over quota", C (MAILBOX_FULL) },
  { "overquota", C (MAILBOX_FULL) },
  { "quota exceeded", C (MAILBOX_FULL) },
  { "quota limit", C (MAILBOX_FULL) },
  { "quota full", C (MAILBOX_FULL) },
  { "quota violation", C (MAILBOX_FULL) },
  { "exceeded quota", C (MAILBOX_FULL) },
  { "exceeds quota", C (MAILBOX_FULL) },
  { "exceeded the quota", C (MAILBOX_FULL) },
  { "exceeded his quota", C (MAILBOX_FULL) },
  { "exceeded her quota", C (MAILBOX_FULL) },
  { "exceeded their quota", C (MAILBOX_FULL) },
  { "its quota", C (MAILBOX_FULL) },
  { "storage quota", C (MAILBOX_FULL) },
  { "storage limit", C (MAILBOX_FULL) },
  { "mailbox is over", C (MAILBOX_FULL) },
  { "disk quota", C (MAILBOX_FULL) },
  { "mail quota", C (MAILBOX_FULL) },
  { "user is over", C (MAILBOX_FULL) },
  { "account is full", C (MAILBOX_FULL) },
  { "too much mail data", C (MAILBOX_FULL) },
  /* French */
  { "boite pleine", C (MAILBOX_FULL) },
  { "boîte pleine", C (MAILBOX_FULL) },
  { "boite aux lettres pleine", C (MAILBOX_FULL) },
  { "boîte aux lettres pleine", C (MAILBOX_FULL) },
  { "boite du destinataire pleine", C (MAILBOX_FULL) },
  { "boîte du destinataire pleine", C (MAILBOX_FULL) },
  { "boite de reception pleine", C (MAILBOX_FULL) },
  { "boîte de réception pleine", C (MAILBOX_FULL) },
  { "quota depasse", C (MAILBOX_FULL) },
  { "quota dépassé", C (MAILBOX_FULL) },
  { "espace insuffisant", C (MAILBOX_FULL) },
  { "est pleine", C (MAILBOX_FULL) },
  /* German */
  { "postfach voll", C (MAILBOX_FULL) },
  { "postfach ist voll", C (MAILBOX_FULL) },
  { "mailbox voll", C (MAILBOX_FULL) },
  { "mailbox ist voll", C (MAILBOX_FULL) },
  { "speicherplatz", C (MAILBOX_FULL) },
  { "quota überschritten", C (MAILBOX_FULL) },
  { "quota ueberschritten", C (MAILBOX_FULL) },
  { "ist voll", C (MAILBOX_FULL) },
  /* Spanish, Italian, Portuguese, Dutch */
  { "buzón lleno", C (MAILBOX_FULL) },
  { "buzon lleno", C (MAILBOX_FULL) },
  { "está lleno", C (MAILBOX_FULL) },
  { "está llena", C (MAILBOX_FULL) },
  { "cuota excedida", C (MAILBOX_FULL) },
  { "casella piena", C (MAILBOX_FULL) },
  { "casella di posta piena", C (MAILBOX_FULL) },
  { "quota superata", C (MAILBOX_FULL) },
  { "è piena", C (MAILBOX_FULL) },
  { "spazio insufficiente", C (MAILBOX_FULL) },
  { "caixa postal cheia", C (MAILBOX_FULL) },
  { "caixa de correio cheia", C (MAILBOX_FULL) },
  { "está cheia", C (MAILBOX_FULL) },
  { "cota excedida", C (MAILBOX_FULL) },
  { "mailbox vol", C (MAILBOX_FULL) },
  { "postvak vol", C (MAILBOX_FULL) },
};

/* The message itself. A size refusal is listed here too: the sender has to change the
 * message, which is what "content" means to a marketer. */
static const Sign content_signs[] = {
  { "nature of the content", C (CONTENT) },
  { "message content", C (CONTENT) },
  { "content of the message", C (CONTENT) },
  { "content of your message", C (CONTENT) },
  { "content rejected", C (CONTENT) },
  { "content filter", C (CONTENT) },
  { "spam content", C (CONTENT) },
  { "prohibited content", C (CONTENT) },
  { "objectionable content", C (CONTENT) },
  { "links within", C (CONTENT) },
  { "due to content", C (CONTENT) },
  { "content judged", C (CONTENT) },
  { "attachment", C (CONTENT) },
  { "classified as spam", C (CONTENT) },
  { "detected as spam", C (CONTENT) },
  { "identified as spam", C (CONTENT) },
  { "considered spam", C (CONTENT) },
  { "considered as spam", C (CONTENT) },
  { "looks like spam", C (CONTENT) },
  { "appears to be spam", C (CONTENT) },
  { "likely spam", C (CONTENT) },
  { "marked as spam", C (CONTENT) },
  { "flagged as spam", C (CONTENT) },
  { "as spam", C (CONTENT) },
  { "message filtered", C (CONTENT) },
  { "filtered by", C (CONTENT) },
  { "spam detected", C (CONTENT) },
  { "message is spam", C (CONTENT) },
  { "spam message", C (CONTENT) },
  { "suspicion of spam", C (CONTENT) },
  { "suspected spam", C (CONTENT) },
  { "characteristics of spam", C (CONTENT) },
  { "indicative of spam", C (CONTENT) },
  { "spam score", C (CONTENT) },
  { "mail score", C (CONTENT) },
  { "virus", C (CONTENT) },
  { "malware", C (CONTENT) },
  { "message size", C (CONTENT) },
  { "message too big", C (CONTENT) },
  { "message too large", C (CONTENT) },
  { "message is too large", C (CONTENT) },
  { "size limit", C (CONTENT) },
  { "email size", C (CONTENT) },
  { "size exceeded", C (CONTENT) },
  { "contenu", C (CONTENT) },
  { "comme spam", C (CONTENT) },
  { "als spam", C (CONTENT) },
  { "inhalt", C (CONTENT) },
  { "contenido", C (CONTENT) },
  { "como spam", C (CONTENT) },
  { "contenuto", C (CONTENT) },
};

/* Distrust of the sending IP or domain. Checked before authentication: Gmail's "unusual rate
 * of unsolicited mail from your DKIM domain" is about reputation, not about DKIM. */
static const Sign reputation_signs[] = {
  { "unsolicited", C (REPUTATION) },
  { "unusual rate", C (REPUTATION) },
  { "complaint", C (REPUTATION) },
  { "invalid recipients", C (REPUTATION) },
  { "reputation", C (REPUTATION) },
  { "réputation", C (REPUTATION) },
  { "reputación", C (REPUTATION) },
  { "reputazione", C (REPUTATION) },
  { "blocklist", C (REPUTATION) },
  { "block list", C (REPUTATION) },
  { "block-list", C (REPUTATION) },
  { "block listed", C (REPUTATION) },
  { "blacklist", C (REPUTATION) },
  { "black list", C (REPUTATION) },
  { "black listed", C (REPUTATION) },
  { "denylist", C (REPUTATION) },
  { "deny list", C (REPUTATION) },
  { "blocked using", C (REPUTATION) },
  { "dnsbl", C (REPUTATION) },
  { " rbl ", C (REPUTATION) },
  { " rbl:", C (REPUTATION) },
  { "rbl.", C (REPUTATION) },
  { "spamhaus", C (REPUTATION) },
  { "spamcop", C (REPUTATION) },
  { "barracudacentral", C (REPUTATION) },
  { "sorbs", C (REPUTATION) },
  { "abuseat", C (REPUTATION) },
  { "uceprotect", C (REPUTATION) },
  { "cloudmark", C (REPUTATION) },
  { "senderscore", C (REPUTATION) },
  { "banned", C (REPUTATION) },
  { "spamming", C (REPUTATION) },
  { "source of spam", C (REPUTATION) },
  { "spam source", C (REPUTATION) },
  { "spammer", C (REPUTATION) },
  { "badmailfrom", C (REPUTATION) },
  { "unwanted messages", C (REPUTATION) },
  { "abusive", C (REPUTATION) },
  { "liste noire", C (REPUTATION) },
  { "plaintes", C (REPUTATION) },
  { "schwarze liste", C (REPUTATION) },
  { "sperrliste", C (REPUTATION) },
  { "beschwerden", C (REPUTATION) },
  { "lista negra", C (REPUTATION) },
  { "quejas", C (REPUTATION) },
  { "lista nera", C (REPUTATION) },
};

static const Sign authentication_signs[] = {
  /* The receiver's own authentication service failing, not the sender's records. */
  { "cannot authenticate", C (SERVER_UNAVAILABLE) },
  { "temporary authentication", C (SERVER_UNAVAILABLE) },
  { "spf", C (AUTHENTICATION) },
  { "dkim", C (AUTHENTICATION) },
  { "dmarc", C (AUTHENTICATION) },
  { "domainkeys", C (AUTHENTICATION) },
  { "sender policy framework", C (AUTHENTICATION) },
  { "unauthenticated", C (AUTHENTICATION) },
  { "not authenticated", C (AUTHENTICATION) },
  { "authentication", C (AUTHENTICATION) },
  { "authenticate", C (AUTHENTICATION) },
  { "authentifi", C (AUTHENTICATION) },          /* fr authentification, de Authentifizierung */
  { "autenticaci", C (AUTHENTICATION) },         /* es autenticación */
  { "autenticazione", C (AUTHENTICATION) },
};

/* Requirements on the transport and on the message's form, which receivers also phrase as
 * "rate limited" or "not allowed". After authentication: Gmail's DMARC alignment reply talks
 * about the From: header too. */
static const Sign requirement_signs[] = {
  { "tls connection", C (POLICY) },
  { "tls required", C (POLICY) },
  { "requires tls", C (POLICY) },
  { "require tls", C (POLICY) },
  { "tls is required", C (POLICY) },
  { "tls/ssl", C (POLICY) },
  { "must use tls", C (POLICY) },
  { "encryption required", C (POLICY) },
  { "requires encryption", C (POLICY) },
  { "from: header", C (CONTENT) },
  { "from: address", C (CONTENT) },
  { "from address", C (CONTENT) },
  { "rfc 5322", C (CONTENT) },
  { "rfc5322", C (CONTENT) },
  { "header", C (CONTENT) },
  { "malformed", C (CONTENT) },
};

/* Weaker reputation signs, which authentication replies also use ("suspicious SPF entries",
 * "to protect our users from spam"). */
static const Sign suspicion_signs[] = {
  { "suspicious", C (REPUTATION) },
  { "unusual traffic", C (REPUTATION) },
  { "unusual activity", C (REPUTATION) },
  { "[ts0", C (REPUTATION) },                    /* Yahoo TS01…TS03 */
  { "[tss", C (REPUTATION) },                    /* Yahoo TSS04… */
  { "spam", C (REPUTATION) },
  { "rbl", C (REPUTATION) },
  { "listed on", C (REPUTATION) },              /* after authentication: "not listed in SPF" */
  { "listed in", C (REPUTATION) },
  { "listed at", C (REPUTATION) },
  { "ip has been", C (REPUTATION) },
  { "ip address has been", C (REPUTATION) },
  { "ip is blocked", C (REPUTATION) },
  { "ip blocked", C (REPUTATION) },
  /* Refusals of dynamic or residential address space, which blocklists like the PBL list too */
  { "dynamic ip", C (REPUTATION) },
  { "dynamic/residential", C (REPUTATION) },
  { "residential ip", C (REPUTATION) },
  { "dialup", C (REPUTATION) },
  { "dial-up", C (REPUTATION) },
};

static const Sign rate_signs[] = {
  { "rate limit", C (RATE_LIMITED) },
  { "ratelimit", C (RATE_LIMITED) },
  { "rate-limit", C (RATE_LIMITED) },
  { "too many hops", C (SERVER_UNAVAILABLE) },   /* a mail loop, not a limit */
  { "too many", C (RATE_LIMITED) },
  { "too fast", C (RATE_LIMITED) },
  { "too quickly", C (RATE_LIMITED) },
  { "too frequent", C (RATE_LIMITED) },
  { "too much mail", C (RATE_LIMITED) },
  { "slow down", C (RATE_LIMITED) },
  { "slower", C (RATE_LIMITED) },
  { "throttl", C (RATE_LIMITED) },
  { "sending rate", C (RATE_LIMITED) },
  { "message rate", C (RATE_LIMITED) },
  { "submission rate", C (RATE_LIMITED) },       /* Exchange: "Message submission rate …" */
  { "configured limit", C (RATE_LIMITED) },
  { "connection rate", C (RATE_LIMITED) },
  { "at a rate", C (RATE_LIMITED) },
  { "volume", C (RATE_LIMITED) },
  { "frequency", C (RATE_LIMITED) },
  { "max connections", C (RATE_LIMITED) },
  { "maximum number of", C (RATE_LIMITED) },
  { "connection limit", C (RATE_LIMITED) },
  { "concurrent connections", C (RATE_LIMITED) },
  { "simultaneous connections", C (RATE_LIMITED) },
  { "per connection", C (RATE_LIMITED) },
  { "limit exceeded", C (RATE_LIMITED) },
  { "limits exceeded", C (RATE_LIMITED) },
  { "limit reached", C (RATE_LIMITED) },
  { "limit has been reached", C (RATE_LIMITED) },
  { "exceeded the limit", C (RATE_LIMITED) },
  { "exceeded the max", C (RATE_LIMITED) },
  { "over the limit", C (RATE_LIMITED) },
  { "hourly limit", C (RATE_LIMITED) },
  { "daily limit", C (RATE_LIMITED) },
  { "sending limit", C (RATE_LIMITED) },
  { "relay limit", C (RATE_LIMITED) },
  { "recipient limit", C (RATE_LIMITED) },
  { "per hour", C (RATE_LIMITED) },
  { "per day", C (RATE_LIMITED) },
  { "per minute", C (RATE_LIMITED) },
  { "rl0000", C (RATE_LIMITED) },                /* Comcast RL000001… */
  { "trop de ", C (RATE_LIMITED) },
  { "limite atteinte", C (RATE_LIMITED) },
  { "zu viele", C (RATE_LIMITED) },
  { "zu schnell", C (RATE_LIMITED) },
  { "limit erreicht", C (RATE_LIMITED) },
  { "demasiad", C (RATE_LIMITED) },              /* es demasiados, demasiadas */
  { "troppe", C (RATE_LIMITED) },
  { "troppi", C (RATE_LIMITED) },
  { " te veel ", C (RATE_LIMITED) },
};

/* A name did not resolve: the recipient's MX, the sender's domain, the sending IP's PTR. */
static const Sign dns_signs[] = {
  { "host not found", C (DNS) },
  { "domain not found", C (DNS) },
  { "name not found", C (DNS) },
  { "name service error", C (DNS) },
  { "cannot find your hostname", C (DNS) },
  { "cannot find your reverse hostname", C (DNS) },
  { "reverse hostname", C (DNS) },
  { "reverse dns", C (DNS) },
  { "reverse lookup", C (DNS) },
  { "rdns", C (DNS) },
  { "ptr record", C (DNS) },
  { "ptr resource", C (DNS) },
  { "dns ptr", C (DNS) },
  { "no ptr", C (DNS) },
  { " ptr ", C (DNS) },
  { " ptr-", C (DNS) },
  { "(ptr)", C (DNS) },
  { "reverse-dns", C (DNS) },
  { "reverse-lookup", C (DNS) },
  { "dns error", C (DNS) },
  { "dns failure", C (DNS) },
  { "dns lookup", C (DNS) },
  { "dns query", C (DNS) },
  { "dns problem", C (DNS) },
  { "dns record", C (DNS) },
  { "dns server", C (DNS) },
  { "dns resolution", C (DNS) },
  { "dns entry", C (DNS) },
  { "dns look-up", C (DNS) },
  { "dns check", C (DNS) },
  { " dns ", C (DNS) },
  { "nxdomain", C (DNS) },
  { "servfail", C (DNS) },
  { "no mx ", C (DNS) },                         /* not "no MXs … could be reached" */
  { "mx record", C (DNS) },
  { "mx lookup", C (DNS) },
  { "unrouteable", C (DNS) },
  { "unroutable", C (DNS) },
  { "address resolution", C (DNS) },
  { "name lookup", C (DNS) },
  { "host lookup", C (DNS) },                    /* Exim: "host lookup did not complete" */
  { "non-existent host", C (DNS) },              /* Exim: MX points to "non-existent hosts" */
  { "could not resolve", C (DNS) },
  { "unable to resolve", C (DNS) },
  { "cannot resolve", C (DNS) },
  { "can't resolve", C (DNS) },
  { "unresolvable", C (DNS) },
  { "does not resolve", C (DNS) },
  { "unknown host", C (DNS) },
  { "host unknown", C (DNS) },
  { "no such domain", C (DNS) },
  { "domain is invalid", C (DNS) },
  { "invalid domain", C (DNS) },
  { "sender domain", C (DNS) },                  /* "unable to verify sender domain" */
  { "domain does not exist", C (DNS) },
  { "domain doesn't exist", C (DNS) },
  { "domaine introuvable", C (DNS) },
  { "domaine inexistant", C (DNS) },
  { "domain existiert nicht", C (DNS) },
  { "dominio no existe", C (DNS) },
};

/* The address itself is bad or closed: none of our causes fits, and the event kind already tells a
 * marketer to drop it (like enhanced x.1.1). Firmer than a policy word or "try again later". */
static const Sign address_signs[] = {
  { "user unknown", C (UNKNOWN) },
  { "unknown user", C (UNKNOWN) },
  { "no such user", C (UNKNOWN) },
  { "user not found", C (UNKNOWN) },
  { "invalid recipient", C (UNKNOWN) },          /* "too many invalid recipients" is reputation */
  { "unknown recipient", C (UNKNOWN) },
  { "recipient unknown", C (UNKNOWN) },
  { "no such recipient", C (UNKNOWN) },
  { "recipient not found", C (UNKNOWN) },
  { "mailbox not found", C (UNKNOWN) },
  { "no mailbox", C (UNKNOWN) },
  { "does not exist", C (UNKNOWN) },             /* a domain that does not exist is DNS, earlier */
  { "doesn't exist", C (UNKNOWN) },
  { "account is disabled", C (UNKNOWN) },
  { "account has been disabled", C (UNKNOWN) },
  { "mailbox is disabled", C (UNKNOWN) },
};

/* The receiver says its refusal is a policy, and no more. */
static const Sign policy_signs[] = {
  { "policy restriction", C (POLICY) },
  { "policy reason", C (POLICY) },
  { "policy violation", C (POLICY) },
  { "policy rejection", C (POLICY) },
  { "due to policy", C (POLICY) },
  { "local policy", C (POLICY) },
  { "security polic", C (POLICY) },
  { "by policy", C (POLICY) },
  { "rejected by", C (POLICY) },
  { "access denied", C (POLICY) },
  { "not permitted", C (POLICY) },
  { "administrative", C (POLICY) },
  { "prohibited", C (POLICY) },
  { "not allowed", C (POLICY) },
  { "whitelist", C (POLICY) },
  { "allowlist", C (POLICY) },
  { "client host rejected", C (POLICY) },
  { "sender address rejected", C (POLICY) },
  { "service refuse", C (POLICY) },              /* Orange, La Poste; also "refusé" */
  { "politique", C (POLICY) },
  { "richtlinie", C (POLICY) },
  { "política", C (POLICY) },
  { "politica", C (POLICY) },
};

static const Sign unavailable_signs[] = {
  { "busy", C (SERVER_UNAVAILABLE) },
  { "overload", C (SERVER_UNAVAILABLE) },
  { "service not available", C (SERVER_UNAVAILABLE) },
  { "unavailable", C (SERVER_UNAVAILABLE) },
  { "not available", C (SERVER_UNAVAILABLE) },
  { "system problem", C (SERVER_UNAVAILABLE) },
  { "local problem", C (SERVER_UNAVAILABLE) },
  { "local error", C (SERVER_UNAVAILABLE) },
  { "error in processing", C (SERVER_UNAVAILABLE) },
  { "processing error", C (SERVER_UNAVAILABLE) },
  { "internal error", C (SERVER_UNAVAILABLE) },
  { "server error", C (SERVER_UNAVAILABLE) },
  { "system error", C (SERVER_UNAVAILABLE) },
  { "temporary failure", C (SERVER_UNAVAILABLE) },
  { "temporary error", C (SERVER_UNAVAILABLE) },
  { "temporary problem", C (SERVER_UNAVAILABLE) },
  { "lookup failure", C (SERVER_UNAVAILABLE) },  /* Postfix: a local table, not DNS */
  { "try again later", C (SERVER_UNAVAILABLE) },
  { "come back later", C (SERVER_UNAVAILABLE) },
  { "try later", C (SERVER_UNAVAILABLE) },
  { "retry later", C (SERVER_UNAVAILABLE) },
  { "please try again", C (SERVER_UNAVAILABLE) },
  { "timed out", C (SERVER_UNAVAILABLE) },
  { "timeout", C (SERVER_UNAVAILABLE) },
  { "time out", C (SERVER_UNAVAILABLE) },
  { "connection refused", C (SERVER_UNAVAILABLE) },
  { "connection reset", C (SERVER_UNAVAILABLE) },
  { "connection expired", C (SERVER_UNAVAILABLE) },
  { "connection dropped", C (SERVER_UNAVAILABLE) },
  { "connection closed", C (SERVER_UNAVAILABLE) },
  { "lost connection", C (SERVER_UNAVAILABLE) },
  { "could not connect", C (SERVER_UNAVAILABLE) },
  { "couldn't connect", C (SERVER_UNAVAILABLE) },
  { "unable to connect", C (SERVER_UNAVAILABLE) },
  { "failed to connect", C (SERVER_UNAVAILABLE) },
  { "cannot connect", C (SERVER_UNAVAILABLE) },
  { "no route to host", C (SERVER_UNAVAILABLE) },
  { "unreachable", C (SERVER_UNAVAILABLE) },
  { "be reached", C (SERVER_UNAVAILABLE) },
  { "retry time not reached", C (SERVER_UNAVAILABLE) },  /* Exim: earlier attempts failed */
  { "handshake failed", C (SERVER_UNAVAILABLE) },
  { "handshake failure", C (SERVER_UNAVAILABLE) },
  { "not responding", C (SERVER_UNAVAILABLE) },
  { "no answer", C (SERVER_UNAVAILABLE) },
  { "shutting down", C (SERVER_UNAVAILABLE) },
  { "maintenance", C (SERVER_UNAVAILABLE) },
  { "resources", C (SERVER_UNAVAILABLE) },
  { "out of memory", C (SERVER_UNAVAILABLE) },
  { "not accepting", C (SERVER_UNAVAILABLE) },
  { "write error", C (SERVER_UNAVAILABLE) },
  { "socket error", C (SERVER_UNAVAILABLE) },
  { "temporarily suspended", C (SERVER_UNAVAILABLE) },
  { "surcharg", C (SERVER_UNAVAILABLE) },        /* fr surchargé */
  { "indisponible", C (SERVER_UNAVAILABLE) },
  { "plus tard", C (SERVER_UNAVAILABLE) },
  { "réessay", C (SERVER_UNAVAILABLE) },          /* réessayer, réessayez */
  { "reessay", C (SERVER_UNAVAILABLE) },
  { "überlast", C (SERVER_UNAVAILABLE) },
  { "ueberlast", C (SERVER_UNAVAILABLE) },
  { "nicht verfügbar", C (SERVER_UNAVAILABLE) },
  { "nicht verfuegbar", C (SERVER_UNAVAILABLE) },
  { "nicht erreichbar", C (SERVER_UNAVAILABLE) },
  { "später erneut", C (SERVER_UNAVAILABLE) },
  { "spaeter erneut", C (SERVER_UNAVAILABLE) },
  { "später", C (SERVER_UNAVAILABLE) },
  { "spaeter", C (SERVER_UNAVAILABLE) },
  { "zeitüberschreitung", C (SERVER_UNAVAILABLE) },
  { "no disponible", C (SERVER_UNAVAILABLE) },
  { "más tarde", C (SERVER_UNAVAILABLE) },
  { "mas tarde", C (SERVER_UNAVAILABLE) },
  { "sobrecarg", C (SERVER_UNAVAILABLE) },
  { "non disponibile", C (SERVER_UNAVAILABLE) },
  { "più tardi", C (SERVER_UNAVAILABLE) },
  { "piu tardi", C (SERVER_UNAVAILABLE) },
  { "mais tarde", C (SERVER_UNAVAILABLE) },
  { "later opnieuw", C (SERVER_UNAVAILABLE) },
  { "niet beschikbaar", C (SERVER_UNAVAILABLE) },
};

/* Words that only say "no": consulted after the enhanced code had its say. */
static const Sign vague_signs[] = {
  { "temporarily deferred", C (SERVER_UNAVAILABLE) },
  { "deferred", C (SERVER_UNAVAILABLE) },
  { "temporar", C (SERVER_UNAVAILABLE) },
  { "temporär", C (SERVER_UNAVAILABLE) },
  { "temporaire", C (SERVER_UNAVAILABLE) },
  { "temporal", C (SERVER_UNAVAILABLE) },        /* es temporalmente */
  { "temporane", C (SERVER_UNAVAILABLE) },       /* it temporaneamente */
  { "vorübergehend", C (SERVER_UNAVAILABLE) },
  { "voruebergehend", C (SERVER_UNAVAILABLE) },
  { "tijdelijk", C (SERVER_UNAVAILABLE) },
  { "refused to talk to me", NEUTRAL },
  { "blocked", C (POLICY) },
  { "rejected", C (POLICY) },
  { "refused", C (POLICY) },
  { "denied", C (POLICY) },
  { "bloque", C (POLICY) },
  { "bloqué", C (POLICY) },
  { "rejet", C (POLICY) },
  { "gesperrt", C (POLICY) },
  { "abgelehnt", C (POLICY) },
  { "rechazad", C (POLICY) },
  { "bloquead", C (POLICY) },
  { "rifiutat", C (POLICY) },
};

#undef C

static const struct
{
  const Sign *signs;
  guint       n_signs;
} tiers[N_TIERS] = {
  [TIER_PREEMPTIVE] = { preemptive_signs, G_N_ELEMENTS (preemptive_signs) },
  [TIER_INTERNAL] = { internal_signs, G_N_ELEMENTS (internal_signs) },
  [TIER_OVERRIDE] = { override_signs, G_N_ELEMENTS (override_signs) },
  [TIER_GREYLISTING] = { greylisting_signs, G_N_ELEMENTS (greylisting_signs) },
  [TIER_MAILBOX] = { mailbox_signs, G_N_ELEMENTS (mailbox_signs) },
  [TIER_CONTENT] = { content_signs, G_N_ELEMENTS (content_signs) },
  [TIER_REPUTATION] = { reputation_signs, G_N_ELEMENTS (reputation_signs) },
  [TIER_AUTHENTICATION] = { authentication_signs, G_N_ELEMENTS (authentication_signs) },
  [TIER_REQUIREMENT] = { requirement_signs, G_N_ELEMENTS (requirement_signs) },
  [TIER_DNS] = { dns_signs, G_N_ELEMENTS (dns_signs) },
  [TIER_SUSPICION] = { suspicion_signs, G_N_ELEMENTS (suspicion_signs) },
  [TIER_RATE] = { rate_signs, G_N_ELEMENTS (rate_signs) },
  [TIER_ADDRESS] = { address_signs, G_N_ELEMENTS (address_signs) },
  [TIER_POLICY] = { policy_signs, G_N_ELEMENTS (policy_signs) },
  [TIER_UNAVAILABLE] = { unavailable_signs, G_N_ELEMENTS (unavailable_signs) },
  [TIER_VAGUE] = { vague_signs, G_N_ELEMENTS (vague_signs) },
};

/* SendGrid's wrapper around its own reasons; it marks the whole text as the provider's. */
#define PREEMPTIVE_WRAPPER "deferred due to the following reason"

/* ---------------------------------------------------------------------------------------------
 * The sign index: every needle filed under a hash of its first two bytes, each bucket sorted by
 * tier, then longest first, so the first hit at a position is the one that counts.
 */

#define N_BUCKETS 4096

typedef struct
{
  const char *needle;
  guint8      len;
  guint8      tier;
  guint8      cause;
} IndexEntry;

#define N_SIGNS (G_N_ELEMENTS (preemptive_signs) + G_N_ELEMENTS (internal_signs) + \
                 G_N_ELEMENTS (override_signs) + \
                 G_N_ELEMENTS (greylisting_signs) + G_N_ELEMENTS (mailbox_signs) + \
                 G_N_ELEMENTS (content_signs) + G_N_ELEMENTS (reputation_signs) + \
                 G_N_ELEMENTS (authentication_signs) + G_N_ELEMENTS (requirement_signs) + \
                 G_N_ELEMENTS (dns_signs) + G_N_ELEMENTS (suspicion_signs) + \
                 G_N_ELEMENTS (rate_signs) + G_N_ELEMENTS (address_signs) + \
                 G_N_ELEMENTS (policy_signs) + \
                 G_N_ELEMENTS (unavailable_signs) + G_N_ELEMENTS (vague_signs))

static guint16 bucket_start[N_BUCKETS + 1];
static IndexEntry index_entries[N_SIGNS];

static inline guint
bucket_of (guchar a,
           guchar b)
{
  return (((guint) a << 6) + (guint) b) & (N_BUCKETS - 1);
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const IndexEntry *x = a;
  const IndexEntry *y = b;
  guint bx = bucket_of (x->needle[0], x->needle[1]);
  guint by = bucket_of (y->needle[0], y->needle[1]);

  if (bx != by)
    return bx < by ? -1 : 1;
  if (x->tier != y->tier)
    return x->tier < y->tier ? -1 : 1;
  return (int) y->len - (int) x->len;
}

static void
build_index (void)
{
  guint n = 0;
  guint k = 0;

  for (guint t = 0; t < N_TIERS; t++)
    n += tiers[t].n_signs;
  g_assert (n == N_SIGNS);

  for (guint t = 0; t < N_TIERS; t++)
    {
      for (guint i = 0; i < tiers[t].n_signs; i++)
        {
          const Sign *sign = &tiers[t].signs[i];
          gsize len = strlen (sign->needle);

          g_assert (len >= 2 && len < 256);
          index_entries[k].needle = sign->needle;
          index_entries[k].len = (guint8) len;
          index_entries[k].tier = (guint8) t;
          index_entries[k].cause = (guint8) sign->cause;
          k++;
        }
    }

  qsort (index_entries, n, sizeof (IndexEntry), compare_entries);

  k = 0;
  for (guint b = 0; b <= N_BUCKETS; b++)
    {
      while (k < n && bucket_of (index_entries[k].needle[0], index_entries[k].needle[1]) < b)
        k++;
      bucket_start[b] = (guint16) k;
    }
}

static void
ensure_index (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      build_index ();
      g_once_init_leave (&initialized, 1);
    }
}

/* ---------------------------------------------------------------------------------------------
 * Reply codes
 */

static inline gboolean
is_word_char (guchar c)
{
  return g_ascii_isalnum (c) || c == '_';
}

static inline gboolean
is_class_digit (guchar c)
{
  return c == '2' || c == '4' || c == '5';
}

/* Reads an enhanced status code ("4.7.650") starting at @pos. Returns its length, or 0 when
 * there is none or it is part of something else: an IP address, a version, a word. */
static gsize
read_enhanced (const char *s,
               gsize       len,
               gsize       pos,
               char        out[16])
{
  gsize p = pos;
  gsize digits;
  guint subject;

  if (pos >= len || !is_class_digit (s[pos]))
    return 0;

  if (pos > 0)
    {
      guchar prev = s[pos - 1];

      if (is_word_char (prev) || prev == '.' || prev == '/')
        return 0;

      /* "Exim 4.92.3" is a version, not a status. */
      if (pos >= 5 && g_ascii_strncasecmp (s + pos - 5, "exim ", 5) == 0)
        return 0;
      if (pos >= 8 && g_ascii_strncasecmp (s + pos - 8, "version ", 8) == 0)
        return 0;
    }

  p++;
  if (p >= len || s[p] != '.')
    return 0;
  p++;

  /* RFC 3463 defines subjects 0 to 7 only: Yahoo's "#4.16.1" diagnostics are not statuses. */
  subject = 0;
  for (digits = 0; p < len && g_ascii_isdigit (s[p]) && digits < 4; p++)
    {
      subject = subject * 10 + (s[p] - '0');
      digits++;
    }
  if (digits == 0 || digits > 3 || subject > 7 || p >= len || s[p] != '.')
    return 0;
  p++;

  for (digits = 0; p < len && g_ascii_isdigit (s[p]) && digits < 4; p++)
    digits++;
  if (digits == 0 || digits > 3)
    return 0;

  if (p < len)
    {
      guchar next = s[p];

      if (is_word_char (next))
        return 0;
      /* "4.16.55.1", "192.0.2.1": a fourth component means an address or a diagnostic id. */
      if (next == '.' && p + 1 < len && g_ascii_isdigit (s[p + 1]))
        return 0;
    }

  if (out != NULL)
    {
      memcpy (out, s + pos, p - pos);
      out[p - pos] = '\0';
    }

  return p - pos;
}

/* Whether everything before @pos is punctuation or the "smtp;" of a Diagnostic-Code. */
static gboolean
is_at_start (const char *s,
             gsize       pos)
{
  gsize i = 0;

  if (pos >= 5 && g_ascii_strncasecmp (s, "smtp;", 5) == 0)
    i = 5;

  for (; i < pos; i++)
    {
      if (strchr (" \t\r\n\"'#([;", s[i]) == NULL)
        return FALSE;
    }

  return TRUE;
}

/* A number followed by a unit is a duration or a size, not a reply code. */
static gboolean
is_followed_by_unit (const char *s,
                     gsize       len,
                     gsize       pos)
{
  static const char * const units[] = {
    "sec", "min", "hour", "ms ", "day", "byte", "kb", "mb", "time", "attempt", "%",
  };

  while (pos < len && s[pos] == ' ')
    pos++;

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      gsize n = strlen (units[i]);

      if (pos + n <= len && g_ascii_strncasecmp (s + pos, units[i], n) == 0)
        return TRUE;
    }

  return FALSE;
}

/* Scores a three-digit candidate at @pos; 0 means "not a reply code". */
static guint
score_basic_code (const char *s,
                  gsize       len,
                  gsize       pos)
{
  gsize end = pos + 3;
  guchar next;

  if (!is_class_digit (s[pos]) || !g_ascii_isdigit (s[pos + 1]) || !g_ascii_isdigit (s[pos + 2]))
    return 0;

  if (pos > 0)
    {
      guchar prev = s[pos - 1];
      guchar before = pos > 1 ? s[pos - 2] : ' ';

      if (is_word_char (prev) || strchr ("./=+$%@?&~\\", prev) != NULL)
        return 0;
      /* host:port, hh:mm, id-123 */
      if ((prev == ':' || prev == '-') && (is_word_char (before) || before == ']'))
        return 0;
    }

  if (end == len)
    return is_at_start (s, pos) ? 3 : 2;

  next = s[end];
  if (is_word_char (next) || next == '/' || next == '%' || next == ']')
    return 0;
  if ((next == '.' || next == ':') && end + 1 < len && g_ascii_isdigit (s[end + 1]))
    return 0;

  if (next == ' ' || next == '-')
    {
      gsize e = end + 1;

      while (e < len && e < end + 3 && s[e] == ' ')
        e++;
      if (read_enhanced (s, len, e, NULL) > 0)
        return 4;
      if (next == '-')
        return 3;
      if (is_followed_by_unit (s, len, end))
        return 0;
      return is_at_start (s, pos) ? 3 : 2;
    }

  if (next == '\t' || next == '\r' || next == '\n')
    return is_at_start (s, pos) ? 3 : 2;

  return 1;
}

/* Finds the reply code (best score, earliest on ties) and the enhanced code that belongs to it,
 * else the first enhanced code anywhere. */
static void
parse_codes (const char *s,
             gsize       len,
             int        *smtp_code,
             char        enhanced[16])
{
  gsize best_pos = 0;
  guint best_score = 0;

  *smtp_code = 0;
  enhanced[0] = '\0';

  for (gsize i = 0; i + 3 <= len; i++)
    {
      guint score;

      if (!is_class_digit (s[i]))
        continue;

      score = score_basic_code (s, len, i);
      if (score > best_score)
        {
          best_score = score;
          best_pos = i;
          if (score == 4)
            break;
        }
    }

  if (best_score > 0)
    {
      gsize e = best_pos + 3;

      *smtp_code = (s[best_pos] - '0') * 100 + (s[best_pos + 1] - '0') * 10 +
                   (s[best_pos + 2] - '0');

      if (e < len && (s[e] == ' ' || s[e] == '-'))
        {
          e++;
          while (e < len && e < best_pos + 6 && s[e] == ' ')
            e++;
          if (read_enhanced (s, len, e, enhanced) > 0)
            return;
        }
    }

  for (gsize i = 0; i + 5 <= len; i++)
    {
      if (is_class_digit (s[i]) && s[i + 1] == '.' && read_enhanced (s, len, i, enhanced) > 0)
        return;
    }
}

static gboolean
parse_enhanced_parts (const char *code,
                      int        *klass,
                      int        *subject,
                      int        *detail)
{
  const char *p = code;

  if (code == NULL || code[0] == '\0')
    return FALSE;

  *klass = *p - '0';
  p += 2;
  *subject = (int) g_ascii_strtoull (p, (char **) &p, 10);
  if (*p != '.')
    return FALSE;
  *detail = (int) g_ascii_strtoull (p + 1, NULL, 10);

  return *klass == 4 || *klass == 5;
}

/* Enhanced codes precise enough to beat generic "try again later" text. Returns TRUE when the
 * code has an opinion; a mailbox that does not exist (x.1.1) is a firm "unknown": the event
 * kind already tells a marketer the address is bad, and none of our causes fits it. */
static gboolean
cause_from_specific_enhanced (int             klass,
                              int             subject,
                              int             detail,
                              DlvReasonCause *cause)
{
  switch (subject)
    {
    case 1:
      if (detail == 1 || detail == 6 || detail == 10)
        *cause = DLV_REASON_CAUSE_UNKNOWN;
      else if (detail == 2 || detail == 8)
        *cause = DLV_REASON_CAUSE_DNS;
      else
        return FALSE;
      return TRUE;

    case 2:
      if (detail == 2)
        *cause = DLV_REASON_CAUSE_MAILBOX_FULL;
      else if (detail == 1)
        *cause = klass == 4 ? DLV_REASON_CAUSE_RATE_LIMITED : DLV_REASON_CAUSE_UNKNOWN;
      else if (detail == 3)
        *cause = DLV_REASON_CAUSE_CONTENT;
      else
        return FALSE;
      return TRUE;

    case 4:
      if (detail != 3 && detail != 4)
        return FALSE;
      *cause = DLV_REASON_CAUSE_DNS;
      return TRUE;

    case 5:
      if (detail != 3)
        return FALSE;
      *cause = DLV_REASON_CAUSE_RATE_LIMITED;
      return TRUE;

    case 6:
      *cause = DLV_REASON_CAUSE_CONTENT;
      return TRUE;

    case 7:
      switch (detail)
        {
        case 23: case 25:
          *cause = DLV_REASON_CAUSE_DNS;                      /* Gmail: PTR record */
          return TRUE;
        case 8: case 24: case 26: case 27: case 30: case 31: case 32: case 40: case 509:
        case 515:
          *cause = DLV_REASON_CAUSE_AUTHENTICATION;           /* Gmail, Microsoft */
          return TRUE;
        case 28: case 511: case 513: case 650: case 651:
          *cause = DLV_REASON_CAUSE_REPUTATION;
          return TRUE;
        default:
          if (detail >= 606 && detail <= 649)                 /* Microsoft banned IP */
            {
              *cause = DLV_REASON_CAUSE_REPUTATION;
              return TRUE;
            }
          return FALSE;
        }

    default:
      return FALSE;
    }
}

static gboolean
cause_from_generic_enhanced (int             subject,
                             int             detail,
                             DlvReasonCause *cause)
{
  /* x.3.4 "message too big for system" is also sent for full spools and exhausted resources
   * ("421 4.3.4 allocated resources exceeded"), so text about unavailability beats it. */
  if (subject == 3 && detail == 4)
    *cause = DLV_REASON_CAUSE_CONTENT;
  else if (subject == 3 || (subject == 4 && detail != 7))
    *cause = DLV_REASON_CAUSE_SERVER_UNAVAILABLE;
  else if (subject == 7)
    *cause = DLV_REASON_CAUSE_POLICY;
  else
    return FALSE;

  return TRUE;
}

/* ---------------------------------------------------------------------------------------------
 * Text
 */

/* Lower-cases ASCII, folds runs of white space into one space, pads both ends with a space
 * (so " rbl " also matches at the edges) and drops the "421-4.7.0" prefixes multi-line replies
 * scatter through their sentences. */
static gsize
normalize_text (const char *s,
                gsize       len,
                char       *out)
{
  gsize o = 0;

  out[o++] = ' ';

  for (gsize i = 0; i < len; i++)
    {
      guchar c = s[i];

      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
        {
          if (out[o - 1] != ' ')
            out[o++] = ' ';
          continue;
        }

      if (out[o - 1] == ' ' && is_class_digit (c) && i + 3 < len &&
          g_ascii_isdigit (s[i + 1]) && g_ascii_isdigit (s[i + 2]) &&
          (s[i + 3] == '-' || s[i + 3] == ' '))
        {
          gsize e = i + 4;
          gsize n = read_enhanced (s, len, e, NULL);

          if (n > 0 || s[i + 3] == '-')
            {
              i = e + n - 1;
              continue;
            }
        }

      out[o++] = g_ascii_tolower (c);
    }

  if (out[o - 1] != ' ')
    out[o++] = ' ';
  out[o] = '\0';

  return o;
}

/* One pass over @buf: the lowest tier from @first_tier on that matches, and within it the
 * earliest match. A neutral phrase hides every sign that starts inside it. */
static Tier
find_best_sign (const char     *buf,
                gsize           len,
                Tier            first_tier,
                DlvReasonCause *cause)
{
  guint best_tier = N_TIERS;

  for (gsize i = 0; i + 1 < len; i++)
    {
      guint b = bucket_of (buf[i], buf[i + 1]);
      gsize skip = 0;

      for (guint k = bucket_start[b]; k < bucket_start[b + 1]; k++)
        {
          const IndexEntry *entry = &index_entries[k];

          if (entry->tier >= best_tier)
            break;
          if (entry->tier < first_tier || entry->len > len - i)
            continue;
          if (memcmp (buf + i, entry->needle, entry->len) == 0)
            {
              if (entry->cause == (guint8) NEUTRAL)
                {
                  skip = entry->len - 1;
                  break;
                }
              best_tier = entry->tier;
              *cause = (DlvReasonCause) entry->cause;
              break;
            }
        }

      i += skip;

      if (best_tier == TIER_PREEMPTIVE)
        break;
    }

  return (Tier) best_tier;
}

/* Inside SendGrid's wrapper the sentences may be shortened or reworded. */
static DlvReasonCause
loose_preemptive_cause (const char *buf)
{
  if (strstr (buf, "hourly limit") != NULL)
    return DLV_REASON_CAUSE_ISP_HOURLY_LIMIT;
  if (strstr (buf, "port limit") != NULL)
    return DLV_REASON_CAUSE_PORT_LIMIT;
  if (strstr (buf, "connection limit") != NULL)
    return strstr (buf, "isp") != NULL ? DLV_REASON_CAUSE_ISP_CONNECTION_LIMIT
                                       : DLV_REASON_CAUSE_IP_CONNECTION_LIMIT;
  if (strstr (buf, "throttl") != NULL)
    return DLV_REASON_CAUSE_THROTTLED_BY_RECIPIENT;

  return DLV_REASON_CAUSE_UNKNOWN;
}

static gboolean
cause_needs_action (DlvReasonCause cause)
{
  /* The taxonomy's rule; a deferral lasting past a day is the store's to flag. Policy stays
   * FALSE: a refusal that says nothing more gives the sender nothing to fix. */
  return cause == DLV_REASON_CAUSE_REPUTATION ||
         cause == DLV_REASON_CAUSE_AUTHENTICATION ||
         cause == DLV_REASON_CAUSE_DNS ||
         cause == DLV_REASON_CAUSE_CONTENT;
}

static void
classify (const char    *text,
          int            smtp_code,
          const char    *enhanced_code,
          DlvReasonInfo *info)
{
  char buf[SCAN_MAX + 3];
  gsize text_len;
  gsize buf_len;
  int parsed_code = 0;
  char parsed_enhanced[16];
  DlvReasonCause cause = DLV_REASON_CAUSE_UNKNOWN;
  DlvReasonCause sign_cause = DLV_REASON_CAUSE_UNKNOWN;
  gboolean wrapper = FALSE;
  gboolean decided = FALSE;
  int klass = 0, subject = 0, detail = 0;
  gboolean have_enhanced;
  Tier tier;

  ensure_index ();

  memset (info, 0, sizeof *info);

  if (text == NULL)
    text = "";
  text_len = strnlen (text, SCAN_MAX);

  /* Codes from the provider's own fields win; whatever is missing comes from the text. */
  parse_codes (text, text_len, &parsed_code, parsed_enhanced);

  info->smtp_code = (smtp_code >= 200 && smtp_code <= 599) ? smtp_code : parsed_code;

  if (enhanced_code != NULL)
    {
      while (*enhanced_code == ' ' || *enhanced_code == '#')
        enhanced_code++;
    }
  if (enhanced_code == NULL ||
      read_enhanced (enhanced_code, strlen (enhanced_code), 0, info->enhanced_code) == 0)
    g_strlcpy (info->enhanced_code, parsed_enhanced, sizeof info->enhanced_code);

  have_enhanced = parse_enhanced_parts (info->enhanced_code, &klass, &subject, &detail);

  buf_len = normalize_text (text, text_len, buf);
  tier = find_best_sign (buf, buf_len, TIER_PREEMPTIVE, &sign_cause);

  /* "451 4.3.2 Internal server error" is the receiver talking about itself: read it as a busy
   * server, unless something more specific follows. */
  if (tier == TIER_INTERNAL && (info->smtp_code != 0 || info->enhanced_code[0] != '\0'))
    {
      tier = find_best_sign (buf, buf_len, TIER_INTERNAL + 1, &sign_cause);
      if (tier > TIER_UNAVAILABLE)
        {
          tier = TIER_UNAVAILABLE;
          sign_cause = DLV_REASON_CAUSE_SERVER_UNAVAILABLE;
        }
    }

  if (tier == TIER_PREEMPTIVE)
    {
      info->origin = DLV_REASON_ORIGIN_PREEMPTIVE;
      info->cause = sign_cause;
      return;
    }

  if (strstr (buf, PREEMPTIVE_WRAPPER) != NULL)
    {
      wrapper = TRUE;
      cause = loose_preemptive_cause (buf);
      if (cause != DLV_REASON_CAUSE_UNKNOWN)
        {
          info->origin = DLV_REASON_ORIGIN_PREEMPTIVE;
          info->cause = cause;
          return;
        }
    }

  if (tier == TIER_INTERNAL)
    {
      info->origin = DLV_REASON_ORIGIN_INTERNAL;
      info->cause = DLV_REASON_CAUSE_INTERNAL_ERROR;
      return;
    }

  if (tier < TIER_UNAVAILABLE)
    {
      cause = sign_cause;
      decided = TRUE;
    }

  if (!decided && have_enhanced)
    decided = cause_from_specific_enhanced (klass, subject, detail, &cause);

  if (!decided && tier == TIER_UNAVAILABLE)
    {
      cause = sign_cause;
      decided = TRUE;
    }

  if (!decided && have_enhanced)
    decided = cause_from_generic_enhanced (subject, detail, &cause);

  if (!decided && tier == TIER_VAGUE)
    {
      cause = sign_cause;
      decided = TRUE;
    }

  if (!decided)
    {
      switch (info->smtp_code)
        {
        case 421: case 450: case 451: case 452:
          cause = DLV_REASON_CAUSE_SERVER_UNAVAILABLE;
          break;
        default:
          cause = DLV_REASON_CAUSE_UNKNOWN;
          break;
        }
    }

  info->cause = cause;
  info->action_needed = cause_needs_action (cause);

  if (cause != DLV_REASON_CAUSE_UNKNOWN || info->smtp_code != 0 || info->enhanced_code[0] != '\0')
    info->origin = DLV_REASON_ORIGIN_RECIPIENT;
  else if (wrapper)
    info->origin = DLV_REASON_ORIGIN_PREEMPTIVE;
  else
    info->origin = DLV_REASON_ORIGIN_UNKNOWN;
}

/**
 * dlv_reason_classify:
 * @text: (nullable): a raw reason, any length, any bytes
 * @info: (out caller-allocates): the classification
 *
 * Classifies a deferral or bounce reason, reading the reply codes from the text.
 */
void
dlv_reason_classify (const char    *text,
                     DlvReasonInfo *info)
{
  g_return_if_fail (info != NULL);

  classify (text, 0, NULL, info);
}

/**
 * dlv_reason_classify_with_codes:
 * @text: (nullable): a raw reason
 * @smtp_code: the reply code from the provider's own field, or 0
 * @enhanced_code: (nullable): the enhanced status code from the provider's field, or %NULL
 * @info: (out caller-allocates): the classification
 *
 * Like dlv_reason_classify() when a provider reports the codes separately; a code that is not
 * given (or not valid) is read from @text.
 */
void
dlv_reason_classify_with_codes (const char    *text,
                                int            smtp_code,
                                const char    *enhanced_code,
                                DlvReasonInfo *info)
{
  g_return_if_fail (info != NULL);

  classify (text, smtp_code, enhanced_code, info);
}
