// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "manifest/manifest.h"

#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QUrlQuery>
#include <memory>

class QIODevice;

namespace mrc {

class EngineCall;
class EngineConnection;

/**
 * The Docker Engine API of one engine (EngineSpec: unix://, tcp:// with optional TLS, ssh:// through
 * `docker system dial-stdio`). Each request is one connection (Connection: close), so a long build never
 * blocks a short inspect and abort() is simply closing the socket.
 *
 * All calls are asynchronous and live on the client's thread. After negotiate() succeeded, paths are
 * prefixed with /v<apiVersion>; before, they go unversioned (the engine's own default).
 */
class EngineClient : public QObject
{
    Q_OBJECT
public:
    /** The newest API version this client speaks; negotiate() takes min(engine's, this). */
    static constexpr const char *MaxApiVersion = "1.47";

    explicit EngineClient(const EngineSpec &spec, QObject *parent = nullptr);
    ~EngineClient() override;

    const EngineSpec &spec() const { return m_spec; }
    /** The address as given, for messages. */
    QString host() const { return m_spec.host; }

    QString apiVersion() const { return m_apiVersion; }
    /** Skips negotiate() when the version is already known (e.g. from an earlier probe). */
    void setApiVersion(const QString &version) { m_apiVersion = version; }
    /** "28.2.2": filled by negotiate(). */
    QString engineVersion() const { return m_engineVersion; }
    /** The GET /version object of the last successful negotiate(). */
    QJsonObject versionInfo() const { return m_versionInfo; }

    /** Applied to every new call (EngineCall::setTimeout); 0 means none. Builds get no total timeout. */
    void setDefaultTimeout(int ms) { m_defaultTimeoutMs = ms; }

    EngineCall *request(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body = {},
                        const QByteArray &contentType = {});
    /**
     * Streams @p body from the device without loading it: Content-Length when the device is random-access
     * with a known size, else chunked transfer coding. The device must outlive the call.
     */
    EngineCall *upload(const QByteArray &method, const QString &pathAndQuery, QIODevice *body,
                       const QByteArray &contentType);

    /** GET /_ping then GET /version; on success apiVersion() and engineVersion() are set. */
    EngineCall *negotiate();

    /**
     * POST /build with a tar context, streaming (setStreaming(true), no timeout). Adds version=1 (the classic
     * builder, whose JSON stream BuildStreamParser reads) unless @p query has a "version".
     */
    EngineCall *build(const QUrlQuery &query, QIODevice *tarContext);
    EngineCall *inspectImage(const QString &ref);
    /** GET /images/json; @p filters as the API takes them, e.g. {"label": ["a=b"]}. */
    EngineCall *listImages(const QJsonObject &filters = {});
    EngineCall *removeImage(const QString &ref, bool force = false, bool noPrune = false);
    /** POST /images/{ref}/tag?repo=&tag=: names the image @p ref also as repo:tag. */
    EngineCall *tagImage(const QString &ref, const QString &repo, const QString &tag);
    /**
     * POST /images/{repo}/push?tag=, streaming the engine's progress (BuildStreamParser reads it). @p registryAuth
     * is the X-Registry-Auth value (RegistryAuth); it goes into the request header only, never into a log.
     */
    EngineCall *pushImage(const QString &repo, const QString &tag, const QByteArray &registryAuth);
    /** GET /containers/json?all=1 with @p filters, e.g. {"ancestor": ["sha256:..."]}. */
    EngineCall *listContainers(const QJsonObject &filters = {}, bool all = true);

    // Containers, networks and volumes (the test runner's calls). Calls that last as long as the container
    // (wait, followed logs) get no timeout.
    /** POST /containers/create; @p config as the API takes it (Image, Cmd, Labels, HostConfig, ...). */
    EngineCall *createContainer(const QJsonObject &config, const QString &name = {});
    EngineCall *startContainer(const QString &id);
    /** POST /containers/{id}/wait: answers {"StatusCode": N} when the container exits. */
    EngineCall *waitContainer(const QString &id);
    EngineCall *inspectContainer(const QString &id);
    /** GET /containers/{id}/logs with stdout and stderr; streaming. @p follow keeps it open until the container exits.
     */
    EngineCall *containerLogs(const QString &id, bool follow);
    /** DELETE /containers/{id}?force=1&v=1: stops it if it runs and removes its anonymous volumes. */
    EngineCall *removeContainer(const QString &id);
    EngineCall *listNetworks(const QJsonObject &filters = {});
    EngineCall *removeNetwork(const QString &id);
    EngineCall *listVolumes(const QJsonObject &filters = {});
    EngineCall *removeVolume(const QString &name);

    /** "/v1.47/build?..." from "/build?...", once a version is known. */
    QString versionedPath(const QString &pathAndQuery) const;

private:
    std::unique_ptr<EngineConnection> makeConnection() const;
    EngineCall *makeCall(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body,
                         QIODevice *upload, const QByteArray &contentType);

    EngineSpec m_spec;
    QString m_apiVersion;
    QString m_engineVersion;
    QJsonObject m_versionInfo;
    int m_defaultTimeoutMs = 0;
};

} // namespace mrc
