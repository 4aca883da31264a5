// SPDX-License-Identifier: Apache-2.0
#include "engine/enginecall.h"

#include "engine/engineconnection.h"
#include "engine/httpresponseparser.h"

#include <QEventLoop>
#include <QIODevice>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalSocket>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTimer>

namespace mrc {

namespace {

// Keep a little ahead of the socket, never the whole context in memory.
constexpr qint64 UploadBufferSize = 256 * 1024;
constexpr qint64 UploadReadSize = 64 * 1024;
// Enough for the engine's {"message": ...}; an error page larger than this is not worth keeping whole.
constexpr qsizetype MaxErrorBody = 64 * 1024;

} // namespace

EngineCall::EngineCall(QObject *client, const QString &host, std::unique_ptr<EngineConnection> connection,
                       const QByteArray &method, const QString &path, const QByteArray &body, QIODevice *upload,
                       const QByteArray &contentType)
    : QObject(client), m_connection(std::move(connection)), m_parser(std::make_unique<HttpResponseParser>()),
      m_host(host), m_method(method), m_path(path), m_requestBody(body), m_upload(upload), m_contentType(contentType)
{
}

EngineCall::~EngineCall()
{
    if (m_connection)
        m_connection->close();
}

void EngineCall::setTimeout(int ms)
{
    m_timeoutMs = ms;
    if (m_started && !m_finished && m_timeout) {
        if (ms > 0)
            m_timeout->start(ms);
        else
            m_timeout->stop();
    }
}

void EngineCall::setIdleTimeout(int ms)
{
    m_idleMs = ms;
    if (m_started && !m_finished && m_idle) {
        if (ms > 0)
            m_idle->start(ms);
        else
            m_idle->stop();
    }
}

void EngineCall::setRequestHeader(const QByteArray &name, const QByteArray &value)
{
    m_requestHeaders.append({name, value});
}

void EngineCall::start()
{
    if (m_started || m_finished)
        return;
    m_started = true;
    m_parser->setHeadRequest(m_method == "HEAD");

    m_timeout = new QTimer(this);
    m_timeout->setSingleShot(true);
    connect(m_timeout, &QTimer::timeout, this,
            [this] { finishWith(Timeout, QStringLiteral("no complete reply after %1 ms").arg(m_timeoutMs)); });
    m_idle = new QTimer(this);
    m_idle->setSingleShot(true);
    connect(m_idle, &QTimer::timeout, this,
            [this] { finishWith(Timeout, QStringLiteral("nothing received for %1 ms").arg(m_idleMs)); });
    if (m_timeoutMs > 0)
        m_timeout->start(m_timeoutMs);
    if (m_idleMs > 0)
        m_idle->start(m_idleMs);

    EngineConnection *c = m_connection.get();
    connect(c, &EngineConnection::connected, this, &EngineCall::onConnected);
    connect(c, &EngineConnection::readyRead, this, &EngineCall::onReadyRead);
    connect(c, &EngineConnection::bytesWritten, this, &EngineCall::pumpUpload);
    connect(c, &EngineConnection::closed, this, &EngineCall::onDisconnected);
    connect(c, &EngineConnection::failed, this, &EngineCall::onConnectionError);
    c->open();
}

void EngineCall::onConnected()
{
    m_connected = true;
    QByteArray request;
    request.reserve(512 + m_requestBody.size());
    request += m_method + ' ' + m_path.toUtf8() +
               " HTTP/1.1\r\n"
               "Host: docker\r\n"
               "User-Agent: mrc/" MRC_VERSION "\r\n"
               "Connection: close\r\n";
    if (!m_contentType.isEmpty())
        request += "Content-Type: " + m_contentType + "\r\n";
    if (m_upload) {
        if (!m_upload->isOpen() && !m_upload->open(QIODevice::ReadOnly)) {
            finishWith(ConnectError, QStringLiteral("cannot read the request body: %1").arg(m_upload->errorString()));
            return;
        }
        if (m_upload->isSequential()) {
            m_uploadChunked = true;
            request += "Transfer-Encoding: chunked\r\n";
        } else {
            request += "Content-Length: " + QByteArray::number(m_upload->size() - m_upload->pos()) + "\r\n";
        }
        m_uploadDone = false;
        connect(m_upload, &QIODevice::readyRead, this, &EngineCall::pumpUpload);
        connect(m_upload, &QIODevice::readChannelFinished, this, [this] {
            m_uploadReadClosed = true;
            pumpUpload();
        });
    } else if (!m_requestBody.isEmpty() || m_method == "POST" || m_method == "PUT") {
        request += "Content-Length: " + QByteArray::number(m_requestBody.size()) + "\r\n";
    }
    for (const auto &[name, value] : std::as_const(m_requestHeaders))
        request += name + ": " + value + "\r\n";
    request += "\r\n";
    request += m_requestBody;
    m_connection->write(request);
    if (m_upload)
        pumpUpload();
}

void EngineCall::pumpUpload()
{
    if (m_uploadDone || m_finished)
        return;
    if (!m_upload) {
        finishWith(Aborted, QStringLiteral("the request body was deleted before it was sent"));
        return;
    }
    while (m_connection->bytesToWrite() < UploadBufferSize) {
        QByteArray data(UploadReadSize, Qt::Uninitialized);
        const qint64 n = m_upload->read(data.data(), UploadReadSize);
        if (n > 0) {
            data.truncate(n);
            if (m_uploadChunked)
                m_connection->write(QByteArray::number(n, 16) + "\r\n" + data + "\r\n");
            else
                m_connection->write(data);
            continue;
        }
        if (n < 0 && !uploadEnded()) {
            finishWith(Aborted, QStringLiteral("cannot read the request body: %1").arg(m_upload->errorString()));
            return;
        }
        if (uploadEnded()) {
            if (m_uploadChunked)
                m_connection->write(QByteArrayLiteral("0\r\n\r\n"));
            m_uploadDone = true;
        }
        return; // n == 0 and more to come: readyRead() calls again
    }
}

bool EngineCall::uploadEnded() const
{
    if (!m_upload->isOpen())
        return true;
    if (!m_upload->isSequential())
        return m_upload->atEnd();
    // A pipe or socket with nothing buffered is not at its end while its writer may still write.
    if (m_uploadReadClosed || m_upload->bytesAvailable() > 0)
        return m_uploadReadClosed && m_upload->bytesAvailable() == 0;
    if (auto *process = qobject_cast<QProcess *>(m_upload.data()))
        return process->state() == QProcess::NotRunning;
    if (auto *socket = qobject_cast<QAbstractSocket *>(m_upload.data()))
        return socket->state() == QAbstractSocket::UnconnectedState;
    if (auto *socket = qobject_cast<QLocalSocket *>(m_upload.data()))
        return socket->state() == QLocalSocket::UnconnectedState;
    return false;
}

void EngineCall::onReadyRead()
{
    if (m_finished)
        return;
    const QByteArray data = m_connection->readAll();
    if (data.isEmpty())
        return;
    m_bytesReceived += data.size();
    if (m_idleMs > 0)
        m_idle->start(m_idleMs);

    QByteArray chunk;
    if (!m_parser->feed(data, &chunk)) {
        finishWith(ProtocolError, m_parser->errorString());
        return;
    }
    const QPointer<EngineCall> self(this);
    if (!m_streaming && m_maxBodyBytes > 0 && m_method != "HEAD" &&
        (m_parser->contentLength() > m_maxBodyBytes || m_body.size() + chunk.size() > m_maxBodyBytes)) {
        // Kept whole in memory: a hostile or broken engine must not grow it without end.
        finishWith(ProtocolError,
                   QStringLiteral("reply over %1 MB from %2: refused").arg(m_maxBodyBytes >> 20).arg(m_host));
        return;
    }
    if (!m_headersSignalled && m_parser->headersComplete()) {
        m_headersSignalled = true;
        Q_EMIT headersReceived(m_parser->status());
        if (!self || m_finished)
            return;
    }
    if (!chunk.isEmpty()) {
        if (m_parser->status() >= 400 && m_errorBody.size() < MaxErrorBody)
            m_errorBody += chunk.left(MaxErrorBody - m_errorBody.size());
        if (!m_streaming)
            m_body += chunk;
        Q_EMIT bodyData(chunk);
        if (!self || m_finished)
            return;
    }
    if (m_parser->isComplete())
        complete();
}

void EngineCall::onDisconnected()
{
    if (m_finished)
        return;
    onReadyRead(); // what arrived together with the close
    if (m_finished)
        return;
    if (m_parser->finish())
        complete();
    else if (m_bytesReceived == 0 && m_connection->viaSsh())
        finishWith(ConnectError, m_parser->errorString());
    else
        finishWith(ConnectionLost, m_parser->errorString());
}

void EngineCall::onConnectionError(const QString &message)
{
    if (m_finished)
        return;
    if (!m_connection->viaSsh())
        onReadyRead();
    if (m_finished)
        return;
    // ssh "connects" when it starts; only a reply proves the engine was reached.
    const bool reached = m_connection->viaSsh() ? m_bytesReceived > 0 : m_connected;
    if (!reached)
        finishWith(ConnectError, message);
    else
        finishWith(ConnectionLost, message);
}

void EngineCall::complete()
{
    if (m_parser->status() >= 400)
        finishWith(HttpError);
    else if (m_parser->status() < 200 || m_parser->status() >= 300)
        finishWith(ProtocolError, QStringLiteral("unexpected HTTP %1").arg(m_parser->status()));
    else
        finishWith(NoError);
}

QString EngineCall::describe() const
{
    QString path = m_path;
    if (const qsizetype query = path.indexOf(QLatin1Char('?')); query >= 0)
        path.truncate(query);
    return QString::fromLatin1(m_method) + QLatin1Char(' ') + path;
}

QString EngineCall::message() const
{
    if (m_parser->status() < 400)
        return {};
    const QString message = QJsonDocument::fromJson(m_errorBody).object().value(QLatin1String("message")).toString();
    if (!message.isEmpty())
        return message;
    QString text = QString::fromUtf8(m_errorBody);
    if (text.trimmed().startsWith(QLatin1Char('<'))) {
        // An HTML error page (a proxy in front of the engine): its text, without the markup.
        static const QRegularExpression markup(QStringLiteral("<(script|style)[^>]*>.*?</\\1>|<[^>]*>"),
                                               QRegularExpression::DotMatchesEverythingOption |
                                                   QRegularExpression::CaseInsensitiveOption);
        text.replace(markup, QStringLiteral(" "));
    }
    static const QRegularExpression space(QStringLiteral("\\s+"));
    return text.replace(space, QStringLiteral(" ")).trimmed().left(200);
}

void EngineCall::finishWith(Error error, const QString &detail)
{
    if (m_finished)
        return;
    m_finished = true;
    m_error = error;
    if (m_timeout)
        m_timeout->stop();
    if (m_idle)
        m_idle->stop();
    m_connection->close();

    switch (error) {
    case NoError:
        m_errorString.clear();
        break;
    case ConnectError:
        m_errorString = QStringLiteral("cannot connect to %1: %2").arg(m_host, detail);
        break;
    case ConnectionLost:
        m_errorString = QStringLiteral("%1 went away during %2 (after %3 bytes): %4")
                            .arg(m_host, describe())
                            .arg(m_bytesReceived)
                            .arg(detail);
        break;
    case ProtocolError:
        m_errorString = QStringLiteral("bad reply from %1 to %2: %3").arg(m_host, describe(), detail);
        break;
    case HttpError: {
        const QString text = message();
        m_errorString = QStringLiteral("%1: %2 answered HTTP %3 %4%5")
                            .arg(m_host, describe())
                            .arg(m_parser->status())
                            .arg(QString::fromLatin1(m_parser->reason()))
                            .arg(text.isEmpty() ? QString() : QStringLiteral(": ") + text);
        break;
    }
    case Timeout:
        m_errorString = QStringLiteral("%1: %2 timed out: %3").arg(m_host, describe(), detail);
        break;
    case Aborted:
        m_errorString = QStringLiteral("%1: %2 aborted%3")
                            .arg(m_host, describe(), detail.isEmpty() ? QString() : QStringLiteral(": ") + detail);
        break;
    }
    Q_EMIT finished();
}

void EngineCall::failLike(const EngineCall *other)
{
    if (m_finished)
        return;
    m_finished = true;
    m_error = other->m_error;
    m_errorString = other->m_errorString;
    if (m_timeout)
        m_timeout->stop();
    if (m_idle)
        m_idle->stop();
    Q_EMIT finished();
}

void EngineCall::abort()
{
    finishWith(Aborted);
}

bool EngineCall::waitForFinished(int ms)
{
    if (m_finished)
        return true;
    QEventLoop loop;
    connect(this, &EngineCall::finished, &loop, &QEventLoop::quit);
    QTimer timer;
    if (ms >= 0) {
        timer.setSingleShot(true);
        connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
        timer.start(ms);
    }
    loop.exec();
    return m_finished;
}

int EngineCall::status() const
{
    return m_parser->status();
}

QByteArray EngineCall::responseHeader(QByteArrayView name) const
{
    return m_parser->header(name);
}

QList<QPair<QByteArray, QByteArray>> EngineCall::responseHeaders() const
{
    return m_parser->headers();
}

QJsonDocument EngineCall::json() const
{
    return QJsonDocument::fromJson(m_body);
}

} // namespace mrc
