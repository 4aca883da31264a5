// SPDX-License-Identifier: Apache-2.0
// STUB (first commit, API only): every call fails with "not implemented yet"; the implementation follows.
#include "history/automationstore.h"

namespace mrc {

namespace {
template<typename T> std::optional<T> notYet(QString *error)
{
    if (error)
        *error = QStringLiteral("the automation store is not implemented yet");
    return std::nullopt;
}
bool notYetBool(QString *error)
{
    if (error)
        *error = QStringLiteral("the automation store is not implemented yet");
    return false;
}
} // namespace

AutomationStore::AutomationStore(const QString &path) : m_path(path) {}
AutomationStore::~AutomationStore() = default;
bool AutomationStore::open(QString *error)
{
    return notYetBool(error);
}
qint64 AutomationStore::dataVersion() const
{
    return -1;
}
std::optional<bool> AutomationStore::knowsRepo(const QString &, QString *error)
{
    return notYet<bool>(error);
}
std::optional<QHash<QString, QString>> AutomationStore::seenRefs(const QString &, QString *error)
{
    return notYet<QHash<QString, QString>>(error);
}
bool AutomationStore::recordScan(const QString &, const QHash<QString, QString> &, QList<AutomationEvent> &,
                                 QString *error)
{
    return notYetBool(error);
}
bool AutomationStore::addEvent(AutomationEvent &, QString *error)
{
    return notYetBool(error);
}
std::optional<AutomationEvent> AutomationStore::event(qint64, QString *error)
{
    return notYet<AutomationEvent>(error);
}
std::optional<QList<AutomationEvent>> AutomationStore::eventsWithoutRun(QString *error)
{
    return notYet<QList<AutomationEvent>>(error);
}
bool AutomationStore::enqueue(AutomationRun &, QString *error, QList<qint64> *)
{
    return notYetBool(error);
}
bool AutomationStore::skip(AutomationRun &, const QString &, QString *error)
{
    return notYetBool(error);
}
std::optional<AutomationRun> AutomationStore::nextQueued(QString *error, const QDateTime &)
{
    return notYet<AutomationRun>(error);
}
bool AutomationStore::markStage(qint64, RunStage, StageState, const QString &, QString *error, const QString &)
{
    return notYetBool(error);
}
bool AutomationStore::finishRun(qint64, RunState, const QString &, QString *error)
{
    return notYetBool(error);
}
std::optional<AutomationRun> AutomationStore::run(qint64, QString *error)
{
    return notYet<AutomationRun>(error);
}
std::optional<QList<AutomationRun>> AutomationStore::runs(int, QString *error)
{
    return notYet<QList<AutomationRun>>(error);
}
std::optional<QList<AutomationRun>> AutomationStore::interrupted(QString *error)
{
    return notYet<QList<AutomationRun>>(error);
}
bool AutomationStore::adopt(qint64, QString *error)
{
    return notYetBool(error);
}
std::optional<BackoffRecord> AutomationStore::backoff(const QString &, QString *error)
{
    return notYet<BackoffRecord>(error);
}
std::optional<bool> AutomationStore::mayRun(const QString &, const QString &, const QDateTime &, QString *,
                                            QString *error)
{
    return notYet<bool>(error);
}
std::optional<QList<AutomationRun>> AutomationStore::requeueDue(const QDateTime &, QString *error)
{
    return notYet<QList<AutomationRun>>(error);
}
bool AutomationStore::countFailure(const AutomationRun &, const QDateTime &, QString *error)
{
    return notYetBool(error);
}
bool AutomationStore::clearBackoff(const QString &, QString *error)
{
    return notYetBool(error);
}
std::optional<QList<AutomationRun>> AutomationStore::selectRuns(const QString &, const QVariantList &, int,
                                                                QString *error)
{
    return notYet<QList<AutomationRun>>(error);
}
bool AutomationStore::loadStages(QList<AutomationRun> &, QString *error)
{
    return notYetBool(error);
}
QString AutomationStore::failure(const QString &what, const QString &sqlError) const
{
    return QStringLiteral("automation store %1: %2: %3").arg(m_path, what, sqlError);
}

} // namespace mrc
