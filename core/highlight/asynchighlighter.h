// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "highlight/highlighter.h"

#include <QObject>
#include <QTimer>

namespace mrc {

/**
 * Highlights on a pool thread after a short debounce; only the latest request's result is delivered, so a
 * fast typist or a quick picker never sees a stale page.
 */
class AsyncHighlighter : public QObject
{
    Q_OBJECT
public:
    explicit AsyncHighlighter(QObject *parent = nullptr);

    void setDebounce(int milliseconds) { m_timer.setInterval(milliseconds); }
    void request(const QString &text, const QString &fileName, bool dark);
    bool isBusy() const { return m_timer.isActive() || m_running > 0; }

Q_SIGNALS:
    void highlighted(const mrc::HighlightResult &result);

private:
    void run();

    QTimer m_timer;
    QString m_text;
    QString m_fileName;
    bool m_dark = false;
    quint64 m_generation = 0;
    int m_running = 0;
};

} // namespace mrc
