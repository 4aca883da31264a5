// SPDX-License-Identifier: Apache-2.0
#include "logs/logmarks.h"

#include <algorithm>

namespace mrc {

void LogMarks::add(int line, const LogLine::Info &info)
{
    switch (info.kind) {
    case LogLine::StepHeader:
        m_steps.append(Step{line, info.step, info.steps});
        break;
    case LogLine::Error:
        ++m_errorCount;
        m_lastError = line;
        if (m_errors.size() < MaxErrorLines)
            m_errors.append(line);
        break;
    case LogLine::Layer:
        m_lastLayer = QString::fromLatin1(info.layer);
        break;
    case LogLine::Normal:
        break;
    }
}

void LogMarks::clear()
{
    *this = LogMarks();
}

LogMarks::Step LogMarks::stepAt(int line) const
{
    const auto it =
        std::upper_bound(m_steps.cbegin(), m_steps.cend(), line, [](int l, const Step &step) { return l < step.line; });
    return it == m_steps.cbegin() ? Step{} : *(it - 1);
}

} // namespace mrc
