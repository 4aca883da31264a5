// SPDX-License-Identifier: Apache-2.0
#include "engine/engineclient.h"

#include "engine/enginecall.h"
#include "engine/engineconnection.h"

#include <QIODevice>
#include <QJsonDocument>
#include <QPointer>
#include <QRegularExpression>
#include <QUrl>

namespace mrc {

namespace {

/** Compares "1.41" and "1.47" numerically. */
bool olderApi(const QString &a, const QString &b)
{
    const QStringList pa = a.split(QLatin1Char('.'));
    const QStringList pb = b.split(QLatin1Char('.'));
    for (qsizetype i = 0; i < qMax(pa.size(), pb.size()); ++i) {
        const int x = pa.value(i).toInt();
        const int y = pb.value(i).toInt();
        if (x != y)
            return x < y;
    }
    return false;
}

bool validApi(const QString &version)
{
    static const QRegularExpression re(QStringLiteral("^\\d+\\.\\d+$"));
    return re.match(version).hasMatch();
}

/**
 * key=value&... with every reserved character percent-encoded: the engine (Go's url.ParseQuery) reads '+'
 * as a space, and QUrlQuery leaves '+' alone.
 */
QString encodeQuery(const QUrlQuery &query)
{
    QByteArray out;
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (!out.isEmpty())
            out += '&';
        out += QUrl::toPercentEncoding(key) + '=' + QUrl::toPercentEncoding(value);
    }
    return QString::fromLatin1(out);
}

QString encodeJson(const QJsonObject &object)
{
    return QString::fromLatin1(
        QUrl::toPercentEncoding(QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact))));
}

QString encodeRef(const QString &ref)
{
    // Image references keep their '/', ':' and '@'; the engine's router takes the rest of the path as the name.
    return QString::fromLatin1(QUrl::toPercentEncoding(ref, "/:@"));
}

} // namespace

EngineClient::EngineClient(const EngineSpec &spec, QObject *parent) : QObject(parent), m_spec(spec) {}

EngineClient::~EngineClient() = default;

std::unique_ptr<EngineConnection> EngineClient::makeConnection() const
{
    return std::make_unique<EngineConnection>(m_spec);
}

QString EngineClient::versionedPath(const QString &pathAndQuery) const
{
    if (m_apiVersion.isEmpty() || !pathAndQuery.startsWith(QLatin1Char('/')))
        return pathAndQuery;
    if (pathAndQuery.startsWith(QLatin1String("/_ping")))
        return pathAndQuery;
    if (pathAndQuery.size() > 2 && pathAndQuery.at(1) == QLatin1Char('v') && pathAndQuery.at(2).isDigit())
        return pathAndQuery;
    return QStringLiteral("/v") + m_apiVersion + pathAndQuery;
}

EngineCall *EngineClient::makeCall(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body,
                                   QIODevice *upload, const QByteArray &contentType)
{
    auto *call = new EngineCall(this, m_spec.host, makeConnection(), method, versionedPath(pathAndQuery), body, upload,
                                contentType);
    if (m_defaultTimeoutMs > 0)
        call->setTimeout(m_defaultTimeoutMs);
    // Started from the event loop, so that the caller can connect and configure first.
    QMetaObject::invokeMethod(call, &EngineCall::start, Qt::QueuedConnection);
    return call;
}

EngineCall *EngineClient::request(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body,
                                  const QByteArray &contentType)
{
    return makeCall(method, pathAndQuery, body, nullptr, contentType);
}

EngineCall *EngineClient::upload(const QByteArray &method, const QString &pathAndQuery, QIODevice *body,
                                 const QByteArray &contentType)
{
    return makeCall(method, pathAndQuery, {}, body, contentType);
}

EngineCall *EngineClient::negotiate()
{
    auto *ping = new EngineCall(this, m_spec.host, makeConnection(), "GET", QStringLiteral("/_ping"), {}, nullptr, {});
    auto *version =
        new EngineCall(this, m_spec.host, makeConnection(), "GET", QStringLiteral("/version"), {}, nullptr, {});
    if (m_defaultTimeoutMs > 0) {
        ping->setTimeout(m_defaultTimeoutMs);
        version->setTimeout(m_defaultTimeoutMs);
    }
    const QPointer<EngineCall> guard(version);
    connect(ping, &EngineCall::finished, this, [this, ping, guard] {
        ping->deleteLater();
        if (!guard || guard->isFinished())
            return;
        if (!ping->ok()) {
            guard->failLike(ping);
            return;
        }
        const QString api = QString::fromLatin1(ping->responseHeader("API-Version")).trimmed();
        if (validApi(api)) {
            const QString max = QString::fromLatin1(MaxApiVersion);
            m_apiVersion = olderApi(api, max) ? api : max;
            guard->m_path = versionedPath(QStringLiteral("/version"));
        }
        guard->start();
    });
    connect(version, &EngineCall::finished, this, [this, ping = QPointer<EngineCall>(ping), version] {
        if (ping && !ping->isFinished())
            ping->abort(); // the caller aborted the whole negotiation
        if (!version->ok())
            return;
        const QJsonObject object = version->json().object();
        m_versionInfo = object;
        m_engineVersion = object.value(QLatin1String("Version")).toString();
        const QString api = object.value(QLatin1String("ApiVersion")).toString();
        if (m_apiVersion.isEmpty() && validApi(api)) {
            const QString max = QString::fromLatin1(MaxApiVersion);
            m_apiVersion = olderApi(api, max) ? api : max;
        }
    });
    QMetaObject::invokeMethod(ping, &EngineCall::start, Qt::QueuedConnection);
    return version;
}

EngineCall *EngineClient::build(const QUrlQuery &query, QIODevice *tarContext)
{
    QUrlQuery q = query;
    if (!q.hasQueryItem(QStringLiteral("version")))
        q.addQueryItem(QStringLiteral("version"), QStringLiteral("1"));
    EngineCall *call = upload("POST", QStringLiteral("/build?") + encodeQuery(q), tarContext, "application/x-tar");
    call->setStreaming(true);
    call->setTimeout(0); // a build takes as long as it takes; abort() or an idle timeout end it
    return call;
}

EngineCall *EngineClient::inspectImage(const QString &ref)
{
    return request("GET", QStringLiteral("/images/%1/json").arg(encodeRef(ref)));
}

EngineCall *EngineClient::tagImage(const QString &ref, const QString &repo, const QString &tag)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("repo"), repo);
    q.addQueryItem(QStringLiteral("tag"), tag);
    return request("POST", QStringLiteral("/images/%1/tag?%2").arg(encodeRef(ref), encodeQuery(q)));
}

EngineCall *EngineClient::pushImage(const QString &repo, const QString &tag, const QByteArray &registryAuth)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("tag"), tag);
    EngineCall *call = request("POST", QStringLiteral("/images/%1/push?%2").arg(encodeRef(repo), encodeQuery(q)));
    // Without credentials the docker CLI sends the empty auth object ({} in base64): Docker 20.10 and 26.1 refuse
    // a push that has no X-Registry-Auth at all, or an empty one.
    call->setRequestHeader("X-Registry-Auth", registryAuth.isEmpty() ? QByteArray("e30=") : registryAuth);
    call->setStreaming(true);
    call->setTimeout(0);
    call->setIdleTimeout(120000); // a registry that stops answering mid-upload
    return call;
}

EngineCall *EngineClient::listImages(const QJsonObject &filters)
{
    QString path = QStringLiteral("/images/json");
    if (!filters.isEmpty())
        path += QStringLiteral("?filters=") + encodeJson(filters);
    return request("GET", path);
}

EngineCall *EngineClient::removeImage(const QString &ref, bool force, bool noPrune)
{
    QString path = QStringLiteral("/images/") + encodeRef(ref);
    QStringList params;
    if (force)
        params << QStringLiteral("force=1");
    if (noPrune)
        params << QStringLiteral("noprune=1");
    if (!params.isEmpty())
        path += QLatin1Char('?') + params.join(QLatin1Char('&'));
    return request("DELETE", path);
}

EngineCall *EngineClient::listContainers(const QJsonObject &filters, bool all)
{
    QStringList params;
    if (all)
        params << QStringLiteral("all=1");
    if (!filters.isEmpty())
        params << QStringLiteral("filters=") + encodeJson(filters);
    QString path = QStringLiteral("/containers/json");
    if (!params.isEmpty())
        path += QLatin1Char('?') + params.join(QLatin1Char('&'));
    return request("GET", path);
}

EngineCall *EngineClient::createContainer(const QJsonObject &config, const QString &name)
{
    QString path = QStringLiteral("/containers/create");
    if (!name.isEmpty())
        path += QStringLiteral("?name=") + QString::fromLatin1(QUrl::toPercentEncoding(name));
    return request("POST", path, QJsonDocument(config).toJson(QJsonDocument::Compact), "application/json");
}

EngineCall *EngineClient::startContainer(const QString &id)
{
    return request("POST", QStringLiteral("/containers/%1/start").arg(encodeRef(id)));
}

EngineCall *EngineClient::waitContainer(const QString &id)
{
    EngineCall *call = request("POST", QStringLiteral("/containers/%1/wait").arg(encodeRef(id)));
    call->setTimeout(0);
    return call;
}

EngineCall *EngineClient::inspectContainer(const QString &id)
{
    return request("GET", QStringLiteral("/containers/%1/json").arg(encodeRef(id)));
}

EngineCall *EngineClient::containerLogs(const QString &id, bool follow)
{
    EngineCall *call = request("GET", QStringLiteral("/containers/%1/logs?stdout=1&stderr=1%2")
                                          .arg(encodeRef(id), follow ? QStringLiteral("&follow=1") : QString()));
    call->setStreaming(true);
    if (follow)
        call->setTimeout(0);
    return call;
}

EngineCall *EngineClient::removeContainer(const QString &id)
{
    return request("DELETE", QStringLiteral("/containers/%1?force=1&v=1").arg(encodeRef(id)));
}

EngineCall *EngineClient::listNetworks(const QJsonObject &filters)
{
    QString path = QStringLiteral("/networks");
    if (!filters.isEmpty())
        path += QStringLiteral("?filters=") + encodeJson(filters);
    return request("GET", path);
}

EngineCall *EngineClient::removeNetwork(const QString &id)
{
    return request("DELETE", QStringLiteral("/networks/%1").arg(encodeRef(id)));
}

EngineCall *EngineClient::listVolumes(const QJsonObject &filters)
{
    QString path = QStringLiteral("/volumes");
    if (!filters.isEmpty())
        path += QStringLiteral("?filters=") + encodeJson(filters);
    return request("GET", path);
}

EngineCall *EngineClient::removeVolume(const QString &name)
{
    return request("DELETE", QStringLiteral("/volumes/%1?force=1").arg(encodeRef(name)));
}

} // namespace mrc
