// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "logs/logmarks.h"

#include <QByteArray>
#include <QFile>
#include <QList>
#include <QString>
#include <memory>
#include <vector>

namespace mrc {

/**
 * The line offsets of a log file that another thread or process appends to, built incrementally: scan()
 * reads only the bytes added since the last call. Only complete lines (ending in '\n') count; the text is
 * read back from the file on demand through a small cache of blocks.
 *
 * Memory is about 4 bytes per line: line ends are kept in chunks of 4096 as 32-bit deltas from the chunk's
 * first offset (a chunk falls back to 64-bit values only when it spans more than 4 GB).
 */
class LogIndex
{
public:
    LogIndex();
    ~LogIndex();
    LogIndex(const LogIndex &) = delete;
    LogIndex &operator=(const LogIndex &) = delete;

    /** Opens a log file for reading; the index starts empty (call scan()). */
    bool open(const QString &path, QString *error = nullptr);
    void close();
    bool isOpen() const { return m_file.isOpen(); }
    QString path() const { return m_file.fileName(); }

    /**
     * Indexes the lines completed in the bytes from scannedSize() up to @p upTo (-1: the file's current size),
     * reading at most @p maxBytes (-1: no limit). Returns how many lines it added; sets @p error on a read error.
     */
    int scan(qint64 upTo = -1, qint64 maxBytes = -1, QString *error = nullptr);
    /** Bytes read so far (complete lines plus the start of an unfinished one). */
    qint64 scannedSize() const { return m_scanned; }
    /** The offset just past the last complete line. */
    qint64 indexedSize() const { return m_lines == 0 ? 0 : lineEnd(m_lines - 1); }
    /** The file's size now, from the file system. */
    qint64 fileSize() const;

    int lineCount() const { return m_lines; }
    qint64 lineStart(int line) const { return line == 0 ? 0 : lineEnd(line - 1); }
    /** The offset just past the line's '\n'. */
    qint64 lineEnd(int line) const;
    /** The bytes of a line without its "\n" or "\r\n", cut to @p maxBytes. */
    QByteArray lineBytes(int line, qsizetype maxBytes = 64 * 1024);
    QString line(int line, qsizetype maxBytes = 64 * 1024) { return QString::fromUtf8(lineBytes(line, maxBytes)); }
    /** The line whose bytes contain @p offset (the last line for offsets past the end); -1 when empty. */
    int lineAt(qint64 offset) const;

    const LogMarks &marks() const { return m_marks; }
    /** Heap bytes held by the offsets (for the benchmarks). */
    qint64 memoryBytes() const;

private:
    struct Chunk
    {
        quint64 base = 0;
        std::vector<quint32> narrow;
        std::vector<quint64> wide; // used instead of narrow once a delta does not fit 32 bits
    };
    struct Block
    {
        qint64 start = -1;
        QByteArray data;
        quint64 used = 0;
    };

    void addLineEnd(quint64 end);
    const Block *block(qint64 start);

    QFile m_file;
    std::vector<std::unique_ptr<Chunk>> m_chunks;
    int m_lines = 0;
    qint64 m_scanned = 0;
    QByteArray m_head; // the first bytes of the unfinished line, for its classification
    LogMarks m_marks;
    QByteArray m_readBuffer;
    std::vector<Block> m_blocks;
    quint64 m_useCounter = 0;
};

} // namespace mrc
