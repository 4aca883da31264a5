// SPDX-License-Identifier: Apache-2.0
// Starts the real mrc binary on a private X server exactly as people do: `scripts/run` from the README, and the
// launcher's way, from the Exec line of the .desktop file with %f replaced by a manifest. Each start passes only
// when X shows the console's window, owned by that process (_NET_WM_PID), and the process is still running.
#include "common/desktopsession.h"

#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <chrono>

using namespace mrc::test;

namespace {

qint64 monotonicNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

/** "monotonic_ns=N rows=R columns=C" → {N, R}. */
std::pair<qint64, int> readFirstPaint(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {0, 0};
    qint64 when = 0;
    int rows = 0;
    for (const QByteArray &field : file.readAll().trimmed().split(' ')) {
        if (field.startsWith("monotonic_ns="))
            when = field.mid(13).toLongLong();
        else if (field.startsWith("rows="))
            rows = field.mid(5).toInt();
    }
    return {when, rows};
}

/** The Exec line of a .desktop file as a launcher runs it: field codes replaced, %f by `file`. */
QStringList execLine(const QString &desktopFile, const QString &file, QString *error)
{
    QFile entry(desktopFile);
    if (!entry.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1").arg(desktopFile);
        return {};
    }
    QString exec;
    bool inEntry = false;
    for (const QString &line : QString::fromUtf8(entry.readAll()).split(QLatin1Char('\n'))) {
        if (line.startsWith(QLatin1Char('[')))
            inEntry = line.trimmed() == QStringLiteral("[Desktop Entry]");
        else if (inEntry && line.startsWith(QStringLiteral("Exec=")))
            exec = line.mid(5).trimmed();
    }
    if (exec.isEmpty()) {
        *error = QStringLiteral("%1 has no Exec line").arg(desktopFile);
        return {};
    }
    QStringList argv;
    for (const QString &word : QProcess::splitCommand(exec)) {
        if (word == QStringLiteral("%f") || word == QStringLiteral("%F") || word == QStringLiteral("%u") ||
            word == QStringLiteral("%U"))
            argv.append(file);
        else if (word.size() == 2 && word.startsWith(QLatin1Char('%')))
            continue; // %i, %c, %k: nothing the test needs
        else
            argv.append(word);
    }
    return argv;
}

/** Distinct colours in a screenshot: a blank or black screen has one or two. */
int colours(const QImage &image)
{
    QSet<QRgb> seen;
    for (int y = 0; y < image.height(); y += 7) {
        for (int x = 0; x < image.width(); x += 7)
            seen.insert(image.pixel(x, y));
    }
    return int(seen.size());
}

} // namespace

class TestDesktopLaunch : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void scriptsRunOpensTheConsole();
    void desktopFileOpensTheConsole();
    void failedStartIsCaught();
    void cleanupTestCase();

private:
    /** Checks the console window of `process`, keeps a screenshot, then ends the process. */
    void expectConsole(QProcess &process, const QString &screenshot, qint64 startedNs);

    DesktopSession m_session;
    QTemporaryDir m_home;
    QString m_binary;
    QString m_source;
    QString m_demo;
    QString m_firstPaint;
};

void TestDesktopLaunch::initTestCase()
{
    m_binary = qEnvironmentVariable("MRC_BINARY");
    m_source = qEnvironmentVariable("MRC_SOURCE_DIR");
    QVERIFY2(QFileInfo(m_binary).isExecutable(), "MRC_BINARY names the mrc binary (set by ctest)");
    QVERIFY2(QFileInfo(m_source + QStringLiteral("/scripts/run")).isExecutable(), "MRC_SOURCE_DIR names the checkout");
    const QStringList missing = DesktopSession::missingTools();
    if (!missing.isEmpty()) {
        const QByteArray why = "missing " + missing.join(QStringLiteral(", ")).toUtf8() +
                               " (packaging/install-deps installs xvfb, x11-utils, imagemagick)";
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL(why.constData());
        QSKIP(why.constData());
    }
    if (qEnvironmentVariableIsEmpty("MRC_TEST_DOCKER_HOST") || qEnvironmentVariableIsEmpty("MRC_SERVICES_DIR")) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("the test services are not running: run through scripts/test");
        QSKIP("the test services are not running: eval \"$(scripts/services env)\" first, or run scripts/test");
    }
    QVERIFY(m_home.isValid());
    m_demo = m_home.filePath(QStringLiteral("demo"));
    m_firstPaint = m_home.filePath(QStringLiteral("first-paint"));
    QString error;
    QVERIFY2(m_session.start(&error), qPrintable(error));
    qInfo("Xvfb on %s", qPrintable(m_session.display()));
}

void TestDesktopLaunch::expectConsole(QProcess &process, const QString &screenshot, qint64 startedNs)
{
    DesktopSession::Window window;
    QString error;
    QVERIFY2(m_session.waitForConsole(process, 180000, &window, &error), qPrintable(error));
    qInfo("window %s \"%s\" of pid %lld", qPrintable(window.id), qPrintable(window.title), process.processId());
    // The title names the manifest once it is loaded (the window shows first).
    QTRY_COMPARE_WITH_TIMEOUT(m_session.property(window.id, QStringLiteral("_NET_WM_NAME")),
                              QStringLiteral("\"release.yaml — Monasca Release Console\""), 20000);
    QVERIFY2(m_session.property(window.id, QStringLiteral("WM_CLASS")).contains(QStringLiteral("\"mrc\"")),
             qPrintable(m_session.property(window.id, QStringLiteral("WM_CLASS"))));

    // The matrix painted its cells (the program's test-only report), and the program is still running after it.
    QTRY_VERIFY_WITH_TIMEOUT(readFirstPaint(m_firstPaint).first > 0, 30000);
    const auto [painted, rows] = readFirstPaint(m_firstPaint);
    QVERIFY2(rows > 0, "the matrix painted without rows");
    if (startedNs > 0)
        qInfo("exec → first paint of the matrix: %.0f ms (%d rows)", double(painted - startedNs) / 1e6, rows);
    QVERIFY(!process.waitForFinished(1500));
    QCOMPARE(process.state(), QProcess::Running);

    const QString dir = qEnvironmentVariable("MRC_SCREENSHOT_DIR", QDir::tempPath() + QStringLiteral("/screenshots"));
    const QString path = dir + QLatin1Char('/') + screenshot + QStringLiteral(".png");
    QVERIFY2(m_session.screenshot(path, &error), qPrintable(error));
    const QImage image(path);
    QVERIFY2(!image.isNull(), qPrintable(path));
    QVERIFY2(colours(image) > 8, "the screen is blank");
    qInfo("screenshot: %s", qPrintable(path));

    process.terminate();
    if (!process.waitForFinished(15000)) {
        process.kill();
        process.waitForFinished(5000);
    }
}

void TestDesktopLaunch::scriptsRunOpensTheConsole()
{
    // The README's first command, on a display: it makes the demo once, then execs the console on it.
    QProcess run;
    QProcessEnvironment env = m_session.environment(m_home.filePath(QStringLiteral("home")));
    env.insert(QStringLiteral("MRC_DEMO_DIR"), m_demo);
    env.insert(QStringLiteral("MRC_REPORT_FIRST_PAINT"), m_firstPaint);
    // The build under test: build-asan/app/mrc under `scripts/test --asan`, which scripts/run must not rebuild as dev.
    const QString buildDir = QFileInfo(QFileInfo(m_binary).absolutePath()).dir().dirName();
    env.insert(QStringLiteral("MRC_PRESET"), buildDir == QLatin1String("build-asan")      ? QStringLiteral("asan")
                                             : buildDir == QLatin1String("build-release") ? QStringLiteral("release")
                                                                                          : QStringLiteral("dev"));
    run.setProcessEnvironment(env);
    run.setWorkingDirectory(m_source);
    run.setProcessChannelMode(QProcess::MergedChannels);
    run.start(m_source + QStringLiteral("/scripts/run"), {});
    QVERIFY2(run.waitForStarted(), qPrintable(run.errorString()));
    expectConsole(run, QStringLiteral("launch-scripts-run"), 0);
    QVERIFY(QFileInfo::exists(m_demo + QStringLiteral("/release.yaml")));
}

void TestDesktopLaunch::desktopFileOpensTheConsole()
{
    if (!QFileInfo::exists(m_demo + QStringLiteral("/release.yaml")))
        QSKIP("needs the demo that scriptsRunOpensTheConsole made");
    QString error;
    const QStringList argv = execLine(m_source + QStringLiteral("/packaging/io.github.monasca.mrc.desktop"),
                                      m_demo + QStringLiteral("/release.yaml"), &error);
    QVERIFY2(!argv.isEmpty(), qPrintable(error));
    QCOMPARE(argv.size(), 2); // Exec=mrc %f
    // The launcher finds the program on PATH, where the package installs it.
    QProcessEnvironment env = m_session.environment(m_home.filePath(QStringLiteral("home")));
    const QString path = QFileInfo(m_binary).absolutePath() + QLatin1Char(':') + env.value(QStringLiteral("PATH"));
    env.insert(QStringLiteral("PATH"), path);
    const QString program = QStandardPaths::findExecutable(argv.first(), path.split(QLatin1Char(':')));
    QCOMPARE(QFileInfo(program).canonicalFilePath(), QFileInfo(m_binary).canonicalFilePath());
    QFile::remove(m_firstPaint);
    env.insert(QStringLiteral("MRC_REPORT_FIRST_PAINT"), m_firstPaint);

    QProcess mrc;
    mrc.setProcessEnvironment(env);
    mrc.setWorkingDirectory(m_home.path());
    mrc.setProcessChannelMode(QProcess::MergedChannels);
    const qint64 started = monotonicNs();
    mrc.start(program, argv.mid(1));
    QVERIFY2(mrc.waitForStarted(), qPrintable(mrc.errorString()));
    expectConsole(mrc, QStringLiteral("launch-desktop-file"), started);
}

void TestDesktopLaunch::failedStartIsCaught()
{
    // The check itself: a start that ends with exit code 2 is reported as such, at once, not as a missing window.
    QProcess mrc;
    mrc.setProcessEnvironment(m_session.environment(m_home.filePath(QStringLiteral("home"))));
    mrc.setProcessChannelMode(QProcess::MergedChannels);
    mrc.start(m_binary, {QStringLiteral("frobnicate"), m_demo + QStringLiteral("/release.yaml")});
    QVERIFY(mrc.waitForStarted());
    DesktopSession::Window window;
    QString error;
    QElapsedTimer timer;
    timer.start();
    QVERIFY(!m_session.waitForConsole(mrc, 60000, &window, &error));
    QVERIFY2(timer.elapsed() < 30000, "a failed start took as long as a missing window");
    QVERIFY2(error.contains(QStringLiteral("exited with code 2")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("frobnicate")), qPrintable(error));
}

void TestDesktopLaunch::cleanupTestCase()
{
    m_session.stop();
}

QTEST_MAIN(TestDesktopLaunch)
#include "tst_desktoplaunch.moc"
