// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "lint/lintfinding.h"
#include "manifest/manifestproblem.h"

#include <QList>
#include <QString>

namespace mrc {

struct ManifestResult;

struct LintSpec;

/** One rule of the catalogue; docs/lint.rst has a bad and a good example for each. */
struct LintRule
{
    QString id; // MRC101, DL3003
    LintSeverity severity = LintSeverity::Warning;
    QString title;                   // one line, used as the message when a finding has nothing to add
    bool hadolintCompatible = false; // same id and meaning as hadolint's rule

    /** Every rule in the order the Lint page shows them: parse, MRC1xx, DLxxxx. */
    static const QList<LintRule> &all();
    /** The rule with this id, or nullptr. */
    static const LintRule *find(const QString &id);
    /**
     * The manifest's `lint: severity:` ids that name no rule: neither one of the catalogue nor hadolint's (DLnnnn,
     * SCnnnn), each at its place in the manifest, in file order.
     */
    static ManifestProblems unknownIn(const LintSpec &spec);
    /** Adds unknownIn(result.manifest.lint) to result's problems, keeping them in file order. The CLI and the
     *  window both load a manifest through this, so they refuse the same files. */
    static void checkRules(ManifestResult &result);
    /** The documentation anchor, e.g. "docs/lint.rst#mrc101". */
    QString helpAnchor() const;
};

} // namespace mrc
