// SPDX-License-Identifier: Apache-2.0
// A shown LogView on a log file that a real BuildLog appends to while the test watches: following the tail,
// scrolling up to stop following, search with F3 / Shift+F3, ANSI colour runs, the failing step, the failure
// banner and its Copy button. Saves screenshots in a light and a dark palette.
#include "logs/buildlog.h"
#include "models/logmodel.h"
#include "views/loglinesview.h"
#include "views/logview.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QLineEdit>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

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
    p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3c));
    p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x8e, 0xe0));
    p.setColor(QPalette::HighlightedText, Qt::white);
    return p;
}

/** A failed classic-builder log of @p filler lines per step, with colours. */
QByteArray failedBuild(int filler)
{
    QByteArray text;
    const char *steps[] = {"FROM busybox", "COPY start.sh /", "RUN \x1b[1mapk add\x1b[0m py3-jinja2", "RUN false"};
    for (int s = 0; s < 4; ++s) {
        text += "Step " + QByteArray::number(s + 1) + "/4 : " + steps[s] + '\n';
        if (s > 0)
            text += " ---> Running in 5f1e2d3c4b5a\n";
        for (int i = 0; i < filler; ++i)
            text += "\x1b[32mfetch\x1b[0m \x1b[31mpackage\x1b[0m " + QByteArray::number(s * 1000 + i) +
                    (i == filler / 2 ? " needle" : "") + '\n';
        if (s < 3)
            text += " ---> 0123456789a" + QByteArray::number(s) + '\n';
    }
    text += "ERROR: The command '/bin/sh -c false' returned a non-zero code: 1\n";
    return text;
}

} // namespace

class TestLogView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void followsTheTail()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("build.log"));
        BuildLog log;
        QVERIFY(log.open(path));
        LogModel model;
        QVERIFY(model.open(path));
        LogView view;
        view.setModel(&model);
        view.resize(800, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        LogLinesView *lines = view.linesView();
        QScrollBar *bar = lines->verticalScrollBar();

        const auto appendLines = [&](int from, int count) {
            QByteArray batch;
            for (int i = from; i < from + count; ++i)
                batch += "line " + QByteArray::number(i) + '\n';
            QVERIFY(log.append(QByteArrayView(batch)));
            model.bytesAvailable(log.size());
        };
        for (int i = 0; i < 10; ++i)
            appendLines(i * 100, 100);
        QTRY_COMPARE(model.rowCount(), 1000);
        QVERIFY(view.isFollowingTail());
        QTRY_COMPARE(lines->firstVisibleRow() + lines->visibleRowCount(), 1000);

        // The user scrolls up: new lines no longer move the view.
        QSignalSpy following(lines, &LogLinesView::followingTailChanged);
        bar->setValue(10);
        QVERIFY(!view.isFollowingTail());
        QCOMPARE(following.size(), 1);
        appendLines(1000, 500);
        QTRY_COMPARE(model.rowCount(), 1500);
        QCOMPARE(lines->firstVisibleRow(), 10);
        QCOMPARE(bar->maximum(), 1500 - lines->visibleRowCount());

        // Back at the bottom (End key) it follows again.
        lines->setFocus();
        QTest::keyClick(lines, Qt::Key_End);
        QVERIFY(view.isFollowingTail());
        appendLines(1500, 500);
        QTRY_COMPARE(model.rowCount(), 2000);
        QTRY_COMPARE(lines->firstVisibleRow() + lines->visibleRowCount(), 2000);

        // Dragging the scroll bar to the bottom resumes too.
        bar->setValue(0);
        QVERIFY(!view.isFollowingTail());
        bar->setValue(bar->maximum());
        QVERIFY(view.isFollowingTail());
    }

    void searchAndFailure()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("build.log"));
        BuildLog log;
        QVERIFY(log.open(path));
        QVERIFY(log.append(QByteArrayView(failedBuild(300))));
        LogModel model;
        QVERIFY(model.open(path));
        LogView view;
        view.setModel(&model);
        view.resize(1000, 520);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QTRY_VERIFY(model.isCaughtUp() && model.rowCount() == log.lineCount());
        LogLinesView *lines = view.linesView();

        // Rows of the needles: filler / 2 lines after each step's header (and "Running in" line).
        QList<int> needles;
        for (int row = 0; row < model.rowCount(); ++row) {
            if (model.lineText(row).endsWith(QLatin1String(" needle")))
                needles.append(row);
        }
        QCOMPARE(needles.size(), 4);

        QSignalSpy found(&view, &LogView::searchFinished);
        lines->setFocus();
        QTest::keyClick(&view, Qt::Key_F, Qt::ControlModifier);
        auto *search = view.findChild<QLineEdit *>(QStringLiteral("logSearch"));
        QVERIFY(search->hasFocus());
        QTest::keyClicks(search, QStringLiteral("NEEDLE"));
        QTest::keyClick(search, Qt::Key_Return); // from the visible rows (the tail): wraps to the first
        QVERIFY(found.wait());
        QCOMPARE(found.last().at(0).toInt(), needles[0]);
        QCOMPARE(lines->currentRow(), needles[0]);
        QVERIFY(!view.isFollowingTail());
        QTest::keyClick(lines, Qt::Key_F3);
        QVERIFY(found.wait());
        QCOMPARE(lines->currentRow(), needles[1]);
        QTest::keyClick(lines, Qt::Key_F3);
        QVERIFY(found.wait());
        QCOMPARE(lines->currentRow(), needles[2]);
        QTest::keyClick(lines, Qt::Key_F3, Qt::ShiftModifier);
        QVERIFY(found.wait());
        QCOMPARE(lines->currentRow(), needles[1]);
        view.findPreviousAction()->trigger();
        QVERIFY(found.wait());
        QCOMPARE(lines->currentRow(), needles[0]);
        view.findPreviousAction()->trigger();
        QVERIFY(found.wait());
        QCOMPARE(lines->currentRow(), needles[3]); // wrapped backwards
        QVERIFY(lines->firstVisibleRow() <= needles[3]);
        QVERIFY(lines->firstVisibleRow() + lines->visibleRowCount() > needles[3]);
        view.setSearchText(QStringLiteral("no such text"));
        view.findNext();
        QVERIFY(found.wait());
        QCOMPARE(found.last().at(0).toInt(), -1);

        // ANSI colours as runs: "fetch" green, the space default, "package" red.
        const int colourRow = needles[0] - 1;
        const QList<LogLinesView::PaintRun> runs = lines->paintRuns(colourRow);
        QCOMPARE(runs.size(), 4);
        QCOMPARE(runs[0].text, QStringLiteral("fetch"));
        QCOMPARE(runs[0].foreground, LogLinesView::ansiColour(2, lines->palette()));
        QCOMPARE(runs[1].foreground, lines->palette().color(QPalette::Text));
        QCOMPARE(runs[2].text, QStringLiteral("package"));
        QCOMPARE(runs[2].foreground, LogLinesView::ansiColour(1, lines->palette()));
        const QList<LogLinesView::PaintRun> header = lines->paintRuns(model.lastStepRow());
        QVERIFY(!header.isEmpty() && header[0].bold);
        const QList<LogLinesView::PaintRun> step3 = lines->paintRuns(model.marks().steps().at(2).line);
        QCOMPARE(step3.size(), 3); // "Step 3/4 : RUN ", bold "apk add", " py3-jinja2"
        QCOMPARE(step3[1].text, QStringLiteral("apk add"));

        // Jump to the failing step: its header is current and at the top.
        QVERIFY(view.jumpToFailingStepAction()->isEnabled());
        view.jumpToFailingStepAction()->trigger();
        const int failing = model.failingStepRow();
        QCOMPARE(model.lineText(failing), QStringLiteral("Step 4/4 : RUN false"));
        QCOMPARE(lines->currentRow(), failing);
        QCOMPARE(lines->firstVisibleRow(), qMin(failing, lines->verticalScrollBar()->maximum()));

        // The error line is painted with the error tint (at the right end of the row, away from text).
        lines->scrollToRow(model.rowCount() - 1);
        QCoreApplication::processEvents();
        const QImage image = lines->viewport()->grab().toImage();
        const int errorY =
            (model.lastErrorRow() - lines->firstVisibleRow()) * lines->lineHeight() + lines->lineHeight() / 2;
        QCOMPARE(image.pixelColor(image.width() - 3, errorY).rgb(), LogLinesView::errorTint(lines->palette()).rgb());

        // The failure banner with its command.
        QVERIFY(!view.isFailureShown());
        view.setFailure(QStringLiteral("Dockerfile:7: RUN false"), model.lastLayerId());
        QVERIFY(view.isFailureShown());
        QCOMPARE(model.lastLayerId(), QStringLiteral("0123456789a2"));
        QCOMPARE(view.failureCommand(), QStringLiteral("docker run --rm -it 0123456789a2 sh"));
        auto *copy = view.findChild<QToolButton *>(QStringLiteral("copyCommand"));
        QVERIFY(copy && copy->isVisible());
        QApplication::clipboard()->clear();
        QTest::mouseClick(copy, Qt::LeftButton);
        QCOMPARE(QApplication::clipboard()->text(), view.failureCommand());
        QCOMPARE(LogLinesView::ansiColour(1, darkPalette()), QColor(0xf6, 0x61, 0x51));
        view.setFailure(QStringLiteral("RUN false"), QString());
        QVERIFY(view.failureCommand().isEmpty());
        QVERIFY(!copy->isVisible());
        view.clearFailure();
        QVERIFY(!view.isFailureShown());
    }

    // A small failed build, whole on screen: step marks, colours, the error line, the banner.
    void failedBuildScreenshots()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("build.log"));
        BuildLog log;
        QVERIFY(log.open(path));
        QVERIFY(log.append(QByteArrayView(failedBuild(4))));
        LogModel model;
        QVERIFY(model.open(path));
        LogView view;
        view.setModel(&model);
        view.resize(900, 680);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QTRY_VERIFY(model.isCaughtUp() && model.rowCount() == log.lineCount());
        view.setFailure(QStringLiteral("Dockerfile:7: RUN false"), model.lastLayerId());
        QVERIFY(view.jumpToFailingStep());
        view.setSearchText(QStringLiteral("package"));
        QTRY_VERIFY(view.linesView()->firstVisibleRow() == 0); // everything fits
        saveScreenshot(&view, QStringLiteral("logview-failed-light"));
        view.setPalette(darkPalette());
        QCOMPARE(view.linesView()->paintRuns(2).at(0).foreground, QColor(0x57, 0xe3, 0x89));
        saveScreenshot(&view, QStringLiteral("logview-failed-dark"));
    }

    void wrapsLongLines()
    {
        // Off by default: a long line scrolls sideways, and its end (the error) is off the right edge.
        QSettings().setValue(QStringLiteral("log/wrapLines"), false);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("build.log"));
        BuildLog log;
        QVERIFY(log.open(path));
        const QByteArray longLine = "Step 3/4 : RUN " + QByteArray(300, 'x') +
                                    " ERROR: image monasca/api is not on "
                                    "engine second";
        QVERIFY(log.append(QByteArrayView("line 1\nline 2\n" + longLine + "\nline 4\n")));
        LogModel model;
        QVERIFY(model.open(path));
        model.bytesAvailable(log.size());
        QTRY_COMPARE(model.rowCount(), 4);
        LogView view;
        view.setModel(&model);
        view.resize(640, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        LogLinesView *lines = view.linesView();
        QAction *wrap = view.wrapLinesAction();
        QVERIFY(!wrap->isChecked());
        QVERIFY(!lines->wrapsLines());
        QCOMPARE(lines->wrappedLineCount(2), 1);
        QTRY_VERIFY(lines->horizontalScrollBar()->maximum() > 0);
        saveScreenshot(&view, QStringLiteral("logview-unwrapped"));

        // Alt+Z wraps: the long row takes several visual lines, nothing scrolls sideways, and a click on its
        // second visual line selects it (not the row after it).
        QSignalSpy toggled(wrap, &QAction::toggled);
        lines->setFocus();
        QTest::keyClick(lines, Qt::Key_Z, Qt::AltModifier);
        QCOMPARE(toggled.size(), 1);
        QVERIFY(lines->wrapsLines());
        const int columns =
            (lines->viewport()->width() - 100) / lines->fontMetrics().horizontalAdvance(QLatin1Char('m'));
        QVERIFY2(lines->wrappedLineCount(2) >= longLine.size() / (columns + 100), qPrintable(QString::number(columns)));
        QVERIFY(lines->wrappedLineCount(2) > 1);
        QCOMPARE(lines->wrappedLineCount(3), 1);
        QCOMPARE(lines->horizontalScrollBar()->maximum(), 0);
        QTest::mouseClick(lines->viewport(), Qt::LeftButton, {}, QPoint(200, lines->lineHeight() * 3 + 2));
        QCOMPARE(lines->currentRow(), 2);
        QTest::mouseClick(lines->viewport(), Qt::LeftButton, {},
                          QPoint(200, lines->lineHeight() * (2 + lines->wrappedLineCount(2)) + 2));
        QCOMPARE(lines->currentRow(), 3);
        QVERIFY(QSettings().value(QStringLiteral("log/wrapLines")).toBool());
        saveScreenshot(&view, QStringLiteral("logview-wrapped"));

        // Following the tail while wrapped keeps the last row entirely in view.
        QByteArray more;
        for (int i = 0; i < 40; ++i)
            more += "more " + QByteArray::number(i) + ' ' + QByteArray(i % 3 ? 10 : 200, 'y') + '\n';
        QVERIFY(log.append(QByteArrayView(more)));
        model.bytesAvailable(log.size());
        QTRY_COMPARE(model.rowCount(), 44);
        QVERIFY(view.isFollowingTail());
        int used = 0;
        for (int row = lines->firstVisibleRow(); row < model.rowCount(); ++row)
            used += lines->wrappedLineCount(row);
        QVERIFY2(used <= lines->visibleRowCount(),
                 qPrintable(QStringLiteral("%1 > %2").arg(used).arg(lines->visibleRowCount())));
        QVERIFY(lines->firstVisibleRow() > 0);

        // The choice is remembered: another log view starts wrapped; Alt+Z again unwraps.
        LogView second;
        QVERIFY(second.wrapLinesAction()->isChecked());
        QVERIFY(second.linesView()->wrapsLines());
        QTest::keyClick(lines, Qt::Key_Z, Qt::AltModifier);
        QVERIFY(!lines->wrapsLines());
        QVERIFY(!QSettings().value(QStringLiteral("log/wrapLines")).toBool());
    }

    void copySelection()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("build.log"));
        BuildLog log;
        QVERIFY(log.open(path));
        QVERIFY(log.append(QByteArrayView("\x1b[31mone\x1b[0m\ntwo\nthree\n")));
        LogModel model;
        QVERIFY(model.open(path));
        LogView view;
        view.setModel(&model);
        view.resize(600, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QTRY_COMPARE(model.rowCount(), 3);
        LogLinesView *lines = view.linesView();
        QVERIFY(!view.jumpToFailingStep());
        QVERIFY(!view.jumpToFailingStepAction()->isEnabled());
        const int h = lines->lineHeight();
        QTest::mouseClick(lines->viewport(), Qt::LeftButton, {}, QPoint(100, h / 2));
        QTest::mouseClick(lines->viewport(), Qt::LeftButton, Qt::ShiftModifier, QPoint(100, h + h / 2));
        QCOMPARE(lines->selectedText(), QStringLiteral("one\ntwo"));
        QTest::keyClick(lines, Qt::Key_C, Qt::ControlModifier);
        QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("one\ntwo"));
        QTest::keyClick(lines, Qt::Key_Down);
        QCOMPARE(lines->currentRow(), 2);
    }
};

QTEST_MAIN(TestLogView)
#include "tst_logview.moc"
