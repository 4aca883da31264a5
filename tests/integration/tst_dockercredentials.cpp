// SPDX-License-Identifier: Apache-2.0
// Credentials the way Docker keeps them, on the real services: the real docker-credential-secretservice
// (golang-docker-credential-helpers) against the test gnome-keyring on its private session bus, a temporary
// DOCKER_CONFIG, the token registry and the private engine. `mrc login --store docker` writes through the helper
// (password on stdin), the resolution reads it back and says where it came from, a push uses it without any
// keychain entry of mrc's, `auths` is the last resort, a missing or failing helper gives a clear message, and
// config.json never gains an `auth` field.
#include "common/tinyrepo.h"
#include "engine/engineprobe.h"
#include "manifest/manifest.h"
#include "registry/registryclient.h"
#include "registry/registryreply.h"
#include "secrets/credentialhelper.h"
#include "secrets/credentialresolver.h"
#include "secrets/credentialstore.h"
#include "secrets/dockerconfig.h"

#include <QDateTime>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace mrc;

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

QStringList filesHolding(const QString &dir, const QByteArray &needle)
{
    QStringList found;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(needle))
            found << file.fileName();
    }
    return found;
}

} // namespace

class TestDockerCredentials : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanupTestCase();
    void loginStoresThroughTheHelper();
    void credHelpersBeatCredsStore();
    void logoutErasesFromTheHelper();
    void pushUsesTheHelpersCredentials();
    void authsIsTheLastResort();
    void keychainComesFirst();
    void missingHelperSaysWhichPackage();
    void failingHelperGivesItsMessage();
    void storeDockerWithoutHelperFails();
    void brokenConfigNamesFileAndLine();

private:
    void writeConfig(const QByteArray &json);
    QByteArray readConfig() const;
    Run mrc(const QStringList &arguments, const QByteArray &input = {}, int timeoutMs = 300000);
    void eraseHelperEntry();

    QTemporaryDir m_dir;
    QString m_config; // DOCKER_CONFIG
    QString m_registry;
    QString m_engine;
    QString m_user;
    QByteArray m_password;
};

void TestDockerCredentials::initTestCase()
{
    const QByteArray bus = qgetenv("MRC_TEST_DBUS_ADDRESS");
    m_registry = qEnvironmentVariable("MRC_TEST_TOKEN_REGISTRY");
    m_engine = qEnvironmentVariable("MRC_TEST_DOCKER_HOST");
    m_password = qgetenv("MRC_TEST_REGISTRY_PASSWORD");
    if (bus.isEmpty() || m_registry.isEmpty() || m_engine.isEmpty() || m_password.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("MRC_TEST_DBUS_ADDRESS / MRC_TEST_TOKEN_REGISTRY / MRC_TEST_DOCKER_HOST are not set: scripts/test "
                  "starts the keyring, the registries and the engine");
        QSKIP("no private keyring, registry or engine: run through scripts/test");
    }
    if (QStandardPaths::findExecutable(QStringLiteral("docker-credential-secretservice")).isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("docker-credential-secretservice is missing: packaging/install-deps installs "
                  "golang-docker-credential-helpers");
        QSKIP("docker-credential-secretservice is missing: run packaging/install-deps");
    }
    QVERIFY2(QFileInfo(qEnvironmentVariable("MRC_BINARY")).isExecutable(), "MRC_BINARY must name the built mrc");
    QVERIFY(m_dir.isValid());
    m_user = qEnvironmentVariable("MRC_TEST_REGISTRY_USER", QStringLiteral("mrc"));
    m_config = m_dir.filePath(QStringLiteral("docker"));
    QVERIFY(QDir().mkpath(m_config));
    // This process resolves too: the same bus, the same DOCKER_CONFIG as the children.
    qputenv("DBUS_SESSION_BUS_ADDRESS", bus);
    qputenv("DOCKER_CONFIG", m_config.toUtf8());
    QStandardPaths::setTestModeEnabled(true);
}

void TestDockerCredentials::init()
{
    // Nothing of mrc's own in the keychain for the token registry, so the Docker side answers.
    const CredentialResult removed = CredentialStore::removeNow(m_registry);
    QVERIFY2(removed.ok(), qPrintable(removed.message));
    eraseHelperEntry();
}

void TestDockerCredentials::cleanupTestCase()
{
    if (!m_config.isEmpty() && !m_registry.isEmpty()) {
        eraseHelperEntry();
        CredentialStore::removeNow(m_registry);
    }
}

void TestDockerCredentials::eraseHelperEntry()
{
    if (QStandardPaths::findExecutable(QStringLiteral("docker-credential-secretservice")).isEmpty())
        return;
    const CredentialHelper::Result erased =
        CredentialHelper::eraseNow(QStringLiteral("secretservice"), m_registry, QStringLiteral("the test"));
    QVERIFY2(erased.ok() || erased.status == CredentialHelper::Result::NotFound, qPrintable(erased.message));
}

void TestDockerCredentials::writeConfig(const QByteArray &json)
{
    QFile file(m_config + QStringLiteral("/config.json"));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(json);
}

QByteArray TestDockerCredentials::readConfig() const
{
    QFile file(m_config + QStringLiteral("/config.json"));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

Run TestDockerCredentials::mrc(const QStringList &arguments, const QByteArray &input, int timeoutMs)
{
    Run run;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), m_dir.path());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("xdg-config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("xdg-data")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath(QStringLiteral("xdg-cache")));
    env.insert(QStringLiteral("DOCKER_CONFIG"), m_config);
    env.insert(QStringLiteral("DOCKER_HOST"), m_engine);
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), qEnvironmentVariable("MRC_TEST_DBUS_ADDRESS"));
    env.remove(QStringLiteral("MRC_TEST_REGISTRY_PASSWORD"));
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(qEnvironmentVariable("MRC_BINARY"), arguments);
    if (!process.waitForStarted(10000))
        return run;
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    if (run.out.contains(m_password) || run.err.contains(m_password))
        qWarning("mrc printed the registry password");
    return run;
}

void TestDockerCredentials::loginStoresThroughTheHelper()
{
    const QByteArray config = R"({"credsStore": "secretservice", "experimental": "disabled"})";
    writeConfig(config);
    const Run login = mrc({QStringLiteral("login"), m_registry, QStringLiteral("--username"), m_user,
                           QStringLiteral("--password-stdin"), QStringLiteral("--store"), QStringLiteral("docker")},
                          m_password + '\n');
    QVERIFY2(login.exitCode == 0, login.err.constData());
    QVERIFY(!login.out.contains(m_password) && !login.err.contains(m_password));
    QVERIFY2(login.out.contains("docker-credential-secretservice"), login.out.constData());

    // The helper itself holds it (its own `get`), and config.json is untouched: no `auth` field, ever.
    CredentialHelper::Result held = CredentialHelper::getNow(QStringLiteral("secretservice"), m_registry);
    QVERIFY2(held.ok(), qPrintable(held.message));
    QCOMPARE(held.username, m_user);
    QVERIFY(held.secret == m_password);
    held.secret.fill('\0');
    QCOMPARE(readConfig(), config);
    QVERIFY(!readConfig().contains("\"auth\""));
    QVERIFY2(filesHolding(m_dir.path(), m_password).isEmpty(),
             qPrintable(filesHolding(m_dir.path(), m_password).join(QLatin1Char(' '))));

    // The resolution finds it there and says so; the keychain has nothing of mrc's.
    QCOMPARE(CredentialStore::readNow(m_registry).error, CredentialError::NotFound);
    CredentialResult resolved = CredentialResolver::resolveNow(m_registry);
    QVERIFY2(resolved.ok(), qPrintable(resolved.message));
    QCOMPARE(resolved.credential.source, QStringLiteral("docker-credential-secretservice"));
    QCOMPARE(resolved.credential.username, m_user);
    QVERIFY(resolved.credential.password == m_password);
    resolved.credential.wipe();

    const Run status = mrc({QStringLiteral("login"), QStringLiteral("--status"), m_registry});
    QVERIFY2(status.exitCode == 0, status.err.constData());
    QVERIFY2(status.out.contains("from docker-credential-secretservice") && status.out.contains(m_user.toUtf8()),
             status.out.constData());
}

void TestDockerCredentials::credHelpersBeatCredsStore()
{
    QVERIFY(CredentialHelper::storeNow(QStringLiteral("secretservice"), m_registry, m_user, m_password).ok());
    // credsStore names a helper that does not exist: the per-host credHelpers entry is asked instead.
    writeConfig(QStringLiteral(R"({"credsStore": "mrc-no-such-helper", "credHelpers": {"%1": "secretservice"}})")
                    .arg(m_registry)
                    .toUtf8());
    CredentialResult resolved = CredentialResolver::resolveNow(m_registry);
    QVERIFY2(resolved.ok(), qPrintable(resolved.message));
    QCOMPARE(resolved.credential.source, QStringLiteral("docker-credential-secretservice"));
    resolved.credential.wipe();
    // Another host falls to credsStore, and its missing helper is named.
    const CredentialResult other = CredentialResolver::resolveNow(QStringLiteral("other.mrc.invalid"));
    QVERIFY(!other.ok());
    QVERIFY2(other.message.contains(QLatin1String("docker-credential-mrc-no-such-helper is not on the PATH")) &&
                 other.message.contains(QLatin1String("credsStore in ")),
             qPrintable(other.message));
}

void TestDockerCredentials::logoutErasesFromTheHelper()
{
    writeConfig(R"({"credsStore": "secretservice"})");
    QVERIFY(CredentialHelper::storeNow(QStringLiteral("secretservice"), m_registry, m_user, m_password).ok());
    const Run logout = mrc({QStringLiteral("logout"), m_registry, QStringLiteral("--store"), QStringLiteral("docker")});
    QVERIFY2(logout.exitCode == 0, logout.err.constData());
    QVERIFY2(logout.out.contains("docker-credential-secretservice holds no credentials for it now"),
             logout.out.constData());
    QCOMPARE(CredentialHelper::getNow(QStringLiteral("secretservice"), m_registry).status,
             CredentialHelper::Result::NotFound);
    // Again: nothing to erase is no error (secretservice's erase succeeds either way).
    const Run again = mrc({QStringLiteral("logout"), m_registry, QStringLiteral("--store"), QStringLiteral("docker")});
    QVERIFY2(again.exitCode == 0, again.err.constData());
}

void TestDockerCredentials::pushUsesTheHelpersCredentials()
{
    writeConfig(R"({"credsStore": "secretservice"})");
    QVERIFY(CredentialHelper::storeNow(QStringLiteral("secretservice"), m_registry, m_user, m_password).ok());

    EngineSpec spec;
    spec.name = QStringLiteral("local");
    spec.host = m_engine;
    const EngineStatus engine = EngineProbe::probe(spec, 5000);
    QVERIFY2(engine.reachable, qPrintable(engine.error));
    test::TinyRepo repo;
    QVERIFY(repo.create(m_dir.filePath(QStringLiteral("push")), "docker credentials\n"));
    const QString ns = QStringLiteral("mrc-dockercreds-%1-%2")
                           .arg(QCoreApplication::applicationPid())
                           .arg(QDateTime::currentSecsSinceEpoch() % 100000);
    const QString manifest = m_dir.filePath(QStringLiteral("push/release.yaml"));
    QFile file(manifest);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QStringLiteral("version: 1\nregistry:\n  host: \"%1\"\n  namespace: %2\n"
                              "engines:\n  - {name: local, host: \"%3\"}\n"
                              "branches:\n  - {name: master, docker: [\"%4\"]}\n"
                              "components:\n  - {name: hello, repo: \"file://%5\"}\n"
                              "lint:\n  gate: false\n")
                   .arg(m_registry, ns, m_engine, engine.majorMinor(), repo.repo())
                   .toUtf8());
    file.close();
    const Run build = mrc({QStringLiteral("build"), QStringLiteral("--manifest"), manifest});
    QVERIFY2(build.exitCode == 0, build.err.right(2000).constData());

    const Run push = mrc({QStringLiteral("push"), QStringLiteral("--manifest"), manifest});
    QVERIFY2(push.exitCode == 0, push.err.right(3000).constData());
    QVERIFY2(push.err.contains("credentials for " + m_registry.toUtf8() + " from docker-credential-secretservice"),
             push.err.right(3000).constData());

    // The tag is there, read with the same credentials.
    RegistryClient client(m_registry, RegistryCredentials{m_user, QString::fromUtf8(m_password)});
    std::unique_ptr<RegistryReply> reply(
        client.manifestDigest(ns + QStringLiteral("/hello"), QStringLiteral("master")));
    QVERIFY(reply->waitForFinished(60000));
    QVERIFY2(reply->ok(), qPrintable(reply->errorString()));
    QVERIFY(!readConfig().contains("\"auth\""));
    QVERIFY(filesHolding(m_dir.path(), m_password).isEmpty());
}

void TestDockerCredentials::authsIsTheLastResort()
{
    // A made-up login, so no real password goes into a file: the resolution alone is under test here.
    const QByteArray secret = "auths-secret-" + QByteArray::number(QCoreApplication::applicationPid());
    writeConfig(QStringLiteral(R"({"auths": {"https://%1/": {"auth": "%2"}}})")
                    .arg(m_registry, QString::fromLatin1(("auths-user:" + secret).toBase64()))
                    .toUtf8());
    CredentialResult resolved = CredentialResolver::resolveNow(m_registry);
    QVERIFY2(resolved.ok(), qPrintable(resolved.message));
    QCOMPARE(resolved.credential.source, QStringLiteral("config.json auths"));
    QCOMPARE(resolved.credential.username, QStringLiteral("auths-user"));
    QVERIFY(resolved.credential.password == secret);
    resolved.credential.wipe();

    // With a helper that holds the host, the helper wins over auths.
    QVERIFY(CredentialHelper::storeNow(QStringLiteral("secretservice"), m_registry, m_user, m_password).ok());
    writeConfig(QStringLiteral(R"({"credsStore": "secretservice", "auths": {"%1": {"auth": "%2"}}})")
                    .arg(m_registry, QString::fromLatin1(("auths-user:" + secret).toBase64()))
                    .toUtf8());
    resolved = CredentialResolver::resolveNow(m_registry);
    QVERIFY2(resolved.ok(), qPrintable(resolved.message));
    QCOMPARE(resolved.credential.source, QStringLiteral("docker-credential-secretservice"));
    resolved.credential.wipe();

    const Run status =
        mrc({QStringLiteral("login"), QStringLiteral("--status"), QStringLiteral("nothing.mrc.invalid")});
    QCOMPARE(status.exitCode, 1);
    QVERIFY2(status.out.contains("No credentials for nothing.mrc.invalid"), status.out.constData());
}

void TestDockerCredentials::keychainComesFirst()
{
    QVERIFY(CredentialHelper::storeNow(QStringLiteral("secretservice"), m_registry, m_user, m_password).ok());
    writeConfig(R"({"credsStore": "secretservice"})");
    QVERIFY(CredentialStore::writeNow({m_registry, QStringLiteral("from-the-keychain"), "keychain-secret"}).ok());
    CredentialResult resolved = CredentialResolver::resolveNow(m_registry);
    QVERIFY2(resolved.ok(), qPrintable(resolved.message));
    QCOMPARE(resolved.credential.source, QStringLiteral("keychain"));
    QCOMPARE(resolved.credential.username, QStringLiteral("from-the-keychain"));
    resolved.credential.wipe();
}

void TestDockerCredentials::missingHelperSaysWhichPackage()
{
    const QString config = m_config + QStringLiteral("/config.json");
    writeConfig(R"({"credsStore": "secretservice-not-installed"})");
    const CredentialResult resolved = CredentialResolver::resolveNow(m_registry);
    QCOMPARE(resolved.error, CredentialError::Other);
    QVERIFY2(resolved.message.contains(QLatin1String("docker-credential-secretservice-not-installed is not on the "
                                                     "PATH (named by credsStore in ") +
                                       config),
             qPrintable(resolved.message));

    // The Debian package is named for the helpers it ships; mrc login fails before asking for a password.
    QVERIFY(CredentialHelper::packageHint(QStringLiteral("pass"))
                .contains(QLatin1String("golang-docker-credential-"
                                        "helpers")));
    writeConfig(QStringLiteral(R"({"credHelpers": {"%1": "mrc-missing"}})").arg(m_registry).toUtf8());
    const Run login = mrc({QStringLiteral("login"), m_registry, QStringLiteral("--username"), m_user,
                           QStringLiteral("--password-stdin"), QStringLiteral("--store"), QStringLiteral("docker")},
                          m_password);
    QCOMPARE(login.exitCode, 3);
    QVERIFY2(login.err.contains("docker-credential-mrc-missing is not on the PATH (named by credHelpers in"),
             login.err.constData());
}

void TestDockerCredentials::failingHelperGivesItsMessage()
{
    // docker-credential-pass is installed with secretservice; without a pass store it fails, with its own message.
    writeConfig(R"({"credsStore": "pass"})");
    const CredentialHelper::Result stored =
        CredentialHelper::storeNow(QStringLiteral("pass"), QStringLiteral("failing.mrc.invalid"), m_user, m_password);
    QCOMPARE(stored.status, CredentialHelper::Result::Failed);
    QVERIFY2(stored.message.startsWith(QLatin1String("docker-credential-pass store failed (exit ")),
             qPrintable(stored.message));
    QVERIFY(!stored.message.toUtf8().contains(m_password));
    const Run login = mrc({QStringLiteral("login"), m_registry, QStringLiteral("--username"), m_user,
                           QStringLiteral("--password-stdin"), QStringLiteral("--store"), QStringLiteral("docker")},
                          m_password);
    QVERIFY2(login.exitCode != 0, login.out.constData());
    QVERIFY2(login.err.contains("docker-credential-pass store failed"), login.err.constData());
    QVERIFY(!login.err.contains(m_password));
    QVERIFY(!readConfig().contains("\"auth\""));
}

void TestDockerCredentials::storeDockerWithoutHelperFails()
{
    const QByteArray config = R"({"auths": {}})";
    writeConfig(config);
    const Run login = mrc({QStringLiteral("login"), m_registry, QStringLiteral("--username"), m_user,
                           QStringLiteral("--password-stdin"), QStringLiteral("--store"), QStringLiteral("docker")},
                          m_password);
    QCOMPARE(login.exitCode, 3);
    QVERIFY2(login.err.contains("names none (neither credHelpers nor credsStore)") &&
                 login.err.contains("never writes a plaintext auth entry"),
             login.err.constData());
    QCOMPARE(readConfig(), config);
    QCOMPARE(CredentialStore::readNow(m_registry).error, CredentialError::NotFound);
}

void TestDockerCredentials::brokenConfigNamesFileAndLine()
{
    writeConfig("{\n  \"credsStore\": \"secretservice\",\n  \"auths\": {,}\n}\n");
    const CredentialResult resolved = CredentialResolver::resolveNow(m_registry);
    QVERIFY(!resolved.ok());
    QVERIFY2(resolved.message.startsWith(m_config + QStringLiteral("/config.json:3: not a JSON object")),
             qPrintable(resolved.message));
    writeConfig("{\n  \"credHelpers\": \"secretservice\"\n}\n");
    const DockerConfig config = DockerConfig::load();
    QVERIFY2(config.error().contains(QLatin1String("config.json:2: \"credHelpers\" must be an object")),
             qPrintable(config.error()));
}

QTEST_GUILESS_MAIN(TestDockerCredentials)
#include "tst_dockercredentials.moc"
