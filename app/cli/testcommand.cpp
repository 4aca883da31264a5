// SPDX-License-Identifier: Apache-2.0
#include "cli/cli.h"
#include "cli/common.h"
#include "cli/sessionprinter.h"
#include "imagetests/junitwriter.h"
#include "logs/terminaltext.h"
#include "manifest/manifestparser.h"
#include "sessions/testsession.h"
#include "workspace/cellselector.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace mrc::cli {

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
    parser.addOption(
        {QStringLiteral("component"), QStringLiteral("Test this component (repeatable)."), QStringLiteral("C")});
    parser.addOption({QStringLiteral("branch"), QStringLiteral("Test this branch (repeatable)."), QStringLiteral("B")});
    parser.addOption(
        {QStringLiteral("docker"), QStringLiteral("Test on this Docker version (repeatable)."), QStringLiteral("V")});
    parser.addOption({QStringLiteral("test"), QStringLiteral("Run only the test of this name (repeatable)."),
                      QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("jobs"), QStringLiteral("Tests at once (default 2)."), QStringLiteral("N"),
                      QStringLiteral("2")});
    parser.addOption(
        {QStringLiteral("build"),
         QStringLiteral("Build the selected cells first (as mrc build does); only cells that built are tested.")});
    parser.addOption(
        {QStringLiteral("ref"),
         QStringLiteral("Test a tag, a commit or a ref's column (as mrc build --ref makes it; repeatable); "
                        "with --build it is built first."),
         QStringLiteral("REF")});
    parser.addOption({QStringLiteral("no-cache"),
                      QStringLiteral("With --build: rebuild even when an image with the same revisions exists.")});
    parser.addOption({QStringLiteral("fetch"), QStringLiteral("Fetch every git mirror first.")});
    parser.addOption({QStringLiteral("json"),
                      QStringLiteral("Print one JSON object {\"results\": [...]} at the end; logs go to stderr.")});
    parser.addOption({QStringLiteral("junit"),
                      QStringLiteral("Write JUnit XML: one test suite per cell, one test case per test."),
                      QStringLiteral("FILE")});
    parser.addPositionalArgument(QStringLiteral("test"), QStringLiteral("The command."));
    if (const std::optional<int> code = parseCommandLine(parser, QStringLiteral("test"), arguments, out, err))
        return *code;
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
    const std::optional<Manifest> loaded = loadManifest(parser.value(QStringLiteral("manifest")), err);
    if (!loaded)
        return BadInput;
    const Manifest &manifest = *loaded;
    const QStringList components = parser.values(QStringLiteral("component"));
    const QStringList branches = parser.values(QStringLiteral("branch"));
    const QStringList dockers = parser.values(QStringLiteral("docker"));
    const QStringList tests = parser.values(QStringLiteral("test"));
    CellSelector selector;
    selector.components = components;
    selector.branches = branches;
    selector.dockers = dockers;
    for (const QString &ref : parser.values(QStringLiteral("ref"))) {
        if (!selector.refs.contains(ref.trimmed()))
            selector.refs.append(ref.trimmed());
    }
    if (const QString problem = selector.unknownName(manifest); !problem.isEmpty()) {
        err << "mrc test: " << problem << '\n';
        return BadInput;
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
    const bool json = parser.isSet(QStringLiteral("json"));
    QTextStream &logOut = json ? err : out;
    bool anyFailed = false;

    TestSessionOptions options;
    options.selector = selector;
    options.fetch = parser.isSet(QStringLiteral("fetch"));
    options.tests = tests;
    options.test.jobs = jobs;
    QString buildHistoryError;
    if (parser.isSet(QStringLiteral("build"))) {
        // A BuildSession with every build option, then only what built (or was up to date) is tested.
        BuildSessionOptions buildOptions;
        buildOptions.selector = selector;
        buildOptions.fetch = options.fetch;
        buildOptions.build.jobs = jobs;
        buildOptions.build.noCache = parser.isSet(QStringLiteral("no-cache"));
        BuildSession builder(manifest, buildOptions);
        printBuildProgress(builder, QStringLiteral("test"), err, logOut);
        runToEnd(builder, err, QStringLiteral("mrc test: interrupted, cancelling the builds"));
        if (const int code = planningExitCode(builder); code >= 0)
            return code;
        anyFailed = !builder.plan().problems.isEmpty() || !builder.failedCells().isEmpty();
        buildHistoryError = builder.historyError();
        options.scope = builder.scope();
        options.cells = builder.builtCells();
    }

    TestSession session(manifest, options);
    QObject::connect(&session, &TestSession::note, &session, [&err](const QString &text) {
        err << "mrc test: " << text << '\n';
        err.flush();
    });
    QHash<int, TestUpdate> latest;
    const auto label = [](const TestUpdate &t) {
        return QStringLiteral("[%1@%2 %3 %4]").arg(t.component, t.branch, t.docker, t.test);
    };
    QObject::connect(&session, &TestSession::logLines, &session, [&](int job, const QByteArray &lines) {
        const QString prefix = label(latest.value(job)) + QLatin1Char(' ');
        for (const QByteArray &line : lines.split('\n')) {
            if (!line.isEmpty())
                logOut << prefix << TerminalText::neutralised(QString::fromUtf8(line)) << '\n';
        }
        logOut.flush();
    });
    QObject::connect(&session, &TestSession::jobUpdated, &session, [&](const TestUpdate &t) {
        latest.insert(t.job, t);
        if (t.state != TestState::Queued && t.state != TestState::Testing) {
            logOut << label(t) << " == " << testStateName(t.state)
                   << (t.message.isEmpty() ? QString() : QStringLiteral(": ") + t.message) << '\n';
            logOut.flush();
        }
    });
    QObject::connect(&session, &TestSession::planned, &session, [&] {
        if (session.plan().jobs.isEmpty() && session.plan().problems.isEmpty() && !anyFailed)
            err << "mrc test: the selected cells have no tests; add 'tests:' to their components in " << manifest.path
                << '\n';
    });
    runToEnd(session, err, QStringLiteral("mrc test: interrupted, cancelling the tests"));
    if (const int code = planningExitCode(session); code >= 0)
        return code;
    anyFailed = anyFailed || !session.plan().problems.isEmpty();

    QJsonArray results;
    for (const TestUpdate &t : session.jobs()) {
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
        if (!JUnitWriter::write(junit, session.jobs(), &error)) {
            err << "mrc test: " << error << '\n';
            anyFailed = true;
        }
    }
    // A run the history does not hold is lost to the window and `mrc history`: that fails the command.
    const QString historyError = !session.historyError().isEmpty() ? session.historyError() : buildHistoryError;
    if (!historyError.isEmpty()) {
        anyFailed = true;
        err << "mrc test: " << historyError << '\n';
        err.flush();
    }
    if (json) {
        QJsonObject document{{QStringLiteral("results"), results}};
        if (!historyError.isEmpty())
            document.insert(QStringLiteral("history_error"), historyError);
        out << QJsonDocument(document).toJson(QJsonDocument::Indented);
    } else if (!session.jobs().isEmpty()) {
        out << '\n'
            << QStringLiteral("component").leftJustified(17) << QStringLiteral("branch").leftJustified(22)
            << QStringLiteral("docker").leftJustified(8) << QStringLiteral("test").leftJustified(18)
            << QStringLiteral("kind").leftJustified(8) << QStringLiteral("state").leftJustified(11)
            << QStringLiteral("time").leftJustified(8) << "message\n";
        for (const TestUpdate &t : session.jobs()) {
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
