// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "publish/pushsession.h"
#include "secrets/registrycredential.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <atomic>
#include <memory>

namespace mrc {

class EngineClient;
class PushAudit;
class RegistryClient;

/** PushSession's half on its worker thread: every blocking step of a plan and a push. Not for other clients. */
class PushWorker : public QObject
{
    Q_OBJECT
public:
    explicit PushWorker(std::shared_ptr<std::atomic_bool> cancelled);
    ~PushWorker() override;

    /** The release column and the names; prepared() with the outcome. */
    void prepare(int run, const PushOptions &options);
    /** The registry client, the scan and the plans; takes the credential (and wipes the caller's copy). */
    void plan(int run, RegistryCredential &credential, const PushPlan &prepared);
    void push(int run);
    void cancel();

Q_SIGNALS:
    void prepared(int run, const mrc::PushPlan &plan);
    void planned(int run, const mrc::PushPlan &plan);
    void logLine(int run, const QString &line);
    void warning(int run, const QString &line);
    void progress(int run, const mrc::PushProgress &progress);
    void tagFinished(int run, int engine, int cell, const mrc::TagOutcome &outcome);
    void finished(int run, const mrc::PushResult &result);

private:
    bool preflight();
    void pushNextEngine();
    void onProgress(int cell);
    void flushProgress();
    void finish(PushOutcome outcome, const QString &message);

    std::shared_ptr<std::atomic_bool> m_cancelled;
    PushOptions m_options;
    PushPlan m_plan;
    RegistryCredential m_credential;
    std::unique_ptr<RegistryClient> m_registry;
    int m_run = 0;

    // The push: one Publisher per engine, one after the other.
    std::unique_ptr<PushAudit> m_audit;
    QByteArray m_auth;
    int m_engineIndex = -1;
    bool m_pushOk = true;
    bool m_pushedAll = false;
    std::unique_ptr<EngineClient> m_engine;
    std::unique_ptr<Publisher> m_publisher;
    QList<CellPublishResult> m_results;
    PushProgress m_pendingProgress;
    bool m_progressPending = false;
    QElapsedTimer m_progressClock;
};

} // namespace mrc
