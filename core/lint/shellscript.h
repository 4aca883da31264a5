// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "lint/shellcommand.h"

#include <QList>
#include <algorithm>

namespace mrc {

/** A small shell reader for RUN instructions: enough to find commands, their words and pipes. */
struct ShellScript
{
    /** Reads @p script: its commands split at ;, &&, ||, | and newlines, with quotes and escapes resolved. */
    static ShellScript parse(const QString &script);

    QList<ShellCommand> commands;
    bool hasPipe = false;

    bool uses(const QString &program) const
    {
        return std::any_of(commands.cbegin(), commands.cend(),
                           [&](const ShellCommand &c) { return c.baseName() == program; });
    }
};

} // namespace mrc
