// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QString>

namespace mrc {

/** One validation problem, printed as FILE:LINE:COLUMN: message. */
struct ManifestProblem
{
    QString file;
    int line = 0;
    int column = 0;
    QString message;

    QString toString() const;
};

using ManifestProblems = QList<ManifestProblem>;

} // namespace mrc
