// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "manifest/automationpolicy.h"

#include <QDateTime>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace mrc {

/**
 * One thing the watcher saw in a repository: a branch that moved, a new release tag or a new Gerrit patchset,
 * with the components it affects. It lives here, below the scanner, because the automation store records it.
 */
struct AutomationEvent
{
    qint64 id = 0; // the store's row; 0 until recorded
    AutomationEventKind kind = AutomationEventKind::Commit;
    QString repo;           // the repository URL, as the manifest writes it
    QString ref;            // refs/heads/master, refs/tags/12.1.0, refs/changes/34/1234/2
    QString sha;            // the commit the ref points at (a tag peeled to its commit)
    QString previousSha;    // a commit event: where the branch was before; empty for a new branch or other kinds
    QString branch;         // the manifest branch it belongs to (a tag's or change's: the first that contains it)
    QStringList components; // affected, base first, children after; empty: nothing the manifest builds changed
    QString subject;        // the commit's subject line
    QDateTime seen;         // when the scanner found it (UTC)

    /** The short name: the branch ("master"), the tag ("12.1.0") or the change and patchset ("1234/2"). */
    QString name() const;
    /** For a change: its number and patchset from refs/changes/NN/NUMBER/PATCHSET; 0 otherwise. */
    int changeNumber() const;
    int patchset() const;
    /**
     * The queue lane the event's runs share: a newer run of the same lane supersedes a queued older one, and
     * failures back off per lane. A commit: kind, branch and components; a tag: the tag; a change: its number.
     */
    QString lane() const;

    /** True when @p ref has the form refs/changes/NN/NUMBER/PATCHSET (not a Gerrit meta ref). */
    static bool isChangeRef(const QString &ref);
};

} // namespace mrc

Q_DECLARE_METATYPE(mrc::AutomationEvent)
