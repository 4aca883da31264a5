// SPDX-License-Identifier: Apache-2.0
// mrc tags (the tag plan), mrc push (the plan carried out) and mrc audit (what was pushed).
#include "cli/cli.h"

#include "secrets/credentialstore.h"
#include "engine/engineclient.h"
#include "git/gitmirror.h"
#include "history/history.h"
#include "manifest/manifestparser.h"
#include "publish/publisher.h"
#include "publish/publishplanner.h"
#include "history/pushaudit.h"
#include "workspace/refcolumn.h"
#include "secrets/registryauth.h"
#include "logs/terminaltext.h"
#include "registry/registryclient.h"
#include "secrets/registrycredential.h"
#include "publish/tagplan.h"
#include "workspace/workspacescan.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <csignal>
#include <memory>

namespace mrc::cli {

ManifestResult loadManifestArgument(const QString &path);

namespace {

Publisher *runningPublisher = nullptr;

void onInterrupt(int)
{
    if (runningPublisher)
        QMetaObject::invokeMethod(runningPublisher, &Publisher::cancel, Qt::QueuedConnection);
}

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

/** Everything `tags` and `push` share: the manifest, the scan, the credentials and the plans per engine. */
struct Planned
{
    Manifest manifest;
    RegistryCredential credential;
    std::unique_ptr<RegistryClient> registry;
    QList<std::shared_ptr<EngineClient>> engines; // parallel to plansByEngine
    QList<QList<CellTagPlan>> plansByEngine;
    QHash<QString, QString> dockerOf; // component@branch -> docker version published
    QStringList problems;
    QString release;
};

int plan(const Options &options, bool forPush, Planned &planned, QTextStream &err)
{
    const ManifestResult loaded = loadManifestArgument(options.manifest);
    if (!loaded.ok()) {
        for (const ManifestProblem &problem : loaded.problems)
            err << problem.toString() << '\n';
        return BadInput;
    }
    planned.manifest = loaded.manifest;
    if (!options.release.isEmpty()) {
        // A release is published from its tag's commit, wherever its branch is now.
        if (!TagPlan::isReleaseTag(planned.manifest.tags, options.release)) {
            err << "--release " << options.release << ": not a release tag under the manifest's release_pattern "
                << planned.manifest.tags.releasePattern << '\n';
            return BadInput;
        }
        if (!options.branches.isEmpty()) {
            err << "--release and --branch cannot be combined\n";
            return BadInput;
        }
        const RefColumnResult column =
            RefColumn::resolve(planned.manifest, options.release, options.dockers, GitMirror::defaultCacheRoot());
        if (!column.ok()) {
            err << column.error << '\n';
            return BadInput;
        }
        for (const QString &problem : column.errors)
            err << problem << '\n';
        planned.manifest = RefColumn::withColumn(planned.manifest, column.branch);
        planned.release = options.release;
    }
    const Manifest &manifest = planned.manifest;
    const QStringList branches = options.release.isEmpty() ? options.branches : QStringList{options.release};
    for (const QString &name : options.components) {
        if (!manifest.component(name)) {
            err << "no component '" << name << "' in " << manifest.path << '\n';
            return BadInput;
        }
    }
    for (const QString &name : branches) {
        if (!manifest.branch(name)) {
            err << "no branch '" << name << "' in " << manifest.path << '\n';
            return BadInput;
        }
    }

    // Credentials: only the keychain holds them. Without any, the registry is asked anonymously.
    const QString host = manifest.registry.host;
    const CredentialResult stored = CredentialStore::readNow(host);
    if (stored.ok()) {
        planned.credential = stored.credential;
    } else if (stored.error == CredentialError::NotFound) {
        if (forPush)
            err << "no credentials for " << host << " in the keychain: pushing anonymously (`mrc login " << host
                << " --username USER --password-stdin` stores some)\n";
    } else if (forPush) {
        err << stored.message << '\n';
        return Environment;
    } else {
        err << stored.message << " (reading the registry anonymously)\n";
    }
    RegistryOptions registryOptions;
    registryOptions.insecureRegistries = options.insecure;
    planned.registry = std::make_unique<RegistryClient>(
        host, RegistryCredentials{planned.credential.username, QString::fromUtf8(planned.credential.password)},
        registryOptions);

    ScanOptions scanOptions;
    scanOptions.fetch = options.fetch;
    WorkspaceScan scan(manifest, scanOptions);
    scan.run();
    QList<Cell> selected;
    for (const Cell &cell : scan.cells()) {
        if ((options.components.isEmpty() || options.components.contains(cell.component)) &&
            (branches.isEmpty() || branches.contains(cell.branch)) &&
            (options.dockers.isEmpty() || options.dockers.contains(cell.docker)) && cell.state == CellState::Ready)
            selected << cell;
    }
    if (selected.isEmpty()) {
        err << "no ready cell matches; `mrc matrix` shows each cell's state\n";
        return BadInput;
    }

    PublishPlanner planner(manifest, {});
    PublishPlanner::Result result = planner.planAll(scan.cells(), selected, scan.engines(), *planned.registry);
    planned.problems = result.problems;
    planned.dockerOf = result.dockerOf;
    if (result.failure != PublishPlanner::Failure::None) {
        for (const QString &problem : std::as_const(planned.problems))
            err << problem << '\n';
        return result.failure == PublishPlanner::Failure::Authentication ? Authentication
               : result.failure == PublishPlanner::Failure::Unreachable  ? Environment
                                                                         : Failure;
    }
    if (!result.anyEngine) {
        for (const EngineStatus &engine : scan.engines())
            err << "engine " << engine.name << " (" << engine.host << ") is unreachable: " << engine.error << '\n';
        return Environment;
    }
    for (const EnginePlans &plans : std::as_const(result.engines)) {
        auto engine = std::make_shared<EngineClient>(plans.engine);
        engine->setApiVersion(plans.apiVersion);
        engine->setDefaultTimeout(30000);
        planned.engines << engine;
        planned.plansByEngine << plans.plans;
    }
    return Ok;
}

void printPlan(const Planned &planned, QTextStream &out)
{
    out << QStringLiteral("%1 %2 %3 %4 %5 %6\n")
               .arg(QStringLiteral("IMAGE"), -34)
               .arg(QStringLiteral("TAG"), -14)
               .arg(QStringLiteral("ACTION"), -10)
               .arg(QStringLiteral("NOW"), -13)
               .arg(QStringLiteral("AFTER"), -13)
               .arg(QStringLiteral("HOW / WHY"));
    for (const QList<CellTagPlan> &plans : planned.plansByEngine) {
        for (const CellTagPlan &plan : plans) {
            const QString image = QStringLiteral("%1@%2").arg(plan.cell.repository, plan.cell.commit.left(7));
            for (const PlannedTag &t : plan.tags) {
                const QString after = t.action == TagAction::Refused || !t.changes() ? shortDigest(t.current.digest)
                                      : t.targetDigest.isEmpty() ? QStringLiteral("(new)")
                                                                 : shortDigest(t.targetDigest);
                out << QStringLiteral("%1 %2 %3 %4 %5 %6\n")
                           .arg(image, -34)
                           .arg(t.tag, -14)
                           .arg(TagPlan::actionName(t.action), -10)
                           .arg(shortDigest(t.current.digest), -13)
                           .arg(after, -13)
                           .arg(t.reason);
            }
        }
    }
}

bool anyRefused(const Planned &planned)
{
    for (const QList<CellTagPlan> &plans : planned.plansByEngine) {
        for (const CellTagPlan &plan : plans) {
            if (plan.refused())
                return true;
        }
    }
    return false;
}

int parseOptions(const QString &command, const QString &description, const QStringList &arguments, Options &options,
                 bool push, QTextStream &out, QTextStream &err, bool *done)
{
    *done = false;
    QCommandLineParser parser;
    parser.setApplicationDescription(description);
    parser.addHelpOption();
    parser.addOption({QStringLiteral("manifest"), QStringLiteral("The release manifest."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("component"), QStringLiteral("This component only (repeatable)."), QStringLiteral("C")});
    parser.addOption({QStringLiteral("branch"), QStringLiteral("This branch only (repeatable)."), QStringLiteral("B")});
    parser.addOption({QStringLiteral("docker"), QStringLiteral("This Docker version only (repeatable)."), QStringLiteral("V")});
    parser.addOption({QStringLiteral("insecure-registry"),
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
    if (!parser.parse(QStringList{QStringLiteral("mrc")} + arguments)) {
        err << "mrc " << command << ": " << parser.errorText() << '\n';
        return BadInput;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        *done = true;
        return Ok;
    }
    if (parser.positionalArguments().size() > 1) {
        err << "mrc " << command << ": unexpected argument '" << parser.positionalArguments().at(1) << "'\n";
        return BadInput;
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

} // namespace

int runTags(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    Options options;
    bool done = false;
    const int parsed = parseOptions(
        QStringLiteral("tags"),
        QStringLiteral("Print the tag plan of the selected cells: every tag, the digest the registry has now, the one it "
                       "would get, and the action (create, move, unchanged, refused). Changes nothing. "
                       "Exit codes: 0 ok, 1 a tag is refused or an image is not built, 2 bad input, 3 engine or "
                       "registry unreachable, 4 authentication."),
        arguments, options, false, out, err, &done);
    if (parsed != Ok || done)
        return parsed;
    Planned planned;
    if (const int code = plan(options, false, planned, err); code != Ok)
        return code;
    for (const QString &problem : std::as_const(planned.problems))
        err << "mrc tags: " << problem << '\n';
    if (options.json) {
        QJsonArray rows;
        for (const QList<CellTagPlan> &plans : planned.plansByEngine) {
            for (const CellTagPlan &plan : plans) {
                for (const PlannedTag &t : plan.tags)
                    rows.append(tagJson(plan.cell, planned.dockerOf.value(plan.cell.component + '@' + plan.cell.branch), t));
            }
        }
        out << QJsonDocument(QJsonObject{{QStringLiteral("registry"), planned.manifest.registry.host},
                                         {QStringLiteral("plan"), rows},
                                         {QStringLiteral("problems"), QJsonArray::fromStringList(planned.problems)}})
                   .toJson(QJsonDocument::Indented);
    } else {
        out << "Registry " << planned.manifest.registry.host << '\n';
        printPlan(planned, out);
    }
    return anyRefused(planned) || !planned.problems.isEmpty() ? Failure : Ok;
}

int runPush(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    Options options;
    bool done = false;
    const int parsed = parseOptions(
        QStringLiteral("push"),
        QStringLiteral("Push the selected cells' images under the tags of their plan (see mrc tags), then verify each "
                       "tag's digest at the registry. Refused tags are left alone. Credentials come from the keychain "
                       "(mrc login). Exit codes: 0 ok, 1 something failed or was refused, 2 bad input, 3 engine, "
                       "registry or keychain unreachable, 4 authentication."),
        arguments, options, true, out, err, &done);
    if (parsed != Ok || done)
        return parsed;
    Planned planned;
    if (const int code = plan(options, true, planned, err); code != Ok)
        return code;
    QTextStream &log = options.json ? err : out;
    for (const QString &problem : std::as_const(planned.problems))
        err << "mrc push: " << problem << '\n';
    log << "Registry " << planned.manifest.registry.host << '\n';
    printPlan(planned, log);
    log.flush();
    if (options.dryRun)
        return anyRefused(planned) || !planned.problems.isEmpty() ? Failure : Ok;

    // Preflight: the credentials must hold before anything moves.
    if (!planned.credential.username.isEmpty()) {
        std::unique_ptr<RegistryReply> login(planned.registry->login());
        login->waitForFinished();
        if (!login->ok()) {
            err << "mrc push: " << login->errorString() << '\n';
            return login->isAuthenticationError() ? Authentication : Environment;
        }
    }

    // Push rights on every repository that gets an upload, before the first long transfer starts.
    QStringList checked;
    for (const QList<CellTagPlan> &plans : planned.plansByEngine) {
        for (const CellTagPlan &plan : plans) {
            const bool uploads = std::any_of(plan.tags.cbegin(), plan.tags.cend(),
                                             [](const PlannedTag &t) { return t.transfers(); });
            if (!uploads || checked.contains(plan.cell.repository))
                continue;
            checked << plan.cell.repository;
            std::unique_ptr<RegistryReply> check(planned.registry->checkPush(plan.cell.repository));
            check->waitForFinished();
            if (!check->ok()) {
                err << "mrc push: no push rights: " << check->errorString() << '\n';
                return check->isAuthenticationError() ? Authentication
                       : check->error() == RegistryReply::Unreachable || check->error() == RegistryReply::Timeout
                           ? Environment
                           : Failure;
            }
        }
    }
    if (!checked.isEmpty())
        log << "Push rights checked on " << checked.size() << " repositor" << (checked.size() == 1 ? "y" : "ies") << '\n';

    History history;
    QString error;
    history.open(&error); // the jobs table and its migrations
    PushAudit audit(history.path());
    const bool audited = audit.open(&error);
    if (!audited)
        err << "mrc push: " << error << " (the push is not recorded)\n";

    RegistryCredential credential = planned.credential;
    credential.registry = planned.manifest.registry.host;
    QByteArray auth = RegistryAuth::header(credential);
    credential.wipe();
    const QString enginePrefix = planned.manifest.registry.host;

    QJsonArray results;
    bool allOk = true;
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    for (int i = 0; i < planned.engines.size(); ++i) {
        Publisher publisher(planned.engines.at(i).get(), planned.registry.get(), auth);
        publisher.setEngineRepositoryPrefix(enginePrefix);
        if (audited)
            publisher.setAudit(&audit, planned.credential.username);
        QObject::connect(&publisher, &Publisher::logLine, &publisher, [&](int cell, const QString &line) {
            const PublishCell &c = publisher.results().at(cell).cell;
            log << '[' << c.component << '@' << c.branch << "] " << TerminalText::neutralised(line) << '\n';
            log.flush();
        });
        runningPublisher = &publisher;
        QEventLoop loop;
        QObject::connect(&publisher, &Publisher::finished, &loop, &QEventLoop::quit);
        publisher.start(planned.plansByEngine.at(i));
        loop.exec();
        runningPublisher = nullptr;
        allOk = allOk && publisher.ok();
        for (const CellPublishResult &result : publisher.results()) {
            for (const TagOutcome &o : result.tags) {
                QJsonObject row = tagJson(result.cell,
                                          planned.dockerOf.value(result.cell.component + '@' + result.cell.branch),
                                          o.planned);
                row.insert(QStringLiteral("ok"), o.ok);
                row.insert(QStringLiteral("digest"), o.digest);
                row.insert(QStringLiteral("method"), o.method);
                row.insert(QStringLiteral("message"), o.message);
                results.append(row);
            }
        }
    }
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    auth.fill('\0');

    if (options.json) {
        out << QJsonDocument(QJsonObject{{QStringLiteral("registry"), planned.manifest.registry.host},
                                         {QStringLiteral("results"), results},
                                         {QStringLiteral("problems"), QJsonArray::fromStringList(planned.problems)}})
                   .toJson(QJsonDocument::Indented);
    } else {
        int okCount = 0;
        for (const QJsonValue &v : std::as_const(results))
            okCount += v.toObject().value(QLatin1String("ok")).toBool() ? 1 : 0;
        out << okCount << " of " << results.size() << " tags ok\n";
    }
    return allOk && planned.problems.isEmpty() ? Ok : Failure;
}

int runAudit(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Print the push audit trail (who pushed which tag with which digest, "
                                                    "when), newest first, as CSV or JSON."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("format"), QStringLiteral("csv (default) or json."), QStringLiteral("F"),
                      QStringLiteral("csv")});
    parser.addOption({QStringLiteral("limit"), QStringLiteral("At most N rows (default 500)."), QStringLiteral("N"),
                      QStringLiteral("500")});
    parser.addPositionalArgument(QStringLiteral("audit"), QStringLiteral("The command."));
    if (!parser.parse(QStringList{QStringLiteral("mrc")} + arguments)) {
        err << "mrc audit: " << parser.errorText() << '\n';
        return BadInput;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return Ok;
    }
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
