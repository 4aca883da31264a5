// SPDX-License-Identifier: Apache-2.0
// A private dockerd for one test, with the flags of scripts/services (no iptables, no default bridge, vfs), its
// own socket, data root, exec root, pidfile and containerd namespace in a temporary folder, and an empty
// --config-file so that the machine's daemon.json does not apply. Needs root, as scripts/test runs the tests.
#pragma once

#include "engine/engineprobe.h"
#include "manifest/manifest.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>
#include <algorithm>
#include <csignal>
#include <sys/types.h>

namespace mrc::test {

class PrivateEngine
{
public:
    explicit PrivateEngine(QString name) : m_name(std::move(name)) {}
    ~PrivateEngine() { stop(); }
    PrivateEngine(const PrivateEngine &) = delete;
    PrivateEngine &operator=(const PrivateEngine &) = delete;

    /** Starts dockerd and waits until it answers; false with @p error (the end of its log) when it does not. */
    bool start(QString *error, int timeoutMs = 60000)
    {
        const QString dockerd = QStandardPaths::findExecutable(QStringLiteral("dockerd"));
        if (dockerd.isEmpty()) {
            *error = QStringLiteral("dockerd is not on PATH");
            return false;
        }
        if (!m_dir.isValid()) {
            *error = QStringLiteral("no temporary folder: %1").arg(m_dir.errorString());
            return false;
        }
        m_root = QDir(m_dir.path()).canonicalPath();
        QFile config(m_root + QStringLiteral("/daemon.json"));
        if (!config.open(QIODevice::WriteOnly) || config.write("{}\n") < 0) {
            *error = config.errorString();
            return false;
        }
        config.close();
        const QString socket = m_root + QStringLiteral("/docker.sock");
        m_dockerd.setProgram(dockerd);
        m_dockerd.setArguments(
            {QStringLiteral("--config-file"), config.fileName(), QStringLiteral("--iptables=false"),
             QStringLiteral("--ip6tables=false"), QStringLiteral("--bridge=none"),
             QStringLiteral("--storage-driver=vfs"), QStringLiteral("-H"), QStringLiteral("unix://") + socket,
             QStringLiteral("--data-root"), m_root + QStringLiteral("/data"), QStringLiteral("--exec-root"),
             m_root + QStringLiteral("/exec"), QStringLiteral("--pidfile"), m_root + QStringLiteral("/pid"),
             QStringLiteral("--containerd-namespace"), QStringLiteral("mrc-%1").arg(m_name),
             QStringLiteral("--containerd-plugins-namespace"), QStringLiteral("mrc-%1-plugins").arg(m_name)});
        m_dockerd.setStandardOutputFile(logPath());
        m_dockerd.setStandardErrorFile(logPath());
        m_dockerd.start();
        if (!m_dockerd.waitForStarted(10000)) {
            *error = m_dockerd.errorString();
            return false;
        }
        m_spec.name = m_name;
        m_spec.host = QStringLiteral("unix://") + socket;
        QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired() && m_dockerd.state() != QProcess::NotRunning) {
            m_status = EngineProbe::probe(m_spec, 1000);
            if (m_status.reachable)
                return true;
            QThread::msleep(200);
        }
        QFile log(logPath());
        log.open(QIODevice::ReadOnly);
        *error = QStringLiteral("dockerd did not answer on %1: %2\n%3")
                     .arg(m_spec.host, m_status.error, QString::fromUtf8(log.readAll().right(2000)));
        return false;
    }

    /** SIGKILL to dockerd alone: the engine is gone at once, as when its machine dies. */
    bool kill() { return m_dockerd.processId() > 0 && ::kill(pid_t(m_dockerd.processId()), SIGKILL) == 0; }

    /** Kills dockerd and what it left (containerd, shims, build steps), then unmounts its folders. */
    void stop()
    {
        if (m_dockerd.state() != QProcess::NotRunning) {
            m_dockerd.kill();
            m_dockerd.waitForFinished(10000);
        }
        if (m_root.isEmpty())
            return;
        for (qint64 pid : processesUnder(m_root))
            ::kill(pid_t(pid), SIGKILL);
        for (const QString &mount : mountsUnder(m_root)) {
            if (QProcess::execute(QStringLiteral("umount"), {QStringLiteral("-R"), mount}) != 0)
                QProcess::execute(QStringLiteral("umount"), {QStringLiteral("-l"), mount});
        }
    }

    const EngineSpec &spec() const { return m_spec; }
    const EngineStatus &status() const { return m_status; }
    QString root() const { return m_root; }
    QString logPath() const { return m_root + QStringLiteral("/dockerd.log"); }
    bool leftMounts() const { return !m_root.isEmpty() && !mountsUnder(m_root).isEmpty(); }

    // Mount points under @p dir, deepest first (/proc/mounts escapes spaces as \040).
    static QStringList mountsUnder(const QString &dir)
    {
        QStringList mounts;
        QFile file(QStringLiteral("/proc/mounts"));
        if (!file.open(QIODevice::ReadOnly))
            return mounts;
        const QString prefix = dir + QLatin1Char('/');
        for (const QByteArray &line : file.readAll().split('\n')) {
            const QList<QByteArray> fields = line.split(' ');
            if (fields.size() < 2)
                continue;
            const QString point = QString::fromUtf8(fields[1]).replace(QStringLiteral("\\040"), QStringLiteral(" "));
            if (point == dir || point.startsWith(prefix))
                mounts.append(point);
        }
        std::sort(mounts.begin(), mounts.end(), [](const QString &a, const QString &b) { return a.size() > b.size(); });
        return mounts;
    }

    // Processes whose command line or root names @p dir.
    static QList<qint64> processesUnder(const QString &dir)
    {
        QList<qint64> pids;
        const QByteArray needle = dir.toUtf8();
        QDirIterator it(QStringLiteral("/proc"), QDir::Dirs | QDir::NoDotAndDotDot);
        while (it.hasNext()) {
            it.next();
            bool isPid = false;
            const qint64 pid = it.fileName().toLongLong(&isPid);
            if (!isPid || pid == QCoreApplication::applicationPid())
                continue;
            QFile cmdline(it.filePath() + QStringLiteral("/cmdline"));
            const bool named = cmdline.open(QIODevice::ReadOnly) && cmdline.readAll().contains(needle);
            const QString root = QFile::symLinkTarget(it.filePath() + QStringLiteral("/root"));
            if (named || root.startsWith(dir))
                pids.append(pid);
        }
        return pids;
    }

private:
    QString m_name;
    QTemporaryDir m_dir;
    QString m_root;
    QProcess m_dockerd;
    EngineSpec m_spec;
    EngineStatus m_status;
};

} // namespace mrc::test
