/* test-reason.c: the deferral and bounce reason classifier
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dlv-reason.h"

/* The taxonomy's rule for action_needed, as a function of the cause alone. */
static gboolean
expected_action (DlvReasonCause cause)
{
  return cause == DLV_REASON_CAUSE_REPUTATION ||
         cause == DLV_REASON_CAUSE_AUTHENTICATION ||
         cause == DLV_REASON_CAUSE_DNS ||
         cause == DLV_REASON_CAUSE_CONTENT;
}

static DlvReasonOrigin
origin_from_string (const char *str)
{
  for (guint i = 0; i < DLV_N_REASON_ORIGINS; i++)
    {
      if (g_strcmp0 (dlv_reason_origin_to_string (i), str) == 0)
        return i;
    }

  g_error ("unknown origin nick \"%s\"", str);
  return DLV_REASON_ORIGIN_UNKNOWN;
}

/* The corpus stores newlines, tabs and backslashes as \n, \t and \\. */
static char *
unescape (const char *str)
{
  GString *out = g_string_sized_new (strlen (str));

  for (const char *p = str; *p != '\0'; p++)
    {
      if (p[0] == '\\' && p[1] != '\0')
        {
          p++;
          switch (*p)
            {
            case 'n': g_string_append_c (out, '\n'); break;
            case 't': g_string_append_c (out, '\t'); break;
            default: g_string_append_c (out, *p); break;
            }
        }
      else
        {
          g_string_append_c (out, *p);
        }
    }

  return g_string_free (out, FALSE);
}

static void
test_corpus (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "reasons.tsv", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  guint rows = 0;
  guint correct = 0;
  double accuracy;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpstr (lines[0], ==,
                   "origin\tcause\taction_needed\tsmtp_code\tenhanced_code\ttext\tsource");

  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      g_autofree char *text = NULL;
      DlvReasonOrigin origin;
      DlvReasonCause cause;
      gboolean action;
      DlvReasonInfo info;

      if (lines[i][0] == '\0')
        continue;

      fields = g_strsplit (lines[i], "\t", -1);
      g_assert_cmpuint (g_strv_length (fields), ==, 7);

      origin = origin_from_string (fields[0]);
      g_assert_true (dlv_reason_cause_from_string (fields[1], &cause));
      g_assert_true (g_str_equal (fields[2], "true") || g_str_equal (fields[2], "false"));
      action = g_str_equal (fields[2], "true");
      text = unescape (fields[5]);

      /* The corpus itself follows the taxonomy's rule. */
      g_assert_cmpint (action, ==, expected_action (cause));

      dlv_reason_classify (text, &info);
      rows++;

      if (info.smtp_code != atoi (fields[3]) || g_strcmp0 (info.enhanced_code, fields[4]) != 0)
        g_test_message ("row %u: codes %d \"%s\", expected %s \"%s\": %s",
                        i, info.smtp_code, info.enhanced_code, fields[3], fields[4], text);
      g_assert_cmpint (info.smtp_code, ==, atoi (fields[3]));
      g_assert_cmpstr (info.enhanced_code, ==, fields[4]);

      /* Whatever the cause, action_needed follows from it. */
      g_assert_cmpint (info.action_needed, ==, expected_action (info.cause));

      if (info.origin == origin && info.cause == cause)
        correct++;
      else
        g_test_message ("row %u: got %s/%s, expected %s/%s: %s", i,
                        dlv_reason_origin_to_string (info.origin),
                        dlv_reason_cause_to_string (info.cause),
                        fields[0], fields[1], text);
    }

  g_assert_cmpuint (rows, >=, 80);

  accuracy = (double) correct / rows;
  g_print ("# reason corpus: %u/%u causes and origins correct (%.1f%%)\n",
           correct, rows, accuracy * 100.0);
  g_assert_cmpfloat (accuracy, >=, 0.95);
}

typedef struct
{
  const char *text;
  int         smtp_code;
  const char *enhanced_code;
} CodeCase;

static void
test_codes (void)
{
  static const CodeCase cases[] = {
    { "450 4.2.2 Mailbox full", 450, "4.2.2" },
    { "421-4.7.0 [TSS04] Messages from 192.0.2.25 deferred\n421 4.7.0 see help", 421, "4.7.0" },
    { "smtp;550 5.1.1 The email account does not exist", 550, "5.1.1" },
    { "smtp; 452 4.2.2 over quota", 452, "4.2.2" },
    { "4.2.2 alone", 0, "4.2.2" },
    { "rejected (452)", 452, "" },
    { "#550 4.4.7 QUEUE.Expired; message expired", 550, "4.4.7" },
    { "status=deferred (host mx.example.com[1.2.3.4] said: 450 4.7.1 Greylisted (in reply to "
      "RCPT TO command))", 450, "4.7.1" },
    /* IP addresses, timestamps, ports, ids and URLs are not codes */
    { "connect to mx.example.com[212.227.15.9]:25: Connection timed out", 0, "" },
    { "from 250.1.2.3 at 2026-05-14T15:49:33.598Z", 0, "" },
    { "queue id 421AB, ticket #4501, ref S775", 0, "" },
    { "see http://postmaster.yahoo.com/421-ts01.html and ?p=422", 0, "" },
    { "Message from [203.0.113.10] at 12:45:21", 0, "" },
    { "try again in 450 seconds", 0, "" },
    { "delays=0.03/0.01/150/0, dsn=4.4.1, status=deferred", 0, "4.4.1" },
    { "Yahoo diagnostic 4.16.55.1 and address 5.6.7.8", 0, "" },
    { "SMTP server Exim 4.92.3 said hello", 0, "" },
    { "SIZE=4169: 451 4.7.650 rate limited", 451, "4.7.650" },
    /* the code followed by its enhanced code wins over an earlier bare number */
    { "host said (450) then 421 4.7.0 Try again later", 421, "4.7.0" },
    { "dsn=4.0.0, stat=Deferred: 421 4.7.0 [TSS04]", 421, "4.7.0" },
    /* RFC 3463 subjects stop at 7: Yahoo's diagnostics are not statuses */
    { "451 mx.example Resources temporarily unavailable. Please try again later [#4.16.1].", 451,
      "" },
    { "421 4.16.55 [TS01] Messages from 192.0.2.1 temporarily deferred", 421, "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      DlvReasonInfo info;

      dlv_reason_classify (cases[i].text, &info);
      g_test_message ("%s", cases[i].text);
      g_assert_cmpint (info.smtp_code, ==, cases[i].smtp_code);
      g_assert_cmpstr (info.enhanced_code, ==, cases[i].enhanced_code);
    }
}

static void
test_codes_given (void)
{
  DlvReasonInfo info;

  /* Given codes override those in the text */
  dlv_reason_classify_with_codes ("450 4.2.2 Mailbox full", 452, "4.2.1", &info);
  g_assert_cmpint (info.smtp_code, ==, 452);
  g_assert_cmpstr (info.enhanced_code, ==, "4.2.1");
  g_assert_cmpint (info.cause, ==, DLV_REASON_CAUSE_MAILBOX_FULL);

  /* …and fill what the text lacks */
  dlv_reason_classify_with_codes ("The email account that you tried to reach is over quota",
                                  452, "4.2.2", &info);
  g_assert_cmpint (info.smtp_code, ==, 452);
  g_assert_cmpstr (info.enhanced_code, ==, "4.2.2");
  g_assert_cmpint (info.origin, ==, DLV_REASON_ORIGIN_RECIPIENT);
  g_assert_cmpint (info.cause, ==, DLV_REASON_CAUSE_MAILBOX_FULL);

  /* 0 and NULL mean "not given": read them from the text */
  dlv_reason_classify_with_codes ("421 4.7.0 [TS02] Temporarily deferred", 0, NULL, &info);
  g_assert_cmpint (info.smtp_code, ==, 421);
  g_assert_cmpstr (info.enhanced_code, ==, "4.7.0");

  /* Mailgun's internal codes are not reply codes; a malformed enhanced code is ignored */
  dlv_reason_classify_with_codes ("Too old", 602, "", &info);
  g_assert_cmpint (info.smtp_code, ==, 0);
  g_assert_cmpstr (info.enhanced_code, ==, "");
  g_assert_cmpint (info.origin, ==, DLV_REASON_ORIGIN_UNKNOWN);

  dlv_reason_classify_with_codes ("451 try later", 0, "4.7.x", &info);
  g_assert_cmpint (info.smtp_code, ==, 451);
  g_assert_cmpstr (info.enhanced_code, ==, "");

  /* Codes alone still classify */
  dlv_reason_classify_with_codes (NULL, 452, "4.2.2", &info);
  g_assert_cmpint (info.origin, ==, DLV_REASON_ORIGIN_RECIPIENT);
  g_assert_cmpint (info.cause, ==, DLV_REASON_CAUSE_MAILBOX_FULL);

  dlv_reason_classify_with_codes ("", 421, NULL, &info);
  g_assert_cmpint (info.origin, ==, DLV_REASON_ORIGIN_RECIPIENT);
  g_assert_cmpint (info.cause, ==, DLV_REASON_CAUSE_SERVER_UNAVAILABLE);

  dlv_reason_classify_with_codes ("", 0, "4.7.26", &info);
  g_assert_cmpint (info.cause, ==, DLV_REASON_CAUSE_AUTHENTICATION);
  g_assert_true (info.action_needed);
}

typedef struct
{
  const char      *text;
  DlvReasonOrigin  origin;
  DlvReasonCause   cause;
} PrecedenceCase;

static void
test_precedence (void)
{
  static const PrecedenceCase cases[] = {
    /* the provider's own sentence wins over code-like noise */
    { "Email was deferred due to the following reason(s): [\"IPs reached ISP-suggested hourly "
      "limits 4.7.1 421: https://example.com/deferrals\"]",
      DLV_REASON_ORIGIN_PREEMPTIVE, DLV_REASON_CAUSE_ISP_HOURLY_LIMIT },
    { "421 4.7.1 IPs were throttled by recipient server",
      DLV_REASON_ORIGIN_PREEMPTIVE, DLV_REASON_CAUSE_THROTTLED_BY_RECIPIENT },
    { "Email was deferred due to the following reason(s): [IPs reached hourly limits]",
      DLV_REASON_ORIGIN_PREEMPTIVE, DLV_REASON_CAUSE_ISP_HOURLY_LIMIT },
    { "Internal Server Error",
      DLV_REASON_ORIGIN_INTERNAL, DLV_REASON_CAUSE_INTERNAL_ERROR },
    /* …but over SMTP it is the receiver's own trouble */
    { "451 4.3.2 Internal server error", DLV_REASON_ORIGIN_RECIPIENT,
      DLV_REASON_CAUSE_SERVER_UNAVAILABLE },
    { "451 Internal server error, too many connections", DLV_REASON_ORIGIN_RECIPIENT,
      DLV_REASON_CAUSE_RATE_LIMITED },
    /* Postfix's "refused to talk to me" says nothing about the cause */
    { "host mx.example[192.0.2.1] refused to talk to me: 421 Message from 192.0.2.2 temporarily "
      "deferred", DLV_REASON_ORIGIN_RECIPIENT, DLV_REASON_CAUSE_SERVER_UNAVAILABLE },
    /* words that look like a later sign but mean something else */
    { "450 4.7.3 Organization queue quota exceeded.", DLV_REASON_ORIGIN_RECIPIENT,
      DLV_REASON_CAUSE_RATE_LIMITED },
    { "451 4.5.0 Error in processing, id=1-01, virus_scan FAILED", DLV_REASON_ORIGIN_RECIPIENT,
      DLV_REASON_CAUSE_SERVER_UNAVAILABLE },
    { "421 4.4.0 [internal] no MXs for this domain could be reached at this time",
      DLV_REASON_ORIGIN_RECIPIENT, DLV_REASON_CAUSE_SERVER_UNAVAILABLE },
    { "421 4.3.4 allocated resources exceeded", DLV_REASON_ORIGIN_RECIPIENT,
      DLV_REASON_CAUSE_SERVER_UNAVAILABLE },
    { "451 Invalid Recipient", DLV_REASON_ORIGIN_RECIPIENT, DLV_REASON_CAUSE_UNKNOWN },
    /* specific text over the enhanced code */
    { "451 4.7.1 Recipient address rejected: greylisted, try again in 5 minutes",
      DLV_REASON_ORIGIN_RECIPIENT, DLV_REASON_CAUSE_GREYLISTING },
    { "421 4.7.0 Too many messages from this sender in the last hour, slow down",
      DLV_REASON_ORIGIN_RECIPIENT, DLV_REASON_CAUSE_RATE_LIMITED },
    { "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume "
      "or user complaints", DLV_REASON_ORIGIN_RECIPIENT, DLV_REASON_CAUSE_REPUTATION },
    { "451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP "
      "reputation.", DLV_REASON_ORIGIN_RECIPIENT, DLV_REASON_CAUSE_REPUTATION },
    { "421 4.7.28 Gmail has detected an unusual rate of unsolicited mail originating from your "
      "DKIM domain", DLV_REASON_ORIGIN_RECIPIENT, DLV_REASON_CAUSE_REPUTATION },
    { "421 4.7.27 Your email has been rate limited because SPF authentication didn't pass",
      DLV_REASON_ORIGIN_RECIPIENT, DLV_REASON_CAUSE_AUTHENTICATION },
    { "451 4.7.500 Server busy. Please try again later",
      DLV_REASON_ORIGIN_RECIPIENT, DLV_REASON_CAUSE_SERVER_UNAVAILABLE },
    /* the enhanced code over generic text, the basic code last */
    { "452 4.2.2 Please try again later", DLV_REASON_ORIGIN_RECIPIENT,
      DLV_REASON_CAUSE_MAILBOX_FULL },
    { "451 4.4.3 Please try again later", DLV_REASON_ORIGIN_RECIPIENT, DLV_REASON_CAUSE_DNS },
    { "421 4.7.0 Sorry", DLV_REASON_ORIGIN_RECIPIENT, DLV_REASON_CAUSE_POLICY },
    { "421 4.3.2 System not accepting network messages", DLV_REASON_ORIGIN_RECIPIENT,
      DLV_REASON_CAUSE_SERVER_UNAVAILABLE },
    { "450 Sorry", DLV_REASON_ORIGIN_RECIPIENT, DLV_REASON_CAUSE_SERVER_UNAVAILABLE },
    { "550 Sorry", DLV_REASON_ORIGIN_RECIPIENT, DLV_REASON_CAUSE_UNKNOWN },
    { "550 5.1.1 User unknown; mailbox unavailable", DLV_REASON_ORIGIN_RECIPIENT,
      DLV_REASON_CAUSE_UNKNOWN },
    /* text without any code */
    { "Connection timed out", DLV_REASON_ORIGIN_RECIPIENT, DLV_REASON_CAUSE_SERVER_UNAVAILABLE },
    { "Host or domain name not found. Name service error for name=example.com type=MX",
      DLV_REASON_ORIGIN_RECIPIENT, DLV_REASON_CAUSE_DNS },
    { "Boîte aux lettres pleine", DLV_REASON_ORIGIN_RECIPIENT, DLV_REASON_CAUSE_MAILBOX_FULL },
    { "Zu viele Verbindungen von Ihrer IP-Adresse", DLV_REASON_ORIGIN_RECIPIENT,
      DLV_REASON_CAUSE_RATE_LIMITED },
    { "Temporärer Fehler, bitte später noch einmal versuchen", DLV_REASON_ORIGIN_RECIPIENT,
      DLV_REASON_CAUSE_SERVER_UNAVAILABLE },
    { "La boîte aux lettres du destinataire est pleine", DLV_REASON_ORIGIN_RECIPIENT,
      DLV_REASON_CAUSE_MAILBOX_FULL },
    { "Servicio temporalmente no disponible", DLV_REASON_ORIGIN_RECIPIENT,
      DLV_REASON_CAUSE_SERVER_UNAVAILABLE },
    { "Too old", DLV_REASON_ORIGIN_UNKNOWN, DLV_REASON_CAUSE_UNKNOWN },
    { "hello world", DLV_REASON_ORIGIN_UNKNOWN, DLV_REASON_CAUSE_UNKNOWN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      DlvReasonInfo info;

      dlv_reason_classify (cases[i].text, &info);
      g_test_message ("%s -> %s/%s", cases[i].text, dlv_reason_origin_to_string (info.origin),
                      dlv_reason_cause_to_string (info.cause));
      g_assert_cmpint (info.origin, ==, cases[i].origin);
      g_assert_cmpint (info.cause, ==, cases[i].cause);
      g_assert_cmpint (info.action_needed, ==, expected_action (info.cause));
    }
}

static void
assert_empty (const DlvReasonInfo *info)
{
  g_assert_cmpint (info->origin, ==, DLV_REASON_ORIGIN_UNKNOWN);
  g_assert_cmpint (info->cause, ==, DLV_REASON_CAUSE_UNKNOWN);
  g_assert_false (info->action_needed);
  g_assert_cmpint (info->smtp_code, ==, 0);
  g_assert_cmpstr (info->enhanced_code, ==, "");
}

static void
test_robustness (void)
{
  const gsize big = 10 * 1024 * 1024;
  g_autofree char *xs = g_malloc (big + 1);
  g_autofree char *fours = g_malloc (big + 1);
  g_autofree char *tail = g_malloc (big + 32);
  DlvReasonInfo info;

  memset (&info, 0xaa, sizeof info);
  dlv_reason_classify (NULL, &info);
  assert_empty (&info);

  memset (&info, 0xaa, sizeof info);
  dlv_reason_classify ("", &info);
  assert_empty (&info);

  dlv_reason_classify ("   \n\t  ", &info);
  assert_empty (&info);

  memset (xs, 'x', big);
  xs[big] = '\0';
  dlv_reason_classify (xs, &info);
  assert_empty (&info);

  memset (fours, '4', big);
  fours[big] = '\0';
  dlv_reason_classify (fours, &info);
  g_assert_cmpint (info.smtp_code, ==, 0);
  g_assert_cmpstr (info.enhanced_code, ==, "");

  /* Only the head of a huge reason is read */
  memset (tail, ' ', big);
  strcpy (tail + big, "450 4.2.2 Mailbox full");
  dlv_reason_classify (tail, &info);
  assert_empty (&info);

  /* Invalid UTF-8, control bytes and markup are just bytes */
  dlv_reason_classify ("\xff\xfe\xc3\x28 452 4.2.2 \xe2\x82 mailbox \x01\x7f full \xf0", &info);
  g_assert_cmpint (info.smtp_code, ==, 452);
  g_assert_cmpint (info.cause, ==, DLV_REASON_CAUSE_MAILBOX_FULL);

  dlv_reason_classify ("<b>421</b> &lt;x@example.com&gt; <script>too many "
                       "connections</script> & \"quoted\" 'single' {braces} %s %n", &info);
  g_assert_cmpint (info.cause, ==, DLV_REASON_CAUSE_RATE_LIMITED);

  /* Truncation in the middle of a multi-byte character or a code */
  dlv_reason_classify ("Bo\xc3", &info);
  dlv_reason_classify ("45", &info);
  g_assert_cmpint (info.smtp_code, ==, 0);
  dlv_reason_classify ("4.2.", &info);
  g_assert_cmpstr (info.enhanced_code, ==, "");
  dlv_reason_classify ("452", &info);
  g_assert_cmpint (info.smtp_code, ==, 452);
  g_assert_cmpint (info.cause, ==, DLV_REASON_CAUSE_SERVER_UNAVAILABLE);
}

static void
test_nicks (void)
{
  static const char * const origins[] = { "unknown", "preemptive", "internal", "recipient" };
  static const char * const causes[] = {
    "unknown", "isp_hourly_limit", "isp_connection_limit", "port_limit", "ip_connection_limit",
    "throttled_by_recipient", "internal_error", "mailbox_full", "greylisting", "rate_limited",
    "reputation", "authentication", "dns", "server_unavailable", "content", "policy",
  };
  DlvReasonCause cause;

  G_STATIC_ASSERT (G_N_ELEMENTS (origins) == DLV_N_REASON_ORIGINS);
  G_STATIC_ASSERT (G_N_ELEMENTS (causes) == DLV_N_REASON_CAUSES);

  for (guint i = 0; i < DLV_N_REASON_ORIGINS; i++)
    g_assert_cmpstr (dlv_reason_origin_to_string (i), ==, origins[i]);

  for (guint i = 0; i < DLV_N_REASON_CAUSES; i++)
    {
      g_assert_cmpstr (dlv_reason_cause_to_string (i), ==, causes[i]);
      g_assert_true (dlv_reason_cause_from_string (causes[i], &cause));
      g_assert_cmpint (cause, ==, i);
    }

  g_assert_false (dlv_reason_cause_from_string (NULL, &cause));
  g_assert_false (dlv_reason_cause_from_string ("", &cause));
  g_assert_false (dlv_reason_cause_from_string ("Mailbox_Full", &cause));
}

static void
test_texts (void)
{
  for (guint i = 0; i < DLV_N_REASON_CAUSES; i++)
    {
      const char *title = dlv_reason_cause_title (i);
      const char *summary = dlv_reason_cause_summary (i);
      const char *advice = dlv_reason_cause_advice (i);

      g_assert_nonnull (title);
      g_assert_nonnull (summary);
      g_assert_nonnull (advice);
      g_assert_cmpuint (strlen (title), >, 0);
      g_assert_cmpuint (strlen (summary), >, strlen (title));
      g_assert_cmpuint (strlen (advice), >, 0);

      /* Causes that need no action say so */
      if (!expected_action (i) && i != DLV_REASON_CAUSE_UNKNOWN)
        g_assert_true (g_str_has_prefix (advice, "Nothing to do"));
    }

  g_assert_cmpstr (dlv_reason_cause_title (DLV_REASON_CAUSE_MAILBOX_FULL), ==, "Mailbox full");
  g_assert_cmpstr (dlv_reason_origin_title (DLV_REASON_ORIGIN_PREEMPTIVE), ==,
                   "Held back by your provider");
  g_assert_cmpstr (dlv_reason_origin_title (DLV_REASON_ORIGIN_INTERNAL), ==,
                   "Provider-side error");
  g_assert_cmpstr (dlv_reason_origin_title (DLV_REASON_ORIGIN_RECIPIENT), ==,
                   "Refused for now by the receiving server");
  g_assert_cmpstr (dlv_reason_origin_title (DLV_REASON_ORIGIN_UNKNOWN), ==, "Unknown");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dlv/reason/corpus", test_corpus);
  g_test_add_func ("/dlv/reason/codes", test_codes);
  g_test_add_func ("/dlv/reason/codes-given", test_codes_given);
  g_test_add_func ("/dlv/reason/precedence", test_precedence);
  g_test_add_func ("/dlv/reason/robustness", test_robustness);
  g_test_add_func ("/dlv/reason/nicks", test_nicks);
  g_test_add_func ("/dlv/reason/texts", test_texts);

  return g_test_run ();
}
