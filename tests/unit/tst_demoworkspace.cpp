// SPDX-License-Identifier: Apache-2.0
#include "demo/demoworkspace.h"
#include "manifest/manifestparser.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace mrc;

namespace {

const QStringList Branches{QStringLiteral("master"), QStringLiteral("stable/2023.2"),
                           QStringLiteral("unmaintained/2023.1")};

struct Context
{
    const char *component;
    const char *repo;
    const char *context;
};

const Context Contexts[] = {
    {"base", "monasca-common", "docker"},
    {"api", "monasca-api", "docker"},
    {"agent-collector", "monasca-agent", "docker/collector"},
    {"agent-forwarder", "monasca-agent", "docker/forwarder"},
    {"statsd", "monasca-agent", "docker/statsd"},
    {"log-api", "monasca-log-api", "docker"},
    {"notification", "monasca-notification", "docker"},
    {"persister", "monasca-persister", "docker"},
    {"thresh", "monasca-thresh", "docker"},
    {"client", "python-monascaclient", "docker"},
    {"tempest-tests", "monasca-tempest-plugin", "docker"},
};

/** The ENV variable names of a Dockerfile's ENV blocks. */
QStringList envVariables(const QString &dockerfile)
{
    QStringList names;
    bool inEnv = false;
    static const QRegularExpression assignment(QStringLiteral("^\\s*(?:ENV\\s+)?([A-Z_][A-Z0-9_]*)="));
    for (const QString &line : dockerfile.split(QLatin1Char('\n'))) {
        if (line.startsWith(QLatin1String("ENV ")))
            inEnv = true;
        if (!inEnv)
            continue;
        const QRegularExpressionMatch m = assignment.match(line);
        if (m.hasMatch())
            names << m.captured(1);
        if (!line.trimmed().endsWith(QLatin1Char('\\')))
            inEnv = false;
    }
    return names;
}

} // namespace

class TestDemoWorkspace : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_dir;

    QString repoPath(const QString &repo) const { return QStringLiteral("%1/repos/%2.git").arg(m_dir, repo); }

    /** Runs git on a demo repository; the test fails on a non-zero exit unless `exitCode` is asked for. */
    static QString git(const QString &gitDir, const QStringList &args, int *exitCode = nullptr)
    {
        QProcess process;
        process.start(QStringLiteral("git"), QStringList{QStringLiteral("--git-dir=") + gitDir} + args);
        if (!process.waitForFinished(30000))
            qWarning("git %s did not finish", qPrintable(args.join(QLatin1Char(' '))));
        if (exitCode)
            *exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        else if (process.exitCode() != 0)
            qWarning("git %s: %s", qPrintable(args.join(QLatin1Char(' '))), process.readAllStandardError().constData());
        return QString::fromUtf8(process.readAllStandardOutput());
    }

    static QStringList lines(const QString &text) { return text.split(QLatin1Char('\n'), Qt::SkipEmptyParts); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_dir = m_tmp.filePath(QStringLiteral("demo"));
        QElapsedTimer timer;
        timer.start();
        QString error;
        QVERIFY2(DemoWorkspace::create(m_dir, false, QStringLiteral("28.2"), &error), qPrintable(error));
        qInfo("demo created in %lld ms", timer.elapsed());
        QVERIFY2(timer.elapsed() < 5000, "creating the demo must stay fast");
    }

    void repositories()
    {
        QDir repos(m_dir + QStringLiteral("/repos"));
        QStringList expected;
        for (const QString &name : DemoWorkspace::repositories())
            expected << name + QStringLiteral(".git");
        QCOMPARE(expected.size(), 9);
        expected << QStringLiteral("requirements.git"); // openstack/requirements, for the constraints files
        expected.sort();
        QCOMPARE(repos.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name), expected);
    }

    void requirementsRepository()
    {
        // Each branch has its upper constraints; a stable one pins a monasca-common release that the demo's
        // monasca-common repository has as a tag on that branch.
        const QString requirements = m_dir + QStringLiteral("/repos/requirements.git");
        const QString common = repoPath(QStringLiteral("monasca-common"));
        const QList<QPair<QString, QString>> pins = {{QStringLiteral("master"), QStringLiteral("11.0.0")},
                                                     {QStringLiteral("stable/2023.2"), QStringLiteral("10.0.1")},
                                                     {QStringLiteral("unmaintained/2023.1"), QStringLiteral("9.0.1")}};
        for (const auto &[branch, version] : pins) {
            const QString text =
                git(requirements, {QStringLiteral("show"), branch + QStringLiteral(":upper-constraints.txt")});
            QVERIFY2(text.contains(QStringLiteral("\nmonasca-common===%1\n").arg(version)), qPrintable(text));
            const QString tagged = git(common, {QStringLiteral("branch"), QStringLiteral("--contains"), version});
            QVERIFY2(tagged.contains(branch), qPrintable(branch + QStringLiteral(": ") + tagged));
        }
        QFile manifest(m_dir + QStringLiteral("/release.yaml"));
        QVERIFY(manifest.open(QIODevice::ReadOnly));
        QVERIFY(manifest.readAll().contains("requirements: \"file://"));
    }

    void history_data()
    {
        QTest::addColumn<QString>("repo");
        for (const QString &repo : DemoWorkspace::repositories())
            QTest::addRow("%s", qPrintable(repo)) << repo;
    }

    void history()
    {
        QFETCH(QString, repo);
        const QString gitDir = repoPath(repo);
        QCOMPARE(git(gitDir, {QStringLiteral("rev-parse"), QStringLiteral("--is-bare-repository")}).trimmed(),
                 QStringLiteral("true"));
        int exitCode = -1;
        git(gitDir, {QStringLiteral("fsck"), QStringLiteral("--strict"), QStringLiteral("--no-dangling")}, &exitCode);
        QCOMPARE(exitCode, 0);
        QCOMPARE(git(gitDir, {QStringLiteral("symbolic-ref"), QStringLiteral("HEAD")}).trimmed(),
                 QStringLiteral("refs/heads/master"));

        QStringList branches =
            lines(git(gitDir, {QStringLiteral("for-each-ref"), QStringLiteral("--format=%(refname:short)"),
                               QStringLiteral("refs/heads")}));
        branches.sort();
        QStringList expectedBranches = Branches;
        expectedBranches.sort();
        QCOMPARE(branches, expectedBranches);

        QSet<QString> tips;
        for (const QString &branch : Branches)
            tips << git(gitDir, {QStringLiteral("rev-parse"), branch}).trimmed();
        QCOMPARE(tips.size(), 3);

        // Release tags on each line, and branch tips that are not tagged.
        const QMap<QString, QStringList> tagsOn{
            {QStringLiteral("master"), {QStringLiteral("10.0.0"), QStringLiteral("11.0.0"), QStringLiteral("9.0.0")}},
            {QStringLiteral("stable/2023.2"),
             {QStringLiteral("10.0.0"), QStringLiteral("10.0.1"), QStringLiteral("9.0.0")}},
            {QStringLiteral("unmaintained/2023.1"), {QStringLiteral("9.0.0"), QStringLiteral("9.0.1")}},
        };
        for (const QString &branch : Branches) {
            QStringList tags = lines(git(gitDir, {QStringLiteral("tag"), QStringLiteral("--merged"), branch}));
            tags.sort();
            QCOMPARE(tags, tagsOn.value(branch));
            QVERIFY2(git(gitDir, {QStringLiteral("tag"), QStringLiteral("--points-at"), branch}).isEmpty(),
                     qPrintable(branch));
            const QStringList dates =
                lines(git(gitDir, {QStringLiteral("log"), QStringLiteral("--format=%ct"), branch}));
            QVERIFY(dates.size() >= 4);
            QVERIFY2(dates.first().toLongLong() - dates.last().toLongLong() > 30 * 86400, "history spans weeks");
        }
        QCOMPARE(git(gitDir, {QStringLiteral("cat-file"), QStringLiteral("-t"), QStringLiteral("11.0.0")}).trimmed(),
                 QStringLiteral("tag"));
        QCOMPARE(git(gitDir, {QStringLiteral("log"), QStringLiteral("-1"), QStringLiteral("--format=%an <%ae>"),
                              QStringLiteral("master")})
                     .trimmed(),
                 QStringLiteral("Demo Release Manager <release@example.org>"));
        const QStringList subjects =
            lines(git(gitDir, {QStringLiteral("log"), QStringLiteral("--format=%s"), QStringLiteral("master")}));
        QCOMPARE(QSet<QString>(subjects.cbegin(), subjects.cend()).size(), subjects.size());
    }

    void contexts_data()
    {
        QTest::addColumn<QString>("component");
        QTest::addColumn<QString>("repo");
        QTest::addColumn<QString>("context");
        QTest::addColumn<QString>("branch");
        for (const Context &c : Contexts) {
            for (const QString &branch : Branches) {
                QTest::addRow("%s@%s", c.component, qPrintable(branch))
                    << QString::fromLatin1(c.component) << QString::fromLatin1(c.repo) << QString::fromLatin1(c.context)
                    << branch;
            }
        }
    }

    void contexts()
    {
        QFETCH(QString, component);
        QFETCH(QString, repo);
        QFETCH(QString, context);
        QFETCH(QString, branch);
        const QString gitDir = repoPath(repo);
        const QString treeish = branch + QLatin1Char(':') + context;

        const QStringList entries = lines(git(gitDir, {QStringLiteral("ls-tree"), treeish}));
        QMap<QString, QString> modes; // name → mode
        for (const QString &entry : entries)
            modes.insert(entry.section(QLatin1Char('\t'), 1), entry.section(QLatin1Char(' '), 0, 0));
        for (const char *required : {"Dockerfile", "start.sh", "health_check.py", "README.rst"})
            QVERIFY2(modes.contains(QLatin1String(required)), required);
        QCOMPARE(modes.value(QStringLiteral("start.sh")), QStringLiteral("100755"));
        QStringList templates;
        for (const QString &name : modes.keys()) {
            if (name.endsWith(QLatin1String(".j2")))
                templates << name;
        }
        QVERIFY2(!templates.isEmpty(), "no *.j2 template");

        const QString dockerfile = git(gitDir, {QStringLiteral("show"), treeish + QStringLiteral("/Dockerfile")});
        const QStringList dockerLines = dockerfile.split(QLatin1Char('\n'));
        // QStringList::indexOf(QRegularExpression) wants whole-line matches.
        const qsizetype fromIndex = dockerLines.indexOf(QRegularExpression(QStringLiteral("FROM .*")));
        QVERIFY(fromIndex > 0);
        const QStringList beforeFrom = dockerLines.mid(0, fromIndex);
        for (const char *arg : {"DOCKER_IMAGE", "APP_REPO", "REPO_VERSION", "CONSTRAINTS_BRANCH", "BASE_TAG"}) {
            const QRegularExpression re(QStringLiteral("ARG %1=\\S+").arg(QLatin1String(arg)));
            QVERIFY2(beforeFrom.indexOf(re) >= 0, arg);
        }
        QVERIFY(beforeFrom.contains(QStringLiteral("ARG REPO_VERSION=") + branch));
        QCOMPARE(dockerLines.at(fromIndex), component == QLatin1String("base")
                                                ? QStringLiteral("FROM scratch")
                                                : QStringLiteral("FROM monasca/base:$BASE_TAG"));
        QVERIFY(dockerfile.contains(QLatin1String("CMD [\"/start.sh\"]")));
        for (const QString &t : templates)
            QVERIFY2(dockerfile.contains(
                         QRegularExpression(QStringLiteral("^COPY .*\\b%1\\b").arg(QRegularExpression::escape(t)),
                                            QRegularExpression::MultilineOption)),
                     qPrintable(t + QStringLiteral(" is not copied")));

        // The README's table documents exactly the image's variables.
        const QStringList variables = envVariables(dockerfile);
        QVERIFY(variables.size() >= 4);
        const QString readme = git(gitDir, {QStringLiteral("show"), treeish + QStringLiteral("/README.rst")});
        for (const QString &variable : variables) {
            if (variable == QLatin1String("PATH"))
                continue;
            QVERIFY2(readme.contains(
                         QRegularExpression(QStringLiteral("^%1 ").arg(variable), QRegularExpression::MultilineOption)),
                     qPrintable(variable + QStringLiteral(" is not in README.rst")));
        }
    }

    void branchesDiffer_data()
    {
        QTest::addColumn<QString>("repo");
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("masterOnly");
        QTest::addColumn<QString>("sinceStable");
        QTest::addRow("api") << "monasca-api"
                             << "docker/Dockerfile"
                             << "ENABLE_LOGS_API"
                             << "KAFKA_LEGACY_CLIENT_ENABLED";
        QTest::addRow("base") << "monasca-common"
                              << "docker/README.rst"
                              << "TZ"
                              << "LANG";
        QTest::addRow("agent") << "monasca-agent"
                               << "docker/forwarder/agent.yaml.j2"
                               << "MAX_MEASUREMENT_BUFFER_SIZE"
                               << "BACKLOG_SEND_RATE";
        QTest::addRow("persister") << "monasca-persister"
                                   << "docker/Dockerfile"
                                   << "INFLUX_IGNORE_PARSE_POINT_ERROR"
                                   << "KAFKA_EVENTS_ENABLE";
    }

    void branchesDiffer()
    {
        QFETCH(QString, repo);
        QFETCH(QString, file);
        QFETCH(QString, masterOnly);
        QFETCH(QString, sinceStable);
        const QString gitDir = repoPath(repo);
        const auto show = [&](const QString &branch) {
            return git(gitDir, {QStringLiteral("show"), branch + QLatin1Char(':') + file});
        };
        const QRegularExpression master(QStringLiteral("\\b%1\\b").arg(masterOnly));
        const QRegularExpression stable(QStringLiteral("\\b%1\\b").arg(sinceStable));
        QVERIFY(show(QStringLiteral("master")).contains(master));
        QVERIFY(show(QStringLiteral("master")).contains(stable));
        QVERIFY(!show(QStringLiteral("stable/2023.2")).contains(master));
        QVERIFY(show(QStringLiteral("stable/2023.2")).contains(stable));
        QVERIFY(!show(QStringLiteral("unmaintained/2023.1")).contains(master));
        QVERIFY(!show(QStringLiteral("unmaintained/2023.1")).contains(stable));
    }

    void busybox()
    {
        const QString gitDir = repoPath(QStringLiteral("monasca-common"));
        QProcess hash;
        hash.start(QStringLiteral("git"), {QStringLiteral("hash-object"), DemoWorkspace::busyboxPath()});
        QVERIFY(hash.waitForFinished(30000));
        const QString blob = QString::fromLatin1(hash.readAllStandardOutput()).trimmed();
        QCOMPARE(blob.size(), 40);
        for (const QString &branch : Branches) {
            const QString entry = git(gitDir, {QStringLiteral("ls-tree"), branch + QStringLiteral(":docker/rootfs/bin"),
                                               QStringLiteral("busybox")});
            QCOMPARE(entry.trimmed(), QStringLiteral("100755 blob %1\tbusybox").arg(blob));
        }
        const QString dockerfile = git(gitDir, {QStringLiteral("show"), QStringLiteral("master:docker/Dockerfile")});
        QVERIFY(dockerfile.contains(QLatin1String("COPY rootfs/ /\n")));
        QVERIFY(dockerfile.contains(QLatin1String("RUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]")));
        // As upstream, the base declares what every child's build_image.sh passes, so that a child's Dockerfile
        // names each argument once (the scripts grep their defaults from it).
        QVERIFY(dockerfile.contains(QLatin1String("ONBUILD ARG CONSTRAINTS_FILE\n")));
        QVERIFY(dockerfile.contains(QLatin1String("ONBUILD ARG COMMON_GIT_COMMIT\n")));
    }

    void brokenChange()
    {
        // One change ref, in monasca-common only, on top of master: its Dockerfile gains a step busybox cannot run.
        const QString ref = DemoWorkspace::brokenChangeRef();
        const QString gitDir = repoPath(QStringLiteral("monasca-common"));
        QCOMPARE(git(gitDir, {QStringLiteral("rev-parse"), ref + QStringLiteral("^")}).trimmed(),
                 git(gitDir, {QStringLiteral("rev-parse"), QStringLiteral("master")}).trimmed());
        const QString diff = git(gitDir, {QStringLiteral("diff"), QStringLiteral("master"), ref});
        QVERIFY2(diff.contains(QLatin1String("+RUN python3 -m compileall")), qPrintable(diff));
        QCOMPARE(git(gitDir, {QStringLiteral("diff"), QStringLiteral("--name-only"), QStringLiteral("master"), ref})
                     .trimmed(),
                 QStringLiteral("docker/Dockerfile"));
        const QString dockerfile = git(gitDir, {QStringLiteral("show"), ref + QStringLiteral(":docker/Dockerfile")});
        QVERIFY(dockerfile.trimmed().endsWith(QLatin1String("CMD [\"/start.sh\"]")));
        for (const char *repo : {"monasca-api", "monasca-agent"}) {
            int exitCode = -1;
            git(repoPath(QString::fromLatin1(repo)), {QStringLiteral("rev-parse"), QStringLiteral("--verify"), ref},
                &exitCode);
            QVERIFY(exitCode != 0);
        }
    }

    void reviewChange()
    {
        // One change ref under review in monasca-api, on top of master, touching only the image's README.
        const QString ref = DemoWorkspace::reviewChangeRef();
        const QString gitDir = repoPath(QStringLiteral("monasca-api"));
        QCOMPARE(git(gitDir, {QStringLiteral("rev-parse"), ref + QStringLiteral("^")}).trimmed(),
                 git(gitDir, {QStringLiteral("rev-parse"), QStringLiteral("master")}).trimmed());
        QCOMPARE(git(gitDir, {QStringLiteral("diff"), QStringLiteral("--name-only"), QStringLiteral("master"), ref})
                     .trimmed(),
                 QStringLiteral("docker/README.rst"));
        int exitCode = -1;
        git(repoPath(QStringLiteral("monasca-common")), {QStringLiteral("rev-parse"), QStringLiteral("--verify"), ref},
            &exitCode);
        QVERIFY(exitCode != 0);
    }

    void automationSection()
    {
        // The watcher's policy: the open changes on the first cycle, built and tested on master's newest engine.
        const ManifestResult result = ManifestParser::load(m_dir + QStringLiteral("/release.yaml"));
        QVERIFY(result.ok());
        const AutomationPolicy &policy = result.manifest.automation;
        QVERIFY(policy.present);
        QCOMPARE(policy.firstRun, AutomationPolicy::FirstRun::Changes);
        QCOMPARE(policy.intervalSeconds, 60);
        QCOMPARE(policy.rules.size(), 1);
        QCOMPARE(policy.rules.first().docker, QStringList{QStringLiteral("28.2")});
        const AutomationDecision change = policy.decide(AutomationEventKind::Change, QStringLiteral("master"),
                                                        {QStringLiteral("api")}, {"28.2", "27.5", "26.1"});
        QCOMPARE(change.actions, (AutomationActions{true, true, false}));
        QCOMPARE(change.docker, QStringList{QStringLiteral("28.2")});
        QCOMPARE(policy.decide(AutomationEventKind::Commit, QStringLiteral("master"), {QStringLiteral("api")}).actions,
                 (AutomationActions{true, true, true}));
    }

    void releaseYaml()
    {
        QFile file(m_dir + QStringLiteral("/release.yaml"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString yaml = QString::fromUtf8(file.readAll());
        QVERIFY(yaml.contains(QLatin1String("registry:\n  host: 127.0.0.1:5000\n  namespace: monasca\n")));
        QVERIFY(yaml.contains(QLatin1String("  - name: local\n")));
        QVERIFY(yaml.contains(QLatin1String("docker: [\"28.2\", \"27.5\", \"26.1\"]")));
        // stable/2023.2 keeps the newest two, unmaintained/2023.1 is frozen at the two before.
        QVERIFY(yaml.contains(QLatin1String("stable/2023.2\n    docker: [\"28.2\", \"27.5\"]")));
        QVERIFY(yaml.contains(QLatin1String("unmaintained/2023.1\n    docker: [\"27.5\", \"26.1\"]")));
        QCOMPARE(
            yaml.count(QRegularExpression(QStringLiteral("^    image: monasca/"), QRegularExpression::MultilineOption)),
            11);
        for (const Context &c : Contexts) {
            QVERIFY2(yaml.contains(QStringLiteral("  - name: %1\n").arg(QLatin1String(c.component))), c.component);
            QVERIFY2(
                yaml.contains(QStringLiteral("repo: \"file://%1/repos/%2.git\"").arg(m_dir, QLatin1String(c.repo))),
                c.repo);
        }

        const ManifestResult result = ManifestParser::load(file.fileName());
        QVERIFY(result.ok());
        QCOMPARE(result.manifest.components.size(), 11);
        QCOMPARE(result.manifest.registry.host, QStringLiteral("127.0.0.1:5000"));
        QCOMPARE(result.manifest.branches.size(), 3);
        QCOMPARE(result.manifest.engines.size(), 1);
        QCOMPARE(result.manifest.component(QStringLiteral("statsd"))->context, QStringLiteral("docker/statsd"));
        QCOMPARE(result.manifest.component(QStringLiteral("api"))->base, QStringLiteral("base"));
    }

    void dockerVersions_data()
    {
        QTest::addColumn<QString>("given");
        QTest::addColumn<QString>("expected"); // the master line of release.yaml, or empty for an error
        QTest::addRow("default") << ""
                                 << R"(docker: ["28.2", "27.5", "26.1"])";
        QTest::addRow("debian engine") << "20.10.24+dfsg1"
                                       << R"(docker: ["20.10", "19.03", "18.09"])";
        QTest::addRow("27") << "27.5"
                            << R"(docker: ["27.5", "26.1", "25.0"])";
        QTest::addRow("newer than known") << "29.1"
                                          << R"(docker: ["29.1", "28.2", "27.5"])";
        QTest::addRow("not a version") << "latest"
                                       << "";
    }

    void dockerVersions()
    {
        QFETCH(QString, given);
        QFETCH(QString, expected);
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString dir = tmp.filePath(QStringLiteral("demo"));
        QString error;
        const bool ok = DemoWorkspace::create(dir, false, given, &error);
        QCOMPARE(ok, !expected.isEmpty());
        if (!ok) {
            QVERIFY2(error.contains(given), qPrintable(error));
            QVERIFY(!QFileInfo::exists(dir));
            return;
        }
        QFile file(dir + QStringLiteral("/release.yaml"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString yaml = QString::fromUtf8(file.readAll());
        QVERIFY2(yaml.contains(QStringLiteral("  - name: master\n    ") + expected), qPrintable(yaml));
    }

    void severalEngines_data()
    {
        QTest::addColumn<QStringList>("versions"); // of the engines given, in any order
        QTest::addColumn<QString>("master");
        QTest::addColumn<QString>("stable");
        QTest::addColumn<QString>("unmaintained");
        QTest::addRow("three") << QStringList{QStringLiteral("20.10"), QStringLiteral("26.1"), QStringLiteral("28.5")}
                               << R"(["28.5", "26.1", "20.10"])"
                               << R"(["26.1", "20.10"])"
                               << R"(["20.10"])";
        QTest::addRow("four, unsorted") << QStringList{QStringLiteral("26.1"), QStringLiteral("28.5"),
                                                       QStringLiteral("9.3"), QStringLiteral("27.5")}
                                        << R"(["28.5", "27.5", "26.1"])"
                                        << R"(["27.5", "26.1"])"
                                        << R"(["26.1"])";
        QTest::addRow("two of one version") << QStringList{QStringLiteral("28.5"), QStringLiteral("28.5"),
                                                           QStringLiteral("26.1"), QStringLiteral("20.10")}
                                            << R"(["28.5", "26.1", "20.10"])"
                                            << R"(["26.1", "20.10"])"
                                            << R"(["20.10"])";
        // Fewer than three versions: as with one engine, master on the newest and the known majors before it.
        QTest::addRow("one") << QStringList{QStringLiteral("20.10")} << R"(["20.10", "19.03", "18.09"])"
                             << R"(["20.10", "19.03"])"
                             << R"(["19.03", "18.09"])";
    }

    void severalEngines()
    {
        QFETCH(QStringList, versions);
        QFETCH(QString, master);
        QFETCH(QString, stable);
        QFETCH(QString, unmaintained);
        QList<DemoWorkspace::Engine> engines;
        for (const QString &version : versions) {
            DemoWorkspace::Engine engine;
            engine.spec.name = QStringLiteral("docker-%1-%2").arg(version).arg(engines.size());
            engine.spec.host = QStringLiteral("unix:///run/mrc-test/docker-%1.sock").arg(engines.size());
            engine.version = version;
            engines.append(engine);
        }
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString dir = tmp.filePath(QStringLiteral("demo"));
        QString error;
        QVERIFY2(DemoWorkspace::create(dir, false, engines, &error), qPrintable(error));
        QFile file(dir + QStringLiteral("/release.yaml"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString yaml = QString::fromUtf8(file.readAll());
        QVERIFY2(yaml.contains(QStringLiteral("  - name: master\n    docker: ") + master), qPrintable(yaml));
        QVERIFY2(yaml.contains(QStringLiteral("  - name: stable/2023.2\n    docker: ") + stable), qPrintable(yaml));
        QVERIFY2(yaml.contains(QStringLiteral("  - name: unmaintained/2023.1\n    docker: ") + unmaintained),
                 qPrintable(yaml));

        // Every engine is in the manifest, so the matrix probes them all.
        const ManifestResult result = ManifestParser::load(file.fileName());
        QVERIFY(result.ok());
        QCOMPARE(result.manifest.engines.size(), engines.size());
        for (qsizetype i = 0; i < engines.size(); ++i) {
            QCOMPARE(result.manifest.engines.at(i).name, engines.at(i).spec.name);
            QCOMPARE(result.manifest.engines.at(i).host, engines.at(i).spec.host);
        }
    }

    void refusesNonEmpty()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        QFile keep(tmp.filePath(QStringLiteral("precious.txt")));
        QVERIFY(keep.open(QIODevice::WriteOnly));
        keep.write("do not lose me");
        keep.close();
        QString error;
        QVERIFY(!DemoWorkspace::create(tmp.path(), false, QString(), &error));
        QCOMPARE(error, QStringLiteral("%1 is not empty; use --force to replace it").arg(tmp.path()));
        QVERIFY(keep.exists());
        QVERIFY(!QFileInfo::exists(tmp.filePath(QStringLiteral("release.yaml"))));
    }

    void refusesFile()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        QFile plain(tmp.filePath(QStringLiteral("plain")));
        QVERIFY(plain.open(QIODevice::WriteOnly));
        plain.close();
        QString error;
        QVERIFY(!DemoWorkspace::create(plain.fileName(), true, QString(), &error));
        QVERIFY2(error.contains(plain.fileName()), qPrintable(error));
        QVERIFY(QFileInfo(plain.fileName()).isFile());
    }

    void acceptsEmptyFolder()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        QString error;
        QVERIFY2(DemoWorkspace::create(tmp.path(), false, QString(), &error), qPrintable(error));
        QVERIFY(QFileInfo::exists(tmp.filePath(QStringLiteral("release.yaml"))));
    }

    void forceReplaces()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString dir = tmp.filePath(QStringLiteral("demo"));
        QVERIFY(QDir().mkpath(dir + QStringLiteral("/repos/old.git")));
        QFile marker(dir + QStringLiteral("/marker"));
        QVERIFY(marker.open(QIODevice::WriteOnly));
        marker.close();

        QString error;
        // A failure leaves the old folder as it was.
        QVERIFY(!DemoWorkspace::create(dir, true, QStringLiteral("not-a-version"), &error));
        QVERIFY(marker.exists());

        QVERIFY2(DemoWorkspace::create(dir, true, QString(), &error), qPrintable(error));
        QVERIFY(!marker.exists());
        QVERIFY(!QFileInfo::exists(dir + QStringLiteral("/repos/old.git")));
        QVERIFY(QFileInfo::exists(dir + QStringLiteral("/repos/monasca-api.git/HEAD")));
        QVERIFY(QFileInfo::exists(dir + QStringLiteral("/release.yaml")));
        // Nothing is left beside it: no staging or moved-aside folder.
        QCOMPARE(QDir(tmp.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
                 QStringList{QStringLiteral("demo")});
    }
};

QTEST_GUILESS_MAIN(TestDemoWorkspace)
#include "tst_demoworkspace.moc"
