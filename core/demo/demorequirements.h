// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

namespace mrc::demo {

/**
 * The demo's openstack/requirements: DIR/repos/requirements.git with an upper-constraints.txt per branch, which
 * the build scripts' stable path reads (with the monasca-common release pinned there).
 */
class DemoRequirements
{
public:
    /** Writes the repository at @p path: one commit per branch, each off the same root. */
    static bool write(const QString &path, qint64 now, QString *error);
    /** The manifest's `requirements:` entry naming the repository of the demo in @p dir. */
    static QString manifestEntry(const QString &dir);
};

} // namespace mrc::demo
