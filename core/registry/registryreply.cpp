// SPDX-License-Identifier: Apache-2.0
#include "registry/registryreply.h"

#include <QEventLoop>
#include <QNetworkReply>
#include <QTimer>

namespace mrc {

RegistryReply::RegistryReply(QObject *client, const QString &registry, const QString &repository,
                             const QString &reference)
    : QObject(client), m_registry(registry), m_repository(repository), m_reference(reference)
{
}

RegistryReply::~RegistryReply()
{
    if (m_network) {
        m_network->disconnect(this);
        m_network->abort();
        m_network->deleteLater();
    }
}

bool RegistryReply::isAuthenticationError() const
{
    return m_error == AuthenticationFailed || m_error == AuthenticationRequired || m_error == Denied;
}

QJsonObject RegistryReply::labels() const
{
    return m_config.value(QStringLiteral("config")).toObject().value(QStringLiteral("Labels")).toObject();
}

bool RegistryReply::waitForFinished(int ms)
{
    if (m_finished)
        return true;
    QEventLoop loop;
    connect(this, &RegistryReply::finished, &loop, &QEventLoop::quit);
    QTimer timer;
    if (ms >= 0) {
        timer.setSingleShot(true);
        connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
        timer.start(ms);
    }
    loop.exec();
    return m_finished;
}

void RegistryReply::abort()
{
    finishWith(Aborted, QStringLiteral("%1: cancelled").arg(m_registry));
}

void RegistryReply::setNetworkReply(QNetworkReply *reply)
{
    m_network = reply;
}

void RegistryReply::finishWith(Error error, const QString &message)
{
    if (m_finished)
        return;
    m_finished = true;
    m_error = error;
    m_errorString = error == NoError ? QString() : message;
    if (m_network) {
        QNetworkReply *network = m_network;
        m_network = nullptr;
        network->disconnect(this);
        if (network->isRunning())
            network->abort();
        network->deleteLater();
    }
    Q_EMIT finished();
}

} // namespace mrc
