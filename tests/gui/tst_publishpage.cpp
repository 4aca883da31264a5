// SPDX-License-Identifier: Apache-2.0
// The Publish and Labels pages of the real main window on a demo workspace whose base and api master images are
// built on the test engine, against the test registry with credentials in the test keyring: the plan table says
// what `mrc tags --json` says, the push does it (verified at the registry), the audit tab lists and exports it, and
// the Labels page compares the engine image with the registry tag and the cell's expected labels with the engine
// image. On the token registry the push checks the push rights first: anonymous, nothing moves. Saves screenshots. The
// registry namespace is unique to the run, so other tests' tags never interfere.
#include "demo/demoworkspace.h"
#include "engine/engineprobe.h"
#include "models/labeldiffmodel.h"
#include "models/matrixmodel.h"
#include "models/pushauditmodel.h"
#include "models/tagplanmodel.h"
#include "registry/registryclient.h"
#include "registry/registryreply.h"
#include "secrets/credentialstore.h"
#include "views/labelspage.h"
#include "views/mainwindow.h"
#include "views/matrixview.h"
#include "views/publishpage.h"
#include "workspace/workspace.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>
#include <memory>

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
    p.setColor(QPalette::AlternateBase, QColor(0x2b, 0x2d, 0x31));
    p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3c));
    p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x8e, 0xe0));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::PlaceholderText, QColor(0xa0, 0xa0, 0xa0));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(0x78, 0x78, 0x78));
    return p;
}

/** Runs the mrc binary with the test's environment; returns the exit code and stdout. */
int runMrc(const QStringList &arguments, QByteArray *out = nullptr, const QString &workDir = {})
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("MRC_TEST_REGISTRY_PASSWORD"));
    process.setProcessEnvironment(env);
    if (!workDir.isEmpty())
        process.setWorkingDirectory(workDir);
    process.start(qEnvironmentVariable("MRC_BINARY"), arguments);
    if (!process.waitForFinished(240000)) {
        qWarning("mrc %s did not finish", qPrintable(arguments.join(QLatin1Char(' '))));
        return -1;
    }
    if (out)
        *out = process.readAllStandardOutput();
    const QByteArray err = process.readAllStandardError();
    if (process.exitCode() != 0)
        qInfo("mrc %s: exit %d: %s", qPrintable(arguments.join(QLatin1Char(' '))), process.exitCode(), err.constData());
    return process.exitCode();
}

QModelIndex findCell(QAbstractItemModel *shown, const QString &component, const QString &branch)
{
    for (int row = 0; row < shown->rowCount(); ++row) {
        if (shown->headerData(row, Qt::Vertical).toString() != component)
            continue;
        for (int column = 0; column < shown->columnCount(); ++column) {
            if (shown->headerData(column, Qt::Horizontal, MatrixModel::BranchRole).toString() == branch)
                return shown->index(row, column);
        }
    }
    return {};
}

QString text(QAbstractItemModel *model, int row, int column)
{
    return model->index(row, column).data().toString();
}

} // namespace

class TestPublishPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void planMatchesTheCli();
    void pushDoesThePlanAndIsAudited();
    void labelDiffEngineAgainstRegistry();
    void labelDiffExpectedAgainstEngine();
    void driftAfterANewCommit();
    void pushRightsPreflightOnTheTokenRegistry();
    void cleanupTestCase();

private:
    void select(const QStringList &components);

    QTemporaryDir m_dir;
    QString m_manifest;
    QString m_namespace;
    QString m_registry;
    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<MainWindow> m_window;

    /** Shows the tab that holds `page` (a lazy page's tab holds it inside its stand-in). */
    void showPage(QWidget *page)
    {
        for (int i = 0; i < m_window->pages()->count(); ++i) {
            if (m_window->pages()->widget(i)->isAncestorOf(page))
                m_window->pages()->setCurrentIndex(i);
        }
    }
    PublishPage *m_publish = nullptr;
    LabelsPage *m_labels = nullptr;
};

void TestPublishPage::initTestCase()
{
    const QString engine = qEnvironmentVariable("MRC_TEST_DOCKER_HOST");
    const QByteArray bus = qgetenv("MRC_TEST_DBUS_ADDRESS");
    const QByteArray password = qgetenv("MRC_TEST_REGISTRY_PASSWORD");
    m_registry = qEnvironmentVariable("MRC_TEST_REGISTRY");
    if (engine.isEmpty() || bus.isEmpty() || password.isEmpty() || m_registry.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("MRC_TEST_DOCKER_HOST, MRC_TEST_DBUS_ADDRESS or MRC_TEST_REGISTRY* is not set: run through "
                  "scripts/test");
        QSKIP("no engine, keyring or registry: run through scripts/test");
    }
    QVERIFY(m_dir.isValid());
    // Everything the program writes (history, audit, mirrors, settings) stays in the temporary folder; the child
    // `mrc` processes inherit it.
    for (const char *name : {"XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"})
        qputenv(name, m_dir.filePath(QString::fromLatin1(name)).toLocal8Bit());
    qputenv("DOCKER_HOST", engine.toLocal8Bit());
    qputenv("DBUS_SESSION_BUS_ADDRESS", bus);

    const EngineStatus status = EngineProbe::probe(EngineProbe::localEngine(), 5000);
    QVERIFY2(status.reachable, qPrintable(status.error));
    QString error;
    QVERIFY2(DemoWorkspace::create(m_dir.filePath(QStringLiteral("demo")), false, status.majorMinor(), &error),
             qPrintable(error));
    m_manifest = m_dir.filePath(QStringLiteral("demo/release.yaml"));
    m_namespace = QStringLiteral("pubgui%1").arg(QCoreApplication::applicationPid());
    QFile manifest(m_manifest);
    QVERIFY(manifest.open(QIODevice::ReadOnly));
    QByteArray yaml = manifest.readAll();
    manifest.close();
    QVERIFY(yaml.contains("  host: 127.0.0.1:5000\n  namespace: monasca\n"));
    yaml.replace("  host: 127.0.0.1:5000\n  namespace: monasca\n",
                 "  host: " + m_registry.toUtf8() + "\n  namespace: " + m_namespace.toUtf8() + "\n");
    QVERIFY(manifest.open(QIODevice::WriteOnly | QIODevice::Truncate));
    manifest.write(yaml);
    manifest.close();

    // The images to publish, built as a user would.
    QCOMPARE(runMrc({QStringLiteral("build"), QStringLiteral("--manifest"), m_manifest, QStringLiteral("--branch"),
                     QStringLiteral("master"), QStringLiteral("--component"), QStringLiteral("base"),
                     QStringLiteral("--component"), QStringLiteral("api")}),
             0);
    // The credentials go to the keychain only.
    const CredentialResult written = CredentialStore::writeNow(
        {m_registry, qEnvironmentVariable("MRC_TEST_REGISTRY_USER", QStringLiteral("mrc")), password});
    QVERIFY2(written.ok(), qPrintable(written.message));

    m_workspace = std::make_unique<Workspace>();
    m_workspace->setCacheRoot(m_dir.filePath(QStringLiteral("XDG_CACHE_HOME/mrc/mirrors")));
    m_window = std::make_unique<MainWindow>(m_workspace.get());
    m_window->resize(1400, 860);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QSignalSpy finished(m_workspace.get(), &Workspace::scanFinished);
    QVERIFY(m_window->openManifest(m_manifest));
    QVERIFY(finished.wait(60000));

    for (int i = 0; i < m_window->pages()->count(); ++i) {
        // page() builds a page that was not shown yet
        if (auto *page = qobject_cast<PublishPage *>(m_window->page(i)))
            m_publish = page;
        if (auto *page = qobject_cast<LabelsPage *>(m_window->page(i)))
            m_labels = page;
    }
    QVERIFY(m_publish);
    QVERIFY(m_labels);
    new QAbstractItemModelTester(m_publish->planModel(), QAbstractItemModelTester::FailureReportingMode::QtTest, this);
}

void TestPublishPage::select(const QStringList &components)
{
    MatrixView *view = m_window->matrixView();
    view->selectionModel()->clearSelection();
    for (const QString &component : components) {
        const QModelIndex index = findCell(view->model(), component, QStringLiteral("master"));
        QVERIFY(index.isValid());
        QCOMPARE(index.data(MatrixModel::StateRole).toInt(), int(CellState::Ready));
        view->selectionModel()->select(index, QItemSelectionModel::Select);
        view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::NoUpdate);
    }
}

void TestPublishPage::planMatchesTheCli()
{
    select({QStringLiteral("base"), QStringLiteral("api")});
    showPage(m_publish);
    QSignalSpy planned(m_publish, &PublishPage::planned);
    QTest::keyClick(m_window.get(), Qt::Key_P, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(m_publish->isPlanning());
    QVERIFY(planned.wait(60000));
    QVERIFY2(m_publish->planResult().problems.isEmpty(), qPrintable(m_publish->planResult().problems.join('\n')));

    QByteArray json;
    QCOMPARE(runMrc({QStringLiteral("tags"), QStringLiteral("--manifest"), m_manifest, QStringLiteral("--branch"),
                     QStringLiteral("master"), QStringLiteral("--component"), QStringLiteral("base"),
                     QStringLiteral("--component"), QStringLiteral("api"), QStringLiteral("--json")},
                    &json),
             0);
    const QJsonArray cli = QJsonDocument::fromJson(json).object().value(QLatin1String("plan")).toArray();
    QAbstractItemModel *model = m_publish->planModel();
    QVERIFY(cli.size() >= 4); // sha- and branch tags of two images, at least
    QCOMPARE(model->rowCount(), cli.size());
    for (int row = 0; row < model->rowCount(); ++row) {
        const QJsonObject expected = cli.at(row).toObject();
        const QString image = text(model, row, TagPlanModel::ImageColumn);
        QVERIFY2(image.startsWith(expected.value(QLatin1String("repository")).toString() + QStringLiteral(" @ ")),
                 qPrintable(image));
        QVERIFY2(image.startsWith(m_namespace + QLatin1Char('/')), qPrintable(image));
        QCOMPARE(text(model, row, TagPlanModel::TagColumn), expected.value(QLatin1String("tag")).toString());
        QCOMPARE(text(model, row, TagPlanModel::KindColumn), expected.value(QLatin1String("kind")).toString());
        // A fresh namespace: every tag is new.
        QCOMPARE(text(model, row, TagPlanModel::ActionColumn), QStringLiteral("create"));
        QCOMPARE(expected.value(QLatin1String("action")).toString(), QStringLiteral("create"));
        QVERIFY(!model->index(row, TagPlanModel::ActionColumn).data(Qt::DecorationRole).value<QIcon>().isNull());
        QCOMPARE(text(model, row, TagPlanModel::NowColumn), QStringLiteral("—"));
    }
    QVERIFY(m_publish->pushAction()->isEnabled());
    QVERIFY2(m_publish->planSummary().startsWith(QStringLiteral("%1 to create, 0 to move, 0 refused").arg(cli.size())),
             qPrintable(m_publish->planSummary()));
    QVERIFY(m_publish->status()->text().contains(m_publish->planSummary()));
    saveScreenshot(m_window.get(), QStringLiteral("publish-plan"));

    // Push asks first, with the counts; declining changes nothing.
    QString question;
    QTimer::singleShot(0, this, [&question] {
        QTRY_VERIFY(qobject_cast<QMessageBox *>(QApplication::activeModalWidget()));
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        question = box->text();
        box->button(QMessageBox::Cancel)->click();
    });
    QTest::keyClick(m_window.get(), Qt::Key_U, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY2(question.contains(QStringLiteral("%1 to create, 0 to move, 0 refused").arg(cli.size())),
             qPrintable(question));
    QVERIFY(!m_publish->isPushing());
    QVERIFY(m_publish->pushAction()->isEnabled());
}

void TestPublishPage::pushDoesThePlanAndIsAudited()
{
    const int tags = m_publish->planModel()->rowCount();
    QSignalSpy finished(m_publish, &PublishPage::pushFinished);
    m_publish->startPush(); // the Push action asks first; the confirmation is a modal QMessageBox
    QVERIFY(m_publish->isPushing());
    QVERIFY(m_publish->cancelAction()->isEnabled());
    QVERIFY(!m_publish->pushAction()->isEnabled());
    QVERIFY(finished.wait(180000));
    QVERIFY2(finished.first().first().toBool(), qPrintable(m_publish->log()->toPlainText()));
    QVERIFY(!m_publish->isPushing());

    // One progress row per image, full; the pushed image shows its layers.
    QTreeWidget *tree = m_publish->progressTree();
    QCOMPARE(tree->topLevelItemCount(), 2);
    int layers = 0;
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        auto *bar = qobject_cast<QProgressBar *>(tree->itemWidget(tree->topLevelItem(i), 1));
        QVERIFY(bar);
        QCOMPARE(bar->value(), bar->maximum());
        layers += tree->topLevelItem(i)->childCount();
    }
    QVERIFY(layers >= 2);
    QVERIFY(m_publish->log()->toPlainText().contains(QLatin1String("verified sha256:")));
    saveScreenshot(m_window.get(), QStringLiteral("publish-pushed"));

    // The registry has every tag of the plan, each naming the image that was planned.
    RegistryClient registry(m_registry,
                            RegistryCredentials{qEnvironmentVariable("MRC_TEST_REGISTRY_USER", QStringLiteral("mrc")),
                                                qEnvironmentVariable("MRC_TEST_REGISTRY_PASSWORD")});
    QHash<QString, QString> planned; // repository:tag -> digest at the registry
    for (const EnginePlans &engine : m_publish->planResult().engines) {
        for (const CellTagPlan &plan : engine.plans) {
            for (const PlannedTag &t : plan.tags) {
                std::unique_ptr<RegistryReply> reply(registry.manifest(plan.cell.repository, t.tag));
                QVERIFY(reply->waitForFinished(30000));
                QVERIFY2(reply->ok(), qPrintable(reply->errorString()));
                QCOMPARE(reply->manifest().config.digest, plan.cell.imageId);
                planned.insert(plan.cell.repository + QLatin1Char(':') + t.tag, reply->digest());
            }
        }
    }
    QCOMPARE(planned.size(), tags);

    // The audit tab: one row per tag, who pushed it and the digest the registry confirmed.
    m_publish->tabs()->setCurrentIndex(1);
    QAbstractItemModel *audit = m_publish->auditModel();
    QCOMPARE(audit->rowCount(), tags);
    QCOMPARE(m_publish->auditRecords().size(), tags);
    for (const PushRecord &record : m_publish->auditRecords()) {
        QCOMPARE(record.user, qEnvironmentVariable("MRC_TEST_REGISTRY_USER", QStringLiteral("mrc")));
        QVERIFY(record.ok);
        QCOMPARE(record.action, QStringLiteral("create"));
        QCOMPARE(record.digest, planned.value(record.repository + QLatin1Char(':') + record.tag));
    }
    QCOMPARE(text(audit, 0, 1), qEnvironmentVariable("MRC_TEST_REGISTRY_USER", QStringLiteral("mrc")));
    saveScreenshot(m_window.get(), QStringLiteral("publish-audit"));

    // Export, as the buttons do after their file dialog.
    const QString csvPath = m_dir.filePath(QStringLiteral("pushes.csv"));
    const QString jsonPath = m_dir.filePath(QStringLiteral("pushes.json"));
    QString error;
    QVERIFY2(m_publish->exportAudit(csvPath, false, &error), qPrintable(error));
    QVERIFY2(m_publish->exportAudit(jsonPath, true, &error), qPrintable(error));
    QFile csv(csvPath);
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), tags + 1); // a header line
    QFile jsonFile(jsonPath);
    QVERIFY(jsonFile.open(QIODevice::ReadOnly));
    const QJsonDocument document = QJsonDocument::fromJson(jsonFile.readAll());
    const QJsonArray rows =
        document.isArray() ? document.array() : document.object().value(QLatin1String("pushes")).toArray();
    QCOMPARE(rows.size(), tags);
    QVERIFY(!m_publish->exportAudit(m_dir.filePath(QStringLiteral("missing/folder/x.csv")), false, &error));
    QVERIFY(error.contains(QLatin1String("missing/folder")));

    // Planned again: nothing left to do, so Push is off.
    m_publish->tabs()->setCurrentIndex(0);
    QSignalSpy again(m_publish, &PublishPage::planned);
    m_publish->planAction()->trigger();
    QVERIFY(again.wait(60000));
    QCOMPARE(m_publish->planModel()->rowCount(), tags);
    for (int row = 0; row < tags; ++row) {
        QCOMPARE(text(m_publish->planModel(), row, TagPlanModel::ActionColumn), QStringLiteral("unchanged"));
        QCOMPARE(m_publish->planModel()->index(row, TagPlanModel::NowColumn).data(Qt::ToolTipRole).toString(),
                 planned.value(
                     text(m_publish->planModel(), row, TagPlanModel::ImageColumn).section(QStringLiteral(" @ "), 0, 0) +
                     QLatin1Char(':') + text(m_publish->planModel(), row, TagPlanModel::TagColumn)));
    }
    QVERIFY(!m_publish->pushAction()->isEnabled());
}

void TestPublishPage::labelDiffEngineAgainstRegistry()
{
    select({QStringLiteral("api")});
    showPage(m_labels);
    QSignalSpy compared(m_labels, &LabelsPage::compared);
    m_labels->compareWithRegistry();
    QVERIFY(compared.wait(60000));
    QCOMPARE(m_labels->kind(0)->currentText(), QStringLiteral("engine"));
    QCOMPARE(m_labels->source(0)->text(), QStringLiteral("monasca/api:master"));
    QCOMPARE(m_labels->kind(1)->currentText(), QStringLiteral("registry"));
    QCOMPARE(m_labels->source(1)->text(), QStringLiteral("%1/%2/api:master").arg(m_registry, m_namespace));
    QCOMPARE(m_labels->reads().size(), 2);
    QVERIFY2(m_labels->reads().at(0).ok(), qPrintable(m_labels->reads().at(0).error));
    QVERIFY2(m_labels->reads().at(1).ok(), qPrintable(m_labels->reads().at(1).error));
    // The pushed image is the local one: every label is the same, the revision included.
    LabelDiffModel *model = m_labels->model();
    QVERIFY(model->rowCount() >= 6);
    QCOMPARE(model->differences(), 0);
    QVERIFY(m_labels->status()->text().contains(QLatin1String("Every label is the same")));
    m_labels->hideSame()->setChecked(true);
    QCOMPARE(model->rowCount(), 0);
    m_labels->hideSame()->setChecked(false);
    // Compared from a cell, the registry image is checked against the cell: built from its commit, on its base.
    QVERIFY(m_labels->drift().isEmpty());
    QCOMPARE(m_labels->checks()->count(), 2);
    QVERIFY2(m_labels->checks()->item(0)->text().startsWith(QStringLiteral("✔ revision")),
             qPrintable(m_labels->checks()->item(0)->text()));
    saveScreenshot(m_window.get(), QStringLiteral("labels-engine-registry"));

    // Against another image the same table names each change.
    m_labels->setSources(QStringLiteral("engine:monasca/base:master"),
                         QStringLiteral("registry:%1/%2/api:master").arg(m_registry, m_namespace));
    m_labels->compare();
    QVERIFY(compared.wait(60000));
    QVERIFY(model->differences() >= 2);
    bool changedTitle = false;
    for (int row = 0; row < model->rowCount(); ++row) {
        if (text(model, row, LabelDiffModel::KeyColumn) == QLatin1String("org.opencontainers.image.title")) {
            changedTitle = text(model, row, LabelDiffModel::ChangeColumn) == QLatin1String("changed");
            QVERIFY(!model->index(row, LabelDiffModel::ChangeColumn).data(Qt::DecorationRole).value<QIcon>().isNull());
        }
    }
    QVERIFY(changedTitle);
    const QPalette light = QApplication::palette();
    QApplication::setPalette(darkPalette());
    saveScreenshot(m_window.get(), QStringLiteral("labels-base-api-dark"));
    QApplication::setPalette(light);

    // A bad source is refused before anything is read.
    m_labels->kind(1)->setCurrentText(QStringLiteral("registry"));
    m_labels->source(1)->setText(QStringLiteral("monasca/api"));
    m_labels->compare();
    QVERIFY(!m_labels->isComparing());
    QVERIFY2(m_labels->status()->text().contains(QLatin1String("registry host is missing")),
             qPrintable(m_labels->status()->text()));
}

void TestPublishPage::labelDiffExpectedAgainstEngine()
{
    select({QStringLiteral("api")});
    QSignalSpy compared(m_labels, &LabelsPage::compared);
    m_window->activateWindow(); // the confirmation box had it
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    m_labels->source(0)->setFocus();
    QTest::keyClick(m_labels->source(0), Qt::Key_E, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(compared.wait(60000));
    QCOMPARE(m_labels->kind(0)->currentText(), QStringLiteral("cell"));
    QVERIFY(m_labels->source(0)->text().startsWith(QLatin1String("api@master@")));
    QVERIFY2(m_labels->reads().at(0).ok(), qPrintable(m_labels->reads().at(0).error));
    QVERIFY2(m_labels->reads().at(1).ok(), qPrintable(m_labels->reads().at(1).error));
    // The build adds its time, which no expectation can know. Every other label is expected with its value: the
    // base's ONBUILD LABELs (url, constraints_uri, common.*, ...) with the build script's arguments, and mrc's own.
    LabelDiffModel *model = m_labels->model();
    QStringList keys;
    for (int row = 0; row < model->rowCount(); ++row) {
        const QString key = text(model, row, LabelDiffModel::KeyColumn);
        const QString change = text(model, row, LabelDiffModel::ChangeColumn);
        keys << key;
        if (key == QLatin1String("org.opencontainers.image.created"))
            QCOMPARE(change, QStringLiteral("added"));
        else
            QVERIFY2(change == QLatin1String("same"), qPrintable(key + ' ' + change));
    }
    QVERIFY2(keys.contains(QStringLiteral("org.opencontainers.image.url")) &&
                 keys.contains(QStringLiteral("org.openstack.constraints_uri")) &&
                 keys.contains(QStringLiteral("org.openstack.constraints_branch")), // the demo base's own LABEL
             qPrintable(keys.join(QLatin1Char(' '))));
    // The policy checks: the image was built from the cell's commit and on its base's commit.
    QListWidget *checks = m_labels->checks();
    QCOMPARE(checks->count(), 2);
    QVERIFY2(checks->item(0)->text().startsWith(QStringLiteral("✔ revision")), qPrintable(checks->item(0)->text()));
    QVERIFY2(checks->item(1)->text().startsWith(QStringLiteral("✔ base revision")),
             qPrintable(checks->item(1)->text()));
    QVERIFY(!checks->item(0)->icon().isNull());
    saveScreenshot(m_window.get(), QStringLiteral("labels-expected-engine"));
}

void TestPublishPage::driftAfterANewCommit()
{
    // A new commit on api's master: the published master image now lags one commit behind the branch.
    const QString work = m_dir.filePath(QStringLiteral("api-work"));
    const QString repo = m_dir.filePath(QStringLiteral("demo/repos/monasca-api.git"));
    const QList<QStringList> steps{{QStringLiteral("clone"), QStringLiteral("-q"), repo, work},
                                   {QStringLiteral("-C"), work, QStringLiteral("-c"), QStringLiteral("user.name=T"),
                                    QStringLiteral("-c"), QStringLiteral("user.email=t@example.org"),
                                    QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("--allow-empty"),
                                    QStringLiteral("-m"), QStringLiteral("One more change")},
                                   {QStringLiteral("-C"), work, QStringLiteral("push"), QStringLiteral("-q"),
                                    QStringLiteral("origin"), QStringLiteral("master")}};
    for (const QStringList &args : steps)
        QCOMPARE(QProcess::execute(QStringLiteral("git"), args), 0);
    QSignalSpy scanned(m_workspace.get(), &Workspace::scanFinished);
    m_workspace->scan(true);
    QVERIFY(scanned.wait(60000));

    select({QStringLiteral("api")});
    const Cell cell = m_window->matrixView()
                          ->model()
                          ->data(m_window->matrixView()->currentIndex(), MatrixModel::CellRole)
                          .value<Cell>();
    QSignalSpy compared(m_labels, &LabelsPage::compared);
    m_labels->compareWithRegistry();
    QVERIFY(compared.wait(60000));
    const QString built = m_labels->reads().at(1).labels.value(QStringLiteral("org.opencontainers.image.revision"));
    QVERIFY(!built.isEmpty());
    QVERIFY(built != cell.commit);
    QCOMPARE(m_labels->drift(),
             QStringLiteral("registry master was built from %1, the branch is now at %2, 1 commit ahead")
                 .arg(built.left(7), cell.commit.left(7)));
    QVERIFY(m_labels->status()->text().contains(m_labels->drift()));
    QVERIFY2(m_labels->checks()->item(0)->text().startsWith(QStringLiteral("✘ revision")),
             qPrintable(m_labels->checks()->item(0)->text()));
    // The matrix says so too, in the tooltip of the branch's api cells.
    const QString tip = m_window->matrixView()->currentIndex().data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(QStringLiteral("Drift: registry master was built from %1").arg(built.left(7))),
             qPrintable(tip));
    saveScreenshot(m_window.get(), QStringLiteral("labels-drift"));
}

void TestPublishPage::pushRightsPreflightOnTheTokenRegistry()
{
    const QString token = qEnvironmentVariable("MRC_TEST_TOKEN_REGISTRY");
    if (token.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("MRC_TEST_TOKEN_REGISTRY is not set: run through scripts/test");
        QSKIP("no token registry: run through scripts/test");
    }
    const QString user = qEnvironmentVariable("MRC_TEST_REGISTRY_USER", QStringLiteral("mrc"));
    // The same workspace, published to the registry with Docker Hub's Bearer flow, which gives anonymous users pull
    // rights only. The base image did not change since it was built (the drift test moved api only).
    QFile original(m_manifest);
    QVERIFY(original.open(QIODevice::ReadOnly));
    QByteArray yaml = original.readAll();
    const QByteArray host = "  host: " + m_registry.toUtf8() + "\n";
    QVERIFY(yaml.contains(host));
    yaml.replace(host, "  host: " + token.toUtf8() + "\n");
    const QString tokenManifest = m_dir.filePath(QStringLiteral("demo/token-release.yaml"));
    QFile copy(tokenManifest);
    QVERIFY(copy.open(QIODevice::WriteOnly | QIODevice::Truncate));
    copy.write(yaml);
    copy.close();
    const CredentialResult removed = CredentialStore::removeNow(token);
    QVERIFY2(removed.ok(), qPrintable(removed.message));
    QSignalSpy scanned(m_workspace.get(), &Workspace::scanFinished);
    QVERIFY(m_window->openManifest(tokenManifest));
    QVERIFY(scanned.wait(60000));
    showPage(m_publish);

    const auto planBase = [this] {
        select({QStringLiteral("base")});
        QSignalSpy planned(m_publish, &PublishPage::planned);
        m_publish->plan();
        QVERIFY(planned.wait(60000));
    };
    planBase();
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(m_publish->planResult().problems.isEmpty(), qPrintable(m_publish->planResult().problems.join('\n')));
    QAbstractItemModel *model = m_publish->planModel();
    QVERIFY(model->rowCount() >= 2); // the sha- and the branch tag
    for (int row = 0; row < model->rowCount(); ++row)
        QCOMPARE(text(model, row, TagPlanModel::ActionColumn), QStringLiteral("create"));
    QVERIFY2(m_publish->status()->text().contains(QLatin1String("No credentials for ")),
             qPrintable(m_publish->status()->text()));
    QVERIFY(m_publish->pushAction()->isEnabled());

    // Anonymous: the preflight finds no push rights, and nothing is pushed or recorded.
    const int audited = int(m_publish->auditRecords().size());
    QSignalSpy finished(m_publish, &PublishPage::pushFinished);
    m_publish->startPush();
    QVERIFY(m_publish->isPushing());
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.first().first().toBool(), false);
    QVERIFY2(m_publish->status()->text().contains(QLatin1String("no push rights")),
             qPrintable(m_publish->status()->text()));
    QVERIFY2(m_publish->log()->toPlainText().contains(QLatin1String("no push rights")),
             qPrintable(m_publish->log()->toPlainText()));
    QVERIFY(!m_publish->log()->toPlainText().contains(QLatin1String("verified sha256:")));
    RegistryClient registry(token, RegistryCredentials{user, qEnvironmentVariable("MRC_TEST_REGISTRY_PASSWORD")});
    const CellTagPlan base = m_publish->planResult().engines.value(0).plans.value(0);
    QVERIFY(!base.tags.isEmpty());
    for (const PlannedTag &t : base.tags) {
        std::unique_ptr<RegistryReply> reply(registry.manifest(base.cell.repository, t.tag));
        QVERIFY(reply->waitForFinished(30000));
        QVERIFY2(!reply->ok(), qPrintable(t.tag));
    }
    m_publish->refreshAudit();
    QCOMPARE(int(m_publish->auditRecords().size()), audited);
    saveScreenshot(m_window.get(), QStringLiteral("publish-no-push-rights"));

    // With the credentials in the keychain: the login and the push rights hold, and the plan is carried out.
    const CredentialResult written = CredentialStore::writeNow({token, user, qgetenv("MRC_TEST_REGISTRY_PASSWORD")});
    QVERIFY2(written.ok(), qPrintable(written.message));
    planBase();
    if (QTest::currentTestFailed())
        return;
    QVERIFY(!m_publish->status()->text().contains(QLatin1String("No credentials for ")));
    finished.clear();
    m_publish->startPush();
    QVERIFY(finished.wait(180000));
    QVERIFY2(finished.first().first().toBool(), qPrintable(m_publish->log()->toPlainText()));
    QVERIFY2(m_publish->log()->toPlainText().contains(QLatin1String("Push rights checked on 1 repository")),
             qPrintable(m_publish->log()->toPlainText()));
    for (const PlannedTag &t : base.tags) {
        std::unique_ptr<RegistryReply> reply(registry.manifest(base.cell.repository, t.tag));
        QVERIFY(reply->waitForFinished(30000));
        QVERIFY2(reply->ok(), qPrintable(reply->errorString()));
        QCOMPARE(reply->manifest().config.digest, base.cell.imageId);
    }
}

void TestPublishPage::cleanupTestCase()
{
    m_window.reset();
    m_workspace.reset();
}

QTEST_MAIN(TestPublishPage)
#include "tst_publishpage.moc"
