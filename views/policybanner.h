// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "engine/enginestatus.h"
#include "manifest/manifest.h"
#include "threading/jobtracker.h"
#include "views/banner.h"

namespace mrc {

/** The banner above the matrix with the manifest's Docker version policy findings; hidden when there are none. */
class PolicyBanner : public Banner
{
    Q_OBJECT
public:
    explicit PolicyBanner(QWidget *parent = nullptr);

    /** Checks the manifest against the reachable engines' versions; git reads its history off the GUI thread. */
    void check(const Manifest &manifest, const QList<EngineStatus> &engines);

private:
    JobTracker m_checks{this}; // drops a result that a newer check replaced
};

} // namespace mrc
