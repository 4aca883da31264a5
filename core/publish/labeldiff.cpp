// SPDX-License-Identifier: Apache-2.0
#include "publish/labeldiff.h"

#include "jobs/buildplan.h"

#include <QSet>

namespace mrc {

QList<LabelDiffRow> LabelDiff::diff(const Labels &left, const Labels &right)
{
    QStringList keys = left.keys() + right.keys();
    keys.removeDuplicates();
    keys.sort();
    QList<LabelDiffRow> rows;
    rows.reserve(keys.size());
    for (const QString &key : keys) {
        LabelDiffRow row{key, left.value(key), right.value(key), LabelChange::Same};
        if (!left.contains(key))
            row.change = LabelChange::Added;
        else if (!right.contains(key))
            row.change = LabelChange::Removed;
        else if (row.left != row.right)
            row.change = LabelChange::Changed;
        rows << row;
    }
    return rows;
}

QString LabelDiff::changeName(LabelChange change)
{
    switch (change) {
    case LabelChange::Same:
        return QStringLiteral("same");
    case LabelChange::Added:
        return QStringLiteral("added");
    case LabelChange::Removed:
        return QStringLiteral("removed");
    case LabelChange::Changed:
        return QStringLiteral("changed");
    }
    return {};
}

namespace {

QString shortSha(const QString &sha)
{
    return sha.left(7);
}

LabelCheck compare(const QString &name, const Labels &labels, const char *key, const QString &expected, bool shortForm)
{
    const QString label = QString::fromLatin1(key);
    const QString actual = labels.value(label);
    LabelCheck check{name, actual == expected, {}};
    const auto show = [&](const QString &v) { return shortForm ? shortSha(v) : v; };
    if (check.ok)
        check.message = QStringLiteral("%1 is %2").arg(label, show(expected));
    else if (!labels.contains(label))
        check.message = QStringLiteral("%1 is missing; expected %2").arg(label, show(expected));
    else
        check.message = QStringLiteral("%1 is %2; expected %3").arg(label, show(actual), show(expected));
    return check;
}

} // namespace

QList<LabelCheck> LabelDiff::check(const Labels &labels, const QString &commit, const QString &releaseTag,
                                   const QString &baseCommit)
{
    QList<LabelCheck> checks;
    if (!commit.isEmpty())
        checks << compare(QStringLiteral("revision"), labels, ImageLabels::revision, commit, true);
    if (!releaseTag.isEmpty())
        checks << compare(QStringLiteral("version"), labels, ImageLabels::version, releaseTag, false);
    if (!baseCommit.isEmpty())
        checks << compare(QStringLiteral("base revision"), labels, ImageLabels::baseRevision, baseCommit, true);
    return checks;
}

} // namespace mrc
