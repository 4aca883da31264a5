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
    int pipeOffset = -1; // where the first pipe is in the script

    bool uses(const QString &program) const { return first(program) != nullptr; }
    /** The first command that runs `program`, or null. */
    const ShellCommand *first(const QString &program) const
    {
        const auto it = std::find_if(commands.cbegin(), commands.cend(),
                                     [&](const ShellCommand &c) { return c.baseName() == program; });
        return it == commands.cend() ? nullptr : &*it;
    }
};

} // namespace mrc
