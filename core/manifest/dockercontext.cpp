// SPDX-License-Identifier: Apache-2.0
#include "manifest/dockercontext.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <algorithm>

namespace mrc {

namespace {

QString currentContextName(const QString &configDir)
{
    const QString fromEnv = qEnvironmentVariable("DOCKER_CONTEXT").trimmed();
    if (!fromEnv.isEmpty())
        return fromEnv;
    QFile file(configDir + QStringLiteral("/config.json"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("default");
    const QString name =
        QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("currentContext")).toString();
    return name.isEmpty() ? QStringLiteral("default") : name;
}

bool readMeta(const QString &path, const QString &tlsRoot, DockerContext *context, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        *error = QStringLiteral("%1: not a context: %2").arg(path, parseError.errorString());
        return false;
    }
    const QJsonObject meta = document.object();
    const QJsonObject endpoint =
        meta.value(QStringLiteral("Endpoints")).toObject().value(QStringLiteral("docker")).toObject();
    context->name = meta.value(QStringLiteral("Name")).toString();
    context->description =
        meta.value(QStringLiteral("Metadata")).toObject().value(QStringLiteral("Description")).toString();
    context->host = endpoint.value(QStringLiteral("Host")).toString();
    context->skipTlsVerify = endpoint.value(QStringLiteral("SkipTLSVerify")).toBool();
    context->metaPath = path;
    if (context->name.isEmpty() || context->host.isEmpty()) {
        *error =
            QStringLiteral("%1: the context has no %2")
                .arg(path, context->name.isEmpty() ? QStringLiteral("Name") : QStringLiteral("docker endpoint Host"));
        return false;
    }
    // The CLI keeps a context's TLS files under the same digest as its metadata.
    const QDir tls(tlsRoot + QLatin1Char('/') + QFileInfo(path).dir().dirName() + QStringLiteral("/docker"));
    const auto existing = [&tls](const char *name) {
        const QString file = tls.filePath(QLatin1String(name));
        return QFileInfo::exists(file) ? file : QString();
    };
    context->tls = TlsSpec{existing("ca.pem"), existing("cert.pem"), existing("key.pem")};
    return true;
}

} // namespace

EngineSpec DockerContext::toEngine() const
{
    EngineSpec engine;
    engine.name = name;
    engine.host = host;
    engine.tls = tls;
    engine.context = name;
    return engine;
}

QString DockerContext::configDir()
{
    const QString fromEnv = qEnvironmentVariable("DOCKER_CONFIG");
    return fromEnv.isEmpty() ? QDir::homePath() + QStringLiteral("/.docker") : fromEnv;
}

DockerContext DockerContext::fromEnvironment()
{
    DockerContext context;
    context.name = QStringLiteral("default");
    const QString host = qEnvironmentVariable("DOCKER_HOST").trimmed();
    context.host = host.isEmpty() ? QStringLiteral("unix:///var/run/docker.sock") : host;
    context.description = host.isEmpty() ? QStringLiteral("the system engine") : QStringLiteral("DOCKER_HOST");
    if (!qEnvironmentVariableIsEmpty("DOCKER_TLS_VERIFY")) {
        QString dir = qEnvironmentVariable("DOCKER_CERT_PATH");
        if (dir.isEmpty())
            dir = configDir();
        const QDir certs(dir);
        context.tls = TlsSpec{certs.filePath(QStringLiteral("ca.pem")), certs.filePath(QStringLiteral("cert.pem")),
                              certs.filePath(QStringLiteral("key.pem"))};
    }
    return context;
}

QList<DockerContext> DockerContext::list(const QString &configDirArg, QStringList *problems)
{
    const QString config = configDirArg.isEmpty() ? configDir() : configDirArg;
    const QString current = currentContextName(config);
    QList<DockerContext> contexts{fromEnvironment()};
    const QDir meta(config + QStringLiteral("/contexts/meta"));
    QList<DockerContext> found;
    for (const QString &digest : meta.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QString path = meta.filePath(digest + QStringLiteral("/meta.json"));
        if (!QFileInfo::exists(path))
            continue;
        DockerContext context;
        QString error;
        if (readMeta(path, config + QStringLiteral("/contexts/tls"), &context, &error))
            found.append(context);
        else if (problems)
            problems->append(error);
    }
    std::sort(found.begin(), found.end(),
              [](const DockerContext &a, const DockerContext &b) { return a.name < b.name; });
    contexts += found;
    for (DockerContext &context : contexts)
        context.current = context.name == current;
    return contexts;
}

bool DockerContext::find(const QString &name, DockerContext *context, QString *error, const QString &configDirArg)
{
    const QString config = configDirArg.isEmpty() ? configDir() : configDirArg;
    if (name == QLatin1String("default")) {
        *context = fromEnvironment();
        return true;
    }
    const QString digest =
        QString::fromLatin1(QCryptographicHash::hash(name.toUtf8(), QCryptographicHash::Sha256).toHex());
    const QString path = config + QStringLiteral("/contexts/meta/") + digest + QStringLiteral("/meta.json");
    if (!QFileInfo::exists(path)) {
        *error = QStringLiteral("no Docker context '%1' in %2 (`docker context ls` lists them)").arg(name, config);
        return false;
    }
    return readMeta(path, config + QStringLiteral("/contexts/tls"), context, error);
}

} // namespace mrc
