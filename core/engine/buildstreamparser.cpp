// SPDX-License-Identifier: Apache-2.0
#include "engine/buildstreamparser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <cstring>

namespace mrc {

namespace {

// One build message is a line of output; anything this large without an end is a broken stream.
constexpr qsizetype MaxObjectSize = 64 * 1024 * 1024;
constexpr qsizetype ExcerptSize = 60;

bool isSpace(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

QString excerpt(QByteArrayView bytes)
{
    QByteArray text = bytes.first(qMin<qsizetype>(bytes.size(), ExcerptSize)).toByteArray();
    for (char &c : text) {
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)
            c = '?';
    }
    return QString::fromLatin1(text);
}

BuildMessage malformed(const QString &text)
{
    BuildMessage m;
    m.kind = BuildMessage::Error;
    m.text = text;
    m.errorCode = -1;
    return m;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void appendUtf8(QByteArray &out, char32_t cp)
{
    if (cp < 0x80) {
        out.append(char(cp));
    } else if (cp < 0x800) {
        out.append(char(0xc0 | (cp >> 6)));
        out.append(char(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        out.append(char(0xe0 | (cp >> 12)));
        out.append(char(0x80 | ((cp >> 6) & 0x3f)));
        out.append(char(0x80 | (cp & 0x3f)));
    } else {
        out.append(char(0xf0 | (cp >> 18)));
        out.append(char(0x80 | ((cp >> 12) & 0x3f)));
        out.append(char(0x80 | ((cp >> 6) & 0x3f)));
        out.append(char(0x80 | (cp & 0x3f)));
    }
}

/** Reads the top-level keys of one complete JSON object, decoding only the strings we ask for. */
class ObjectReader
{
public:
    explicit ObjectReader(QByteArrayView object) : m_p(object.data()), m_end(object.data() + object.size()) {}

    bool ok() const { return m_ok; }

    /** Calls @p onKey(key, valueStart) for each key; onKey must consume the value with one of the take*(). */
    template<typename F> bool forEachKey(F onKey)
    {
        skipSpace();
        if (!expect('{'))
            return false;
        skipSpace();
        if (m_p < m_end && *m_p == '}') {
            ++m_p;
            return finishObject();
        }
        for (;;) {
            skipSpace();
            QByteArrayView key;
            if (!rawString(&key))
                return false;
            skipSpace();
            if (!expect(':'))
                return false;
            skipSpace();
            onKey(key);
            if (!m_ok)
                return false;
            skipSpace();
            if (m_p >= m_end)
                return fail();
            if (*m_p == ',') {
                ++m_p;
                continue;
            }
            if (*m_p == '}') {
                ++m_p;
                return finishObject();
            }
            return fail();
        }
    }

    /** A string value as QString; a non-string value gives an empty string. */
    QString takeString()
    {
        if (m_p < m_end && *m_p == '"') {
            QByteArrayView raw;
            if (!rawString(&raw))
                return {};
            if (!raw.contains('\\'))
                return QString::fromUtf8(raw);
            return unescape(raw);
        }
        skipValue();
        return {};
    }

    /** The bytes of any value. */
    QByteArrayView takeRaw()
    {
        const char *start = m_p;
        skipValue();
        return QByteArrayView(start, m_p - start);
    }

private:
    bool fail()
    {
        m_ok = false;
        return false;
    }

    bool finishObject()
    {
        skipSpace();
        return m_p == m_end ? true : fail();
    }

    bool expect(char c)
    {
        if (m_p < m_end && *m_p == c) {
            ++m_p;
            return true;
        }
        return fail();
    }

    void skipSpace()
    {
        while (m_p < m_end && isSpace(*m_p))
            ++m_p;
    }

    /** The bytes between the quotes, escapes left in place. */
    bool rawString(QByteArrayView *out)
    {
        if (!expect('"'))
            return false;
        const char *start = m_p;
        while (m_p < m_end) {
            const char c = *m_p;
            if (c == '"') {
                *out = QByteArrayView(start, m_p - start);
                ++m_p;
                return true;
            }
            if (c == '\\')
                ++m_p;
            else if (static_cast<unsigned char>(c) < 0x20)
                return fail();
            ++m_p;
        }
        return fail();
    }

    void skipValue()
    {
        if (m_p >= m_end) {
            fail();
            return;
        }
        const char c = *m_p;
        if (c == '"') {
            QByteArrayView ignored;
            rawString(&ignored);
            return;
        }
        if (c == '{' || c == '[') {
            int depth = 0;
            while (m_p < m_end) {
                const char d = *m_p;
                if (d == '"') {
                    QByteArrayView ignored;
                    if (!rawString(&ignored))
                        return;
                    continue;
                }
                if (d == '{' || d == '[')
                    ++depth;
                else if (d == '}' || d == ']')
                    --depth;
                ++m_p;
                if (depth == 0)
                    return;
            }
            fail();
            return;
        }
        // number, true, false, null
        const char *start = m_p;
        while (m_p < m_end && !isSpace(*m_p) && *m_p != ',' && *m_p != '}' && *m_p != ']')
            ++m_p;
        const QByteArrayView literal(start, m_p - start);
        if (literal == "true" || literal == "false" || literal == "null")
            return;
        bool number = !literal.isEmpty();
        for (char d : literal)
            number = number && ((d >= '0' && d <= '9') || d == '-' || d == '+' || d == '.' || d == 'e' || d == 'E');
        if (!number)
            fail();
    }

    QString unescape(QByteArrayView raw)
    {
        QByteArray out;
        out.reserve(raw.size());
        const char *p = raw.data();
        const char *end = p + raw.size();
        while (p < end) {
            const char *backslash = static_cast<const char *>(std::memchr(p, '\\', end - p));
            if (!backslash) {
                out.append(p, end - p);
                break;
            }
            out.append(p, backslash - p);
            p = backslash + 1;
            if (p >= end) {
                fail();
                return {};
            }
            switch (*p++) {
            case '"':
                out.append('"');
                break;
            case '\\':
                out.append('\\');
                break;
            case '/':
                out.append('/');
                break;
            case 'b':
                out.append('\b');
                break;
            case 'f':
                out.append('\f');
                break;
            case 'n':
                out.append('\n');
                break;
            case 'r':
                out.append('\r');
                break;
            case 't':
                out.append('\t');
                break;
            case 'u': {
                char32_t cp = 0;
                if (!hex4(p, end, &cp)) {
                    fail();
                    return {};
                }
                if (cp >= 0xd800 && cp < 0xdc00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
                    const char *low = p + 2;
                    char32_t second = 0;
                    if (hex4(low, end, &second) && second >= 0xdc00 && second < 0xe000) {
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (second - 0xdc00);
                        p = low;
                    }
                }
                if (cp >= 0xd800 && cp < 0xe000)
                    cp = 0xfffd; // a lone surrogate
                appendUtf8(out, cp);
                break;
            }
            default:
                fail();
                return {};
            }
        }
        return QString::fromUtf8(out);
    }

    static bool hex4(const char *&p, const char *end, char32_t *cp)
    {
        if (end - p < 4)
            return false;
        char32_t value = 0;
        for (int i = 0; i < 4; ++i) {
            const int digit = hexValue(p[i]);
            if (digit < 0)
                return false;
            value = value << 4 | char32_t(digit);
        }
        p += 4;
        *cp = value;
        return true;
    }

    const char *m_p;
    const char *m_end;
    bool m_ok = true;
};

} // namespace

QList<BuildMessage> BuildStreamParser::feed(QByteArrayView bytes)
{
    QList<BuildMessage> out;
    feed(bytes, out);
    return out;
}

void BuildStreamParser::feed(QByteArrayView bytes, QList<BuildMessage> &out)
{
    scan(bytes, out);
}

void BuildStreamParser::scan(QByteArrayView bytes, QList<BuildMessage> &out)
{
    const char *const begin = bytes.data();
    const char *const end = begin + bytes.size();
    const char *p = begin;
    // Where the current object starts in this chunk; the part before this chunk is in m_pending.
    const char *objectStart = m_depth > 0 ? begin : nullptr;

    auto offsetOf = [&](const char *q) { return m_offset + (q - begin); };

    while (p < end) {
        if (m_depth == 0) {
            // Between objects: whitespace, '{', or garbage up to the next '{'.
            const char *q = p;
            while (m_garbage.isEmpty() && q < end && isSpace(*q))
                ++q;
            if (q == end) {
                p = q;
                break;
            }
            if (*q != '{') {
                const char *brace = static_cast<const char *>(std::memchr(q, '{', end - q));
                const char *stop = brace ? brace : end;
                if (m_garbage.isEmpty())
                    m_garbageStart = offsetOf(q);
                if (m_garbage.size() < ExcerptSize)
                    m_garbage.append(q, qMin<qsizetype>(stop - q, ExcerptSize - m_garbage.size()));
                p = stop;
                continue;
            }
            if (!m_garbage.isEmpty())
                emitGarbage(m_garbage, m_garbageStart, out);
            objectStart = q;
            m_pendingStart = offsetOf(q);
            m_depth = 1;
            p = q + 1;
            continue;
        }

        if (m_inString) {
            if (m_escape) {
                m_escape = false;
                ++p;
                continue;
            }
            const char *quote = static_cast<const char *>(std::memchr(p, '"', end - p));
            const char *stop = quote ? quote : end;
            // A run of backslashes right before the quote (or the chunk end): odd means it escapes.
            const char *b = stop;
            while (b > p && b[-1] == '\\')
                --b;
            const bool oddRun = ((stop - b) & 1) != 0;
            if (!quote) {
                m_escape = oddRun;
                p = end;
                break;
            }
            p = quote + 1;
            if (!oddRun)
                m_inString = false;
            continue;
        }

        // Inside an object, outside strings: only structure characters matter.
        for (; p < end; ++p) {
            const char c = *p;
            if (c == '"') {
                m_inString = true;
                ++p;
                break;
            }
            if (c == '{' || c == '[') {
                ++m_depth;
            } else if (c == '}' || c == ']') {
                if (--m_depth == 0) {
                    ++p;
                    if (m_pending.isEmpty()) {
                        emitObject(QByteArrayView(objectStart, p - objectStart), m_pendingStart, out);
                    } else {
                        m_pending.append(objectStart, p - objectStart);
                        emitObject(m_pending, m_pendingStart, out);
                        m_pending.clear();
                    }
                    objectStart = nullptr;
                    break;
                }
            }
        }
    }

    if (m_depth > 0 && objectStart) {
        m_pending.append(objectStart, end - objectStart);
        if (m_pending.size() > MaxObjectSize) {
            out.append(malformed(QStringLiteral("build output at offset %1: an object larger than %2 MB, dropped")
                                     .arg(m_pendingStart)
                                     .arg(MaxObjectSize / (1024 * 1024))));
            m_pending.clear();
            m_depth = 0;
            m_inString = false;
            m_escape = false;
        }
    }
    m_offset += bytes.size();
}

QList<BuildMessage> BuildStreamParser::finish(QString *truncationError)
{
    QList<BuildMessage> out;
    if (!m_garbage.isEmpty())
        emitGarbage(m_garbage, m_garbageStart, out);
    QString error;
    if (m_depth > 0) {
        error = QStringLiteral("build output ends inside an object at offset %1 (%2 bytes): %3")
                    .arg(m_pendingStart)
                    .arg(m_pending.size())
                    .arg(excerpt(m_pending));
    }
    if (truncationError)
        *truncationError = error;
    m_pending.clear();
    m_depth = 0;
    m_inString = false;
    m_escape = false;
    return out;
}

void BuildStreamParser::emitGarbage(QByteArrayView bytes, qint64 startOffset, QList<BuildMessage> &out)
{
    while (!bytes.isEmpty() && isSpace(bytes.back()))
        bytes.chop(1);
    out.append(malformed(
        QStringLiteral("build output at offset %1 is not a JSON object: %2").arg(startOffset).arg(excerpt(bytes))));
    m_garbage.clear();
}

void BuildStreamParser::emitObject(QByteArrayView object, qint64 startOffset, QList<BuildMessage> &out)
{
    QString stream, status, id, progress, error;
    QByteArrayView aux, errorDetail, progressDetail;
    bool hasStream = false, hasStatus = false, hasError = false, hasAux = false;

    ObjectReader reader(object);
    const bool parsed = reader.forEachKey([&](QByteArrayView key) {
        if (key == "stream") {
            stream = reader.takeString();
            hasStream = true;
        } else if (key == "status") {
            status = reader.takeString();
            hasStatus = true;
        } else if (key == "id") {
            id = reader.takeString();
        } else if (key == "progress") {
            progress = reader.takeString();
        } else if (key == "progressDetail") {
            progressDetail = reader.takeRaw();
        } else if (key == "error") {
            error = reader.takeString();
            hasError = true;
        } else if (key == "errorDetail") {
            errorDetail = reader.takeRaw();
            hasError = true;
        } else if (key == "aux") {
            aux = reader.takeRaw();
            hasAux = true;
        } else {
            reader.takeRaw();
        }
    });
    if (!parsed) {
        out.append(malformed(
            QStringLiteral("build output at offset %1 is not valid JSON: %2").arg(startOffset).arg(excerpt(object))));
        return;
    }

    BuildMessage m;
    if (hasError) {
        m.kind = BuildMessage::Error;
        m.text = error;
        if (!errorDetail.isEmpty()) {
            const QJsonObject detail = QJsonDocument::fromJson(errorDetail.toByteArray()).object();
            m.errorCode = detail.value(QLatin1String("code")).toInt();
            if (m.text.isEmpty())
                m.text = detail.value(QLatin1String("message")).toString();
        }
        // An error must say something: a failed build with an empty reason reads as no failure at all.
        if (m.text.isEmpty())
            m.text = QStringLiteral("the engine reported an error without a message at offset %1: %2")
                         .arg(startOffset)
                         .arg(excerpt(object));
    } else if (hasAux) {
        m.kind = BuildMessage::Aux;
        // Wrapped in an array so that a scalar aux (BuildKit sends base64 strings) parses too.
        const QJsonValue value = QJsonDocument::fromJson('[' + aux.toByteArray() + ']').array().at(0);
        if (value.isObject())
            m.aux = value.toObject();
        else if (!value.isUndefined())
            m.aux.insert(QLatin1String("value"), value);
        m.id = id;
    } else if (hasStream) {
        m.kind = BuildMessage::Stream;
        m.text = std::move(stream);
    } else if (hasStatus) {
        m.kind = BuildMessage::Status;
        m.text = std::move(status);
        m.id = std::move(id);
        m.progress = std::move(progress);
        if (progressDetail.size() > 2) { // not {}
            const QJsonObject detail = QJsonDocument::fromJson(progressDetail.toByteArray()).object();
            m.current = qint64(detail.value(QLatin1String("current")).toDouble());
            m.total = qint64(detail.value(QLatin1String("total")).toDouble());
        }
    } else {
        return; // nothing we know, e.g. {"progressDetail":{}} alone
    }
    out.append(std::move(m));
}

} // namespace mrc
