// SPDX-License-Identifier: Apache-2.0
#include "dockerfile/buildscript.h"

#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>

namespace mrc {

namespace {

const char kOpendevMaster[] = "https://opendev.org/openstack/requirements/raw/branch/master/upper-constraints.txt";
const char kCommonRepo[] = "https://review.opendev.org/openstack/monasca-common";

/** The statement that assigns `variable`, joined over backslash-newlines. */
QString statement(const QString &text, const QString &start)
{
    const qsizetype at = text.indexOf(start);
    if (at < 0)
        return {};
    QString out;
    qsizetype pos = at;
    while (pos < text.size()) {
        const qsizetype end = text.indexOf(QLatin1Char('\n'), pos);
        const QString line = text.mid(pos, end < 0 ? -1 : end - pos);
        out += line;
        if (end < 0 || !line.trimmed().endsWith(QLatin1Char('\\')))
            break;
        out.chop(1);
        pos = end + 1;
    }
    return out;
}

} // namespace

BuildScript BuildScript::upstream(Kind kind)
{
    BuildScript script;
    script.kind = kind;
    if (kind == Kind::Base) {
        script.buildArgs = {{QStringLiteral("BASE_CREATION_TIME"), QStringLiteral("BASE_CREATION_TIME")},
                            {QStringLiteral("BASE_GIT_COMMIT"), QStringLiteral("BASE_GIT_COMMIT")}};
        return script;
    }
    for (const char *name : {"CREATION_TIME", "GITHUB_REPO", "APP_REPO", "REPO_VERSION", "GIT_COMMIT",
                             "CONSTRAINTS_FILE", "COMMON_REPO", "COMMON_VERSION", "COMMON_GIT_COMMIT"})
        script.buildArgs.append({QLatin1String(name), QLatin1String(name)});
    script.githubSeds = {{QStringLiteral("review.opendev.org"), QStringLiteral("github.com")},
                         {QStringLiteral("ssh:"), QStringLiteral("https:")}};
    script.constraintsDefault = QLatin1String(kOpendevMaster);
    script.commonRepoDefault = QLatin1String(kCommonRepo);
    return script;
}

QStringList BuildScript::argumentNames(bool withBase)
{
    // The arguments come from each component's build script (resolveBuildArgs); without one, from the shape of
    // today's upstream master script, which is what a Dockerfile linted on its own is built with.
    const BuildScript script = upstream(withBase ? BuildScript::Kind::Image : BuildScript::Kind::Base);
    QStringList names;
    for (const auto &[name, variable] : script.buildArgs)
        names.append(name);
    return names;
}

bool BuildScript::parse(const QByteArray &bytes, Kind kind, const QString &path, BuildScript *out, QString *error)
{
    const QString text = QString::fromUtf8(bytes);
    BuildScript script;
    script.kind = kind;
    script.path = path;

    static const QRegularExpression buildArg(
        QStringLiteral(R"re(--build-arg\s+([A-Za-z_][A-Za-z0-9_]*)="?\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?"?)re"));
    for (auto it = buildArg.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        script.buildArgs.append({m.captured(1), m.captured(2)});
    }
    if (script.buildArgs.isEmpty()) {
        *error = QStringLiteral("%1: no `--build-arg NAME=\"$VALUE\"` that mrc can read").arg(path);
        return false;
    }
    if (kind == Kind::Base) {
        *out = script;
        return true;
    }

    static const QRegularExpression grep(QStringLiteral(
        R"re(([A-Za-z_][A-Za-z0-9_]*)=\$\(\\?grep\s+(?:"([^"]*)"|'([^']*)'|(\S+))\s+Dockerfile\s*\|\s*cut\s+-f2\s+-d"?="?\s*\))re"));
    for (auto it = grep.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        QString pattern = m.captured(2);
        if (pattern.isEmpty())
            pattern = m.captured(3);
        if (pattern.isEmpty())
            pattern = m.captured(4);
        script.grepPatterns.insert(m.captured(1), pattern);
    }

    static const QRegularExpression sed(QStringLiteral(R"re(sed\s+'s/([^/']*)/([^/']*)/')re"));
    const QString github = statement(text, QStringLiteral("GITHUB_REPO=$("));
    for (auto it = sed.globalMatch(github); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        script.githubSeds.append({m.captured(1), m.captured(2)});
    }

    const auto defaultOf = [&text](const QString &variable) {
        const QRegularExpression re(QStringLiteral(R"re(:\s*"\$\{%1:=([^}]*)\}")re").arg(variable));
        return re.match(text).captured(1);
    };
    script.constraintsDefault = defaultOf(QStringLiteral("CONSTRAINTS_FILE"));
    script.commonRepoDefault = defaultOf(QStringLiteral("COMMON_REPO"));

    if (text.contains(QLatin1String("${CONSTRAINTS_FILE/master/$CONSTRAINTS_BRANCH_CLEAN}")))
        script.stableConstraints = StableConstraints::ReplaceMaster;
    else if (text.contains(QLatin1String("?h=\"$CONSTRAINTS_BRANCH_CLEAN\"")))
        script.stableConstraints = StableConstraints::BranchQuery;
    else
        script.stableConstraints = StableConstraints::None;
    static const QRegularExpression strip(
        QStringLiteral(R"re(CONSTRAINTS_BRANCH_CLEAN=\$\(echo\s+"\$REPO_VERSION"\s*\|\s*sed\s+'s\|stable/\|\|g'\))re"));
    script.stripStablePrefix = strip.match(text).hasMatch();
    *out = script;
    return true;
}

QString BuildScript::grepCut(const QByteArray &dockerfile, const QString &pattern)
{
    if (pattern.isEmpty())
        return {};
    QStringList out;
    QList<QByteArray> lines = dockerfile.split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    const QByteArray needle = pattern.toUtf8();
    for (const QByteArray &line : std::as_const(lines)) {
        if (!line.contains(needle))
            continue;
        // cut prints a line without the delimiter whole, else its second field.
        const QList<QByteArray> fields = line.split('=');
        out.append(QString::fromUtf8(fields.size() < 2 ? line : fields.at(1)));
    }
    QString joined = out.join(QLatin1Char('\n'));
    while (joined.endsWith(QLatin1Char('\n')))
        joined.chop(1);
    return joined;
}

QString BuildScript::grepPattern(const QString &variable) const
{
    return grepPatterns.value(variable, variable);
}

QString BuildScript::githubRepo(const QString &appRepo) const
{
    QStringList lines = appRepo.split(QLatin1Char('\n'));
    for (const auto &[from, to] : githubSeds) {
        // A sed pattern is a basic regular expression: '.' matches any character.
        const QRegularExpression re(from);
        for (QString &line : lines) {
            const QRegularExpressionMatch m = re.match(line);
            if (m.hasMatch())
                line.replace(m.capturedStart(), m.capturedLength(), to);
        }
    }
    return lines.join(QLatin1Char('\n'));
}

bool BuildScript::isStable(const QString &repoVersion)
{
    return repoVersion.contains(QLatin1String("stable"));
}

bool BuildScript::commonPin(const QByteArray &constraints, QString *version)
{
    QStringList matches;
    for (const QByteArray &line : constraints.split('\n')) {
        if (line.contains("monasca-common"))
            matches.append(QString::fromUtf8(line));
    }
    if (matches.isEmpty())
        return false;
    QString all = matches.join(QLatin1Char('\n'));
    while (all.endsWith(QLatin1Char('\n')))
        all.chop(1);
    const qsizetype at = all.lastIndexOf(QLatin1String("==="));
    *version = at < 0 ? all : all.mid(at + 3);
    return true;
}

QString BuildScript::requirementsBranch(const QString &url)
{
    const QUrl parsed(url);
    const QString path = parsed.path();
    const QString file = QStringLiteral("/upper-constraints.txt");
    if (const qsizetype at = path.indexOf(QLatin1String("/raw/branch/")); at >= 0 && path.endsWith(file))
        return path.mid(at + 12, path.size() - file.size() - at - 12);
    if (const qsizetype at = path.indexOf(QLatin1String("/constraints/upper/")); at >= 0) {
        const QString series = path.mid(at + 19);
        if (series.isEmpty())
            return {};
        return series == QLatin1String("master") || series.contains(QLatin1Char('/'))
                   ? series
                   : QStringLiteral("stable/") + series;
    }
    if (path.endsWith(QLatin1String("/plain/upper-constraints.txt"))) {
        const QString branch = QUrlQuery(parsed).queryItemValue(QStringLiteral("h"), QUrl::FullyDecoded);
        return branch.isEmpty() ? QStringLiteral("master") : branch;
    }
    return {};
}

} // namespace mrc
