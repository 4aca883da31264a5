// SPDX-License-Identifier: Apache-2.0
#include "buildrunner.h"

#include "buildlog.h"
#include "buildlogwriter.h"
#include "buildstreamparser.h"
#include "contexttar.h"
#include "dockerfile.h"
#include "enginecall.h"
#include "engineclient.h"
#include "gitmirror.h"
#include "history.h"

#include <QBuffer>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTimer>
#include <QUrlQuery>

namespace mrc {

double JobUpdate::durationSeconds() const
{
    if (!started.isValid())
        return 0;
    const QDateTime end = finished.isValid() ? finished : QDateTime::currentDateTimeUtc();
    return started.msecsTo(end) / 1000.0;
}

struct BuildRunner::Running
{
    QPointer<EngineCall> call;
    BuildStreamParser parser;
    BuildLog log;
    std::unique_ptr<BuildLogWriter> writer;
    QBuffer context;
    QByteArray dockerfile;
    bool cancelled = false;
};

namespace {

QString jsonText(const QMap<QString, QString> &map)
{
    QJsonObject object;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        object.insert(it.key(), it.value());
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QString safeName(QString text)
{
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]+"));
    return text.replace(unsafe, QStringLiteral("-"));
}

} // namespace

BuildRunner::BuildRunner(Manifest manifest, BuildPlan plan, BuildOptions options, QObject *parent)
    : QObject(parent)
    , m_manifest(std::move(manifest))
    , m_plan(std::move(plan))
    , m_options(std::move(options))
{
    qRegisterMetaType<JobUpdate>();
    if (m_options.cacheRoot.isEmpty())
        m_options.cacheRoot = GitMirror::defaultCacheRoot();
    if (m_options.historyPath.isEmpty())
        m_options.historyPath = History::defaultPath();
    if (m_options.logDirectory.isEmpty())
        m_options.logDirectory = History::defaultLogDirectory();
    m_options.jobs = std::max(1, m_options.jobs);
    for (const BuildJobSpec &spec : m_plan.jobs) {
        JobUpdate update;
        update.job = spec.id;
        update.component = spec.cell.component;
        update.branch = spec.cell.branch;
        update.docker = spec.cell.docker;
        update.engine = spec.engine;
        update.tag = spec.tag;
        m_jobs.append(update);
    }
}

BuildRunner::~BuildRunner()
{
    // Closing the connections stops the builds on the engines; the history keeps what happened.
    for (auto it = m_running.begin(); it != m_running.end(); ++it) {
        if (it.value()->call)
            it.value()->call->abort();
    }
}

EngineClient *BuildRunner::client(const QString &engine)
{
    if (EngineClient *existing = m_clients.value(engine))
        return existing;
    for (const EngineSpec &spec : m_manifest.engines) {
        if (spec.name == engine) {
            auto *created = new EngineClient(spec, this);
            m_clients.insert(engine, created);
            return created;
        }
    }
    return nullptr;
}

void BuildRunner::start()
{
    if (m_started)
        return;
    m_started = true;
    m_history = std::make_unique<History>(m_options.historyPath);
    QString error;
    if (!m_history->open(&error)) {
        // The builds still run; only the record is missing, and the user is told so in every job.
        m_history.reset();
        for (JobUpdate &job : m_jobs)
            job.message = error;
    }
    QDir().mkpath(m_options.logDirectory);
    for (int job = 0; job < m_jobs.size(); ++job) {
        JobRecord record;
        record.component = m_jobs[job].component;
        record.branch = m_jobs[job].branch;
        record.docker = m_jobs[job].docker;
        record.engine = m_jobs[job].engine;
        record.commit = m_plan.jobs[job].cell.commit;
        record.baseCommit = m_plan.jobs[job].baseCommit;
        record.tag = m_jobs[job].tag;
        record.state = JobState::Queued;
        if (m_history && m_history->add(record))
            m_jobs[job].historyId = record.id;
        m_jobs[job].logPath = QStringLiteral("%1/%2-%3-%4-%5.log")
                                  .arg(m_options.logDirectory)
                                  .arg(m_jobs[job].historyId)
                                  .arg(safeName(record.component), safeName(record.branch), safeName(record.docker));
        publish(job);
    }
    QTimer::singleShot(0, this, &BuildRunner::schedule);
}

void BuildRunner::publish(int job)
{
    const JobUpdate &update = m_jobs[job];
    if (m_history && update.historyId > 0) {
        JobRecord record;
        record.id = update.historyId;
        record.component = update.component;
        record.branch = update.branch;
        record.docker = update.docker;
        record.engine = update.engine;
        record.commit = m_plan.jobs[job].cell.commit;
        record.baseCommit = m_plan.jobs[job].baseCommit;
        record.tag = update.tag;
        record.imageId = update.imageId;
        record.state = update.state;
        record.started = update.started;
        record.finished = update.finished;
        record.logPath = update.logPath;
        record.message = update.message;
        m_history->update(record);
    }
    Q_EMIT jobUpdated(update);
}

void BuildRunner::schedule()
{
    if (m_finished)
        return;
    for (int job = 0; job < m_jobs.size() && m_running.size() < m_options.jobs; ++job) {
        if (m_jobs[job].state != JobState::Queued)
            continue;
        bool ready = true;
        for (int dependency : m_plan.jobs[job].dependsOn)
            ready = ready && isSuccess(m_jobs[dependency].state);
        if (ready)
            startJob(job);
    }
    const bool allFinal = std::all_of(m_jobs.cbegin(), m_jobs.cend(), [](const JobUpdate &j) { return isFinal(j.state); });
    if (allFinal && m_running.isEmpty()) {
        m_finished = true;
        Q_EMIT finished();
    }
}

void BuildRunner::startJob(int job)
{
    JobUpdate &update = m_jobs[job];
    auto running = std::make_shared<Running>();
    m_running.insert(job, running);
    update.state = JobState::Building;
    update.started = QDateTime::currentDateTimeUtc();
    QString error;
    if (!running->log.open(update.logPath, &error)) {
        settle(job, JobState::Failed, error);
        return;
    }
    running->writer = std::make_unique<BuildLogWriter>(&running->log);
    publish(job);
    appendLog(job, QStringLiteral("mrc: building %1 from %2 at %3 on engine %4")
                       .arg(update.tag, m_plan.jobs[job].repo, m_plan.jobs[job].cell.commit, update.engine));
    if (update.engine.isEmpty() || !client(update.engine)) {
        settle(job, JobState::Failed, QStringLiteral("no engine runs Docker %1").arg(update.docker));
        return;
    }
    if (m_options.noCache)
        runBuild(job);
    else
        checkUpToDate(job);
}

void BuildRunner::checkUpToDate(int job)
{
    const BuildJobSpec &spec = m_plan.jobs[job];
    QJsonArray labels{QStringLiteral("%1=%2").arg(QLatin1String(ImageLabels::revision), spec.cell.commit)};
    if (!spec.baseCommit.isEmpty())
        labels.append(QStringLiteral("%1=%2").arg(QLatin1String(ImageLabels::baseRevision), spec.baseCommit));
    const QJsonObject filters{{QStringLiteral("label"), labels},
                              {QStringLiteral("reference"), QJsonArray{spec.tag}}};
    EngineCall *call = client(spec.engine)->listImages(filters);
    call->setTimeout(30000);
    m_running[job]->call = call;
    connect(call, &EngineCall::finished, this, [this, job, call] {
        call->deleteLater();
        const auto running = m_running.value(job);
        if (!running)
            return;
        if (running->cancelled) {
            settle(job, JobState::Cancelled, QStringLiteral("cancelled"));
            return;
        }
        if (!call->ok()) {
            settle(job, call->error() == EngineCall::ConnectError ? JobState::EngineLost : JobState::Failed,
                   call->errorString());
            return;
        }
        const QJsonArray images = call->json().array();
        if (images.isEmpty()) {
            runBuild(job);
            return;
        }
        m_jobs[job].imageId = images.first().toObject().value(QStringLiteral("Id")).toString();
        const QString message = QStringLiteral("%1 already has revision %2%3; nothing to build (%4)")
                                    .arg(m_jobs[job].tag, m_plan.jobs[job].cell.commit.left(12),
                                         m_plan.jobs[job].baseCommit.isEmpty()
                                             ? QString()
                                             : QStringLiteral(" on base %1").arg(m_plan.jobs[job].baseCommit.left(12)),
                                         m_options.rebuildHint);
        appendLog(job, QStringLiteral("mrc: ") + message);
        settle(job, JobState::UpToDate, message);
    });
}

void BuildRunner::runBuild(int job)
{
    const QString engine = m_plan.jobs[job].engine;
    if (m_networkMode.contains(engine)) {
        sendBuild(job);
        return;
    }
    // An engine started without a default bridge (--bridge=none, as in the tests and the demo) cannot give RUN
    // steps a network; they then build with networkmode=none instead of failing on "bridge not found".
    const QJsonObject filters{{QStringLiteral("name"), QJsonArray{QStringLiteral("bridge")}}};
    EngineCall *call = client(engine)->request(
        "GET", QStringLiteral("/networks?filters=%1")
                   .arg(QString::fromLatin1(QUrl::toPercentEncoding(
                       QString::fromUtf8(QJsonDocument(filters).toJson(QJsonDocument::Compact))))));
    call->setTimeout(30000);
    m_running[job]->call = call;
    connect(call, &EngineCall::finished, this, [this, job, call, engine] {
        call->deleteLater();
        const auto running = m_running.value(job);
        if (!running)
            return;
        if (running->cancelled) {
            settle(job, JobState::Cancelled, QStringLiteral("cancelled"));
            return;
        }
        if (!call->ok()) {
            settle(job, call->error() == EngineCall::ConnectError ? JobState::EngineLost : JobState::Failed,
                   call->errorString());
            return;
        }
        const bool hasBridge = std::any_of(call->json().array().cbegin(), call->json().array().cend(), [](const QJsonValue &n) {
            return n.toObject().value(QStringLiteral("Name")).toString() == QLatin1String("bridge");
        });
        m_networkMode.insert(engine, hasBridge ? QString() : QStringLiteral("none"));
        sendBuild(job);
    });
}

void BuildRunner::sendBuild(int job)
{
    const BuildJobSpec &spec = m_plan.jobs[job];
    const auto running = m_running.value(job);
    GitMirror mirror(spec.repo, m_options.cacheRoot);
    QString error;
    running->context.open(QIODevice::WriteOnly);
    const auto commit = mirror.resolve(spec.cell.commit, &error);
    if (!commit || !ContextTar::write(mirror, spec.cell.commit, spec.context, &running->context, &error, commit->date)) {
        settle(job, JobState::Failed, error.isEmpty() ? QStringLiteral("commit %1 is not in the mirror").arg(spec.cell.commit) : error);
        return;
    }
    running->context.close();
    running->context.open(QIODevice::ReadOnly);
    running->dockerfile = mirror.readFile(spec.cell.commit, spec.context + QStringLiteral("/Dockerfile")).value_or(QByteArray());

    // Values go in percent-encoded so that '&', '=' or '#' inside them cannot split the query.
    const auto encoded = [](const QString &value) { return QString::fromLatin1(QUrl::toPercentEncoding(value)); };
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("t"), encoded(spec.tag));
    query.addQueryItem(QStringLiteral("buildargs"), encoded(jsonText(spec.buildArgs)));
    query.addQueryItem(QStringLiteral("labels"), encoded(jsonText(spec.labels)));
    query.addQueryItem(QStringLiteral("rm"), QStringLiteral("1"));
    query.addQueryItem(QStringLiteral("forcerm"), QStringLiteral("1"));
    if (m_options.noCache)
        query.addQueryItem(QStringLiteral("nocache"), QStringLiteral("1"));
    const QString network = m_networkMode.value(spec.engine);
    if (!network.isEmpty())
        query.addQueryItem(QStringLiteral("networkmode"), network);
    appendLog(job, QStringLiteral("mrc: context %1 (%2 bytes)%3, build args %4")
                       .arg(spec.context)
                       .arg(running->context.size())
                       .arg(network.isEmpty() ? QString() : QStringLiteral(", network %1 (the engine has no bridge)").arg(network))
                       .arg(jsonText(spec.buildArgs)));

    EngineCall *call = client(spec.engine)->build(query, &running->context);
    running->call = call;
    connect(call, &EngineCall::bodyData, this, [this, job](const QByteArray &chunk) { onBuildData(job, chunk); });
    connect(call, &EngineCall::finished, this, [this, job] { onBuildFinished(job); });
}

void BuildRunner::appendLog(int job, const QString &line)
{
    const auto running = m_running.value(job);
    if (!running || !running->log.isOpen())
        return;
    const QByteArray bytes = line.toUtf8() + '\n';
    running->log.append(QByteArrayView(bytes));
    Q_EMIT logLines(job, bytes);
}

void BuildRunner::onBuildData(int job, const QByteArray &chunk)
{
    const auto running = m_running.value(job);
    if (!running)
        return;
    running->writer->write(running->parser.feed(chunk));
    if (!running->writer->lastLines().isEmpty())
        Q_EMIT logLines(job, running->writer->lastLines());
    const LogMarks::Step step = running->log.marks().lastStep();
    JobUpdate &update = m_jobs[job];
    if (step.number != update.stepsDone || step.total != update.stepsTotal) {
        update.stepsDone = step.number;
        update.stepsTotal = step.total;
        Q_EMIT jobUpdated(update); // progress only: no history write per step
    }
}

void BuildRunner::onBuildFinished(int job)
{
    const auto running = m_running.value(job);
    if (!running)
        return;
    EngineCall *call = running->call;
    QString truncation;
    running->writer->write(running->parser.finish(&truncation));
    running->writer->finish();
    if (!running->writer->lastLines().isEmpty())
        Q_EMIT logLines(job, running->writer->lastLines());
    if (call)
        call->deleteLater();

    if (running->cancelled) {
        appendLog(job, QStringLiteral("mrc: cancelled; the engine stops the build when its connection closes"));
        settle(job, JobState::Cancelled, QStringLiteral("cancelled"));
        return;
    }
    if (call && (call->connectionLost() || call->error() == EngineCall::ConnectError)) {
        const QString reason = call->errorString();
        // Is the engine gone, or only this connection? Ask it.
        EngineCall *ping = client(m_jobs[job].engine)->request("GET", QStringLiteral("/_ping"));
        ping->setTimeout(3000);
        connect(ping, &EngineCall::finished, this, [this, job, ping, reason] {
            ping->deleteLater();
            appendLog(job, QStringLiteral("mrc: %1").arg(reason));
            if (ping->ok()) {
                settle(job, JobState::Failed, reason);
            } else {
                appendLog(job, QStringLiteral("mrc: engine %1 does not answer: %2").arg(m_jobs[job].engine, ping->errorString()));
                settle(job, JobState::EngineLost, QStringLiteral("engine %1 went away: %2").arg(m_jobs[job].engine, reason));
            }
        });
        return;
    }
    const QString engineError = running->writer->errorMessage();
    if (!engineError.isEmpty() || (call && !call->ok()) || !truncation.isEmpty()) {
        locateFailure(job);
        QString message = !engineError.isEmpty() ? engineError : (call && !call->ok()) ? call->errorString() : truncation;
        if (!m_jobs[job].failingStep.isEmpty())
            message = QStringLiteral("%1: %2").arg(m_jobs[job].failingStep, message);
        settle(job, JobState::Failed, message);
        return;
    }
    m_jobs[job].imageId = running->writer->imageId();
    const LogMarks::Step step = running->log.marks().lastStep();
    m_jobs[job].stepsDone = step.total;
    m_jobs[job].stepsTotal = step.total;
    settle(job, JobState::Built, QStringLiteral("built %1").arg(m_jobs[job].imageId.left(19)));
}

void BuildRunner::locateFailure(int job)
{
    const auto running = m_running.value(job);
    JobUpdate &update = m_jobs[job];
    update.failingStep = running->log.lastStepHeader().trimmed();
    update.lastLayerId = running->log.marks().lastLayerId();
    static const QRegularExpression stepHeader(QStringLiteral("^Step (\\d+)/(\\d+) : (.*)$"));
    const QRegularExpressionMatch match = stepHeader.match(update.failingStep);
    if (!match.hasMatch() || running->dockerfile.isEmpty())
        return;
    // The classic builder numbers every instruction of the file, ARGs before FROM included.
    const Dockerfile dockerfile = Dockerfile::parse(running->dockerfile, QStringLiteral("Dockerfile"));
    const int index = match.captured(1).toInt() - 1;
    if (index >= 0 && index < dockerfile.instructions.size()
        && dockerfile.instructions[index].keyword.compare(match.captured(3).section(QLatin1Char(' '), 0, 0),
                                                          Qt::CaseInsensitive) == 0)
        update.dockerfileLine = dockerfile.instructions[index].firstLine;
}

void BuildRunner::settle(int job, JobState state, const QString &message)
{
    JobUpdate &update = m_jobs[job];
    update.state = state;
    update.message = message;
    update.finished = QDateTime::currentDateTimeUtc();
    if (!update.started.isValid())
        update.started = update.finished;
    if (const auto running = m_running.value(job)) {
        if (state != JobState::UpToDate && state != JobState::Built)
            running->log.append(QStringLiteral("mrc: %1: %2").arg(jobStateName(state), message));
        running->log.close();
    }
    m_running.remove(job);
    publish(job);
    if (!isSuccess(state))
        blockDependants(job);
    QTimer::singleShot(0, this, &BuildRunner::schedule);
}

void BuildRunner::blockDependants(int job)
{
    for (int other = 0; other < m_jobs.size(); ++other) {
        if (m_jobs[other].state != JobState::Queued || !m_plan.jobs[other].dependsOn.contains(job))
            continue;
        JobUpdate &update = m_jobs[other];
        update.state = m_cancelAll ? JobState::Cancelled : JobState::Blocked;
        update.message = QStringLiteral("its base %1@%2 is %3").arg(m_jobs[job].component, m_jobs[job].branch,
                                                                      jobStateName(m_jobs[job].state));
        update.started = update.finished = QDateTime::currentDateTimeUtc();
        publish(other);
        blockDependants(other);
    }
}

void BuildRunner::cancel(int job)
{
    if (job < 0)
        m_cancelAll = true;
    for (int j = 0; j < m_jobs.size(); ++j) {
        if (job >= 0 && j != job)
            continue;
        if (m_jobs[j].state == JobState::Queued) {
            m_jobs[j].state = JobState::Cancelled;
            m_jobs[j].message = QStringLiteral("cancelled before it started");
            m_jobs[j].started = m_jobs[j].finished = QDateTime::currentDateTimeUtc();
            publish(j);
            blockDependants(j);
        } else if (const auto running = m_running.value(j)) {
            running->cancelled = true;
            if (running->call)
                running->call->abort(); // finished() follows and settles the job
            else
                settle(j, JobState::Cancelled, QStringLiteral("cancelled"));
        }
    }
    QTimer::singleShot(0, this, &BuildRunner::schedule);
}

} // namespace mrc
