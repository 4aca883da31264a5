// SPDX-License-Identifier: Apache-2.0
#include "lint/lintfinding.h"

namespace mrc {

QString lintSeverityName(LintSeverity severity)
{
    switch (severity) {
    case LintSeverity::Off:
        return QStringLiteral("off");
    case LintSeverity::Info:
        return QStringLiteral("info");
    case LintSeverity::Warning:
        return QStringLiteral("warning");
    case LintSeverity::Error:
        return QStringLiteral("error");
    }
    return QStringLiteral("off");
}

bool parseLintSeverity(const QString &text, LintSeverity *severity)
{
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("error"))
        *severity = LintSeverity::Error;
    else if (t == QLatin1String("warning"))
        *severity = LintSeverity::Warning;
    else if (t == QLatin1String("info") || t == QLatin1String("style") || t == QLatin1String("note"))
        *severity = LintSeverity::Info;
    else if (t == QLatin1String("off") || t == QLatin1String("ignore") || t == QLatin1String("none"))
        *severity = LintSeverity::Off;
    else
        return false;
    return true;
}

QString LintFinding::toText() const
{
    QString text =
        QStringLiteral("%1:%2: %3 %4: %5").arg(file).arg(line).arg(rule, lintSeverityName(severity), message);
    if (source != QLatin1String("mrc"))
        text += QStringLiteral(" [%1]").arg(source);
    return text;
}

LintSeverity worstSeverity(const QList<LintFinding> &findings)
{
    LintSeverity worst = LintSeverity::Off;
    for (const LintFinding &f : findings)
        worst = qMax(worst, f.severity);
    return worst;
}

} // namespace mrc
