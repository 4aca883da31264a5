// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "history/pushaudit.h"
#include "publish/tagplan.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>

namespace mrc {

class EngineClient;
class EnginePush;
class RegistryClient;
class RegistryReply;

/** What happened to one planned tag. */
struct TagOutcome
{
    PlannedTag planned;
    bool ok = false; // done and verified, or nothing to do
    QString digest;  // what the registry's HEAD says the tag names afterwards
    QString method;  // push, copy or none
    QString message;
    int attempts = 0;
};

struct CellPublishResult
{
    PublishCell cell;
    QList<TagOutcome> tags;
    bool ok() const;
};

/**
 * Carries out tag plans exactly as planned, cell by cell, tag by tag:
 *   - the first change of an image that the registry does not hold yet is a push through the engine (EnginePush),
 *     retried with back-off on transient failures; a tag moves only when its image was fully uploaded, since
 *     the registry stores a manifest only after all of its blobs;
 *   - every other change copies the manifest of a tag that holds the image (RegistryClient::copyManifest): no
 *     blob moves;
 *   - each changed tag is verified with a HEAD: the registry must name the digest the push or copy reported;
 *   - refused tags are not touched and count as failures; a tag whose source failed is skipped;
 *   - before the first write of an image, and again right before each of its release and sha- tags is written, a
 *     HEAD checks that the registry still has what the plan saw; when a tag changed, that image stops (nothing
 *     more of it is written) with a message naming the tag and both digests.
 * Every tag's outcome goes to the audit trail when one is given. The engine's auth header is used for the
 * pushes only and wiped afterwards.
 */
class Publisher : public QObject
{
    Q_OBJECT
public:
    Publisher(EngineClient *engine, RegistryClient *registry, const QByteArray &registryAuth,
              QObject *parent = nullptr);
    ~Publisher() override;

    /** The repository the engine pushes to: "127.0.0.1:5000/monasca/api" for "monasca/api". */
    void setEngineRepositoryPrefix(const QString &prefix) { m_enginePrefix = prefix; }
    void setAudit(PushAudit *audit, const QString &user);
    /** Attempts per push when failures are transient (default 3), and the first back-off (doubles each time). */
    void setRetries(int attempts, int firstBackoffMs);

    /** @p plans: CellTagPlan with cell.repository as the registry path ("monasca/api"). */
    void start(const QList<CellTagPlan> &plans);
    void cancel();

    bool isFinished() const { return m_finished; }
    const QList<CellPublishResult> &results() const { return m_results; }
    bool ok() const;
    /** The plan's current cell and tag, for progress displays. */
    int currentCell() const { return m_cell; }
    qint64 bytesDone() const;
    qint64 bytesTotal() const;
    /** The running engine push (its layers), or null between pushes. */
    const EnginePush *currentPush() const;

Q_SIGNALS:
    void logLine(int cell, const QString &line);
    void progress(int cell);
    void tagFinished(int cell, const TagOutcome &outcome);
    void finished();

private:
    void next();
    static bool isChecked(const PlannedTag &planned);
    void preflight(int cell, int from);
    QString changedMessage(int cell, const PlannedTag &planned, const QString &now) const;
    void write(int cell, int tag);
    void recheck(int cell, int tag);
    void stopImage(int cell, int tag, const QString &message);
    void runPush(int cell, int tag);
    void runCopy(int cell, int tag);
    void verify(int cell, int tag, const QString &expectedDigest);
    void done(int cell, int tag, bool ok, const QString &message);
    QString engineRepository(const QString &repository) const;

    EngineClient *m_engine;
    RegistryClient *m_registry;
    QByteArray m_auth;
    QString m_enginePrefix;
    PushAudit *m_audit = nullptr;
    QString m_user;
    int m_attempts = 3;
    int m_backoffMs = 1000;
    QList<CellPublishResult> m_results;
    int m_cell = 0;
    int m_tag = -1;
    QPointer<EnginePush> m_push;
    QPointer<RegistryReply> m_reply;
    QSet<int> m_checkedCells; // images whose immutable tags were checked before their first write
    bool m_cancelled = false;
    bool m_finished = false;
};

} // namespace mrc
