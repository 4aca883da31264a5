// SPDX-License-Identifier: Apache-2.0
// mrc labels: the labels of an image, an expected cell or a history job, or the difference of two.
#include "cli/cli.h"
#include "cli/common.h"
#include "manifest/manifestparser.h"
#include "publish/labelsource.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace mrc::cli {

namespace {

int exitCode(LabelRead::Failure failure)
{
    switch (failure) {
    case LabelRead::Failure::None:
        return Ok;
    case LabelRead::Failure::BadInput:
        return BadInput;
    case LabelRead::Failure::Unreachable:
        return Environment;
    case LabelRead::Failure::Authentication:
        return Authentication;
    case LabelRead::Failure::NotFound:
    case LabelRead::Failure::Other:
        return Failure;
    }
    return Failure;
}

QJsonObject labelsJson(const Labels &labels)
{
    QJsonObject object;
    for (auto it = labels.begin(); it != labels.end(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

QJsonObject sourceJson(const LabelRead &read)
{
    return QJsonObject{{QStringLiteral("ref"), read.ref.toString()},
                       {QStringLiteral("description"), read.description},
                       {QStringLiteral("id"), read.imageId},
                       {QStringLiteral("labels"), labelsJson(read.labels)}};
}

void addLabelsOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(QStringLiteral(
        "Print the labels of REF, or compare REF with REF2 key by key and run the release policy checks "
        "(revision = the cell's commit, version = the release tag, base revision = the base cell's commit).\n"
        "REF is engine:IMAGE, registry:HOST/REPO:TAG, registry:HOST/REPO@sha256:DIGEST, "
        "cell:COMPONENT@BRANCH[@DOCKER] (the labels a build would carry, from git and the manifest) or history:ID "
        "(a build job: its image's labels, or reconstructed from the record when the image is gone).\n"
        "Exit codes: 0 ok (with two REFs: no difference and every check passed), 1 the labels differ, a check "
        "failed or an image was not found, 2 bad input, 3 engine or registry unreachable, 4 authentication."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("manifest"), QStringLiteral("The release manifest (for cell: and history:)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("insecure-registry"),
                      QStringLiteral("Reach this registry over plain HTTP (repeatable)."), QStringLiteral("HOST")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print one JSON object.")});
    parser.addPositionalArgument(QStringLiteral("labels"), QStringLiteral("The command."));
    parser.addPositionalArgument(QStringLiteral("REF"), QStringLiteral("The label source."));
    parser.addPositionalArgument(QStringLiteral("REF2"), QStringLiteral("A second source to compare with."),
                                 QStringLiteral("[REF2]"));
}

/** One or two REFs, parsed; false (said on @p err) when there are none, too many, or one is malformed. */
bool parseRefs(const QStringList &refs, QList<LabelRef> &parsed, QTextStream &err)
{
    if (refs.isEmpty() || refs.size() > 2) {
        err << "mrc labels: give one REF, or two to compare (mrc labels --help)\n";
        return false;
    }
    for (const QString &text : refs) {
        QString error;
        const std::optional<LabelRef> ref = LabelRef::parse(text, &error);
        if (!ref) {
            err << "mrc labels: " << error << '\n';
            return false;
        }
        parsed << *ref;
    }
    return true;
}

/**
 * Where the sources are read: the insecure registries, and the manifest when --manifest names it, ./release.yaml
 * exists or a cell: REF needs it. False when a manifest that was asked for does not load.
 */
bool labelContext(const QCommandLineParser &parser, const QList<LabelRef> &parsed, LabelSource::Context &context,
                  QTextStream &err)
{
    context.insecureRegistries = parser.values(QStringLiteral("insecure-registry"));
    const QString manifestPath = parser.value(QStringLiteral("manifest"));
    const bool needsManifest =
        std::any_of(parsed.cbegin(), parsed.cend(), [](const LabelRef &r) { return r.kind == LabelRef::Kind::Cell; });
    if (manifestPath.isEmpty() && !QFileInfo::exists(QStringLiteral("release.yaml")) && !needsManifest)
        return true;
    const ManifestResult loaded = loadManifestArgument(manifestPath);
    if (loaded.ok()) {
        context.manifest = loaded.manifest;
        context.manifestLoaded = !manifestPath.isEmpty() || QFileInfo::exists(QStringLiteral("release.yaml"));
    } else if (!manifestPath.isEmpty() || needsManifest) {
        for (const ManifestProblem &problem : loaded.problems)
            err << problem.toString() << '\n';
        return false;
    }
    return true;
}

void printLabels(const LabelRead &read, bool json, QTextStream &out)
{
    if (json) {
        out << QJsonDocument(sourceJson(read)).toJson(QJsonDocument::Indented);
        return;
    }
    out << "# " << read.description << '\n';
    for (auto it = read.labels.begin(); it != read.labels.end(); ++it)
        out << it.key() << '=' << it.value() << '\n';
}

void printDiffJson(const QList<LabelRead> &reads, const QList<LabelDiffRow> &rows, const QList<LabelCheck> &checks,
                   int differences, QTextStream &out)
{
    QJsonArray diff;
    for (const LabelDiffRow &row : rows) {
        QJsonObject object{{QStringLiteral("key"), row.key},
                           {QStringLiteral("change"), LabelDiff::changeName(row.change)}};
        if (row.change != LabelChange::Added)
            object.insert(QStringLiteral("left"), row.left);
        if (row.change != LabelChange::Removed)
            object.insert(QStringLiteral("right"), row.right);
        diff.append(object);
    }
    QJsonArray checkArray;
    for (const LabelCheck &check : checks)
        checkArray.append(QJsonObject{{QStringLiteral("name"), check.name},
                                      {QStringLiteral("ok"), check.ok},
                                      {QStringLiteral("message"), check.message}});
    out << QJsonDocument(QJsonObject{{QStringLiteral("left"), sourceJson(reads.at(0))},
                                     {QStringLiteral("right"), sourceJson(reads.at(1))},
                                     {QStringLiteral("diff"), diff},
                                     {QStringLiteral("differences"), differences},
                                     {QStringLiteral("checks"), checkArray}})
               .toJson(QJsonDocument::Indented);
}

void printDiffText(const QList<LabelRead> &reads, const QList<LabelDiffRow> &rows, const QList<LabelCheck> &checks,
                   int differences, QTextStream &out)
{
    out << "--- " << reads.at(0).ref.toString() << "  (" << reads.at(0).description << ")\n";
    out << "+++ " << reads.at(1).ref.toString() << "  (" << reads.at(1).description << ")\n";
    for (const LabelDiffRow &row : rows) {
        switch (row.change) {
        case LabelChange::Same:
            out << "  same     " << row.key << " = " << row.left << '\n';
            break;
        case LabelChange::Added:
            out << "+ added    " << row.key << " = " << row.right << '\n';
            break;
        case LabelChange::Removed:
            out << "- removed  " << row.key << " = " << row.left << '\n';
            break;
        case LabelChange::Changed:
            out << "~ changed  " << row.key << " = " << row.left << " -> " << row.right << '\n';
            break;
        }
    }
    out << differences << " of " << rows.size() << " labels differ\n";
    for (const LabelCheck &check : checks)
        out << (check.ok ? "ok    " : "FAIL  ") << check.name << ": " << check.message << '\n';
}

} // namespace

int runLabels(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    addLabelsOptions(parser);
    if (const std::optional<int> code = parseCommandLine(parser, QStringLiteral("labels"), arguments, out, err))
        return *code;
    QList<LabelRef> parsed;
    if (!parseRefs(parser.positionalArguments().mid(1), parsed, err))
        return BadInput;
    LabelSource::Context context;
    if (!labelContext(parser, parsed, context, err))
        return BadInput;

    QList<LabelRead> reads;
    for (const LabelRef &ref : std::as_const(parsed)) {
        const LabelRead read = LabelSource::read(ref, context);
        if (!read.ok()) {
            err << "mrc labels: " << ref.toString() << ": " << read.error << '\n';
            return exitCode(read.failure);
        }
        reads << read;
    }
    const bool json = parser.isSet(QStringLiteral("json"));
    if (reads.size() == 1) {
        printLabels(reads.first(), json, out);
        return Ok;
    }

    const QList<LabelDiffRow> rows = LabelDiff::diff(reads.at(0).labels, reads.at(1).labels);
    const QList<LabelCheck> checks = LabelSource::checks(reads.at(0), reads.at(1));
    int differences = 0;
    for (const LabelDiffRow &row : rows)
        differences += row.change == LabelChange::Same ? 0 : 1;
    const bool checksOk = std::all_of(checks.cbegin(), checks.cend(), [](const LabelCheck &c) { return c.ok; });
    if (json)
        printDiffJson(reads, rows, checks, differences, out);
    else
        printDiffText(reads, rows, checks, differences, out);
    return differences == 0 && checksOk ? Ok : Failure;
}

} // namespace mrc::cli
