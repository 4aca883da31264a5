// SPDX-License-Identifier: Apache-2.0
// The Docker version policy (master on the three newest versions, stable branches frozen at master's versions of
// the day they were cut) with FILE:LINE:COLUMN findings, read from real git history; cutting a branch into
// release.yaml with its comments kept; `mrc branch cut` on the demo and the matrix showing the new branch.
#include "manifest/branchcut.h"
#include "manifest/dockerpolicy.h"
#include "manifest/manifestparser.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace mrc;

namespace {

QByteArray manifestText(const QByteArray &releases, const QByteArray &master, const QByteArray &stable,
                        const QByteArray &stableExtra = {})
{
    QByteArray text = "version: 1\n"
                      "engines:\n"
                      "  - name: local\n"
                      "    host: unix:///nonexistent/docker.sock\n";
    if (!releases.isEmpty())
        text += "docker_releases: " + releases + "\n";
    text += "# the branches, newest first\n"
            "branches:\n"
            "  - name: master\n"
            "    docker: " +
            master +
            "\n"
            "  # frozen at what master had\n"
            "  - name: stable/2024.1\n"
            "    docker: " +
            stable + "\n" + stableExtra +
            "components:\n"
            "  - name: api\n"
            "    image: monasca/api\n"
            "    repo: file:///nonexistent/api.git\n";
    return text;
}

bool git(const QString &dir, const QStringList &arguments, const QByteArray &date = {})
{
    QProcess process;
    process.setWorkingDirectory(dir);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("GIT_AUTHOR_NAME"), QStringLiteral("t"));
    env.insert(QStringLiteral("GIT_AUTHOR_EMAIL"), QStringLiteral("t@example.org"));
    env.insert(QStringLiteral("GIT_COMMITTER_NAME"), QStringLiteral("t"));
    env.insert(QStringLiteral("GIT_COMMITTER_EMAIL"), QStringLiteral("t@example.org"));
    if (!date.isEmpty()) {
        env.insert(QStringLiteral("GIT_AUTHOR_DATE"), QString::fromLatin1(date));
        env.insert(QStringLiteral("GIT_COMMITTER_DATE"), QString::fromLatin1(date));
    }
    process.setProcessEnvironment(env);
    process.start(QStringLiteral("git"), arguments);
    return process.waitForFinished(30000) && process.exitCode() == 0;
}

bool write(const QString &path, const QByteArray &text)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(text) == text.size();
}

QStringList texts(const ManifestProblems &problems)
{
    QStringList out;
    for (const ManifestProblem &p : problems)
        out << p.toString();
    return out;
}

} // namespace

class TestDockerPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keysAreReadWithPositions_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("problem");
        QTest::addRow("bad release") << manifestText("[\"28.5\", \"latest\"]", "[\"28.5\"]", "[\"26.1\"]")
                                     << "m.yaml:5:27: 'latest' is not a Docker version; write MAJOR.MINOR, e.g. '28.5'";
        QTest::addRow("bad frozen date")
            << manifestText({}, "[\"28.5\"]", "[\"26.1\"]", "    frozen: yesterday\n")
            << "m.yaml:12:13: 'frozen' of branch 'stable/2024.1' is not a date; write YYYY-MM-DD";
        QTest::addRow("publish_docker not built")
            << manifestText({}, "[\"28.5\"]", "[\"26.1\"]", "    publish_docker: \"28.5\"\n")
            << "m.yaml:12:21: 'publish_docker' 28.5 is not one of the Docker versions of branch 'stable/2024.1' (26.1)";
        QTest::addRow("all good") << manifestText("[\"28.5\", \"26.1\"]", "[\"28.5\"]", "[\"26.1\"]",
                                                  "    frozen: 2024-05-01\n    publish_docker: \"26.1\"\n")
                                  << QString();
    }

    void keysAreReadWithPositions()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, problem);
        const ManifestResult result = ManifestParser::parse(text, QStringLiteral("m.yaml"));
        QCOMPARE(texts(result.problems), problem.isEmpty() ? QStringList() : QStringList{problem});
        if (problem.isEmpty()) {
            QCOMPARE(result.manifest.dockerReleases, (QStringList{"28.5", "26.1"}));
            QCOMPARE(result.manifest.branch("stable/2024.1")->frozen, QDate(2024, 5, 1));
            QCOMPARE(result.manifest.branch("stable/2024.1")->publishDocker, QStringLiteral("26.1"));
        }
    }

    void findings_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QStringList>("engines");
        QTest::addColumn<QStringList>("expected");
        QTest::addRow("master on the three newest")
            << manifestText("[\"28.5\", \"27.5\", \"26.1\", \"20.10\"]", "[\"28.5\", \"27.5\", \"26.1\"]", "[\"26.1\"]")
            << QStringList() << QStringList();
        QTest::addRow("master lacks one")
            << manifestText("[\"28.5\", \"27.5\", \"26.1\", \"20.10\"]", "[\"28.5\", \"26.1\", \"20.10\"]",
                            "[\"26.1\"]")
            << QStringList()
            << QStringList{"m.yaml:9:14: policy: master must build with the three newest Docker versions "
                           "(docker_releases lists 28.5, 27.5, 26.1); it lacks 27.5"};
        QTest::addRow("default: the engines' versions")
            << manifestText({}, "[\"28.5\", \"26.1\"]", "[\"26.1\"]") << QStringList{"20.10.24", "28.5.1", "26.1.5"}
            << QStringList{"m.yaml:8:14: policy: master must build with the three newest Docker versions "
                           "(the engines run 28.5, 26.1, 20.10); it lacks 20.10"};
        QTest::addRow("frozen before the version came out")
            << manifestText({}, "[\"28.5\"]", "[\"28.5\", \"26.1\"]", "    frozen: 2024-05-01\n") << QStringList{"28.5"}
            << QStringList{"m.yaml:11:14: policy: stable/2024.1 was frozen on 2024-05-01, but Docker 28.5 came out "
                           "on 2025-10-02; master cannot have built with it then"};
        QTest::addRow("frozen after it came out")
            << manifestText({}, "[\"28.5\"]", "[\"28.5\", \"26.1\"]", "    frozen: 2025-11-01\n") << QStringList{"28.5"}
            << QStringList();
    }

    void findings()
    {
        QFETCH(QByteArray, text);
        QFETCH(QStringList, engines);
        QFETCH(QStringList, expected);
        const ManifestResult result = ManifestParser::parse(text, QStringLiteral("m.yaml"));
        QVERIFY2(result.ok(), qPrintable(texts(result.problems).join(QLatin1Char('\n'))));
        QCOMPARE(texts(DockerPolicy::check(result.manifest, engines, nullptr)), expected);
    }

    // In git, the cut is the first commit that lists the branch; master's versions then are the limit.
    void historyFromGit()
    {
        QTemporaryDir dir;
        QVERIFY(git(dir.path(), {"init", "-q"}));
        const QString path = dir.filePath(QStringLiteral("release.yaml"));
        QVERIFY(write(path, manifestText({}, "[\"26.1\", \"20.10\"]", "[\"26.1\", \"20.10\"]")));
        QVERIFY(git(dir.path(), {"add", "release.yaml"}));
        QVERIFY(git(dir.path(), {"commit", "-qm", "cut stable/2024.1"}, "2024-05-01T10:00:00Z"));
        // Later master moves to 28.5, and someone raises the stable branch too.
        QVERIFY(write(path, manifestText({}, "[\"28.5\", \"26.1\", \"20.10\"]", "[\"28.5\", \"26.1\"]")));
        QVERIFY(git(dir.path(), {"commit", "-qam", "Docker 28.5"}, "2025-10-10T10:00:00Z"));

        const std::optional<DockerPolicy::History> history = DockerPolicy::history(path);
        QVERIFY(history);
        QCOMPARE(history->revisions.size(), 2);
        QCOMPARE(history->revisions.first().masterDocker, (QStringList{"26.1", "20.10"}));
        const ManifestResult result = ManifestParser::load(path);
        QVERIFY(result.ok());
        QCOMPARE(texts(DockerPolicy::check(result.manifest, {"28.5", "26.1", "20.10"}, &*history)),
                 QStringList{path + ":11:14: policy: stable/2024.1 is frozen at master's Docker versions of "
                                    "2024-05-01 (26.1, 20.10); 28.5 is newer"});

        // A file outside git has no history.
        QTemporaryDir plain;
        QVERIFY(write(plain.filePath("release.yaml"), "version: 1\n"));
        QVERIFY(!DockerPolicy::history(plain.filePath("release.yaml")));
    }

    void cutKeepsCommentsAndOrder()
    {
        const QByteArray before = manifestText({}, "[\"28.5\", \"26.1\"]  # newest first", "[\"26.1\"]");
        const BranchCut::Result cut = BranchCut::cut(before, "release.yaml", "stable/2025.1", QDate(2025, 3, 1));
        QVERIFY2(cut.ok(), qPrintable(cut.error));
        const QByteArray expected = QByteArray(before).replace(
            "  # frozen at what master had\n",
            "  - name: stable/2025.1\n    docker: [\"28.5\", \"26.1\"]\n    frozen: 2025-03-01\n"
            "  # frozen at what master had\n");
        QCOMPARE(cut.text, expected);
        QVERIFY(cut.diff.startsWith(QLatin1String("--- a/release.yaml\n+++ b/release.yaml\n@@ -6,6 +6,9 @@\n")));
        QVERIFY(cut.diff.contains(QLatin1String("\n+  - name: stable/2025.1\n+    docker: [\"28.5\", \"26.1\"]\n"
                                                "+    frozen: 2025-03-01\n   # frozen at what master had\n")));
        const ManifestResult reread = ManifestParser::parse(cut.text, "release.yaml");
        QVERIFY(reread.ok());
        QCOMPARE(reread.manifest.branches.at(1).name, QStringLiteral("stable/2025.1"));
        QCOMPARE(reread.manifest.branches.at(1).frozen, QDate(2025, 3, 1));

        QCOMPARE(BranchCut::cut(before, "release.yaml", "stable/2024.1", QDate(2025, 3, 1)).error,
                 QStringLiteral("release.yaml:10:5: branch 'stable/2024.1' is already in the manifest"));
        QVERIFY(BranchCut::cut(before, "release.yaml", "bad..name", QDate(2025, 3, 1))
                    .error.contains(QLatin1String("not a valid git branch name")));
    }

    // `mrc branch cut stable/2024.1` on the demo, then `mrc matrix` shows its columns.
    void cutOnTheDemo()
    {
        const QString binary = qEnvironmentVariable("MRC_BINARY");
        if (binary.isEmpty()) {
            if (qEnvironmentVariableIsSet("CI"))
                QFAIL("MRC_BINARY is set by ctest");
            QSKIP("MRC_BINARY is set by ctest");
        }
        QTemporaryDir dir;
        auto run = [&](const QStringList &arguments, QByteArray *out = nullptr) {
            QProcess process;
            process.start(binary, arguments);
            process.waitForFinished(120000);
            if (out)
                *out = process.readAllStandardOutput();
            return process.exitCode();
        };
        QCOMPARE(run({"demo", "init", dir.filePath("demo")}), 0);
        const QString manifest = dir.filePath("demo/release.yaml");
        QFile original(manifest);
        QVERIFY(original.open(QIODevice::ReadOnly));
        const QByteArray before = original.readAll();
        original.close();

        QByteArray out;
        QCOMPARE(run({"branch", "cut", "stable/2024.1", "--manifest", manifest, "--dry-run"}, &out), 0);
        QVERIFY2(out.contains("+  - name: stable/2024.1\n"), out.constData());
        QVERIFY(original.open(QIODevice::ReadOnly));
        QCOMPARE(original.readAll(), before); // a dry run writes nothing
        original.close();

        QCOMPARE(run({"branch", "cut", "stable/2024.1", "--manifest", manifest, "--date", "2024-04-30"}, &out), 0);
        QVERIFY(out.contains("+    frozen: 2024-04-30\n"));
        const ManifestResult cut = ManifestParser::load(manifest);
        QVERIFY(cut.ok());
        QCOMPARE(cut.manifest.branch("stable/2024.1")->docker, cut.manifest.branch("master")->docker);
        QVERIFY(QString::fromUtf8(before).contains(QLatin1String("# Older branches are frozen")));
        QFile after(manifest);
        QVERIFY(after.open(QIODevice::ReadOnly));
        QVERIFY(after.readAll().contains("# Older branches are frozen"));

        QCOMPARE(run({"matrix", "--manifest", manifest, "--json"}, &out), 0);
        const QJsonArray cells = QJsonDocument::fromJson(out).object().value("cells").toArray();
        int stable = 0;
        for (const QJsonValue &cell : cells)
            stable += cell.toObject().value("branch").toString() == QLatin1String("stable/2024.1");
        QCOMPARE(stable, int(cut.manifest.components.size() * cut.manifest.branch("master")->docker.size()));
        QCOMPARE(run({"branch", "cut", "stable/2024.1", "--manifest", manifest}), 2);
    }
};

QTEST_GUILESS_MAIN(TestDockerPolicy)
#include "tst_dockerpolicy.moc"
