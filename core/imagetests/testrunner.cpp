// SPDX-License-Identifier: Apache-2.0
#include "imagetests/testrunner.h"

#include "engine/enginecall.h"
#include "engine/engineclient.h"
#include "engine/streamdemuxer.h"
#include "git/gitmirror.h"
#include "imagetests/stacktest.h"
#include "jobs/buildplan.h"
#include "logs/buildlog.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QProcess>
#include <QRegularExpression>
#include <QTimer>
#include <QUuid>

namespace mrc {

double TestUpdate::durationSeconds() const
{
    if (!started.isValid())
        return 0;
    const QDateTime end = finished.isValid() ? finished : QDateTime::currentDateTimeUtc();
    return started.msecsTo(end) / 1000.0;
}

struct TestRunner::Running
{
    BuildLog log;
    QList<QPointer<EngineCall>> calls;      // in flight for the test itself; aborted when it ends
    QStringList containers;                 // made through the API; removed when it ends
    QHash<QString, StreamDemuxer> demuxers; // per log prefix
    QString mainContainer;                  // run and health tests: the container under test
    std::unique_ptr<StackTest> stack;       // a stack test's compose project
    QTimer timeout;
    QTimer poll;
    bool ending = false;
    bool cancelled = false;
    TestState finalState = TestState::Failed;
    QString finalMessage;
};

namespace {

QString shortId(const QString &id)
{
    return id.left(12);
}

} // namespace

TestRunner::TestRunner(Manifest manifest, TestPlan plan, TestOptions options, QObject *parent)
    : JobRunner(std::move(manifest), 30000, parent), m_plan(std::move(plan)), m_options(std::move(options))
{
    qRegisterMetaType<TestUpdate>();
    m_runId = QUuid::createUuid().toString(QUuid::Id128).left(12);
    RunnerCore::resolve(m_options.cacheRoot, m_options.historyPath, m_options.logDirectory, m_options.jobs);
    m_records = {m_options.historyPath, m_options.logDirectory, QStringLiteral("nothing was tested")};
    for (const TestJobSpec &spec : m_plan.jobs) {
        TestUpdate update;
        update.job = spec.id;
        update.runId = m_runId;
        update.component = spec.cell.component;
        update.branch = spec.cell.branch;
        update.docker = spec.cell.docker;
        update.engine = spec.engine;
        update.tag = spec.tag;
        update.test = spec.test.name;
        update.kind = TestSpec::kindName(spec.test.kind);
        m_jobs.append(update);
    }
}

TestRunner::~TestRunner()
{
    // A runner destroyed mid-test cannot wait for the engine; the run's label lets the next run find leftovers.
    for (auto it = m_running.begin(); it != m_running.end(); ++it) {
        for (const auto &call : std::as_const(it.value()->calls)) {
            if (call)
                call->abort();
        }
        if (it.value()->stack)
            it.value()->stack->stop();
    }
}

void TestRunner::setRunId(const QString &runId)
{
    m_runId = runId;
    for (TestUpdate &update : m_jobs)
        update.runId = runId;
}

EngineClient *TestRunner::client(const QString &engine)
{
    return m_core.client(engine);
}

QJsonObject TestRunner::labels() const
{
    return QJsonObject{{QString::fromLatin1(Label), m_runId}};
}

void TestRunner::failUnstarted(int job, const QString &why)
{
    RunnerCore::stamp(m_jobs[job], TestState::Failed, why);
    publish(job);
}

TestRecord TestRunner::record(int job) const
{
    const TestUpdate &update = m_jobs[job];
    TestRecord record;
    record.id = update.historyId;
    record.runId = m_runId;
    record.component = update.component;
    record.branch = update.branch;
    record.docker = update.docker;
    record.engine = update.engine;
    record.commit = m_plan.jobs[job].cell.commit;
    record.tag = update.tag;
    record.imageId = update.imageId;
    record.test = update.test;
    record.kind = update.kind;
    record.state = update.state;
    record.started = update.started;
    record.finished = update.finished;
    record.logPath = update.logPath;
    record.message = update.message;
    return record;
}

void TestRunner::registerJob(int job)
{
    TestRecord added = record(job);
    QString error;
    if (m_core.recording()) {
        if (m_core.history()->addTest(added, &error))
            m_jobs[job].historyId = added.id;
        else
            m_core.noteHistoryFailure(QStringLiteral("cannot record the test"), error);
    }
    if (m_jobs[job].historyId > 0)
        m_jobs[job].logPath =
            RunnerCore::freshLogPath(QStringLiteral("%1/test-%2-%3-%4-%5-%6")
                                         .arg(m_options.logDirectory, m_runId)
                                         .arg(job)
                                         .arg(RunnerCore::safeName(added.component), RunnerCore::safeName(added.branch),
                                              RunnerCore::safeName(added.test)));
    publish(job);
}

void TestRunner::publish(int job)
{
    if (m_core.history() && m_jobs[job].historyId > 0) {
        QString error;
        const TestState state = m_jobs[job].state;
        if (!m_core.history()->updateTest(record(job), &error) && state != TestState::Queued &&
            state != TestState::Testing) {
            // The outcome is not in the history: say so in the test and to whoever ran it.
            RunnerCore::addToMessage(m_jobs[job].message,
                                     m_core.noteHistoryFailure(QStringLiteral("cannot record the outcome"), error));
        }
    }
    Q_EMIT jobUpdated(m_jobs[job]);
}

bool TestRunner::isRunning(int job, bool idle) const
{
    const auto running = m_running.value(job);
    return running && !running->ending && (!idle || running->calls.isEmpty());
}

void TestRunner::schedule()
{
    if (m_finished)
        return;
    for (int job = 0; job < m_jobs.size() && m_running.size() < m_options.jobs; ++job) {
        if (m_jobs[job].state == TestState::Queued)
            startJob(job);
    }
    const bool allDone = std::all_of(m_jobs.cbegin(), m_jobs.cend(), [](const TestUpdate &j) {
        return j.state != TestState::Queued && j.state != TestState::Testing;
    });
    if (allDone && m_running.isEmpty()) {
        m_finished = true;
        Q_EMIT finished();
    }
}

void TestRunner::appendLog(int job, const QString &line)
{
    const auto running = m_running.value(job);
    if (!running || !running->log.isOpen())
        return;
    const QByteArray bytes = line.toUtf8() + '\n';
    running->log.append(QByteArrayView(bytes));
    Q_EMIT logLines(job, bytes);
}

void TestRunner::appendContainerLines(int job, const QString &prefix, const QByteArray &chunk, bool end)
{
    const auto running = m_running.value(job);
    if (!running || !running->log.isOpen())
        return;
    StreamDemuxer &demuxer = running->demuxers[prefix];
    QList<StreamDemuxer::Line> lines = demuxer.feed(chunk);
    if (end)
        lines += demuxer.finish();
    if (lines.isEmpty())
        return;
    QByteArray bytes;
    for (const StreamDemuxer::Line &line : std::as_const(lines))
        bytes += prefix.toUtf8() + line.text + '\n';
    running->log.append(QByteArrayView(bytes));
    Q_EMIT logLines(job, bytes);
}

void TestRunner::track(int job, EngineCall *call, Done done)
{
    const auto running = m_running.value(job);
    running->calls.append(call);
    connect(call, &EngineCall::finished, this, [this, job, call, done = std::move(done)] {
        call->deleteLater();
        const auto running = m_running.value(job);
        if (!running || running->ending)
            return; // the test already ended; cleanup takes it from here
        running->calls.removeAll(call);
        done(call);
    });
}

void TestRunner::startJob(int job)
{
    TestUpdate &update = m_jobs[job];
    auto running = std::make_shared<Running>();
    m_running.insert(job, running);
    update.state = TestState::Testing;
    update.started = QDateTime::currentDateTimeUtc();
    QString error;
    if (!running->log.open(update.logPath, &error)) {
        finishJob(job, TestState::Failed, error);
        return;
    }
    publish(job);
    const TestSpec &test = m_plan.jobs[job].test;
    appendLog(job, QStringLiteral("mrc: %1 test %2 of %3 (%4@%5, commit %6) on engine %7, run %8, timeout %9 s")
                       .arg(update.kind, update.test, update.tag, update.component, update.branch,
                            m_plan.jobs[job].cell.commit.left(12), update.engine, m_runId)
                       .arg(test.timeoutSeconds));
    if (update.engine.isEmpty() || !client(update.engine)) {
        fail(job, QStringLiteral("no engine runs Docker %1").arg(update.docker));
        return;
    }
    running->timeout.setSingleShot(true);
    connect(&running->timeout, &QTimer::timeout, this, [this, job] {
        const TestSpec &test = m_plan.jobs[job].test;
        appendLog(job, QStringLiteral("mrc: timed out after %1 s").arg(test.timeoutSeconds));
        fail(job, QStringLiteral("timed out after %1 s").arg(test.timeoutSeconds));
    });
    running->timeout.start(test.timeoutSeconds * 1000);

    // The image under test must exist: tests never build or pull.
    track(job, client(update.engine)->inspectImage(update.tag), [this, job](EngineCall *call) {
        if (!call->ok()) {
            fail(job, call->status() == 404
                          ? QStringLiteral("image %1 is not on engine %2; build it first (mrc test --build)")
                                .arg(m_jobs[job].tag, m_jobs[job].engine)
                          : call->errorString());
            return;
        }
        m_jobs[job].imageId = call->json().object().value(QStringLiteral("Id")).toString();
        appendLog(job, QStringLiteral("mrc: image %1 is %2").arg(m_jobs[job].tag, m_jobs[job].imageId));
        publish(job);
        switch (m_plan.jobs[job].test.kind) {
        case TestSpec::Kind::Run:
            runTest(job);
            break;
        case TestSpec::Kind::Health:
            runHealth(job);
            break;
        case TestSpec::Kind::Stack:
            m_running[job]->stack = std::make_unique<StackTest>(this, job);
            m_running[job]->stack->start();
            break;
        }
    });
}

void TestRunner::runContainer(int job, const QJsonObject &config, const QString &prefix,
                              std::function<void(int)> exited)
{
    EngineClient *engine = client(m_jobs[job].engine);
    track(job, engine->createContainer(config), [this, job, engine, prefix, exited](EngineCall *call) {
        if (!call->ok()) {
            fail(job, QStringLiteral("cannot create the container: %1").arg(call->errorString()));
            return;
        }
        const QString id = call->json().object().value(QStringLiteral("Id")).toString();
        m_running[job]->containers.append(id);
        appendLog(job, QStringLiteral("mrc: container %1 created").arg(shortId(id)));
        track(job, engine->startContainer(id), [this, job, engine, id, prefix, exited](EngineCall *call) {
            if (!call->ok()) {
                fail(job, QStringLiteral("cannot start the container: %1").arg(call->errorString()));
                return;
            }
            // Both the followed log and the wait end when the container exits; the result comes when both did.
            auto pending = std::make_shared<int>(2);
            auto status = std::make_shared<int>(-1);
            const auto step = [pending, status, exited] {
                if (--*pending == 0)
                    exited(*status);
            };
            EngineCall *logs = engine->containerLogs(id, true);
            connect(logs, &EngineCall::bodyData, this,
                    [this, job, prefix](const QByteArray &chunk) { appendContainerLines(job, prefix, chunk, false); });
            track(job, logs, [this, job, prefix, step](EngineCall *) {
                appendContainerLines(job, prefix, {}, true);
                step();
            });
            track(job, engine->waitContainer(id), [this, job, status, step](EngineCall *call) {
                if (!call->ok()) {
                    fail(job, QStringLiteral("waiting for the container failed: %1").arg(call->errorString()));
                    return;
                }
                *status = call->json().object().value(QStringLiteral("StatusCode")).toInt(-1);
                step();
            });
        });
    });
}

void TestRunner::runTest(int job)
{
    const TestSpec &test = m_plan.jobs[job].test;
    QJsonObject config{
        {QStringLiteral("Image"), m_jobs[job].imageId},
        {QStringLiteral("Labels"), labels()},
        {QStringLiteral("AttachStdout"), true},
        {QStringLiteral("AttachStderr"), true},
        {QStringLiteral("HostConfig"), QJsonObject{{QStringLiteral("NetworkMode"), test.network}}},
    };
    if (!test.command.isEmpty())
        config.insert(QStringLiteral("Cmd"), QJsonArray{QStringLiteral("sh"), QStringLiteral("-c"), test.command});
    appendLog(job, QStringLiteral("mrc: running %1 (network %2)")
                       .arg(test.command.isEmpty() ? QStringLiteral("the image's CMD") : test.command, test.network));
    runContainer(job, config, QString(), [this, job](int status) {
        const TestSpec &test = m_plan.jobs[job].test;
        appendLog(job, QStringLiteral("mrc: the command exited with code %1").arg(status));
        if (status != 0) {
            fail(job, QStringLiteral("the command exited with code %1").arg(status));
            return;
        }
        if (!test.expect.isEmpty()) {
            QByteArray output;
            for (const StreamDemuxer &demuxer : std::as_const(m_running[job]->demuxers))
                output += demuxer.output();
            const QRegularExpression re(test.expect, QRegularExpression::MultilineOption);
            if (!re.match(QString::fromUtf8(output)).hasMatch()) {
                fail(job, QStringLiteral("the output does not match /%1/").arg(test.expect));
                return;
            }
        }
        pass(job, QStringLiteral("exit code 0"));
    });
}

void TestRunner::runHealth(int job)
{
    const QJsonObject config{
        {QStringLiteral("Image"), m_jobs[job].imageId},
        {QStringLiteral("Labels"), labels()},
        // Loopback only: the health check probes the service from inside its own container.
        {QStringLiteral("HostConfig"), QJsonObject{{QStringLiteral("NetworkMode"), QStringLiteral("none")}}},
    };
    EngineClient *engine = client(m_jobs[job].engine);
    appendLog(job, QStringLiteral("mrc: starting the image with its own CMD; waiting for its HEALTHCHECK"));
    track(job, engine->createContainer(config), [this, job, engine](EngineCall *call) {
        if (!call->ok()) {
            fail(job, QStringLiteral("cannot create the container: %1").arg(call->errorString()));
            return;
        }
        const QString id = call->json().object().value(QStringLiteral("Id")).toString();
        m_running[job]->containers.append(id);
        m_running[job]->mainContainer = id;
        track(job, engine->startContainer(id), [this, job](EngineCall *call) {
            if (!call->ok()) {
                fail(job, QStringLiteral("cannot start the container: %1").arg(call->errorString()));
                return;
            }
            const auto running = m_running[job];
            connect(&running->poll, &QTimer::timeout, this, [this, job] { pollHealth(job); });
            running->poll.start(500);
        });
    });
}

void TestRunner::pollHealth(int job)
{
    const auto running = m_running.value(job);
    if (!running || running->ending || !running->calls.isEmpty())
        return; // the last inspect is still out
    track(job, client(m_jobs[job].engine)->inspectContainer(running->mainContainer), [this, job](EngineCall *call) {
        if (!call->ok()) {
            fail(job, call->errorString());
            return;
        }
        const QJsonObject state = call->json().object().value(QStringLiteral("State")).toObject();
        const QJsonObject health = state.value(QStringLiteral("Health")).toObject();
        if (!state.contains(QStringLiteral("Health"))) {
            fail(job, QStringLiteral("the image has no HEALTHCHECK"));
            return;
        }
        const QString status = health.value(QStringLiteral("Status")).toString();
        if (!state.value(QStringLiteral("Running")).toBool()) {
            fail(job, QStringLiteral("the container exited with code %1 before it became healthy")
                          .arg(state.value(QStringLiteral("ExitCode")).toInt()));
        } else if (status == QLatin1String("healthy")) {
            pass(job, QStringLiteral("healthy"));
        } else if (status == QLatin1String("unhealthy")) {
            fail(job, QStringLiteral("the container is unhealthy after %1 failed checks")
                          .arg(health.value(QStringLiteral("FailingStreak")).toInt()));
        }
    });
}

void TestRunner::fail(int job, const QString &message)
{
    finishJob(job, TestState::Failed, message);
}

void TestRunner::pass(int job, const QString &message)
{
    finishJob(job, TestState::Passed, message);
}

void TestRunner::finishJob(int job, TestState state, const QString &message)
{
    const auto running = m_running.value(job);
    if (!running || running->ending)
        return;
    running->ending = true;
    running->finalState = state;
    running->finalMessage = message;
    running->timeout.stop();
    running->poll.stop();
    for (const auto &call : std::as_const(running->calls)) {
        if (call)
            call->abort();
    }
    running->calls.clear();
    if (running->stack)
        running->stack->stop();
    if (state != TestState::Passed)
        appendLog(job, QStringLiteral("mrc: %1: %2").arg(testStateName(state), message));

    const auto finishCleanup = [this, job] { cleanup(job, [this, job] { settle(job); }); };
    const TestSpec &test = m_plan.jobs[job].test;
    if (test.kind == TestSpec::Kind::Health && !running->mainContainer.isEmpty()) {
        // The container's output and its health log go with the result, passed or not.
        EngineClient *engine = client(m_jobs[job].engine);
        const QString id = running->mainContainer;
        EngineCall *logs = engine->containerLogs(id, false);
        logs->setTimeout(15000);
        connect(logs, &EngineCall::bodyData, this,
                [this, job](const QByteArray &chunk) { appendContainerLines(job, QString(), chunk, false); });
        connect(logs, &EngineCall::finished, this, [this, job, logs, engine, id, finishCleanup] {
            logs->deleteLater();
            appendContainerLines(job, QString(), {}, true);
            EngineCall *inspect = engine->inspectContainer(id);
            connect(inspect, &EngineCall::finished, this, [this, job, inspect, finishCleanup] {
                inspect->deleteLater();
                const QJsonObject health = inspect->json()
                                               .object()
                                               .value(QStringLiteral("State"))
                                               .toObject()
                                               .value(QStringLiteral("Health"))
                                               .toObject();
                const QJsonArray entries = health.value(QStringLiteral("Log")).toArray();
                appendLog(job, QStringLiteral("mrc: health log (%1, %2 check(s) kept):")
                                   .arg(health.value(QStringLiteral("Status")).toString(QStringLiteral("none")))
                                   .arg(entries.size()));
                for (const QJsonValue &value : entries) {
                    const QJsonObject entry = value.toObject();
                    const QString output = entry.value(QStringLiteral("Output")).toString().trimmed();
                    appendLog(job, QStringLiteral("health: %1 exit %2%3")
                                       .arg(entry.value(QStringLiteral("Start")).toString())
                                       .arg(entry.value(QStringLiteral("ExitCode")).toInt())
                                       .arg(output.isEmpty() ? QString() : QStringLiteral(": ") + output));
                }
                finishCleanup();
            });
        });
        return;
    }
    if (test.kind == TestSpec::Kind::Stack) {
        appendLog(job, QStringLiteral("mrc: logs of the stack's services"));
        if (running->stack)
            running->stack->collectLogs(finishCleanup);
        else
            finishCleanup();
        return;
    }
    finishCleanup();
}

void TestRunner::cleanup(int job, std::function<void()> then)
{
    const auto running = m_running.value(job);
    EngineClient *engine = client(m_jobs[job].engine);
    if (!engine) {
        then();
        return;
    }
    // 1. containers made through the API; 2. docker-compose down; 3. whatever the project still has.
    const auto composeDown = [this, job, then] {
        const auto running = m_running.value(job);
        if (running && running->stack)
            running->stack->down(then);
        else
            then();
    };
    const QStringList containers = running->containers;
    if (containers.isEmpty()) {
        composeDown();
        return;
    }
    auto pending = std::make_shared<int>(int(containers.size()));
    for (const QString &id : containers) {
        EngineCall *remove = engine->removeContainer(id);
        connect(remove, &EngineCall::finished, this, [this, job, remove, id, pending, composeDown] {
            remove->deleteLater();
            appendLog(
                job,
                remove->ok() || remove->status() == 404
                    ? QStringLiteral("mrc: removed container %1").arg(shortId(id))
                    : QStringLiteral("mrc: cannot remove container %1: %2").arg(shortId(id), remove->errorString()));
            if (--*pending == 0)
                composeDown();
        });
    }
}

void TestRunner::settle(int job)
{
    const auto running = m_running.value(job);
    TestUpdate &update = m_jobs[job];
    RunnerCore::stamp(update, running->finalState, running->finalMessage);
    appendLog(job, QStringLiteral("mrc: %1 in %2 s%3")
                       .arg(testStateName(update.state))
                       .arg(update.durationSeconds(), 0, 'f', 1)
                       .arg(update.message.isEmpty() ? QString() : QStringLiteral(": ") + update.message));
    running->log.close();
    m_running.remove(job);
    publish(job);
    QTimer::singleShot(0, this, &TestRunner::schedule);
}

void TestRunner::cancelJob(int job)
{
    if (m_jobs[job].state == TestState::Queued) {
        RunnerCore::stamp(m_jobs[job], TestState::Cancelled, QStringLiteral("cancelled before it started"));
        publish(job);
    } else if (const auto running = m_running.value(job)) {
        running->cancelled = true;
        appendLog(job, QStringLiteral("mrc: cancelled; removing what the test made"));
        finishJob(job, TestState::Cancelled, QStringLiteral("cancelled"));
    }
}

} // namespace mrc
