// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "registry/registryreply.h"
#include "registry/registrytransport.h"
#include "registry/registrytypes.h"

#include <QObject>
#include <QUrl>
#include <functional>

namespace mrc {

/**
 * The Distribution API v2 of one registry, as Docker Hub speaks it.
 *
 * Authentication follows the registry's WWW-Authenticate challenge: Basic sends the credentials; Bearer gets
 * a token from the realm (GET realm?service=&scope=, with Basic credentials when given, anonymous otherwise),
 * cached per scope until it expires, renewed early or after a 401. Credentials and tokens are never logged.
 *
 * HTTPS with verification by default; plain HTTP for loopback registries and RegistryOptions::insecureRegistries
 * (RegistryHost). Transient failures (5xx, connection reset, timeout) are retried with exponential back-off.
 *
 * All calls are asynchronous on the client's thread and return a RegistryReply (a child of the client).
 * Repositories are paths such as "monasca/api"; references are tags or "sha256:..." digests.
 */
class RegistryClient : public QObject
{
    Q_OBJECT
public:
    /** The platform chosen from a manifest list or OCI index. */
    static constexpr const char *PlatformOs = "linux";
    static constexpr const char *PlatformArchitecture = "amd64";

    /** Counters for diagnostics and tests. */
    using Stats = RegistryTransport::Stats;

    /** @p registry: "127.0.0.1:5000", "registry.example.org", "docker.io". */
    explicit RegistryClient(const QString &registry, const RegistryCredentials &credentials = {},
                            const RegistryOptions &options = {}, QObject *parent = nullptr);
    ~RegistryClient() override;

    QString registry() const { return m_registry; }
    /** "http://127.0.0.1:5000" or "https://registry-1.docker.io". */
    QString baseUrl() const;
    bool hasCredentials() const;
    /** Replaces the credentials and drops every cached token. */
    void setCredentials(const RegistryCredentials &credentials);
    const RegistryOptions &options() const;
    Stats stats() const;
    /** The rate limit of the last response that carried one. */
    RateLimit lastRateLimit() const;

    /** GET /v2/ without credentials: reachable, API version, challenges(). A 401 with a challenge is ok(). */
    RegistryReply *ping();
    /** Checks the credentials as `docker login` does: a token without scope (Bearer) or GET /v2/ (Basic). */
    RegistryReply *login();
    /**
     * GET /v2/<repo>/tags/list, following the Link header page by page; @p pageSize > 0 adds n=. Registries
     * that do not page tags (distribution 2.8) answer everything at once, which is just as good.
     */
    RegistryReply *tags(const QString &repository, int pageSize = 0);
    /** GET /v2/_catalog (scope registry:catalog:*), page by page like tags(); Docker Hub has none. */
    RegistryReply *catalog(int pageSize = 0);
    /** HEAD of the manifest: digest() from Docker-Content-Digest, mediaType(), size(). No platform choice. */
    RegistryReply *manifestDigest(const QString &repository, const QString &reference);
    /**
     * GET of the manifest with all four media types accepted. A manifest list or OCI index is resolved to its
     * linux/amd64 image manifest (indexDigest(), platform() and a note say so); no such entry is an error.
     */
    RegistryReply *manifest(const QString &repository, const QString &reference);
    /** GET of the manifest as stored: a list stays a list. manifest().raw holds the exact bytes. */
    RegistryReply *rawManifest(const QString &repository, const QString &reference);
    /** manifest(), then the config blob: config() and labels() (config.Labels). */
    RegistryReply *config(const QString &repository, const QString &reference);
    /** PUT of @p raw under @p tag with @p mediaType as Content-Type; digest() is checked against the bytes. */
    RegistryReply *putManifest(const QString &repository, const QString &tag, const QByteArray &raw,
                               const QString &mediaType);
    /**
     * Promotion without transfer: GET the manifest of @p fromReference as stored (a list stays a list), PUT the
     * same bytes under @p toTag in the same repository. No blob moves. digest() is the (unchanged) digest.
     */
    RegistryReply *copyManifest(const QString &repository, const QString &fromReference, const QString &toTag);

    /**
     * Push rights, checked before anything moves: opens a blob upload session (POST /v2/<repo>/blobs/uploads/,
     * with a pull,push token where the registry wants one) and leaves it empty for the registry's upload purge
     * (cancelling needs the delete right). No blob is written.
     */
    RegistryReply *checkPush(const QString &repository);

    /** "repository:monasca/api:pull" or "...:pull,push". */
    static QString scope(const QString &repository, bool push);
    /** The URL of rel="next" in a Link header (`<url>; rel="next"`), resolved against @p base; else empty. */
    static QUrl nextLink(const QByteArray &linkHeader, const QUrl &base);

private:
    using Request = RegistryTransport::Request;
    using Response = RegistryTransport::Response;
    using Done = RegistryTransport::Done;

    RegistryReply *makeReply(const QString &repository, const QString &reference);
    /** A tag or a valid digest may go into a URL; anything else fails @p reply (ProtocolError). */
    bool checkReference(RegistryReply *reply, const QString &reference);
    QUrl url(const QString &path) const;
    void send(RegistryReply *reply, const Request &request, const Done &done);
    void failHttp(RegistryReply *reply, const Request &request, const Response &response, const QString &what);
    void readManifest(RegistryReply *reply, const QString &reference, bool resolve, bool push,
                      const std::function<void()> &next);
    void readPages(RegistryReply *reply, const QUrl &url, bool catalog);

    RegistryTransport *m_transport;
    QString m_registry;
};

} // namespace mrc
