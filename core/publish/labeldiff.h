// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QMap>
#include <QString>

namespace mrc {

using Labels = QMap<QString, QString>;

enum class LabelChange
{
    Same,
    Added,
    Removed,
    Changed
};

/** One key of a label comparison: its value on the left and right side, and how it differs. */
struct LabelDiffRow
{
    QString key;
    QString left;
    QString right;
    LabelChange change = LabelChange::Same;
};

/** One release policy check on an image's labels. */
struct LabelCheck
{
    QString name; // "revision", "version", "base revision"
    bool ok = false;
    QString message;
};

namespace LabelDiff {
/** Every key of either side, sorted: added (right only), removed (left only), changed or same. */
QList<LabelDiffRow> diff(const Labels &left, const Labels &right);
QString changeName(LabelChange change);

/**
 * The release policy: the revision label is @p commit; when @p pushTag is a release tag, the version label is
 * that tag; when @p baseCommit is given, the base revision label is it. Checks whose input is empty are left out.
 */
QList<LabelCheck> check(const Labels &labels, const QString &commit, const QString &releaseTag,
                        const QString &baseCommit);
} // namespace LabelDiff

} // namespace mrc
