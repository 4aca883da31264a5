// SPDX-License-Identifier: Apache-2.0
// A build that another process runs fails while the window is open: the real `mrc build` binary builds a demo branch
// whose Dockerfile fails (RUN ... && false), and the open window shows the failure banner it shows for its own failed
// builds, with the failing step, its Dockerfile line and the shell command of the last layer.
#include "demo/demoworkspace.h"
#include "engine/engineprobe.h"
#include "history/history.h"
#include "models/matrixfiltermodel.h"
#include "models/matrixmodel.h"
#include "views/detailspanel.h"
#include "views/logview.h"
#include "views/mainwindow.h"
#include "views/matrixview.h"
#include "workspace/workspace.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFrame>
#include <QLabel>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace mrc;

namespace {

QModelIndex findCell(QAbstractItemModel *shown, const QString &component, const QString &branch)
{
    for (int row = 0; row < shown->rowCount(); ++row) {
        if (shown->headerData(row, Qt::Vertical).toString() != component)
            continue;
        for (int column = 0; column < shown->columnCount(); ++column) {
            if (shown->headerData(column, Qt::Horizontal, MatrixModel::BranchRole).toString() == branch)
                return shown->index(row, column);
        }
    }
    return {};
}

bool git(const QString &folder, const QStringList &args)
{
    QProcess process;
    process.setWorkingDirectory(folder);
    process.start(QStringLiteral("git"), args);
    return process.waitForFinished(30000) && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
}

/** The text of the failure banner's labels, joined. */
QString bannerText(LogView *log)
{
    auto *banner = log->findChild<QFrame *>(QStringLiteral("failureBanner"));
    QStringList texts;
    if (banner) {
        for (const QLabel *label : banner->findChildren<QLabel *>())
            texts << label->text();
    }
    return texts.join(QLatin1Char('\n'));
}

} // namespace

class TestOtherBuildFailure : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cliFailureShowsTheBanner();
};

void TestOtherBuildFailure::cliFailureShowsTheBanner()
{
    const QString binary = qEnvironmentVariable("MRC_BINARY");
    const QString engine = qEnvironmentVariable("MRC_TEST_DOCKER_HOST");
    if (engine.isEmpty() || !QFileInfo(binary).isExecutable()) {
        const char *why = engine.isEmpty() ? "no engine: run through scripts/test, which starts the private dockerd"
                                           : "MRC_BINARY names the mrc binary (set by ctest)";
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL(why);
        QSKIP(why);
    }
    // One user for the window and the CLI: the same home, so the same history database and logs.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString home = dir.filePath(QStringLiteral("home"));
    QVERIFY(QDir().mkpath(home));
    qputenv("HOME", home.toLocal8Bit());
    qputenv("XDG_DATA_HOME", (home + QStringLiteral("/.local/share")).toLocal8Bit());
    qputenv("XDG_CONFIG_HOME", (home + QStringLiteral("/.config")).toLocal8Bit());
    qputenv("XDG_CACHE_HOME", (home + QStringLiteral("/.cache")).toLocal8Bit());
    qputenv("DOCKER_HOST", engine.toLocal8Bit());
    const EngineStatus status = EngineProbe::probe(EngineProbe::localEngine(), 5000);
    QVERIFY2(status.reachable, qPrintable(status.error));
    const QString docker = status.majorMinor();
    QString error;
    const QString demo = dir.filePath(QStringLiteral("demo"));
    QVERIFY2(DemoWorkspace::create(demo, false, docker, &error), qPrintable(error));

    // A branch "broken" of the base whose last step fails after the demo's layers built.
    const QString work = dir.filePath(QStringLiteral("work"));
    QVERIFY(git(dir.path(), {QStringLiteral("clone"), QStringLiteral("-q"),
                             demo + QStringLiteral("/repos/monasca-common.git"), work}));
    QFile dockerfile(work + QStringLiteral("/docker/Dockerfile"));
    QVERIFY(dockerfile.open(QIODevice::Append));
    dockerfile.write("# mrc-ignore: MRC106\nRUN echo about to fail && false\n");
    dockerfile.close();
    QVERIFY(
        git(work, {QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("-b"), QStringLiteral("broken")}));
    QVERIFY(git(work, {QStringLiteral("-c"), QStringLiteral("user.name=T"), QStringLiteral("-c"),
                       QStringLiteral("user.email=t@example.org"), QStringLiteral("commit"), QStringLiteral("-qam"),
                       QStringLiteral("Break the base")}));
    QVERIFY(
        git(work, {QStringLiteral("push"), QStringLiteral("-q"), QStringLiteral("origin"), QStringLiteral("broken")}));
    const QString manifestPath = demo + QStringLiteral("/release.yaml");
    QFile manifest(manifestPath);
    QVERIFY(manifest.open(QIODevice::ReadOnly));
    QByteArray yaml = manifest.readAll();
    manifest.close();
    QVERIFY(yaml.contains("\ncomponents:\n"));
    yaml.replace("\ncomponents:\n", "  - name: broken\n    docker: [\"" + docker.toUtf8() + "\"]\n\ncomponents:\n");
    QVERIFY(manifest.open(QIODevice::WriteOnly | QIODevice::Truncate));
    manifest.write(yaml);
    manifest.close();

    // The window, open on the demo, with the broken cell selected.
    QSettings().setValue(QStringLiteral("build/testAfterBuild"), false);
    Workspace workspace;
    MainWindow window(&workspace);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy scanned(&workspace, &Workspace::scanFinished);
    QVERIFY(window.openManifest(manifestPath));
    QVERIFY(scanned.wait(60000));
    MatrixView *view = window.matrixView();
    const QModelIndex index = findCell(view->model(), QStringLiteral("base"), QStringLiteral("broken"));
    QVERIFY(index.isValid());
    view->setCurrentIndex(index);
    view->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect);
    LogView *log = window.detailsPanel()->logView();
    QVERIFY(!log->isFailureShown());

    // `mrc build` in a terminal, another process.
    QProcess build;
    build.setProcessChannelMode(QProcess::MergedChannels);
    build.start(binary, {QStringLiteral("build"), QStringLiteral("--manifest"), manifestPath,
                         QStringLiteral("--component"), QStringLiteral("base"), QStringLiteral("--branch"),
                         QStringLiteral("broken"), QStringLiteral("--docker"), docker});
    QVERIFY(build.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(build.state() == QProcess::NotRunning, 5 * 60 * 1000);
    const QByteArray output = build.readAll();
    QVERIFY2(build.exitCode() != 0, output.right(3000).constData());
    QVERIFY(!window.isBuilding()); // the window itself built nothing

    QTRY_COMPARE_WITH_TIMEOUT(JobState(index.data(MatrixModel::JobStateRole).toInt()), JobState::Failed, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(log->isFailureShown(), 5000);
    // The failing step as the engine numbered it, on the Dockerfile line the test appended.
    QFile built(work + QStringLiteral("/docker/Dockerfile"));
    QVERIFY(built.open(QIODevice::ReadOnly));
    const int line = int(built.readAll().split('\n').indexOf(QByteArray("RUN echo about to fail && false"))) + 1;
    QVERIFY(line > 1);
    // The banner shows at once; where the build stopped is read from the log and the Dockerfile off the GUI thread.
    QTRY_VERIFY_WITH_TIMEOUT(bannerText(log).contains(QStringLiteral("Dockerfile line")), 5000);
    const QString text = bannerText(log);
    QVERIFY2(text.contains(QStringLiteral("Dockerfile line %1: Step ").arg(line)), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral(": RUN echo about to fail &amp;&amp; false")), qPrintable(text));
    QVERIFY2(log->failureCommand().startsWith(QStringLiteral("docker -H %1 run --rm -it ").arg(engine)),
             qPrintable(log->failureCommand()));
    const QString dir2 = qEnvironmentVariable("MRC_SCREENSHOT_DIR", QDir::tempPath());
    QDir().mkpath(dir2);
    window.grab().save(dir2 + QStringLiteral("/other-build-failure.png"));
}

QTEST_MAIN(TestOtherBuildFailure)
#include "tst_otherbuildfailure.moc"
