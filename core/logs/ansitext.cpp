// SPDX-License-Identifier: Apache-2.0
#include "logs/ansitext.h"

namespace mrc {

namespace {

struct Style
{
    int foreground = -1;
    int background = -1;
    bool bold = false;

    bool operator==(const Style &other) const = default;
};

/** 256-colour index to the 16 basic colours when it is one of them; -1 otherwise. */
int basicColour(int index)
{
    return index >= 0 && index < 16 ? index : -1;
}

void applySgr(QStringView params, Style &style)
{
    QList<int> codes;
    int value = 0;
    bool any = false;
    for (const QChar c : params) {
        if (c.isDigit()) {
            value = qMin(value * 10 + c.digitValue(), 100000);
            any = true;
        } else {
            codes.append(any ? value : 0);
            value = 0;
            any = false;
        }
    }
    codes.append(any ? value : 0);

    for (qsizetype i = 0; i < codes.size(); ++i) {
        const int code = codes[i];
        if (code == 0) {
            style = Style();
        } else if (code == 1) {
            style.bold = true;
        } else if (code == 22) {
            style.bold = false;
        } else if (code >= 30 && code <= 37) {
            style.foreground = code - 30;
        } else if (code >= 90 && code <= 97) {
            style.foreground = code - 90 + 8;
        } else if (code == 39) {
            style.foreground = -1;
        } else if (code >= 40 && code <= 47) {
            style.background = code - 40;
        } else if (code >= 100 && code <= 107) {
            style.background = code - 100 + 8;
        } else if (code == 49) {
            style.background = -1;
        } else if (code == 38 || code == 48) {
            int colour = -1;
            if (i + 2 < codes.size() && codes[i + 1] == 5) {
                colour = basicColour(codes[i + 2]);
                i += 2;
            } else if (i + 4 < codes.size() && codes[i + 1] == 2) {
                i += 4; // true colour: not in our palette, keep the default
            }
            (code == 38 ? style.foreground : style.background) = colour;
        }
    }
}

} // namespace

QList<AnsiText::Run> AnsiText::parse(QStringView raw, QString *plain)
{
    // A terminal shows only what follows the last carriage return that has text after it.
    while (raw.endsWith(QLatin1Char('\r')))
        raw.chop(1);
    const qsizetype cr = raw.lastIndexOf(QLatin1Char('\r'));
    if (cr >= 0)
        raw = raw.sliced(cr + 1);

    QString text;
    text.reserve(raw.size());
    QList<Run> runs;
    Style style;
    const auto extend = [&](qsizetype from) {
        const int length = int(text.size() - from);
        if (length <= 0)
            return;
        if (!runs.isEmpty()) {
            Run &last = runs.last();
            if (last.start + last.length == from && last.foreground == style.foreground &&
                last.background == style.background && last.bold == style.bold) {
                last.length += length;
                return;
            }
        }
        runs.append(Run{int(from), length, style.foreground, style.background, style.bold});
    };

    qsizetype i = 0;
    while (i < raw.size()) {
        const QChar c = raw[i];
        if (c == QLatin1Char('\x1b')) {
            if (i + 1 < raw.size() && raw[i + 1] == QLatin1Char('[')) {
                qsizetype j = i + 2;
                while (j < raw.size() && !(raw[j].unicode() >= '@' && raw[j].unicode() <= '~'))
                    ++j;
                if (j < raw.size() && raw[j] == QLatin1Char('m'))
                    applySgr(raw.sliced(i + 2, j - i - 2), style);
                i = j + 1;
            } else if (i + 1 < raw.size() && raw[i + 1] == QLatin1Char(']')) {
                qsizetype j = i + 2; // OSC: ends with BEL or ESC backslash
                while (j < raw.size() && raw[j] != QLatin1Char('\a') && raw[j] != QLatin1Char('\x1b'))
                    ++j;
                i = j < raw.size() && raw[j] == QLatin1Char('\x1b') ? j + 2 : j + 1;
            } else {
                i += 2;
            }
            continue;
        }
        const qsizetype from = text.size();
        qsizetype j = i;
        while (j < raw.size() && raw[j] != QLatin1Char('\x1b')) {
            const QChar d = raw[j];
            if (d == QLatin1Char('\t'))
                text.append(QString(8 - text.size() % 8, QLatin1Char(' ')));
            else if (d.unicode() >= 0x20 && d.unicode() != 0x7f)
                text.append(d);
            ++j;
        }
        extend(from);
        i = j;
    }
    if (plain)
        *plain = text;
    return runs;
}

QString AnsiText::strip(QStringView raw)
{
    QString plain;
    parse(raw, &plain);
    return plain;
}

} // namespace mrc
