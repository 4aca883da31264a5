// SPDX-License-Identifier: Apache-2.0
// PushSession without a registry: what it refuses before the keychain and the network, that its worker thread is
// not the caller's, and that a newer run replaces an older one. The pushes themselves are tested through mrc push
// (tst_publish) and the Publish page (tst_publishpage) on real registries.
#include "manifest/manifestparser.h"
#include "publish/pushsession.h"

#include <QSignalSpy>
#include <QTest>
#include <QThread>

using namespace mrc;

namespace {

Manifest manifest()
{
    const ManifestResult loaded =
        ManifestParser::parse(QByteArrayLiteral("version: 1\nregistry: {host: 127.0.0.1:5000, namespace: monasca}\n"
                                                "engines:\n  - {name: local, host: \"unix:///tmp/none.sock\"}\n"
                                                "branches:\n  - {name: master, docker: [\"28.5\"]}\n"
                                                "components:\n  - {name: api, repo: \"file:///r/api.git\"}\n"),
                              QStringLiteral("release.yaml"));
    return loaded.manifest;
}

} // namespace

class TestPushSession : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void refusesBadNames_data()
    {
        QTest::addColumn<QString>("component");
        QTest::addColumn<QString>("branch");
        QTest::addColumn<QString>("release");
        QTest::addColumn<QString>("message");
        QTest::addRow("component") << "agent"
                                   << ""
                                   << ""
                                   << "no component 'agent' in release.yaml";
        QTest::addRow("branch") << ""
                                << "stable"
                                << ""
                                << "no branch 'stable' in release.yaml";
        QTest::addRow("release") << ""
                                 << ""
                                 << "master"
                                 << "--release master: not a release tag";
        QTest::addRow("release and branch") << ""
                                            << "master"
                                            << "1.2.3"
                                            << "--release and --branch cannot be combined";
    }

    void refusesBadNames()
    {
        QFETCH(QString, component);
        QFETCH(QString, branch);
        QFETCH(QString, release);
        QFETCH(QString, message);
        PushSession session;
        PushOptions options;
        options.manifest = manifest();
        QVERIFY(!options.manifest.components.isEmpty());
        if (!component.isEmpty())
            options.selector.components = {component};
        if (!branch.isEmpty())
            options.selector.branches = {branch};
        options.release = release;
        QSignalSpy planned(&session, &PushSession::planned);
        const int run = session.plan(options);
        QVERIFY(session.isPlanning());
        QVERIFY(planned.wait(10000));
        QCOMPARE(planned.first().at(0).toInt(), run);
        const PushPlan plan = planned.first().at(1).value<PushPlan>();
        QCOMPARE(plan.outcome, PushOutcome::BadInput);
        QCOMPARE(plan.messages.size(), 1);
        QVERIFY2(plan.messages.first().startsWith(message), qPrintable(plan.messages.first()));
        QCOMPARE(plan.keychain, CredentialError::None); // refused before the keychain was asked
        QVERIFY(!session.isPlanning());
        QCOMPARE(session.lastPlan().outcome, PushOutcome::BadInput);
    }

    void newerRunReplacesOlder()
    {
        PushSession session;
        PushOptions bad;
        bad.manifest = manifest();
        bad.selector.components = {QStringLiteral("agent")};
        PushOptions worse = bad;
        worse.selector.components = {QStringLiteral("persister")};
        QSignalSpy planned(&session, &PushSession::planned);
        const int first = session.plan(bad);
        const int second = session.plan(worse);
        QVERIFY(second > first);
        QCOMPARE(session.run(), second);
        QVERIFY(planned.wait(10000));
        QTest::qWait(200); // a late answer of the first run would arrive by now
        QCOMPARE(planned.size(), 1);
        QCOMPARE(planned.first().at(0).toInt(), second);
        QVERIFY(planned.first().at(1).value<PushPlan>().messages.first().contains(QLatin1String("persister")));
    }

    void pushWithoutPlanFails()
    {
        PushSession session;
        QSignalSpy finished(&session, &PushSession::finished);
        session.push(); // nothing planned: the default plan has no engines
        QVERIFY(finished.wait(10000));
        const PushResult result = finished.first().at(1).value<PushResult>();
        QVERIFY(!result.started);
        QVERIFY(!result.pushedAll);
        QVERIFY(!session.isPushing());
    }

    void destroyedWhilePlanning()
    {
        // The destructor cancels, quits and waits for the worker: no crash, no thread left behind.
        auto session = std::make_unique<PushSession>();
        PushOptions options;
        options.manifest = manifest();
        options.selector.components = {QStringLiteral("agent")};
        session->plan(options);
        session.reset();
    }
};

QTEST_GUILESS_MAIN(TestPushSession)
#include "tst_pushsession.moc"
