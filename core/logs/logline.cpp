// SPDX-License-Identifier: Apache-2.0
#include "logs/logline.h"

#include <algorithm>

namespace mrc {

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isHex(char c)
{
    return isDigit(c) || (c >= 'a' && c <= 'f');
}

/** Skips ESC [ ... final-byte sequences at the start: coloured output often starts with one. */
QByteArrayView skipAnsi(QByteArrayView s)
{
    while (s.size() >= 2 && s[0] == '\x1b' && s[1] == '[') {
        qsizetype i = 2;
        while (i < s.size() && !(s[i] >= '@' && s[i] <= '~'))
            ++i;
        s = s.sliced(qMin(i + 1, s.size()));
    }
    return s;
}

/** Reads a positive decimal number at @p i; -1 when there is none or it overflows. */
int readNumber(QByteArrayView s, qsizetype &i)
{
    const qsizetype start = i;
    qint64 value = 0;
    while (i < s.size() && isDigit(s[i]) && i - start < 9)
        value = value * 10 + (s[i++] - '0');
    return i == start ? -1 : int(value);
}

} // namespace

LogLine::Info LogLine::classify(QByteArrayView line)
{
    Info info;
    // Most lines are plain output: only these first bytes can start a landmark.
    if (line.isEmpty() || (line[0] != 'S' && line[0] != 'E' && line[0] != ' ' && line[0] != '\x1b'))
        return info;
    QByteArrayView s = skipAnsi(line.first(qMin(line.size(), HeadSize)));
    if (s.startsWith("Step ")) {
        qsizetype i = 5;
        const int step = readNumber(s, i);
        if (step >= 0 && i < s.size() && s[i] == '/') {
            ++i;
            const int steps = readNumber(s, i);
            if (steps >= 0) {
                info.kind = StepHeader;
                info.step = step;
                info.steps = steps;
            }
        }
        return info;
    }
    if (s.startsWith("ERROR: ") || s.startsWith("ERROR ") || s == "ERROR") {
        info.kind = Error;
        return info;
    }
    if (s.startsWith(" ---> ")) {
        QByteArrayView id = s.sliced(6);
        while (!id.isEmpty() && (id.back() == '\r' || id.back() == ' '))
            id.chop(1);
        if (id.size() >= 12 && id.size() <= 64 && std::all_of(id.begin(), id.end(), isHex)) {
            info.kind = Layer;
            info.layer = id.toByteArray();
        }
    }
    return info;
}

} // namespace mrc
