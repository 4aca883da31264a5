// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QDate>
#include <QString>
#include <QStringList>

namespace mrc {

/**
 * Cutting a stable branch in release.yaml: a new entry after master's, with master's current Docker versions
 * and a `frozen:` date, written into the text so that the file's comments and order stay as they are.
 */
class BranchCut
{
public:
    struct Result
    {
        QByteArray text; // the whole new file
        QString diff;    // unified diff of the change
        QString error;   // empty on success; names the file and line when it can
        bool ok() const { return error.isEmpty(); }
    };

    /** The file @p text (named @p fileName in messages and the diff) with branch @p name added. */
    static Result cut(const QByteArray &text, const QString &fileName, const QString &name, const QDate &today);
    /** A unified diff with three lines of context. */
    static QString unifiedDiff(const QString &fileName, const QStringList &before, const QStringList &after);
};

} // namespace mrc
