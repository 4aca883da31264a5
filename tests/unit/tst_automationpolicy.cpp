// SPDX-License-Identifier: Apache-2.0
// The manifest's `automation:` section: reading it (with positions for every problem) and what it decides.
#include "manifest/automationpolicy.h"
#include "manifest/manifestparser.h"

#include <QTest>

using namespace mrc;

namespace {

// A valid manifest with two components (base and api) and two branches, then @p automation appended.
QByteArray manifestWith(const QByteArray &automation)
{
    return QByteArray("version: 1\n"                               // 1
                      "engines:\n"                                 // 2
                      "  - name: local\n"                          // 3
                      "    host: unix:///run/docker.sock\n"        // 4
                      "branches:\n"                                // 5
                      "  - name: master\n"                         // 6
                      "    docker: [\"28.2\", \"27.5\"]\n"         // 7
                      "  - name: stable/2023.2\n"                  // 8
                      "    docker: [\"27.5\"]\n"                   // 9
                      "components:\n"                              // 10
                      "  - name: base\n"                           // 11
                      "    image: monasca/base\n"                  // 12
                      "    repo: https://example.invalid/common\n" // 13
                      "  - name: api\n"                            // 14
                      "    image: monasca/api\n"                   // 15
                      "    repo: https://example.invalid/api\n"    // 16
                      "    base: base\n") +                        // 17
           automation;                                             // 18...
}

QString problemsText(const ManifestResult &result)
{
    QStringList lines;
    for (const ManifestProblem &p : result.problems)
        lines << QStringLiteral("%1:%2: %3").arg(p.line).arg(p.column).arg(p.message);
    return lines.join(QLatin1Char('\n'));
}

} // namespace

class tst_AutomationPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void absentGivesDefaults();
    void defaultsFollowTheSpec();
    void readsEverything();
    void problems_data();
    void problems();
    void glob_data();
    void glob();
    void decideFilters();
    void changePushNeedsReviewNamespace();
    void backoffDoubles();
    void kindNames();
};

void tst_AutomationPolicy::absentGivesDefaults()
{
    const ManifestResult result = ManifestParser::parse(manifestWith({}), QStringLiteral("release.yaml"));
    QVERIFY2(result.ok(), qPrintable(problemsText(result)));
    const AutomationPolicy &policy = result.manifest.automation;
    QVERIFY(!policy.present);
    QVERIFY(policy.enabled);
    QCOMPARE(policy.intervalSeconds, 300);
    QVERIFY(policy.rules.isEmpty());
    QVERIFY(policy.reviewNamespace.isEmpty());
    QCOMPARE(policy.firstRun, AutomationPolicy::FirstRun::Seen);
    // The default manifest has no automation section either, and stays valid.
    const ManifestResult builtIn = ManifestParser::defaultManifest();
    QVERIFY2(builtIn.ok(), qPrintable(problemsText(builtIn)));
}

void tst_AutomationPolicy::defaultsFollowTheSpec()
{
    const AutomationPolicy policy;
    const QStringList both{QStringLiteral("base"), QStringLiteral("api")};
    const AutomationDecision commit = policy.decide(AutomationEventKind::Commit, QStringLiteral("master"), both);
    QCOMPARE(commit.actions, (AutomationActions{true, true, true}));
    QCOMPARE(commit.components, both);
    QVERIFY(commit.runs());
    QCOMPARE(commit.ruleLine, 0);
    const AutomationDecision tag = policy.decide(AutomationEventKind::Tag, QStringLiteral("stable/2023.2"), both);
    QCOMPARE(tag.actions, (AutomationActions{true, true, true}));
    const AutomationDecision change = policy.decide(AutomationEventKind::Change, QStringLiteral("master"), both);
    QCOMPARE(change.actions, (AutomationActions{true, true, false}));
    QCOMPARE(change.actions.text(), QStringLiteral("build, test"));
    // An event that changes no image runs nothing, and says why.
    const AutomationDecision nothing = policy.decide(AutomationEventKind::Commit, QStringLiteral("master"), {});
    QVERIFY(!nothing.runs());
    QVERIFY2(nothing.why.contains(QLatin1String("no component")), qPrintable(nothing.why));
}

void tst_AutomationPolicy::readsEverything()
{
    const ManifestResult result = ManifestParser::parse(manifestWith("automation:\n"     // 18
                                                                     "  interval: 60s\n" // 19
                                                                     "  review_namespace: monasca-review\n"
                                                                     "  first_run: events\n"          // 21
                                                                     "  backoff:\n"                   // 22
                                                                     "    initial: 30\n"              // 23
                                                                     "    max: 3600s\n"               // 24
                                                                     "    retries: 2\n"               // 25
                                                                     "  rules:\n"                     // 26
                                                                     "    - branches: \"stable/*\"\n" // 27
                                                                     "      events: [commit, tag]\n"  // 28
                                                                     "      actions: [build, test]\n" // 29
                                                                     "      docker: \"27.5\"\n"       // 30
                                                                     "    - events: change\n"         // 31
                                                                     "      actions: [build, test, push]\n"
                                                                     "      components: [api]\n"  // 33
                                                                     "    - branches: [master]\n" // 34
                                                                     "      events: tag\n"        // 35
                                                                     "      actions: []\n"),      // 36
                                                        QStringLiteral("release.yaml"));
    QVERIFY2(result.ok(), qPrintable(problemsText(result)));
    const AutomationPolicy &policy = result.manifest.automation;
    QVERIFY(policy.present);
    QCOMPARE(policy.line, 18);
    QCOMPARE(policy.intervalSeconds, 60);
    QCOMPARE(policy.reviewNamespace, QStringLiteral("monasca-review"));
    QCOMPARE(policy.firstRun, AutomationPolicy::FirstRun::Events);
    QCOMPARE(policy.backoff.initialSeconds, 30);
    QCOMPARE(policy.backoff.maxSeconds, 3600);
    QCOMPARE(policy.backoff.retries, 2);
    QCOMPARE(policy.rules.size(), 3);
    QCOMPARE(policy.rules[0].branches, QStringList{QStringLiteral("stable/*")});
    QCOMPARE(policy.rules[0].events,
             (QList<AutomationEventKind>{AutomationEventKind::Commit, AutomationEventKind::Tag}));
    QCOMPARE(policy.rules[0].docker, QStringList{QStringLiteral("27.5")});
    QCOMPARE(policy.rules[0].line, 27);
    QCOMPARE(policy.rules[1].branches, QStringList{QStringLiteral("**")});
    QCOMPARE(policy.rules[1].components, QStringList{QStringLiteral("api")});
    QVERIFY(policy.rules[2].actions.none());

    const QStringList both{QStringLiteral("base"), QStringLiteral("api")};
    // stable/*: build and test only, on 27.5.
    const AutomationDecision stable =
        policy.decide(AutomationEventKind::Commit, QStringLiteral("stable/2023.2"), both, {QStringLiteral("27.5")});
    QCOMPARE(stable.actions, (AutomationActions{true, true, false}));
    QCOMPARE(stable.docker, QStringList{QStringLiteral("27.5")});
    QCOMPARE(stable.ruleLine, 27);
    // master commits fall through to the defaults.
    const AutomationDecision master = policy.decide(AutomationEventKind::Commit, QStringLiteral("master"), both);
    QCOMPARE(master.actions, (AutomationActions{true, true, true}));
    QCOMPARE(master.ruleLine, 0);
    // Changes push (to the review namespace) and only api.
    const AutomationDecision change = policy.decide(AutomationEventKind::Change, QStringLiteral("master"), both);
    QCOMPARE(change.actions, (AutomationActions{true, true, true}));
    QCOMPARE(change.components, QStringList{QStringLiteral("api")});
    // Tags on master are switched off by the third rule.
    const AutomationDecision tag = policy.decide(AutomationEventKind::Tag, QStringLiteral("master"), both);
    QVERIFY(!tag.runs());
    QVERIFY2(tag.why.contains(QLatin1String("line 34")), qPrintable(tag.why));
}

void tst_AutomationPolicy::problems_data()
{
    QTest::addColumn<QByteArray>("automation");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("message");

    QTest::addRow("not a map") << QByteArray("automation: yes\n") << 18 << "'automation' must be a map";
    QTest::addRow("unknown key") << QByteArray("automation:\n  intervall: 5\n") << 19 << "did you mean 'interval'";
    QTest::addRow("interval too short") << QByteArray("automation:\n  interval: 2\n") << 19
                                        << "'interval' must be a number of seconds from 10";
    QTest::addRow("interval words") << QByteArray("automation:\n  interval: often\n") << 19 << "not 'often'";
    QTest::addRow("enabled") << QByteArray("automation:\n  enabled: maybe\n") << 19 << "true or false";
    QTest::addRow("review is release") << QByteArray("automation:\n  review_namespace: monasca\n") << 19
                                       << "is the release namespace";
    QTest::addRow("review bad name") << QByteArray("automation:\n  review_namespace: Review!\n") << 19
                                     << "lowercase letters";
    QTest::addRow("first_run") << QByteArray("automation:\n  first_run: all\n") << 19 << "'first_run' must be";
    QTest::addRow("backoff max below initial")
        << QByteArray("automation:\n  backoff:\n    initial: 600\n    max: 60\n") << 21 << "shorter than 'initial'";
    QTest::addRow("backoff retries") << QByteArray("automation:\n  backoff:\n    retries: -1\n") << 20
                                     << "'retries' must be a number";
    QTest::addRow("rules empty") << QByteArray("automation:\n  rules: []\n") << 19 << "'rules' is empty";
    QTest::addRow("rule without events") << QByteArray("automation:\n  rules:\n    - actions: [build]\n") << 20
                                         << "has no 'events'";
    QTest::addRow("rule without actions")
        << QByteArray("automation:\n  rules:\n    - events: commit\n") << 20 << "has no 'actions'";
    QTest::addRow("unknown event") << QByteArray(
                                          "automation:\n  rules:\n    - events: [comit]\n      actions: [build]\n")
                                   << 20 << "did you mean 'commit'";
    QTest::addRow("unknown action") << QByteArray(
                                           "automation:\n  rules:\n    - events: tag\n      actions: [build, deploy]\n")
                                    << 21 << "unknown action 'deploy'";
    QTest::addRow("test without build") << QByteArray(
                                               "automation:\n  rules:\n    - events: tag\n      actions: [test]\n")
                                        << 21 << "add build";
    QTest::addRow("change push without review")
        << QByteArray("automation:\n  rules:\n    - events: change\n      actions: [build, push]\n") << 21
        << "never pushed to the release namespace";
    QTest::addRow("unknown component")
        << QByteArray("automation:\n  rules:\n    - events: tag\n      actions: [build]\n      components: [apii]\n")
        << 22 << "did you mean 'api'";
    QTest::addRow("bad docker")
        << QByteArray("automation:\n  rules:\n    - events: tag\n      actions: [build]\n      docker: [latest]\n")
        << 22 << "'latest' is not a Docker version";
    QTest::addRow("bad branch pattern")
        << QByteArray("automation:\n  rules:\n    - branches: \"a..b\"\n      events: tag\n      actions: [build]\n")
        << 20 << "not a branch pattern";
    QTest::addRow("rule not a map") << QByteArray("automation:\n  rules:\n    - commit\n") << 20
                                    << "each automation rule must be a map";
}

void tst_AutomationPolicy::problems()
{
    QFETCH(QByteArray, automation);
    QFETCH(int, line);
    QFETCH(QString, message);
    const ManifestResult result = ManifestParser::parse(manifestWith(automation), QStringLiteral("/tmp/release.yaml"));
    QVERIFY2(!result.ok(), "the manifest should have a problem");
    bool found = false;
    for (const ManifestProblem &p : result.problems) {
        if (p.message.contains(message)) {
            found = true;
            QCOMPARE(p.line, line);
            QCOMPARE(p.file, QStringLiteral("/tmp/release.yaml"));
        }
    }
    QVERIFY2(found, qPrintable(problemsText(result)));
}

void tst_AutomationPolicy::glob_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("branch");
    QTest::addColumn<bool>("matches");
    QTest::addRow("exact") << "master"
                           << "master" << true;
    QTest::addRow("exact other") << "master"
                                 << "main" << false;
    QTest::addRow("star") << "*"
                          << "master" << true;
    QTest::addRow("star stops at slash") << "*"
                                         << "stable/2023.2" << false;
    QTest::addRow("double star") << "**"
                                 << "stable/2023.2" << true;
    QTest::addRow("prefix star") << "stable/*"
                                 << "stable/2023.2" << true;
    QTest::addRow("prefix star not deeper") << "stable/*"
                                            << "stable/2023.2/x" << false;
    QTest::addRow("prefix star other") << "stable/*"
                                       << "unmaintained/2023.1" << false;
    QTest::addRow("middle star") << "*/2023.*"
                                 << "stable/2023.2" << true;
    QTest::addRow("question") << "stable/2023.?"
                              << "stable/2023.2" << true;
    QTest::addRow("question no slash") << "stable?2023.2"
                                       << "stable/2023.2" << false;
    QTest::addRow("backtracking") << "s*e*e"
                                  << "stable/x" << false;
    QTest::addRow("backtracking ok") << "s*e"
                                     << "stale" << true;
}

void tst_AutomationPolicy::glob()
{
    QFETCH(QString, pattern);
    QFETCH(QString, branch);
    QFETCH(bool, matches);
    QCOMPARE(AutomationRule::globMatches(pattern, branch), matches);
}

void tst_AutomationPolicy::decideFilters()
{
    AutomationPolicy policy;
    AutomationRule rule;
    rule.branches = {QStringLiteral("master")};
    rule.events = {AutomationEventKind::Commit};
    rule.actions = {true, true, true};
    rule.components = {QStringLiteral("api")};
    rule.docker = {QStringLiteral("28.2")};
    rule.line = 40;
    policy.rules << rule;
    const AutomationDecision onlyBase =
        policy.decide(AutomationEventKind::Commit, QStringLiteral("master"), {QStringLiteral("base")});
    QVERIFY(!onlyBase.runs());
    QVERIFY2(onlyBase.why.contains(QLatin1String("line 40")), qPrintable(onlyBase.why));
    const AutomationDecision wrongDocker = policy.decide(AutomationEventKind::Commit, QStringLiteral("master"),
                                                         {QStringLiteral("api")}, {QStringLiteral("27.5")});
    QVERIFY(!wrongDocker.runs());
    QVERIFY2(wrongDocker.why.contains(QLatin1String("28.2")), qPrintable(wrongDocker.why));
    const AutomationDecision ok = policy.decide(AutomationEventKind::Commit, QStringLiteral("master"),
                                                {QStringLiteral("base"), QStringLiteral("api")},
                                                {QStringLiteral("28.2"), QStringLiteral("27.5")});
    QVERIFY(ok.runs());
    QCOMPARE(ok.components, QStringList{QStringLiteral("api")});
    QCOMPARE(ok.docker, QStringList{QStringLiteral("28.2")});
    policy.enabled = false;
    const AutomationDecision off =
        policy.decide(AutomationEventKind::Commit, QStringLiteral("master"), {QStringLiteral("api")});
    QVERIFY(!off.runs());
    QVERIFY2(off.why.contains(QLatin1String("disabled")), qPrintable(off.why));
}

void tst_AutomationPolicy::changePushNeedsReviewNamespace()
{
    AutomationPolicy policy;
    AutomationRule rule;
    rule.events = {AutomationEventKind::Change};
    rule.actions = {true, true, true};
    policy.rules << rule;
    // Built without the reader's check (a policy made in code): push is still dropped.
    QVERIFY(
        !policy.decide(AutomationEventKind::Change, QStringLiteral("master"), {QStringLiteral("api")}).actions.push);
    policy.reviewNamespace = QStringLiteral("review");
    QVERIFY(policy.decide(AutomationEventKind::Change, QStringLiteral("master"), {QStringLiteral("api")}).actions.push);
}

void tst_AutomationPolicy::backoffDoubles()
{
    AutomationBackoff backoff;
    backoff.initialSeconds = 60;
    backoff.maxSeconds = 500;
    QCOMPARE(backoff.delayAfter(0), 0);
    QCOMPARE(backoff.delayAfter(1), 60);
    QCOMPARE(backoff.delayAfter(2), 120);
    QCOMPARE(backoff.delayAfter(3), 240);
    QCOMPARE(backoff.delayAfter(4), 480);
    QCOMPARE(backoff.delayAfter(5), 500);
    QCOMPARE(backoff.delayAfter(1000), 500);
}

void tst_AutomationPolicy::kindNames()
{
    for (AutomationEventKind kind :
         {AutomationEventKind::Commit, AutomationEventKind::Tag, AutomationEventKind::Change})
        QCOMPARE(automationEventKindFromName(automationEventKindName(kind)), kind);
    QVERIFY(!automationEventKindFromName(QStringLiteral("push")));
}

QTEST_GUILESS_MAIN(tst_AutomationPolicy)
#include "tst_automationpolicy.moc"
