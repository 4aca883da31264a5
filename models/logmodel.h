// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "logs/logindex.h"
#include "logs/logline.h"

#include <QAbstractListModel>
#include <QCache>
#include <QElapsedTimer>
#include <QTimer>
#include <atomic>
#include <memory>

template<typename T> class QFutureWatcher;

namespace mrc {

/**
 * One row per complete line of a log file that a job is still appending to. The file is the source of
 * truth: the model keeps only a LogIndex (about 4 bytes per line) and a cache of the lines last shown.
 *
 * bytesAvailable(size) says the file holds lines up to @c size; the model indexes the new bytes on the next
 * event-loop turns, at most sliceBytes() per turn so that the GUI never stalls, with one beginInsertRows per
 * turn. Live announcements are merged to at most one batch per 16 ms.
 */
class LogModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role
    {
        RawTextRole = Qt::UserRole + 1, // the line with its ANSI escapes (DisplayRole has them removed)
        KindRole,                       // int(LogLine::Kind)
        StepRole,                       // N of the "Step N/M" this line belongs to; 0 before the first
        StepCountRole,                  // M of that header; 0 when unknown
        LineNumberRole,                 // 1-based
    };
    Q_ENUM(Role)

    explicit LogModel(QObject *parent = nullptr);
    ~LogModel() override;

    /** Shows a new file (resets); its current content is indexed over the next event-loop turns. */
    bool open(const QString &path, QString *error = nullptr);
    void close();
    QString path() const { return m_index.path(); }

    /** Bytes indexed so far. */
    qint64 scannedSize() const { return m_index.scannedSize(); }
    /** True when every byte announced (or found by refresh()) is indexed. */
    bool isCaughtUp() const;
    qint64 sliceBytes() const { return m_sliceBytes; }
    void setSliceBytes(qint64 bytes) { m_sliceBytes = qMax<qint64>(4096, bytes); }

    /** The text of a row without ANSI escapes. */
    QString lineText(int row) const;
    LogLine::Kind kind(int row) const;
    /** The header row of the step that failed (the step of the last error line); -1 when none. */
    int failingStepRow() const;
    int lastStepRow() const;
    int lastErrorRow() const;
    /** The id of the last layer the log shows as built (" ---> id"). */
    QString lastLayerId() const;
    const LogMarks &marks() const { return m_index.marks(); }

    /**
     * Looks for @p text (case-insensitive) after (or before) @p fromRow, wrapping around, on a worker thread
     * that reads the file itself; answers with searchFinished(). A new search cancels the running one.
     */
    void find(const QString &text, int fromRow, bool forward);
    bool isSearching() const { return m_searching; }
    void cancelSearch();

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

public Q_SLOTS:
    /** The file holds complete lines up to @p size bytes (from the writer's BuildLog::size()). */
    void bytesAvailable(qint64 size);
    /** Looks at the file's size itself: for a log that nobody announces, e.g. from history. */
    void refresh();

Q_SIGNALS:
    /** Everything announced so far is indexed. */
    void caughtUp(qint64 size);
    /** @p row is -1 when nothing matched. */
    void searchFinished(const QString &text, int row);
    void errorOccurred(const QString &message);

private:
    struct Line
    {
        QString raw;
        QString plain;
        LogLine::Kind kind = LogLine::Normal;
    };

    void ingest();
    void schedule(int delayMs);
    const Line *cachedLine(int row) const;

    mutable LogIndex m_index;
    mutable QCache<int, Line> m_cache;
    int m_rows = 0;
    qint64 m_target = 0; // bytes announced
    qint64 m_sliceBytes = 4 << 20;
    QTimer m_timer;
    QElapsedTimer m_sinceBatch;

    quint64 m_searchGeneration = 0;
    bool m_searching = false;
    std::shared_ptr<std::atomic_bool> m_searchCancel;
};

} // namespace mrc
