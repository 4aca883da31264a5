// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "logs/logmarks.h"

#include <QByteArrayView>
#include <QFile>
#include <QString>

namespace mrc {

/**
 * The append-only log file of one job, written on the job's worker thread.
 *
 * Every append() is one write() system call straight into the OS page cache (the file is unbuffered), so a
 * SIGKILL of the console loses nothing already appended; no fsync, a power cut may. Only complete lines are
 * written: an append without a final '\n' gets one. Line count and marks (step headers, errors, the last
 * layer) are kept as lines go by, so nothing needs to re-read the file.
 */
class BuildLog
{
public:
    BuildLog() = default;
    ~BuildLog();
    BuildLog(const BuildLog &) = delete;
    BuildLog &operator=(const BuildLog &) = delete;

    /**
     * Creates the file (and its folder), or reopens an existing one to append after it: its lines are counted
     * and its marks rebuilt. A last line cut short by a crash is ended with '\n' so that new lines start on
     * their own. On failure returns false and sets @p error to a message naming the file.
     */
    bool open(const QString &path, QString *error = nullptr);
    void close();
    bool isOpen() const { return m_file.isOpen(); }
    QString path() const { return m_file.fileName(); }

    /** Appends UTF-8 text of one or more complete lines in a single write. */
    bool append(QByteArrayView utf8Lines);
    /** Appends one line (a '\n' inside it makes several). */
    bool append(const QString &line);

    /** The file's size: the offset up to which the file holds complete lines. */
    qint64 size() const { return m_size; }
    int lineCount() const { return m_lines; }
    const LogMarks &marks() const { return m_marks; }
    /** The text of the last "Step N/M : ..." header, e.g. the failing instruction of a failed build. */
    QString lastStepHeader() const { return m_lastStepHeader; }
    /** The last write error, naming the file; empty when all went well. */
    QString errorString() const { return m_error; }

private:
    void scanLines(QByteArrayView bytes);
    bool write(QByteArrayView bytes);

    QFile m_file;
    qint64 m_size = 0;
    int m_lines = 0;
    LogMarks m_marks;
    QString m_lastStepHeader;
    QString m_error;
};

} // namespace mrc
