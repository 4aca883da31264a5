// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QString>
#include <memory>

class QIODevice;
class QTimer;

namespace mrc {

class EngineConnection;
class HttpResponseParser;

/**
 * One HTTP request to a Docker engine, on its own connection. Made by EngineClient; it starts when control
 * returns to the event loop, so connect the signals and call the setters right after creating it.
 * The call is a child of its client; delete it (deleteLater) when done.
 *
 * Everything runs on the thread the call lives on. waitForFinished() spins a local event loop for worker
 * threads and the CLI.
 */
class EngineCall : public QObject
{
    Q_OBJECT
public:
    enum Error
    {
        NoError,
        ConnectError,   // could not reach the engine (socket missing, refused, TLS, ssh)
        ConnectionLost, // the engine went away before the response was complete
        ProtocolError,  // the reply is not HTTP we understand
        HttpError,      // the engine answered with a status >= 400 (see message())
        Timeout,
        Aborted,
    };
    Q_ENUM(Error)

    ~EngineCall() override;

    /** Body bytes are only emitted through bodyData(), not kept for body()/json(). */
    void setStreaming(bool streaming) { m_streaming = streaming; }
    /** The largest body a non-streaming call keeps (default 64 MB); a larger one, or a Content-Length over it,
     *  fails the call with ProtocolError "reply over N MB from HOST". 0 means no cap. */
    void setMaxBodyBytes(qint64 bytes) { m_maxBodyBytes = bytes; }
    /** Fails the call with Timeout when it is not finished @p ms after it started; 0 means never. */
    void setTimeout(int ms);
    /** Fails the call with Timeout when no byte arrived for @p ms; 0 means never (builds may be silent). */
    void setIdleTimeout(int ms);
    /** Adds a request header; only before the call starts. */
    void setRequestHeader(const QByteArray &name, const QByteArray &value);

    /** Closes the connection; for POST /build the engine cancels the build. Emits finished() (Aborted). */
    void abort();
    /** Blocks in a local event loop until finished or @p ms passed (-1: no limit). */
    bool waitForFinished(int ms = -1);

    QByteArray method() const { return m_method; }
    QString path() const { return m_path; }
    QString host() const { return m_host; }

    bool isFinished() const { return m_finished; }
    /** Finished with a 2xx status and the whole body. */
    bool ok() const { return m_finished && m_error == NoError; }
    Error error() const { return m_error; }
    /** The engine went away mid-response (or mid-stream of a build). */
    bool connectionLost() const { return m_error == ConnectionLost; }
    /** Names the host and the request, the HTTP status and the engine's {"message": ...}. Empty when ok(). */
    QString errorString() const { return m_errorString; }
    /** The engine's own error text ({"message": ...}) of an error response, else empty. */
    QString message() const;

    int status() const;
    QByteArray responseHeader(QByteArrayView name) const;
    QList<QPair<QByteArray, QByteArray>> responseHeaders() const;
    QByteArray body() const { return m_body; }
    QJsonDocument json() const;
    qint64 bytesReceived() const { return m_bytesReceived; }

Q_SIGNALS:
    void headersReceived(int status);
    void bodyData(const QByteArray &chunk);
    /** Emitted exactly once, also after errors, timeouts and abort(). */
    void finished();

private:
    friend class EngineClient;
    EngineCall(QObject *client, const QString &host, std::unique_ptr<EngineConnection> connection,
               const QByteArray &method, const QString &path, const QByteArray &body, QIODevice *upload,
               const QByteArray &contentType);

    void start();
    void onConnected();
    void onReadyRead();
    void onDisconnected();
    void onConnectionError(const QString &message);
    void pumpUpload();
    bool uploadEnded() const;
    void finishWith(Error error, const QString &detail = {});
    /** Ends this call with the error of @p other (a step that this call depended on). */
    void failLike(const EngineCall *other);
    void complete();
    QString describe() const;

    std::unique_ptr<EngineConnection> m_connection;
    std::unique_ptr<HttpResponseParser> m_parser;
    QString m_host;
    QByteArray m_method;
    QString m_path;
    QByteArray m_requestBody;
    QPointer<QIODevice> m_upload;
    bool m_uploadChunked = false;
    bool m_uploadDone = true;
    bool m_uploadReadClosed = false; // the device said no more data will come (e.g. a process exited)
    QByteArray m_contentType;
    QList<QPair<QByteArray, QByteArray>> m_requestHeaders;
    QByteArray m_body;
    QByteArray m_errorBody; // kept even when streaming, to read the engine's {"message": ...}
    qint64 m_bytesReceived = 0;
    bool m_streaming = false;
    qint64 m_maxBodyBytes = qint64(64) << 20;
    bool m_started = false;
    bool m_connected = false;
    bool m_finished = false;
    bool m_headersSignalled = false;
    Error m_error = NoError;
    QString m_errorString;
    QTimer *m_timeout = nullptr;
    QTimer *m_idle = nullptr;
    int m_timeoutMs = 0;
    int m_idleMs = 0;
};

} // namespace mrc
