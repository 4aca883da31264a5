// SPDX-License-Identifier: Apache-2.0
#include "logs/terminaltext.h"

namespace mrc {

QString TerminalText::neutralised(QStringView text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (u == u'\n' || u == u'\t' || (u >= 0x20 && u < 0x7f) || (u > 0x9f && u != 0x2028 && u != 0x2029)) {
            out += c;
        } else if (u < 0x20) {
            out += QLatin1Char('^');
            out += QChar(u + 0x40);
        } else if (u == 0x7f) {
            out += QLatin1String("^?");
        } else {
            out += QStringLiteral("<U+%1>").arg(
                QString::number(uint(u), 16).toUpper().rightJustified(4, QLatin1Char('0')));
        }
    }
    return out;
}

} // namespace mrc
