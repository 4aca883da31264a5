// SPDX-License-Identifier: Apache-2.0
// The one cell-selection filter of the CLI commands, the window and the sessions.
#include "manifest/manifestparser.h"
#include "workspace/cellselector.h"

#include <QTest>

using namespace mrc;

namespace {

// "component@branch/docker:state" per cell; state is ready, no-branch, no-context, ...
QList<Cell> cells(const QString &text)
{
    QList<Cell> out;
    for (const QString &word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        Cell cell;
        cell.component = word.section(QLatin1Char('@'), 0, 0);
        const QString rest = word.section(QLatin1Char('@'), 1);
        cell.branch = rest.section(QLatin1Char('/'), 0, 0);
        cell.docker = rest.section(QLatin1Char('/'), 1).section(QLatin1Char(':'), 0, 0);
        cell.state = cellStateFromName(rest.section(QLatin1Char(':'), 1));
        cell.message = QStringLiteral("why");
        out << cell;
    }
    return out;
}

QString dump(const QList<Cell> &list)
{
    QStringList words;
    for (const Cell &cell : list)
        words << QStringLiteral("%1@%2/%3").arg(cell.component, cell.branch, cell.docker);
    return words.join(QLatin1Char(' '));
}

QStringList list(const QString &text)
{
    return text.split(QLatin1Char(','), Qt::SkipEmptyParts);
}

const QString scan = QStringLiteral("api@master/28.5:ready api@master/26.1:ready api@stable/28.5:no-context "
                                    "agent@master/28.5:ready agent@stable/28.5:ready agent@v1/28.5:no-branch "
                                    "api@v1/28.5:ready");

} // namespace

class TestCellSelector : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void select_data()
    {
        QTest::addColumn<QString>("components");
        QTest::addColumn<QString>("branches");
        QTest::addColumn<QString>("dockers");
        QTest::addColumn<QString>("refs");
        QTest::addColumn<bool>("everySkip");
        QTest::addColumn<QString>("ready");
        QTest::addColumn<QString>("skipped");

        QTest::addRow("no filter: every ready cell, no skip line")
            << ""
            << ""
            << ""
            << "" << false << "api@master/28.5 api@master/26.1 agent@master/28.5 agent@stable/28.5 api@v1/28.5"
            << "";
        QTest::addRow("a component names its skipped cells")
            << "api"
            << ""
            << ""
            << "" << false << "api@master/28.5 api@master/26.1 api@v1/28.5"
            << "api@stable/28.5";
        QTest::addRow("a branch alone reports nothing") << ""
                                                        << "stable"
                                                        << ""
                                                        << "" << false << "agent@stable/28.5"
                                                        << "";
        QTest::addRow("docker") << ""
                                << ""
                                << "26.1"
                                << "" << false << "api@master/26.1"
                                << "";
        QTest::addRow("a ref column only; absent repositories stay quiet") << ""
                                                                           << ""
                                                                           << ""
                                                                           << "v1" << false << "api@v1/28.5"
                                                                           << "";
        QTest::addRow("a ref named with its component reports the absence") << "agent"
                                                                            << ""
                                                                            << ""
                                                                            << "v1" << false << ""
                                                                            << "agent@v1/28.5";
        QTest::addRow("a ref plus a branch") << ""
                                             << "master"
                                             << "28.5"
                                             << "v1" << false << "api@master/28.5 agent@master/28.5 api@v1/28.5"
                                             << "";
        QTest::addRow("picked cells report every skip")
            << ""
            << ""
            << ""
            << "" << true << "api@master/28.5 api@master/26.1 agent@master/28.5 agent@stable/28.5 api@v1/28.5"
            << "api@stable/28.5 agent@v1/28.5";
    }

    void select()
    {
        QFETCH(QString, components);
        QFETCH(QString, branches);
        QFETCH(QString, dockers);
        QFETCH(QString, refs);
        QFETCH(bool, everySkip);
        CellSelector selector;
        selector.components = list(components);
        selector.branches = list(branches);
        selector.dockers = list(dockers);
        selector.refs = list(refs);
        selector.reportEverySkip = everySkip;
        const CellSelection selection = selector.select(cells(scan));
        QTEST(dump(selection.ready), "ready");
        QTEST(dump(selection.skipped), "skipped");
    }

    void componentText()
    {
        // The window's text filter: any part of the name, in any case; with a component list, both must hold.
        CellSelector selector;
        selector.componentText = QStringLiteral("AG");
        QCOMPARE(dump(selector.select(cells(scan)).ready), QStringLiteral("agent@master/28.5 agent@stable/28.5"));
        QVERIFY(selector.matchesComponent(QStringLiteral("agent")));
        QVERIFY(!selector.matchesComponent(QStringLiteral("api")));
        selector.components = {QStringLiteral("api")};
        QVERIFY(!selector.matchesComponent(QStringLiteral("agent")));
        QCOMPARE(dump(selector.select(cells(scan)).ready), QString());
    }

    void matchesColumn()
    {
        // A matrix column is a branch (or ref) and a Docker version: the same verdict as for its cells.
        CellSelector selector;
        selector.branches = {QStringLiteral("master")};
        selector.dockers = {QStringLiteral("28.5")};
        QVERIFY(selector.matchesColumn(QStringLiteral("master"), QStringLiteral("28.5")));
        QVERIFY(!selector.matchesColumn(QStringLiteral("master"), QStringLiteral("26.1")));
        QVERIFY(!selector.matchesColumn(QStringLiteral("stable"), QStringLiteral("28.5")));
        selector.refs = {QStringLiteral("v1")};
        QVERIFY(selector.matchesColumn(QStringLiteral("v1"), QStringLiteral("28.5")));
        QVERIFY(!selector.matchesColumn(QStringLiteral("v1"), QStringLiteral("26.1")));
        for (const Cell &cell : cells(scan))
            QCOMPARE(selector.matches(cell),
                     selector.matchesComponent(cell.component) && selector.matchesColumn(cell.branch, cell.docker));
    }

    void skipReason()
    {
        const Cell cell = cells(QStringLiteral("api@stable/28.5:no-context")).constFirst();
        QCOMPARE(CellSelector::skipReason(cell), QStringLiteral("api@stable docker 28.5: no-context (why)"));
    }

    void unknownName()
    {
        const ManifestResult loaded =
            ManifestParser::parse(QByteArrayLiteral("version: 1\nregistry: {host: 127.0.0.1:5000, namespace: monasca}\n"
                                                    "engines:\n  - {name: local, host: \"unix:///tmp/none.sock\"}\n"
                                                    "branches:\n  - {name: master, docker: [\"28.5\"]}\n"
                                                    "components:\n  - {name: api, repo: \"file:///r/api.git\"}\n"),
                                  QStringLiteral("release.yaml"));
        QVERIFY2(loaded.ok(), qPrintable(loaded.problems.isEmpty() ? QString() : loaded.problems.first().toString()));
        CellSelector selector;
        selector.components = {QStringLiteral("api")};
        selector.branches = {QStringLiteral("master")};
        QCOMPARE(selector.unknownName(loaded.manifest), QString());
        selector.branches << QStringLiteral("stable");
        QCOMPARE(selector.unknownName(loaded.manifest), QStringLiteral("no branch 'stable' in release.yaml"));
        selector.components << QStringLiteral("agent");
        QCOMPARE(selector.unknownName(loaded.manifest), QStringLiteral("no component 'agent' in release.yaml"));
        selector.branches.clear();
        selector.components = {QStringLiteral("api")};
        selector.refs = {QStringLiteral("v9")}; // a ref becomes a column only when resolved
        QCOMPARE(selector.unknownName(loaded.manifest), QString());
    }
};

QTEST_GUILESS_MAIN(TestCellSelector)
#include "tst_cellselector.moc"
