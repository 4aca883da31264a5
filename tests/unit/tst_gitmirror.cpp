// SPDX-License-Identifier: Apache-2.0
// Over 600 lines: every mirror operation against real repositories made in the test (clone, fetch, refs, trees).
#include "git/gitmirror.h"
#include "git/repowriter.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QtConcurrent>
#include <atomic>

using namespace mrc;

class tst_GitMirror : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void mirrorPathFor_data();
    void mirrorPathFor();
    void mirrorPathIsCollisionFree();
    void defaultCacheRoot();

    void firstFetch();
    void resolveBranch_data();
    void resolveBranch();
    void resolve_data();
    void resolve();
    void tags();
    void listTree_data();
    void listTree();
    void listTreeEntries();
    void hasFolder_data();
    void hasFolder();
    void readFile_data();
    void readFile();
    void missingMirror();
    void corruptMirror();
    void oneInstancePerThread();
    void passwordNotInMessages();

    void secondFetchSeesNewCommitsAndPrunes();
    void unreachableRemote_data();
    void unreachableRemote();
    void offline();
    void cancel_data();
    void cancel();
    void cancelFirstFetchLeavesNothing();

    void repoWriterWritesWhatTheMirrorReads();

private:
    QString git(const QString &dir, const QStringList &args, const QByteArray &input = {});
    void writeFile(const QString &repo, const QString &path, const QByteArray &content);
    void commitAll(const QString &repo, const QString &message);
    QString revParse(const QString &repo, const QString &rev) { return git(repo, {"rev-parse", rev}).trimmed(); }
    QString newRepo(const QString &name);
    QStringList partialFolders(const QString &cacheRoot) const;

    QTemporaryDir m_tmp;
    QString m_source;
    QString m_cache;
    qint64 m_clock = 1690000000;
    std::unique_ptr<GitMirror> m_mirror;
};

QString tst_GitMirror::git(const QString &dir, const QStringList &args, const QByteArray &input)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QString date = QStringLiteral("%1 +0200").arg(m_clock);
    env.insert("GIT_AUTHOR_NAME", "Ada Lovelace");
    env.insert("GIT_AUTHOR_EMAIL", "ada@example.org");
    env.insert("GIT_AUTHOR_DATE", date);
    env.insert("GIT_COMMITTER_NAME", "Charles Babbage");
    env.insert("GIT_COMMITTER_EMAIL", "charles@example.org");
    env.insert("GIT_COMMITTER_DATE", date);
    env.insert("GIT_CONFIG_NOSYSTEM", "1");
    env.insert("GIT_CONFIG_GLOBAL", "/dev/null");
    env.insert("HOME", m_tmp.path());
    env.insert("LC_ALL", "C");
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(dir);
    p.start("git", QStringList{"-c", "init.defaultBranch=master", "-c", "core.symlinks=true"} + args);
    if (!p.waitForStarted()) {
        qWarning() << "cannot start git";
        return {};
    }
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel();
    p.waitForFinished(120000);
    const QByteArray err = p.readAllStandardError();
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        qWarning() << "git" << args << "failed in" << dir << err;
    return QString::fromUtf8(p.readAllStandardOutput());
}

void tst_GitMirror::writeFile(const QString &repo, const QString &path, const QByteArray &content)
{
    const QString full = repo + '/' + path;
    QVERIFY(QDir().mkpath(QFileInfo(full).absolutePath()));
    QFile f(full);
    QVERIFY2(f.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(full));
    f.write(content);
}

void tst_GitMirror::commitAll(const QString &repo, const QString &message)
{
    ++m_clock;
    git(repo, {"add", "-A"});
    git(repo, {"commit", "-q", "-m", message});
}

QString tst_GitMirror::newRepo(const QString &name)
{
    const QString path = m_tmp.filePath(name);
    QDir().mkpath(path);
    git(path, {"init", "-q"});
    return path;
}

QStringList tst_GitMirror::partialFolders(const QString &cacheRoot) const
{
    return QDir(cacheRoot).entryList({"*.partial-*"}, QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
}

void tst_GitMirror::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    QVERIFY2(!QStandardPaths::findExecutable("git").isEmpty(), "the git command is needed to build test repositories");
    m_cache = m_tmp.filePath("cache/mrc/mirrors");

    // master: three commits; unmaintained/2023.1 and stable/2023.2 branch off with commits of their own.
    m_source = newRepo("monasca-api");
    writeFile(m_source, "README.rst", "Monasca API\n");
    writeFile(m_source, "docker/Dockerfile", "FROM python:3.8\nRUN true\n");
    writeFile(m_source, "docker/build_image.sh", "#!/bin/sh\necho build\n");
    writeFile(m_source, "docker/templates/api-config.conf.j2", "[DEFAULT]\nname = {{ name }}\n");
    writeFile(m_source, "docker/templates/deep/logging.conf.j2", "[loggers]\nkeys = root\n");
    QVERIFY(QFile::setPermissions(m_source + "/docker/build_image.sh",
                                  QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup |
                                      QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther));
    QVERIFY(QFile::link("Dockerfile", m_source + "/docker/latest"));
    commitAll(m_source, "Initial import");
    git(m_source, {"tag", "-a", "-m", "First release", "1.0.0"});

    git(m_source, {"branch", "unmaintained/2023.1"});
    git(m_source, {"checkout", "-q", "unmaintained/2023.1"});
    writeFile(m_source, "docker/Dockerfile", "FROM python:3.8\nRUN echo 2023.1\n");
    commitAll(m_source, "Backport a fix to 2023.1");
    git(m_source, {"tag", "2023.1-eol"});

    git(m_source, {"checkout", "-q", "master"});
    writeFile(m_source, "docker/Dockerfile", "FROM python:3.10\nRUN true\n");
    writeFile(m_source, "docker/templates/new.conf.j2", "new\n");
    commitAll(m_source, "Move to Python 3.10\n\nThe body of the message\nis not part of the subject.");
    git(m_source, {"tag", "-a", "-m", "2023.2 release", "2.0.0"});

    git(m_source, {"branch", "stable/2023.2"});
    git(m_source, {"checkout", "-q", "stable/2023.2"});
    writeFile(m_source, "docker/upper-constraints.txt", "six==1.16.0\n");
    commitAll(m_source, "Pin constraints for 2023.2");

    git(m_source, {"checkout", "-q", "master"});
    writeFile(m_source, "docker/Dockerfile", "FROM python:3.11\nRUN true\nHEALTHCHECK CMD true\n");
    writeFile(m_source, "docker/healthcheck/check.py", "print('ok')\n");
    commitAll(m_source, "Add a health check");
    git(m_source, {"tag", "light"});

    QCOMPARE(git(m_source, {"branch", "--format=%(refname:short)"}).split('\n', Qt::SkipEmptyParts),
             QStringList({"master", "stable/2023.2", "unmaintained/2023.1"}));
}

void tst_GitMirror::mirrorPathFor_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("name");

    QTest::addRow("https") << "https://opendev.org/openstack/monasca-api"
                           << "monasca-api";
    QTest::addRow("https .git") << "https://opendev.org/openstack/monasca-api.git"
                                << "monasca-api";
    QTest::addRow("trailing slash") << "https://opendev.org/openstack/monasca-api/"
                                    << "monasca-api";
    QTest::addRow("scp-like") << "git@example.org:openstack/monasca-common.git"
                              << "monasca-common";
    QTest::addRow("scp-like, no folder") << "git@example.org:monasca-agent"
                                         << "monasca-agent";
    QTest::addRow("file url") << "file:///srv/git/monasca-log-api.git"
                              << "monasca-log-api";
    QTest::addRow("plain path") << "/srv/git/monasca-persister"
                                << "monasca-persister";
    QTest::addRow("odd characters") << "https://example.org/a b/ré po?x=1"
                                    << "r__po_x_1";
    QTest::addRow("only a host") << "https://"
                                 << "repo";
    QTest::addRow("dot file") << "/srv/.hidden.git"
                              << "hidden";
}

void tst_GitMirror::mirrorPathFor()
{
    QFETCH(QString, url);
    QFETCH(QString, name);

    const QString path = GitMirror::mirrorPathFor(url, "/cache/root/");
    const QRegularExpression pattern("^/cache/root/" + QRegularExpression::escape(name) + "-[0-9a-f]{10}\\.git$");
    QVERIFY2(pattern.match(path).hasMatch(), qPrintable(path));
    QCOMPARE(GitMirror::mirrorPathFor(url, "/cache/root"), path);
    QCOMPARE(GitMirror(url, "/cache/root").path(), path);
}

void tst_GitMirror::mirrorPathIsCollisionFree()
{
    const QStringList urls = {"https://opendev.org/openstack/monasca-api", "https://example.org/fork/monasca-api",
                              "https://opendev.org/openstack/monasca-api.git", "/srv/monasca-api",
                              "file:///srv/monasca-api"};
    QSet<QString> paths;
    for (const QString &url : urls)
        paths.insert(GitMirror::mirrorPathFor(url, "/c"));
    QCOMPARE(paths.size(), urls.size());
}

void tst_GitMirror::defaultCacheRoot()
{
    const QString root = GitMirror::defaultCacheRoot();
    QCOMPARE(root, QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) + "/mrc/mirrors");
}

void tst_GitMirror::firstFetch()
{
    m_mirror = std::make_unique<GitMirror>("file://" + m_source, m_cache);
    QVERIFY(!m_mirror->exists());
    QVERIFY(!m_mirror->lastFetched().isValid());

    int calls = 0;
    FetchProgress last;
    const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
    QString error;
    const bool ok = m_mirror->fetch(
        [&](const FetchProgress &p) {
            ++calls;
            last = p;
        },
        nullptr, &error);
    QVERIFY2(ok, qPrintable(error));
    QVERIFY(error.isEmpty());
    QVERIFY(m_mirror->exists());
    QVERIFY(QFileInfo(m_mirror->path()).isDir());
    QVERIFY(m_mirror->path().startsWith(m_cache + "/monasca-api-"));
    QVERIFY(calls > 0);
    QVERIFY(last.totalObjects > 0);
    QCOMPARE(last.receivedObjects, last.totalObjects);
    QVERIFY(partialFolders(m_cache).isEmpty());

    const QDateTime fetched = m_mirror->lastFetched();
    QVERIFY(fetched.isValid());
    QVERIFY(fetched >= before);
    QVERIFY(fetched <= QDateTime::currentDateTimeUtc());

    // The mirror is bare and holds no checkout.
    QVERIFY(!QFileInfo::exists(m_mirror->path() + "/docker"));
    QCOMPARE(git(m_mirror->path(), {"rev-parse", "--is-bare-repository"}).trimmed(), QString("true"));
}

void tst_GitMirror::resolveBranch_data()
{
    QTest::addColumn<QString>("branch");
    QTest::addColumn<QString>("subject");

    QTest::addRow("master") << "master"
                            << "Add a health check";
    QTest::addRow("stable") << "stable/2023.2"
                            << "Pin constraints for 2023.2";
    QTest::addRow("unmaintained") << "unmaintained/2023.1"
                                  << "Backport a fix to 2023.1";
}

void tst_GitMirror::resolveBranch()
{
    QFETCH(QString, branch);
    QFETCH(QString, subject);
    QVERIFY(m_mirror);

    QString error = "stale";
    const auto info = m_mirror->resolveBranch(branch, &error);
    QVERIFY2(info, qPrintable(error));
    QVERIFY(error.isEmpty());
    QCOMPARE(info->sha, revParse(m_source, branch));
    QCOMPARE(info->shortSha(), info->sha.left(7));
    QCOMPARE(info->subject, subject);
    QCOMPARE(info->author, QString("Ada Lovelace"));
    QCOMPARE(info->authorEmail, QString("ada@example.org"));
    const qint64 authorTime = git(m_source, {"log", "-1", "--format=%at", branch}).trimmed().toLongLong();
    QCOMPARE(info->date.toSecsSinceEpoch(), authorTime);
    QCOMPARE(info->date.offsetFromUtc(), 2 * 3600);

    // A fresh instance opens its own handle and agrees.
    GitMirror other("file://" + m_source, m_cache);
    QCOMPARE(other.resolveBranch(branch)->sha, info->sha);
}

void tst_GitMirror::resolve_data()
{
    QTest::addColumn<QString>("ref");
    QTest::addColumn<QString>("sourceRef"); // empty: must fail with an error

    QTest::addRow("branch") << "stable/2023.2"
                            << "stable/2023.2";
    QTest::addRow("annotated tag") << "1.0.0"
                                   << "1.0.0^{commit}";
    QTest::addRow("lightweight tag") << "light"
                                     << "light";
    QTest::addRow("ancestor") << "master~1"
                              << "master~1";
    QTest::addRow("full sha") << revParse(m_source, "unmaintained/2023.1") << "unmaintained/2023.1";
    QTest::addRow("short sha") << revParse(m_source, "master~2").left(8) << "master~2";
    QTest::addRow("unknown sha") << "0123456789abcdef0123456789abcdef01234567"
                                 << "";
    QTest::addRow("garbage") << "no such ref^^{"
                             << "";
    QTest::addRow("empty") << ""
                           << "";
    QTest::addRow("tree, not a commit") << "master^{tree}"
                                        << "";
}

void tst_GitMirror::resolve()
{
    QFETCH(QString, ref);
    QFETCH(QString, sourceRef);

    QString error;
    const auto info = m_mirror->resolve(ref, &error);
    if (sourceRef.isEmpty()) {
        QVERIFY(!info);
        QVERIFY(!error.isEmpty());
        QVERIFY2(error.contains(m_mirror->url()), qPrintable(error));
        return;
    }
    QVERIFY2(info, qPrintable(error));
    QCOMPARE(info->sha, revParse(m_source, sourceRef));
}

void tst_GitMirror::tags()
{
    QString error = "stale";
    const QList<TagInfo> tags = m_mirror->tags(&error);
    QVERIFY(error.isEmpty());

    QStringList names;
    for (const TagInfo &t : tags) {
        names << t.name;
        QCOMPARE(t.commit, revParse(m_source, t.name + "^{commit}"));
    }
    QCOMPARE(names, QStringList({"1.0.0", "2.0.0", "2023.1-eol", "light"}));

    // The annotated tag's own object differs from the commit it was peeled to.
    QVERIFY(revParse(m_source, "2.0.0") != tags.at(1).commit);
    QCOMPARE(tags.at(1).commit, revParse(m_source, "master~1"));
}

void tst_GitMirror::listTree_data()
{
    QTest::addColumn<QString>("commit");
    QTest::addColumn<QString>("folder");

    QTest::addRow("master docker") << "master"
                                   << "docker";
    QTest::addRow("master docker/") << "master"
                                    << "docker/";
    QTest::addRow("master docker/templates") << "master"
                                             << "docker/templates";
    QTest::addRow("stable docker") << "stable/2023.2"
                                   << "docker";
    QTest::addRow("unmaintained docker") << "unmaintained/2023.1"
                                         << "docker";
    QTest::addRow("by annotated tag") << "1.0.0"
                                      << "docker";
    QTest::addRow("root") << "master"
                          << "";
}

// "path mode type size" lines, as `git ls-tree -r -t -l` reports them, relative to the folder.
void tst_GitMirror::listTree()
{
    QFETCH(QString, commit);
    QFETCH(QString, folder);

    QString error;
    const auto entries = m_mirror->listTree(commit, folder, &error);
    QVERIFY2(entries, qPrintable(error));

    QStringList actual;
    QStringList paths;
    for (const TreeEntry &e : *entries) {
        actual << QStringLiteral("%1 %2 %3 %4")
                      .arg(e.path, QString::number(e.mode, 8).rightJustified(6, '0'), e.isDir ? "tree" : "blob",
                           e.isDir ? "-" : QString::number(e.size));
        paths << e.path;
    }
    QStringList sortedPaths = paths;
    std::sort(sortedPaths.begin(), sortedPaths.end());
    QCOMPARE(paths, sortedPaths);

    const QString clean = folder.endsWith('/') ? folder.chopped(1) : folder;
    QStringList args = {"ls-tree", "-r", "-t", "-l", commit};
    if (!clean.isEmpty())
        args << "--" << clean + "/";
    QStringList expected;
    const QString prefix = clean.isEmpty() ? QString() : clean + "/";
    for (const QString &line : git(m_source, args).split('\n', Qt::SkipEmptyParts)) {
        // <mode> SP <type> SP <sha> SP+ <size> TAB <path>
        const QString meta = line.section('\t', 0, 0);
        const QString path = line.section('\t', 1);
        const QStringList f = meta.split(' ', Qt::SkipEmptyParts);
        QCOMPARE(f.size(), 4);
        if (!prefix.isEmpty() && prefix.startsWith(path + '/'))
            continue; // -t also lists the trees leading to the folder
        QVERIFY2(path.startsWith(prefix), qPrintable(path));
        expected << QStringLiteral("%1 %2 %3 %4").arg(path.mid(prefix.size()), f[0], f[1], f[3]);
    }
    std::sort(expected.begin(), expected.end());
    std::sort(actual.begin(), actual.end());
    QVERIFY(!expected.isEmpty());
    QCOMPARE(actual, expected);
}

void tst_GitMirror::listTreeEntries()
{
    const auto entries = m_mirror->listTree("master", "docker");
    QVERIFY(entries);
    QHash<QString, TreeEntry> byPath;
    for (const TreeEntry &e : *entries)
        byPath.insert(e.path, e);

    QCOMPARE(byPath.keys().size(), 10);
    QVERIFY(byPath.value("templates").isDir);
    QVERIFY(byPath.value("templates/deep").isDir);
    QVERIFY(byPath.value("healthcheck").isDir);
    QCOMPARE(byPath.value("healthcheck/check.py").size, qint64(12));
    QVERIFY(!byPath.value("templates/deep/logging.conf.j2").isDir);
    QVERIFY(byPath.value("latest").isSymlink);
    QCOMPARE(byPath.value("latest").mode, quint32(0120000));
    QCOMPARE(byPath.value("latest").size, qint64(qstrlen("Dockerfile")));
    QVERIFY(!byPath.value("Dockerfile").isSymlink);
    QCOMPARE(byPath.value("Dockerfile").size, qint64(qstrlen("FROM python:3.11\nRUN true\nHEALTHCHECK CMD true\n")));
    QCOMPARE(byPath.value("build_image.sh").mode, quint32(0100755));
    QCOMPARE(byPath.value("README.rst").path, QString()); // not below docker/
}

void tst_GitMirror::hasFolder_data()
{
    QTest::addColumn<QString>("commit");
    QTest::addColumn<QString>("folder");
    QTest::addColumn<bool>("expected");
    QTest::addColumn<bool>("badCommit");

    QTest::addRow("docker") << "master"
                            << "docker" << true << false;
    QTest::addRow("nested") << "master"
                            << "docker/templates/deep" << true << false;
    QTest::addRow("trailing slash") << "master"
                                    << "docker/templates/" << true << false;
    QTest::addRow("root") << "master"
                          << "" << true << false;
    QTest::addRow("missing") << "master"
                             << "kubernetes" << false << false;
    QTest::addRow("only on master") << "unmaintained/2023.1"
                                    << "docker/healthcheck" << false << false;
    QTest::addRow("added on master") << "master"
                                     << "docker/healthcheck" << true << false;
    QTest::addRow("a file") << "master"
                            << "docker/Dockerfile" << false << false;
    QTest::addRow("a symlink") << "master"
                               << "docker/latest" << false << false;
    QTest::addRow("bad commit") << "not-a-ref"
                                << "docker" << false << true;
    QTest::addRow("unknown sha") << "0123456789abcdef0123456789abcdef01234567"
                                 << "docker" << false << true;
}

void tst_GitMirror::hasFolder()
{
    QFETCH(QString, commit);
    QFETCH(QString, folder);
    QFETCH(bool, expected);
    QFETCH(bool, badCommit);

    QCOMPARE(m_mirror->hasFolder(commit, folder), expected);

    // A missing folder is not an error, a bad commit is.
    QString error = "stale";
    const auto entries = m_mirror->listTree(commit, folder, &error);
    QCOMPARE(bool(entries), expected);
    QCOMPARE(error.isEmpty(), !badCommit);
    if (badCommit)
        QVERIFY2(error.contains(commit), qPrintable(error));
}

void tst_GitMirror::readFile_data()
{
    QTest::addColumn<QString>("commit");
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("found");
    QTest::addColumn<bool>("failed");

    QTest::addRow("Dockerfile master") << "master"
                                       << "docker/Dockerfile" << true << false;
    QTest::addRow("Dockerfile stable") << "stable/2023.2"
                                       << "docker/Dockerfile" << true << false;
    QTest::addRow("Dockerfile unmaintained") << "unmaintained/2023.1"
                                             << "docker/Dockerfile" << true << false;
    QTest::addRow("Dockerfile by tag") << "1.0.0"
                                       << "docker/Dockerfile" << true << false;
    QTest::addRow("nested") << "master"
                            << "docker/templates/deep/logging.conf.j2" << true << false;
    QTest::addRow("leading slash") << "master"
                                   << "/README.rst" << true << false;
    QTest::addRow("symlink") << "master"
                             << "docker/latest" << true << false;
    QTest::addRow("only on stable") << "stable/2023.2"
                                    << "docker/upper-constraints.txt" << true << false;
    QTest::addRow("not on master") << "master"
                                   << "docker/upper-constraints.txt" << false << false;
    QTest::addRow("a folder") << "master"
                              << "docker/templates" << false << false;
    QTest::addRow("missing") << "master"
                             << "nope/nothing" << false << false;
    QTest::addRow("bad commit") << "0123456789abcdef0123456789abcdef01234567"
                                << "README.rst" << false << true;
}

void tst_GitMirror::readFile()
{
    QFETCH(QString, commit);
    QFETCH(QString, path);
    QFETCH(bool, found);
    QFETCH(bool, failed);

    QString error = "stale";
    const auto content = m_mirror->readFile(commit, path, &error);
    QCOMPARE(bool(content), found);
    QCOMPARE(!error.isEmpty(), failed);
    if (found) {
        const QString clean = path.startsWith('/') ? path.mid(1) : path;
        QCOMPARE(QString::fromUtf8(*content), git(m_source, {"cat-file", "blob", commit + ":" + clean}));
    }
}

void tst_GitMirror::missingMirror()
{
    GitMirror never("file:///never/fetched.git", m_cache);
    QVERIFY(!never.exists());
    QString error;
    QVERIFY(!never.resolveBranch("master", &error));
    QVERIFY2(error.contains("file:///never/fetched.git"), qPrintable(error));
    error.clear();
    QVERIFY(!never.resolve("HEAD", &error));
    QVERIFY(!error.isEmpty());
    error.clear();
    QVERIFY(never.tags(&error).isEmpty());
    QVERIFY(!error.isEmpty());
    QVERIFY(!never.hasFolder("master", "docker"));
    error.clear();
    QVERIFY(!never.listTree("master", "docker", &error));
    QVERIFY(!error.isEmpty());
    error.clear();
    QVERIFY(!never.readFile("master", "README.rst", &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(!never.lastFetched().isValid());
    QVERIFY(!QFileInfo::exists(never.path()));

    // A folder that is not a repository is reported, not opened.
    QVERIFY(QDir().mkpath(never.path() + "/objects"));
    writeFile(never.path(), "HEAD", "garbage");
    error.clear();
    QVERIFY(!never.resolveBranch("master", &error));
    QVERIFY2(error.contains(never.path()), qPrintable(error));
    QVERIFY(QDir(never.path()).removeRecursively());
}

void tst_GitMirror::corruptMirror()
{
    const QString cache = m_tmp.filePath("corrupt-cache");
    GitMirror mirror(m_source, cache);
    QString error;
    QVERIFY2(mirror.fetch({}, nullptr, &error), qPrintable(error));
    const QString master = mirror.resolveBranch("master")->sha;

    writeFile(mirror.path(), "refs/heads/broken", "this is not a sha\n");
    writeFile(mirror.path(), "refs/heads/dangling", "0123456789abcdef0123456789abcdef01234567\n");
    const QString blob = revParse(m_source, "master:README.rst");
    writeFile(mirror.path(), "refs/heads/blob", blob.toLatin1() + "\n");

    for (const char *branch : {"broken", "dangling", "blob"}) {
        error.clear();
        QVERIFY(!mirror.resolveBranch(branch, &error));
        QVERIFY2(!error.isEmpty(), branch);
        QVERIFY2(error.contains(branch), qPrintable(error));
    }
    error.clear();
    QVERIFY(!mirror.resolve(blob, &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(!mirror.hasFolder(blob, "docker"));
    QCOMPARE(mirror.resolveBranch("master")->sha, master);

    // A tag of a blob cannot be built from; it is left out rather than failing the list.
    git(mirror.path(), {"tag", "blob-tag", blob});
    error = "stale";
    const QList<TagInfo> tags = mirror.tags(&error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(tags.size(), 4);
}

void tst_GitMirror::oneInstancePerThread()
{
    const QString url = m_mirror->url();
    const QString master = revParse(m_source, "master");
    const QByteArray dockerfile = git(m_source, {"cat-file", "blob", "stable/2023.2:docker/Dockerfile"}).toUtf8();
    const QList<int> jobs = {0, 1, 2, 3, 4, 5, 6, 7};
    const QList<bool> results = QtConcurrent::blockingMapped(jobs, [&](int) {
        GitMirror mirror(url, m_cache);
        bool ok = true;
        for (int i = 0; i < 20 && ok; ++i) {
            const auto info = mirror.resolveBranch("master");
            const auto file = mirror.readFile("stable/2023.2", "docker/Dockerfile");
            const auto tree = mirror.listTree("master", "docker");
            ok = info && info->sha == master && file && *file == dockerfile && tree && tree->size() == 10 &&
                 mirror.tags().size() == 4;
        }
        return ok;
    });
    QCOMPARE(results, QList<bool>(jobs.size(), true));
}

void tst_GitMirror::passwordNotInMessages()
{
    const QString url = "https://mrc:s3cret@127.0.0.1:1/openstack/monasca-api";
    GitMirror mirror(url, m_tmp.filePath("password-cache"));
    QVERIFY(!mirror.path().contains("s3cret"));
    QString error;
    QVERIFY(!mirror.resolveBranch("master", &error));
    QVERIFY2(!error.isEmpty() && !error.contains("s3cret"), qPrintable(error));
    QVERIFY(!mirror.fetch({}, nullptr, &error));
    QVERIFY2(error.startsWith("cannot fetch https://mrc@127.0.0.1:1/openstack/monasca-api: "), qPrintable(error));
    QVERIFY2(!error.contains("s3cret"), qPrintable(error));
    QVERIFY(!QFileInfo::exists(mirror.path()));
}

void tst_GitMirror::secondFetchSeesNewCommitsAndPrunes()
{
    const QDateTime firstFetch = m_mirror->lastFetched();
    const QString oldMaster = m_mirror->resolveBranch("master")->sha;

    writeFile(m_source, "docker/Dockerfile", "FROM python:3.12\n");
    commitAll(m_source, "Move to Python 3.12");
    git(m_source, {"branch", "feature/short-lived"});
    git(m_source, {"tag", "-a", "-m", "Three", "3.0.0"});
    const QString newMaster = revParse(m_source, "master");
    QVERIFY(newMaster != oldMaster);
    QCOMPARE(m_mirror->resolveBranch("master")->sha, oldMaster);

    QString error;
    QVERIFY2(m_mirror->fetch({}, nullptr, &error), qPrintable(error));
    QCOMPARE(m_mirror->resolveBranch("master")->sha, newMaster);
    QCOMPARE(m_mirror->resolveBranch("feature/short-lived")->sha, newMaster);
    QCOMPARE(m_mirror->resolve("3.0.0")->sha, newMaster);
    QCOMPARE(*m_mirror->readFile("master", "docker/Dockerfile"), QByteArray("FROM python:3.12\n"));
    QVERIFY(m_mirror->lastFetched() >= firstFetch);

    // Branches and tags deleted upstream disappear from the mirror.
    git(m_source, {"branch", "-D", "feature/short-lived"});
    git(m_source, {"tag", "-d", "3.0.0"});
    QVERIFY2(m_mirror->fetch({}, nullptr, &error), qPrintable(error));
    error = "stale";
    QVERIFY(!m_mirror->resolveBranch("feature/short-lived", &error));
    QVERIFY(error.isEmpty());
    QVERIFY(!m_mirror->resolve("3.0.0"));
    QCOMPARE(m_mirror->tags().size(), 4);
}

void tst_GitMirror::unreachableRemote_data()
{
    QTest::addColumn<QString>("url");

    QTest::addRow("file url") << "file:///nonexistent/repo.git";
    QTest::addRow("plain path") << "/nonexistent/path/repo.git";
    QTest::addRow("not a repository") << m_tmp.filePath("cache");
}

void tst_GitMirror::unreachableRemote()
{
    QFETCH(QString, url);

    const QString cache = m_tmp.filePath("unreachable-cache");
    GitMirror mirror(url, cache);
    QString error;
    int calls = 0;
    QVERIFY(!mirror.fetch([&](const FetchProgress &) { ++calls; }, nullptr, &error));
    QVERIFY2(error.contains(url), qPrintable(error));
    QVERIFY2(error.startsWith("cannot fetch " + url + ": "), qPrintable(error));
    QVERIFY(error.size() > QString("cannot fetch " + url + ": ").size());
    QVERIFY(!mirror.exists());
    QVERIFY(!QFileInfo::exists(mirror.path()));
    QVERIFY(partialFolders(cache).isEmpty());
    QVERIFY(!mirror.lastFetched().isValid());
    QVERIFY(!mirror.resolveBranch("master"));
}

void tst_GitMirror::offline()
{
    const QString remote = m_tmp.filePath("offline-remote.git");
    git(m_tmp.path(), {"clone", "-q", "--mirror", m_source, remote});
    const QString cache = m_tmp.filePath("offline-cache");
    const QString master = revParse(remote, "master");

    QDateTime fetched;
    {
        GitMirror mirror(remote, cache); // a plain path, not a file:// URL
        QString error;
        QVERIFY2(mirror.fetch({}, nullptr, &error), qPrintable(error));
        fetched = mirror.lastFetched();
        QVERIFY(fetched.isValid());
    }

    QVERIFY(QDir().rename(remote, remote + ".gone"));

    GitMirror mirror(remote, cache);
    QVERIFY(mirror.exists());
    QString error;
    QVERIFY(!mirror.fetch({}, nullptr, &error));
    QVERIFY2(error.contains(remote), qPrintable(error));

    QCOMPARE(mirror.lastFetched(), fetched);
    QCOMPARE(mirror.resolveBranch("master")->sha, master);
    QCOMPARE(mirror.resolveBranch("stable/2023.2")->sha, revParse(remote + ".gone", "stable/2023.2"));
    QCOMPARE(mirror.tags().size(), 4);
    QCOMPARE(*mirror.readFile("unmaintained/2023.1", "docker/Dockerfile"),
             QByteArray("FROM python:3.8\nRUN echo 2023.1\n"));
    QVERIFY(mirror.listTree("master", "docker"));

    QVERIFY(QDir().rename(remote + ".gone", remote));
    QVERIFY2(mirror.fetch({}, nullptr, &error), qPrintable(error));
    QVERIFY(mirror.lastFetched() >= fetched);
}

void tst_GitMirror::cancel_data()
{
    QTest::addColumn<bool>("beforeStart");

    QTest::addRow("at the first progress") << false;
    QTest::addRow("before the fetch") << true;
}

// Many objects so that the transfer reports progress several times and can be stopped in the middle.
void tst_GitMirror::cancel()
{
    QFETCH(bool, beforeStart);

    const QString source = newRepo(QStringLiteral("big-%1").arg(beforeStart));
    writeFile(source, "docker/Dockerfile", "FROM scratch\n");
    commitAll(source, "Start small");
    const QString cache = m_tmp.filePath(QStringLiteral("cancel-cache-%1").arg(beforeStart));
    GitMirror mirror("file://" + source, cache);
    QString error;
    QVERIFY2(mirror.fetch({}, nullptr, &error), qPrintable(error));
    const QString small = revParse(source, "master");
    const QDateTime fetched = mirror.lastFetched();

    QByteArray stream;
    const QByteArray head = revParse(source, "master").toLatin1();
    QRandomGenerator random(42);
    for (int i = 0; i < 300; ++i) {
        QByteArray blob(2048, Qt::Uninitialized);
        random.fillRange(reinterpret_cast<quint32 *>(blob.data()), blob.size() / 4);
        stream += "commit refs/heads/master\n";
        stream += "committer Charles Babbage <charles@example.org> " + QByteArray::number(m_clock + i) + " +0000\n";
        const QByteArray message = "Commit " + QByteArray::number(i) + "\n";
        stream += "data " + QByteArray::number(message.size()) + "\n" + message;
        if (i == 0)
            stream += "from " + head + "\n";
        stream += "M 644 inline data/file" + QByteArray::number(i) + ".bin\n";
        stream += "data " + QByteArray::number(blob.size()) + "\n" + blob + "\n";
    }
    git(source, {"fast-import", "--quiet", "--force"}, stream);
    const QString big = revParse(source, "master");
    QVERIFY(big != small);

    std::atomic_bool cancelled = beforeStart;
    int calls = 0;
    unsigned receivedAtCancel = 0;
    unsigned total = 0;
    const bool ok = mirror.fetch(
        [&](const FetchProgress &p) {
            if (calls++ == 0) {
                cancelled = true;
                receivedAtCancel = p.receivedObjects;
            }
            total = p.totalObjects;
        },
        &cancelled, &error);
    QVERIFY(!ok);
    QVERIFY2(error.contains("cancel"), qPrintable(error));
    QVERIFY2(error.contains(mirror.url()), qPrintable(error));
    if (beforeStart) {
        QCOMPARE(calls, 0);
    } else {
        // libgit2 stopped at the first report instead of downloading everything.
        QCOMPARE(calls, 1);
        QVERIFY2(receivedAtCancel < total, qPrintable(QStringLiteral("%1 of %2").arg(receivedAtCancel).arg(total)));
    }

    QCOMPARE(mirror.resolveBranch("master")->sha, small);
    QCOMPARE(mirror.lastFetched(), fetched);
    QCOMPARE(GitMirror("file://" + source, cache).resolveBranch("master")->sha, small);

    cancelled = false;
    QVERIFY2(mirror.fetch({}, &cancelled, &error), qPrintable(error));
    QCOMPARE(mirror.resolveBranch("master")->sha, big);
    QCOMPARE(mirror.readFile("master", "data/file299.bin")->size(), 2048);
}

void tst_GitMirror::cancelFirstFetchLeavesNothing()
{
    const QString cache = m_tmp.filePath("cancel-first-cache");
    GitMirror mirror("file://" + m_source, cache);
    std::atomic_bool cancelled = false;
    QString error;
    QVERIFY(!mirror.fetch([&](const FetchProgress &) { cancelled = true; }, &cancelled, &error));
    QVERIFY2(error.contains("cancel"), qPrintable(error));
    QVERIFY(!mirror.exists());
    QVERIFY(!QFileInfo::exists(mirror.path()));
    QVERIFY(partialFolders(cache).isEmpty());
    QVERIFY(!mirror.resolveBranch("master"));
}

void tst_GitMirror::repoWriterWritesWhatTheMirrorReads()
{
    // A bare repository written from memory (as the demo does) is a repository git and the mirror read alike.
    const QString path = m_tmp.filePath("written.git");
    RepoWriter writer;
    QString error;
    QVERIFY2(writer.init(path, "master", "written by tst_gitmirror", &error), qPrintable(error));
    const RepoWriter::FileTree first{{"README.rst", {"first\n"}},
                                     {"docker/Dockerfile", {"FROM scratch\n"}},
                                     {"docker/start.sh", {"#!/bin/sh\n", true}}};
    QString root;
    QVERIFY2(writer.commit(&root, first, {}, m_clock, "First\n\nThe body.\n", &error), qPrintable(error));
    QCOMPARE(root.size(), 40);
    RepoWriter::FileTree second = first;
    second.insert("docker/config/app.conf.j2", {"port={{ PORT }}\n"});
    QString tip;
    QVERIFY2(writer.commit(&tip, second, {root}, m_clock + 60, "Second\n", &error), qPrintable(error));
    QVERIFY2(writer.tag("1.0.0", root, m_clock + 120, "1.0.0 release\n", &error), qPrintable(error));
    QVERIFY2(writer.branch("master", tip, &error), qPrintable(error));
    QVERIFY2(writer.branch("stable/1", root, &error), qPrintable(error));
    QVERIFY(!writer.commit(&tip, first, {"not-a-commit"}, m_clock, "x", &error));
    QVERIFY(error.contains("not-a-commit"));
    writer.close();

    QCOMPARE(git(path, {"rev-parse", "master"}).trimmed(), tip);
    QCOMPARE(git(path, {"rev-parse", "master~1"}).trimmed(), root);
    QCOMPARE(git(path, {"log", "-1", "--format=%an <%ae> %at %s", root}).trimmed(),
             QString("Demo Release Manager <release@example.org> %1 First").arg(m_clock));
    QCOMPARE(git(path, {"ls-tree", "master", "docker/start.sh"}).section(' ', 0, 0), QString("100755"));
    QCOMPARE(git(path, {"cat-file", "-t", "1.0.0"}).trimmed(), QString("tag"));
    QCOMPARE(git(path, {"fsck", "--strict", "--no-dangling"}).trimmed(), QString());

    GitMirror mirror("file://" + path, m_tmp.filePath("written-cache"));
    QVERIFY2(mirror.fetch({}, nullptr, &error), qPrintable(error));
    const auto master = mirror.resolveBranch("master", &error);
    QVERIFY2(master, qPrintable(error));
    QCOMPARE(master->sha, tip);
    QCOMPARE(mirror.resolveBranch("stable/1", &error)->sha, root);
    QCOMPARE(*mirror.readFile(tip, "docker/config/app.conf.j2", &error), QByteArray("port={{ PORT }}\n"));
    const auto entries = mirror.listTree(root, "docker", &error);
    QVERIFY2(entries, qPrintable(error));
    QStringList names;
    for (const TreeEntry &entry : *entries)
        names << entry.path;
    names.sort();
    QCOMPARE(names, QStringList({"Dockerfile", "start.sh"}));
}

QTEST_GUILESS_MAIN(tst_GitMirror)
#include "tst_gitmirror.moc"
