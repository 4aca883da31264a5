// SPDX-License-Identifier: Apache-2.0
#include "secrets/credentialresolver.h"

#include "secrets/credentialhelper.h"
#include "secrets/dockerconfig.h"
#include "secrets/registryauth.h"

#include <memory>

namespace mrc {

namespace {

QString authsSource()
{
    return QStringLiteral("config.json auths");
}

} // namespace

/** The end of the chain: the `auths` entry, else what the keychain said, with where else mrc looked. */
void CredentialResolver::fromAuths(CredentialRequest *request, const QString &host, const DockerConfig &config,
                                   CredentialResult keychain, const QString &helperNote)
{
    const DockerConfig::Auth *auth = config.authFor(host);
    if (auth && !auth->auth.isEmpty()) {
        QByteArray decoded = QByteArray::fromBase64(auth->auth);
        const qsizetype colon = decoded.indexOf(':');
        CredentialResult result;
        if (colon <= 0 || colon == decoded.size() - 1) {
            result = {CredentialError::Other,
                      QStringLiteral("%1: auths[\"%2\"].auth is not the base64 of user:password. Fix or remove it, "
                                     "or log in: mrc login %3 --username USER --password-stdin")
                          .arg(config.path(), auth->key, host),
                      {}};
        } else {
            result.credential.registry = host;
            result.credential.username = QString::fromUtf8(decoded.left(colon));
            result.credential.password = decoded.mid(colon + 1);
            result.credential.source = authsSource();
        }
        wipeBytes(decoded);
        request->finish(std::move(result));
        return;
    }
    if (auth && !auth->identityToken.isEmpty()) {
        request->finish({CredentialError::Other,
                         QStringLiteral("%1: the auths entry for %2 holds only an identitytoken (an OAuth refresh "
                                        "token), which mrc does not use. Log in with a user name and password or "
                                        "an access token: mrc login %2 --username USER --password-stdin")
                             .arg(config.path(), host),
                         {}});
        return;
    }
    QStringList looked{keychain.error == CredentialError::NotFound ? QStringLiteral("not in the keychain")
                                                                   : QStringLiteral("the keychain did not answer")};
    if (!helperNote.isEmpty())
        looked << helperNote;
    looked << (config.exists() ? QStringLiteral("no credential helper or auths entry for it in %1").arg(config.path())
                               : QStringLiteral("no %1").arg(config.path()));
    if (keychain.error == CredentialError::NotFound)
        keychain.message = QStringLiteral("No credentials for %1 (%2). Log in first: mrc login %1 --username USER "
                                          "--password-stdin")
                               .arg(host, looked.join(QStringLiteral("; ")));
    else
        keychain.message += QStringLiteral(" Nor are there any in the Docker configuration (%1).")
                                .arg(looked.mid(1).join(QStringLiteral("; ")));
    request->finish(std::move(keychain));
}

void CredentialResolver::fromHelper(CredentialRequest *request, const QString &host, const DockerConfig &config,
                                    const CredentialResult &keychain, const QString &suffix, const QString &serverUrl,
                                    bool listed)
{
    auto *helper = new CredentialHelper(suffix, request);
    helper->setOrigin(config.whereHelperIsNamed(host));
    QObject::connect(
        helper, &CredentialHelper::finished, request,
        [request, helper, host, config, keychain, suffix, serverUrl, listed] {
            helper->deleteLater();
            CredentialHelper::Result answer = helper->takeResult();
            const QString program = helper->program();
            if (answer.ok() && answer.username == QLatin1String("<token>")) {
                // Docker's mark for an identity token (an OAuth refresh token), not a password.
                wipeBytes(answer.secret);
                request->finish({CredentialError::Other,
                                 QStringLiteral("Credentials for %1: %2 holds an identity token (user <token>), "
                                                "which mrc does not use. Log in with a user name and password or an "
                                                "access token: mrc login %1 --username USER --password-stdin")
                                     .arg(host, program),
                                 {}});
                return;
            }
            if (answer.ok()) {
                CredentialResult result;
                result.credential = {host, answer.username, answer.secret, program};
                wipeBytes(answer.secret);
                request->finish(std::move(result));
                return;
            }
            if (answer.status == CredentialHelper::Result::NotFound && !listed) {
                // `docker login https://HOST/` keeps the URL as typed: look for another spelling of
                // the host among the helper's entries.
                auto *lister = new CredentialHelper(suffix, request);
                QObject::connect(
                    lister, &CredentialHelper::finished, request,
                    [request, lister, host, config, keychain, suffix, serverUrl, program] {
                        lister->deleteLater();
                        const CredentialHelper::Result all = lister->takeResult();
                        for (auto it = all.registries.cbegin(); it != all.registries.cend(); ++it) {
                            if (it.key() != serverUrl && CredentialStore::normalizeRegistry(it.key()) == host) {
                                fromHelper(request, host, config, keychain, suffix, it.key(), true);
                                return;
                            }
                        }
                        fromAuths(request, host, config, keychain, QStringLiteral("%1 holds none").arg(program));
                    });
                lister->list();
                return;
            }
            if (answer.status == CredentialHelper::Result::NotFound) {
                fromAuths(request, host, config, keychain, QStringLiteral("%1 holds none").arg(program));
                return;
            }
            request->finish(
                {answer.status == CredentialHelper::Result::Timeout ? CredentialError::Timeout : CredentialError::Other,
                 QStringLiteral("Credentials for %1: %2").arg(host, answer.message),
                 {}});
        });
    helper->get(serverUrl);
}

void CredentialResolver::fromDocker(CredentialRequest *request, const QString &host, const CredentialResult &keychain)
{
    const DockerConfig config = DockerConfig::load();
    if (!config.error().isEmpty()) {
        request->finish({CredentialError::Other,
                         config.error() + QStringLiteral(". mrc reads its credsStore, credHelpers and auths for the "
                                                         "credentials of %1; fix the file, then retry.")
                                              .arg(host),
                         {}});
        return;
    }
    const QString suffix = config.helperFor(host);
    if (!suffix.isEmpty()) {
        fromHelper(request, host, config, keychain, suffix, RegistryAuth::serverAddress(host), false);
        return;
    }
    fromAuths(request, host, config, keychain, {});
}

QStringList CredentialResolver::order()
{
    return {QStringLiteral("keychain"), QStringLiteral("credHelpers"), QStringLiteral("credsStore"),
            QStringLiteral("auths")};
}

CredentialRequest *CredentialResolver::resolve(const QString &registry, QObject *parent)
{
    auto *request = new CredentialRequest(parent);
    CredentialRequest *keychain = CredentialStore::read(registry, request);
    const QString host = CredentialStore::normalizeRegistry(registry);
    QObject::connect(keychain, &CredentialRequest::finished, request, [request, keychain, host] {
        keychain->deleteLater();
        CredentialResult result = keychain->takeResult();
        if (result.ok() || host.isEmpty() ||
            (result.error != CredentialError::NotFound && result.error != CredentialError::NoKeychain)) {
            request->finish(std::move(result));
            return;
        }
        fromDocker(request, host, result);
    });
    return request;
}

CredentialResult CredentialResolver::resolveNow(const QString &registry, int timeoutMs)
{
    std::unique_ptr<CredentialRequest> request(resolve(registry));
    request->wait(timeoutMs);
    return request->takeResult();
}

} // namespace mrc
