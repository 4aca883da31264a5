// SPDX-License-Identifier: Apache-2.0
#include "render/linediff.h"

#include <vector>

namespace mrc {

QList<DiffLine> LineDiff::compute(const QString &left, const QString &right)
{
    const QStringList a = left.split(QLatin1Char('\n'));
    const QStringList b = right.split(QLatin1Char('\n'));
    const qsizetype n = a.size();
    const qsizetype m = b.size();
    // lcs[i][j]: the common length of a[i..] and b[j..].
    std::vector<std::vector<int>> lcs(size_t(n + 1), std::vector<int>(size_t(m + 1), 0));
    for (qsizetype i = n - 1; i >= 0; --i) {
        for (qsizetype j = m - 1; j >= 0; --j)
            lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
    QList<DiffLine> out;
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[i] == b[j]) {
            out.append({DiffLine::Same, a[i], int(i + 1), int(j + 1)});
            ++i;
            ++j;
        } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
            out.append({DiffLine::Removed, a[i], int(i + 1), 0});
            ++i;
        } else {
            out.append({DiffLine::Added, b[j], 0, int(j + 1)});
            ++j;
        }
    }
    return out;
}

QString LineDiff::toText(const QList<DiffLine> &lines)
{
    QString text;
    for (const DiffLine &line : lines) {
        text += line.kind == DiffLine::Same      ? QStringLiteral("  ")
                : line.kind == DiffLine::Removed ? QStringLiteral("- ")
                                                 : QStringLiteral("+ ");
        text += line.text + QLatin1Char('\n');
    }
    return text;
}

int LineDiff::changes(const QList<DiffLine> &lines)
{
    return int(std::count_if(lines.cbegin(), lines.cend(), [](const DiffLine &l) { return l.kind != DiffLine::Same; }));
}

} // namespace mrc
