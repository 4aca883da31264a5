// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QString>

namespace mrc {

/**
 * An incremental HTTP/1.1 response parser: status line, headers, then a body framed by Content-Length,
 * chunked transfer coding (extensions ignored, trailers kept) or the end of the connection.
 * Interim 1xx responses are skipped. Feed it whatever the socket gives; it hands back the body bytes that
 * this piece completed. After an error it ignores further input.
 */
class HttpResponseParser
{
public:
    enum class State
    {
        StatusLine,
        Headers,
        Body,
        Complete,
        Error
    };

    /** A response to HEAD has headers only. */
    void setHeadRequest(bool head) { m_head = head; }

    /** Parses @p bytes; appends the decoded body bytes they complete to @p body. Returns false on error. */
    bool feed(QByteArrayView bytes, QByteArray *body);

    /** The peer closed the connection. Returns true when that ends the response cleanly. */
    bool finish();

    State state() const { return m_state; }
    bool headersComplete() const { return m_state == State::Body || m_state == State::Complete; }
    bool isComplete() const { return m_state == State::Complete; }
    bool hasError() const { return m_state == State::Error; }
    QString errorString() const { return m_error; }

    int status() const { return m_status; }
    QByteArray reason() const { return m_reason; }
    /** Headers in arrival order, names as sent. */
    QList<QPair<QByteArray, QByteArray>> headers() const { return m_headers; }
    /** The value of a header (case-insensitive name); several occurrences are joined with ", ". */
    QByteArray header(QByteArrayView name) const;
    QList<QPair<QByteArray, QByteArray>> trailers() const { return m_trailers; }
    /** Content-Length, or -1 when the body is chunked or runs until the connection closes. */
    qint64 contentLength() const { return m_contentLength; }
    bool isChunked() const { return m_chunked; }
    qint64 bodyBytes() const { return m_bodyBytes; }

private:
    enum class ChunkState
    {
        Size,
        Data,
        DataEnd,
        Trailer
    };

    bool fail(const QString &message);
    bool parseStatusLine(QByteArrayView line);
    bool parseHeaderLine(QByteArrayView line, QList<QPair<QByteArray, QByteArray>> &into);
    bool headersDone();
    bool takeLine(QByteArrayView bytes, qsizetype &pos, QByteArrayView *line);

    State m_state = State::StatusLine;
    ChunkState m_chunkState = ChunkState::Size;
    bool m_head = false;
    bool m_chunked = false;
    bool m_untilClose = false;
    int m_status = 0;
    QByteArray m_reason;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    QList<QPair<QByteArray, QByteArray>> m_trailers;
    qint64 m_contentLength = -1;
    qint64 m_remaining = 0; // of the body (Content-Length) or of the current chunk
    qint64 m_bodyBytes = 0;
    qint64 m_headerBytes = 0;
    QByteArray m_line; // a line whose end has not arrived yet
    QString m_error;
};

} // namespace mrc
