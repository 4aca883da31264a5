// SPDX-License-Identifier: Apache-2.0
// Opens the real main window on a freshly made demo workspace (real bare git repositories, fetched into a
// temporary mirror cache) and drives it like a user: filter, select, read the details panel.
#include "demo/demoworkspace.h"
#include "engine/engineprobe.h"
#include "highlight/highlighter.h"
#include "history/history.h"
#include "models/jobsmodel.h"
#include "models/logmodel.h"
#include "models/matrixfiltermodel.h"
#include "models/matrixmodel.h"
#include "views/detailspanel.h"
#include "views/logview.h"
#include "views/mainwindow.h"
#include "views/matrixview.h"
#include "workspace/workspace.h"

#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QDir>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTimer>

using namespace mrc;

// A test that builds needs the private engine of scripts/test: without it, a skip, or a failure under CI.
#define REQUIRE_ENGINE(why)                                                                                            \
    do {                                                                                                               \
        if (qEnvironmentVariableIsEmpty("MRC_TEST_DOCKER_HOST")) {                                                     \
            if (qEnvironmentVariableIsSet("CI"))                                                                       \
                QFAIL(why);                                                                                            \
            QSKIP(why);                                                                                                \
        }                                                                                                              \
    } while (false)

namespace {

QString git(const QString &repo, const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral("git"), QStringList{QStringLiteral("--git-dir"), repo} + arguments);
    process.waitForFinished(30000);
    return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
}

void saveScreenshot(QWidget *widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("MRC_SCREENSHOT_DIR", QDir::tempPath() + QStringLiteral("/screenshots"));
    QDir().mkpath(dir);
    const QString path = dir + QLatin1Char('/') + name + QStringLiteral(".png");
    QCoreApplication::processEvents(); // let pending layouts settle before the picture
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
    p.setColor(QPalette::ToolTipBase, QColor(0x35, 0x37, 0x3c));
    p.setColor(QPalette::ToolTipText, QColor(0xe6, 0xe6, 0xe6));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(0x78, 0x78, 0x78));
    return p;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void opensDemoWorkspace();
    void selectingACellShowsItsFolder();
    void filtersNarrowTheGrid();
    void brokenManifestKeepsTheGrid();
    void screenshots();
    void buildsACellAndShowsItsLog();
    void windowAndCliRecordTheSameBuild();
    void filterSelectsWhatTheCliSelects();
    void failedBuildShowsWhereItFailed();
    void addsAndRemovesARefColumn();
    void cleanupTestCase();

private:
    /** The real binary with its own XDG folders under the test's (data, cache, config); stdout, stderr in *errors. */
    QByteArray runCli(const QStringList &arguments, int *exitCode, QByteArray *errors);

    QTemporaryDir m_dir;
    QString m_manifest;
    QString m_docker;
    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<MainWindow> m_window;
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // QSettings and caches stay out of the user's home
    QVERIFY(m_dir.isValid());
    // The demo lists the engine of $DOCKER_HOST; the test services' private engine makes some cells ready.
    const QString engine = qEnvironmentVariable("MRC_TEST_DOCKER_HOST");
    if (!engine.isEmpty())
        qputenv("DOCKER_HOST", engine.toLocal8Bit());
    else if (qEnvironmentVariableIsSet("CI"))
        QFAIL("MRC_TEST_DOCKER_HOST is not set: run the tests through scripts/test, which starts the engine");

    // As `mrc demo init` does: master's newest column is the running engine's version, so some cells are ready.
    const EngineStatus status = EngineProbe::probe(EngineProbe::localEngine(), 5000);
    if (!engine.isEmpty())
        QVERIFY2(status.reachable, qPrintable(status.error));
    QString error;
    QVERIFY2(DemoWorkspace::create(m_dir.filePath(QStringLiteral("demo")), false,
                                   status.reachable ? status.majorMinor() : QString(), &error),
             qPrintable(error));
    m_manifest = m_dir.filePath(QStringLiteral("demo/release.yaml"));
    m_docker = status.reachable ? status.majorMinor() : QStringLiteral("28.2");
    if (status.reachable) {
        // A branch whose base image fails to build, for the failure view: RUN false appended to the base.
        const QString work = m_dir.filePath(QStringLiteral("work"));
        const QString repo = m_dir.filePath(QStringLiteral("demo/repos/monasca-common.git"));
        QProcess::execute(QStringLiteral("git"), {QStringLiteral("clone"), QStringLiteral("-q"), repo, work});
        QFile dockerfile(work + QStringLiteral("/docker/Dockerfile"));
        QVERIFY(dockerfile.open(QIODevice::Append));
        // MRC106 is reported on the last instruction; the demo's ignore covers only its own CMD.
        dockerfile.write("# mrc-ignore: MRC106\nRUN echo about to fail && false\n");
        dockerfile.close();
        for (const QStringList &args :
             {QStringList{QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("-b"),
                          QStringLiteral("broken")},
              QStringList{QStringLiteral("-c"), QStringLiteral("user.name=T"), QStringLiteral("-c"),
                          QStringLiteral("user.email=t@example.org"), QStringLiteral("commit"), QStringLiteral("-qam"),
                          QStringLiteral("Break the base")},
              QStringList{QStringLiteral("push"), QStringLiteral("-q"), QStringLiteral("origin"),
                          QStringLiteral("broken")}}) {
            QProcess git;
            git.setWorkingDirectory(work);
            git.start(QStringLiteral("git"), args);
            QVERIFY(git.waitForFinished(30000));
            QCOMPARE(git.exitCode(), 0);
        }
        QFile manifest(m_manifest);
        QVERIFY(manifest.open(QIODevice::ReadOnly));
        QByteArray yaml = manifest.readAll();
        manifest.close();
        // The extra branch goes last, so the demo's own columns keep their places.
        yaml.replace("\ncomponents:\n",
                     "  - name: broken\n    docker: [\"" + m_docker.toUtf8() + "\"]\n\ncomponents:\n");
        QVERIFY(manifest.open(QIODevice::WriteOnly | QIODevice::Truncate));
        manifest.write(yaml);
        manifest.close();
    }

    // These tests are about builds: no tests after them (tst_matrixtests covers Build and Test).
    QSettings().setValue(QStringLiteral("build/testAfterBuild"), false);
    m_workspace = std::make_unique<Workspace>();
    m_workspace->setCacheRoot(m_dir.filePath(QStringLiteral("cache")));
    m_window = std::make_unique<MainWindow>(m_workspace.get());
    m_window->resize(1400, 820);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestMainWindow::opensDemoWorkspace()
{
    QSignalSpy finished(m_workspace.get(), &Workspace::scanFinished);
    QVERIFY(m_window->openManifest(m_manifest));
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.first().first().toBool(), false);

    MatrixModel *model = m_window->matrixModel();
    QCOMPARE(model->rowCount(), 11);
    QVERIFY(model->columnCount() >= 6); // three branches, at least two Docker versions each
    QCOMPARE(m_window->matrixView()->model()->rowCount(), 11);
    QCOMPARE(m_window->matrixView()->model()->columnCount(), model->columnCount());

    // Every cell is resolved: a commit for each branch, none left pending or in error.
    for (const Cell &cell : model->cells()) {
        QVERIFY2(cell.state != CellState::Unknown && cell.state != CellState::Error,
                 qPrintable(cell.component + QLatin1Char(' ') + cell.branch + QLatin1Char(' ') + cell.message));
        if (cell.branch != QLatin1String("broken"))
            QCOMPARE(cell.commit.size(), 40);
    }
    if (!qEnvironmentVariableIsEmpty("MRC_TEST_DOCKER_HOST")) {
        QVERIFY(std::any_of(model->cells().cbegin(), model->cells().cend(),
                            [](const Cell &c) { return c.state == CellState::Ready; }));
        QVERIFY(std::any_of(model->cells().cbegin(), model->cells().cend(),
                            [](const Cell &c) { return c.state == CellState::NoEngine; }));
    }
    const QString repo = m_dir.filePath(QStringLiteral("demo/repos/monasca-api.git"));
    const int apiRow = int(std::find_if(model->cells().cbegin(), model->cells().cend(), [](const Cell &c) {
                               return c.component == QLatin1String("api");
                           })->row);
    QCOMPARE(model->cell(apiRow, 0).commit, git(repo, {QStringLiteral("rev-parse"), QStringLiteral("master")}));
}

void TestMainWindow::selectingACellShowsItsFolder()
{
    MatrixView *view = m_window->matrixView();
    QAbstractItemModel *shown = view->model();
    int apiRow = -1;
    for (int row = 0; row < shown->rowCount(); ++row) {
        if (shown->headerData(row, Qt::Vertical).toString() == QLatin1String("api"))
            apiRow = row;
    }
    QVERIFY(apiRow >= 0);
    int stableColumn = -1;
    for (int column = 0; column < shown->columnCount(); ++column) {
        if (shown->headerData(column, Qt::Horizontal, MatrixModel::BranchRole).toString() ==
            QLatin1String("stable/2023.2")) {
            stableColumn = column;
            break;
        }
    }
    QVERIFY(stableColumn >= 0);

    DetailsPanel *details = m_window->detailsPanel();
    QSignalSpy loaded(details, &DetailsPanel::loaded);
    QSignalSpy argsLoaded(details, &DetailsPanel::buildArgsLoaded);
    const QModelIndex index = shown->index(apiRow, stableColumn);
    const QRect rect = view->visualRect(index);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(view->currentIndex(), index);
    QVERIFY(loaded.wait(20000));

    const QString sha = git(m_dir.filePath(QStringLiteral("demo/repos/monasca-api.git")),
                            {QStringLiteral("rev-parse"), QStringLiteral("stable/2023.2")});
    QVERIFY2(details->commitText().contains(sha), qPrintable(details->commitText()));
    const QString subject = git(
        m_dir.filePath(QStringLiteral("demo/repos/monasca-api.git")),
        {QStringLiteral("log"), QStringLiteral("-1"), QStringLiteral("--format=%s"), QStringLiteral("stable/2023.2")});
    QVERIFY2(details->commitText().contains(subject.toHtmlEscaped()), qPrintable(subject));
    const QStringList files = details->fileNames();
    for (const char *expected : {"Dockerfile", "start.sh", "health_check.py", "README.rst"})
        QVERIFY2(files.contains(QLatin1String(expected)), qPrintable(files.join(QLatin1Char(','))));
    QVERIFY(
        std::any_of(files.cbegin(), files.cend(), [](const QString &f) { return f.endsWith(QLatin1String(".j2")); }));
    QVERIFY(details->dockerfileText().contains(QStringLiteral("FROM monasca/base:$BASE_TAG")));
    // The Dockerfile is highlighted like the Templates page: KSyntaxHighlighting's HTML in a text browser, with
    // numbered lines (a notice says so when the text stays plain).
    auto *dockerfileView = details->findChild<QTextBrowser *>(QStringLiteral("dockerfileView"));
    QVERIFY(dockerfileView);
    const auto colours = [dockerfileView] {
        QSet<QRgb> seen;
        for (QTextBlock block = dockerfileView->document()->begin(); block.isValid(); block = block.next()) {
            for (auto it = block.begin(); !it.atEnd(); ++it)
                seen.insert(it.fragment().charFormat().foreground().color().rgb());
        }
        return seen.size();
    };
    if (!Highlighter::toolPath().isEmpty()) {
        QTRY_VERIFY_WITH_TIMEOUT(colours() >= 3, 20000);
        QVERIFY(!details->findChild<QLabel *>(QStringLiteral("dockerfileNotice"))->isVisible());
    } else {
        QTRY_VERIFY_WITH_TIMEOUT(details->findChild<QLabel *>(QStringLiteral("dockerfileNotice"))->isVisible(), 20000);
    }
    QVERIFY2(dockerfileView->toPlainText().trimmed().startsWith(QLatin1Char('1')),
             qPrintable(dockerfileView->toPlainText().left(40)));
    QVERIFY(dockerfileView->toPlainText().contains(QStringLiteral("FROM monasca/base:$BASE_TAG")));
    details->findChild<QTabWidget *>(QStringLiteral("detailsTabs"))->setCurrentIndex(0);
    saveScreenshot(details, QStringLiteral("details-dockerfile-highlighted"));
    // The Build arguments tab: what a build of the cell passes, the stable branch's constraints and pin included.
    QVERIFY(!argsLoaded.isEmpty() || argsLoaded.wait(20000));
    const QMap<QString, QString> args = details->buildArgsShown();
    QCOMPARE(args.value(QStringLiteral("REPO_VERSION")), QStringLiteral("stable/2023.2"));
    QCOMPARE(args.value(QStringLiteral("GIT_COMMIT")), sha);
    QCOMPARE(
        args.value(QStringLiteral("CONSTRAINTS_FILE")),
        QStringLiteral("https://opendev.org/openstack/requirements/raw/branch/stable/2023.2/upper-constraints.txt"));
    QCOMPARE(args.value(QStringLiteral("COMMON_VERSION")), QStringLiteral("10.0.1"));

    // Extending the selection: the panel says how many cells, and Ctrl+C copies their commits.
    QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::ShiftModifier,
                      view->visualRect(shown->index(apiRow + 1, stableColumn)).center());
    QCOMPARE(view->selectionModel()->selectedIndexes().size(), 2);
}

void TestMainWindow::filtersNarrowTheGrid()
{
    auto *filter = m_window->findChild<QLineEdit *>(QStringLiteral("componentFilter"));
    auto *branch = m_window->findChild<QComboBox *>(QStringLiteral("branchFilter"));
    QVERIFY(filter && branch);
    QAbstractItemModel *shown = m_window->matrixView()->model();

    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(filter->hasFocus());
    QTest::keyClicks(filter, QStringLiteral("agent"));
    QCOMPARE(shown->rowCount(), 2); // agent-collector, agent-forwarder

    branch->setCurrentIndex(branch->findData(QStringLiteral("master")));
    const int masterColumns = int(m_window->matrixModel()->branchSpans().first().second);
    QCOMPARE(shown->columnCount(), masterColumns);

    filter->clear();
    branch->setCurrentIndex(0);
    QCOMPARE(shown->rowCount(), 11);
    QCOMPARE(shown->columnCount(), m_window->matrixModel()->columnCount());
}

void TestMainWindow::brokenManifestKeepsTheGrid()
{
    const QString broken = m_dir.filePath(QStringLiteral("broken.yaml"));
    QFile file(broken);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("version: 1\ncomponents:\n  - name: api\n    imgae: monasca/api\n");
    file.close();
    QVERIFY(!m_window->openManifest(broken));
    auto *banner = m_window->findChild<QLabel *>(QStringLiteral("problemsBanner"));
    QVERIFY(banner && banner->isVisible());
    QVERIFY2(banner->text().contains(broken + QStringLiteral(":4:5:")), qPrintable(banner->text()));
    QCOMPARE(m_window->matrixModel()->rowCount(), 11); // the last good grid stays
    saveScreenshot(m_window.get(), QStringLiteral("main-window-manifest-problem"));
    QSignalSpy finished(m_workspace.get(), &Workspace::scanFinished);
    QVERIFY(m_window->openManifest(m_manifest));
    QVERIFY(finished.wait(60000));
    QVERIFY(!banner->isVisible());
}

void TestMainWindow::screenshots()
{
    MatrixView *view = m_window->matrixView();
    view->setCurrentIndex(view->model()->index(1, 0));
    QSignalSpy loaded(m_window->detailsPanel(), &DetailsPanel::loaded);
    QVERIFY(loaded.wait(20000));
    saveScreenshot(m_window.get(), QStringLiteral("main-window"));

    const QPalette light = QApplication::palette();
    QApplication::setPalette(darkPalette());
    QCoreApplication::processEvents();
    saveScreenshot(m_window.get(), QStringLiteral("main-window-dark"));
    QApplication::setPalette(light);
}

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
} // namespace

void TestMainWindow::buildsACellAndShowsItsLog()
{
    REQUIRE_ENGINE("no engine: builds need the private dockerd of scripts/test");
    MatrixView *view = m_window->matrixView();
    const QModelIndex index = findCell(view->model(), QStringLiteral("base"), QStringLiteral("master"));
    QVERIFY(index.isValid());
    QCOMPARE(index.data(MatrixModel::StateRole).toInt(), int(CellState::Ready));
    view->setCurrentIndex(index);
    view->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect);
    QTest::keyClick(m_window.get(), Qt::Key_B, Qt::ControlModifier);
    QVERIFY(m_window->isBuilding());
    // The cell may show an earlier build from the history: wait for this build's end.
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->isBuilding(), 240000);
    QVERIFY(isFinal(JobState(index.data(MatrixModel::JobStateRole).toInt())));
    const auto state = JobState(index.data(MatrixModel::JobStateRole).toInt());
    QVERIFY2(isSuccess(state), qPrintable(jobStateName(state)));
    QTRY_VERIFY(!m_window->isBuilding());

    // The details panel follows the cell's log: its steps are there.
    DetailsPanel *details = m_window->detailsPanel();
    QVERIFY(!details->shownLogPath().isEmpty());
    QTRY_VERIFY(details->logModel()->rowCount() > 0);
    QStringList lines;
    for (int row = 0; row < details->logModel()->rowCount(); ++row)
        lines.append(details->logModel()->index(row, 0).data().toString());
    if (state == JobState::Built)
        QVERIFY2(lines.join(QLatin1Char('\n')).contains(QStringLiteral("Step 1/")),
                 qPrintable(lines.join(QLatin1Char('\n'))));
    else
        QVERIFY(lines.join(QLatin1Char('\n')).contains(QStringLiteral("nothing to build")));
    QCOMPARE(m_window->jobsModel()->rowCount(), 1);
    saveScreenshot(m_window.get(), QStringLiteral("main-window-built"));
}

QByteArray TestMainWindow::runCli(const QStringList &arguments, int *exitCode, QByteArray *errors)
{
    QProcess mrc;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("cli-data")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath(QStringLiteral("cli-cache")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("cli-config")));
    mrc.setProcessEnvironment(env);
    mrc.start(qEnvironmentVariable("MRC_BINARY"), arguments);
    if (!mrc.waitForFinished(240000))
        qWarning("mrc %s did not finish", qPrintable(arguments.join(QLatin1Char(' '))));
    *exitCode = mrc.exitStatus() == QProcess::NormalExit ? mrc.exitCode() : -1;
    *errors = mrc.readAllStandardError();
    return mrc.readAllStandardOutput();
}

void TestMainWindow::windowAndCliRecordTheSameBuild()
{
    REQUIRE_ENGINE("no engine: builds need the private dockerd of scripts/test");
    // The window's Force Rebuild and `mrc build --no-cache` of the same cell are one BuildSession each: the history
    // rows they leave say the same things.
    MatrixView *view = m_window->matrixView();
    const QModelIndex index = findCell(view->model(), QStringLiteral("base"), QStringLiteral("master"));
    QVERIFY(index.isValid());
    const Cell cell = *m_window->matrixModel()->cellAt(m_window->filterModel()->mapToSource(index));
    QVERIFY(m_window->buildCells({cell}, true));
    QVERIFY(m_window->isBuilding());
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->isBuilding(), 240000);
    QCOMPARE(m_window->jobsModel()->rowCount(), 1);
    const JobUpdate *job = m_window->jobsModel()->jobAt(0);
    QVERIFY(job && job->historyId > 0);
    QVERIFY2(!job->runId.isEmpty(), "the window's build has no run id");
    History windowHistory(History::defaultPath());
    QString error;
    QVERIFY2(windowHistory.open(&error), qPrintable(error));
    const std::optional<JobRecord> mine = windowHistory.job(job->historyId);
    QVERIFY(mine);

    int code = -1;
    QByteArray errors;
    runCli({QStringLiteral("build"), QStringLiteral("--manifest"), m_manifest, QStringLiteral("--component"),
            QStringLiteral("base"), QStringLiteral("--branch"), QStringLiteral("master"), QStringLiteral("--docker"),
            cell.docker, QStringLiteral("--no-cache")},
           &code, &errors);
    QVERIFY2(code == 0, errors.constData());
    History cliHistory(m_dir.filePath(QStringLiteral("cli-data/mrc/history.sqlite")));
    QVERIFY2(cliHistory.open(&error), qPrintable(error));
    const std::optional<JobRecord> theirs =
        cliHistory.latest(QStringLiteral("base"), QStringLiteral("master"), cell.docker);
    QVERIFY(theirs);

    QCOMPARE(mine->state, JobState::Built);
    QCOMPARE(theirs->state, JobState::Built);
    QCOMPARE(theirs->kind, mine->kind);
    QCOMPARE(theirs->component, mine->component);
    QCOMPARE(theirs->branch, mine->branch);
    QCOMPARE(theirs->docker, mine->docker);
    QCOMPARE(theirs->engine, mine->engine);
    QCOMPARE(theirs->commit, mine->commit);
    QCOMPARE(theirs->commit, cell.commit);
    QCOMPARE(theirs->baseCommit, mine->baseCommit);
    QCOMPARE(theirs->tag, mine->tag);
    // Each build makes its own image (CREATION_TIME differs) and log; both are recorded, with their times, and the
    // message names the image the same way.
    QVERIFY(!mine->imageId.isEmpty() && !theirs->imageId.isEmpty());
    QCOMPARE(mine->message, QStringLiteral("built ") + mine->imageId.left(19));
    QCOMPARE(theirs->message, QStringLiteral("built ") + theirs->imageId.left(19));
    QVERIFY(!mine->logPath.isEmpty() && !theirs->logPath.isEmpty());
    QVERIFY(mine->started.isValid() && mine->finished.isValid());
    QVERIFY(theirs->started.isValid() && theirs->finished.isValid());
}

void TestMainWindow::filterSelectsWhatTheCliSelects()
{
    REQUIRE_ENGINE("no engine: `mrc build --dry-run` needs the private dockerd of scripts/test");
    auto *text = m_window->findChild<QLineEdit *>(QStringLiteral("componentFilter"));
    auto *branch = m_window->findChild<QComboBox *>(QStringLiteral("branchFilter"));
    QVERIFY(text && branch);
    QAbstractItemModel *shown = m_window->matrixView()->model();
    for (const QString &component : {QStringLiteral("base"), QStringLiteral("persister")}) {
        for (const QString &column : {QStringLiteral("master"), QStringLiteral("stable/2023.2")}) {
            text->setText(component);
            branch->setCurrentIndex(branch->findData(column));
            QCOMPARE(m_window->filterModel()->selector().componentText, component);
            QCOMPARE(m_window->filterModel()->selector().branches, QStringList{column});
            // The ready cells the window shows under the filters.
            QStringList window;
            for (int row = 0; row < shown->rowCount(); ++row) {
                for (int col = 0; col < shown->columnCount(); ++col) {
                    const Cell *cell =
                        m_window->matrixModel()->cellAt(m_window->filterModel()->mapToSource(shown->index(row, col)));
                    if (cell && cell->state == CellState::Ready)
                        window.append(cell->component + QLatin1Char('@') + cell->branch + QLatin1Char(' ') +
                                      cell->docker);
                }
            }
            // The cells `mrc build` plans for the same filters, without the bases it adds for them.
            int code = -1;
            QByteArray errors;
            const QByteArray out = runCli({QStringLiteral("build"), QStringLiteral("--manifest"), m_manifest,
                                           QStringLiteral("--component"), component, QStringLiteral("--branch"), column,
                                           QStringLiteral("--dry-run"), QStringLiteral("--json")},
                                          &code, &errors);
            QStringList cli;
            for (const QJsonValue &job :
                 QJsonDocument::fromJson(out).object().value(QStringLiteral("plan")).toArray()) {
                const QJsonObject o = job.toObject();
                if (o.value(QStringLiteral("component")).toString() == component)
                    cli.append(o.value(QStringLiteral("component")).toString() + QLatin1Char('@') +
                               o.value(QStringLiteral("branch")).toString() + QLatin1Char(' ') +
                               o.value(QStringLiteral("docker")).toString());
            }
            window.sort();
            cli.sort();
            // A filter with no ready cell is bad input to the CLI (exit 2, "no ready cell matches").
            QVERIFY2(window.isEmpty() ? code == 2 : code == 0, errors.constData());
            QCOMPARE(window, cli);
            if (column == QLatin1String("master"))
                QVERIFY2(!window.isEmpty(), "master has a ready column on the test engine");
        }
    }
    text->clear();
    branch->setCurrentIndex(0);
}

void TestMainWindow::failedBuildShowsWhereItFailed()
{
    REQUIRE_ENGINE("no engine: builds need the private dockerd of scripts/test");
    MatrixView *view = m_window->matrixView();
    const QModelIndex index = findCell(view->model(), QStringLiteral("base"), QStringLiteral("broken"));
    QVERIFY(index.isValid());
    view->setCurrentIndex(index);
    view->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect);
    QVERIFY(
        m_window->buildCells({*m_window->matrixModel()->cellAt(m_window->filterModel()->mapToSource(index))}, true));
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->isBuilding(), 240000);
    QCOMPARE(JobState(index.data(MatrixModel::JobStateRole).toInt()), JobState::Failed);
    QTRY_VERIFY(!m_window->isBuilding());
    DetailsPanel *details = m_window->detailsPanel();
    QTRY_VERIFY(details->logView()->isFailureShown());
    QVERIFY2(details->logView()->failureCommand().startsWith(
                 QStringLiteral("docker -H %1 run --rm -it ").arg(qEnvironmentVariable("MRC_TEST_DOCKER_HOST"))),
             qPrintable(details->logView()->failureCommand()));
    auto *tabs = details->findChild<QTabWidget *>(QStringLiteral("detailsTabs"));
    QVERIFY(tabs);
    tabs->setCurrentIndex(1);
    QTRY_VERIFY(details->logModel()->rowCount() > 0);
    saveScreenshot(m_window.get(), QStringLiteral("main-window-build-failed"));
}

void TestMainWindow::addsAndRemovesARefColumn()
{
    // A change proposed to monasca-api only: a commit pushed to a Gerrit-style ref, not to any branch.
    const QString ref = QStringLiteral("refs/changes/51/558751/1");
    const QString repo = m_dir.filePath(QStringLiteral("demo/repos/monasca-api.git"));
    const QString work = m_dir.filePath(QStringLiteral("work-change"));
    QCOMPARE(QProcess::execute(QStringLiteral("git"), {QStringLiteral("clone"), QStringLiteral("-q"), repo, work}), 0);
    QFile readme(work + QStringLiteral("/docker/README.rst"));
    QVERIFY(readme.open(QIODevice::Append));
    readme.write("\nA change under review.\n");
    readme.close();
    for (const QStringList &args :
         {QStringList{QStringLiteral("-c"), QStringLiteral("user.name=T"), QStringLiteral("-c"),
                      QStringLiteral("user.email=t@example.org"), QStringLiteral("commit"), QStringLiteral("-qam"),
                      QStringLiteral("Document the change")},
          QStringList{QStringLiteral("push"), QStringLiteral("-q"), QStringLiteral("origin"),
                      QStringLiteral("HEAD:") + ref}}) {
        QProcess gitProcess;
        gitProcess.setWorkingDirectory(work);
        gitProcess.start(QStringLiteral("git"), args);
        QVERIFY(gitProcess.waitForFinished(30000));
        QCOMPARE(gitProcess.exitCode(), 0);
    }
    const QString change = git(repo, {QStringLiteral("rev-parse"), ref});
    QCOMPARE(change.size(), 40);

    QSettings().remove(QStringLiteral("refColumns")); // test-mode settings outlive a failed run
    MatrixModel *model = m_window->matrixModel();
    const int columnsBefore = model->columnCount();
    QSignalSpy added(m_window.get(), &MainWindow::refColumnAdded);
    QSignalSpy failed(m_window.get(), &MainWindow::refColumnFailed);
    QSignalSpy scanned(m_workspace.get(), &Workspace::scanFinished);
    QVERIFY(m_window->addRefColumn(ref));
    QVERIFY(m_window->isResolvingRef()); // fetched in the background: the window keeps running
    QVERIFY2(added.wait(60000), failed.isEmpty() ? "no signal" : qPrintable(failed.first().at(1).toString()));
    QVERIFY(!m_window->isResolvingRef());
    QCOMPARE(m_window->refColumns(), QStringList{ref});
    QVERIFY(scanned.wait(60000));

    // The column takes master's Docker versions (the change is on top of master); only api has the ref.
    const BranchSpec *master = m_workspace->manifest().branch(QStringLiteral("master"));
    QVERIFY(master);
    QCOMPARE(model->columnCount(), columnsBefore + master->docker.size());
    const auto columnKeys = model->columnKeys();
    const int first = int(columnKeys.indexOf(qMakePair(ref, master->docker.first())));
    QVERIFY(first >= 0);
    QCOMPARE(model->headerData(first, Qt::Horizontal, MatrixModel::BranchRole).toString(), ref);
    for (int row = 0; row < model->rowCount(); ++row) {
        const Cell &cell = model->cell(row, first);
        if (cell.component == QLatin1String("api")) {
            QCOMPARE(cell.commit, change);
            QVERIFY2(cell.state == CellState::Ready || cell.state == CellState::NoEngine, qPrintable(cell.message));
        } else {
            QCOMPARE(cell.state, CellState::NoBranch);
            QVERIFY2(cell.message.contains(QStringLiteral(" not found at ")), qPrintable(cell.message));
        }
    }
    // The branch columns are still there and resolved.
    QVERIFY(findCell(m_window->matrixView()->model(), QStringLiteral("api"), QStringLiteral("master")).isValid());

    // The current cell in the ref column enables Remove Ref Column.
    const QModelIndex refCell = findCell(m_window->matrixView()->model(), QStringLiteral("api"), ref);
    QVERIFY(refCell.isValid());
    m_window->matrixView()->setCurrentIndex(refCell);
    QAction *remove = nullptr;
    for (QAction *action : m_window->findChildren<QAction *>()) {
        if (action->text() == QStringLiteral("Remove Ref &Column"))
            remove = action;
    }
    QVERIFY(remove);
    QVERIFY(remove->isEnabled());

    // Remembered for this workspace: reopening the manifest brings the column back.
    QSignalSpy addedAgain(m_window.get(), &MainWindow::refColumnAdded);
    QVERIFY(m_window->openManifest(m_manifest));
    QVERIFY(addedAgain.wait(60000));
    QCOMPARE(m_window->refColumns(), QStringList{ref});

    // A branch is not a ref, and an unknown ref says where it looked.
    QVERIFY(!m_window->addRefColumn(QStringLiteral("master")));
    QVERIFY(m_window->addRefColumn(QStringLiteral("refs/changes/99/999999/9")));
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 2, 60000);
    QVERIFY2(failed.last().at(1).toString().contains(QStringLiteral("not found in any repository")),
             qPrintable(failed.last().at(1).toString()));
    QCOMPARE(m_window->refColumns(), QStringList{ref});

    QVERIFY(m_window->removeRefColumn(ref));
    QVERIFY(!m_window->removeRefColumn(ref));
    QVERIFY(!m_window->removeRefColumn(QStringLiteral("master")));
    QVERIFY(m_window->refColumns().isEmpty());
    QCOMPARE(model->columnCount(), columnsBefore);
    for (const auto &key : model->columnKeys())
        QVERIFY(key.first != ref);
    QTRY_VERIFY_WITH_TIMEOUT(!m_workspace->isScanning(), 60000);

    // Build Ref… (Ctrl+Shift+G): the dialog asks for the ref and a Docker version.
    QSignalSpy fromDialog(m_window.get(), &MainWindow::refColumnAdded);
    QString chosen;
    QTimer::singleShot(0, this, [ref, &chosen] {
        auto *dialog = qobject_cast<QDialog *>(QApplication::activeModalWidget());
        QVERIFY(dialog);
        auto *edit = dialog->findChild<QLineEdit *>(QStringLiteral("refEdit"));
        QVERIFY(edit);
        edit->setText(ref);
        auto *docker = dialog->findChild<QComboBox *>();
        QVERIFY(docker);
        docker->setCurrentIndex(docker->count() - 1); // the oldest Docker version of the manifest
        chosen = docker->currentData().toString();
        dialog->accept();
    });
    QTest::keyClick(m_window.get(), Qt::Key_G, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(fromDialog.wait(60000));
    QVERIFY(!chosen.isEmpty());
    QCOMPARE(m_workspace->manifest().branch(ref)->docker, QStringList{chosen});
    QVERIFY(m_window->removeRefColumn(ref));
    QTRY_VERIFY_WITH_TIMEOUT(!m_workspace->isScanning(), 60000);

    const QStringList keys = QSettings().allKeys();
    QVERIFY(std::none_of(keys.cbegin(), keys.cend(),
                         [](const QString &key) { return key.startsWith(QStringLiteral("refColumns/")); }));
}

void TestMainWindow::cleanupTestCase()
{
    m_window.reset();
    m_workspace.reset();
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
