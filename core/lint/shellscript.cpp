// SPDX-License-Identifier: Apache-2.0
#include "lint/shellscript.h"

#include <QRegularExpression>
#include <utility>

namespace mrc {

ShellScript ShellScript::parse(const QString &s)
{
    static const QRegularExpression assignment(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*="));
    ShellScript out;
    QStringList words;
    QList<int> starts; // where each word begins
    QString word;
    bool inWord = false;
    int wordStart = 0;
    auto endWord = [&] {
        if (inWord) {
            words << word;
            starts << wordStart;
        }
        word.clear();
        inWord = false;
    };
    auto endCommand = [&] {
        endWord();
        while (!words.isEmpty() && assignment.match(words.first()).hasMatch()) {
            words.removeFirst();
            starts.removeFirst();
        }
        if (!words.isEmpty())
            out.commands.append({words.first(), words.mid(1), starts.first()});
        words.clear();
        starts.clear();
    };
    const int n = int(s.size());
    for (int i = 0; i < n; ++i) {
        const QChar c = s.at(i);
        const QChar next = i + 1 < n ? s.at(i + 1) : QChar();
        if (!inWord)
            wordStart = i;
        if (c == QLatin1Char('\'')) {
            inWord = true;
            while (++i < n && s.at(i) != QLatin1Char('\''))
                word += s.at(i);
        } else if (c == QLatin1Char('"')) {
            inWord = true;
            while (++i < n && s.at(i) != QLatin1Char('"')) {
                if (s.at(i) == QLatin1Char('\\') && i + 1 < n)
                    ++i;
                word += s.at(i);
            }
        } else if (c == QLatin1Char('\\')) {
            inWord = true;
            if (i + 1 < n)
                word += s.at(++i);
        } else if (c == QLatin1Char('\n')) {
            endCommand();
        } else if (c.isSpace()) {
            endWord();
        } else if (c == QLatin1Char('&') || c == QLatin1Char(';') || c == QLatin1Char('(') || c == QLatin1Char(')') ||
                   c == QLatin1Char('`')) {
            if (c == QLatin1Char('&') && next == QLatin1Char('&'))
                ++i;
            endCommand();
        } else if (c == QLatin1Char('$') && next == QLatin1Char('(')) {
            ++i;
            endCommand();
        } else if (c == QLatin1Char('|')) {
            if (next == QLatin1Char('|'))
                ++i;
            else if (!std::exchange(out.hasPipe, true))
                out.pipeOffset = i;
            endCommand();
        } else if (c == QLatin1Char('#') && !inWord) {
            while (i + 1 < n && s.at(i + 1) != QLatin1Char('\n'))
                ++i;
        } else {
            inWord = true;
            word += c;
        }
    }
    endCommand();
    return out;
}

} // namespace mrc
