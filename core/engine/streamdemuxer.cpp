// SPDX-License-Identifier: Apache-2.0
#include "engine/streamdemuxer.h"

namespace mrc {

void StreamDemuxer::addPayload(Stream stream, QByteArrayView payload, QList<Line> &lines)
{
    m_output.append(payload);
    if (m_output.size() > m_outputLimit)
        m_output.remove(0, m_output.size() - m_outputLimit);
    QByteArray &partial = m_partial[stream];
    qsizetype start = 0;
    for (;;) {
        const qsizetype newline = payload.indexOf('\n', start);
        if (newline < 0)
            break;
        QByteArray text = partial + payload.sliced(start, newline - start).toByteArray();
        partial.clear();
        if (text.endsWith('\r'))
            text.chop(1);
        lines.append({stream, text});
        start = newline + 1;
    }
    partial.append(payload.sliced(start));
}

QList<StreamDemuxer::Line> StreamDemuxer::feed(const QByteArray &chunk)
{
    QList<Line> lines;
    m_buffer.append(chunk);
    qsizetype at = 0;
    while (m_buffer.size() - at >= 8) {
        const auto *header = reinterpret_cast<const uchar *>(m_buffer.constData() + at);
        const quint32 size =
            (quint32(header[4]) << 24) | (quint32(header[5]) << 16) | (quint32(header[6]) << 8) | quint32(header[7]);
        if (m_buffer.size() - at - 8 < qsizetype(size))
            break;
        const Stream stream = header[0] == 2 ? Stderr : header[0] == 0 ? Stdin : Stdout;
        addPayload(stream, QByteArrayView(m_buffer.constData() + at + 8, size), lines);
        at += 8 + qsizetype(size);
    }
    m_buffer.remove(0, at);
    return lines;
}

QList<StreamDemuxer::Line> StreamDemuxer::finish()
{
    QList<Line> lines;
    m_truncated = !m_buffer.isEmpty();
    m_buffer.clear();
    for (int stream : {Stdin, Stdout, Stderr}) {
        if (!m_partial[stream].isEmpty()) {
            lines.append({Stream(stream), m_partial[stream]});
            m_partial[stream].clear();
        }
    }
    return lines;
}

} // namespace mrc
