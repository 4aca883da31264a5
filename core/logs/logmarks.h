// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "logs/logline.h"

#include <QList>
#include <QString>

namespace mrc {

/** The landmarks of a log collected line by line: step headers, error lines, the last layer built. */
class LogMarks
{
public:
    struct Step
    {
        int line = -1;  // 0-based line of the "Step N/M" header
        int number = 0; // N
        int total = 0;  // M
    };

    /** Error lines kept beyond this are only counted: a log full of errors must not grow memory per line. */
    static constexpr int MaxErrorLines = 10000;

    /** Records line @p line (lines arrive in order) from its classification. */
    void add(int line, const LogLine::Info &info);
    void clear();

    const QList<Step> &steps() const { return m_steps; }
    /** The first MaxErrorLines error lines. */
    const QList<int> &errorLines() const { return m_errors; }
    int errorCount() const { return m_errorCount; }
    int lastErrorLine() const { return m_lastError; }
    /** The id of the last " ---> id" line, i.e. the last layer that built. */
    QString lastLayerId() const { return m_lastLayer; }

    /** The step header that line @p line belongs to; number 0 and line -1 before the first header. */
    Step stepAt(int line) const;
    Step lastStep() const { return m_steps.isEmpty() ? Step{} : m_steps.last(); }
    /** The step of the last error line: the engine reports the failure right after the failing step. */
    Step failingStep() const { return m_lastError < 0 ? Step{} : stepAt(m_lastError); }

private:
    QList<Step> m_steps;
    QList<int> m_errors;
    int m_errorCount = 0;
    int m_lastError = -1;
    QString m_lastLayer;
};

} // namespace mrc
