// SPDX-License-Identifier: Apache-2.0
#include "publish/publisher.h"

#include "publish/enginepush.h"
#include "registry/registryclient.h"

#include <QTimer>
#include <algorithm>

namespace mrc {

bool CellPublishResult::ok() const
{
    return std::all_of(tags.cbegin(), tags.cend(), [](const TagOutcome &t) { return t.ok; });
}

Publisher::Publisher(EngineClient *engine, RegistryClient *registry, const QByteArray &registryAuth, QObject *parent)
    : QObject(parent), m_engine(engine), m_registry(registry), m_auth(registryAuth)
{
}

Publisher::~Publisher()
{
    if (m_push)
        m_push->cancel();
    if (m_reply)
        m_reply->abort();
    m_auth.fill('\0');
}

void Publisher::setAudit(PushAudit *audit, const QString &user)
{
    m_audit = audit;
    m_user = user;
}

void Publisher::setRetries(int attempts, int firstBackoffMs)
{
    m_attempts = qMax(1, attempts);
    m_backoffMs = qMax(0, firstBackoffMs);
}

bool Publisher::ok() const
{
    return m_finished && !m_cancelled &&
           std::all_of(m_results.cbegin(), m_results.cend(), [](const CellPublishResult &r) { return r.ok(); });
}

QString Publisher::engineRepository(const QString &repository) const
{
    return m_enginePrefix.isEmpty() ? repository : m_enginePrefix + QLatin1Char('/') + repository;
}

void Publisher::start(const QList<CellTagPlan> &plans)
{
    m_results.clear();
    for (const CellTagPlan &plan : plans) {
        CellPublishResult result;
        result.cell = plan.cell;
        for (const PlannedTag &t : plan.tags)
            result.tags << TagOutcome{t, false, {}, QStringLiteral("none"), {}, 0};
        m_results << result;
    }
    m_cell = 0;
    m_tag = -1;
    m_checkedCells.clear();
    QMetaObject::invokeMethod(this, &Publisher::next, Qt::QueuedConnection);
}

void Publisher::cancel()
{
    m_cancelled = true;
    if (m_push)
        m_push->cancel();
    if (m_reply)
        m_reply->abort();
}

void Publisher::next()
{
    while (m_cell < m_results.size()) {
        ++m_tag;
        if (m_tag >= m_results.at(m_cell).tags.size()) {
            ++m_cell;
            m_tag = -1;
            continue;
        }
        const int c = m_cell;
        const int t = m_tag;
        if (t == 0 && !m_checkedCells.contains(c) && !m_cancelled) {
            // Before anything of the image is written: do its release and sha- tags still say what was planned?
            m_checkedCells.insert(c);
            m_tag = -1;
            preflight(c, 0);
            return;
        }
        const PlannedTag planned = m_results.at(c).tags.at(t).planned;
        if (m_cancelled) {
            done(c, t, false, tr("cancelled before it started"));
            continue;
        }
        if (planned.action == TagAction::Refused) {
            done(c, t, false, tr("refused: %1").arg(planned.reason));
            continue;
        }
        if (!planned.changes()) {
            m_results[c].tags[t].digest = planned.current.digest;
            done(c, t, true, planned.reason);
            continue;
        }
        if (!planned.copyFrom.isEmpty()) {
            // The source must be there: either it was at the registry already, or this run put it there.
            const QList<TagOutcome> &tags = m_results.at(c).tags;
            const auto source = std::find_if(tags.cbegin(), tags.cend(),
                                             [&](const TagOutcome &o) { return o.planned.tag == planned.copyFrom; });
            if (source != tags.cend() && source->planned.changes() && !source->ok) {
                done(c, t, false, tr("skipped: %1 was not pushed").arg(planned.copyFrom));
                continue;
            }
        }
        if (isChecked(planned))
            recheck(c, t);
        else
            write(c, t);
        return; // continues when the operation ends
    }
    m_finished = true;
    Q_EMIT finished();
}

void Publisher::write(int c, int t)
{
    if (m_results.at(c).tags.at(t).planned.copyFrom.isEmpty())
        runPush(c, t);
    else
        runCopy(c, t);
}

bool Publisher::isChecked(const PlannedTag &planned)
{
    return planned.changes() && (planned.kind == TagKind::Sha || planned.kind == TagKind::Release);
}

void Publisher::preflight(int c, int from)
{
    const QList<TagOutcome> &tags = m_results.at(c).tags;
    int t = from;
    while (t < tags.size() && !isChecked(tags.at(t).planned))
        ++t;
    if (t >= tags.size()) {
        next();
        return;
    }
    const PlannedTag planned = tags.at(t).planned;
    RegistryReply *reply = m_registry->manifestDigest(m_results.at(c).cell.repository, planned.tag);
    m_reply = reply;
    connect(reply, &RegistryReply::finished, this, [this, reply, c, t, planned] {
        reply->deleteLater();
        m_reply = nullptr;
        const QString now = reply->ok() ? reply->digest() : QString();
        if (!reply->ok() && reply->error() != RegistryReply::NotFound) {
            preflight(c, t + 1); // the HEAD right before the write tries again
            return;
        }
        if (now == planned.current.digest) {
            preflight(c, t + 1);
            return;
        }
        stopImage(c, t, changedMessage(c, planned, now));
        next();
    });
}

QString Publisher::changedMessage(int c, const PlannedTag &planned, const QString &now) const
{
    return tr("stopped: %1:%2 changed at the registry since planning (planned against %3, now %4); nothing of this "
              "image is written, plan again")
        .arg(m_results.at(c).cell.repository, planned.tag,
             planned.current.digest.isEmpty() ? tr("no tag") : planned.current.digest,
             now.isEmpty() ? tr("no tag") : now);
}

void Publisher::recheck(int c, int t)
{
    // An immutable tag is written only when the registry still says what the plan saw.
    const PublishCell &cell = m_results.at(c).cell;
    const PlannedTag planned = m_results.at(c).tags.at(t).planned;
    RegistryReply *reply = m_registry->manifestDigest(cell.repository, planned.tag);
    m_reply = reply;
    connect(reply, &RegistryReply::finished, this, [this, reply, c, t, planned] {
        reply->deleteLater();
        m_reply = nullptr;
        if (m_cancelled) {
            done(c, t, false, tr("cancelled"));
            next();
            return;
        }
        QString now;
        if (reply->ok()) {
            now = reply->digest();
        } else if (reply->error() != RegistryReply::NotFound) {
            done(c, t, false, tr("cannot check %1 before writing it: %2").arg(planned.tag, reply->errorString()));
            next();
            return;
        }
        if (now == planned.current.digest) {
            write(c, t);
            return;
        }
        stopImage(c, t, changedMessage(c, planned, now));
        next();
    });
}

void Publisher::stopImage(int c, int t, const QString &message)
{
    const int count = int(m_results.at(c).tags.size());
    const QString stopped = m_results.at(c).tags.at(t).planned.tag;
    for (int other = 0; other < count; ++other) {
        if (other == t)
            done(c, t, false, message);
        else if (other > m_tag) // not yet done
            done(c, other, false, tr("not written: %1 changed at the registry since planning").arg(stopped));
    }
    m_tag = count; // next() moves on to the following image
}

void Publisher::runPush(int c, int t)
{
    TagOutcome &outcome = m_results[c].tags[t];
    ++outcome.attempts;
    outcome.method = QStringLiteral("push");
    const PublishCell &cell = m_results.at(c).cell;
    const QString repository = engineRepository(cell.repository);
    Q_EMIT logLine(c, tr("Pushing %1:%2 (attempt %3 of %4)")
                          .arg(repository, outcome.planned.tag)
                          .arg(outcome.attempts)
                          .arg(m_attempts));
    auto *push = new EnginePush(m_engine, cell.imageId, repository, outcome.planned.tag, m_auth, this);
    m_push = push;
    connect(push, &EnginePush::logLine, this, [this, c](const QString &line) { Q_EMIT logLine(c, line); });
    connect(push, &EnginePush::progress, this, [this, c] { Q_EMIT progress(c); });
    connect(push, &EnginePush::finished, this, [this, push, c, t] {
        push->deleteLater();
        m_push = nullptr;
        const TagOutcome &outcome = m_results.at(c).tags.at(t);
        if (push->ok()) {
            Q_EMIT logLine(c, tr("The engine pushed %1 as %2").arg(outcome.planned.tag, push->digest()));
            verify(c, t, push->digest());
            return;
        }
        if (push->transient() && !m_cancelled && outcome.attempts < m_attempts) {
            const int wait = m_backoffMs << (outcome.attempts - 1);
            Q_EMIT logLine(c, tr("%1; retrying in %2 s").arg(push->error()).arg(wait / 1000.0, 0, 'f', 1));
            QTimer::singleShot(wait, this, [this, c, t] {
                if (!m_cancelled) {
                    runPush(c, t);
                    return;
                }
                done(c, t, false, tr("cancelled"));
                next();
            });
            return;
        }
        done(c, t, false, push->error());
        next();
    });
    push->start();
}

void Publisher::runCopy(int c, int t)
{
    TagOutcome &outcome = m_results[c].tags[t];
    ++outcome.attempts;
    outcome.method = QStringLiteral("copy");
    const PublishCell &cell = m_results.at(c).cell;
    Q_EMIT logLine(c, tr("Copying the manifest of %1:%2 to %3 (no upload)")
                          .arg(cell.repository, outcome.planned.copyFrom, outcome.planned.tag));
    RegistryReply *reply = m_registry->copyManifest(cell.repository, outcome.planned.copyFrom, outcome.planned.tag);
    m_reply = reply;
    connect(reply, &RegistryReply::finished, this, [this, reply, c, t] {
        reply->deleteLater();
        m_reply = nullptr;
        if (!reply->ok()) {
            done(c, t, false, reply->errorString());
            next();
            return;
        }
        verify(c, t, reply->digest());
    });
}

void Publisher::verify(int c, int t, const QString &expectedDigest)
{
    const PublishCell &cell = m_results.at(c).cell;
    const QString tag = m_results.at(c).tags.at(t).planned.tag;
    RegistryReply *reply = m_registry->manifestDigest(cell.repository, tag);
    m_reply = reply;
    connect(reply, &RegistryReply::finished, this, [this, reply, c, t, tag, expectedDigest] {
        reply->deleteLater();
        m_reply = nullptr;
        m_results[c].tags[t].digest = reply->digest();
        if (!reply->ok())
            done(c, t, false, tr("cannot verify %1: %2").arg(tag, reply->errorString()));
        else if (reply->digest() != expectedDigest)
            done(c, t, false,
                 tr("%1 names %2 at the registry, but %3 was reported").arg(tag, reply->digest(), expectedDigest));
        else
            done(c, t, true, tr("verified %1").arg(reply->digest()));
        next();
    });
}

void Publisher::done(int c, int t, bool ok, const QString &message)
{
    TagOutcome &outcome = m_results[c].tags[t];
    outcome.ok = ok;
    outcome.message = message;
    const PublishCell &cell = m_results.at(c).cell;
    if (m_audit) {
        PushRecord r;
        r.user = m_user;
        r.registry = m_registry->registry();
        r.repository = cell.repository;
        r.tag = outcome.planned.tag;
        r.digest = outcome.digest;
        r.action = TagPlan::actionName(outcome.planned.action);
        r.method = outcome.method;
        r.component = cell.component;
        r.branch = cell.branch;
        r.commit = cell.commit;
        r.imageId = cell.imageId;
        r.ok = ok;
        r.message = message;
        m_audit->add(r);
    }
    Q_EMIT logLine(c, QStringLiteral("%1 %2: %3")
                          .arg(ok ? QStringLiteral("ok") : QStringLiteral("FAILED"), outcome.planned.tag, message));
    Q_EMIT tagFinished(c, outcome);
}

const EnginePush *Publisher::currentPush() const
{
    return m_push.data();
}

qint64 Publisher::bytesDone() const
{
    return m_push ? m_push->bytesDone() : 0;
}

qint64 Publisher::bytesTotal() const
{
    return m_push ? m_push->bytesTotal() : 0;
}

} // namespace mrc
