// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace mrc {

/**
 * The environment-variable tables of an image's README.rst: simple (=== borders) and grid (+---+) tables whose
 * first column is headed "Variable" (or "Name", "Environment variable", "Env").
 */
class ReadmeTable
{
public:
    /** A variable with its line; `baseOnly` marks tables under a "wait scripts" heading (the base image's). */
    struct Variable
    {
        QString name;
        QString defaultValue; // the second column, quotes removed
        int line = 0;
        bool baseOnly = false;
    };

    static QList<Variable> variables(const QByteArray &readme);

private:
    /** Reads the simple table whose top border is line @p i; returns its last line, or -1 when it never ends. */
    static int readSimple(const QStringList &lines, int i, bool baseOnly, QList<Variable> *out);
    /** Reads the grid table that starts at line @p i; returns its last line. */
    static int readGrid(const QStringList &lines, int i, bool baseOnly, QList<Variable> *out);
};

} // namespace mrc
