// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "secrets/registrycredential.h"

#include <QObject>

namespace mrc {

enum class CredentialError
{
    None,
    NotFound,     // the keychain answered and holds nothing for the registry
    NoKeychain,   // no keychain service answered (no Secret Service on the session bus, no D-Bus at all)
    AccessDenied, // the keychain answered but refused (locked collection, denied prompt)
    Timeout,      // the keychain did not answer in time
    Other,
};

/** How a keychain operation ended. `message` says what happened and what to do; it never holds the password. */
struct CredentialResult
{
    CredentialError error = CredentialError::None;
    QString message;
    RegistryCredential credential; // read: what the keychain holds

    bool ok() const { return error == CredentialError::None; }
};

/** One running keychain operation from CredentialStore. Emits finished() once, on the thread that started it
 *  (that thread needs an event loop). The starter owns it (or its parent does). */
class CredentialRequest : public QObject
{
    Q_OBJECT
public:
    ~CredentialRequest() override;

    bool isFinished() const { return m_finished; }
    const CredentialResult &result() const { return m_result; }
    /** Moves the result out (the caller then wipes the credential). */
    CredentialResult takeResult() { return std::move(m_result); }

    /** Runs a local event loop until finished() or `timeoutMs`; on timeout the result is CredentialError::Timeout.
     *  For the CLI, tests and worker threads; the GUI connects to finished() instead. */
    bool wait(int timeoutMs);

Q_SIGNALS:
    void finished();

private:
    friend class CredentialStore;
    friend class CredentialResolver;
    explicit CredentialRequest(QObject *parent);
    void finish(CredentialResult result);

    CredentialResult m_result;
    bool m_finished = false;
};

} // namespace mrc
