// SPDX-License-Identifier: Apache-2.0
// The Docker version policy in the window: the matrix banner names the manifest's FILE:LINE:COLUMN of a master
// that lacks one of the three newest versions, and Build → Cut Stable Branch… shows the diff, writes the branch
// with master's versions frozen and the matrix gets its columns.
#include "demo/demoworkspace.h"
#include "manifest/manifestparser.h"
#include "models/matrixmodel.h"
#include "views/mainwindow.h"
#include "workspace/workspace.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <memory>

using namespace mrc;

class TestPolicyBanner : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_manifest;
    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<MainWindow> m_window;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        QString error;
        QVERIFY2(DemoWorkspace::create(m_dir.filePath("demo"), false, QStringLiteral("20.10"), &error),
                 qPrintable(error));
        m_manifest = m_dir.filePath("demo/release.yaml");
        QFile file(m_manifest);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QByteArray yaml = file.readAll();
        file.close();
        // The supported series put 28.5 and 26.1 above the demo master's 20.10.
        yaml.replace("\nbranches:\n", "\ndocker_releases: [\"28.5\", \"26.1\", \"20.10\"]\nbranches:\n");
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(yaml);
        file.close();

        m_workspace = std::make_unique<Workspace>();
        m_workspace->setCacheRoot(m_dir.filePath("cache"));
        m_window = std::make_unique<MainWindow>(m_workspace.get());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void bannerNamesTheManifestLine()
    {
        QSignalSpy finished(m_workspace.get(), &Workspace::scanFinished);
        QVERIFY(m_window->openManifest(m_manifest));
        QVERIFY(finished.wait(60000));
        auto *banner = m_window->findChild<QLabel *>(QStringLiteral("policyBanner"));
        QVERIFY(banner);
        QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 30000);
        const ManifestResult loaded = ManifestParser::load(m_manifest);
        const SourcePos pos = loaded.manifest.branch("master")->dockerPos.first();
        QVERIFY2(banner->text().contains(QStringLiteral("%1:%2:%3: policy: master must build with the three newest")
                                             .arg(m_manifest)
                                             .arg(pos.line)
                                             .arg(pos.column)),
                 qPrintable(banner->text()));
        QVERIFY(banner->text().contains(QLatin1String("it lacks 28.5, 26.1")));
    }

    void cutStableBranch()
    {
        auto *action = m_window->findChild<QAction *>(QStringLiteral("cutStableBranchAction"));
        QVERIFY(action);
        const int columns = m_window->matrixModel()->columnCount();
        QString diff;
        // The name dialog, then the confirmation with the diff.
        QTimer::singleShot(200, this, [&] {
            auto *input = qobject_cast<QInputDialog *>(QApplication::activeModalWidget());
            QVERIFY(input);
            input->setTextValue(QStringLiteral("stable/2024.1"));
            input->accept();
            QTimer::singleShot(200, this, [&] {
                auto *confirm = m_window->findChild<QMessageBox *>(QStringLiteral("cutBranchConfirm"));
                QVERIFY(confirm);
                diff = confirm->detailedText();
                confirm->button(QMessageBox::Save)->click();
            });
        });
        QSignalSpy finished(m_workspace.get(), &Workspace::scanFinished);
        action->trigger();
        QVERIFY(diff.contains(QLatin1String("+  - name: stable/2024.1\n")));
        QVERIFY(finished.wait(60000));
        const ManifestResult loaded = ManifestParser::load(m_manifest);
        QVERIFY(loaded.ok());
        const BranchSpec *cut = loaded.manifest.branch("stable/2024.1");
        QVERIFY(cut);
        QCOMPARE(cut->docker, loaded.manifest.branch("master")->docker);
        QCOMPARE(cut->frozen, QDate::currentDate());
        QCOMPARE(m_window->matrixModel()->columnCount(), columns + int(cut->docker.size()));
    }
};

QTEST_MAIN(TestPolicyBanner)
#include "tst_policybanner.moc"
