// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QString>
#include <optional>

namespace mrc {

/**
 * A release version read from a git tag, ordered as releases are, not as strings: 9.0.0 < 9.0.1 < 10.0.0,
 * and a pre-release before its final release (9.0.0.0rc1 and 9.0.0rc1 < 9.0.0). A leading "v" is ignored.
 * Trailing zero parts do not count: 9.0 == 9.0.0.
 */
class ReleaseVersion
{
public:
    enum class Stage
    {
        Alpha,
        Beta,
        Candidate,
        Final
    };

    /** The version of @p tag, or nothing when the tag is not a version ("ocata-eol", "master"). */
    static std::optional<ReleaseVersion> parse(const QString &tag);

    QString tag() const { return m_tag; }
    bool isFinal() const { return m_stage == Stage::Final; }
    Stage stage() const { return m_stage; }

    /** <0, 0 or >0 as this is older than, the same release as, or newer than @p other. */
    int compare(const ReleaseVersion &other) const;
    friend bool operator<(const ReleaseVersion &a, const ReleaseVersion &b) { return a.compare(b) < 0; }
    friend bool operator==(const ReleaseVersion &a, const ReleaseVersion &b) { return a.compare(b) == 0; }

    /** The highest final release among @p tags (tags that are not versions are ignored). */
    static std::optional<ReleaseVersion> highestFinal(const QStringList &tags);

private:
    QString m_tag;
    QList<int> m_parts;
    Stage m_stage = Stage::Final;
    int m_stageNumber = 0;
};

} // namespace mrc
