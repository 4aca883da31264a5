// SPDX-License-Identifier: Apache-2.0
#include "matrixcelllayout.h"

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
};

void TestMatrixCellLayout::layout_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<bool>("showsAge");
    const QFontMetrics metrics(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    const int preferred = MatrixCellLayout::preferredSize(metrics).width();
    QTest::addRow("preferred") << preferred << true;
    QTest::addRow("wide") << preferred * 2 << true;
    QTest::addRow("narrow drops the age") << preferred - 20 << false;
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

    // The lint badge sits in the top-right corner, inside the cell, clear of the icon.
    const QRect badge = MatrixCellLayout::lintBadge(cell, metrics, metrics.horizontalAdvance(QStringLiteral("1E 2W")));
    QVERIFY(cell.contains(badge));
    QVERIFY(badge.top() < cell.center().y());
    QVERIFY(badge.right() >= cell.right() - 3);
    if (showsAge)
        QVERIFY(badge.left() > layout.icon.right());
}

QTEST_MAIN(TestMatrixCellLayout)
#include "tst_matrixcelllayout.moc"
