// SPDX-License-Identifier: Apache-2.0
#include "registry/registryclient.h"

#include "registry/contentdigest.h"
#include "registry/registryhost.h"
#include "registry/registrytransport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

namespace mrc {

using Request = RegistryTransport::Request;
using Response = RegistryTransport::Response;
using AuthKind = RegistryTransport::AuthKind;

RegistryClient::RegistryClient(const QString &registry, const RegistryCredentials &credentials,
                               const RegistryOptions &options, QObject *parent)
    : QObject(parent), m_transport(new RegistryTransport(registry, credentials, options, this)),
      m_registry(m_transport->registry())
{
}

RegistryClient::~RegistryClient() = default;

QString RegistryClient::baseUrl() const
{
    return m_transport->baseUrl();
}

bool RegistryClient::hasCredentials() const
{
    return m_transport->hasCredentials();
}

void RegistryClient::setCredentials(const RegistryCredentials &credentials)
{
    m_transport->setCredentials(credentials);
}

const RegistryOptions &RegistryClient::options() const
{
    return m_transport->options();
}

RegistryClient::Stats RegistryClient::stats() const
{
    return m_transport->stats();
}

RateLimit RegistryClient::lastRateLimit() const
{
    return m_transport->lastRateLimit();
}

QUrl RegistryClient::url(const QString &path) const
{
    return m_transport->url(path);
}

void RegistryClient::send(RegistryReply *reply, const Request &request, const Done &done)
{
    m_transport->send(reply, request, done);
}

void RegistryClient::failHttp(RegistryReply *reply, const Request &request, const Response &response,
                              const QString &what)
{
    m_transport->failHttp(reply, request, response, what);
}

QString RegistryClient::scope(const QString &repository, bool push)
{
    return QStringLiteral("repository:") + repository + (push ? QStringLiteral(":pull,push") : QStringLiteral(":pull"));
}

QUrl RegistryClient::nextLink(const QByteArray &linkHeader, const QUrl &base)
{
    // Link: <url>; rel="next", <url2>; rel="prev"
    const QString header = QString::fromLatin1(linkHeader);
    qsizetype pos = 0;
    while (true) {
        const qsizetype open = header.indexOf(QLatin1Char('<'), pos);
        if (open < 0)
            return {};
        const qsizetype close = header.indexOf(QLatin1Char('>'), open);
        if (close < 0)
            return {};
        const QString target = header.mid(open + 1, close - open - 1);
        qsizetype end = header.indexOf(QLatin1Char('<'), close);
        if (end < 0)
            end = header.size();
        const QString params = header.mid(close + 1, end - close - 1);
        static const QRegularExpression rel(QStringLiteral("rel\\s*=\\s*\"?([^\";,]*)\"?"),
                                            QRegularExpression::CaseInsensitiveOption);
        const QRegularExpressionMatch match = rel.match(params);
        if (match.hasMatch() && match.captured(1).split(QLatin1Char(' ')).contains(QLatin1String("next")))
            return base.resolved(QUrl(target));
        pos = close + 1;
    }
}

RegistryReply *RegistryClient::makeReply(const QString &repository, const QString &reference)
{
    return new RegistryReply(this, m_registry, RegistryHost::repositoryPath(m_registry, repository), reference);
}

RegistryReply *RegistryClient::ping()
{
    RegistryReply *reply = makeReply({}, {});
    QTimer::singleShot(0, reply, [this, reply] {
        Request request;
        request.url = url(QStringLiteral("/v2/"));
        request.anonymous = true;
        send(reply, request, [this, reply, request](const Response &response) {
            reply->m_apiVersion = QString::fromLatin1(response.header("docker-distribution-api-version"));
            if (response.status == 200) {
                m_transport->noteOpen();
                reply->finishWith(RegistryReply::NoError);
                return;
            }
            if (response.status == 401) {
                QString error;
                reply->m_challenges = RegistryTransport::challengesOf(response, &error);
                m_transport->noteChallenges(reply->m_challenges);
                if (!error.isEmpty())
                    reply->m_notes.append(QStringLiteral("malformed WWW-Authenticate header: %1").arg(error));
                reply->finishWith(RegistryReply::NoError);
                return;
            }
            if (response.status == 404) {
                reply->finishWith(
                    RegistryReply::ProtocolError,
                    QStringLiteral("%1 does not serve the registry API v2 (GET /v2/ answered 404)").arg(m_registry));
                return;
            }
            failHttp(reply, request, response, QStringLiteral("GET /v2/"));
        });
    });
    return reply;
}

RegistryReply *RegistryClient::login()
{
    RegistryReply *reply = makeReply({}, {});
    QTimer::singleShot(0, reply, [this, reply] {
        Request request;
        request.url = url(QStringLiteral("/v2/"));
        request.anonymous = true;
        send(reply, request, [this, reply, request](const Response &response) {
            if (response.status == 200) {
                // Nothing was sent, so nothing was checked: the caller must not say the credentials were accepted.
                reply->m_notes.append(QStringLiteral("%1 asks for no login").arg(m_registry));
                reply->finishWith(RegistryReply::NoError);
                return;
            }
            if (RegistryTransport::isRedirect(response.status)) {
                reply->finishWith(RegistryReply::ProtocolError,
                                  QStringLiteral("%1: GET /v2/ answered HTTP %2, a redirect to %3; mrc does not follow "
                                                 "a registry's redirects when logging in. If that is the registry, log "
                                                 "in to it by its own name.")
                                      .arg(m_registry)
                                      .arg(response.status)
                                      .arg(QString::fromLatin1(response.header("location")).left(200)));
                return;
            }
            if (response.status != 401) {
                failHttp(reply, request, response, QStringLiteral("GET /v2/"));
                return;
            }
            reply->m_challenges = RegistryTransport::challengesOf(response);
            m_transport->noteChallenges(reply->m_challenges);
            if (!m_transport->hasCredentials()) {
                reply->finishWith(RegistryReply::AuthenticationRequired,
                                  QStringLiteral("%1: no credentials to log in with").arg(m_registry));
                return;
            }
            if (m_transport->authKind() == AuthKind::Bearer) {
                // As `docker login`: a token for no scope proves the password.
                m_transport->fetchToken(reply, {}, [reply](const QString &) {
                    reply->m_credentialsChecked = true;
                    reply->finishWith(RegistryReply::NoError);
                });
                return;
            }
            if (m_transport->authKind() != AuthKind::Basic) {
                reply->finishWith(RegistryReply::ProtocolError,
                                  QStringLiteral("%1: GET /v2/ answered 401 without a Basic or Bearer challenge (with "
                                                 "a realm) to log in with")
                                      .arg(m_registry));
                return;
            }
            Request checked = request;
            checked.anonymous = false;
            send(reply, checked, [this, reply, checked](const Response &again) {
                if (again.status == 200) {
                    reply->m_credentialsChecked = true;
                    reply->finishWith(RegistryReply::NoError);
                    return;
                }
                failHttp(reply, checked, again, QStringLiteral("the login"));
            });
        });
    });
    return reply;
}

void RegistryClient::readPages(RegistryReply *reply, const QUrl &pageUrl, bool catalog)
{
    Request request;
    request.url = pageUrl;
    request.scope = catalog ? QStringLiteral("registry:catalog:*") : scope(reply->repository(), false);
    send(reply, request, [this, reply, request, catalog](const Response &response) {
        const QString what =
            catalog ? QStringLiteral("the catalog") : QStringLiteral("the tag list of %1").arg(reply->repository());
        if (response.status != 200) {
            failHttp(reply, request, response, what);
            return;
        }
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(response.body, &error);
        if (!document.isObject()) {
            reply->finishWith(RegistryReply::ProtocolError,
                              QStringLiteral("%1: %2 is not JSON (%3)").arg(m_registry, what, error.errorString()));
            return;
        }
        ++reply->m_pages;
        const QJsonArray names =
            document.object().value(catalog ? QStringLiteral("repositories") : QStringLiteral("tags")).toArray();
        for (const QJsonValue &name : names)
            (catalog ? reply->m_repositories : reply->m_tags).append(name.toString());
        const QUrl next = nextLink(response.header("link"), request.url);
        if (next.isEmpty()) {
            reply->finishWith(RegistryReply::NoError);
            return;
        }
        if (reply->m_pages >= 10000) {
            reply->finishWith(
                RegistryReply::ProtocolError,
                QStringLiteral("%1: %2 did not end after %3 pages").arg(m_registry, what).arg(reply->m_pages));
            return;
        }
        readPages(reply, next, catalog);
    });
}

RegistryReply *RegistryClient::tags(const QString &repository, int pageSize)
{
    RegistryReply *reply = makeReply(repository, {});
    QTimer::singleShot(0, reply, [this, reply, pageSize] {
        QUrl first = url(QStringLiteral("/v2/%1/tags/list").arg(reply->repository()));
        if (pageSize > 0)
            first.setQuery(QStringLiteral("n=%1").arg(pageSize));
        readPages(reply, first, false);
    });
    return reply;
}

RegistryReply *RegistryClient::catalog(int pageSize)
{
    RegistryReply *reply = makeReply({}, {});
    QTimer::singleShot(0, reply, [this, reply, pageSize] {
        QUrl first = url(QStringLiteral("/v2/_catalog"));
        if (pageSize > 0)
            first.setQuery(QStringLiteral("n=%1").arg(pageSize));
        readPages(reply, first, true);
    });
    return reply;
}

RegistryReply *RegistryClient::manifestDigest(const QString &repository, const QString &reference)
{
    RegistryReply *reply = makeReply(repository, reference);
    QTimer::singleShot(0, reply, [this, reply] {
        if (!checkReference(reply, reply->reference()))
            return;
        Request request;
        request.method = "HEAD";
        request.url = url(QStringLiteral("/v2/%1/manifests/%2").arg(reply->repository(), reply->reference()));
        request.scope = scope(reply->repository(), false);
        request.accept = RegistryManifest::acceptHeader();
        send(reply, request, [this, reply, request](const Response &response) {
            const QString what = QStringLiteral("the manifest %1:%2").arg(reply->repository(), reply->reference());
            if (response.status != 200) {
                failHttp(reply, request, response, what);
                return;
            }
            reply->m_mediaType = QString::fromLatin1(response.header("content-type")).section(QLatin1Char(';'), 0, 0);
            bool ok = false;
            const qint64 size = response.header("content-length").toLongLong(&ok);
            reply->m_size = ok ? size : -1;
            const QString sent = QString::fromLatin1(response.header("docker-content-digest"));
            QString why;
            if (!sent.isEmpty() && !ContentDigest::isValid(sent, &why)) {
                reply->finishWith(RegistryReply::ProtocolError,
                                  QStringLiteral("%1: %2 has the Docker-Content-Digest \"%3\", which is not a valid "
                                                 "digest: %4")
                                      .arg(m_registry, what, sent.left(100), why));
                return;
            }
            reply->m_digest = sent;
            if (!reply->m_digest.isEmpty()) {
                reply->finishWith(RegistryReply::NoError);
                return;
            }
            // No Docker-Content-Digest: hash the bytes of a GET instead.
            readManifest(reply, reply->reference(), false, false, [reply] {
                reply->m_notes.append(QStringLiteral("the registry sent no Docker-Content-Digest on HEAD; the "
                                                     "digest was computed from a GET"));
                reply->finishWith(RegistryReply::NoError);
            });
        });
    });
    return reply;
}

bool RegistryClient::checkReference(RegistryReply *reply, const QString &reference)
{
    QString why;
    if (ContentDigest::isReference(reference, &why))
        return true;
    reply->finishWith(
        RegistryReply::ProtocolError,
        QStringLiteral("%1: refusing to ask for the manifest of %2: %3").arg(m_registry, reply->repository(), why));
    return false;
}

void RegistryClient::readManifest(RegistryReply *reply, const QString &reference, bool resolve, bool push,
                                  const std::function<void()> &next)
{
    if (!checkReference(reply, reference))
        return;
    Request request;
    request.url = url(QStringLiteral("/v2/%1/manifests/%2").arg(reply->repository(), reference));
    request.scope = scope(reply->repository(), push);
    request.accept = RegistryManifest::acceptHeader();
    send(reply, request, [this, reply, request, reference, resolve, push, next](const Response &response) {
        const QString name = QStringLiteral("%1:%2").arg(reply->repository(), reference);
        if (response.status != 200) {
            failHttp(reply, request, response, QStringLiteral("the manifest ") + name);
            return;
        }
        QString error;
        const QString contentType = QString::fromLatin1(response.header("content-type"));
        const RegistryManifest manifest = RegistryManifest::parse(response.body, contentType, &error);
        if (manifest.kind == RegistryManifest::Unknown) {
            reply->finishWith(RegistryReply::ProtocolError, QStringLiteral("%1: %2: %3").arg(m_registry, name, error));
            return;
        }
        const QString sent = QString::fromLatin1(response.header("docker-content-digest"));
        QString why;
        if (!sent.isEmpty() && !ContentDigest::isValid(sent, &why)) {
            reply->finishWith(RegistryReply::ProtocolError,
                              QStringLiteral("%1: %2: the Docker-Content-Digest \"%3\" is not a valid digest: %4")
                                  .arg(m_registry, name, sent.left(100), why));
            return;
        }
        if (!sent.isEmpty() && !ContentDigest::matches(response.body, sent)) {
            reply->finishWith(RegistryReply::ProtocolError,
                              QStringLiteral("%1: %2: the manifest's bytes hash to %3, but the registry says %4")
                                  .arg(m_registry, name, manifest.digest, sent));
            return;
        }
        if (reference.contains(QLatin1Char(':')) && !ContentDigest::matches(response.body, reference)) {
            reply->finishWith(RegistryReply::ProtocolError,
                              QStringLiteral("%1: asked for %2 but got a manifest whose digest is %3")
                                  .arg(m_registry, name, manifest.digest));
            return;
        }
        if (resolve && manifest.isList()) {
            const Descriptor *entry = manifest.find(QLatin1String(PlatformOs), QLatin1String(PlatformArchitecture));
            if (!entry) {
                QStringList platforms;
                for (const Descriptor &d : manifest.manifests)
                    platforms.append(d.platform());
                reply->finishWith(RegistryReply::ProtocolError,
                                  QStringLiteral("%1: %2 is a %3 without %4/%5 (it has: %6)")
                                      .arg(m_registry, name, RegistryManifest::kindName(manifest.kind),
                                           QLatin1String(PlatformOs), QLatin1String(PlatformArchitecture),
                                           platforms.join(QStringLiteral(", "))));
                return;
            }
            reply->m_indexDigest = manifest.digest;
            reply->m_platform = entry->platform();
            reply->m_notes.append(
                QStringLiteral("%1 is a %2; chose %3 (%4)")
                    .arg(name, RegistryManifest::kindName(manifest.kind), entry->platform(), entry->digest));
            readManifest(reply, entry->digest, false, push, next);
            return;
        }
        reply->m_manifest = manifest;
        reply->m_digest = manifest.digest;
        reply->m_mediaType = manifest.mediaType;
        reply->m_size = manifest.raw.size();
        next();
    });
}

RegistryReply *RegistryClient::manifest(const QString &repository, const QString &reference)
{
    RegistryReply *reply = makeReply(repository, reference);
    QTimer::singleShot(0, reply, [this, reply] {
        readManifest(reply, reply->reference(), true, false, [reply] { reply->finishWith(RegistryReply::NoError); });
    });
    return reply;
}

RegistryReply *RegistryClient::rawManifest(const QString &repository, const QString &reference)
{
    RegistryReply *reply = makeReply(repository, reference);
    QTimer::singleShot(0, reply, [this, reply] {
        readManifest(reply, reply->reference(), false, false, [reply] { reply->finishWith(RegistryReply::NoError); });
    });
    return reply;
}

RegistryReply *RegistryClient::config(const QString &repository, const QString &reference)
{
    RegistryReply *reply = makeReply(repository, reference);
    QTimer::singleShot(0, reply, [this, reply] {
        readManifest(reply, reply->reference(), true, false, [this, reply] {
            const Descriptor config = reply->m_manifest.config;
            QString why;
            if (!ContentDigest::isValid(config.digest, &why)) { // parse() refuses these; never let one into a URL
                reply->finishWith(RegistryReply::ProtocolError,
                                  QStringLiteral("%1: the config digest is not valid: %2").arg(m_registry, why));
                return;
            }
            Request request;
            request.url = url(QStringLiteral("/v2/%1/blobs/%2").arg(reply->repository(), config.digest));
            request.scope = scope(reply->repository(), false);
            request.followRedirects = true;
            send(reply, request, [this, reply, request, config](const Response &response) {
                const QString what = QStringLiteral("the config blob %1 of %2:%3")
                                         .arg(config.digest, reply->repository(), reply->reference());
                if (response.status != 200) {
                    failHttp(reply, request, response, what);
                    return;
                }
                if (!ContentDigest::matches(response.body, config.digest)) {
                    reply->finishWith(RegistryReply::ProtocolError,
                                      QStringLiteral("%1: %2 does not hash to its digest").arg(m_registry, what));
                    return;
                }
                QJsonParseError error;
                const QJsonDocument document = QJsonDocument::fromJson(response.body, &error);
                if (!document.isObject()) {
                    reply->finishWith(
                        RegistryReply::ProtocolError,
                        QStringLiteral("%1: %2 is not JSON (%3)").arg(m_registry, what, error.errorString()));
                    return;
                }
                reply->m_config = document.object();
                reply->finishWith(RegistryReply::NoError);
            });
        });
    });
    return reply;
}

RegistryReply *RegistryClient::putManifest(const QString &repository, const QString &tag, const QByteArray &raw,
                                           const QString &mediaType)
{
    RegistryReply *reply = makeReply(repository, tag);
    QTimer::singleShot(0, reply, [this, reply, raw, mediaType] {
        if (!checkReference(reply, reply->reference()))
            return;
        Request request;
        request.method = "PUT";
        request.url = url(QStringLiteral("/v2/%1/manifests/%2").arg(reply->repository(), reply->reference()));
        request.scope = scope(reply->repository(), true);
        request.contentType = mediaType.toLatin1();
        request.body = raw;
        send(reply, request, [this, reply, request, raw, mediaType](const Response &response) {
            const QString name = QStringLiteral("%1:%2").arg(reply->repository(), reply->reference());
            if (response.status != 201 && response.status != 200) {
                failHttp(reply, request, response, QStringLiteral("writing the manifest ") + name);
                return;
            }
            const QString expected = RegistryManifest::digestOf(raw);
            const QString sent = QString::fromLatin1(response.header("docker-content-digest"));
            if (!sent.isEmpty() && sent != expected) {
                reply->finishWith(RegistryReply::ProtocolError,
                                  QStringLiteral("%1: %2 was stored with digest %3, but its bytes hash to %4")
                                      .arg(m_registry, name, sent, expected));
                return;
            }
            reply->m_digest = expected;
            reply->m_mediaType = mediaType;
            reply->m_size = raw.size();
            reply->finishWith(RegistryReply::NoError);
        });
    });
    return reply;
}

RegistryReply *RegistryClient::checkPush(const QString &repository)
{
    RegistryReply *reply = makeReply(repository, {});
    QTimer::singleShot(0, reply, [this, reply] {
        Request request;
        request.method = "POST";
        request.url = url(QStringLiteral("/v2/%1/blobs/uploads/").arg(reply->repository()));
        request.scope = scope(reply->repository(), true);
        send(reply, request, [this, reply, request](const Response &response) {
            if (response.status != 202) {
                failHttp(reply, request, response, QStringLiteral("checking push rights on ") + reply->repository());
                return;
            }
            // The session stays empty and unfinished: no blob is written, and the registry's upload purge removes
            // it. Cancelling it (DELETE) would need the delete right, which a pushing account need not have.
            reply->finishWith(RegistryReply::NoError);
        });
    });
    return reply;
}

RegistryReply *RegistryClient::copyManifest(const QString &repository, const QString &fromReference,
                                            const QString &toTag)
{
    RegistryReply *reply = makeReply(repository, toTag);
    QTimer::singleShot(0, reply, [this, reply, fromReference] {
        if (!checkReference(reply, reply->reference()))
            return;
        // One pull,push token for both steps.
        readManifest(reply, fromReference, false, true, [this, reply, fromReference] {
            const RegistryManifest source = reply->m_manifest;
            Request request;
            request.method = "PUT";
            request.url = url(QStringLiteral("/v2/%1/manifests/%2").arg(reply->repository(), reply->reference()));
            request.scope = scope(reply->repository(), true);
            request.contentType = source.mediaType.toLatin1();
            request.body = source.raw;
            send(reply, request, [this, reply, request, source, fromReference](const Response &response) {
                const QString name = QStringLiteral("%1:%2").arg(reply->repository(), reply->reference());
                if (response.status != 201 && response.status != 200) {
                    failHttp(reply, request, response, QStringLiteral("writing the manifest ") + name);
                    return;
                }
                const QString sent = QString::fromLatin1(response.header("docker-content-digest"));
                if (!sent.isEmpty() && sent != source.digest) {
                    reply->finishWith(
                        RegistryReply::ProtocolError,
                        QStringLiteral("%1: %2 was stored with digest %3, not the %4 of %5:%6")
                            .arg(m_registry, name, sent, source.digest, reply->repository(), fromReference));
                    return;
                }
                reply->m_notes.append(
                    QStringLiteral("%1 now points at %2 (%3), copied from %4 without moving a blob")
                        .arg(name, source.digest, RegistryManifest::kindName(source.kind), fromReference));
                reply->finishWith(RegistryReply::NoError);
            });
        });
    });
    return reply;
}

} // namespace mrc
