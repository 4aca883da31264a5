// SPDX-License-Identifier: Apache-2.0
// Issue #15, fault injection: the keyring locked in the middle of `mrc push`. The real binary pushes four images
// to the htpasswd registry while the test locks the gnome-keyring collection that holds the credentials, between
// two images. The keychain is read once, before anything moves, so that push finishes and its audit is whole. The
// next push, started while the keyring is still locked, must stop before anything moves with exit 3 and a message
// that says to unlock it (libsecret reports a locked entry as "not found", and mrc used to go on anonymously).
// Once unlocked, a rerun pushes only what is missing. No run prints the password.
//
// The keyring is a private gnome-keyring-daemon on a private bus, started here like scripts/services starts its
// own, but with a throwaway password that this test holds: unlocking needs it, and locking the services' shared
// keyring would leave it locked for every later test.
#include "common/tinyrepo.h"
#include "engine/engineprobe.h"
#include "history/pushaudit.h"
#include "manifest/manifest.h"
#include "registry/registryclient.h"
#include "registry/registryreply.h"
#include "secrets/credentialstore.h"

#include <QCoreApplication>
#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusObjectPath>
#include <QDBusReply>
#include <QDBusVariant>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <functional>
#include <memory>

using namespace mrc;
using mrc::test::TinyRepo;

namespace {

const QString secretsService = QStringLiteral("org.freedesktop.secrets");
const QString secretsPath = QStringLiteral("/org/freedesktop/secrets");
const QString loginCollection = QStringLiteral("/org/freedesktop/secrets/collection/login");

/** gnome-keyring-daemon (secrets only) on its own D-Bus session bus, with a new login collection unlocked by a
 *  password that only this object knows. Both processes end with it. */
class PrivateKeyring
{
public:
    bool start(const QString &folder, QString *why)
    {
        m_folder = folder;
        const QString home = folder + QStringLiteral("/home");
        QDir().mkpath(home + QStringLiteral("/.local/share/keyrings"));
        QDir().mkpath(folder + QStringLiteral("/run"));
        QFile::setPermissions(folder + QStringLiteral("/run"),
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        m_address = QStringLiteral("unix:path=%1/bus").arg(folder);
        {
            QFile config(folder + QStringLiteral("/session.conf"));
            if (!config.open(QIODevice::WriteOnly))
                return fail(why, config.errorString());
            config.write(
                QStringLiteral("<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN\"\n"
                               " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                               "<busconfig><type>session</type><listen>%1</listen><auth>EXTERNAL</auth>\n"
                               "<policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/>"
                               "<allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>\n")
                    .arg(m_address)
                    .toUtf8());
        }
        QFile defaultCollection(home + QStringLiteral("/.local/share/keyrings/default"));
        if (!defaultCollection.open(QIODevice::WriteOnly) || defaultCollection.write("login") != 5)
            return fail(why, QStringLiteral("cannot write the keyring's default file"));
        defaultCollection.close();

        m_bus.setProcessChannelMode(QProcess::MergedChannels);
        m_bus.setStandardOutputFile(folder + QStringLiteral("/dbus.log"));
        m_bus.start(QStringLiteral("dbus-daemon"),
                    {QStringLiteral("--config-file=") + folder + QStringLiteral("/session.conf"),
                     QStringLiteral("--nofork"), QStringLiteral("--nopidfile")});
        if (!m_bus.waitForStarted(10000))
            return fail(why, QStringLiteral("dbus-daemon: ") + m_bus.errorString());
        if (!waitFor([&] { return QFileInfo::exists(folder + QStringLiteral("/bus")); }))
            return fail(why, QStringLiteral("dbus-daemon made no socket"));

        m_password = QByteArray::number(QRandomGenerator::global()->generate64(), 16);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.insert(QStringLiteral("HOME"), home);
        env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/.local/share"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/.config"));
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), folder + QStringLiteral("/run"));
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), m_address);
        m_daemon.setProcessEnvironment(env);
        m_daemon.setProcessChannelMode(QProcess::MergedChannels);
        m_daemon.setStandardOutputFile(folder + QStringLiteral("/gnome-keyring.log"));
        m_daemon.start(
            QStringLiteral("gnome-keyring-daemon"),
            {QStringLiteral("--foreground"), QStringLiteral("--unlock"), QStringLiteral("--components=secrets")});
        if (!m_daemon.waitForStarted(10000))
            return fail(why, QStringLiteral("gnome-keyring-daemon: ") + m_daemon.errorString());
        m_daemon.write(m_password); // on stdin, as scripts/services does: never on a command line
        m_daemon.closeWriteChannel();

        m_connection = QDBusConnection::connectToBus(m_address, QStringLiteral("tst_keyringlock"));
        if (!m_connection.isConnected())
            return fail(why, m_connection.lastError().message());
        if (!waitFor([&] { return m_connection.interface()->isServiceRegistered(secretsService).value(); }))
            return fail(why, QStringLiteral("gnome-keyring-daemon did not take org.freedesktop.secrets"));
        return true;
    }

    ~PrivateKeyring()
    {
        QDBusConnection::disconnectFromBus(QStringLiteral("tst_keyringlock"));
        for (QProcess *process : {&m_daemon, &m_bus}) {
            if (process->state() != QProcess::NotRunning) {
                process->terminate();
                if (!process->waitForFinished(5000)) {
                    process->kill();
                    process->waitForFinished();
                }
            }
        }
        m_password.fill('\0');
    }

    QString address() const { return m_address; }

    bool locked() const
    {
        QDBusMessage call = QDBusMessage::createMethodCall(
            secretsService, loginCollection, QStringLiteral("org.freedesktop.DBus.Properties"), QStringLiteral("Get"));
        call << QStringLiteral("org.freedesktop.Secret.Collection") << QStringLiteral("Locked");
        const QDBusReply<QVariant> reply = m_connection.call(call, QDBus::Block, 5000);
        return reply.isValid() && reply.value().toBool();
    }

    /** Locks the login collection through the Secret Service: no prompt, no password. */
    QString lock()
    {
        QDBusMessage call = QDBusMessage::createMethodCall(
            secretsService, secretsPath, QStringLiteral("org.freedesktop.Secret.Service"), QStringLiteral("Lock"));
        call << QVariant::fromValue(QList<QDBusObjectPath>{QDBusObjectPath(loginCollection)});
        const QDBusMessage reply = m_connection.call(call, QDBus::Block, 5000);
        return reply.type() == QDBusMessage::ErrorMessage ? reply.errorMessage() : QString();
    }

    /** Unlocks it with the password, through gnome-keyring's own interface (the Secret Service's Unlock would
     *  prompt). The secret travels in a "plain" session on this private bus. */
    QString unlock()
    {
        QDBusMessage open = QDBusMessage::createMethodCall(secretsService, secretsPath,
                                                           QStringLiteral("org.freedesktop.Secret.Service"),
                                                           QStringLiteral("OpenSession"));
        open << QStringLiteral("plain") << QVariant::fromValue(QDBusVariant(QString()));
        const QDBusMessage opened = m_connection.call(open, QDBus::Block, 5000);
        if (opened.type() == QDBusMessage::ErrorMessage || opened.arguments().size() != 2)
            return QStringLiteral("OpenSession: ") + opened.errorMessage();
        const QDBusObjectPath session = opened.arguments().at(1).value<QDBusObjectPath>();

        QDBusArgument secret;
        secret.beginStructure();
        secret << session << QByteArray() << m_password << QStringLiteral("text/plain");
        secret.endStructure();
        QDBusMessage call = QDBusMessage::createMethodCall(
            secretsService, secretsPath, QStringLiteral("org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface"),
            QStringLiteral("UnlockWithMasterPassword"));
        call << QVariant::fromValue(QDBusObjectPath(loginCollection)) << QVariant::fromValue(secret);
        const QDBusMessage reply = m_connection.call(call, QDBus::Block, 5000);
        return reply.type() == QDBusMessage::ErrorMessage ? reply.errorMessage() : QString();
    }

private:
    static bool fail(QString *why, const QString &message)
    {
        *why = message;
        return false;
    }
    static bool waitFor(const std::function<bool()> &ready)
    {
        QElapsedTimer timer;
        timer.start();
        while (!ready()) {
            if (timer.elapsed() > 20000)
                return false;
            QTest::qWait(50);
        }
        return true;
    }

    QString m_folder;
    QString m_address;
    QByteArray m_password;
    QProcess m_bus;
    QProcess m_daemon;
    QDBusConnection m_connection{QString()};
};

struct Push
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    bool lockedWhileRunning = false; // the keyring was locked while this push still ran
    int auditRowsAtLock = -1;
};

} // namespace

class TestKeyringLock : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void fault_keyringLockedMidPush();

private:
    QProcessEnvironment environment() const;
    mrc::test::MrcRun mrc(const QStringList &arguments, const QByteArray &input = {});
    /** `mrc push --json`; with `lockAfterFirstImage`, the keyring is locked once the first image's tags are up. */
    Push push(bool lockAfterFirstImage);
    int auditRows(QString *error = nullptr) const;
    QString digestAt(const QString &repository, const QString &tag);
    void assertNoPassword(const QByteArray &out, const QByteArray &err);

    std::unique_ptr<QTemporaryDir> m_dir;
    PrivateKeyring m_keyring;
    QList<std::shared_ptr<TinyRepo>> m_repos;
    QString m_engine;
    QString m_registry;
    QString m_user;
    QByteArray m_password;
    QString m_namespace;
    QString m_manifest;
};

void TestKeyringLock::initTestCase()
{
    m_engine = qEnvironmentVariable("MRC_TEST_DOCKER_HOST");
    m_registry = qEnvironmentVariable("MRC_TEST_REGISTRY");
    m_password = qgetenv("MRC_TEST_REGISTRY_PASSWORD");
    if (m_engine.isEmpty() || m_registry.isEmpty() || m_password.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("MRC_TEST_DOCKER_HOST / MRC_TEST_REGISTRY* are not set: scripts/test starts the engine and the "
                  "registry and sets them");
        QSKIP("no private engine or registry: run through scripts/test");
    }
    if (QStandardPaths::findExecutable(QStringLiteral("gnome-keyring-daemon")).isEmpty() ||
        QStandardPaths::findExecutable(QStringLiteral("dbus-daemon")).isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("gnome-keyring-daemon or dbus-daemon is missing: packaging/install-deps installs them");
        QSKIP("gnome-keyring-daemon or dbus-daemon is missing: run packaging/install-deps");
    }
    m_user = qEnvironmentVariable("MRC_TEST_REGISTRY_USER", QStringLiteral("mrc"));
    QVERIFY2(QFileInfo(qEnvironmentVariable("MRC_BINARY")).isExecutable(), "MRC_BINARY must name the built mrc");
    const EngineStatus engine = EngineProbe::probe(EngineSpec{QStringLiteral("local"), m_engine, {}, {}}, 5000);
    QVERIFY2(engine.reachable, qPrintable(engine.error));

    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    QString why;
    QVERIFY2(m_keyring.start(m_dir->filePath(QStringLiteral("keyring")), &why), qPrintable(why));
    // This process reads the keychain too (CredentialStore), on the private bus only.
    qputenv("DBUS_SESSION_BUS_ADDRESS", m_keyring.address().toUtf8());

    // Four one-file images, each from its own repository, so the push goes image by image.
    m_namespace = QStringLiteral("mrc-keyring-%1-%2")
                      .arg(QCoreApplication::applicationPid())
                      .arg(QDateTime::currentSecsSinceEpoch() % 100000);
    QString components;
    for (int i = 1; i <= 4; ++i) {
        auto repo = std::make_shared<TinyRepo>();
        QVERIFY(repo->create(m_dir->filePath(QStringLiteral("r%1").arg(i)), "image " + QByteArray::number(i) + '\n'));
        components += QStringLiteral("  - {name: c%1, repo: \"file://%2\"}\n").arg(i).arg(repo->repo());
        m_repos << repo;
    }
    m_manifest = m_dir->filePath(QStringLiteral("release.yaml"));
    QFile manifest(m_manifest);
    QVERIFY(manifest.open(QIODevice::WriteOnly));
    manifest.write(QStringLiteral("version: 1\nregistry:\n  host: \"%1\"\n  namespace: %2\n"
                                  "engines:\n  - {name: local, host: \"%3\"}\n"
                                  "branches:\n  - {name: master, docker: [\"%4\"]}\n"
                                  "components:\n%5"
                                  "lint:\n  gate: false\n")
                       .arg(m_registry, m_namespace, m_engine, engine.majorMinor(), components)
                       .toUtf8());
    manifest.close();

    const auto login = mrc(
        {QStringLiteral("login"), m_registry, QStringLiteral("--username"), m_user, QStringLiteral("--password-stdin")},
        m_password + '\n');
    QVERIFY2(login.exitCode == 0, login.err.constData());
    const auto build = mrc({QStringLiteral("build"), QStringLiteral("--manifest"), m_manifest});
    QVERIFY2(build.exitCode == 0, build.err.right(2000).constData());
}

QProcessEnvironment TestKeyringLock::environment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir->filePath(QStringLiteral("xdg-data")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir->filePath(QStringLiteral("xdg-cache")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir->filePath(QStringLiteral("xdg-config")));
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), m_keyring.address());
    env.insert(QStringLiteral("DOCKER_HOST"), m_engine);
    env.remove(QStringLiteral("MRC_TEST_REGISTRY_PASSWORD"));
    return env;
}

mrc::test::MrcRun TestKeyringLock::mrc(const QStringList &arguments, const QByteArray &input)
{
    mrc::test::MrcRun run;
    QProcess process;
    process.setProcessEnvironment(environment());
    process.start(qEnvironmentVariable("MRC_BINARY"), arguments);
    if (!process.waitForStarted(10000))
        return run;
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(300000)) {
        process.kill();
        process.waitForFinished();
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    assertNoPassword(run.out, run.err);
    return run;
}

Push TestKeyringLock::push(bool lockAfterFirstImage)
{
    Push run;
    QProcess process;
    process.setProcessEnvironment(environment());
    QEventLoop loop;
    QObject::connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
    QObject::connect(&process, &QProcess::readyReadStandardError, &loop, [&] {
        run.err += process.readAllStandardError();
        // The publisher logs "[cN@master] ok TAG: …" as each tag is verified; both tags of a cell = one image up.
        const auto oneImageUp = [&run] {
            for (int i = 1; i <= 4; ++i) {
                if (run.err.count("[c" + QByteArray::number(i) + "@master] ok ") >= 2)
                    return true;
            }
            return false;
        };
        if (lockAfterFirstImage && run.auditRowsAtLock < 0 && oneImageUp()) {
            const QString error = m_keyring.lock();
            QVERIFY2(error.isEmpty(), qPrintable(error));
            run.lockedWhileRunning = process.state() == QProcess::Running && m_keyring.locked();
            run.auditRowsAtLock = auditRows();
        }
    });
    QTimer::singleShot(300000, &loop, &QEventLoop::quit);
    process.start(qEnvironmentVariable("MRC_BINARY"),
                  {QStringLiteral("push"), QStringLiteral("--manifest"), m_manifest, QStringLiteral("--json")});
    loop.exec();
    if (process.state() != QProcess::NotRunning) {
        process.kill();
        process.waitForFinished();
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err += process.readAllStandardError();
    assertNoPassword(run.out, run.err);
    return run;
}

int TestKeyringLock::auditRows(QString *error) const
{
    PushAudit audit(m_dir->filePath(QStringLiteral("xdg-data/mrc/history.sqlite")));
    QString why;
    if (!audit.open(&why)) {
        if (error)
            *error = why;
        return -1;
    }
    return int(audit.recent(10000, error).size());
}

QString TestKeyringLock::digestAt(const QString &repository, const QString &tag)
{
    RegistryClient client(m_registry, RegistryCredentials{m_user, QString::fromUtf8(m_password)});
    std::unique_ptr<RegistryReply> reply(client.manifestDigest(repository, tag));
    reply->waitForFinished();
    if (reply->error() == RegistryReply::NotFound)
        return QStringLiteral("absent");
    return reply->ok() ? reply->digest() : QStringLiteral("error: ") + reply->errorString();
}

void TestKeyringLock::assertNoPassword(const QByteArray &out, const QByteArray &err)
{
    QVERIFY2(!out.contains(m_password) && !err.contains(m_password), "mrc printed the registry password");
    const QByteArray basic = (m_user.toUtf8() + ':' + m_password).toBase64();
    QVERIFY2(!out.contains(basic) && !err.contains(basic), "mrc printed the Basic credentials");
}

void TestKeyringLock::fault_keyringLockedMidPush()
{
    // 1. The keyring is locked between the first image and the rest: the credentials were read before anything
    //    moved, so every image goes up, and the audit holds every tag.
    const Push first = push(true);
    QVERIFY2(first.auditRowsAtLock >= 0, "the push never got past its first image: " + first.err.right(2000));
    QVERIFY2(first.lockedWhileRunning, "the push had ended before the keyring was locked");
    QVERIFY2(first.exitCode == 0, first.err.right(2000).constData());
    const QJsonArray results = QJsonDocument::fromJson(first.out).object().value(QStringLiteral("results")).toArray();
    QCOMPARE(results.size(), 8); // sha-<7> and master for each of the four images
    QVERIFY2(first.auditRowsAtLock < results.size(),
             qPrintable(QStringLiteral("the lock came after all %1 tags were recorded").arg(first.auditRowsAtLock)));
    QHash<QString, QString> digests; // repository:tag -> digest
    for (const QJsonValue &value : results) {
        const QJsonObject row = value.toObject();
        const QString key = row.value(QStringLiteral("repository")).toString() + QLatin1Char(':') +
                            row.value(QStringLiteral("tag")).toString();
        QVERIFY2(row.value(QStringLiteral("ok")).toBool(),
                 qPrintable(key + QStringLiteral(": ") + row.value(QStringLiteral("message")).toString()));
        QCOMPARE(
            digestAt(row.value(QStringLiteral("repository")).toString(), row.value(QStringLiteral("tag")).toString()),
            row.value(QStringLiteral("digest")).toString());
        digests.insert(key, row.value(QStringLiteral("digest")).toString());
    }
    QCOMPARE(auditRows(), 8);

    // The lock holds: this process cannot read the entry either, and is told why.
    const CredentialResult whileLocked = CredentialStore::readNow(m_registry);
    QCOMPARE(whileLocked.error, CredentialError::AccessDenied);
    QVERIFY2(whileLocked.message.contains(QLatin1String("locked")), qPrintable(whileLocked.message));

    // 2. c4 gets a new commit. The push that starts while the keyring is still locked moves nothing: exit 3 (the
    //    documented "keychain unreachable"), a message that says to unlock it, never an anonymous attempt.
    QVERIFY(m_repos.at(3)->write(QStringLiteral("docker/hello.txt"), "image 4, second commit\n"));
    QVERIFY(m_repos.at(3)->commit(QStringLiteral("second")));
    QByteArray head;
    QVERIFY(
        m_repos.at(3)->git({QStringLiteral("rev-parse"), QStringLiteral("--short=7"), QStringLiteral("HEAD")}, &head));
    const QString newTag = QStringLiteral("sha-") + QString::fromLatin1(head.trimmed());
    const auto build = mrc({QStringLiteral("build"), QStringLiteral("--manifest"), m_manifest,
                            QStringLiteral("--fetch"), QStringLiteral("--component"), QStringLiteral("c4")});
    QVERIFY2(build.exitCode == 0, build.err.right(2000).constData());

    const Push refused = push(false);
    QVERIFY2(refused.exitCode == 3, refused.err.right(2000).constData());
    QVERIFY2(refused.err.contains("keyring that holds them is locked") && refused.err.contains("Unlock it") &&
                 refused.err.contains(m_registry.toUtf8()),
             refused.err.constData());
    QVERIFY2(!refused.err.contains("anonymously"), refused.err.constData());
    const QString c4 = m_namespace + QStringLiteral("/c4");
    QCOMPARE(digestAt(c4, newTag), QStringLiteral("absent"));
    QCOMPARE(digestAt(c4, QStringLiteral("master")), digests.value(c4 + QStringLiteral(":master")));
    QCOMPARE(auditRows(), 8); // nothing was attempted, so nothing new is recorded

    // 3. Unlocked, the rerun pushes only what is missing: c4's new image; the rest is unchanged.
    const QString unlockError = m_keyring.unlock();
    QVERIFY2(unlockError.isEmpty(), qPrintable(unlockError));
    QVERIFY(!m_keyring.locked());
    const Push rerun = push(false);
    QVERIFY2(rerun.exitCode == 0, rerun.err.right(2000).constData());
    const QJsonArray again = QJsonDocument::fromJson(rerun.out).object().value(QStringLiteral("results")).toArray();
    QCOMPARE(again.size(), 8);
    int uploads = 0;
    for (const QJsonValue &value : again) {
        const QJsonObject row = value.toObject();
        const QString component = row.value(QStringLiteral("component")).toString();
        const QString tag = row.value(QStringLiteral("tag")).toString();
        const QString action = row.value(QStringLiteral("action")).toString();
        QVERIFY2(row.value(QStringLiteral("ok")).toBool(), qPrintable(row.value(QStringLiteral("message")).toString()));
        uploads += row.value(QStringLiteral("method")).toString() == QLatin1String("push") ? 1 : 0;
        if (component != QLatin1String("c4"))
            QCOMPARE(action, QStringLiteral("unchanged"));
        else if (tag == newTag)
            QCOMPARE(action, QStringLiteral("create"));
        else
            QCOMPARE(action, QStringLiteral("move"));
    }
    QCOMPARE(uploads, 1);
    const QString pushed = digestAt(c4, newTag);
    QVERIFY(pushed.startsWith(QLatin1String("sha256:")));
    QCOMPARE(digestAt(c4, QStringLiteral("master")), pushed);
    QVERIFY(pushed != digests.value(c4 + QStringLiteral(":master")));

    // The audit tells the three runs apart: the first run's eight tags, then the rerun's eight, all ok, by the user.
    PushAudit audit(m_dir->filePath(QStringLiteral("xdg-data/mrc/history.sqlite")));
    QString error;
    QVERIFY2(audit.open(&error), qPrintable(error));
    const QList<PushRecord> records = audit.recent(100, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(records.size(), 16);
    for (const PushRecord &record : records) {
        QVERIFY2(record.ok, qPrintable(record.message));
        QCOMPARE(record.user, m_user);
    }
    QCOMPARE(std::count_if(records.cbegin(), records.cend(),
                           [&](const PushRecord &r) {
                               return r.repository == c4 && r.tag == newTag && r.action == QLatin1String("create");
                           }),
             1);
}

QTEST_GUILESS_MAIN(TestKeyringLock)
#include "tst_keyringlock.moc"
