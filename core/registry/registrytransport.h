// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "registry/registryreply.h"
#include "registry/registrytypes.h"
#include "registry/tokencache.h"
#include "registry/wwwauthenticate.h"

#include <QObject>
#include <QUrl>
#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace mrc {

/**
 * How RegistryClient talks to one registry: requests with their authentication (Basic, or Bearer tokens from the
 * challenge's realm, cached per scope), retries with back-off, size caps and deadlines, and the messages of a
 * failed request. Never logs a credential or a token. Lives on the client's thread, as its child.
 */
class RegistryTransport : public QObject
{
    Q_OBJECT
public:
    /** Counters for diagnostics and tests. */
    struct Stats
    {
        int requests = 0;         // HTTP requests sent, token requests included
        int tokenFetches = 0;     // successful token responses
        int authRetries = 0;      // requests sent again after a 401 with a new token or credentials
        int transientRetries = 0; // requests sent again after a 5xx, reset or timeout
        int rateLimitRetries = 0; // requests sent again after a 429, when its Retry-After was within the cap
    };
    struct Request
    {
        QByteArray method = "GET";
        QUrl url;
        QString scope; // empty: the registry's base
        QByteArray accept;
        QByteArray contentType;
        QByteArray body;
        bool anonymous = false; // send no credentials and pass a 401 through (ping, redirected blob)
        bool followRedirects = false;
    };
    struct Response
    {
        int status = 0;
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray header(QByteArrayView name) const;
    };
    using Done = std::function<void(const Response &)>;
    /** The registry's challenge, learned from its first 401. */
    enum class AuthKind
    {
        Unknown,
        None,
        Basic,
        Bearer
    };

    RegistryTransport(const QString &registry, const RegistryCredentials &credentials, const RegistryOptions &options,
                      QObject *parent);

    QString registry() const { return m_registry; }
    QString baseUrl() const { return m_baseUrl; }
    QUrl url(const QString &path) const;
    bool hasCredentials() const { return !m_credentials.isEmpty(); }
    /** Replaces the credentials and drops every cached token. */
    void setCredentials(const RegistryCredentials &credentials);
    const RegistryOptions &options() const { return m_options; }
    Stats stats() const { return m_stats; }
    RateLimit lastRateLimit() const { return m_rateLimit; }
    AuthKind authKind() const { return m_authKind; }
    /** "user \"name\"" or "anonymous access", for messages. */
    QString who() const;

    /** Sends @p request with authentication and retries; calls @p done with a non-401 response, else fails. */
    void send(RegistryReply *reply, const Request &request, const Done &done, int attempt = 0, int authRound = 0);
    /** Gets a token for @p scope from the realm (empty scope: the login check) and passes it to @p next. */
    void fetchToken(RegistryReply *reply, const QString &scope, const std::function<void(QString)> &next,
                    int attempt = 0);
    /** Fails @p reply with a message for an HTTP error @p response to @p request, doing @p what. */
    void failHttp(RegistryReply *reply, const Request &request, const Response &response, const QString &what);
    /** Learns the registry's authentication from a 401's challenges. */
    void noteChallenges(const QList<AuthChallenge> &challenges);
    /** GET /v2/ answered 200 without credentials: the registry asks for none. */
    void noteOpen();

    static QList<AuthChallenge> challengesOf(const Response &response, QString *error = nullptr);
    static bool isRedirect(int status);

private:
    /** Where a request is in its retries: transient ones, and authentication rounds (a 401, a redirect). */
    struct Round
    {
        int attempt = 0;
        int authRound = 0;
        bool sentAuthorization = false;
    };
    void sendWith(RegistryReply *reply, const Request &request, const Done &done, Round round,
                  const QByteArray &authorization);
    void received(RegistryReply *reply, const Request &request, const Done &done, Round round, QNetworkReply *sent);
    void unauthorized(RegistryReply *reply, const Request &request, const Done &done, Round round,
                      const Response &response);
    /** Whether credentials may go to @p realm; fails @p reply when not. */
    bool realmAllowed(RegistryReply *reply, const QUrl &realm);
    void tokenReceived(RegistryReply *reply, QNetworkReply *network, const QString &scope,
                       const std::function<void(QString)> &next, int attempt, const QString &realmHost);
    void authorize(RegistryReply *reply, const QString &scope, const std::function<void(QByteArray)> &next);
    /** Caps @p network's reply at RegistryOptions::maxReplyBytes and its duration at requestDeadlineMs. */
    void bound(QNetworkReply *network);
    /** True (and @p reply failed with a message naming @p host) when bound() ended @p network. */
    bool failedBounds(RegistryReply *reply, QNetworkReply *network, const QString &host);
    void retryLater(RegistryReply *reply, int attempt, const std::function<void()> &again);
    void failNetwork(RegistryReply *reply, const QString &host, QNetworkReply *network);
    QByteArray basicAuthorization() const;

    QString m_registry;
    QString m_baseUrl;
    RegistryCredentials m_credentials;
    RegistryOptions m_options;
    QNetworkAccessManager *m_network = nullptr;
    TokenCache m_tokens;
    AuthKind m_authKind = AuthKind::Unknown;
    QString m_realm;
    QString m_service;
    Stats m_stats;
    RateLimit m_rateLimit;
};

} // namespace mrc
