// SPDX-License-Identifier: Apache-2.0
#include "lint/linter.h"

#include "dockerfile/buildscript.h"
#include "dockerfile/dockerfile.h"
#include "lint/hadolint.h"
#include "lint/lintinput.h"
#include "lint/lintrule.h"
#include "manifest/manifest.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <optional>

namespace mrc {

namespace {

const QStringList kStandardArgs{QStringLiteral("DOCKER_IMAGE"), QStringLiteral("APP_REPO"),
                                QStringLiteral("REPO_VERSION"), QStringLiteral("CONSTRAINTS_BRANCH")};
const QStringList kOciLabels{QStringLiteral("org.opencontainers.image.created"),
                             QStringLiteral("org.opencontainers.image.title"),
                             QStringLiteral("org.opencontainers.image.revision"),
                             QStringLiteral("org.opencontainers.image.licenses")};
const QStringList kTruthy{QStringLiteral("1"),  QStringLiteral("true"), QStringLiteral("True"), QStringLiteral("TRUE"),
                          QStringLiteral("on"), QStringLiteral("On"),   QStringLiteral("ON"),   QStringLiteral("yes"),
                          QStringLiteral("Yes"), QStringLiteral("YES")};

// ---- a small shell reader: enough to find commands, their words and pipes -----------------------------------

struct ShellCommand
{
    QString name;
    QStringList args;

    bool hasArg(const QString &arg) const { return args.contains(arg); }
    /** -x short flags may be clustered (-eo); --long flags are exact. */
    bool hasFlag(const QString &flag) const
    {
        for (const QString &a : args) {
            if (flag.size() == 1 && a.startsWith(QLatin1Char('-')) && !a.startsWith(QLatin1String("--"))
                && a.contains(flag))
                return true;
            if (a == QLatin1String("--") + flag || a.startsWith(QLatin1String("--") + flag + QLatin1Char('=')))
                return true;
        }
        return false;
    }
    QString baseName() const { return name.mid(name.lastIndexOf(QLatin1Char('/')) + 1); }
};

struct ShellScript
{
    QList<ShellCommand> commands;
    bool hasPipe = false;

    bool uses(const QString &program) const
    {
        return std::any_of(commands.cbegin(), commands.cend(),
                           [&](const ShellCommand &c) { return c.baseName() == program; });
    }
};

ShellScript parseShell(const QString &s)
{
    static const QRegularExpression assignment(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*="));
    ShellScript out;
    QStringList words;
    QString word;
    bool inWord = false;
    auto endWord = [&] {
        if (inWord)
            words << word;
        word.clear();
        inWord = false;
    };
    auto endCommand = [&] {
        endWord();
        while (!words.isEmpty() && assignment.match(words.first()).hasMatch())
            words.removeFirst();
        if (!words.isEmpty())
            out.commands.append({words.first(), words.mid(1)});
        words.clear();
    };
    const int n = int(s.size());
    for (int i = 0; i < n; ++i) {
        const QChar c = s.at(i);
        const QChar next = i + 1 < n ? s.at(i + 1) : QChar();
        if (c == QLatin1Char('\'')) {
            inWord = true;
            while (++i < n && s.at(i) != QLatin1Char('\''))
                word += s.at(i);
        } else if (c == QLatin1Char('"')) {
            inWord = true;
            while (++i < n && s.at(i) != QLatin1Char('"')) {
                if (s.at(i) == QLatin1Char('\\') && i + 1 < n)
                    ++i;
                word += s.at(i);
            }
        } else if (c == QLatin1Char('\\')) {
            inWord = true;
            if (i + 1 < n)
                word += s.at(++i);
        } else if (c == QLatin1Char('\n')) {
            endCommand();
        } else if (c.isSpace()) {
            endWord();
        } else if (c == QLatin1Char('&') || c == QLatin1Char(';') || c == QLatin1Char('(') || c == QLatin1Char(')')
                   || c == QLatin1Char('`')) {
            if (c == QLatin1Char('&') && next == QLatin1Char('&'))
                ++i;
            endCommand();
        } else if (c == QLatin1Char('$') && next == QLatin1Char('(')) {
            ++i;
            endCommand();
        } else if (c == QLatin1Char('|')) {
            if (next == QLatin1Char('|'))
                ++i;
            else
                out.hasPipe = true;
            endCommand();
        } else if (c == QLatin1Char('#') && !inWord) {
            while (i + 1 < n && s.at(i + 1) != QLatin1Char('\n'))
                ++i;
        } else {
            inWord = true;
            word += c;
        }
    }
    endCommand();
    return out;
}

QString scriptOf(const DockerfileInstruction &inst)
{
    return inst.jsonForm ? inst.json.join(QLatin1Char(' ')) : inst.arguments;
}

bool isPipInstall(const ShellCommand &c)
{
    const QString name = c.baseName();
    if (name.contains(QLatin1String("pipx")) || name.contains(QLatin1String("pipenv")))
        return false;
    if (name.startsWith(QLatin1String("pip")))
        return c.hasArg(QStringLiteral("install"));
    if (name.startsWith(QLatin1String("python"))) {
        const qsizetype m = c.args.indexOf(QStringLiteral("-m"));
        return m >= 0 && c.args.value(m + 1) == QLatin1String("pip") && c.hasArg(QStringLiteral("install"));
    }
    return false;
}

bool isApkAdd(const ShellCommand &c)
{
    return c.baseName() == QLatin1String("apk") && c.hasArg(QStringLiteral("add"));
}

QString imageOf(const DockerfileInstruction &from)
{
    return Dockerfile::splitWords(from.arguments).value(0);
}

QString tagOf(const QString &image)
{
    QString name = image.section(QLatin1Char('@'), 0, 0);
    const qsizetype slash = name.lastIndexOf(QLatin1Char('/'));
    const qsizetype colon = name.lastIndexOf(QLatin1Char(':'));
    return colon > slash ? name.mid(colon + 1) : QString();
}

/** COPY/ADD sources, quotes removed; empty for COPY --from (not the build context). */
QStringList copySources(const DockerfileInstruction &inst, QChar escape)
{
    for (const QString &flag : inst.flags) {
        if (flag.startsWith(QLatin1String("--from")))
            return {};
    }
    QStringList words;
    if (inst.jsonForm) {
        words = inst.json;
    } else {
        for (const QString &w : Dockerfile::splitWords(inst.arguments, escape))
            words << Dockerfile::unquote(w, escape);
    }
    if (!words.isEmpty())
        words.removeLast();
    return words;
}

bool sourceCovers(QString source, const QString &path)
{
    while (source.startsWith(QLatin1String("./")))
        source.remove(0, 2);
    while (source.endsWith(QLatin1Char('/')))
        source.chop(1);
    if (source.isEmpty() || source == QLatin1String("."))
        return true;
    if (path == source || path.startsWith(source + QLatin1Char('/')))
        return true;
    if (source.contains(QLatin1Char('*')) || source.contains(QLatin1Char('?')) || source.contains(QLatin1Char('['))) {
        const QRegularExpression re(QRegularExpression::wildcardToRegularExpression(source));
        if (re.match(path).hasMatch())
            return true;
        // a pattern that names a folder copies everything below it
        const QStringList parts = path.split(QLatin1Char('/'));
        for (int i = 1; i < parts.size(); ++i) {
            if (re.match(parts.mid(0, i).join(QLatin1Char('/'))).hasMatch())
                return true;
        }
    }
    return false;
}

bool isArchiveOrUrl(const QString &source)
{
    static const QStringList archives{
        QStringLiteral(".tar"), QStringLiteral(".tar.gz"), QStringLiteral(".tgz"), QStringLiteral(".tar.bz2"),
        QStringLiteral(".tbz2"), QStringLiteral(".tb2"), QStringLiteral(".tz2"), QStringLiteral(".tar.xz"),
        QStringLiteral(".txz"), QStringLiteral(".tar.zst"), QStringLiteral(".gz"), QStringLiteral(".bz2"),
        QStringLiteral(".xz"), QStringLiteral(".zip"), QStringLiteral(".zst"), QStringLiteral(".lz"),
        QStringLiteral(".lzma"), QStringLiteral(".tlz"), QStringLiteral(".Z")};
    if (source.startsWith(QLatin1String("http://")) || source.startsWith(QLatin1String("https://")))
        return true;
    return std::any_of(archives.cbegin(), archives.cend(), [&](const QString &a) { return source.endsWith(a); });
}

bool hasPipefail(const DockerfileInstruction &shell)
{
    if (!shell.jsonForm || shell.json.isEmpty())
        return false;
    static const QStringList nonPosix{QStringLiteral("pwsh"), QStringLiteral("powershell"), QStringLiteral("cmd")};
    const QString program = shell.json.first().section(QLatin1Char('/'), -1);
    if (std::any_of(nonPosix.cbegin(), nonPosix.cend(), [&](const QString &p) { return program.startsWith(p); }))
        return true;
    ShellCommand command{shell.json.first(), shell.json.mid(1)};
    static const QStringList shells{QStringLiteral("bash"), QStringLiteral("zsh"), QStringLiteral("ash")};
    return shells.contains(command.baseName()) && command.hasFlag(QStringLiteral("o"))
           && command.hasArg(QStringLiteral("pipefail"));
}

bool envDisablesPipCache(const DockerfileInstruction &env, QChar escape)
{
    for (const auto &[name, value] : env.nameValues(escape)) {
        if (name == QLatin1String("PIP_NO_CACHE_DIR") && kTruthy.contains(value))
            return true;
    }
    return false;
}

bool inlineDisablesPipCache(const QString &script)
{
    static const QRegularExpression re(QStringLiteral("PIP_NO_CACHE_DIR=['\"]?([A-Za-z0-9]+)"));
    auto it = re.globalMatch(script);
    while (it.hasNext()) {
        if (kTruthy.contains(it.next().captured(1)))
            return true;
    }
    return false;
}

// ---- the run over one input --------------------------------------------------------------------------------

/** Where a variable is read: `$NAME` or `${NAME...}`, not `$NAMEX`. */
bool usesVariable(const QString &text, const QString &name)
{
    const QRegularExpression re(QStringLiteral("\\$(\\{%1[}:?+-]|%1(?![A-Za-z0-9_]))")
                                    .arg(QRegularExpression::escape(name)));
    return re.match(text).hasMatch();
}

/** An ARG declared in a build stage with no value of its own. */
struct UnsetArg
{
    QString name;
    int line = 0;       // of the ARG (in the base's file when fromBase)
    bool fromBase = false;
};

class Run
{
public:
    Run(const LintInput &input, const Dockerfile &df, std::optional<QStringList> supplied)
        : m_in(input), m_df(df), m_supplied(std::move(supplied))
    {
    }

    QList<LintFinding> findings;

    void add(const QString &rule, int line, const QString &message, int column = 0, const QString &file = {})
    {
        const LintRule *r = LintRule::find(rule);
        LintFinding f;
        f.file = file.isEmpty() ? m_in.dockerfilePath : file;
        f.line = qMax(1, line);
        f.column = column;
        f.rule = rule;
        f.severity = r ? r->severity : LintSeverity::Warning;
        f.message = message.isEmpty() && r ? r->title : message;
        findings.append(f);
    }

    void run()
    {
        parseProblems();
        if (!hasInstructions())
            return;
        m_base = m_in.role == LintInput::Role::Base
                 || (m_in.role == LintInput::Role::Auto && looksLikeBase());
        m_stage = m_df.lastStage();
        if (!m_base) {
            mrc101();
            mrc102();
            mrc103and104();
            mrc105();
            mrc108();
        }
        mrc106();
        mrc107();
        mrc109to111();
        mrc112();
        mrc113();
        mrc114();
        mrc115();
        generic();
    }

private:
    const LintInput &m_in;
    const Dockerfile &m_df;
    std::optional<QStringList> m_supplied;
    QList<DockerfileInstruction> m_stage;
    bool m_base = false;

    bool hasInstructions() const { return !m_df.instructions.isEmpty(); }
    int firstLine() const { return m_df.instructions.first().firstLine; }
    const DockerfileInstruction *lastFrom() const
    {
        for (qsizetype i = m_df.instructions.size() - 1; i >= 0; --i) {
            if (m_df.instructions.at(i).keyword == QLatin1String("FROM"))
                return &m_df.instructions.at(i);
        }
        return nullptr;
    }
    bool fromMonascaBase() const
    {
        const DockerfileInstruction *from = lastFrom();
        return from && imageOf(*from).startsWith(QLatin1String("monasca/base:"));
    }
    bool looksLikeBase() const
    {
        const bool hasOnbuild = std::any_of(m_df.instructions.cbegin(), m_df.instructions.cend(),
                                            [](const auto &i) { return i.keyword == QLatin1String("ONBUILD"); });
        return hasOnbuild && !fromMonascaBase();
    }
    /** Instructions of the last stage plus the bodies of its ONBUILD instructions. */
    QList<DockerfileInstruction> withOnbuild(const QList<DockerfileInstruction> &list) const
    {
        QList<DockerfileInstruction> out;
        for (const DockerfileInstruction &inst : list)
            out << (inst.keyword == QLatin1String("ONBUILD") ? inst.onbuild(m_df.escape) : inst);
        return out;
    }

    void parseProblems()
    {
        for (const DockerfileProblem &p : m_df.problems)
            add(p.isError() ? QStringLiteral("MRC001") : QStringLiteral("MRC002"), p.line, p.message, p.column);
    }

    void mrc101()
    {
        const DockerfileInstruction *from = lastFrom();
        if (!from) {
            add(QStringLiteral("MRC101"), firstLine(), QStringLiteral("no FROM instruction"));
            return;
        }
        const QString image = imageOf(*from);
        if (image != QLatin1String("monasca/base:$BASE_TAG") && image != QLatin1String("monasca/base:${BASE_TAG}")) {
            add(QStringLiteral("MRC101"), from->firstLine,
                QStringLiteral("FROM %1: build on monasca/base:$BASE_TAG").arg(image));
            return;
        }
        if (!preFromArgs().contains(QStringLiteral("BASE_TAG")))
            add(QStringLiteral("MRC101"), from->firstLine, QStringLiteral("ARG BASE_TAG is not declared before FROM"));
    }

    QStringList preFromArgs() const
    {
        QStringList names;
        for (const DockerfileInstruction &inst : m_df.instructions) {
            if (inst.keyword == QLatin1String("FROM"))
                break;
            if (inst.keyword == QLatin1String("ARG")) {
                for (const auto &pair : inst.nameValues(m_df.escape))
                    names << pair.first;
            }
        }
        return names;
    }

    void mrc102()
    {
        const DockerfileInstruction *from = lastFrom();
        const QStringList declared = preFromArgs();
        for (const QString &arg : kStandardArgs) {
            if (!declared.contains(arg))
                add(QStringLiteral("MRC102"), from ? from->firstLine : firstLine(),
                    QStringLiteral("ARG %1 is not declared before FROM").arg(arg));
        }
    }

    void mrc103and104()
    {
        if (!m_in.files.contains(QStringLiteral("start.sh")))
            add(QStringLiteral("MRC103"), firstLine(), QStringLiteral("start.sh is not in the folder"));
        if (!m_in.files.contains(QStringLiteral("health_check.py")))
            add(QStringLiteral("MRC104"), firstLine(), QStringLiteral("health_check.py is not in the folder"));
    }

    void mrc105()
    {
        const DockerfileInstruction *cmd = nullptr;
        for (const DockerfileInstruction &inst : m_stage) {
            if (inst.keyword == QLatin1String("CMD"))
                cmd = &inst;
        }
        if (!cmd) {
            add(QStringLiteral("MRC105"), m_df.instructions.last().firstLine,
                QStringLiteral("no CMD; end with CMD [\"/start.sh\"]"));
        } else if (!cmd->jsonForm || cmd->json != QStringList{QStringLiteral("/start.sh")}) {
            add(QStringLiteral("MRC105"), cmd->firstLine,
                QStringLiteral("CMD %1: use CMD [\"/start.sh\"]").arg(cmd->arguments));
        }
    }

    void mrc106()
    {
        if (m_base) {
            const bool tini = std::any_of(m_stage.cbegin(), m_stage.cend(), [](const DockerfileInstruction &i) {
                return i.keyword == QLatin1String("ENTRYPOINT") && i.arguments.contains(QLatin1String("tini"));
            });
            if (!tini)
                add(QStringLiteral("MRC106"), m_df.instructions.last().firstLine,
                    QStringLiteral("the base image does not set ENTRYPOINT to tini"));
            return;
        }
        for (const DockerfileInstruction &inst : m_stage) {
            if (inst.keyword == QLatin1String("ENTRYPOINT"))
                add(QStringLiteral("MRC106"), inst.firstLine,
                    QStringLiteral("ENTRYPOINT %1 replaces the init process (tini)")
                        .arg(inst.arguments));
        }
    }

    void mrc107()
    {
        for (const DockerfileInstruction &inst : withOnbuild(m_df.instructions)) {
            if (inst.keyword != QLatin1String("RUN"))
                continue;
            const QString script = scriptOf(inst);
            const ShellScript shell = parseShell(script);
            bool forgot = false;
            bool removes = false;
            for (const ShellCommand &c : shell.commands) {
                if (isApkAdd(c) && !c.hasFlag(QStringLiteral("no-cache")))
                    forgot = true;
                if (c.baseName() == QLatin1String("rm")
                    && std::any_of(c.args.cbegin(), c.args.cend(),
                                   [](const QString &a) { return a.startsWith(QLatin1String("/var/cache/apk")); }))
                    removes = true;
            }
            if (forgot && !removes)
                add(QStringLiteral("MRC107"), inst.firstLine,
                    QStringLiteral("apk add without --no-cache and no rm -rf /var/cache/apk/* in the same RUN"));
        }
    }

    void mrc108()
    {
        int runs = 0;
        for (const DockerfileInstruction &inst : m_stage) {
            if (inst.keyword == QLatin1String("RUN") && ++runs > 1)
                add(QStringLiteral("MRC108"), inst.firstLine,
                    QStringLiteral("RUN number %1 of the image; keep the post-install steps in one RUN").arg(runs));
        }
    }

    void mrc109to111()
    {
        if (m_in.readmePath.isEmpty()) {
            add(QStringLiteral("MRC109"), firstLine(), QStringLiteral("README.rst is missing"));
            return;
        }
        const QList<Linter::ReadmeVariable> documented = Linter::readmeVariables(m_in.readme);
        QSet<QString> documentedNames;
        for (const Linter::ReadmeVariable &v : documented)
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
            for (const auto &pair : inst.nameValues(m_df.escape)) {
                if (!documentedNames.contains(pair.first))
                    add(QStringLiteral("MRC110"), inst.firstLine,
                        QStringLiteral("ENV %1 is not in the table of %2").arg(pair.first, readmeName));
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
        for (const Linter::ReadmeVariable &v : documented) {
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
                QStringLiteral("%1 is documented but no ENV sets it and no file of the folder reads it").arg(v.name),
                0, m_in.readmePath);
        }
    }

    /** The folder's files without those of nested image folders (monasca-common's docker/example). */
    QStringList ownFiles() const
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

    void mrc112()
    {
        QStringList sources;
        for (const DockerfileInstruction &inst : withOnbuild(m_df.instructions)) {
            if (inst.keyword == QLatin1String("COPY") || inst.keyword == QLatin1String("ADD"))
                sources << copySources(inst, m_df.escape);
        }
        for (const QString &file : ownFiles()) {
            if (!file.endsWith(QLatin1String(".j2")))
                continue;
            const bool copied = std::any_of(sources.cbegin(), sources.cend(),
                                            [&](const QString &s) { return sourceCovers(s, file); });
            if (!copied)
                add(QStringLiteral("MRC112"), firstLine(), QStringLiteral("%1 is not copied into the image").arg(file));
        }
    }

    void mrc113()
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

    /**
     * An ARG without a default gets its value from --build-arg, or in a stage from a global ARG (before the first
     * FROM) of the same name with a default. One that gets neither is empty; its first use is reported. A child's
     * stage first runs the base's ONBUILD triggers, so the base's ONBUILD ARGs are checked the same way.
     */
    void mrc114()
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
        auto checkUses = [&](const QString &text, int line, const QString &where) {
            for (qsizetype i = 0; i < unset.size(); ++i) {
                const UnsetArg u = unset.at(i);
                if (reported.contains(u.name) || !usesVariable(text, u.name))
                    continue;
                reported.insert(u.name);
                const QString declared = u.fromBase
                                             ? QStringLiteral("the base's ONBUILD ARG %1 (%2:%3)")
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
                      QStringLiteral("%1 on this line").arg(k));
            if (k == QLatin1String("ENV"))
                dropOnEnv(inst);
        }
    }

    /** The keyword as written: BuildKit accepts any case, the fleet writes upper case. */
    void mrc115()
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
            if (inst.keyword == QLatin1String("ONBUILD") && !inner.isEmpty() && inner != inner.toUpper()
                && Dockerfile::knownInstructions().contains(inner.toUpper()))
                add(QStringLiteral("MRC115"), inst.firstLine,
                    QStringLiteral("ONBUILD %1: write %2").arg(inner, inner.toUpper()), int(m.capturedStart(4)) + 1);
        }
    }

    void generic()
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
                if (!dir.startsWith(QLatin1Char('/')) && !dir.startsWith(QLatin1Char('$'))
                    && !windows.match(dir).hasMatch())
                    add(QStringLiteral("DL3000"), inst.firstLine, QStringLiteral("WORKDIR %1 is not absolute").arg(dir));
            } else if (k == QLatin1String("ADD")) {
                const QStringList sources = copySources(inst, m_df.escape);
                if (!std::all_of(sources.cbegin(), sources.cend(), isArchiveOrUrl))
                    add(QStringLiteral("DL3020"), inst.firstLine, QStringLiteral("use COPY instead of ADD for files and folders"));
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
                    const ShellScript shell = parseShell(script);
                    aptLists(inner, shell);
                    pipCache(inner, shell, script, onbuildPipCacheOff);
                }
            }

            if (k == QLatin1String("RUN")) {
                const QString script = scriptOf(inst);
                const ShellScript shell = parseShell(script);
                if (shell.uses(QStringLiteral("cd")))
                    add(QStringLiteral("DL3003"), inst.firstLine, QStringLiteral("cd in RUN; use WORKDIR to switch to a directory"));
                if (shell.uses(QStringLiteral("sudo")))
                    add(QStringLiteral("DL3004"), inst.firstLine, QStringLiteral("do not use sudo"));
                if (shell.uses(QStringLiteral("apt")))
                    add(QStringLiteral("DL3027"), inst.firstLine, QStringLiteral("do not use apt; use apt-get or apt-cache"));
                if (std::any_of(shell.commands.cbegin(), shell.commands.cend(),
                                [](const ShellCommand &c) { return isApkAdd(c) && !c.hasFlag(QStringLiteral("no-cache")); }))
                    add(QStringLiteral("DL3019"), inst.firstLine, QStringLiteral("apk add without --no-cache"));
                if (inLastStage)
                    aptLists(inst, shell);
                pipCache(inst, shell, script, pipCacheOff);
                if (!inst.jsonForm && shell.hasPipe && !pipefail)
                    add(QStringLiteral("DL4006"), inst.firstLine,
                        QStringLiteral("RUN with a pipe and no SHELL [\"/bin/ash\", \"-o\", \"pipefail\", \"-c\"] before it"));

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

    void aptLists(const DockerfileInstruction &inst, const ShellScript &shell)
    {
        const bool update = std::any_of(shell.commands.cbegin(), shell.commands.cend(), [](const ShellCommand &c) {
            return c.baseName() == QLatin1String("apt-get") && c.hasArg(QStringLiteral("update"));
        });
        if (!update)
            return;
        const bool cleans = std::any_of(shell.commands.cbegin(), shell.commands.cend(), [](const ShellCommand &c) {
            return c.baseName() == QLatin1String("rm") && c.hasFlag(QStringLiteral("r")) && c.hasFlag(QStringLiteral("f"))
                   && c.hasArg(QStringLiteral("/var/lib/apt/lists/*"));
        });
        const bool cacheMount = std::any_of(inst.flags.cbegin(), inst.flags.cend(), [](const QString &f) {
            return f.startsWith(QLatin1String("--mount")) && f.contains(QLatin1String("target=/var/lib/apt"));
        });
        if (!cleans && !cacheMount)
            add(QStringLiteral("DL3009"), inst.firstLine,
                QStringLiteral("apt-get update without rm -rf /var/lib/apt/lists/* in the same RUN"));
    }

    void pipCache(const DockerfileInstruction &inst, const ShellScript &shell, const QString &script, bool cacheOff)
    {
        if (cacheOff || inlineDisablesPipCache(script))
            return;
        const bool forgot = std::any_of(shell.commands.cbegin(), shell.commands.cend(), [](const ShellCommand &c) {
            return isPipInstall(c) && !c.hasArg(QStringLiteral("--no-cache-dir"));
        });
        if (forgot)
            add(QStringLiteral("DL3042"), inst.firstLine, QStringLiteral("pip install without --no-cache-dir"));
    }
};

/** Rules silenced by `# mrc-ignore: RULE[, RULE]`, keyed by the index of the instruction they precede. */
QHash<int, QStringList> ignores(const Dockerfile &df)
{
    static const QRegularExpression re(QStringLiteral("^\\s*mrc-ignore\\s*:\\s*(.+)$"));
    QHash<int, QStringList> out;
    for (const auto &[line, text] : df.comments) {
        const auto m = re.match(text);
        if (!m.hasMatch())
            continue;
        for (qsizetype i = 0; i < df.instructions.size(); ++i) {
            if (df.instructions.at(i).lastLine >= line) {
                out[int(i)] << m.captured(1).split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts);
                break;
            }
        }
    }
    return out;
}

/** What the build passes (see LintInput::buildArgs); nullopt: unknown. */
std::optional<QStringList> suppliedArgs(const LintInput &input, const Dockerfile &df)
{
    if (input.buildArgs)
        return input.buildArgs;
    static const QStringList scripts{QStringLiteral("build_image.sh"), QStringLiteral("build_base_image.sh")};
    QStringList names;
    bool read = false;
    for (const QString &script : scripts) {
        if (input.texts.contains(script)) {
            names << LintInput::scriptBuildArgs(input.texts.value(script));
            read = true;
        } else if (input.files.contains(script)) {
            return std::nullopt; // upstream has it, its text is not here
        }
    }
    if (read)
        return names;
    bool child = input.role == LintInput::Role::Child;
    if (input.role == LintInput::Role::Auto) {
        for (const DockerfileInstruction &inst : df.instructions) {
            if (inst.keyword == QLatin1String("FROM"))
                child = imageOf(inst).startsWith(QLatin1String("monasca/base:"));
        }
    }
    const QStringList own = BuildScript::argumentNames(child);
    if (own.isEmpty())
        return std::nullopt; // no plan could be made: unknown
    return own;
}

} // namespace

void Linter::setSeverity(const QString &rule, LintSeverity severity)
{
    m_severities.insert(rule, severity);
}

void Linter::applySpec(const LintSpec &spec)
{
    for (auto it = spec.severity.cbegin(); it != spec.severity.cend(); ++it) {
        LintSeverity severity{};
        if (parseLintSeverity(it.value(), &severity))
            setSeverity(it.key(), severity);
    }
}

QList<LintFinding> Linter::lint(const LintInput &input) const
{
    const Dockerfile df = Dockerfile::parse(input.dockerfile, input.dockerfilePath);
    Run run(input, df, suppliedArgs(input, df));
    run.run();
    QList<LintFinding> findings = run.findings;

    if (m_useHadolint && !Hadolint::executable().isEmpty()) {
        QString error;
        const QList<LintFinding> external = Hadolint::run(input.dockerfile, input.dockerfilePath, &error);
        for (const LintFinding &f : external) {
            const bool duplicate = std::any_of(findings.cbegin(), findings.cend(), [&](const LintFinding &own) {
                return own.rule == f.rule && own.line == f.line && own.file == f.file;
            });
            if (!duplicate)
                findings.append(f);
        }
        if (!error.isEmpty()) {
            LintFinding f;
            f.file = input.dockerfilePath;
            f.line = 1;
            f.rule = QStringLiteral("MRC002");
            f.severity = LintSeverity::Warning;
            f.message = error;
            findings.append(f);
        }
    }

    const QHash<int, QStringList> ignored = ignores(df);
    QList<LintFinding> kept;
    for (LintFinding f : std::as_const(findings)) {
        f.severity = m_severities.value(f.rule, f.severity);
        if (f.severity == LintSeverity::Off)
            continue;
        if (f.file == input.dockerfilePath && !ignored.isEmpty()) {
            bool silenced = false;
            for (auto it = ignored.cbegin(); it != ignored.cend() && !silenced; ++it) {
                const DockerfileInstruction &inst = df.instructions.at(it.key());
                silenced = f.line >= inst.firstLine && f.line <= inst.lastLine
                           && (it.value().contains(f.rule) || it.value().contains(QStringLiteral("all")));
            }
            if (silenced)
                continue;
        }
        kept.append(f);
    }
    std::stable_sort(kept.begin(), kept.end(), [&](const LintFinding &a, const LintFinding &b) {
        const bool aDockerfile = a.file == input.dockerfilePath;
        const bool bDockerfile = b.file == input.dockerfilePath;
        if (aDockerfile != bDockerfile)
            return aDockerfile;
        return std::tie(a.file, a.line, a.rule, a.message) < std::tie(b.file, b.line, b.rule, b.message);
    });
    return kept;
}

QList<Linter::ReadmeVariable> Linter::readmeVariables(const QByteArray &readme)
{
    static const QRegularExpression border(QStringLiteral("^=+( +=+)+\\s*$"));
    static const QRegularExpression underline(QStringLiteral("^([=\\-~^\"'`#*+.:_])\\1{2,}\\s*$"));
    static const QRegularExpression name(QStringLiteral("^[A-Z][A-Z0-9_]*$"));
    static const QStringList headers{QStringLiteral("variable"), QStringLiteral("name"),
                                     QStringLiteral("environment variable"), QStringLiteral("env")};
    const QStringList lines = QString::fromUtf8(readme).split(QLatin1Char('\n'));
    QList<ReadmeVariable> out;
    QString section;
    auto unquoted = [](QString cell) {
        cell = cell.trimmed();
        if (cell.size() >= 2 && (cell.front() == QLatin1Char('"') || cell.front() == QLatin1Char('\'') || cell.front() == QLatin1Char('`'))
            && cell.back() == cell.front())
            cell = cell.mid(1, cell.size() - 2);
        return cell;
    };
    auto clean = [](QString cell) {
        cell = cell.trimmed();
        cell.remove(QLatin1Char('`'));
        cell.remove(QLatin1Char('*'));
        return cell;
    };

    for (int i = 0; i < lines.size(); ++i) {
        const QString line = lines.at(i);
        if (i + 1 < lines.size() && !line.trimmed().isEmpty() && !underline.match(line).hasMatch()
            && !border.match(line).hasMatch() && underline.match(lines.at(i + 1)).hasMatch())
            section = line.trimmed();
        const bool baseOnly = section.contains(QLatin1String("wait script"), Qt::CaseInsensitive);

        if (border.match(line).hasMatch()) {
            // simple table: border, header, border, rows, border
            QList<qsizetype> starts;
            for (qsizetype c = 0; c < line.size(); ++c) {
                if (line.at(c) == QLatin1Char('=') && (c == 0 || line.at(c - 1) == QLatin1Char(' ')))
                    starts << c;
            }
            const qsizetype secondColumn = starts.value(1);
            const qsizetype thirdColumn = starts.value(2, line.size() + 1);
            int j = i + 1;
            QString header;
            while (j < lines.size() && !border.match(lines.at(j)).hasMatch())
                header += lines.at(j++).left(secondColumn);
            if (j >= lines.size())
                break;
            int k = j + 1;
            while (k < lines.size() && !border.match(lines.at(k)).hasMatch())
                ++k;
            if (headers.contains(clean(header).toLower())) {
                for (int r = j + 1; r < k; ++r) {
                    const QString cell = clean(lines.at(r).left(secondColumn));
                    const QString more = unquoted(lines.at(r).mid(secondColumn, thirdColumn - secondColumn));
                    if (cell.isEmpty() && !more.isEmpty() && !out.isEmpty() && out.last().line > j) {
                        // a continuation row: the default goes on
                        QString &value = out.last().defaultValue;
                        value += (value.endsWith(QLatin1Char(',')) ? QString() : QStringLiteral(" ")) + more;
                        continue;
                    }
                    if (name.match(cell).hasMatch())
                        out.append({cell, unquoted(lines.at(r).mid(secondColumn, thirdColumn - secondColumn)), r + 1,
                                    baseOnly});
                }
            }
            i = k;
            continue;
        }
        if (line.startsWith(QLatin1Char('+')) && i + 1 < lines.size() && lines.at(i + 1).startsWith(QLatin1Char('|'))) {
            // grid table: the header is the first row, the body follows the +===+ line
            const QString header = clean(lines.at(i + 1).section(QLatin1Char('|'), 1, 1));
            int r = i + 1;
            bool body = false;
            for (; r < lines.size() && (lines.at(r).startsWith(QLatin1Char('+')) || lines.at(r).startsWith(QLatin1Char('|'))); ++r) {
                const QString row = lines.at(r);
                if (row.startsWith(QLatin1String("+=")))
                    body = true;
                if (body && row.startsWith(QLatin1Char('|')) && headers.contains(header.toLower())) {
                    const QString cell = clean(row.section(QLatin1Char('|'), 1, 1));
                    if (name.match(cell).hasMatch())
                        out.append({cell, unquoted(row.section(QLatin1Char('|'), 2, 2)), r + 1, baseOnly});
                }
            }
            i = r - 1;
        }
    }
    return out;
}

} // namespace mrc
