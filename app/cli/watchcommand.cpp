// SPDX-License-Identifier: Apache-2.0
#include "cli/cli.h"
#include "cli/common.h"
#include "logs/terminaltext.h"
#include "sessions/watcher.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <QTimer>
#include <unistd.h>

namespace mrc::cli {

namespace {

/** Exit code of `--once` when Ctrl+C or SIGTERM stopped the cycle (the shell's 128 + SIGINT). */
constexpr int Interrupted = 130;

QJsonValue orNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

QJsonObject eventJson(const AutomationEvent &event)
{
    return QJsonObject{{QStringLiteral("type"), QStringLiteral("event")},
                       {QStringLiteral("event"), event.id},
                       {QStringLiteral("kind"), automationEventKindName(event.kind)},
                       {QStringLiteral("name"), event.name()},
                       {QStringLiteral("repo"), event.repo},
                       {QStringLiteral("ref"), event.ref},
                       {QStringLiteral("sha"), event.sha},
                       {QStringLiteral("branch"), orNull(event.branch)},
                       {QStringLiteral("components"), QJsonArray::fromStringList(event.components)},
                       {QStringLiteral("subject"), orNull(event.subject)}};
}

QJsonObject runJson(const AutomationRun &run)
{
    const std::optional<RunStage> last = run.lastFinishedStage();
    return QJsonObject{
        {QStringLiteral("type"), QStringLiteral("run")},
        {QStringLiteral("run"), run.id},
        {QStringLiteral("event"), run.event.id},
        {QStringLiteral("kind"), automationEventKindName(run.event.kind)},
        {QStringLiteral("name"), run.event.name()},
        {QStringLiteral("sha"), run.event.sha},
        {QStringLiteral("state"), runStateName(run.state)},
        {QStringLiteral("actions"), run.actions.text()},
        {QStringLiteral("components"), QJsonArray::fromStringList(run.components)},
        {QStringLiteral("docker"), QJsonArray::fromStringList(run.docker)},
        {QStringLiteral("attempt"), run.attempt},
        {QStringLiteral("last_finished_stage"), last ? QJsonValue(runStageName(*last)) : QJsonValue()},
        {QStringLiteral("superseded_by"), run.supersededBy ? QJsonValue(run.supersededBy) : QJsonValue()},
        {QStringLiteral("message"), orNull(run.message)}};
}

QJsonObject updateJson(const PipelineUpdate &update)
{
    return QJsonObject{{QStringLiteral("type"), QStringLiteral("state")},
                       {QStringLiteral("run"), update.run},
                       {QStringLiteral("state"), runStateName(update.state)},
                       {QStringLiteral("stage"), update.stage ? QJsonValue(runStageName(*update.stage)) : QJsonValue()},
                       {QStringLiteral("stage_state"), stageStateName(update.stageState)},
                       {QStringLiteral("message"), orNull(update.message)},
                       {QStringLiteral("log"), orNull(update.logPath)},
                       {QStringLiteral("resumed"), update.resumed},
                       {QStringLiteral("at"), update.at.toString(Qt::ISODate)}};
}

QJsonObject cycleJson(const WatchCycle &cycle)
{
    return QJsonObject{{QStringLiteral("type"), QStringLiteral("cycle")},
                       {QStringLiteral("events"), cycle.events},
                       {QStringLiteral("queued"), cycle.queued},
                       {QStringLiteral("superseded"), cycle.superseded},
                       {QStringLiteral("skipped"), cycle.skipped},
                       {QStringLiteral("resumed"), cycle.resumed},
                       {QStringLiteral("done"), cycle.done},
                       {QStringLiteral("failed"), cycle.failed},
                       {QStringLiteral("cancelled"), cycle.cancelled},
                       {QStringLiteral("problems"), QJsonArray::fromStringList(cycle.problems)},
                       {QStringLiteral("store_error"), orNull(cycle.storeError)}};
}

/** The worst outcome of a cycle, as `--once` exits. */
int cycleExitCode(const WatchCycle &cycle)
{
    if (cycle.cancelled)
        return Interrupted;
    if (!cycle.storeError.isEmpty() || !cycle.problems.isEmpty())
        return Environment;
    return cycle.failed > 0 ? Failure : Ok;
}

/** The lines `mrc watch` prints for people: plain lines, and on a terminal one live line per running pipeline. */
class StatusPrinter
{
public:
    StatusPrinter(QTextStream &out, bool live) : m_out(out), m_live(live) {}

    void line(const QString &text)
    {
        clearStatus();
        m_out << TerminalText::neutralised(text) << '\n';
        drawStatus();
    }

    /** A pipeline's state changed: its live line appears, changes, or goes when the run ended. */
    void update(const PipelineUpdate &update, const QString &title)
    {
        if (isFinal(update.state)) {
            if (m_running.remove(update.run) > 0)
                drawStatus();
            return;
        }
        if (!m_running.contains(update.run)) {
            m_running[update.run].title = title;
            m_running[update.run].clock.start();
        }
        m_running[update.run].state = runStateName(update.state);
        drawStatus();
    }

    /** Redraws the live lines (their clocks). */
    void tick() { drawStatus(); }

private:
    struct Running
    {
        QString title;
        QString state;
        QElapsedTimer clock;
    };

    void clearStatus()
    {
        if (!m_live || m_drawn == 0)
            return;
        // Up to the first live line, then clear to the end of the screen.
        m_out << '\r';
        if (m_drawn > 1)
            m_out << "\x1b[" << (m_drawn - 1) << 'A';
        m_out << "\x1b[J";
        m_drawn = 0;
    }

    void drawStatus()
    {
        if (!m_live) {
            m_out.flush();
            return;
        }
        clearStatus();
        QStringList lines;
        for (auto it = m_running.cbegin(); it != m_running.cend(); ++it) {
            const qint64 seconds = it->clock.elapsed() / 1000;
            lines << QStringLiteral("  > %1: %2 %3:%4")
                         .arg(it->title, it->state)
                         .arg(seconds / 60)
                         .arg(seconds % 60, 2, 10, QLatin1Char('0'));
        }
        m_out << lines.join(QLatin1Char('\n'));
        m_drawn = int(lines.size());
        m_out.flush();
    }

    QTextStream &m_out;
    bool m_live;
    QMap<qint64, Running> m_running;
    int m_drawn = 0;
};

/** Everything `mrc watch` prints: JSON lines (log lines then go to stderr), or text lines with the live status. */
class WatchOutput
{
public:
    WatchOutput(QTextStream &out, QTextStream &err, bool json, bool live)
        : m_out(out), m_err(err), m_json(json), m_status(out, live)
    {
    }

    void log(const QString &text)
    {
        if (!m_json) {
            m_status.line(text);
            return;
        }
        m_err << TerminalText::neutralised(text) << '\n';
        m_err.flush();
    }

    void event(const AutomationEvent &event)
    {
        if (m_json) {
            jsonLine(eventJson(event));
            return;
        }
        m_status.line(QStringLiteral("event: %1 in %2 (%3)%4")
                          .arg(Pipeline::describe(event), event.repo,
                               event.components.isEmpty() ? QStringLiteral("no component")
                                                          : event.components.join(QStringLiteral(", ")),
                               event.subject.isEmpty() ? QString() : QStringLiteral(": ") + event.subject));
    }

    void run(const AutomationRun &run)
    {
        m_titles.insert(run.id, QStringLiteral("run %1 (%2)").arg(run.id).arg(Pipeline::describe(run.event)));
        if (m_json) {
            jsonLine(runJson(run));
            return;
        }
        m_status.line(QStringLiteral("%1: %2 [%3]%4")
                          .arg(m_titles.value(run.id), runStateName(run.state),
                               run.components.join(QStringLiteral(", ")),
                               run.message.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(run.message)));
    }

    void update(const PipelineUpdate &update)
    {
        if (m_json) {
            jsonLine(updateJson(update));
            return;
        }
        QString text = QStringLiteral("%1: %2").arg(m_titles.value(update.run), runStateName(update.state));
        if (update.stage && !isFinal(update.state))
            text += QStringLiteral(", %1 %2").arg(runStageName(*update.stage), stageStateName(update.stageState));
        if (!update.message.isEmpty())
            text += QStringLiteral(" (%1)").arg(update.message);
        m_status.line(text);
        m_status.update(update, m_titles.value(update.run));
    }

    /** A cycle's summary; @p next says when the next one starts (empty for the last). */
    void cycle(const WatchCycle &cycle, const QString &next)
    {
        if (m_json) {
            jsonLine(cycleJson(cycle));
            return;
        }
        m_status.line(QStringLiteral("cycle: %1 new event(s), %2 queued, %3 done, %4 failed, %5 skipped, %6 "
                                     "superseded, %7 resumed%8")
                          .arg(cycle.events)
                          .arg(cycle.queued)
                          .arg(cycle.done)
                          .arg(cycle.failed)
                          .arg(cycle.skipped)
                          .arg(cycle.superseded)
                          .arg(cycle.resumed)
                          .arg(next));
    }

    void tick() { m_status.tick(); }

private:
    void jsonLine(const QJsonObject &object)
    {
        m_out << QJsonDocument(object).toJson(QJsonDocument::Compact) << '\n';
        m_out.flush();
    }

    QTextStream &m_out;
    QTextStream &m_err;
    bool m_json;
    StatusPrinter m_status;
    QHash<qint64, QString> m_titles; // run id -> what it works on, for the text lines
};

} // namespace

namespace {

/** What the command line asks for. */
struct WatchArguments
{
    WatcherOptions options;
    QString manifest;
    bool once = false;
    bool json = false;
};

/** Parses `mrc watch ...`; the exit code when the command ends here. */
std::optional<int> parseWatch(const QStringList &arguments, WatchArguments &parsed, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Watch the manifest's repositories and run the release pipeline (build, test, push) for every new commit, "
        "release tag and Gerrit patchset, by the manifest's automation: policy. The queue lives in the history "
        "database: a killed watcher resumes its runs. Exit codes of --once (the worst that applies): 0 every run "
        "done or skipped, or nothing new; 1 a pipeline failed; 2 bad input; 3 a repository could not be scanned or "
        "the queue could not be read; 130 interrupted."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("manifest"), QStringLiteral("The release manifest."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("once"), QStringLiteral("Run one cycle and exit with its worst outcome.")});
    parser.addOption({QStringLiteral("interval"),
                      QStringLiteral("Seconds between cycles (default: the policy's interval:, else 300)."),
                      QStringLiteral("S")});
    parser.addOption({QStringLiteral("json"),
                      QStringLiteral("Print one JSON object per line: each event, run and state change, and each "
                                     "cycle's summary; log lines go to stderr.")});
    parser.addOption({QStringLiteral("jobs"), QStringLiteral("Builds and tests at once (default 2)."),
                      QStringLiteral("N"), QStringLiteral("2")});
    parser.addOption({QStringLiteral("no-fetch"),
                      QStringLiteral("Compare with the git mirrors as they are, without fetching them.")});
    parser.addOption(
        {QStringLiteral("insecure-registry"),
         QStringLiteral("Reach this registry over plain HTTP, as dockerd's insecure-registries (repeatable)."),
         QStringLiteral("HOST")});
    parser.addPositionalArgument(QStringLiteral("watch"), QStringLiteral("The command."));
    if (const std::optional<int> code = parseCommandLine(parser, QStringLiteral("watch"), arguments, out, err, 1))
        return code;
    WatcherOptions &options = parsed.options;
    if (parser.isSet(QStringLiteral("interval"))) {
        bool ok = false;
        options.intervalSeconds = parser.value(QStringLiteral("interval")).toInt(&ok);
        if (!ok || options.intervalSeconds < 1) {
            err << "mrc watch: --interval takes a positive number of seconds\n";
            return BadInput;
        }
    }
    bool jobsOk = false;
    options.jobs = parser.value(QStringLiteral("jobs")).toInt(&jobsOk);
    if (!jobsOk || options.jobs < 1 || options.jobs > 64) {
        err << "mrc watch: --jobs takes a number from 1 to 64\n";
        return BadInput;
    }
    options.fetch = !parser.isSet(QStringLiteral("no-fetch"));
    options.insecureRegistries = parser.values(QStringLiteral("insecure-registry"));
    parsed.manifest = parser.value(QStringLiteral("manifest"));
    parsed.once = parser.isSet(QStringLiteral("once"));
    parsed.json = parser.isSet(QStringLiteral("json"));
    return std::nullopt;
}

} // namespace

int runWatch(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    WatchArguments parsed;
    if (const std::optional<int> code = parseWatch(arguments, parsed, out, err))
        return *code;
    const WatcherOptions &options = parsed.options;
    const std::optional<Manifest> manifest = loadManifest(parsed.manifest, err);
    if (!manifest)
        return BadInput;
    const bool once = parsed.once;
    const bool json = parsed.json;
    const bool live = !json && isatty(STDOUT_FILENO);

    Watcher watcher(*manifest, options);
    WatchOutput output(out, err, json, live);
    QObject::connect(&watcher, &Watcher::note, &watcher, [&output](const QString &text) { output.log(text); });
    QObject::connect(&watcher, &Watcher::eventFound, &watcher,
                     [&output](const AutomationEvent &event) { output.event(event); });
    QObject::connect(&watcher, &Watcher::runChanged, &watcher,
                     [&output](const AutomationRun &run) { output.run(run); });
    QObject::connect(&watcher, &Watcher::runUpdated, &watcher,
                     [&output](const PipelineUpdate &update) { output.update(update); });
    QObject::connect(&watcher, &Watcher::logLine, &watcher, [&output](qint64 run, const QString &line) {
        output.log(QStringLiteral("[run %1] %2").arg(run).arg(line));
    });

    QTimer clock;
    QObject::connect(&clock, &QTimer::timeout, &watcher, [&output] { output.tick(); });
    if (live)
        clock.start(1000);

    int exitCode = Ok;
    bool interrupted = false;
    QEventLoop loop;
    QObject::connect(&watcher, &Watcher::cycleFinished, &watcher, [&](const WatchCycle &cycle) {
        output.cycle(cycle,
                     once || interrupted ? QString() : QStringLiteral("; next in %1 s").arg(watcher.intervalSeconds()));
        exitCode = std::max(exitCode, cycleExitCode(cycle));
        if (once || interrupted)
            loop.quit();
    });
    {
        const InterruptWatch interrupt([&] {
            interrupted = true;
            err << "mrc watch: interrupted, stopping (an unfinished run resumes on the next start)\n";
            err.flush();
            if (watcher.isRunning())
                watcher.cancel();
            else
                loop.quit();
        });
        if (once)
            watcher.runOnce();
        else
            watcher.start();
        loop.exec();
    }
    if (interrupted)
        return once ? Interrupted : Ok;
    return exitCode;
}

} // namespace mrc::cli
