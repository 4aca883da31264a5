// SPDX-License-Identifier: Apache-2.0
// The Lint page on a freshly made demo workspace (real bare git repositories read through a temporary mirror
// cache): the components × rules grid for a branch, and a click that opens the Dockerfile at the finding.
#include "demo/demoworkspace.h"
#include "lint/lintrule.h"
#include "manifest/manifestparser.h"
#include "models/lintgridmodel.h"
#include "views/lintpage.h"
#include "workspace/workspace.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>

using namespace mrc;

class TestLintPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        QString error;
        QVERIFY2(DemoWorkspace::create(m_dir.filePath(QStringLiteral("demo")), false, QString(), &error),
                 qPrintable(error));
        const ManifestResult loaded = ManifestParser::load(m_dir.filePath(QStringLiteral("demo/release.yaml")));
        QVERIFY(loaded.ok());
        m_workspace.setCacheRoot(m_dir.filePath(QStringLiteral("cache")));
        m_workspace.setManifest(loaded.manifest);
    }

    void showsTheFleet()
    {
        LintPage page(&m_workspace);
        page.resize(1400, 800);
        page.show();
        QSignalSpy linted(&page, &LintPage::linted);
        QVERIFY(linted.count() > 0 || linted.wait(60000));

        const Manifest &manifest = m_workspace.manifest();
        QCOMPARE(page.branchBox()->count(), int(manifest.branches.size()));
        QCOMPARE(page.grid()->model()->rowCount(), int(manifest.components.size()));
        QVERIFY(page.grid()->model()->columnCount() >= int(LintRule::all().size()));
        QCOMPARE(page.columns().mid(0, 3), (QStringList{"MRC001", "MRC002", "MRC101"}));
        for (const FleetLint::Result &result : page.results()) {
            QVERIFY2(result.error.isEmpty(), qPrintable(result.component + QLatin1String(": ") + result.error));
            QVERIFY(!result.dockerfile.isEmpty());
            for (const LintFinding &f : result.findings)
                QVERIFY2(!f.rule.startsWith(QLatin1String("MRC00")), qPrintable(f.toText()));
        }

        // Every cell agrees with the findings: empty and "pass", or the count and the worst severity.
        int findingCells = 0;
        int clickRow = -1;
        int clickColumn = -1;
        for (int row = 0; row < page.grid()->model()->rowCount(); ++row) {
            for (int column = 0; column < page.grid()->model()->columnCount(); ++column) {
                const QModelIndex item = page.grid()->model()->index(row, column);
                QVERIFY(item.isValid());
                int count = 0;
                for (const LintFinding &f : page.results().at(row).findings)
                    count += f.rule == page.columns().at(column) ? 1 : 0;
                QCOMPARE(item.data().toString(), count ? QString::number(count) : QString());
                QCOMPARE(item.data(LintGridModel::SeverityRole).toString() == QLatin1String("pass"), count == 0);
                if (count > 0) {
                    ++findingCells;
                    const LintFinding &first =
                        *std::find_if(page.results().at(row).findings.cbegin(), page.results().at(row).findings.cend(),
                                      [&](const LintFinding &f) { return f.rule == page.columns().at(column); });
                    if (clickRow < 0 && first.file == page.results().at(row).dockerfilePath && first.line > 1) {
                        clickRow = row;
                        clickColumn = column;
                    }
                }
            }
        }
        QVERIFY(findingCells > 0);
        QVERIFY(clickRow >= 0);

        // A click opens the Dockerfile with the finding's line selected.
        page.grid()->scrollTo(page.grid()->model()->index(clickRow, clickColumn));
        const QRect rect = page.grid()->visualRect(page.grid()->model()->index(clickRow, clickColumn));
        QTest::mouseClick(page.grid()->viewport(), Qt::LeftButton, {}, rect.center());
        const QString rule = page.columns().at(clickColumn);
        const FleetLint::Result &result = page.results().at(clickRow);
        const LintFinding &finding = *std::find_if(result.findings.cbegin(), result.findings.cend(),
                                                   [&](const LintFinding &f) { return f.rule == rule; });
        QCOMPARE(page.viewer()->toPlainText(), QString::fromUtf8(result.dockerfile));
        QTextCursor cursor = page.viewer()->textCursor();
        QVERIFY(cursor.hasSelection());
        QCOMPARE(cursor.block().blockNumber(), finding.line - 1);
        QCOMPARE(cursor.selectedText(), cursor.block().text());

        // Another branch lints again; its results replace the grid.
        if (page.branchBox()->count() > 1) {
            linted.clear();
            page.branchBox()->setCurrentIndex(1);
            page.relint();
            QVERIFY(linted.wait(60000));
            QCOMPARE(page.results().first().branch, page.branchBox()->itemText(1));
            page.branchBox()->setCurrentIndex(0);
            page.relint();
            QVERIFY(linted.wait(60000));
            page.grid()->scrollTo(page.grid()->model()->index(clickRow, clickColumn));
            QTest::mouseClick(page.grid()->viewport(), Qt::LeftButton, {},
                              page.grid()->visualRect(page.grid()->model()->index(clickRow, clickColumn)).center());
        }

        const QString dir =
            qEnvironmentVariable("MRC_SCREENSHOT_DIR", QDir::tempPath() + QStringLiteral("/screenshots"));
        QDir().mkpath(dir);
        QCoreApplication::processEvents();
        QVERIFY(page.grab().save(dir + QStringLiteral("/lint-page.png")));
        qInfo("screenshot: %s", qPrintable(dir + QStringLiteral("/lint-page.png")));
    }

    void lintsAHiddenPageWhenShown()
    {
        // A page that is not shown (the Lint tab at start-up) does not lint until it is shown.
        LintPage page(&m_workspace);
        QSignalSpy linted(&page, &LintPage::linted);
        QVERIFY(!linted.wait(500));
        QVERIFY(page.results().isEmpty());
        page.show();
        QVERIFY(linted.count() > 0 || linted.wait(60000));
        QCOMPARE(page.results().size(), m_workspace.manifest().components.size());
    }

    void heldScanStartsOnRelease()
    {
        // Start-up holds the workspace scan until the matrix has painted; the held request then runs once.
        Workspace workspace;
        workspace.setCacheRoot(m_dir.filePath(QStringLiteral("cache")));
        workspace.setManifest(m_workspace.manifest());
        QSignalSpy started(&workspace, &Workspace::scanStarted);
        QSignalSpy finished(&workspace, &Workspace::scanFinished);
        QSignalSpy cells(&workspace, &Workspace::cellsUpdated);
        workspace.holdScans();
        workspace.scan(false);
        workspace.scan(false);
        QVERIFY(workspace.isScanning());
        QTest::qWait(200);
        QCOMPARE(started.count(), 0);
        workspace.releaseScans();
        QCOMPARE(started.count(), 1);
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.first().first().toBool(), false);
        QVERIFY(cells.count() > 0);
        workspace.releaseScans(); // nothing held any more
        QTest::qWait(100);
        QCOMPARE(started.count(), 1);
    }

private:
    QTemporaryDir m_dir;
    Workspace m_workspace;
};

QTEST_MAIN(TestLintPage)
#include "tst_lintpage.moc"
