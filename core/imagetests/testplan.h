// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "engine/enginestatus.h"
#include "history/history.h"
#include "manifest/manifest.h"
#include "workspace/cell.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace mrc {

/** One test to run: a test of the manifest, the cell whose image it tests, and the engine that runs it. */
struct TestJobSpec
{
    int id = -1;  // index in the plan
    Cell cell;    // component, branch, docker, commit
    QString repo; // the component's repository (a stack's compose file comes from it)
    QString engine;
    QString tag; // the image under test: monasca/api:master
    TestSpec test;
};

struct TestPlan
{
    QList<TestJobSpec> jobs;
    QStringList problems; // selected cells that cannot be tested, with the reason

    /**
     * Every test of each selected cell (its component's `tests:` and the workspace stacks it holds), on the engine
     * that serves the cell's Docker version. @p only limits the tests to those names.
     */
    /** The tag a build gave @p image in column @p branch: <image>:ref-<ref> for a ref column, as BuildPlan tags it. */
    static QString imageTag(const Manifest &manifest, const QString &image, const QString &branch);
    static TestPlan make(const Manifest &manifest, const QList<Cell> &selected, const QList<EngineStatus> &engines,
                         const QStringList &only = {});
};

/** A cell's test state as the matrix shows it. */
struct CellTestStatus
{
    TestState state = TestState::Untested;
    QString message; // for failed: the first failing test's name and message
    int passed = 0;
    int total = 0;
};

/**
 * Sums up the cell's latest test results: `testing` while one runs, `stale` once the cell's image (its latest
 * successful build, @p currentImageId) is not the image the results were taken on, else `failed` with the first
 * failing test or `passed`.
 */
CellTestStatus summarizeTests(const QList<TestRecord> &latest, const QString &currentImageId);

} // namespace mrc
