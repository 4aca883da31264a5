// SPDX-License-Identifier: Apache-2.0
#include "models/matrixmodel.h"

#include "workspace/engineoverview.h"
#include "workspace/workspacescan.h"

#include <QLocale>
#include <algorithm>
#include <map>

namespace mrc {

MatrixModel::MatrixModel(QObject *parent) : QAbstractTableModel(parent) {}

void MatrixModel::setManifest(const Manifest &manifest)
{
    beginResetModel();
    m_components = manifest.components;
    m_columns = manifest.columns();
    m_repos.clear();
    m_cells.clear();
    m_cells.reserve(m_components.size() * m_columns.size());
    m_hasTests.clear();
    for (const ComponentSpec &component : std::as_const(m_components))
        m_hasTests.append(!manifest.testsFor(component.name).isEmpty());
    for (int row = 0; row < m_components.size(); ++row) {
        for (int column = 0; column < m_columns.size(); ++column) {
            Cell cell;
            cell.row = row;
            cell.column = column;
            cell.component = m_components[row].name;
            cell.image = m_components[row].image;
            cell.branch = m_columns[column].first;
            cell.docker = m_columns[column].second;
            m_cells.append(cell);
        }
    }
    endResetModel();
}

void MatrixModel::applyCells(const QList<Cell> &cells)
{
    QList<Cell> merged;
    merged.reserve(cells.size());
    const int columns = int(m_columns.size());
    for (const Cell &cell : cells) {
        if (cell.row < 0 || cell.row >= m_components.size() || cell.column < 0 || cell.column >= columns)
            continue;
        const Cell &slot = m_cells[cell.row * columns + cell.column];
        Cell m = cell;
        if (m.job == JobState::None && slot.commit == m.commit) {
            // A rescan knows nothing of builds: the cell keeps its latest job while its commit stays.
            m.job = slot.job;
            m.jobMessage = slot.jobMessage;
            m.jobId = slot.jobId;
            m.stepsDone = slot.stepsDone;
            m.stepsTotal = slot.stepsTotal;
            m.logPath = slot.logPath;
        }
        if (m.testState == TestState::Untested && m.testsTotal == 0) {
            // Nor of tests: those results belong to the image, which the history reload keeps up to date.
            m.testState = slot.testState;
            m.testMessage = slot.testMessage;
            m.testsPassed = slot.testsPassed;
            m.testsTotal = slot.testsTotal;
        }
        merged.append(m);
    }
    store(merged);
}

void MatrixModel::applyTests(const QList<TestStatusUpdate> &updates)
{
    QList<Cell> changed;
    for (const TestStatusUpdate &update : updates) {
        const Cell *found = find(update.component, update.branch, update.docker);
        if (!found)
            continue;
        Cell cell = *found;
        cell.testState = update.status.state;
        cell.testMessage = update.status.message;
        cell.testsPassed = update.status.passed;
        cell.testsTotal = update.status.total;
        changed.append(cell);
    }
    store(changed);
}

const Cell *MatrixModel::find(const QString &component, const QString &branch, const QString &docker) const
{
    const qsizetype column = m_columns.indexOf(qMakePair(branch, docker));
    if (column < 0)
        return nullptr;
    for (int row = 0; row < m_components.size(); ++row) {
        if (m_components[row].name == component)
            return &cell(row, int(column));
    }
    return nullptr;
}

void MatrixModel::store(const QList<Cell> &cells)
{
    // Per touched row, the span of touched columns; then neighbouring rows merge into one rectangle.
    std::map<int, QPair<int, int>> spans;
    const int columns = int(m_columns.size());
    for (const Cell &cell : cells) {
        Cell &slot = m_cells[cell.row * columns + cell.column];
        if (slot == cell)
            continue;
        slot = cell;
        auto [it, inserted] = spans.try_emplace(cell.row, cell.column, cell.column);
        if (!inserted) {
            it->second.first = std::min(it->second.first, cell.column);
            it->second.second = std::max(it->second.second, cell.column);
        }
    }
    auto it = spans.begin();
    while (it != spans.end()) {
        const int firstRow = it->first;
        int lastRow = firstRow;
        int left = it->second.first;
        int right = it->second.second;
        for (++it; it != spans.end() && it->first == lastRow + 1; ++it) {
            lastRow = it->first;
            left = std::min(left, it->second.first);
            right = std::max(right, it->second.second);
        }
        Q_EMIT dataChanged(index(firstRow, left), index(lastRow, right));
    }
}

void MatrixModel::setRepoStatus(const RepoStatus &status)
{
    m_repos.insert(status.url, status);
    int first = -1;
    int last = -1;
    for (int row = 0; row < m_components.size(); ++row) {
        if (m_components[row].repo == status.url) {
            first = first < 0 ? row : first;
            last = row;
        }
    }
    if (first >= 0)
        Q_EMIT headerDataChanged(Qt::Vertical, first, last);
}

bool MatrixModel::applyJob(const JobUpdate &update)
{
    for (Cell &cell : m_cells) {
        if (cell.component != update.component || cell.branch != update.branch || cell.docker != update.docker)
            continue;
        cell.job = update.state;
        cell.jobMessage = update.message;
        cell.jobId = update.historyId;
        cell.stepsDone = update.stepsDone;
        cell.stepsTotal = update.stepsTotal;
        cell.logPath = update.logPath;
        const QModelIndex changed = index(cell.row, cell.column);
        Q_EMIT dataChanged(changed, changed);
        return true;
    }
    return false;
}

const Cell *MatrixModel::cellAt(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this)
        return nullptr;
    return &cell(index.row(), index.column());
}

QList<QPair<int, int>> MatrixModel::branchSpans() const
{
    QList<QPair<int, int>> spans;
    for (int column = 0; column < m_columns.size(); ++column) {
        if (column > 0 && m_columns[column].first == m_columns[column - 1].first)
            ++spans.last().second;
        else
            spans.append({column, 1});
    }
    return spans;
}

QString MatrixModel::lintText(int errors, int warnings)
{
    QStringList parts;
    if (errors > 0)
        parts << QStringLiteral("%1E").arg(errors);
    if (warnings > 0)
        parts << QStringLiteral("%1W").arg(warnings);
    return parts.join(QLatin1Char(' '));
}

QString MatrixModel::testText(const Cell &cell, bool hasTests)
{
    switch (cell.testState) {
    case TestState::Untested:
    case TestState::Cancelled:
        // Only where there is an image to test: a cell without a branch or an engine has no test state to show.
        return hasTests && cell.state == CellState::Ready ? QStringLiteral("untested") : QString();
    case TestState::Queued:
    case TestState::Testing:
        return QStringLiteral("testing");
    case TestState::Passed:
        return QStringLiteral("%1 passed").arg(cell.testsPassed);
    case TestState::Failed: {
        // "healthy: the container became unhealthy" -> the failing test's name.
        const QString name = cell.testMessage.section(QStringLiteral(": "), 0, 0);
        return name.isEmpty() ? QStringLiteral("failed") : name;
    }
    case TestState::Stale:
        return QStringLiteral("stale");
    }
    return {};
}

QString MatrixModel::ageText(const QDateTime &when, const QDateTime &now)
{
    if (!when.isValid())
        return {};
    const qint64 seconds = std::max<qint64>(0, when.secsTo(now));
    const qint64 hours = seconds / 3600;
    const qint64 days = hours / 24;
    if (hours < 1)
        return QStringLiteral("%1m").arg(seconds / 60);
    if (days < 1)
        return QStringLiteral("%1h").arg(hours);
    if (days < 14)
        return QStringLiteral("%1d").arg(days);
    if (days < 120)
        return QStringLiteral("%1w").arg(days / 7);
    if (days < 730)
        return QStringLiteral("%1mo").arg(days / 30);
    return QStringLiteral("%1y").arg(days / 365);
}

int MatrixModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_components.size());
}

int MatrixModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_columns.size());
}

void MatrixModel::setDrift(const QString &component, const QString &branch, const QString &text)
{
    const QString key = component + QLatin1Char('\n') + branch;
    if (m_drift.value(key) == text)
        return;
    if (text.isEmpty())
        m_drift.remove(key);
    else
        m_drift.insert(key, text);
    for (const Cell &cell : std::as_const(m_cells)) {
        if (cell.component == component && cell.branch == branch && cell.row >= 0 && cell.column >= 0) {
            const QModelIndex i = index(cell.row, cell.column);
            Q_EMIT dataChanged(i, i, {Qt::ToolTipRole});
        }
    }
}

QString MatrixModel::drift(const QString &component, const QString &branch) const
{
    return m_drift.value(component + QLatin1Char('\n') + branch);
}

QString MatrixModel::toolTip(const Cell &cell) const
{
    QString text = QStringLiteral("<b>%1</b> · %2 · Docker %3<br/>State: %4")
                       .arg(cell.component.toHtmlEscaped(), cell.branch.toHtmlEscaped(), cell.docker.toHtmlEscaped(),
                            cellStateName(cell.state));
    if (!cell.commit.isEmpty()) {
        text += QStringLiteral("<br/>Commit: <tt>%1</tt> %2<br/>%3")
                    .arg(cell.commit.left(12), QLocale().toString(cell.commitDate.toLocalTime(), QLocale::ShortFormat),
                         cell.subject.toHtmlEscaped());
    }
    if (!cell.message.isEmpty())
        text += QStringLiteral("<br/><i>%1</i>").arg(cell.message.toHtmlEscaped());
    if (cell.lintErrors > 0 || cell.lintWarnings > 0) {
        text += QStringLiteral("<br/>Lint: %1, %2 (the Lint page lists them)")
                    .arg(tr("%n error(s)", nullptr, cell.lintErrors), tr("%n warning(s)", nullptr, cell.lintWarnings));
    }
    if (const QString drift = m_drift.value(cell.component + QLatin1Char('\n') + cell.branch); !drift.isEmpty())
        text += QStringLiteral("<br/>Drift: %1").arg(drift.toHtmlEscaped());
    if (cell.job == JobState::None && cell.state == CellState::Ready) {
        text += QStringLiteral("<br/>Build: <b>not built</b> (no image from this console or mrc build)");
    } else if (cell.job != JobState::None) {
        text += QStringLiteral("<br/>Build: <b>%1</b>").arg(jobStateName(cell.job));
        if (!cell.jobMessage.isEmpty())
            text += QStringLiteral(" — %1").arg(cell.jobMessage.toHtmlEscaped());
    }
    const bool hasTests = cell.row >= 0 && cell.row < m_hasTests.size() && m_hasTests[cell.row];
    if (hasTests || cell.testState != TestState::Untested) {
        text += QStringLiteral("<br/>Tests: <b>%1</b>").arg(testStateName(cell.testState));
        if (cell.testState == TestState::Passed || cell.testState == TestState::Failed)
            text += QStringLiteral(", %1 of %2 passed").arg(cell.testsPassed).arg(cell.testsTotal);
        if (!cell.testMessage.isEmpty())
            text += QStringLiteral(" — %1").arg(cell.testMessage.toHtmlEscaped());
    }
    return text;
}

QVariant MatrixModel::data(const QModelIndex &index, int role) const
{
    const Cell *c = cellAt(index);
    if (!c)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        return c->commit.isEmpty() ? cellStateName(c->state) : c->commit.left(7);
    case Qt::ToolTipRole:
        return toolTip(*c);
    case Qt::AccessibleTextRole: {
        QString text =
            QStringLiteral("%1 %2 Docker %3: %4").arg(c->component, c->branch, c->docker, cellStateName(c->state));
        if (c->state == CellState::Ready || c->job != JobState::None)
            text += c->job == JobState::None ? QStringLiteral(", not built")
                                             : QStringLiteral(", build ") + jobStateName(c->job);
        const QString tests = testText(*c, c->row >= 0 && c->row < m_hasTests.size() && m_hasTests[c->row]);
        if (!tests.isEmpty())
            text += QStringLiteral(", tests %1")
                        .arg(c->testState == TestState::Failed ? QStringLiteral("failed: ") + tests : tests);
        return text;
    }
    case CellRole:
        return QVariant::fromValue(*c);
    case StateRole:
        return int(c->state);
    case CommitRole:
        return c->commit;
    case ShortCommitRole:
        return c->commit.left(7);
    case CommitDateRole:
        return c->commitDate;
    case AgeTextRole:
        return ageText(c->commitDate, QDateTime::currentDateTimeUtc());
    case MessageRole:
        return c->message;
    case JobStateRole:
        return int(c->job);
    case JobProgressRole:
        return c->job == JobState::Building && c->stepsTotal > 0
                   ? QStringLiteral("%1/%2").arg(c->stepsDone).arg(c->stepsTotal)
                   : QString();
    case LintRole:
        return lintText(c->lintErrors, c->lintWarnings);
    case TestStateRole:
        return int(c->testState);
    case TestTextRole:
        return testText(*c, c->row >= 0 && c->row < m_hasTests.size() && m_hasTests[c->row]);
    case ComponentRole:
        return c->component;
    case BranchRole:
        return c->branch;
    case DockerRole:
        return c->docker;
    default:
        return {};
    }
}

void MatrixModel::setEngines(const QList<EngineStatus> &engines)
{
    m_engines = engines;
    m_enginesKnown = true;
    if (!m_columns.isEmpty())
        Q_EMIT headerDataChanged(Qt::Horizontal, 0, int(m_columns.size()) - 1);
}

QVariant MatrixModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal) {
        if (section < 0 || section >= m_columns.size())
            return {};
        const auto &[branch, docker] = m_columns[section];
        switch (role) {
        case Qt::DisplayRole:
        case DockerRole:
            return docker;
        case BranchRole:
            return branch;
        case Qt::ToolTipRole: {
            const QString problem = m_enginesKnown ? EngineOverview::columnProblem(m_engines, docker) : QString();
            const QStringList pool = WorkspaceScan::enginesFor(m_engines, docker);
            QString text = QStringLiteral("%1, Docker %2").arg(branch, docker);
            if (!problem.isEmpty())
                text += QLatin1Char('\n') + problem;
            else if (!pool.isEmpty())
                text += QStringLiteral("\nbuilt on %1").arg(pool.join(QStringLiteral(", ")));
            return text;
        }
        default:
            return {};
        }
    }
    if (section < 0 || section >= m_components.size())
        return {};
    const ComponentSpec &component = m_components[section];
    const RepoStatus repo = m_repos.value(component.repo);
    switch (role) {
    case Qt::DisplayRole:
    case ComponentRole:
        return component.name;
    case StaleRole:
        return repo.staleText();
    case Qt::ToolTipRole: {
        QString text = QStringLiteral("<b>%1</b><br/>%2<br/>%3 : %4")
                           .arg(component.name.toHtmlEscaped(), component.image.toHtmlEscaped(),
                                component.repo.toHtmlEscaped(), component.context.toHtmlEscaped());
        if (!repo.staleText().isEmpty())
            text += QStringLiteral("<br/><i>%1: %2</i>").arg(repo.staleText(), repo.fetchError.toHtmlEscaped());
        else if (repo.lastFetched.isValid())
            text += QStringLiteral("<br/>fetched %1")
                        .arg(QLocale().toString(repo.lastFetched.toLocalTime(), QLocale::ShortFormat));
        return text;
    }
    default:
        return {};
    }
}

QHash<int, QByteArray> MatrixModel::roleNames() const
{
    auto names = QAbstractTableModel::roleNames();
    names.insert(StateRole, "state");
    names.insert(CommitRole, "commit");
    names.insert(BranchRole, "branch");
    names.insert(DockerRole, "docker");
    names.insert(MessageRole, "message");
    return names;
}

} // namespace mrc
