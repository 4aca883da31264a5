// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QString>
#include <cstddef>

namespace mrc {

/** Overwrites `size` bytes at `data` with zeros through a volatile pointer, so the compiler keeps the stores. */
void secureZero(void *data, size_t size);
/** Overwrites the bytes of `bytes` with zeros (not optimised away), then clears it. A copy that shares the data
 *  keeps its own bytes: wipe the last holder. */
void wipeBytes(QByteArray &bytes);
/** The same for a QString's UTF-16 buffer. */
void wipeString(QString &text);

/** A user name and password for one registry. The password stays in memory only: it is never logged, printed or
 *  written to a file by mrc; the OS keychain (CredentialStore) or a Docker credential helper keeps it. */
struct RegistryCredential
{
    QString registry; // normalised host, see CredentialStore::normalizeRegistry
    QString username;
    QByteArray password; // UTF-8
    /** Where it came from, for messages: "keychain", "docker-credential-secretservice", "config.json auths". */
    QString source;

    bool isValid() const { return !registry.isEmpty() && !username.isEmpty() && !password.isEmpty(); }
    /** Zeroes the password and forgets the user name. */
    void wipe();
};

} // namespace mrc
