// SPDX-License-Identifier: Apache-2.0
#include "cli/cli.h"
#include "cli/common.h"
#include "cli/sessionprinter.h"
#include "jobs/buildplan.h"
#include "logs/terminaltext.h"
#include "manifest/manifestparser.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <QTimer>

namespace mrc::cli {

namespace {

/** `--dry-run`: each planned job with the exact --build-arg values, as JSON or as text. */
void printPlan(const BuildPlan &plan, bool json, QTextStream &out)
{
    if (json) {
        QJsonArray jobs;
        for (const BuildJobSpec &job : plan.jobs) {
            QJsonObject args;
            for (auto it = job.buildArgs.cbegin(); it != job.buildArgs.cend(); ++it)
                args.insert(it.key(), it.value());
            jobs.append(QJsonObject{{QStringLiteral("component"), job.cell.component},
                                    {QStringLiteral("branch"), job.cell.branch},
                                    {QStringLiteral("docker"), job.cell.docker},
                                    {QStringLiteral("engine"), job.engine},
                                    {QStringLiteral("tag"), job.tag},
                                    {QStringLiteral("build_args"), args}});
        }
        out << QJsonDocument(QJsonObject{{QStringLiteral("plan"), jobs}}).toJson(QJsonDocument::Indented);
        return;
    }
    for (const BuildJobSpec &job : plan.jobs) {
        out << job.cell.component << '@' << job.cell.branch << " docker " << job.cell.docker << " on " << job.engine
            << " -> " << job.tag
            << (job.buildScript.isEmpty() ? QString() : QStringLiteral(" (as %1)").arg(job.buildScript)) << '\n';
        for (auto it = job.buildArgs.cbegin(); it != job.buildArgs.cend(); ++it)
            out << "    --build-arg " << it.key() << '=' << it.value() << '\n';
    }
}

void addBuildOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(QStringLiteral(
        "Build the selected cells on their engines, base images first. Without filters every ready cell is built. "
        "Exit codes: 0 everything built or up to date, 1 something failed, 2 bad input, 3 no engine reachable."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("manifest"), QStringLiteral("The release manifest."), QStringLiteral("FILE")});
    parser.addOption(
        {QStringLiteral("component"), QStringLiteral("Build this component (repeatable)."), QStringLiteral("C")});
    parser.addOption(
        {QStringLiteral("branch"), QStringLiteral("Build this branch (repeatable)."), QStringLiteral("B")});
    parser.addOption(
        {QStringLiteral("docker"), QStringLiteral("Build for this Docker version (repeatable)."), QStringLiteral("V")});
    parser.addOption(
        {QStringLiteral("ref"),
         QStringLiteral("Build a tag, a commit or a ref such as refs/changes/51/558751/1, fetched on demand, "
                        "in the components whose repositories have it (repeatable). Its Docker versions "
                        "are those of the branch it is based on unless --docker names them."),
         QStringLiteral("REF")});
    parser.addOption(
        {QStringLiteral("jobs"),
         QStringLiteral("Builds at once per engine (default 2); an engine's `jobs:` in the manifest overrides it. "
                        "Engines that serve the same Docker version share a column's jobs."),
         QStringLiteral("N"), QStringLiteral("2")});
    parser.addOption(
        {QStringLiteral("no-cache"), QStringLiteral("Rebuild even when an image with the same revisions exists.")});
    parser.addOption({QStringLiteral("fetch"), QStringLiteral("Fetch every git mirror first.")});
    parser.addOption({QStringLiteral("json"),
                      QStringLiteral("Print one JSON object {\"results\": [...]} at the end; logs go to stderr.")});
    parser.addOption(
        {QStringLiteral("dry-run"), QStringLiteral("Print the plan (image, engine, tag, build arguments) and build "
                                                   "nothing; with --json as {\"plan\": [...]}.")});
    parser.addPositionalArgument(QStringLiteral("build"), QStringLiteral("The command."));
}

/** The session's options from the command line: the filters, the refs (trimmed, once each), --jobs and the rest. */
BuildSessionOptions sessionOptions(const QCommandLineParser &parser, int jobs)
{
    BuildSessionOptions options;
    options.selector.components = parser.values(QStringLiteral("component"));
    options.selector.branches = parser.values(QStringLiteral("branch"));
    options.selector.dockers = parser.values(QStringLiteral("docker"));
    QStringList refs = parser.values(QStringLiteral("ref"));
    for (QString &ref : refs)
        ref = ref.trimmed();
    refs.removeDuplicates();
    options.selector.refs = refs;
    options.fetch = parser.isSet(QStringLiteral("fetch"));
    options.planOnly = parser.isSet(QStringLiteral("dry-run"));
    options.build.jobs = jobs;
    options.build.noCache = parser.isSet(QStringLiteral("no-cache"));
    return options;
}

/** One job of the run, for --json. */
QJsonObject resultJson(const BuildSession &session, const Manifest &manifest, const JobUpdate &job)
{
    const BranchSpec *column = manifest.branch(job.branch);
    const bool isRef = column && column->isRef();
    return QJsonObject{
        {QStringLiteral("component"), job.component},
        {QStringLiteral("branch"), job.branch},
        {QStringLiteral("ref"), isRef ? QJsonValue(column->ref) : QJsonValue()},
        {QStringLiteral("commit"), session.specOf(job) ? session.specOf(job)->cell.commit : QString()},
        {QStringLiteral("docker"), job.docker},
        {QStringLiteral("engine"), job.engine},
        {QStringLiteral("job"), job.job},
        {QStringLiteral("copy_of"), job.copyOf >= 0 ? QJsonValue(job.copyOf) : QJsonValue()},
        {QStringLiteral("replaced_by"), job.replacedBy >= 0 ? QJsonValue(job.replacedBy) : QJsonValue()},
        {QStringLiteral("state"), jobStateName(job.state)},
        {QStringLiteral("image_id"), job.imageId},
        {QStringLiteral("tag"), job.tag},
        {QStringLiteral("duration_s"), qRound(job.durationSeconds() * 10) / 10.0},
        {QStringLiteral("log"), job.logPath},
        {QStringLiteral("message"), job.message},
    };
}

/** The table of the run's jobs, with where a failed one failed and its log. */
void printResultTable(const QList<JobUpdate> &jobs, QTextStream &out)
{
    out << '\n'
        << QStringLiteral("component").leftJustified(17) << QStringLiteral("branch").leftJustified(22)
        << QStringLiteral("docker").leftJustified(8) << QStringLiteral("engine").leftJustified(12)
        << QStringLiteral("state").leftJustified(13) << QStringLiteral("time").leftJustified(8) << "image / message\n";
    for (const JobUpdate &job : jobs) {
        out << job.component.leftJustified(17) << job.branch.leftJustified(22) << job.docker.leftJustified(8)
            << job.engine.leftJustified(12) << jobStateName(job.state).leftJustified(13)
            << QStringLiteral("%1s").arg(job.durationSeconds(), 0, 'f', 1).leftJustified(8)
            << (isSuccess(job.state) ? job.imageId.left(19) + QLatin1String("  ") + job.tag
                                     : TerminalText::neutralised(job.message))
            << '\n';
        if (job.state == JobState::Failed && job.dockerfileLine > 0)
            out << "    failing instruction: Dockerfile:" << job.dockerfileLine << "  "
                << TerminalText::neutralised(job.failingStep) << '\n';
        if (job.state == JobState::Failed && !job.lastLayerId.isEmpty())
            out << "    inspect the last layer: docker run --rm -it " << job.lastLayerId << " sh\n";
        if (!isSuccess(job.state) && !job.logPath.isEmpty())
            out << "    log: " << job.logPath << '\n';
    }
}

} // namespace

int runBuild(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    addBuildOptions(parser);
    if (const std::optional<int> code = parseCommandLine(parser, QStringLiteral("build"), arguments, out, err))
        return *code;
    bool jobsOk = false;
    const int jobs = parser.value(QStringLiteral("jobs")).toInt(&jobsOk);
    if (!jobsOk || jobs < 1 || jobs > 64) {
        err << "mrc build: --jobs takes a number from 1 to 64\n";
        return BadInput;
    }
    const std::optional<Manifest> loaded = loadManifest(parser.value(QStringLiteral("manifest")), err);
    if (!loaded)
        return BadInput;
    const BuildSessionOptions options = sessionOptions(parser, jobs);
    const bool json = parser.isSet(QStringLiteral("json"));
    QTextStream &logOut = json ? err : out;
    BuildSession session(*loaded, options);
    printBuildProgress(session, QStringLiteral("build"), err, logOut);
    runToEnd(session, err, QStringLiteral("mrc build: interrupted, cancelling the builds"));
    if (const int code = planningExitCode(session); code >= 0)
        return code;
    const BuildPlan &plan = session.plan();
    if (options.planOnly) {
        printPlan(plan, json, out);
        return plan.problems.isEmpty() ? Ok : Failure;
    }

    // A job that another took over (its engine was lost, or a copy of its base on another engine did the work)
    // does not fail the run when that one succeeded.
    bool anyFailed = !plan.problems.isEmpty() || !session.succeeded();
    // A build the history does not hold is lost to the matrix and the watcher: that fails the command.
    const QString historyError = session.historyError();
    if (!historyError.isEmpty()) {
        anyFailed = true;
        err << "mrc build: " << historyError << '\n';
        err.flush();
    }
    if (json) {
        QJsonArray results;
        for (const JobUpdate &job : session.jobs())
            results.append(resultJson(session, session.scope().manifest, job));
        QJsonObject document{{QStringLiteral("results"), results}};
        if (!historyError.isEmpty())
            document.insert(QStringLiteral("history_error"), historyError);
        out << QJsonDocument(document).toJson(QJsonDocument::Indented);
    } else {
        printResultTable(session.jobs(), out);
    }
    return anyFailed ? Failure : Ok;
}

} // namespace mrc::cli
