// SPDX-License-Identifier: Apache-2.0
// Publishing on the real services that scripts/test starts: the private dockerd, the htpasswd registry, the token
// registry with its token server, and gnome-keyring. `mrc login`, `mrc tags` and `mrc push` run as the built
// binary; the registry is read back with RegistryClient. Each run pushes under its own namespace, so earlier runs
// on the same registries do not matter.
#include "common/tarwriter.h"
#include "engine/enginecall.h"
#include "engine/engineclient.h"
#include "jobs/buildplan.h"
#include "publish/publisher.h"
#include "registry/registryclient.h"
#include "secrets/credentialstore.h"
#include "secrets/registrycredential.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrlQuery>
#include <csignal>
#include <memory>

using namespace mrc;

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QStringList leaks; // command lines that held the password while the process ran

    /** The lines a failure report needs: mrc's own messages and the end of the output. */
    QByteArray why() const
    {
        QByteArray lines;
        for (const QByteArray &line : err.split('\n')) {
            if (line.startsWith("mrc ") || line.contains("FAILED"))
                lines += line + '\n';
        }
        return lines + "...\n" + err.right(1500);
    }
};

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

/** Every process command line that contains @p needle, with the needle masked. */
QStringList commandLinesHolding(const QByteArray &needle)
{
    QStringList found;
    for (const QString &pid : QDir(QStringLiteral("/proc")).entryList({QStringLiteral("[0-9]*")}, QDir::Dirs)) {
        QByteArray line = readFile(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (line.contains(needle))
            found << pid + QStringLiteral(": ") +
                         QString::fromLocal8Bit(line.replace(needle, "<password>").replace('\0', ' '));
    }
    return found;
}

/** Files below @p dir that contain @p needle. */
QStringList filesHolding(const QString &dir, const QByteArray &needle)
{
    QStringList found;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (readFile(path).contains(needle))
            found << path;
    }
    return found;
}

int freePort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort();
}

} // namespace

class TestPublish : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_engineHost;
    QString m_bin;
    QByteArray m_password;
    QString m_ns = QStringLiteral("mrc-test-%1-%2")
                       .arg(QCoreApplication::applicationPid())
                       .arg(QDateTime::currentSecsSinceEpoch() % 100000);
    QString m_manifestText;

    QString workspace() const { return m_dir.filePath(QStringLiteral("demo")); }
    QString repo(const QString &name) const
    {
        return workspace() + QStringLiteral("/repos/") + name + QStringLiteral(".git");
    }

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath(QStringLiteral("cache")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), qEnvironmentVariable("MRC_TEST_DBUS_ADDRESS"));
        env.insert(QStringLiteral("DOCKER_HOST"), m_engineHost);
        return env;
    }

    /** Runs mrc in the workspace; @p input goes to stdin; while it runs, command lines are checked for the password. */
    Run mrc(const QStringList &arguments, const QByteArray &input = {}, int timeoutMs = 600000)
    {
        Run run;
        QProcess process;
        process.setProcessEnvironment(environment());
        process.setWorkingDirectory(QDir(workspace()).exists() ? workspace() : m_dir.path());
        process.start(m_bin, arguments);
        if (!process.waitForStarted(10000))
            return run;
        if (!input.isEmpty())
            process.write(input);
        process.closeWriteChannel();
        QTimer scan;
        QObject::connect(&scan, &QTimer::timeout, &scan, [&] { run.leaks += commandLinesHolding(m_password); });
        scan.start(20);
        QEventLoop loop;
        QObject::connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
        loop.exec();
        scan.stop();
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished();
        }
        run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        run.out = process.readAllStandardOutput();
        run.err = process.readAllStandardError();
        return run;
    }

    /** Points the workspace's manifest at @p registry under this run's namespace. */
    void useRegistry(const QString &registry)
    {
        QString text = m_manifestText;
        text.replace(QRegularExpression(QStringLiteral("\\n  host: 127\\.0\\.0\\.1:5000\\n")),
                     QStringLiteral("\n  host: %1\n").arg(registry));
        text.replace(QRegularExpression(QStringLiteral("\\n  namespace: monasca\\n")),
                     QStringLiteral("\n  namespace: %1\n").arg(m_ns));
        QFile file(workspace() + QStringLiteral("/release.yaml"));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(text.toUtf8());
    }

    void git(const QString &repository, const QStringList &arguments)
    {
        QProcess process;
        process.start(QStringLiteral("git"), QStringList{QStringLiteral("--git-dir=") + repository} + arguments);
        QVERIFY(process.waitForFinished(30000));
        QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
    }

    static QJsonArray rows(const Run &run, const char *key)
    {
        return QJsonDocument::fromJson(run.out).object().value(QLatin1String(key)).toArray();
    }

    /** tag -> action of `mrc push --json` or `mrc tags --json` rows for one component. */
    static QMap<QString, QString> actions(const QJsonArray &rows, const QString &component)
    {
        QMap<QString, QString> out;
        for (const QJsonValue &v : rows) {
            const QJsonObject row = v.toObject();
            if (row.value(QLatin1String("component")).toString() == component)
                out.insert(row.value(QLatin1String("tag")).toString(), row.value(QLatin1String("action")).toString());
        }
        return out;
    }

    RegistryCredentials credentials() const
    {
        return {qEnvironmentVariable("MRC_TEST_REGISTRY_USER"), QString::fromUtf8(m_password)};
    }

    QString digestAt(RegistryClient &registry, const QString &repository, const QString &tag)
    {
        std::unique_ptr<RegistryReply> reply(registry.manifestDigest(repository, tag));
        reply->waitForFinished();
        return reply->ok() ? reply->digest() : QStringLiteral("error: ") + reply->errorString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_engineHost = qEnvironmentVariable("MRC_TEST_DOCKER_HOST");
        if (m_engineHost.isEmpty() || qEnvironmentVariableIsEmpty("MRC_TEST_TOKEN_REGISTRY") ||
            qEnvironmentVariableIsEmpty("MRC_TEST_DBUS_ADDRESS")) {
            if (qEnvironmentVariableIsSet("CI"))
                QFAIL("the services are not running: scripts/test starts dockerd, the registries and the keyring");
            QSKIP("no private services: run through scripts/test");
        }
        m_bin = qEnvironmentVariable("MRC_BINARY");
        m_password = qgetenv("MRC_TEST_REGISTRY_PASSWORD");
        QVERIFY(!m_password.isEmpty());
        qputenv("DBUS_SESSION_BUS_ADDRESS", qgetenv("MRC_TEST_DBUS_ADDRESS"));

        QVERIFY(m_dir.isValid());
        // The demo's engine line names the default private engine; this run's engine may live elsewhere.
        const Run init = mrc({QStringLiteral("demo"), QStringLiteral("init"), workspace()});
        QVERIFY2(init.exitCode == 0, init.err.constData());
        m_manifestText = QString::fromUtf8(readFile(workspace() + QStringLiteral("/release.yaml")));
        m_manifestText.replace(QRegularExpression(QStringLiteral("unix://[^\"\\s]*docker\\.sock")), m_engineHost);

        useRegistry(qEnvironmentVariable("MRC_TEST_REGISTRY"));
        const Run build = mrc(
            {QStringLiteral("build"), QStringLiteral("--branch"), QStringLiteral("master"), QStringLiteral("--json")});
        QVERIFY2(build.exitCode == 0, build.why().constData());
        QCOMPARE(rows(build, "results").size(), 11);
    }

    void cleanupTestCase()
    {
        for (const QString &registry :
             {qEnvironmentVariable("MRC_TEST_REGISTRY"), qEnvironmentVariable("MRC_TEST_TOKEN_REGISTRY")}) {
            if (!registry.isEmpty())
                CredentialStore::removeNow(registry);
        }
    }

    // Wrong credentials: `mrc login` exits 4 and stores nothing; a push with refused stored credentials exits 4.
    void wrongPassword()
    {
        const QString registry = qEnvironmentVariable("MRC_TEST_REGISTRY");
        CredentialStore::removeNow(registry);
        const Run login = mrc({QStringLiteral("login"), registry, QStringLiteral("--username"), QStringLiteral("mrc"),
                               QStringLiteral("--password-stdin")},
                              "not-the-password\n");
        QCOMPARE(login.exitCode, 4);
        QCOMPARE(CredentialStore::readNow(registry).error, CredentialError::NotFound);

        RegistryCredential wrong;
        wrong.registry = registry;
        wrong.username = QStringLiteral("mrc");
        wrong.password = "not-the-password";
        QVERIFY(CredentialStore::writeNow(wrong).ok());
        useRegistry(registry);
        const Run push = mrc({QStringLiteral("push"), QStringLiteral("--branch"), QStringLiteral("master"),
                              QStringLiteral("--component"), QStringLiteral("base")});
        QCOMPARE(push.exitCode, 4);
        QVERIFY2(push.err.contains(registry.toUtf8()), push.err.constData());
        QVERIFY(CredentialStore::removeNow(registry).ok());
    }

    // The whole master column to each registry: every planned tag exists with the verified digest, and the labels
    // read back from the registry carry the cell's commit and its base's commit. The password never shows.
    void pushMasterColumn_data()
    {
        QTest::addColumn<QString>("registry");
        QTest::addRow("htpasswd") << qEnvironmentVariable("MRC_TEST_REGISTRY");
        QTest::addRow("token") << qEnvironmentVariable("MRC_TEST_TOKEN_REGISTRY");
    }
    void pushMasterColumn()
    {
        QFETCH(QString, registry);
        const Run login = mrc({QStringLiteral("login"), registry, QStringLiteral("--username"), QStringLiteral("mrc"),
                               QStringLiteral("--password-stdin")},
                              m_password + '\n');
        QVERIFY2(login.exitCode == 0, login.err.constData());
        useRegistry(registry);

        const Run push = mrc(
            {QStringLiteral("push"), QStringLiteral("--branch"), QStringLiteral("master"), QStringLiteral("--json")});
        QVERIFY2(push.exitCode == 0, push.why().constData());
        QVERIFY2(push.leaks.isEmpty(), qPrintable(push.leaks.join(QLatin1Char('\n'))));
        const QJsonArray results = rows(push, "results");
        QCOMPARE(results.size(), 22); // sha-<7> and master for 11 images

        RegistryClient client(registry, credentials());
        QHash<QString, QString> commits; // component -> commit, for the base revision check
        for (const QJsonValue &v : results)
            commits.insert(v.toObject().value(QLatin1String("component")).toString(),
                           v.toObject().value(QLatin1String("commit")).toString());
        int pushes = 0;
        for (const QJsonValue &v : results) {
            const QJsonObject row = v.toObject();
            const QString tag = row.value(QLatin1String("tag")).toString();
            const QString repository = row.value(QLatin1String("repository")).toString();
            QVERIFY2(row.value(QLatin1String("ok")).toBool(),
                     qPrintable(row.value(QLatin1String("message")).toString()));
            QVERIFY(repository.startsWith(m_ns + QLatin1Char('/')));
            QCOMPARE(digestAt(client, repository, tag), row.value(QLatin1String("digest")).toString());
            pushes += row.value(QLatin1String("method")).toString() == QLatin1String("push") ? 1 : 0;

            std::unique_ptr<RegistryReply> config(client.config(repository, tag));
            QVERIFY(config->waitForFinished(30000));
            QVERIFY2(config->ok(), qPrintable(config->errorString()));
            const QJsonObject labels = config->labels();
            const QString commit = row.value(QLatin1String("commit")).toString();
            QCOMPARE(labels.value(QLatin1String(ImageLabels::revision)).toString(), commit);
            QCOMPARE(config->manifest().config.digest, row.value(QLatin1String("image_id")).toString());
            const QString component = row.value(QLatin1String("component")).toString();
            if (component != QLatin1String("base"))
                QCOMPARE(labels.value(QLatin1String(ImageLabels::baseRevision)).toString(),
                         commits.value(QStringLiteral("base")));
        }
        QCOMPARE(pushes, 11); // one upload per image; the master tags are manifest copies

        // A second push changes nothing.
        const Run again = mrc(
            {QStringLiteral("tags"), QStringLiteral("--branch"), QStringLiteral("master"), QStringLiteral("--json")});
        QCOMPARE(again.exitCode, 0);
        for (const QJsonValue &v : rows(again, "plan"))
            QCOMPARE(v.toObject().value(QLatin1String("action")).toString(), QStringLiteral("unchanged"));

        // The password is in no file this run wrote: history, logs, settings, mirrors.
        QStringList files = filesHolding(m_dir.path(), m_password);
        files.removeIf([this](const QString &f) { return f.startsWith(workspace() + QStringLiteral("/repos")); });
        QVERIFY2(files.isEmpty(), qPrintable(files.join(QLatin1Char('\n'))));
    }

    // Release tags on the htpasswd registry: promotion by manifest copy (no blob upload in the registry's log),
    // latest follows the highest release and never moves back, a release tag that names another image is refused.
    void releases()
    {
        const QString registry = qEnvironmentVariable("MRC_TEST_REGISTRY");
        const QString log = qEnvironmentVariable("MRC_TEST_REGISTRY_LOG");
        useRegistry(registry);
        QVERIFY(CredentialStore::readNow(registry).ok()); // from pushMasterColumn
        const QString api = repo(QStringLiteral("monasca-api"));
        const QString repository = m_ns + QStringLiteral("/api");
        RegistryClient client(registry, credentials());

        // 1. Tag master's head 12.0.0: its image is at the registry already (sha-), so 12.0.0 and latest are copies.
        git(api, {QStringLiteral("tag"), QStringLiteral("12.0.0"), QStringLiteral("master")});
        const qint64 logBefore = readFile(log).size();
        const Run promote = mrc({QStringLiteral("push"), QStringLiteral("--branch"), QStringLiteral("master"),
                                 QStringLiteral("--component"), QStringLiteral("api"), QStringLiteral("--fetch"),
                                 QStringLiteral("--json")});
        QVERIFY2(promote.exitCode == 0, promote.why().constData());
        const QMap<QString, QString> promoted = actions(rows(promote, "results"), QStringLiteral("api"));
        QCOMPARE(promoted.value(QStringLiteral("12.0.0")), QStringLiteral("create"));
        QCOMPARE(promoted.value(QStringLiteral("latest")), QStringLiteral("create"));
        QCOMPARE(promoted.value(QStringLiteral("master")), QStringLiteral("unchanged"));
        for (const QJsonValue &v : rows(promote, "results"))
            QVERIFY(v.toObject().value(QLatin1String("method")).toString() != QLatin1String("push"));
        const QByteArray during = readFile(log).mid(logBefore);
        QVERIFY2(during.contains("/v2/" + repository.toUtf8() + "/manifests/latest"),
                 "the registry log shows the copy");
        QVERIFY2(!during.contains("/blobs/uploads"), "a promotion must not upload a blob");
        const QString release = digestAt(client, repository, QStringLiteral("12.0.0"));
        QCOMPARE(digestAt(client, repository, QStringLiteral("latest")), release);
        QCOMPARE(digestAt(client, repository, QStringLiteral("master")), release);

        // 2. An older release pushed afterwards: 11.5.0 on stable/2023.2 gets its tag, latest stays with 12.0.0.
        git(api, {QStringLiteral("tag"), QStringLiteral("11.5.0"), QStringLiteral("stable/2023.2")});
        const Run buildStable =
            mrc({QStringLiteral("build"), QStringLiteral("--branch"), QStringLiteral("stable/2023.2"),
                 QStringLiteral("--component"), QStringLiteral("api"), QStringLiteral("--component"),
                 QStringLiteral("base"), QStringLiteral("--fetch")});
        QVERIFY2(buildStable.exitCode == 0, buildStable.why().constData());
        const Run older = mrc({QStringLiteral("push"), QStringLiteral("--branch"), QStringLiteral("stable/2023.2"),
                               QStringLiteral("--component"), QStringLiteral("api"), QStringLiteral("--json")});
        QVERIFY2(older.exitCode == 0, older.why().constData());
        const QMap<QString, QString> olderActions = actions(rows(older, "results"), QStringLiteral("api"));
        QCOMPARE(olderActions.value(QStringLiteral("11.5.0")), QStringLiteral("create"));
        QCOMPARE(olderActions.value(QStringLiteral("2023.2")), QStringLiteral("create"));
        QCOMPARE(olderActions.value(QStringLiteral("latest")), QStringLiteral("unchanged"));
        QCOMPARE(digestAt(client, repository, QStringLiteral("latest")), release);
        const QString olderDigest = digestAt(client, repository, QStringLiteral("11.5.0"));
        QVERIFY(olderDigest != release);

        // 3. Move the git tag 11.5.0 to master: the registry's 11.5.0 names another image, so it is refused.
        git(api, {QStringLiteral("tag"), QStringLiteral("-f"), QStringLiteral("11.5.0"), QStringLiteral("master")});
        const Run refused = mrc({QStringLiteral("push"), QStringLiteral("--branch"), QStringLiteral("master"),
                                 QStringLiteral("--component"), QStringLiteral("api"), QStringLiteral("--fetch"),
                                 QStringLiteral("--json")});
        QCOMPARE(refused.exitCode, 1);
        QCOMPARE(actions(rows(refused, "results"), QStringLiteral("api")).value(QStringLiteral("11.5.0")),
                 QStringLiteral("refused"));
        QCOMPARE(digestAt(client, repository, QStringLiteral("11.5.0")), olderDigest);
        git(api, {QStringLiteral("tag"), QStringLiteral("-d"), QStringLiteral("11.5.0")});

        // Every tag of this test is in the audit trail, with the user and never the password.
        const Run audit = mrc({QStringLiteral("audit"), QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(audit.exitCode, 0);
        QVERIFY(!audit.out.contains(m_password));
        bool sawLatest = false;
        for (const QJsonValue &v : rows(audit, "pushes")) {
            const QJsonObject row = v.toObject();
            if (row.value(QLatin1String("repository")).toString() == repository &&
                row.value(QLatin1String("tag")).toString() == QLatin1String("latest") &&
                row.value(QLatin1String("action")).toString() == QLatin1String("create")) {
                sawLatest = true;
                QCOMPARE(row.value(QLatin1String("user")).toString(), QStringLiteral("mrc"));
                QCOMPARE(row.value(QLatin1String("method")).toString(), QStringLiteral("copy"));
                QCOMPARE(row.value(QLatin1String("digest")).toString(), release);
            }
        }
        QVERIFY(sawLatest);
    }

    // A registry that goes away during the upload: the push fails with a message naming the registry, retries
    // do not help, and afterwards no tag names a partial image.
    void registryStopsMidPush()
    {
        const int port = freePort();
        const QString storage = m_dir.filePath(QStringLiteral("flaky-registry"));
        QVERIFY(QDir().mkpath(storage));
        const QString config = m_dir.filePath(QStringLiteral("flaky-registry.yml"));
        {
            QFile file(config);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(
                QStringLiteral("version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: %1\n"
                               "http:\n  addr: 127.0.0.1:%2\n")
                    .arg(storage)
                    .arg(port)
                    .toUtf8());
        }
        auto startRegistry = [&](QProcess &process) {
            process.setProcessChannelMode(QProcess::MergedChannels);
            process.setStandardOutputFile(m_dir.filePath(QStringLiteral("flaky-registry.log")), QIODevice::Append);
            process.start(QStringLiteral("docker-registry"), {QStringLiteral("serve"), config});
            QTcpSocket probe;
            for (int i = 0; i < 100; ++i) {
                probe.connectToHost(QHostAddress::LocalHost, quint16(port));
                if (probe.waitForConnected(100))
                    return true;
                QTest::qWait(100);
            }
            return false;
        };
        QProcess registryProcess;
        QVERIFY(startRegistry(registryProcess));

        // A 64 MiB layer of random bytes, so that the upload takes long enough to be cut.
        EngineClient engine(EngineSpec{QStringLiteral("test"), m_engineHost, {}, {}});
        engine.setDefaultTimeout(30000);
        mrc::test::TarWriter tar;
        tar.addFile("Dockerfile",
                    "FROM " + BuildPlan::localTag(QStringLiteral("monasca/base"), QStringLiteral("master")).toUtf8() +
                        "\nRUN head -c 67108864 /dev/urandom > /big\n");
        QBuffer context;
        context.setData(tar.finish());
        context.open(QIODevice::ReadOnly);
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("t"), QStringLiteral("mrc-publish-test/big:%1").arg(m_ns));
        query.addQueryItem(QStringLiteral("networkmode"), QStringLiteral("none"));
        std::unique_ptr<EngineCall> build(engine.build(query, &context));
        QVERIFY(build->waitForFinished(300000));
        QVERIFY2(build->ok(), qPrintable(build->errorString()));
        std::unique_ptr<EngineCall> inspect(engine.inspectImage(QStringLiteral("mrc-publish-test/big:%1").arg(m_ns)));
        QVERIFY(inspect->waitForFinished(30000) && inspect->ok());
        const QString imageId = inspect->json().object().value(QLatin1String("Id")).toString();

        const QString host = QStringLiteral("127.0.0.1:%1").arg(port);
        RegistryClient registry(host);
        PublishCell cell;
        cell.component = QStringLiteral("big");
        cell.branch = QStringLiteral("master");
        cell.commit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
        cell.repository = m_ns + QStringLiteral("/big");
        cell.imageId = imageId;
        const CellTagPlan plan = TagPlan::plan(TagsSpec{}, cell);
        QCOMPARE(plan.tags.size(), 2);
        Publisher publisher(&engine, &registry, "e30="); // {}: the registry has no auth
        publisher.setEngineRepositoryPrefix(host);
        publisher.setRetries(2, 200);
        bool killed = false;
        connect(&publisher, &Publisher::progress, this, [&] {
            if (!killed && publisher.bytesDone() > 0) {
                killed = true;
                registryProcess.kill();
            }
        });
        QSignalSpy finished(&publisher, &Publisher::finished);
        publisher.start({plan});
        QVERIFY(finished.wait(300000));
        QVERIFY2(killed, "the upload ended before the registry could be stopped");
        QVERIFY(!publisher.ok());
        const TagOutcome &pushed = publisher.results().first().tags.at(0);
        QVERIFY(!pushed.ok);
        QCOMPARE(pushed.attempts, 2);
        QVERIFY2(!pushed.message.isEmpty(), "the failure says why");
        const TagOutcome &copied = publisher.results().first().tags.at(1);
        QVERIFY(!copied.ok);
        QVERIFY2(copied.message.contains(QLatin1String("skipped")), qPrintable(copied.message));

        // The registry comes back with the same storage: neither tag exists.
        registryProcess.waitForFinished();
        QProcess again;
        QVERIFY(startRegistry(again));
        for (const PlannedTag &t : plan.tags) {
            std::unique_ptr<RegistryReply> head(registry.manifestDigest(cell.repository, t.tag));
            head->waitForFinished();
            QCOMPARE(head->error(), RegistryReply::NotFound);
        }
        again.kill();
        again.waitForFinished();
        std::unique_ptr<EngineCall> remove(engine.removeImage(imageId, true));
        remove->waitForFinished(60000);
    }
};

QTEST_GUILESS_MAIN(TestPublish)
#include "tst_publish.moc"
