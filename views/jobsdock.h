// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDockWidget>

namespace mrc {

class JobsModel;
struct JobUpdate;

/** The Jobs panel: this window's build jobs and other processes' builds, with their elapsed times ticking. */
class JobsDock : public QDockWidget
{
    Q_OBJECT
public:
    JobsDock(JobsModel *jobs, QWidget *parent = nullptr);

Q_SIGNALS:
    /** A job was activated (Enter or double click): the window selects its cell. */
    void jobActivated(const mrc::JobUpdate &job);
};

} // namespace mrc
