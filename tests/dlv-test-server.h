/* dlv-test-server.h: a local HTTP server answering like a provider's API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  DLV_TEST_REPLY_NORMAL,
  DLV_TEST_REPLY_SLOW,          /* answers after delay_ms */
  DLV_TEST_REPLY_TRUNCATED,     /* sends half the body, then closes the connection */
} DlvTestReplyMode;

typedef struct
{
  guint status;
  const char *body;             /* "{{BASE}}" becomes the server's URL */
  const char *retry_after;      /* a Retry-After header, or NULL */
  DlvTestReplyMode mode;
  guint delay_ms;
  const char *extra_header;     /* "Name: value", or NULL */
} DlvTestReply;

typedef struct _DlvTestServer DlvTestServer;

DlvTestServer *dlv_test_server_new        (void);
DlvTestServer *dlv_test_server_new_https  (void);
void           dlv_test_server_free       (DlvTestServer      *server);
const char    *dlv_test_server_get_url    (DlvTestServer      *server);

/* Answers requests whose method matches and whose path and query contain
 * @match, in order: each reply serves one request, the last one serves all
 * further requests. A reply body may also be a file: "@FILE" reads FILE
 * from tests/fixtures. */
void           dlv_test_server_add        (DlvTestServer      *server,
                                           const char         *method,
                                           const char         *match,
                                           const DlvTestReply *reply);
void           dlv_test_server_add_status (DlvTestServer      *server,
                                           const char         *method,
                                           const char         *match,
                                           guint               status,
                                           const char         *body);
void           dlv_test_server_reset      (DlvTestServer      *server);

/* What was asked, oldest first: "GET /v3/x/events?begin=1" */
GPtrArray     *dlv_test_server_get_log    (DlvTestServer      *server);
/* The headers of the last request: Authorization, and the like. */
char          *dlv_test_server_last_header (DlvTestServer     *server,
                                            const char        *name);
char          *dlv_test_server_last_body  (DlvTestServer      *server);
guint          dlv_test_server_count      (DlvTestServer      *server,
                                           const char         *match);
char          *dlv_test_server_fixture    (const char         *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DlvTestServer, dlv_test_server_free)

G_END_DECLS
