// SPDX-License-Identifier: Apache-2.0
#include "registry/registryclient.h"

#include "registry/contentdigest.h"
#include "registry/registryhost.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QRegularExpression>
#include <QTimer>
#include <QUrlQuery>

namespace mrc {

Q_LOGGING_CATEGORY(lcRegistry, "mrc.registry", QtWarningMsg)

namespace {

bool isTransientStatus(int status)
{
    return status == 500 || status == 502 || status == 503 || status == 504;
}

bool isTransientNetworkError(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError: // the transfer timeout
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::ProxyConnectionClosedError:
    case QNetworkReply::UnknownNetworkError:
        return true;
    default:
        return false;
    }
}

constexpr const char *OverSizeProperty = "mrcOverSize";
constexpr const char *DeadlineProperty = "mrcDeadline";

bool isRedirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// The registry's {"errors": [{"code", "message"}]}, as "CODE: message; ...".
QString registryErrors(const QByteArray &body)
{
    const QJsonArray errors = QJsonDocument::fromJson(body).object().value(QStringLiteral("errors")).toArray();
    QStringList parts;
    for (const QJsonValue &error : errors) {
        const QJsonObject object = error.toObject();
        const QString code = object.value(QStringLiteral("code")).toString();
        const QString message = object.value(QStringLiteral("message")).toString();
        parts.append(code.isEmpty() ? message : message.isEmpty() ? code : code + QStringLiteral(": ") + message);
    }
    return parts.join(QStringLiteral("; "));
}

QString hostOf(const QUrl &url)
{
    return url.port() > 0 ? url.host() + QLatin1Char(':') + QString::number(url.port()) : url.host();
}

} // namespace

QByteArray RegistryClient::Response::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

RegistryClient::RegistryClient(const QString &registry, const RegistryCredentials &credentials,
                               const RegistryOptions &options, QObject *parent)
    : QObject(parent),
      m_registry(registry.trimmed()),
      m_baseUrl(RegistryHost::baseUrl(registry, options.insecureRegistries)),
      m_credentials(credentials),
      m_options(options),
      m_network(new QNetworkAccessManager(this))
{
    // Redirects are followed by hand: an Authorization header must never go to a blob store on another host.
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

RegistryClient::~RegistryClient() = default;

void RegistryClient::setCredentials(const RegistryCredentials &credentials)
{
    m_credentials = credentials;
    m_tokens.clear();
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

QString RegistryClient::who() const
{
    return m_credentials.isEmpty() ? QStringLiteral("anonymous access")
                                   : QStringLiteral("user \"%1\"").arg(m_credentials.username);
}

QByteArray RegistryClient::basicAuthorization() const
{
    return "Basic " + (m_credentials.username + QLatin1Char(':') + m_credentials.password).toUtf8().toBase64();
}

QUrl RegistryClient::url(const QString &path) const
{
    return QUrl(m_baseUrl + path);
}

RegistryReply *RegistryClient::makeReply(const QString &repository, const QString &reference)
{
    return new RegistryReply(this, m_registry, RegistryHost::repositoryPath(m_registry, repository), reference);
}

void RegistryClient::noteChallenges(const QList<AuthChallenge> &challenges)
{
    for (const AuthChallenge &challenge : challenges) {
        if (challenge.isBearer() && !challenge.param(QStringLiteral("realm")).isEmpty()) {
            if (m_realm != challenge.param(QStringLiteral("realm"))
                || m_service != challenge.param(QStringLiteral("service")))
                m_tokens.clear();
            m_authKind = AuthKind::Bearer;
            m_realm = challenge.param(QStringLiteral("realm"));
            m_service = challenge.param(QStringLiteral("service"));
            return;
        }
    }
    for (const AuthChallenge &challenge : challenges) {
        if (challenge.isBasic()) {
            m_authKind = AuthKind::Basic;
            return;
        }
    }
}

void RegistryClient::bound(QNetworkReply *network)
{
    const qint64 cap = m_options.maxReplyBytes;
    auto over = [network, cap](qint64 bytes) {
        if (cap <= 0 || bytes <= cap || network->property(OverSizeProperty).toBool())
            return;
        network->setProperty(OverSizeProperty, true);
        network->abort();
    };
    // A Content-Length over the cap ends the reply before its body arrives; without one, the bytes received do.
    connect(network, &QNetworkReply::metaDataChanged, network, [network, over] {
        bool ok = false;
        const qint64 length = network->header(QNetworkRequest::ContentLengthHeader).toLongLong(&ok);
        if (ok)
            over(length);
    });
    connect(network, &QNetworkReply::downloadProgress, network, [over](qint64 received, qint64) { over(received); });
    if (m_options.requestDeadlineMs > 0) {
        // The transfer timeout restarts with every byte; this one does not, so a trickle cannot hold a request.
        auto *deadline = new QTimer(network);
        deadline->setSingleShot(true);
        connect(deadline, &QTimer::timeout, network, [network] {
            if (network->isRunning()) {
                network->setProperty(DeadlineProperty, true);
                network->abort();
            }
        });
        deadline->start(m_options.requestDeadlineMs);
    }
}

bool RegistryClient::failedBounds(RegistryReply *reply, QNetworkReply *network, const QString &host)
{
    if (network->property(OverSizeProperty).toBool()) {
        reply->finishWith(RegistryReply::ProtocolError,
                          QStringLiteral("reply over %1 MB from %2 (for %3): refused, nothing of it was used")
                              .arg(m_options.maxReplyBytes / (1024 * 1024))
                              .arg(host, network->url().path()));
        return true;
    }
    if (network->property(DeadlineProperty).toBool()) {
        reply->finishWith(RegistryReply::Timeout,
                          QStringLiteral("%1 did not finish its reply to %2 within %3 s; gave up. Check the network "
                                         "and the registry.")
                              .arg(host, network->url().path())
                              .arg(m_options.requestDeadlineMs / 1000.0));
        return true;
    }
    return false;
}

void RegistryClient::retryLater(RegistryReply *reply, int attempt, const std::function<void()> &again)
{
    ++m_stats.transientRetries;
    const int delay = m_options.backoffMs * (1 << std::min(attempt, 10));
    QTimer::singleShot(delay, reply, again);
}

void RegistryClient::failNetwork(RegistryReply *reply, const QString &host, QNetworkReply *network)
{
    const QNetworkReply::NetworkError error = network->error();
    const QString detail = network->errorString();
    if (error == QNetworkReply::SslHandshakeFailedError) {
        reply->finishWith(RegistryReply::TlsError,
                          QStringLiteral("%1: the TLS certificate was not accepted (%2). Install the registry's CA "
                                         "certificate in the system store, or list %1 as an insecure registry if "
                                         "it is yours and on a trusted network.")
                              .arg(host, detail));
    } else if (error == QNetworkReply::OperationCanceledError || error == QNetworkReply::TimeoutError) {
        reply->finishWith(RegistryReply::Timeout,
                          QStringLiteral("%1 did not answer within %2 s (after %3 retries). Check the network "
                                         "and the registry.")
                              .arg(host)
                              .arg(m_options.requestTimeoutMs / 1000.0)
                              .arg(m_options.retries));
    } else {
        reply->finishWith(RegistryReply::Unreachable,
                          QStringLiteral("cannot reach %1: %2. Check the registry address and that it runs.")
                              .arg(host, detail));
    }
}

void RegistryClient::failHttp(RegistryReply *reply, const Request &request, const Response &response,
                              const QString &what)
{
    const QString detail = registryErrors(response.body);
    const QString where = QStringLiteral("%1: %2 %3 answered %4%5")
                              .arg(m_registry, QString::fromLatin1(request.method), request.url.path())
                              .arg(response.status)
                              .arg(detail.isEmpty() ? QString() : QStringLiteral(" (") + detail + QLatin1Char(')'));
    if (response.status == 404) {
        reply->finishWith(RegistryReply::NotFound, QStringLiteral("%1: %2 not found. %3").arg(m_registry, what, where));
    } else if (response.status == 403) {
        reply->finishWith(RegistryReply::Denied,
                          QStringLiteral("%1: %2 is not allowed for %3. %4").arg(m_registry, what, who(), where));
    } else if (response.status == 429) {
        const QString rate = m_rateLimit.text();
        reply->finishWith(RegistryReply::HttpError,
                          QStringLiteral("%1: rate limit reached%2; try again later. %3")
                              .arg(m_registry, rate.isEmpty() ? QString() : QStringLiteral(" (") + rate + QLatin1Char(')'),
                                   where));
    } else {
        reply->finishWith(RegistryReply::HttpError, QStringLiteral("%1 failed. %2").arg(what, where));
    }
}

void RegistryClient::authorize(RegistryReply *reply, const QString &scope, const std::function<void(QByteArray)> &next)
{
    if (m_authKind == AuthKind::Basic && !m_credentials.isEmpty()) {
        next(basicAuthorization());
        return;
    }
    if (m_authKind != AuthKind::Bearer) {
        next({});
        return;
    }
    const QString cached = m_tokens.token(TokenCache::key(m_realm, m_service, scope), QDateTime::currentDateTimeUtc());
    if (!cached.isEmpty()) {
        next("Bearer " + cached.toLatin1());
        return;
    }
    fetchToken(reply, scope, [next](const QString &token) { next("Bearer " + token.toLatin1()); });
}

void RegistryClient::fetchToken(RegistryReply *reply, const QString &scope, const std::function<void(QString)> &next,
                                int attempt)
{
    QUrl realm(m_realm);
    const QString realmHost = hostOf(realm);
    if (!realm.isValid() || (realm.scheme() != QLatin1String("https") && realm.scheme() != QLatin1String("http"))) {
        reply->finishWith(RegistryReply::ProtocolError,
                          QStringLiteral("%1: the token realm \"%2\" is not an http(s) URL").arg(m_registry, m_realm));
        return;
    }
    // Credentials go to a plain-HTTP token server only where Docker would use plain HTTP itself.
    if (realm.scheme() == QLatin1String("http") && !m_credentials.isEmpty()
        && RegistryHost::scheme(realmHost, m_options.insecureRegistries) != QLatin1String("http")) {
        reply->finishWith(RegistryReply::ProtocolError,
                          QStringLiteral("%1: refusing to send credentials to the token server %2 over plain HTTP; "
                                         "list %2 as an insecure registry if that is intended.")
                              .arg(m_registry, realmHost));
        return;
    }
    // Nor to a token server on another host unless over https: a registry must not be able to send the password
    // in the clear to a host of its choosing.
    const QString registryHost = QUrl(m_baseUrl).host();
    if (realm.scheme() != QLatin1String("https") && !m_credentials.isEmpty() &&
        realm.host().compare(registryHost, Qt::CaseInsensitive) != 0) {
        reply->finishWith(RegistryReply::ProtocolError,
                          QStringLiteral("%1: refusing to send the credentials of %2 to the token server %3: its realm "
                                         "%4 is on another host than the registry (%5) and not https. A registry "
                                         "may send credentials to another host only over https.")
                              .arg(m_registry, who(), realmHost, realm.toString(QUrl::RemoveQuery), registryHost));
        return;
    }
    QUrlQuery query(realm);
    if (!m_service.isEmpty())
        query.addQueryItem(QStringLiteral("service"), m_service);
    if (!scope.isEmpty())
        query.addQueryItem(QStringLiteral("scope"), scope);
    if (!m_credentials.isEmpty())
        query.addQueryItem(QStringLiteral("account"), m_credentials.username);
    realm.setQuery(query);

    QNetworkRequest request(realm);
    request.setTransferTimeout(m_options.requestTimeoutMs);
    if (!m_credentials.isEmpty())
        request.setRawHeader("Authorization", basicAuthorization());
    ++m_stats.requests;
    ++reply->m_requests;
    QNetworkReply *network = m_network->get(request);
    bound(network);
    reply->setNetworkReply(network);
    qCDebug(lcRegistry) << "token request to" << realmHost << "for" << (scope.isEmpty() ? QStringLiteral("(login)") : scope);
    connect(network, &QNetworkReply::finished, reply, [this, reply, network, scope, next, attempt, realmHost] {
        network->deleteLater();
        if (reply->isFinished())
            return;
        reply->setNetworkReply(nullptr);
        if (failedBounds(reply, network, QStringLiteral("the token server %1").arg(realmHost)))
            return;
        const int status = network->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 0) {
            if (isTransientNetworkError(network->error()) && attempt < m_options.retries) {
                retryLater(reply, attempt, [=, this] { fetchToken(reply, scope, next, attempt + 1); });
                return;
            }
            failNetwork(reply, QStringLiteral("the token server %1").arg(realmHost), network);
            return;
        }
        const QByteArray body = network->readAll();
        if (isTransientStatus(status) && attempt < m_options.retries) {
            retryLater(reply, attempt, [=, this] { fetchToken(reply, scope, next, attempt + 1); });
            return;
        }
        if (status == 401 || status == 403) {
            if (m_credentials.isEmpty())
                reply->finishWith(RegistryReply::AuthenticationRequired,
                                  QStringLiteral("%1: the token server %2 refused anonymous access (HTTP %3); log in.")
                                      .arg(m_registry, realmHost)
                                      .arg(status));
            else
                reply->finishWith(RegistryReply::AuthenticationFailed,
                                  QStringLiteral("%1: the token server %2 rejected the credentials of %3 (HTTP %4). "
                                                 "Check the user name and password.")
                                      .arg(m_registry, realmHost, who())
                                      .arg(status));
            return;
        }
        if (isRedirect(status)) {
            reply->finishWith(RegistryReply::ProtocolError,
                              QStringLiteral("%1: the token server %2 answered HTTP %3, a redirect to %4; mrc does not "
                                             "follow a token server's redirects with credentials. Fix the realm of the "
                                             "registry's WWW-Authenticate challenge.")
                                  .arg(m_registry, realmHost)
                                  .arg(status)
                                  .arg(QString::fromLatin1(network->rawHeader("location")).left(200)));
            return;
        }
        if (status != 200) {
            const QString detail = registryErrors(body);
            reply->finishWith(RegistryReply::HttpError,
                              QStringLiteral("%1: the token server %2 answered HTTP %3%4")
                                  .arg(m_registry, realmHost)
                                  .arg(status)
                                  .arg(detail.isEmpty() ? QString() : QStringLiteral(" (") + detail + QLatin1Char(')')));
            return;
        }
        const QJsonObject object = QJsonDocument::fromJson(body).object();
        QString token = object.value(QStringLiteral("token")).toString();
        if (token.isEmpty())
            token = object.value(QStringLiteral("access_token")).toString();
        if (token.isEmpty()) {
            reply->finishWith(RegistryReply::ProtocolError,
                              QStringLiteral("%1: the token server %2 sent no token").arg(m_registry, realmHost));
            return;
        }
        ++m_stats.tokenFetches;
        const QDateTime issued = QDateTime::fromString(object.value(QStringLiteral("issued_at")).toString(), Qt::ISODate);
        m_tokens.insert(TokenCache::key(m_realm, m_service, scope), token, issued,
                        object.value(QStringLiteral("expires_in")).toInt(), m_options.minimumTokenLifetimeSeconds,
                        QDateTime::currentDateTimeUtc());
        next(token);
    });
}

void RegistryClient::send(RegistryReply *reply, const Request &request, const Done &done, int attempt, int authRound)
{
    if (reply->isFinished())
        return;
    auto issue = [this, reply, request, done, attempt, authRound](const QByteArray &authorization) {
        if (reply->isFinished())
            return;
        QNetworkRequest network(request.url);
        network.setTransferTimeout(m_options.requestTimeoutMs);
        if (!request.accept.isEmpty())
            network.setRawHeader("Accept", request.accept);
        if (!request.contentType.isEmpty())
            network.setHeader(QNetworkRequest::ContentTypeHeader, request.contentType);
        if (!authorization.isEmpty())
            network.setRawHeader("Authorization", authorization);
        ++m_stats.requests;
        ++reply->m_requests;
        QNetworkReply *sent = nullptr;
        if (request.method == "GET")
            sent = m_network->get(network);
        else if (request.method == "HEAD")
            sent = m_network->head(network);
        else if (request.method == "PUT")
            sent = m_network->put(network, request.body);
        else
            sent = m_network->sendCustomRequest(network, request.method, request.body);
        bound(sent);
        reply->setNetworkReply(sent);
        const bool sentAuth = !authorization.isEmpty();
        connect(sent, &QNetworkReply::finished, reply, [=, this] {
            sent->deleteLater();
            if (reply->isFinished())
                return;
            reply->setNetworkReply(nullptr);
            if (failedBounds(reply, sent, hostOf(request.url)))
                return;
            Response response;
            response.status = sent->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            qCDebug(lcRegistry) << request.method << request.url.toString(QUrl::RemoveQuery) << "->" << response.status;
            if (response.status == 0) {
                if (isTransientNetworkError(sent->error()) && attempt < m_options.retries) {
                    retryLater(reply, attempt, [=, this] { send(reply, request, done, attempt + 1, authRound); });
                    return;
                }
                failNetwork(reply, hostOf(request.url), sent);
                return;
            }
            response.body = sent->readAll();
            response.headers = sent->rawHeaderPairs();
            reply->m_status = response.status;
            const RateLimit rate = RateLimit::fromHeaders(response.header("ratelimit-limit"),
                                                          response.header("ratelimit-remaining"));
            if (rate.isValid()) {
                m_rateLimit = rate;
                reply->m_rateLimit = rate;
            }
            if (isTransientStatus(response.status) && attempt < m_options.retries) {
                retryLater(reply, attempt, [=, this] { send(reply, request, done, attempt + 1, authRound); });
                return;
            }
            if (request.followRedirects && isRedirect(response.status)) {
                const QUrl location = request.url.resolved(QUrl(QString::fromLatin1(response.header("location"))));
                Request next = request;
                next.url = location;
                // Another host (a blob store) gets no Authorization: the URL carries its own signature.
                next.anonymous = next.anonymous || hostOf(location) != hostOf(request.url)
                                 || location.scheme() != request.url.scheme();
                next.followRedirects = authRound + attempt < 10;
                send(reply, next, done, attempt, authRound + 1);
                return;
            }
            if (response.status == 401 && !request.anonymous) {
                QList<QByteArray> values;
                for (const auto &[name, value] : response.headers) {
                    if (name.compare("www-authenticate", Qt::CaseInsensitive) == 0)
                        values.append(value);
                }
                const QList<AuthChallenge> challenges = WwwAuthenticate::parse(values);
                noteChallenges(challenges);
                const AuthChallenge *bearer = nullptr;
                for (const AuthChallenge &challenge : challenges) {
                    if (challenge.isBearer())
                        bearer = &challenge;
                }
                const bool canRetry = authRound == 0 && (m_authKind == AuthKind::Bearer
                                                         || (m_authKind == AuthKind::Basic && !m_credentials.isEmpty()
                                                             && !sentAuth));
                if (canRetry) {
                    // A cached token the registry no longer takes (expired, revoked): get a new one.
                    m_tokens.remove(TokenCache::key(m_realm, m_service, request.scope));
                    ++m_stats.authRetries;
                    send(reply, request, done, attempt, authRound + 1);
                    return;
                }
                const QString action = QStringLiteral("%1 %2").arg(QString::fromLatin1(request.method), request.url.path());
                if (bearer && bearer->param(QStringLiteral("error")) == QLatin1String("insufficient_scope")) {
                    reply->finishWith(m_credentials.isEmpty() ? RegistryReply::AuthenticationRequired
                                                              : RegistryReply::Denied,
                                      QStringLiteral("%1: %2 was denied to %3: the token does not grant \"%4\"%5")
                                          .arg(m_registry, action, who(), bearer->param(QStringLiteral("scope")),
                                               m_credentials.isEmpty() ? QStringLiteral("; log in.")
                                                                       : QStringLiteral(".")));
                    return;
                }
                if (m_credentials.isEmpty()) {
                    reply->finishWith(RegistryReply::AuthenticationRequired,
                                      QStringLiteral("%1: %2 needs a login (HTTP 401).").arg(m_registry, action));
                } else {
                    reply->finishWith(RegistryReply::AuthenticationFailed,
                                      QStringLiteral("%1: the registry rejected the credentials of %2 for %3 (HTTP "
                                                     "401). Check the user name and password.")
                                          .arg(m_registry, who(), action));
                }
                return;
            }
            done(response);
        });
    };
    if (request.anonymous)
        issue({});
    else
        authorize(reply, request.scope, issue);
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
                m_authKind = m_authKind == AuthKind::Unknown ? AuthKind::None : m_authKind;
                reply->finishWith(RegistryReply::NoError);
                return;
            }
            if (response.status == 401) {
                QList<QByteArray> values;
                for (const auto &[name, value] : response.headers) {
                    if (name.compare("www-authenticate", Qt::CaseInsensitive) == 0)
                        values.append(value);
                }
                QString error;
                reply->m_challenges = WwwAuthenticate::parse(values, &error);
                noteChallenges(reply->m_challenges);
                if (!error.isEmpty())
                    reply->m_notes.append(QStringLiteral("malformed WWW-Authenticate header: %1").arg(error));
                reply->finishWith(RegistryReply::NoError);
                return;
            }
            if (response.status == 404) {
                reply->finishWith(RegistryReply::ProtocolError,
                                  QStringLiteral("%1 does not serve the registry API v2 (GET /v2/ answered 404)")
                                      .arg(m_registry));
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
            if (isRedirect(response.status)) {
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
            QList<QByteArray> values;
            for (const auto &[name, value] : response.headers) {
                if (name.compare("www-authenticate", Qt::CaseInsensitive) == 0)
                    values.append(value);
            }
            reply->m_challenges = WwwAuthenticate::parse(values);
            noteChallenges(reply->m_challenges);
            if (m_credentials.isEmpty()) {
                reply->finishWith(RegistryReply::AuthenticationRequired,
                                  QStringLiteral("%1: no credentials to log in with").arg(m_registry));
                return;
            }
            if (m_authKind == AuthKind::Bearer) {
                // As `docker login`: a token for no scope proves the password.
                fetchToken(reply, {}, [reply](const QString &) {
                    reply->m_credentialsChecked = true;
                    reply->finishWith(RegistryReply::NoError);
                });
                return;
            }
            if (m_authKind != AuthKind::Basic) {
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
        const QString what = catalog ? QStringLiteral("the catalog")
                                     : QStringLiteral("the tag list of %1").arg(reply->repository());
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
        const QJsonArray names = document.object().value(catalog ? QStringLiteral("repositories")
                                                                 : QStringLiteral("tags")).toArray();
        for (const QJsonValue &name : names)
            (catalog ? reply->m_repositories : reply->m_tags).append(name.toString());
        const QUrl next = nextLink(response.header("link"), request.url);
        if (next.isEmpty()) {
            reply->finishWith(RegistryReply::NoError);
            return;
        }
        if (reply->m_pages >= 10000) {
            reply->finishWith(RegistryReply::ProtocolError,
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
            reply->m_notes.append(QStringLiteral("%1 is a %2; chose %3 (%4)")
                                      .arg(name, RegistryManifest::kindName(manifest.kind), entry->platform(),
                                           entry->digest));
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
                    reply->finishWith(RegistryReply::ProtocolError,
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
                    reply->finishWith(RegistryReply::ProtocolError,
                                      QStringLiteral("%1: %2 was stored with digest %3, not the %4 of %5:%6")
                                          .arg(m_registry, name, sent, source.digest, reply->repository(),
                                               fromReference));
                    return;
                }
                reply->m_notes.append(QStringLiteral("%1 now points at %2 (%3), copied from %4 without moving a blob")
                                          .arg(name, source.digest, RegistryManifest::kindName(source.kind),
                                               fromReference));
                reply->finishWith(RegistryReply::NoError);
            });
        });
    });
    return reply;
}

} // namespace mrc
