// SPDX-License-Identifier: Apache-2.0
// mrc tags (the tag plan), mrc push (the plan carried out) and mrc audit (what was pushed).
#include "cli/cli.h"
#include "cli/common.h"
#include "history/history.h"
#include "history/pushaudit.h"
#include "logs/terminaltext.h"
#include "publish/pushsession.h"
#include "publish/tagplan.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace mrc::cli {

namespace {

QString shortDigest(const QString &digest)
{
    return digest.isEmpty() ? QStringLiteral("-") : digest.section(QLatin1Char(':'), 1).left(12);
}

QJsonObject tagJson(const PublishCell &cell, const QString &docker, const PlannedTag &t)
{
    return QJsonObject{{QStringLiteral("component"), cell.component},
                       {QStringLiteral("branch"), cell.branch},
                       {QStringLiteral("docker"), docker},
                       {QStringLiteral("commit"), cell.commit},
                       {QStringLiteral("repository"), cell.repository},
                       {QStringLiteral("image_id"), cell.imageId},
                       {QStringLiteral("tag"), t.tag},
                       {QStringLiteral("kind"), TagPlan::kindName(t.kind)},
                       {QStringLiteral("action"), TagPlan::actionName(t.action)},
                       {QStringLiteral("current_digest"), t.current.digest},
                       {QStringLiteral("current_image"), t.current.configDigest},
                       {QStringLiteral("target_digest"), t.targetDigest},
                       {QStringLiteral("copy_from"), t.copyFrom},
                       {QStringLiteral("reason"), t.reason}};
}

struct Options
{
    QString manifest;
    QStringList components;
    QStringList branches;
    QStringList dockers;
    bool json = false;
    bool dryRun = false;
    bool fetch = false;
    QStringList insecure;
    QString release; // --release TAG: the release tag's column, built with `mrc build --ref TAG`
};

int exitCode(PushOutcome outcome)
{
    switch (outcome) {
    case PushOutcome::Ok:
        return Ok;
    case PushOutcome::Failure:
        break;
    case PushOutcome::BadInput:
        return BadInput;
    case PushOutcome::Environment:
        return Environment;
    case PushOutcome::Authentication:
        return Authentication;
    }
    return Failure;
}

/** What `tags` and `push` share: the session's plan, with what the planning said printed to @p err. */
int plan(PushSession &session, const Options &options, bool forPush, PushPlan &plan, QTextStream &err)
{
    const std::optional<Manifest> manifest = loadManifest(options.manifest, err);
    if (!manifest)
        return BadInput;
    PushOptions pushOptions;
    pushOptions.manifest = *manifest;
    pushOptions.selector.components = options.components;
    pushOptions.selector.branches = options.branches;
    pushOptions.selector.dockers = options.dockers;
    pushOptions.release = options.release;
    pushOptions.insecureRegistries = options.insecure;
    pushOptions.fetch = options.fetch;
    pushOptions.keychainRequired = forPush;
    QEventLoop loop;
    QObject::connect(&session, &PushSession::planned, &loop, [&](int, const PushPlan &planned) {
        plan = planned;
        loop.quit();
    });
    session.plan(pushOptions);
    loop.exec();

    for (const QString &message : std::as_const(plan.messages))
        err << message << '\n';
    // Credentials: the keychain, then Docker's helpers and config.json (CredentialResolver). Without any, the
    // registry is asked anonymously.
    if (!plan.user.isEmpty()) {
        err << "credentials for " << plan.registry << " from " << plan.credentialSource << " (user " << plan.user
            << ")\n";
    } else if (plan.keychain == CredentialError::NotFound) {
        if (forPush)
            err << plan.keychainMessage << ". Pushing anonymously.\n";
    } else if (plan.keychain != CredentialError::None) {
        err << plan.keychainMessage << (forPush ? "" : " (reading the registry anonymously)") << '\n';
    }
    for (const QString &error : std::as_const(plan.errors))
        err << error << '\n';
    return exitCode(plan.outcome);
}

void printPlan(const PushPlan &planned, QTextStream &out)
{
    const QList<int> widths{34, 14, 10, 13, 13};
    const QString space = QStringLiteral(" ");
    out << tableRow({QStringLiteral("IMAGE"), QStringLiteral("TAG"), QStringLiteral("ACTION"), QStringLiteral("NOW"),
                     QStringLiteral("AFTER"), QStringLiteral("HOW / WHY")},
                    widths, space);
    for (const EnginePlans &engine : planned.result.engines) {
        for (const CellTagPlan &plan : engine.plans) {
            const QString image = QStringLiteral("%1@%2").arg(plan.cell.repository, plan.cell.commit.left(7));
            for (const PlannedTag &t : plan.tags) {
                const QString after = t.action == TagAction::Refused || !t.changes() ? shortDigest(t.current.digest)
                                      : t.targetDigest.isEmpty()                     ? QStringLiteral("(new)")
                                                                                     : shortDigest(t.targetDigest);
                out << tableRow(
                    {image, t.tag, TagPlan::actionName(t.action), shortDigest(t.current.digest), after, t.reason},
                    widths, space);
            }
        }
    }
}

int parseOptions(const QString &command, const QString &description, const QStringList &arguments, Options &options,
                 bool push, QTextStream &out, QTextStream &err, bool *done)
{
    *done = false;
    QCommandLineParser parser;
    parser.setApplicationDescription(description);
    parser.addHelpOption();
    parser.addOption({QStringLiteral("manifest"), QStringLiteral("The release manifest."), QStringLiteral("FILE")});
    parser.addOption(
        {QStringLiteral("component"), QStringLiteral("This component only (repeatable)."), QStringLiteral("C")});
    parser.addOption({QStringLiteral("branch"), QStringLiteral("This branch only (repeatable)."), QStringLiteral("B")});
    parser.addOption(
        {QStringLiteral("docker"), QStringLiteral("This Docker version only (repeatable)."), QStringLiteral("V")});
    parser.addOption(
        {QStringLiteral("insecure-registry"),
         QStringLiteral("Reach this registry over plain HTTP, as dockerd's insecure-registries (repeatable)."),
         QStringLiteral("HOST")});
    parser.addOption({QStringLiteral("fetch"), QStringLiteral("Fetch every git mirror first (new commits and tags).")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print one JSON object at the end.")});
    parser.addOption({QStringLiteral("release"),
                      QStringLiteral("The release tag's column (its commit, built with `mrc build --ref TAG`): the "
                                     "release tag and, for the highest final release, latest."),
                      QStringLiteral("TAG")});
    if (push)
        parser.addOption({QStringLiteral("dry-run"), QStringLiteral("Print the plan and change nothing.")});
    parser.addPositionalArgument(command, QStringLiteral("The command."));
    if (const std::optional<int> code = parseCommandLine(parser, command, arguments, out, err, 1)) {
        *done = true;
        return *code;
    }
    options.manifest = parser.value(QStringLiteral("manifest"));
    options.components = parser.values(QStringLiteral("component"));
    options.branches = parser.values(QStringLiteral("branch"));
    options.dockers = parser.values(QStringLiteral("docker"));
    options.insecure = parser.values(QStringLiteral("insecure-registry"));
    options.json = parser.isSet(QStringLiteral("json"));
    options.fetch = parser.isSet(QStringLiteral("fetch"));
    options.release = parser.value(QStringLiteral("release"));
    options.dryRun = push && parser.isSet(QStringLiteral("dry-run"));
    return Ok;
}

/** The command line, the plan and its problems ("mrc COMMAND: ..."); the exit code when the command ends here. */
std::optional<int> parseAndPlan(const QString &command, const QString &description, const QStringList &arguments,
                                bool push, Options &options, PushSession &session, PushPlan &planned, QTextStream &out,
                                QTextStream &err)
{
    bool done = false;
    const int parsed = parseOptions(command, description, arguments, options, push, out, err, &done);
    if (parsed != Ok || done)
        return parsed;
    if (const int code = plan(session, options, push, planned, err); code != Ok)
        return code;
    for (const QString &problem : std::as_const(planned.result.problems))
        err << "mrc " << command << ": " << problem << '\n';
    return std::nullopt;
}

// What mrc tags and mrc push share: the streams, the options, the session and its plan.
struct PlanRun
{
    QTextStream out{stdout};
    QTextStream err{stderr};
    Options options;
    PushSession session;
    PushPlan planned;

    std::optional<int> plan(const QString &command, const QString &description, const QStringList &arguments, bool push)
    {
        return parseAndPlan(command, description, arguments, push, options, session, planned, out, err);
    }
};

} // namespace

int runTags(const QStringList &arguments)
{
    PlanRun run;
    auto &[out, err, options, session, planned] = run;
    if (const std::optional<int> code = run.plan(
            QStringLiteral("tags"),
            QStringLiteral(
                "Print the tag plan of the selected cells: every tag, the digest the registry has now, the one it "
                "would get, and the action (create, move, unchanged, refused). Changes nothing. "
                "Exit codes: 0 ok, 1 a tag is refused or an image is not built, 2 bad input, 3 engine or "
                "registry unreachable, 4 authentication."),
            arguments, false))
        return *code;
    const QStringList &problems = planned.result.problems;
    if (options.json) {
        QJsonArray rows;
        for (const EnginePlans &engine : std::as_const(planned.result.engines)) {
            for (const CellTagPlan &plan : engine.plans) {
                for (const PlannedTag &t : plan.tags)
                    rows.append(tagJson(
                        plan.cell, planned.result.dockerOf.value(plan.cell.component + '@' + plan.cell.branch), t));
            }
        }
        out << QJsonDocument(QJsonObject{{QStringLiteral("registry"), planned.registry},
                                         {QStringLiteral("plan"), rows},
                                         {QStringLiteral("problems"), QJsonArray::fromStringList(problems)}})
                   .toJson(QJsonDocument::Indented);
    } else {
        out << "Registry " << planned.registry << '\n';
        printPlan(planned, out);
    }
    return planned.anyRefused() || !problems.isEmpty() ? Failure : Ok;
}

int runPush(const QStringList &arguments)
{
    PlanRun run;
    auto &[out, err, options, session, planned] = run;
    if (const std::optional<int> code = run.plan(
            QStringLiteral("push"),
            QStringLiteral(
                "Push the selected cells' images under the tags of their plan (see mrc tags), then verify each "
                "tag's digest at the registry. Refused tags are left alone. Credentials come from the keychain "
                "(mrc login), else Docker's credential helpers or config.json auths. Exit codes: 0 ok, 1 something "
                "failed or was refused, 2 bad input, 3 engine, "
                "registry or keychain unreachable, 4 authentication."),
            arguments, true))
        return *code;
    QTextStream &log = options.json ? err : out;
    const QStringList &problems = planned.result.problems;
    log << "Registry " << planned.registry << '\n';
    printPlan(planned, log);
    log.flush();
    if (options.dryRun)
        return planned.anyRefused() || !problems.isEmpty() ? Failure : Ok;

    // The session checks the credentials (login) and the push rights before anything moves, then pushes.
    QObject::connect(&session, &PushSession::logLine, &session, [&log](int, const QString &line) {
        log << TerminalText::neutralised(line) << '\n';
        log.flush();
    });
    QObject::connect(&session, &PushSession::warning, &session,
                     [&run](int, const QString &line) { run.err << "mrc push: " << line << '\n'; });
    PushResult pushed;
    QEventLoop loop;
    QObject::connect(&session, &PushSession::finished, &loop, [&](int, const PushResult &result) {
        pushed = result;
        loop.quit();
    });
    {
        const InterruptWatch interrupt([&run] { run.session.cancel(); }); // a lambda captures run, not a binding
        session.push();
        loop.exec();
    }
    if (!pushed.started) {
        if (!pushed.message.isEmpty())
            err << "mrc push: " << pushed.message << '\n';
        return exitCode(pushed.outcome == PushOutcome::Ok ? PushOutcome::Failure : pushed.outcome);
    }

    QJsonArray results;
    for (const CellPublishResult &result : std::as_const(pushed.results)) {
        for (const TagOutcome &o : result.tags) {
            QJsonObject row =
                tagJson(result.cell, planned.result.dockerOf.value(result.cell.component + '@' + result.cell.branch),
                        o.planned);
            row.insert(QStringLiteral("ok"), o.ok);
            row.insert(QStringLiteral("digest"), o.digest);
            row.insert(QStringLiteral("method"), o.method);
            row.insert(QStringLiteral("message"), o.message);
            results.append(row);
        }
    }
    if (options.json) {
        out << QJsonDocument(QJsonObject{{QStringLiteral("registry"), planned.registry},
                                         {QStringLiteral("results"), results},
                                         {QStringLiteral("problems"), QJsonArray::fromStringList(problems)}})
                   .toJson(QJsonDocument::Indented);
    } else {
        int okCount = 0;
        for (const QJsonValue &v : std::as_const(results))
            okCount += v.toObject().value(QLatin1String("ok")).toBool() ? 1 : 0;
        out << okCount << " of " << results.size() << " tags ok\n";
    }
    return exitCode(pushed.outcome);
}

int runAudit(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Print the push audit trail (who pushed which tag with which digest, "
                       "when), newest first, as CSV or JSON."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("format"), QStringLiteral("csv (default) or json."), QStringLiteral("F"),
                      QStringLiteral("csv")});
    parser.addOption({QStringLiteral("limit"), QStringLiteral("At most N rows (default 500)."), QStringLiteral("N"),
                      QStringLiteral("500")});
    parser.addPositionalArgument(QStringLiteral("audit"), QStringLiteral("The command."));
    if (const std::optional<int> code = parseCommandLine(parser, QStringLiteral("audit"), arguments, out, err))
        return *code;
    const QString format = parser.value(QStringLiteral("format"));
    bool limitOk = false;
    const int limit = parser.value(QStringLiteral("limit")).toInt(&limitOk);
    if ((format != QLatin1String("csv") && format != QLatin1String("json")) || !limitOk || limit < 1) {
        err << "mrc audit: --format takes csv or json, --limit a positive number\n";
        return BadInput;
    }
    PushAudit audit(History::defaultPath());
    QString error;
    if (!audit.open(&error)) {
        err << "mrc audit: " << error << '\n';
        return Environment;
    }
    const QList<PushRecord> records = audit.recent(limit, &error);
    if (!error.isEmpty()) {
        err << "mrc audit: " << error << '\n';
        return Environment;
    }
    out << (format == QLatin1String("json") ? PushAudit::toJson(records) : PushAudit::toCsv(records));
    return Ok;
}

} // namespace mrc::cli
