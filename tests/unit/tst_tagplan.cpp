// SPDX-License-Identifier: Apache-2.0
// The tag plan: which of the five tag kinds a push creates, moves, leaves alone or refuses, and why; release
// version ordering; and the manifest's `tags:` section.
#include "manifest/manifestparser.h"
#include "publish/releaseversion.h"
#include "publish/tagplan.h"

#include <QTest>

using namespace mrc;

Q_DECLARE_METATYPE(mrc::PublishCell)

namespace {

const QString kImage = QStringLiteral("sha256:1111111111111111111111111111111111111111111111111111111111111111");
const QString kOther = QStringLiteral("sha256:2222222222222222222222222222222222222222222222222222222222222222");
const QString kCommit = QStringLiteral("abc1234def5678abc1234def5678abc1234def56");

RemoteTag remote(char digit, const QString &config)
{
    return {QStringLiteral("sha256:") + QString(64, QLatin1Char(digit)), config};
}

PublishCell cell(const QString &branch, const QStringList &tagsHere = {}, const QStringList &allTags = {})
{
    PublishCell c;
    c.component = QStringLiteral("api");
    c.branch = branch;
    c.commit = kCommit;
    c.repository = QStringLiteral("127.0.0.1:5000/monasca/api");
    c.imageId = kImage;
    c.tagsAtCommit = tagsHere;
    c.componentTags = allTags + tagsHere;
    return c;
}

// "tag action [copyFrom]" per planned tag, the way the tests compare plans.
QStringList summary(const CellTagPlan &plan)
{
    QStringList out;
    for (const PlannedTag &t : plan.tags) {
        QString line = t.tag + QLatin1Char(' ') + TagPlan::actionName(t.action);
        if (!t.copyFrom.isEmpty())
            line += QStringLiteral(" from ") + t.copyFrom;
        out << line;
    }
    return out;
}

} // namespace

class TestTagPlan : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void versions_data()
    {
        QTest::addColumn<QString>("older");
        QTest::addColumn<QString>("newer");
        QTest::addRow("patch") << "9.0.0"
                               << "9.0.1";
        QTest::addRow("numeric, not text") << "9.0.0"
                                           << "10.0.0";
        QTest::addRow("minor") << "9.2.0"
                               << "9.10.0";
        QTest::addRow("rc before final (pbr)") << "9.0.0.0rc1"
                                               << "9.0.0";
        QTest::addRow("rc before final (pep 440)") << "9.0.0rc2"
                                                   << "9.0.0";
        QTest::addRow("rc order") << "9.0.0.0rc1"
                                  << "9.0.0.0rc2";
        QTest::addRow("beta before rc") << "9.0.0.0b3"
                                        << "9.0.0.0rc1";
        QTest::addRow("alpha before beta") << "9.0.0a1"
                                           << "9.0.0b1";
        QTest::addRow("v prefix") << "v1.2"
                                  << "1.10";
        QTest::addRow("calendar") << "2023.1.0"
                                  << "2023.2.0";
    }
    void versions()
    {
        QFETCH(QString, older);
        QFETCH(QString, newer);
        const auto a = ReleaseVersion::parse(older);
        const auto b = ReleaseVersion::parse(newer);
        QVERIFY(a && b);
        QVERIFY(*a < *b);
        QVERIFY(!(*b < *a));
        QVERIFY(!(*a == *b));
    }

    void versionEdges()
    {
        QVERIFY(*ReleaseVersion::parse("9.0") == *ReleaseVersion::parse("9.0.0"));
        QVERIFY(*ReleaseVersion::parse("9.0.0.0rc1") == *ReleaseVersion::parse("9.0.0rc1"));
        for (const char *notVersion : {"master", "ocata-eol", "9.0.0-foo", "", "v", "1..2", "99999999999999"})
            QVERIFY2(!ReleaseVersion::parse(QString::fromLatin1(notVersion)), notVersion);
        QCOMPARE(ReleaseVersion::highestFinal({"8.0.0", "10.0.0.0rc1", "9.1.0", "stable", "9.0.0"})->tag(),
                 QStringLiteral("9.1.0"));
        QVERIFY(!ReleaseVersion::highestFinal({"1.0.0rc1", "eol"}));
    }

    void names()
    {
        QCOMPARE(TagPlan::branchTag("master"), QStringLiteral("master"));
        QCOMPARE(TagPlan::branchTag("stable/2023.2"), QStringLiteral("2023.2"));
        QCOMPARE(TagPlan::branchTag("unmaintained/2023.1"), QStringLiteral("2023.1"));
        QCOMPARE(TagPlan::branchTag("feature/a b+c"), QStringLiteral("a-b-c"));
        QCOMPARE(TagPlan::shaTag(kCommit), QStringLiteral("sha-abc1234"));
    }

    void plans_data()
    {
        QTest::addColumn<PublishCell>("input");
        QTest::addColumn<QStringList>("expected");
        QTest::addColumn<bool>("refused");

        QTest::addRow("first push of master")
            << cell("master") << QStringList{"sha-abc1234 create", "master create from sha-abc1234"} << false;
        QTest::addRow("stable branch") << cell("stable/2023.2")
                                       << QStringList{"sha-abc1234 create", "2023.2 create from sha-abc1234"} << false;

        QTest::addRow("release at the commit")
            << cell("master", {"9.0.0"}, {"8.0.0"})
            << QStringList{"sha-abc1234 create", "9.0.0 create from sha-abc1234", "master create from sha-abc1234",
                           "latest create from sha-abc1234"}
            << false;

        PublishCell moved = cell("master");
        moved.remote.insert("master", remote('3', kOther));
        moved.remote.insert("sha-0000000", remote('3', kOther));
        QTest::addRow("master moves") << moved << QStringList{"sha-abc1234 create", "master move from sha-abc1234"}
                                      << false;

        PublishCell promoted = cell("stable/2023.2");
        promoted.remote.insert("sha-abc1234", remote('4', kImage));
        QTest::addRow("promotion: the sha tag exists")
            << promoted << QStringList{"sha-abc1234 unchanged", "2023.2 create from sha-abc1234"} << false;

        PublishCell same = cell("master", {"9.0.0"});
        for (const char *tag : {"sha-abc1234", "9.0.0", "master", "latest"})
            same.remote.insert(QString::fromLatin1(tag), remote('5', kImage));
        QTest::addRow("all up to date") << same
                                        << QStringList{"sha-abc1234 unchanged", "9.0.0 unchanged", "master unchanged",
                                                       "latest unchanged"}
                                        << false;

        PublishCell clash = cell("master", {"9.0.0"});
        clash.remote.insert("9.0.0", remote('6', kOther));
        QTest::addRow("release tag exists with another image")
            << clash
            << QStringList{"sha-abc1234 create", "9.0.0 refused", "master create from sha-abc1234", "latest refused"}
            << true;

        PublishCell shaClash = cell("master");
        shaClash.remote.insert("sha-abc1234", remote('7', kOther));
        // The commit went up before as another image (a rebuild on a newer base, or at another time): the sha tag
        // stays with that one, the branch tag takes the new one.
        QTest::addRow("sha tag exists with another image")
            << shaClash << QStringList{"sha-abc1234 unchanged", "master create"} << false;

        PublishCell older = cell("stable/2023.2", {"8.1.0"}, {"9.0.0"});
        older.remote.insert("latest", remote('8', kOther));
        QTest::addRow("older release: latest stays")
            << older
            << QStringList{"sha-abc1234 create", "8.1.0 create from sha-abc1234", "2023.2 create from sha-abc1234",
                           "latest unchanged"}
            << false;

        QTest::addRow("pre-release: no latest")
            << cell("master", {"10.0.0.0rc1"}, {"9.0.0"})
            << QStringList{"sha-abc1234 create", "10.0.0.0rc1 create from sha-abc1234",
                           "master create from sha-abc1234"}
            << false;

        PublishCell promoteLatest = cell("master", {"9.1.0"}, {"9.0.0"});
        promoteLatest.remote.insert("9.1.0", remote('9', kImage));
        promoteLatest.remote.insert("latest", remote('a', kOther));
        QTest::addRow("promote latest to an existing release")
            << promoteLatest
            << QStringList{"sha-abc1234 create from 9.1.0", "9.1.0 unchanged", "master create from 9.1.0",
                           "latest move from 9.1.0"}
            << false;

        // A release tag's column (its branch moved on): the release and latest, never a branch tag.
        PublishCell release = cell("12.0.0", {"12.0.0"}, {"11.0.0", "9.0.0"});
        release.release = QStringLiteral("12.0.0");
        QTest::addRow("release column") << release
                                        << QStringList{"sha-abc1234 create", "12.0.0 create from sha-abc1234",
                                                       "latest create from sha-abc1234"}
                                        << false;
        // The watcher pushed the commit before it was tagged: its sha tag keeps that image, the release goes up.
        PublishCell releaseAfterCommit = cell("12.0.0", {"12.0.0"}, {"11.0.0"});
        releaseAfterCommit.release = QStringLiteral("12.0.0");
        releaseAfterCommit.remote.insert(QStringLiteral("sha-abc1234"), remote('4', kOther));
        QTest::addRow("release of a commit that went up before")
            << releaseAfterCommit << QStringList{"sha-abc1234 unchanged", "12.0.0 create", "latest create from 12.0.0"}
            << false;
        PublishCell olderRelease = cell("11.0.1", {"11.0.1"}, {"12.0.0"});
        olderRelease.release = QStringLiteral("11.0.1");
        olderRelease.remote.insert(QStringLiteral("latest"), remote('3', QStringLiteral("sha256:other")));
        QTest::addRow("older release column leaves latest")
            << olderRelease << QStringList{"sha-abc1234 create", "11.0.1 create from sha-abc1234", "latest unchanged"}
            << false;
        QTest::addRow("not a release tag")
            << cell("master", {"ocata-eol"}) << QStringList{"sha-abc1234 create", "master create from sha-abc1234"}
            << false;
    }
    void plans()
    {
        QFETCH(PublishCell, input);
        QFETCH(QStringList, expected);
        QFETCH(bool, refused);
        const CellTagPlan plan = TagPlan::plan(TagsSpec{}, input);
        QCOMPARE(summary(plan), expected);
        QCOMPARE(plan.refused(), refused);
        for (const PlannedTag &t : plan.tags) {
            QVERIFY2(!t.reason.isEmpty(), qPrintable(t.tag));
            if (!t.copyFrom.isEmpty() && input.remote.value(t.copyFrom).exists())
                QCOMPARE(t.targetDigest, input.remote.value(t.copyFrom).digest);
        }
        // Exactly one transfer when anything changes and the registry does not hold the image yet.
        const int transfers =
            int(std::count_if(plan.tags.cbegin(), plan.tags.cend(), [](const PlannedTag &t) { return t.transfers(); }));
        QVERIFY(transfers <= 1);
    }

    void reasons()
    {
        PublishCell older = cell("stable/2023.2", {"8.1.0"}, {"9.0.0"});
        const CellTagPlan plan = TagPlan::plan(TagsSpec{}, older);
        QCOMPARE(plan.tags.last().reason, QStringLiteral("stays with 9.0.0, the highest release; 8.1.0 is older"));
        PublishCell clash = cell("master", {"9.0.0"});
        clash.remote.insert("9.0.0", remote('6', kOther));
        QCOMPARE(TagPlan::plan(TagsSpec{}, clash).tags.at(1).reason,
                 QStringLiteral("exists as 666666666666 (another image, 222222222222); release tags never move"));
    }

    void spec()
    {
        TagsSpec only;
        only.sha = false;
        only.latest = false;
        QCOMPARE(summary(TagPlan::plan(only, cell("master", {"9.0.0"}))),
                 (QStringList{"9.0.0 create", "master create from 9.0.0"}));
        only.releasePattern = QStringLiteral("^release-");
        QVERIFY(!TagPlan::isReleaseTag(only, "9.0.0"));
        QVERIFY(TagPlan::isReleaseTag(TagsSpec{}, "9.0.0"));
        QVERIFY(!TagPlan::isReleaseTag(TagsSpec{}, "9.0.0-final"));
    }

    // A Gerrit change's column (the watcher's review pushes): its change tag only, never sha-, branch or latest,
    // and a rebuilt patchset moves it.
    void changeTags()
    {
        QCOMPARE(TagPlan::changeTag("refs/changes/45/12345/1"), QStringLiteral("change-12345-1"));
        QCOMPARE(TagPlan::changeTag("refs/changes/45/12345/meta"), QString());
        QCOMPARE(TagPlan::changeTag("refs/heads/master"), QString());
        PublishCell change = cell("refs/changes/45/12345/1", {"9.0.0"}, {"8.0.0"});
        change.change = TagPlan::changeTag(change.branch);
        QCOMPARE(summary(TagPlan::plan(TagsSpec{}, change)), QStringList{"change-12345-1 create"});
        change.remote.insert("change-12345-1", remote('6', kOther));
        QCOMPARE(summary(TagPlan::plan(TagsSpec{}, change)), QStringList{"change-12345-1 move"});
    }

    void manifestSection_data()
    {
        QTest::addColumn<QByteArray>("section");
        QTest::addColumn<QString>("problem");
        QTest::addRow("defaults") << QByteArray() << QString();
        QTest::addRow("switches") << QByteArray("tags:\n  latest: false\n  sha: false\n") << QString();
        QTest::addRow("bad flag") << QByteArray("tags:\n  latest: maybe\n")
                                  << "m.yaml:13:11: 'latest' must be true or false, not 'maybe'";
        QTest::addRow("unknown key") << QByteArray("tags:\n  lastest: true\n") << "m.yaml:13:3:";
        QTest::addRow("bad pattern") << QByteArray("tags:\n  release_pattern: \"([\"\n")
                                     << "m.yaml:13:20: 'release_pattern' is not a valid regular expression";
    }
    void manifestSection()
    {
        QFETCH(QByteArray, section);
        QFETCH(QString, problem);
        const QByteArray text = "version: 1\n"
                                "registry:\n  host: 127.0.0.1:5000\n  namespace: monasca\n"
                                "branches:\n  - name: master\n    docker: [\"28.2\"]\n"
                                "components:\n  - name: base\n    image: monasca/base\n    repo: /tmp/x\n" +
                                section;
        const ManifestResult result = ManifestParser::parse(text, QStringLiteral("m.yaml"));
        if (problem.isEmpty()) {
            QVERIFY(result.problems.isEmpty());
            const bool switched = !section.isEmpty();
            QCOMPARE(result.manifest.tags.latest, !switched);
            QCOMPARE(result.manifest.tags.sha, !switched);
            QVERIFY(result.manifest.tags.release && result.manifest.tags.branch);
        } else {
            QVERIFY(!result.problems.isEmpty());
            QVERIFY2(result.problems.first().toString().startsWith(problem),
                     qPrintable(result.problems.first().toString()));
        }
    }
};

QTEST_GUILESS_MAIN(TestTagPlan)
#include "tst_tagplan.moc"
