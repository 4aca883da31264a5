// SPDX-License-Identifier: Apache-2.0
#include "imagetests/testrunner.h"

#include "logs/buildlog.h"
#include "jobs/buildplan.h"
#include "engine/enginecall.h"
#include "engine/engineclient.h"
#include "git/gitmirror.h"
#include "engine/streamdemuxer.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QHash>
#include <QJsonObject>
#include <QPointer>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTimer>
#include <QUuid>

#include <yaml-cpp/yaml.h>

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
    QList<QPointer<EngineCall>> calls;     // in flight for the test itself; aborted when it ends
    QStringList containers;                // made through the API; removed when it ends
    QHash<QString, StreamDemuxer> demuxers; // per log prefix
    QString mainContainer;                 // run and health tests: the container under test
    QPointer<QProcess> compose;            // docker-compose up, killed when the test ends early
    QTimer timeout;
    QTimer poll;
    std::unique_ptr<QTemporaryDir> dir;    // stack: the compose files
    QStringList composeFiles;              // -f arguments
    QString project;
    QStringList services;                  // the compose file's services
    bool ending = false;
    bool cancelled = false;
    TestState finalState = TestState::Failed;
    QString finalMessage;
};

namespace {

QString safeName(QString text)
{
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]+"));
    return text.replace(unsafe, QStringLiteral("-"));
}

QString shortId(const QString &id)
{
    return id.left(12);
}

} // namespace

TestRunner::TestRunner(Manifest manifest, TestPlan plan, TestOptions options, QObject *parent)
    : QObject(parent)
    , m_manifest(std::move(manifest))
    , m_plan(std::move(plan))
    , m_options(std::move(options))
    , m_runId(QUuid::createUuid().toString(QUuid::Id128).left(12))
{
    qRegisterMetaType<TestUpdate>();
    if (m_options.cacheRoot.isEmpty())
        m_options.cacheRoot = GitMirror::defaultCacheRoot();
    if (m_options.historyPath.isEmpty())
        m_options.historyPath = History::defaultPath();
    if (m_options.logDirectory.isEmpty())
        m_options.logDirectory = History::defaultLogDirectory();
    m_options.jobs = std::max(1, m_options.jobs);
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
        if (it.value()->compose)
            it.value()->compose->kill();
    }
}

EngineClient *TestRunner::client(const QString &engine)
{
    if (EngineClient *existing = m_clients.value(engine))
        return existing;
    for (const EngineSpec &spec : m_manifest.engines) {
        if (spec.name == engine) {
            auto *created = new EngineClient(spec, this);
            created->setDefaultTimeout(30000);
            m_clients.insert(engine, created);
            return created;
        }
    }
    return nullptr;
}

QJsonObject TestRunner::labels() const
{
    return QJsonObject{{QString::fromLatin1(Label), m_runId}};
}

void TestRunner::start()
{
    if (m_started)
        return;
    m_started = true;
    m_history = std::make_unique<History>(m_options.historyPath);
    QString error;
    if (!m_history->open(&error)) {
        m_history.reset();
        for (TestUpdate &job : m_jobs)
            job.message = error;
    }
    QDir().mkpath(m_options.logDirectory);
    for (int job = 0; job < m_jobs.size(); ++job) {
        TestRecord record;
        record.runId = m_runId;
        record.component = m_jobs[job].component;
        record.branch = m_jobs[job].branch;
        record.docker = m_jobs[job].docker;
        record.engine = m_jobs[job].engine;
        record.commit = m_plan.jobs[job].cell.commit;
        record.tag = m_jobs[job].tag;
        record.test = m_jobs[job].test;
        record.kind = m_jobs[job].kind;
        if (m_history && m_history->addTest(record))
            m_jobs[job].historyId = record.id;
        m_jobs[job].logPath = QStringLiteral("%1/test-%2-%3-%4-%5-%6.log")
                                  .arg(m_options.logDirectory, m_runId)
                                  .arg(job)
                                  .arg(safeName(record.component), safeName(record.branch), safeName(record.test));
        publish(job);
    }
    QTimer::singleShot(0, this, &TestRunner::schedule);
}

void TestRunner::publish(int job)
{
    const TestUpdate &update = m_jobs[job];
    if (m_history && update.historyId > 0) {
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
        m_history->updateTest(record);
    }
    Q_EMIT jobUpdated(update);
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
            runStack(job);
            break;
        }
    });
}

void TestRunner::runContainer(int job, const QJsonObject &config, const QString &prefix, std::function<void(int)> exited)
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

void TestRunner::runStack(int job)
{
    const TestJobSpec &spec = m_plan.jobs[job];
    const auto running = m_running[job];
    running->dir = std::make_unique<QTemporaryDir>();
    QByteArray composeText;
    QString composePath;
    if (!spec.test.compose.isEmpty()) {
        GitMirror mirror(spec.repo, m_options.cacheRoot);
        QString error;
        const auto text = mirror.readFile(spec.cell.commit, spec.test.compose, &error);
        if (!text) {
            fail(job, error.isEmpty() ? QStringLiteral("%1 has no %2 at commit %3")
                                            .arg(spec.repo, spec.test.compose, spec.cell.commit.left(12))
                                      : error);
            return;
        }
        composeText = *text;
        composePath = running->dir->filePath(QStringLiteral("docker-compose.yml"));
        QFile file(composePath);
        if (!file.open(QIODevice::WriteOnly) || file.write(composeText) != composeText.size()) {
            fail(job, QStringLiteral("cannot write %1: %2").arg(composePath, file.errorString()));
            return;
        }
        appendLog(job, QStringLiteral("mrc: compose file %1 at %2").arg(spec.test.compose, spec.cell.commit.left(12)));
    } else {
        composePath = QFileInfo(spec.test.composeFile).isAbsolute()
                          ? spec.test.composeFile
                          : QFileInfo(m_manifest.path).absoluteDir().filePath(spec.test.composeFile);
        QFile file(composePath);
        if (!file.open(QIODevice::ReadOnly)) {
            fail(job, QStringLiteral("cannot read the compose file %1: %2").arg(composePath, file.errorString()));
            return;
        }
        composeText = file.readAll();
        appendLog(job, QStringLiteral("mrc: compose file %1").arg(composePath));
    }

    // The services, so that the cell's images can stand in for theirs; the override file has to use the same version.
    QString version;
    QStringList services;
    QHash<QString, QString> composeImages; // service -> the image: of the compose file
    try {
        const YAML::Node root = YAML::Load(composeText.toStdString());
        if (root["version"])
            version = QString::fromStdString(root["version"].as<std::string>());
        for (auto it = root["services"].begin(); it != root["services"].end(); ++it) {
            const QString service = QString::fromStdString(it->first.as<std::string>());
            services.append(service);
            if (it->second.IsMap() && it->second["image"] && it->second["image"].IsScalar())
                composeImages.insert(service, QString::fromStdString(it->second["image"].as<std::string>()));
        }
    } catch (const YAML::Exception &e) {
        fail(job, QStringLiteral("the compose file is not valid YAML: %1").arg(QString::fromStdString(e.what())));
        return;
    }
    if (services.isEmpty()) {
        fail(job, QStringLiteral("the compose file has no services"));
        return;
    }
    running->services = services;
    QJsonObject overrideServices;
    QList<QPair<QString, QString>> images; // service, image: each must be on the engine before the stack starts
    for (const QString &service : std::as_const(services)) {
        QJsonObject entry{{QStringLiteral("labels"), labels()}};
        QString component = spec.test.services.value(service);
        if (component.isEmpty() && m_manifest.component(service))
            component = service;
        if (const ComponentSpec *c = component.isEmpty() ? nullptr : m_manifest.component(component)) {
            const QString tag = BuildPlan::localTag(c->image, spec.cell.branch);
            entry.insert(QStringLiteral("image"), tag);
            appendLog(job, QStringLiteral("mrc: service %1 runs %2").arg(service, tag));
            images.append({service, tag});
        } else if (composeImages.contains(service)) {
            images.append({service, composeImages.value(service)});
        }
        if (version.isEmpty() || version.startsWith(QLatin1Char('2')))
            entry.insert(QStringLiteral("pull_policy"), QStringLiteral("never"));
        overrideServices.insert(service, entry);
    }
    QJsonObject override{{QStringLiteral("services"), overrideServices}};
    if (!version.isEmpty())
        override.insert(QStringLiteral("version"), version);
    const QString overridePath = running->dir->filePath(QStringLiteral("mrc-override.yml"));
    QFile file(overridePath);
    const QByteArray overrideText = QJsonDocument(override).toJson(QJsonDocument::Indented);
    if (!file.open(QIODevice::WriteOnly) || file.write(overrideText) != overrideText.size()) {
        fail(job, QStringLiteral("cannot write %1: %2").arg(overridePath, file.errorString()));
        return;
    }
    file.close();
    running->composeFiles = {QStringLiteral("-f"), composePath, QStringLiteral("-f"), overridePath};
    running->project = QStringLiteral("mrc-%1-%2").arg(m_runId).arg(job);
    // pull_policy: never is not in every compose file version, and docker-compose pulls a missing image from Docker
    // Hub: so every service's image is checked first, and a missing one fails the test with its name.
    checkStackImages(job, images);
}

void TestRunner::checkStackImages(int job, QList<QPair<QString, QString>> images)
{
    if (images.isEmpty()) {
        stackUp(job);
        return;
    }
    // Named copies, not a structured binding: clang 14 (the fuzz preset) cannot capture one.
    const auto next = images.takeFirst();
    const QString service = next.first;
    const QString image = next.second;
    track(job, client(m_jobs[job].engine)->inspectImage(image), [this, job, images, service, image](EngineCall *call) {
        if (!call->ok()) {
            fail(job, call->status() == 404
                          ? QStringLiteral("image %1 is not on engine %2 (service %3); a stack test never pulls")
                                .arg(image, m_jobs[job].engine, service)
                          : call->errorString());
            return;
        }
        checkStackImages(job, images);
    });
}

void TestRunner::runCompose(int job, const QStringList &arguments, std::function<void(int, const QString &)> done,
                            bool trackForCancel)
{
    const auto running = m_running.value(job);
    const EngineSpec *engine = nullptr;
    for (const EngineSpec &spec : m_manifest.engines) {
        if (spec.name == m_jobs[job].engine)
            engine = &spec;
    }
    auto *process = new QProcess(this);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DOCKER_CONTEXT"));
    env.insert(QStringLiteral("DOCKER_HOST"), engine ? engine->host : QString());
    if (engine && !engine->tls.isEmpty()) {
        env.insert(QStringLiteral("DOCKER_TLS_VERIFY"), QStringLiteral("1"));
        env.insert(QStringLiteral("DOCKER_CERT_PATH"), QFileInfo(engine->tls.cert).absolutePath());
    }
    process->setProcessEnvironment(env);
    process->setProcessChannelMode(QProcess::MergedChannels);
    const QStringList fullArguments = QStringList{QStringLiteral("--ansi"), QStringLiteral("never"),
                                                  QStringLiteral("-p"), running->project}
                                      + running->composeFiles + arguments;
    appendLog(job, QStringLiteral("mrc: %1 %2").arg(m_options.composeProgram, fullArguments.join(QLatin1Char(' '))));
    auto partial = std::make_shared<QByteArray>();
    connect(process, &QProcess::readyRead, this, [this, job, process, partial] {
        *partial += process->readAll();
        const qsizetype end = partial->lastIndexOf('\n');
        if (end < 0)
            return;
        for (const QByteArray &line : partial->left(end).split('\n'))
            appendLog(job, QStringLiteral("compose: ") + QString::fromUtf8(line).trimmed());
        partial->remove(0, end + 1);
    });
    connect(process, &QProcess::finished, this, [this, job, process, partial, done](int code, QProcess::ExitStatus status) {
        process->deleteLater();
        *partial += process->readAll();
        for (const QByteArray &line : partial->split('\n')) {
            if (!line.trimmed().isEmpty())
                appendLog(job, QStringLiteral("compose: ") + QString::fromUtf8(line).trimmed());
        }
        done(status == QProcess::NormalExit ? code : -1, QString());
    });
    connect(process, &QProcess::errorOccurred, this, [process, done](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return;
        process->deleteLater();
        done(-1, QStringLiteral("cannot run %1: %2; install Debian's docker-compose package")
                     .arg(process->program(), process->errorString()));
    });
    if (trackForCancel)
        running->compose = process;
    process->start(m_options.composeProgram, fullArguments);
}

void TestRunner::stackUp(int job)
{
    runCompose(job, {QStringLiteral("up"), QStringLiteral("-d"), QStringLiteral("--no-build")},
               [this, job](int code, const QString &error) {
                   const auto running = m_running.value(job);
                   if (!running || running->ending)
                       return;
                   if (!error.isEmpty() || code != 0) {
                       fail(job, error.isEmpty() ? QStringLiteral("docker-compose up failed with code %1").arg(code) : error);
                       return;
                   }
                   appendLog(job, QStringLiteral("mrc: waiting for %1 service(s) to be running and healthy")
                                      .arg(running->services.size()));
                   connect(&running->poll, &QTimer::timeout, this, [this, job] { stackWait(job); });
                   running->poll.start(1000);
                   stackWait(job);
               });
}

void TestRunner::stackWait(int job)
{
    const auto running = m_running.value(job);
    if (!running || running->ending || !running->calls.isEmpty())
        return;
    const QJsonObject filters{{QStringLiteral("label"),
                               QJsonArray{QStringLiteral("com.docker.compose.project=%1").arg(running->project)}}};
    track(job, client(m_jobs[job].engine)->listContainers(filters), [this, job](EngineCall *call) {
        const auto running = m_running[job];
        if (!call->ok()) {
            fail(job, call->errorString());
            return;
        }
        const QJsonArray containers = call->json().array();
        int ready = 0;
        QString network;
        QStringList waiting;
        for (const QJsonValue &value : containers) {
            const QJsonObject c = value.toObject();
            const QString service = c.value(QStringLiteral("Labels")).toObject()
                                        .value(QStringLiteral("com.docker.compose.service")).toString();
            const QString state = c.value(QStringLiteral("State")).toString();
            const QString status = c.value(QStringLiteral("Status")).toString();
            if (state != QLatin1String("running")) {
                fail(job, QStringLiteral("service %1 is %2 (%3)").arg(service, state, status));
                return;
            }
            if (status.contains(QLatin1String("(unhealthy)"))) {
                fail(job, QStringLiteral("service %1 is unhealthy").arg(service));
                return;
            }
            if (status.contains(QLatin1String("(health: starting)")))
                waiting.append(service);
            else
                ++ready;
            const QJsonObject networks = c.value(QStringLiteral("NetworkSettings")).toObject()
                                             .value(QStringLiteral("Networks")).toObject();
            if (network.isEmpty() && !networks.isEmpty())
                network = networks.keys().first();
        }
        if (ready < running->services.size())
            return; // poll again
        running->poll.stop();
        appendLog(job, QStringLiteral("mrc: all %1 services are up").arg(ready));
        stackProbe(job, network);
    });
}

void TestRunner::stackProbe(int job, const QString &network)
{
    const TestJobSpec &spec = m_plan.jobs[job];
    QString image = m_jobs[job].imageId;
    if (!spec.test.probeImage.isEmpty()) {
        if (const ComponentSpec *c = m_manifest.component(spec.test.probeImage))
            image = BuildPlan::localTag(c->image, spec.cell.branch);
    }
    const QJsonObject config{
        {QStringLiteral("Image"), image},
        {QStringLiteral("Cmd"), QJsonArray{QStringLiteral("sh"), QStringLiteral("-c"), spec.test.probe}},
        {QStringLiteral("Labels"), labels()},
        {QStringLiteral("HostConfig"), QJsonObject{{QStringLiteral("NetworkMode"), network}}},
    };
    appendLog(job, QStringLiteral("mrc: probe on network %1: %2").arg(network, spec.test.probe));
    runContainer(job, config, QStringLiteral("probe: "), [this, job](int status) {
        if (status != 0) {
            fail(job, QStringLiteral("the smoke command exited with code %1").arg(status));
            return;
        }
        pass(job, QStringLiteral("the stack came up and the smoke command passed"));
    });
}

void TestRunner::collectStackLogs(int job, std::function<void()> then)
{
    const auto running = m_running.value(job);
    if (running->project.isEmpty()) {
        then();
        return;
    }
    EngineClient *engine = client(m_jobs[job].engine);
    const QJsonObject filters{{QStringLiteral("label"),
                               QJsonArray{QStringLiteral("com.docker.compose.project=%1").arg(running->project)}}};
    EngineCall *list = engine->listContainers(filters);
    connect(list, &EngineCall::finished, this, [this, job, list, engine, then] {
        list->deleteLater();
        const QJsonArray containers = list->ok() ? list->json().array() : QJsonArray();
        if (containers.isEmpty()) {
            then();
            return;
        }
        auto pending = std::make_shared<int>(int(containers.size()));
        for (const QJsonValue &value : containers) {
            const QJsonObject c = value.toObject();
            const QString service = c.value(QStringLiteral("Labels")).toObject()
                                        .value(QStringLiteral("com.docker.compose.service")).toString();
            const QString prefix = QStringLiteral("[%1] ").arg(service);
            EngineCall *logs = engine->containerLogs(c.value(QStringLiteral("Id")).toString(), false);
            logs->setTimeout(15000);
            connect(logs, &EngineCall::bodyData, this,
                    [this, job, prefix](const QByteArray &chunk) { appendContainerLines(job, prefix, chunk, false); });
            connect(logs, &EngineCall::finished, this, [this, job, logs, prefix, pending, then] {
                logs->deleteLater();
                appendContainerLines(job, prefix, {}, true);
                if (--*pending == 0)
                    then();
            });
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
    if (running->compose && running->compose->state() != QProcess::NotRunning) {
        appendLog(job, QStringLiteral("mrc: stopping docker-compose"));
        running->compose->kill();
    }
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
                const QJsonObject health = inspect->json().object().value(QStringLiteral("State")).toObject()
                                               .value(QStringLiteral("Health")).toObject();
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
        collectStackLogs(job, finishCleanup);
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
    const auto sweep = [this, job, engine, then] {
        const auto running = m_running.value(job);
        if (running->project.isEmpty()) {
            then();
            return;
        }
        const QJsonObject filters{{QStringLiteral("label"),
                                   QJsonArray{QStringLiteral("com.docker.compose.project=%1").arg(running->project)}}};
        auto pending = std::make_shared<int>(3);
        const auto step = [pending, then] {
            if (--*pending == 0)
                then();
        };
        EngineCall *containers = engine->listContainers(filters);
        connect(containers, &EngineCall::finished, this, [this, job, containers, engine, step] {
            containers->deleteLater();
            const QJsonArray list = containers->ok() ? containers->json().array() : QJsonArray();
            for (const QJsonValue &value : list) {
                const QString id = value.toObject().value(QStringLiteral("Id")).toString();
                appendLog(job, QStringLiteral("mrc: removing leftover container %1").arg(shortId(id)));
                EngineCall *remove = engine->removeContainer(id);
                remove->waitForFinished(30000);
                remove->deleteLater();
            }
            step();
        });
        EngineCall *networks = engine->listNetworks(filters);
        connect(networks, &EngineCall::finished, this, [this, job, networks, engine, step] {
            networks->deleteLater();
            const QJsonArray list = networks->ok() ? networks->json().array() : QJsonArray();
            for (const QJsonValue &value : list) {
                const QString name = value.toObject().value(QStringLiteral("Name")).toString();
                appendLog(job, QStringLiteral("mrc: removing leftover network %1").arg(name));
                EngineCall *remove = engine->removeNetwork(value.toObject().value(QStringLiteral("Id")).toString());
                remove->waitForFinished(30000);
                remove->deleteLater();
            }
            step();
        });
        EngineCall *volumes = engine->listVolumes(filters);
        connect(volumes, &EngineCall::finished, this, [this, job, volumes, engine, step] {
            volumes->deleteLater();
            const QJsonArray list =
                volumes->ok() ? volumes->json().object().value(QStringLiteral("Volumes")).toArray() : QJsonArray();
            for (const QJsonValue &value : list) {
                const QString name = value.toObject().value(QStringLiteral("Name")).toString();
                appendLog(job, QStringLiteral("mrc: removing leftover volume %1").arg(name));
                EngineCall *remove = engine->removeVolume(name);
                remove->waitForFinished(30000);
                remove->deleteLater();
            }
            step();
        });
    };
    const auto composeDown = [this, job, sweep] {
        const auto running = m_running.value(job);
        if (running->project.isEmpty()) {
            sweep();
            return;
        }
        const auto down = [this, job, sweep] {
            runCompose(job,
                       {QStringLiteral("down"), QStringLiteral("-v"), QStringLiteral("--remove-orphans"),
                        QStringLiteral("-t"), QStringLiteral("2")},
                       [this, job, sweep](int code, const QString &error) {
                           if (code != 0)
                               appendLog(job, QStringLiteral("mrc: docker-compose down failed (%1); removing by label")
                                                  .arg(error.isEmpty() ? QStringLiteral("code %1").arg(code) : error));
                           sweep();
                       },
                       false);
        };
        // A killed `up` must be gone before `down` looks at the project.
        if (running->compose && running->compose->state() != QProcess::NotRunning) {
            QPointer<QProcess> up = running->compose;
            connect(up, &QProcess::finished, this, down);
        } else {
            down();
        }
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
            appendLog(job, remove->ok() || remove->status() == 404
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
    update.state = running->finalState;
    update.message = running->finalMessage;
    update.finished = QDateTime::currentDateTimeUtc();
    if (!update.started.isValid())
        update.started = update.finished;
    appendLog(job, QStringLiteral("mrc: %1 in %2 s%3")
                       .arg(testStateName(update.state))
                       .arg(update.durationSeconds(), 0, 'f', 1)
                       .arg(update.message.isEmpty() ? QString() : QStringLiteral(": ") + update.message));
    running->log.close();
    m_running.remove(job);
    publish(job);
    QTimer::singleShot(0, this, &TestRunner::schedule);
}

void TestRunner::cancel(int job)
{
    for (int j = 0; j < m_jobs.size(); ++j) {
        if (job >= 0 && j != job)
            continue;
        if (m_jobs[j].state == TestState::Queued) {
            m_jobs[j].state = TestState::Cancelled;
            m_jobs[j].message = QStringLiteral("cancelled before it started");
            m_jobs[j].started = m_jobs[j].finished = QDateTime::currentDateTimeUtc();
            publish(j);
        } else if (const auto running = m_running.value(j)) {
            running->cancelled = true;
            appendLog(j, QStringLiteral("mrc: cancelled; removing what the test made"));
            finishJob(j, TestState::Cancelled, QStringLiteral("cancelled"));
        }
    }
    QTimer::singleShot(0, this, &TestRunner::schedule);
}

} // namespace mrc
