// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "lint/lintfinding.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace mrc {

/** Writes findings in the formats of `mrc lint --format`. */
class LintReport
{
public:
    enum class Format
    {
        Text,
        Json,
        Sarif,
        Checkstyle
    };
    static bool parseFormat(const QString &name, Format *format);

    static QByteArray format(const QList<LintFinding> &findings, Format format);
    static QByteArray text(const QList<LintFinding> &findings);
    /** {"findings": [...], "summary": {"error": n, "warning": n, "info": n}} */
    static QByteArray json(const QList<LintFinding> &findings);
    /** SARIF 2.1.0: one run, the full rule catalogue in tool.driver.rules, one result per finding. */
    static QByteArray sarif(const QList<LintFinding> &findings);
    /** Checkstyle XML as CI servers read it: <checkstyle><file name><error line severity message source/>. */
    static QByteArray checkstyle(const QList<LintFinding> &findings);
};

} // namespace mrc
