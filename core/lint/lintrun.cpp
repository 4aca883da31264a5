// SPDX-License-Identifier: Apache-2.0
#include "lint/lintrun.h"

#include "lint/lintrule.h"
#include "manifest/manifest.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>
#include <algorithm>

namespace mrc {

const QStringList LintRun::kStandardArgs{QStringLiteral("DOCKER_IMAGE"), QStringLiteral("APP_REPO"),
                                         QStringLiteral("REPO_VERSION"), QStringLiteral("CONSTRAINTS_BRANCH")};
const QStringList LintRun::kOciLabels{
    QStringLiteral("org.opencontainers.image.created"), QStringLiteral("org.opencontainers.image.title"),
    QStringLiteral("org.opencontainers.image.revision"), QStringLiteral("org.opencontainers.image.licenses")};
const QStringList LintRun::kTruthy{QStringLiteral("1"),    QStringLiteral("true"), QStringLiteral("True"),
                                   QStringLiteral("TRUE"), QStringLiteral("on"),   QStringLiteral("On"),
                                   QStringLiteral("ON"),   QStringLiteral("yes"),  QStringLiteral("Yes"),
                                   QStringLiteral("YES")};

QString LintRun::scriptOf(const DockerfileInstruction &inst)
{
    return inst.jsonForm ? inst.json.join(QLatin1Char(' ')) : inst.arguments;
}

bool LintRun::isPipInstall(const ShellCommand &c)
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

bool LintRun::isApkAdd(const ShellCommand &c)
{
    return c.baseName() == QLatin1String("apk") && c.hasArg(QStringLiteral("add"));
}

QString LintRun::imageOf(const DockerfileInstruction &from)
{
    return Dockerfile::splitWords(from.arguments).value(0);
}

QString LintRun::tagOf(const QString &image)
{
    QString name = image.section(QLatin1Char('@'), 0, 0);
    const qsizetype slash = name.lastIndexOf(QLatin1Char('/'));
    const qsizetype colon = name.lastIndexOf(QLatin1Char(':'));
    return colon > slash ? name.mid(colon + 1) : QString();
}

QStringList LintRun::copySources(const DockerfileInstruction &inst, QChar escape)
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

bool LintRun::sourceCovers(QString source, const QString &path)
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

bool LintRun::isArchiveOrUrl(const QString &source)
{
    static const QStringList archives{
        QStringLiteral(".tar"),  QStringLiteral(".tar.gz"),  QStringLiteral(".tgz"), QStringLiteral(".tar.bz2"),
        QStringLiteral(".tbz2"), QStringLiteral(".tb2"),     QStringLiteral(".tz2"), QStringLiteral(".tar.xz"),
        QStringLiteral(".txz"),  QStringLiteral(".tar.zst"), QStringLiteral(".gz"),  QStringLiteral(".bz2"),
        QStringLiteral(".xz"),   QStringLiteral(".zip"),     QStringLiteral(".zst"), QStringLiteral(".lz"),
        QStringLiteral(".lzma"), QStringLiteral(".tlz"),     QStringLiteral(".Z")};
    if (source.startsWith(QLatin1String("http://")) || source.startsWith(QLatin1String("https://")))
        return true;
    return std::any_of(archives.cbegin(), archives.cend(), [&](const QString &a) { return source.endsWith(a); });
}

bool LintRun::hasPipefail(const DockerfileInstruction &shell)
{
    if (!shell.jsonForm || shell.json.isEmpty())
        return false;
    static const QStringList nonPosix{QStringLiteral("pwsh"), QStringLiteral("powershell"), QStringLiteral("cmd")};
    const QString program = shell.json.first().section(QLatin1Char('/'), -1);
    if (std::any_of(nonPosix.cbegin(), nonPosix.cend(), [&](const QString &p) { return program.startsWith(p); }))
        return true;
    ShellCommand command{shell.json.first(), shell.json.mid(1)};
    static const QStringList shells{QStringLiteral("bash"), QStringLiteral("zsh"), QStringLiteral("ash")};
    return shells.contains(command.baseName()) && command.hasFlag(QStringLiteral("o")) &&
           command.hasArg(QStringLiteral("pipefail"));
}

bool LintRun::envDisablesPipCache(const DockerfileInstruction &env, QChar escape)
{
    for (const auto &[name, value] : env.nameValues(escape)) {
        if (name == QLatin1String("PIP_NO_CACHE_DIR") && kTruthy.contains(value))
            return true;
    }
    return false;
}

bool LintRun::inlineDisablesPipCache(const QString &script)
{
    static const QRegularExpression re(QStringLiteral("PIP_NO_CACHE_DIR=['\"]?([A-Za-z0-9]+)"));
    auto it = re.globalMatch(script);
    while (it.hasNext()) {
        if (kTruthy.contains(it.next().captured(1)))
            return true;
    }
    return false;
}

qsizetype LintRun::variableAt(const QString &text, const QString &name)
{
    const QRegularExpression re(
        QStringLiteral("\\$(\\{%1[}:?+-]|%1(?![A-Za-z0-9_]))").arg(QRegularExpression::escape(name)));
    const QRegularExpressionMatch m = re.match(text);
    return m.hasMatch() ? m.capturedStart() : -1;
}

int LintRun::lineOf(const DockerfileInstruction &inst, qsizetype offset)
{
    if (inst.jsonForm || offset < 0 || offset >= inst.arguments.size())
        return inst.firstLine;
    return inst.lineAt(offset);
}

void LintRun::add(const QString &rule, int line, const QString &message, int column, const QString &file)
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

void LintRun::run()
{
    parseProblems();
    if (!hasInstructions())
        return;
    m_base = m_in.role == LintInput::Role::Base || (m_in.role == LintInput::Role::Auto && looksLikeBase());
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

const DockerfileInstruction *LintRun::lastFrom() const
{
    for (qsizetype i = m_df.instructions.size() - 1; i >= 0; --i) {
        if (m_df.instructions.at(i).keyword == QLatin1String("FROM"))
            return &m_df.instructions.at(i);
    }
    return nullptr;
}

bool LintRun::fromMonascaBase() const
{
    const DockerfileInstruction *from = lastFrom();
    return from && imageOf(*from).startsWith(QLatin1String("monasca/base:"));
}

bool LintRun::looksLikeBase() const
{
    const bool hasOnbuild = std::any_of(m_df.instructions.cbegin(), m_df.instructions.cend(),
                                        [](const auto &i) { return i.keyword == QLatin1String("ONBUILD"); });
    return hasOnbuild && !fromMonascaBase();
}

QList<DockerfileInstruction> LintRun::withOnbuild(const QList<DockerfileInstruction> &list) const
{
    QList<DockerfileInstruction> out;
    for (const DockerfileInstruction &inst : list)
        out << (inst.keyword == QLatin1String("ONBUILD") ? inst.onbuild(m_df.escape) : inst);
    return out;
}

void LintRun::parseProblems()
{
    for (const DockerfileProblem &p : m_df.problems)
        add(p.isError() ? QStringLiteral("MRC001") : QStringLiteral("MRC002"), p.line, p.message, p.column);
}

void LintRun::mrc101()
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

QStringList LintRun::preFromArgs() const
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

void LintRun::mrc102()
{
    const DockerfileInstruction *from = lastFrom();
    const QStringList declared = preFromArgs();
    for (const QString &arg : kStandardArgs) {
        if (!declared.contains(arg))
            add(QStringLiteral("MRC102"), from ? from->firstLine : firstLine(),
                QStringLiteral("ARG %1 is not declared before FROM").arg(arg));
    }
}

void LintRun::mrc103and104()
{
    if (!m_in.files.contains(QStringLiteral("start.sh")))
        add(QStringLiteral("MRC103"), firstLine(), QStringLiteral("start.sh is not in the folder"));
    if (!m_in.files.contains(QStringLiteral("health_check.py")))
        add(QStringLiteral("MRC104"), firstLine(), QStringLiteral("health_check.py is not in the folder"));
}

void LintRun::mrc105()
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

void LintRun::mrc106()
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
                QStringLiteral("ENTRYPOINT %1 replaces the init process (tini)").arg(inst.arguments));
    }
}

void LintRun::mrc107()
{
    for (const DockerfileInstruction &inst : withOnbuild(m_df.instructions)) {
        if (inst.keyword != QLatin1String("RUN"))
            continue;
        const QString script = scriptOf(inst);
        const ShellScript shell = ShellScript::parse(script);
        const ShellCommand *forgot = nullptr;
        bool removes = false;
        for (const ShellCommand &c : shell.commands) {
            if (!forgot && isApkAdd(c) && !c.hasFlag(QStringLiteral("no-cache")))
                forgot = &c;
            if (c.baseName() == QLatin1String("rm") &&
                std::any_of(c.args.cbegin(), c.args.cend(),
                            [](const QString &a) { return a.startsWith(QLatin1String("/var/cache/apk")); }))
                removes = true;
        }
        if (forgot && !removes)
            add(QStringLiteral("MRC107"), lineOf(inst, forgot->offset),
                QStringLiteral("apk add without --no-cache and no rm -rf /var/cache/apk/* in the same RUN"));
    }
}

void LintRun::mrc108()
{
    int runs = 0;
    for (const DockerfileInstruction &inst : m_stage) {
        if (inst.keyword == QLatin1String("RUN") && ++runs > 1)
            add(QStringLiteral("MRC108"), inst.firstLine,
                QStringLiteral("RUN number %1 of the image; keep the post-install steps in one RUN").arg(runs));
    }
}

} // namespace mrc
