// SPDX-License-Identifier: Apache-2.0
#include "credentialcheck.h"

#include "credentialstore.h"
#include "registrycredential.h"

#include <QEventLoop>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QUrlQuery>
#include <memory>

namespace mrc {

namespace {

struct Answer
{
    int status = 0; // 0: no HTTP answer
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QString errorString;
    QByteArray challenge; // WWW-Authenticate
    QByteArray body;
};

struct Challenge
{
    QString scheme; // lower case: basic, bearer
    QHash<QString, QString> params;
};

Challenge parseChallenge(const QByteArray &header)
{
    Challenge challenge;
    const QString text = QString::fromLatin1(header).trimmed();
    const qsizetype space = text.indexOf(QLatin1Char(' '));
    challenge.scheme = (space < 0 ? text : text.left(space)).toLower();
    static const QRegularExpression param(QStringLiteral(R"re((\w+)\s*=\s*"([^"]*)")re"));
    auto it = param.globalMatch(text.mid(space < 0 ? text.size() : space));
    while (it.hasNext()) {
        const auto match = it.next();
        challenge.params.insert(match.captured(1).toLower(), match.captured(2));
    }
    return challenge;
}

bool isLoopback(const QString &host)
{
    if (host == QLatin1String("localhost"))
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

class Http
{
public:
    explicit Http(int timeoutMs) : m_timeoutMs(timeoutMs) { m_manager.setAutoDeleteReplies(false); }

    /** GET with an optional Authorization header value; wipes nothing (the caller owns `authorization`). */
    Answer get(const QUrl &url, const QByteArray &authorization = {})
    {
        QNetworkRequest request(url);
        request.setTransferTimeout(m_timeoutMs);
        request.setRawHeader("User-Agent", "mrc/" MRC_VERSION);
        request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
        request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
        if (!authorization.isEmpty()) {
            request.setRawHeader("Authorization", authorization);
            // Credentials never follow a redirect to another host.
            request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::SameOriginRedirectPolicy);
        }
        std::unique_ptr<QNetworkReply> reply(m_manager.get(request));
        QEventLoop loop;
        QObject::connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        Answer answer;
        answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        answer.error = reply->error();
        answer.errorString = reply->errorString();
        answer.challenge = reply->rawHeader("WWW-Authenticate");
        answer.body = reply->readAll();
        return answer;
    }

private:
    QNetworkAccessManager m_manager;
    int m_timeoutMs;
};

QByteArray basicAuthorization(const QString &username, const QByteArray &password)
{
    QByteArray plain;
    plain.reserve(username.size() * 4 + password.size() + 2);
    plain.append(username.toUtf8());
    plain.append(':');
    plain.append(password);
    QByteArray value = "Basic " + plain.toBase64();
    wipeBytes(plain);
    return value;
}

CredentialCheck unreachable(const QString &host, const QUrl &url, const Answer &answer)
{
    return {CredentialCheck::Unreachable,
            QStringLiteral("Could not reach the registry %1 (%2): %3. Check the host name and that the registry "
                           "runs.")
                .arg(host, url.toString(), answer.errorString)};
}

CredentialCheck unexpected(const QString &host, const QUrl &url, const Answer &answer)
{
    return {CredentialCheck::Failed, QStringLiteral("The registry %1 answered HTTP %2 to %3: %4")
                                         .arg(host)
                                         .arg(answer.status)
                                         .arg(url.toString(), answer.errorString)};
}

CredentialCheck unauthorized(const QString &host, const QString &username)
{
    return {
        CredentialCheck::Unauthorized,
        QStringLiteral("The registry %1 refused the user name %2 with this password (HTTP 401).").arg(host, username)};
}

} // namespace

CredentialCheck verifyCredentials(const QString &registry, const QString &username, const QByteArray &password,
                                  int timeoutMs)
{
    const QString host = CredentialStore::normalizeRegistry(registry);
    if (host.isEmpty())
        return {CredentialCheck::Failed, QStringLiteral("'%1' is not a registry host").arg(registry)};
    QUrl base;
    if (host == QLatin1String("docker.io")) {
        base = QUrl(QStringLiteral("https://registry-1.docker.io"));
    } else {
        base = QUrl(QStringLiteral("https://") + host);
        if (isLoopback(base.host()))
            base.setScheme(QStringLiteral("http"));
    }
    const QUrl ping = base.resolved(QUrl(QStringLiteral("/v2/")));

    Http http(timeoutMs);
    Answer answer = http.get(ping);
    if (answer.status == 0)
        return unreachable(host, ping, answer);
    if (answer.status == 200)
        return {CredentialCheck::Ok, QStringLiteral("%1 does not ask for credentials").arg(host)};
    if (answer.status != 401)
        return unexpected(host, ping, answer);

    const Challenge challenge = parseChallenge(answer.challenge);
    QByteArray authorization = basicAuthorization(username, password);
    if (challenge.scheme == QLatin1String("basic")) {
        answer = http.get(ping, authorization);
        wipeBytes(authorization);
        if (answer.status == 200)
            return {CredentialCheck::Ok, QStringLiteral("%1 accepted the credentials").arg(host)};
        if (answer.status == 401 || answer.status == 403)
            return unauthorized(host, username);
        return answer.status == 0 ? unreachable(host, ping, answer) : unexpected(host, ping, answer);
    }
    if (challenge.scheme != QLatin1String("bearer")) {
        wipeBytes(authorization);
        return {CredentialCheck::Failed,
                QStringLiteral("The registry %1 asks for '%2' authentication, which mrc does not speak")
                    .arg(host, QString::fromLatin1(answer.challenge))};
    }

    QUrl realm(challenge.params.value(QStringLiteral("realm")));
    if (!realm.isValid() || realm.host().isEmpty()) {
        wipeBytes(authorization);
        return {CredentialCheck::Failed,
                QStringLiteral("The registry %1 sent a Bearer challenge without a usable realm: %2")
                    .arg(host, QString::fromLatin1(answer.challenge))};
    }
    QUrlQuery query(realm);
    if (challenge.params.contains(QStringLiteral("service")))
        query.addQueryItem(QStringLiteral("service"), challenge.params.value(QStringLiteral("service")));
    query.addQueryItem(QStringLiteral("account"), username);
    realm.setQuery(query);
    answer = http.get(realm, authorization);
    wipeBytes(authorization);
    if (answer.status == 401 || answer.status == 403)
        return unauthorized(host, username);
    if (answer.status == 0)
        return unreachable(realm.host(), realm, answer);
    if (answer.status != 200)
        return unexpected(realm.host(), realm, answer);
    const QJsonObject object = QJsonDocument::fromJson(answer.body).object();
    wipeBytes(answer.body);
    QString token = object.value(QLatin1String("token")).toString();
    if (token.isEmpty())
        token = object.value(QLatin1String("access_token")).toString();
    if (token.isEmpty())
        return {CredentialCheck::Failed,
                QStringLiteral("The token server %1 answered without a token").arg(realm.host())};
    QByteArray bearer = "Bearer " + token.toLatin1();
    wipeString(token);
    answer = http.get(ping, bearer);
    wipeBytes(bearer);
    if (answer.status == 200)
        return {CredentialCheck::Ok, QStringLiteral("%1 accepted the credentials").arg(host)};
    if (answer.status == 401 || answer.status == 403)
        return unauthorized(host, username);
    return answer.status == 0 ? unreachable(host, ping, answer) : unexpected(host, ping, answer);
}

} // namespace mrc
