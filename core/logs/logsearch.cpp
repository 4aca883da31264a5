// SPDX-License-Identifier: Apache-2.0
#include "logsearch.h"

#include <QByteArrayMatcher>
#include <QFile>
#include <algorithm>
#include <cstring>

namespace mrc {

namespace {

constexpr qint64 ReadBlock = 4 << 20;

char foldAscii(char c)
{
    return c >= 'A' && c <= 'Z' ? char(c + ('a' - 'A')) : c;
}

bool isAscii(const QString &s)
{
    return std::all_of(s.begin(), s.end(), [](QChar c) { return c.unicode() < 0x80; });
}

/** Matches one block of whole lines; returns the index of the matching line within it, or -1. */
class Matcher
{
public:
    explicit Matcher(const QString &needle) : m_ascii(isAscii(needle)), m_needle(needle)
    {
        QByteArray folded = needle.toLatin1();
        for (char &c : folded)
            c = foldAscii(c);
        m_matcher.setPattern(folded);
    }

    int match(QByteArrayView lines, bool wantLast)
    {
        return m_ascii ? matchAscii(lines, wantLast) : matchUnicode(lines, wantLast);
    }

    /** The number of lines in `lines` that match. */
    qint64 count(QByteArrayView lines)
    {
        if (!m_ascii) {
            qint64 n = 0;
            qsizetype start = 0;
            while (start < lines.size()) {
                qsizetype end = lines.indexOf('\n', start);
                if (end < 0)
                    end = lines.size();
                n += QString::fromUtf8(lines.sliced(start, end - start)).contains(m_needle, Qt::CaseInsensitive);
                start = end + 1;
            }
            return n;
        }
        m_folded.resize(lines.size());
        std::transform(lines.begin(), lines.end(), m_folded.begin(), foldAscii);
        qint64 n = 0;
        qsizetype from = 0;
        for (;;) {
            const qsizetype hit = m_matcher.indexIn(m_folded, from);
            if (hit < 0)
                return n;
            ++n;
            const qsizetype lineEnd = m_folded.indexOf('\n', hit);
            if (lineEnd < 0)
                return n;
            from = lineEnd + 1;
        }
    }

private:
    int matchAscii(QByteArrayView lines, bool wantLast)
    {
        m_folded.resize(lines.size());
        std::transform(lines.begin(), lines.end(), m_folded.begin(), foldAscii);
        int found = -1;
        int line = 0;
        qsizetype counted = 0; // lines are counted up to here
        qsizetype from = 0;
        for (;;) {
            const qsizetype hit = m_matcher.indexIn(m_folded, from);
            if (hit < 0)
                return found;
            line += int(std::count(m_folded.cbegin() + counted, m_folded.cbegin() + hit, '\n'));
            counted = hit;
            found = line;
            if (!wantLast)
                return found;
            const qsizetype lineEnd = m_folded.indexOf('\n', hit);
            if (lineEnd < 0)
                return found;
            from = lineEnd + 1; // one hit per line is enough
        }
    }

    int matchUnicode(QByteArrayView lines, bool wantLast)
    {
        int found = -1;
        int line = 0;
        qsizetype start = 0;
        while (start < lines.size()) {
            qsizetype end = lines.indexOf('\n', start);
            if (end < 0)
                end = lines.size();
            if (QString::fromUtf8(lines.sliced(start, end - start)).contains(m_needle, Qt::CaseInsensitive)) {
                found = line;
                if (!wantLast)
                    return found;
            }
            ++line;
            start = end + 1;
        }
        return found;
    }

    bool m_ascii;
    QString m_needle;
    QByteArrayMatcher m_matcher;
    QByteArray m_folded;
};

} // namespace

int LogSearch::find(const QString &path, const QList<Segment> &segments, const QString &needle, bool forward,
                    const std::atomic_bool *cancel)
{
    QString text = needle;
    text.remove(QLatin1Char('\n'));
    if (text.isEmpty())
        return -1;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    Matcher matcher(text);
    QByteArray buffer;
    for (const Segment &segment : segments) {
        int found = -1;
        int line = segment.firstLine; // the line at the start of the buffer
        if (!file.seek(segment.start))
            return -1;
        qint64 position = segment.start;
        buffer.clear();
        while (position < segment.end) {
            if (cancel && cancel->load())
                return -1;
            const qint64 want = qMin(ReadBlock, segment.end - position);
            const qsizetype kept = buffer.size();
            buffer.resize(kept + want);
            const qint64 n = file.read(buffer.data() + kept, want);
            if (n <= 0)
                return found;
            buffer.resize(kept + n);
            position += n;
            // Only whole lines are matched; the rest waits for the next read (a segment ends with a line).
            const qsizetype cut = buffer.lastIndexOf('\n') + 1;
            if (cut == 0)
                continue;
            const QByteArrayView lines(buffer.constData(), cut);
            const int hit = matcher.match(lines, !forward);
            if (hit >= 0) {
                found = line + hit;
                if (forward)
                    return found;
            }
            line += int(std::count(lines.begin(), lines.end(), '\n'));
            buffer.remove(0, cut);
        }
        if (found >= 0)
            return found;
    }
    return -1;
}

qint64 LogSearch::count(const QString &path, const QString &needle, qint64 start, const std::atomic_bool *cancel)
{
    QString text = needle;
    text.remove(QLatin1Char('\n'));
    if (text.isEmpty())
        return 0;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || !file.seek(start))
        return -1;
    Matcher matcher(text);
    QByteArray buffer;
    qint64 hits = 0;
    for (;;) {
        if (cancel && cancel->load())
            return -1;
        const qsizetype kept = buffer.size();
        buffer.resize(kept + ReadBlock);
        const qint64 n = file.read(buffer.data() + kept, ReadBlock);
        if (n < 0)
            return -1;
        buffer.resize(kept + n);
        if (n == 0) {
            if (!buffer.isEmpty())
                hits += matcher.count(buffer); // a last line without its newline
            return hits;
        }
        const qsizetype cut = buffer.lastIndexOf('\n') + 1;
        if (cut == 0)
            continue;
        hits += matcher.count(QByteArrayView(buffer.constData(), cut));
        buffer.remove(0, cut);
    }
}

} // namespace mrc
