/* dlv-test-util.h: what provider tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "dlv-message.h"
#include "dlv-poll.h"
#include "dlv-providers.h"
#include "dlv-store.h"
#include "dlv-test-server.h"

G_BEGIN_DECLS

typedef struct
{
  char *dir;
  DlvStore *store;
  DlvTestServer *server;
  gint64 account_id;
} DlvProviderFixture;

void         dlv_provider_fixture_set_up       (DlvProviderFixture *fixture,
                                                gconstpointer       data);
void         dlv_provider_fixture_tear_down    (DlvProviderFixture *fixture,
                                                gconstpointer       data);

/* A provider of @name talking to the fixture's server, with a 1 s timeout,
 * and an account for it in the fixture's store. */
DlvProvider *dlv_provider_fixture_provider     (DlvProviderFixture *fixture,
                                                const char         *name,
                                                const char         *key,
                                                const char         *secret,
                                                const char         *domain);

GError      *dlv_test_poll_refused             (DlvProviderFixture *fixture,
                                                DlvProvider        *provider,
                                                const char         *method,
                                                const char         *match,
                                                const DlvTestReply *reply,
                                                int                 code);
void         dlv_test_assert_poll_broken       (DlvProviderFixture *fixture,
                                                DlvProvider        *provider,
                                                const char         *method,
                                                const char         *match,
                                                const char         *body,
                                                DlvTestReplyMode    mode,
                                                int                 code);

DlvMessage  *dlv_test_find_message             (DlvStore           *store,
                                                const char         *provider_message_id);
guint        dlv_test_count_messages           (DlvStore           *store);
guint        dlv_test_count_events             (DlvStore           *store);
/* "kind@at" per event of the message, joined by spaces, oldest first. */
char        *dlv_test_message_events           (DlvStore           *store,
                                                const char         *provider_message_id);

G_END_DECLS

G_BEGIN_DECLS

/* Makes GLib's default resolver answer TXT lookups from @records
 * ("name", "text", …, NULL) and "not found" for any other name, so DMARC
 * checks need no network. Other lookups go to the real resolver. */
void         dlv_test_use_fake_dns             (const char * const *records);

G_END_DECLS
