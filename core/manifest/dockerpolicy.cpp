// SPDX-License-Identifier: Apache-2.0
#include "manifest/dockerpolicy.h"

#include "manifest/manifestparser.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <algorithm>

namespace mrc {

namespace {

QString series(const QString &version)
{
    return version.section(QLatin1Char('.'), 0, 1);
}

std::optional<QByteArray> git(const QString &dir, const QStringList &arguments)
{
    QProcess process;
    process.setWorkingDirectory(dir);
    process.start(QStringLiteral("git"), arguments);
    if (!process.waitForFinished(30000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        process.kill();
        return std::nullopt;
    }
    return process.readAllStandardOutput();
}

QString newest(const QStringList &versions)
{
    QString best;
    for (const QString &v : versions) {
        if (best.isEmpty() || DockerPolicy::compareVersions(v, best) > 0)
            best = v;
    }
    return best;
}

} // namespace

int DockerPolicy::compareVersions(const QString &a, const QString &b)
{
    const QStringList pa = a.split(QLatin1Char('.'));
    const QStringList pb = b.split(QLatin1Char('.'));
    for (qsizetype i = 0; i < std::max(pa.size(), pb.size()); ++i) {
        const int x = pa.value(i, QStringLiteral("0")).toInt();
        const int y = pb.value(i, QStringLiteral("0")).toInt();
        if (x != y)
            return x < y ? -1 : 1;
    }
    return 0;
}

std::optional<QDate> DockerPolicy::releaseDate(const QString &version)
{
    // The first release of each series (docs.docker.com release notes).
    static const QHash<QString, QDate> dates{
        {QStringLiteral("20.10"), QDate(2020, 12, 8)}, {QStringLiteral("23.0"), QDate(2023, 2, 1)},
        {QStringLiteral("24.0"), QDate(2023, 5, 16)},  {QStringLiteral("25.0"), QDate(2024, 1, 19)},
        {QStringLiteral("26.0"), QDate(2024, 3, 20)},  {QStringLiteral("26.1"), QDate(2024, 4, 22)},
        {QStringLiteral("27.0"), QDate(2024, 6, 24)},  {QStringLiteral("27.5"), QDate(2025, 1, 13)},
        {QStringLiteral("28.0"), QDate(2025, 2, 19)},  {QStringLiteral("28.5"), QDate(2025, 10, 2)},
    };
    const auto it = dates.constFind(series(version));
    if (it == dates.constEnd())
        return std::nullopt;
    return *it;
}

QStringList DockerPolicy::releases(const Manifest &manifest, const QStringList &engineVersions)
{
    if (!manifest.dockerReleases.isEmpty())
        return manifest.dockerReleases;
    QStringList out;
    for (const QString &v : engineVersions) {
        const QString s = series(v);
        if (!s.isEmpty() && !out.contains(s))
            out << s;
    }
    std::sort(out.begin(), out.end(), [](const QString &a, const QString &b) { return compareVersions(a, b) > 0; });
    return out;
}

std::optional<DockerPolicy::History> DockerPolicy::history(const QString &manifestPath)
{
    const QFileInfo info(manifestPath);
    if (manifestPath.startsWith(QLatin1Char(':')) || !info.exists())
        return std::nullopt;
    const QString dir = info.absolutePath();
    const auto log =
        git(dir, {QStringLiteral("log"), QStringLiteral("--format=%H %cI"), QStringLiteral("--"), info.fileName()});
    if (!log || log->trimmed().isEmpty())
        return std::nullopt;
    const auto prefix = git(dir, {QStringLiteral("rev-parse"), QStringLiteral("--show-prefix")});
    const QString path = QString::fromUtf8(prefix.value_or(QByteArray())).trimmed() + info.fileName();
    History history;
    const QStringList lines = QString::fromUtf8(*log).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (auto it = lines.crbegin(); it != lines.crend(); ++it) {
        const QString sha = it->section(QLatin1Char(' '), 0, 0);
        const auto text = git(dir, {QStringLiteral("show"), sha + QLatin1Char(':') + path});
        if (!text)
            continue;
        const ManifestResult parsed = ManifestParser::parse(*text, path);
        History::Revision revision;
        revision.date = QDateTime::fromString(it->section(QLatin1Char(' '), 1), Qt::ISODate);
        for (const BranchSpec &branch : parsed.manifest.branches) {
            revision.branches << branch.name;
            if (branch.name == QLatin1String("master"))
                revision.masterDocker = branch.docker;
        }
        history.revisions << revision;
    }
    return history;
}

ManifestProblems DockerPolicy::check(const Manifest &manifest, const QStringList &engineVersions,
                                     const History *history)
{
    ManifestProblems out;
    auto finding = [&](SourcePos pos, const QString &message) {
        out.append(ManifestProblem{manifest.path, pos.line, pos.column, message});
    };
    const QStringList supported = releases(manifest, engineVersions);
    const QString from =
        manifest.dockerReleases.isEmpty() ? QStringLiteral("the engines run") : QStringLiteral("docker_releases lists");

    const BranchSpec *master = manifest.branch(QStringLiteral("master"));
    if (master && !supported.isEmpty()) {
        QStringList missing;
        for (const QString &v : supported.mid(0, 3)) {
            const bool has = std::any_of(master->docker.cbegin(), master->docker.cend(),
                                         [&](const QString &d) { return series(d) == series(v); });
            if (!has)
                missing << v;
        }
        if (!missing.isEmpty())
            finding(
                master->dockerPos.value(0, master->pos),
                QStringLiteral("policy: master must build with the three newest Docker versions (%1 %2); it lacks %3")
                    .arg(from, supported.mid(0, 3).join(QStringLiteral(", ")), missing.join(QStringLiteral(", "))));
    }

    for (const BranchSpec &branch : manifest.branches) {
        if (branch.isRef() || branch.name == QLatin1String("master"))
            continue;
        // When was it cut, and what did master build with then?
        const History::Revision *cut = nullptr;
        if (history) {
            for (const History::Revision &revision : history->revisions) {
                if (revision.branches.contains(branch.name)) {
                    cut = &revision;
                    break;
                }
            }
        }
        for (int i = 0; i < branch.docker.size(); ++i) {
            const QString &v = branch.docker.at(i);
            const SourcePos pos = branch.dockerPos.value(i, branch.pos);
            if (cut && !cut->masterDocker.isEmpty()) {
                const QString top = newest(cut->masterDocker);
                if (compareVersions(series(v), series(top)) > 0) {
                    finding(pos, QStringLiteral("policy: %1 is frozen at master's Docker versions of %2 (%3); %4 is "
                                                "newer")
                                     .arg(branch.name, cut->date.date().toString(Qt::ISODate),
                                          cut->masterDocker.join(QStringLiteral(", ")), v));
                }
            } else if (branch.frozen.isValid()) {
                const std::optional<QDate> released = releaseDate(v);
                if (released && *released > branch.frozen)
                    finding(pos, QStringLiteral("policy: %1 was frozen on %2, but Docker %3 came out on %4; master "
                                                "cannot have built with it then")
                                     .arg(branch.name, branch.frozen.toString(Qt::ISODate), v,
                                          released->toString(Qt::ISODate)));
            }
        }
    }
    return out;
}

} // namespace mrc
