// SPDX-License-Identifier: Apache-2.0
#include "jobs/buildrunner.h"

#include "dockerfile/dockerfile.h"
#include "engine/buildstreamparser.h"
#include "engine/enginecall.h"
#include "engine/engineclient.h"
#include "git/gitmirror.h"
#include "history/history.h"
#include "jobs/buildstatereader.h"
#include "jobs/contexttar.h"
#include "logs/buildlog.h"
#include "logs/buildlogwriter.h"

#include <QBuffer>
#include <QDir>
#include <QFileInfo>
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
    QString logError; // the log file could not be written (a full disk): the build is stopped
};

namespace {

QString jsonText(const QMap<QString, QString> &map)
{
    QJsonObject object;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        object.insert(it.key(), it.value());
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QString logFailure(const QString &error)
{
    return QStringLiteral("cannot write the build log %1; the build was stopped so that its output is not lost")
        .arg(error);
}

} // namespace

BuildRunner::BuildRunner(Manifest manifest, BuildPlan plan, BuildOptions options, QObject *parent)
    : JobRunner(std::move(manifest), 0, parent), m_plan(std::move(plan)), m_options(std::move(options))
{
    qRegisterMetaType<JobUpdate>();
    RunnerCore::resolve(m_options.cacheRoot, m_options.historyPath, m_options.logDirectory, m_options.jobs);
    m_records = {m_options.historyPath, m_options.logDirectory, QStringLiteral("nothing was built")};
    m_jobs = queuedJobs(m_plan);

    // A build pool (several engines serve one Docker version): a leaf job picks its engine when it starts, and a
    // base is built on every engine of the pool, so that each child finds its base on its own engine.
    QHash<int, int> dependants;
    for (const BuildJobSpec &spec : std::as_const(m_plan.jobs)) {
        for (int dependency : spec.dependsOn)
            ++dependants[dependency];
    }
    const int planned = int(m_plan.jobs.size());
    for (int job = 0; job < planned; ++job) {
        BuildJobSpec &spec = m_plan.jobs[job];
        if (spec.engines.isEmpty() && !spec.engine.isEmpty())
            spec.engines = {spec.engine};
        const bool pool = spec.engines.size() > 1;
        m_origin.append(job);
        m_pinned.append(!pool || dependants.value(job) > 0);
        if (!m_pinned.last()) {
            spec.engine.clear();
            m_jobs[job].engine.clear();
        }
    }
    for (int job = 0; job < planned; ++job) {
        if (dependants.value(job) < 2)
            continue;
        const QStringList pool = m_plan.jobs[job].engines;
        for (const QString &engine : pool) {
            if (engine != m_plan.jobs[job].engine)
                addCopy(job, engine);
        }
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

QList<JobUpdate> BuildRunner::queuedJobs(const BuildPlan &plan)
{
    QList<JobUpdate> jobs;
    for (const BuildJobSpec &spec : plan.jobs) {
        JobUpdate update;
        update.job = spec.id;
        update.component = spec.cell.component;
        update.branch = spec.cell.branch;
        update.docker = spec.cell.docker;
        update.engine = spec.engine;
        update.tag = spec.tag;
        jobs.append(update);
    }
    return jobs;
}

void BuildRunner::setRunId(const QString &runId)
{
    for (JobUpdate &update : m_jobs)
        update.runId = runId;
    m_runId = runId;
}

EngineClient *BuildRunner::client(const QString &engine)
{
    return m_core.client(engine);
}

void BuildRunner::failUnstarted(int job, const QString &why)
{
    RunnerCore::stamp(m_jobs[job], JobState::Failed, why);
    publish(job);
}

void BuildRunner::registerJob(int job)
{
    JobRecord record =
        BuildStateReader::toRecord(m_jobs[job], m_plan.jobs[job].cell.commit, m_plan.jobs[job].baseCommit);
    record.state = JobState::Queued;
    QString error;
    if (m_core.recording()) {
        if (m_core.history()->add(record, &error))
            m_jobs[job].historyId = record.id;
        else
            m_core.noteHistoryFailure(QStringLiteral("cannot record the job"), error);
    }
    if (m_jobs[job].historyId > 0)
        m_jobs[job].logPath = RunnerCore::freshLogPath(QStringLiteral("%1/%2-%3-%4-%5")
                                                           .arg(m_options.logDirectory)
                                                           .arg(m_jobs[job].historyId)
                                                           .arg(RunnerCore::safeName(record.component),
                                                                RunnerCore::safeName(record.branch),
                                                                RunnerCore::safeName(record.docker)));
    publish(job);
}

bool BuildRunner::succeeded() const
{
    return std::all_of(m_jobs.cbegin(), m_jobs.cend(),
                       [](const JobUpdate &job) { return job.replacedBy >= 0 || isSuccess(job.state); });
}

bool BuildRunner::counts(int job) const
{
    return job >= 0 && job < m_jobs.size() && m_jobs[job].replacedBy < 0;
}

void BuildRunner::publish(int job)
{
    const JobUpdate &update = m_jobs[job];
    if (m_core.history() && update.historyId > 0) {
        const JobRecord record =
            BuildStateReader::toRecord(update, m_plan.jobs[job].cell.commit, m_plan.jobs[job].baseCommit);
        QString error;
        if (!m_core.history()->update(record, &error) && isFinal(update.state)) {
            // The outcome is not in the history: say so in the job and to whoever ran it.
            RunnerCore::addToMessage(m_jobs[job].message,
                                     m_core.noteHistoryFailure(QStringLiteral("cannot record the outcome"), error));
        }
    }
    Q_EMIT jobUpdated(update);
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
    if (!running->logError.isEmpty()) {
        settle(job, JobState::Failed, logFailure(running->logError));
        return;
    }
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
    const QJsonObject filters{{QStringLiteral("label"), labels}, {QStringLiteral("reference"), QJsonArray{spec.tag}}};
    EngineCall *call = client(spec.engine)->listImages(filters);
    call->setTimeout(30000);
    m_running[job]->call = call;
    connect(call, &EngineCall::finished, this, [this, job, call] {
        if (!answered(job, call))
            return;
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

bool BuildRunner::answered(int job, EngineCall *call)
{
    call->deleteLater();
    const auto running = m_running.value(job);
    if (!running)
        return false;
    if (running->cancelled) {
        settle(job, JobState::Cancelled, QStringLiteral("cancelled"));
        return false;
    }
    if (!call->ok()) {
        settle(job, call->error() == EngineCall::ConnectError ? JobState::EngineLost : JobState::Failed,
               call->errorString());
        return false;
    }
    return true;
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
    EngineCall *call =
        client(engine)->request("GET", QStringLiteral("/networks?filters=%1")
                                           .arg(QString::fromLatin1(QUrl::toPercentEncoding(QString::fromUtf8(
                                               QJsonDocument(filters).toJson(QJsonDocument::Compact))))));
    call->setTimeout(30000);
    m_running[job]->call = call;
    connect(call, &EngineCall::finished, this, [this, job, call, engine] {
        if (!answered(job, call))
            return;
        const bool hasBridge =
            std::any_of(call->json().array().cbegin(), call->json().array().cend(), [](const QJsonValue &n) {
                return n.toObject().value(QStringLiteral("Name")).toString() == QLatin1String("bridge");
            });
        m_networkMode.insert(engine, hasBridge ? QString() : QStringLiteral("none"));
        sendBuild(job);
    });
}

void BuildRunner::sendBuild(int job)
{
    if (!m_plan.jobs[job].argsResolved) {
        // A plan made without BuildPlan::resolveBuildArgs: compute the script's arguments here, on this thread.
        QString argsError;
        if (!BuildPlan::resolveJobArgs(m_plan.jobs[job], m_manifest, m_options.cacheRoot, &argsError)) {
            settle(job, JobState::Failed, QStringLiteral("build arguments: %1").arg(argsError));
            return;
        }
    }
    const BuildJobSpec &spec = m_plan.jobs[job];
    const auto running = m_running.value(job);
    GitMirror mirror(spec.repo, m_options.cacheRoot);
    QString error;
    running->context.open(QIODevice::WriteOnly);
    const auto commit = mirror.resolve(spec.cell.commit, &error);
    if (!commit ||
        !ContextTar::write(mirror, spec.cell.commit, spec.context, &running->context, &error, commit->date)) {
        settle(job, JobState::Failed,
               error.isEmpty() ? QStringLiteral("commit %1 is not in the mirror").arg(spec.cell.commit) : error);
        return;
    }
    running->context.close();
    running->context.open(QIODevice::ReadOnly);
    running->dockerfile =
        mirror.readFile(spec.cell.commit, spec.context + QStringLiteral("/Dockerfile")).value_or(QByteArray());

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
                       .arg(network.isEmpty() ? QString()
                                              : QStringLiteral(", network %1 (the engine has no bridge)").arg(network))
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
    if (!running->log.append(QByteArrayView(bytes)) && running->logError.isEmpty())
        running->logError = running->log.errorString();
    Q_EMIT logLines(job, bytes);
}

void BuildRunner::onBuildData(int job, const QByteArray &chunk)
{
    const auto running = m_running.value(job);
    if (!running)
        return;
    if (!running->writer->write(running->parser.feed(chunk)) && running->logError.isEmpty()) {
        // What the engine says next could not be kept either: stop the build rather than run it unseen.
        running->logError = running->log.errorString();
        if (running->call)
            running->call->abort();
        return;
    }
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

    if (!running->logError.isEmpty()) {
        settle(job, JobState::Failed, logFailure(running->logError));
        return;
    }
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
                appendLog(
                    job,
                    QStringLiteral("mrc: engine %1 does not answer: %2").arg(m_jobs[job].engine, ping->errorString()));
                settle(job, JobState::EngineLost,
                       QStringLiteral("engine %1 went away: %2").arg(m_jobs[job].engine, reason));
            }
        });
        return;
    }
    const QString engineError = running->writer->errorMessage();
    // An HTTP error names its status; its body (an HTML page from a proxy, say) is no build output to parse.
    const bool httpError = call && call->error() == EngineCall::HttpError;
    if (!engineError.isEmpty() || (call && !call->ok()) || !truncation.isEmpty()) {
        locateFailure(job);
        QString message = httpError                ? call->errorString()
                          : !engineError.isEmpty() ? engineError
                          : (call && !call->ok())  ? call->errorString()
                                                   : truncation;
        if (!m_jobs[job].failingStep.isEmpty())
            message = QStringLiteral("%1: %2").arg(m_jobs[job].failingStep, message);
        settle(job, JobState::Failed, message);
        return;
    }
    m_jobs[job].imageId = running->writer->imageId();
    if (m_jobs[job].imageId.isEmpty()) {
        // A stream that ends cleanly but never names the image built nothing that can be tagged or tested.
        locateFailure(job);
        const QString message = QStringLiteral("the engine ended the build without an image id");
        appendLog(job, QStringLiteral("mrc: ") + message);
        settle(job, JobState::Failed, message);
        return;
    }
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
    update.dockerfileLine = dockerfileLineOf(update.failingStep, running->dockerfile);
}

int BuildRunner::dockerfileLineOf(const QString &stepHeader, const QByteArray &text)
{
    static const QRegularExpression header(QStringLiteral("^Step (\\d+)/(\\d+) : (.*)$"));
    const QRegularExpressionMatch match = header.match(stepHeader);
    if (!match.hasMatch() || text.isEmpty())
        return 0;
    // The classic builder numbers every instruction of the file, ARGs before FROM included.
    const Dockerfile dockerfile = Dockerfile::parse(text, QStringLiteral("Dockerfile"));
    const int index = match.captured(1).toInt() - 1;
    if (index >= 0 && index < dockerfile.instructions.size() &&
        dockerfile.instructions[index].keyword.compare(match.captured(3).section(QLatin1Char(' '), 0, 0),
                                                       Qt::CaseInsensitive) == 0)
        return dockerfile.instructions[index].firstLine;
    return 0;
}

void BuildRunner::settle(int job, JobState state, const QString &message)
{
    JobUpdate &update = m_jobs[job];
    RunnerCore::stamp(update, state, message);
    if (const auto running = m_running.value(job)) {
        if (state != JobState::UpToDate && state != JobState::Built)
            running->log.append(QStringLiteral("mrc: %1: %2").arg(jobStateName(state), message));
        running->log.close();
    }
    m_running.remove(job);
    if (state == JobState::EngineLost) {
        markEngineLost(update.engine);
        // Another copy of the job may still give its image; otherwise it runs again on an engine that is left.
        int other = liveCopy(job);
        QStringList pool = m_plan.jobs[job].engines;
        pool.removeIf([this](const QString &e) { return m_lost.contains(e); });
        if (other < 0 && !pool.isEmpty() && !m_cancelAll)
            other = addCopy(job, pool.size() == 1 ? pool.first() : QString());
        if (other >= 0) {
            m_jobs[job].replacedBy = other;
            m_jobs[job].message += QStringLiteral("; job %1 takes it over").arg(other);
        }
    }
    publish(job);
    if (!isSuccess(state))
        blockDependants(job);
    QTimer::singleShot(0, this, &BuildRunner::schedule);
}

void BuildRunner::cancelJob(int job)
{
    if (m_jobs[job].state == JobState::Queued) {
        RunnerCore::stamp(m_jobs[job], JobState::Cancelled, QStringLiteral("cancelled before it started"));
        publish(job);
        blockDependants(job);
    } else if (const auto running = m_running.value(job)) {
        running->cancelled = true;
        if (running->call)
            running->call->abort(); // finished() follows and settles the job
        else
            settle(job, JobState::Cancelled, QStringLiteral("cancelled"));
    }
}

} // namespace mrc
