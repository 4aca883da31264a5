// SPDX-License-Identifier: Apache-2.0
// AnsiText on any text: the runs cover the plain text exactly, in order, and strip() agrees with parse().
#include "logs/ansitext.h"

#include <QString>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString raw = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    QString plain;
    const QList<mrc::AnsiText::Run> runs = mrc::AnsiText::parse(raw, &plain);
    int next = 0;
    for (const mrc::AnsiText::Run &run : runs) {
        if (run.start != next || run.length <= 0 || run.foreground < -1 || run.foreground > 15 || run.background < -1 ||
            run.background > 15)
            std::abort();
        next = run.start + run.length;
    }
    if (next != plain.size())
        std::abort();
    for (QChar c : plain) {
        if (c == QLatin1Char('\x1b') || c == QLatin1Char('\r'))
            std::abort();
    }
    if (mrc::AnsiText::strip(raw) != plain)
        std::abort();
    return 0;
}
