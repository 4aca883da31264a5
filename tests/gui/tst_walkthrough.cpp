// SPDX-License-Identifier: Apache-2.0
// Over 600 lines: one test per walkthrough finding, each needing its own window set-up and checks.
// The findings of a release manager's walkthrough (issue 16, item 7), each driven through the real main window on
// a freshly made demo workspace: layout at 1280×760 and 1024×700, the filters, the keyboard, the group headers,
// the live log of a queued cell, the build state of cells, the details header, and accessibility.
#include "demo/demoworkspace.h"
#include "engine/engineprobe.h"
#include "history/history.h"
#include "manifest/manifestparser.h"
#include "models/jobsmodel.h"
#include "models/logmodel.h"
#include "models/matrixfiltermodel.h"
#include "models/matrixmodel.h"
#include "views/detailspanel.h"
#include "views/groupedheaderview.h"
#include "views/logview.h"
#include "views/mainwindow.h"
#include "views/matrixfilterbar.h"
#include "views/matrixview.h"
#include "views/testspanel.h"
#include "views/welcomedialog.h"
#include "workspace/workspace.h"

#include <QAccessible>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <QToolButton>

using namespace mrc;

namespace {

QStringList g_messages; // every Qt warning, to catch "Ambiguous shortcut overload"
QtMessageHandler g_previous = nullptr;

void collect(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type == QtWarningMsg)
        g_messages.append(message);
    if (g_previous)
        g_previous(type, context, message);
}

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
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(0x78, 0x78, 0x78));
    return p;
}

void screenshotsLightAndDark(QWidget *widget, const QString &name)
{
    saveScreenshot(widget, name);
    const QPalette light = QApplication::palette();
    QApplication::setPalette(darkPalette());
    saveScreenshot(widget, name + QStringLiteral("-dark"));
    QApplication::setPalette(light);
}

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

bool inside(QWidget *widget, QWidget *window)
{
    if (!widget->isVisible())
        return false;
    const QRect rect(widget->mapTo(window, QPoint(0, 0)), widget->size());
    return window->rect().contains(rect);
}

} // namespace

class TestWalkthrough : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void defaultLayoutShowsEveryColumn();
    void narrowWindowKeepsTheFilters();
    void longTitleKeepsTheSplitter();
    void detailsPanelCollapses();
    void keyboardReachesEverything();
    void ctrlFInALogIsNotAmbiguous();
    void stateFilterSelectsBuildsAndTests();
    void groupHeaderFollowsScrollingAndSelectsBranch();
    void accessibleNames();
    void liveLogOfAQueuedCell();
    void failedCellHeaderAndShellCommand();
    void buildStateSurvivesReopening();
    void stoppingABuildSaysCancelled();
    void runTestsOnAnUnbuiltCellOffersABuild();
    void pagesSmallerFindings();
    void windowLayoutIsRemembered();
    void firstStartOffersAManifest();
    void cleanupTestCase();

private:
    void openDemo();
    bool haveEngine() const { return !qEnvironmentVariableIsEmpty("MRC_TEST_DOCKER_HOST"); }

    QTemporaryDir m_dir;
    QString m_manifest;
    QString m_docker;
    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<MainWindow> m_window;
};

void TestWalkthrough::initTestCase()
{
    // A fresh user of its own: settings, history and logs under a temporary home, shared with no other test.
    QVERIFY(m_dir.isValid());
    QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("home"))));
    qputenv("HOME", m_dir.filePath(QStringLiteral("home")).toLocal8Bit());
    QStandardPaths::setTestModeEnabled(true);
    g_previous = qInstallMessageHandler(collect);
    const QString engine = qEnvironmentVariable("MRC_TEST_DOCKER_HOST");
    if (!engine.isEmpty())
        qputenv("DOCKER_HOST", engine.toLocal8Bit());
    else if (qEnvironmentVariableIsSet("CI"))
        QFAIL("MRC_TEST_DOCKER_HOST is not set: run the tests through scripts/test, which starts the engine");
    const EngineStatus status = EngineProbe::probe(EngineProbe::localEngine(), 5000);
    if (!engine.isEmpty())
        QVERIFY2(status.reachable, qPrintable(status.error));
    QString error;
    QVERIFY2(DemoWorkspace::create(m_dir.filePath(QStringLiteral("demo")), false,
                                   status.reachable ? status.majorMinor() : QString(), &error),
             qPrintable(error));
    m_manifest = m_dir.filePath(QStringLiteral("demo/release.yaml"));
    m_docker = status.reachable ? status.majorMinor() : QString();

    QVERIFY2(!QFileInfo::exists(History::defaultPath()), qPrintable(History::defaultPath()));
    QSettings().setValue(QStringLiteral("build/testAfterBuild"), false);
    m_workspace = std::make_unique<Workspace>();
    m_workspace->setCacheRoot(m_dir.filePath(QStringLiteral("cache")));
    m_window = std::make_unique<MainWindow>(m_workspace.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QCOMPARE(m_window->size(), QSize(1280, 760)); // the default size of a first start
    openDemo();
}

void TestWalkthrough::openDemo()
{
    QSignalSpy finished(m_workspace.get(), &Workspace::scanFinished);
    QVERIFY(m_window->openManifest(m_manifest));
    QVERIFY(finished.wait(60000));
    QCoreApplication::processEvents();
}

void TestWalkthrough::defaultLayoutShowsEveryColumn()
{
    // Finding: at 1280×760 only 3 of the demo's 7 columns showed.
    MatrixView *view = m_window->matrixView();
    QAbstractItemModel *shown = view->model();
    QCOMPARE(shown->columnCount(), m_window->matrixModel()->columnCount());
    QVERIFY2(shown->columnCount() >= 7, qPrintable(QString::number(shown->columnCount())));
    QTRY_VERIFY(view->viewport()->width() > 0);
    for (int column = 0; column < shown->columnCount(); ++column) {
        const QRect rect = view->visualRect(shown->index(0, column));
        QVERIFY2(rect.left() >= 0 && rect.right() < view->viewport()->width(),
                 qPrintable(QStringLiteral("column %1 at %2..%3 of %4")
                                .arg(column)
                                .arg(rect.left())
                                .arg(rect.right())
                                .arg(view->viewport()->width())));
    }
    QCOMPARE(view->horizontalScrollBar()->maximum(), 0);
    // The details panel still has room to read.
    QVERIFY(m_window->detailsPanel()->width() >= m_window->detailsPanel()->minimumWidth());
    QVERIFY(m_window->detailsPanel()->isVisible());
    view->setCurrentIndex(findCell(shown, QStringLiteral("api"), QStringLiteral("master")));
    screenshotsLightAndDark(m_window.get(), QStringLiteral("walkthrough-1280x760"));
}

void TestWalkthrough::narrowWindowKeepsTheFilters()
{
    // Finding: at 1024×700 the filters went behind the toolbar's overflow.
    const QSize old = m_window->size();
    m_window->resize(1024, 700);
    QTRY_COMPARE(m_window->size(), QSize(1024, 700));
    QCoreApplication::processEvents();
    MatrixFilterBar *bar = m_window->filterBar();
    QVERIFY(bar);
    for (QWidget *widget : {static_cast<QWidget *>(bar->componentEdit()), static_cast<QWidget *>(bar->branchBox()),
                            static_cast<QWidget *>(bar->stateBox())})
        QVERIFY2(inside(widget, m_window.get()), qPrintable(widget->objectName()));
    for (QToolBar *toolbar : m_window->findChildren<QToolBar *>())
        QVERIFY2(!bar->isAncestorOf(toolbar) && !toolbar->isAncestorOf(bar), qPrintable(toolbar->objectName()));
    // Typing still filters.
    bar->componentEdit()->setFocus();
    QTest::keyClicks(bar->componentEdit(), QStringLiteral("agent"));
    QCOMPARE(m_window->matrixView()->model()->rowCount(), 2);
    screenshotsLightAndDark(m_window.get(), QStringLiteral("walkthrough-1024x700"));
    bar->clear();
    m_window->resize(old);
    QTRY_COMPARE(m_window->size(), old);
}

void TestWalkthrough::longTitleKeepsTheSplitter()
{
    // Finding: the splitter moved by itself when a cell with a long title was selected.
    QSplitter *splitter = m_window->matrixSplitter();
    QCoreApplication::processEvents();
    const QList<int> before = splitter->sizes();
    Cell cell = m_window->matrixModel()->cell(0, 0);
    cell.component = QStringLiteral("a-component-with-a-very-long-name-that-goes-on-and-on-and-on-for-ever-and-ever");
    cell.message =
        QStringLiteral("a message just as long, which a narrow panel must wrap rather than widen itself for");
    m_window->detailsPanel()->showCell(&cell);
    QCoreApplication::processEvents();
    QCOMPARE(splitter->sizes(), before);
    m_window->matrixView()->setCurrentIndex(m_window->matrixView()->model()->index(0, 0));
    QCoreApplication::processEvents();
    QCOMPARE(splitter->sizes(), before);
}

void TestWalkthrough::detailsPanelCollapses()
{
    QSplitter *splitter = m_window->matrixSplitter();
    const int total = splitter->sizes().value(0) + splitter->sizes().value(1);
    auto *action = m_window->findChild<QAction *>(QStringLiteral("detailsPanelAction"));
    QVERIFY(action && action->isChecked());
    m_window->matrixView()->setFocus();
    QTest::keyClick(m_window->matrixView(), Qt::Key_F9);
    QTRY_COMPARE(splitter->sizes().value(1), 0);
    QVERIFY(!action->isChecked());
    QCOMPARE(splitter->sizes().value(0), total); // the matrix takes the full width
    saveScreenshot(m_window.get(), QStringLiteral("walkthrough-details-collapsed"));
    // Enter on a cell brings the details back, with the keyboard in them.
    MatrixView *view = m_window->matrixView();
    view->setCurrentIndex(view->model()->index(0, 0));
    QTest::keyClick(view, Qt::Key_Return);
    QTRY_VERIFY(splitter->sizes().value(1) > 0);
    QVERIFY(action->isChecked());
    QVERIFY(m_window->detailsPanel()->isAncestorOf(QApplication::focusWidget()));
}

void TestWalkthrough::keyboardReachesEverything()
{
    MatrixView *view = m_window->matrixView();
    QTabWidget *pages = m_window->pages();
    pages->setCurrentIndex(0);
    view->setFocus();
    QTRY_VERIFY(view->hasFocus());

    // Arrows move, Space selects, Ctrl+arrows move without selecting, Ctrl+Space adds.
    view->setCurrentIndex(view->model()->index(0, 0));
    QTest::keyClick(view, Qt::Key_Right);
    QCOMPARE(view->currentIndex(), view->model()->index(0, 1));
    QTest::keyClick(view, Qt::Key_Down);
    QCOMPARE(view->currentIndex(), view->model()->index(1, 1));
    QCOMPARE(view->selectionModel()->selectedIndexes(), QModelIndexList{view->model()->index(1, 1)});
    QTest::keyClick(view, Qt::Key_Down, Qt::ControlModifier);
    QTest::keyClick(view, Qt::Key_Space, Qt::ControlModifier);
    QCOMPARE(view->selectionModel()->selectedIndexes().size(), 2);
    view->selectionModel()->clearSelection();
    QTest::keyClick(view, Qt::Key_Space);
    QVERIFY(view->selectionModel()->isSelected(view->currentIndex()));

    // Tab leaves the matrix.
    QTest::keyClick(view, Qt::Key_Tab);
    QTRY_VERIFY(!view->hasFocus());
    QVERIFY(QApplication::focusWidget() != nullptr);

    // Every page with Ctrl+1…Ctrl+N.
    QVERIFY(pages->count() >= 6);
    for (int i = pages->count() - 1; i >= 0; --i) {
        QTest::keyClick(m_window.get(), Qt::Key(Qt::Key_1 + i), Qt::ControlModifier);
        QCOMPARE(pages->currentIndex(), i);
    }

    // Ctrl+Shift+P on the Matrix page plans the selected cells on the Publish page.
    QCOMPARE(pages->currentIndex(), 0);
    view->setFocus();
    view->setCurrentIndex(findCell(view->model(), QStringLiteral("api"), QStringLiteral("master")));
    QTest::keyClick(view, Qt::Key_P, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_COMPARE(pages->tabText(pages->currentIndex()).remove(QLatin1Char('&')), QStringLiteral("Publish"));
    QTest::keyClick(m_window.get(), Qt::Key_1, Qt::ControlModifier);

    // A closed Jobs panel comes back from the View menu.
    auto *dock = m_window->findChild<QDockWidget *>(QStringLiteral("jobsDock"));
    QVERIFY(dock && dock->isVisible());
    dock->close();
    QTRY_VERIFY(!dock->isVisible());
    auto *viewMenu = m_window->menuBar()->findChild<QMenu *>(QStringLiteral("viewMenu"));
    QVERIFY(viewMenu);
    QAction *jobs = nullptr;
    for (QAction *action : viewMenu->actions()) {
        if (action->objectName() == QLatin1String("jobsPanelAction"))
            jobs = action;
    }
    QVERIFY(jobs);
    jobs->trigger();
    QTRY_VERIFY(dock->isVisible());
}

void TestWalkthrough::ctrlFInALogIsNotAmbiguous()
{
    LogView *log = m_window->detailsPanel()->logView();
    auto *tabs = m_window->detailsPanel()->findChild<QTabWidget *>(QStringLiteral("detailsTabs"));
    tabs->setCurrentIndex(1);
    log->setFocus();
    QTRY_VERIFY(log->isAncestorOf(QApplication::focusWidget()) || log->hasFocus());
    g_messages.clear();
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_F, Qt::ControlModifier);
    QVERIFY2(!g_messages.join(QLatin1Char('\n')).contains(QStringLiteral("Ambiguous")),
             qPrintable(g_messages.join(QLatin1Char('\n'))));
    auto *search = qobject_cast<QLineEdit *>(QApplication::focusWidget());
    QVERIFY2(search && log->isAncestorOf(search), "Ctrl+F in the log goes to the log's search");
    // On the matrix Ctrl+F still filters components.
    m_window->matrixView()->setFocus();
    QTest::keyClick(m_window->matrixView(), Qt::Key_F, Qt::ControlModifier);
    QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget *>(m_window->filterBar()->componentEdit()));
    tabs->setCurrentIndex(0);
}

void TestWalkthrough::stateFilterSelectsBuildsAndTests()
{
    QComboBox *state = m_window->filterBar()->stateBox();
    QStringList items;
    for (int i = 0; i < state->count(); ++i)
        items.append(state->itemText(i));
    for (const char *wanted : {"Build failed", "Tests failed", "Built", "Not built", "Error"})
        QVERIFY2(items.contains(QLatin1String(wanted)), qPrintable(items.join(QLatin1Char(','))));

    // "Error": no cell of the demo is in error, and the grid says so instead of going blank.
    MatrixView *view = m_window->matrixView();
    state->setCurrentIndex(state->findText(QStringLiteral("Error")));
    QCOMPARE(view->model()->rowCount(), 0);
    QVERIFY(view->isEmptyTextShown());
    QVERIFY2(view->emptyText().contains(QStringLiteral("Error")) &&
                 view->emptyText().contains(QStringLiteral("Clear Filters")),
             qPrintable(view->emptyText()));
    screenshotsLightAndDark(m_window.get(), QStringLiteral("walkthrough-empty-filter"));
    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier | Qt::ShiftModifier); // Clear Filters
    QCOMPARE(view->model()->rowCount(), m_window->matrixModel()->rowCount());
    QVERIFY(!view->isEmptyTextShown());

    // "Not built": every ready cell of a fresh history.
    state->setCurrentIndex(state->findText(QStringLiteral("Not built")));
    QVERIFY(view->model()->rowCount() > 0);
    for (int row = 0; row < view->model()->rowCount(); ++row) {
        bool any = false;
        for (int column = 0; column < view->model()->columnCount(); ++column)
            any =
                any || view->model()->index(row, column).data(MatrixModel::JobStateRole).toInt() == int(JobState::None);
        QVERIFY(any);
    }
    // "Build failed" selects on the build's state, not the cell's: none failed yet.
    state->setCurrentIndex(state->findText(QStringLiteral("Build failed")));
    QCOMPARE(m_window->filterModel()->filterRoleId(), int(MatrixModel::JobStateRole));
    QVERIFY(m_window->filterModel()->filterValues().contains(int(JobState::Failed)));
    state->setCurrentIndex(state->findText(QStringLiteral("Tests failed")));
    QCOMPARE(m_window->filterModel()->filterRoleId(), int(MatrixModel::TestStateRole));
    m_window->filterBar()->clear();
}

void TestWalkthrough::groupHeaderFollowsScrollingAndSelectsBranch()
{
    MatrixView *view = m_window->matrixView();
    auto *header = qobject_cast<GroupedHeaderView *>(view->horizontalHeader());
    QVERIFY(header);
    const auto spans = m_window->matrixModel()->branchSpans();
    QVERIFY(spans.size() >= 3);

    // Finding: a group whose first column is 1 px off-screen lost its name. Make the grid scroll, then scroll 1 px.
    QSplitter *splitter = m_window->matrixSplitter();
    const QList<int> sizes = splitter->sizes();
    splitter->setSizes(
        {header->defaultSectionSize() * 3, sizes.value(0) + sizes.value(1) - header->defaultSectionSize() * 3});
    QTRY_VERIFY(view->horizontalScrollBar()->maximum() > 0);
    view->horizontalScrollBar()->setValue(1);
    QCoreApplication::processEvents();
    const QList<GroupedHeaderView::GroupSpan> shown = header->groupSpans();
    QVERIFY(!shown.isEmpty());
    QCOMPARE(shown.first().firstVisual, 0);
    QCOMPARE(shown.first().left, -1);
    QVERIFY(header->groupLabelRect(shown.first()).left() >= 0);
    QCOMPARE(shown.first().group,
             m_window->matrixModel()->headerData(0, Qt::Horizontal, MatrixModel::BranchRole).toString());
    saveScreenshot(view, QStringLiteral("walkthrough-header-scrolled"));
    view->horizontalScrollBar()->setValue(0);
    splitter->setSizes(sizes);

    // Clicking the branch band selects every cell of the branch.
    QCoreApplication::processEvents();
    const QList<GroupedHeaderView::GroupSpan> groups = header->groupSpans();
    const GroupedHeaderView::GroupSpan second = groups.value(1);
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint((second.left + second.right) / 2, 4));
    const int rows = view->model()->rowCount();
    const int columns = second.lastVisual - second.firstVisual + 1;
    QCOMPARE(view->selectionModel()->selectedIndexes().size(), rows * columns);
    for (const QModelIndex &index : view->selectionModel()->selectedIndexes())
        QCOMPARE(index.data(MatrixModel::BranchRole).toString(), second.group);
}

void TestWalkthrough::accessibleNames()
{
    // Every cell, button and status has a name a screen reader can say.
    MatrixView *view = m_window->matrixView();
    QAccessibleInterface *table = QAccessible::queryAccessibleInterface(view);
    QVERIFY(table);
    QVERIFY(!table->text(QAccessible::Name).isEmpty());
    QAccessibleTableInterface *cells = table->tableInterface();
    QVERIFY(cells);
    QCOMPARE(cells->rowCount(), view->model()->rowCount());
    for (int row = 0; row < cells->rowCount(); ++row) {
        for (int column = 0; column < cells->columnCount(); ++column) {
            QAccessibleInterface *cell = cells->cellAt(row, column);
            QVERIFY(cell);
            const QString name = cell->text(QAccessible::Name);
            QVERIFY2(name.contains(QStringLiteral("Docker")), qPrintable(name));
            if (view->model()->index(row, column).data(MatrixModel::StateRole).toInt() == int(CellState::Ready))
                QVERIFY2(name.contains(QStringLiteral("not built")) || name.contains(QStringLiteral("build ")),
                         qPrintable(name));
        }
    }
    for (QAbstractButton *button : m_window->findChildren<QAbstractButton *>()) {
        if (!button->isVisibleTo(m_window.get()))
            continue;
        QAccessibleInterface *a = QAccessible::queryAccessibleInterface(button);
        QVERIFY2(a && !a->text(QAccessible::Name).trimmed().isEmpty(),
                 qPrintable(button->objectName() + QLatin1Char('/') + button->metaObject()->className()));
    }
    for (const QString &name : {QStringLiteral("detailsState"), QStringLiteral("detailsTitle")}) {
        auto *label = m_window->findChild<QLabel *>(name);
        QVERIFY(label);
        QAccessibleInterface *a = QAccessible::queryAccessibleInterface(label);
        QVERIFY2(a && !a->text(QAccessible::Name).isEmpty(), qPrintable(name));
    }
    for (QLabel *engine : m_window->findChildren<QLabel *>()) {
        if (!engine->objectName().startsWith(QLatin1String("engine-")))
            continue;
        QAccessibleInterface *a = QAccessible::queryAccessibleInterface(engine);
        QVERIFY2(a && a->text(QAccessible::Name).contains(QLatin1Char(':')), qPrintable(engine->objectName()));
    }
}

void TestWalkthrough::liveLogOfAQueuedCell()
{
    // Finding: the log of a cell selected while queued stayed blank until another cell was selected.
    if (!haveEngine()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("no engine: builds need the private dockerd of scripts/test");
        QSKIP("no engine: builds need the private dockerd of scripts/test");
    }
    MatrixView *view = m_window->matrixView();
    const QModelIndex base = findCell(view->model(), QStringLiteral("base"), QStringLiteral("master"));
    const QModelIndex api = findCell(view->model(), QStringLiteral("api"), QStringLiteral("master"));
    QVERIFY(base.isValid() && api.isValid());
    QCOMPARE(api.data(MatrixModel::StateRole).toInt(), int(CellState::Ready));
    view->setFocus();
    view->setCurrentIndex(api);
    view->selectionModel()->select(api, QItemSelectionModel::ClearAndSelect);
    view->selectionModel()->select(base, QItemSelectionModel::Select);
    DetailsPanel *details = m_window->detailsPanel();
    auto *tabs = details->findChild<QTabWidget *>(QStringLiteral("detailsTabs"));
    tabs->setCurrentIndex(1);
    QTest::keyClick(view, Qt::Key_B, Qt::ControlModifier); // Ctrl+B builds the selection
    QVERIFY(m_window->isBuilding());
    // api waits for base: select it alone while it is queued; its log must appear without selecting anything else.
    QTRY_COMPARE_WITH_TIMEOUT(api.data(MatrixModel::JobStateRole).toInt(), int(JobState::Queued), 60000);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(api).center());
    QCOMPARE(view->selectionModel()->selectedIndexes(), QModelIndexList{api});
    QCOMPARE(details->logModel()->rowCount(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(details->logModel()->rowCount() > 0, 240000);
    QCOMPARE(view->currentIndex(), api);
    QTRY_VERIFY_WITH_TIMEOUT(isFinal(JobState(api.data(MatrixModel::JobStateRole).toInt())), 240000);
    QTRY_VERIFY(!m_window->isBuilding());
    QVERIFY(isSuccess(JobState(api.data(MatrixModel::JobStateRole).toInt())));
    QStringList lines;
    for (int row = 0; row < details->logModel()->rowCount(); ++row)
        lines.append(details->logModel()->index(row, 0).data().toString());
    QVERIFY2(lines.join(QLatin1Char('\n')).contains(QStringLiteral("Step 1/")) ||
                 lines.join(QLatin1Char('\n')).contains(QStringLiteral("nothing to build")),
             qPrintable(lines.join(QLatin1Char('\n'))));
    // The header tells the build's outcome.
    QVERIFY2(details->stateText().startsWith(QStringLiteral("Built")) ||
                 details->stateText().startsWith(QStringLiteral("Up to date")),
             qPrintable(details->stateText()));
    screenshotsLightAndDark(m_window.get(), QStringLiteral("walkthrough-built"));
}

void TestWalkthrough::failedCellHeaderAndShellCommand()
{
    if (!haveEngine()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("no engine: builds need the private dockerd of scripts/test");
        QSKIP("no engine: builds need the private dockerd of scripts/test");
    }
    // A branch whose base fails after one layer built: RUN false after the demo's steps.
    const QString work = m_dir.filePath(QStringLiteral("work"));
    const QString repo = m_dir.filePath(QStringLiteral("demo/repos/monasca-common.git"));
    QCOMPARE(QProcess::execute(QStringLiteral("git"), {QStringLiteral("clone"), QStringLiteral("-q"), repo, work}), 0);
    QFile dockerfile(work + QStringLiteral("/docker/Dockerfile"));
    QVERIFY(dockerfile.open(QIODevice::Append));
    dockerfile.write("# mrc-ignore: MRC106\nRUN echo about to fail && false\n");
    dockerfile.close();
    for (const QStringList &args :
         {QStringList{QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("-b"), QStringLiteral("broken")},
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
    // Finding: F5 did not reload an edited release.yaml. The window notices the edit, and F5 reads it and fetches.
    QFile manifest(m_manifest);
    QVERIFY(manifest.open(QIODevice::ReadOnly));
    QByteArray yaml = manifest.readAll();
    manifest.close();
    yaml.replace("\ncomponents:\n", "  - name: broken\n    docker: [\"" + m_docker.toUtf8() + "\"]\n\ncomponents:\n");
    QVERIFY(manifest.open(QIODevice::WriteOnly | QIODevice::Truncate));
    manifest.write(yaml);
    manifest.close();
    auto *changed = m_window->findChild<QWidget *>(QStringLiteral("manifestChangeBar"));
    QVERIFY(changed);
    QTRY_VERIFY_WITH_TIMEOUT(changed->isVisible(), 10000);
    saveScreenshot(m_window.get(), QStringLiteral("walkthrough-manifest-changed"));
    const int columns = m_window->matrixModel()->columnCount();
    QSignalSpy finished(m_workspace.get(), &Workspace::scanFinished);
    m_window->matrixView()->setFocus();
    QTest::keyClick(m_window->matrixView(), Qt::Key_F5);
    QCOMPARE(m_window->matrixModel()->columnCount(), columns + 1);
    QVERIFY(!changed->isVisible());
    QVERIFY(finished.wait(60000));

    MatrixView *view = m_window->matrixView();
    const QModelIndex index = findCell(view->model(), QStringLiteral("base"), QStringLiteral("broken"));
    QVERIFY(index.isValid());
    view->setCurrentIndex(index);
    view->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect);
    const Cell broken = *m_window->matrixModel()->cellAt(m_window->filterModel()->mapToSource(index));
    QVERIFY2(m_window->buildCells({broken}, true),
             qPrintable(cellStateName(broken.state) + QLatin1Char(' ') + broken.message));
    QTRY_VERIFY_WITH_TIMEOUT(isFinal(JobState(index.data(MatrixModel::JobStateRole).toInt())), 240000);
    QCOMPARE(JobState(index.data(MatrixModel::JobStateRole).toInt()), JobState::Failed);
    QTRY_VERIFY(!m_window->isBuilding());

    // Finding: a failed cell read "Ready — …".
    DetailsPanel *details = m_window->detailsPanel();
    QVERIFY2(details->stateText().startsWith(QStringLiteral("Failed")), qPrintable(details->stateText()));
    QVERIFY(!details->stateText().startsWith(QStringLiteral("Ready")));

    // Finding: the shell command left out its engine, and Copy said nothing.
    QTRY_VERIFY(details->logView()->isFailureShown());
    const QString command = details->logView()->failureCommand();
    QVERIFY2(command.startsWith(
                 QStringLiteral("docker -H %1 run --rm -it ").arg(qEnvironmentVariable("MRC_TEST_DOCKER_HOST"))),
             qPrintable(command));
    auto *copy = details->logView()->findChild<QToolButton *>(QStringLiteral("copyCommand"));
    QVERIFY(copy && copy->isVisibleTo(details));
    auto *tabs = details->findChild<QTabWidget *>(QStringLiteral("detailsTabs"));
    tabs->setCurrentIndex(1);
    QTest::mouseClick(copy, Qt::LeftButton);
    QCOMPARE(QApplication::clipboard()->text(), command);
    QVERIFY2(copy->text().startsWith(QStringLiteral("Copied")), qPrintable(copy->text()));
    screenshotsLightAndDark(m_window.get(), QStringLiteral("walkthrough-failed"));
    QTRY_COMPARE_WITH_TIMEOUT(copy->text(), QStringLiteral("Copy"), 5000);

    // The state filter finds the failed build.
    QComboBox *state = m_window->filterBar()->stateBox();
    state->setCurrentIndex(state->findText(QStringLiteral("Build failed")));
    QCOMPARE(view->model()->rowCount(), 1);
    QCOMPARE(view->model()->columnCount(), 1);
    QCOMPARE(view->model()->headerData(0, Qt::Vertical).toString(), QStringLiteral("base"));
    m_window->filterBar()->clear();
}

void TestWalkthrough::buildStateSurvivesReopening()
{
    // Finding: after reopening the manifest the build state was forgotten (test results survived).
    if (!haveEngine()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("no engine: builds need the private dockerd of scripts/test");
        QSKIP("no engine: builds need the private dockerd of scripts/test");
    }
    openDemo();
    MatrixView *view = m_window->matrixView();
    const QModelIndex api = findCell(view->model(), QStringLiteral("api"), QStringLiteral("master"));
    QTRY_VERIFY(isSuccess(JobState(api.data(MatrixModel::JobStateRole).toInt())));
    QVERIFY2(api.data(Qt::AccessibleTextRole).toString().contains(QStringLiteral("build built")) ||
                 api.data(Qt::AccessibleTextRole).toString().contains(QStringLiteral("build up-to-date")),
             qPrintable(api.data(Qt::AccessibleTextRole).toString()));
    // A cell never built says so, and does not look like a built one.
    const QModelIndex persister = findCell(view->model(), QStringLiteral("api"), QStringLiteral("stable/2023.2"));
    QVERIFY(persister.isValid());
    QCOMPARE(persister.data(MatrixModel::StateRole).toInt(), int(CellState::Ready));
    QCOMPARE(persister.data(MatrixModel::JobStateRole).toInt(), int(JobState::None));
    QVERIFY(persister.data(Qt::AccessibleTextRole).toString().contains(QStringLiteral("not built")));
    const QImage grid = view->viewport()->grab().toImage();
    const QRect builtRect = view->visualRect(api);
    const QRect unbuiltRect = view->visualRect(persister);
    // The icons differ: a filled check against an empty ring.
    const QRect icon(4, 6, unbuiltRect.height() - 12, unbuiltRect.height() - 12);
    QVERIFY(grid.copy(icon.translated(builtRect.topLeft())) != grid.copy(icon.translated(unbuiltRect.topLeft())));
    // The failed build is remembered too.
    const QModelIndex broken = findCell(view->model(), QStringLiteral("base"), QStringLiteral("broken"));
    QTRY_COMPARE(broken.data(MatrixModel::JobStateRole).toInt(), int(JobState::Failed));
    screenshotsLightAndDark(m_window.get(), QStringLiteral("walkthrough-reopened"));

    // Building an image that is there already: the window names its own way to force a rebuild, not a CLI flag.
    const QModelIndex base = findCell(view->model(), QStringLiteral("base"), QStringLiteral("master"));
    view->setFocus();
    view->setCurrentIndex(base);
    view->selectionModel()->select(base, QItemSelectionModel::ClearAndSelect);
    QTest::keyClick(view, Qt::Key_B, Qt::ControlModifier);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->isBuilding(), 120000);
    QCOMPARE(JobState(base.data(MatrixModel::JobStateRole).toInt()), JobState::UpToDate);
    const QString header = m_window->detailsPanel()->stateText();
    QVERIFY2(header.contains(QStringLiteral("Force Rebuild")) && !header.contains(QStringLiteral("--no-cache")),
             qPrintable(header));
}

void TestWalkthrough::stoppingABuildSaysCancelled()
{
    // Finding: "2 jobs did not succeed" after cancelling one.
    if (!haveEngine()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("no engine: builds need the private dockerd of scripts/test");
        QSKIP("no engine: builds need the private dockerd of scripts/test");
    }
    MatrixView *view = m_window->matrixView();
    const QModelIndex cell = findCell(view->model(), QStringLiteral("notification"), QStringLiteral("stable/2023.2"));
    QVERIFY(cell.isValid());
    view->setFocus();
    view->setCurrentIndex(cell);
    view->selectionModel()->select(cell, QItemSelectionModel::ClearAndSelect);
    QTest::keyClick(view, Qt::Key_B, Qt::ControlModifier);
    // Past the lint gate, the build's own jobs: one of them queued or building.
    const auto running = [this] {
        for (int row = 0; row < m_window->jobsModel()->rowCount(); ++row) {
            const JobUpdate *job = m_window->jobsModel()->jobAt(row);
            if (job && (job->state == JobState::Queued || job->state == JobState::Building))
                return true;
        }
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(running(), 60000);
    QTest::keyClick(view, Qt::Key_Period, Qt::ControlModifier); // Stop
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->isBuilding(), 120000);
    const QString message = m_window->statusBar()->currentMessage();
    QVERIFY2(message.startsWith(QStringLiteral("Build stopped: ")) && message.contains(QStringLiteral("cancelled")) &&
                 !message.contains(QStringLiteral("did not succeed")),
             qPrintable(message));
}

void TestWalkthrough::runTestsOnAnUnbuiltCellOffersABuild()
{
    // Finding: Run Tests on an unbuilt cell recorded a red failure; a missing image is a precondition.
    MatrixView *view = m_window->matrixView();
    QModelIndex unbuilt;
    const Manifest manifest = m_workspace->manifest();
    for (int row = 0; row < view->model()->rowCount() && !unbuilt.isValid(); ++row) {
        for (int column = 0; column < view->model()->columnCount(); ++column) {
            const QModelIndex index = view->model()->index(row, column);
            if (index.data(MatrixModel::StateRole).toInt() == int(CellState::Ready) &&
                index.data(MatrixModel::JobStateRole).toInt() == int(JobState::None) &&
                !manifest.testsFor(index.data(MatrixModel::ComponentRole).toString()).isEmpty()) {
                unbuilt = index;
                break;
            }
        }
    }
    if (!unbuilt.isValid()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("no ready, unbuilt cell with tests: the demo needs an engine for ready cells");
        QSKIP("no ready, unbuilt cell with tests: the demo needs an engine for ready cells");
    }
    view->setCurrentIndex(unbuilt);
    view->selectionModel()->select(unbuilt, QItemSelectionModel::ClearAndSelect);
    TestsPanel *tests = m_window->detailsPanel()->testsPanel();
    auto *run = tests->findChild<QPushButton *>(QStringLiteral("runTestsButton"));
    QVERIFY(run);
    QTRY_VERIFY(run->isEnabled());
    QTest::mouseClick(run, Qt::LeftButton);
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = m_window->findChild<QMessageBox *>(QStringLiteral("buildFirstBox"))) != nullptr);
    QTRY_VERIFY(box->isVisible());
    QVERIFY(box->findChild<QPushButton *>(QStringLiteral("buildAndTestButton")));
    QVERIFY(!tests->isRunning()); // nothing ran, nothing red was recorded
    saveScreenshot(box, QStringLiteral("walkthrough-build-first"));
    box->button(QMessageBox::Cancel)->click();
    QTRY_VERIFY(!m_window->findChild<QMessageBox *>(QStringLiteral("buildFirstBox")));
    History history;
    QString error;
    QVERIFY2(history.open(&error), qPrintable(error));
    const Cell *cell = m_window->matrixModel()->cellAt(m_window->filterModel()->mapToSource(unbuilt));
    QVERIFY(history.latestTests(cell->component, cell->branch, cell->docker).isEmpty());
    QCOMPARE(unbuilt.data(MatrixModel::TestStateRole).toInt(), int(TestState::Untested));
}

void TestWalkthrough::pagesSmallerFindings()
{
    QTabWidget *pages = m_window->pages();
    const auto pageNamed = [pages](const QString &title) -> QWidget * {
        for (int i = 0; i < pages->count(); ++i) {
            if (pages->tabText(i).remove(QLatin1Char('&')) == title) {
                pages->setCurrentIndex(i);
                return pages->widget(i);
            }
        }
        return nullptr;
    };

    // Templates: the branch shown is not offered as its own comparison.
    QWidget *templates = pageNamed(QStringLiteral("Templates"));
    QVERIFY(templates);
    auto *branch = templates->findChild<QComboBox *>(QStringLiteral("branchPicker"));
    auto *compare = templates->findChild<QComboBox *>(QStringLiteral("comparePicker"));
    QVERIFY(branch && compare);
    for (int b = 0; b < branch->count(); ++b) {
        branch->setCurrentIndex(b);
        for (int c = 0; c < compare->count(); ++c) {
            const bool enabled = compare->model()->flags(compare->model()->index(c, 0)) & Qt::ItemIsEnabled;
            QCOMPARE(enabled, compare->itemData(c).toString() != branch->currentText());
        }
    }
    // Choosing a branch that is being compared with drops the comparison.
    branch->setCurrentIndex(0);
    compare->setCurrentIndex(compare->findData(branch->itemText(1)));
    branch->setCurrentIndex(1);
    QVERIFY(compare->currentData().toString() != branch->currentText());

    // Labels: the registry example is the manifest's registry, with its port.
    QWidget *labels = pageNamed(QStringLiteral("Labels"));
    QVERIFY(labels);
    auto *right = labels->findChild<QLineEdit *>(QStringLiteral("rightSource"));
    QVERIFY(right);
    const RegistrySpec registry = m_workspace->manifest().registry;
    QVERIFY2(right->placeholderText().startsWith(registry.host + QLatin1Char('/') + registry.ns + QLatin1Char('/')),
             qPrintable(right->placeholderText() + QStringLiteral(" vs ") + registry.host));

    // History: at the default size the table shows more than a handful of rows.
    QWidget *history = pageNamed(QStringLiteral("History"));
    QVERIFY(history);
    auto *table = history->findChild<QTableView *>(QStringLiteral("historyTable"));
    QVERIFY(table);
    QCoreApplication::processEvents();
    const int rows = table->viewport()->height() / table->verticalHeader()->defaultSectionSize();
    saveScreenshot(m_window.get(), QStringLiteral("walkthrough-history"));
    pages->setCurrentIndex(0);
    QVERIFY2(rows >= 10, qPrintable(QString::number(rows)));
}

void TestWalkthrough::windowLayoutIsRemembered()
{
    m_window->pages()->setCurrentIndex(0);
    m_window->resize(1200, 740);
    QTRY_COMPARE(m_window->size(), QSize(1200, 740));
    QSplitter *splitter = m_window->matrixSplitter();
    splitter->setSizes({700, 480});
    const QList<int> sizes = splitter->sizes();
    QVERIFY(m_window->close());
    m_window.reset();
    m_window = std::make_unique<MainWindow>(m_workspace.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QCOMPARE(m_window->size(), QSize(1200, 740));
    QCOMPARE(m_window->matrixSplitter()->sizes(), sizes);
}

void TestWalkthrough::firstStartOffersAManifest()
{
    // The first minute (item 4): no manifest given, none opened before.
    QSettings().remove(QStringLiteral("manifest/last"));
    QVERIFY(MainWindow::lastManifest().isEmpty());
    Workspace workspace;
    workspace.setCacheRoot(m_dir.filePath(QStringLiteral("cache-first")));
    MainWindow window(&workspace);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.offerManifest();
    WelcomeDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = window.findChild<WelcomeDialog *>(QStringLiteral("welcomeDialog"))) && dialog->isVisible());
    for (const char *name : {"welcomeOpen", "welcomeDemo", "welcomeMonasca"}) {
        auto *button = dialog->findChild<QPushButton *>(QLatin1String(name));
        QVERIFY2(button && button->isVisible(), name);
        QVERIFY(!QAccessible::queryAccessibleInterface(button)->text(QAccessible::Name).isEmpty());
    }
    screenshotsLightAndDark(dialog, QStringLiteral("walkthrough-welcome"));

    // Create the demo: it is made off the GUI thread, opened and scanned, and remembered for the next start.
    const QString folder = m_dir.filePath(QStringLiteral("first-demo"));
    dialog->setDemoFolder(folder);
    QSignalSpy finished(&workspace, &Workspace::scanFinished);
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("welcomeDemo")), Qt::LeftButton);
    QVERIFY(finished.wait(120000));
    QCOMPARE(window.matrixModel()->rowCount(), 11);
    QCOMPARE(workspace.manifest().path, QDir(folder).filePath(QStringLiteral("release.yaml")));
    QCOMPARE(MainWindow::lastManifest(),
             QFileInfo(QDir(folder).filePath(QStringLiteral("release.yaml"))).absoluteFilePath());

    // The built-in manifest of the real repositories.
    window.offerManifest();
    QTRY_VERIFY((dialog = window.findChild<WelcomeDialog *>(QStringLiteral("welcomeDialog"))) && dialog->isVisible());
    finished.clear();
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("welcomeMonasca")), Qt::LeftButton);
    QTRY_COMPARE(workspace.manifest().path, ManifestParser::defaultManifestPath());
    QVERIFY(window.matrixModel()->rowCount() > 0);
    workspace.cancel(); // no network here: do not wait for the upstream repositories
    QTRY_VERIFY_WITH_TIMEOUT(!workspace.isScanning(), 60000);
}

void TestWalkthrough::cleanupTestCase()
{
    m_window.reset();
    m_workspace.reset();
    qInstallMessageHandler(g_previous);
}

QTEST_MAIN(TestWalkthrough)
#include "tst_walkthrough.moc"
