// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test helper: a real git repository whose docker/ folder builds FROM scratch in a second (no image is pulled), a
// manifest naming it on the private engine, and `mrc` run as a process with its own XDG folders.

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace mrc::test {

struct MrcRun
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

class TinyRepo
{
public:
    /** Makes `root`/repo with docker/Dockerfile and docker/hello.txt, committed on master. */
    bool create(const QString &root, const QByteArray &hello = "hello\n")
    {
        m_root = root;
        m_repo = root + QStringLiteral("/repo");
        QDir().mkpath(m_repo + QStringLiteral("/docker"));
        if (!write(QStringLiteral("docker/Dockerfile"), "FROM scratch\nCOPY hello.txt /hello.txt\n") ||
            !write(QStringLiteral("docker/hello.txt"), hello))
            return false;
        return git({QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"), QStringLiteral("master")}) &&
               commit(QStringLiteral("first"));
    }

    bool write(const QString &relative, const QByteArray &content)
    {
        QFile file(m_repo + QLatin1Char('/') + relative);
        QDir().mkpath(QFileInfo(file).absolutePath());
        return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
    }

    bool commit(const QString &message)
    {
        return git({QStringLiteral("add"), QStringLiteral("-A")}) &&
               git({QStringLiteral("-c"), QStringLiteral("user.name=t"), QStringLiteral("-c"),
                    QStringLiteral("user.email=t@example.invalid"), QStringLiteral("commit"), QStringLiteral("-q"),
                    QStringLiteral("-m"), message});
    }

    bool git(const QStringList &arguments, QByteArray *output = nullptr) const
    {
        QProcess process;
        process.setWorkingDirectory(m_repo);
        process.start(QStringLiteral("git"), arguments);
        if (!process.waitForFinished(60000))
            return false;
        if (output)
            *output = process.readAllStandardOutput();
        if (process.exitCode() != 0)
            qWarning("git %s: %s", qPrintable(arguments.join(QLatin1Char(' '))),
                     process.readAllStandardError().constData());
        return process.exitCode() == 0;
    }

    /** A manifest with this repository as component `hello` (image `image`) on the engine at `host`. */
    QString manifest(const QString &host, const QString &docker, const QString &image = QStringLiteral("harden/hello"),
                     const QString &name = QStringLiteral("release.yaml")) const
    {
        const QString path = m_root + QLatin1Char('/') + name;
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly))
            return {};
        file.write(QStringLiteral("version: 1\n"
                                  "engines:\n  - {name: local, host: \"%1\"}\n"
                                  "branches:\n  - {name: master, docker: [\"%2\"]}\n"
                                  "components:\n  - {name: hello, image: %3, repo: \"file://%4\"}\n"
                                  "lint:\n  gate: false\n")
                       .arg(host, docker, image, m_repo)
                       .toUtf8());
        return path;
    }

    QString repo() const { return m_repo; }
    QString dataHome() const { return m_root + QStringLiteral("/xdg-data"); }
    QString cacheHome() const { return m_root + QStringLiteral("/xdg-cache"); }
    QString historyPath() const { return dataHome() + QStringLiteral("/mrc/history.sqlite"); }
    QString logDirectory() const { return dataHome() + QStringLiteral("/mrc/logs"); }

    /** Runs $MRC_BINARY with the arguments, this repository's XDG folders and DOCKER_HOST=host. */
    MrcRun mrc(const QStringList &arguments, const QString &host, int timeoutMs = 120000) const
    {
        MrcRun run;
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_DATA_HOME"), dataHome());
        env.insert(QStringLiteral("XDG_CACHE_HOME"), cacheHome());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_root + QStringLiteral("/xdg-config"));
        env.insert(QStringLiteral("DOCKER_HOST"), host);
        process.setProcessEnvironment(env);
        process.start(qEnvironmentVariable("MRC_BINARY"), arguments);
        if (!process.waitForFinished(timeoutMs)) {
            process.kill();
            process.waitForFinished();
        }
        run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        run.out = process.readAllStandardOutput();
        run.err = process.readAllStandardError();
        return run;
    }

private:
    QString m_root;
    QString m_repo;
};

} // namespace mrc::test
