// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "lint/lintfinding.h"

#include <QHash>
#include <QList>
#include <QString>

namespace mrc {

struct Dockerfile;
struct LintInput;
struct LintSpec;

/**
 * Runs the rule catalogue (LintRule::all()) over one image folder. Pure and thread-safe: the same input
 * gives the same findings, sorted by file, line and rule.
 */
class Linter
{
public:
    /** Changes a rule's severity; LintSeverity::Off removes its findings. */
    void setSeverity(const QString &rule, LintSeverity severity);
    /** Applies a manifest's `lint: severity:` overrides. */
    void applySpec(const LintSpec &spec);
    QHash<QString, LintSeverity> severities() const { return m_severities; }
    /** Also run hadolint when it is on the PATH, and merge its findings (tagged "hadolint"). */
    void setUseHadolint(bool use) { m_useHadolint = use; }

    QList<LintFinding> lint(const LintInput &input) const;

    /** The environment-variable names of the README's tables (first column "Variable"), with their lines.
     *  `baseOnly` marks tables under a "wait scripts" heading, which document the base image. */
    struct ReadmeVariable
    {
        QString name;
        QString defaultValue; // the second column, quotes removed
        int line = 0;
        bool baseOnly = false;
    };
    static QList<ReadmeVariable> readmeVariables(const QByteArray &readme);

private:
    QHash<QString, LintSeverity> m_severities;
    bool m_useHadolint = false;
};

} // namespace mrc
