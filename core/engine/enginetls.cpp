// SPDX-License-Identifier: Apache-2.0
#include "engine/enginetls.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>

namespace mrc::EngineTls {

namespace {

bool readPem(const QString &path, QByteArray *data, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    *data = file.readAll();
    return true;
}

} // namespace

TlsSpec effective(const TlsSpec &tls)
{
    if (!tls.isEmpty() || qEnvironmentVariableIsEmpty("DOCKER_TLS_VERIFY"))
        return tls;
    QString dir = qEnvironmentVariable("DOCKER_CERT_PATH");
    if (dir.isEmpty())
        dir = QDir::homePath() + QStringLiteral("/.docker");
    return TlsSpec{dir + QStringLiteral("/ca.pem"), dir + QStringLiteral("/cert.pem"),
                   dir + QStringLiteral("/key.pem")};
}

bool configuration(const TlsSpec &tls, QSslConfiguration *config, QString *error)
{
    *config = QSslConfiguration::defaultConfiguration();
    QByteArray data;
    if (!tls.ca.isEmpty()) {
        if (!readPem(tls.ca, &data, error))
            return false;
        const QList<QSslCertificate> cas = QSslCertificate::fromData(data, QSsl::Pem);
        if (cas.isEmpty()) {
            *error = QStringLiteral("%1 holds no PEM certificate").arg(tls.ca);
            return false;
        }
        // Like `docker --tlsverify`: the engine's CA alone decides, not the system store.
        config->setCaCertificates(cas);
        config->setPeerVerifyMode(QSslSocket::VerifyPeer);
    }
    if (!tls.cert.isEmpty()) {
        if (!readPem(tls.cert, &data, error))
            return false;
        const QList<QSslCertificate> certs = QSslCertificate::fromData(data, QSsl::Pem);
        if (certs.isEmpty()) {
            *error = QStringLiteral("%1 holds no PEM certificate").arg(tls.cert);
            return false;
        }
        // An engine with --tlsverify refuses an expired client certificate with a bare alert; say why first.
        const QDateTime now = QDateTime::currentDateTimeUtc();
        if (certs.first().expiryDate() < now) {
            *error = QStringLiteral("the client certificate %1 expired on %2")
                         .arg(tls.cert, certs.first().expiryDate().toString(Qt::ISODate));
            return false;
        }
        if (certs.first().effectiveDate() > now) {
            *error = QStringLiteral("the client certificate %1 is not valid before %2")
                         .arg(tls.cert, certs.first().effectiveDate().toString(Qt::ISODate));
            return false;
        }
        config->setLocalCertificateChain(certs);
    }
    if (!tls.key.isEmpty()) {
        if (!readPem(tls.key, &data, error))
            return false;
        QSslKey key(data, QSsl::Rsa, QSsl::Pem);
        if (key.isNull())
            key = QSslKey(data, QSsl::Ec, QSsl::Pem);
        if (key.isNull()) {
            *error = QStringLiteral("%1 holds no PEM private key (RSA or EC)").arg(tls.key);
            return false;
        }
        config->setPrivateKey(key);
    }
    return true;
}

} // namespace mrc::EngineTls
