// SPDX-License-Identifier: Apache-2.0
// The Publish page's tag plan model, under QAbstractItemModelTester: rows across engines, the columns as the page
// shows them, the action's role, icon and font, the summary.
#include "models/tagplanmodel.h"

#include <QAbstractItemModelTester>
#include <QFont>
#include <QTest>

using namespace mrc;

namespace {

// "repository tag action [current-digest] [copy-from]" per tag; one cell per repository.
CellTagPlan cellPlan(const QString &repository, const QStringList &tags)
{
    CellTagPlan plan;
    plan.cell.repository = repository;
    plan.cell.commit = QStringLiteral("0123456789abcdef");
    plan.cell.imageId = QStringLiteral("sha256:1111");
    for (const QString &line : tags) {
        const QStringList words = line.split(QLatin1Char(' '));
        PlannedTag t;
        t.tag = words.value(0);
        const QString action = words.value(1);
        t.action = action == QLatin1String("create")    ? TagAction::Create
                   : action == QLatin1String("move")    ? TagAction::Move
                   : action == QLatin1String("refused") ? TagAction::Refused
                                                        : TagAction::Unchanged;
        t.current.digest = words.value(2) == QLatin1String("-") ? QString() : words.value(2);
        t.copyFrom = words.value(3);
        if (t.action == TagAction::Refused)
            t.reason = QStringLiteral("release tags never move");
        plan.tags << t;
    }
    return plan;
}

QStringList dump(const QAbstractItemModel &model)
{
    QStringList rows;
    for (int row = 0; row < model.rowCount(); ++row) {
        QStringList cells;
        for (int column = 0; column < model.columnCount(); ++column)
            cells << model.index(row, column).data().toString();
        rows << cells.join(QLatin1Char('|'));
    }
    return rows;
}

} // namespace

class TestTagPlanModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rows_data()
    {
        QTest::addColumn<QList<EnginePlans>>("engines");
        QTest::addColumn<QStringList>("expected");
        QTest::addColumn<QString>("summary");

        QTest::addRow("empty") << QList<EnginePlans>{} << QStringList{}
                               << QStringLiteral("0 to create, 0 to move, 0 refused, 0 unchanged");
        EnginePlans one;
        one.plans << cellPlan(QStringLiteral("monasca/api"),
                              {QStringLiteral("sha-0123456 create -"), QStringLiteral("master create - sha-0123456")});
        QTest::addRow("a new image")
            << QList<EnginePlans>{one}
            << QStringList{"monasca/api @ 0123456|sha-0123456|sha|create|—|(new manifest)|push the image",
                           "monasca/api @ 0123456|master|sha|create|—|(new manifest)|copy the manifest of sha-0123456"}
            << QStringLiteral("2 to create, 0 to move, 0 refused, 0 unchanged");
        EnginePlans two;
        two.plans << cellPlan(QStringLiteral("monasca/persister"),
                              {QStringLiteral("1.0.0 refused sha256:abcdefabcdef99"),
                               QStringLiteral("latest move sha256:0000000000001")});
        QTest::addRow("two engines")
            << QList<EnginePlans>{one, two}
            << QStringList{"monasca/api @ 0123456|sha-0123456|sha|create|—|(new manifest)|push the image",
                           "monasca/api @ 0123456|master|sha|create|—|(new manifest)|copy the manifest of sha-0123456",
                           "monasca/persister @ 0123456|1.0.0|sha|refused|abcdefabcdef|abcdefabcdef|release tags never "
                           "move",
                           "monasca/persister @ 0123456|latest|sha|move|000000000000|(new manifest)|push the image"}
            << QStringLiteral("2 to create, 1 to move, 1 refused, 0 unchanged");
    }

    void rows()
    {
        QFETCH(QList<EnginePlans>, engines);
        QFETCH(QStringList, expected);
        QFETCH(QString, summary);
        TagPlanModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setActionIcon([](TagAction) {
            QPixmap pixmap(4, 4);
            pixmap.fill(Qt::red);
            return QIcon(pixmap);
        });
        model.setPlans({}); // a reset before the real plan, as when the page plans again
        model.setPlans(engines);
        QCOMPARE(dump(model), expected);
        QCOMPARE(model.summary(), summary);
        QCOMPARE(model.columnCount(), int(TagPlanModel::ColumnCount));
        QCOMPARE(model.headerData(TagPlanModel::ActionColumn, Qt::Horizontal).toString(), QStringLiteral("Action"));
        for (int row = 0; row < model.rowCount(); ++row) {
            const QModelIndex action = model.index(row, TagPlanModel::ActionColumn);
            const auto kind = TagAction(action.data(TagPlanModel::ActionRole).toInt());
            QCOMPARE(TagPlan::actionName(kind), action.data().toString());
            QVERIFY(!action.data(Qt::DecorationRole).value<QIcon>().isNull());
            QCOMPARE(action.data(Qt::FontRole).value<QFont>().bold(), kind == TagAction::Refused);
            // The tooltips hold the full digests the cells shorten.
            const QString now = model.index(row, TagPlanModel::NowColumn).data(Qt::ToolTipRole).toString();
            QVERIFY(now == QStringLiteral("—") || now.startsWith(QLatin1String("sha256:")));
        }
    }
};

QTEST_MAIN(TestTagPlanModel)
#include "tst_tagplanmodel.moc"
