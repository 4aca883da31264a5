// SPDX-License-Identifier: Apache-2.0
// A release manager's journey in the real window: the real mrc binary, started on a private X server the way
// scripts/run starts it, runs its built-in journey (MRC_JOURNEY, app/desktop/journey.cpp) against the test
// services' engine, registry and keyring: open the demo, Build and Test the master column while the log follows,
// fail a build and copy its shell command, render a template, log in and push master, compare labels, and follow
// a `mrc build` started from a terminal (Jobs panel, live log, History). The test
// never constructs a window: it fails when the binary's window does not appear or the journey reports a failure.
#include "common/desktopsession.h"

#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace mrc::test;

class TestJourney : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void journey();
    void cleanupTestCase();

private:
    DesktopSession m_session;
    QTemporaryDir m_home;
    QString m_binary;
    QString m_manifest;
};

void TestJourney::initTestCase()
{
    m_binary = qEnvironmentVariable("MRC_BINARY");
    QVERIFY2(QFileInfo(m_binary).isExecutable(), "MRC_BINARY names the mrc binary (set by ctest)");
    const QStringList missing = DesktopSession::missingTools();
    const bool services =
        !qEnvironmentVariableIsEmpty("MRC_TEST_DOCKER_HOST") && !qEnvironmentVariableIsEmpty("MRC_TEST_DBUS_ADDRESS") &&
        !qEnvironmentVariableIsEmpty("MRC_TEST_REGISTRY") && !qEnvironmentVariableIsEmpty("MRC_TEST_REGISTRY_PASSWORD");
    if (!missing.isEmpty() || !services) {
        const QByteArray why =
            !missing.isEmpty()
                ? "missing " + missing.join(QStringLiteral(", ")).toUtf8() + " (packaging/install-deps)"
                : QByteArray(
                      "no engine, registry or keyring: run through scripts/test (or eval \"$(scripts/services env)\")");
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL(why.constData());
        QSKIP(why.constData());
    }
    QVERIFY(m_home.isValid());
    QString error;
    QVERIFY2(m_session.start(&error), qPrintable(error));

    // The demo as scripts/run makes it, pushed to the test registry under a namespace of this run only.
    const QString demo = m_home.filePath(QStringLiteral("demo"));
    QProcess init;
    init.setProcessEnvironment(m_session.environment(m_home.filePath(QStringLiteral("home"))));
    init.setProcessChannelMode(QProcess::MergedChannels);
    init.start(m_binary, {QStringLiteral("demo"), QStringLiteral("init"), demo});
    QVERIFY(init.waitForFinished(120000));
    QVERIFY2(init.exitCode() == 0, init.readAll().constData());
    m_manifest = demo + QStringLiteral("/release.yaml");
    QFile file(m_manifest);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QByteArray yaml = file.readAll();
    file.close();
    const QByteArray registry = "registry:\n  host: 127.0.0.1:5000\n  namespace: monasca\n";
    QVERIFY(yaml.contains(registry));
    const QByteArray space = "journey" + QByteArray::number(QRandomGenerator::global()->bounded(1000000));
    yaml.replace(registry, "registry:\n  host: " + qgetenv("MRC_TEST_REGISTRY") + "\n  namespace: " + space + "\n");
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(yaml);
    file.close();

    // The rest of master was built before the journey, from a terminal: its stack test (metrics-smoke) runs api
    // with master's persister and notification images, which the journey does not rebuild. Without them it fails
    // with "image … is not on engine …", whatever other tests left on the shared engine.
    QProcess build;
    build.setProcessEnvironment(m_session.environment(m_home.filePath(QStringLiteral("home"))));
    build.setProcessChannelMode(QProcess::MergedChannels);
    build.start(m_binary, {QStringLiteral("build"), QStringLiteral("--manifest"), m_manifest,
                           QStringLiteral("--branch"), QStringLiteral("master"), QStringLiteral("--component"),
                           QStringLiteral("persister"), QStringLiteral("--component"), QStringLiteral("notification")});
    QVERIFY(build.waitForFinished(600000));
    QVERIFY2(build.exitCode() == 0, build.readAll().right(3000).constData());
}

void TestJourney::journey()
{
    const QString report = m_home.filePath(QStringLiteral("journey.txt"));
    QProcessEnvironment env = m_session.environment(m_home.filePath(QStringLiteral("home")));
    env.insert(QStringLiteral("MRC_JOURNEY"), report);
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), qEnvironmentVariable("MRC_TEST_DBUS_ADDRESS"));
    const QString shots = qEnvironmentVariable("MRC_SCREENSHOT_DIR", QDir::tempPath() + QStringLiteral("/screenshots"));
    env.insert(QStringLiteral("MRC_SCREENSHOT_DIR"), shots);
    for (const QString &old : QDir(shots).entryList({QStringLiteral("journey-*.png")}))
        QFile::remove(shots + QLatin1Char('/') + old);

    QProcess mrc;
    mrc.setProcessEnvironment(env);
    mrc.setProcessChannelMode(QProcess::MergedChannels);
    mrc.start(m_binary, {QStringLiteral("--manifest"), m_manifest}); // as scripts/run execs it
    QVERIFY2(mrc.waitForStarted(), qPrintable(mrc.errorString()));
    DesktopSession::Window window;
    QString error;
    QVERIFY2(m_session.waitForConsole(mrc, 120000, &window, &error), qPrintable(error));

    const bool ended = mrc.waitForFinished(14 * 60 * 1000);
    QFile file(report);
    const QString text = file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
    qInfo("journey report:\n%s", qPrintable(text));
    if (!ended) {
        mrc.kill();
        mrc.waitForFinished(5000);
        QFAIL("the journey did not end within 14 minutes");
    }
    QVERIFY2(mrc.exitStatus() == QProcess::NormalExit, "mrc crashed during the journey");
    QVERIFY2(mrc.exitCode() == 0, qPrintable(QStringLiteral("the journey failed (exit %1):\n%2\n%3")
                                                 .arg(mrc.exitCode())
                                                 .arg(text, QString::fromLocal8Bit(mrc.readAll().right(3000)))));
    for (const char *step :
         {"ok open the demo", "ok build and test the master column", "ok a failed build", "ok render a template",
          "ok log in and push master", "ok compare labels", "ok follow a build started in a terminal"})
        QVERIFY2(text.contains(QLatin1String(step)), step);
    QVERIFY2(!text.contains(QStringLiteral("FAIL")), qPrintable(text));

    // A screenshot of each step, of the whole window at its first-start size.
    const QStringList pictures = QDir(shots).entryList({QStringLiteral("journey-*.png")}, QDir::Files, QDir::Name);
    QVERIFY2(pictures.size() >= 9, qPrintable(pictures.join(QLatin1Char(' '))));
    for (const QString &name : pictures) {
        const QImage image(shots + QLatin1Char('/') + name);
        QVERIFY2(image.width() >= 1280 && image.height() >= 760,
                 qPrintable(QStringLiteral("%1 is %2×%3").arg(name).arg(image.width()).arg(image.height())));
    }
}

void TestJourney::cleanupTestCase()
{
    m_session.stop();
}

QTEST_MAIN(TestJourney)
#include "tst_journey.moc"
