// SPDX-License-Identifier: Apache-2.0
#include "secrets/credentialrequest.h"

#include <QEventLoop>
#include <QTimer>

namespace mrc {

CredentialRequest::CredentialRequest(QObject *parent) : QObject(parent) {}

CredentialRequest::~CredentialRequest()
{
    m_result.credential.wipe();
}

void CredentialRequest::finish(CredentialResult result)
{
    if (m_finished) {
        result.credential.wipe(); // a late answer after a timeout
        return;
    }
    m_result = std::move(result);
    m_finished = true;
    Q_EMIT finished();
}

bool CredentialRequest::wait(int timeoutMs)
{
    if (m_finished)
        return true;
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    connect(this, &CredentialRequest::finished, &loop, &QEventLoop::quit);
    connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    timer.start(timeoutMs);
    loop.exec();
    if (!m_finished)
        finish({CredentialError::Timeout,
                QStringLiteral("The keychain did not answer within %1 s. Is it waiting for an unlock prompt? Unlock "
                               "the keyring, then retry.")
                    .arg(timeoutMs / 1000),
                {}});
    return m_result.ok();
}

} // namespace mrc
