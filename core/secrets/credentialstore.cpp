// SPDX-License-Identifier: Apache-2.0
#include "secrets/credentialstore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>
#include <qt6keychain/keychain.h>

#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS) && !defined(Q_OS_ANDROID)
#define MRC_SECRET_SERVICE 1
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMetaType>
#include <QDBusObjectPath>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#endif

#include <memory>

namespace mrc {

namespace {

#ifdef MRC_SECRET_SERVICE
/** Whether a Secret Service provider sits on the session bus (asked only after a keychain error, to tell "no
 *  keychain" from other failures: libsecret reports both as QKeychain::OtherError). */
bool secretServiceAnswers()
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected() || !bus.interface())
        return false;
    return bus.interface()->isServiceRegistered(QStringLiteral("org.freedesktop.secrets")).value();
}

#endif

CredentialResult failure(QKeychain::Error code, const QString &detail, const QString &registry)
{
    switch (code) {
    case QKeychain::NoError:
        return {};
    case QKeychain::EntryNotFound:
        return {CredentialError::NotFound,
                QStringLiteral("No credentials for %1 in the keychain. Log in first: mrc login %1 --username USER "
                               "--password-stdin")
                    .arg(registry),
                {}};
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return {CredentialError::AccessDenied,
                QStringLiteral("The keychain refused access to the %1 credentials (%2). Unlock the keyring, then "
                               "retry.")
                    .arg(registry, detail),
                {}};
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return {CredentialError::NoKeychain, CredentialStore::noKeychainMessage(detail), {}};
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::OtherError:
        break;
    }
#ifdef MRC_SECRET_SERVICE
    if (!secretServiceAnswers())
        return {CredentialError::NoKeychain, CredentialStore::noKeychainMessage(detail), {}};
#endif
    return {CredentialError::Other, QStringLiteral("The keychain failed for %1: %2").arg(registry, detail), {}};
}

template<typename Job> std::unique_ptr<Job> newJob(const QString &key)
{
    auto job = std::make_unique<Job>(CredentialStore::serviceName());
    job->setAutoDelete(true);
    // QtKeychain can keep secrets in a plaintext QSettings file when no keychain answers. Never.
    job->setInsecureFallback(false);
    job->setKey(key);
    return job;
}

} // namespace

QString CredentialStore::serviceName()
{
    return QStringLiteral("io.github.monasca.mrc");
}

QString CredentialStore::normalizeRegistry(const QString &registry)
{
    QString text = registry.trimmed().toLower();
    if (text.isEmpty())
        return {};
    if (!text.contains(QLatin1String("://")))
        text.prepend(QLatin1String("https://"));
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() || !url.userInfo().isEmpty())
        return {};
    QString host = url.host();
    if (host == QLatin1String("index.docker.io") || host == QLatin1String("registry-1.docker.io") ||
        host == QLatin1String("registry.hub.docker.com"))
        host = QStringLiteral("docker.io");
    if (host.contains(QLatin1Char(':'))) // IPv6
        host = QLatin1Char('[') + host + QLatin1Char(']');
    if (url.port() > 0 && !(host == QLatin1String("docker.io") && url.port() == 443))
        host += QLatin1Char(':') + QString::number(url.port());
    return host;
}

QString CredentialStore::noKeychainMessage(const QString &detail)
{
    QString message;
#if defined(MRC_SECRET_SERVICE)
    const QByteArray address = qgetenv("DBUS_SESSION_BUS_ADDRESS");
    message = QStringLiteral("No keychain answered (Secret Service over D-Bus, %1). Start gnome-keyring-daemon or "
                             "KeePassXC's Secret Service, then retry.")
                  .arg(address.isEmpty() ? QStringLiteral("DBUS_SESSION_BUS_ADDRESS is not set")
                                         : QStringLiteral("session bus ") + QString::fromLocal8Bit(address));
#elif defined(Q_OS_MACOS)
    message = QStringLiteral("No keychain answered (macOS Keychain). Unlock your login keychain, then retry.");
#elif defined(Q_OS_WIN)
    message = QStringLiteral("No keychain answered (Windows Credential Manager). Start the Credential Manager "
                             "service, then retry.");
#else
    message = QStringLiteral("No keychain answered: this platform has no keychain that mrc can use.");
#endif
    if (!detail.isEmpty())
        message += QStringLiteral(" (%1)").arg(detail);
    return message + QStringLiteral(" mrc never stores credentials in a file.");
}

CredentialRequest *CredentialStore::read(const QString &registry, QObject *parent)
{
    auto *request = new CredentialRequest(parent);
    const QString host = normalizeRegistry(registry);
    if (host.isEmpty()) {
        return failLater(request, QStringLiteral("'%1' is not a registry host").arg(registry));
    }
    auto job = newJob<QKeychain::ReadPasswordJob>(host);
    auto *raw = job.release();
    QObject::connect(raw, &QKeychain::Job::finished, request, [request, raw, host] {
        if (raw->error() == QKeychain::EntryNotFound) {
            finishNotFound(request, host, failure(raw->error(), raw->errorString(), host));
            return;
        }
        if (raw->error() != QKeychain::NoError) {
            request->finish(failure(raw->error(), raw->errorString(), host));
            return;
        }
        QByteArray secret = raw->binaryData();
        QJsonParseError parseError{};
        const QJsonObject object = QJsonDocument::fromJson(secret, &parseError).object();
        wipeBytes(secret);
        CredentialResult result;
        result.credential.registry = host;
        result.credential.source = QStringLiteral("keychain");
        result.credential.username = object.value(QLatin1String("username")).toString();
        QString password = object.value(QLatin1String("password")).toString();
        result.credential.password = password.toUtf8();
        wipeString(password);
        if (!result.credential.isValid()) {
            result.credential.wipe();
            result = {CredentialError::Other,
                      QStringLiteral("The keychain entry for %1 (service %2) is not what mrc stores. Log in again: "
                                     "mrc login %1 --username USER --password-stdin")
                          .arg(host, CredentialStore::serviceName()),
                      {}};
        }
        request->finish(std::move(result));
    });
    raw->start();
    return request;
}

CredentialRequest *CredentialStore::write(const RegistryCredential &credential, QObject *parent)
{
    auto *request = new CredentialRequest(parent);
    const QString host = normalizeRegistry(credential.registry);
    if (host.isEmpty() || !credential.isValid()) {
        return failLater(request, QStringLiteral("A registry host, a user name and a password are all needed"));
    }
    auto job = newJob<QKeychain::WritePasswordJob>(host);
    {
        // The compact JSON is built by hand so the buffers holding the password can be wiped.
        QString password = QString::fromUtf8(credential.password);
        QString secret;
        secret.reserve(40 + 2 * (credential.username.size() + password.size()));
        const auto quote = [&secret](const QString &value) {
            secret += QLatin1Char('"');
            for (const QChar c : value) {
                if (c == QLatin1Char('"') || c == QLatin1Char('\\'))
                    secret += QLatin1Char('\\');
                if (c.unicode() < 0x20)
                    secret += QStringLiteral("\\u%1").arg(uint(c.unicode()), 4, 16, QLatin1Char('0'));
                else
                    secret += c;
            }
            secret += QLatin1Char('"');
        };
        secret += QLatin1String("{\"username\":");
        quote(credential.username);
        secret += QLatin1String(",\"password\":");
        quote(password);
        secret += QLatin1Char('}');
        job->setTextData(secret);
        wipeString(secret);
        wipeString(password);
    }
    auto *raw = job.release();
    QObject::connect(raw, &QKeychain::Job::finished, request,
                     [request, raw, host] { request->finish(failure(raw->error(), raw->errorString(), host)); });
    raw->start();
    return request;
}

CredentialRequest *CredentialStore::remove(const QString &registry, QObject *parent)
{
    auto *request = new CredentialRequest(parent);
    const QString host = normalizeRegistry(registry);
    if (host.isEmpty()) {
        return failLater(request, QStringLiteral("'%1' is not a registry host").arg(registry));
    }
    auto *raw = newJob<QKeychain::DeletePasswordJob>(host).release();
    QObject::connect(raw, &QKeychain::Job::finished, request,
                     [request, raw, host] { request->finish(failure(raw->error(), raw->errorString(), host)); });
    raw->start();
    return request;
}

CredentialRequest *CredentialStore::failLater(CredentialRequest *request, const QString &message)
{
    // Queued, so the caller sees finished() after it has connected to it, as with a keychain answer.
    QMetaObject::invokeMethod(
        request,
        [request, message] {
            request->finish({CredentialError::Other, message, {}});
        },
        Qt::QueuedConnection);
    return request;
}

void CredentialStore::finishNotFound(CredentialRequest *request, const QString &host, CredentialResult notFound)
{
#ifdef MRC_SECRET_SERVICE
    // libsecret looks an entry up without unlocking, so an entry in a locked keyring reads as not found, and a push
    // would go on anonymously. SearchItems lists locked items apart, without unlocking or prompting.
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (bus.isConnected()) {
        static const QMetaType registered = qDBusRegisterMetaType<QMap<QString, QString>>();
        Q_UNUSED(registered)
        // The attributes that QtKeychain's libsecret backend gives an entry: server = service, user = key.
        const QMap<QString, QString> attributes{{QStringLiteral("server"), serviceName()},
                                                {QStringLiteral("user"), host}};
        QDBusMessage call = QDBusMessage::createMethodCall(
            QStringLiteral("org.freedesktop.secrets"), QStringLiteral("/org/freedesktop/secrets"),
            QStringLiteral("org.freedesktop.Secret.Service"), QStringLiteral("SearchItems"));
        call << QVariant::fromValue(attributes);
        auto *watcher = new QDBusPendingCallWatcher(bus.asyncCall(call, 5000), request);
        QObject::connect(watcher, &QDBusPendingCallWatcher::finished, request,
                         [request, watcher, host, notFound = std::move(notFound)]() mutable {
                             watcher->deleteLater();
                             const QDBusPendingReply<QList<QDBusObjectPath>, QList<QDBusObjectPath>> reply = *watcher;
                             if (reply.isError() || reply.argumentAt<1>().isEmpty()) {
                                 request->finish(std::move(notFound));
                                 return;
                             }
                             request->finish({CredentialError::AccessDenied, lockedMessage(host), {}});
                         });
        return;
    }
#else
    Q_UNUSED(host)
#endif
    request->finish(std::move(notFound));
}

QString CredentialStore::lockedMessage(const QString &registry)
{
    return QStringLiteral("The keychain holds credentials for %1, but the keyring that holds them is locked. Unlock "
                          "it (Seahorse, your password manager, or log in to the desktop again), then retry.")
        .arg(registry);
}

CredentialResult CredentialStore::readNow(const QString &registry, int timeoutMs)
{
    std::unique_ptr<CredentialRequest> request(read(registry));
    request->wait(timeoutMs);
    return request->takeResult();
}

CredentialResult CredentialStore::writeNow(const RegistryCredential &credential, int timeoutMs)
{
    std::unique_ptr<CredentialRequest> request(write(credential));
    request->wait(timeoutMs);
    return request->takeResult();
}

CredentialResult CredentialStore::removeNow(const QString &registry, int timeoutMs)
{
    std::unique_ptr<CredentialRequest> request(remove(registry));
    request->wait(timeoutMs);
    return request->takeResult();
}

} // namespace mrc
