// SPDX-License-Identifier: Apache-2.0
#include "engine/httpresponseparser.h"

#include <cstring>

namespace mrc {

namespace {

constexpr qsizetype MaxLineSize = 64 * 1024;
constexpr qint64 MaxHeaderBytes = 1024 * 1024;
constexpr int MaxHeaders = 200;

QString printable(QByteArrayView bytes)
{
    QByteArray text = bytes.first(qMin<qsizetype>(bytes.size(), 60)).toByteArray();
    for (char &c : text) {
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)
            c = '?';
    }
    return QString::fromLatin1(text);
}

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

QByteArrayView trimmed(QByteArrayView v)
{
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t'))
        v = v.sliced(1);
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t'))
        v.chop(1);
    return v;
}

} // namespace

QByteArray HttpResponseParser::header(QByteArrayView name) const
{
    QByteArray value;
    for (const auto &[key, v] : m_headers) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0) {
            if (!value.isEmpty())
                value += ", ";
            value += v;
        }
    }
    return value;
}

bool HttpResponseParser::fail(const QString &message)
{
    m_state = State::Error;
    m_error = message;
    return false;
}

bool HttpResponseParser::takeLine(QByteArrayView bytes, qsizetype &pos, QByteArrayView *line)
{
    const char *start = bytes.data() + pos;
    const qsizetype available = bytes.size() - pos;
    const char *newline = static_cast<const char *>(std::memchr(start, '\n', size_t(available)));
    if (!newline) {
        if (m_line.size() + available > MaxLineSize)
            return fail(QStringLiteral("HTTP line longer than %1 bytes").arg(MaxLineSize));
        m_line.append(start, available);
        pos = bytes.size();
        *line = {};
        return false;
    }
    const qsizetype length = newline - start;
    pos += length + 1;
    if (m_state != State::Body)
        m_headerBytes += length + 1;
    if (m_line.isEmpty()) {
        *line = QByteArrayView(start, length);
    } else {
        m_line.append(start, length);
        *line = m_line;
    }
    if (!line->isEmpty() && line->back() == '\r')
        line->chop(1);
    if (line->size() > MaxLineSize)
        return fail(QStringLiteral("HTTP line longer than %1 bytes").arg(MaxLineSize));
    return true;
}

bool HttpResponseParser::parseStatusLine(QByteArrayView line)
{
    // HTTP/1.1 200 OK
    if (line.size() < 12 || !line.startsWith("HTTP/1.") || line[7] < '0' || line[7] > '9' || line[8] != ' ')
        return fail(QStringLiteral("not an HTTP/1.x response: \"%1\"").arg(printable(line)));
    int status = 0;
    for (int i = 9; i < 12; ++i) {
        if (line[i] < '0' || line[i] > '9')
            return fail(QStringLiteral("bad HTTP status line: \"%1\"").arg(printable(line)));
        status = status * 10 + (line[i] - '0');
    }
    if (line.size() > 12 && line[12] != ' ')
        return fail(QStringLiteral("bad HTTP status line: \"%1\"").arg(printable(line)));
    if (status < 100)
        return fail(QStringLiteral("bad HTTP status %1").arg(status));
    m_status = status;
    m_reason = line.size() > 13 ? line.sliced(13).toByteArray() : QByteArray();
    m_state = State::Headers;
    return true;
}

bool HttpResponseParser::parseHeaderLine(QByteArrayView line, QList<QPair<QByteArray, QByteArray>> &into)
{
    if (line.front() == ' ' || line.front() == '\t')
        return fail(QStringLiteral("folded HTTP header line: \"%1\"").arg(printable(line)));
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0)
        return fail(QStringLiteral("bad HTTP header line: \"%1\"").arg(printable(line)));
    const QByteArrayView name = line.first(colon);
    for (char c : name) {
        if (!isTokenChar(c))
            return fail(QStringLiteral("bad HTTP header name: \"%1\"").arg(printable(name)));
    }
    if (into.size() >= MaxHeaders)
        return fail(QStringLiteral("more than %1 HTTP headers").arg(MaxHeaders));
    into.append({name.toByteArray(), trimmed(line.sliced(colon + 1)).toByteArray()});
    return true;
}

bool HttpResponseParser::headersDone()
{
    if (m_status >= 100 && m_status < 200) {
        if (m_status == 101)
            return fail(QStringLiteral("unexpected HTTP 101 (protocol switch)"));
        // An interim response (100 Continue): the real one follows.
        m_headers.clear();
        m_state = State::StatusLine;
        return true;
    }
    if (m_head || m_status == 204 || m_status == 304) {
        m_state = State::Complete;
        return true;
    }
    const QByteArray transferEncoding = header("Transfer-Encoding").trimmed().toLower();
    if (!transferEncoding.isEmpty()) {
        const QList<QByteArray> codings = transferEncoding.split(',');
        if (codings.size() != 1 || codings.constFirst().trimmed() != "chunked")
            return fail(
                QStringLiteral("unsupported transfer coding \"%1\"").arg(QString::fromLatin1(transferEncoding)));
        m_chunked = true;
        m_chunkState = ChunkState::Size;
        m_state = State::Body;
        return true;
    }
    const QByteArray lengths = header("Content-Length");
    if (!lengths.isEmpty()) {
        qint64 length = -1;
        for (const QByteArray &part : lengths.split(',')) {
            const QByteArray text = part.trimmed();
            bool ok = !text.isEmpty();
            for (char c : text)
                ok = ok && c >= '0' && c <= '9';
            const qint64 value = ok && text.size() <= 18 ? text.toLongLong() : -1;
            if (value < 0 || (length >= 0 && value != length))
                return fail(QStringLiteral("bad Content-Length \"%1\"").arg(printable(lengths)));
            length = value;
        }
        m_contentLength = length;
        m_remaining = length;
        m_state = length == 0 ? State::Complete : State::Body;
        return true;
    }
    m_untilClose = true;
    m_state = State::Body;
    return true;
}

bool HttpResponseParser::feed(QByteArrayView bytes, QByteArray *body)
{
    qsizetype pos = 0;
    const qsizetype size = bytes.size();
    while (pos < size) {
        switch (m_state) {
        case State::Error:
            return false;
        case State::Complete:
            return true; // anything after the response is not ours (Connection: close)
        case State::StatusLine:
        case State::Headers: {
            QByteArrayView line;
            if (!takeLine(bytes, pos, &line))
                return m_state != State::Error;
            if (m_headerBytes > MaxHeaderBytes)
                return fail(QStringLiteral("HTTP headers larger than %1 bytes").arg(MaxHeaderBytes));
            bool good;
            if (m_state == State::StatusLine)
                good = line.isEmpty() || parseStatusLine(line); // tolerate a stray empty line before it
            else
                good = line.isEmpty() ? headersDone() : parseHeaderLine(line, m_headers);
            m_line.clear();
            if (!good)
                return false;
            break;
        }
        case State::Body: {
            if (m_untilClose) {
                body->append(bytes.data() + pos, size - pos);
                m_bodyBytes += size - pos;
                return true;
            }
            if (!m_chunked) {
                const qint64 take = qMin<qint64>(m_remaining, size - pos);
                body->append(bytes.data() + pos, take);
                pos += take;
                m_remaining -= take;
                m_bodyBytes += take;
                if (m_remaining == 0)
                    m_state = State::Complete;
                break;
            }
            if (m_chunkState == ChunkState::Data) {
                const qint64 take = qMin<qint64>(m_remaining, size - pos);
                body->append(bytes.data() + pos, take);
                pos += take;
                m_remaining -= take;
                m_bodyBytes += take;
                if (m_remaining == 0)
                    m_chunkState = ChunkState::DataEnd;
                break;
            }
            QByteArrayView line;
            if (!takeLine(bytes, pos, &line))
                return m_state != State::Error;
            bool good = true;
            if (m_chunkState == ChunkState::Size) {
                // 1a2b;name=value  (extensions carry nothing we need)
                QByteArrayView sizeText = line;
                if (const qsizetype semicolon = sizeText.indexOf(';'); semicolon >= 0)
                    sizeText = sizeText.first(semicolon);
                sizeText = trimmed(sizeText);
                qint64 chunkSize = 0;
                // 15 hex digits fit a qint64; the loop runs only then, so a hostile size cannot overflow.
                good = !sizeText.isEmpty() && sizeText.size() <= 15;
                for (char c : good ? sizeText : QByteArrayView()) {
                    const int digit = (c >= '0' && c <= '9')   ? c - '0'
                                      : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                                      : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                                               : -1;
                    if (digit < 0) {
                        good = false;
                        break;
                    }
                    chunkSize = chunkSize * 16 + digit;
                }
                if (!good) {
                    fail(QStringLiteral("bad chunk size line \"%1\" after %2 body bytes")
                             .arg(printable(line))
                             .arg(m_bodyBytes));
                } else if (chunkSize == 0) {
                    m_chunkState = ChunkState::Trailer;
                } else {
                    m_remaining = chunkSize;
                    m_chunkState = ChunkState::Data;
                }
            } else if (m_chunkState == ChunkState::DataEnd) {
                if (!line.isEmpty())
                    good = fail(QStringLiteral("chunk data longer than its size after %1 body bytes").arg(m_bodyBytes));
                else
                    m_chunkState = ChunkState::Size;
            } else if (line.isEmpty()) {
                m_state = State::Complete;
            } else {
                good = parseHeaderLine(line, m_trailers);
            }
            m_line.clear();
            if (!good)
                return false;
            break;
        }
        }
    }
    return m_state != State::Error;
}

bool HttpResponseParser::finish()
{
    switch (m_state) {
    case State::Complete:
        return true;
    case State::Error:
        return false;
    case State::StatusLine:
        if (m_status == 0 && m_headerBytes == 0 && m_line.isEmpty())
            return fail(QStringLiteral("connection closed before any response"));
        return fail(QStringLiteral("connection closed in the middle of the response headers"));
    case State::Headers:
        return fail(QStringLiteral("connection closed in the middle of the response headers"));
    case State::Body:
        if (m_untilClose) {
            m_state = State::Complete;
            return true;
        }
        if (m_chunked)
            return fail(QStringLiteral("connection closed inside the chunked body after %1 bytes").arg(m_bodyBytes));
        return fail(
            QStringLiteral("connection closed after %1 of %2 body bytes").arg(m_bodyBytes).arg(m_contentLength));
    }
    return false;
}

} // namespace mrc
