// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the two halves of AutomationStore share (automationstore.cpp writes the queue, automationstoreruns.cpp reads
// runs, hands them out and keeps the back-off). Included by those two files only.

#include "history/automationstore.h"

#include <QCoreApplication>
#include <QSqlQuery>
#include <QVariant>
#include <cerrno>
#include <csignal>

namespace mrc {

namespace automationstore {

inline constexpr char runColumns[] =
    "r.id, r.event_id, r.actions, r.components, r.docker, r.state, r.attempt, r.queued, r.started, r.finished, "
    "r.message, r.superseded_by, r.pid, e.kind, e.repo, e.ref, e.sha, e.previous_sha, e.branch, e.components, "
    "e.subject, e.seen";
inline constexpr char eventColumns[] = "id, kind, repo, ref, sha, previous_sha, branch, components, subject, seen";

inline bool processIsAlive(qint64 pid)
{
    return pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno == EPERM);
}

inline qint64 ownPid()
{
    return QCoreApplication::applicationPid();
}

inline QString timeText(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : QString();
}

inline QDateTime timeFrom(const QVariant &value)
{
    const QString text = value.toString();
    return text.isEmpty() ? QDateTime() : QDateTime::fromString(text, Qt::ISODateWithMs).toUTC();
}

inline QStringList listFrom(const QVariant &value)
{
    const QString text = value.toString();
    return text.isEmpty() ? QStringList() : text.split(QLatin1Char(','));
}

inline QString actionsText(const AutomationActions &actions)
{
    QStringList parts;
    if (actions.build)
        parts << QStringLiteral("build");
    if (actions.test)
        parts << QStringLiteral("test");
    if (actions.push)
        parts << QStringLiteral("push");
    return parts.join(QLatin1Char(','));
}

inline AutomationActions actionsFrom(const QVariant &value)
{
    const QStringList parts = listFrom(value);
    return {parts.contains(QStringLiteral("build")), parts.contains(QStringLiteral("test")),
            parts.contains(QStringLiteral("push"))};
}

// Event columns from `first` on, in the order of eventColumns without the id.
inline void readEvent(const QSqlQuery &q, int first, AutomationEvent *e)
{
    e->kind = automationEventKindFromName(q.value(first).toString()).value_or(AutomationEventKind::Commit);
    e->repo = q.value(first + 1).toString();
    e->ref = q.value(first + 2).toString();
    e->sha = q.value(first + 3).toString();
    e->previousSha = q.value(first + 4).toString();
    e->branch = q.value(first + 5).toString();
    e->components = listFrom(q.value(first + 6));
    e->subject = q.value(first + 7).toString();
    e->seen = timeFrom(q.value(first + 8));
}

} // namespace automationstore

using namespace automationstore;

} // namespace mrc
