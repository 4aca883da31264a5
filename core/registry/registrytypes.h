// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>

namespace mrc {

/** A login, held in memory only (the keychain is the store). Never logged. */
struct RegistryCredentials
{
    QString username;
    QString password;

    bool isEmpty() const { return username.isEmpty(); }
};

/**
 * Docker Hub's rate-limit headers: `ratelimit-limit: 100;w=21600` and `ratelimit-remaining: 76;w=21600`.
 * limit < 0 when the registry sent none.
 */
struct RateLimit
{
    int limit = -1;
    int remaining = -1;
    int windowSeconds = -1;

    bool isValid() const { return limit >= 0; }
    /** "76 of 100 pulls left in 6 h"; empty when not valid. */
    QString text() const;
    /** "76 pulls left of 100 per 6 h on HOST". */
    QString quotaText(const QString &host) const;
    /** Whether @p pulls more manifest GETs would go over what is left (false when the registry said nothing). */
    bool wouldCross(int pulls) const { return isValid() && remaining >= 0 && pulls > remaining; }
    static RateLimit fromHeaders(const QByteArray &limitHeader, const QByteArray &remainingHeader);
};

/**
 * The wait a `Retry-After` header asks for, in milliseconds from @p now: delay-seconds ("120") or an HTTP date
 * ("Sun, 06 Nov 1994 08:49:37 GMT"; a date in the past is 0). -1 when the header is missing or unreadable.
 */
qint64 retryAfterMs(const QByteArray &value, const QDateTime &now);

struct RegistryOptions
{
    /** Registries reached over plain HTTP besides loopback ones: "host", "host:port" or a CIDR range. */
    QStringList insecureRegistries;
    /** Per HTTP request: how long it may go without receiving a byte (retried as a transient failure). */
    int requestTimeoutMs = 30000;
    /** Per HTTP request, from start to the last byte, however the bytes trickle in; not retried. 0: none. */
    int requestDeadlineMs = 120000;
    /**
     * The largest reply body read (manifests, tag lists, config blobs, tokens are all JSON); a larger one, or a
     * Content-Length over it, ends the request with "reply over N MB from HOST". 0: no cap.
     */
    qint64 maxReplyBytes = 16 * 1024 * 1024;
    /** Retries of one request after a transient failure (5xx, connection reset, timeout). */
    int retries = 3;
    /** The first back-off; each retry waits twice as long as the previous one. */
    int backoffMs = 500;
    /**
     * A 429 (Too Many Requests) is retried (at most `retries` times) after the wait its Retry-After asks for, or
     * the back-off when it names none, as long as that wait is at most this long; a longer one fails the request
     * at once with a message naming the host and the wait.
     */
    int maxRetryAfterMs = 60000;
    /**
     * A token is used for at least this long, whatever its expires_in says: 60 s as the token specification
     * and Docker have it. A registry that rejects it earlier gets a fresh token after its 401.
     */
    int minimumTokenLifetimeSeconds = 60;
};

} // namespace mrc
