// SPDX-License-Identifier: Apache-2.0
// Credentials on the real keychain (gnome-keyring on the private session bus that scripts/services starts) and the
// real htpasswd registry: the store's round trip, `mrc login` / `mrc logout` through the built binary, a refused
// password that stores nothing, no keychain at all, and the password never showing up in a process's command
// line, in the console's output or in any file the console wrote.
#include "secrets/credentialcheck.h"
#include "secrets/credentialstore.h"
#include "secrets/registrycredential.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace mrc;

namespace {

/** "PID: command line" of every process whose command line holds `needle`. */
QStringList commandLinesHolding(const QByteArray &needle)
{
    QStringList found;
    const QStringList pids = QDir(QStringLiteral("/proc")).entryList({QStringLiteral("[0-9]*")}, QDir::Dirs);
    for (const QString &pid : pids) {
        QFile file(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (!file.open(QIODevice::ReadOnly))
            continue; // gone meanwhile
        QByteArray line = file.readAll();
        if (line.contains(needle)) {
            line.replace('\0', ' ');
            found << pid + QStringLiteral(": ") +
                         QString::fromLocal8Bit(line).replace(QString::fromUtf8(needle), QStringLiteral("<password>"));
        }
    }
    return found;
}

/** Files below `dir` whose contents hold `needle`. */
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

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QStringList exposedIn; // command lines holding the password while mrc ran
};

} // namespace

class TestCredentials : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void storeReadDeleteRoundTrip();
    void verifyAgainstTheRegistry();
    void loginStoresWhatTheRegistryAccepted();
    void wrongPasswordExits4AndStoresNothing();
    void wrongPasswordKeepsTheEarlierLogin();
    void logoutRemoves();
    void passwordArgumentIsRefused();
    void noKeychainSaysWhatToStart();
    void unreachableRegistryExits3();
    void passwordIsInNoFile();

private:
    /** Runs the mrc binary with `stdinData` on stdin, fed only after the process has started, and scans every
     *  process's command line for the password the whole time. */
    Run mrc(const QStringList &arguments, const QByteArray &stdinData, const QProcessEnvironment &extra = {});
    QProcessEnvironment childEnvironment() const;

    QString m_binary;
    QString m_registry;
    QString m_user;
    QByteArray m_password;
    QTemporaryDir m_home;
};

void TestCredentials::initTestCase()
{
    const QByteArray bus = qgetenv("MRC_TEST_DBUS_ADDRESS");
    m_registry = qEnvironmentVariable("MRC_TEST_REGISTRY");
    m_password = qgetenv("MRC_TEST_REGISTRY_PASSWORD");
    if (bus.isEmpty() || m_registry.isEmpty() || m_password.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("MRC_TEST_DBUS_ADDRESS / MRC_TEST_REGISTRY* are not set: scripts/test starts the keyring and the "
                  "registry and sets them");
        QSKIP("no private keyring or registry: run through scripts/test");
    }
    // This process talks to the test keyring too, for reading back what mrc stored.
    qputenv("DBUS_SESSION_BUS_ADDRESS", bus);
    m_user = qEnvironmentVariable("MRC_TEST_REGISTRY_USER", QStringLiteral("mrc"));
    m_binary = qEnvironmentVariable("MRC_BINARY");
    QVERIFY2(QFileInfo(m_binary).isExecutable(), "MRC_BINARY must name the built mrc");
    QVERIFY(m_home.isValid());
    QStandardPaths::setTestModeEnabled(true);

    const CredentialResult cleared = CredentialStore::removeNow(m_registry);
    QVERIFY2(cleared.ok(), qPrintable(cleared.message));

    // The scan below must be able to fail: it finds a decoy that is on a command line.
    const QByteArray decoy = "mrc-cmdline-decoy-" + QByteArray::number(QCoreApplication::applicationPid());
    QProcess holder;
    holder.start(QStringLiteral("sh"),
                 {QStringLiteral("-c"), QStringLiteral("sleep 30; :"), QString::fromLatin1(decoy)});
    QVERIFY(holder.waitForStarted());
    QTRY_VERIFY(!commandLinesHolding(decoy).isEmpty());
    holder.kill();
    holder.waitForFinished();
}

void TestCredentials::cleanupTestCase()
{
    if (!m_registry.isEmpty() && !m_password.isEmpty())
        CredentialStore::removeNow(m_registry);
}

QProcessEnvironment TestCredentials::childEnvironment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // The child keeps everything in the temporary home, so passwordIsInNoFile can look at all it wrote.
    env.insert(QStringLiteral("HOME"), m_home.path());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.path() + QStringLiteral("/.config"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.path() + QStringLiteral("/.local/share"));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_home.path() + QStringLiteral("/.cache"));
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), qEnvironmentVariable("MRC_TEST_DBUS_ADDRESS"));
    env.remove(QStringLiteral("MRC_TEST_REGISTRY_PASSWORD"));
    return env;
}

Run TestCredentials::mrc(const QStringList &arguments, const QByteArray &stdinData, const QProcessEnvironment &extra)
{
    Run run;
    QProcessEnvironment env = childEnvironment();
    for (const QString &key : extra.keys())
        env.insert(key, extra.value(key));
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(m_binary, arguments);
    if (!process.waitForStarted(10000)) {
        run.err = process.errorString().toUtf8();
        return run;
    }
    run.exposedIn += commandLinesHolding(m_password);
    process.write(stdinData);
    process.waitForBytesWritten(5000);
    run.exposedIn += commandLinesHolding(m_password);
    QFile environ(QStringLiteral("/proc/%1/environ").arg(process.processId()));
    if (environ.open(QIODevice::ReadOnly) && environ.readAll().contains(m_password))
        run.exposedIn << QStringLiteral("the environment of mrc");
    process.closeWriteChannel();
    // Scan while mrc checks with the registry and writes to the keychain.
    QElapsedTimer timer;
    timer.start();
    while (!process.waitForFinished(10) && timer.elapsed() < 60000)
        run.exposedIn += commandLinesHolding(m_password);
    run.exitCode = process.state() == QProcess::NotRunning ? process.exitCode() : -1;
    if (process.state() != QProcess::NotRunning) {
        process.kill();
        process.waitForFinished();
    }
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

void TestCredentials::storeReadDeleteRoundTrip()
{
    const QString registry = QStringLiteral("roundtrip.mrc.invalid:1234");
    const QByteArray password = QByteArrayLiteral("p\"a\\ss w\xc3\xb6rd {json} \xe2\x82\xac");
    const CredentialResult written = CredentialStore::writeNow({registry, QStringLiteral("release-bot"), password});
    QVERIFY2(written.ok(), qPrintable(written.message));

    // Another alias of the same host reads the same entry.
    CredentialResult read = CredentialStore::readNow(QStringLiteral("https://ROUNDTRIP.mrc.invalid:1234/v2/"));
    QVERIFY2(read.ok(), qPrintable(read.message));
    QCOMPARE(read.credential.registry, registry);
    QCOMPARE(read.credential.username, QStringLiteral("release-bot"));
    QCOMPARE(read.credential.password, password);
    read.credential.wipe();

    // The asynchronous form reports on the calling thread through finished().
    std::unique_ptr<CredentialRequest> request(CredentialStore::remove(registry));
    QSignalSpy finished(request.get(), &CredentialRequest::finished);
    QVERIFY(finished.wait(10000));
    QVERIFY2(request->result().ok(), qPrintable(request->result().message));

    const CredentialResult gone = CredentialStore::readNow(registry);
    QCOMPARE(gone.error, CredentialError::NotFound);
    QVERIFY(gone.message.contains(QLatin1String("mrc login")));
    QVERIFY(gone.credential.password.isEmpty());
}

void TestCredentials::verifyAgainstTheRegistry()
{
    CredentialCheck check = verifyCredentials(m_registry, m_user, m_password);
    QCOMPARE(check.status, CredentialCheck::Ok);
    check = verifyCredentials(m_registry, m_user, "not-the-password");
    QCOMPARE(check.status, CredentialCheck::Unauthorized);
    QVERIFY2(check.message.contains(m_registry) && check.message.contains(QLatin1String("401")),
             qPrintable(check.message));
    QVERIFY(!check.message.contains(QLatin1String("not-the-password")));
}

void TestCredentials::loginStoresWhatTheRegistryAccepted()
{
    const Run run = mrc(
        {QStringLiteral("login"), m_registry, QStringLiteral("--username"), m_user, QStringLiteral("--password-stdin")},
        m_password + '\n');
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY2(run.exposedIn.isEmpty(), qPrintable(run.exposedIn.join(QLatin1Char('\n'))));
    QVERIFY(!run.out.contains(m_password) && !run.err.contains(m_password));
    QVERIFY(run.out.contains("Logged in to " + m_registry.toUtf8()));

    CredentialResult held = CredentialStore::readNow(m_registry);
    QVERIFY2(held.ok(), qPrintable(held.message));
    QCOMPARE(held.credential.username, m_user);
    QCOMPARE(held.credential.password, m_password); // the trailing newline from stdin is not part of it
    held.credential.wipe();
}

void TestCredentials::wrongPasswordExits4AndStoresNothing()
{
    QVERIFY(CredentialStore::removeNow(m_registry).ok());
    const QByteArray wrong = "wrong-" + m_password;
    const Run run = mrc(
        {QStringLiteral("login"), m_registry, QStringLiteral("--username"), m_user, QStringLiteral("--password-stdin")},
        wrong);
    QCOMPARE(run.exitCode, 4);
    QVERIFY2(run.err.contains("401") && run.err.contains("Nothing was stored"), run.err.constData());
    QVERIFY(!run.err.contains(wrong) && !run.out.contains(wrong));
    QVERIFY2(commandLinesHolding(wrong).isEmpty(), "the wrong password is on a command line");

    const CredentialResult held = CredentialStore::readNow(m_registry);
    QCOMPARE(held.error, CredentialError::NotFound);
}

void TestCredentials::wrongPasswordKeepsTheEarlierLogin()
{
    QVERIFY(CredentialStore::writeNow({m_registry, m_user, m_password}).ok());
    const Run run = mrc(
        {QStringLiteral("login"), m_registry, QStringLiteral("--username"), m_user, QStringLiteral("--password-stdin")},
        "wrong");
    QCOMPARE(run.exitCode, 4);
    CredentialResult held = CredentialStore::readNow(m_registry);
    QVERIFY2(held.ok(), qPrintable(held.message));
    QCOMPARE(held.credential.password, m_password);
    held.credential.wipe();
}

void TestCredentials::logoutRemoves()
{
    QVERIFY(CredentialStore::writeNow({m_registry, m_user, m_password}).ok());
    Run run = mrc({QStringLiteral("logout"), m_registry}, {});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY(run.out.contains("Logged out of " + m_registry.toUtf8()));
    QCOMPARE(CredentialStore::readNow(m_registry).error, CredentialError::NotFound);

    run = mrc({QStringLiteral("logout"), m_registry}, {});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY2(run.out.contains("Not logged in"), run.out.constData());
}

void TestCredentials::passwordArgumentIsRefused()
{
    const QByteArray secret = "visible-in-ps-" + m_password;
    for (const QStringList &form : {QStringList{QStringLiteral("--password"), QString::fromUtf8(secret)},
                                    QStringList{QStringLiteral("--password=") + QString::fromUtf8(secret)},
                                    QStringList{QStringLiteral("-p"), QString::fromUtf8(secret)}}) {
        const Run run =
            mrc(QStringList{QStringLiteral("login"), m_registry, QStringLiteral("--username"), m_user} + form, {});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("--password-stdin") && run.err.contains("process list"), run.err.constData());
        QVERIFY(!run.err.contains(secret) && !run.out.contains(secret));
    }
    QCOMPARE(CredentialStore::readNow(m_registry).error, CredentialError::NotFound);
}

void TestCredentials::noKeychainSaysWhatToStart()
{
    QVERIFY(CredentialStore::removeNow(m_registry).ok());
    QProcessEnvironment noBus;
    noBus.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                 QStringLiteral("unix:path=%1/no-such-bus").arg(m_home.path()));
    const Run run = mrc(
        {QStringLiteral("login"), m_registry, QStringLiteral("--username"), m_user, QStringLiteral("--password-stdin")},
        m_password, noBus);
    QCOMPARE(run.exitCode, 3);
    QVERIFY2(run.err.contains("No keychain answered") && run.err.contains("Secret Service") &&
                 run.err.contains("gnome-keyring-daemon"),
             run.err.constData());
    QVERIFY(!run.err.contains(m_password));
    // No plaintext fallback: nothing in the real keyring, nothing in a file.
    QCOMPARE(CredentialStore::readNow(m_registry).error, CredentialError::NotFound);
    const QStringList files = filesHolding(m_home.path(), m_password);
    QVERIFY2(files.isEmpty(), qPrintable(files.join(QLatin1Char('\n'))));

    const Run logout = mrc({QStringLiteral("logout"), m_registry}, {}, noBus);
    QCOMPARE(logout.exitCode, 3);
    QVERIFY2(logout.err.contains("No keychain answered"), logout.err.constData());
}

void TestCredentials::unreachableRegistryExits3()
{
    // A port on loopback where nothing listens: refused at once.
    const Run run = mrc({QStringLiteral("login"), QStringLiteral("127.0.0.1:1"), QStringLiteral("--username"), m_user,
                         QStringLiteral("--password-stdin")},
                        m_password);
    QCOMPARE(run.exitCode, 3);
    QVERIFY2(run.err.contains("127.0.0.1:1"), run.err.constData());
    QCOMPARE(CredentialStore::readNow(QStringLiteral("127.0.0.1:1")).error, CredentialError::NotFound);
}

void TestCredentials::passwordIsInNoFile()
{
    // Everything the console wrote during these runs (settings, history database, logs) is under the temporary
    // home; the console's own folders of this user are checked as well.
    QStringList files = filesHolding(m_home.path(), m_password);
    for (const auto location : {QStandardPaths::GenericConfigLocation, QStandardPaths::GenericDataLocation}) {
        QStandardPaths::setTestModeEnabled(false);
        const QString dir = QStandardPaths::writableLocation(location) + QStringLiteral("/mrc");
        QStandardPaths::setTestModeEnabled(true);
        if (QFileInfo::exists(dir))
            files += filesHolding(dir, m_password);
    }
    QVERIFY2(files.isEmpty(), qPrintable(files.join(QLatin1Char('\n'))));
}

QTEST_GUILESS_MAIN(TestCredentials)
#include "tst_credentials.moc"
