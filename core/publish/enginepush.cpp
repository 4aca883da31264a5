// SPDX-License-Identifier: Apache-2.0
#include "publish/enginepush.h"

#include "engine/enginecall.h"
#include "engine/engineclient.h"

#include <QRegularExpression>

namespace mrc {

bool LayerProgress::done() const
{
    return status == QLatin1String("Pushed") || status == QLatin1String("Layer already exists") ||
           status.startsWith(QLatin1String("Mounted from"));
}

EnginePush::EnginePush(EngineClient *engine, const QString &localImage, const QString &repository, const QString &tag,
                       const QByteArray &registryAuth, QObject *parent)
    : QObject(parent), m_engine(engine), m_localImage(localImage), m_repository(repository), m_tag(tag),
      m_auth(registryAuth)
{
}

EnginePush::~EnginePush()
{
    if (m_call)
        m_call->abort();
    m_auth.fill('\0');
}

void EnginePush::start()
{
    EngineCall *call = m_engine->tagImage(m_localImage, m_repository, m_tag);
    m_call = call;
    connect(call, &EngineCall::finished, this, &EnginePush::onTagged);
}

void EnginePush::cancel()
{
    m_cancelled = true;
    if (m_call)
        m_call->abort();
    else if (!m_finished)
        finish(tr("cancelled"));
}

void EnginePush::onTagged()
{
    EngineCall *call = m_call;
    call->deleteLater();
    m_call = nullptr;
    if (m_cancelled)
        return finish(tr("cancelled"));
    if (!call->ok())
        return finish(tr("cannot tag %1 as %2:%3: %4").arg(m_localImage, m_repository, m_tag, call->errorString()),
                      call->error() != EngineCall::HttpError);
    Q_EMIT logLine(tr("Tagged %1 as %2:%3").arg(m_localImage.left(19), m_repository, m_tag));
    EngineCall *push = m_engine->pushImage(m_repository, m_tag, m_auth);
    m_call = push;
    connect(push, &EngineCall::bodyData, this, &EnginePush::onData);
    connect(push, &EngineCall::finished, this, &EnginePush::onPushFinished);
}

void EnginePush::onData(const QByteArray &chunk)
{
    for (const BuildMessage &m : m_parser.feed(chunk))
        handle(m);
}

void EnginePush::handle(const BuildMessage &m)
{
    if (m_finished)
        return;
    switch (m.kind) {
    case BuildMessage::Error:
        finish(m.text, isTransientError(m.text));
        if (m_call)
            m_call->abort();
        return;
    case BuildMessage::Aux:
        if (m.aux.contains(QLatin1String("Digest"))) {
            m_digest = m.aux.value(QLatin1String("Digest")).toString();
            m_size = qint64(m.aux.value(QLatin1String("Size")).toDouble());
        }
        return;
    case BuildMessage::Status: {
        if (m.id.isEmpty() || m.id == m_tag) {
            Q_EMIT logLine(m.text); // "The push refers to repository [...]", "master: digest: sha256:… size: 528"
            return;
        }
        LayerProgress &layer = m_layers[m.id];
        const bool changed = layer.status != m.text;
        layer.id = m.id;
        layer.status = m.text;
        if (m.total > 0) {
            layer.current = m.current;
            layer.total = m.total;
        } else if (layer.done() && layer.total > 0) {
            layer.current = layer.total;
        }
        if (changed)
            Q_EMIT logLine(QStringLiteral("%1: %2").arg(m.id, m.text));
        Q_EMIT progress();
        return;
    }
    case BuildMessage::Stream:
        Q_EMIT logLine(m.text.trimmed());
        return;
    }
}

void EnginePush::onPushFinished()
{
    EngineCall *call = m_call;
    if (!call)
        return;
    call->deleteLater();
    m_call = nullptr;
    if (m_finished)
        return;
    for (const BuildMessage &m : m_parser.finish())
        handle(m);
    if (m_finished)
        return;
    if (m_cancelled)
        return finish(tr("cancelled"));
    if (!call->ok()) {
        const bool transient = call->error() != EngineCall::HttpError || call->status() >= 500;
        return finish(tr("push of %1:%2 failed: %3").arg(m_repository, m_tag, call->errorString()), transient);
    }
    if (m_digest.isEmpty())
        return finish(tr("the engine ended the push of %1:%2 without a digest").arg(m_repository, m_tag), true);
    finish({});
}

void EnginePush::finish(const QString &error, bool transient)
{
    if (m_finished)
        return;
    m_finished = true;
    m_error = error;
    m_transient = transient && !m_cancelled;
    m_auth.fill('\0');
    Q_EMIT finished();
}

qint64 EnginePush::bytesDone() const
{
    qint64 sum = 0;
    for (const LayerProgress &l : m_layers)
        sum += l.total > 0 ? qMin(l.current, l.total) : 0;
    return sum;
}

qint64 EnginePush::bytesTotal() const
{
    qint64 sum = 0;
    for (const LayerProgress &l : m_layers)
        sum += l.total;
    return sum;
}

bool EnginePush::isTransientError(const QString &message)
{
    // What dockerd reports when the registry goes away or hiccups mid-push.
    static const QRegularExpression re(
        QStringLiteral("connection refused|connection reset|broken pipe|EOF|i/o timeout|timeout|"
                       "502 Bad Gateway|503 Service Unavailable|504 Gateway|500 Internal Server Error|"
                       "received unexpected HTTP status: 5[0-9][0-9]|TLS handshake timeout"),
        QRegularExpression::CaseInsensitiveOption);
    return re.match(message).hasMatch();
}

} // namespace mrc
