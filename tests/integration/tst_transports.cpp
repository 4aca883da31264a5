// SPDX-License-Identifier: Apache-2.0
// The three ways to reach an engine, each against a real dockerd that scripts/services starts: a unix socket,
// tcp with --tlsverify (CA, server and client certificates made by openssl), and ssh to an sshd whose sessions
// run `docker system dial-stdio`. On each one a demo cell builds with its log streamed, and a second build is
// cancelled and leaves no container behind. A wrong CA, an expired client certificate and an unknown ssh host
// key each fail with a message that names the engine.
#include "demo/demoworkspace.h"
#include "engine/enginecall.h"
#include "engine/engineclient.h"
#include "engine/engineprobe.h"
#include "jobs/buildplan.h"
#include "jobs/buildrunner.h"
#include "manifest/manifestparser.h"
#include "workspace/workspacescan.h"

#include <QDir>
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

bool run(const QString &program, const QStringList &arguments, const QString &workDir = {}, QString *out = nullptr)
{
    QProcess process;
    if (!workDir.isEmpty())
        process.setWorkingDirectory(workDir);
    process.start(program, arguments);
    if (!process.waitForFinished(60000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        qWarning("%s %s failed: %s", qPrintable(program), qPrintable(arguments.join(QLatin1Char(' '))),
                 process.readAllStandardError().constData());
        return false;
    }
    if (out)
        *out = QString::fromUtf8(process.readAllStandardOutput()).trimmed();
    return true;
}

/** A missing variable skips the test, but fails it under CI, where scripts/services must have set it. */
QString required(const char *name, bool *missing)
{
    const QString value = qEnvironmentVariable(name);
    if (value.isEmpty())
        *missing = true;
    return value;
}

TlsSpec tlsIn(const QString &dir)
{
    return TlsSpec{dir + QStringLiteral("/ca.pem"), dir + QStringLiteral("/cert.pem"),
                   dir + QStringLiteral("/key.pem")};
}

} // namespace

class TestTransports : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void buildStreamAndCancel_data();
    void buildStreamAndCancel();
    void wrongCaNamesTheEngine();
    void expiredClientCertificateNamesTheEngine();
    void unknownHostKeyNamesTheEngine();

private:
    EngineSpec engine(const QString &transport) const;
    QList<Cell> scan(const Manifest &manifest, const QString &branch, QList<EngineStatus> *engines);
    BuildOptions options() const;

    QTemporaryDir m_dir;
    QString m_unixHost;
    QString m_tlsHost;
    QString m_tlsCerts;
    QString m_caKey;
    QString m_sshHost;
    QString m_sshConfigDir;
    Manifest m_demo;
};

void TestTransports::initTestCase()
{
    bool missing = false;
    m_unixHost = required("MRC_TEST_DOCKER_HOST", &missing);
    m_tlsHost = required("MRC_TEST_TLS_DOCKER_HOST", &missing);
    m_tlsCerts = required("MRC_TEST_TLS_CERT_PATH", &missing);
    m_caKey = required("MRC_TEST_TLS_CA_KEY", &missing);
    m_sshHost = required("MRC_TEST_SSH_DOCKER_HOST", &missing);
    m_sshConfigDir = required("MRC_TEST_SSH_CONFIG_DIR", &missing);
    if (missing) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("the TLS and ssh engines are not set up: scripts/services start, then eval \"$(scripts/services "
                  "env)\"");
        QSKIP("no TLS and ssh engines: scripts/services start, then eval \"$(scripts/services env)\"");
    }
    // The private ssh config names the throwaway identity and known_hosts; ~/.ssh stays untouched.
    qputenv("MRC_SSH_COMMAND", QStringLiteral("ssh -F %1/config").arg(m_sshConfigDir).toLocal8Bit());
    qputenv("DOCKER_HOST", m_unixHost.toLocal8Bit());
    QStandardPaths::setTestModeEnabled(true);

    // All three reach a Debian 12 dockerd: the demo's column is that version.
    const EngineStatus status = EngineProbe::probe(engine(QStringLiteral("unix")), 5000);
    QVERIFY2(status.reachable, qPrintable(status.error));
    QString error;
    QVERIFY2(DemoWorkspace::create(m_dir.filePath(QStringLiteral("demo")), false, status.majorMinor(), &error),
             qPrintable(error));
    const ManifestResult loaded = ManifestParser::load(m_dir.filePath(QStringLiteral("demo/release.yaml")));
    QVERIFY(loaded.ok());
    m_demo = loaded.manifest;

    // A branch of monasca-common per transport whose base image sleeps in a step, for cancelling; each has its
    // own marker, so each test finds its own build's containers even on an engine that other tests use.
    const QString work = m_dir.filePath(QStringLiteral("work-common"));
    QVERIFY(run(QStringLiteral("git"), {QStringLiteral("clone"), QStringLiteral("-q"),
                                        m_dir.filePath(QStringLiteral("demo/repos/monasca-common.git")), work}));
    for (const QString &transport : {QStringLiteral("unix"), QStringLiteral("tls"), QStringLiteral("ssh")}) {
        const QString branch = QStringLiteral("slow-") + transport;
        QVERIFY(run(
            QStringLiteral("git"),
            {QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("-b"), branch, QStringLiteral("master")},
            work));
        QFile dockerfile(work + QStringLiteral("/docker/Dockerfile"));
        QVERIFY(dockerfile.open(QIODevice::Append));
        dockerfile.write(QStringLiteral("RUN echo sleeping-%1 && sleep 120\n").arg(transport).toUtf8());
        dockerfile.close();
        QVERIFY(run(QStringLiteral("git"),
                    {QStringLiteral("-c"), QStringLiteral("user.name=Test"), QStringLiteral("-c"),
                     QStringLiteral("user.email=test@example.org"), QStringLiteral("commit"), QStringLiteral("-qam"),
                     QStringLiteral("Sleep in the build")},
                    work));
        QVERIFY(run(QStringLiteral("git"),
                    {QStringLiteral("push"), QStringLiteral("-q"), QStringLiteral("origin"), branch}, work));
        // And master under a name of its own, so its tag is this test's alone on a shared engine.
        QVERIFY(run(QStringLiteral("git"),
                    {QStringLiteral("push"), QStringLiteral("-q"), QStringLiteral("origin"),
                     QStringLiteral("origin/master:refs/heads/cell-") + transport},
                    work));
    }
}

EngineSpec TestTransports::engine(const QString &transport) const
{
    EngineSpec spec;
    spec.name = transport + QStringLiteral("-engine");
    if (transport == QLatin1String("unix")) {
        spec.host = m_unixHost;
    } else if (transport == QLatin1String("tls")) {
        spec.host = m_tlsHost;
        spec.tls = tlsIn(m_tlsCerts);
    } else {
        spec.host = m_sshHost;
    }
    return spec;
}

QList<Cell> TestTransports::scan(const Manifest &manifest, const QString &branch, QList<EngineStatus> *engines)
{
    ScanOptions scanOptions;
    scanOptions.fetch = true;
    scanOptions.cacheRoot = m_dir.filePath(QStringLiteral("cache"));
    WorkspaceScan scan(manifest, scanOptions);
    scan.run();
    *engines = scan.engines();
    QList<Cell> column;
    for (const Cell &cell : scan.cells()) {
        if (cell.branch == branch)
            column.append(cell);
    }
    return column;
}

BuildOptions TestTransports::options() const
{
    BuildOptions options;
    options.noCache = true;
    options.cacheRoot = m_dir.filePath(QStringLiteral("cache"));
    options.historyPath = m_dir.filePath(QStringLiteral("data/history.sqlite"));
    options.logDirectory = m_dir.filePath(QStringLiteral("data/logs"));
    return options;
}

void TestTransports::buildStreamAndCancel_data()
{
    QTest::addColumn<QString>("transport");
    QTest::newRow("unix") << QStringLiteral("unix");
    QTest::newRow("tcp+tls") << QStringLiteral("tls");
    QTest::newRow("ssh") << QStringLiteral("ssh");
}

void TestTransports::buildStreamAndCancel()
{
    QFETCH(QString, transport);
    const EngineSpec spec = engine(transport);
    const EngineStatus status = EngineProbe::probe(spec, 10000);
    QVERIFY2(status.reachable, qPrintable(status.error));

    Manifest manifest = m_demo;
    manifest.engines = {spec};
    manifest.components = {*m_demo.component(QStringLiteral("base"))};
    manifest.branches = {BranchSpec{QStringLiteral("cell-") + transport, {status.majorMinor()}, {}, {}, {}},
                         BranchSpec{QStringLiteral("slow-") + transport, {status.majorMinor()}, {}, {}, {}}};

    // One cell builds, its log streamed through the transport.
    QList<EngineStatus> engines;
    const QList<Cell> master = scan(manifest, QStringLiteral("cell-") + transport, &engines);
    QCOMPARE(master.size(), 1);
    QVERIFY2(engines.size() == 1 && engines.first().reachable, "the scan does not see the engine");
    {
        const BuildPlan plan = BuildPlan::make(manifest, master, master, engines, QDateTime::currentDateTimeUtc());
        QVERIFY2(plan.problems.isEmpty(), qPrintable(plan.problems.join(QLatin1Char('\n'))));
        // The tag goes, its layers stay (noprune): the build runs every step, from the layer cache when an
        // earlier run left one, so that this stays quick after the first run on an engine.
        EngineClient client(spec);
        {
            std::unique_ptr<EngineCall> remove(client.removeImage(plan.jobs.first().tag, true, true));
            QVERIFY(remove->waitForFinished(30000)); // 404 on a first run: nothing to remove
        }
        BuildOptions cached = options();
        cached.noCache = false;
        BuildRunner runner(manifest, plan, cached);
        QByteArray streamed;
        connect(&runner, &BuildRunner::logLines, this,
                [&streamed](int, const QByteArray &lines) { streamed += lines; });
        QSignalSpy finished(&runner, &BuildRunner::finished);
        QElapsedTimer built;
        built.start();
        runner.start();
        QVERIFY(finished.wait(180000));
        qInfo("%s: the base image built in %lld ms", qPrintable(transport), built.elapsed());
        const JobUpdate job = runner.jobs().first();
        QVERIFY2(job.state == JobState::Built, qPrintable(jobStateName(job.state) + QLatin1Char(' ') + job.message));
        QVERIFY2(streamed.contains("Step 1/"), streamed.left(400).constData());
        QVERIFY(streamed.contains("Successfully built"));

        // The image and its labels, read back over the same transport.
        std::unique_ptr<EngineCall> call(client.inspectImage(job.tag));
        QVERIFY(call->waitForFinished(30000));
        QVERIFY2(call->ok(), qPrintable(call->errorString()));
        QCOMPARE(call->json().object().value(QStringLiteral("Id")).toString(), job.imageId);
        const QJsonObject labels =
            call->json().object().value(QStringLiteral("Config")).toObject().value(QStringLiteral("Labels")).toObject();
        QCOMPARE(labels.value(QLatin1String(ImageLabels::revision)).toString(), master.first().commit);
    }

    // A second build, cancelled in its sleeping step.
    const QList<Cell> slow = scan(manifest, QStringLiteral("slow-") + transport, &engines);
    QCOMPARE(slow.size(), 1);
    const BuildPlan plan = BuildPlan::make(manifest, slow, slow, engines, QDateTime::currentDateTimeUtc());
    QVERIFY2(plan.problems.isEmpty(), qPrintable(plan.problems.join(QLatin1Char('\n'))));
    // With the layer cache: the steps before the sleep come from the first build, so the sleep starts soon.
    BuildOptions cached = options();
    cached.noCache = false;
    BuildRunner runner(manifest, plan, cached);
    QByteArray streamed;
    connect(&runner, &BuildRunner::logLines, this, [&streamed](int, const QByteArray &lines) { streamed += lines; });
    QSignalSpy finished(&runner, &BuildRunner::finished);
    runner.start();
    const QByteArray marker = "sleeping-" + transport.toUtf8();
    QTRY_VERIFY2_WITH_TIMEOUT(streamed.contains(marker), streamed.right(400).constData(), 180000);
    QElapsedTimer timer;
    timer.start();
    runner.cancel();
    QVERIFY(finished.wait(60000));
    QCOMPARE(runner.jobs().first().state, JobState::Cancelled);

    // Nothing of the cancelled build stays on the engine: no container, running or stopped, runs its step.
    EngineClient client(spec);
    const auto leftovers = [&] {
        std::unique_ptr<EngineCall> call(client.listContainers({}, true));
        if (!call->waitForFinished(15000) || !call->ok())
            return QStringList{QStringLiteral("cannot list containers: ") + call->errorString()};
        QStringList found;
        for (const QJsonValue &c : call->json().array()) {
            const QString command = c.toObject().value(QStringLiteral("Command")).toString();
            if (command.contains(QString::fromUtf8(marker)))
                found << c.toObject().value(QStringLiteral("Id")).toString().left(12) + QLatin1Char(' ') + command;
        }
        return found;
    };
    // The engine removes the step's container itself; with vfs storage on a busy 2-core machine that has taken
    // 45 s (it deletes a whole copy of the layers), so the bound is generous: what matters is that it goes.
    QTRY_VERIFY2_WITH_TIMEOUT(leftovers().isEmpty(), qPrintable(leftovers().join(QLatin1String("; "))), 150000);
    qInfo("%s: the cancelled build was gone from the engine %lld ms after cancel", qPrintable(transport),
          timer.elapsed());
}

void TestTransports::wrongCaNamesTheEngine()
{
    // A CA that did not sign the engine's certificate.
    const QString dir = m_dir.filePath(QStringLiteral("wrong-ca"));
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(run(QStringLiteral("openssl"),
                {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                 QStringLiteral("-nodes"), QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                 QStringLiteral("/CN=not the engine's CA"), QStringLiteral("-keyout"),
                 dir + QStringLiteral("/ca-key.pem"), QStringLiteral("-out"), dir + QStringLiteral("/ca.pem")}));
    EngineSpec spec = engine(QStringLiteral("tls"));
    spec.tls.ca = dir + QStringLiteral("/ca.pem");
    const EngineStatus status = EngineProbe::probe(spec, 10000);
    QVERIFY(!status.reachable);
    QVERIFY2(status.error.contains(m_tlsHost), qPrintable(status.error));
    QVERIFY2(status.error.contains(QLatin1String("certificate"), Qt::CaseInsensitive), qPrintable(status.error));
    qInfo("wrong CA: %s", qPrintable(status.error));

    // A build call says the same.
    EngineClient client(spec);
    std::unique_ptr<EngineCall> call(client.request("GET", QStringLiteral("/_ping")));
    QVERIFY(call->waitForFinished(15000));
    QVERIFY(!call->ok());
    QVERIFY2(call->errorString().contains(QLatin1String("certificate"), Qt::CaseInsensitive),
             qPrintable(call->errorString()));
}

void TestTransports::expiredClientCertificateNamesTheEngine()
{
    // Signed by the engine's own CA, but no longer valid: only the expiry is wrong.
    const QString dir = m_dir.filePath(QStringLiteral("expired"));
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(run(QStringLiteral("openssl"),
                {QStringLiteral("req"), QStringLiteral("-new"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                 QStringLiteral("-nodes"), QStringLiteral("-subj"), QStringLiteral("/CN=mrc-expired-client"),
                 QStringLiteral("-keyout"), dir + QStringLiteral("/key.pem"), QStringLiteral("-out"),
                 dir + QStringLiteral("/client.csr")}));
    QFile ext(dir + QStringLiteral("/client.ext"));
    QVERIFY(ext.open(QIODevice::WriteOnly));
    ext.write("extendedKeyUsage=clientAuth\n");
    ext.close();
    QVERIFY(run(QStringLiteral("openssl"),
                {QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-days"), QStringLiteral("-1"),
                 QStringLiteral("-in"), dir + QStringLiteral("/client.csr"), QStringLiteral("-CA"),
                 m_tlsCerts + QStringLiteral("/ca.pem"), QStringLiteral("-CAkey"), m_caKey,
                 QStringLiteral("-CAcreateserial"), QStringLiteral("-CAserial"), dir + QStringLiteral("/ca.srl"),
                 QStringLiteral("-extfile"), dir + QStringLiteral("/client.ext"), QStringLiteral("-out"),
                 dir + QStringLiteral("/cert.pem")}));
    QVERIFY(QFile::copy(m_tlsCerts + QStringLiteral("/ca.pem"), dir + QStringLiteral("/ca.pem")));
    QString dates;
    QVERIFY(run(QStringLiteral("openssl"),
                {QStringLiteral("x509"), QStringLiteral("-in"), dir + QStringLiteral("/cert.pem"),
                 QStringLiteral("-noout"), QStringLiteral("-checkend"), QStringLiteral("0")},
                {}, &dates) == false);

    EngineSpec spec = engine(QStringLiteral("tls"));
    spec.tls = tlsIn(dir);
    const EngineStatus status = EngineProbe::probe(spec, 10000);
    QVERIFY(!status.reachable);
    QVERIFY2(status.error.contains(m_tlsHost), qPrintable(status.error));
    QVERIFY2(status.error.contains(QLatin1String("expired")), qPrintable(status.error));
    QVERIFY2(status.error.contains(dir + QStringLiteral("/cert.pem")), qPrintable(status.error));
    qInfo("expired client certificate: %s", qPrintable(status.error));

    // A build call says the same.
    EngineClient client(spec);
    std::unique_ptr<EngineCall> call(client.request("GET", QStringLiteral("/_ping")));
    QVERIFY(call->waitForFinished(15000));
    QVERIFY(!call->ok());
    QVERIFY2(call->errorString().contains(QLatin1String("expired")), qPrintable(call->errorString()));
}

void TestTransports::unknownHostKeyNamesTheEngine()
{
    // The same identity, but a known_hosts file that does not know the sshd's key.
    const QString dir = m_dir.filePath(QStringLiteral("ssh-unknown"));
    QVERIFY(QDir().mkpath(dir));
    QFile known(dir + QStringLiteral("/known_hosts"));
    QVERIFY(known.open(QIODevice::WriteOnly));
    known.close();
    QFile config(dir + QStringLiteral("/config"));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(QStringLiteral("Host *\n  IdentityFile %1/id_ed25519\n  IdentitiesOnly yes\n"
                                "  UserKnownHostsFile %2/known_hosts\n  GlobalKnownHostsFile /dev/null\n"
                                "  StrictHostKeyChecking yes\n")
                     .arg(m_sshConfigDir, dir)
                     .toUtf8());
    config.close();
    const QByteArray saved = qgetenv("MRC_SSH_COMMAND");
    qputenv("MRC_SSH_COMMAND", QStringLiteral("ssh -F %1/config").arg(dir).toLocal8Bit());
    const EngineStatus status = EngineProbe::probe(engine(QStringLiteral("ssh")), 10000);

    EngineClient client(engine(QStringLiteral("ssh")));
    std::unique_ptr<EngineCall> call(client.request("GET", QStringLiteral("/_ping")));
    const bool callFinished = call->waitForFinished(20000);
    qputenv("MRC_SSH_COMMAND", saved);

    QVERIFY(!status.reachable);
    QVERIFY2(status.error.contains(m_sshHost), qPrintable(status.error));
    QVERIFY2(status.error.contains(QLatin1String("Host key verification failed")), qPrintable(status.error));
    qInfo("unknown host key: %s", qPrintable(status.error));
    QVERIFY(callFinished);
    QVERIFY(!call->ok());
    QVERIFY2(call->errorString().contains(QLatin1String("Host key verification failed")),
             qPrintable(call->errorString()));
}

QTEST_GUILESS_MAIN(TestTransports)
#include "tst_transports.moc"
