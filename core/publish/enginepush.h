// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "engine/buildstreamparser.h"

#include <QMap>
#include <QObject>
#include <QPointer>
#include <QString>

namespace mrc {

class EngineCall;
class EngineClient;

/** One layer of a push as the engine reports it. */
struct LayerProgress
{
    QString id;     // short layer id
    QString status; // "Preparing", "Waiting", "Pushing", "Pushed", "Layer already exists", ...
    qint64 current = 0;
    qint64 total = 0;
    bool done() const;
};

/**
 * Pushes one local image under repository:tag through the engine: POST /images/{local}/tag, then
 * POST /images/{repo}/push with X-Registry-Auth, reading the engine's JSON stream for per-layer progress, the
 * pushed digest (aux.Digest) and errors. The auth value lives only in the request header.
 *
 * An engine or registry failure ends it with error() and transient() telling whether a retry may help (5xx,
 * connection reset, timeout, a registry that stopped answering).
 */
class EnginePush : public QObject
{
    Q_OBJECT
public:
    EnginePush(EngineClient *engine, const QString &localImage, const QString &repository, const QString &tag,
               const QByteArray &registryAuth, QObject *parent = nullptr);
    ~EnginePush() override;

    void start();
    void cancel();

    QString repository() const { return m_repository; }
    QString tag() const { return m_tag; }
    bool isFinished() const { return m_finished; }
    bool ok() const { return m_finished && m_error.isEmpty(); }
    QString error() const { return m_error; }
    bool transient() const { return m_transient; }
    /** sha256:… of the manifest the registry stored, from the engine's aux message. */
    QString digest() const { return m_digest; }
    qint64 size() const { return m_size; }
    const QMap<QString, LayerProgress> &layers() const { return m_layers; }
    /** Bytes done and total over all layers that reported a size. */
    qint64 bytesDone() const;
    qint64 bytesTotal() const;

    /** Whether an error text from the engine reads as a passing failure worth retrying. */
    static bool isTransientError(const QString &message);

Q_SIGNALS:
    void progress();
    /** One human-readable line per state change of a layer, and the engine's final status lines. */
    void logLine(const QString &line);
    void finished();

private:
    void onTagged();
    void onData(const QByteArray &chunk);
    void onPushFinished();
    void handle(const BuildMessage &message);
    void finish(const QString &error, bool transient = false);

    EngineClient *m_engine;
    QString m_localImage;
    QString m_repository;
    QString m_tag;
    QByteArray m_auth;
    QPointer<EngineCall> m_call;
    BuildStreamParser m_parser;
    QMap<QString, LayerProgress> m_layers;
    QString m_digest;
    qint64 m_size = 0;
    QString m_error;
    bool m_transient = false;
    bool m_finished = false;
    bool m_cancelled = false;
};

} // namespace mrc
