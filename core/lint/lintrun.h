// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dockerfile/dockerfile.h"
#include "lint/lintfinding.h"
#include "lint/lintinput.h"
#include "lint/shellscript.h"

#include <QList>
#include <QStringList>
#include <optional>

namespace mrc {

/**
 * One run of the rule catalogue over one input (Linter::lint): each rule is a method that adds its findings.
 * Rules on instructions are in lintrun.cpp, rules on scripts, files and the generic checks in lintrunscripts.cpp.
 */
class LintRun
{
public:
    LintRun(const LintInput &input, const Dockerfile &df, std::optional<QStringList> supplied)
        : m_in(input), m_df(df), m_supplied(std::move(supplied))
    {
    }

    QList<LintFinding> findings;

    void add(const QString &rule, int line, const QString &message, int column = 0, const QString &file = {});
    void run();

    // Shared by the rules and by Linter.
    static QString scriptOf(const DockerfileInstruction &inst);
    static bool isPipInstall(const ShellCommand &c);
    static bool isApkAdd(const ShellCommand &c);
    static QString imageOf(const DockerfileInstruction &from);
    static QString tagOf(const QString &image);
    /** COPY/ADD sources, quotes removed; empty for COPY --from (not the build context). */
    static QStringList copySources(const DockerfileInstruction &inst, QChar escape);
    static bool sourceCovers(QString source, const QString &path);
    static bool isArchiveOrUrl(const QString &source);
    static bool hasPipefail(const DockerfileInstruction &shell);
    static bool envDisablesPipCache(const DockerfileInstruction &env, QChar escape);
    static bool inlineDisablesPipCache(const QString &script);
    /** Where a variable is read: `$NAME` or `${NAME...}`, not `$NAMEX`. */
    static bool usesVariable(const QString &text, const QString &name) { return variableAt(text, name) >= 0; }
    /** The offset of the first read of the variable in `text`, or -1. */
    static qsizetype variableAt(const QString &text, const QString &name);
    /** The physical line of `scriptOf(inst)[offset]`: a continuation line of a shell-form RUN is its own line;
     *  firstLine for the JSON form or a negative offset. */
    static int lineOf(const DockerfileInstruction &inst, qsizetype offset);

private:
    /** An ARG declared in a build stage with no value of its own. */
    struct UnsetArg
    {
        QString name;
        int line = 0; // of the ARG (in the base's file when fromBase)
        bool fromBase = false;
    };

    static const QStringList kStandardArgs;
    static const QStringList kOciLabels;
    static const QStringList kTruthy;

    const LintInput &m_in;
    const Dockerfile &m_df;
    std::optional<QStringList> m_supplied;
    QList<DockerfileInstruction> m_stage;
    bool m_base = false;

    bool hasInstructions() const { return !m_df.instructions.isEmpty(); }
    int firstLine() const { return m_df.instructions.first().firstLine; }
    const DockerfileInstruction *lastFrom() const;
    bool fromMonascaBase() const;
    bool looksLikeBase() const;
    /** Instructions of the last stage plus the bodies of its ONBUILD instructions. */
    QList<DockerfileInstruction> withOnbuild(const QList<DockerfileInstruction> &list) const;
    void parseProblems();
    void mrc101();
    QStringList preFromArgs() const;
    void mrc102();
    void mrc103and104();
    void mrc105();
    void mrc106();
    void mrc107();
    void mrc108();
    void mrc109to111();
    /** The folder's files without those of nested image folders (monasca-common's docker/example). */
    QStringList ownFiles() const;
    void mrc112();
    void mrc113();
    /**
     * An ARG without a default gets its value from --build-arg, or in a stage from a global ARG (before the first
     * FROM) of the same name with a default. One that gets neither is empty; its first use is reported. A child's
     * stage first runs the base's ONBUILD triggers, so the base's ONBUILD ARGs are checked the same way.
     */
    void mrc114();
    /** The keyword as written: BuildKit accepts any case, the fleet writes upper case. */
    void mrc115();
    void generic();
    void aptLists(const DockerfileInstruction &inst, const ShellScript &shell);
    void pipCache(const DockerfileInstruction &inst, const ShellScript &shell, const QString &script, bool cacheOff);
};

} // namespace mrc
