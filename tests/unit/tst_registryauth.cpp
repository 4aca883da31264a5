// SPDX-License-Identifier: Apache-2.0
// Registry host normalisation (the keychain key) and the X-Registry-Auth header that the engine gets with a push.
#include "secrets/credentialstore.h"
#include "secrets/registryauth.h"
#include "secrets/registrycredential.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace mrc;

class TestRegistryAuth : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void normalizeRegistry_data();
    void normalizeRegistry();
    void headerDecodesToDockerAuthConfig_data();
    void headerDecodesToDockerAuthConfig();
    void invalidCredentialGivesNoHeader();
    void wipeZeroesTheBytes();
};

void TestRegistryAuth::normalizeRegistry_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::addRow("hub") << "docker.io"
                         << "docker.io";
    QTest::addRow("hub index") << "index.docker.io"
                               << "docker.io";
    QTest::addRow("hub registry-1") << "registry-1.docker.io"
                                    << "docker.io";
    QTest::addRow("hub v1 url") << "https://index.docker.io/v1/"
                                << "docker.io";
    QTest::addRow("hub 443") << "registry-1.docker.io:443"
                             << "docker.io";
    QTest::addRow("upper case") << "  Quay.IO "
                                << "quay.io";
    QTest::addRow("port") << "127.0.0.1:5000"
                          << "127.0.0.1:5000";
    QTest::addRow("http url with path") << "http://127.0.0.1:5000/v2/"
                                        << "127.0.0.1:5000";
    QTest::addRow("localhost") << "localhost:5001"
                               << "localhost:5001";
    QTest::addRow("ipv6") << "[::1]:5000"
                          << "[::1]:5000";
    QTest::addRow("empty") << ""
                           << "";
    QTest::addRow("user info") << "mrc@registry.example"
                               << "";
    QTest::addRow("garbage") << "a b"
                             << "";
}

void TestRegistryAuth::normalizeRegistry()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QCOMPARE(CredentialStore::normalizeRegistry(input), expected);
}

void TestRegistryAuth::headerDecodesToDockerAuthConfig_data()
{
    QTest::addColumn<QString>("registry");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("serverAddress");
    QTest::addRow("local") << "127.0.0.1:5000"
                           << "plain"
                           << "127.0.0.1:5000";
    QTest::addRow("hub") << "index.docker.io"
                         << "s3cret"
                         << "https://index.docker.io/v1/";
    QTest::addRow("json specials") << "quay.io"
                                   << "q\"uo\\te\n\t\x01 é€"
                                   << "quay.io";
}

void TestRegistryAuth::headerDecodesToDockerAuthConfig()
{
    QFETCH(QString, registry);
    QFETCH(QString, password);
    QFETCH(QString, serverAddress);
    const RegistryCredential credential{CredentialStore::normalizeRegistry(registry), QStringLiteral("mrc"),
                                        password.toUtf8()};
    QByteArray header = RegistryAuth::header(credential);
    QVERIFY(!header.isEmpty());
    // base64url: no '+' or '/', so the value goes into an HTTP header as it is.
    QVERIFY(!header.contains('+') && !header.contains('/'));
    const auto decoded =
        QByteArray::fromBase64Encoding(header, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    QVERIFY(decoded);
    QJsonParseError error{};
    const QJsonObject object = QJsonDocument::fromJson(*decoded, &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(object.size(), 3);
    QCOMPARE(object.value(QLatin1String("username")).toString(), QStringLiteral("mrc"));
    QCOMPARE(object.value(QLatin1String("password")).toString(), password);
    QCOMPARE(object.value(QLatin1String("serveraddress")).toString(), serverAddress);
    wipeBytes(header);
    QVERIFY(header.isEmpty());
}

void TestRegistryAuth::invalidCredentialGivesNoHeader()
{
    QVERIFY(RegistryAuth::header({QStringLiteral("docker.io"), QStringLiteral("mrc"), {}}).isEmpty());
    QVERIFY(RegistryAuth::header({QStringLiteral("docker.io"), {}, "pw"}).isEmpty());
    QVERIFY(RegistryAuth::header({{}, QStringLiteral("mrc"), "pw"}).isEmpty());
}

void TestRegistryAuth::wipeZeroesTheBytes()
{
    char buffer[] = "secret-bytes";
    secureZero(buffer, sizeof buffer);
    QCOMPARE(QByteArray(buffer, sizeof buffer), QByteArray(sizeof buffer, '\0'));

    RegistryCredential credential{QStringLiteral("docker.io"), QStringLiteral("mrc"), QByteArray("pw")};
    credential.wipe();
    QVERIFY(credential.password.isEmpty());
    QVERIFY(credential.username.isEmpty());
    QString text = QStringLiteral("secret");
    wipeString(text);
    QVERIFY(text.isEmpty());
}

QTEST_GUILESS_MAIN(TestRegistryAuth)
#include "tst_registryauth.moc"
