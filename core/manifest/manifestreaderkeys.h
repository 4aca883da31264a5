// SPDX-License-Identifier: Apache-2.0
#pragma once
// The allowed keys, bounds and name checks of the manifest reader, shared by manifestreader.cpp (the document,
// the top level, registry, tags, lint and engines) and manifestreaderparts.cpp (branches, components and tests).

#include "manifest/manifestreader.h"

#include <QRegularExpression>
#include <QStringList>
#include <string>
#include <yaml-cpp/yaml.h>

namespace mrc {

struct ManifestReader::Field
{
    YAML::Node value;
    SourcePos keyPos;
    SourcePos valuePos;
};

namespace manifestkeys {

inline constexpr qint64 kMaxNodes = 200000; // the default manifest has about 400
inline constexpr int kMaxNesting = 1000;    // yaml-cpp's own bound (2000) counts each level twice
inline constexpr qsizetype kMaxProblems = 1000;

inline const QStringList kTopKeys = {
    QStringLiteral("version"),         QStringLiteral("registry"),   QStringLiteral("engines"),
    QStringLiteral("branches"),        QStringLiteral("components"), QStringLiteral("lint"),
    QStringLiteral("stacks"),          QStringLiteral("tags"),       QStringLiteral("requirements"),
    QStringLiteral("docker_releases"), QStringLiteral("automation")};
inline const QStringList kTagsKeys = {QStringLiteral("release"), QStringLiteral("latest"), QStringLiteral("branch"),
                                      QStringLiteral("sha"), QStringLiteral("release_pattern")};
inline const QStringList kAutomationKeys = {QStringLiteral("enabled"),          QStringLiteral("interval"),
                                            QStringLiteral("review_namespace"), QStringLiteral("backoff"),
                                            QStringLiteral("first_run"),        QStringLiteral("rules")};
inline const QStringList kAutomationBackoffKeys = {QStringLiteral("initial"), QStringLiteral("max"),
                                                   QStringLiteral("retries")};
inline const QStringList kAutomationRuleKeys = {QStringLiteral("branches"), QStringLiteral("events"),
                                                QStringLiteral("actions"), QStringLiteral("components"),
                                                QStringLiteral("docker")};
inline const QStringList kAutomationEvents = {QStringLiteral("commit"), QStringLiteral("tag"),
                                              QStringLiteral("change")};
inline const QStringList kAutomationActions = {QStringLiteral("build"), QStringLiteral("test"), QStringLiteral("push")};
inline const QStringList kAutomationFirstRun = {QStringLiteral("seen"), QStringLiteral("changes"),
                                                QStringLiteral("events")};
inline constexpr int kMinInterval = 10;
inline constexpr int kMaxInterval = 7 * 86400;
inline const QStringList kLintKeys = {QStringLiteral("gate"), QStringLiteral("severity")};
inline const QStringList kLintLevels = {QStringLiteral("error"), QStringLiteral("warning"), QStringLiteral("info"),
                                        QStringLiteral("off")};
inline const QStringList kRegistryKeys = {QStringLiteral("host"), QStringLiteral("namespace")};
inline const QStringList kEngineKeys = {QStringLiteral("name"), QStringLiteral("host"), QStringLiteral("tls"),
                                        QStringLiteral("context"), QStringLiteral("jobs")};
inline const QStringList kTlsKeys = {QStringLiteral("ca"), QStringLiteral("cert"), QStringLiteral("key")};
inline const QStringList kBranchKeys = {QStringLiteral("name"), QStringLiteral("docker"), QStringLiteral("frozen"),
                                        QStringLiteral("publish_docker")};
inline const QStringList kComponentKeys = {QStringLiteral("name"),    QStringLiteral("image"), QStringLiteral("repo"),
                                           QStringLiteral("context"), QStringLiteral("base"),  QStringLiteral("tests")};
inline const QStringList kTestKeys = {
    QStringLiteral("name"),     QStringLiteral("kind"),    QStringLiteral("command"),    QStringLiteral("expect"),
    QStringLiteral("network"),  QStringLiteral("timeout"), QStringLiteral("compose"),    QStringLiteral("compose_file"),
    QStringLiteral("services"), QStringLiteral("probe"),   QStringLiteral("probe_image")};
inline const QStringList kStackKeys = kTestKeys + QStringList{QStringLiteral("component")};
inline const QStringList kTestKinds = {QStringLiteral("run"), QStringLiteral("health"), QStringLiteral("stack")};

// The form of a rule id: lint's own (MRC101) or hadolint's (DL3003, SC2086). Lint checks that the rule exists
// (LintRule::unknownIn), since the manifest sits below lint.
inline const QRegularExpression kLintRuleId(QStringLiteral("^(MRC|DL|SC)[0-9]+$"));

inline QString fromStd(const std::string &s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

// yaml-cpp marks are 0-based; a null mark (nodes it made up) falls back to the owner's position.
inline SourcePos posOf(const YAML::Node &node, SourcePos fallback)
{
    const YAML::Mark mark = node.Mark();
    if (mark.is_null() || mark.line < 0)
        return fallback;
    return {mark.line + 1, mark.column + 1};
}

inline QString kindOf(const YAML::Node &node)
{
    switch (node.Type()) {
    case YAML::NodeType::Map:
        return QStringLiteral("a map");
    case YAML::NodeType::Sequence:
        return QStringLiteral("a list");
    case YAML::NodeType::Scalar:
        return QStringLiteral("a scalar");
    default:
        return QStringLiteral("empty");
    }
}

// Optimal string alignment distance, cut short: any distance above `limit` comes back as limit + 1. A swapped pair
// of letters ("nmae") counts as one edit. Three rows, so a long word costs no allocation per cell.
inline int editDistance(const QString &a, const QString &b, int limit)
{
    const qsizetype n = a.size();
    const qsizetype m = b.size();
    if (std::abs(n - m) > limit)
        return limit + 1;
    QList<int> before(m + 1), previous(m + 1), current(m + 1);
    for (qsizetype j = 0; j <= m; ++j)
        previous[j] = int(j);
    for (qsizetype i = 1; i <= n; ++i) {
        current[0] = int(i);
        int rowMin = current[0];
        for (qsizetype j = 1; j <= m; ++j) {
            const int cost = a[i - 1].toLower() == b[j - 1].toLower() ? 0 : 1;
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1].toLower() == b[j - 2].toLower() && a[i - 2].toLower() == b[j - 1].toLower())
                current[j] = std::min(current[j], before[j - 2] + 1);
            rowMin = std::min(rowMin, current[j]);
        }
        if (rowMin > limit)
            return limit + 1;
        std::swap(before, previous);
        std::swap(previous, current);
    }
    return std::min(previous[m], limit + 1);
}

// The closest candidate, if it is close enough to be a likely typo. Only candidates of about the word's length are
// compared, and at most kMaxCandidates of them, so many unknown names against many candidates stay cheap.
inline QString closest(const QString &word, const QStringList &candidates)
{
    constexpr int kMaxCandidates = 500;
    constexpr qsizetype kMaxWord = 64;
    if (word.size() > kMaxWord)
        return {};
    QString best;
    int bestDistance = 0;
    int compared = 0;
    for (const QString &candidate : candidates) {
        const int allowed = candidate.size() <= 3 ? 1 : candidate.size() <= 6 ? 2 : 3;
        if (std::abs(candidate.size() - word.size()) > allowed)
            continue;
        if (++compared > kMaxCandidates)
            break;
        const int distance = editDistance(word, candidate, allowed);
        if (distance <= allowed && (best.isEmpty() || distance < bestDistance)) {
            best = candidate;
            bestDistance = distance;
        }
    }
    return best;
}

inline bool isValidImageName(const QString &image)
{
    static const QRegularExpression re(
        QStringLiteral("^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$"));
    return re.match(image).hasMatch();
}

inline bool isValidComponentName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[a-z0-9]+(?:[._-]+[a-z0-9]+)*$"));
    return re.match(name).hasMatch();
}

// The characters and sequences git refuses in a ref name.
inline bool isValidBranchName(const QString &name)
{
    static const QRegularExpression bad(QStringLiteral("[\\s~^:?*\\[\\\\]|\\.\\.|@\\{|^[-/.]|[/.]$|//|\\.lock$"));
    return !bad.match(name).hasMatch();
}

inline bool isRelativeFolder(const QString &context)
{
    if (context.startsWith(QLatin1Char('/')))
        return false;
    const QStringList parts = context.split(QLatin1Char('/'));
    return !parts.contains(QStringLiteral(".."));
}

} // namespace manifestkeys

using namespace manifestkeys;

} // namespace mrc
