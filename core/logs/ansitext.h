// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QString>
#include <QStringView>

namespace mrc {

/**
 * Reads the ANSI escape sequences of a log line the way a terminal shows it: SGR colours and bold become
 * styled runs, every other escape sequence and control character is dropped, tabs expand to 8 columns and
 * only the text after the last carriage return stays (progress output rewrites its line with '\r').
 */
class AnsiText
{
public:
    struct Run
    {
        int start = 0;
        int length = 0;
        int foreground = -1; // 0-7 normal (SGR 30-37), 8-15 bright (SGR 90-97), -1 the default
        int background = -1; // the same for SGR 40-47 and 100-107
        bool bold = false;

        bool operator==(const Run &other) const = default;
    };

    /** Returns the runs covering all of @p plain, the text without escapes. Neighbouring equal styles merge. */
    static QList<Run> parse(QStringView raw, QString *plain);
    static QString strip(QStringView raw);
};

} // namespace mrc
