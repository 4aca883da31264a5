// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QCoreApplication>
#include <QString>

class QWidget;

namespace mrc {

/** Build → Cut Stable Branch…: asks for the name, shows the manifest diff and writes the manifest when confirmed. */
class StableBranchCut
{
    Q_DECLARE_TR_FUNCTIONS(StableBranchCut)
public:
    /** True when the manifest at `path` was written with the new branch. */
    static bool ask(QWidget *parent, const QString &path);
};

} // namespace mrc
