// SPDX-License-Identifier: Apache-2.0
// Building from any git ref: GitMirror::fetchRef on real repositories made with the git command (tags, short and
// full shas, a Gerrit change ref the mirror does not fetch until asked), RefColumn across two repositories, and
// the build plan of a ref column.
#include "git/gitmirror.h"
#include "jobs/buildplan.h"
#include "workspace/refcolumn.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace mrc;

class tst_RefColumn : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void resolvesTagsAndShas_data();
    void resolvesTagsAndShas();
    void fetchesAChangeRefOnDemand();
    void findsNewCommitsOfBranches();
    void unknownRefs_data();
    void unknownRefs();
    void badRefs_data();
    void badRefs();
    void unreachableRemote();
    void refColumnAcrossRepositories();
    void refColumnPicksDockerVersions();
    void refColumnProblems();
    void planBuildsFromTheBranchBase();

private:
    QString git(const QString &dir, const QStringList &args);
    void commitFile(const QString &repo, const QString &path, const QByteArray &content, const QString &message);
    QString newRepo(const QString &name);
    Manifest manifest() const;

    QTemporaryDir m_tmp;
    QString m_common; // base's repository: master, stable/2023.2, tag 2.0.0
    QString m_api;    // api's repository: the same, plus a change ref
    QString m_cache;
    QString m_change; // the change's commit, reachable only from refs/changes/51/558751/1
    qint64 m_clock = 1690000000;
};

QString tst_RefColumn::git(const QString &dir, const QStringList &args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QString date = QStringLiteral("%1 +0000").arg(m_clock);
    env.insert("GIT_AUTHOR_NAME", "Ada Lovelace");
    env.insert("GIT_AUTHOR_EMAIL", "ada@example.org");
    env.insert("GIT_AUTHOR_DATE", date);
    env.insert("GIT_COMMITTER_NAME", "Ada Lovelace");
    env.insert("GIT_COMMITTER_EMAIL", "ada@example.org");
    env.insert("GIT_COMMITTER_DATE", date);
    env.insert("GIT_CONFIG_NOSYSTEM", "1");
    env.insert("GIT_CONFIG_GLOBAL", "/dev/null");
    env.insert("HOME", m_tmp.path());
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(dir);
    p.start("git", QStringList{"-c", "init.defaultBranch=master"} + args);
    p.waitForFinished(60000);
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        qWarning() << "git" << args << "failed in" << dir << p.readAllStandardError();
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

void tst_RefColumn::commitFile(const QString &repo, const QString &path, const QByteArray &content,
                               const QString &message)
{
    ++m_clock;
    QDir().mkpath(QFileInfo(repo + '/' + path).absolutePath());
    QFile f(repo + '/' + path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(content);
    f.close();
    git(repo, {"add", "-A"});
    git(repo, {"commit", "-q", "-m", message});
}

QString tst_RefColumn::newRepo(const QString &name)
{
    const QString path = m_tmp.filePath(name);
    QDir().mkpath(path);
    git(path, {"init", "-q"});
    commitFile(path, "docker/Dockerfile", "FROM scratch\n", "Initial import");
    commitFile(path, "docker/README.rst", "image\n", "Add a README");
    git(path, {"tag", "-a", "-m", "release", "2.0.0"});
    git(path, {"branch", "stable/2023.2"});
    git(path, {"checkout", "-q", "stable/2023.2"});
    commitFile(path, "docker/stable.txt", "stable\n", "Stable fix");
    git(path, {"checkout", "-q", "master"});
    commitFile(path, "docker/master.txt", "master\n", "Master work");
    commitFile(path, "docker/master.txt", "more\n", "More master work");
    return path;
}

void tst_RefColumn::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    m_cache = m_tmp.filePath("cache");
    m_common = newRepo("monasca-common");
    m_api = newRepo("monasca-api");
    // A change proposed on Gerrit: a commit on top of master reachable only from its change ref.
    git(m_api, {"checkout", "-q", "--detach"});
    commitFile(m_api, "docker/Dockerfile", "FROM scratch\nLABEL change=1\n", "Change under review");
    m_change = git(m_api, {"rev-parse", "HEAD"});
    git(m_api, {"update-ref", "refs/changes/51/558751/1", m_change});
    git(m_api, {"checkout", "-q", "master"});
    QCOMPARE(m_change.size(), 40);
}

Manifest tst_RefColumn::manifest() const
{
    Manifest m;
    m.path = "release.yaml";
    m.branches = {BranchSpec{"master", {"28.2", "27.5"}, {}, {}, {}},
                  BranchSpec{"stable/2023.2", {"27.5"}, {}, {}, {}}};
    m.components = {ComponentSpec{"base", "monasca/base", m_common, "docker", "", {}},
                    ComponentSpec{"api", "monasca/api", m_api, "docker", "base", {}}};
    return m;
}

void tst_RefColumn::resolvesTagsAndShas_data()
{
    QTest::addColumn<QString>("ref");
    QTest::addColumn<QString>("expected"); // a revision for `git rev-parse` in the source

    const QString master = git(m_api, {"rev-parse", "master"});
    const QString first = git(m_api, {"rev-parse", "master~2"});
    QTest::addRow("annotated tag") << "2.0.0"
                                   << "2.0.0^{commit}";
    QTest::addRow("tag by full name") << "refs/tags/2.0.0"
                                      << "2.0.0^{commit}";
    QTest::addRow("branch") << "stable/2023.2"
                            << "stable/2023.2";
    QTest::addRow("full sha") << master << "master";
    QTest::addRow("short sha") << first.left(7) << "master~2";
    QTest::addRow("upper-case sha") << first.toUpper() << "master~2";
}

void tst_RefColumn::resolvesTagsAndShas()
{
    QFETCH(QString, ref);
    QFETCH(QString, expected);
    GitMirror mirror(m_api, m_cache);
    QString error;
    bool notFound = true;
    const auto commit = mirror.fetchRef(ref, GitMirror::RefFetch::IfMissing, {}, nullptr, &error, &notFound);
    QVERIFY2(commit, qPrintable(error));
    QVERIFY(error.isEmpty());
    QVERIFY(!notFound);
    // In the mirror now: found without the network too.
    QCOMPARE(mirror.fetchRef(ref, GitMirror::RefFetch::Never, {}, nullptr, &error)->sha, commit->sha);
    QCOMPARE(commit->sha, git(m_api, {"rev-parse", expected}));
}

void tst_RefColumn::fetchesAChangeRefOnDemand()
{
    const QString ref = "refs/changes/51/558751/1";
    GitMirror mirror(m_api, m_cache);
    QVERIFY(mirror.fetch({}, nullptr, nullptr));
    // The mirror's own fetch takes branches and tags only: the change's ref is not there. (libgit2's local
    // transport copies every object it finds, so the commit itself may be.)
    QVERIFY(!mirror.resolve(GitMirror::fetchedRefName(ref)));
    QVERIFY(!mirror.resolve(ref));

    QString error;
    bool notFound = false;
    // Never: the mirror as it is, no network.
    QVERIFY(!mirror.fetchRef(ref, GitMirror::RefFetch::Never, {}, nullptr, &error, &notFound));
    QVERIFY(notFound);
    QCOMPARE(error, QStringLiteral("%1 not found at %2 when last fetched").arg(ref, m_api));
    const auto commit = mirror.fetchRef(ref, GitMirror::RefFetch::IfMissing, {}, nullptr, &error, &notFound);
    QVERIFY2(commit, qPrintable(error));
    QVERIFY(!notFound);
    QCOMPARE(commit->sha, m_change);
    QCOMPARE(commit->subject, QStringLiteral("Change under review"));
    QCOMPARE(GitMirror::fetchedRefName(ref), QStringLiteral("refs/mrc/fetched/changes/51/558751/1"));
    QCOMPARE(mirror.resolve(GitMirror::fetchedRefName(ref))->sha, m_change);
    QCOMPARE(mirror.readFile(m_change, "docker/Dockerfile").value(), QByteArray("FROM scratch\nLABEL change=1\n"));
    QCOMPARE(mirror.fetchRef(ref, GitMirror::RefFetch::Never, {}, nullptr, &error)->sha, m_change);
    // The change's commit is now in the mirror: its sha resolves, and a later fetch does not prune it.
    QCOMPARE(mirror.fetchRef(m_change.left(9), GitMirror::RefFetch::IfMissing, {}, nullptr, &error)->sha, m_change);
    QVERIFY(mirror.fetch({}, nullptr, &error));
    QCOMPARE(mirror.resolve(GitMirror::fetchedRefName(ref))->sha, m_change);

    // The change is one commit ahead of master and on top of it; stable/2023.2 is further away.
    const auto toMaster = mirror.aheadBehind(m_change, mirror.resolveBranch("master")->sha);
    QCOMPARE(toMaster, (QPair<int, int>(1, 0)));
    const auto toStable = mirror.aheadBehind(m_change, mirror.resolveBranch("stable/2023.2")->sha);
    QCOMPARE(toStable, (QPair<int, int>(3, 1)));

    // A repository without the change: "not found", not an error of the remote.
    GitMirror other(m_common, m_cache);
    QVERIFY(!other.fetchRef(ref, GitMirror::RefFetch::IfMissing, {}, nullptr, &error, &notFound));
    QVERIFY(notFound);
    QCOMPARE(error, QStringLiteral("refs/changes/51/558751/1 not found at %1").arg(m_common));
}

void tst_RefColumn::findsNewCommitsOfBranches()
{
    // A commit pushed after the last fetch: its short sha makes the mirror fetch its branches.
    const QString repo = m_tmp.filePath("growing");
    git(m_tmp.path(), {"clone", "-q", m_api, repo});
    GitMirror mirror(repo, m_cache);
    QVERIFY(mirror.fetch({}, nullptr, nullptr));
    commitFile(repo, "docker/new.txt", "new\n", "New on master");
    const QString sha = git(repo, {"rev-parse", "HEAD"});
    QVERIFY(!mirror.resolve(sha));
    QString error;
    const auto commit = mirror.fetchRef(sha.left(8), GitMirror::RefFetch::IfMissing, {}, nullptr, &error);
    QVERIFY2(commit, qPrintable(error));
    QCOMPARE(commit->sha, sha);
}

void tst_RefColumn::unknownRefs_data()
{
    QTest::addColumn<QString>("ref");
    QTest::addRow("change") << "refs/changes/99/999999/9";
    QTest::addRow("tag") << "9.9.9";
    QTest::addRow("sha") << "0123456789abcdef0123456789abcdef01234567";
    QTest::addRow("short sha") << "0123456";
}

void tst_RefColumn::unknownRefs()
{
    QFETCH(QString, ref);
    GitMirror mirror(m_api, m_cache);
    QString error;
    bool notFound = false;
    QVERIFY(!mirror.fetchRef(ref, GitMirror::RefFetch::IfMissing, {}, nullptr, &error, &notFound));
    QVERIFY(notFound);
    QCOMPARE(error, QStringLiteral("%1 not found at %2").arg(ref, m_api));
}

void tst_RefColumn::badRefs_data()
{
    QTest::addColumn<QString>("ref");
    QTest::addColumn<QString>("message");
    QTest::addRow("empty") << "  "
                           << "empty ref";
    QTest::addRow("option") << "--upload-pack=x"
                            << "starts with '-'";
    QTest::addRow("refspec") << "master:refs/heads/x"
                             << "contains ':'";
    QTest::addRow("space") << "a b"
                           << "contains ' '";
    QTest::addRow("bad ref name") << "refs/changes/../x"
                                  << "not a valid ref name";
}

void tst_RefColumn::badRefs()
{
    QFETCH(QString, ref);
    QFETCH(QString, message);
    GitMirror mirror(m_api, m_cache);
    QString error;
    bool notFound = true;
    QVERIFY(!mirror.fetchRef(ref, GitMirror::RefFetch::Always, {}, nullptr, &error, &notFound));
    QVERIFY(!notFound);
    QVERIFY2(error.contains(message), qPrintable(error));
}

void tst_RefColumn::unreachableRemote()
{
    // A mirror that exists, whose remote went away: the change ref cannot be fetched, and it says so.
    const QString repo = m_tmp.filePath("vanishing");
    git(m_tmp.path(), {"clone", "-q", "--bare", m_api, repo});
    GitMirror mirror(repo, m_cache);
    QVERIFY(mirror.fetch({}, nullptr, nullptr));
    QVERIFY(QDir(repo).removeRecursively());
    QString error;
    bool notFound = true;
    QVERIFY(
        !mirror.fetchRef("refs/changes/51/558751/1", GitMirror::RefFetch::IfMissing, {}, nullptr, &error, &notFound));
    QVERIFY(!notFound);
    QVERIFY2(error.startsWith(QStringLiteral("cannot fetch refs/changes/51/558751/1 from %1: ").arg(repo)),
             qPrintable(error));
    // What the mirror has still resolves without the remote.
    QVERIFY(mirror.fetchRef("2.0.0", GitMirror::RefFetch::IfMissing, {}, nullptr, &error));
}

void tst_RefColumn::refColumnAcrossRepositories()
{
    const Manifest m = manifest();
    // The change is in api's repository only, based on master: master's Docker versions.
    RefColumnResult change = RefColumn::resolve(m, " refs/changes/51/558751/1 ", {}, m_cache);
    QVERIFY2(change.ok(), qPrintable(change.error));
    QCOMPARE(change.branch.name, QStringLiteral("refs/changes/51/558751/1"));
    QCOMPARE(change.branch.ref, change.branch.name);
    QCOMPARE(change.branch.basedOn, QStringLiteral("master"));
    QCOMPARE(change.branch.docker, QStringList({"28.2", "27.5"}));
    QCOMPARE(change.components(m), QStringList{"api"});
    QCOMPARE(change.commits.value(m_api).sha, m_change);
    QCOMPARE(change.missing, QStringList{m_common});

    // A tag is in both repositories; it is nearest to stable/2023.2 (one commit behind) rather than master (two).
    RefColumnResult tag = RefColumn::resolve(m, "2.0.0", {}, m_cache);
    QVERIFY2(tag.ok(), qPrintable(tag.error));
    QCOMPARE(tag.components(m), QStringList({"base", "api"}));
    QCOMPARE(tag.branch.basedOn, QStringLiteral("stable/2023.2"));
    QCOMPARE(tag.branch.docker, QStringList{"27.5"});

    // Added, removed, and listed as columns of the manifest.
    Manifest with = RefColumn::withColumn(m, change.branch);
    QCOMPARE(with.columns().size(), 5);
    QCOMPARE(with.columns().last(), (QPair<QString, QString>("refs/changes/51/558751/1", "27.5")));
    QCOMPARE(RefColumn::columns(with).size(), 1);
    QCOMPARE(RefColumn::withColumn(with, change.branch).branches.size(), 3); // no duplicate
    QCOMPARE(RefColumn::withoutColumn(with, change.branch.ref).branches.size(), 2);
    QCOMPARE(RefColumn::withoutColumn(with, "master").branches.size(), 3); // a branch is not a ref column
}

void tst_RefColumn::refColumnPicksDockerVersions()
{
    const Manifest m = manifest();
    RefColumnResult picked = RefColumn::resolve(m, "refs/changes/51/558751/1", {"26.1", "26.1"}, m_cache);
    QVERIFY2(picked.ok(), qPrintable(picked.error));
    QCOMPARE(picked.branch.docker, QStringList{"26.1"});

    // A commit unrelated to every branch: master's newest version only.
    git(m_api, {"checkout", "-q", "--orphan", "orphan"});
    commitFile(m_api, "docker/Dockerfile", "FROM scratch\n", "Unrelated history");
    const QString orphan = git(m_api, {"rev-parse", "HEAD"});
    git(m_api, {"update-ref", "refs/changes/77/777777/1", orphan});
    git(m_api, {"checkout", "-q", "-f", "master"});
    git(m_api, {"branch", "-D", "orphan"});
    RefColumnResult unrelated = RefColumn::resolve(m, "refs/changes/77/777777/1", {}, m_cache);
    QVERIFY2(unrelated.ok(), qPrintable(unrelated.error));
    QCOMPARE(unrelated.branch.basedOn, QStringLiteral("master"));
    QCOMPARE(unrelated.branch.docker, QStringList{"28.2"});
}

void tst_RefColumn::refColumnProblems()
{
    const Manifest m = manifest();
    RefColumnResult missing = RefColumn::resolve(m, "refs/changes/99/999999/9", {}, m_cache);
    QVERIFY(!missing.ok());
    QVERIFY2(missing.error.startsWith("refs/changes/99/999999/9 not found in any repository of release.yaml"),
             qPrintable(missing.error));
    QVERIFY(missing.error.contains(m_api) && missing.error.contains(m_common));

    RefColumnResult branch = RefColumn::resolve(m, "master", {}, m_cache);
    QVERIFY(!branch.ok());
    QVERIFY2(branch.error.contains("is a branch of release.yaml"), qPrintable(branch.error));

    Manifest broken = m;
    broken.components[0].repo = m_tmp.filePath("no-such-repo");
    broken.components[1].repo = m_tmp.filePath("no-such-repo-either");
    RefColumnResult unreachable = RefColumn::resolve(broken, "2.0.0", {}, m_cache);
    QVERIFY(!unreachable.ok());
    QVERIFY2(unreachable.error.startsWith("cannot look for 2.0.0: cannot fetch "), qPrintable(unreachable.error));
}

void tst_RefColumn::planBuildsFromTheBranchBase()
{
    Manifest m = manifest();
    const RefColumnResult change = RefColumn::resolve(m, "refs/changes/51/558751/1", {"28.2"}, m_cache);
    QVERIFY2(change.ok(), qPrintable(change.error));
    m = RefColumn::withColumn(m, change.branch);

    // The cells as a scan leaves them: every branch cell ready; in the ref column only api has the ref.
    GitMirror common(m_common, m_cache);
    QList<Cell> cells;
    for (const auto &[branch, docker] : m.columns()) {
        for (const ComponentSpec &component : m.components) {
            Cell cell;
            cell.component = component.name;
            cell.image = component.image;
            cell.branch = branch;
            cell.docker = docker;
            cell.state = CellState::Ready;
            if (branch == change.branch.name) {
                cell.commit = change.commits.value(component.repo).sha;
                if (cell.commit.isEmpty())
                    cell.state = CellState::NoBranch;
            } else {
                GitMirror mirror(component.repo, m_cache);
                cell.commit = mirror.resolveBranch(branch)->sha;
            }
            cells.append(cell);
        }
    }
    QList<Cell> selected;
    for (const Cell &cell : cells) {
        if (cell.branch == change.branch.name && cell.component == "api")
            selected.append(cell);
    }
    const QList<EngineStatus> engines{EngineStatus{"local", "unix:///x", true, "28.2.1", "1.50", {}}};
    const BuildPlan plan = BuildPlan::make(m, cells, selected, engines, QDateTime::currentDateTimeUtc());
    QVERIFY2(plan.problems.isEmpty(), qPrintable(plan.problems.join('\n')));
    QCOMPARE(plan.jobs.size(), 2);
    const BuildJobSpec &base = plan.jobs[0];
    const BuildJobSpec &api = plan.jobs[1];
    // The base comes from master's column: its tag and commit, added as a dependency.
    QCOMPARE(base.cell.branch, QStringLiteral("master"));
    QCOMPARE(base.tag, QStringLiteral("monasca/base:master"));
    QVERIFY(base.addedAsDependency);
    QCOMPARE(api.tag, QStringLiteral("monasca/api:ref-changes-51-558751-1"));
    QCOMPARE(api.dependsOn, QList<int>{0});
    QCOMPARE(api.labels.value(ImageLabels::revision), m_change);
    QCOMPARE(api.labels.value(ImageLabels::version), QStringLiteral("refs/changes/51/558751/1"));
    QCOMPARE(api.labels.value(ImageLabels::baseRevision), common.resolveBranch("master")->sha);
    BuildJobSpec resolved = api;
    QString argsError;
    QVERIFY2(BuildPlan::resolveJobArgs(resolved, m, m_cache, &argsError), qPrintable(argsError));
    QCOMPARE(resolved.buildArgs.value("GIT_COMMIT"), m_change);
    // `./build_image.sh refs/changes/51/558751/1 master`: the ref is REPO_VERSION, not a stable branch.
    QCOMPARE(resolved.buildArgs.value("REPO_VERSION"), QStringLiteral("refs/changes/51/558751/1"));
    // In a ref column the child is built FROM the base planned for it, here master's (tst_refbase, docs/builds.rst).
    QCOMPARE(resolved.buildArgs.value("BASE_TAG"), base.tag.section(QLatin1Char(':'), -1));

    // Lint and template previews read a ref column's commit from the mirror, like a branch's.
    GitMirror apiMirror(m_api, m_cache);
    QString error = "unset";
    QCOMPARE(RefColumn::commitOf(apiMirror, m, change.branch.name, &error)->sha, m_change);
    QCOMPARE(RefColumn::commitOf(apiMirror, m, "master", &error)->sha, apiMirror.resolveBranch("master")->sha);
    QVERIFY(!RefColumn::commitOf(common, m, change.branch.name, &error));
    QVERIFY2(error.isEmpty(), qPrintable(error));

    // Tags of refs never look like branch tags, and stay valid Docker tags.
    QCOMPARE(BuildPlan::refTag("monasca/api", "11.0.0"), QStringLiteral("monasca/api:ref-11.0.0"));
    QCOMPARE(BuildPlan::refTag("monasca/api", "abc1234"), QStringLiteral("monasca/api:ref-abc1234"));
    QCOMPARE(BuildPlan::refTag("monasca/api", "refs/heads/feature/x y"),
             QStringLiteral("monasca/api:ref-heads-feature-x-y"));
    QCOMPARE(BuildPlan::refTag("a", QString(300, 'x')).size(), 2 + 4 + 124);
}

QTEST_GUILESS_MAIN(tst_RefColumn)
#include "tst_refcolumn.moc"
