// SPDX-License-Identifier: Apache-2.0
#include "lint/lintrule.h"
#include "lint/lintrun.h"
#include "lint/readmetable.h"
#include "manifest/manifest.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>
#include <algorithm>

namespace mrc {

void LintRun::mrc109to111()
{
    if (m_in.readmePath.isEmpty()) {
        add(QStringLiteral("MRC109"), firstLine(), QStringLiteral("README.rst is missing"));
        return;
    }
    const QList<ReadmeTable::Variable> documented = ReadmeTable::variables(m_in.readme);
    QSet<QString> documentedNames;
    for (const ReadmeTable::Variable &v : documented)
        documentedNames.insert(v.name);

    QSet<QString> envNames;
    for (const DockerfileInstruction &inst : withOnbuild(m_df.instructions)) {
        if (inst.keyword == QLatin1String("ENV")) {
            for (const auto &pair : inst.nameValues(m_df.escape))
                envNames.insert(pair.first);
        }
    }

    const QString readmeName = QFileInfo(m_in.readmePath).fileName();
    bool reportedNoTable = false;
    for (const DockerfileInstruction &inst : m_stage) {
        if (inst.keyword != QLatin1String("ENV"))
            continue;
        if (documented.isEmpty()) {
            if (!reportedNoTable)
                add(QStringLiteral("MRC110"), inst.firstLine,
                    QStringLiteral("%1 has no table of environment variables").arg(readmeName));
            reportedNoTable = true;
            continue;
        }
        QList<int> lines;
        const auto pairs = inst.nameValues(m_df.escape, &lines);
        for (qsizetype i = 0; i < pairs.size(); ++i) {
            if (!documentedNames.contains(pairs.at(i).first))
                add(QStringLiteral("MRC110"), lines.value(i, inst.firstLine),
                    QStringLiteral("ENV %1 is not in the table of %2").arg(pairs.at(i).first, readmeName));
        }
    }

    // An entry is stale when its default differs from the ENV value, or when nothing sets or reads it; the
    // second needs every script of the folder, so it is skipped when one exists upstream but was not read.
    QHash<QString, QString> envValues;
    for (const DockerfileInstruction &inst : m_stage) {
        if (inst.keyword == QLatin1String("ENV")) {
            for (const auto &pair : inst.nameValues(m_df.escape))
                envValues.insert(pair.first, pair.second);
        }
    }
    bool allScriptsRead = true;
    for (const QString &file : ownFiles()) {
        if (LintInput::isTextOfInterest(file) && !file.endsWith(QLatin1String(".j2")) && !m_in.texts.contains(file))
            allScriptsRead = false;
    }
    QSet<QString> words;
    static const QRegularExpression word(QStringLiteral("[A-Za-z_][A-Za-z0-9_]*"));
    for (auto it = m_in.texts.cbegin(); it != m_in.texts.cend(); ++it) {
        auto m = word.globalMatch(QString::fromUtf8(it.value()));
        while (m.hasNext())
            words.insert(m.next().captured(0));
    }
    QSet<QString> reported;
    for (const ReadmeTable::Variable &v : documented) {
        if (reported.contains(v.name))
            continue;
        if (envValues.contains(v.name)) {
            const QString value = envValues.value(v.name);
            if (!v.baseOnly && v.defaultValue != value) {
                reported.insert(v.name);
                add(QStringLiteral("MRC111"), v.line,
                    QStringLiteral("%1: the table says %2, ENV sets %3")
                        .arg(v.name, v.defaultValue.isEmpty() ? QStringLiteral("nothing") : v.defaultValue,
                             value.isEmpty() ? QStringLiteral("\"\"") : value),
                    0, m_in.readmePath);
            }
            continue;
        }
        if (v.baseOnly || !allScriptsRead || envNames.contains(v.name) || words.contains(v.name))
            continue;
        reported.insert(v.name);
        add(QStringLiteral("MRC111"), v.line,
            QStringLiteral("%1 is documented but no ENV sets it and no file of the folder reads it").arg(v.name), 0,
            m_in.readmePath);
    }
}

QStringList LintRun::ownFiles() const
{
    QStringList nested;
    for (const QString &file : m_in.files) {
        if (file.endsWith(QLatin1String("/Dockerfile")))
            nested << file.left(file.size() - int(qstrlen("Dockerfile")));
    }
    QStringList out;
    for (const QString &file : m_in.files) {
        if (!std::any_of(nested.cbegin(), nested.cend(), [&](const QString &n) { return file.startsWith(n); }))
            out << file;
    }
    return out;
}

void LintRun::mrc112()
{
    QStringList sources;
    for (const DockerfileInstruction &inst : withOnbuild(m_df.instructions)) {
        if (inst.keyword == QLatin1String("COPY") || inst.keyword == QLatin1String("ADD"))
            sources << copySources(inst, m_df.escape);
    }
    for (const QString &file : ownFiles()) {
        if (!file.endsWith(QLatin1String(".j2")))
            continue;
        const bool copied =
            std::any_of(sources.cbegin(), sources.cend(), [&](const QString &s) { return sourceCovers(s, file); });
        if (!copied)
            add(QStringLiteral("MRC112"), firstLine(), QStringLiteral("%1 is not copied into the image").arg(file));
    }
}

void LintRun::mrc113()
{
    if (!m_base && fromMonascaBase())
        return; // the base image's ONBUILD LABEL sets them
    QSet<QString> labels;
    for (const DockerfileInstruction &inst : withOnbuild(m_stage)) {
        if (inst.keyword == QLatin1String("LABEL")) {
            for (const auto &pair : inst.nameValues(m_df.escape))
                labels.insert(pair.first);
        }
    }
    QStringList missing;
    for (const QString &label : kOciLabels) {
        if (!labels.contains(label))
            missing << label;
    }
    if (!missing.isEmpty()) {
        const DockerfileInstruction *from = lastFrom();
        add(QStringLiteral("MRC113"), from ? from->firstLine : firstLine(),
            QStringLiteral("OCI labels not set: %1").arg(missing.join(QStringLiteral(", "))));
    }
}

void LintRun::mrc114()
{
    if (!m_supplied)
        return;
    const QStringList &supplied = *m_supplied;
    QHash<QString, bool> global; // name -> has a value (a default or a build argument)
    QList<UnsetArg> unset;       // in the current stage, until a use or an ENV of the name
    QSet<QString> reported;
    bool inStage = false;

    auto declare = [&](const DockerfileInstruction &arg, bool fromBase) {
        for (const auto &[name, value] : arg.nameValues(m_df.escape)) {
            const bool hasValue = !value.isNull() || supplied.contains(name);
            if (!inStage) {
                global.insert(name, hasValue);
                continue;
            }
            // clang 14 (the fuzz preset) cannot capture a structured binding: a copy of the name
            const QString declared = name;
            unset.removeIf([&declared](const UnsetArg &u) { return u.name == declared; });
            if (!hasValue && !global.value(name, false))
                unset.append({name, arg.firstLine, fromBase});
        }
    };
    // `inst` is where the text comes from (its continuation lines), null when all of it is reported at `line`
    auto checkUses = [&](const QString &text, int line, const QString &where,
                         const DockerfileInstruction *inst = nullptr) {
        for (qsizetype i = 0; i < unset.size(); ++i) {
            const UnsetArg u = unset.at(i);
            const qsizetype at = reported.contains(u.name) ? -1 : variableAt(text, u.name);
            if (at < 0)
                continue;
            reported.insert(u.name);
            if (inst)
                line = lineOf(*inst, at);
            const QString declared = u.fromBase ? QStringLiteral("the base's ONBUILD ARG %1 (%2:%3)")
                                                      .arg(u.name, m_in.baseDockerfilePath)
                                                      .arg(u.line)
                                                : QStringLiteral("ARG %1 (line %2)").arg(u.name).arg(u.line);
            add(QStringLiteral("MRC114"), line,
                QStringLiteral("%1 has no default and the build does not pass it, but %2 uses it")
                    .arg(declared, where));
        }
    };
    auto dropOnEnv = [&](const DockerfileInstruction &env) {
        for (const auto &pair : env.nameValues(m_df.escape))
            unset.removeIf([&](const UnsetArg &u) { return u.name == pair.first; });
    };

    const Dockerfile base = m_base || m_in.baseDockerfile.isEmpty()
                                ? Dockerfile()
                                : Dockerfile::parse(m_in.baseDockerfile, m_in.baseDockerfilePath);
    const DockerfileInstruction *last = lastFrom();
    for (const DockerfileInstruction &inst : m_df.instructions) {
        const QString &k = inst.keyword;
        if (k == QLatin1String("FROM")) {
            if (!inStage) {
                // FROM reads the global ARGs
                for (auto it = global.cbegin(); it != global.cend(); ++it) {
                    if (!it.value() && !reported.contains(it.key()) && usesVariable(inst.arguments, it.key())) {
                        reported.insert(it.key());
                        add(QStringLiteral("MRC114"), inst.firstLine,
                            QStringLiteral("ARG %1 has no default and the build does not pass it, but FROM "
                                           "uses it")
                                .arg(it.key()));
                    }
                }
            }
            inStage = true;
            unset.clear();
            if (&inst == last && fromMonascaBase()) {
                for (const DockerfileInstruction &outer : base.instructions) {
                    if (outer.keyword != QLatin1String("ONBUILD"))
                        continue;
                    const DockerfileInstruction trigger = outer.onbuild(base.escape);
                    if (trigger.keyword == QLatin1String("ARG")) {
                        declare(trigger, true);
                    } else if (trigger.keyword == QLatin1String("ENV")) {
                        checkUses(trigger.arguments, inst.firstLine,
                                  QStringLiteral("the base's ONBUILD ENV (%1:%2)")
                                      .arg(m_in.baseDockerfilePath)
                                      .arg(trigger.firstLine));
                        dropOnEnv(trigger);
                    } else {
                        checkUses(scriptOf(trigger) + QLatin1Char(' ') + trigger.flags.join(QLatin1Char(' ')),
                                  inst.firstLine,
                                  QStringLiteral("the base's ONBUILD %1 (%2:%3)")
                                      .arg(trigger.keyword, m_in.baseDockerfilePath)
                                      .arg(trigger.firstLine));
                    }
                }
            }
            continue;
        }
        if (k == QLatin1String("ARG")) {
            declare(inst, false);
            continue;
        }
        if (k == QLatin1String("ONBUILD") || !inStage)
            continue; // triggers run in the child's build, checked there
        checkUses(scriptOf(inst) + QLatin1Char(' ') + inst.flags.join(QLatin1Char(' ')), inst.firstLine,
                  QStringLiteral("%1 on this line").arg(k), &inst);
        if (k == QLatin1String("ENV"))
            dropOnEnv(inst);
    }
}

void LintRun::mrc115()
{
    static const QRegularExpression firstWord(QStringLiteral("^(\\s*)(\\S+)(\\s+)(\\S+)?"));
    for (const DockerfileInstruction &inst : m_df.instructions) {
        const auto m = firstWord.match(inst.source);
        if (!m.hasMatch())
            continue;
        const QString written = m.captured(2);
        if (written != written.toUpper()) {
            add(QStringLiteral("MRC115"), inst.firstLine,
                QStringLiteral("%1: write %2").arg(written, written.toUpper()), int(m.capturedStart(2)) + 1);
            continue;
        }
        const QString inner = m.captured(4);
        if (inst.keyword == QLatin1String("ONBUILD") && !inner.isEmpty() && inner != inner.toUpper() &&
            Dockerfile::knownInstructions().contains(inner.toUpper()))
            add(QStringLiteral("MRC115"), inst.firstLine,
                QStringLiteral("ONBUILD %1: write %2").arg(inner, inner.toUpper()), int(m.capturedStart(4)) + 1);
    }
}

void LintRun::generic()
{
    const DockerfileInstruction *last = lastFrom();
    bool inLastStage = last == nullptr;
    bool pipefail = false;
    bool pipCacheOff = false;
    bool onbuildPipCacheOff = false;
    // DL3059 state: flags and command count of the previous RUN, when the previous instruction was a RUN
    bool previousRun = false;
    QStringList previousFlags;
    int previousCount = 0;

    for (const DockerfileInstruction &inst : m_df.instructions) {
        const QString &k = inst.keyword;
        if (k == QLatin1String("FROM")) {
            pipefail = false;
            pipCacheOff = false;
            inLastStage = &inst == last;
            const QString image = imageOf(inst);
            if (tagOf(image) == QLatin1String("latest"))
                add(QStringLiteral("DL3007"), inst.firstLine,
                    QStringLiteral("FROM %1: using latest is prone to errors; pin the version").arg(image));
        } else if (k == QLatin1String("SHELL")) {
            pipefail = hasPipefail(inst);
        } else if (k == QLatin1String("ENV")) {
            pipCacheOff = pipCacheOff || envDisablesPipCache(inst, m_df.escape);
        } else if (k == QLatin1String("MAINTAINER")) {
            add(QStringLiteral("DL4000"), inst.firstLine, QStringLiteral("MAINTAINER is deprecated; use a LABEL"));
        } else if (k == QLatin1String("WORKDIR")) {
            const QString dir = Dockerfile::unquote(inst.arguments, m_df.escape);
            static const QRegularExpression windows(QStringLiteral("^[A-Za-z]:"));
            if (!dir.startsWith(QLatin1Char('/')) && !dir.startsWith(QLatin1Char('$')) &&
                !windows.match(dir).hasMatch())
                add(QStringLiteral("DL3000"), inst.firstLine, QStringLiteral("WORKDIR %1 is not absolute").arg(dir));
        } else if (k == QLatin1String("ADD")) {
            const QStringList sources = copySources(inst, m_df.escape);
            if (!std::all_of(sources.cbegin(), sources.cend(), isArchiveOrUrl))
                add(QStringLiteral("DL3020"), inst.firstLine,
                    QStringLiteral("use COPY instead of ADD for files and folders"));
        } else if (k == QLatin1String("CMD") || k == QLatin1String("ENTRYPOINT")) {
            if (!inst.jsonForm)
                add(QStringLiteral("DL3025"), inst.firstLine,
                    QStringLiteral("%1 in shell form; use JSON notation").arg(k));
        } else if (k == QLatin1String("ONBUILD")) {
            const DockerfileInstruction inner = inst.onbuild(m_df.escape);
            if (inner.keyword == QLatin1String("ENV"))
                onbuildPipCacheOff = onbuildPipCacheOff || envDisablesPipCache(inner, m_df.escape);
            if (inner.keyword == QLatin1String("RUN")) {
                // hadolint looks into ONBUILD for DL3009 and DL3042 only
                const QString script = scriptOf(inner);
                const ShellScript shell = ShellScript::parse(script);
                aptLists(inner, shell);
                pipCache(inner, shell, script, onbuildPipCacheOff);
            }
        }

        if (k == QLatin1String("RUN")) {
            const QString script = scriptOf(inst);
            const ShellScript shell = ShellScript::parse(script);
            // reported at the line of the command (a continuation line of the RUN)
            if (const ShellCommand *cd = shell.first(QStringLiteral("cd")))
                add(QStringLiteral("DL3003"), lineOf(inst, cd->offset),
                    QStringLiteral("cd in RUN; use WORKDIR to switch to a directory"));
            if (const ShellCommand *sudo = shell.first(QStringLiteral("sudo")))
                add(QStringLiteral("DL3004"), lineOf(inst, sudo->offset), QStringLiteral("do not use sudo"));
            if (const ShellCommand *apt = shell.first(QStringLiteral("apt")))
                add(QStringLiteral("DL3027"), lineOf(inst, apt->offset),
                    QStringLiteral("do not use apt; use apt-get or apt-cache"));
            const auto apk = std::find_if(shell.commands.cbegin(), shell.commands.cend(), [](const ShellCommand &c) {
                return isApkAdd(c) && !c.hasFlag(QStringLiteral("no-cache"));
            });
            if (apk != shell.commands.cend())
                add(QStringLiteral("DL3019"), lineOf(inst, apk->offset), QStringLiteral("apk add without --no-cache"));
            if (inLastStage)
                aptLists(inst, shell);
            pipCache(inst, shell, script, pipCacheOff);
            if (!inst.jsonForm && shell.hasPipe && !pipefail)
                add(QStringLiteral("DL4006"), lineOf(inst, shell.pipeOffset),
                    QStringLiteral(
                        "RUN with a pipe and no SHELL [\"/bin/ash\", \"-o\", \"pipefail\", \"-c\"] before it"));

            const int count = int(shell.commands.size());
            if (previousRun && previousFlags == inst.flags && count <= 2 && previousCount <= 2)
                add(QStringLiteral("DL3059"), inst.firstLine,
                    QStringLiteral("multiple consecutive RUN instructions; consider consolidation"));
            previousRun = true;
            previousFlags = inst.flags;
            previousCount = count;
        } else {
            previousRun = false;
        }
    }
}

void LintRun::aptLists(const DockerfileInstruction &inst, const ShellScript &shell)
{
    const auto update = std::find_if(shell.commands.cbegin(), shell.commands.cend(), [](const ShellCommand &c) {
        return c.baseName() == QLatin1String("apt-get") && c.hasArg(QStringLiteral("update"));
    });
    if (update == shell.commands.cend())
        return;
    const bool cleans = std::any_of(shell.commands.cbegin(), shell.commands.cend(), [](const ShellCommand &c) {
        return c.baseName() == QLatin1String("rm") && c.hasFlag(QStringLiteral("r")) &&
               c.hasFlag(QStringLiteral("f")) && c.hasArg(QStringLiteral("/var/lib/apt/lists/*"));
    });
    const bool cacheMount = std::any_of(inst.flags.cbegin(), inst.flags.cend(), [](const QString &f) {
        return f.startsWith(QLatin1String("--mount")) && f.contains(QLatin1String("target=/var/lib/apt"));
    });
    if (!cleans && !cacheMount)
        add(QStringLiteral("DL3009"), lineOf(inst, update->offset),
            QStringLiteral("apt-get update without rm -rf /var/lib/apt/lists/* in the same RUN"));
}

void LintRun::pipCache(const DockerfileInstruction &inst, const ShellScript &shell, const QString &script,
                       bool cacheOff)
{
    if (cacheOff || inlineDisablesPipCache(script))
        return;
    const auto forgot = std::find_if(shell.commands.cbegin(), shell.commands.cend(), [](const ShellCommand &c) {
        return isPipInstall(c) && !c.hasArg(QStringLiteral("--no-cache-dir"));
    });
    if (forgot != shell.commands.cend())
        add(QStringLiteral("DL3042"), lineOf(inst, forgot->offset),
            QStringLiteral("pip install without --no-cache-dir"));
}

} // namespace mrc
