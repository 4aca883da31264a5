// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHash>
#include <QString>

namespace mrc {

/**
 * The credential part of the Docker CLI's configuration, `$DOCKER_CONFIG/config.json` (default
 * `~/.docker/config.json`), read the way `docker` reads it: `credHelpers` (a helper per registry host), `credsStore`
 * (the helper for every other host) and `auths` (per host, base64 `auth` of "user:password" or an `identitytoken`).
 * Read only: mrc never writes this file (a login through Docker's helpers goes to the helper, see CredentialHelper).
 * Registry keys are normalised as CredentialStore::normalizeRegistry does, so "https://index.docker.io/v1/" and
 * "docker.io" are the same host.
 */
class DockerConfig
{
public:
    struct Auth
    {
        QString key;           // the key as written in the file
        QByteArray auth;       // base64 "user:password", as written (decode only when used, then wipe)
        QString identityToken; // an OAuth refresh token (docker login to a registry with an identity provider)
    };

    /** $DOCKER_CONFIG/config.json, else ~/.docker/config.json. */
    static QString defaultPath();

    /** Reads @p path (empty: defaultPath()). A missing file is an empty configuration, not an error; a file that
     *  is not JSON, or whose credential keys have the wrong type, sets error() naming the file and line. */
    static DockerConfig load(const QString &path = {});

    QString path() const { return m_path; }
    bool exists() const { return m_exists; }
    QString error() const { return m_error; }

    QString credsStore() const { return m_credsStore; }
    QHash<QString, QString> credHelpers() const { return m_credHelpers; }
    /** The helper suffix for @p registry ("secretservice" for docker-credential-secretservice): its credHelpers
     *  entry, else credsStore; empty when neither. @p fromCredHelpers says which. */
    QString helperFor(const QString &registry, bool *fromCredHelpers = nullptr) const;
    /** The `auths` entry of @p registry; nullptr when none. */
    const Auth *authFor(const QString &registry) const;
    /** "credHelpers" or "credsStore" in PATH, for messages. */
    QString whereHelperIsNamed(const QString &registry) const;

private:
    QString m_path;
    bool m_exists = false;
    QString m_error;
    QString m_credsStore;
    QHash<QString, QString> m_credHelpers; // normalised host -> helper suffix
    QHash<QString, Auth> m_auths;          // normalised host -> entry
};

} // namespace mrc
