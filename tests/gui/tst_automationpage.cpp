// SPDX-License-Identifier: Apache-2.0
// The Automation page on a freshly made demo workspace (real bare git repositories, a temporary mirror cache and
// history): the policy as read, one cycle driven by "Run Policy Now" on the page's worker thread, the runs it
// queued in the table and the selected run's timeline, Pause/Resume; a screenshot of the timeline.
#include "demo/demoworkspace.h"
#include "manifest/manifestparser.h"
#include "models/automationrunsmodel.h"
#include "views/automationpage.h"
#include "views/desktopnotifier.h"
#include "workspace/workspace.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace mrc;

class TestAutomationPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        // The queue goes to a history of the test's own; the session bus is the services' one when they run.
        QVERIFY(m_dir.isValid());
        qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8());
        if (qEnvironmentVariableIsSet("MRC_TEST_DBUS_ADDRESS"))
            qputenv("DBUS_SESSION_BUS_ADDRESS", qgetenv("MRC_TEST_DBUS_ADDRESS"));
        QString error;
        const QString demo = m_dir.filePath(QStringLiteral("demo"));
        QVERIFY2(DemoWorkspace::create(demo, false, QString(), &error), qPrintable(error));
        // Every branch head is an event on the first scan; the policy runs nothing, so each run is skipped.
        // The demo's own automation: section (the last one) gives way to this one.
        QFile file(demo + QStringLiteral("/release.yaml"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QByteArray text = file.readAll();
        file.close();
        if (const qsizetype own = text.indexOf("\nautomation:"); own >= 0)
            text.truncate(own + 1);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(text);
        file.write("\nautomation:\n"
                   "  first_run: events\n"
                   "  rules:\n"
                   "    - branches: \"**\"\n"
                   "      events: [commit, tag, change]\n"
                   "      actions: []\n");
        file.close();
        const ManifestResult loaded = ManifestParser::load(file.fileName());
        QVERIFY2(loaded.ok(), qPrintable(loaded.problems.isEmpty() ? QString() : loaded.problems.first().toString()));
        m_workspace.setCacheRoot(m_dir.filePath(QStringLiteral("cache")));
        m_workspace.setManifest(loaded.manifest);
    }

    void runsOneCycleFromThePage()
    {
        AutomationPage page(&m_workspace);
        page.resize(1400, 800);
        page.show();
        QVERIFY(page.policyView()->toPlainText().contains(QLatin1String("automation:")));
        QVERIFY(page.policyView()->toPlainText().contains(QLatin1String("line ")));
        QVERIFY(page.policyView()->toPlainText().contains(QLatin1String("first_run: events")));
        QVERIFY(page.isPaused());

        QSignalSpy cycles(&page, &AutomationPage::cycleFinished);
        page.runNowAction()->trigger();
        QVERIFY(!page.runNowAction()->isEnabled());
        QVERIFY(cycles.wait(120000));
        const WatchCycle cycle = cycles.first().first().value<WatchCycle>();
        QVERIFY2(cycle.storeError.isEmpty(), qPrintable(cycle.storeError));
        QVERIFY2(cycle.problems.isEmpty(), qPrintable(cycle.problems.join('\n')));
        QVERIFY(cycle.events > 0);
        QCOMPARE(cycle.skipped, cycle.events);
        QCOMPARE(cycle.done + cycle.failed, 0);
        QTRY_VERIFY(page.runNowAction()->isEnabled());

        // The table shows the runs the cycle queued: every one skipped by the policy.
        QTRY_COMPARE_WITH_TIMEOUT(page.model()->rowCount(), cycle.events, 10000);
        for (const AutomationRun &run : page.runs())
            QCOMPARE(run.state, RunState::Skipped);
        page.table()->selectRow(0);
        const QList<QToolButton *> stages = page.stageButtons();
        QCOMPARE(stages.size(), 4);
        QTRY_VERIFY(!stages.first()->text().isEmpty());
        QVERIFY2(stages.first()->text().contains(QLatin1String("commit")) ||
                     stages.first()->text().contains(QLatin1String("tag")),
                 qPrintable(stages.first()->text()));
        QVERIFY2(stages.at(1)->text().contains(QLatin1String("not in policy")), qPrintable(stages.at(1)->text()));
        stages.first()->click();
        QVERIFY(page.logView()->toPlainText().contains(QLatin1String("skipped")));

        const QString dir =
            qEnvironmentVariable("MRC_SCREENSHOT_DIR", QDir::tempPath() + QStringLiteral("/screenshots"));
        QDir().mkpath(dir);
        QVERIFY(page.grab().save(dir + QStringLiteral("/automation-page.png")));
        qInfo("screenshot: %s", qPrintable(dir + QStringLiteral("/automation-page.png")));

        // A second cycle finds nothing new.
        cycles.clear();
        page.runNowAction()->trigger();
        QVERIFY(cycles.wait(120000));
        QCOMPARE(cycles.first().first().value<WatchCycle>().events, 0);

        // Pause/Resume: resuming starts the interval loop (a cycle at once), pausing stops it.
        cycles.clear();
        page.pauseAction()->trigger();
        QVERIFY(!page.isPaused());
        QCOMPARE(page.pauseAction()->text(), QStringLiteral("Pause"));
        QVERIFY(cycles.wait(120000));
        page.pauseAction()->trigger();
        QVERIFY(page.isPaused());
        QCOMPARE(page.pauseAction()->text(), QStringLiteral("Resume"));
    }

    void notifierStaysQuietWithoutAService()
    {
        // The test bus has no notification service: the call fails there, quietly, and nothing blocks.
        DesktopNotifier notifier;
        QSignalSpy answered(&notifier, &DesktopNotifier::answered);
        if (!notifier.notify(QStringLiteral("Pipeline run 1 failed"), QStringLiteral("test")))
            QSKIP("no session bus in this environment");
        QVERIFY(answered.wait(30000));
    }

private:
    QTemporaryDir m_dir;
    Workspace m_workspace;
};

QTEST_MAIN(TestAutomationPage)
#include "tst_automationpage.moc"
