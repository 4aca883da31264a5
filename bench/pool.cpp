// SPDX-License-Identifier: Apache-2.0
// The build pool: the demo's master column (11 images: the base, then 10 built FROM it) built with --no-cache on
// one engine, then on two engines of the same Docker version. Starts two private dockerds of its own (the flags of
// scripts/services; needs root), so both start from the same empty state. Prints the wall time of each run, the
// medians and the ratio two / one (goal: at most 0.65).
//   bench/pool [--runs N] [--jobs N]      (defaults: 3 runs, 2 jobs per engine)
#include "common/privateengine.h"
#include "demo/demoworkspace.h"
#include "jobs/buildplan.h"
#include "jobs/buildrunner.h"
#include "manifest/manifestparser.h"
#include "workspace/workspacescan.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>
#include <algorithm>
#include <cstdio>

using namespace mrc;

namespace {

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    const qsizetype n = values.size();
    return n == 0 ? 0 : n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

struct RunResult
{
    double seconds = 0;
    bool ok = false;
    QMap<QString, int> built; // per engine
};

RunResult buildColumn(const Manifest &manifest, const QString &dir, int jobs, int run)
{
    ScanOptions scanOptions;
    scanOptions.cacheRoot = dir + QStringLiteral("/cache");
    WorkspaceScan scan(manifest, scanOptions);
    scan.run();
    QList<Cell> column;
    for (const Cell &cell : scan.cells()) {
        if (cell.state == CellState::Ready)
            column.append(cell);
    }
    const BuildPlan plan =
        BuildPlan::make(manifest, scan.cells(), column, scan.engines(), QDateTime::currentDateTimeUtc());
    BuildOptions options;
    options.noCache = true;
    options.jobs = jobs;
    options.cacheRoot = scanOptions.cacheRoot;
    options.historyPath = QStringLiteral("%1/run-%2/history.sqlite").arg(dir).arg(run);
    options.logDirectory = QStringLiteral("%1/run-%2/logs").arg(dir).arg(run);
    BuildRunner runner(manifest, plan, options);
    QEventLoop loop;
    QObject::connect(&runner, &BuildRunner::finished, &loop, &QEventLoop::quit);
    QElapsedTimer timer;
    timer.start();
    runner.start();
    loop.exec();
    RunResult result;
    result.seconds = timer.elapsed() / 1000.0;
    result.ok = column.size() == 11 && runner.succeeded();
    for (const JobUpdate &job : runner.jobs()) {
        if (job.state == JobState::Built)
            ++result.built[job.engine];
    }
    return result;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    int runs = 3;
    int jobs = 2;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--runs"))
            runs = std::max(1, args[i + 1].toInt());
        if (args[i] == QLatin1String("--jobs"))
            jobs = std::max(1, args[i + 1].toInt());
    }
    QTemporaryDir dir;
    test::PrivateEngine first(QStringLiteral("bench-pool-a"));
    test::PrivateEngine second(QStringLiteral("bench-pool-b"));
    QString error;
    if (!first.start(&error) || !second.start(&error)) {
        std::fprintf(stderr, "pool: cannot start the private engines (root is needed): %s\n", qPrintable(error));
        return 3;
    }
    const QString docker = first.status().majorMinor();
    if (!DemoWorkspace::create(dir.filePath(QStringLiteral("demo")), false, docker, &error)) {
        std::fprintf(stderr, "pool: %s\n", qPrintable(error));
        return 1;
    }
    const ManifestResult loaded = ManifestParser::load(dir.filePath(QStringLiteral("demo/release.yaml")));
    if (!loaded.ok()) {
        std::fprintf(stderr, "pool: the demo manifest has problems\n");
        return 1;
    }
    Manifest one = loaded.manifest;
    one.branches = {BranchSpec{QStringLiteral("master"), {docker}, {}, {}, {}}};
    EngineSpec a = first.spec();
    EngineSpec b = second.spec();
    a.name = QStringLiteral("a");
    b.name = QStringLiteral("b");
    one.engines = {a};
    Manifest two = one;
    two.engines = {a, b};

    std::printf("pool: demo master column, 11 images, --no-cache, Docker %s, %d job(s) per engine, %d CPU(s)\n",
                qPrintable(first.status().version), jobs, QThread::idealThreadCount());
    QList<double> oneTimes;
    QList<double> twoTimes;
    for (int run = 0; run < runs; ++run) {
        const RunResult single = buildColumn(one, dir.path(), jobs, run * 2);
        const RunResult pool = buildColumn(two, dir.path(), jobs, run * 2 + 1);
        if (!single.ok || !pool.ok) {
            std::fprintf(stderr, "pool: run %d did not build the whole column (see %s/run-*/logs)\n", run + 1,
                         qPrintable(dir.path()));
            dir.setAutoRemove(false);
            return 1;
        }
        oneTimes.append(single.seconds);
        twoTimes.append(pool.seconds);
        std::printf("run %d: one engine %.1f s; two engines %.1f s (built on a: %d, on b: %d)\n", run + 1,
                    single.seconds, pool.seconds, pool.built.value(QStringLiteral("a")),
                    pool.built.value(QStringLiteral("b")));
        std::fflush(stdout);
    }
    const double m1 = median(oneTimes);
    const double m2 = median(twoTimes);
    std::printf("median: one engine %.1f s, two engines %.1f s, ratio %.2f (goal <= 0.65)\n", m1, m2,
                m1 > 0 ? m2 / m1 : 0);
    return 0;
}
