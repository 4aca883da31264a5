// SPDX-License-Identifier: Apache-2.0
// Releases from tags on the real services (scripts/services): on the demo, monasca-api gets the tag 12.0.0 and
// master moves on; `mrc build --ref 12.0.0` and `mrc push --release 12.0.0` give 12.0.0 and latest at the
// registry, the version label 12.0.0, a green label policy and an audit trail that agrees, and master's tags do
// not move. Then a release tag that someone else writes between plan and push stops that image, and nothing of
// it reaches the registry.
#include "engine/engineclient.h"
#include "jobs/buildplan.h"
#include "manifest/manifestparser.h"
#include "publish/labeldiff.h"
#include "publish/publisher.h"
#include "publish/publishplanner.h"
#include "registry/registryclient.h"
#include "secrets/credentialstore.h"
#include "secrets/registryauth.h"
#include "secrets/registrycredential.h"
#include "workspace/refcolumn.h"
#include "workspace/workspacescan.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace mrc;

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestReleasePublish : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_bin;
    QString m_registry;
    QByteArray m_password;
    QString m_engineHost;
    QString m_manifestText;
    QString m_ns = QStringLiteral("mrc-release-%1-%2")
                       .arg(QCoreApplication::applicationPid())
                       .arg(QDateTime::currentSecsSinceEpoch() % 100000);

    QString workspace() const { return m_dir.filePath(QStringLiteral("demo")); }
    QString apiRepo() const { return workspace() + QStringLiteral("/repos/monasca-api.git"); }

    Run mrc(const QStringList &arguments, const QByteArray &input = {})
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath(QStringLiteral("cache")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), qEnvironmentVariable("MRC_TEST_DBUS_ADDRESS"));
        env.insert(QStringLiteral("DOCKER_HOST"), m_engineHost);
        process.setProcessEnvironment(env);
        process.setWorkingDirectory(QDir(workspace()).exists() ? workspace() : m_dir.path());
        process.start(m_bin, arguments);
        process.write(input);
        process.closeWriteChannel();
        Run run;
        if (!process.waitForFinished(600000))
            process.kill();
        run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        run.out = process.readAllStandardOutput();
        run.err = process.readAllStandardError();
        return run;
    }

    void useNamespace(const QString &ns)
    {
        QString text = m_manifestText;
        text.replace(QRegularExpression(QStringLiteral("\\n  host: 127\\.0\\.0\\.1:5000\\n")),
                     QStringLiteral("\n  host: %1\n").arg(m_registry));
        text.replace(QRegularExpression(QStringLiteral("\\n  namespace: monasca\\n")),
                     QStringLiteral("\n  namespace: %1\n").arg(ns));
        QFile file(workspace() + QStringLiteral("/release.yaml"));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(text.toUtf8());
    }

    QByteArray git(const QStringList &arguments)
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *name : {"GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"})
            env.insert(QLatin1String(name), QStringLiteral("Release Test"));
        for (const char *name : {"GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"})
            env.insert(QLatin1String(name), QStringLiteral("release@example.org"));
        process.setProcessEnvironment(env);
        process.start(QStringLiteral("git"), QStringList{QStringLiteral("--git-dir=") + apiRepo()} + arguments);
        m_gitOk = process.waitForFinished(30000) && process.exitCode() == 0;
        if (!m_gitOk)
            qWarning() << process.readAllStandardError();
        return process.readAllStandardOutput().trimmed();
    }

    std::unique_ptr<RegistryClient> client() const
    {
        return std::make_unique<RegistryClient>(
            m_registry,
            RegistryCredentials{qEnvironmentVariable("MRC_TEST_REGISTRY_USER"), QString::fromUtf8(m_password)});
    }

    static QString digestAt(RegistryClient &registry, const QString &repository, const QString &tag)
    {
        std::unique_ptr<RegistryReply> reply(registry.manifestDigest(repository, tag));
        reply->waitForFinished();
        return reply->ok()                                 ? reply->digest()
               : reply->error() == RegistryReply::NotFound ? QString()
                                                           : QStringLiteral("error: ") + reply->errorString();
    }

    static QMap<QString, QJsonObject> rowsByTag(const Run &run, const QString &component)
    {
        QMap<QString, QJsonObject> out;
        const QJsonArray rows = QJsonDocument::fromJson(run.out).object().value(QLatin1String("results")).toArray();
        for (const QJsonValue &v : rows) {
            if (v.toObject().value(QLatin1String("component")).toString() == component)
                out.insert(v.toObject().value(QLatin1String("tag")).toString(), v.toObject());
        }
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_engineHost = qEnvironmentVariable("MRC_TEST_DOCKER_HOST");
        m_registry = qEnvironmentVariable("MRC_TEST_REGISTRY");
        if (m_engineHost.isEmpty() || m_registry.isEmpty() || qEnvironmentVariableIsEmpty("MRC_TEST_DBUS_ADDRESS")) {
            if (qEnvironmentVariableIsSet("CI"))
                QFAIL("the services are not running: scripts/services start");
            QSKIP("no private services: scripts/services start; eval \"$(scripts/services env)\"");
        }
        m_bin = qEnvironmentVariable("MRC_BINARY");
        m_password = qgetenv("MRC_TEST_REGISTRY_PASSWORD");
        QVERIFY(!m_password.isEmpty());
        qputenv("DBUS_SESSION_BUS_ADDRESS", qgetenv("MRC_TEST_DBUS_ADDRESS"));
        QVERIFY(m_dir.isValid());

        const Run init = mrc({"demo", "init", workspace()});
        QVERIFY2(init.exitCode == 0, init.err.constData());
        m_manifestText = QString::fromUtf8(readFile(workspace() + QStringLiteral("/release.yaml")));
        m_manifestText.replace(QRegularExpression(QStringLiteral("unix://[^\"\\s]*docker\\.sock")), m_engineHost);
        useNamespace(m_ns);
        const Run login =
            mrc({"login", m_registry, "--username", qEnvironmentVariable("MRC_TEST_REGISTRY_USER"), "--password-stdin"},
                m_password + '\n');
        QVERIFY2(login.exitCode == 0, login.err.constData());

        // 12.0.0 is tagged on monasca-api's master, then master moves on by one commit.
        git({"tag", "12.0.0", "master"});
        QVERIFY(m_gitOk);
        m_releaseCommit = QString::fromUtf8(git({"rev-parse", "12.0.0^{commit}"}));
        const QByteArray tree = git({"rev-parse", "master^{tree}"});
        const QByteArray moved = git({"commit-tree", QString::fromUtf8(tree), "-p", "master", "-m", "After 12.0.0"});
        QVERIFY(!moved.isEmpty());
        git({"update-ref", "refs/heads/master", QString::fromUtf8(moved)});
        QVERIFY(m_gitOk);
        m_masterCommit = QString::fromUtf8(moved);
        QVERIFY(m_masterCommit != m_releaseCommit && m_releaseCommit.size() == 40);

        const Run build = mrc({"build", "--branch", "master", "--component", "api", "--json"});
        QVERIFY2(build.exitCode == 0, build.err.right(2000).constData());
        const Run release = mrc({"build", "--ref", "12.0.0", "--component", "api", "--json"});
        QVERIFY2(release.exitCode == 0, release.err.right(2000).constData());
    }

    void cleanupTestCase()
    {
        if (!m_registry.isEmpty())
            CredentialStore::removeNow(m_registry);
    }

    void publishTheRelease()
    {
        useNamespace(m_ns);
        const Run master = mrc({"push", "--branch", "master", "--component", "api", "--json"});
        QVERIFY2(master.exitCode == 0, master.err.right(2000).constData());
        QCOMPARE(rowsByTag(master, "api").keys(), (QStringList{"master", "sha-" + m_masterCommit.left(7)}));
        const QString repository = m_ns + QStringLiteral("/api");
        const std::unique_ptr<RegistryClient> client = this->client();
        RegistryClient &registry = *client;
        const QString masterDigest = digestAt(registry, repository, "master");
        const QString masterSha = digestAt(registry, repository, "sha-" + m_masterCommit.left(7));
        QVERIFY(masterDigest.startsWith(QLatin1String("sha256:")));

        // The plan shows what the release gets: its tag and latest, no branch tag.
        const Run tags = mrc({"tags", "--release", "12.0.0", "--component", "api", "--json"});
        QVERIFY2(tags.exitCode == 0, tags.err.right(2000).constData());
        QStringList planned;
        for (const QJsonValue &v : QJsonDocument::fromJson(tags.out).object().value("plan").toArray())
            planned << v.toObject().value("tag").toString() + QLatin1Char('=') +
                           v.toObject().value("action").toString();
        planned.sort();
        QCOMPARE(planned,
                 (QStringList{"12.0.0=create", "latest=create", "sha-" + m_releaseCommit.left(7) + "=create"}));

        const Run push = mrc({"push", "--release", "12.0.0", "--component", "api", "--json"});
        QVERIFY2(push.exitCode == 0, push.err.right(2000).constData());
        const QMap<QString, QJsonObject> rows = rowsByTag(push, "api");
        QCOMPARE(rows.keys(), (QStringList{"12.0.0", "latest", "sha-" + m_releaseCommit.left(7)}));
        for (const QJsonObject &row : rows) {
            QVERIFY2(row.value("ok").toBool(), qPrintable(row.value("message").toString()));
            QVERIFY2(row.value("commit").toString() == m_releaseCommit, QJsonDocument(row).toJson().constData());
        }

        // At the registry: 12.0.0 and latest name the release image, whose version label is the tag.
        const QString release = digestAt(registry, repository, "12.0.0");
        QVERIFY(release.startsWith(QLatin1String("sha256:")));
        QCOMPARE(digestAt(registry, repository, "latest"), release);
        QVERIFY(release != masterDigest);
        std::unique_ptr<RegistryReply> config(registry.config(repository, "12.0.0"));
        QVERIFY(config->waitForFinished(30000));
        QVERIFY2(config->ok(), qPrintable(config->errorString()));
        QCOMPARE(config->labels().value(QLatin1String(ImageLabels::version)).toString(), QStringLiteral("12.0.0"));
        QCOMPARE(config->labels().value(QLatin1String(ImageLabels::revision)).toString(), m_releaseCommit);

        // master's tags did not move.
        QCOMPARE(digestAt(registry, repository, "master"), masterDigest);
        QCOMPARE(digestAt(registry, repository, "sha-" + m_masterCommit.left(7)), masterSha);

        // The label policy is green for the release tag: revision, version = the tag, base revision.
        Labels labels;
        const QJsonObject json = config->labels();
        for (auto it = json.begin(); it != json.end(); ++it)
            labels.insert(it.key(), it.value().toString());
        QProcess base;
        base.start("git", {"--git-dir=" + workspace() + "/repos/monasca-common.git", "rev-parse", "master"});
        QVERIFY(base.waitForFinished(30000));
        const QString baseCommit = QString::fromUtf8(base.readAllStandardOutput().trimmed());
        const QList<LabelCheck> checks = LabelDiff::check(labels, m_releaseCommit, "12.0.0", baseCommit);
        QCOMPARE(checks.size(), 3);
        for (const LabelCheck &check : checks)
            QVERIFY2(check.ok, qPrintable(check.name + ": " + check.message));

        // The audit trail says the same: the release tag, its digest, its commit.
        const Run audit = mrc({"audit", "--format", "json"});
        QCOMPARE(audit.exitCode, 0);
        bool found = false;
        for (const QJsonValue &v : QJsonDocument::fromJson(audit.out).object().value("pushes").toArray()) {
            const QJsonObject row = v.toObject();
            if (row.value("repository").toString() == repository &&
                row.value("tag").toString() == QLatin1String("12.0.0")) {
                found = true;
                QCOMPARE(row.value("digest").toString(), release);
                QCOMPARE(row.value("git_commit").toString(), m_releaseCommit);
                QCOMPARE(row.value("branch").toString(), QStringLiteral("12.0.0"));
                QVERIFY(row.value("ok").toBool());
            }
        }
        QVERIFY2(found, audit.out.left(2000).constData());
    }

    // Between plan and push someone else writes 12.0.0: the image stops before anything of it is written.
    void movedReleaseTagStopsTheImage()
    {
        const QString ns = m_ns + QStringLiteral("-moved");
        useNamespace(ns);
        const Run master = mrc({"push", "--branch", "master", "--component", "api"});
        QVERIFY2(master.exitCode == 0, master.err.right(2000).constData());

        const ManifestResult loaded = ManifestParser::load(workspace() + QStringLiteral("/release.yaml"));
        QVERIFY(loaded.ok());
        const QString cacheRoot = m_dir.filePath(QStringLiteral("test-mirrors"));
        const RefColumnResult column = RefColumn::resolve(loaded.manifest, QStringLiteral("12.0.0"), {}, cacheRoot);
        QVERIFY2(column.ok(), qPrintable(column.error));
        const Manifest manifest = RefColumn::withColumn(loaded.manifest, column.branch);
        ScanOptions options;
        options.cacheRoot = cacheRoot;
        WorkspaceScan scan(manifest, options);
        scan.run();
        QList<Cell> selected;
        for (const Cell &cell : scan.cells()) {
            if (cell.component == QLatin1String("api") && cell.branch == QLatin1String("12.0.0") &&
                cell.state == CellState::Ready)
                selected << cell;
        }
        QVERIFY(!selected.isEmpty());
        const std::unique_ptr<RegistryClient> client = this->client();
        RegistryClient &registry = *client;
        const PublishPlanner::Result plan =
            PublishPlanner(manifest, cacheRoot).planAll(scan.cells(), selected, scan.engines(), registry);
        QVERIFY2(plan.problems.isEmpty(), qPrintable(plan.problems.join(QLatin1Char('\n'))));
        QCOMPARE(plan.engines.size(), 1);
        QCOMPARE(plan.engines.first().plans.size(), 1);

        // Someone else: 12.0.0 now names master's image.
        const QString repository = ns + QStringLiteral("/api");
        std::unique_ptr<RegistryReply> copy(registry.copyManifest(repository, "master", "12.0.0"));
        QVERIFY(copy->waitForFinished(30000));
        QVERIFY2(copy->ok(), qPrintable(copy->errorString()));
        const QString theirs = digestAt(registry, repository, "12.0.0");

        EngineClient engine(plan.engines.first().engine);
        engine.setApiVersion(plan.engines.first().apiVersion);
        RegistryCredential credential;
        credential.registry = m_registry;
        credential.username = qEnvironmentVariable("MRC_TEST_REGISTRY_USER");
        credential.password = m_password;
        Publisher publisher(&engine, &registry, RegistryAuth::header(credential));
        publisher.setEngineRepositoryPrefix(m_registry);
        QSignalSpy finished(&publisher, &Publisher::finished);
        publisher.start(plan.engines.first().plans);
        QVERIFY(finished.wait(120000));
        QVERIFY(!publisher.ok());
        const CellPublishResult &result = publisher.results().first();
        QStringList messages;
        for (const TagOutcome &t : result.tags) {
            QVERIFY(!t.ok);
            messages << t.planned.tag + QStringLiteral(": ") + t.message;
        }
        QVERIFY2(messages.join('\n').contains(QStringLiteral("12.0.0 changed at the registry since planning")),
                 qPrintable(messages.join('\n')));

        // The registry is as the other writer left it: nothing of the release image went up.
        QCOMPARE(digestAt(registry, repository, "12.0.0"), theirs);
        QCOMPARE(digestAt(registry, repository, "latest"), QString());
        QCOMPARE(digestAt(registry, repository, "sha-" + m_releaseCommit.left(7)), QString());
    }

private:
    bool m_gitOk = false;
    QString m_releaseCommit;
    QString m_masterCommit;
};

QTEST_GUILESS_MAIN(TestReleasePublish)
#include "tst_releasepublish.moc"
