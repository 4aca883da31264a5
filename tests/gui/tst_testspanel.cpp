// SPDX-License-Identifier: Apache-2.0
// The Tests tab of a cell, offscreen, on the real private engine: it lists the cell's tests as untested, runs
// them when its button is clicked, and shows each test's state, duration, message and log.
#include "demo/demoworkspace.h"
#include "engine/enginecall.h"
#include "engine/engineclient.h"
#include "engine/engineprobe.h"
#include "jobs/buildplan.h"
#include "jobs/buildrunner.h"
#include "manifest/manifestparser.h"
#include "models/logmodel.h"
#include "models/testlistmodel.h"
#include "views/logview.h"
#include "views/testspanel.h"
#include "workspace/workspacescan.h"

#include <QDir>
#include <QProcess>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QUrl>

using namespace mrc;

namespace {

void saveScreenshot(QWidget *widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("MRC_SCREENSHOT_DIR", QDir::tempPath() + QStringLiteral("/screenshots"));
    QDir().mkpath(dir);
    const QString path = dir + QLatin1Char('/') + name + QStringLiteral(".png");
    QCoreApplication::processEvents();
    QVERIFY2(widget->grab().save(path), qPrintable(path));
    qInfo("screenshot: %s", qPrintable(path));
}

} // namespace

class TestTestsPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void runsTheCellsTests();

private:
    QTemporaryDir m_dir;
    QString m_branch;
    Manifest m_manifest;
    QList<EngineStatus> m_engines;
    Cell m_cell;
};

void TestTestsPanel::initTestCase()
{
    const QString host = qEnvironmentVariable("MRC_TEST_DOCKER_HOST");
    if (host.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("MRC_TEST_DOCKER_HOST is not set: scripts/test starts the private engine and sets it");
        QSKIP("no private engine: run through scripts/test");
    }
    qputenv("DOCKER_HOST", host.toLocal8Bit());
    QStandardPaths::setTestModeEnabled(true);
    const EngineStatus engine = EngineProbe::probe(EngineProbe::localEngine(), 5000);
    QVERIFY2(engine.reachable, qPrintable(engine.error));
    QString error;
    QVERIFY2(DemoWorkspace::create(m_dir.filePath(QStringLiteral("demo")), false, engine.majorMinor(), &error),
             qPrintable(error));
    const ManifestResult loaded = ManifestParser::load(m_dir.filePath(QStringLiteral("demo/release.yaml")));
    QVERIFY(loaded.ok());
    m_manifest = loaded.manifest;
    // Only the base, on a branch of its own so that its tag is this test's alone, with a test that fails.
    m_branch = QStringLiteral("gui-%1").arg(QRandomGenerator::global()->generate() % 1000000);
    ComponentSpec base = *m_manifest.component(QStringLiteral("base"));
    TestSpec failing;
    failing.name = QStringLiteral("exits-one");
    failing.kind = TestSpec::Kind::Run;
    failing.command = QStringLiteral("echo about to fail; exit 1");
    failing.component = base.name;
    base.tests.append(failing);
    m_manifest.components = {base};
    m_manifest.stacks.clear();
    m_manifest.branches = {BranchSpec{m_branch, {engine.majorMinor()}, {}}};
    QProcess git;
    git.start(QStringLiteral("git"), {QStringLiteral("-C"), QUrl(base.repo).toLocalFile(), QStringLiteral("branch"),
                                      m_branch, QStringLiteral("master")});
    QVERIFY(git.waitForFinished(30000) && git.exitCode() == 0);

    ScanOptions scanOptions;
    scanOptions.cacheRoot = m_dir.filePath(QStringLiteral("cache"));
    WorkspaceScan scan(m_manifest, scanOptions);
    scan.run();
    m_engines = scan.engines();
    QCOMPARE(scan.cells().size(), 1);
    m_cell = scan.cells().first();
    BuildOptions options;
    options.cacheRoot = scanOptions.cacheRoot;
    options.historyPath = m_dir.filePath(QStringLiteral("data/history.sqlite"));
    options.logDirectory = m_dir.filePath(QStringLiteral("data/logs"));
    BuildRunner runner(
        m_manifest, BuildPlan::make(m_manifest, scan.cells(), scan.cells(), m_engines, QDateTime::currentDateTimeUtc()),
        options);
    QSignalSpy finished(&runner, &BuildRunner::finished);
    runner.start();
    QVERIFY(finished.wait(300000));
    QCOMPARE(jobStateName(runner.jobs().first().state), QStringLiteral("built"));
}

void TestTestsPanel::cleanupTestCase()
{
    if (m_manifest.engines.isEmpty() || m_branch.isEmpty())
        return;
    EngineClient client(m_manifest.engines.first());
    EngineCall *call = client.removeImage(BuildPlan::localTag(QStringLiteral("monasca/base"), m_branch), true);
    call->waitForFinished(30000);
    delete call;
}

void TestTestsPanel::runsTheCellsTests()
{
    TestsPanel panel;
    panel.resize(900, 600);
    panel.setManifest(m_manifest);
    panel.setEngines(m_engines);
    TestOptions options;
    options.cacheRoot = m_dir.filePath(QStringLiteral("cache"));
    options.historyPath = m_dir.filePath(QStringLiteral("data/history.sqlite"));
    options.logDirectory = m_dir.filePath(QStringLiteral("data/logs"));
    panel.setOptions(options);
    QSignalSpy loaded(&panel, &TestsPanel::resultsLoaded);
    panel.showCell(&m_cell);
    QVERIFY(loaded.wait(10000));
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QCOMPARE(panel.testList()->model()->rowCount(), 2);
    QCOMPARE(panel.stateOf(QStringLiteral("start-check")), QStringLiteral("untested"));
    QCOMPARE(panel.summaryText(), QStringLiteral("Untested"));

    auto *run = panel.findChild<QPushButton *>(QStringLiteral("runTestsButton"));
    QVERIFY(run && run->isEnabled());
    QSignalSpy finished(&panel, &TestsPanel::testsFinished);
    QTest::mouseClick(run, Qt::LeftButton);
    QVERIFY(panel.isRunning());
    QVERIFY(!run->isEnabled());
    QVERIFY(finished.wait(180000));
    QVERIFY(loaded.wait(10000)); // the results, read back from the history
    QCOMPARE(panel.stateOf(QStringLiteral("start-check")), QStringLiteral("passed"));
    QCOMPARE(panel.stateOf(QStringLiteral("exits-one")), QStringLiteral("failed"));
    const QModelIndex failed = panel.testModel()->index(panel.testModel()->rowOf(QStringLiteral("exits-one")), 0);
    QVERIFY(failed.isValid());
    QCOMPARE(failed.siblingAtColumn(TestListModel::MessageColumn).data().toString(),
             QStringLiteral("the command exited with code 1"));
    QVERIFY(failed.siblingAtColumn(TestListModel::TimeColumn).data().toString().endsWith(QLatin1String(" s")));
    QCOMPARE(panel.summaryText(), QStringLiteral("failed: 1 of 2 passed — exits-one: the command exited with code 1"));

    // The selected test's log is in the log view.
    panel.testList()->setCurrentIndex(failed);
    LogModel *model = panel.logView()->model();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > 3, 10000);
    bool sawOutput = false;
    for (int row = 0; row < model->rowCount(); ++row)
        sawOutput = sawOutput || model->index(row, 0).data().toString().contains(QLatin1String("about to fail"));
    QVERIFY(sawOutput);
    saveScreenshot(&panel, QStringLiteral("tests-panel"));
}

QTEST_MAIN(TestTestsPanel)
#include "tst_testspanel.moc"
