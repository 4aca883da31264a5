// SPDX-License-Identifier: Apache-2.0
// The matrix's test badges, offscreen, on the real private engine: Build and Test builds two cells of the demo
// (base and client) and runs their tests, the cells' test state goes testing → passed, or failed with the failing
// test's name, a forced rebuild turns it stale, and with "Test After Build" on a plain build tests again. The
// column is a branch of its own, so that its image tags are this test's alone on the shared engine.
#include "demo/demoworkspace.h"
#include "engine/enginecall.h"
#include "engine/engineclient.h"
#include "engine/engineprobe.h"
#include "jobs/buildplan.h"
#include "models/matrixfiltermodel.h"
#include "models/matrixmodel.h"
#include "views/detailspanel.h"
#include "views/mainwindow.h"
#include "views/matrixview.h"
#include "views/testspanel.h"
#include "workspace/workspace.h"

#include <QAction>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
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

QPalette darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x31));
    p.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Base, QColor(0x1f, 0x20, 0x23));
    p.setColor(QPalette::AlternateBase, QColor(0x2b, 0x2d, 0x31));
    p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3c));
    p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x8e, 0xe0));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::PlaceholderText, QColor(0xa0, 0xa0, 0xa0));
    p.setColor(QPalette::Mid, QColor(0x50, 0x52, 0x58));
    return p;
}

} // namespace

class TestMatrixTests : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void buildAndTestShowsTestStates();
    void cliMatrixJsonHasTests();
    void rebuildTurnsTestsStale();
    void testAfterBuildTestsAPlainBuild();
    void stopStopsTheTests();
    void cleanupTestCase();

private:
    const Cell *cell(const QString &component) const;
    QModelIndex index(const QString &component) const;
    /** Waits until no build and no test runs, and the test states read after them are in the model. */
    bool waitIdle(int timeoutMs);

    QTemporaryDir m_dir;
    QString m_branch;
    QString m_docker;
    Manifest m_manifest;
    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<MainWindow> m_window;
};

void TestMatrixTests::initTestCase()
{
    const QString host = qEnvironmentVariable("MRC_TEST_DOCKER_HOST");
    if (host.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("MRC_TEST_DOCKER_HOST is not set: scripts/test starts the private engine and sets it");
        QSKIP("no private engine: run through scripts/test");
    }
    qputenv("DOCKER_HOST", host.toLocal8Bit());
    QStandardPaths::setTestModeEnabled(true);
    QSettings().remove(QStringLiteral("build/testAfterBuild")); // the option's default
    const EngineStatus engine = EngineProbe::probe(EngineProbe::localEngine(), 5000);
    QVERIFY2(engine.reachable, qPrintable(engine.error));
    m_docker = engine.majorMinor();
    QString error;
    QVERIFY2(DemoWorkspace::create(m_dir.filePath(QStringLiteral("demo")), false, m_docker, &error), qPrintable(error));

    // The demo with a branch of master that only this test builds in place of master, only the current engine's
    // column, and a client test that fails.
    m_branch = QStringLiteral("mt-%1").arg(QRandomGenerator::global()->generate() % 1000000);
    const QString path = m_dir.filePath(QStringLiteral("demo/release.yaml"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QString yaml = QString::fromUtf8(file.readAll());
    file.close();
    const qsizetype master = yaml.indexOf(QLatin1String("  - name: master\n"));
    QVERIFY(master >= 0);
    const qsizetype masterEnd = yaml.indexOf(QLatin1Char('\n'), yaml.indexOf(QLatin1String("docker:"), master));
    yaml.replace(master, masterEnd - master + 1,
                 QStringLiteral("  - name: %1\n    docker: [\"%2\"]\n").arg(m_branch, m_docker));
    const qsizetype client = yaml.indexOf(QLatin1String("  - name: client\n"));
    QVERIFY(client >= 0);
    const qsizetype tests = yaml.indexOf(QLatin1String("    tests:\n"), client);
    QVERIFY(tests >= 0);
    yaml.insert(
        tests + qsizetype(strlen("    tests:\n")),
        QStringLiteral("      - name: exits-one\n        kind: run\n        command: echo about to fail; exit 1\n"));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(yaml.toUtf8());
    file.close();
    for (const char *repo : {"monasca-common", "python-monascaclient"}) {
        QProcess git;
        git.start(QStringLiteral("git"), {QStringLiteral("--git-dir"),
                                          m_dir.filePath(QStringLiteral("demo/repos/%1.git").arg(QLatin1String(repo))),
                                          QStringLiteral("branch"), m_branch, QStringLiteral("master")});
        QVERIFY(git.waitForFinished(30000) && git.exitCode() == 0);
    }

    m_workspace = std::make_unique<Workspace>();
    m_workspace->setCacheRoot(m_dir.filePath(QStringLiteral("cache")));
    m_window = std::make_unique<MainWindow>(m_workspace.get());
    m_window->resize(1400, 820);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QSignalSpy loaded(m_window.get(), &MainWindow::testStatesLoaded);
    QVERIFY(m_window->openManifest(path));
    QVERIFY(loaded.wait(60000));
    m_manifest = m_workspace->manifest();
    QVERIFY(cell(QStringLiteral("base")) && cell(QStringLiteral("client")));
    QCOMPARE(cellStateName(cell(QStringLiteral("base"))->state), QStringLiteral("ready"));
    QCOMPARE(cellStateName(cell(QStringLiteral("client"))->state), QStringLiteral("ready"));
}

void TestMatrixTests::cleanupTestCase()
{
    m_window.reset();
    m_workspace.reset();
    if (m_manifest.engines.isEmpty() || m_branch.isEmpty())
        return;
    EngineClient client(m_manifest.engines.first());
    for (const char *image : {"monasca/client", "monasca/base"}) {
        EngineCall *call = client.removeImage(BuildPlan::localTag(QLatin1String(image), m_branch), true);
        call->waitForFinished(30000);
        delete call;
    }
}

const Cell *TestMatrixTests::cell(const QString &component) const
{
    return m_window->matrixModel()->find(component, m_branch, m_docker);
}

QModelIndex TestMatrixTests::index(const QString &component) const
{
    const Cell *c = cell(component);
    return c ? m_window->matrixModel()->index(c->row, c->column) : QModelIndex();
}

bool TestMatrixTests::waitIdle(int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        if (!m_window->isBuilding() && !m_window->isTesting()) {
            // The history read that follows the last result.
            QSignalSpy loaded(m_window.get(), &MainWindow::testStatesLoaded);
            loaded.wait(2000);
            return true;
        }
        QTest::qWait(200);
    }
    return false;
}

void TestMatrixTests::buildAndTestShowsTestStates()
{
    MatrixModel *model = m_window->matrixModel();
    QCOMPARE(TestState(index(QStringLiteral("base")).data(MatrixModel::TestStateRole).toInt()), TestState::Untested);
    QCOMPARE(index(QStringLiteral("base")).data(MatrixModel::TestTextRole).toString(), QStringLiteral("untested"));
    QVERIFY(m_window->testAfterBuild()); // on by default

    // Every test state each cell goes through.
    QHash<QString, QStringList> seen;
    QObject recording; // disconnects the recorder when this function returns
    connect(model, &QAbstractItemModel::dataChanged, &recording, [&](const QModelIndex &from, const QModelIndex &to) {
        for (const QString &component : {QStringLiteral("base"), QStringLiteral("client")}) {
            const QModelIndex i = index(component);
            if (i.row() >= from.row() && i.row() <= to.row() && i.column() >= from.column() &&
                i.column() <= to.column()) {
                const auto state = TestState(i.data(MatrixModel::TestStateRole).toInt());
                if (state != TestState::Untested &&
                    (seen[component].isEmpty() || seen[component].last() != testStateName(state)))
                    seen[component].append(testStateName(state));
            }
        }
    });

    // Select both cells and press Ctrl+Shift+T.
    MatrixView *view = m_window->matrixView();
    view->selectionModel()->clearSelection();
    for (const QString &component : {QStringLiteral("base"), QStringLiteral("client")})
        view->selectionModel()->select(m_window->filterModel()->mapFromSource(index(component)),
                                       QItemSelectionModel::Select);
    auto *action = m_window->findChild<QAction *>(QStringLiteral("buildTestAction"));
    QVERIFY(action && action->isEnabled());
    QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    view->setFocus();
    QTest::keyClick(view, Qt::Key_T, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(m_window->isBuilding());
    QTRY_VERIFY_WITH_TIMEOUT(m_window->isTesting(), 300000);
    QTRY_COMPARE_WITH_TIMEOUT(TestState(index(QStringLiteral("client")).data(MatrixModel::TestStateRole).toInt()),
                              TestState::Testing, 30000);
    QCOMPARE(index(QStringLiteral("client")).data(MatrixModel::TestTextRole).toString(), QStringLiteral("testing"));
    saveScreenshot(m_window.get(), QStringLiteral("matrix-tests-running"));
    QVERIFY(waitIdle(180000));

    // Untested until the tests start, then testing, then the result, and nothing else in between.
    QCOMPARE(seen.value(QStringLiteral("base")), (QStringList{QStringLiteral("testing"), QStringLiteral("passed")}));
    QCOMPARE(seen.value(QStringLiteral("client")), (QStringList{QStringLiteral("testing"), QStringLiteral("failed")}));
    QCOMPARE(index(QStringLiteral("base")).data(MatrixModel::TestTextRole).toString(), QStringLiteral("1 passed"));
    QCOMPARE(cell(QStringLiteral("base"))->testsPassed, 1);
    // A failure names the first failing test, in the badge and with its message in the tooltip.
    QCOMPARE(index(QStringLiteral("client")).data(MatrixModel::TestTextRole).toString(), QStringLiteral("exits-one"));
    QCOMPARE(cell(QStringLiteral("client"))->testMessage, QStringLiteral("exits-one: the command exited with code 1"));
    const QString tip = index(QStringLiteral("client")).data(Qt::ToolTipRole).toString();
    QVERIFY2(
        tip.contains(QStringLiteral("Tests: <b>failed</b>, 1 of 2 passed — exits-one: the command exited with code 1")),
        qPrintable(tip));
    QVERIFY(!index(QStringLiteral("base")).data(Qt::ToolTipRole).toString().contains(QLatin1String("exits-one")));

    // The Tests tab shows the client's results when the client is selected.
    TestsPanel *panel = m_window->detailsPanel()->testsPanel();
    QSignalSpy panelLoaded(panel, &TestsPanel::resultsLoaded);
    view->selectionModel()->setCurrentIndex(m_window->filterModel()->mapFromSource(index(QStringLiteral("client"))),
                                            QItemSelectionModel::ClearAndSelect);
    QVERIFY(panelLoaded.wait(10000));
    QCOMPARE(panel->stateOf(QStringLiteral("exits-one")), QStringLiteral("failed"));
    QCOMPARE(panel->stateOf(QStringLiteral("start-check")), QStringLiteral("passed"));

    m_window->matrixView()->scrollTo(m_window->filterModel()->mapFromSource(index(QStringLiteral("base"))));
    saveScreenshot(m_window.get(), QStringLiteral("matrix-tests"));
    const QPalette light = m_window->palette();
    m_window->setPalette(darkPalette());
    saveScreenshot(m_window.get(), QStringLiteral("matrix-tests-dark"));
    m_window->setPalette(light);
}

void TestMatrixTests::cliMatrixJsonHasTests()
{
    const QString binary = qEnvironmentVariable("MRC_BINARY");
    if (binary.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("MRC_BINARY is not set: run through ctest");
        QSKIP("MRC_BINARY is not set: run through ctest");
    }
    QProcess mrc;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_DATA_HOME"), QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath(QStringLiteral("cli-cache")));
    mrc.setProcessEnvironment(env);
    mrc.start(binary, {QStringLiteral("matrix"), QStringLiteral("--json"), QStringLiteral("--manifest"),
                       m_dir.filePath(QStringLiteral("demo/release.yaml"))});
    QVERIFY(mrc.waitForFinished(120000));
    QVERIFY2(mrc.exitCode() == 0, mrc.readAllStandardError().constData());
    const QJsonArray cells =
        QJsonDocument::fromJson(mrc.readAllStandardOutput()).object().value(QStringLiteral("cells")).toArray();
    QHash<QString, QJsonObject> tests;
    for (const QJsonValue &value : cells) {
        const QJsonObject c = value.toObject();
        QVERIFY(c.contains(QStringLiteral("tests")));
        if (c.value(QStringLiteral("branch")).toString() == m_branch)
            tests.insert(c.value(QStringLiteral("component")).toString(), c.value(QStringLiteral("tests")).toObject());
    }
    QCOMPARE(tests.value(QStringLiteral("base")).value(QStringLiteral("state")).toString(), QStringLiteral("passed"));
    QCOMPARE(tests.value(QStringLiteral("base")).value(QStringLiteral("total")).toInt(), 1);
    const QJsonObject client = tests.value(QStringLiteral("client"));
    QCOMPARE(client.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
    QCOMPARE(client.value(QStringLiteral("message")).toString(),
             QStringLiteral("exits-one: the command exited with code 1"));
    QCOMPARE(client.value(QStringLiteral("passed")).toInt(), 1);
    QCOMPARE(client.value(QStringLiteral("total")).toInt(), 2);
    QCOMPARE(tests.value(QStringLiteral("api")).value(QStringLiteral("state")).toString(), QStringLiteral("untested"));
}

void TestMatrixTests::rebuildTurnsTestsStale()
{
    m_window->setTestAfterBuild(false);
    QVERIFY(m_window->buildCells({*cell(QStringLiteral("base"))}, true)); // Force Rebuild: a new image
    QVERIFY(waitIdle(300000));
    QTRY_COMPARE_WITH_TIMEOUT(TestState(index(QStringLiteral("base")).data(MatrixModel::TestStateRole).toInt()),
                              TestState::Stale, 10000);
    QCOMPARE(index(QStringLiteral("base")).data(MatrixModel::TestTextRole).toString(), QStringLiteral("stale"));
    QVERIFY(cell(QStringLiteral("base"))->testMessage.contains(QLatin1String("rebuilt")));
    // The client's image is the one it was tested on.
    QCOMPARE(TestState(index(QStringLiteral("client")).data(MatrixModel::TestStateRole).toInt()), TestState::Failed);
    saveScreenshot(m_window.get(), QStringLiteral("matrix-tests-stale"));
}

void TestMatrixTests::testAfterBuildTestsAPlainBuild()
{
    m_window->setTestAfterBuild(true);
    QVERIFY(QSettings().value(QStringLiteral("build/testAfterBuild")).toBool());
    QVERIFY(m_window->buildCells({*cell(QStringLiteral("base"))})); // up to date, then tested
    QTRY_VERIFY_WITH_TIMEOUT(m_window->isTesting(), 300000);
    QVERIFY(waitIdle(180000));
    QTRY_COMPARE_WITH_TIMEOUT(TestState(index(QStringLiteral("base")).data(MatrixModel::TestStateRole).toInt()),
                              TestState::Passed, 10000);
}

void TestMatrixTests::stopStopsTheTests()
{
    // A client test that would run for a minute, stopped by Build → Stop once it runs.
    const QString path = m_dir.filePath(QStringLiteral("demo/release.yaml"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QString yaml = QString::fromUtf8(file.readAll());
    file.close();
    yaml.replace(QLatin1String("      - name: exits-one\n"),
                 QStringLiteral("      - name: sleeps\n        kind: run\n        command: echo sleeping; sleep 60\n"
                                "        timeout: 120\n      - name: exits-one\n"));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(yaml.toUtf8());
    file.close();
    QSignalSpy scanned(m_workspace.get(), &Workspace::scanFinished);
    QVERIFY(m_window->openManifest(path));
    QVERIFY(scanned.wait(60000));
    QSignalSpy loaded(m_window.get(), &MainWindow::testStatesLoaded);
    QVERIFY(loaded.wait(10000)); // the history read after the scan
    QCOMPARE(cellStateName(cell(QStringLiteral("client"))->state), QStringLiteral("ready"));

    auto *stop = m_window->findChild<QAction *>(QStringLiteral("stopAction"));
    QVERIFY(stop);
    QSignalSpy updates(m_window->detailsPanel()->testsPanel(), &TestsPanel::testUpdated);
    QVERIFY(m_window->buildAndTest({*cell(QStringLiteral("client"))}));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->isTesting(), 300000);
    QVERIFY(stop->isEnabled());
    const auto sleeping = [&updates] {
        for (const QList<QVariant> &args : std::as_const(updates)) {
            const auto u = args.first().value<TestUpdate>();
            if (u.test == QLatin1String("sleeps") && u.state == TestState::Testing)
                return true;
        }
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(sleeping(), 60000);
    QTest::qWait(1000);
    stop->trigger();
    QElapsedTimer stopped;
    stopped.start();
    QVERIFY(waitIdle(60000));
    QVERIFY2(stopped.elapsed() < 30000, qPrintable(QString::number(stopped.elapsed())));
    QVERIFY(!stop->isEnabled());
    QVERIFY(TestState(index(QStringLiteral("client")).data(MatrixModel::TestStateRole).toInt()) != TestState::Testing);
}

QTEST_MAIN(TestMatrixTests)
#include "tst_matrixtests.moc"
