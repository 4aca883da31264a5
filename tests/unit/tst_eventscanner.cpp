// SPDX-License-Identifier: Apache-2.0
// The watcher's event scanner against real git repositories (written with libgit2, fetched into real mirrors) and
// a real SQLite queue: first scan, new commits, release tags, Gerrit changes, and which components each affects.
#include "automation/eventscanner.h"
#include "demo/demoworkspace.h"
#include "git/gitmirror.h"
#include "git/repowriter.h"
#include "history/automationstore.h"
#include "manifest/manifestparser.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace mrc;

namespace {

// One upstream repository: its files on each branch, written as a new commit per change.
struct Upstream
{
    RepoWriter writer;
    QString path;
    QHash<QString, RepoWriter::FileTree> trees; // branch -> files
    QHash<QString, QString> heads;              // branch -> commit
    qint64 clock = 1700000000;

    QString url() const { return QUrl::fromLocalFile(path).toString(); }

    QString commit(const QString &branch, const QMap<QString, QByteArray> &changes, const QString &message,
                   QString *error)
    {
        RepoWriter::FileTree &tree = trees[branch];
        for (auto it = changes.cbegin(); it != changes.cend(); ++it)
            tree.insert(it.key(), {it.value(), false});
        QString id;
        const QStringList parents = heads.contains(branch) ? QStringList{heads.value(branch)} : QStringList();
        if (!writer.commit(&id, tree, parents, clock += 60, message, error) || !writer.branch(branch, id, error))
            return {};
        heads.insert(branch, id);
        return id;
    }
};

QStringList names(const QList<AutomationEvent> &events)
{
    QStringList out;
    for (const AutomationEvent &e : events)
        out << QStringLiteral("%1 %2 %3 [%4]")
                   .arg(automationEventKindName(e.kind), e.name(), e.branch, e.components.join(QLatin1Char(',')));
    return out;
}

} // namespace

class tst_EventScanner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void affectedComponents_data();
    void affectedComponents();
    void firstScanNotesWithoutEvents();
    void commitsAffectTheirComponents();
    void baseCommitAffectsEveryChild();
    void releaseTags();
    void gerritChanges();
    void eventsOnFirstRunWhenAsked();
    void changesOnFirstRun();
    void missingRepositoryIsAProblem();
    void closedStoreIsAProblem();
    void demoHasChangesToBuild();
    void mirrorListings();

private:
    EventScanResult scan();
    bool makeRepo(Upstream &repo, const QString &name, const QMap<QString, QByteArray> &files);

    QTemporaryDir m_tmp;
    Upstream m_common;
    Upstream m_api;
    Upstream m_agent;
    Manifest m_manifest;
    std::unique_ptr<AutomationStore> m_store;
    QString m_cache;
};

bool tst_EventScanner::makeRepo(Upstream &repo, const QString &name, const QMap<QString, QByteArray> &files)
{
    repo.path = m_tmp.filePath(QStringLiteral("upstream/%1.git").arg(name));
    QString error;
    if (!repo.writer.init(repo.path, QStringLiteral("master"), name.toUtf8(), &error)) {
        qWarning() << error;
        return false;
    }
    if (repo.commit(QStringLiteral("master"), files, QStringLiteral("initial"), &error).isEmpty()) {
        qWarning() << error;
        return false;
    }
    repo.trees.insert(QStringLiteral("stable/2023.2"), repo.trees.value(QStringLiteral("master")));
    repo.heads.insert(QStringLiteral("stable/2023.2"), repo.heads.value(QStringLiteral("master")));
    return repo.writer.branch(QStringLiteral("stable/2023.2"), repo.heads.value(QStringLiteral("master")), &error) &&
           repo.writer.tag(QStringLiteral("12.0.0"), repo.heads.value(QStringLiteral("master")), repo.clock,
                           QStringLiteral("12.0.0"), &error);
}

void tst_EventScanner::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    m_cache = m_tmp.filePath(QStringLiteral("mirrors"));
    QVERIFY(makeRepo(m_common, QStringLiteral("monasca-common"),
                     {{QStringLiteral("docker/Dockerfile"), "FROM scratch\n"},
                      {QStringLiteral("monasca_common/__init__.py"), "\n"}}));
    QVERIFY(makeRepo(m_api, QStringLiteral("monasca-api"),
                     {{QStringLiteral("docker/Dockerfile"), "FROM monasca/base\n"},
                      {QStringLiteral("monasca_api/app.py"), "app = 1\n"}}));
    QVERIFY(makeRepo(m_agent, QStringLiteral("monasca-agent"),
                     {{QStringLiteral("docker/collector/Dockerfile"), "FROM monasca/base\n"},
                      {QStringLiteral("docker/forwarder/Dockerfile"), "FROM monasca/base\n"},
                      {QStringLiteral("monasca_agent/collector.py"), "x = 1\n"}}));
    const QByteArray yaml = QStringLiteral("version: 1\n"
                                           "engines:\n"
                                           "  - name: local\n"
                                           "    host: unix:///run/docker.sock\n"
                                           "branches:\n"
                                           "  - name: master\n"
                                           "    docker: [\"28.2\"]\n"
                                           "  - name: stable/2023.2\n"
                                           "    docker: [\"27.5\"]\n"
                                           "components:\n"
                                           "  - {name: base, image: monasca/base, repo: \"%1\", context: docker}\n"
                                           "  - {name: api, image: monasca/api, repo: \"%2\", context: docker, "
                                           "base: base}\n"
                                           "  - {name: collector, image: monasca/agent-collector, repo: \"%3\", "
                                           "context: docker/collector, base: base}\n"
                                           "  - {name: forwarder, image: monasca/agent-forwarder, repo: \"%3\", "
                                           "context: docker/forwarder, base: base}\n")
                                .arg(m_common.url(), m_api.url(), m_agent.url())
                                .toUtf8();
    const ManifestResult result = ManifestParser::parse(yaml, QStringLiteral("release.yaml"));
    QVERIFY2(result.ok(), qPrintable(result.problems.value(0).toString()));
    m_manifest = result.manifest;
    m_store = std::make_unique<AutomationStore>(m_tmp.filePath(QStringLiteral("history.sqlite")));
    QString error;
    QVERIFY2(m_store->open(&error), qPrintable(error));
}

EventScanResult tst_EventScanner::scan()
{
    EventScanner scanner(m_manifest, m_store.get(), m_cache);
    return scanner.scan();
}

void tst_EventScanner::affectedComponents_data()
{
    QTest::addColumn<QString>("repo");
    QTest::addColumn<QStringList>("paths");
    QTest::addColumn<QStringList>("expected");
    QTest::addRow("api docker only") << "api" << QStringList{"docker/Dockerfile"} << QStringList{"api"};
    QTest::addRow("api code") << "api" << QStringList{"monasca_api/app.py"} << QStringList{"api"};
    QTest::addRow("collector folder") << "agent" << QStringList{"docker/collector/start.sh"}
                                      << QStringList{"collector"};
    QTest::addRow("both agent folders") << "agent" << QStringList{"docker/collector/a", "docker/forwarder/b"}
                                        << QStringList{"collector", "forwarder"};
    QTest::addRow("agent code") << "agent" << QStringList{"docker/collector/a", "setup.cfg"}
                                << QStringList{"collector", "forwarder"};
    QTest::addRow("base folder") << "common" << QStringList{"docker/Dockerfile"}
                                 << QStringList{"base", "api", "collector", "forwarder"};
    QTest::addRow("nothing") << "api" << QStringList{} << QStringList{};
    QTest::addRow("unknown repo") << "other" << QStringList{"docker/Dockerfile"} << QStringList{};
}

void tst_EventScanner::affectedComponents()
{
    QFETCH(QString, repo);
    QFETCH(QStringList, paths);
    QFETCH(QStringList, expected);
    const QString url = repo == QLatin1String("api")      ? m_api.url()
                        : repo == QLatin1String("agent")  ? m_agent.url()
                        : repo == QLatin1String("common") ? m_common.url()
                                                          : QStringLiteral("file:///nowhere.git");
    QCOMPARE(EventScanner::affectedComponents(m_manifest, url, paths), expected);
}

void tst_EventScanner::firstScanNotesWithoutEvents()
{
    const EventScanResult first = scan();
    QVERIFY2(first.ok(), qPrintable(first.problems.join(QLatin1Char('\n'))));
    QCOMPARE(first.repositories, 3);
    QCOMPARE(first.firstSeen.size(), 3);
    QVERIFY2(first.events.isEmpty(), qPrintable(names(first.events).join(QLatin1Char('\n'))));
    QCOMPARE(first.refs, 9); // master, stable/2023.2 and 12.0.0 of each
    QString error;
    const std::optional<QHash<QString, QString>> seen = m_store->seenRefs(m_api.url(), &error);
    QVERIFY2(seen, qPrintable(error));
    QCOMPARE(seen->value(QStringLiteral("refs/heads/master")), m_api.heads.value(QStringLiteral("master")));
    QCOMPARE(seen->value(QStringLiteral("refs/tags/12.0.0")), m_api.heads.value(QStringLiteral("master")));

    const EventScanResult again = scan();
    QVERIFY2(again.ok(), qPrintable(again.problems.join(QLatin1Char('\n'))));
    QVERIFY(again.firstSeen.isEmpty());
    QVERIFY(again.events.isEmpty());
}

void tst_EventScanner::commitsAffectTheirComponents()
{
    QString error;
    const QString before = m_api.heads.value(QStringLiteral("master"));
    const QString apiCommit =
        m_api.commit(QStringLiteral("master"), {{QStringLiteral("docker/start.sh"), "#!/bin/sh\n"}},
                     QStringLiteral("Add start.sh"), &error);
    QVERIFY2(!apiCommit.isEmpty(), qPrintable(error));
    QVERIFY(!m_agent
                 .commit(QStringLiteral("master"), {{QStringLiteral("docker/collector/start.sh"), "#!/bin/sh\n"}},
                         QStringLiteral("Collector start"), &error)
                 .isEmpty());
    // A branch the manifest does not name is not watched.
    QVERIFY(m_api.writer.branch(QStringLiteral("feature/x"), apiCommit, &error));

    const EventScanResult result = scan();
    QVERIFY2(result.ok(), qPrintable(result.problems.join(QLatin1Char('\n'))));
    QCOMPARE(names(result.events), (QStringList{"commit master master [api]", "commit master master [collector]"}));
    const AutomationEvent &api = result.events.first();
    QVERIFY(api.id > 0);
    QCOMPARE(api.repo, m_api.url());
    QCOMPARE(api.ref, QStringLiteral("refs/heads/master"));
    QCOMPARE(api.sha, apiCommit);
    QCOMPARE(api.previousSha, before);
    QCOMPARE(api.subject, QStringLiteral("Add start.sh"));
    // Recorded: the store has them, without runs yet.
    const std::optional<QList<AutomationEvent>> pending = m_store->eventsWithoutRun(&error);
    QVERIFY2(pending, qPrintable(error));
    QCOMPARE(pending->size(), 2);
    QCOMPARE(pending->first().sha, apiCommit);

    // Two commits between scans: one event, for the whole range (code outside docker/ touches every image).
    QVERIFY(!m_agent
                 .commit(QStringLiteral("master"), {{QStringLiteral("monasca_agent/collector.py"), "x = 2\n"}},
                         QStringLiteral("Fix"), &error)
                 .isEmpty());
    QVERIFY(!m_agent
                 .commit(QStringLiteral("master"), {{QStringLiteral("docker/forwarder/x"), "1\n"}},
                         QStringLiteral("More"), &error)
                 .isEmpty());
    const EventScanResult range = scan();
    QVERIFY2(range.ok(), qPrintable(range.problems.join(QLatin1Char('\n'))));
    QCOMPARE(names(range.events), QStringList{"commit master master [collector,forwarder]"});
    QCOMPARE(range.events.first().subject, QStringLiteral("More"));
}

void tst_EventScanner::baseCommitAffectsEveryChild()
{
    QString error;
    QVERIFY(!m_common
                 .commit(QStringLiteral("stable/2023.2"), {{QStringLiteral("docker/Dockerfile"), "FROM scratch\n#\n"}},
                         QStringLiteral("Base fix"), &error)
                 .isEmpty());
    const EventScanResult result = scan();
    QVERIFY2(result.ok(), qPrintable(result.problems.join(QLatin1Char('\n'))));
    QCOMPARE(names(result.events), QStringList{"commit stable/2023.2 stable/2023.2 [base,api,collector,forwarder]"});
}

void tst_EventScanner::releaseTags()
{
    QString error;
    const QString master = m_api.heads.value(QStringLiteral("master"));
    const QString stable = m_api.heads.value(QStringLiteral("stable/2023.2"));
    QVERIFY2(m_api.writer.tag(QStringLiteral("12.1.0"), master, m_api.clock, QStringLiteral("12.1.0"), &error),
             qPrintable(error));
    QVERIFY2(m_api.writer.tag(QStringLiteral("11.0.1"), stable, m_api.clock, QStringLiteral("11.0.1"), &error),
             qPrintable(error));
    // Not a release: no event.
    QVERIFY2(m_api.writer.tag(QStringLiteral("nightly-build"), master, m_api.clock, QStringLiteral("n"), &error),
             qPrintable(error));
    const EventScanResult result = scan();
    QVERIFY2(result.ok(), qPrintable(result.problems.join(QLatin1Char('\n'))));
    // stable/2023.2 points at the first commit, which master contains as well: the nearer head wins.
    QCOMPARE(names(result.events), (QStringList{"tag 11.0.1 stable/2023.2 [api]", "tag 12.1.0 master [api]"}));
    QCOMPARE(result.events.last().sha, master);
    QCOMPARE(result.events.last().lane(), QStringLiteral("tag:%1:12.1.0").arg(m_api.url()));
}

void tst_EventScanner::gerritChanges()
{
    QString error;
    // A patchset on stable/2023.2 that only the remote has: refs/changes/34/1234/2, and its meta ref.
    const QString stableHead = m_api.heads.value(QStringLiteral("stable/2023.2"));
    RepoWriter::FileTree tree = m_api.trees.value(QStringLiteral("stable/2023.2"));
    QVERIFY(m_api
                .commit(QStringLiteral("stable/2023.2"), {{QStringLiteral("docker/only-stable"), "s\n"}},
                        QStringLiteral("Stable only"), &error)
                .size() == 40);
    const QString stableNew = m_api.heads.value(QStringLiteral("stable/2023.2"));
    tree = m_api.trees.value(QStringLiteral("stable/2023.2"));
    tree.insert(QStringLiteral("docker/review.txt"), {"under review\n", false});
    QString change;
    QVERIFY2(m_api.writer.commit(&change, tree, {stableNew}, m_api.clock += 60, QStringLiteral("Change under review"),
                                 &error),
             qPrintable(error));
    QVERIFY2(m_api.writer.reference(QStringLiteral("refs/changes/34/1234/2"), change, &error), qPrintable(error));
    QVERIFY2(m_api.writer.reference(QStringLiteral("refs/changes/34/1234/meta"), change, &error), qPrintable(error));
    Q_UNUSED(stableHead);
    // A second change, proposed to master.
    RepoWriter::FileTree masterTree = m_api.trees.value(QStringLiteral("master"));
    masterTree.insert(QStringLiteral("docker/other.txt"), {"other\n", false});
    QString other;
    QVERIFY2(m_api.writer.commit(&other, masterTree, {m_api.heads.value(QStringLiteral("master"))}, m_api.clock += 60,
                                 QStringLiteral("Another change"), &error),
             qPrintable(error));
    QVERIFY2(m_api.writer.reference(QStringLiteral("refs/changes/78/5678/1"), other, &error), qPrintable(error));

    const EventScanResult result = scan();
    QVERIFY2(result.ok(), qPrintable(result.problems.join(QLatin1Char('\n'))));
    QCOMPARE(names(result.events), (QStringList{"change 1234/2 stable/2023.2 [api]", "change 5678/1 master [api]",
                                                "commit stable/2023.2 stable/2023.2 [api]"}));
    const AutomationEvent &event = result.events.first();
    QCOMPARE(event.sha, change);
    QCOMPARE(event.subject, QStringLiteral("Change under review"));
    QCOMPARE(event.changeNumber(), 1234);
    QCOMPARE(event.patchset(), 2);
    // The mirror has the change's commit now (under refs/mrc/fetched), the remote listing did not fetch branches.
    GitMirror mirror(m_api.url(), m_cache);
    QVERIFY(mirror.resolve(change));

    // Seen: the next scan is quiet; a new patchset is a new event of the same lane.
    QVERIFY(scan().events.isEmpty());
    // Patchset 3: the change rebased onto the stable commit that came meanwhile.
    RepoWriter::FileTree rebased = m_api.trees.value(QStringLiteral("stable/2023.2"));
    rebased.insert(QStringLiteral("docker/review.txt"), {"under review, rebased\n", false});
    QString patchset3;
    QVERIFY2(m_api.writer.commit(&patchset3, rebased, {stableNew}, m_api.clock += 60, QStringLiteral("Change, rebased"),
                                 &error),
             qPrintable(error));
    QVERIFY2(m_api.writer.reference(QStringLiteral("refs/changes/34/1234/3"), patchset3, &error), qPrintable(error));
    const EventScanResult patchset = scan();
    QCOMPARE(names(patchset.events), QStringList{"change 1234/3 stable/2023.2 [api]"});
    QCOMPARE(patchset.events.first().lane(), event.lane());
}

void tst_EventScanner::eventsOnFirstRunWhenAsked()
{
    // A fresh queue over the same mirrors: heads, release tags and the open patchsets become events. A change
    // whose commit a branch contains was merged: history, not work.
    QString error;
    QVERIFY2(
        m_api.writer.reference(QStringLiteral("refs/changes/90/9090/4"), m_api.heads.value("stable/2023.2"), &error),
        qPrintable(error));
    GitMirror mirror(m_api.url(), m_cache);
    QVERIFY2(mirror.fetch({}, nullptr, &error), qPrintable(error));
    AutomationStore fresh(m_tmp.filePath(QStringLiteral("fresh.sqlite")));
    QVERIFY2(fresh.open(&error), qPrintable(error));
    EventScanner scanner(m_manifest, &fresh, m_cache);
    scanner.setFirstRun(AutomationPolicy::FirstRun::Events);
    scanner.setFetch(false);
    const EventScanResult result = scanner.scan();
    QVERIFY2(result.ok(), qPrintable(result.problems.join(QLatin1Char('\n'))));
    QCOMPARE(result.firstSeen.size(), 3);
    QStringList changes;
    int commits = 0;
    int tags = 0;
    for (const AutomationEvent &e : result.events) {
        commits += e.kind == AutomationEventKind::Commit ? 1 : 0;
        tags += e.kind == AutomationEventKind::Tag ? 1 : 0;
        if (e.kind == AutomationEventKind::Change)
            changes << e.name();
    }
    QCOMPARE(commits, 6);
    QCOMPARE(tags, 5); // 12.0.0 of each, 12.1.0 and 11.0.1 of api
    // The newest patchset of 1234 only; 9090 is merged.
    QCOMPARE(changes, (QStringList{QStringLiteral("1234/3"), QStringLiteral("5678/1")}));
    QVERIFY(fresh.seenRefs(m_api.url(), &error)->contains(QStringLiteral("refs/changes/90/9090/4")));
    QVERIFY(fresh.seenRefs(m_api.url(), &error)->contains(QStringLiteral("refs/changes/34/1234/3")));
}

void tst_EventScanner::changesOnFirstRun()
{
    // `first_run: changes`, read from the manifest: the open patchsets only.
    Manifest manifest = m_manifest;
    manifest.automation.firstRun = AutomationPolicy::FirstRun::Changes;
    AutomationStore fresh(m_tmp.filePath(QStringLiteral("changes.sqlite")));
    QString error;
    QVERIFY2(fresh.open(&error), qPrintable(error));
    EventScanner scanner(manifest, &fresh, m_cache);
    scanner.setFetch(false);
    const EventScanResult result = scanner.scan();
    QVERIFY2(result.ok(), qPrintable(result.problems.join(QLatin1Char('\n'))));
    QCOMPARE(names(result.events), (QStringList{"change 1234/3 stable/2023.2 [api]", "change 5678/1 master [api]"}));
    QVERIFY(scanner.scan().events.isEmpty());
}

void tst_EventScanner::missingRepositoryIsAProblem()
{
    Manifest manifest = m_manifest;
    ComponentSpec ghost = manifest.components.first();
    ghost.name = QStringLiteral("ghost");
    ghost.repo = QUrl::fromLocalFile(m_tmp.filePath(QStringLiteral("upstream/missing.git"))).toString();
    manifest.components << ghost;
    EventScanner scanner(manifest, m_store.get(), m_cache);
    const EventScanResult result = scanner.scan();
    QCOMPARE(result.repositories, 4);
    QCOMPARE(result.problems.size(), 1);
    QVERIFY2(result.problems.first().startsWith(ghost.repo), qPrintable(result.problems.first()));
    QString error;
    QCOMPARE(m_store->knowsRepo(ghost.repo, &error), std::optional<bool>(false));
}

void tst_EventScanner::closedStoreIsAProblem()
{
    // A queue that cannot be read is a problem for every repository, and no refs count as seen.
    AutomationStore closed(m_tmp.filePath(QStringLiteral("never-opened.sqlite")));
    EventScanner scanner(m_manifest, &closed, m_cache);
    scanner.setFetch(false);
    const EventScanResult result = scanner.scan();
    QCOMPARE(result.problems.size(), 3);
    QVERIFY(result.events.isEmpty());
}

// The demo workspace as `mrc watch --once` first sees it: its policy says `first_run: changes`, so its two open
// Gerrit changes are events (the review change of api, the broken base change that reaches every master image).
void tst_EventScanner::demoHasChangesToBuild()
{
    const QString dir = m_tmp.filePath(QStringLiteral("demo"));
    QString error;
    QVERIFY2(DemoWorkspace::create(dir, false, QString(), &error), qPrintable(error));
    const ManifestResult demo = ManifestParser::load(dir + QStringLiteral("/release.yaml"));
    QVERIFY(demo.ok());
    AutomationStore store(m_tmp.filePath(QStringLiteral("demo.sqlite")));
    QVERIFY2(store.open(&error), qPrintable(error));
    EventScanner scanner(demo.manifest, &store, m_tmp.filePath(QStringLiteral("demo-mirrors")));
    const EventScanResult result = scanner.scan();
    QVERIFY2(result.ok(), qPrintable(result.problems.join(QLatin1Char('\n'))));
    QCOMPARE(result.firstSeen.size(), result.repositories);
    QStringList everyMaster;
    for (const ComponentSpec &c : demo.manifest.components)
        everyMaster << c.name;
    // Repositories in the manifest's order: monasca-common (the base) first.
    QCOMPARE(names(result.events),
             (QStringList{QStringLiteral("change 900066/1 master [%1]").arg(everyMaster.join(QLatin1Char(','))),
                          QStringLiteral("change 1234/1 master [api]")}));
    QCOMPARE(result.events.first().ref, DemoWorkspace::brokenChangeRef());
    QCOMPARE(result.events.last().ref, DemoWorkspace::reviewChangeRef());
    // What the policy makes of them: build and test on master's newest engine, no push.
    const AutomationDecision decision =
        demo.manifest.automation.decide(AutomationEventKind::Change, QStringLiteral("master"),
                                        result.events.last().components, demo.manifest.branch("master")->docker);
    QVERIFY(decision.runs());
    QCOMPARE(decision.actions, (AutomationActions{true, true, false}));
    QCOMPARE(decision.docker, QStringList{demo.manifest.branch("master")->docker.first()});
    QVERIFY(scanner.scan().events.isEmpty());
}

// The GitMirror listings the scanner stands on: the remote's refs (annotated tags peeled), the mirror's own,
// changed paths, ancestry, and errors that name the repository.
void tst_EventScanner::mirrorListings()
{
    GitMirror mirror(m_api.url(), m_cache);
    QString error;
    const std::optional<QList<RefInfo>> remoteTags = mirror.remoteRefs({QStringLiteral("refs/tags/")}, nullptr, &error);
    const std::optional<QList<RefInfo>> localTags = mirror.localRefs(QStringLiteral("refs/tags/"), &error);
    QVERIFY2(remoteTags && localTags, qPrintable(error));
    QVERIFY(remoteTags->size() >= 3);
    QCOMPARE(remoteTags->size(), localTags->size());
    for (qsizetype i = 0; i < remoteTags->size(); ++i) {
        QCOMPARE(remoteTags->at(i).name, localTags->at(i).name);
        QCOMPARE(remoteTags->at(i).sha, localTags->at(i).sha); // the commit, not the tag object
        QVERIFY(mirror.resolve(remoteTags->at(i).sha));
    }
    const std::optional<QList<RefInfo>> all = mirror.remoteRefs({}, nullptr, &error);
    QVERIFY2(all, qPrintable(error));
    QVERIFY(
        std::any_of(all->cbegin(), all->cend(), [](const RefInfo &r) { return r.name == "refs/changes/34/1234/2"; }));

    const QString master = m_api.heads.value(QStringLiteral("master"));
    const std::optional<QStringList> all0 = mirror.changedPaths(QString(), master, &error);
    QVERIFY2(all0, qPrintable(error));
    QCOMPARE(*all0, QStringList{QStringLiteral("docker/start.sh")}); // what "Add start.sh" changed
    QCOMPARE(mirror.contains(master, master, &error), std::optional<bool>(true));
    const QString stable = m_api.heads.value(QStringLiteral("stable/2023.2"));
    QCOMPARE(mirror.contains(master, stable, &error), std::optional<bool>(false));
    QVERIFY(!mirror.changedPaths(QString(), QString(40, QLatin1Char('0')), &error));
    QVERIFY2(error.contains(m_api.url()), qPrintable(error));

    // A mirror whose remote went away: the listing fails and says where.
    const QString gone = m_tmp.filePath(QStringLiteral("upstream/gone.git"));
    {
        RepoWriter writer;
        QVERIFY2(writer.init(gone, QStringLiteral("master"), "gone", &error), qPrintable(error));
        QString id;
        QVERIFY2(writer.commit(&id, {{QStringLiteral("a"), {"a", false}}}, {}, 1700000000, QStringLiteral("a"), &error),
                 qPrintable(error));
        QVERIFY2(writer.branch(QStringLiteral("master"), id, &error), qPrintable(error));
    }
    GitMirror goneMirror(QUrl::fromLocalFile(gone).toString(), m_cache);
    QVERIFY2(goneMirror.fetch({}, nullptr, &error), qPrintable(error));
    QVERIFY(QDir(gone).removeRecursively());
    QVERIFY(!goneMirror.remoteRefs({}, nullptr, &error));
    QVERIFY2(error.startsWith(QStringLiteral("cannot list the refs of %1").arg(QUrl::fromLocalFile(gone).toString())),
             qPrintable(error));
    QVERIFY(goneMirror.localRefs(QStringLiteral("refs/heads/"), &error)); // what was fetched stays readable
}

QTEST_GUILESS_MAIN(tst_EventScanner)
#include "tst_eventscanner.moc"
