// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace mrc {

/** A problem found while parsing; line and column are 1-based (column 0 when unknown). */
struct DockerfileProblem
{
    /** What went wrong; Docker's own reaction is in the comment. */
    enum Kind
    {
        UnknownInstruction,    // docker build fails: "unknown instruction"
        ContinuationAtEnd,     // docker accepts it silently; almost always a truncated file
        InvalidJson,           // docker runs the text as shell form
        EmptyContinuationLine, // docker warns: "Empty continuation line found"
        InvalidDirective,      // docker build fails: bad escape token or a repeated directive
        NoInstructions,        // docker build fails: "file with no instructions"
        MissingArguments,      // docker build fails: "FROM requires ..."
    };
    int line = 0;
    int column = 0;
    QString message;
    Kind kind = UnknownInstruction;
    /** True when docker build would fail on it. */
    bool isError() const;
};

struct DockerfileInstruction
{
    QString keyword;   // upper case: FROM, RUN, ENV, ...
    QString arguments; // the text after the keyword and flags, continuations joined, comment lines inside removed
    QStringList flags; // leading --flag=value options (COPY --from=x, RUN --mount=...)
    bool jsonForm = false;
    QStringList json;  // the array elements when jsonForm
    int firstLine = 0; // 1-based, the keyword's line
    int lastLine = 0;  // the last continuation line
    QString source;    // the raw text of all its lines
    /** Where the text of each physical line begins in `arguments`: (offset, 1-based line), ascending offsets. */
    QList<QPair<int, int>> argumentLines;

    /** The physical line of `arguments[offset]` (a continuation line's own number); firstLine when unknown. */
    int lineAt(qsizetype offset) const;

    /** For ONBUILD X ...: X parsed as an instruction with the same lines; otherwise an empty one. */
    DockerfileInstruction onbuild(QChar escape = QLatin1Char('\\')) const;
    /** ENV, ARG and LABEL: (name, value) pairs with quotes removed and no variable expansion; value is
     *  null for `ARG NAME` without a default. `lines`, when given, gets the physical line of each name. */
    QList<QPair<QString, QString>> nameValues(QChar escape = QLatin1Char('\\'), QList<int> *lines = nullptr) const;
};

/** A Dockerfile split into instructions with their line ranges. Never throws; problems are collected.
 *  Follows BuildKit's parser (frontend/dockerfile/parser/parser.go): directives only before anything else,
 *  comment lines dropped also inside continuations, JSON form only for a valid array of strings. */
struct Dockerfile
{
    QString fileName;
    QChar escape = QLatin1Char('\\');
    QList<DockerfileInstruction> instructions;
    QList<DockerfileProblem> problems;
    /** Comment lines by 1-based line number (without the leading '#'), for `# mrc-ignore: RULE`. */
    QList<QPair<int, QString>> comments;

    static Dockerfile parse(const QByteArray &text, const QString &fileName = {});
    /** The instructions Docker knows, upper case. */
    static const QStringList &knownInstructions();
    /** Splits on whitespace outside quotes, as BuildKit's parseWords does; quotes and escapes are kept.
     *  `starts`, when given, gets the offset in `text` where each word begins. */
    static QStringList splitWords(const QString &text, QChar escape = QLatin1Char('\\'), QList<int> *starts = nullptr);
    /** Removes one level of quotes and escapes from a word. */
    static QString unquote(const QString &word, QChar escape = QLatin1Char('\\'));

    /** The instructions of the last build stage (from its FROM on). */
    QList<DockerfileInstruction> lastStage() const;
};

} // namespace mrc
