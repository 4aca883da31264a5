// SPDX-License-Identifier: Apache-2.0
#include "engine/engineconnection.h"

#include "engine/enginetls.h"
#include "engine/sshcommand.h"

#include <QDir>
#include <QFile>
#include <QLocalSocket>
#include <QProcess>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpSocket>
#include <QUrl>

namespace mrc {

EngineConnection::EngineConnection(const EngineSpec &spec, QObject *parent) : QObject(parent), m_spec(spec) {}

EngineConnection::~EngineConnection()
{
    close();
}

void EngineConnection::open()
{
    const QString &host = m_spec.host;
    if (host.startsWith(QLatin1String("unix://")))
        openUnix(host.mid(7));
    else if (host.startsWith(QLatin1String("tcp://")))
        openTcp();
    else if (host.startsWith(QLatin1String("ssh://")))
        openSsh();
    else if (host.isEmpty())
        Q_EMIT failed(QStringLiteral("engine %1 has no host").arg(m_spec.name));
    else
        Q_EMIT failed(QStringLiteral("unsupported address (use unix://, tcp:// or ssh://)"));
}

void EngineConnection::attach(QIODevice *device)
{
    m_device = device;
    connect(device, &QIODevice::bytesWritten, this, &EngineConnection::bytesWritten);
}

void EngineConnection::openUnix(const QString &path)
{
    auto *socket = new QLocalSocket(this);
    attach(socket);
    connect(socket, &QLocalSocket::connected, this, [this] {
        m_open = true;
        Q_EMIT connected();
    });
    connect(socket, &QLocalSocket::readyRead, this, &EngineConnection::readyRead);
    connect(socket, &QLocalSocket::disconnected, this, [this] {
        if (m_open)
            Q_EMIT closed();
    });
    connect(socket, &QLocalSocket::errorOccurred, this, [this, socket](QLocalSocket::LocalSocketError error) {
        if (error == QLocalSocket::PeerClosedError && m_open)
            return; // disconnected() follows
        Q_EMIT failed(socket->errorString());
    });
    socket->connectToServer(path);
}

void EngineConnection::openTcp()
{
    const QUrl url(m_spec.host);
    if (!url.isValid() || url.host().isEmpty()) {
        Q_EMIT failed(QStringLiteral("not a valid tcp://HOST:PORT address"));
        return;
    }
    const TlsSpec tls = EngineTls::effective(m_spec.tls);
    const quint16 port = quint16(url.port(tls.isEmpty() ? 2375 : 2376));

    QAbstractSocket *socket;
    if (tls.isEmpty()) {
        socket = new QTcpSocket(this);
        connect(socket, &QAbstractSocket::connected, this, [this] {
            m_open = true;
            Q_EMIT connected();
        });
    } else {
        if (!QSslSocket::supportsSsl()) {
            Q_EMIT failed(QStringLiteral("TLS is not available (no OpenSSL backend)"));
            return;
        }
        QSslConfiguration config;
        QString error;
        if (!EngineTls::configuration(tls, &config, &error)) {
            Q_EMIT failed(error);
            return;
        }
        auto *ssl = new QSslSocket(this);
        ssl->setSslConfiguration(config);
        connect(ssl, &QSslSocket::encrypted, this, [this] {
            m_open = true;
            Q_EMIT connected();
        });
        socket = ssl;
    }
    attach(socket);
    connect(socket, &QAbstractSocket::readyRead, this, &EngineConnection::readyRead);
    connect(socket, &QAbstractSocket::disconnected, this, [this] {
        if (m_open)
            Q_EMIT closed();
    });
    connect(socket, &QAbstractSocket::errorOccurred, this, [this, socket](QAbstractSocket::SocketError error) {
        if (error == QAbstractSocket::RemoteHostClosedError && m_open)
            return; // disconnected() follows
        QString message = socket->errorString();
        if (auto *ssl = qobject_cast<QSslSocket *>(socket); ssl && !ssl->sslHandshakeErrors().isEmpty())
            message += QStringLiteral(" (%1)").arg(ssl->sslHandshakeErrors().constFirst().errorString());
        Q_EMIT failed(message);
    });
    if (auto *ssl = qobject_cast<QSslSocket *>(socket))
        ssl->connectToHostEncrypted(url.host(), port);
    else
        socket->connectToHost(url.host(), port);
}

void EngineConnection::openSsh()
{
    QString program;
    QStringList args;
    QString error;
    // Like the docker CLI's ssh helper: 30 s for ssh to connect, then the engine's own time limits apply.
    if (!SshCommand::make(QUrl(m_spec.host), 30, &program, &args, &error)) {
        Q_EMIT failed(error);
        return;
    }

    m_process = new QProcess(this);
    attach(m_process);
    connect(m_process, &QProcess::started, this, [this] {
        m_open = true;
        Q_EMIT connected();
    });
    connect(m_process, &QProcess::readyReadStandardOutput, this, &EngineConnection::readyRead);
    connect(m_process, &QProcess::readyReadStandardError, this, [this] {
        // Kept for the message when ssh fails; bounded in case the remote side is chatty.
        m_sshStderr += m_process->readAllStandardError();
        if (m_sshStderr.size() > 4096)
            m_sshStderr = m_sshStderr.right(4096);
    });
    connect(m_process, &QProcess::finished, this, [this](int exitCode, QProcess::ExitStatus status) {
        m_sshStderr += m_process->readAllStandardError();
        if (status == QProcess::NormalExit && exitCode == 0) {
            Q_EMIT closed();
            return;
        }
        const QString why = QString::fromLocal8Bit(m_sshStderr).trimmed();
        Q_EMIT failed(QStringLiteral("ssh exited with code %1%2")
                          .arg(exitCode)
                          .arg(why.isEmpty() ? QString() : QStringLiteral(": ") + why));
    });
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            Q_EMIT failed(QStringLiteral("cannot run %1: %2").arg(m_process->program(), m_process->errorString()));
    });
    m_process->start(program, args);
}

void EngineConnection::write(const QByteArray &bytes)
{
    if (m_device)
        m_device->write(bytes);
}

QByteArray EngineConnection::readAll()
{
    return m_device && m_device->isOpen() ? m_device->readAll() : QByteArray();
}

qint64 EngineConnection::bytesToWrite() const
{
    return m_device ? m_device->bytesToWrite() : 0;
}

void EngineConnection::close()
{
    if (m_closing || !m_device)
        return;
    m_closing = true;
    m_device->disconnect(this);
    if (m_process) {
        m_process->kill();
        m_process->waitForFinished(1000); // after SIGKILL this is immediate
    } else if (auto *local = qobject_cast<QLocalSocket *>(m_device)) {
        local->abort();
    } else if (auto *socket = qobject_cast<QAbstractSocket *>(m_device)) {
        socket->abort();
    }
}

} // namespace mrc
