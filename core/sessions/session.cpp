// SPDX-License-Identifier: Apache-2.0
#include "sessions/session.h"

#include "sessions/sessionscope.h"
#include "sessions/sessionthread.h"

#include <QUuid>

namespace mrc {

Session::Session(QObject *parent) : QObject(parent), m_runId(QUuid::createUuid().toString(QUuid::Id128).left(12)) {}

Session::~Session()
{
    stop();
}

void Session::start()
{
    if (m_thread)
        return;
    m_thread = std::make_unique<SessionThread>();
    m_context = new QObject;
    m_context->moveToThread(m_thread.get());
    m_thread->start();
    QMetaObject::invokeMethod(m_context, [this] { work(); });
}

void Session::cancel()
{
    m_cancel = true;
    if (m_context)
        QMetaObject::invokeMethod(m_context, [this] { cancelWork(); });
}

bool Session::waitForEnd(int ms)
{
    if (!m_thread || m_ended)
        return true;
    cancel();
    return m_endSignal.tryAcquire(1, ms);
}

void Session::finish(Outcome outcome, const QString &why)
{
    if (!why.isEmpty())
        Q_EMIT failed(why);
    m_outcome = outcome;
    m_ended = true;
    Q_EMIT finished();
    m_endSignal.release(); // after the last use of the session here: a waiter may delete it (stop() joins us)
}

bool Session::scopeRuns(const SessionScope &scope)
{
    switch (scope.status) {
    case SessionScope::Status::Ok:
        return true;
    case SessionScope::Status::NoEngine:
        finish(Outcome::NoEngine);
        break;
    case SessionScope::Status::Cancelled:
        finish(Outcome::Cancelled);
        break;
    case SessionScope::Status::BadInput:
        finish(Outcome::BadInput);
        break;
    }
    return false;
}

void Session::stop()
{
    m_cancel = true;
    if (m_context)
        m_context->deleteLater(); // on its own thread, as that thread ends
    m_context = nullptr;
    m_thread.reset();
}

} // namespace mrc
