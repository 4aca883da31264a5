// SPDX-License-Identifier: Apache-2.0
#include "logs/logfailure.h"

#include "logs/logline.h"
#include "logs/logmarks.h"

#include <QFile>
#include <cstring>

namespace mrc {

LogFailure LogFailure::read(const QString &path)
{
    LogFailure failure;
    QFile file(path);
    if (path.isEmpty() || !file.open(QIODevice::ReadOnly))
        return failure;
    failure.readable = true;
    LogMarks marks;
    int lines = 0;
    QByteArray pending;
    const auto scan = [&](QByteArrayView line) {
        if (line.endsWith('\r'))
            line.chop(1);
        const LogLine::Info info = LogLine::classify(line);
        if (info.kind == LogLine::StepHeader)
            failure.failingStep = QString::fromUtf8(line).trimmed();
        marks.add(lines++, info);
    };
    while (!file.atEnd()) {
        pending += file.read(1 << 20);
        const char *p = pending.constData();
        const char *end = p + pending.size();
        while (p < end) {
            const char *newline = static_cast<const char *>(std::memchr(p, '\n', end - p));
            if (!newline)
                break;
            scan(QByteArrayView(p, newline - p));
            p = newline + 1;
        }
        pending.remove(0, p - pending.constData());
    }
    if (!pending.isEmpty())
        scan(pending);
    failure.lastLayerId = marks.lastLayerId();
    return failure;
}

} // namespace mrc
