// SPDX-License-Identifier: Apache-2.0
#include "registry/registrytransport.h"

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

bool RegistryTransport::isRedirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

QByteArray RegistryTransport::Response::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

RegistryTransport::RegistryTransport(const QString &registry, const RegistryCredentials &credentials,
                                     const RegistryOptions &options, QObject *parent)
    : QObject(parent), m_registry(registry.trimmed()),
      m_baseUrl(RegistryHost::baseUrl(registry, options.insecureRegistries)), m_credentials(credentials),
      m_options(options), m_network(new QNetworkAccessManager(this))
{
    // Redirects are followed by hand: an Authorization header must never go to a blob store on another host.
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

void RegistryTransport::setCredentials(const RegistryCredentials &credentials)
{
    m_credentials = credentials;
    m_tokens.clear();
}

void RegistryTransport::noteOpen()
{
    if (m_authKind == AuthKind::Unknown)
        m_authKind = AuthKind::None;
}

QList<AuthChallenge> RegistryTransport::challengesOf(const Response &response, QString *error)
{
    QList<QByteArray> values;
    for (const auto &[name, value] : response.headers) {
        if (name.compare("www-authenticate", Qt::CaseInsensitive) == 0)
            values.append(value);
    }
    return WwwAuthenticate::parse(values, error);
}

QString RegistryTransport::who() const
{
    return m_credentials.isEmpty() ? QStringLiteral("anonymous access")
                                   : QStringLiteral("user \"%1\"").arg(m_credentials.username);
}

QByteArray RegistryTransport::basicAuthorization() const
{
    return "Basic " + (m_credentials.username + QLatin1Char(':') + m_credentials.password).toUtf8().toBase64();
}

QUrl RegistryTransport::url(const QString &path) const
{
    return QUrl(m_baseUrl + path);
}

void RegistryTransport::noteChallenges(const QList<AuthChallenge> &challenges)
{
    for (const AuthChallenge &challenge : challenges) {
        if (challenge.isBearer() && !challenge.param(QStringLiteral("realm")).isEmpty()) {
            if (m_realm != challenge.param(QStringLiteral("realm")) ||
                m_service != challenge.param(QStringLiteral("service")))
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

void RegistryTransport::bound(QNetworkReply *network)
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

bool RegistryTransport::failedBounds(RegistryReply *reply, QNetworkReply *network, const QString &host)
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

void RegistryTransport::retryLater(RegistryReply *reply, int attempt, const std::function<void()> &again)
{
    ++m_stats.transientRetries;
    const int delay = m_options.backoffMs * (1 << std::min(attempt, 10));
    QTimer::singleShot(delay, reply, again);
}

void RegistryTransport::failNetwork(RegistryReply *reply, const QString &host, QNetworkReply *network)
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
        reply->finishWith(
            RegistryReply::Unreachable,
            QStringLiteral("cannot reach %1: %2. Check the registry address and that it runs.").arg(host, detail));
    }
}

void RegistryTransport::failHttp(RegistryReply *reply, const Request &request, const Response &response,
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
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const qint64 wait = retryAfterMs(response.header("retry-after"), now);
        QString advice;
        if (wait > m_options.maxRetryAfterMs)
            advice = QStringLiteral("it asks to wait %1 s (Retry-After), longer than mrc waits (%2 s): try again after "
                                    "%3 UTC")
                         .arg(wait / 1000)
                         .arg(m_options.maxRetryAfterMs / 1000)
                         .arg(now.addMSecs(wait).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
        else
            advice = QStringLiteral("still 429 after %1 retries%2; try again later")
                         .arg(m_options.retries)
                         .arg(wait >= 0 ? QStringLiteral(" (Retry-After: %1 s)").arg(wait / 1000) : QString());
        reply->finishWith(RegistryReply::HttpError,
                          QStringLiteral("%1: rate limit reached%2; %3. %4")
                              .arg(m_registry,
                                   rate.isEmpty() ? QString() : QStringLiteral(" (") + rate + QLatin1Char(')'), advice,
                                   where));
    } else {
        reply->finishWith(RegistryReply::HttpError, QStringLiteral("%1 failed. %2").arg(what, where));
    }
}

void RegistryTransport::authorize(RegistryReply *reply, const QString &scope,
                                  const std::function<void(QByteArray)> &next)
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

void RegistryTransport::fetchToken(RegistryReply *reply, const QString &scope, const std::function<void(QString)> &next,
                                   int attempt)
{
    QUrl realm(m_realm);
    const QString realmHost = hostOf(realm);
    if (!realmAllowed(reply, realm))
        return;
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
    qCDebug(lcRegistry) << "token request to" << realmHost << "for"
                        << (scope.isEmpty() ? QStringLiteral("(login)") : scope);
    connect(network, &QNetworkReply::finished, reply, [this, reply, network, scope, next, attempt, realmHost] {
        tokenReceived(reply, network, scope, next, attempt, realmHost);
    });
}

bool RegistryTransport::realmAllowed(RegistryReply *reply, const QUrl &realm)
{
    const QString realmHost = hostOf(realm);
    if (!realm.isValid() || (realm.scheme() != QLatin1String("https") && realm.scheme() != QLatin1String("http"))) {
        reply->finishWith(RegistryReply::ProtocolError,
                          QStringLiteral("%1: the token realm \"%2\" is not an http(s) URL").arg(m_registry, m_realm));
        return false;
    }
    // Credentials go to a plain-HTTP token server only where Docker would use plain HTTP itself.
    if (realm.scheme() == QLatin1String("http") && !m_credentials.isEmpty() &&
        RegistryHost::scheme(realmHost, m_options.insecureRegistries) != QLatin1String("http")) {
        reply->finishWith(RegistryReply::ProtocolError,
                          QStringLiteral("%1: refusing to send credentials to the token server %2 over plain HTTP; "
                                         "list %2 as an insecure registry if that is intended.")
                              .arg(m_registry, realmHost));
        return false;
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
        return false;
    }
    return true;
}

void RegistryTransport::tokenReceived(RegistryReply *reply, QNetworkReply *network, const QString &scope,
                                      const std::function<void(QString)> &next, int attempt, const QString &realmHost)
{
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
}

void RegistryTransport::send(RegistryReply *reply, const Request &request, const Done &done, int attempt, int authRound)
{
    if (reply->isFinished())
        return;
    auto issue = [this, reply, request, done, attempt, authRound](const QByteArray &authorization) {
        sendWith(reply, request, done, {attempt, authRound, !authorization.isEmpty()}, authorization);
    };
    if (request.anonymous)
        issue({});
    else
        authorize(reply, request.scope, issue);
}

void RegistryTransport::sendWith(RegistryReply *reply, const Request &request, const Done &done, Round round,
                                 const QByteArray &authorization)
{
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
    connect(sent, &QNetworkReply::finished, reply, [=, this] {
        sent->deleteLater();
        if (reply->isFinished())
            return;
        reply->setNetworkReply(nullptr);
        if (!failedBounds(reply, sent, hostOf(request.url)))
            received(reply, request, done, round, sent);
    });
}

void RegistryTransport::received(RegistryReply *reply, const Request &request, const Done &done, Round round,
                                 QNetworkReply *sent)
{
    const int attempt = round.attempt;
    const int authRound = round.authRound;
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
    const RateLimit rate =
        RateLimit::fromHeaders(response.header("ratelimit-limit"), response.header("ratelimit-remaining"));
    if (rate.isValid()) {
        m_rateLimit = rate;
        reply->m_rateLimit = rate;
    }
    if (isTransientStatus(response.status) && attempt < m_options.retries) {
        retryLater(reply, attempt, [=, this] { send(reply, request, done, attempt + 1, authRound); });
        return;
    }
    if (response.status == 429 && attempt < m_options.retries) {
        // Too Many Requests: wait as asked (bounded), then once more; past the cap failHttp says how long to wait.
        const qint64 asked = retryAfterMs(response.header("retry-after"), QDateTime::currentDateTimeUtc());
        const qint64 wait = asked >= 0 ? asked : qint64(m_options.backoffMs) * (1 << std::min(attempt, 10));
        if (wait <= m_options.maxRetryAfterMs) {
            ++m_stats.rateLimitRetries;
            qCDebug(lcRegistry) << "429 from" << hostOf(request.url) << "- retrying in" << wait << "ms";
            QTimer::singleShot(int(wait), reply, [=, this] { send(reply, request, done, attempt + 1, authRound); });
            return;
        }
    }
    if (request.followRedirects && isRedirect(response.status)) {
        const QUrl location = request.url.resolved(QUrl(QString::fromLatin1(response.header("location"))));
        Request next = request;
        next.url = location;
        // Another host (a blob store) gets no Authorization: the URL carries its own signature.
        next.anonymous =
            next.anonymous || hostOf(location) != hostOf(request.url) || location.scheme() != request.url.scheme();
        next.followRedirects = authRound + attempt < 10;
        send(reply, next, done, attempt, authRound + 1);
        return;
    }
    if (response.status == 401 && !request.anonymous) {
        unauthorized(reply, request, done, round, response);
        return;
    }
    done(response);
}

void RegistryTransport::unauthorized(RegistryReply *reply, const Request &request, const Done &done, Round round,
                                     const Response &response)
{
    const QList<AuthChallenge> challenges = challengesOf(response);
    noteChallenges(challenges);
    const AuthChallenge *bearer = nullptr;
    for (const AuthChallenge &challenge : challenges) {
        if (challenge.isBearer())
            bearer = &challenge;
    }
    const bool canRetry = round.authRound == 0 &&
                          (m_authKind == AuthKind::Bearer ||
                           (m_authKind == AuthKind::Basic && !m_credentials.isEmpty() && !round.sentAuthorization));
    if (canRetry) {
        // A cached token the registry no longer takes (expired, revoked): get a new one.
        m_tokens.remove(TokenCache::key(m_realm, m_service, request.scope));
        ++m_stats.authRetries;
        send(reply, request, done, round.attempt, round.authRound + 1);
        return;
    }
    const QString action = QStringLiteral("%1 %2").arg(QString::fromLatin1(request.method), request.url.path());
    if (bearer && bearer->param(QStringLiteral("error")) == QLatin1String("insufficient_scope")) {
        reply->finishWith(m_credentials.isEmpty() ? RegistryReply::AuthenticationRequired : RegistryReply::Denied,
                          QStringLiteral("%1: %2 was denied to %3: the token does not grant \"%4\"%5")
                              .arg(m_registry, action, who(), bearer->param(QStringLiteral("scope")),
                                   m_credentials.isEmpty() ? QStringLiteral("; log in.") : QStringLiteral(".")));
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
}
} // namespace mrc
