// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace mrc {

/** One line of a line diff: kept, removed from the left, or added on the right. */
struct DiffLine
{
    enum Kind
    {
        Same,
        Removed,
        Added
    };
    Kind kind = Same;
    QString text;
    int leftLine = 0;  // 1-based, 0 for Added
    int rightLine = 0; // 1-based, 0 for Removed

    bool operator==(const DiffLine &other) const = default;
};

/** A longest-common-subsequence line diff, enough for configuration files. */
class LineDiff
{
public:
    static QList<DiffLine> compute(const QString &left, const QString &right);
    /** Unified-style text: "  same", "- removed", "+ added". */
    static QString toText(const QList<DiffLine> &lines);
    static int changes(const QList<DiffLine> &lines);
};

} // namespace mrc
