// SPDX-License-Identifier: Apache-2.0
// Engines from the docker CLI: contexts made with the real `docker context create` (in a private DOCKER_CONFIG),
// DOCKER_HOST with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, a manifest engine that names a context, an engine
// imported from a context building a demo cell on the test services' engine, and `mrc engines --json`.
#include "demo/demoworkspace.h"
#include "engine/enginecall.h"
#include "engine/engineclient.h"
#include "engine/engineprobe.h"
#include "jobs/buildplan.h"
#include "jobs/buildrunner.h"
#include "manifest/dockercontext.h"
#include "manifest/manifestparser.h"
#include "workspace/engineoverview.h"
#include "workspace/workspacescan.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace mrc;

namespace {

bool runTool(const QString &program, const QStringList &arguments, QString *output = nullptr)
{
    QProcess process;
    process.start(program, arguments);
    if (!process.waitForFinished(60000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        qWarning("%s %s: %s", qPrintable(program), qPrintable(arguments.join(QLatin1Char(' '))),
                 process.readAllStandardError().constData());
        return false;
    }
    if (output)
        *output = QString::fromUtf8(process.readAllStandardOutput());
    return true;
}

QString sha256(const QString &text)
{
    return QString::fromLatin1(QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha256).toHex());
}

} // namespace

class TestDockerContexts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void listsTheCliContexts();
    void dockerHostEnvironment();
    void manifestNamesAContext();
    void importedContextBuildsACell();
    void enginesCommandJson();

private:
    QTemporaryDir m_dir;
    QString m_config;
    QString m_host;
    QString m_docker;
};

void TestDockerContexts::initTestCase()
{
    m_host = qEnvironmentVariable("MRC_TEST_DOCKER_HOST");
    if (m_host.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("MRC_TEST_DOCKER_HOST is not set: scripts/test starts the private engine and sets it");
        QSKIP("no private engine: run through scripts/test");
    }
    if (QStandardPaths::findExecutable(QStringLiteral("docker")).isEmpty())
        QFAIL("the docker CLI is not on PATH (package docker.io)");
    QVERIFY(m_dir.isValid());
    QStandardPaths::setTestModeEnabled(true);
    m_config = m_dir.filePath(QStringLiteral("docker-config"));
    qputenv("DOCKER_CONFIG", m_config.toLocal8Bit());
    qunsetenv("DOCKER_CONTEXT");
    qunsetenv("DOCKER_TLS_VERIFY");
    qunsetenv("DOCKER_CERT_PATH");

    // A TLS context needs PEM files; docker context create copies them into its store.
    const QString certs = m_dir.filePath(QStringLiteral("certs"));
    QVERIFY(QDir().mkpath(certs));
    QVERIFY(
        runTool(QStringLiteral("openssl"),
                {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                 QStringLiteral("-nodes"), QStringLiteral("-keyout"), certs + QStringLiteral("/key.pem"),
                 QStringLiteral("-out"), certs + QStringLiteral("/cert.pem"), QStringLiteral("-subj"),
                 QStringLiteral("/CN=mrc-test"), QStringLiteral("-days"), QStringLiteral("1")}));
    QVERIFY(QFile::copy(certs + QStringLiteral("/cert.pem"), certs + QStringLiteral("/ca.pem")));

    QVERIFY(runTool(QStringLiteral("docker"),
                    {QStringLiteral("context"), QStringLiteral("create"), QStringLiteral("mrc-services"),
                     QStringLiteral("--description"), QStringLiteral("the test services' engine"),
                     QStringLiteral("--docker"), QStringLiteral("host=") + m_host}));
    QVERIFY(runTool(
        QStringLiteral("docker"),
        {QStringLiteral("context"), QStringLiteral("create"), QStringLiteral("mrc-remote"), QStringLiteral("--docker"),
         QStringLiteral("host=tcp://127.0.0.1:1,ca=%1/ca.pem,cert=%1/cert.pem,key=%1/key.pem").arg(certs)}));
    QVERIFY(runTool(QStringLiteral("docker"),
                    {QStringLiteral("context"), QStringLiteral("use"), QStringLiteral("mrc-services")}));

    const EngineStatus status = EngineProbe::probe(EngineSpec{QStringLiteral("probe"), m_host, {}, {}, {}, 0}, 5000);
    QVERIFY2(status.reachable, qPrintable(status.error));
    m_docker = status.majorMinor();
}

void TestDockerContexts::listsTheCliContexts()
{
    // The layout the CLI wrote: meta.json under the name's digest, TLS files under the same digest.
    QVERIFY(QFile::exists(m_config + QStringLiteral("/contexts/meta/") + sha256(QStringLiteral("mrc-services")) +
                          QStringLiteral("/meta.json")));
    QStringList problems;
    const QList<DockerContext> contexts = DockerContext::list({}, &problems);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    QStringList names;
    for (const DockerContext &context : contexts)
        names.append(context.name);
    QCOMPARE(names,
             (QStringList{QStringLiteral("default"), QStringLiteral("mrc-remote"), QStringLiteral("mrc-services")}));

    const DockerContext &services = contexts[2];
    QCOMPARE(services.host, m_host);
    QCOMPARE(services.description, QStringLiteral("the test services' engine"));
    QVERIFY(services.current);
    QVERIFY(services.tls.isEmpty());
    QVERIFY(!contexts[0].current);

    const DockerContext &remote = contexts[1];
    QCOMPARE(remote.host, QStringLiteral("tcp://127.0.0.1:1"));
    const QString tlsDir =
        m_config + QStringLiteral("/contexts/tls/") + sha256(QStringLiteral("mrc-remote")) + QStringLiteral("/docker");
    QCOMPARE(remote.tls.ca, tlsDir + QStringLiteral("/ca.pem"));
    QCOMPARE(remote.tls.cert, tlsDir + QStringLiteral("/cert.pem"));
    QCOMPARE(remote.tls.key, tlsDir + QStringLiteral("/key.pem"));
    QVERIFY(QFile::exists(remote.tls.key));
    QCOMPARE(EngineOverview::transportOf(remote.toEngine()), QStringLiteral("tcp+tls"));
    QCOMPARE(EngineOverview::transportOf(services.toEngine()), QStringLiteral("unix"));

    DockerContext found;
    QString error;
    QVERIFY(!DockerContext::find(QStringLiteral("nope"), &found, &error));
    QVERIFY2(error.contains(QLatin1String("no Docker context 'nope'")), qPrintable(error));
}

void TestDockerContexts::dockerHostEnvironment()
{
    qputenv("DOCKER_HOST", "tcp://127.0.0.1:2376");
    qputenv("DOCKER_TLS_VERIFY", "1");
    qputenv("DOCKER_CERT_PATH", "/etc/mrc-test-certs");
    const DockerContext context = DockerContext::fromEnvironment();
    qunsetenv("DOCKER_HOST");
    qunsetenv("DOCKER_TLS_VERIFY");
    qunsetenv("DOCKER_CERT_PATH");
    QCOMPARE(context.name, QStringLiteral("default"));
    QCOMPARE(context.host, QStringLiteral("tcp://127.0.0.1:2376"));
    QCOMPARE(context.tls.ca, QStringLiteral("/etc/mrc-test-certs/ca.pem"));
    QCOMPARE(context.tls.key, QStringLiteral("/etc/mrc-test-certs/key.pem"));
    QCOMPARE(DockerContext::fromEnvironment().host, QStringLiteral("unix:///var/run/docker.sock"));
}

void TestDockerContexts::manifestNamesAContext()
{
    const QByteArray head = "version: 1\nengines:\n";
    const QByteArray tail =
        "branches:\n  - name: master\n    docker: [\"20.10\"]\n"
        "components:\n  - name: api\n    image: monasca/api\n    repo: /nowhere\n    context: docker\n";
    ManifestResult result = ManifestParser::parse(
        head + "  - name: services\n    context: mrc-services\n    jobs: 3\n" + tail, QStringLiteral("release.yaml"));
    QVERIFY2(result.ok(), qPrintable(result.problems.isEmpty() ? QString() : result.problems.first().toString()));
    QCOMPARE(result.manifest.engines.size(), 1);
    QCOMPARE(result.manifest.engines[0].host, m_host);
    QCOMPARE(result.manifest.engines[0].context, QStringLiteral("mrc-services"));
    QCOMPARE(result.manifest.engines[0].jobs, 3);

    result = ManifestParser::parse(head + "  - name: gone\n    context: no-such-context\n" + tail,
                                   QStringLiteral("release.yaml"));
    QCOMPARE(result.problems.size(), 1);
    const QString problem = result.problems.first().toString();
    QVERIFY2(problem.startsWith(QLatin1String("release.yaml:4:")), qPrintable(problem));
    QVERIFY2(problem.contains(QLatin1String("no Docker context 'no-such-context'")), qPrintable(problem));

    result =
        ManifestParser::parse(head + "  - name: both\n    host: unix:///x.sock\n    context: mrc-services\n" + tail,
                              QStringLiteral("release.yaml"));
    QCOMPARE(result.problems.size(), 1);
    QVERIFY2(result.problems.first().toString().contains(QLatin1String("both 'host' and 'context'")),
             qPrintable(result.problems.first().toString()));

    result = ManifestParser::parse(head + "  - name: busy\n    host: unix:///x.sock\n    jobs: 0\n" + tail,
                                   QStringLiteral("release.yaml"));
    QCOMPARE(result.problems.size(), 1);
    QVERIFY(result.problems.first().toString().startsWith(QLatin1String("release.yaml:5:")));
}

void TestDockerContexts::importedContextBuildsACell()
{
    QString error;
    QVERIFY2(DemoWorkspace::create(m_dir.filePath(QStringLiteral("demo")), false, m_docker, &error), qPrintable(error));
    const ManifestResult loaded = ManifestParser::load(m_dir.filePath(QStringLiteral("demo/release.yaml")));
    QVERIFY(loaded.ok());
    DockerContext context;
    QVERIFY2(DockerContext::find(QStringLiteral("mrc-services"), &context, &error), qPrintable(error));
    Manifest manifest = loaded.manifest;
    manifest.engines = {context.toEngine()};
    manifest.branches = {BranchSpec{QStringLiteral("master"), {m_docker}, {}, {}, {}}};

    ScanOptions scanOptions;
    scanOptions.cacheRoot = m_dir.filePath(QStringLiteral("cache"));
    WorkspaceScan scan(manifest, scanOptions);
    scan.run();
    QVERIFY2(scan.engines().first().reachable, qPrintable(scan.engines().first().error));
    QList<Cell> base;
    for (const Cell &cell : scan.cells()) {
        if (cell.component == QLatin1String("base"))
            base.append(cell);
    }
    QCOMPARE(base.size(), 1);
    QCOMPARE(base.first().state, CellState::Ready);
    const BuildPlan plan =
        BuildPlan::make(manifest, scan.cells(), base, scan.engines(), QDateTime::currentDateTimeUtc());
    QCOMPARE(plan.jobs.size(), 1);
    QCOMPARE(plan.jobs.first().engine, QStringLiteral("mrc-services"));

    BuildOptions options;
    options.noCache = true;
    options.cacheRoot = scanOptions.cacheRoot;
    options.historyPath = m_dir.filePath(QStringLiteral("history/history.sqlite"));
    options.logDirectory = m_dir.filePath(QStringLiteral("history/logs"));
    BuildRunner runner(manifest, plan, options);
    QSignalSpy finished(&runner, &BuildRunner::finished);
    runner.start();
    QVERIFY(finished.wait(120000));
    const JobUpdate job = runner.jobs().first();
    QVERIFY2(job.state == JobState::Built, qPrintable(jobStateName(job.state) + QLatin1String(": ") + job.message));
    QCOMPARE(job.engine, QStringLiteral("mrc-services"));

    EngineClient client(manifest.engines.first());
    EngineCall *call = client.inspectImage(job.tag);
    QSignalSpy inspected(call, &EngineCall::finished);
    QVERIFY(inspected.wait(30000));
    QVERIFY2(call->ok(), qPrintable(call->errorString()));
    QCOMPARE(call->json().object().value(QStringLiteral("Id")).toString(), job.imageId);
    QCOMPARE(call->json()
                 .object()
                 .value(QStringLiteral("Config"))
                 .toObject()
                 .value(QStringLiteral("Labels"))
                 .toObject()
                 .value(QLatin1String(ImageLabels::revision))
                 .toString(),
             base.first().commit);
}

void TestDockerContexts::enginesCommandJson()
{
    const QString binary = qEnvironmentVariable("MRC_BINARY");
    if (binary.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("MRC_BINARY is not set: run through ctest");
        QSKIP("MRC_BINARY is not set: run through ctest");
    }
    const QString path = m_dir.filePath(QStringLiteral("engines.yaml"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("version: 1\nengines:\n  - name: services\n    context: mrc-services\n    jobs: 2\n"
               "  - name: ghost\n    host: unix:///nonexistent/mrc-ghost.sock\n"
               "branches:\n  - name: master\n    docker: [\"" +
               m_docker.toUtf8() +
               "\", \"99.1\"]\n"
               "components:\n  - name: api\n    image: monasca/api\n    repo: /nowhere\n    context: docker\n");
    file.close();
    QProcess mrc;
    mrc.start(binary, {QStringLiteral("engines"), QStringLiteral("--manifest"), path, QStringLiteral("--json")});
    QVERIFY(mrc.waitForFinished(30000));
    QCOMPARE(mrc.exitCode(), 1); // one engine does not answer
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(mrc.readAllStandardOutput(), &parseError);
    QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(parseError.errorString()));
    const QJsonArray engines = document.object().value(QStringLiteral("engines")).toArray();
    QCOMPARE(engines.size(), 2);
    const QJsonObject services = engines[0].toObject();
    QCOMPARE(services[QLatin1String("name")].toString(), QStringLiteral("services"));
    QCOMPARE(services[QLatin1String("host")].toString(), m_host);
    QCOMPARE(services[QLatin1String("transport")].toString(), QStringLiteral("unix"));
    QVERIFY(services[QLatin1String("reachable")].toBool());
    QVERIFY(services[QLatin1String("version")].toString().startsWith(m_docker));
    QVERIFY(!services[QLatin1String("api_version")].toString().isEmpty());
    QCOMPARE(services[QLatin1String("context")].toString(), QStringLiteral("mrc-services"));
    QCOMPARE(services[QLatin1String("jobs")].toInt(), 2);
    const QJsonArray columns = services[QLatin1String("columns")].toArray();
    QCOMPARE(columns.size(), 1);
    QCOMPARE(columns[0].toObject()[QLatin1String("branch")].toString(), QStringLiteral("master"));
    QCOMPARE(columns[0].toObject()[QLatin1String("docker")].toString(), m_docker);
    const QJsonObject ghost = engines[1].toObject();
    QVERIFY(!ghost[QLatin1String("reachable")].toBool());
    QVERIFY(ghost[QLatin1String("columns")].toArray().isEmpty());
    QVERIFY(!ghost[QLatin1String("error")].toString().isEmpty());

    // The text form names the column nobody builds, and why.
    mrc.start(binary, {QStringLiteral("engines"), QStringLiteral("--manifest"), path});
    QVERIFY(mrc.waitForFinished(30000));
    const QString text = QString::fromUtf8(mrc.readAllStandardOutput());
    QVERIFY2(text.contains(QLatin1String("Docker 99.1: No reachable engine runs Docker 99.1. Unreachable: ghost")),
             qPrintable(text));
}

QTEST_GUILESS_MAIN(TestDockerContexts)
#include "tst_dockercontexts.moc"
