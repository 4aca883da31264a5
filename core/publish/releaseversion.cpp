// SPDX-License-Identifier: Apache-2.0
#include "publish/releaseversion.h"

#include <QRegularExpression>

namespace mrc {

std::optional<ReleaseVersion> ReleaseVersion::parse(const QString &tag)
{
    // pbr writes pre-releases as 9.0.0.0rc1, PEP 440 as 9.0.0rc1: with trailing zeros dropped, both are 9 rc1.
    static const QRegularExpression re(QStringLiteral("^v?([0-9]+(?:\\.[0-9]+)*)(?:(a|b|rc)([0-9]+))?$"));
    const QRegularExpressionMatch m = re.match(tag);
    if (!m.hasMatch())
        return std::nullopt;
    ReleaseVersion version;
    version.m_tag = tag;
    const QString numbers = m.captured(1);
    if (const QString stage = m.captured(2); !stage.isEmpty()) {
        version.m_stage = stage == QLatin1String("a")   ? Stage::Alpha
                          : stage == QLatin1String("b") ? Stage::Beta
                                                        : Stage::Candidate;
        version.m_stageNumber = m.captured(3).toInt();
    }
    for (const QString &part : numbers.split(QLatin1Char('.'))) {
        bool ok = false;
        const int value = part.toInt(&ok);
        if (!ok)
            return std::nullopt; // too many digits
        version.m_parts << value;
    }
    while (version.m_parts.size() > 1 && version.m_parts.last() == 0)
        version.m_parts.removeLast();
    return version;
}

int ReleaseVersion::compare(const ReleaseVersion &other) const
{
    const int n = std::max(m_parts.size(), other.m_parts.size());
    for (int i = 0; i < n; ++i) {
        const int a = m_parts.value(i);
        const int b = other.m_parts.value(i);
        if (a != b)
            return a < b ? -1 : 1;
    }
    if (m_stage != other.m_stage)
        return m_stage < other.m_stage ? -1 : 1;
    if (m_stageNumber != other.m_stageNumber)
        return m_stageNumber < other.m_stageNumber ? -1 : 1;
    return 0;
}

std::optional<ReleaseVersion> ReleaseVersion::highestFinal(const QStringList &tags)
{
    std::optional<ReleaseVersion> best;
    for (const QString &tag : tags) {
        const std::optional<ReleaseVersion> v = parse(tag);
        if (v && v->isFinal() && (!best || *best < *v))
            best = v;
    }
    return best;
}

} // namespace mrc
