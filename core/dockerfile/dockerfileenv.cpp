// SPDX-License-Identifier: Apache-2.0
#include "dockerfile/dockerfileenv.h"

#include <QRegularExpression>

namespace mrc {

namespace {

// Real Dockerfiles nest `${A:-${B}}` a few levels; the bound keeps a crafted word from exhausting the stack.
constexpr int kMaxSubstitutionDepth = 200;

/** A port of BuildKit's shell.Lex (frontend/dockerfile/shell/lex.go) over a QString. */
class ShellWord
{
public:
    ShellWord(const QString &word, const DockerfileEnv::Lookup &lookup, QChar escape)
        : m_word(word), m_lookup(lookup), m_escape(escape)
    {
    }

    std::optional<QString> process(QString *error)
    {
        auto result = processStopOn(QChar(), error);
        if (!result && error)
            *error = QStringLiteral("failed to process \"%1\": %2")
                         .arg(m_word.size() > 80 ? m_word.left(77) + QStringLiteral("...") : m_word, *error);
        return result;
    }

private:
    bool atEnd() const { return m_pos >= m_word.size(); }
    QChar peek() const { return atEnd() ? QChar() : m_word.at(m_pos); }
    QChar next() { return atEnd() ? QChar() : m_word.at(m_pos++); }

    // A null stopChar means "until the end".
    std::optional<QString> processStopOn(QChar stopChar, QString *error)
    {
        QString result;
        while (!atEnd()) {
            const QChar ch = peek();
            if (!stopChar.isNull() && ch == stopChar) {
                next();
                return result;
            }
            if (ch == QLatin1Char('$') || ch == QLatin1Char('\'') || ch == QLatin1Char('"')) {
                const auto part = ch == QLatin1Char('$')    ? processDollar(error)
                                  : ch == QLatin1Char('\'') ? processSingleQuote(error)
                                                            : processDoubleQuote(error);
                if (!part)
                    return std::nullopt;
                result += *part;
                continue;
            }
            QChar c = next();
            if (c == m_escape) {
                if (atEnd())
                    break; // an escape at the very end is dropped
                c = next();
            }
            result += c;
        }
        if (!stopChar.isNull()) {
            if (error)
                *error = QStringLiteral("unexpected end of statement while looking for matching %1").arg(stopChar);
            return std::nullopt;
        }
        return result;
    }

    std::optional<QString> processSingleQuote(QString *error)
    {
        QString result;
        next();
        while (true) {
            if (atEnd()) {
                if (error)
                    *error = QStringLiteral("unexpected end of statement while looking for matching single-quote");
                return std::nullopt;
            }
            const QChar ch = next();
            if (ch == QLatin1Char('\''))
                return result;
            result += ch;
        }
    }

    std::optional<QString> processDoubleQuote(QString *error)
    {
        QString result;
        next();
        while (true) {
            if (atEnd()) {
                if (error)
                    *error = QStringLiteral("unexpected end of statement while looking for matching double-quote");
                return std::nullopt;
            }
            const QChar ch = peek();
            if (ch == QLatin1Char('"')) {
                next();
                return result;
            }
            if (ch == QLatin1Char('$')) {
                const auto value = processDollar(error);
                if (!value)
                    return std::nullopt;
                result += *value;
                continue;
            }
            QChar c = next();
            if (c == m_escape) {
                if (atEnd())
                    continue; // ignored at the end of the word
                const QChar after = peek();
                if (after == QLatin1Char('"') || after == QLatin1Char('$') || after == m_escape)
                    c = next(); // only these can be escaped; any other escape stays literal
            }
            result += c;
        }
    }

    QString value(const QString &name, bool *found)
    {
        const std::optional<QString> v = m_lookup ? m_lookup(name) : std::nullopt;
        *found = v.has_value();
        return v.value_or(QString());
    }

    std::optional<QString> processDollar(QString *error)
    {
        if (m_depth >= kMaxSubstitutionDepth) {
            if (error)
                *error = QStringLiteral("substitutions nested more than %1 levels deep").arg(kMaxSubstitutionDepth);
            return std::nullopt;
        }
        ++m_depth;
        auto result = processDollarAt(error);
        --m_depth;
        return result;
    }

    std::optional<QString> processDollarAt(QString *error)
    {
        next();
        if (peek() != QLatin1Char('{')) {
            const QString name = processName();
            if (name.isEmpty())
                return QStringLiteral("$");
            bool found = false;
            return value(name, &found);
        }
        next();
        const QChar first = peek();
        if (atEnd()) {
            if (error)
                *error = QStringLiteral("syntax error: missing '}'");
            return std::nullopt;
        }
        if (first == QLatin1Char('{') || first == QLatin1Char('}') || first == QLatin1Char(':')) {
            if (error)
                *error = QStringLiteral("syntax error: bad substitution");
            return std::nullopt;
        }
        const QString name = processName();
        const QChar ch = next();
        if (ch == QLatin1Char('}')) {
            bool found = false;
            return value(name, &found);
        }
        if (ch == QLatin1Char('?')) {
            const auto word = processStopOn(QLatin1Char('}'), error);
            if (!word) {
                if (atEnd() && error)
                    *error = QStringLiteral("syntax error: missing '}'");
                return std::nullopt;
            }
            bool found = false;
            const QString v = value(name, &found);
            if (!found) {
                if (error)
                    *error = name + QStringLiteral(": ") +
                             (word->isEmpty() ? QStringLiteral("is not allowed to be unset") : *word);
                return std::nullopt;
            }
            return v;
        }
        if (ch == QLatin1Char(':')) {
            const QChar modifier = next();
            const auto word = processStopOn(QLatin1Char('}'), error);
            if (!word) {
                if (atEnd() && error)
                    *error = QStringLiteral("syntax error: missing '}'");
                return std::nullopt;
            }
            bool found = false;
            const QString v = value(name, &found);
            if (modifier == QLatin1Char('+'))
                return v.isEmpty() ? v : *word;
            if (modifier == QLatin1Char('-'))
                return v.isEmpty() ? *word : v;
            if (modifier == QLatin1Char('?')) {
                if (!found || v.isEmpty()) {
                    if (error)
                        *error = name + QStringLiteral(": ") +
                                 (!word->isEmpty() ? *word
                                  : found          ? QStringLiteral("is not allowed to be empty")
                                                   : QStringLiteral("is not allowed to be unset"));
                    return std::nullopt;
                }
                return v;
            }
            if (error)
                *error = QStringLiteral("unsupported modifier (%1) in substitution").arg(modifier);
            return std::nullopt;
        }
        if (error)
            *error = QStringLiteral("missing ':' in substitution");
        return std::nullopt;
    }

    QString processName()
    {
        QString name;
        while (!atEnd()) {
            const QChar ch = peek();
            if (name.isEmpty() && ch.isDigit()) {
                while (!atEnd() && peek().isDigit())
                    name += next();
                return name;
            }
            if (name.isEmpty() && QStringLiteral("@*#?-$!0").contains(ch))
                return QString(next());
            if (!ch.isLetter() && !ch.isDigit() && ch != QLatin1Char('_'))
                break;
            name += next();
        }
        return name;
    }

    QString m_word;
    const DockerfileEnv::Lookup &m_lookup;
    QChar m_escape;
    qsizetype m_pos = 0;
    int m_depth = 0;
};

struct Stage
{
    QString name;
    QList<DockerfileEnvVar> env;
    QList<QPair<QString, std::optional<QString>>> args;
    QMap<QString, QString> labels;
};

void setVar(QList<DockerfileEnvVar> &env, const DockerfileEnvVar &var)
{
    for (DockerfileEnvVar &existing : env) {
        if (existing.name == var.name) {
            existing = var;
            return;
        }
    }
    env.append(var);
}

void setArg(QList<QPair<QString, std::optional<QString>>> &args, const QString &name,
            const std::optional<QString> &value)
{
    for (auto &arg : args) {
        if (arg.first == name) {
            arg.second = value;
            return;
        }
    }
    args.append({name, value});
}

std::optional<QString> findArg(const QList<QPair<QString, std::optional<QString>>> &args, const QString &name)
{
    for (const auto &arg : args) {
        if (arg.first == name)
            return arg.second;
    }
    return std::nullopt;
}

bool hasArg(const QList<QPair<QString, std::optional<QString>>> &args, const QString &name)
{
    return std::any_of(args.cbegin(), args.cend(), [&](const auto &arg) { return arg.first == name; });
}

/** ENV's name/value pairs before expansion, as BuildKit's parseNameVal splits them. */
std::optional<QList<QPair<QString, QString>>> nameValuePairs(const QString &arguments, QChar escape, QString *error)
{
    QList<QPair<QString, QString>> pairs;
    const QString rest = arguments.trimmed();
    const QStringList words = Dockerfile::splitWords(rest, escape);
    if (words.isEmpty())
        return pairs;
    if (!words.first().contains(QLatin1Char('='))) {
        static const QRegularExpression whitespace(QStringLiteral("[\\t\\v\\f\\r ]+"));
        const QRegularExpressionMatch match = whitespace.match(rest);
        if (!match.hasMatch()) {
            *error = QStringLiteral("ENV must have two arguments");
            return std::nullopt;
        }
        pairs.append({rest.left(match.capturedStart()), rest.mid(match.capturedEnd())});
        return pairs;
    }
    for (const QString &word : words) {
        const qsizetype eq = word.indexOf(QLatin1Char('='));
        if (eq < 0) {
            *error = QStringLiteral("Syntax error - can't find = in \"%1\". Must be of the form: name=value").arg(word);
            return std::nullopt;
        }
        pairs.append({word.left(eq), word.mid(eq + 1)});
    }
    return pairs;
}

/** The instructions with `triggers` (a base's ONBUILD instructions) right after the last FROM. */
QList<DockerfileInstruction> withTriggers(QList<DockerfileInstruction> instructions,
                                          const QList<DockerfileInstruction> &triggers)
{
    for (qsizetype i = instructions.size() - 1; i >= 0 && !triggers.isEmpty(); --i) {
        if (instructions.at(i).keyword == QLatin1String("FROM")) {
            for (qsizetype t = 0; t < triggers.size(); ++t)
                instructions.insert(i + 1 + t, triggers.at(t));
            break;
        }
    }
    return instructions;
}

/** Adds a LABEL instruction's pairs, names and values substituted; false with *error on the first bad one. */
bool addLabels(QMap<QString, QString> &labels, const DockerfileInstruction &inst, const DockerfileEnv::Lookup &lookup,
               QChar escape, QString *error)
{
    const auto pairs = nameValuePairs(inst.arguments, escape, error);
    if (!pairs)
        return false;
    bool ok = true;
    for (const auto &[rawName, rawValue] : *pairs) {
        const auto name = DockerfileEnv::processWord(rawName, lookup, escape, error);
        const auto value = name ? DockerfileEnv::processWord(rawValue, lookup, escape, error) : std::nullopt;
        if (name && value && !name->isEmpty()) {
            labels.insert(*name, *value);
        } else if (ok) {
            if (name && value)
                *error = QStringLiteral("names can not be blank");
            ok = false;
        }
    }
    return ok;
}

} // namespace

QHash<QString, QString> DockerfileEnvResult::toHash() const
{
    QHash<QString, QString> out;
    for (const DockerfileEnvVar &var : env)
        out.insert(var.name, var.value);
    return out;
}

QStringList DockerfileEnvResult::toStrings() const
{
    QStringList out;
    for (const DockerfileEnvVar &var : env)
        out.append(var.name + QLatin1Char('=') + var.value);
    return out;
}

std::optional<QString> DockerfileEnv::processWord(const QString &word, const Lookup &lookup, QChar escape,
                                                  QString *error)
{
    QString message;
    ShellWord shell(word, lookup, escape);
    auto result = shell.process(&message);
    if (!result && error)
        *error = message;
    return result;
}

QList<DockerfileInstruction> DockerfileEnv::onbuildTriggers(const Dockerfile &base)
{
    QList<DockerfileInstruction> triggers;
    for (const DockerfileInstruction &inst : base.instructions) {
        if (inst.keyword == QLatin1String("ONBUILD"))
            triggers.append(inst.onbuild(base.escape));
    }
    return triggers;
}

DockerfileEnvResult DockerfileEnv::evaluate(const Dockerfile &file, const QList<DockerfileEnvVar> &inherited,
                                            const QHash<QString, QString> &buildArgs,
                                            const QList<DockerfileInstruction> &triggers)
{
    DockerfileEnvResult result;
    QList<QPair<QString, std::optional<QString>>> metaArgs;
    QList<Stage> stages;

    const Lookup metaLookup = [&](const QString &name) -> std::optional<QString> {
        if (buildArgs.contains(name) && hasArg(metaArgs, name))
            return buildArgs.value(name);
        return findArg(metaArgs, name);
    };
    // ENV wins over ARG: Docker appends only the ARGs whose names the environment does not have.
    auto stageLookup = [](const Stage &stage) -> Lookup {
        return [stage](const QString &name) -> std::optional<QString> {
            for (const DockerfileEnvVar &var : stage.env) {
                if (var.name == name)
                    return var.value;
            }
            return findArg(stage.args, name);
        };
    };
    auto problem = [&](const DockerfileInstruction &inst, const QString &message) {
        DockerfileProblem p;
        p.line = inst.firstLine;
        p.message = (file.fileName.isEmpty() ? QString() : file.fileName + QLatin1Char(':')) +
                    QString::number(inst.firstLine) + QStringLiteral(": ") + inst.keyword + QLatin1Char(' ') + message;
        p.kind = DockerfileProblem::MissingArguments;
        result.problems.append(p);
    };

    const QList<DockerfileInstruction> instructions = withTriggers(file.instructions, triggers);
    for (const DockerfileInstruction &inst : instructions) {
        if (inst.keyword == QLatin1String("FROM")) {
            const QStringList words = Dockerfile::splitWords(inst.arguments.trimmed(), file.escape);
            QString error;
            const auto image = processWord(words.value(0), metaLookup, file.escape, &error);
            if (!image)
                problem(inst, error);
            Stage stage;
            if (words.size() >= 3 && words.at(1).compare(QLatin1String("as"), Qt::CaseInsensitive) == 0)
                stage.name = words.at(2).toLower();
            stage.env = inherited;
            for (const Stage &earlier : stages) {
                if (!earlier.name.isEmpty() && image && earlier.name == image->toLower()) {
                    stage.env = earlier.env;
                    stage.labels = earlier.labels;
                }
            }
            stages.append(stage);
            result.fromImage = image.value_or(words.value(0));
            continue;
        }
        if (inst.keyword == QLatin1String("ARG")) {
            Stage *stage = stages.isEmpty() ? nullptr : &stages.last();
            const Lookup lookup = stage ? stageLookup(*stage) : metaLookup;
            for (const QString &word : Dockerfile::splitWords(inst.arguments.trimmed(), file.escape)) {
                const qsizetype eq = word.indexOf(QLatin1Char('='));
                const QString name = eq < 0 ? word : word.left(eq);
                std::optional<QString> value;
                if (eq >= 0) {
                    QString error;
                    value = processWord(word.mid(eq + 1), lookup, file.escape, &error);
                    if (!value) {
                        problem(inst, error);
                        continue;
                    }
                }
                if (buildArgs.contains(name))
                    value = buildArgs.value(name);
                else if (!value && stage && hasArg(metaArgs, name))
                    value = findArg(metaArgs, name);
                if (stage)
                    setArg(stage->args, name, value);
                else
                    setArg(metaArgs, name, value);
            }
            continue;
        }
        if (inst.keyword == QLatin1String("LABEL")) {
            if (stages.isEmpty())
                continue; // Docker refuses LABEL before FROM
            QString error;
            if (!addLabels(stages.last().labels, inst, stageLookup(stages.last()), file.escape, &error))
                problem(inst, error);
            continue;
        }
        if (inst.keyword == QLatin1String("ENV")) {
            if (stages.isEmpty())
                continue; // Docker refuses ENV before FROM; the lint reports it
            Stage &stage = stages.last();
            QString error;
            const auto pairs = nameValuePairs(inst.arguments, file.escape, &error);
            if (!pairs) {
                problem(inst, error);
                continue;
            }
            // Every pair sees the environment as it was before this instruction.
            const Lookup lookup = stageLookup(stage);
            QList<DockerfileEnvVar> updates;
            for (const auto &[rawName, rawValue] : *pairs) {
                const auto name = processWord(rawName, lookup, file.escape, &error);
                const auto value = name ? processWord(rawValue, lookup, file.escape, &error) : std::nullopt;
                if (!name || !value) {
                    problem(inst, error);
                    continue;
                }
                if (name->isEmpty()) {
                    problem(inst, QStringLiteral("names can not be blank"));
                    continue;
                }
                updates.append({*name, *value, inst.firstLine});
            }
            for (const DockerfileEnvVar &var : updates)
                setVar(stage.env, var);
        }
    }
    if (stages.isEmpty()) {
        result.env = inherited;
        return result;
    }
    result.env = stages.last().env;
    result.labels = stages.last().labels;
    for (const auto &[name, value] : stages.last().args) {
        if (value)
            result.args.insert(name, *value);
    }
    return result;
}

} // namespace mrc
