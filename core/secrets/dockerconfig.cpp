// SPDX-License-Identifier: Apache-2.0
#include "secrets/dockerconfig.h"

#include "secrets/credentialstore.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace mrc {

namespace {

/** The 1-based line of byte @p offset in @p text. */
int lineAt(const QByteArray &text, qsizetype offset)
{
    return int(text.left(offset).count('\n')) + 1;
}

/** The line of the first `"key"` in @p text, for messages about a value of the wrong type; 1 when not found. */
int lineOfKey(const QByteArray &text, const QByteArray &key)
{
    const qsizetype at = text.indexOf('"' + key + '"');
    return at < 0 ? 1 : lineAt(text, at);
}

} // namespace

QString DockerConfig::defaultPath()
{
    const QString dir = qEnvironmentVariable("DOCKER_CONFIG");
    if (!dir.isEmpty())
        return QDir(dir).filePath(QStringLiteral("config.json"));
    return QDir::home().filePath(QStringLiteral(".docker/config.json"));
}

DockerConfig DockerConfig::load(const QString &path)
{
    DockerConfig config;
    config.m_path = path.isEmpty() ? defaultPath() : path;
    QFile file(config.m_path);
    if (!file.exists())
        return config;
    config.m_exists = true;
    if (!file.open(QIODevice::ReadOnly)) {
        config.m_error = QStringLiteral("%1: cannot read it: %2").arg(config.m_path, file.errorString());
        return config;
    }
    const QByteArray text = file.read(qint64(4) * 1024 * 1024);
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(text, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        config.m_error = QStringLiteral("%1:%2: not a JSON object (%3)")
                             .arg(config.m_path)
                             .arg(lineAt(text, parseError.offset))
                             .arg(parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                                                               : QStringLiteral("not an object"));
        return config;
    }
    const QJsonObject root = document.object();
    const auto wrongType = [&](const QByteArray &key, const QString &expected) {
        config.m_error = QStringLiteral("%1:%2: \"%3\" must be %4")
                             .arg(config.m_path)
                             .arg(lineOfKey(text, key))
                             .arg(QString::fromLatin1(key), expected);
    };
    const QJsonValue store = root.value(QLatin1String("credsStore"));
    if (!store.isUndefined() && !store.isString()) {
        wrongType("credsStore", QStringLiteral("a string (the helper's suffix, e.g. \"secretservice\")"));
        return config;
    }
    config.m_credsStore = store.toString().trimmed();

    const QJsonValue helpers = root.value(QLatin1String("credHelpers"));
    if (!helpers.isUndefined() && !helpers.isObject()) {
        wrongType("credHelpers", QStringLiteral("an object of registry host -> helper suffix"));
        return config;
    }
    const QJsonObject helperObject = helpers.toObject();
    for (auto it = helperObject.begin(); it != helperObject.end(); ++it) {
        if (!it.value().isString()) {
            wrongType(it.key().toUtf8(), QStringLiteral("a string (the helper's suffix)"));
            return config;
        }
        const QString host = CredentialStore::normalizeRegistry(it.key());
        if (!host.isEmpty())
            config.m_credHelpers.insert(host, it.value().toString().trimmed());
    }

    const QJsonValue auths = root.value(QLatin1String("auths"));
    if (!auths.isUndefined() && !auths.isObject()) {
        wrongType("auths", QStringLiteral("an object of registry -> {\"auth\": ...}"));
        return config;
    }
    const QJsonObject authObject = auths.toObject();
    for (auto it = authObject.begin(); it != authObject.end(); ++it) {
        const QString host = CredentialStore::normalizeRegistry(it.key());
        if (host.isEmpty() || !it.value().isObject())
            continue;
        const QJsonObject entry = it.value().toObject();
        Auth auth{it.key(), entry.value(QLatin1String("auth")).toString().toLatin1(),
                  entry.value(QLatin1String("identitytoken")).toString()};
        if (auth.auth.isEmpty() && auth.identityToken.isEmpty())
            continue; // an empty entry, as `docker login` leaves next to a credsStore
        config.m_auths.insert(host, auth);
    }
    return config;
}

QString DockerConfig::helperFor(const QString &registry, bool *fromCredHelpers) const
{
    const QString host = CredentialStore::normalizeRegistry(registry);
    const auto it = m_credHelpers.constFind(host);
    if (fromCredHelpers)
        *fromCredHelpers = it != m_credHelpers.cend() && !it->isEmpty();
    if (it != m_credHelpers.cend() && !it->isEmpty())
        return *it;
    return m_credsStore;
}

const DockerConfig::Auth *DockerConfig::authFor(const QString &registry) const
{
    const auto it = m_auths.constFind(CredentialStore::normalizeRegistry(registry));
    return it == m_auths.cend() ? nullptr : &*it;
}

QString DockerConfig::whereHelperIsNamed(const QString &registry) const
{
    bool perHost = false;
    helperFor(registry, &perHost);
    return QStringLiteral("%1 in %2")
        .arg(perHost ? QStringLiteral("credHelpers") : QStringLiteral("credsStore"), m_path);
}

} // namespace mrc
