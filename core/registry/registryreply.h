// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "registry/registrymanifest.h"
#include "registry/registrytypes.h"
#include "registry/wwwauthenticate.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QStringList>

class QNetworkReply;

namespace mrc {

/**
 * The result of one RegistryClient operation, which may take several HTTP requests (challenge, token,
 * retries, pages, the platform's manifest of an index). Made by RegistryClient, a child of it; it starts when
 * control returns to the event loop. Delete it (deleteLater) when done; deleting it aborts what is in flight.
 */
class RegistryReply : public QObject
{
    Q_OBJECT
public:
    enum Error
    {
        NoError,
        Unreachable,            // DNS, refused, reset after all retries: errorString() names the host
        TlsError,               // the certificate was not verified
        AuthenticationFailed,   // the registry or its token server rejected the credentials given
        AuthenticationRequired, // no credentials were given and the registry wants some
        Denied,                 // authenticated (or anonymous), but not allowed this action on this repository
        NotFound,               // repository, tag, manifest or blob unknown
        ProtocolError,          // an answer we cannot use: bad JSON, digest mismatch, no linux/amd64 in an index
        HttpError,              // any other status >= 400, after the retries for 5xx
        Timeout,
        Aborted,
    };
    Q_ENUM(Error)

    ~RegistryReply() override;

    /** Blocks in a local event loop until finished or @p ms passed (-1: no limit); for the CLI and workers. */
    bool waitForFinished(int ms = -1);
    /** Stops what is in flight; emits finished() with Aborted. */
    void abort();

    bool isFinished() const { return m_finished; }
    bool ok() const { return m_finished && m_error == NoError; }
    Error error() const { return m_error; }
    /** AuthenticationFailed, AuthenticationRequired or Denied: the CLI's exit code 4. */
    bool isAuthenticationError() const;
    /** Names the registry (or token server) host, the request and what to do. Empty when ok(). */
    QString errorString() const { return m_errorString; }

    QString registry() const { return m_registry; }
    QString repository() const { return m_repository; }
    QString reference() const { return m_reference; }
    /** The HTTP status of the last response; 0 when none came. */
    int status() const { return m_status; }
    /** HTTP requests sent for this operation, token requests and retries included. */
    int requests() const { return m_requests; }
    /** Where the registry sends ratelimit-limit / ratelimit-remaining (Docker Hub); else invalid. */
    RateLimit rateLimit() const { return m_rateLimit; }
    /** Human-readable facts worth showing, e.g. which platform of an index was chosen. */
    QStringList notes() const { return m_notes; }

    /** login(): true when the registry (or its token server) checked the credentials; false when it asks for no
     *  login (GET /v2/ answered 200 without any), so nothing was checked. */
    bool credentialsChecked() const { return m_credentialsChecked; }

    // ping(): the challenges of GET /v2/ (empty when it needs no auth) and its API version header.
    QList<AuthChallenge> challenges() const { return m_challenges; }
    QString apiVersion() const { return m_apiVersion; }

    // manifestDigest(), manifest(), rawManifest(), config(), putManifest(), copyManifest():
    /** The digest of the manifest read or written (for manifest()/config(): the chosen platform's image). */
    QString digest() const { return m_digest; }
    QString mediaType() const { return m_mediaType; }
    qint64 size() const { return m_size; }
    RegistryManifest manifest() const { return m_manifest; }
    /** When the reference named a manifest list / OCI index: its digest, and the platform chosen from it. */
    QString indexDigest() const { return m_indexDigest; }
    QString platform() const { return m_platform; }

    // config(): the image configuration blob and its labels (config.Labels).
    QJsonObject config() const { return m_config; }
    QJsonObject labels() const;

    // tags() and catalog(): all names over all pages, in the registry's order, and how many pages it took.
    QStringList tags() const { return m_tags; }
    QStringList repositories() const { return m_repositories; }
    int pages() const { return m_pages; }

Q_SIGNALS:
    /** Emitted exactly once, also after errors and abort(). */
    void finished();

private:
    friend class RegistryClient;
    friend class RegistryTransport;
    RegistryReply(QObject *client, const QString &registry, const QString &repository, const QString &reference);

    void finishWith(Error error, const QString &message = {});
    void setNetworkReply(QNetworkReply *reply);

    QString m_registry;
    QString m_repository;
    QString m_reference;
    bool m_finished = false;
    Error m_error = NoError;
    QString m_errorString;
    int m_status = 0;
    int m_requests = 0;
    RateLimit m_rateLimit;
    QStringList m_notes;
    QList<AuthChallenge> m_challenges;
    QString m_apiVersion;
    bool m_credentialsChecked = false;
    QString m_digest;
    QString m_mediaType;
    qint64 m_size = -1;
    RegistryManifest m_manifest;
    QString m_indexDigest;
    QString m_platform;
    QJsonObject m_config;
    QStringList m_tags;
    QStringList m_repositories;
    int m_pages = 0;
    QPointer<QNetworkReply> m_network;
};

} // namespace mrc
