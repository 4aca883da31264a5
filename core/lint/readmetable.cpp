// SPDX-License-Identifier: Apache-2.0
#include "lint/readmetable.h"

#include <QRegularExpression>

namespace mrc {

namespace {

const QRegularExpression &border()
{
    static const QRegularExpression re(QStringLiteral("^=+( +=+)+\\s*$"));
    return re;
}

bool isNameHeader(const QString &header)
{
    static const QStringList headers{QStringLiteral("variable"), QStringLiteral("name"),
                                     QStringLiteral("environment variable"), QStringLiteral("env")};
    return headers.contains(header.toLower());
}

bool isVariableName(const QString &cell)
{
    static const QRegularExpression name(QStringLiteral("^[A-Z][A-Z0-9_]*$"));
    return name.match(cell).hasMatch();
}

QString unquoted(QString cell)
{
    cell = cell.trimmed();
    if (cell.size() >= 2 &&
        (cell.front() == QLatin1Char('"') || cell.front() == QLatin1Char('\'') || cell.front() == QLatin1Char('`')) &&
        cell.back() == cell.front())
        cell = cell.mid(1, cell.size() - 2);
    return cell;
}

QString clean(QString cell)
{
    cell = cell.trimmed();
    cell.remove(QLatin1Char('`'));
    cell.remove(QLatin1Char('*'));
    return cell;
}

} // namespace

int ReadmeTable::readSimple(const QStringList &lines, int i, bool baseOnly, QList<Variable> *out)
{
    // border, header, border, rows, border
    const QString &line = lines.at(i);
    QList<qsizetype> starts;
    for (qsizetype c = 0; c < line.size(); ++c) {
        if (line.at(c) == QLatin1Char('=') && (c == 0 || line.at(c - 1) == QLatin1Char(' ')))
            starts << c;
    }
    const qsizetype secondColumn = starts.value(1);
    const qsizetype thirdColumn = starts.value(2, line.size() + 1);
    int j = i + 1;
    QString header;
    while (j < lines.size() && !border().match(lines.at(j)).hasMatch())
        header += lines.at(j++).left(secondColumn);
    if (j >= lines.size())
        return -1;
    int k = j + 1;
    while (k < lines.size() && !border().match(lines.at(k)).hasMatch())
        ++k;
    if (!isNameHeader(clean(header)))
        return k;
    for (int r = j + 1; r < k; ++r) {
        const QString cell = clean(lines.at(r).left(secondColumn));
        const QString more = unquoted(lines.at(r).mid(secondColumn, thirdColumn - secondColumn));
        if (cell.isEmpty() && !more.isEmpty() && !out->isEmpty() && out->last().line > j) {
            // a continuation row: the default goes on
            QString &value = out->last().defaultValue;
            value += (value.endsWith(QLatin1Char(',')) ? QString() : QStringLiteral(" ")) + more;
            continue;
        }
        if (isVariableName(cell))
            out->append({cell, more, r + 1, baseOnly});
    }
    return k;
}

int ReadmeTable::readGrid(const QStringList &lines, int i, bool baseOnly, QList<Variable> *out)
{
    // the header is the first row, the body follows the +===+ line
    const QString header = clean(lines.at(i + 1).section(QLatin1Char('|'), 1, 1));
    int r = i + 1;
    bool body = false;
    for (; r < lines.size() && (lines.at(r).startsWith(QLatin1Char('+')) || lines.at(r).startsWith(QLatin1Char('|')));
         ++r) {
        const QString row = lines.at(r);
        if (row.startsWith(QLatin1String("+=")))
            body = true;
        if (body && row.startsWith(QLatin1Char('|')) && isNameHeader(header)) {
            const QString cell = clean(row.section(QLatin1Char('|'), 1, 1));
            if (isVariableName(cell))
                out->append({cell, unquoted(row.section(QLatin1Char('|'), 2, 2)), r + 1, baseOnly});
        }
    }
    return r - 1;
}

QList<ReadmeTable::Variable> ReadmeTable::variables(const QByteArray &readme)
{
    static const QRegularExpression underline(QStringLiteral("^([=\\-~^\"'`#*+.:_])\\1{2,}\\s*$"));
    const QStringList lines = QString::fromUtf8(readme).split(QLatin1Char('\n'));
    QList<Variable> out;
    QString section;
    for (int i = 0; i < lines.size(); ++i) {
        const QString line = lines.at(i);
        if (i + 1 < lines.size() && !line.trimmed().isEmpty() && !underline.match(line).hasMatch() &&
            !border().match(line).hasMatch() && underline.match(lines.at(i + 1)).hasMatch())
            section = line.trimmed();
        const bool baseOnly = section.contains(QLatin1String("wait script"), Qt::CaseInsensitive);
        if (border().match(line).hasMatch()) {
            i = readSimple(lines, i, baseOnly, &out);
            if (i < 0)
                break;
        } else if (line.startsWith(QLatin1Char('+')) && i + 1 < lines.size() &&
                   lines.at(i + 1).startsWith(QLatin1Char('|'))) {
            i = readGrid(lines, i, baseOnly, &out);
        }
    }
    return out;
}

} // namespace mrc
