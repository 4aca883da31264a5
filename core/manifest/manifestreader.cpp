// SPDX-License-Identifier: Apache-2.0
#include "manifest/manifestreader.h"

#include "manifest/dockercontext.h"
#include "manifest/manifestreaderkeys.h"

#include <QRegularExpression>
#include <QSet>
#include <algorithm>
#include <sstream>
#include <string>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

namespace mrc {

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
    void OnSequenceStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t,
                         YAML::EmitterStyle::value) override
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

} // namespace

ManifestReader::ManifestReader(QString fileName) : m_fileName(std::move(fileName)) {}

void ManifestReader::report(SourcePos pos, const QString &message)
{
    if (m_problems.size() > kMaxProblems)
        return;
    if (m_problems.size() == kMaxProblems) {
        m_problems.append(
            {m_fileName, pos.line, pos.column,
             QStringLiteral("more than %1 problems; fix these first (the rest are not listed)").arg(kMaxProblems)});
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

    if (const auto it = fields.constFind(QStringLiteral("lint")); it != fields.constEnd())
        readLint(it->value, it->valuePos);

    if (const auto it = fields.constFind(QStringLiteral("tags")); it != fields.constEnd())
        readTags(it->value, it->valuePos);

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

    if (fields.contains(QStringLiteral("automation")))
        readAutomation(fields[QStringLiteral("automation")]);
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
            engine.host = required(
                fields, QStringLiteral("host"), itemPos,
                QStringLiteral("%1 has no 'host' or 'context'; e.g. unix:///var/run/docker.sock").arg(label), &hostPos);
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

} // namespace mrc
