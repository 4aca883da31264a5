// SPDX-License-Identifier: Apache-2.0
#include "imagetests/testplan.h"

#include "jobs/buildplan.h"
#include "workspace/workspacescan.h"

namespace mrc {

TestPlan TestPlan::make(const Manifest &manifest, const QList<Cell> &selected, const QList<EngineStatus> &engines,
                        const QStringList &only)
{
    TestPlan plan;
    for (const Cell &cell : selected) {
        const ComponentSpec *component = manifest.component(cell.component);
        if (!component) {
            plan.problems.append(QStringLiteral("%1: not in the manifest").arg(cell.component));
            continue;
        }
        const QList<TestSpec> tests = manifest.testsFor(cell.component);
        if (tests.isEmpty())
            continue;
        const EngineStatus *engine = WorkspaceScan::engineFor(engines, cell.docker);
        if (!engine) {
            plan.problems.append(QStringLiteral("%1@%2 docker %3 cannot be tested: no reachable engine runs Docker %3")
                                     .arg(cell.component, cell.branch, cell.docker));
            continue;
        }
        for (const TestSpec &test : tests) {
            if (!only.isEmpty() && !only.contains(test.name))
                continue;
            TestJobSpec job;
            job.id = int(plan.jobs.size());
            job.cell = cell;
            job.repo = component->repo;
            job.engine = engine->name;
            job.tag = BuildPlan::localTag(component->image, cell.branch);
            job.test = test;
            plan.jobs.append(job);
        }
    }
    return plan;
}

CellTestStatus summarizeTests(const QList<TestRecord> &latest, const QString &currentImageId)
{
    CellTestStatus status;
    status.total = int(latest.size());
    if (latest.isEmpty())
        return status;
    bool stale = false;
    const TestRecord *firstFailure = nullptr;
    for (const TestRecord &record : latest) {
        if (record.state == TestState::Queued || record.state == TestState::Testing) {
            status.state = TestState::Testing;
            return status;
        }
        if (!currentImageId.isEmpty() && record.imageId != currentImageId)
            stale = true;
        if (record.state == TestState::Passed)
            ++status.passed;
        else if (!firstFailure)
            firstFailure = &record;
    }
    if (stale) {
        status.state = TestState::Stale;
        status.message = QStringLiteral("the image was rebuilt after these tests ran");
    } else if (firstFailure) {
        status.state = TestState::Failed;
        status.message = QStringLiteral("%1: %2").arg(firstFailure->test, firstFailure->message);
    } else {
        status.state = TestState::Passed;
    }
    return status;
}

} // namespace mrc
