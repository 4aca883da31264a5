// SPDX-License-Identifier: Apache-2.0
#include "views/matrixcelllayout.h"

#include <QFontDatabase>
#include <QFontMetrics>
#include <QTest>

using namespace mrc;

class TestMatrixCellLayout : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void layout_data();
    void layout();
    void oneLineCell();
};

void TestMatrixCellLayout::layout_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<bool>("showsAge");
    const QFontMetrics metrics(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    const int preferred = MatrixCellLayout::preferredSize(metrics).width();
    QTest::addRow("preferred") << preferred << true;
    QTest::addRow("wide") << preferred * 2 << true;
    QTest::addRow("narrow drops the age") << preferred - metrics.horizontalAdvance(QStringLiteral("00")) - 20 << false;
    QTest::addRow("tiny") << 20 << false;
}

void TestMatrixCellLayout::layout()
{
    QFETCH(int, width);
    QFETCH(bool, showsAge);
    const QFontMetrics metrics(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    const int height = MatrixCellLayout::preferredSize(metrics).height();
    const QRect cell(100, 40, width, height);
    const int ageWidth = metrics.horizontalAdvance(QStringLiteral("12mo"));
    const MatrixCellLayout layout = MatrixCellLayout::compute(cell, metrics, ageWidth);

    // The icon is square, inside the cell, vertically centred, and left of the text.
    QCOMPARE(layout.icon.width(), layout.icon.height());
    QVERIFY(cell.contains(layout.icon));
    QVERIFY(qAbs(layout.icon.center().y() - cell.center().y()) <= 1);
    QVERIFY(layout.commit.left() > layout.icon.right());
    QCOMPARE(!layout.age.isEmpty(), showsAge);
    if (showsAge) {
        QVERIFY(cell.contains(layout.age));
        QVERIFY(layout.age.left() > layout.commit.right());
        QVERIFY(layout.commit.width() >= metrics.horizontalAdvance(QStringLiteral("0000000")));
        QCOMPARE(layout.age.right(), cell.right() - MatrixCellLayout::padding);
    } else {
        QVERIFY(layout.commit.right() <= cell.right());
        QVERIFY(layout.commit.width() >= 0);
    }

    // The commit line is above the centre, the badge line under it, both right of the icon and inside the cell.
    QVERIFY(!layout.badges.isEmpty() || width < 40);
    if (!layout.badges.isEmpty()) {
        QVERIFY(cell.contains(layout.badges));
        QVERIFY(layout.commit.bottom() < cell.center().y() + 1);
        QVERIFY(layout.badges.top() > layout.commit.bottom());
        QCOMPARE(layout.badges.left(), layout.commit.left());
        QVERIFY(layout.badges.height() >= metrics.height());
    }

    // The lint badge sits at the right of the badge line, inside the cell, clear of the icon and the commit.
    const QRect badge = layout.lintBadge(cell, metrics, metrics.horizontalAdvance(QStringLiteral("1E 2W")));
    QVERIFY(cell.contains(badge));
    QVERIFY(badge.right() >= cell.right() - MatrixCellLayout::padding);
    QVERIFY(!badge.intersects(layout.commit));
    if (showsAge) {
        QVERIFY(badge.left() > layout.icon.right());
        QVERIFY(!badge.intersects(layout.age));
    }

    // The test badge starts the badge line, clear of the lint badge; too little room and it goes.
    const QRect tests = layout.testBadge(metrics.horizontalAdvance(QStringLiteral("x 6 passed")), badge);
    if (!tests.isEmpty()) {
        QVERIFY(layout.badges.contains(tests));
        QCOMPARE(tests.left(), layout.badges.left());
        QVERIFY(!tests.intersects(badge));
        QVERIFY(!tests.intersects(layout.icon));
    }
    if (width >= 2 * MatrixCellLayout::preferredSize(metrics).width())
        QVERIFY(!tests.isEmpty());
    const QRect alone = layout.testBadge(metrics.horizontalAdvance(QStringLiteral("x 6 passed")), QRect());
    if (showsAge)
        QCOMPARE(alone.width(),
                 std::min(metrics.horizontalAdvance(QStringLiteral("x 6 passed")), layout.badges.width()));
}

void TestMatrixCellLayout::oneLineCell()
{
    // A cell one line high has no badge line: the lint badge goes to the top-right corner, the test badge nowhere.
    const QFontMetrics metrics(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    const QRect cell(0, 0, MatrixCellLayout::preferredSize(metrics).width(), metrics.height() + 12);
    const MatrixCellLayout layout =
        MatrixCellLayout::compute(cell, metrics, metrics.horizontalAdvance(QStringLiteral("12mo")));
    QVERIFY(layout.badges.isEmpty());
    QVERIFY(qAbs(layout.commit.center().y() - cell.center().y()) <= 1);
    QVERIFY(layout.testBadge(40, QRect()).isEmpty());
    const QRect lint = layout.lintBadge(cell, metrics, metrics.horizontalAdvance(QStringLiteral("1W")));
    QVERIFY(cell.contains(lint));
    QVERIFY(lint.top() < cell.center().y());
    QVERIFY(lint.right() >= cell.right() - 3);
}

QTEST_MAIN(TestMatrixCellLayout)
#include "tst_matrixcelllayout.moc"
