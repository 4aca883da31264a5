// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>
#include <QStringList>

namespace mrc {

/** One command of a shell script as ShellScript reads it: the program and its words. */
struct ShellCommand
{
    QString name;
    QStringList args;
    int offset = -1; // where the name begins in the script (for the physical line of a multi-line RUN)

    bool hasArg(const QString &arg) const { return args.contains(arg); }
    /** -x short flags may be clustered (-eo); --long flags are exact. */
    bool hasFlag(const QString &flag) const
    {
        for (const QString &a : args) {
            if (flag.size() == 1 && a.startsWith(QLatin1Char('-')) && !a.startsWith(QLatin1String("--")) &&
                a.contains(flag))
                return true;
            if (a == QLatin1String("--") + flag || a.startsWith(QLatin1String("--") + flag + QLatin1Char('=')))
                return true;
        }
        return false;
    }
    QString baseName() const { return name.mid(name.lastIndexOf(QLatin1Char('/')) + 1); }
};

} // namespace mrc
