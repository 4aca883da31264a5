// SPDX-License-Identifier: Apache-2.0
#include "manifest/branchcut.h"

#include "manifest/manifestparser.h"

namespace mrc {

namespace {

int indentOf(const QString &line)
{
    int n = 0;
    while (n < line.size() && line.at(n) == QLatin1Char(' '))
        ++n;
    return n;
}

bool isBlankOrComment(const QString &line)
{
    const QString t = line.trimmed();
    return t.isEmpty() || t.startsWith(QLatin1Char('#'));
}

} // namespace

QString BranchCut::unifiedDiff(const QString &fileName, const QStringList &before, const QStringList &after)
{
    // One hunk is enough for an insertion: the common head, the changed middle, the common tail.
    qsizetype head = 0;
    while (head < before.size() && head < after.size() && before.at(head) == after.at(head))
        ++head;
    qsizetype tail = 0;
    while (tail < before.size() - head && tail < after.size() - head &&
           before.at(before.size() - 1 - tail) == after.at(after.size() - 1 - tail))
        ++tail;
    if (head == before.size() && head == after.size())
        return {};
    const qsizetype start = std::max<qsizetype>(0, head - 3);
    const qsizetype beforeEnd = std::min(before.size(), before.size() - tail + 3);
    const qsizetype afterEnd = std::min(after.size(), after.size() - tail + 3);
    // git's a/ and b/ prefixes for a relative name; an absolute one is shown as it is
    const bool absolute = fileName.startsWith(QLatin1Char('/'));
    QString out =
        QStringLiteral("--- %1%2\n+++ %3%2\n@@ -%4,%5 +%6,%7 @@\n")
            .arg(absolute ? QString() : QStringLiteral("a/"), fileName, absolute ? QString() : QStringLiteral("b/"))
            .arg(start + 1)
            .arg(beforeEnd - start)
            .arg(start + 1)
            .arg(afterEnd - start);
    for (qsizetype i = start; i < head; ++i)
        out += QLatin1Char(' ') + before.at(i) + QLatin1Char('\n');
    for (qsizetype i = head; i < before.size() - tail; ++i)
        out += QLatin1Char('-') + before.at(i) + QLatin1Char('\n');
    for (qsizetype i = head; i < after.size() - tail; ++i)
        out += QLatin1Char('+') + after.at(i) + QLatin1Char('\n');
    for (qsizetype i = before.size() - tail; i < beforeEnd; ++i)
        out += QLatin1Char(' ') + before.at(i) + QLatin1Char('\n');
    return out;
}

BranchCut::Result BranchCut::cut(const QByteArray &text, const QString &fileName, const QString &name,
                                 const QDate &today)
{
    Result result;
    const ManifestResult parsed = ManifestParser::parse(text, fileName);
    if (!parsed.problems.isEmpty()) {
        result.error = parsed.problems.first().toString();
        return result;
    }
    const Manifest &manifest = parsed.manifest;
    if (manifest.branch(name)) {
        const SourcePos pos = manifest.branch(name)->pos;
        result.error = QStringLiteral("%1:%2:%3: branch '%4' is already in the manifest")
                           .arg(fileName)
                           .arg(pos.line)
                           .arg(pos.column)
                           .arg(name);
        return result;
    }
    const BranchSpec *master = manifest.branch(QStringLiteral("master"));
    if (!master) {
        result.error = QStringLiteral("%1: no branch 'master' to cut from").arg(fileName);
        return result;
    }
    if (master->pos.line <= 0) {
        result.error = QStringLiteral("%1: cannot find master's entry in the text").arg(fileName);
        return result;
    }

    const QStringList lines = QString::fromUtf8(text).split(QLatin1Char('\n'));
    // master's item starts at its position; the "- " before it sets the item indentation.
    const int first = master->pos.line - 1;
    const QString &itemLine = lines.at(first);
    const int keyColumn = master->pos.column - 1;
    const qsizetype dash = itemLine.left(keyColumn).lastIndexOf(QLatin1Char('-'));
    if (dash < 0) {
        result.error = QStringLiteral("%1:%2: master's entry is not a block list item ('- name: master'); add the "
                                      "branch by hand")
                           .arg(fileName)
                           .arg(master->pos.line);
        return result;
    }
    // The item ends before the next line indented at or left of the dash; trailing comments stay with what follows.
    int end = first + 1;
    while (end < lines.size() && (isBlankOrComment(lines.at(end)) || indentOf(lines.at(end)) > dash))
        ++end;
    while (end > first + 1 && isBlankOrComment(lines.at(end - 1)))
        --end;

    QStringList quoted;
    for (const QString &v : master->docker)
        quoted << QLatin1Char('"') + v + QLatin1Char('"');
    const QString pad(dash, QLatin1Char(' '));
    const QString inner(keyColumn, QLatin1Char(' '));
    QStringList entry{
        pad + QStringLiteral("-") + QString(keyColumn - dash - 1, QLatin1Char(' ')) + QStringLiteral("name: ") + name,
        inner + QStringLiteral("docker: [%1]").arg(quoted.join(QStringLiteral(", "))),
        inner + QStringLiteral("frozen: ") + today.toString(Qt::ISODate),
    };
    QStringList after = lines;
    for (int i = 0; i < entry.size(); ++i)
        after.insert(end + i, entry.at(i));
    result.text = after.join(QLatin1Char('\n')).toUtf8();

    const ManifestResult check = ManifestParser::parse(result.text, fileName);
    const BranchSpec *added = check.manifest.branch(name);
    if (!check.problems.isEmpty() || !added || added->docker != master->docker) {
        result.error =
            check.problems.isEmpty()
                ? QStringLiteral("%1: the edited file does not read back as expected; add the branch by hand")
                      .arg(fileName)
                : check.problems.first().toString();
        result.text.clear();
        return result;
    }
    result.diff = unifiedDiff(fileName, lines, after);
    return result;
}

} // namespace mrc
