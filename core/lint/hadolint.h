// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "lint/lintfinding.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace mrc {

/** The hadolint executable, when the user has it: Debian 12 does not package it, so it is optional. */
class Hadolint
{
public:
    /** The absolute path of hadolint on the PATH, or empty. */
    static QString executable();
    /** Runs `hadolint -f json --no-fail -` on the text; findings carry `fileName` and source "hadolint". */
    static QList<LintFinding> run(const QByteArray &dockerfile, const QString &fileName, QString *error);
    /** Parses hadolint's JSON output: [{"code","level","line","column","message","file"}, ...]. */
    static QList<LintFinding> parseJson(const QByteArray &json, const QString &fileName, QString *error);
};

} // namespace mrc
