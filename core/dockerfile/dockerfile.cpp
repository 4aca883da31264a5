// SPDX-License-Identifier: Apache-2.0
#include "dockerfile/dockerfile.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

namespace mrc {

namespace {

const QStringList jsonCapable{QStringLiteral("ADD"),        QStringLiteral("COPY"), QStringLiteral("CMD"),
                              QStringLiteral("ENTRYPOINT"), QStringLiteral("RUN"),  QStringLiteral("SHELL"),
                              QStringLiteral("VOLUME")};
const QStringList heredocCapable{QStringLiteral("RUN"), QStringLiteral("COPY"), QStringLiteral("ADD")};

QString trimmedLeft(const QString &s)
{
    int i = 0;
    while (i < s.size() && s.at(i).isSpace())
        ++i;
    return s.mid(i);
}

QString trimmedRight(const QString &s)
{
    int n = s.size();
    while (n > 0 && s.at(n - 1).isSpace())
        --n;
    return s.left(n);
}

/** Removes a trailing escape (plus blanks after it); returns whether the line continues. */
bool stripContinuation(QString &line, QChar escape)
{
    int n = line.size();
    while (n > 0 && (line.at(n - 1) == QLatin1Char(' ') || line.at(n - 1) == QLatin1Char('\t')))
        --n;
    if (n > 0 && line.at(n - 1) == escape) {
        line.truncate(n - 1);
        return true;
    }
    return false;
}

/** Splits leading --flags off; a flag value may be quoted. */
QString takeFlags(const QString &args, QStringList &flags)
{
    QString rest = trimmedLeft(args);
    while (rest.startsWith(QLatin1String("--"))) {
        int i = 0;
        QChar quote;
        while (i < rest.size()) {
            const QChar c = rest.at(i);
            if (!quote.isNull()) {
                if (c == quote)
                    quote = QChar();
            } else if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
                quote = c;
            } else if (c.isSpace()) {
                break;
            }
            ++i;
        }
        const QString word = rest.left(i);
        if (word == QLatin1String("--"))
            break;
        flags << word;
        rest = trimmedLeft(rest.mid(i));
    }
    return rest;
}

/** A JSON array of strings, as BuildKit's parseJSON accepts; nullopt-like: ok=false. */
QStringList parseJsonArray(const QString &text, bool *ok)
{
    *ok = false;
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isArray())
        return {};
    QStringList out;
    for (const QJsonValue &value : doc.array()) {
        if (!value.isString())
            return {};
        out << value.toString();
    }
    *ok = true;
    return out;
}

struct JsonCheck
{
    bool attempted = false; // starts with '['
    bool ok = false;
    QStringList elements;
};

JsonCheck checkJson(const QString &keyword, const QString &args)
{
    JsonCheck check;
    QString text = args;
    if (keyword == QLatin1String("HEALTHCHECK")) {
        static const QRegularExpression cmd(QStringLiteral("^CMD\\s+"), QRegularExpression::CaseInsensitiveOption);
        const auto m = cmd.match(text);
        if (!m.hasMatch())
            return check;
        text = text.mid(m.capturedLength());
    } else if (!jsonCapable.contains(keyword)) {
        return check;
    }
    text = trimmedRight(text);
    if (!text.startsWith(QLatin1Char('[')))
        return check;
    check.attempted = true;
    check.elements = parseJsonArray(text, &check.ok);
    return check;
}

/** Fills keyword, flags and arguments from `line`; returns where the arguments begin in it. */
int fill(DockerfileInstruction &inst, const QString &line)
{
    const QString text = trimmedLeft(line);
    int i = 0;
    while (i < text.size() && !text.at(i).isSpace())
        ++i;
    inst.keyword = text.left(i).toUpper();
    const QString rest = takeFlags(text.mid(i), inst.flags); // a suffix of `line`
    inst.arguments = trimmedRight(rest);
    const JsonCheck json = checkJson(inst.keyword, inst.arguments);
    inst.jsonForm = json.ok;
    inst.json = json.elements;
    return int(line.size() - rest.size());
}

/** Line starts of a text moved by `shift` characters to the left (offsets before the start become 0). */
QList<QPair<int, int>> shifted(const QList<QPair<int, int>> &starts, int shift)
{
    QList<QPair<int, int>> out;
    for (const auto &[offset, line] : starts)
        out.append({qMax(0, offset - shift), line});
    return out;
}

} // namespace

bool DockerfileProblem::isError() const
{
    switch (kind) {
    case UnknownInstruction:
    case InvalidDirective:
    case NoInstructions:
    case MissingArguments:
        return true;
    case ContinuationAtEnd:
    case InvalidJson:
    case EmptyContinuationLine:
        return false;
    }
    return true;
}

const QStringList &Dockerfile::knownInstructions()
{
    static const QStringList known{
        QStringLiteral("ADD"),    QStringLiteral("ARG"),        QStringLiteral("CMD"),
        QStringLiteral("COPY"),   QStringLiteral("ENTRYPOINT"), QStringLiteral("ENV"),
        QStringLiteral("EXPOSE"), QStringLiteral("FROM"),       QStringLiteral("HEALTHCHECK"),
        QStringLiteral("LABEL"),  QStringLiteral("MAINTAINER"), QStringLiteral("ONBUILD"),
        QStringLiteral("RUN"),    QStringLiteral("SHELL"),      QStringLiteral("STOPSIGNAL"),
        QStringLiteral("USER"),   QStringLiteral("VOLUME"),     QStringLiteral("WORKDIR")};
    return known;
}

Dockerfile Dockerfile::parse(const QByteArray &text, const QString &fileName)
{
    Dockerfile df;
    df.fileName = fileName;
    QByteArray bytes = text;
    if (bytes.startsWith("\xEF\xBB\xBF"))
        bytes.remove(0, 3);
    QStringList lines = QString::fromUtf8(bytes).split(QLatin1Char('\n'));
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    for (QString &line : lines) {
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
    }

    static const QRegularExpression directiveRe(QStringLiteral("^#\\s*([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.+?)\\s*$"));
    static const QRegularExpression heredocRe(QStringLiteral("<<(-?)\\s*([\"']?)([A-Za-z_][A-Za-z0-9_]*)\\2"));
    bool directivesDone = false;
    QSet<QString> seenDirectives;

    auto problem = [&df](int line, int column, DockerfileProblem::Kind kind, const QString &message) {
        df.problems.append({line, column, message, kind});
    };

    const int n = int(lines.size());
    for (int i = 0; i < n; ++i) {
        const int lineNo = i + 1;
        const QString stripped = trimmedLeft(lines.at(i));

        if (!directivesDone) {
            const auto m = directiveRe.match(stripped);
            const QString name = m.captured(1).toLower();
            if (m.hasMatch() && (name == QLatin1String("escape") || name == QLatin1String("syntax") ||
                                 name == QLatin1String("check"))) {
                if (seenDirectives.contains(name)) {
                    problem(lineNo, 1, DockerfileProblem::InvalidDirective,
                            QStringLiteral("only one %1 parser directive can be used").arg(name));
                } else if (name == QLatin1String("escape")) {
                    const QString token = m.captured(2);
                    if (token == QLatin1String("`") || token == QLatin1String("\\"))
                        df.escape = token.at(0);
                    else
                        problem(lineNo, 1, DockerfileProblem::InvalidDirective,
                                QStringLiteral("invalid escape token '%1' does not match ` or \\").arg(token));
                }
                seenDirectives.insert(name);
                df.comments.append({lineNo, stripped.mid(1)});
                continue;
            }
            directivesDone = true;
        }

        if (stripped.startsWith(QLatin1Char('#'))) {
            df.comments.append({lineNo, stripped.mid(1)});
            continue;
        }
        if (stripped.trimmed().isEmpty())
            continue;

        DockerfileInstruction inst;
        inst.firstLine = lineNo;
        QStringList source{lines.at(i)};
        QString joined = stripped;
        QList<QPair<int, int>> joinedLines{{0, lineNo}};
        bool continues = stripContinuation(joined, df.escape);
        bool emptyContinuation = false;
        while (continues && i + 1 < n) {
            ++i;
            const QString &raw = lines.at(i);
            source << raw;
            const QString rawStripped = trimmedLeft(raw);
            if (rawStripped.startsWith(QLatin1Char('#'))) {
                df.comments.append({i + 1, rawStripped.mid(1)});
                continue;
            }
            if (rawStripped.isEmpty()) {
                emptyContinuation = true;
                continue;
            }
            QString part = raw;
            continues = stripContinuation(part, df.escape);
            joinedLines.append({int(joined.size()), i + 1});
            joined += part;
        }
        inst.lastLine = i + 1;
        if (continues) {
            problem(inst.lastLine, 0, DockerfileProblem::ContinuationAtEnd,
                    QStringLiteral("the file ends inside a line continuation"));
        }
        if (emptyContinuation) {
            problem(inst.firstLine, 0, DockerfileProblem::EmptyContinuationLine,
                    QStringLiteral("empty continuation line (Docker warns; a future release makes it an error)"));
        }

        inst.argumentLines = shifted(joinedLines, fill(inst, joined));

        // Heredocs (RUN/COPY/ADD <<EOF): the body lines belong to the instruction, not to the parser.
        if (heredocCapable.contains(inst.keyword)) {
            auto it = heredocRe.globalMatch(inst.arguments);
            while (it.hasNext() && i + 1 < n) {
                const auto m = it.next();
                const bool stripTabs = !m.captured(1).isEmpty();
                const QString word = m.captured(3);
                bool closed = false;
                while (i + 1 < n) {
                    ++i;
                    source << lines.at(i);
                    QString body = lines.at(i);
                    if (stripTabs) {
                        while (body.startsWith(QLatin1Char('\t')))
                            body.remove(0, 1);
                    }
                    if (body == word) {
                        closed = true;
                        break;
                    }
                    inst.argumentLines.append({int(inst.arguments.size()) + 1, i + 1});
                    inst.arguments += QLatin1Char('\n') + body;
                }
                inst.lastLine = i + 1;
                if (!closed) {
                    problem(inst.lastLine, 0, DockerfileProblem::ContinuationAtEnd,
                            QStringLiteral("the file ends inside the heredoc %1").arg(word));
                }
            }
        }
        inst.source = source.join(QLatin1Char('\n'));

        const int column = int(lines.at(inst.firstLine - 1).size() - stripped.size()) + 1;
        if (!knownInstructions().contains(inst.keyword)) {
            problem(inst.firstLine, column, DockerfileProblem::UnknownInstruction,
                    QStringLiteral("unknown instruction: %1").arg(inst.keyword));
        } else if (inst.arguments.isEmpty()) {
            problem(inst.firstLine, column, DockerfileProblem::MissingArguments,
                    QStringLiteral("%1 requires at least one argument").arg(inst.keyword));
        } else {
            const JsonCheck json = checkJson(inst.keyword, inst.arguments);
            if (json.attempted && !json.ok) {
                problem(inst.firstLine, column, DockerfileProblem::InvalidJson,
                        QStringLiteral("%1 starts with '[' but is not a JSON array of strings; Docker runs it in "
                                       "shell form")
                            .arg(inst.keyword));
            }
            if (inst.keyword == QLatin1String("ONBUILD")) {
                const DockerfileInstruction inner = inst.onbuild(df.escape);
                if (!knownInstructions().contains(inner.keyword) || inner.keyword == QLatin1String("ONBUILD") ||
                    inner.keyword == QLatin1String("FROM")) {
                    problem(inst.firstLine, column, DockerfileProblem::UnknownInstruction,
                            QStringLiteral("ONBUILD cannot run %1").arg(inner.keyword));
                }
            }
        }
        df.instructions.append(inst);
    }

    if (df.instructions.isEmpty())
        problem(qMax(1, n), 0, DockerfileProblem::NoInstructions, QStringLiteral("file with no instructions"));
    return df;
}

DockerfileInstruction DockerfileInstruction::onbuild(QChar escape) const
{
    Q_UNUSED(escape)
    DockerfileInstruction inner;
    if (keyword != QLatin1String("ONBUILD"))
        return inner;
    inner.firstLine = firstLine;
    inner.lastLine = lastLine;
    inner.source = source;
    inner.argumentLines = shifted(argumentLines, fill(inner, arguments));
    return inner;
}

int DockerfileInstruction::lineAt(qsizetype offset) const
{
    int line = firstLine;
    for (const auto &[start, number] : argumentLines) {
        if (start > offset)
            break;
        line = number;
    }
    return line;
}

QStringList Dockerfile::splitWords(const QString &rest, QChar escape, QList<int> *starts)
{
    enum Phase
    {
        InSpaces,
        InWord,
        InQuote
    };
    Phase phase = InSpaces;
    QStringList words;
    QString word;
    QChar quote;
    bool blankOk = false;
    int wordStart = 0;
    auto push = [&] {
        words << word;
        if (starts)
            starts->append(wordStart);
    };
    const int n = int(rest.size());
    for (int pos = 0; pos <= n; ++pos) {
        QChar ch = pos < n ? rest.at(pos) : QChar();
        if (phase == InSpaces) {
            if (pos == n)
                break;
            if (ch.isSpace())
                continue;
            phase = InWord;
            wordStart = pos;
        }
        if (pos == n) {
            if (blankOk || !word.isEmpty())
                push();
            break;
        }
        if (phase == InWord) {
            if (ch.isSpace()) {
                phase = InSpaces;
                if (blankOk || !word.isEmpty())
                    push();
                word.clear();
                blankOk = false;
                continue;
            }
            if (ch == QLatin1Char('\'') || ch == QLatin1Char('"')) {
                quote = ch;
                blankOk = true;
                phase = InQuote;
            } else if (ch == escape) {
                if (pos + 1 == n)
                    continue;
                word += ch;
                ++pos;
                ch = rest.at(pos);
            }
            word += ch;
            continue;
        }
        // InQuote
        if (ch == quote) {
            phase = InWord;
        } else if (ch == escape && quote != QLatin1Char('\'')) {
            if (pos + 1 == n) {
                phase = InWord;
                continue;
            }
            word += ch;
            ++pos;
            ch = rest.at(pos);
        }
        word += ch;
    }
    return words;
}

QString Dockerfile::unquote(const QString &word, QChar escape)
{
    QString out;
    out.reserve(word.size());
    QChar quote;
    for (int i = 0; i < word.size(); ++i) {
        const QChar c = word.at(i);
        if (quote.isNull()) {
            if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
                quote = c;
            } else if (c == escape && i + 1 < word.size()) {
                out += word.at(++i);
            } else {
                out += c;
            }
        } else if (c == quote) {
            quote = QChar();
        } else if (quote == QLatin1Char('"') && c == escape && i + 1 < word.size()) {
            out += word.at(++i);
        } else {
            out += c;
        }
    }
    return out;
}

QList<QPair<QString, QString>> DockerfileInstruction::nameValues(QChar escape, QList<int> *lines) const
{
    QList<QPair<QString, QString>> out;
    QList<int> starts;
    const QStringList words = Dockerfile::splitWords(arguments, escape, &starts);
    if (words.isEmpty())
        return out;
    auto lineOf = [&](qsizetype word) {
        if (lines)
            lines->append(lineAt(starts.value(word)));
    };
    if (keyword == QLatin1String("ARG")) {
        for (qsizetype i = 0; i < words.size(); ++i) {
            const QString &w = words.at(i);
            lineOf(i);
            const qsizetype eq = w.indexOf(QLatin1Char('='));
            if (eq < 0)
                out.append({w, QString()});
            else
                out.append({w.left(eq), Dockerfile::unquote(w.mid(eq + 1), escape)});
        }
        return out;
    }
    if (!words.first().contains(QLatin1Char('='))) {
        // Legacy form `ENV NAME value with spaces`: everything after the name is the value.
        const QString name = words.first();
        const QString value = trimmedLeft(arguments.mid(arguments.indexOf(name) + name.size()));
        out.append({name, value.isNull() ? QStringLiteral("") : value});
        lineOf(0);
        return out;
    }
    for (qsizetype i = 0; i < words.size(); ++i) {
        const QString &w = words.at(i);
        const qsizetype eq = w.indexOf(QLatin1Char('='));
        if (eq < 0)
            continue; // Docker rejects this; the lint reports the syntax, not here
        lineOf(i);
        QString value = Dockerfile::unquote(w.mid(eq + 1), escape);
        if (value.isNull())
            value = QStringLiteral("");
        out.append({Dockerfile::unquote(w.left(eq), escape), value});
    }
    return out;
}

QList<DockerfileInstruction> Dockerfile::lastStage() const
{
    qsizetype start = 0;
    for (qsizetype i = 0; i < instructions.size(); ++i) {
        if (instructions.at(i).keyword == QLatin1String("FROM"))
            start = i;
    }
    return instructions.mid(start);
}

} // namespace mrc
