// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QMetaType>

namespace mrc {

/** What a line of a build log is, judged from its first bytes only (leading ANSI codes skipped). */
class LogLine
{
public:
    enum Kind
    {
        Normal,
        StepHeader, // "Step 3/7 : RUN ..."
        Error,      // starts with "ERROR: " (the prefix BuildLogWriter gives engine errors) or "ERROR "
        Layer,      // " ---> 0123456789ab": the layer a step produced
    };

    struct Info
    {
        Kind kind = Normal;
        int step = 0;     // N of "Step N/M"
        int steps = 0;    // M of "Step N/M"
        QByteArray layer; // the id of a Layer line
    };

    /** Bytes enough to classify a line; scanners keep this much of a line that spans two reads. */
    static constexpr qsizetype HeadSize = 96;

    /** The prefix of an error the engine reported, as BuildLogWriter writes it. */
    static QByteArray errorPrefix() { return QByteArrayLiteral("ERROR: "); }

    /** Classifies a line (without its '\n'); only the first HeadSize bytes are looked at. */
    static Info classify(QByteArrayView line);
};

} // namespace mrc
