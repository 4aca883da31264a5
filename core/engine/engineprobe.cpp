// SPDX-License-Identifier: Apache-2.0
#include "engine/engineprobe.h"

#include "engine/enginetls.h"
#include "engine/sshcommand.h"
#include "manifest/manifest.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalSocket>
#include <QProcess>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpSocket>
#include <QUrl>
#include <memory>

namespace mrc {

namespace {

// GET /version answers a few hundred bytes; anything far larger is not a Docker engine.
constexpr qsizetype MaxReplySize = 1024 * 1024;

QByteArray versionRequest()
{
    return QByteArrayLiteral("GET /version HTTP/1.1\r\n"
                             "Host: docker\r\n"
                             "User-Agent: mrc/" MRC_VERSION "\r\n"
                             "Accept: application/json\r\n"
                             "Connection: close\r\n"
                             "\r\n");
}

/** What came back so far; Incomplete until the body is whole or the peer closes. */
struct HttpReply
{
    enum class State
    {
        Incomplete,
        Complete,
        Invalid
    };
    State state = State::Incomplete;
    int status = 0;
    QByteArray reason;
    QByteArray body;
    QString error;
};

HttpReply invalidReply(const QString &why)
{
    HttpReply r;
    r.state = HttpReply::State::Invalid;
    r.error = why;
    return r;
}

/** A short, printable excerpt of bytes that are not what we expected. */
QString excerpt(const QByteArray &bytes)
{
    const qsizetype newline = bytes.indexOf('\n');
    QByteArray line = bytes.left(newline < 0 ? 60 : qMin<qsizetype>(newline, 60)).trimmed();
    for (char &c : line) {
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)
            c = '?';
    }
    return QString::fromLatin1(line);
}

/** Decodes a chunked body; Incomplete while the terminating zero-size chunk has not arrived. */
HttpReply decodeChunked(const QByteArray &rest)
{
    HttpReply r;
    qsizetype pos = 0;
    for (;;) {
        const qsizetype lineEnd = rest.indexOf("\r\n", pos);
        if (lineEnd < 0)
            return rest.size() - pos > 64 ? invalidReply(QStringLiteral("bad chunk header")) : r;
        QByteArray sizeText = rest.mid(pos, lineEnd - pos);
        if (const qsizetype semicolon = sizeText.indexOf(';'); semicolon >= 0)
            sizeText.truncate(semicolon); // chunk extensions carry nothing we need
        bool ok = false;
        const qlonglong size = sizeText.trimmed().toLongLong(&ok, 16);
        if (!ok || size < 0 || size > MaxReplySize)
            return invalidReply(QStringLiteral("bad chunk size \"%1\"").arg(excerpt(sizeText)));
        pos = lineEnd + 2;
        if (size == 0) {
            r.state = HttpReply::State::Complete;
            return r;
        }
        if (rest.size() < pos + size + 2)
            return r;
        r.body += rest.mid(pos, size);
        if (rest.mid(pos + size, 2) != "\r\n")
            return invalidReply(QStringLiteral("chunk of %1 bytes is not terminated").arg(size));
        pos += size + 2;
    }
}

/** Parses the bytes received so far; atEnd says that the peer closed the connection. */
HttpReply parseReply(const QByteArray &data, bool atEnd)
{
    if (data.size() >= 5 && !data.startsWith("HTTP/"))
        return invalidReply(QStringLiteral("not an HTTP reply: \"%1\"").arg(excerpt(data)));
    const qsizetype headerEnd = data.indexOf("\r\n\r\n");
    if (headerEnd < 0) {
        if (!atEnd)
            return {};
        return invalidReply(data.isEmpty() ? QStringLiteral("connection closed without a reply")
                                           : QStringLiteral("connection closed inside the HTTP header"));
    }

    const QList<QByteArray> lines = data.left(headerEnd).split('\n');
    const QList<QByteArray> statusParts = lines.first().trimmed().split(' ');
    bool ok = false;
    HttpReply reply;
    reply.status = statusParts.size() >= 2 ? statusParts.at(1).toInt(&ok) : 0;
    if (!ok || reply.status < 100 || reply.status > 599)
        return invalidReply(QStringLiteral("bad HTTP status line \"%1\"").arg(excerpt(lines.first())));
    reply.reason = statusParts.mid(2).join(' ');

    bool chunked = false;
    qlonglong contentLength = -1;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines.at(i);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return invalidReply(QStringLiteral("bad HTTP header line \"%1\"").arg(excerpt(line)));
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "transfer-encoding") {
            chunked = value.toLower().contains("chunked");
        } else if (name == "content-length") {
            contentLength = value.toLongLong(&ok);
            if (!ok || contentLength < 0 || contentLength > MaxReplySize)
                return invalidReply(QStringLiteral("bad Content-Length \"%1\"").arg(excerpt(value)));
        }
    }

    const QByteArray rest = data.mid(headerEnd + 4);
    if (chunked) {
        HttpReply body = decodeChunked(rest);
        if (body.state == HttpReply::State::Incomplete && atEnd)
            return invalidReply(QStringLiteral("connection closed inside a chunked body"));
        if (body.state != HttpReply::State::Complete)
            return body;
        reply.body = body.body;
    } else if (contentLength >= 0) {
        if (rest.size() < contentLength) {
            if (atEnd)
                return invalidReply(
                    QStringLiteral("connection closed after %1 of %2 body bytes").arg(rest.size()).arg(contentLength));
            return {};
        }
        reply.body = rest.left(contentLength);
    } else {
        if (!atEnd)
            return {};
        reply.body = rest;
    }
    reply.state = HttpReply::State::Complete;
    return reply;
}

/** Sends the request, then reads until the reply is whole, the peer closes, or the deadline passes. */
HttpReply exchange(QIODevice &device, const QDeadlineTimer &deadline, bool *timedOut)
{
    *timedOut = false;
    device.write(versionRequest());
    while (device.bytesToWrite() > 0) {
        if (deadline.hasExpired() || !device.waitForBytesWritten(int(deadline.remainingTime()))) {
            *timedOut = deadline.hasExpired();
            return invalidReply(QStringLiteral("cannot send the request: %1").arg(device.errorString()));
        }
    }

    QByteArray data;
    for (;;) {
        data += device.readAll();
        if (data.size() > MaxReplySize)
            return invalidReply(QStringLiteral("reply is larger than %1 bytes").arg(MaxReplySize));
        HttpReply reply = parseReply(data, false);
        if (reply.state != HttpReply::State::Incomplete)
            return reply;
        if (deadline.hasExpired()) {
            *timedOut = true;
            return reply;
        }
        if (!device.waitForReadyRead(int(deadline.remainingTime()))) {
            data += device.readAll();
            if (deadline.hasExpired() && parseReply(data, false).state == HttpReply::State::Incomplete) {
                *timedOut = true;
                return {};
            }
            return parseReply(data, true);
        }
    }
}

/** Turns the reply to GET /version into the status fields. */
void readVersion(const HttpReply &reply, EngineStatus *status)
{
    const QJsonDocument doc = QJsonDocument::fromJson(reply.body);
    const QJsonObject object = doc.object();
    if (reply.status != 200) {
        const QString message = object.value(QLatin1String("message")).toString();
        status->error = QStringLiteral("%1 answered HTTP %2 %3%4")
                            .arg(status->host)
                            .arg(reply.status)
                            .arg(QString::fromLatin1(reply.reason))
                            .arg(message.isEmpty() ? QString() : QStringLiteral(": ") + message);
        return;
    }
    const QString version = object.value(QLatin1String("Version")).toString();
    if (!doc.isObject() || version.isEmpty()) {
        status->error =
            QStringLiteral("bad reply from %1: GET /version has no \"Version\" in its JSON body").arg(status->host);
        return;
    }
    status->reachable = true;
    status->version = version;
    status->apiVersion = object.value(QLatin1String("ApiVersion")).toString();
}

QString localSocketError(const QLocalSocket &socket)
{
    switch (socket.error()) {
    case QLocalSocket::ServerNotFoundError:
        return QStringLiteral("no such socket");
    case QLocalSocket::ConnectionRefusedError:
        return QStringLiteral("connection refused");
    case QLocalSocket::SocketAccessError:
        return QStringLiteral("permission denied");
    case QLocalSocket::SocketTimeoutError:
        return QStringLiteral("timed out");
    default:
        return socket.errorString();
    }
}

class Prober
{
public:
    Prober(const EngineSpec &spec, int timeoutMs) : m_timeoutMs(timeoutMs), m_deadline(timeoutMs)
    {
        m_status.name = spec.name;
        m_status.host = spec.host;
    }

    EngineStatus run(const EngineSpec &spec)
    {
        const QString &host = spec.host;
        if (host.isEmpty())
            m_status.error = QStringLiteral("engine %1 has no host").arg(spec.name);
        else if (host.startsWith(QLatin1String("unix://")))
            probeUnix(host.mid(7));
        else if (host.startsWith(QLatin1String("tcp://")))
            probeTcp(QUrl(host), spec.tls);
        else if (host.startsWith(QLatin1String("ssh://")))
            probeSsh(QUrl(host));
        else
            m_status.error = QStringLiteral("unsupported engine address %1 (use unix://, tcp:// or ssh://)").arg(host);
        return m_status;
    }

private:
    void cannotConnect(const QString &reason)
    {
        m_status.error = QStringLiteral("cannot connect to %1: %2").arg(m_status.host, reason);
    }

    void finish(QIODevice &device)
    {
        bool timedOut = false;
        const HttpReply reply = exchange(device, m_deadline, &timedOut);
        if (timedOut)
            m_status.error = QStringLiteral("no reply from %1 within %2 ms").arg(m_status.host).arg(m_timeoutMs);
        else if (reply.state != HttpReply::State::Complete)
            m_status.error = QStringLiteral("bad reply from %1: %2").arg(m_status.host, reply.error);
        else
            readVersion(reply, &m_status);
    }

    void probeUnix(const QString &path)
    {
        if (path.isEmpty())
            return cannotConnect(QStringLiteral("no socket path"));
        QLocalSocket socket;
        socket.connectToServer(path);
        if (!socket.waitForConnected(int(m_deadline.remainingTime())))
            return cannotConnect(localSocketError(socket));
        finish(socket);
    }

    void probeTcp(const QUrl &url, const TlsSpec &tls)
    {
        if (!url.isValid() || url.host().isEmpty())
            return cannotConnect(QStringLiteral("not a valid tcp://HOST:PORT address"));
        // Docker's conventional ports: 2376 with TLS, 2375 without.
        const quint16 port = quint16(url.port(tls.isEmpty() ? 2375 : 2376));
        std::unique_ptr<QTcpSocket> socket;
        if (tls.isEmpty()) {
            socket = std::make_unique<QTcpSocket>();
            socket->connectToHost(url.host(), port);
            if (!socket->waitForConnected(int(m_deadline.remainingTime())))
                return cannotConnect(socket->errorString());
        } else {
            if (!QSslSocket::supportsSsl())
                return cannotConnect(QStringLiteral("TLS is not available (no OpenSSL backend)"));
            QSslConfiguration config;
            QString error;
            if (!EngineTls::configuration(tls, &config, &error))
                return cannotConnect(error);
            auto ssl = std::make_unique<QSslSocket>();
            ssl->setSslConfiguration(config);
            ssl->connectToHostEncrypted(url.host(), port);
            if (!ssl->waitForEncrypted(int(m_deadline.remainingTime()))) {
                QStringList reasons;
                for (const QSslError &e : ssl->sslHandshakeErrors())
                    reasons << e.errorString();
                return cannotConnect(reasons.isEmpty() ? ssl->errorString() : reasons.join(QLatin1String("; ")));
            }
            socket = std::move(ssl);
        }
        finish(*socket);
        if (!m_status.reachable && !tls.isEmpty())
            explainTlsRefusal(static_cast<QSslSocket &>(*socket), tls);
    }

    /**
     * With TLS 1.3 the engine checks the client certificate after the handshake: one it refuses (from another
     * CA, revoked, not for client use) shows up as a closed connection instead of a reply.
     */
    void explainTlsRefusal(const QSslSocket &ssl, const TlsSpec &tls)
    {
        if (ssl.error() != QAbstractSocket::RemoteHostClosedError &&
            ssl.error() != QAbstractSocket::SslHandshakeFailedError)
            return;
        cannotConnect(QStringLiteral("the engine closed the TLS connection without a reply; it may refuse the "
                                     "client certificate %1 (%2)")
                          .arg(tls.cert.isEmpty() ? QStringLiteral("(none given)") : tls.cert, ssl.errorString()));
    }

    void probeSsh(const QUrl &url)
    {
        const int connectTimeout = qMax(1, (m_timeoutMs + 999) / 1000);
        QString program;
        QStringList args;
        QString error;
        if (!SshCommand::make(url, connectTimeout, &program, &args, &error))
            return cannotConnect(error);

        QProcess ssh;
        ssh.start(program, args);
        if (!ssh.waitForStarted(int(m_deadline.remainingTime())))
            return cannotConnect(QStringLiteral("cannot run %1: %2").arg(program, ssh.errorString()));
        finish(ssh);
        if (!m_status.reachable) {
            // ssh explains on stderr why it could not reach the engine; that beats "no reply".
            ssh.waitForFinished(100);
            const QString reason = QString::fromLocal8Bit(ssh.readAllStandardError()).trimmed();
            if (!reason.isEmpty())
                cannotConnect(reason.section(QLatin1Char('\n'), -1).trimmed());
        }
        ssh.closeWriteChannel();
        if (!ssh.waitForFinished(500)) {
            ssh.kill();
            ssh.waitForFinished(500);
        }
    }

    int m_timeoutMs;
    QDeadlineTimer m_deadline;
    EngineStatus m_status;
};

} // namespace

EngineStatus EngineProbe::probe(const EngineSpec &spec, int timeoutMs)
{
    return Prober(spec, timeoutMs).run(spec);
}

EngineSpec EngineProbe::localEngine()
{
    EngineSpec spec;
    spec.name = QStringLiteral("local");
    spec.host = qEnvironmentVariable("DOCKER_HOST", QStringLiteral("unix:///var/run/docker.sock"));
    // The docker CLI's convention: DOCKER_TLS_VERIFY plus a folder holding ca.pem, cert.pem and key.pem.
    const QString certPath = qEnvironmentVariable("DOCKER_CERT_PATH");
    if (!qEnvironmentVariable("DOCKER_TLS_VERIFY").isEmpty() && !certPath.isEmpty()) {
        const QDir dir(certPath);
        spec.tls.ca = dir.filePath(QStringLiteral("ca.pem"));
        spec.tls.cert = dir.filePath(QStringLiteral("cert.pem"));
        spec.tls.key = dir.filePath(QStringLiteral("key.pem"));
    }
    return spec;
}

} // namespace mrc
