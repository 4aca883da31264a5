// SPDX-License-Identifier: Apache-2.0
// Build-argument parity: every upstream build script of ../shared/corpus (run from there, never copied) against
// mrc's plan for the same cell. The scripts run with stand-ins for docker, git and wget first on PATH: docker
// records its arguments; git is the real git with the upstream URLs rewritten to git repositories made from the
// corpus; wget answers a constraints URL from a requirements repository the way the servers do.
#include "common/corpusrepos.h"
#include "common/sharedcorpus.h"
#include "git/gitmirror.h"
#include "jobs/buildplan.h"
#include "manifest/manifestparser.h"
#include "workspace/workspacescan.h"

#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace mrc;

namespace {

using ArgList = QList<QPair<QString, QString>>;

/** What one `docker build` was given. */
struct DockerBuild
{
    ArgList args; // --build-arg NAME=VALUE, in order
    QString tag;
};

const QRegularExpression kTimestamp(QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$"));

bool isTimestampArg(const QString &name)
{
    return name == QLatin1String("CREATION_TIME") || name == QLatin1String("BASE_CREATION_TIME");
}

/**
 * Every difference between a script's build and mrc's plan, one line each: an argument missing on either side,
 * a value that differs, a repeated argument, a different tag. Timestamps compare by format only.
 */
QStringList compareBuild(const DockerBuild &script, const QMap<QString, QString> &mrcArgs, const QString &mrcTag)
{
    QStringList out;
    QMap<QString, QString> scriptArgs;
    for (const auto &[name, value] : script.args) {
        if (scriptArgs.contains(name))
            out << QStringLiteral("the script passes %1 twice").arg(name);
        scriptArgs.insert(name, value);
    }
    const auto show = [](const QString &value) {
        return QStringLiteral("\"%1\"").arg(QString(value).replace(QLatin1Char('\n'), QLatin1String("\\n")));
    };
    for (auto it = scriptArgs.cbegin(); it != scriptArgs.cend(); ++it) {
        if (!mrcArgs.contains(it.key())) {
            out << QStringLiteral("mrc does not pass %1 (the script passes %2)").arg(it.key(), show(it.value()));
            continue;
        }
        const QString mine = mrcArgs.value(it.key());
        if (isTimestampArg(it.key())) {
            if (!kTimestamp.match(it.value()).hasMatch() || !kTimestamp.match(mine).hasMatch())
                out << QStringLiteral("%1: script %2, mrc %3 (not both date -u +%Y-%m-%dT%H:%M:%SZ)")
                           .arg(it.key(), show(it.value()), show(mine));
        } else if (mine != it.value()) {
            out << QStringLiteral("%1: script %2, mrc %3").arg(it.key(), show(it.value()), show(mine));
        }
    }
    for (auto it = mrcArgs.cbegin(); it != mrcArgs.cend(); ++it) {
        if (!scriptArgs.contains(it.key()))
            out << QStringLiteral("mrc passes %1 = %2, the script does not").arg(it.key(), show(it.value()));
    }
    if (script.tag != mrcTag)
        out << QStringLiteral("tag: script %1, mrc %2").arg(script.tag, mrcTag);
    return out;
}

bool parseDockerCall(const QByteArray &record, DockerBuild *out, QString *error)
{
    QList<QByteArray> argv = record.split('\0');
    if (!argv.isEmpty() && argv.last().isEmpty())
        argv.removeLast();
    if (argv.value(0) != "build") {
        *error = QStringLiteral("docker was called as: docker %1").arg(QString::fromUtf8(argv.value(0)));
        return false;
    }
    for (int i = 1; i < argv.size(); ++i) {
        if (argv[i] == "--build-arg" && i + 1 < argv.size()) {
            const QString pair = QString::fromUtf8(argv[++i]);
            out->args.append({pair.section(QLatin1Char('='), 0, 0), pair.section(QLatin1Char('='), 1)});
        } else if (argv[i] == "--tag" && i + 1 < argv.size()) {
            out->tag = QString::fromUtf8(argv[++i]);
        }
    }
    return true;
}

/** The stand-ins, as small shell scripts. */
const char kDocker[] = R"sh(#!/bin/sh
n=$(ls "$PARITY_OUT" | wc -l)
printf '%s\0' "$@" > "$PARITY_OUT/docker.$n"
)sh";

const char kGit[] = R"sh(#!/bin/sh
printf '%s ' "$@" >> "$PARITY_LOG"; echo >> "$PARITY_LOG"
# Outside a repository (build_base_image.sh runs `git rev-parse --verify HEAD` in its docker/ folder), answer
# from the test repository of that folder, checked out at the branch being built.
if [ "$1" = rev-parse ] && ! /usr/bin/git rev-parse --git-dir >/dev/null 2>&1; then
    shift
    args=""
    for a in "$@"; do [ "$a" = HEAD ] && a="$PARITY_HEAD"; args="$args $a"; done
    exec /usr/bin/git --git-dir="$PARITY_GITDIR" rev-parse $args
fi
exec /usr/bin/git "$@"
)sh";

const char kWget[] = R"sh(#!/bin/sh
printf 'wget %s\n' "$*" >> "$PARITY_LOG"
[ "$1" = --output-document ] || { echo "wget stand-in: unexpected arguments $*" >&2; exit 2; }
out="$2"; url="$3"
path="${url%%\?*}"; query=""
case "$url" in *\?*) query="${url#*\?}" ;; esac
case "$path" in
    */raw/branch/*/upper-constraints.txt) b="${path#*/raw/branch/}"; b="${b%/upper-constraints.txt}" ;;
    */constraints/upper/*) s="${path##*/constraints/upper/}"; if [ "$s" = master ]; then b=master; else b="stable/$s"; fi ;;
    */plain/upper-constraints.txt) b=master; case "$query" in h=*) b="${query#h=}" ;; esac ;;
    *) echo "$url: 404 Not Found" >&2; exit 8 ;;
esac
/usr/bin/git --git-dir="$PARITY_REQUIREMENTS" show "$b:upper-constraints.txt" > "$out" 2>/dev/null \
    || { echo "$url: 404 Not Found" >&2; exit 8; }
)sh";

} // namespace

class TestBuildParity : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void comparisonCatchesADroppedArgument();
    void everyCorpusScriptMatches();
    void droppedArgumentFailsOnRealData();

private:
    struct Run
    {
        QString folder;
        QString component;
        QString branch;
        DockerBuild script;
        QMap<QString, QString> mrcArgs;
        QString mrcTag;
    };
    bool runScript(const QString &script, const QString &branch, const QString &gitDir, DockerBuild *out,
                   QString *error);
    bool git(const QString &dir, const QStringList &args, QString *out = nullptr);

    QTemporaryDir m_dir;
    QString m_corpus;
    test::CorpusRepos m_repos;
    Manifest m_manifest;
    QList<Cell> m_cells;
    QList<EngineStatus> m_engines;
    QList<Run> m_runs;
    QProcessEnvironment m_env;
};

bool TestBuildParity::git(const QString &dir, const QStringList &args, QString *out)
{
    QProcess process;
    process.setWorkingDirectory(dir);
    process.start(QStringLiteral("/usr/bin/git"),
                  QStringList{QStringLiteral("-c"), QStringLiteral("user.name=mrc test"), QStringLiteral("-c"),
                              QStringLiteral("user.email=test@mrc.invalid")} +
                      args);
    if (!process.waitForFinished(60000) || process.exitCode() != 0) {
        qWarning() << "git" << args << process.readAllStandardError();
        return false;
    }
    if (out)
        *out = QString::fromUtf8(process.readAllStandardOutput()).trimmed();
    return true;
}

void TestBuildParity::initTestCase()
{
    QVERIFY(m_dir.isValid());
    MRC_REQUIRE_SHARED_CORPUS(root)
    m_corpus = root;
    qputenv("MRC_CORPUS", m_corpus.toLocal8Bit());
    QString error;
    QVERIFY2(test::CorpusRepos::create(m_dir.path(), &m_repos, &error), qPrintable(error));
    const QString repos = m_dir.filePath(QStringLiteral("repos"));

    // Upstream's HEAD is master: what `git fetch origin ""` (an empty COMMON_VERSION) gets.
    for (const QString &name : QDir(repos).entryList({QStringLiteral("*.git")}, QDir::Dirs)) {
        QVERIFY(git(repos + QLatin1Char('/') + name,
                    {QStringLiteral("symbolic-ref"), QStringLiteral("HEAD"), QStringLiteral("refs/heads/master")}));
        // The URL's last component has no ".git".
        QVERIFY(QFile::link(repos + QLatin1Char('/') + name, repos + QLatin1Char('/') + name.chopped(4)));
    }

    // monasca-common releases to pin, one per branch of the requirements repository, on different commits.
    const QString common = repos + QStringLiteral("/monasca-common.git");
    const QStringList commonBranches = {QStringLiteral("master"), QStringLiteral("unmaintained/2023.1"),
                                        QStringLiteral("unmaintained/zed")};
    // Upstream monasca-common has every branch the other repositories have; the corpus copied the docker/ folders
    // of three. The others start at master here, so that each cell's base can be planned.
    for (const QString &branch : std::as_const(m_repos.branches)) {
        if (!commonBranches.contains(branch))
            QVERIFY(git(common, {QStringLiteral("branch"), branch, QStringLiteral("master")}));
    }
    const QString work = m_dir.filePath(QStringLiteral("work/requirements"));
    QDir().mkpath(work);
    QVERIFY(git(work, {QStringLiteral("init"), QStringLiteral("-q")}));
    QStringList requirementsBranches = m_repos.branches;
    requirementsBranches << QStringLiteral("stable/2023.1") << QStringLiteral("stable/stein")
                         << QStringLiteral("stable/train") << QStringLiteral("stable/2023.2");
    requirementsBranches.removeDuplicates();
    for (int i = 0; i < requirementsBranches.size(); ++i) {
        const QString version = QStringLiteral("3.%1.0").arg(i);
        QVERIFY(git(common, {QStringLiteral("tag"), version, commonBranches.at(i % commonBranches.size())}));
        QVERIFY(git(work, {QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("--orphan"),
                           requirementsBranches.at(i)}));
        QFile file(work + QStringLiteral("/upper-constraints.txt"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QStringLiteral("kafka-python===2.0.2\nmonasca-common===%1\nmonasca-statsd===2.7.0\n")
                       .arg(version)
                       .toUtf8());
        file.close();
        QVERIFY(git(work, {QStringLiteral("add"), QStringLiteral("-A")}));
        QVERIFY(git(work, {QStringLiteral("commit"), QStringLiteral("-qm"), requirementsBranches.at(i)}));
    }
    QVERIFY(git(m_dir.path(), {QStringLiteral("clone"), QStringLiteral("-q"), QStringLiteral("--bare"), work,
                               QStringLiteral("repos/requirements.git")}));
    {
        QFile manifest(m_repos.manifestPath);
        QVERIFY(manifest.open(QIODevice::Append));
        manifest.write(QStringLiteral("requirements: \"%1\"\n")
                           .arg(QUrl::fromLocalFile(repos + QStringLiteral("/requirements.git")).toString())
                           .toUtf8());
    }

    // The stand-ins, and git's URL rewriting to the corpus repositories.
    const QString bin = m_dir.filePath(QStringLiteral("bin"));
    QDir().mkpath(bin);
    for (const auto &[name, text] : {std::pair{"docker", kDocker}, std::pair{"git", kGit}, std::pair{"wget", kWget}}) {
        QFile file(bin + QLatin1Char('/') + QLatin1String(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(text);
        file.close();
        file.setPermissions(file.permissions() | QFileDevice::ExeOwner);
    }
    // monasca-log-api's older scripts call `python`.
    QVERIFY(QFile::link(QStandardPaths::findExecutable(QStringLiteral("python3")), bin + QStringLiteral("/python")));
    QString gitConfig = QStringLiteral("[url \"%1/\"]\n").arg(repos);
    for (const char *prefix : {"https://review.opendev.org/openstack/", "https://opendev.org/openstack/",
                               "https://git.openstack.org/openstack/", "http://opendev.org/openstack/",
                               "ssh://review.opendev.org:29418/openstack/"})
        gitConfig += QStringLiteral("\tinsteadOf = %1\n").arg(QLatin1String(prefix));
    gitConfig += QStringLiteral("[init]\n\tdefaultBranch = master\n[advice]\n\tdetachedHead = false\n");
    QFile config(m_dir.filePath(QStringLiteral("gitconfig")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(gitConfig.toUtf8());
    config.close();

    m_env = QProcessEnvironment::systemEnvironment();
    m_env.insert(QStringLiteral("PATH"), bin + QLatin1Char(':') + m_env.value(QStringLiteral("PATH")));
    m_env.insert(QStringLiteral("GIT_CONFIG_GLOBAL"), config.fileName());
    m_env.insert(QStringLiteral("GIT_CONFIG_NOSYSTEM"), QStringLiteral("1"));
    m_env.insert(QStringLiteral("PARITY_LOG"), m_dir.filePath(QStringLiteral("calls.log")));
    m_env.insert(QStringLiteral("PARITY_REQUIREMENTS"), repos + QStringLiteral("/requirements.git"));
    for (const char *name : {"DOCKER_IMAGE", "REPO_VERSION", "APP_REPO", "CONSTRAINTS_FILE", "CONSTRAINTS_BRANCH",
                             "COMMON_REPO", "COMMON_VERSION", "MONASCA_COMMON_TAG"})
        m_env.remove(QLatin1String(name));

    const ManifestResult loaded = ManifestParser::load(m_repos.manifestPath);
    QVERIFY2(loaded.ok(), qPrintable(loaded.problems.isEmpty() ? QString() : loaded.problems.first().toString()));
    m_manifest = loaded.manifest;
    ScanOptions options;
    options.cacheRoot = m_dir.filePath(QStringLiteral("cache"));
    WorkspaceScan scan(m_manifest, options);
    scan.run();
    m_cells = scan.cells();
    EngineStatus engine;
    engine.name = QStringLiteral("local");
    engine.reachable = true;
    engine.version = QStringLiteral("28.2.1");
    m_engines = {engine};
    for (Cell &cell : m_cells) {
        if (cell.state == CellState::NoEngine)
            cell.state = CellState::Ready;
    }
}

bool TestBuildParity::runScript(const QString &script, const QString &branch, const QString &gitDir, DockerBuild *out,
                                QString *error)
{
    const QString outDir = m_dir.filePath(QStringLiteral("out-%1").arg(m_runs.size()));
    QDir(outDir).removeRecursively();
    QDir().mkpath(outDir);
    QProcessEnvironment env = m_env;
    env.insert(QStringLiteral("PARITY_OUT"), outDir);
    env.insert(QStringLiteral("PARITY_GITDIR"), gitDir);
    env.insert(QStringLiteral("PARITY_HEAD"), QStringLiteral("refs/heads/") + branch);
    QString clean = branch;
    env.insert(QStringLiteral("MONASCA_COMMON_TAG"), clean.replace(QLatin1Char('/'), QLatin1Char('-')));
    QProcess process;
    process.setProcessEnvironment(env);
    process.setWorkingDirectory(QFileInfo(script).absolutePath());
    process.start(QStringLiteral("/bin/bash"), {script, branch});
    if (!process.waitForFinished(60000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        *error = QStringLiteral("%1 %2 failed (%3): %4")
                     .arg(script, branch)
                     .arg(process.exitCode())
                     .arg(QString::fromUtf8(process.readAllStandardError().right(1500)));
        return false;
    }
    const QStringList calls = QDir(outDir).entryList(QDir::Files);
    if (calls.size() != 1) {
        *error = QStringLiteral("%1 called docker %2 times").arg(script).arg(calls.size());
        return false;
    }
    QFile record(outDir + QLatin1Char('/') + calls.first());
    if (!record.open(QIODevice::ReadOnly)) {
        *error = record.fileName();
        return false;
    }
    return parseDockerCall(record.readAll(), out, error);
}

void TestBuildParity::comparisonCatchesADroppedArgument()
{
    const DockerBuild script{
        {{QStringLiteral("CREATION_TIME"), QStringLiteral("2026-12-05T00:00:00Z")},
         {QStringLiteral("APP_REPO"), QStringLiteral("https://review.opendev.org/openstack/monasca-api")},
         {QStringLiteral("COMMON_VERSION"), QStringLiteral("3.1.0")}},
        QStringLiteral("monasca/api:stable-2023.2")};
    QMap<QString, QString> mine{
        {QStringLiteral("CREATION_TIME"), QStringLiteral("2026-12-05T01:02:03Z")},
        {QStringLiteral("APP_REPO"), QStringLiteral("https://review.opendev.org/openstack/monasca-api")},
        {QStringLiteral("COMMON_VERSION"), QStringLiteral("3.1.0")}};
    QCOMPARE(compareBuild(script, mine, script.tag), QStringList());
    QMap<QString, QString> dropped = mine;
    dropped.remove(QStringLiteral("COMMON_VERSION"));
    QCOMPARE(compareBuild(script, dropped, script.tag),
             QStringList{QStringLiteral("mrc does not pass COMMON_VERSION (the script passes \"3.1.0\")")});
    QMap<QString, QString> changed = mine;
    changed.insert(QStringLiteral("COMMON_VERSION"), QStringLiteral("master"));
    QCOMPARE(compareBuild(script, changed, script.tag).size(), 1);
    QMap<QString, QString> extra = mine;
    extra.insert(QStringLiteral("BASE_TAG"), QStringLiteral("master"));
    QCOMPARE(compareBuild(script, extra, script.tag).size(), 1);
    QCOMPARE(compareBuild(script, mine, QStringLiteral("monasca/api:stable/2023.2")).size(), 1);
    mine.insert(QStringLiteral("CREATION_TIME"), QStringLiteral("yesterday"));
    QCOMPARE(compareBuild(script, mine, script.tag).size(), 1);
}

void TestBuildParity::everyCorpusScriptMatches()
{
    const QString repos = m_dir.filePath(QStringLiteral("repos"));
    const QHash<QString, QString> componentOf = {
        {QStringLiteral("monasca-common"), QStringLiteral("base")},
        {QStringLiteral("monasca-api"), QStringLiteral("api")},
        {QStringLiteral("monasca-log-api"), QStringLiteral("log-api")},
        {QStringLiteral("monasca-notification"), QStringLiteral("notification")},
        {QStringLiteral("monasca-persister"), QStringLiteral("persister")},
        {QStringLiteral("monasca-thresh"), QStringLiteral("thresh")},
        {QStringLiteral("python-monascaclient"), QStringLiteral("client")},
        {QStringLiteral("monasca-tempest-plugin"), QStringLiteral("tempest-tests")},
    };
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QStringList failures;
    int folders = 0;
    for (const test::CorpusBranch &entry : std::as_const(m_repos.entries)) {
        // The scripts that build the folder's images; monasca-agent's docker/build_image.sh only relays to these
        // three (the corpus keeps no file mode, so the relay cannot exec them itself).
        QList<QPair<QString, QString>> scripts; // script, component
        if (entry.repo == QLatin1String("monasca-agent")) {
            for (const char *sub : {"collector", "forwarder", "statsd"})
                scripts.append({entry.folder + QStringLiteral("/docker/%1/build_image.sh").arg(QLatin1String(sub)),
                                sub == QByteArray("statsd") ? QStringLiteral("statsd")
                                                            : QStringLiteral("agent-") + QLatin1String(sub)});
        } else if (entry.repo == QLatin1String("monasca-common")) {
            scripts.append({entry.folder + QStringLiteral("/docker/build_base_image.sh"), QStringLiteral("base")});
        } else {
            scripts.append({entry.folder + QStringLiteral("/docker/build_image.sh"), componentOf.value(entry.repo)});
        }
        bool folderOk = true;
        for (const auto &[script, component] : scripts) {
            QVERIFY2(QFileInfo::exists(script), qPrintable(script));
            Run run{entry.folder, component, entry.branch, {}, {}, {}};
            QString error;
            if (!runScript(script, entry.branch, repos + QLatin1Char('/') + entry.repo + QStringLiteral(".git"),
                           &run.script, &error)) {
                failures << error;
                folderOk = false;
                continue;
            }
            QList<Cell> selected;
            for (const Cell &cell : std::as_const(m_cells)) {
                if (cell.component == component && cell.branch == entry.branch)
                    selected.append(cell);
            }
            QVERIFY2(selected.size() == 1, qPrintable(component + QLatin1Char('@') + entry.branch));
            BuildPlan plan = BuildPlan::make(m_manifest, m_cells, selected, m_engines, now);
            BuildPlan::resolveBuildArgs(plan, m_manifest, m_dir.filePath(QStringLiteral("cache")));
            const auto job = std::find_if(plan.jobs.cbegin(), plan.jobs.cend(), [&](const BuildJobSpec &j) {
                return j.cell.component == component && j.cell.branch == entry.branch;
            });
            if (job == plan.jobs.cend()) {
                failures << QStringLiteral("%1@%2: mrc planned no build: %3")
                                .arg(component, entry.branch, plan.problems.join(QStringLiteral("; ")));
                folderOk = false;
                continue;
            }
            run.mrcArgs = job->buildArgs;
            run.mrcTag = job->tag;
            const QStringList differences = compareBuild(run.script, run.mrcArgs, run.mrcTag);
            for (const QString &difference : differences)
                failures << QStringLiteral("%1 (%2@%3): %4")
                                .arg(script.mid(m_corpus.size() + 1), component, entry.branch, difference);
            folderOk = folderOk && differences.isEmpty();
            m_runs.append(run);
        }
        if (folderOk)
            ++folders;
    }
    qInfo("%d of %d corpus folders match (%d images)", folders, int(m_repos.entries.size()), int(m_runs.size()));
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QLatin1Char('\n'))));
    QCOMPARE(int(m_repos.entries.size()), 26);
    QCOMPARE(folders, 26);

    // The stable paths really ran: wget fetched a branch's own constraints and COMMON_VERSION is its pin.
    int stable = 0;
    for (const Run &run : std::as_const(m_runs)) {
        if (!run.branch.startsWith(QLatin1String("stable/")))
            continue;
        ++stable;
        QVERIFY2(QRegularExpression(QStringLiteral("^3\\.\\d+\\.0$"))
                     .match(run.mrcArgs.value(QStringLiteral("COMMON_VERSION")))
                     .hasMatch(),
                 qPrintable(run.folder + QStringLiteral(": ") + run.mrcArgs.value(QStringLiteral("COMMON_VERSION"))));
    }
    QVERIFY(stable >= 5);
}

void TestBuildParity::droppedArgumentFailsOnRealData()
{
    if (m_runs.isEmpty())
        QSKIP("everyCorpusScriptMatches recorded no run");
    // Each argument of each real run, dropped from mrc's side in turn, is reported by name.
    for (const Run &run : std::as_const(m_runs)) {
        for (const auto &[name, value] : run.script.args) {
            QMap<QString, QString> dropped = run.mrcArgs;
            dropped.remove(name);
            const QStringList differences = compareBuild(run.script, dropped, run.mrcTag);
            QCOMPARE(differences.size(), 1);
            QVERIFY2(differences.first().startsWith(QStringLiteral("mrc does not pass %1 ").arg(name)),
                     qPrintable(differences.first()));
        }
    }
}

QTEST_GUILESS_MAIN(TestBuildParity)
#include "tst_buildparity.moc"
