// SPDX-License-Identifier: Apache-2.0
// `mrc render --all` on git repositories made from the corpus: every template Jinja2 can render with the
// Dockerfile defaults must come out byte-identical to an independent templer-style render
// (tests/fixtures/render/templer_reference.py); every other one must be reported with the same cause and line.
#include "common/corpusrepos.h"
#include "manifest/manifestparser.h"
#include "render/celltemplates.h"
#include "render/templatevariables.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace mrc;

class TestCorpusRender : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void renderAllMatchesJinja2();
    void renderOneWithSet();
    void badInput_data();
    void badInput();

private:
    int runMrc(const QStringList &arguments, QByteArray *out, QByteArray *err = nullptr);

    QTemporaryDir m_dir;
    test::CorpusRepos m_repos;
};

int TestCorpusRender::runMrc(const QStringList &arguments, QByteArray *out, QByteArray *err)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath(QStringLiteral("cache")));
    process.setProcessEnvironment(env);
    process.start(qEnvironmentVariable("MRC_BINARY"), arguments);
    if (!process.waitForFinished(120000))
        return -1;
    *out = process.readAllStandardOutput();
    if (err)
        *err = process.readAllStandardError();
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

void TestCorpusRender::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(!qEnvironmentVariableIsEmpty("MRC_BINARY"), "run through ctest (MRC_BINARY)");
    QString error;
    QVERIFY2(test::CorpusRepos::create(m_dir.path(), &m_repos, &error), qPrintable(error));
}

void TestCorpusRender::renderAllMatchesJinja2()
{
    QByteArray out;
    QByteArray err;
    const int code = runMrc({QStringLiteral("render"), QStringLiteral("--all"), QStringLiteral("--json"),
                             QStringLiteral("--manifest"), m_repos.manifestPath},
                            &out, &err);
    QVERIFY2(code == 0 || code == 1, err.constData());
    const QJsonArray rows = QJsonDocument::fromJson(out).object().value(QStringLiteral("templates")).toArray();
    QVERIFY2(rows.size() >= 80, qPrintable(QString::number(rows.size())));

    // The independent reference, with the same Dockerfile defaults.
    const ManifestResult manifest = ManifestParser::load(m_repos.manifestPath);
    QVERIFY(manifest.ok());
    const QString cache = m_dir.filePath(QStringLiteral("testcache"));
    QHash<QString, CellTemplates> cells;
    QByteArray requests;
    for (int i = 0; i < rows.size(); ++i) {
        const QJsonObject row = rows.at(i).toObject();
        const QString key = row.value(QStringLiteral("component")).toString() + QLatin1Char('@') +
                            row.value(QStringLiteral("branch")).toString();
        if (!cells.contains(key))
            cells.insert(key, CellTemplates::load(manifest.manifest, row.value(QStringLiteral("component")).toString(),
                                                  row.value(QStringLiteral("branch")).toString(), cache));
        const CellTemplates &cell = cells[key];
        QVERIFY2(cell.ok(), qPrintable(cell.error));
        QCOMPARE(row.value(QStringLiteral("commit")).toString(), cell.commit);
        TemplateVariables variables;
        variables.setDockerfiles(cell.baseDockerfile, {}, cell.dockerfile, {});
        QJsonObject vars;
        const auto env = variables.environment();
        for (auto it = env.cbegin(); it != env.cend(); ++it)
            vars.insert(it.key(), it.value());
        const TemplateFile *file = cell.find(row.value(QStringLiteral("template")).toString());
        QVERIFY(file);
        requests += QJsonDocument(QJsonObject{{QStringLiteral("id"), i},
                                              {QStringLiteral("template"), file->text},
                                              {QStringLiteral("variables"), vars}})
                        .toJson(QJsonDocument::Compact) +
                    '\n';
    }
    QProcess python;
    python.start(QStringLiteral("/usr/bin/python3"),
                 {qEnvironmentVariable("MRC_TEST_FIXTURES") + QStringLiteral("/render/templer_reference.py")});
    python.write(requests);
    python.closeWriteChannel();
    QVERIFY(python.waitForFinished(60000));
    QCOMPARE(python.exitCode(), 0);
    const QList<QByteArray> answers = python.readAllStandardOutput().trimmed().split('\n');
    QCOMPARE(answers.size(), rows.size());

    int ok = 0;
    int failing = 0;
    for (int i = 0; i < rows.size(); ++i) {
        const QJsonObject row = rows.at(i).toObject();
        const QJsonObject reference = QJsonDocument::fromJson(answers.at(i)).object();
        const QString what =
            QStringLiteral("%1 %2 %3")
                .arg(row.value(QStringLiteral("component")).toString(), row.value(QStringLiteral("branch")).toString(),
                     row.value(QStringLiteral("template")).toString());
        const QString status = reference.value(QStringLiteral("status")).toString();
        QVERIFY2(row.value(QStringLiteral("status")).toString() == status,
                 qPrintable(what + QStringLiteral(": mrc says %1, Jinja2 says %2 (%3)")
                                       .arg(row.value(QStringLiteral("status")).toString(), status,
                                            reference.value(QStringLiteral("message")).toString())));
        if (status == QLatin1String("ok")) {
            ++ok;
            QVERIFY2(row.value(QStringLiteral("output")).toString() ==
                         reference.value(QStringLiteral("output")).toString(),
                     qPrintable(what + QStringLiteral(": output differs")));
            continue;
        }
        ++failing;
        const int line = reference.value(QStringLiteral("line")).toInt();
        QStringList lines;
        bool found = false;
        for (const QJsonValue &problem : row.value(QStringLiteral("problems")).toArray()) {
            lines.append(QString::number(problem.toObject().value(QStringLiteral("line")).toInt()));
            found = found || problem.toObject().value(QStringLiteral("line")).toInt() == line;
        }
        QVERIFY2(found, qPrintable(what + QStringLiteral(": Jinja2 stops at line %1 (%2), mrc reports lines %3")
                                              .arg(line)
                                              .arg(reference.value(QStringLiteral("message")).toString(),
                                                   lines.join(QLatin1Char(',')))));
        qInfo("%s: %s at line %d: %s", qPrintable(what), qPrintable(status), line,
              qPrintable(reference.value(QStringLiteral("message")).toString()));
    }
    qInfo("%d templates: %d identical to Jinja2, %d failing with the same line", int(rows.size()), ok, failing);
    QVERIFY(ok > 0);
    QCOMPARE(code, failing > 0 ? 1 : 0);
}

void TestCorpusRender::renderOneWithSet()
{
    QByteArray out;
    QByteArray err;
    const int code =
        runMrc({QStringLiteral("render"), QStringLiteral("--manifest"), m_repos.manifestPath,
                QStringLiteral("--component"), QStringLiteral("api"), QStringLiteral("--branch"),
                QStringLiteral("master"), QStringLiteral("--template"), QStringLiteral("api-config.ini.j2"),
                QStringLiteral("--set"), QStringLiteral("MONASCA_CONTAINER_API_PORT=9999")},
               &out, &err);
    QVERIFY2(code == 0, err.constData());
    QVERIFY2(out.contains("port = 9999\n"), out.constData());
    QVERIFY(out.endsWith('\n'));
}

void TestCorpusRender::badInput_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addRow("unknown component") << QStringList{"--component", "nope", "--branch", "master"};
    QTest::addRow("missing branch") << QStringList{"--component", "api"};
    QTest::addRow("bad set") << QStringList{"--component", "api", "--branch", "master", "--set", "NOEQUALS"};
    QTest::addRow("unknown template") << QStringList{"--component", "api", "--branch", "master", "--template", "x.j2"};
    QTest::addRow("missing context file")
        << QStringList{"--component", "api", "--branch", "master", "--context", "/nonexistent.yaml"};
}

void TestCorpusRender::badInput()
{
    QFETCH(QStringList, arguments);
    QByteArray out;
    QByteArray err;
    QCOMPARE(
        runMrc(QStringList{QStringLiteral("render"), QStringLiteral("--manifest"), m_repos.manifestPath} + arguments,
               &out, &err),
        2);
    QVERIFY(err.startsWith("mrc render: "));
}

QTEST_GUILESS_MAIN(TestCorpusRender)
#include "tst_corpusrender.moc"
