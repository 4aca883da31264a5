// SPDX-License-Identifier: Apache-2.0
// The release robot through the real binary on the real services (scripts/services): on the demo workspace, with a
// policy that builds, tests and pushes master's api on one Docker version, `mrc watch --once --json` turns a new
// commit into sha-<7> and master at the registry (and leaves the other images alone); a second cycle does nothing;
// a Gerrit change ref builds and tests and reaches only the review namespace; and a watcher killed in the middle
// of a run resumes it on the next start after its last finished stage, without pushing anything twice (the
// registry's access log shows no second upload of a blob); a release tag goes up and moves latest only when it is
// the highest; a commit that does not build pushes nothing and is retried only after the back-off, and the next
// good commit goes through; and, with the policy opened to every component, a monasca-common commit rebuilds and
// pushes every master image on the new base.
#include "manifest/manifestparser.h"
#include "registry/registryclient.h"
#include "secrets/credentialstore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <functional>
#include <memory>

using namespace mrc;

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QList<QJsonObject> lines; // stdout's JSON lines

    QList<QJsonObject> ofType(const QString &type) const
    {
        QList<QJsonObject> out;
        for (const QJsonObject &line : lines) {
            if (line.value(QLatin1String("type")).toString() == type)
                out << line;
        }
        return out;
    }
    /** The states a run went through, in order. */
    QStringList statesOf(qint64 run) const
    {
        QStringList states;
        for (const QJsonObject &line : lines) {
            const QString type = line.value(QLatin1String("type")).toString();
            if ((type == QLatin1String("state") || type == QLatin1String("run")) &&
                line.value(QLatin1String("run")).toInteger() == run) {
                QString state = line.value(QLatin1String("state")).toString();
                if (type == QLatin1String("state") && line.value(QLatin1String("stage")).isString() &&
                    line.value(QLatin1String("stage_state")).toString() != "running")
                    state = line.value(QLatin1String("stage")).toString() + QLatin1Char('-') +
                            line.value(QLatin1String("stage_state")).toString();
                if (states.isEmpty() || states.last() != state)
                    states << state;
            }
        }
        return states;
    }
    /** For a failure message: the end of stdout (the JSON lines say what failed), then of stderr. */
    QByteArray tail() const { return "--- stdout:\n" + out.right(2500) + "\n--- stderr:\n" + err.right(1500); }
};

QList<QJsonObject> jsonLines(const QByteArray &out)
{
    QList<QJsonObject> lines;
    for (const QByteArray &line : out.split('\n')) {
        if (!line.trimmed().isEmpty())
            lines << QJsonDocument::fromJson(line).object();
    }
    return lines;
}

} // namespace

class TestWatch : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_bin;
    QString m_registry;
    QByteArray m_password;
    QString m_engineHost;
    QString m_docker; // the one Docker version the policy builds
    QString m_ns = QStringLiteral("mrc-watch-%1-%2")
                       .arg(QCoreApplication::applicationPid())
                       .arg(QDateTime::currentSecsSinceEpoch() % 100000);
    QString reviewNs() const { return m_ns + QStringLiteral("-review"); }

    QString workspace() const { return m_dir.filePath(QStringLiteral("demo")); }
    QString apiRepo() const { return workspace() + QStringLiteral("/repos/monasca-api.git"); }

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath(QStringLiteral("cache")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), qEnvironmentVariable("MRC_TEST_DBUS_ADDRESS"));
        env.insert(QStringLiteral("DOCKER_HOST"), m_engineHost);
        for (const char *name : {"GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"})
            env.insert(QLatin1String(name), QStringLiteral("Watch Test"));
        for (const char *name : {"GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"})
            env.insert(QLatin1String(name), QStringLiteral("watch@example.org"));
        return env;
    }

    Run mrc(const QStringList &arguments, const QByteArray &input = {})
    {
        QProcess process;
        process.setProcessEnvironment(environment());
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
        run.lines = jsonLines(run.out);
        return run;
    }

    QByteArray git(const QString &workTree, const QStringList &arguments)
    {
        QProcess process;
        process.setProcessEnvironment(environment());
        process.setWorkingDirectory(workTree);
        process.start(QStringLiteral("git"), arguments);
        m_gitOk = process.waitForFinished(60000) && process.exitCode() == 0;
        if (!m_gitOk)
            qWarning() << arguments << process.readAllStandardError();
        return process.readAllStandardOutput().trimmed();
    }

    QString clone() const { return m_dir.filePath(QStringLiteral("api-clone")); }

    /** The registry's access log (scripts/services), or empty. */
    static QString registryLog() { return qEnvironmentVariable("MRC_TEST_REGISTRY_LOG"); }

    /** What the registry took into the test's release namespace since @p from in its access log, by the access
     *  lines that answered 201: each completed blob upload (PUT …/blobs/uploads/…?digest=…) as "REPOSITORY@DIGEST",
     *  each manifest written (PUT …/manifests/TAG) as "REPOSITORY:TAG", and how often. A cross-repository mount or a
     *  HEAD of a blob that exists is no upload. */
    QHash<QString, int> registryWrites(qint64 from) const
    {
        QFile file(registryLog());
        if (!file.open(QIODevice::ReadOnly) || !file.seek(from))
            return {};
        static const QRegularExpression put(
            QStringLiteral("\"PUT /v2/([^ \"]+)/(blobs/uploads/[^ \"]*[?&]digest=sha256%3A([0-9a-f]{64})|"
                           "manifests/([^ \"/?]+))[^ \"]* HTTP/[0-9.]+\" 201 "));
        QHash<QString, int> writes;
        const QString text = QString::fromUtf8(file.readAll());
        for (QRegularExpressionMatchIterator it = put.globalMatch(text); it.hasNext();) {
            const QRegularExpressionMatch match = it.next();
            if (!match.captured(1).startsWith(m_ns + QLatin1Char('/')))
                continue;
            if (match.capturedLength(3) > 0)
                ++writes[match.captured(1) + QStringLiteral("@sha256:") + match.captured(3)];
            else
                ++writes[match.captured(1) + QLatin1Char(':') + match.captured(4)];
        }
        return writes;
    }

    /** The completed blob uploads among registryWrites(). */
    QHash<QString, int> completedUploads(qint64 from) const
    {
        QHash<QString, int> uploads = registryWrites(from);
        uploads.removeIf([](const QHash<QString, int>::iterator it) { return !it.key().contains(QLatin1Char('@')); });
        return uploads;
    }

    /** A new commit in monasca-api outside its docker folder, pushed to @p ref of the demo repository. */
    QString commitToApi(const QString &ref, const QString &what)
    {
        return commitToApi(ref, what, QStringLiteral("WATCH.txt"),
                           [&what](const QByteArray &text) { return text + what.toUtf8() + '\n'; });
    }

    /** A new commit on master's head that rewrites @p path with @p edit, pushed to @p ref. */
    QString commitToApi(const QString &ref, const QString &what, const QString &path,
                        const std::function<QByteArray(const QByteArray &)> &edit)
    {
        const QString clone = this->clone();
        if (!QDir(clone).exists()) {
            git(m_dir.path(), {"clone", "-q", apiRepo(), clone});
            if (!m_gitOk)
                return {};
        }
        git(clone, {"fetch", "-q", "origin", "master"});
        git(clone, {"checkout", "-q", "--detach", "FETCH_HEAD"});
        QFile file(clone + QLatin1Char('/') + path);
        const QByteArray before = file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
        file.close();
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        file.write(edit(before));
        file.close();
        git(clone, {"add", path});
        git(clone, {"commit", "-q", "-m", what});
        const QString sha = QString::fromUtf8(git(clone, {"rev-parse", "HEAD"}));
        git(clone, {"push", "-q", "origin", "HEAD:" + ref});
        return m_gitOk ? sha : QString();
    }

    std::unique_ptr<RegistryClient> client() const
    {
        return std::make_unique<RegistryClient>(
            m_registry,
            RegistryCredentials{qEnvironmentVariable("MRC_TEST_REGISTRY_USER"), QString::fromUtf8(m_password)});
    }

    QString digestAt(const QString &repository, const QString &tag) const
    {
        const std::unique_ptr<RegistryClient> registry = client();
        std::unique_ptr<RegistryReply> reply(registry->manifestDigest(repository, tag));
        reply->waitForFinished();
        return reply->ok()                                 ? reply->digest()
               : reply->error() == RegistryReply::NotFound ? QString()
                                                           : QStringLiteral("error: ") + reply->errorString();
    }

    /** The audit rows of pushes to @p repository:@p tag that went through and changed it (an unchanged tag has a
     *  row too, with nothing sent). */
    int pushesOf(const QString &repository, const QString &tag)
    {
        const Run audit = mrc({"audit", "--format", "json"});
        int count = 0;
        for (const QJsonValue &v : QJsonDocument::fromJson(audit.out).object().value("pushes").toArray()) {
            const QJsonObject row = v.toObject();
            if (row.value("repository").toString() == repository && row.value("tag").toString() == tag &&
                row.value("ok").toBool() && row.value("action").toString() != QLatin1String("unchanged"))
                ++count;
        }
        return count;
    }

    static qint64 runOf(const Run &run, const QString &kind)
    {
        for (const QJsonObject &line : run.ofType(QStringLiteral("run"))) {
            if (line.value("kind").toString() == kind)
                return line.value("run").toInteger();
        }
        return 0;
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
        QFile file(workspace() + QStringLiteral("/release.yaml"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QString text = QString::fromUtf8(file.readAll());
        file.close();
        text.replace(QRegularExpression(QStringLiteral("unix://[^\"\\s]*docker\\.sock")), m_engineHost);
        text.replace(QRegularExpression(QStringLiteral("\\n  host: 127\\.0\\.0\\.1:5000\\n")),
                     QStringLiteral("\n  host: %1\n").arg(m_registry));
        text.replace(QRegularExpression(QStringLiteral("\\n  namespace: monasca\\n")),
                     QStringLiteral("\n  namespace: %1\n").arg(m_ns));
        // The stack smoke test needs every master image; this test builds api alone.
        const qsizetype stacks = text.indexOf(QLatin1String("\nstacks:"));
        if (stacks >= 0)
            text.truncate(stacks + 1);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(text.toUtf8());
        file.close();
        const ManifestResult loaded = ManifestParser::load(file.fileName());
        QVERIFY(loaded.ok());
        QVERIFY(loaded.manifest.branch("master"));
        m_docker = loaded.manifest.branch("master")->docker.value(0);
        QVERIFY(!m_docker.isEmpty());

        // The policy: master's api on one Docker version, commits, tags and changes; nothing else.
        QVERIFY(file.open(QIODevice::Append));
        file.write(QStringLiteral("\nautomation:\n"
                                  "  review_namespace: %1\n"
                                  "  backoff:\n"
                                  "    initial: 40\n"
                                  "    max: 80\n"
                                  "    retries: 2\n"
                                  "  rules:\n"
                                  "    - branches: master\n"
                                  "      events: [commit, tag, change]\n"
                                  "      actions: [build, test, push]\n"
                                  "      components: [api]\n"
                                  "      docker: [\"%2\"]\n"
                                  "    - branches: \"**\"\n"
                                  "      events: [commit, tag, change]\n"
                                  "      actions: []\n")
                       .arg(reviewNs(), m_docker)
                       .toUtf8());
        file.close();

        const Run login =
            mrc({"login", m_registry, "--username", qEnvironmentVariable("MRC_TEST_REGISTRY_USER"), "--password-stdin"},
                m_password + '\n');
        QVERIFY2(login.exitCode == 0, login.err.constData());

        // The first cycle notes every repository's refs and starts nothing.
        const Run first = mrc({"watch", "--once", "--json"});
        QVERIFY2(first.exitCode == 0, first.tail().constData());
        QVERIFY2(first.ofType("event").isEmpty(), first.tail().constData());
        QCOMPARE(first.ofType("cycle").size(), 1);
    }

    void cleanupTestCase()
    {
        if (!m_registry.isEmpty() && !m_bin.isEmpty())
            CredentialStore::removeNow(m_registry);
    }

    void newCommitIsBuiltTestedAndPushed()
    {
        const QString sha = commitToApi(QStringLiteral("refs/heads/master"), QStringLiteral("watch: first commit"));
        QVERIFY(!sha.isEmpty());
        const Run cycle = mrc({"watch", "--once", "--json"});
        QVERIFY2(cycle.exitCode == 0, cycle.tail().constData());

        const QList<QJsonObject> events = cycle.ofType("event");
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.first().value("kind").toString(), QStringLiteral("commit"));
        QCOMPARE(events.first().value("sha").toString(), sha);
        QCOMPARE(events.first().value("branch").toString(), QStringLiteral("master"));
        const qint64 run = runOf(cycle, "commit");
        QVERIFY(run > 0);
        QCOMPARE(cycle.statesOf(run), (QStringList{"queued", "building", "build-done", "testing", "test-done",
                                                   "pushing", "push-done", "done"}));

        const QString api = m_ns + QStringLiteral("/api");
        const QString shaDigest = digestAt(api, "sha-" + sha.left(7));
        QVERIFY2(shaDigest.startsWith(QLatin1String("sha256:")), qPrintable(shaDigest));
        QCOMPARE(digestAt(api, "master"), shaDigest);
        // Only api: the policy builds nothing else, and nothing else went up.
        QCOMPARE(digestAt(m_ns + QStringLiteral("/base"), "master"), QString());
        QCOMPARE(digestAt(m_ns + QStringLiteral("/persister"), "master"), QString());
        m_firstSha = sha;
    }

    void secondCycleDoesNothing()
    {
        const Run cycle = mrc({"watch", "--once", "--json"});
        QVERIFY2(cycle.exitCode == 0, cycle.tail().constData());
        QVERIFY2(cycle.ofType("event").isEmpty(), cycle.tail().constData());
        QVERIFY2(cycle.ofType("run").isEmpty(), cycle.tail().constData());
        QVERIFY2(cycle.ofType("state").isEmpty(), cycle.tail().constData());
        const QList<QJsonObject> summary = cycle.ofType("cycle");
        QCOMPARE(summary.size(), 1);
        QCOMPARE(summary.first().value("done").toInt(), 0);
    }

    void changeBuildsAndNeverReachesTheReleaseNamespace()
    {
        QVERIFY(!m_firstSha.isEmpty());
        const QString api = m_ns + QStringLiteral("/api");
        const QString masterBefore = digestAt(api, "master");
        QVERIFY(masterBefore.startsWith(QLatin1String("sha256:")));
        const QString sha =
            commitToApi(QStringLiteral("refs/changes/45/12345/1"), QStringLiteral("watch: a change for review"));
        QVERIFY(!sha.isEmpty());
        const Run cycle = mrc({"watch", "--once", "--json"});
        QVERIFY2(cycle.exitCode == 0, cycle.tail().constData());
        const QList<QJsonObject> events = cycle.ofType("event");
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.first().value("kind").toString(), QStringLiteral("change"));
        QCOMPARE(events.first().value("ref").toString(), QStringLiteral("refs/changes/45/12345/1"));
        const qint64 run = runOf(cycle, "change");
        QVERIFY(run > 0);
        QCOMPARE(cycle.statesOf(run), (QStringList{"queued", "building", "build-done", "testing", "test-done",
                                                   "pushing", "push-done", "done"}));

        // The release namespace is as it was: no change tag, no sha- of the change, master unmoved.
        QCOMPARE(digestAt(api, "change-12345-1"), QString());
        QCOMPARE(digestAt(api, "sha-" + sha.left(7)), QString());
        QCOMPARE(digestAt(api, "master"), masterBefore);
        // The review namespace got the change's image, under its change tag only.
        const QString review = digestAt(reviewNs() + QStringLiteral("/api"), "change-12345-1");
        QVERIFY2(review.startsWith(QLatin1String("sha256:")), qPrintable(review));
        QCOMPARE(digestAt(reviewNs() + QStringLiteral("/api"), "sha-" + sha.left(7)), QString());
        QCOMPARE(digestAt(reviewNs() + QStringLiteral("/api"), "master"), QString());
    }

    void killedRunResumesWithoutPushingTwice()
    {
        const QString sha = commitToApi(QStringLiteral("refs/heads/master"), QStringLiteral("watch: killed run"));
        QVERIFY(!sha.isEmpty());

        // The watcher is killed (SIGKILL, no chance to clean up) when the run is pushing ...
        QVERIFY2(QFileInfo(registryLog()).isFile(), "no registry access log: scripts/services env");
        const qint64 logFrom = QFileInfo(registryLog()).size();
        QProcess process;
        process.setProcessEnvironment(environment());
        process.setWorkingDirectory(workspace());
        process.start(m_bin, {"watch", "--once", "--json"});
        QVERIFY(process.waitForStarted());
        QByteArray seen;
        qint64 run = 0;
        bool pushing = false;
        QElapsedTimer clock;
        clock.start();
        while (!pushing && clock.elapsed() < 300000 && process.state() == QProcess::Running) {
            process.waitForReadyRead(1000);
            seen += process.readAllStandardOutput();
            for (const QJsonObject &line : jsonLines(seen.left(seen.lastIndexOf('\n') + 1))) {
                if (line.value("type").toString() == QLatin1String("run") && line.value("kind").toString() == "commit")
                    run = line.value("run").toInteger();
                if (line.value("type").toString() == QLatin1String("state") && line.value("run").toInteger() == run &&
                    line.value("state").toString() == QLatin1String("pushing"))
                    pushing = true;
            }
        }
        QVERIFY2(pushing, seen.right(3000).constData());
        // ... once the registry has taken a whole blob of this push (its access log says so).
        while (clock.elapsed() < 300000 && process.state() == QProcess::Running && completedUploads(logFrom).isEmpty())
            process.waitForFinished(20);
        QVERIFY2(process.state() == QProcess::Running, "the watcher ended before the registry took a blob");
        process.kill();
        QVERIFY(process.waitForFinished(30000));
        QTest::qWait(1000); // the engine stops the push whose client went away; what it finished is in the log now
        const QHash<QString, int> beforeRestart = completedUploads(logFrom);
        QVERIFY2(!beforeRestart.isEmpty(), "no blob upload finished before the kill");

        // The next start finds the run left by a dead process and resumes it after its test stage.
        const Run resumed = mrc({"watch", "--once", "--json"});
        QVERIFY2(resumed.exitCode == 0, resumed.tail().constData());
        QVERIFY2(resumed.ofType("event").isEmpty(), resumed.tail().constData());
        const QStringList states = resumed.statesOf(run);
        QCOMPARE(states.value(0), QStringLiteral("pushing"));
        QVERIFY2(!states.contains("building") && !states.contains("testing"), qPrintable(states.join(' ')));
        QCOMPARE(states.last(), QStringLiteral("done"));
        bool wasResumed = false;
        for (const QJsonObject &line : resumed.ofType("state"))
            wasResumed = wasResumed || (line.value("run").toInteger() == run && line.value("resumed").toBool());
        QVERIFY(wasResumed);

        const QString api = m_ns + QStringLiteral("/api");
        const QString digest = digestAt(api, "sha-" + sha.left(7));
        QVERIFY2(digest.startsWith(QLatin1String("sha256:")), qPrintable(digest));
        QCOMPARE(digestAt(api, "master"), digest);
        // Each tag went up once, whatever the killed process had done: the registry took one manifest for each.
        // The audit has the push, unless the kill came between the registry's answer and the audit row (then the
        // resumed run found the tag naming its image already: unchanged).
        const QHash<QString, int> writes = registryWrites(logFrom);
        QCOMPARE(writes.value(api + ":sha-" + sha.left(7)), 1);
        QCOMPARE(writes.value(api + ":master"), 1);
        const int shaPushes = pushesOf(api, "sha-" + sha.left(7));
        QVERIFY(shaPushes <= 1);

        // The registry took every blob once: what finished before the kill was not sent again.
        const QHash<QString, int> uploads = completedUploads(logFrom);
        for (auto it = uploads.cbegin(); it != uploads.cend(); ++it)
            QVERIFY2(it.value() == 1,
                     qPrintable(QStringLiteral("%1 was uploaded %2 times").arg(it.key()).arg(it.value())));
        for (auto it = beforeRestart.cbegin(); it != beforeRestart.cend(); ++it)
            QCOMPARE(uploads.value(it.key()), 1);
        qInfo("%d blob(s) went up before the kill, %d after the restart, none twice", int(beforeRestart.size()),
              int(uploads.size() - beforeRestart.size()));

        // And a further cycle does nothing.
        const Run again = mrc({"watch", "--once", "--json"});
        QVERIFY2(again.exitCode == 0, again.tail().constData());
        QVERIFY(again.ofType("run").isEmpty());
        QCOMPARE(pushesOf(api, "sha-" + sha.left(7)), shaPushes);
        QCOMPARE(registryWrites(logFrom), writes);
    }

    void releaseTagMovesLatestOnlyWhenHighest()
    {
        QVERIFY(!m_firstSha.isEmpty());
        const QString api = m_ns + QStringLiteral("/api");
        git(clone(), {"fetch", "-q", "origin", "master"});
        const QString head = QString::fromUtf8(git(clone(), {"rev-parse", "FETCH_HEAD"}));
        git(clone(), {"push", "-q", "origin", head + QStringLiteral(":refs/tags/12.1.0")});
        QVERIFY(m_gitOk);
        const Run first = mrc({"watch", "--once", "--json"});
        QVERIFY2(first.exitCode == 0, first.tail().constData());
        const qint64 run = runOf(first, "tag");
        QVERIFY2(run > 0, first.tail().constData());
        QCOMPARE(first.statesOf(run).last(), QStringLiteral("done"));
        const QString released = digestAt(api, "12.1.0");
        QVERIFY2(released.startsWith(QLatin1String("sha256:")), qPrintable(released));
        QCOMPARE(digestAt(api, "latest"), released);
        QCOMPARE(pushesOf(api, "latest"), 1);

        // A lower release tagged later, on an older master commit: it goes up, latest stays.
        git(clone(), {"push", "-q", "origin", m_firstSha + QStringLiteral(":refs/tags/12.0.5")});
        QVERIFY(m_gitOk);
        const Run second = mrc({"watch", "--once", "--json"});
        QVERIFY2(second.exitCode == 0, second.tail().constData());
        QVERIFY2(runOf(second, "tag") > 0, second.tail().constData());
        QCOMPARE(second.statesOf(runOf(second, "tag")).last(), QStringLiteral("done"));
        const QString patch = digestAt(api, "12.0.5");
        QVERIFY2(patch.startsWith(QLatin1String("sha256:")), qPrintable(patch));
        QVERIFY(patch != released);
        QCOMPARE(digestAt(api, "latest"), released);
        QCOMPARE(pushesOf(api, "latest"), 1);
    }

    void failedCommitBacksOffAndTheNextGoodOneGoesThrough()
    {
        const QString api = m_ns + QStringLiteral("/api");
        const QString dockerfile = QStringLiteral("docker/Dockerfile");
        const QString masterBefore = digestAt(api, "master");
        QVERIFY(masterBefore.startsWith(QLatin1String("sha256:")));
        const QString broken = commitToApi(QStringLiteral("refs/heads/master"), QStringLiteral("watch: a broken build"),
                                           dockerfile, [](const QByteArray &text) { return text + "RUN exit 3\n"; });
        QVERIFY(!broken.isEmpty());
        const Run failed = mrc({"watch", "--once", "--json"});
        QVERIFY2(failed.exitCode == 1, failed.tail().constData()); // a pipeline failed
        const qint64 run = runOf(failed, "commit");
        QVERIFY(run > 0);
        const QStringList states = failed.statesOf(run);
        QCOMPARE(states.mid(0, 3), (QStringList{"queued", "building", "build-failed"}));
        QCOMPARE(states.last(), QStringLiteral("failed"));
        QVERIFY2(!states.contains("pushing"), qPrintable(states.join(' ')));
        QCOMPARE(digestAt(api, "sha-" + broken.left(7)), QString());
        QCOMPARE(digestAt(api, "master"), masterBefore);
        QElapsedTimer sinceFailure;
        sinceFailure.start();

        // Within the back-off (initial: 40 s) the next cycle leaves it alone.
        const Run early = mrc({"watch", "--once", "--json"});
        QVERIFY2(sinceFailure.elapsed() < 40000, "the early cycle came too late to tell");
        QVERIFY2(early.exitCode == 0, early.tail().constData());
        QVERIFY2(early.ofType("run").isEmpty() && early.ofType("state").isEmpty(), early.tail().constData());

        // After it, the same commit is tried once more (and fails again: it is the same commit).
        QTest::qWait(int(qMax<qint64>(0, 41000 - sinceFailure.elapsed())));
        const Run retried = mrc({"watch", "--once", "--json"});
        QVERIFY2(retried.exitCode == 1, retried.tail().constData());
        bool again = false;
        for (const QJsonObject &line : retried.ofType("run"))
            again = again || line.value("sha").toString() == broken;
        QVERIFY2(again, retried.tail().constData());
        QCOMPARE(digestAt(api, "master"), masterBefore);

        // The next good commit goes through.
        const QString fixed = commitToApi(QStringLiteral("refs/heads/master"), QStringLiteral("watch: the fix"),
                                          dockerfile, [](QByteArray text) {
                                              text.replace("RUN exit 3\n", "");
                                              return text;
                                          });
        QVERIFY(!fixed.isEmpty());
        const Run good = mrc({"watch", "--once", "--json"});
        QVERIFY2(good.exitCode == 0, good.tail().constData());
        const QString digest = digestAt(api, "sha-" + fixed.left(7));
        QVERIFY2(digest.startsWith(QLatin1String("sha256:")), qPrintable(digest));
        QCOMPARE(digestAt(api, "master"), digest);
    }

    void commonCommitRebuildsEveryMasterImage()
    {
        // The policy opened to every component of master (on the one Docker version).
        QFile file(workspace() + QStringLiteral("/release.yaml"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QByteArray text = file.readAll();
        file.close();
        QVERIFY(text.contains("      components: [api]\n"));
        text.replace("      components: [api]\n", "");
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(text);
        file.close();
        const ManifestResult loaded = ManifestParser::load(file.fileName());
        QVERIFY(loaded.ok());
        QStringList everyComponent;
        for (const ComponentSpec &c : loaded.manifest.components)
            everyComponent << c.name;
        QVERIFY(everyComponent.size() > 2);
        QMap<QString, QString> before;
        for (const QString &name : everyComponent)
            before.insert(name, digestAt(m_ns + QLatin1Char('/') + name, "master"));
        const QString apiSha = before.value("api");
        QVERIFY2(apiSha.startsWith(QLatin1String("sha256:")), qPrintable(apiSha));

        // A commit in monasca-common (outside its docker folder): the base and, on it, every child.
        const QString common = m_dir.filePath(QStringLiteral("common-clone"));
        git(m_dir.path(), {"clone", "-q", workspace() + QStringLiteral("/repos/monasca-common.git"), common});
        QVERIFY(m_gitOk);
        QFile note(common + QStringLiteral("/WATCH.txt"));
        QVERIFY(note.open(QIODevice::WriteOnly));
        note.write("watch: a monasca-common commit\n");
        note.close();
        git(common, {"add", "WATCH.txt"});
        git(common, {"commit", "-q", "-m", "watch: a monasca-common commit"});
        const QString sha = QString::fromUtf8(git(common, {"rev-parse", "HEAD"}));
        git(common, {"push", "-q", "origin", "HEAD:refs/heads/master"});
        QVERIFY(m_gitOk);

        const Run cycle = mrc({"watch", "--once", "--json"});
        QVERIFY2(cycle.exitCode == 0, cycle.tail().constData());
        const QList<QJsonObject> events = cycle.ofType("event");
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.first().value("sha").toString(), sha);
        QStringList affected;
        for (const QJsonValue &v : events.first().value("components").toArray())
            affected << v.toString();
        QCOMPARE(affected.value(0), QStringLiteral("base")); // base first
        QCOMPARE(QSet<QString>(affected.cbegin(), affected.cend()),
                 QSet<QString>(everyComponent.cbegin(), everyComponent.cend()));
        const qint64 run = runOf(cycle, "commit");
        QVERIFY(run > 0);
        QCOMPARE(cycle.statesOf(run).last(), QStringLiteral("done"));

        // At the registry: the base under the commit's sha tag and master; every child's master moved to an image
        // built FROM that base (its label says so), while the children's own sha tags stay where they were.
        const QString base = digestAt(m_ns + QStringLiteral("/base"), "sha-" + sha.left(7));
        QVERIFY2(base.startsWith(QLatin1String("sha256:")), qPrintable(base));
        QCOMPARE(digestAt(m_ns + QStringLiteral("/base"), "master"), base);
        const std::unique_ptr<RegistryClient> registry = client();
        for (const QString &name : everyComponent) {
            const QString repository = m_ns + QLatin1Char('/') + name;
            const QString now = digestAt(repository, "master");
            QVERIFY2(now.startsWith(QLatin1String("sha256:")) && now != before.value(name),
                     qPrintable(QStringLiteral("%1:master is %2, was %3").arg(repository, now, before.value(name))));
            if (name == QLatin1String("base"))
                continue;
            std::unique_ptr<RegistryReply> config(registry->config(repository, "master"));
            config->waitForFinished();
            QVERIFY2(config->ok(), qPrintable(config->errorString()));
            QCOMPARE(config->labels().value("io.github.monasca.mrc.base.revision").toString(), sha);
        }
        // api's own commit did not change: its sha tag keeps the image it got before.
        const QString apiHead = QString::fromUtf8(git(clone(), {"rev-parse", "HEAD"})); // the fix, master's head
        QCOMPARE(digestAt(m_ns + QStringLiteral("/api"), "sha-" + apiHead.left(7)), apiSha);
    }

private:
    bool m_gitOk = false;
    QString m_firstSha;
};

QTEST_GUILESS_MAIN(TestWatch)
#include "tst_watch.moc"
