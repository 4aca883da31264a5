// SPDX-License-Identifier: Apache-2.0
// LogModel over a real log file that a real BuildLog appends to: batched inserts (one beginInsertRows per
// slice) under QAbstractItemModelTester, roles, landmarks, and the threaded search.
#include "logs/ansitext.h"
#include "logs/buildlog.h"
#include "models/logmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace mrc;

namespace {

// "S" step header, "E" error, "L" layer, anything else a plain line: one letter per line.
QByteArray logFrom(const QString &shape)
{
    QByteArray text;
    int step = 0;
    const int steps = int(shape.count(QLatin1Char('S')));
    for (int i = 0; i < shape.size(); ++i) {
        switch (shape[i].toLatin1()) {
        case 'S':
            ++step;
            text += "Step " + QByteArray::number(step) + '/' + QByteArray::number(steps) + " : RUN step" +
                    QByteArray::number(step) + '\n';
            break;
        case 'E':
            text += "ERROR: failed at " + QByteArray::number(i) + '\n';
            break;
        case 'L':
            text += " ---> " + QByteArray::number(0xabcdef000000 + i, 16) + '\n';
            break;
        default:
            text += "\x1b[32moutput\x1b[0m " + QByteArray::number(i) + '\n';
        }
    }
    return text;
}

} // namespace

class TestLogModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void batchedInserts_data()
    {
        QTest::addColumn<int>("lines");
        QTest::addColumn<int>("appends");
        QTest::addColumn<qint64>("sliceBytes");
        QTest::addRow("one append, one batch") << 100 << 1 << qint64(1 << 20);
        QTest::addRow("many appends merge") << 1000 << 50 << qint64(1 << 20);
        QTest::addRow("small slices") << 20000 << 1 << qint64(4096);
    }
    void batchedInserts()
    {
        QFETCH(int, lines);
        QFETCH(int, appends);
        QFETCH(qint64, sliceBytes);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("build.log"));
        BuildLog log;
        QVERIFY(log.open(path));
        LogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.open(path));
        model.setSliceBytes(sliceBytes);
        QSignalSpy inserted(&model, &LogModel::rowsInserted);
        QSignalSpy caughtUp(&model, &LogModel::caughtUp);

        // The writer announces each append; the model merges what arrives within one event-loop turn.
        for (int a = 0; a < appends; ++a) {
            QByteArray batch;
            for (int i = a * lines / appends; i < (a + 1) * lines / appends; ++i)
                batch += "line " + QByteArray::number(i) + '\n';
            QVERIFY(log.append(QByteArrayView(batch)));
            model.bytesAvailable(log.size());
        }
        QTRY_COMPARE(model.rowCount(), lines);
        QTRY_VERIFY(model.isCaughtUp());
        QVERIFY(caughtUp.size() >= 1);
        QCOMPARE(caughtUp.last().at(0).toLongLong(), log.size());
        int covered = 0;
        for (const QList<QVariant> &args : inserted) {
            QCOMPARE(args.at(1).toInt(), covered);
            covered = args.at(2).toInt() + 1;
        }
        QCOMPARE(covered, lines);
        if (sliceBytes >= log.size())
            QCOMPARE(inserted.size(), 1); // everything arrived before the event loop ran: one batch
        else
            QVERIFY(inserted.size() >= int(log.size() / sliceBytes));
        QCOMPARE(model.index(lines - 1).data().toString(), QStringLiteral("line %1").arg(lines - 1));
        QCOMPARE(model.index(0).data(LogModel::LineNumberRole).toInt(), 1);
    }

    void partialLineWaits()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("build.log"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
        file.write("one\ntw");
        LogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.open(path));
        QSignalSpy caughtUp(&model, &LogModel::caughtUp);
        QVERIFY(caughtUp.wait());
        QCOMPARE(model.rowCount(), 1);
        file.write("o\n");
        model.bytesAvailable(file.size());
        QTRY_COMPARE(model.rowCount(), 2);
        QCOMPARE(model.lineText(1), QStringLiteral("two"));
    }

    void roles_data()
    {
        QTest::addColumn<QString>("shape");
        QTest::addColumn<int>("row");
        QTest::addColumn<QString>("display");
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("step");
        QTest::addColumn<int>("stepCount");
        const QString shape = QStringLiteral("xSLxSxE");
        QTest::addRow("before the first step")
            << shape << 0 << QStringLiteral("output 0") << int(LogLine::Normal) << 0 << 0;
        QTest::addRow("header") << shape << 1 << QStringLiteral("Step 1/2 : RUN step1") << int(LogLine::StepHeader) << 1
                                << 2;
        QTest::addRow("layer") << shape << 2 << QStringLiteral(" ---> abcdef000002") << int(LogLine::Layer) << 1 << 2;
        QTest::addRow("in step 2") << shape << 5 << QStringLiteral("output 5") << int(LogLine::Normal) << 2 << 2;
        QTest::addRow("error") << shape << 6 << QStringLiteral("ERROR: failed at 6") << int(LogLine::Error) << 2 << 2;
    }
    void roles()
    {
        QFETCH(QString, shape);
        QFETCH(int, row);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("build.log"));
        BuildLog log;
        QVERIFY(log.open(path));
        QVERIFY(log.append(QByteArrayView(logFrom(shape))));
        LogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.open(path));
        QTRY_COMPARE(model.rowCount(), int(shape.size()));
        const QModelIndex index = model.index(row);
        QTEST(index.data().toString(), "display");
        QTEST(index.data(LogModel::KindRole).toInt(), "kind");
        QTEST(index.data(LogModel::StepRole).toInt(), "step");
        QTEST(index.data(LogModel::StepCountRole).toInt(), "stepCount");
        QCOMPARE(index.data(LogModel::LineNumberRole).toInt(), row + 1);
        QCOMPARE(AnsiText::strip(index.data(LogModel::RawTextRole).toString()), index.data().toString());
        QCOMPARE(index.data(LogModel::RawTextRole).toString().startsWith(QLatin1String("\x1b[32m")),
                 index.data(LogModel::KindRole).toInt() == LogLine::Normal);
        QVERIFY(!model.index(row).data(Qt::DecorationRole).isValid());
    }

    void landmarks_data()
    {
        QTest::addColumn<QString>("shape");
        QTest::addColumn<int>("failingStep");
        QTest::addColumn<int>("lastStep");
        QTest::addColumn<int>("lastError");
        QTest::addColumn<QString>("layer");
        QTest::addRow("success") << QStringLiteral("SxLSxL") << -1 << 3 << -1 << QStringLiteral("abcdef000005");
        QTest::addRow("failed in step 2") << QStringLiteral("SxLSxxE") << 3 << 3 << 6 << QStringLiteral("abcdef000002");
        QTest::addRow("error in step 1 of 3")
            << QStringLiteral("SxELSxS") << 0 << 6 << 2 << QStringLiteral("abcdef000003");
        QTest::addRow("error before any step") << QStringLiteral("E") << -1 << -1 << 0 << QString();
        QTest::addRow("empty") << QString() << -1 << -1 << -1 << QString();
    }
    void landmarks()
    {
        QFETCH(QString, shape);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("build.log"));
        BuildLog log;
        QVERIFY(log.open(path));
        QVERIFY(log.append(QByteArrayView(logFrom(shape))));
        LogModel model;
        QVERIFY(model.open(path));
        QTRY_VERIFY(model.isCaughtUp() && model.rowCount() == shape.size());
        QTEST(model.failingStepRow(), "failingStep");
        QTEST(model.lastStepRow(), "lastStep");
        QTEST(model.lastErrorRow(), "lastError");
        QTEST(model.lastLayerId(), "layer");
    }

    void search_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("from");
        QTest::addColumn<bool>("forward");
        QTest::addColumn<int>("found");
        // Rows 100, 5000 and 150000 hold "Needle"; 200,000 rows in all.
        QTest::addRow("next from the top") << QStringLiteral("needle") << -1 << true << 100;
        QTest::addRow("next") << QStringLiteral("NEEDLE") << 100 << true << 5000;
        QTest::addRow("next far") << QStringLiteral("needle") << 5000 << true << 150000;
        QTest::addRow("next wraps") << QStringLiteral("needle") << 150000 << true << 100;
        QTest::addRow("previous") << QStringLiteral("needle") << 150000 << false << 5000;
        QTest::addRow("previous wraps") << QStringLiteral("needle") << 100 << false << 150000;
        QTest::addRow("previous from the end") << QStringLiteral("needle") << 200000 << false << 150000;
        QTest::addRow("only match is the start") << QStringLiteral("line 77777 ") << 77777 << true << 77777;
        QTest::addRow("none") << QStringLiteral("haystack") << 0 << true << -1;
    }
    void search()
    {
        QFETCH(QString, text);
        QFETCH(int, from);
        QFETCH(bool, forward);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("build.log"));
        BuildLog log;
        QVERIFY(log.open(path));
        QByteArray batch;
        for (int i = 0; i < 200000; ++i) {
            batch += "line " + QByteArray::number(i) + (i == 100 || i == 5000 || i == 150000 ? " Needle\n" : " \n");
            if (batch.size() > (1 << 20)) {
                QVERIFY(log.append(QByteArrayView(batch)));
                batch.clear();
            }
        }
        QVERIFY(log.append(QByteArrayView(batch)));
        LogModel model;
        QVERIFY(model.open(path));
        QTRY_VERIFY(model.isCaughtUp() && model.rowCount() == 200000);
        QSignalSpy finished(&model, &LogModel::searchFinished);
        model.find(QStringLiteral("stale"), 0, true); // cancelled by the next search: never answers
        model.find(text, from, forward);
        QVERIFY(model.isSearching());
        QVERIFY(finished.wait());
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.at(0).at(0).toString(), text);
        QTEST(finished.at(0).at(1).toInt(), "found");
        QVERIFY(!model.isSearching());
    }

    void reopenResets()
    {
        QTemporaryDir dir;
        const QString first = dir.filePath(QStringLiteral("a.log"));
        const QString second = dir.filePath(QStringLiteral("b.log"));
        BuildLog a;
        QVERIFY(a.open(first));
        QVERIFY(a.append(QByteArrayView(logFrom(QStringLiteral("xxxx")))));
        BuildLog b;
        QVERIFY(b.open(second));
        QVERIFY(b.append(QByteArrayView(logFrom(QStringLiteral("SE")))));
        LogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.open(first));
        QTRY_COMPARE(model.rowCount(), 4);
        QSignalSpy reset(&model, &LogModel::modelReset);
        QVERIFY(model.open(second));
        QCOMPARE(reset.size(), 1);
        QTRY_COMPARE(model.rowCount(), 2);
        QCOMPARE(model.failingStepRow(), 0);
        QString error;
        QVERIFY(!model.open(dir.filePath(QStringLiteral("missing.log")), &error));
        QVERIFY(error.contains(QStringLiteral("missing.log")));
        QCOMPARE(model.rowCount(), 0);
        model.bytesAvailable(100); // ignored without a file
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestLogModel)
#include "tst_logmodel.moc"
