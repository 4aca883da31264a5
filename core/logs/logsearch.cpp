// SPDX-License-Identifier: Apache-2.0
#include "logs/logsearch.h"

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

/**
 * Matches one block of whole lines, case-insensitively. ASCII needles use Horspool's search with a skip table
 * that knows both cases, straight on the bytes read (no folded copy); others fold each line through QString.
 */
class Matcher
{
public:
    explicit Matcher(const QString &needle) : m_ascii(isAscii(needle)), m_needle(needle)
    {
        m_folded = needle.toLatin1();
        for (char &c : m_folded)
            c = foldAscii(c);
        const qsizetype n = m_folded.size();
        std::fill(std::begin(m_skip), std::end(m_skip), n);
        for (qsizetype i = 0; i + 1 < n; ++i) {
            const auto c = static_cast<unsigned char>(m_folded[i]);
            m_skip[c] = n - 1 - i;
            if (c >= 'a' && c <= 'z')
                m_skip[c - ('a' - 'A')] = n - 1 - i;
        }
    }

    int match(QByteArrayView lines, bool wantLast)
    {
        return m_ascii ? matchAscii(lines, wantLast) : matchUnicode(lines, wantLast);
    }

    /** The number of lines in `lines` that match. */
    qint64 count(QByteArrayView lines)
    {
        qint64 n = 0;
        if (!m_ascii) {
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
        const char *p = lines.data();
        const char *const end = p + lines.size();
        while (const char *hit = find(p, end)) {
            ++n;
            const void *lineEnd = std::memchr(hit, '\n', size_t(end - hit));
            if (!lineEnd)
                break;
            p = static_cast<const char *>(lineEnd) + 1; // one hit per line is enough
        }
        return n;
    }

private:
    /** The first occurrence of the needle in [from, end), or nullptr. */
    const char *find(const char *from, const char *end) const
    {
        const qsizetype n = m_folded.size();
        const char *const needle = m_folded.constData();
        const char last = needle[n - 1];
        for (const char *p = from + n - 1; p < end;) {
            if (foldAscii(*p) == last) {
                qsizetype i = n - 2;
                while (i >= 0 && foldAscii(p[i - (n - 1)]) == needle[i])
                    --i;
                if (i < 0)
                    return p - (n - 1);
            }
            p += m_skip[static_cast<unsigned char>(*p)];
        }
        return nullptr;
    }

    int matchAscii(QByteArrayView lines, bool wantLast)
    {
        const char *const begin = lines.data();
        const char *const end = begin + lines.size();
        int found = -1;
        int line = 0;
        const char *counted = begin; // lines are counted up to here
        const char *from = begin;
        while (const char *hit = find(from, end)) {
            line += int(std::count(counted, hit, '\n'));
            counted = hit;
            found = line;
            if (!wantLast)
                return found;
            const void *lineEnd = std::memchr(hit, '\n', size_t(end - hit));
            if (!lineEnd)
                return found;
            from = static_cast<const char *>(lineEnd) + 1; // one hit per line is enough
        }
        return found;
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
    QByteArray m_folded;     // the ASCII needle in lower case
    qsizetype m_skip[256]{}; // Horspool's shift for each byte, the same for both cases of a letter
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
