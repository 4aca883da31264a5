// SPDX-License-Identifier: Apache-2.0
#include "manifest/manifestreader.h"

#include "manifest/dockercontext.h"

#include <QRegularExpression>
#include <QSet>
#include <algorithm>
#include <sstream>
#include <string>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <sstream>

namespace mrc {

struct ManifestReader::Field
{
    YAML::Node value;
    SourcePos keyPos;
    SourcePos valuePos;
};

namespace {

// Watches the events of a manifest's second YAML document, if any: its first node with content.
class SecondDocument : public YAML::EventHandler
{
public:
    bool hasContent() const { return m_content; }
    YAML::Mark mark() const { return m_mark; }

    void OnDocumentStart(const YAML::Mark &) override { ++m_documents; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark &, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark &mark, YAML::anchor_t) override { note(mark); }
    void OnScalar(const YAML::Mark &mark, const std::string &, YAML::anchor_t, const std::string &) override
    {
        note(mark);
    }
    void OnSequenceStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t, YAML::EmitterStyle::value) override
    {
        note(mark);
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t, YAML::EmitterStyle::value) override
    {
        note(mark);
    }
    void OnMapEnd() override {}

private:
    void note(const YAML::Mark &mark)
    {
        if (m_documents >= 2 && !m_content) {
            m_content = true;
            m_mark = mark;
        }
    }
    int m_documents = 0;
    bool m_content = false;
    YAML::Mark m_mark;
};

constexpr qint64 kMaxNodes = 200000; // the default manifest has about 400
constexpr int kMaxNesting = 1000;    // yaml-cpp's own bound (2000) counts each level twice
constexpr qsizetype kMaxProblems = 1000;

const QStringList kTopKeys = {QStringLiteral("version"), QStringLiteral("registry"), QStringLiteral("engines"),
                              QStringLiteral("branches"), QStringLiteral("components"),
                              QStringLiteral("lint"), QStringLiteral("stacks"), QStringLiteral("tags"),
                              QStringLiteral("requirements"),
                              QStringLiteral("docker_releases")};
const QStringList kTagsKeys = {QStringLiteral("release"), QStringLiteral("latest"), QStringLiteral("branch"),
                               QStringLiteral("sha"), QStringLiteral("release_pattern")};
const QStringList kLintKeys = {QStringLiteral("gate"), QStringLiteral("severity")};
const QStringList kLintLevels = {QStringLiteral("error"), QStringLiteral("warning"), QStringLiteral("info"),
                                 QStringLiteral("off")};
const QStringList kRegistryKeys = {QStringLiteral("host"), QStringLiteral("namespace")};
const QStringList kEngineKeys = {QStringLiteral("name"), QStringLiteral("host"), QStringLiteral("tls"),
                                 QStringLiteral("context"), QStringLiteral("jobs")};
const QStringList kTlsKeys = {QStringLiteral("ca"), QStringLiteral("cert"), QStringLiteral("key")};
const QStringList kBranchKeys = {QStringLiteral("name"), QStringLiteral("docker"), QStringLiteral("frozen"),
                                 QStringLiteral("publish_docker")};
const QStringList kComponentKeys = {QStringLiteral("name"), QStringLiteral("image"), QStringLiteral("repo"),
                                    QStringLiteral("context"), QStringLiteral("base"), QStringLiteral("tests")};
const QStringList kTestKeys = {QStringLiteral("name"),    QStringLiteral("kind"),         QStringLiteral("command"),
                               QStringLiteral("expect"),  QStringLiteral("network"),      QStringLiteral("timeout"),
                               QStringLiteral("compose"), QStringLiteral("compose_file"), QStringLiteral("services"),
                               QStringLiteral("probe"),   QStringLiteral("probe_image")};
const QStringList kStackKeys = kTestKeys + QStringList{QStringLiteral("component")};
const QStringList kTestKinds = {QStringLiteral("run"), QStringLiteral("health"), QStringLiteral("stack")};

// The form of a rule id: lint's own (MRC101) or hadolint's (DL3003, SC2086). Lint checks that the rule exists.
const QRegularExpression kLintRuleId(QStringLiteral("^(MRC|DL|SC)[0-9]+$"));

QString fromStd(const std::string &s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

// yaml-cpp marks are 0-based; a null mark (nodes it made up) falls back to the owner's position.
SourcePos posOf(const YAML::Node &node, SourcePos fallback)
{
    const YAML::Mark mark = node.Mark();
    if (mark.is_null() || mark.line < 0)
        return fallback;
    return {mark.line + 1, mark.column + 1};
}

QString kindOf(const YAML::Node &node)
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
int editDistance(const QString &a, const QString &b, int limit)
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
QString closest(const QString &word, const QStringList &candidates)
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

bool isValidImageName(const QString &image)
{
    static const QRegularExpression re(
        QStringLiteral("^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$"));
    return re.match(image).hasMatch();
}

bool isValidComponentName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[a-z0-9]+(?:[._-]+[a-z0-9]+)*$"));
    return re.match(name).hasMatch();
}

// The characters and sequences git refuses in a ref name.
bool isValidBranchName(const QString &name)
{
    static const QRegularExpression bad(QStringLiteral("[\\s~^:?*\\[\\\\]|\\.\\.|@\\{|^[-/.]|[/.]$|//|\\.lock$"));
    return !bad.match(name).hasMatch();
}

bool isRelativeFolder(const QString &context)
{
    if (context.startsWith(QLatin1Char('/')))
        return false;
    const QStringList parts = context.split(QLatin1Char('/'));
    return !parts.contains(QStringLiteral(".."));
}

} // namespace

ManifestReader::ManifestReader(QString fileName) : m_fileName(std::move(fileName)) {}

void ManifestReader::report(SourcePos pos, const QString &message)
{
    if (m_problems.size() > kMaxProblems)
        return;
    if (m_problems.size() == kMaxProblems) {
        m_problems.append({m_fileName, pos.line, pos.column,
                           QStringLiteral("more than %1 problems; fix these first (the rest are not listed)")
                               .arg(kMaxProblems)});
        return;
    }
    m_problems.append({m_fileName, pos.line, pos.column, message});
}

// Walks the tree as the reader will, aliases expanded, without recursing: a tree that expands to more nodes than
// any manifest needs (an alias bomb, or an alias inside its own anchor) is refused before it is read. Also finds
// the quoted scalar that comes last in the file, to check that its quote closes: yaml-cpp accepts an unterminated
// quote that runs to the end of the file.
bool ManifestReader::checkTree(const YAML::Node &root, const QByteArray &text)
{
    std::vector<YAML::Node> stack{root};
    qint64 visited = 0;
    qint64 lastQuoted = -1;
    while (!stack.empty()) {
        const YAML::Node node = stack.back();
        stack.pop_back();
        if (++visited > kMaxNodes) {
            m_problems.clear();
            report(posOf(node, {1, 1}),
                   QStringLiteral("the manifest expands to more than %1 YAML nodes; an alias (*name) repeats a large "
                                  "part too often, or refers to itself")
                       .arg(kMaxNodes));
            return false;
        }
        if (node.IsMap()) {
            for (auto it = node.begin(); it != node.end(); ++it) {
                stack.push_back(it->second);
                stack.push_back(it->first);
            }
        } else if (node.IsSequence()) {
            for (auto it = node.begin(); it != node.end(); ++it)
                stack.push_back(*it);
        } else if (node.IsScalar() && node.Tag() == "!" && !node.Mark().is_null()) {
            lastQuoted = std::max<qint64>(lastQuoted, node.Mark().pos);
        }
    }
    if (lastQuoted >= 0 && lastQuoted < text.size()) {
        const char quote = text.at(lastQuoted);
        bool closed = quote != '"' && quote != '\'';
        for (qsizetype i = lastQuoted + 1; i < text.size() && !closed; ++i) {
            if (quote == '"' && text.at(i) == '\\')
                ++i;
            else if (text.at(i) == quote && quote == '\'' && i + 1 < text.size() && text.at(i + 1) == '\'')
                ++i;
            else if (text.at(i) == quote)
                closed = true;
        }
        if (!closed) {
            const qsizetype lineStart = text.lastIndexOf('\n', lastQuoted) + 1;
            m_problems.clear();
            report({int(text.left(lastQuoted).count('\n')) + 1, int(lastQuoted - lineStart) + 1},
                   QStringLiteral("syntax error: the quoted string that starts here has no closing %1")
                       .arg(QLatin1Char(quote)));
            return false;
        }
    }
    return true;
}

ManifestResult ManifestReader::read(const QByteArray &text)
{
    m_manifest = Manifest();
    m_manifest.path = m_fileName;
    m_problems.clear();
    m_componentRefs.clear();

    try {
        const std::string input(text.constData(), size_t(text.size()));
        const YAML::Node root = YAML::Load(input);
        // yaml-cpp 0.7's LoadAll never ends on some inputs (",L"): the parser is asked for two documents at most.
        std::istringstream stream(input);
        YAML::Parser parser(stream);
        SecondDocument second;
        for (int i = 0; i < 2 && parser.HandleNextDocument(second); ++i) {
        }
        // An empty document (a trailing `---`) loses nothing; one with content would be ignored silently.
        const bool extra = second.hasContent();
        if (extra)
            report({second.mark().line + 1, second.mark().column + 1},
                   QStringLiteral("a second YAML document starts here; a manifest is one document: remove the '---' "
                                  "line or the rest"));
        if (!extra && checkTree(root, text))
            readTop(root);
    } catch (const YAML::DeepRecursion &e) {
        m_problems.clear();
        report({e.mark.line + 1, e.mark.column + 1},
               QStringLiteral("syntax error: the YAML nests too deeply here (lists or maps inside each other more "
                              "than %1 levels); a manifest needs a few")
                   .arg(kMaxNesting));
    } catch (const YAML::ParserException &e) {
        // A syntax error leaves no tree to check, so it is the only problem.
        m_problems.clear();
        report({e.mark.line + 1, e.mark.column + 1}, QStringLiteral("syntax error: %1").arg(fromStd(e.msg)));
    } catch (const YAML::Exception &e) {
        report({e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1},
               QStringLiteral("cannot read the manifest: %1").arg(fromStd(e.msg)));
    } catch (const std::exception &e) {
        report({}, QStringLiteral("cannot read the manifest: %1").arg(QString::fromLocal8Bit(e.what())));
    }

    std::stable_sort(m_problems.begin(), m_problems.end(), [](const ManifestProblem &a, const ManifestProblem &b) {
        return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    return {m_manifest, m_problems};
}

ManifestReader::Fields ManifestReader::readMap(const YAML::Node &map, const QStringList &allowed, const QString &where)
{
    Fields fields;
    for (auto it = map.begin(); it != map.end(); ++it) {
        const SourcePos keyPos = posOf(it->first, posOf(map, {1, 1}));
        if (!it->first.IsScalar()) {
            report(keyPos, QStringLiteral("keys must be plain names, not %1").arg(kindOf(it->first)));
            continue;
        }
        const QString key = fromStd(it->first.Scalar());
        if (!allowed.contains(key)) {
            const QString guess = m_problems.size() < kMaxProblems ? closest(key, allowed) : QString();
            if (!guess.isEmpty())
                report(keyPos, QStringLiteral("unknown key '%1'; did you mean '%2'?").arg(key, guess));
            else
                report(keyPos, QStringLiteral("unknown key '%1' in %2; allowed keys: %3")
                                   .arg(key, where, allowed.join(QStringLiteral(", "))));
            continue;
        }
        if (fields.contains(key)) {
            report(keyPos,
                   QStringLiteral("duplicate key '%1'; first given at line %2").arg(key).arg(fields[key].keyPos.line));
            continue;
        }
        // An empty value has no useful mark of its own (yaml-cpp points at the next line), so use the key's.
        const SourcePos valuePos = it->second.IsNull() ? keyPos : posOf(it->second, keyPos);
        fields.insert(key, {it->second, keyPos, valuePos});
    }
    return fields;
}

bool ManifestReader::expectMap(const YAML::Node &node, SourcePos pos, const QString &what)
{
    if (node.IsMap())
        return true;
    report(pos, QStringLiteral("%1 must be a map, not %2").arg(what, kindOf(node)));
    return false;
}

bool ManifestReader::expectList(const YAML::Node &node, SourcePos pos, const QString &what, const QString &whenEmpty)
{
    if (node.IsNull() || (node.IsSequence() && node.size() == 0)) {
        report(pos, QStringLiteral("%1 is empty; %2").arg(what, whenEmpty));
        return false;
    }
    if (node.IsSequence())
        return true;
    report(pos, QStringLiteral("%1 must be a list, not %2").arg(what, kindOf(node)));
    return false;
}

// yaml-cpp marks an empty list item at the next token, so point at the list instead.
bool ManifestReader::emptyItem(const YAML::Node &item, SourcePos listPos, const QString &list)
{
    if (!item.IsNull())
        return false;
    report(listPos, QStringLiteral("%1 has an empty item; remove it or fill it in").arg(list));
    return true;
}

// The raw text of an optional scalar: "27.10" stays "27.10" even though YAML reads it as a number.
QString ManifestReader::scalar(const Fields &fields, const QString &key, SourcePos *pos)
{
    const auto it = fields.constFind(key);
    if (it == fields.constEnd())
        return {};
    if (pos)
        *pos = it->valuePos;
    if (it->value.IsNull()) {
        report(it->valuePos, QStringLiteral("'%1' has no value; write one after the colon").arg(key));
        return {};
    }
    if (!it->value.IsScalar()) {
        report(it->valuePos, QStringLiteral("'%1' must be a scalar, not %2").arg(key, kindOf(it->value)));
        return {};
    }
    const QString text = fromStd(it->value.Scalar()).trimmed();
    if (text.isEmpty())
        report(it->valuePos, QStringLiteral("'%1' is empty; give a value or remove the key").arg(key));
    return text;
}

QString ManifestReader::required(const Fields &fields, const QString &key, SourcePos owner, const QString &whenMissing,
                                 SourcePos *pos)
{
    if (!fields.contains(key)) {
        if (pos)
            *pos = owner;
        report(owner, whenMissing);
        return {};
    }
    return scalar(fields, key, pos);
}

void ManifestReader::readTop(const YAML::Node &root)
{
    const SourcePos start{1, 1};
    if (root.IsNull()) {
        report(start, QStringLiteral("the manifest is empty; start with 'version: 1'"));
        return;
    }
    if (!root.IsMap()) {
        report(posOf(root, start), QStringLiteral("the manifest must be a map of keys (%1), not %2")
                                       .arg(kTopKeys.join(QStringLiteral(", ")), kindOf(root)));
        return;
    }
    const Fields fields = readMap(root, kTopKeys, QStringLiteral("the manifest"));

    if (!fields.contains(QStringLiteral("version"))) {
        report(start, QStringLiteral("manifest has no 'version'; add 'version: 1'"));
    } else {
        SourcePos pos;
        const QString version = scalar(fields, QStringLiteral("version"), &pos);
        if (!version.isEmpty() && version != QLatin1String("1"))
            report(pos, QStringLiteral("unsupported version '%1'; this console reads version 1").arg(version));
    }

    if (fields.contains(QStringLiteral("registry"))) {
        const Field &f = fields[QStringLiteral("registry")];
        readRegistry(f.value, f.valuePos);
    }

    if (fields.contains(QStringLiteral("engines"))) {
        const Field &f = fields[QStringLiteral("engines")];
        readEngines(f.value, f.valuePos);
    } else {
        const QString host = ManifestParser::localEngineHost();
        const QString problem = ManifestParser::engineHostProblem(host);
        if (!problem.isEmpty())
            report({}, QStringLiteral("$DOCKER_HOST: %1").arg(problem));
        m_manifest.engines.append({QStringLiteral("local"), host, {}, {}});
    }

    if (fields.contains(QStringLiteral("branches"))) {
        const Field &f = fields[QStringLiteral("branches")];
        readBranches(f.value, f.valuePos);
    } else {
        report(start, QStringLiteral("manifest has no 'branches'; list the branches to build"));
    }

    if (fields.contains(QStringLiteral("docker_releases"))) {
        const Field &f = fields[QStringLiteral("docker_releases")];
        readDockerReleases(f.value, f.valuePos);
    }

    if (fields.contains(QStringLiteral("lint"))) {
        const Field &f = fields[QStringLiteral("lint")];
        readLint(f.value, f.valuePos);
    }

    if (fields.contains(QStringLiteral("tags"))) {
        const Field &f = fields[QStringLiteral("tags")];
        readTags(f.value, f.valuePos);
    }

    if (fields.contains(QStringLiteral("requirements"))) {
        SourcePos pos;
        const QString url = scalar(fields, QStringLiteral("requirements"), &pos);
        if (!url.isEmpty())
            m_manifest.requirements = url;
        m_manifest.requirementsPos = pos;
    }

    if (fields.contains(QStringLiteral("components"))) {
        const Field &f = fields[QStringLiteral("components")];
        readComponents(f.value, f.valuePos);
        checkBases();
    } else {
        report(start, QStringLiteral("manifest has no 'components'; list the images to build"));
    }

    if (fields.contains(QStringLiteral("stacks"))) {
        const Field &f = fields[QStringLiteral("stacks")];
        readTests(f.value, f.valuePos, QString(), &m_manifest.stacks);
    }
    checkTestReferences();
}

void ManifestReader::readRegistry(const YAML::Node &node, SourcePos pos)
{
    if (!expectMap(node, pos, QStringLiteral("'registry'")))
        return;
    const Fields fields = readMap(node, kRegistryKeys, QStringLiteral("'registry'"));
    SourcePos hostPos;
    const QString host = scalar(fields, QStringLiteral("host"), &hostPos);
    if (!host.isEmpty()) {
        if (host.contains(QLatin1String("://")) || host.contains(QLatin1Char('/')))
            report(hostPos, QStringLiteral("registry host '%1' must be a bare host name, e.g. 'docker.io'").arg(host));
        m_manifest.registry.host = host;
    }
    SourcePos nsPos;
    const QString ns = scalar(fields, QStringLiteral("namespace"), &nsPos);
    if (!ns.isEmpty()) {
        if (!isValidImageName(ns))
            report(nsPos, QStringLiteral("namespace '%1' must be lowercase letters, digits, '.', '_' or '-'").arg(ns));
        m_manifest.registry.ns = ns;
    }
}

void ManifestReader::readTags(const YAML::Node &node, SourcePos pos)
{
    if (!expectMap(node, pos, QStringLiteral("'tags'")))
        return;
    const Fields fields = readMap(node, kTagsKeys, QStringLiteral("'tags'"));
    const auto flag = [&](const QString &key, bool *out) {
        SourcePos valuePos;
        const QString value = scalar(fields, key, &valuePos);
        if (value == QLatin1String("true"))
            *out = true;
        else if (value == QLatin1String("false"))
            *out = false;
        else if (!value.isEmpty())
            report(valuePos, QStringLiteral("'%1' must be true or false, not '%2'").arg(key, value));
    };
    flag(QStringLiteral("release"), &m_manifest.tags.release);
    flag(QStringLiteral("latest"), &m_manifest.tags.latest);
    flag(QStringLiteral("branch"), &m_manifest.tags.branch);
    flag(QStringLiteral("sha"), &m_manifest.tags.sha);
    SourcePos patternPos;
    const QString pattern = scalar(fields, QStringLiteral("release_pattern"), &patternPos);
    if (!pattern.isEmpty()) {
        const QRegularExpression re(pattern);
        if (!re.isValid())
            report(patternPos, QStringLiteral("'release_pattern' is not a valid regular expression: %1 (at offset %2)")
                                   .arg(re.errorString())
                                   .arg(re.patternErrorOffset()));
        else
            m_manifest.tags.releasePattern = pattern;
    }
}

void ManifestReader::readLint(const YAML::Node &node, SourcePos pos)
{
    if (!expectMap(node, pos, QStringLiteral("'lint'")))
        return;
    const Fields fields = readMap(node, kLintKeys, QStringLiteral("'lint'"));
    SourcePos gatePos;
    const QString gate = scalar(fields, QStringLiteral("gate"), &gatePos);
    if (gate == QLatin1String("true"))
        m_manifest.lint.gate = true;
    else if (gate == QLatin1String("false"))
        m_manifest.lint.gate = false;
    else if (!gate.isEmpty())
        report(gatePos, QStringLiteral("'gate' must be true or false, not '%1'").arg(gate));

    if (!fields.contains(QStringLiteral("severity")))
        return;
    const Field &severity = fields[QStringLiteral("severity")];
    if (!expectMap(severity.value, severity.valuePos, QStringLiteral("'severity'")))
        return;
    for (auto it = severity.value.begin(); it != severity.value.end(); ++it) {
        const SourcePos keyPos = posOf(it->first, severity.valuePos);
        const QString rule = it->first.IsScalar() ? fromStd(it->first.Scalar()).trimmed() : QString();
        if (!kLintRuleId.match(rule).hasMatch()) {
            report(keyPos, QStringLiteral("unknown lint rule '%1'").arg(rule));
            continue;
        }
        if (m_manifest.lint.severity.contains(rule)) {
            report(keyPos, QStringLiteral("duplicate lint rule '%1'").arg(rule));
            continue;
        }
        const SourcePos valuePos = it->second.IsNull() ? keyPos : posOf(it->second, keyPos);
        const QString level = it->second.IsScalar() ? fromStd(it->second.Scalar()).trimmed() : QString();
        if (!kLintLevels.contains(level)) {
            report(valuePos, QStringLiteral("severity of '%1' must be error, warning, info or off").arg(rule));
            continue;
        }
        m_manifest.lint.severity.insert(rule, level);
        m_manifest.lint.severityPlace.insert(rule, {m_fileName, keyPos.line, keyPos.column, {}});
    }
}

void ManifestReader::readEngines(const YAML::Node &node, SourcePos pos)
{
    if (!expectList(node, pos, QStringLiteral("'engines'"),
                    QStringLiteral("list at least one engine, or remove the key to use $DOCKER_HOST")))
        return;
    QHash<QString, int> firstLine;
    for (const YAML::Node &item : node) {
        if (emptyItem(item, pos, QStringLiteral("'engines'")))
            continue;
        const SourcePos itemPos = posOf(item, pos);
        if (!expectMap(item, itemPos, QStringLiteral("each engine")))
            continue;
        const Fields fields = readMap(item, kEngineKeys, QStringLiteral("an engine"));
        EngineSpec engine;
        engine.pos = itemPos;
        SourcePos namePos;
        engine.name =
            required(fields, QStringLiteral("name"), itemPos, QStringLiteral("engine has no 'name'"), &namePos);
        const QString label =
            engine.name.isEmpty() ? QStringLiteral("engine") : QStringLiteral("engine '%1'").arg(engine.name);
        SourcePos hostPos;
        SourcePos contextPos;
        const QString context = scalar(fields, QStringLiteral("context"), &contextPos);
        if (!context.isEmpty() && fields.contains(QStringLiteral("host"))) {
            report(contextPos, QStringLiteral("%1 names both 'host' and 'context'; keep one").arg(label));
        } else if (fields.contains(QStringLiteral("context"))) {
            // A Docker context (`docker context create`) gives the host and the TLS files.
            DockerContext found;
            QString error;
            if (context.isEmpty())
                report(contextPos, QStringLiteral("%1: 'context' needs the name of a Docker context").arg(label));
            else if (!DockerContext::find(context, &found, &error))
                report(contextPos, QStringLiteral("%1: %2").arg(label, error));
            else {
                engine.host = found.host;
                engine.tls = found.tls;
                engine.context = context;
            }
        } else {
            engine.host =
                required(fields, QStringLiteral("host"), itemPos,
                         QStringLiteral("%1 has no 'host' or 'context'; e.g. unix:///var/run/docker.sock").arg(label),
                         &hostPos);
        }
        SourcePos jobsPos;
        if (const QString jobs = scalar(fields, QStringLiteral("jobs"), &jobsPos); !jobs.isEmpty()) {
            bool ok = false;
            engine.jobs = jobs.toInt(&ok);
            if (!ok || engine.jobs < 1 || engine.jobs > 64) {
                report(jobsPos, QStringLiteral("%1: 'jobs' must be a number from 1 to 64, not '%2'").arg(label, jobs));
                engine.jobs = 0;
            }
        }
        if (!engine.host.isEmpty() && engine.context.isEmpty()) {
            const QString problem = ManifestParser::engineHostProblem(engine.host);
            if (!problem.isEmpty())
                report(hostPos, problem);
        }
        if (fields.contains(QStringLiteral("tls"))) {
            const Field &tls = fields[QStringLiteral("tls")];
            if (expectMap(tls.value, tls.valuePos, QStringLiteral("'tls'"))) {
                const Fields tlsFields = readMap(tls.value, kTlsKeys, QStringLiteral("'tls'"));
                engine.tls.ca = scalar(tlsFields, QStringLiteral("ca"));
                engine.tls.cert = scalar(tlsFields, QStringLiteral("cert"));
                engine.tls.key = scalar(tlsFields, QStringLiteral("key"));
                if (engine.tls.cert.isEmpty() != engine.tls.key.isEmpty())
                    report(tls.valuePos, QStringLiteral("'tls' needs both 'cert' and 'key', or neither"));
                if (!engine.tls.isEmpty() && !engine.host.isEmpty() && !engine.host.startsWith(QLatin1String("tcp://")))
                    report(tls.keyPos, QStringLiteral("'tls' applies only to tcp:// hosts; remove it"));
            }
        }
        if (!engine.name.isEmpty()) {
            if (firstLine.contains(engine.name))
                report(namePos, QStringLiteral("duplicate engine '%1'; first defined at line %2")
                                    .arg(engine.name)
                                    .arg(firstLine[engine.name]));
            else
                firstLine.insert(engine.name, namePos.line);
        }
        m_manifest.engines.append(engine);
    }
}

void ManifestReader::readBranches(const YAML::Node &node, SourcePos pos)
{
    if (!expectList(node, pos, QStringLiteral("'branches'"), QStringLiteral("list at least one branch")))
        return;
    QHash<QString, int> firstLine;
    for (const YAML::Node &item : node) {
        if (emptyItem(item, pos, QStringLiteral("'branches'")))
            continue;
        const SourcePos itemPos = posOf(item, pos);
        if (!expectMap(item, itemPos, QStringLiteral("each branch")))
            continue;
        const Fields fields = readMap(item, kBranchKeys, QStringLiteral("a branch"));
        BranchSpec branch;
        branch.pos = itemPos;
        SourcePos namePos;
        branch.name =
            required(fields, QStringLiteral("name"), itemPos, QStringLiteral("branch has no 'name'"), &namePos);
        if (!branch.name.isEmpty()) {
            if (!isValidBranchName(branch.name))
                report(namePos, QStringLiteral("'%1' is not a valid git branch name").arg(branch.name));
            if (firstLine.contains(branch.name))
                report(namePos, QStringLiteral("duplicate branch '%1'; first defined at line %2")
                                    .arg(branch.name)
                                    .arg(firstLine[branch.name]));
            else
                firstLine.insert(branch.name, namePos.line);
        }
        const QString label =
            branch.name.isEmpty() ? QStringLiteral("branch") : QStringLiteral("branch '%1'").arg(branch.name);
        const auto docker = fields.constFind(QStringLiteral("docker"));
        if (docker == fields.constEnd()) {
            report(itemPos, QStringLiteral("%1 has no 'docker'; list its Docker versions").arg(label));
        } else if (expectList(docker->value, docker->valuePos, QStringLiteral("'docker'"),
                              QStringLiteral("list at least one Docker version"))) {
            QSet<QString> seenVersions;
            for (const YAML::Node &v : docker->value) {
                if (emptyItem(v, docker->valuePos, QStringLiteral("'docker'")))
                    continue;
                const SourcePos vPos = posOf(v, docker->valuePos);
                if (!v.IsScalar()) {
                    report(vPos, QStringLiteral("each Docker version must be a scalar, not %1").arg(kindOf(v)));
                    continue;
                }
                const QString version = fromStd(v.Scalar()).trimmed();
                if (!ManifestParser::isDockerVersion(version)) {
                    report(vPos, QStringLiteral("'%1' is not a Docker version; write MAJOR.MINOR or MAJOR.MINOR.PATCH, "
                                                "e.g. '28.2'")
                                     .arg(version));
                    continue;
                }
                if (seenVersions.contains(version)) {
                    report(vPos, QStringLiteral("duplicate Docker version '%1' in %2").arg(version, label));
                    continue;
                }
                seenVersions.insert(version);
                branch.docker.append(version);
                branch.dockerPos.append(vPos);
            }
        }
        SourcePos frozenPos;
        if (const QString frozen = scalar(fields, QStringLiteral("frozen"), &frozenPos); !frozen.isEmpty()) {
            branch.frozen = QDate::fromString(frozen, Qt::ISODate);
            branch.frozenPos = frozenPos;
            if (!branch.frozen.isValid())
                report(frozenPos, QStringLiteral("'frozen' of %1 is not a date; write YYYY-MM-DD").arg(label));
        }
        SourcePos publishPos;
        if (const QString publish = scalar(fields, QStringLiteral("publish_docker"), &publishPos); !publish.isEmpty()) {
            branch.publishDocker = publish;
            branch.publishDockerPos = publishPos;
            if (!branch.docker.contains(publish))
                report(publishPos, QStringLiteral("'publish_docker' %1 is not one of the Docker versions of %2 (%3)")
                                       .arg(publish, label, branch.docker.join(QStringLiteral(", "))));
        }
        m_manifest.branches.append(branch);
    }
}

void ManifestReader::readDockerReleases(const YAML::Node &node, SourcePos pos)
{
    m_manifest.dockerReleasesPos = pos;
    if (!expectList(node, pos, QStringLiteral("'docker_releases'"),
                    QStringLiteral("list the supported Docker versions, newest first")))
        return;
    for (const YAML::Node &v : node) {
        if (emptyItem(v, pos, QStringLiteral("'docker_releases'")))
            continue;
        const SourcePos vPos = posOf(v, pos);
        const QString version = v.IsScalar() ? fromStd(v.Scalar()).trimmed() : QString();
        if (!ManifestParser::isDockerVersion(version)) {
            report(vPos, QStringLiteral("'%1' is not a Docker version; write MAJOR.MINOR, e.g. '28.5'").arg(version));
            continue;
        }
        if (m_manifest.dockerReleases.contains(version)) {
            report(vPos, QStringLiteral("duplicate Docker version '%1' in 'docker_releases'").arg(version));
            continue;
        }
        m_manifest.dockerReleases.append(version);
    }
}

void ManifestReader::readComponents(const YAML::Node &node, SourcePos pos)
{
    if (!expectList(node, pos, QStringLiteral("'components'"), QStringLiteral("list at least one image to build")))
        return;
    QHash<QString, int> firstLine;
    for (const YAML::Node &item : node) {
        if (emptyItem(item, pos, QStringLiteral("'components'")))
            continue;
        const SourcePos itemPos = posOf(item, pos);
        if (!expectMap(item, itemPos, QStringLiteral("each component")))
            continue;
        const Fields fields = readMap(item, kComponentKeys, QStringLiteral("a component"));
        ComponentSpec c;
        c.pos = itemPos;
        SourcePos namePos;
        c.name = required(fields, QStringLiteral("name"), itemPos, QStringLiteral("component has no 'name'"), &namePos);
        const QString label =
            c.name.isEmpty() ? QStringLiteral("component") : QStringLiteral("component '%1'").arg(c.name);
        if (!c.name.isEmpty()) {
            if (!isValidComponentName(c.name))
                report(namePos, QStringLiteral("component name '%1' must be lowercase letters, digits, '.', '_' or '-'")
                                    .arg(c.name));
            if (firstLine.contains(c.name))
                report(namePos, QStringLiteral("duplicate component '%1'; first defined at line %2")
                                    .arg(c.name)
                                    .arg(firstLine[c.name]));
            else
                firstLine.insert(c.name, namePos.line);
        }
        c.repo = required(fields, QStringLiteral("repo"), itemPos,
                          QStringLiteral("%1 has no 'repo'; add the URL of its git repository").arg(label));

        SourcePos imagePos;
        c.image = scalar(fields, QStringLiteral("image"), &imagePos);
        if (!fields.contains(QStringLiteral("image")) && !c.name.isEmpty())
            c.image = m_manifest.registry.ns + QLatin1Char('/') + c.name;
        else if (!c.image.isEmpty() && !isValidImageName(c.image))
            report(imagePos, QStringLiteral("image '%1' is not a valid image name; use lowercase letters, digits, "
                                            "'.', '_', '-' and '/', without a tag")
                                 .arg(c.image));

        SourcePos contextPos;
        c.context = scalar(fields, QStringLiteral("context"), &contextPos);
        if (!fields.contains(QStringLiteral("context")))
            c.context = QStringLiteral("docker");
        else if (!c.context.isEmpty() && !isRelativeFolder(c.context))
            report(contextPos,
                   QStringLiteral("context '%1' must be a folder inside the repository, e.g. 'docker'").arg(c.context));
        while (c.context.size() > 1 && c.context.endsWith(QLatin1Char('/')))
            c.context.chop(1);

        SourcePos basePos = itemPos;
        c.base = scalar(fields, QStringLiteral("base"), &basePos);

        if (fields.contains(QStringLiteral("tests"))) {
            const Field &f = fields[QStringLiteral("tests")];
            readTests(f.value, f.valuePos, c.name.isEmpty() ? QStringLiteral("?") : c.name, &c.tests);
        }

        m_manifest.components.append(c);
        m_namePos.append(namePos);
        m_basePos.append(basePos);
    }
}

void ManifestReader::checkBases()
{
    const QList<ComponentSpec> &components = m_manifest.components;
    QHash<QString, int> index;
    QStringList names;
    for (int i = 0; i < components.size(); ++i) {
        if (!components[i].name.isEmpty() && !index.contains(components[i].name)) {
            index.insert(components[i].name, i);
            names.append(components[i].name);
        }
    }

    for (int i = 0; i < components.size(); ++i) {
        const QString &base = components[i].base;
        if (base.isEmpty() || index.contains(base))
            continue;
        const QString guess = m_problems.size() < kMaxProblems ? closest(base, names) : QString();
        if (!guess.isEmpty())
            report(m_basePos[i], QStringLiteral("base '%1' names no component; did you mean '%2'?").arg(base, guess));
        else
            report(m_basePos[i],
                   QStringLiteral("base '%1' names no component; add it to 'components' or fix the name").arg(base));
    }

    // Follow each chain of bases; a cycle is reported once, starting from its member that comes first in the file.
    // Each component is walked once: a chain that reaches a component already checked stops there.
    QSet<int> inReportedCycle;
    QList<int> checkedBy(components.size(), -1);
    for (int start = 0; start < components.size(); ++start) {
        QList<int> path;
        int at = start;
        while (at >= 0 && checkedBy[at] < 0 && !inReportedCycle.contains(at)) {
            checkedBy[at] = start;
            path.append(at);
            at = index.value(components[at].base, -1);
        }
        if (at < 0 || inReportedCycle.contains(at) || checkedBy[at] != start)
            continue;
        const QList<int> cycle = path.mid(path.indexOf(at));
        const int first = *std::min_element(cycle.begin(), cycle.end());
        const qsizetype offset = cycle.indexOf(first);
        QStringList chain;
        for (qsizetype k = 0; k <= cycle.size(); ++k)
            chain.append(components[cycle[(offset + k) % cycle.size()]].name);
        for (int member : cycle)
            inReportedCycle.insert(member);
        report(m_basePos[first], QStringLiteral("'base' forms a cycle: %1; remove one of these 'base' keys")
                                     .arg(chain.join(QStringLiteral(" -> "))));
    }
}

// `tests:` of a component (owner = its name) or the workspace's `stacks:` (owner empty).
void ManifestReader::readTests(const YAML::Node &node, SourcePos pos, const QString &owner, QList<TestSpec> *tests)
{
    const QString list = owner.isEmpty() ? QStringLiteral("'stacks'") : QStringLiteral("'tests'");
    if (!expectList(node, pos, list, QStringLiteral("list at least one test, or remove the key")))
        return;
    QHash<QString, int> firstLine;
    for (const TestSpec &existing : m_manifest.stacks)
        firstLine.insert(existing.name, existing.pos.line);
    for (const YAML::Node &item : node) {
        if (emptyItem(item, pos, list))
            continue;
        const SourcePos itemPos = posOf(item, pos);
        TestSpec test;
        if (!readTest(item, itemPos, owner, &test))
            continue;
        if (!test.name.isEmpty()) {
            if (firstLine.contains(test.name)) {
                report(itemPos, QStringLiteral("duplicate test '%1'; first defined at line %2")
                                    .arg(test.name)
                                    .arg(firstLine[test.name]));
                continue;
            }
            firstLine.insert(test.name, itemPos.line);
        }
        tests->append(test);
    }
}

bool ManifestReader::readTest(const YAML::Node &item, SourcePos itemPos, const QString &owner, TestSpec *test)
{
    const bool isStack = owner.isEmpty();
    if (!expectMap(item, itemPos, isStack ? QStringLiteral("each stack") : QStringLiteral("each test")))
        return false;
    const Fields fields = readMap(item, isStack ? kStackKeys : kTestKeys,
                                  isStack ? QStringLiteral("a stack") : QStringLiteral("a test"));
    test->pos = itemPos;
    test->name = required(fields, QStringLiteral("name"), itemPos,
                          isStack ? QStringLiteral("stack has no 'name'") : QStringLiteral("test has no 'name'"));
    if (!test->name.isEmpty() && !isValidComponentName(test->name))
        report(itemPos, QStringLiteral("test name '%1' must be lowercase letters, digits, '.', '_' or '-'").arg(test->name));
    const QString label = test->name.isEmpty() ? QStringLiteral("test") : QStringLiteral("test '%1'").arg(test->name);

    SourcePos kindPos = itemPos;
    QString kind = scalar(fields, QStringLiteral("kind"), &kindPos);
    if (!fields.contains(QStringLiteral("kind"))) {
        if (isStack)
            kind = QStringLiteral("stack");
        else
            report(itemPos, QStringLiteral("%1 has no 'kind'; write run, health or stack").arg(label));
    }
    if (!kind.isEmpty() && !kTestKinds.contains(kind)) {
        const QString guess = closest(kind, kTestKinds);
        report(kindPos, guess.isEmpty() ? QStringLiteral("unknown test kind '%1'; write run, health or stack").arg(kind)
                                        : QStringLiteral("unknown test kind '%1'; did you mean '%2'?").arg(kind, guess));
        kind.clear();
    }
    test->kind = kind == QLatin1String("health") ? TestSpec::Kind::Health
                 : kind == QLatin1String("stack") ? TestSpec::Kind::Stack
                                                  : TestSpec::Kind::Run;
    if (isStack && !kind.isEmpty() && test->kind != TestSpec::Kind::Stack)
        report(kindPos, QStringLiteral("a workspace stack must be of kind stack; put %1 tests under a component's "
                                       "'tests'").arg(kind));

    // Keys that make no sense for the kind are mistakes worth naming.
    const auto only = [&](const QString &key, TestSpec::Kind wanted) {
        if (fields.contains(key) && test->kind != wanted && !kind.isEmpty())
            report(fields[key].keyPos, QStringLiteral("'%1' applies only to %2 tests").arg(key, TestSpec::kindName(wanted)));
    };
    only(QStringLiteral("command"), TestSpec::Kind::Run);
    only(QStringLiteral("expect"), TestSpec::Kind::Run);
    only(QStringLiteral("network"), TestSpec::Kind::Run);
    for (const char *key : {"compose", "compose_file", "services", "probe", "probe_image"})
        only(QString::fromLatin1(key), TestSpec::Kind::Stack);

    test->command = scalar(fields, QStringLiteral("command"));
    if (test->kind == TestSpec::Kind::Run && !fields.contains(QStringLiteral("command")) && !kind.isEmpty())
        report(itemPos, QStringLiteral("%1 has no 'command'; give the command to run in the image").arg(label));
    SourcePos expectPos;
    test->expect = scalar(fields, QStringLiteral("expect"), &expectPos);
    if (!test->expect.isEmpty()) {
        const QRegularExpression re(test->expect);
        if (!re.isValid())
            report(expectPos, QStringLiteral("'expect' is not a valid regular expression: %1").arg(re.errorString()));
    }
    if (fields.contains(QStringLiteral("network")))
        test->network = scalar(fields, QStringLiteral("network"));

    SourcePos timeoutPos;
    const QString timeout = scalar(fields, QStringLiteral("timeout"), &timeoutPos);
    if (test->kind == TestSpec::Kind::Stack)
        test->timeoutSeconds = 180;
    if (!timeout.isEmpty()) {
        bool ok = false;
        QString number = timeout;
        if (number.endsWith(QLatin1Char('s')))
            number.chop(1);
        const int seconds = number.toInt(&ok);
        if (!ok || seconds < 1 || seconds > 86400)
            report(timeoutPos, QStringLiteral("'timeout' must be a number of seconds from 1 to 86400, not '%1'").arg(timeout));
        else
            test->timeoutSeconds = seconds;
    }

    SourcePos composePos;
    test->compose = scalar(fields, QStringLiteral("compose"), &composePos);
    if (!test->compose.isEmpty() && !isRelativeFolder(test->compose))
        report(composePos, QStringLiteral("'compose' must be a path inside the repository, e.g. "
                                          "'docker/docker-compose.yml'"));
    test->composeFile = scalar(fields, QStringLiteral("compose_file"));
    if (test->kind == TestSpec::Kind::Stack && !kind.isEmpty()) {
        if (test->compose.isEmpty() == test->composeFile.isEmpty() && !fields.contains(QStringLiteral("compose"))
            && !fields.contains(QStringLiteral("compose_file")))
            report(itemPos, QStringLiteral("%1 has no 'compose'; name the compose file in the repository, or give "
                                           "'compose_file'").arg(label));
        else if (!test->compose.isEmpty() && !test->composeFile.isEmpty())
            report(composePos, QStringLiteral("give either 'compose' or 'compose_file', not both"));
        test->probe = scalar(fields, QStringLiteral("probe"));
        if (!fields.contains(QStringLiteral("probe")))
            report(itemPos, QStringLiteral("%1 has no 'probe'; give the smoke command to run against the stack")
                                .arg(label));
    }
    if (fields.contains(QStringLiteral("services"))) {
        const Field &f = fields[QStringLiteral("services")];
        if (expectMap(f.value, f.valuePos, QStringLiteral("'services'"))) {
            for (auto it = f.value.begin(); it != f.value.end(); ++it) {
                const SourcePos keyPos = posOf(it->first, f.valuePos);
                const QString service = it->first.IsScalar() ? fromStd(it->first.Scalar()).trimmed() : QString();
                const QString component = it->second.IsScalar() ? fromStd(it->second.Scalar()).trimmed() : QString();
                if (service.isEmpty() || component.isEmpty()) {
                    report(keyPos, QStringLiteral("each service maps a compose service to a component, e.g. "
                                                  "'api: api'"));
                    continue;
                }
                test->services.insert(service, component);
                m_componentRefs.append({component, it->second.IsNull() ? keyPos : posOf(it->second, keyPos),
                                        QStringLiteral("service '%1'").arg(service)});
            }
        }
    }
    SourcePos probeImagePos;
    test->probeImage = scalar(fields, QStringLiteral("probe_image"), &probeImagePos);
    if (!test->probeImage.isEmpty())
        m_componentRefs.append({test->probeImage, probeImagePos, QStringLiteral("'probe_image'")});

    if (isStack) {
        SourcePos componentPos;
        test->component = required(fields, QStringLiteral("component"), itemPos,
                                   QStringLiteral("stack %1 has no 'component'; name the component whose repository "
                                                  "holds the compose file").arg(test->name), &componentPos);
        if (!test->component.isEmpty())
            m_componentRefs.append({test->component, componentPos, QStringLiteral("'component'")});
    } else {
        test->component = owner;
    }
    return true;
}

void ManifestReader::checkTestReferences()
{
    QStringList names;
    QSet<QString> known;
    for (const ComponentSpec &c : m_manifest.components) {
        names.append(c.name);
        known.insert(c.name);
    }
    for (const ComponentRef &ref : std::as_const(m_componentRefs)) {
        if (known.contains(ref.name))
            continue;
        const QString guess = m_problems.size() < kMaxProblems ? closest(ref.name, names) : QString();
        report(ref.pos, guess.isEmpty()
                            ? QStringLiteral("%1 names no component '%2'; use a name from 'components'").arg(ref.what, ref.name)
                            : QStringLiteral("%1 names no component '%2'; did you mean '%3'?").arg(ref.what, ref.name, guess));
    }
}

} // namespace mrc
