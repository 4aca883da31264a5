// SPDX-License-Identifier: Apache-2.0
#include "jobs/runnercore.h"

#include "engine/engineclient.h"
#include "git/gitmirror.h"
#include "history/history.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

namespace mrc {

RunnerCore::RunnerCore(const Manifest &manifest, QObject *owner, int clientTimeoutMs)
    : m_manifest(manifest), m_owner(owner), m_clientTimeoutMs(clientTimeoutMs)
{
}

RunnerCore::~RunnerCore() = default;

void RunnerCore::resolve(QString &cacheRoot, QString &historyPath, QString &logDirectory, int &jobs)
{
    if (cacheRoot.isEmpty())
        cacheRoot = GitMirror::defaultCacheRoot();
    if (historyPath.isEmpty())
        historyPath = History::defaultPath();
    if (logDirectory.isEmpty())
        logDirectory = History::defaultLogDirectory();
    jobs = std::max(1, jobs);
}

const EngineSpec *RunnerCore::engine(const QString &name) const
{
    for (const EngineSpec &spec : m_manifest.engines) {
        if (spec.name == name)
            return &spec;
    }
    return nullptr;
}

EngineClient *RunnerCore::client(const QString &name)
{
    if (EngineClient *existing = m_clients.value(name))
        return existing;
    const EngineSpec *spec = engine(name);
    if (!spec)
        return nullptr;
    auto *created = new EngineClient(*spec, m_owner);
    if (m_clientTimeoutMs > 0)
        created->setDefaultTimeout(m_clientTimeoutMs);
    m_clients.insert(name, created);
    return created;
}

bool RunnerCore::open(const QString &historyPath, const QString &logDirectory)
{
    m_historyPath = historyPath;
    m_history = std::make_unique<History>(historyPath);
    QString error;
    if (!m_history->open(&error)) {
        m_history.reset();
        m_historyError = error;
    }
    QDir().mkpath(logDirectory);
    return m_history != nullptr;
}

void RunnerCore::begin(const QString &historyPath, const QString &logDirectory, int jobs,
                       const std::function<void(int)> &registerJob,
                       const std::function<void(int, const QString &)> &failJob, const QString &nothingDone)
{
    open(historyPath, logDirectory);
    for (int job = 0; job < jobs; ++job)
        registerJob(job);
    if (m_historyError.isEmpty())
        return;
    for (int job = 0; job < jobs; ++job)
        failJob(job, m_historyError + QStringLiteral("; ") + nothingDone);
}

QString RunnerCore::noteHistoryFailure(const QString &what, const QString &error)
{
    const QString message = QStringLiteral("history database %1: %2: %3").arg(m_historyPath, what, error);
    if (m_historyError.isEmpty())
        m_historyError = message;
    return message;
}

QString RunnerCore::freshLogPath(const QString &stem)
{
    QString path = stem + QStringLiteral(".log");
    for (int n = 2; QFileInfo::exists(path) && n < 10000; ++n)
        path = QStringLiteral("%1-%2.log").arg(stem).arg(n);
    return path;
}

QString RunnerCore::safeName(QString text)
{
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]+"));
    return text.replace(unsafe, QStringLiteral("-"));
}

void RunnerCore::addToMessage(QString &message, const QString &more)
{
    message += (message.isEmpty() ? QString() : QStringLiteral("; ")) + more;
}

} // namespace mrc
