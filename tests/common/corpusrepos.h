// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test helper: real git repositories made from ../shared/corpus, one per upstream repository, one branch per
// corpus branch folder (the branch name comes from INDEX.yaml), plus a release.yaml naming them.

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace mrc::test {

struct CorpusBranch
{
    QString repo;   // "monasca-api"
    QString branch; // "stable/2023.2"
    QString folder; // absolute corpus folder holding docker/
};

struct CorpusRepos
{
    QString manifestPath;
    QStringList branches; // every branch name, master first
    QList<CorpusBranch> entries;

    /**
     * The corpus root: $MRC_CORPUS, else the copy the repository keeps in tests/fixtures/lint/corpus (the docker/
     * folders and INDEX.yaml of ../shared/corpus), so the tests do not depend on a folder outside the checkout.
     */
    static QString corpusRoot()
    {
        const QString fromEnv = qEnvironmentVariable("MRC_CORPUS");
        if (!fromEnv.isEmpty())
            return fromEnv;
        const QString fixtures = qEnvironmentVariable("MRC_TEST_FIXTURES");
        if (fixtures.isEmpty())
            return {}; // run through ctest, which sets it
        return QDir::cleanPath(fixtures + QStringLiteral("/lint/corpus"));
    }

    /** folder -> branch, from INDEX.yaml's entries (no YAML library needed for its flat layout). */
    static QList<QPair<QString, QString>> index(const QString &root)
    {
        QList<QPair<QString, QString>> out;
        QFile file(root + QStringLiteral("/INDEX.yaml"));
        if (!file.open(QIODevice::ReadOnly))
            return out;
        QString folder;
        for (const QByteArray &raw : file.readAll().split('\n')) {
            const QString line = QString::fromUtf8(raw);
            if (line.startsWith(QLatin1String("- folder: ")))
                folder = line.mid(10).trimmed();
            else if (line.startsWith(QLatin1String("  branch: ")) && !folder.isEmpty())
                out.append({folder, line.mid(10).trimmed()});
        }
        return out;
    }

    static bool git(const QString &dir, const QStringList &arguments, QString *error)
    {
        QProcess process;
        process.setWorkingDirectory(dir);
        process.start(QStringLiteral("git"),
                      QStringList{QStringLiteral("-c"), QStringLiteral("user.name=mrc test"), QStringLiteral("-c"),
                                  QStringLiteral("user.email=test@mrc.invalid"), QStringLiteral("-c"),
                                  QStringLiteral("commit.gpgsign=false")} +
                          arguments);
        if (!process.waitForFinished(60000) || process.exitCode() != 0) {
            *error = QStringLiteral("git %1 in %2: %3")
                         .arg(arguments.join(QLatin1Char(' ')), dir, QString::fromUtf8(process.readAllStandardError()));
            return false;
        }
        return true;
    }

    static bool copyTree(const QString &from, const QString &to)
    {
        QDirIterator it(from, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            const QString target = to + QLatin1Char('/') + QDir(from).relativeFilePath(path);
            QDir().mkpath(QFileInfo(target).absolutePath());
            if (!QFile::copy(path, target))
                return false;
        }
        return true;
    }

    /** Creates DIR/repos/<repo>.git (bare) and DIR/release.yaml; false with *error. */
    static bool create(const QString &dir, CorpusRepos *out, QString *error)
    {
        const QString root = corpusRoot();
        const auto entries = index(root);
        if (entries.isEmpty()) {
            *error = QStringLiteral("no corpus index at %1/INDEX.yaml").arg(root);
            return false;
        }
        QStringList repos;
        for (const auto &[folder, branch] : entries) {
            const QString repo = folder.section(QLatin1Char('/'), 1, 1);
            if (!repos.contains(repo))
                repos.append(repo);
            if (!out->branches.contains(branch))
                out->branches.append(branch);
            out->entries.append({repo, branch, root + QLatin1Char('/') + folder});
        }
        out->branches.removeAll(QStringLiteral("master"));
        out->branches.prepend(QStringLiteral("master"));
        for (const QString &repo : repos) {
            const QString work = dir + QStringLiteral("/work/") + repo;
            QDir().mkpath(work);
            if (!git(work, {QStringLiteral("init"), QStringLiteral("-q")}, error))
                return false;
            for (const CorpusBranch &entry : std::as_const(out->entries)) {
                if (entry.repo != repo)
                    continue;
                if (!git(work,
                         {QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("--orphan"), entry.branch},
                         error))
                    return false;
                git(work,
                    {QStringLiteral("rm"), QStringLiteral("-rfq"), QStringLiteral("--ignore-unmatch"),
                     QStringLiteral(".")},
                    error);
                if (!copyTree(entry.folder, work)) {
                    *error = QStringLiteral("cannot copy %1").arg(entry.folder);
                    return false;
                }
                if (!git(work, {QStringLiteral("add"), QStringLiteral("-A")}, error) ||
                    !git(work,
                         {QStringLiteral("commit"), QStringLiteral("-qm"), QStringLiteral("corpus ") + entry.branch},
                         error))
                    return false;
            }
            if (!git(dir,
                     {QStringLiteral("clone"), QStringLiteral("-q"), QStringLiteral("--bare"), work,
                      QStringLiteral("repos/") + repo + QStringLiteral(".git")},
                     error))
                return false;
        }
        struct Component
        {
            const char *name, *repo, *context, *base;
        };
        static const Component components[] = {
            {"base", "monasca-common", "docker", ""},
            {"api", "monasca-api", "docker", "base"},
            {"agent-collector", "monasca-agent", "docker/collector", "base"},
            {"agent-forwarder", "monasca-agent", "docker/forwarder", "base"},
            {"statsd", "monasca-agent", "docker/statsd", "base"},
            {"log-api", "monasca-log-api", "docker", "base"},
            {"notification", "monasca-notification", "docker", "base"},
            {"persister", "monasca-persister", "docker", "base"},
            {"thresh", "monasca-thresh", "docker", ""},
            {"client", "python-monascaclient", "docker", "base"},
            {"tempest-tests", "monasca-tempest-plugin", "docker", "base"},
        };
        QString yaml =
            QStringLiteral("version: 1\nregistry:\n  host: 127.0.0.1:5000\n  namespace: monasca\nbranches:\n");
        for (const QString &branch : std::as_const(out->branches))
            yaml += QStringLiteral("  - name: %1\n    docker: [\"28.2\"]\n").arg(branch);
        yaml += QStringLiteral("components:\n");
        for (const Component &c : components) {
            yaml += QStringLiteral("  - name: %1\n    image: monasca/%1\n    repo: \"%2\"\n    context: %3\n")
                        .arg(QLatin1String(c.name),
                             QUrl::fromLocalFile(dir + QStringLiteral("/repos/") + QLatin1String(c.repo) +
                                                 QStringLiteral(".git"))
                                 .toString(),
                             QLatin1String(c.context));
            if (*c.base)
                yaml += QStringLiteral("    base: %1\n").arg(QLatin1String(c.base));
        }
        out->manifestPath = dir + QStringLiteral("/release.yaml");
        QFile file(out->manifestPath);
        if (!file.open(QIODevice::WriteOnly) || file.write(yaml.toUtf8()) < 0) {
            *error = QStringLiteral("cannot write %1").arg(out->manifestPath);
            return false;
        }
        return true;
    }
};

} // namespace mrc::test
