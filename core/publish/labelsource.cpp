// SPDX-License-Identifier: Apache-2.0
#include "publish/labelsource.h"

#include "engine/enginecall.h"
#include "engine/engineclient.h"
#include "engine/engineprobe.h"
#include "git/gitmirror.h"
#include "history/history.h"
#include "jobs/buildplan.h"
#include "jobs/expectedlabels.h"
#include "publish/tagplan.h"
#include "registry/registryclient.h"
#include "registry/registryreply.h"
#include "secrets/credentialresolver.h"
#include "secrets/credentialstore.h"
#include "workspace/workspacescan.h"

#include <QJsonObject>
#include <QRegularExpression>
#include <memory>

namespace mrc {

namespace {

const QString usage =
    QStringLiteral("a label source is engine:IMAGE, registry:HOST/REPO:TAG, registry:HOST/REPO@sha256:DIGEST, "
                   "cell:COMPONENT@BRANCH or history:ID");

QString shortId(const QString &id)
{
    const QString hex = id.contains(QLatin1Char(':')) ? id.section(QLatin1Char(':'), 1) : id;
    return hex.left(12);
}

Labels fromJson(const QJsonObject &object)
{
    Labels labels;
    for (auto it = object.begin(); it != object.end(); ++it)
        labels.insert(it.key(), it.value().toString());
    return labels;
}

bool isRegistryHost(const QString &part)
{
    return part.contains(QLatin1Char('.')) || part.contains(QLatin1Char(':')) || part == QLatin1String("localhost");
}

/** The engine for @p name (a manifest engine), else the manifest's first engine, else the local one. */
EngineSpec engineSpec(const LabelSource::Context &context, const QString &name = {})
{
    for (const EngineSpec &spec : context.manifest.engines) {
        if (spec.name == name)
            return spec;
    }
    if (!context.manifest.engines.isEmpty())
        return context.manifest.engines.first();
    return EngineProbe::localEngine();
}

/** Inspects @p image on the engine; fills labels and the id, or the failure. */
void inspect(const EngineSpec &spec, const QString &image, int timeoutMs, LabelRead &read)
{
    const EngineStatus status = EngineProbe::probe(spec, qMin(timeoutMs, 5000));
    if (!status.reachable) {
        read.failure = LabelRead::Failure::Unreachable;
        read.error = QStringLiteral("engine %1 (%2) is unreachable: %3; start it or set DOCKER_HOST")
                         .arg(spec.name, spec.host, status.error);
        return;
    }
    EngineClient engine(spec);
    engine.setApiVersion(status.apiVersion);
    std::unique_ptr<EngineCall> call(engine.inspectImage(image));
    call->waitForFinished(timeoutMs);
    if (!call->ok()) {
        read.failure = call->status() == 404 ? LabelRead::Failure::NotFound : LabelRead::Failure::Other;
        read.error = call->status() == 404
                         ? QStringLiteral("no image %1 on engine %2 (%3)").arg(image, spec.name, spec.host)
                         : QStringLiteral("cannot inspect %1 on %2: %3").arg(image, spec.host, call->errorString());
        return;
    }
    const QJsonObject object = call->json().object();
    read.imageId = object.value(QLatin1String("Id")).toString();
    read.labels = fromJson(object.value(QLatin1String("Config")).toObject().value(QLatin1String("Labels")).toObject());
}

} // namespace

std::optional<LabelRef> LabelRef::parse(const QString &text, QString *error)
{
    const QString kind = text.section(QLatin1Char(':'), 0, 0);
    const QString value = text.section(QLatin1Char(':'), 1).trimmed();
    const auto fail = [&](const QString &why) -> std::optional<LabelRef> {
        if (error)
            *error = QStringLiteral("'%1': %2; %3").arg(text, why, usage);
        return std::nullopt;
    };
    if (!text.contains(QLatin1Char(':')))
        return fail(QStringLiteral("no kind"));
    if (value.isEmpty())
        return fail(QStringLiteral("nothing after '%1:'").arg(kind));
    if (value.contains(QRegularExpression(QStringLiteral("\\s"))))
        return fail(QStringLiteral("it contains white space"));

    LabelRef ref;
    if (kind == QLatin1String("engine")) {
        ref.kind = Kind::Engine;
        ref.image = value;
        return ref;
    }
    if (kind == QLatin1String("registry")) {
        ref.kind = Kind::Registry;
        const int slash = int(value.indexOf(QLatin1Char('/')));
        if (slash <= 0 || !isRegistryHost(value.left(slash)))
            return fail(QStringLiteral("the registry host is missing (registry:127.0.0.1:5000/monasca/api:master)"));
        ref.registry = value.left(slash);
        QString rest = value.mid(slash + 1);
        if (const int at = int(rest.indexOf(QLatin1Char('@'))); at >= 0) {
            ref.repository = rest.left(at);
            ref.reference = rest.mid(at + 1);
            if (!QRegularExpression(QStringLiteral("^sha256:[0-9a-f]{64}$")).match(ref.reference).hasMatch())
                return fail(QStringLiteral("the digest must be sha256: and 64 hex digits"));
        } else {
            const int colon = int(rest.lastIndexOf(QLatin1Char(':')));
            if (colon < 0 || colon < rest.lastIndexOf(QLatin1Char('/')))
                return fail(QStringLiteral("no tag or digest (add :TAG or @sha256:DIGEST)"));
            ref.repository = rest.left(colon);
            ref.reference = rest.mid(colon + 1);
            if (!QRegularExpression(QStringLiteral("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"))
                     .match(ref.reference)
                     .hasMatch())
                return fail(QStringLiteral("'%1' is not a valid tag").arg(ref.reference));
        }
        if (!QRegularExpression(QStringLiteral("^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$"))
                 .match(ref.repository)
                 .hasMatch())
            return fail(QStringLiteral("'%1' is not a valid repository name").arg(ref.repository));
        return ref;
    }
    if (kind == QLatin1String("cell")) {
        ref.kind = Kind::Cell;
        const QStringList parts = value.split(QLatin1Char('@'));
        if (parts.size() < 2 || parts.size() > 3 || parts.at(0).isEmpty() || parts.at(1).isEmpty())
            return fail(QStringLiteral("write cell:COMPONENT@BRANCH or cell:COMPONENT@BRANCH@DOCKER"));
        ref.component = parts.at(0);
        ref.branch = parts.at(1);
        if (parts.size() == 3) {
            if (parts.at(2).isEmpty())
                return fail(QStringLiteral("the Docker version after the second '@' is empty"));
            ref.docker = parts.at(2);
        }
        return ref;
    }
    if (kind == QLatin1String("history")) {
        ref.kind = Kind::History;
        bool ok = false;
        ref.historyId = value.toLongLong(&ok);
        if (!ok || ref.historyId <= 0)
            return fail(
                QStringLiteral("the history id must be a positive number (mrc audit and the History page show them)"));
        return ref;
    }
    return fail(QStringLiteral("unknown kind '%1'").arg(kind));
}

QString LabelRef::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Engine:
        return QStringLiteral("engine");
    case Kind::Registry:
        return QStringLiteral("registry");
    case Kind::Cell:
        return QStringLiteral("cell");
    case Kind::History:
        return QStringLiteral("history");
    }
    return {};
}

QString LabelRef::value() const
{
    switch (kind) {
    case Kind::Engine:
        return image;
    case Kind::Registry:
        return registry + QLatin1Char('/') + repository +
               (reference.startsWith(QLatin1String("sha256:")) ? QLatin1Char('@') : QLatin1Char(':')) + reference;
    case Kind::Cell:
        return component + QLatin1Char('@') + branch + (docker.isEmpty() ? QString() : QLatin1Char('@') + docker);
    case Kind::History:
        return QString::number(historyId);
    }
    return {};
}

QString LabelRef::toString() const
{
    return kindName(kind) + QLatin1Char(':') + value();
}

LabelRead LabelSource::read(const LabelRef &ref, const Context &context)
{
    switch (ref.kind) {
    case LabelRef::Kind::Engine:
        return readEngine(ref, context);
    case LabelRef::Kind::Registry:
        return readRegistry(ref, context);
    case LabelRef::Kind::Cell:
        return readCell(ref, context);
    case LabelRef::Kind::History:
        return readHistory(ref, context);
    }
    return {};
}

LabelRead LabelSource::readEngine(const LabelRef &ref, const Context &context)
{
    LabelRead read;
    read.ref = ref;
    const EngineSpec spec = engineSpec(context);
    inspect(spec, ref.image, context.timeoutMs, read);
    if (read.ok())
        read.description = QStringLiteral("engine %1: image %2 (%3)").arg(spec.name, shortId(read.imageId), ref.image);
    return read;
}

LabelRead LabelSource::readRegistry(const LabelRef &ref, const Context &context)
{
    LabelRead read;
    read.ref = ref;
    RegistryCredential credential;
    QString note;
    if (context.credentialsGiven) {
        credential = context.credentials.value(CredentialStore::normalizeRegistry(ref.registry));
    } else {
        const CredentialResult stored = CredentialResolver::resolveNow(ref.registry);
        if (stored.ok())
            credential = stored.credential;
        else if (stored.error != CredentialError::NotFound)
            note = QStringLiteral(" (anonymous: %1)").arg(stored.message);
    }
    RegistryOptions options;
    options.insecureRegistries = context.insecureRegistries;
    options.requestTimeoutMs = context.timeoutMs;
    options.retries = 1;
    RegistryClient client(ref.registry,
                          RegistryCredentials{credential.username, QString::fromUtf8(credential.password)}, options);
    credential.wipe();
    std::unique_ptr<RegistryReply> reply(client.config(ref.repository, ref.reference));
    reply->waitForFinished();
    if (!reply->ok()) {
        read.error = reply->errorString();
        switch (reply->error()) {
        case RegistryReply::NotFound:
            read.failure = LabelRead::Failure::NotFound;
            break;
        case RegistryReply::Unreachable:
        case RegistryReply::Timeout:
        case RegistryReply::TlsError:
            read.failure = LabelRead::Failure::Unreachable;
            break;
        default:
            read.failure =
                reply->isAuthenticationError() ? LabelRead::Failure::Authentication : LabelRead::Failure::Other;
        }
        return read;
    }
    read.labels = fromJson(reply->labels());
    read.imageId = reply->digest();
    read.description =
        QStringLiteral("registry %1: %2 is manifest %3%4")
            .arg(ref.registry, ref.repository + QLatin1Char(':') + ref.reference, shortId(reply->digest()), note);
    if (!ref.reference.startsWith(QLatin1String("sha256:")) &&
        TagPlan::isReleaseTag(context.manifest.tags, ref.reference))
        read.releaseTag = ref.reference;
    return read;
}

LabelRead LabelSource::readCell(const LabelRef &ref, const Context &context)
{
    LabelRead read;
    read.ref = ref;
    const Manifest &manifest = context.manifest;
    const ComponentSpec *component = manifest.component(ref.component);
    const BranchSpec *branch = manifest.branch(ref.branch);
    if (!context.manifestLoaded || !component || !branch) {
        read.failure = LabelRead::Failure::BadInput;
        read.error = !context.manifestLoaded
                         ? QStringLiteral("%1 needs a release manifest (--manifest FILE, or run in its folder)")
                               .arg(ref.toString())
                     : !component ? QStringLiteral("no component '%1' in %2").arg(ref.component, manifest.path)
                                  : QStringLiteral("no branch '%1' in %2").arg(ref.branch, manifest.path);
        return read;
    }
    const QString docker = ref.docker.isEmpty() ? branch->docker.value(0) : ref.docker;
    QList<Cell> cells = context.cells;
    if (cells.isEmpty()) {
        ScanOptions options;
        options.cacheRoot = context.cacheRoot;
        WorkspaceScan scan(manifest, options);
        scan.run();
        cells = scan.cells();
    }
    const auto find = [&](const QString &name) -> const Cell * {
        for (const Cell &cell : std::as_const(cells)) {
            if (cell.component == name && cell.branch == ref.branch && cell.docker == docker)
                return &cell;
        }
        return nullptr;
    };
    const Cell *cell = find(ref.component);
    if (!cell || cell->commit.isEmpty()) {
        read.failure = cell ? LabelRead::Failure::NotFound : LabelRead::Failure::BadInput;
        read.error = cell ? QStringLiteral("%1@%2 has no commit: %3").arg(ref.component, ref.branch, cell->message)
                          : QStringLiteral("no cell %1@%2 for Docker %3 in %4")
                                .arg(ref.component, ref.branch, docker, manifest.path);
        return read;
    }
    const Cell *baseCell = component->base.isEmpty() ? nullptr : find(component->base);
    const QString baseCommit = baseCell ? baseCell->commit : QString();
    // The Dockerfile's LABELs and the base's ONBUILD LABELs with the build script's arguments, then mrc's own.
    const ExpectedLabels::Result expected =
        ExpectedLabels::forCell(manifest, *component, *cell, baseCell,
                                context.cacheRoot.isEmpty() ? GitMirror::defaultCacheRoot() : context.cacheRoot);
    if (!expected.ok) {
        read.failure = LabelRead::Failure::NotFound;
        read.error = QStringLiteral("%1@%2: %3").arg(ref.component, ref.branch, expected.error);
        return read;
    }
    read.labels = expected.labels;
    read.commit = cell->commit;
    read.baseCommit = baseCommit;
    read.description = QStringLiteral("expected labels of %1@%2 (Docker %3) at %4, from its Dockerfile%5; %6")
                           .arg(ref.component, ref.branch, docker, cell->commit.left(7),
                                baseCell ? QStringLiteral(" and its base's ONBUILD labels") : QString(), expected.note);
    return read;
}

LabelRead LabelSource::readHistory(const LabelRef &ref, const Context &context)
{
    LabelRead read;
    read.ref = ref;
    History history(context.historyPath.isEmpty() ? History::defaultPath() : context.historyPath);
    QString error;
    if (!history.open(&error)) {
        read.failure = LabelRead::Failure::Other;
        read.error = error;
        return read;
    }
    const std::optional<JobRecord> job = history.job(ref.historyId);
    if (!job) {
        read.failure = LabelRead::Failure::NotFound;
        read.error = QStringLiteral("no job %1 in the history %2").arg(ref.historyId).arg(history.path());
        return read;
    }
    read.commit = job->commit;
    read.baseCommit = job->baseCommit;
    read.imageId = job->imageId;
    if (!job->imageId.isEmpty()) {
        LabelRead image;
        inspect(engineSpec(context, job->engine), job->imageId, context.timeoutMs, image);
        if (image.ok()) {
            read.labels = image.labels;
            read.description = QStringLiteral("history job %1: its image %2 on the engine (%3)")
                                   .arg(ref.historyId)
                                   .arg(shortId(job->imageId), job->tag);
            return read;
        }
    }
    // The image is gone (or never existed): what the build put on it, from the record and the manifest.
    Cell cell;
    cell.component = job->component;
    cell.branch = job->branch;
    cell.docker = job->docker;
    cell.commit = job->commit;
    const ComponentSpec *component = context.manifest.component(job->component);
    Cell base = cell;
    base.component = component ? component->base : QString();
    base.commit = job->baseCommit;
    const ExpectedLabels::Result expected =
        component
            ? ExpectedLabels::forCell(context.manifest, *component, cell, &base,
                                      context.cacheRoot.isEmpty() ? GitMirror::defaultCacheRoot() : context.cacheRoot)
            : ExpectedLabels::Result{};
    if (expected.ok) {
        read.labels = expected.labels;
    } else if (component) {
        read.labels = BuildPlan::expectedLabels(*component, cell, job->baseCommit);
    } else {
        read.labels.insert(QLatin1String(ImageLabels::version), job->branch);
        read.labels.insert(QLatin1String(ImageLabels::revision), job->commit);
        if (!job->baseCommit.isEmpty())
            read.labels.insert(QLatin1String(ImageLabels::baseRevision), job->baseCommit);
    }
    if (job->started.isValid() && job->imageId.isEmpty())
        read.description =
            QStringLiteral("history job %1: reconstructed from the record (the job made no image)").arg(ref.historyId);
    else
        read.description =
            QStringLiteral("history job %1: reconstructed from the record (image %2 is gone from the engine)")
                .arg(ref.historyId)
                .arg(shortId(job->imageId));
    return read;
}

QString LabelSource::drift(const LabelRead &cell, const LabelRead &image, const Context &context)
{
    const QString built = image.labels.value(QLatin1String(ImageLabels::revision));
    if (cell.commit.isEmpty() || built.isEmpty() || built == cell.commit)
        return {};
    QString where = image.ref.kind == LabelRef::Kind::Registry ? QStringLiteral("registry %1").arg(image.ref.reference)
                                                               : image.ref.toString();
    QString text =
        QStringLiteral("%1 was built from %2, the branch is now at %3").arg(where, built.left(7), cell.commit.left(7));
    const ComponentSpec *component = context.manifest.component(cell.ref.component);
    if (!component)
        return text;
    GitMirror mirror(component->repo, context.cacheRoot.isEmpty() ? GitMirror::defaultCacheRoot() : context.cacheRoot);
    // The branch's commits the image lacks (ahead), and the image's commits the branch lacks (behind).
    if (const auto counts = mirror.aheadBehind(cell.commit, built)) {
        if (counts->first > 0)
            text += QStringLiteral(", %1 commit%2 ahead").arg(counts->first).arg(counts->first == 1 ? "" : "s");
        if (counts->second > 0)
            text += QStringLiteral(", %1 commit%2 behind").arg(counts->second).arg(counts->second == 1 ? "" : "s");
    } else {
        text += QStringLiteral(" (%1 is not in the branch's history)").arg(built.left(7));
    }
    return text;
}

QList<LabelCheck> LabelSource::checks(const LabelRead &left, const LabelRead &right)
{
    // The side that knows what the image should be built from judges the other one; a cell judges itself never.
    const bool leftKnows = !left.commit.isEmpty();
    const LabelRead &judge = leftKnows ? left : right;
    const LabelRead &subject = leftKnows ? right : left;
    if (judge.commit.isEmpty() && subject.releaseTag.isEmpty())
        return {};
    return LabelDiff::check(subject.labels, judge.commit, subject.releaseTag, judge.baseCommit);
}

} // namespace mrc
