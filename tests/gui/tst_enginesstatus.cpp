// SPDX-License-Identifier: Apache-2.0
// Engine status in the window: the status bar lists each engine with its version or "unreachable", a column that
// no reachable engine serves says why in its header tooltip, Engines → Engines… shows the details, and
// Engines → Import Docker Contexts… adds an engine from a context made with the real `docker context create`,
// which then serves a column together with the first (a pool). Screenshots go to $MRC_SCREENSHOT_DIR.
#include "demo/demoworkspace.h"
#include "engine/engineprobe.h"
#include "manifest/manifestparser.h"
#include "models/jobsmodel.h"
#include "models/matrixmodel.h"
#include "views/contextimportdialog.h"
#include "views/enginesdialog.h"
#include "views/mainwindow.h"
#include "workspace/workspace.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QLabel>
#include <QListWidget>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

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

QString headerTip(const MatrixModel *model, const QString &branch, const QString &docker)
{
    const auto keys = model->columnKeys();
    const qsizetype column = keys.indexOf(qMakePair(branch, docker));
    return column < 0 ? QString() : model->headerData(int(column), Qt::Horizontal, Qt::ToolTipRole).toString();
}

} // namespace

class TestEnginesStatus : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void statusBarAndColumnTooltips();
    void enginesDialogShowsDetails();
    void importsADockerContext();
    void jobsPanelNamesTheEngine();

private:
    QTemporaryDir m_dir;
    QString m_host;
    QString m_docker;
    QString m_version;
    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<MainWindow> m_window;
};

void TestEnginesStatus::initTestCase()
{
    m_host = qEnvironmentVariable("MRC_TEST_DOCKER_HOST");
    if (m_host.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("MRC_TEST_DOCKER_HOST is not set: scripts/test starts the private engine and sets it");
        QSKIP("no private engine: run through scripts/test");
    }
    QVERIFY(m_dir.isValid());
    QStandardPaths::setTestModeEnabled(true);
    QSettings().setValue(QStringLiteral("build/testAfterBuild"), false);
    qputenv("DOCKER_CONFIG", m_dir.filePath(QStringLiteral("docker-config")).toLocal8Bit());
    qputenv("DOCKER_HOST", m_host.toLocal8Bit());
    const EngineStatus status = EngineProbe::probe(EngineProbe::localEngine(), 5000);
    QVERIFY2(status.reachable, qPrintable(status.error));
    m_docker = status.majorMinor();
    m_version = status.version;

    QString error;
    QVERIFY2(DemoWorkspace::create(m_dir.filePath(QStringLiteral("demo")), false, m_docker, &error), qPrintable(error));
    // A second engine that does not answer.
    QFile manifest(m_dir.filePath(QStringLiteral("demo/release.yaml")));
    QVERIFY(manifest.open(QIODevice::ReadOnly));
    QByteArray yaml = manifest.readAll();
    manifest.close();
    QVERIFY(yaml.contains("\nengines:\n"));
    yaml.replace("\nengines:\n", "\nengines:\n  - name: ghost\n    host: unix:///nonexistent/mrc-ghost.sock\n");
    QVERIFY(manifest.open(QIODevice::WriteOnly | QIODevice::Truncate));
    manifest.write(yaml);
    manifest.close();

    m_workspace = std::make_unique<Workspace>();
    m_workspace->setCacheRoot(m_dir.filePath(QStringLiteral("cache")));
    m_window = std::make_unique<MainWindow>(m_workspace.get());
    m_window->resize(1400, 820);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QSignalSpy finished(m_workspace.get(), &Workspace::scanFinished);
    const ManifestResult check = ManifestParser::load(manifest.fileName());
    QVERIFY2(check.ok(), qPrintable(check.problems.isEmpty() ? QString() : check.problems.first().toString()));
    QVERIFY(m_window->openManifest(manifest.fileName()));
    QVERIFY(finished.wait(60000));
}

void TestEnginesStatus::statusBarAndColumnTooltips()
{
    auto *local = m_window->findChild<QLabel *>(QStringLiteral("engine-local"));
    auto *ghost = m_window->findChild<QLabel *>(QStringLiteral("engine-ghost"));
    QVERIFY(local && ghost);
    QCOMPARE(local->text(), QStringLiteral("local: Docker %1").arg(m_version));
    QCOMPARE(ghost->text(), QStringLiteral("ghost: unreachable"));
    QVERIFY(ghost->toolTip().startsWith(QStringLiteral("unix:///nonexistent/mrc-ghost.sock — ")));

    const MatrixModel *model = m_window->matrixModel();
    QString served = headerTip(model, QStringLiteral("master"), m_docker);
    QVERIFY2(served.contains(QStringLiteral("built on local")), qPrintable(served));
    // The demo's master also has older Docker versions that nothing here runs: the header says why.
    const auto keys = model->columnKeys();
    const auto orphan =
        std::find_if(keys.cbegin(), keys.cend(), [this](const auto &key) { return key.second != m_docker; });
    QVERIFY(orphan != keys.cend());
    const QString why = headerTip(model, orphan->first, orphan->second);
    QVERIFY2(why.contains(QStringLiteral("No reachable engine runs Docker %1.").arg(orphan->second)), qPrintable(why));
    QVERIFY2(why.contains(QLatin1String("Unreachable: ghost (unix:///nonexistent/mrc-ghost.sock): ")), qPrintable(why));
}

void TestEnginesStatus::enginesDialogShowsDetails()
{
    m_window->showEnginesDialog();
    EnginesDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = m_window->findChild<EnginesDialog *>()) && dialog->isVisible());
    QTableWidget *table = dialog->table();
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(table->item(0, 0)->text(), QStringLiteral("ghost"));
    QVERIFY(table->item(0, 7)->text().startsWith(QLatin1String("no: ")));
    QCOMPARE(table->item(1, 0)->text(), QStringLiteral("local"));
    QCOMPARE(table->item(1, 1)->text(), m_host);
    QCOMPARE(table->item(1, 2)->text(), QStringLiteral("unix"));
    QCOMPARE(table->item(1, 3)->text(), m_version);
    QCOMPARE(table->item(1, 7)->text(), QStringLiteral("yes"));
    QVERIFY(table->item(1, 6)->text().contains(QStringLiteral("master × %1").arg(m_docker)));
    saveScreenshot(dialog, QStringLiteral("engines-dialog"));
    dialog->close();
}

void TestEnginesStatus::importsADockerContext()
{
    QProcess docker;
    docker.start(QStringLiteral("docker"),
                 {QStringLiteral("context"), QStringLiteral("create"), QStringLiteral("second"),
                  QStringLiteral("--docker"), QStringLiteral("host=") + m_host});
    QVERIFY(docker.waitForFinished(30000));
    QVERIFY2(docker.exitCode() == 0, docker.readAllStandardError().constData());

    // The dialog lists the CLI's contexts (read off the GUI thread), then imports the checked one.
    m_window->showImportContextsDialog();
    ContextImportDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = m_window->findChild<ContextImportDialog *>()) && dialog->isVisible());
    QListWidget *list = dialog->list();
    QCOMPARE(list->count(), 2); // default (DOCKER_HOST) and second
    QCOMPARE(list->item(1)->data(Qt::UserRole).toString(), QStringLiteral("second"));
    list->item(1)->setCheckState(Qt::Checked);
    saveScreenshot(dialog, QStringLiteral("import-contexts-dialog"));
    QSignalSpy finished(m_workspace.get(), &Workspace::scanFinished);
    dialog->accept();
    QVERIFY(finished.wait(60000));

    const Manifest &manifest = m_workspace->manifest();
    QCOMPARE(manifest.engines.size(), 3);
    QCOMPARE(manifest.engines.last().name, QStringLiteral("second"));
    QCOMPARE(manifest.engines.last().context, QStringLiteral("second"));
    auto *second = m_window->findChild<QLabel *>(QStringLiteral("engine-second"));
    QVERIFY(second);
    QCOMPARE(second->text(), QStringLiteral("second: Docker %1").arg(m_version));
    // Two engines of one version: the column's pool.
    const QString tip = headerTip(m_window->matrixModel(), QStringLiteral("master"), m_docker);
    QVERIFY2(tip.contains(QLatin1String("built on local, second")), qPrintable(tip));
    // Importing it again adds nothing.
    const QList<DockerContext> contexts = DockerContext::list();
    QCOMPARE(contexts.last().name, QStringLiteral("second"));
    QVERIFY(m_window->importContexts({contexts.last()}).isEmpty());
    QCOMPARE(m_workspace->manifest().engines.size(), 3);
    saveScreenshot(m_window.get(), QStringLiteral("engines-status-bar"));
}

void TestEnginesStatus::jobsPanelNamesTheEngine()
{
    JobsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    JobUpdate first;
    first.job = 0;
    first.component = QStringLiteral("api");
    first.branch = QStringLiteral("master");
    first.docker = m_docker;
    first.engine = QStringLiteral("local");
    model.reset({first});
    QCOMPARE(model.headerData(JobsModel::EngineColumn, Qt::Horizontal).toString(), QStringLiteral("Engine"));
    QCOMPARE(model.index(0, JobsModel::EngineColumn).data().toString(), QStringLiteral("local"));
    // A job the runner adds during the run (the retry of a job whose engine was lost) gets its own row.
    JobUpdate retry = first;
    retry.job = 1;
    retry.engine = QStringLiteral("second");
    retry.copyOf = 0;
    model.update(retry);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(1, JobsModel::EngineColumn).data().toString(), QStringLiteral("second"));
}

QTEST_MAIN(TestEnginesStatus)
#include "tst_enginesstatus.moc"
