// SPDX-License-Identifier: Apache-2.0
// STUB (first commit, API only): scan() reports that it is not implemented yet; the implementation follows.
#include "automation/eventscanner.h"

#include "git/gitmirror.h"
#include "history/automationstore.h"

namespace mrc {

EventScanner::EventScanner(Manifest manifest, AutomationStore *store, QString cacheRoot)
    : m_manifest(std::move(manifest)), m_store(store), m_cacheRoot(std::move(cacheRoot))
{
}

EventScanResult EventScanner::scan(const std::atomic_bool *)
{
    EventScanResult result;
    result.problems << QStringLiteral("the event scanner is not implemented yet");
    return result;
}

QStringList EventScanner::affectedComponents(const Manifest &, const QString &, const QStringList &)
{
    return {};
}

QStringList EventScanner::withChildren(const Manifest &, const QStringList &)
{
    return {};
}

bool EventScanner::scanRepository(const QString &, const std::atomic_bool *, EventScanResult *)
{
    return false;
}

QList<AutomationEvent> EventScanner::compare(GitMirror &, const QString &, const QHash<QString, QString> &,
                                             const QHash<QString, QString> &, bool, QStringList *)
{
    return {};
}

QString EventScanner::branchOf(GitMirror &, const QString &, const QHash<QString, QString> &)
{
    return {};
}

void EventScanner::note(const QString &text) const
{
    if (m_note)
        m_note(text);
}

} // namespace mrc
