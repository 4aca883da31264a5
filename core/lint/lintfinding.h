// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

namespace mrc {

/** How much a finding matters; Off silences a rule. Ordered so that a larger value is worse. */
enum class LintSeverity
{
    Off,
    Info,
    Warning,
    Error
};

QString lintSeverityName(LintSeverity severity);
/** "error", "warning", "info" (also "style" and "note"), "off"; false when the text is none of them. */
bool parseLintSeverity(const QString &text, LintSeverity *severity);

struct LintFinding
{
    QString file;   // as given to the linter: a path or "repo@branch:docker/Dockerfile"
    int line = 0;   // 1-based
    int column = 0; // 1-based, 0 when unknown
    QString rule;   // MRC105, DL3003, ...
    LintSeverity severity = LintSeverity::Warning;
    QString message;
    QString source = QStringLiteral("mrc"); // "mrc" or "hadolint"

    /** "FILE:LINE: RULE severity: message", the text output of `mrc lint`. */
    QString toText() const;
    bool operator==(const LintFinding &other) const = default;
};

/** The worst severity among the findings, Off when there are none. */
LintSeverity worstSeverity(const QList<LintFinding> &findings);

} // namespace mrc

Q_DECLARE_METATYPE(mrc::LintFinding)
