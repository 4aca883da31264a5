// SPDX-License-Identifier: Apache-2.0
#include "secrets/credentialcheck.h"

#include "registry/registryclient.h"

#include <memory>

namespace mrc {

CredentialCheck verifyCredentials(const QString &registry, const QString &username, const QByteArray &password,
                                  int timeoutMs)
{
    RegistryOptions options;
    options.requestTimeoutMs = timeoutMs;
    options.retries = 1;
    RegistryClient client(registry, RegistryCredentials{username, QString::fromUtf8(password)}, options);
    std::unique_ptr<RegistryReply> reply(client.login());
    if (!reply->waitForFinished(timeoutMs * 4)) {
        reply->abort();
        return {CredentialCheck::Unreachable, QStringLiteral("%1 did not answer in time").arg(registry)};
    }
    if (reply->ok() && !reply->credentialsChecked())
        return {CredentialCheck::NotChecked,
                QStringLiteral("%1 asks for no login (GET /v2/ answered 200 to a request without credentials), so the "
                               "credentials of %2 were not checked")
                    .arg(registry, username)};
    if (reply->ok())
        return {CredentialCheck::Ok, QStringLiteral("%1 accepted the credentials of %2").arg(registry, username)};
    switch (reply->error()) {
    case RegistryReply::AuthenticationFailed:
    case RegistryReply::AuthenticationRequired:
    case RegistryReply::Denied:
        return {CredentialCheck::Unauthorized, reply->errorString()};
    case RegistryReply::Unreachable:
    case RegistryReply::TlsError:
    case RegistryReply::Timeout:
        return {CredentialCheck::Unreachable, reply->errorString()};
    default:
        return {CredentialCheck::Failed, reply->errorString()};
    }
}

} // namespace mrc
