// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "secrets/credentialrequest.h"
#include "secrets/credentialstore.h"

#include <QString>
#include <QStringList>

class QObject;

namespace mrc {

class DockerConfig;

/**
 * The credentials of a registry, from the first source that has them:
 *   1. the OS keychain (what `mrc login` stored, CredentialStore), source "keychain";
 *   2. the Docker credential helper that `$DOCKER_CONFIG/config.json` names for the host in `credHelpers`,
 *   3. else the one named by `credsStore`, through its `get` (source "docker-credential-NAME", CredentialHelper);
 *   4. the base64 `auth` of the host's `auths` entry in that file, source "config.json auths" (read only: mrc never
 *      writes one).
 * A keychain that holds nothing, or that does not answer (no Secret Service on a release host), goes on to the
 * Docker configuration. A locked keyring, a helper that is missing, fails or times out, and a config.json that is
 * not JSON stop with their message: the push does not go on anonymously. Nothing found: the keychain's NotFound
 * (or NoKeychain) result, its message saying where mrc looked.
 *
 * Asynchronous like CredentialStore::read (finished() on the calling thread); the credential carries its source.
 */
class CredentialResolver
{
public:
    static constexpr int defaultTimeoutMs = CredentialStore::defaultTimeoutMs + 2 * 20000;

    static CredentialRequest *resolve(const QString &registry, QObject *parent = nullptr);
    static CredentialResult resolveNow(const QString &registry, int timeoutMs = defaultTimeoutMs);

    /** The sources in the order they are asked, for messages and `mrc login --status`. */
    static QStringList order();

private:
    static void fromDocker(CredentialRequest *request, const QString &host, const CredentialResult &keychain);
    static void fromHelper(CredentialRequest *request, const QString &host, const DockerConfig &config,
                           const CredentialResult &keychain, const QString &suffix, const QString &serverUrl,
                           bool listed);
    static void fromAuths(CredentialRequest *request, const QString &host, const DockerConfig &config,
                          CredentialResult keychain, const QString &helperNote);
};

} // namespace mrc
