// SPDX-License-Identifier: Apache-2.0
#include "models/logmodel.h"

#include "logs/ansitext.h"
#include "logs/logsearch.h"

#include <QFutureWatcher>
#include <QtConcurrent>

namespace mrc {

namespace {

constexpr int BatchIntervalMs = 16;
constexpr int SearchSegmentLines = 65536;

} // namespace

LogModel::LogModel(QObject *parent) : QAbstractListModel(parent), m_cache(2048)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &LogModel::ingest);
    m_sinceBatch.start();
}

LogModel::~LogModel()
{
    cancelSearch();
}

bool LogModel::open(const QString &path, QString *error)
{
    beginResetModel();
    cancelSearch();
    m_index.close();
    m_cache.clear();
    m_rows = 0;
    m_target = 0;
    m_timer.stop();
    const bool ok = m_index.open(path, error);
    endResetModel();
    if (ok)
        refresh();
    return ok;
}

void LogModel::close()
{
    beginResetModel();
    cancelSearch();
    m_index.close();
    m_cache.clear();
    m_rows = 0;
    m_target = 0;
    m_timer.stop();
    endResetModel();
}

bool LogModel::isCaughtUp() const
{
    return m_index.scannedSize() >= m_target;
}

void LogModel::bytesAvailable(qint64 size)
{
    if (!m_index.isOpen() || size <= m_target)
        return;
    m_target = size;
    schedule(int(qMax<qint64>(0, BatchIntervalMs - m_sinceBatch.elapsed())));
}

void LogModel::refresh()
{
    if (!m_index.isOpen())
        return;
    m_target = qMax(m_target, m_index.fileSize());
    schedule(0);
}

void LogModel::schedule(int delayMs)
{
    if (!m_timer.isActive())
        m_timer.start(delayMs);
}

void LogModel::ingest()
{
    QString error;
    m_index.scan(m_target, m_sliceBytes, &error);
    m_sinceBatch.restart();
    const int rows = m_index.lineCount();
    if (rows > m_rows) {
        beginInsertRows({}, m_rows, rows - 1);
        m_rows = rows;
        endInsertRows();
    }
    if (!error.isEmpty()) {
        Q_EMIT errorOccurred(error);
        return;
    }
    const qint64 size = m_index.fileSize();
    if (m_index.scannedSize() < qMin(m_target, size))
        m_timer.start(0); // a backlog: the next slice after the events waiting now
    else
        Q_EMIT caughtUp(m_index.scannedSize());
}

const LogModel::Line *LogModel::cachedLine(int row) const
{
    if (row < 0 || row >= m_rows)
        return nullptr;
    if (const Line *line = m_cache.object(row))
        return line;
    auto line = std::make_unique<Line>();
    const QByteArray bytes = m_index.lineBytes(row);
    line->kind = LogLine::classify(bytes).kind;
    line->raw = QString::fromUtf8(bytes);
    line->plain = AnsiText::strip(line->raw);
    const Line *result = line.get();
    m_cache.insert(row, line.release());
    return result;
}

QString LogModel::lineText(int row) const
{
    const Line *line = cachedLine(row);
    return line ? line->plain : QString();
}

LogLine::Kind LogModel::kind(int row) const
{
    const Line *line = cachedLine(row);
    return line ? line->kind : LogLine::Normal;
}

int LogModel::failingStepRow() const
{
    const int line = m_index.marks().failingStep().line;
    return line < m_rows ? line : -1;
}

int LogModel::lastStepRow() const
{
    const int line = m_index.marks().lastStep().line;
    return line < m_rows ? line : -1;
}

int LogModel::lastErrorRow() const
{
    const int line = m_index.marks().lastErrorLine();
    return line < m_rows ? line : -1;
}

QString LogModel::lastLayerId() const
{
    return m_index.marks().lastLayerId();
}

int LogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    switch (role) {
    case Qt::DisplayRole:
        return lineText(row);
    case RawTextRole: {
        const Line *line = cachedLine(row);
        return line ? line->raw : QString();
    }
    case KindRole:
        return int(kind(row));
    case StepRole:
        return m_index.marks().stepAt(row).number;
    case StepCountRole:
        return m_index.marks().stepAt(row).total;
    case LineNumberRole:
        return row + 1;
    default:
        return {};
    }
}

QHash<int, QByteArray> LogModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(RawTextRole, "rawText");
    names.insert(KindRole, "kind");
    names.insert(StepRole, "step");
    names.insert(StepCountRole, "stepCount");
    names.insert(LineNumberRole, "lineNumber");
    return names;
}

void LogModel::cancelSearch()
{
    if (m_searchCancel)
        m_searchCancel->store(true);
    m_searchCancel.reset();
    ++m_searchGeneration;
    m_searching = false;
}

void LogModel::find(const QString &text, int fromRow, bool forward)
{
    cancelSearch();
    QList<LogSearch::Segment> segments;
    // Rows [first, last] in the order of the search, in pieces so that a backward search can stop early.
    const auto addRange = [&](int first, int last) {
        if (first > last)
            return;
        QList<LogSearch::Segment> pieces;
        for (int start = first; start <= last; start += SearchSegmentLines) {
            const int end = qMin(last, start + SearchSegmentLines - 1);
            pieces.append({start, m_index.lineStart(start), m_index.lineEnd(end)});
        }
        if (!forward)
            std::reverse(pieces.begin(), pieces.end());
        segments += pieces;
    };
    fromRow = qBound(-1, fromRow, m_rows);
    if (forward) {
        addRange(fromRow + 1, m_rows - 1);
        addRange(0, qMin(fromRow, m_rows - 1));
    } else {
        addRange(0, fromRow - 1);
        addRange(qMax(fromRow, 0), m_rows - 1);
    }

    auto cancel = std::make_shared<std::atomic_bool>(false);
    m_searchCancel = cancel;
    m_searching = true;
    const quint64 generation = m_searchGeneration;
    auto *watcher = new QFutureWatcher<int>(this);
    connect(watcher, &QFutureWatcher<int>::finished, this, [this, watcher, generation, text] {
        watcher->deleteLater();
        if (generation != m_searchGeneration)
            return; // a newer search or a reset made this answer stale
        m_searching = false;
        m_searchCancel.reset();
        Q_EMIT searchFinished(text, watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([path = m_index.path(), segments, text, forward, cancel] {
        return LogSearch::find(path, segments, text, forward, cancel.get());
    }));
}

} // namespace mrc
