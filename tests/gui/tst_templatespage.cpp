// SPDX-License-Identifier: Apache-2.0
// The Templates page on git repositories made from the corpus: pick monasca-api's api-config.ini.j2, edit a
// variable in the table, see the rendered output change, reset it, and compare two branches. Saves screenshots.
#include "common/corpusrepos.h"
#include "manifest/manifestparser.h"
#include "views/templatespage.h"
#include "workspace/workspace.h"

#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
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

int rowOf(QTableWidget *table, const QString &name)
{
    for (int row = 0; row < table->rowCount(); ++row) {
        if (table->item(row, 0) && table->item(row, 0)->text() == name)
            return row;
    }
    return -1;
}

} // namespace

class TestTemplatesPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void rendersAndFollowsAVariable();
    void problemsJumpToTheirLine();
    void comparesBranches();

private:
    QTemporaryDir m_dir;
    test::CorpusRepos m_repos;
    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<TemplatesPage> m_page;
};

void TestTemplatesPage::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    QString error;
    QVERIFY2(test::CorpusRepos::create(m_dir.path(), &m_repos, &error), qPrintable(error));
    const ManifestResult loaded = ManifestParser::load(m_repos.manifestPath);
    QVERIFY(loaded.ok());
    m_workspace = std::make_unique<Workspace>();
    m_workspace->setCacheRoot(m_dir.filePath(QStringLiteral("cache")));
    m_workspace->setManifest(loaded.manifest);
    m_page = std::make_unique<TemplatesPage>(m_workspace.get());
    m_page->resize(1500, 950);
    m_page->show();
}

void TestTemplatesPage::rendersAndFollowsAVariable()
{
    m_page->setSelection(QStringLiteral("api"), QStringLiteral("master"), QStringLiteral("api-config.ini.j2"));
    QTRY_VERIFY_WITH_TIMEOUT(
        !m_page->isBusy() && m_page->lastResult().templatePath == QLatin1String("api-config.ini.j2"), 60000);
    QVERIFY2(m_page->outputText().contains(QLatin1String("port = 8070\n")), qPrintable(m_page->outputText()));
    QCOMPARE(m_page->findChild<QComboBox *>(QStringLiteral("templatePicker"))->currentText(),
             QStringLiteral("api-config.ini.j2"));

    auto *templateView = m_page->findChild<QTextBrowser *>(QStringLiteral("templateView"));
    QTRY_VERIFY(templateView->toPlainText().contains(QLatin1String("{{ MONASCA_CONTAINER_API_PORT }}")));
    QVERIFY2(templateView->toPlainText().startsWith(QLatin1String(" 1 [DEFAULT]")),
             qPrintable(templateView->toPlainText().left(40)));

    auto *table = m_page->findChild<QTableWidget *>(QStringLiteral("variableTable"));
    const int row = rowOf(table, QStringLiteral("MONASCA_CONTAINER_API_PORT"));
    QVERIFY(row >= 0);
    QCOMPARE(table->item(row, 1)->text(), QStringLiteral("8070"));
    QVERIFY2(table->item(row, 2)->text().startsWith(QLatin1String("docker/Dockerfile:")),
             qPrintable(table->item(row, 2)->text()));
    QVERIFY(rowOf(table, QStringLiteral("PYTHONIOENCODING")) >= 0); // from the base image's Dockerfile
    QVERIFY(
        table->item(rowOf(table, QStringLiteral("PYTHONIOENCODING")), 2)->text().startsWith(QLatin1String("base ")));

    table->item(row, 1)->setText(QStringLiteral("9999")); // as the user's edit does
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy() && m_page->outputText().contains(QLatin1String("port = 9999\n")), 30000);
    const int edited = rowOf(table, QStringLiteral("MONASCA_CONTAINER_API_PORT"));
    QCOMPARE(table->item(edited, 2)->text(), QStringLiteral("user"));
    auto *reset = table->findChild<QToolButton *>(QStringLiteral("reset_MONASCA_CONTAINER_API_PORT"));
    QVERIFY(reset);
    saveScreenshot(m_page.get(), QStringLiteral("templates-page"));

    reset->click();
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy() && m_page->outputText().contains(QLatin1String("port = 8070\n")), 30000);
}

void TestTemplatesPage::problemsJumpToTheirLine()
{
    m_page->setVariable(QStringLiteral("UNUSED"), QStringLiteral("x"));
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy(), 30000);
    auto *templateView = m_page->findChild<QTextBrowser *>(QStringLiteral("templateView"));
    m_page->jumpToLine(20);
    QCOMPARE(templateView->textCursor().blockNumber(), 19);
    QCOMPARE(templateView->extraSelections().size(), 1);
    m_page->resetVariable(QStringLiteral("UNUSED"));
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy(), 30000);
}

void TestTemplatesPage::comparesBranches()
{
    m_page->setSelection(QStringLiteral("api"), QStringLiteral("master"), QStringLiteral("monasca-api.conf.j2"));
    m_page->compareWithBranch(QStringLiteral("unmaintained/2023.1"));
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy() &&
                                 m_page->lastResult().templatePath == QLatin1String("monasca-api.conf.j2") &&
                                 !m_page->lastResult().compareTitle.isEmpty(),
                             60000);
    QVERIFY2(m_page->lastResult().compareError.isEmpty(), qPrintable(m_page->lastResult().compareError));
    auto *outputView = m_page->findChild<QTextBrowser *>(QStringLiteral("outputView"));
    QVERIFY(outputView->toPlainText().contains(QLatin1String("  [DEFAULT]")));
    saveScreenshot(m_page.get(), QStringLiteral("templates-compare"));

    m_page->compareWithDefaults();
    m_page->setVariable(QStringLiteral("KAFKA_URI"), QStringLiteral("kafka.example:9092"));
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->isBusy() && m_page->lastResult().compareTitle.contains(QLatin1String("defaults")),
                             30000);
    QTRY_VERIFY(outputView->toPlainText().contains(QLatin1String("+ uri = kafka.example:9092")) &&
                outputView->toPlainText().contains(QLatin1String("- uri = kafka:9092")));
    saveScreenshot(m_page.get(), QStringLiteral("templates-compare-edits"));
    m_page->stopComparing();
}

QTEST_MAIN(TestTemplatesPage)
#include "tst_templatespage.moc"
