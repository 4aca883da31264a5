// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "manifest/manifest.h"

#include <QDateTime>
#include <QHash>
#include <QString>
#include <functional>
#include <memory>

class QObject;

namespace mrc {

class EngineClient;
class History;

/**
 * What BuildRunner and TestRunner share: one EngineClient per engine, the history database and its failures,
 * the log folder and log names, and the stamps of a job that ends. A runner owns one; it lives on the runner's
 * thread. A run the history cannot record does not start, and an outcome it cannot record is reported.
 */
class RunnerCore
{
public:
    /** @p owner parents the engine clients; @p clientTimeoutMs is their default timeout (0: none). */
    RunnerCore(const Manifest &manifest, QObject *owner, int clientTimeoutMs = 0);
    ~RunnerCore();

    /** Fills the empty locations with the defaults and keeps @p jobs at one or more. */
    static void resolve(QString &cacheRoot, QString &historyPath, QString &logDirectory, int &jobs);

    EngineClient *client(const QString &engine);
    const EngineSpec *engine(const QString &name) const;

    /** Opens the history and makes the log folder; false with historyError() set when the history cannot open. */
    bool open(const QString &historyPath, const QString &logDirectory);
    /**
     * Starts a run of @p jobs jobs: opens the history, registers each job, and when the run cannot be recorded,
     * fails each job with why and "; @p nothingDone" (a run the history does not hold is not started).
     */
    void begin(const QString &historyPath, const QString &logDirectory, int jobs,
               const std::function<void(int)> &registerJob, const std::function<void(int, const QString &)> &failJob,
               const QString &nothingDone);
    History *history() const { return m_history.get(); }
    /** The history is open and nothing failed to be written yet: new rows may be added. */
    bool recording() const { return m_history && m_historyError.isEmpty(); }
    /** The first history failure of the run; empty when every write went through. */
    QString historyError() const { return m_historyError; }
    /** Keeps @p what (a failed write) as the run's history error unless one is kept already; returns the message. */
    QString noteHistoryFailure(const QString &what, const QString &error);
    QString historyPath() const { return m_historyPath; }

    /** A log name not used yet: ids of a replaced history start again at 1, and an old log would be appended to. */
    static QString freshLogPath(const QString &stem);
    static QString safeName(QString text);

    /** Ends a job's update with @p state and @p message, now. */
    template<typename Update, typename State> static void stamp(Update &update, State state, const QString &message)
    {
        update.state = state;
        update.message = message;
        update.finished = QDateTime::currentDateTimeUtc();
        if (!update.started.isValid())
            update.started = update.finished;
    }

    /** Appends @p more to a job's message. */
    static void addToMessage(QString &message, const QString &more);

private:
    const Manifest &m_manifest;
    QObject *m_owner;
    int m_clientTimeoutMs;
    QHash<QString, EngineClient *> m_clients;
    std::unique_ptr<History> m_history;
    QString m_historyPath;
    QString m_historyError;
};

} // namespace mrc
