// SPDX-License-Identifier: Apache-2.0
// Live across processes: with the real console open on a private X server, `mrc build` runs as a separate
// process, as in a terminal. The window's matrix (its test-only trace, MRC_TRACE_MATRIX) must turn the cell to
// building and then to built within 2 s of the moment the history database (read here, every 10 ms) says so.
#include "common/desktopsession.h"
#include "history/history.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <chrono>

using namespace mrc;
using namespace mrc::test;

namespace {

qint64 monotonicNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

/** The window's trace: "component branch docker state" → the first moment it showed it. */
QHash<QString, qint64> readTrace(const QString &path)
{
    QHash<QString, qint64> first;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return first;
    for (const QByteArray &line : file.readAll().split('\n')) {
        const QList<QByteArray> fields = line.split(' ');
        if (fields.size() != 5)
            continue;
        const QString key = QString::fromUtf8(fields.mid(1).join(' '));
        if (!first.contains(key))
            first.insert(key, fields[0].toLongLong());
    }
    return first;
}

} // namespace

class TestLiveCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cliBuildShowsInTheWindow();
};

void TestLiveCli::cliBuildShowsInTheWindow()
{
    const QString binary = qEnvironmentVariable("MRC_BINARY");
    QVERIFY2(QFileInfo(binary).isExecutable(), "MRC_BINARY names the mrc binary (set by ctest)");
    const QStringList missing = DesktopSession::missingTools();
    if (!missing.isEmpty() || qEnvironmentVariableIsEmpty("MRC_TEST_DOCKER_HOST")) {
        const QByteArray why = missing.isEmpty() ? QByteArray("no engine: run through scripts/test")
                                                 : "missing " + missing.join(QStringLiteral(", ")).toUtf8();
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL(why.constData());
        QSKIP(why.constData());
    }
    QTemporaryDir home;
    QVERIFY(home.isValid());
    DesktopSession session;
    QString error;
    QVERIFY2(session.start(&error), qPrintable(error));
    const QProcessEnvironment env = session.environment(home.filePath(QStringLiteral("home")));

    auto run = [&](const QStringList &arguments, QByteArray *output) {
        QProcess mrc;
        mrc.setProcessEnvironment(env);
        mrc.setProcessChannelMode(QProcess::MergedChannels);
        mrc.start(binary, arguments);
        const bool done = mrc.waitForFinished(5 * 60 * 1000);
        *output = mrc.readAll();
        return done && mrc.exitStatus() == QProcess::NormalExit ? mrc.exitCode() : -1;
    };
    const QString demo = home.filePath(QStringLiteral("demo"));
    QByteArray output;
    QVERIFY2(run({QStringLiteral("demo"), QStringLiteral("init"), demo}, &output) == 0, output.constData());
    const QString manifest = demo + QStringLiteral("/release.yaml");
    QFile yaml(manifest);
    QVERIFY(yaml.open(QIODevice::ReadOnly));
    // master's first Docker version is the running engine's (scripts/run reads it the same way).
    const QByteArray text = yaml.readAll();
    const qsizetype master = text.indexOf("- name: master");
    const qsizetype quote = text.indexOf("docker: [\"", master) + 10;
    const QString docker = QString::fromUtf8(text.mid(quote, text.indexOf('"', quote) - quote));
    QVERIFY2(!docker.isEmpty(), text.constData());

    // The window, open on the demo.
    const QString trace = home.filePath(QStringLiteral("trace"));
    const QString painted = home.filePath(QStringLiteral("first-paint"));
    QProcessEnvironment windowEnv = env;
    windowEnv.insert(QStringLiteral("MRC_TRACE_MATRIX"), trace);
    windowEnv.insert(QStringLiteral("MRC_REPORT_FIRST_PAINT"), painted);
    QProcess window;
    window.setProcessEnvironment(windowEnv);
    window.setProcessChannelMode(QProcess::MergedChannels);
    window.start(binary, {QStringLiteral("--manifest"), manifest});
    DesktopSession::Window shown;
    QVERIFY2(session.waitForConsole(window, 120000, &shown, &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(painted), 30000);

    // `mrc build` in a terminal; meanwhile the history says when the job turned building and built.
    QProcess build;
    build.setProcessEnvironment(env);
    build.setProcessChannelMode(QProcess::MergedChannels);
    build.start(binary, {QStringLiteral("build"), QStringLiteral("--manifest"), manifest, QStringLiteral("--component"),
                         QStringLiteral("base"), QStringLiteral("--branch"), QStringLiteral("master"),
                         QStringLiteral("--docker"), docker});
    QVERIFY(build.waitForStarted());
    History history(home.filePath(QStringLiteral("home/.local/share/mrc/history.sqlite")));
    QHash<QString, qint64> changed; // state -> when the database first had it
    bool opened = false;
    auto look = [&] {
        if (!opened && QFileInfo::exists(history.path()))
            opened = history.open(&error);
        if (!opened)
            return;
        const auto job = history.latest(QStringLiteral("base"), QStringLiteral("master"), docker);
        if (job && !changed.contains(jobStateName(job->state)))
            changed.insert(jobStateName(job->state), monotonicNs());
    };
    QElapsedTimer timer;
    timer.start();
    while (build.state() != QProcess::NotRunning) {
        look();
        build.waitForFinished(10);
        QVERIFY2(timer.elapsed() < 5 * 60 * 1000, "mrc build did not finish in 5 minutes");
    }
    look(); // what it wrote last, just before it exited
    const auto last = history.latest(QStringLiteral("base"), QStringLiteral("master"), docker);
    qInfo("mrc build: exit %d; the history's job %lld ended %s; states seen: %s", build.exitCode(), last ? last->id : 0,
          last ? qPrintable(jobStateName(last->state)) : "-",
          qPrintable(QStringList(changed.keys()).join(QLatin1Char(' '))));
    QVERIFY2(build.exitCode() == 0, build.readAll().right(3000).constData());
    QVERIFY2(changed.contains(QStringLiteral("building")),
             qPrintable(QStringList(changed.keys()).join(QLatin1Char(' '))));
    QVERIFY2(changed.contains(QStringLiteral("built")), qPrintable(QStringList(changed.keys()).join(QLatin1Char(' '))));

    const QString cell = QStringLiteral("base master %1 ").arg(docker);
    QTRY_VERIFY_WITH_TIMEOUT(readTrace(trace).contains(cell + QStringLiteral("built")), 5000);
    const QHash<QString, qint64> shownAt = readTrace(trace);
    for (const QString &state : {QStringLiteral("building"), QStringLiteral("built")}) {
        QVERIFY2(shownAt.contains(cell + state), qPrintable(QStringLiteral("the window never showed %1").arg(state)));
        const double lag = double(shownAt.value(cell + state) - changed.value(state)) / 1e6;
        qInfo("%s: the window showed it %.0f ms after the database had it", qPrintable(state), lag);
        QVERIFY2(lag < 2000, qPrintable(QStringLiteral("%1 came %2 ms late").arg(state).arg(lag)));
    }
    QVERIFY(window.state() == QProcess::Running);
    QString shot;
    QVERIFY2(session.screenshot(qEnvironmentVariable("MRC_SCREENSHOT_DIR", QDir::tempPath()) +
                                    QStringLiteral("/live-cli-build.png"),
                                &shot),
             qPrintable(shot));
    window.terminate();
    QVERIFY(window.waitForFinished(15000));
}

QTEST_MAIN(TestLiveCli)
#include "tst_livecli.moc"
