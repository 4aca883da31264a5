// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "secrets/credentialrequest.h"
#include "secrets/registrycredential.h"

#include <QString>

class QObject;

namespace mrc {

/** Registry credentials in the OS keychain through QtKeychain: the Secret Service over D-Bus on Linux
 *  (gnome-keyring, KeePassXC), the Keychain on macOS, the Credential Manager on Windows. There is no plaintext
 *  fallback: when no keychain answers, the operation fails with CredentialError::NoKeychain.
 *
 *  One entry per registry: service "io.github.monasca.mrc", key = the normalised registry host, secret = the
 *  compact JSON {"username":"…","password":"…"}. (With libsecret the entry's attributes are
 *  server=io.github.monasca.mrc, user=HOST, type=plaintext.)
 *
 *  Every operation is asynchronous: it returns a CredentialRequest that emits finished() on the calling thread.
 *  The …Now() forms wait for it with a local event loop. */
class CredentialStore
{
public:
    static constexpr int defaultTimeoutMs = 30000;

    static QString serviceName(); // "io.github.monasca.mrc"

    /** The keychain key of a registry: lower-case host[:port] without scheme or path; Docker Hub's aliases
     *  (index.docker.io, registry-1.docker.io, https://index.docker.io/v1/) become docker.io. Empty when
     *  `registry` names no host. */
    static QString normalizeRegistry(const QString &registry);

    static CredentialRequest *read(const QString &registry, QObject *parent = nullptr);
    /** Replaces what the keychain holds for credential.registry. */
    static CredentialRequest *write(const RegistryCredential &credential, QObject *parent = nullptr);
    /** Succeeds also when nothing was stored. */
    static CredentialRequest *remove(const QString &registry, QObject *parent = nullptr);

    static CredentialResult readNow(const QString &registry, int timeoutMs = defaultTimeoutMs);
    static CredentialResult writeNow(const RegistryCredential &credential, int timeoutMs = defaultTimeoutMs);
    static CredentialResult removeNow(const QString &registry, int timeoutMs = defaultTimeoutMs);

    /** "No keychain answered (…). Start …, then retry." for this platform; `detail` is the backend's error. */
    static QString noKeychainMessage(const QString &detail = {});

private:
    static CredentialRequest *failLater(CredentialRequest *request, const QString &message);
};

} // namespace mrc
