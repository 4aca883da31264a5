// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "manifest/manifest.h"

#include <QByteArray>
#include <QObject>
#include <QString>

class QIODevice;
class QProcess;

namespace mrc {

/**
 * The byte stream to one engine: a QLocalSocket (unix://), a QTcpSocket or QSslSocket (tcp://), or the
 * stdin/stdout of `ssh HOST docker system dial-stdio` (ssh://). Used by EngineCall only; one per request.
 */
class EngineConnection : public QObject
{
    Q_OBJECT
public:
    explicit EngineConnection(const EngineSpec &spec, QObject *parent = nullptr);
    ~EngineConnection() override;

    /** Starts connecting; emits connected() or failed(). */
    void open();
    void write(const QByteArray &bytes);
    QByteArray readAll();
    qint64 bytesToWrite() const;
    /** ssh "connects" when the process starts: only the first reply byte proves the engine is there. */
    bool viaSsh() const { return m_process != nullptr; }
    /** Closes without waiting (a build's connection closing cancels the build). No signal follows. */
    void close();

Q_SIGNALS:
    void connected();
    void readyRead();
    void bytesWritten();
    /** The peer closed the stream (after connected()). */
    void closed();
    /** Could not connect, or the transport failed; @p message says why, without the host. */
    void failed(const QString &message);

private:
    void openUnix(const QString &path);
    void openTcp();
    void openSsh();
    void attach(QIODevice *device);

    EngineSpec m_spec;
    QIODevice *m_device = nullptr;
    QProcess *m_process = nullptr;
    QByteArray m_sshStderr;
    bool m_open = false;
    bool m_closing = false;
};

} // namespace mrc
