// SPDX-License-Identifier: Apache-2.0
// Builds a 100 components x 20 branches x 5 Docker versions grid (10,000 cells) in a real MatrixView, then streams
// 10,000 cell updates into it from a worker thread through queued signals, the way a scan delivers them. Prints
// the time to build the model and the longest time the GUI event loop was blocked (goal: under 16 ms).
#include "models/matrixfiltermodel.h"
#include "models/matrixmodel.h"
#include "views/matrixview.h"
#include "workspace/cellbatcher.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <cstdio>

using namespace mrc;

namespace {

Manifest bigManifest()
{
    Manifest manifest;
    manifest.path = QStringLiteral("bench.yaml");
    for (int b = 0; b < 20; ++b) {
        BranchSpec branch;
        branch.name =
            b == 0 ? QStringLiteral("master") : QStringLiteral("stable/20%1.%2").arg(10 + b / 2).arg(1 + b % 2);
        for (int v = 0; v < 5; ++v)
            branch.docker.append(QStringLiteral("%1.%2").arg(28 - v).arg(b % 3));
        manifest.branches.append(branch);
    }
    for (int c = 0; c < 100; ++c) {
        ComponentSpec component;
        component.name = QStringLiteral("component-%1").arg(c, 3, 10, QLatin1Char('0'));
        component.image = QStringLiteral("monasca/") + component.name;
        component.repo = QStringLiteral("file:///repos/%1.git").arg(c);
        component.context = QStringLiteral("docker");
        manifest.components.append(component);
    }
    return manifest;
}

double median(std::vector<double> values)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

// Sends updates from its own thread; the receiver applies them on the GUI thread.
class Producer : public QObject
{
    Q_OBJECT
public:
    QList<Cell> cells;
    int batchSize = 1;
    bool throttled = false;

    void produce()
    {
        auto *random = QRandomGenerator::global();
        const CellState states[] = {CellState::Ready, CellState::NoEngine, CellState::NoBranch, CellState::Error};
        QList<Cell> batch;
        CellBatcher batcher([this](const QList<Cell> &cells) { Q_EMIT updates(cells); });
        for (int i = 0; i < 10000; ++i) {
            Cell cell = cells[random->bounded(int(cells.size()))];
            cell.state = states[random->bounded(4)];
            cell.commit = QString::number(random->generate64(), 16);
            cell.commitDate = QDateTime::currentDateTimeUtc().addSecs(-qint64(random->bounded(1000000)));
            batch.append(cell);
            if (batch.size() >= batchSize) {
                if (throttled)
                    batcher.add(batch);
                else
                    Q_EMIT updates(batch);
                batch.clear();
            }
        }
        batcher.add(batch);
        batcher.flush();
        Q_EMIT done();
    }

Q_SIGNALS:
    void updates(const QList<mrc::Cell> &cells);
    void done();
};

struct RunResult
{
    double streamMs;
    double maxBlockMs;
    double medianBlockMs;
};

RunResult streamUpdates(MatrixModel &model, QAbstractItemView &view, int batchSize, bool throttled)
{
    Producer producer;
    producer.cells = model.cells();
    producer.batchSize = batchSize;
    producer.throttled = throttled;
    QThread thread;
    producer.moveToThread(&thread);

    // A heartbeat timer: the gap between two beats beyond its interval is time the loop was busy.
    QElapsedTimer clock;
    std::vector<double> gaps;
    double last = 0;
    QTimer heartbeat;
    heartbeat.setInterval(1);
    heartbeat.setTimerType(Qt::PreciseTimer);
    QObject::connect(&heartbeat, &QTimer::timeout, [&] {
        const double now = clock.nsecsElapsed() / 1e6;
        gaps.push_back(std::max(0.0, now - last - 1.0));
        last = now;
    });

    bool finished = false;
    QObject::connect(&producer, &Producer::updates, &model, &MatrixModel::applyCells, Qt::QueuedConnection);
    QObject::connect(
        &producer, &Producer::done, &view, [&] { finished = true; }, Qt::QueuedConnection);
    QObject::connect(&thread, &QThread::started, &producer, &Producer::produce);

    clock.start();
    heartbeat.start();
    thread.start();
    while (!finished)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    view.viewport()->repaint(); // the last updates' paint counts too
    QCoreApplication::processEvents();
    const double total = clock.nsecsElapsed() / 1e6;
    heartbeat.stop();
    thread.quit();
    thread.wait();
    return {total, gaps.empty() ? 0 : *std::max_element(gaps.begin(), gaps.end()), median(gaps)};
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    qRegisterMetaType<QList<Cell>>();
    const int runs = 5;

    const Manifest manifest = bigManifest();
    std::vector<double> buildTimes;
    std::vector<double> paintTimes;
    MatrixModel model;
    MatrixFilterModel filter(MatrixModel::BranchRole, MatrixModel::StateRole);
    filter.setSourceModel(&model);
    MatrixView view;
    view.setModel(&filter);
    view.resize(1400, 900);
    view.show();
    QCoreApplication::processEvents();
    for (int run = 0; run < runs; ++run) {
        QElapsedTimer timer;
        timer.start();
        model.setManifest(manifest);
        buildTimes.push_back(timer.nsecsElapsed() / 1e6);
        timer.restart();
        view.viewport()->repaint();
        paintTimes.push_back(timer.nsecsElapsed() / 1e6);
    }
    std::printf("matrix: %lld cells (%d components x %lld columns), %d runs, medians\n",
                static_cast<long long>(model.cells().size()), model.rowCount(),
                static_cast<long long>(model.columnCount()), runs);
    std::printf("  build model (setManifest)        %8.2f ms\n", median(buildTimes));
    std::printf("  first paint of the visible grid  %8.2f ms\n", median(paintTimes));

    struct Mode
    {
        const char *name;
        int batch;
        bool throttled;
    };
    for (const Mode &mode :
         {Mode{"one queued signal per cell      ", 1, false}, Mode{"one queued signal per 100 cells ", 100, false},
          Mode{"CellBatcher (16 ms), as scans do", 1, true}}) {
        std::vector<double> totals;
        std::vector<double> maxBlocks;
        std::vector<double> medianBlocks;
        for (int run = 0; run < runs; ++run) {
            const RunResult result = streamUpdates(model, view, mode.batch, mode.throttled);
            totals.push_back(result.streamMs);
            maxBlocks.push_back(result.maxBlockMs);
            medianBlocks.push_back(result.medianBlockMs);
        }
        std::printf("  10,000 updates, %s: stream %7.2f ms, longest event-loop block %6.2f ms "
                    "(worst run %6.2f ms), median block %5.3f ms\n",
                    mode.name, median(totals), median(maxBlocks), *std::max_element(maxBlocks.begin(), maxBlocks.end()),
                    median(medianBlocks));
    }
    std::printf("  goal: longest block under 16 ms\n");
    return 0;
}

#include "matrix.moc"
