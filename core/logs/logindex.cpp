// SPDX-License-Identifier: Apache-2.0
#include "logs/logindex.h"

#include <QFileInfo>
#include <cstring>

namespace mrc {

namespace {

constexpr int ChunkLines = 4096;
constexpr qint64 ScanBlock = 1 << 20;
constexpr qint64 CacheBlock = 64 * 1024;
constexpr int CacheBlocks = 16;

} // namespace

LogIndex::LogIndex() = default;
LogIndex::~LogIndex() = default;

bool LogIndex::open(const QString &path, QString *error)
{
    close();
    m_file.setFileName(path);
    if (!m_file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, m_file.errorString());
        return false;
    }
    return true;
}

void LogIndex::close()
{
    m_file.close();
    m_chunks.clear();
    m_lines = 0;
    m_scanned = 0;
    m_head.clear();
    m_marks.clear();
    m_blocks.clear();
}

qint64 LogIndex::fileSize() const
{
    return QFileInfo(m_file.fileName()).size();
}

int LogIndex::scan(qint64 upTo, qint64 maxBytes, QString *error)
{
    if (!m_file.isOpen())
        return 0;
    if (upTo < 0)
        upTo = fileSize();
    if (maxBytes >= 0)
        upTo = qMin(upTo, m_scanned + maxBytes);
    const int before = m_lines;
    if (upTo <= m_scanned)
        return 0;
    if (!m_file.seek(m_scanned)) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(m_file.fileName(), m_file.errorString());
        return 0;
    }
    if (m_readBuffer.size() < ScanBlock)
        m_readBuffer.resize(ScanBlock);
    while (m_scanned < upTo) {
        const qint64 n = m_file.read(m_readBuffer.data(), qMin(ScanBlock, upTo - m_scanned));
        if (n <= 0) {
            if (n < 0 && error)
                *error = QStringLiteral("%1: %2").arg(m_file.fileName(), m_file.errorString());
            break; // the file is shorter than announced: scan the rest next time
        }
        const char *begin = m_readBuffer.constData();
        const char *p = begin;
        const char *end = begin + n;
        while (p < end) {
            const char *newline = static_cast<const char *>(std::memchr(p, '\n', end - p));
            if (!newline) {
                if (m_head.size() < LogLine::HeadSize)
                    m_head.append(p, qMin<qsizetype>(end - p, LogLine::HeadSize - m_head.size()));
                break;
            }
            const qsizetype length = newline - p;
            if (m_head.isEmpty()) {
                m_marks.add(m_lines, LogLine::classify(QByteArrayView(p, length)));
            } else {
                m_head.append(p, qMin<qsizetype>(length, LogLine::HeadSize));
                m_marks.add(m_lines, LogLine::classify(m_head));
                m_head.clear();
            }
            addLineEnd(quint64(m_scanned + (newline + 1 - begin)));
            p = newline + 1;
        }
        m_scanned += n;
    }
    return m_lines - before;
}

void LogIndex::addLineEnd(quint64 end)
{
    if (m_lines % ChunkLines == 0) {
        auto chunk = std::make_unique<Chunk>();
        chunk->base = quint64(lineStart(m_lines));
        chunk->narrow.reserve(ChunkLines);
        m_chunks.push_back(std::move(chunk));
    }
    Chunk &chunk = *m_chunks.back();
    const quint64 delta = end - chunk.base;
    if (chunk.wide.empty() && delta > 0xffffffffu) {
        chunk.wide.reserve(ChunkLines);
        for (quint32 d : chunk.narrow)
            chunk.wide.push_back(chunk.base + d);
        chunk.narrow = {};
    }
    if (chunk.wide.empty())
        chunk.narrow.push_back(quint32(delta));
    else
        chunk.wide.push_back(end);
    ++m_lines;
}

qint64 LogIndex::lineEnd(int line) const
{
    if (line < 0 || line >= m_lines)
        return -1;
    const Chunk &chunk = *m_chunks[line / ChunkLines];
    const int i = line % ChunkLines;
    return qint64(chunk.wide.empty() ? chunk.base + chunk.narrow[i] : chunk.wide[i]);
}

int LogIndex::lineAt(qint64 offset) const
{
    if (m_lines == 0)
        return -1;
    int low = 0;
    int high = m_lines - 1;
    while (low < high) { // the first line whose end is past offset
        const int mid = low + (high - low) / 2;
        if (lineEnd(mid) > offset)
            high = mid;
        else
            low = mid + 1;
    }
    return low;
}

const LogIndex::Block *LogIndex::block(qint64 start)
{
    Block *victim = nullptr;
    for (Block &b : m_blocks) {
        if (b.start == start) {
            b.used = ++m_useCounter;
            return &b;
        }
        if (!victim || b.used < victim->used)
            victim = &b;
    }
    if (m_blocks.size() < CacheBlocks) {
        m_blocks.reserve(CacheBlocks);
        m_blocks.emplace_back();
        victim = &m_blocks.back();
    }
    victim->start = -1;
    victim->data.resize(CacheBlock);
    if (!m_file.seek(start))
        return nullptr;
    const qint64 n = m_file.read(victim->data.data(), CacheBlock);
    if (n < 0)
        return nullptr;
    victim->data.resize(n);
    victim->start = start;
    victim->used = ++m_useCounter;
    return victim;
}

QByteArray LogIndex::lineBytes(int line, qsizetype maxBytes)
{
    if (line < 0 || line >= m_lines || !m_file.isOpen())
        return {};
    const qint64 start = lineStart(line);
    qint64 end = lineEnd(line) - 1; // drop the '\n'
    end = qMin(end, start + qint64(maxBytes));
    const qint64 length = end - start;
    QByteArray bytes;
    const qint64 blockStart = start - start % CacheBlock;
    if (end <= blockStart + CacheBlock) {
        const Block *b = block(blockStart);
        // A block read while the file was shorter is stale for lines that arrived since: drop it.
        if (b && b->data.size() < end - blockStart) {
            for (Block &stale : m_blocks) {
                if (stale.start == blockStart)
                    stale.start = -1;
            }
            b = block(blockStart);
        }
        if (b && b->data.size() >= end - blockStart)
            bytes = b->data.mid(start - blockStart, length);
    } else if (m_file.seek(start)) {
        bytes = m_file.read(length);
    }
    if (bytes.endsWith('\r'))
        bytes.chop(1);
    return bytes;
}

qint64 LogIndex::memoryBytes() const
{
    qint64 total = qint64(m_chunks.capacity() * sizeof(void *));
    for (const auto &chunk : m_chunks)
        total += qint64(sizeof(Chunk) + chunk->narrow.capacity() * 4 + chunk->wide.capacity() * 8);
    return total;
}

} // namespace mrc
