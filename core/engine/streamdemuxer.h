// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QList>

namespace mrc {

/**
 * Splits the multiplexed stream of a container without a TTY (attach, logs): frames of an 8-byte header
 * {stream, 0, 0, 0, size as big-endian uint32} followed by `size` bytes. Bytes may arrive cut anywhere, even
 * inside a header; what does not make a whole frame yet is kept for the next feed(). Within each stream the
 * payload is cut into complete lines; a line without its '\n' waits for the rest or for finish().
 */
class StreamDemuxer
{
public:
    enum Stream
    {
        Stdin = 0,
        Stdout = 1,
        Stderr = 2
    };

    struct Line
    {
        Stream stream = Stdout;
        QByteArray text; // without the '\n'
    };

    /** Returns the complete lines that @p chunk finished, in the order they were written. */
    QList<Line> feed(const QByteArray &chunk);
    /** The end of the stream: the pending partial lines, and a note when a frame was cut short. */
    QList<Line> finish();

    /** All payload bytes of stdout and stderr so far, interleaved as written (for `expect`). */
    const QByteArray &output() const { return m_output; }
    /** True when the stream ended inside a frame. */
    bool truncated() const { return m_truncated; }

    /** Limits output() to the last @p bytes (default 1 MiB), so a chatty container cannot exhaust memory. */
    void setOutputLimit(qsizetype bytes) { m_outputLimit = bytes; }

private:
    void addPayload(Stream stream, QByteArrayView payload, QList<Line> &lines);

    QByteArray m_buffer;
    QByteArray m_partial[3];
    QByteArray m_output;
    qsizetype m_outputLimit = 1 << 20;
    bool m_truncated = false;
};

} // namespace mrc
