// SPDX-License-Identifier: Apache-2.0
#include "cli/cli.h"
#include "logs/terminaltext.h"

#include "jobs/buildplan.h"
#include "jobs/buildrunner.h"
#include "git/gitmirror.h"
#include "imagetests/junitwriter.h"
#include "manifest/manifestparser.h"
#include "imagetests/testplan.h"
#include "imagetests/testrunner.h"
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

/** Runs the event loop until @p finished fires, cancelling through @p cancel on Ctrl+C. */
template<typename Runner>
void runUntilFinished(Runner &runner, QTextStream &err, const char *what)
{
    interrupted = false;
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    QTimer watch;
    QObject::connect(&watch, &QTimer::timeout, &runner, [&] {
        if (interrupted.exchange(false)) {
            err << "mrc test: interrupted, cancelling the " << what << '\n';
            err.flush();
            runner.cancel(-1);
        }
    });
    watch.start(100);
    QObject::connect(&runner, &Runner::finished, QCoreApplication::instance(), &QCoreApplication::quit,
                     Qt::QueuedConnection);
    QTimer::singleShot(0, &runner, &Runner::start);
    QCoreApplication::exec();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
}

} // namespace

int runTest(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Test the selected cells' images: each component's run, health and stack tests from the manifest, in "
        "containers on the cell's engine. Without filters every ready cell with tests is tested. Exit codes: 0 all "
        "passed, 1 a test (or, with --build, a build) failed, 2 bad input, 3 no engine reachable."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("manifest"), QStringLiteral("The release manifest."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("component"), QStringLiteral("Test this component (repeatable)."), QStringLiteral("C")});
    parser.addOption({QStringLiteral("branch"), QStringLiteral("Test this branch (repeatable)."), QStringLiteral("B")});
    parser.addOption({QStringLiteral("docker"), QStringLiteral("Test on this Docker version (repeatable)."), QStringLiteral("V")});
    parser.addOption({QStringLiteral("test"), QStringLiteral("Run only the test of this name (repeatable)."), QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("jobs"), QStringLiteral("Tests at once (default 2)."), QStringLiteral("N"), QStringLiteral("2")});
    parser.addOption({QStringLiteral("build"), QStringLiteral("Build the selected cells first (as mrc build does); only cells that built are tested.")});
    parser.addOption({QStringLiteral("fetch"), QStringLiteral("Fetch every git mirror first.")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print one JSON object {\"results\": [...]} at the end; logs go to stderr.")});
    parser.addOption({QStringLiteral("junit"), QStringLiteral("Write JUnit XML: one test suite per cell, one test case per test."), QStringLiteral("FILE")});
    parser.addPositionalArgument(QStringLiteral("test"), QStringLiteral("The command."));
    if (!parser.parse(QStringList{QStringLiteral("mrc")} + arguments)) {
        err << "mrc test: " << parser.errorText() << '\n';
        return BadInput;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return Ok;
    }
    if (parser.positionalArguments().size() > 1) {
        err << "mrc test: unexpected argument '" << parser.positionalArguments().value(1) << "'; see mrc test --help\n";
        return BadInput;
    }
    bool jobsOk = false;
    const int jobs = parser.value(QStringLiteral("jobs")).toInt(&jobsOk);
    if (!jobsOk || jobs < 1 || jobs > 64) {
        err << "mrc test: --jobs takes a number from 1 to 64\n";
        return BadInput;
    }
    const ManifestResult loaded = loadManifestArgument(parser.value(QStringLiteral("manifest")));
    if (!loaded.ok()) {
        for (const ManifestProblem &problem : loaded.problems)
            err << problem.toString() << '\n';
        return BadInput;
    }
    const Manifest &manifest = loaded.manifest;
    const QStringList components = parser.values(QStringLiteral("component"));
    const QStringList branches = parser.values(QStringLiteral("branch"));
    const QStringList dockers = parser.values(QStringLiteral("docker"));
    const QStringList tests = parser.values(QStringLiteral("test"));
    for (const QString &name : components) {
        if (!manifest.component(name)) {
            err << "mrc test: no component '" << name << "' in " << manifest.path << '\n';
            return BadInput;
        }
    }
    for (const QString &name : branches) {
        if (!manifest.branch(name)) {
            err << "mrc test: no branch '" << name << "' in " << manifest.path << '\n';
            return BadInput;
        }
    }
    for (const QString &name : tests) {
        bool known = false;
        for (const ComponentSpec &c : manifest.components) {
            for (const TestSpec &t : manifest.testsFor(c.name))
                known = known || t.name == name;
        }
        if (!known) {
            err << "mrc test: no test '" << name << "' in " << manifest.path << '\n';
            return BadInput;
        }
    }
    const QString junit = parser.value(QStringLiteral("junit"));

    ScanOptions scanOptions;
    scanOptions.fetch = parser.isSet(QStringLiteral("fetch"));
    WorkspaceScan scan(manifest, scanOptions);
    scan.run();
    if (std::none_of(scan.engines().cbegin(), scan.engines().cend(), [](const EngineStatus &e) { return e.reachable; })) {
        for (const EngineStatus &engine : scan.engines())
            err << "mrc test: engine " << engine.name << " (" << engine.host << ") is unreachable: " << engine.error << '\n';
        return Environment;
    }

    QList<Cell> selected;
    for (const Cell &cell : scan.cells()) {
        if ((components.isEmpty() || components.contains(cell.component)) && (branches.isEmpty() || branches.contains(cell.branch))
            && (dockers.isEmpty() || dockers.contains(cell.docker))) {
            if (cell.state == CellState::Ready)
                selected.append(cell);
            else if (!components.isEmpty() || !dockers.isEmpty())
                err << "mrc test: skipping " << cell.component << '@' << cell.branch << " docker " << cell.docker
                    << ": " << cellStateName(cell.state) << " (" << cell.message << ")\n";
        }
    }
    if (selected.isEmpty()) {
        err << "mrc test: no ready cell matches; `mrc matrix` shows each cell's state\n";
        return BadInput;
    }

    const bool json = parser.isSet(QStringLiteral("json"));
    QTextStream &logOut = json ? err : out;
    bool anyFailed = false;

    if (parser.isSet(QStringLiteral("build"))) {
        BuildPlan buildPlan = BuildPlan::make(manifest, scan.cells(), selected, scan.engines(), QDateTime::currentDateTimeUtc());
        BuildPlan::resolveBuildArgs(buildPlan, manifest, GitMirror::defaultCacheRoot());
        BuildPlan::applyLintGate(buildPlan, manifest, GitMirror::defaultCacheRoot());
        for (const QString &problem : buildPlan.problems)
            err << "mrc test: " << problem << '\n';
        anyFailed = !buildPlan.problems.isEmpty();
        BuildOptions buildOptions;
        buildOptions.jobs = jobs;
        BuildRunner builder(manifest, buildPlan, buildOptions);
        QObject::connect(&builder, &BuildRunner::logLines, &builder, [&](int job, const QByteArray &lines) {
            const JobUpdate &j = builder.jobs()[job];
            const QString prefix = QStringLiteral("[%1@%2 %3] ").arg(j.component, j.branch, j.docker);
            for (const QByteArray &line : lines.split('\n')) {
                if (!line.isEmpty())
                    logOut << prefix << TerminalText::neutralised(QString::fromUtf8(line)) << '\n';
            }
            logOut.flush();
        });
        QObject::connect(&builder, &BuildRunner::jobUpdated, &builder, [&](const JobUpdate &j) {
            if (isFinal(j.state)) {
                logOut << QStringLiteral("[%1@%2 %3] == ").arg(j.component, j.branch, j.docker) << jobStateName(j.state)
                       << (j.message.isEmpty() ? QString() : QStringLiteral(": ") + j.message) << '\n';
                logOut.flush();
            }
        });
        if (!buildPlan.jobs.isEmpty())
            runUntilFinished(builder, err, "builds");
        // Only what built (or was already up to date) is worth testing.
        QList<Cell> built;
        for (const Cell &cell : selected) {
            for (const JobUpdate &j : builder.jobs()) {
                if (j.component == cell.component && j.branch == cell.branch && j.docker == cell.docker) {
                    if (isSuccess(j.state))
                        built.append(cell);
                    else
                        anyFailed = true;
                }
            }
        }
        selected = built;
    }

    const TestPlan plan = TestPlan::make(manifest, selected, scan.engines(), tests);
    for (const QString &problem : plan.problems)
        err << "mrc test: " << problem << '\n';
    anyFailed = anyFailed || !plan.problems.isEmpty();
    if (plan.jobs.isEmpty() && !anyFailed)
        err << "mrc test: the selected cells have no tests; add 'tests:' to their components in " << manifest.path << '\n';

    TestOptions options;
    options.jobs = jobs;
    TestRunner runner(manifest, plan, options);
    const auto label = [&runner](int job) {
        const TestUpdate &t = runner.jobs()[job];
        return QStringLiteral("[%1@%2 %3 %4]").arg(t.component, t.branch, t.docker, t.test);
    };
    QObject::connect(&runner, &TestRunner::logLines, &runner, [&](int job, const QByteArray &lines) {
        const QString prefix = label(job) + QLatin1Char(' ');
        for (const QByteArray &line : lines.split('\n')) {
            if (!line.isEmpty())
                logOut << prefix << TerminalText::neutralised(QString::fromUtf8(line)) << '\n';
        }
        logOut.flush();
    });
    QObject::connect(&runner, &TestRunner::jobUpdated, &runner, [&](const TestUpdate &t) {
        if (t.state != TestState::Queued && t.state != TestState::Testing) {
            logOut << label(t.job) << " == " << testStateName(t.state)
                   << (t.message.isEmpty() ? QString() : QStringLiteral(": ") + t.message) << '\n';
            logOut.flush();
        }
    });
    if (!plan.jobs.isEmpty())
        runUntilFinished(runner, err, "tests");

    QJsonArray results;
    for (const TestUpdate &t : runner.jobs()) {
        anyFailed = anyFailed || t.state != TestState::Passed;
        results.append(QJsonObject{
            {QStringLiteral("component"), t.component},
            {QStringLiteral("branch"), t.branch},
            {QStringLiteral("docker"), t.docker},
            {QStringLiteral("test"), t.test},
            {QStringLiteral("kind"), t.kind},
            {QStringLiteral("state"), testStateName(t.state)},
            {QStringLiteral("duration_s"), qRound(t.durationSeconds() * 10) / 10.0},
            {QStringLiteral("message"), t.message},
            {QStringLiteral("log"), t.logPath},
            {QStringLiteral("image_id"), t.imageId},
        });
    }
    if (!junit.isEmpty()) {
        QString error;
        if (!JUnitWriter::write(junit, runner.jobs(), &error)) {
            err << "mrc test: " << error << '\n';
            anyFailed = true;
        }
    }
    if (json) {
        out << QJsonDocument(QJsonObject{{QStringLiteral("results"), results}}).toJson(QJsonDocument::Indented);
    } else if (!runner.jobs().isEmpty()) {
        out << '\n' << QStringLiteral("component").leftJustified(17) << QStringLiteral("branch").leftJustified(22)
            << QStringLiteral("docker").leftJustified(8) << QStringLiteral("test").leftJustified(18)
            << QStringLiteral("kind").leftJustified(8) << QStringLiteral("state").leftJustified(11)
            << QStringLiteral("time").leftJustified(8) << "message\n";
        for (const TestUpdate &t : runner.jobs()) {
            out << t.component.leftJustified(17) << t.branch.leftJustified(22) << t.docker.leftJustified(8)
                << t.test.leftJustified(18) << t.kind.leftJustified(8) << testStateName(t.state).leftJustified(11)
                << QStringLiteral("%1s").arg(t.durationSeconds(), 0, 'f', 1).leftJustified(8) << t.message << '\n';
            if (t.state != TestState::Passed)
                out << "    log: " << t.logPath << '\n';
        }
    }
    return anyFailed ? Failure : Ok;
}

} // namespace mrc::cli
