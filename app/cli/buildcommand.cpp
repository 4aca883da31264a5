// SPDX-License-Identifier: Apache-2.0
#include "cli/cli.h"

#include "jobs/buildplan.h"
#include "jobs/buildrunner.h"
#include "git/gitmirror.h"
#include "manifest/manifestparser.h"
#include "workspace/refcolumn.h"
#include "logs/terminaltext.h"
#include "workspace/workspacescan.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <QTimer>

#include <atomic>
#include <csignal>

namespace mrc::cli {

ManifestResult loadManifestArgument(const QString &path);

namespace {

std::atomic_bool interrupted{false};

void onSignal(int)
{
    interrupted = true;
}

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
            << " -> " << job.tag << (job.buildScript.isEmpty() ? QString() : QStringLiteral(" (as %1)").arg(job.buildScript))
            << '\n';
        for (auto it = job.buildArgs.cbegin(); it != job.buildArgs.cend(); ++it)
            out << "    --build-arg " << it.key() << '=' << it.value() << '\n';
    }
}

// In a pool the engine is part of the label: two engines may build the same cell (a base) at once.
QString label(const JobUpdate &job, const BuildRunner &runner)
{
    const bool pooled = job.job >= 0 && job.job < runner.plan().jobs.size() && runner.plan().jobs[job.job].engines.size() > 1;
    return pooled ? QStringLiteral("[%1@%2 %3 on %4]").arg(job.component, job.branch, job.docker, job.engine)
                  : QStringLiteral("[%1@%2 %3]").arg(job.component, job.branch, job.docker);
}

} // namespace

int runBuild(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Build the selected cells on their engines, base images first. Without filters every ready cell is built. "
        "Exit codes: 0 everything built or up to date, 1 something failed, 2 bad input, 3 no engine reachable."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("manifest"), QStringLiteral("The release manifest."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("component"), QStringLiteral("Build this component (repeatable)."), QStringLiteral("C")});
    parser.addOption({QStringLiteral("branch"), QStringLiteral("Build this branch (repeatable)."), QStringLiteral("B")});
    parser.addOption({QStringLiteral("docker"), QStringLiteral("Build for this Docker version (repeatable)."), QStringLiteral("V")});
    parser.addOption({QStringLiteral("ref"),
                      QStringLiteral("Build a tag, a commit or a ref such as refs/changes/51/558751/1, fetched on demand, "
                                     "in the components whose repositories have it (repeatable). Its Docker versions "
                                     "are those of the branch it is based on unless --docker names them."),
                      QStringLiteral("REF")});
    parser.addOption({QStringLiteral("jobs"), QStringLiteral("Builds at once per engine (default 2); an engine's `jobs:` in the manifest overrides it. "
                                                                "Engines that serve the same Docker version share a column's jobs."), QStringLiteral("N"), QStringLiteral("2")});
    parser.addOption({QStringLiteral("no-cache"), QStringLiteral("Rebuild even when an image with the same revisions exists.")});
    parser.addOption({QStringLiteral("fetch"), QStringLiteral("Fetch every git mirror first.")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print one JSON object {\"results\": [...]} at the end; logs go to stderr.")});
    parser.addOption({QStringLiteral("dry-run"), QStringLiteral("Print the plan (image, engine, tag, build arguments) and build nothing; with --json as {\"plan\": [...]}.")});
    parser.addPositionalArgument(QStringLiteral("build"), QStringLiteral("The command."));
    if (!parser.parse(QStringList{QStringLiteral("mrc")} + arguments)) {
        err << "mrc build: " << parser.errorText() << '\n';
        return BadInput;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return Ok;
    }
    bool jobsOk = false;
    const int jobs = parser.value(QStringLiteral("jobs")).toInt(&jobsOk);
    if (!jobsOk || jobs < 1 || jobs > 64) {
        err << "mrc build: --jobs takes a number from 1 to 64\n";
        return BadInput;
    }
    const ManifestResult loaded = loadManifestArgument(parser.value(QStringLiteral("manifest")));
    if (!loaded.ok()) {
        for (const ManifestProblem &problem : loaded.problems)
            err << problem.toString() << '\n';
        return BadInput;
    }
    Manifest manifest = loaded.manifest;
    const QStringList components = parser.values(QStringLiteral("component"));
    const QStringList branches = parser.values(QStringLiteral("branch"));
    const QStringList dockers = parser.values(QStringLiteral("docker"));
    QStringList refs = parser.values(QStringLiteral("ref"));
    for (QString &ref : refs)
        ref = ref.trimmed();
    refs.removeDuplicates();
    for (const QString &name : components) {
        if (!manifest.component(name)) {
            err << "mrc build: no component '" << name << "' in " << manifest.path << '\n';
            return BadInput;
        }
    }
    for (const QString &name : branches) {
        if (!manifest.branch(name)) {
            err << "mrc build: no branch '" << name << "' in " << manifest.path << '\n';
            return BadInput;
        }
    }

    // Each ref becomes a column before the scan: fetched where missing, its Docker versions chosen.
    for (const QString &ref : std::as_const(refs)) {
        const RefColumnResult column = RefColumn::resolve(manifest, ref, dockers, GitMirror::defaultCacheRoot());
        if (!column.ok()) {
            err << "mrc build: " << column.error << '\n';
            return BadInput;
        }
        for (const QString &problem : column.errors)
            err << "mrc build: " << problem << '\n';
        err << "mrc build: " << ref << " is in " << column.components(manifest).join(QStringLiteral(", "))
            << "; based on " << (column.branch.basedOn.isEmpty() ? QStringLiteral("no branch") : column.branch.basedOn)
            << ", Docker " << column.branch.docker.join(QStringLiteral(", ")) << '\n';
        manifest = RefColumn::withColumn(manifest, column.branch);
    }

    ScanOptions scanOptions;
    scanOptions.fetch = parser.isSet(QStringLiteral("fetch"));
    WorkspaceScan scan(manifest, scanOptions);
    scan.run();
    if (std::none_of(scan.engines().cbegin(), scan.engines().cend(), [](const EngineStatus &e) { return e.reachable; })) {
        for (const EngineStatus &engine : scan.engines())
            err << "mrc build: engine " << engine.name << " (" << engine.host << ") is unreachable: " << engine.error << '\n';
        return Environment;
    }

    QList<Cell> selected;
    // With --ref, only the ref columns are built, plus the branches --branch names.
    auto columnWanted = [&](const QString &branch) {
        if (refs.contains(branch))
            return true;
        return refs.isEmpty() ? branches.isEmpty() || branches.contains(branch) : branches.contains(branch);
    };
    for (const Cell &cell : scan.cells()) {
        if ((components.isEmpty() || components.contains(cell.component)) && columnWanted(cell.branch)
            && (dockers.isEmpty() || dockers.contains(cell.docker))) {
            // A ref lives in some repositories only; the others are not worth a line unless asked for by name.
            const bool quietlyAbsent = refs.contains(cell.branch) && cell.state == CellState::NoBranch
                && !components.contains(cell.component);
            if (cell.state == CellState::Ready)
                selected.append(cell);
            else if ((!components.isEmpty() || !dockers.isEmpty() || refs.contains(cell.branch)) && !quietlyAbsent)
                err << "mrc build: skipping " << cell.component << '@' << cell.branch << " docker " << cell.docker
                    << ": " << cellStateName(cell.state) << " (" << cell.message << ")\n";
        }
    }
    if (selected.isEmpty()) {
        err << "mrc build: no ready cell matches; `mrc matrix` shows each cell's state\n";
        return BadInput;
    }
    BuildPlan plan = BuildPlan::make(manifest, scan.cells(), selected, scan.engines(), QDateTime::currentDateTimeUtc());
    BuildPlan::resolveBuildArgs(plan, manifest, GitMirror::defaultCacheRoot());
    BuildPlan::applyLintGate(plan, manifest, GitMirror::defaultCacheRoot());
    for (const QString &problem : plan.problems)
        err << "mrc build: " << problem << '\n';

    const bool json = parser.isSet(QStringLiteral("json"));
    if (parser.isSet(QStringLiteral("dry-run"))) {
        printPlan(plan, json, out);
        return plan.problems.isEmpty() ? Ok : Failure;
    }
    QTextStream &logOut = json ? err : out;
    BuildOptions options;
    options.jobs = jobs;
    options.noCache = parser.isSet(QStringLiteral("no-cache"));
    BuildRunner runner(manifest, plan, options);
    QObject::connect(&runner, &BuildRunner::logLines, &runner, [&](int job, const QByteArray &lines) {
        const QString prefix = label(runner.jobs()[job], runner) + QLatin1Char(' ');
        for (const QByteArray &line : lines.split('\n')) {
            if (!line.isEmpty())
                logOut << prefix << TerminalText::neutralised(QString::fromUtf8(line)) << '\n';
        }
        logOut.flush();
    });
    QObject::connect(&runner, &BuildRunner::jobUpdated, &runner, [&](const JobUpdate &job) {
        if (isFinal(job.state)) {
            logOut << label(job, runner) << " == " << jobStateName(job.state)
                   << (job.message.isEmpty() ? QString() : QStringLiteral(": ") + TerminalText::neutralised(job.message))
                   << '\n';
            logOut.flush();
        }
    });
    QObject::connect(&runner, &BuildRunner::finished, QCoreApplication::instance(), &QCoreApplication::quit, Qt::QueuedConnection);

    // Ctrl+C cancels: closing the build connections stops the builds on the engines.
    interrupted = false;
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    QTimer watch;
    QObject::connect(&watch, &QTimer::timeout, &runner, [&] {
        if (interrupted.exchange(false)) {
            err << "mrc build: interrupted, cancelling the builds\n";
            runner.cancel(-1);
        }
    });
    watch.start(100);
    QTimer::singleShot(0, &runner, &BuildRunner::start);
    if (!plan.jobs.isEmpty())
        QCoreApplication::exec();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);

    // A job that another took over (its engine was lost, or a copy of its base on another engine did the work)
    // does not fail the run when that one succeeded.
    bool anyFailed = !plan.problems.isEmpty() || !runner.succeeded();
    QJsonArray results;
    for (const JobUpdate &job : runner.jobs()) {
        const BranchSpec *column = manifest.branch(job.branch);
        const bool isRef = column && column->isRef();
        results.append(QJsonObject{
            {QStringLiteral("component"), job.component},
            {QStringLiteral("branch"), job.branch},
            {QStringLiteral("ref"), isRef ? QJsonValue(column->ref) : QJsonValue()},
            {QStringLiteral("commit"), job.job >= 0 && job.job < runner.plan().jobs.size() ? runner.plan().jobs[job.job].cell.commit : QString()},
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
        });
    }
    // A build the history does not hold is lost to the matrix and the watcher: that fails the command.
    const QString historyError = runner.historyError();
    if (!historyError.isEmpty()) {
        anyFailed = true;
        err << "mrc build: " << historyError << '\n';
        err.flush();
    }
    if (json) {
        QJsonObject document{{QStringLiteral("results"), results}};
        if (!historyError.isEmpty())
            document.insert(QStringLiteral("history_error"), historyError);
        out << QJsonDocument(document).toJson(QJsonDocument::Indented);
    } else {
        out << '\n' << QStringLiteral("component").leftJustified(17) << QStringLiteral("branch").leftJustified(22)
            << QStringLiteral("docker").leftJustified(8) << QStringLiteral("engine").leftJustified(12)
            << QStringLiteral("state").leftJustified(13)
            << QStringLiteral("time").leftJustified(8) << "image / message\n";
        for (const JobUpdate &job : runner.jobs()) {
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
    return anyFailed ? Failure : Ok;
}

} // namespace mrc::cli
