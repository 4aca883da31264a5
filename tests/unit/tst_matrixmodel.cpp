// SPDX-License-Identifier: Apache-2.0
#include "manifest/manifestparser.h"
#include "models/matrixfiltermodel.h"
#include "models/matrixmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace mrc;

namespace {

Manifest fixtureManifest()
{
    const QString path =
        QString::fromLocal8Bit(qgetenv("MRC_TEST_FIXTURES")) + QStringLiteral("/manifests/matrix-small.yaml");
    const ManifestResult result = ManifestParser::load(path);
    if (!result.ok())
        qFatal("fixture manifest is invalid: %s", qPrintable(result.problems.first().toString()));
    return result.manifest;
}

Cell makeCell(const MatrixModel &model, int row, int column, CellState state, const QString &commit = {})
{
    Cell cell = model.cell(row, column);
    cell.state = state;
    cell.commit = commit;
    cell.commitDate = QDateTime(QDate(2026, 11, 20), QTime(12, 0), Qt::UTC);
    return cell;
}

// "row,column: state commit" lines, the model as a text dump.
QStringList dump(const QAbstractItemModel &model)
{
    QStringList lines;
    for (int row = 0; row < model.rowCount(); ++row) {
        QStringList cells;
        for (int column = 0; column < model.columnCount(); ++column)
            cells.append(model.index(row, column).data().toString());
        lines.append(model.headerData(row, Qt::Vertical).toString() + QStringLiteral(": ") +
                     cells.join(QLatin1Char(' ')));
    }
    return lines;
}

} // namespace

class TestMatrixModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void shape();
    void headers();
    void applyMergesDataChanged();
    void unchangedCellsEmitNothing();
    void testStates();
    void roles();
    void ageText_data();
    void ageText();
    void filter_data();
    void filter();
    void filterFollowsStateChanges();
};

void TestMatrixModel::shape()
{
    MatrixModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setManifest(fixtureManifest());
    QCOMPARE(reset.size(), 1);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.columnCount(), 3);
    QCOMPARE(dump(model), QStringList({QStringLiteral("base: unknown unknown unknown"),
                                       QStringLiteral("api: unknown unknown unknown"),
                                       QStringLiteral("persister: unknown unknown unknown")}));
    QCOMPARE(model.branchSpans(), (QList<QPair<int, int>>{{0, 2}, {2, 1}}));
}

void TestMatrixModel::headers()
{
    MatrixModel model;
    model.setManifest(fixtureManifest());
    QCOMPARE(model.headerData(0, Qt::Horizontal).toString(), QStringLiteral("28.2"));
    QCOMPARE(model.headerData(1, Qt::Horizontal, MatrixModel::BranchRole).toString(), QStringLiteral("master"));
    QCOMPARE(model.headerData(2, Qt::Horizontal, MatrixModel::BranchRole).toString(), QStringLiteral("stable/2023.2"));
    QCOMPARE(model.headerData(2, Qt::Vertical).toString(), QStringLiteral("persister"));
    QVERIFY(model.headerData(1, Qt::Vertical, Qt::ToolTipRole).toString().contains(QStringLiteral("monasca/api")));

    RepoStatus stale;
    stale.url = QStringLiteral("file:///r/api.git");
    stale.available = true;
    stale.fetchError = QStringLiteral("cannot fetch");
    stale.lastFetched = QDateTime(QDate(2026, 11, 1), QTime(9, 30), Qt::UTC);
    QSignalSpy headerChanged(&model, &QAbstractItemModel::headerDataChanged);
    model.setRepoStatus(stale);
    QCOMPARE(headerChanged.size(), 1);
    QCOMPARE(headerChanged[0][1].toInt(), 1);
    QCOMPARE(headerChanged[0][2].toInt(), 1);
    QVERIFY(model.headerData(1, Qt::Vertical, MatrixModel::StaleRole)
                .toString()
                .startsWith(QStringLiteral("stale since 2026-11-01")));
    QVERIFY(model.headerData(0, Qt::Vertical, MatrixModel::StaleRole).toString().isEmpty());
}

void TestMatrixModel::applyMergesDataChanged()
{
    MatrixModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setManifest(fixtureManifest());
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    // Rows 0 and 1 are neighbours and merge into one rectangle; nothing in row 2.
    model.applyCells({makeCell(model, 0, 1, CellState::Ready, QStringLiteral("aaaaaaaaaa")),
                      makeCell(model, 1, 2, CellState::NoBranch),
                      makeCell(model, 0, 0, CellState::NoEngine, QStringLiteral("bbbbbbbbbb"))});
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed[0][0].toModelIndex(), model.index(0, 0));
    QCOMPARE(changed[0][1].toModelIndex(), model.index(1, 2));

    // Rows 0 and 2 are apart: two rectangles.
    changed.clear();
    model.applyCells(
        {makeCell(model, 0, 2, CellState::Error), makeCell(model, 2, 1, CellState::Ready, QStringLiteral("c"))});
    QCOMPARE(changed.size(), 2);
    QCOMPARE(changed[0][0].toModelIndex(), model.index(0, 2));
    QCOMPARE(changed[0][1].toModelIndex(), model.index(0, 2));
    QCOMPARE(changed[1][0].toModelIndex(), model.index(2, 1));

    QCOMPARE(dump(model), QStringList({QStringLiteral("base: bbbbbbb aaaaaaa error"),
                                       QStringLiteral("api: unknown unknown no-branch"),
                                       QStringLiteral("persister: unknown c unknown")}));
}

void TestMatrixModel::unchangedCellsEmitNothing()
{
    MatrixModel model;
    model.setManifest(fixtureManifest());
    const Cell cell = makeCell(model, 1, 1, CellState::Ready, QStringLiteral("abc"));
    model.applyCells({cell});
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.applyCells({cell});
    QCOMPARE(changed.size(), 0);
    // Out-of-range cells (a stale snapshot of a bigger manifest) are ignored, not a crash.
    Cell outside = cell;
    outside.row = 7;
    model.applyCells({outside});
    QCOMPARE(changed.size(), 0);
}

void TestMatrixModel::testStates()
{
    MatrixModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setManifest(fixtureManifest());
    model.applyCells({makeCell(model, 0, 0, CellState::Ready, QStringLiteral("aaaa")),
                      makeCell(model, 0, 1, CellState::Ready, QStringLiteral("bbbb"))});
    const auto status = [](TestState state, int passed, int total, const QString &message = {}) {
        CellTestStatus s;
        s.state = state;
        s.passed = passed;
        s.total = total;
        s.message = message;
        return s;
    };
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    // Neighbouring rows merge into one dataChanged; a cell the grid does not have is ignored.
    model.applyTests(
        {{QStringLiteral("base"), QStringLiteral("master"), QStringLiteral("28.2"), status(TestState::Passed, 2, 2)},
         {QStringLiteral("base"), QStringLiteral("master"), QStringLiteral("27.5"),
          status(TestState::Failed, 1, 2, QStringLiteral("healthy: the container became unhealthy"))},
         {QStringLiteral("api"), QStringLiteral("master"), QStringLiteral("28.2"), status(TestState::Stale, 1, 1)},
         {QStringLiteral("nope"), QStringLiteral("master"), QStringLiteral("28.2"), status(TestState::Passed, 1, 1)}});
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed[0][0].toModelIndex(), model.index(0, 0));
    QCOMPARE(changed[0][1].toModelIndex(), model.index(1, 1));

    QCOMPARE(TestState(model.index(0, 0).data(MatrixModel::TestStateRole).toInt()), TestState::Passed);
    QCOMPARE(model.index(0, 0).data(MatrixModel::TestTextRole).toString(), QStringLiteral("2 passed"));
    QCOMPARE(model.index(0, 1).data(MatrixModel::TestTextRole).toString(), QStringLiteral("healthy"));
    QVERIFY(
        model.index(0, 1)
            .data(Qt::ToolTipRole)
            .toString()
            .contains(QStringLiteral("Tests: <b>failed</b>, 1 of 2 passed — healthy: the container became unhealthy")));
    QCOMPARE(model.index(1, 0).data(MatrixModel::TestTextRole).toString(), QStringLiteral("stale"));
    // The fixture's components have no tests: an untested cell shows no badge.
    QCOMPARE(TestState(model.index(2, 0).data(MatrixModel::TestStateRole).toInt()), TestState::Untested);
    QVERIFY(model.index(2, 0).data(MatrixModel::TestTextRole).toString().isEmpty());
    QVERIFY(!model.index(2, 0).data(Qt::ToolTipRole).toString().contains(QLatin1String("Tests:")));

    // The same states again change nothing; a rescan (a new commit) keeps the test state, which is the image's.
    changed.clear();
    model.applyTests(
        {{QStringLiteral("base"), QStringLiteral("master"), QStringLiteral("28.2"), status(TestState::Passed, 2, 2)}});
    QCOMPARE(changed.size(), 0);
    Cell rescanned = makeCell(model, 0, 0, CellState::Ready, QStringLiteral("cccc"));
    rescanned.testState = TestState::Untested; // what a scan knows of tests
    rescanned.testsPassed = rescanned.testsTotal = 0;
    model.applyCells({rescanned});
    QCOMPARE(changed.size(), 1);
    QCOMPARE(model.cell(0, 0).commit, QStringLiteral("cccc"));
    QCOMPARE(model.cell(0, 0).testState, TestState::Passed);
    QCOMPARE(model.cell(0, 0).testsPassed, 2);
}

void TestMatrixModel::roles()
{
    MatrixModel model;
    model.setManifest(fixtureManifest());
    Cell cell = makeCell(model, 1, 0, CellState::Ready, QStringLiteral("0123456789abcdef"));
    cell.subject = QStringLiteral("Fix <b> escaping");
    cell.message = QStringLiteral("master at 0123456");
    model.applyCells({cell});
    const QModelIndex index = model.index(1, 0);
    QCOMPARE(index.data(MatrixModel::StateRole).toInt(), int(CellState::Ready));
    QCOMPARE(index.data(MatrixModel::ShortCommitRole).toString(), QStringLiteral("0123456"));
    QCOMPARE(index.data(MatrixModel::CommitRole).toString(), QStringLiteral("0123456789abcdef"));
    QCOMPARE(index.data(MatrixModel::ComponentRole).toString(), QStringLiteral("api"));
    QCOMPARE(index.data(MatrixModel::BranchRole).toString(), QStringLiteral("master"));
    QCOMPARE(index.data(MatrixModel::DockerRole).toString(), QStringLiteral("28.2"));
    QCOMPARE(index.data(MatrixModel::CellRole).value<Cell>(), cell);
    const QString tip = index.data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(QStringLiteral("Fix &lt;b&gt; escaping")), qPrintable(tip));
    QVERIFY(tip.contains(QStringLiteral("State: ready")));
    QCOMPARE(index.data(MatrixModel::LintRole).toString(), QString());
    QVERIFY(!tip.contains(QStringLiteral("Lint:")));

    cell.lintErrors = 1;
    cell.lintWarnings = 2;
    model.applyCells({cell});
    QCOMPARE(index.data(MatrixModel::LintRole).toString(), QStringLiteral("1E 2W"));
    QVERIFY2(index.data(Qt::ToolTipRole).toString().contains(QStringLiteral("Lint: 1 error(s), 2 warning(s)")),
             qPrintable(index.data(Qt::ToolTipRole).toString()));
    QCOMPARE(MatrixModel::lintText(0, 3), QStringLiteral("3W"));
    QCOMPARE(MatrixModel::lintText(4, 0), QStringLiteral("4E"));
}

void TestMatrixModel::ageText_data()
{
    QTest::addColumn<qint64>("secondsAgo");
    QTest::addColumn<QString>("expected");
    QTest::addRow("minutes") << qint64(5 * 60) << QStringLiteral("5m");
    QTest::addRow("hours") << qint64(3 * 3600) << QStringLiteral("3h");
    QTest::addRow("days") << qint64(4 * 86400) << QStringLiteral("4d");
    QTest::addRow("weeks") << qint64(30 * 86400) << QStringLiteral("4w");
    QTest::addRow("months") << qint64(200 * 86400) << QStringLiteral("6mo");
    QTest::addRow("years") << qint64(1000 * 86400) << QStringLiteral("2y");
    QTest::addRow("future clock skew") << qint64(-50) << QStringLiteral("0m");
}

void TestMatrixModel::ageText()
{
    QFETCH(qint64, secondsAgo);
    QFETCH(QString, expected);
    const QDateTime now(QDate(2026, 11, 27), QTime(12, 0), Qt::UTC);
    QCOMPARE(MatrixModel::ageText(now.addSecs(-secondsAgo), now), expected);
    QCOMPARE(MatrixModel::ageText(QDateTime(), now), QString());
}

void TestMatrixModel::filter_data()
{
    QTest::addColumn<QString>("component");
    QTest::addColumn<QString>("branch");
    QTest::addColumn<int>("state"); // -1: no state filter
    QTest::addColumn<QStringList>("expected");
    QTest::addRow("none") << QString() << QString() << -1
                          << QStringList{QStringLiteral("base: aaaaaaa no-branch unknown"),
                                         QStringLiteral("api: unknown unknown error"),
                                         QStringLiteral("persister: bbbbbbb unknown unknown")};
    QTest::addRow("component text") << QStringLiteral("PERS") << QString() << -1
                                    << QStringList{QStringLiteral("persister: bbbbbbb unknown unknown")};
    QTest::addRow("branch") << QString() << QStringLiteral("stable/2023.2") << -1
                            << QStringList{QStringLiteral("base: unknown"), QStringLiteral("api: error"),
                                           QStringLiteral("persister: unknown")};
    QTest::addRow("state ready") << QString() << QString() << int(CellState::Ready)
                                 << QStringList{QStringLiteral("base: aaaaaaa"), QStringLiteral("persister: bbbbbbb")};
    QTest::addRow("state and branch, nothing")
        << QString() << QStringLiteral("stable/2023.2") << int(CellState::Ready) << QStringList{};
    QTest::addRow("no match") << QStringLiteral("zzz") << QString() << -1 << QStringList{};
}

void TestMatrixModel::filter()
{
    QFETCH(QString, component);
    QFETCH(QString, branch);
    QFETCH(int, state);
    QFETCH(QStringList, expected);

    MatrixModel model;
    model.setManifest(fixtureManifest());
    MatrixFilterModel filter(MatrixModel::BranchRole, MatrixModel::StateRole);
    QAbstractItemModelTester tester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
    filter.setSourceModel(&model);
    model.applyCells({makeCell(model, 0, 0, CellState::Ready, QStringLiteral("aaaaaaaaa")),
                      makeCell(model, 0, 1, CellState::NoBranch), makeCell(model, 1, 2, CellState::Error),
                      makeCell(model, 2, 0, CellState::Ready, QStringLiteral("bbbbbbbbb"))});
    filter.setComponentFilter(component);
    filter.setBranchFilter(branch);
    filter.setStateFilter(state < 0 ? std::nullopt : std::optional<int>(state));
    QCOMPARE(dump(filter), expected);
}

void TestMatrixModel::filterFollowsStateChanges()
{
    MatrixModel model;
    model.setManifest(fixtureManifest());
    MatrixFilterModel filter(MatrixModel::BranchRole, MatrixModel::StateRole);
    QAbstractItemModelTester tester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
    filter.setSourceModel(&model);
    filter.setStateFilter(int(CellState::Error));
    QCOMPARE(filter.rowCount(), 0);
    model.applyCells({makeCell(model, 2, 1, CellState::Error)});
    QCOMPARE(filter.rowCount(), 1);
    QCOMPARE(filter.headerData(0, Qt::Vertical).toString(), QStringLiteral("persister"));
}

QTEST_GUILESS_MAIN(TestMatrixModel)
#include "tst_matrixmodel.moc"
