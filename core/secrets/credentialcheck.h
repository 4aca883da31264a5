// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QString>

namespace mrc {

/** What a registry said about a user name and password. */
struct CredentialCheck
{
    enum Status
    {
        Ok,
        NotChecked,   // the registry asks for no login (GET /v2/ answered 200 anonymously): nothing was checked
        Unauthorized, // the registry (or its token server) answered 401/403
        Unreachable,  // no answer: DNS, connection, TLS, timeout
        Failed,       // an answer mrc cannot use: a redirect, a bad or unsafe token realm, garbage
    };
    Status status = Failed;
    QString message; // names the host and says what to do; never holds the password
};

/** Checks credentials the way `docker login` does, through RegistryClient::login(): a Basic challenge is
 *  answered with Basic auth, a Bearer challenge by asking the token realm for a token without scope (https; http
 *  for loopback hosts). Blocks (own event loop): run it on a worker thread or in the CLI, never on the GUI
 *  thread. Nothing is written anywhere. */
CredentialCheck verifyCredentials(const QString &registry, const QString &username, const QByteArray &password,
                                  int timeoutMs = 20000);

} // namespace mrc
