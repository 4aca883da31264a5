// SPDX-License-Identifier: Apache-2.0
#include "highlight/asynchighlighter.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace mrc {

AsyncHighlighter::AsyncHighlighter(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<mrc::HighlightResult>();
    m_timer.setSingleShot(true);
    m_timer.setInterval(120);
    connect(&m_timer, &QTimer::timeout, this, &AsyncHighlighter::run);
}

void AsyncHighlighter::request(const QString &text, const QString &fileName, bool dark)
{
    m_text = text;
    m_fileName = fileName;
    m_dark = dark;
    ++m_generation;
    m_timer.start();
}

void AsyncHighlighter::run()
{
    const quint64 generation = m_generation;
    auto *watcher = new QFutureWatcher<HighlightResult>(this);
    ++m_running;
    connect(watcher, &QFutureWatcher<HighlightResult>::finished, this, [this, watcher, generation] {
        --m_running;
        watcher->deleteLater();
        if (generation == m_generation)
            Q_EMIT highlighted(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(&Highlighter::highlight, m_text, m_fileName, m_dark));
}

} // namespace mrc
