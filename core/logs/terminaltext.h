// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

namespace mrc {

/**
 * Text from Dockerfiles, engines and containers made safe to print: control characters become visible caret
 * notation (ESC is "^[", BEL "^G", C1 controls "<U+009B>"), so an OSC title change, a cursor move or a screen
 * clear arrives as text instead of acting on the terminal. Tabs and newlines stay.
 */
class TerminalText
{
public:
    static QString neutralised(QStringView text);
};

} // namespace mrc
