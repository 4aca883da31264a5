// SPDX-License-Identifier: Apache-2.0
// Lints every Dockerfile of the corpus (tests/fixtures/lint/corpus, or the folder given as the first argument)
// and prints the time: reading the folders, then linting alone (goal: the whole fleet well under a second).
#include "lint/corpusindex.h"
#include "lint/linter.h"
#include "lint/lintinput.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <algorithm>
#include <cstdio>

using namespace mrc;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QString root = argc > 1 ? QString::fromLocal8Bit(argv[1])
                                  : QFileInfo(QStringLiteral(__FILE__)).absolutePath() +
                                        QStringLiteral("/../tests/fixtures/lint/corpus");
    CorpusIndex corpus;
    QString error;
    QElapsedTimer timer;
    timer.start();
    if (!corpus.load(root, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 2;
    }
    QList<LintInput> inputs;
    for (const CorpusIndex::Image &image : corpus.images()) {
        LintInput input;
        if (!corpus.input(image, &input, &error)) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 2;
        }
        inputs.append(input);
    }
    const double readMs = timer.nsecsElapsed() / 1e6;

    Linter linter; // hadolint stays off: the figure is ours
    QList<double> runs;
    int findings = 0;
    for (int run = 0; run < 20; ++run) {
        timer.restart();
        findings = 0;
        for (const LintInput &input : std::as_const(inputs))
            findings += int(linter.lint(input).size());
        runs.append(timer.nsecsElapsed() / 1e6);
    }
    std::sort(runs.begin(), runs.end());
    std::printf("corpus: %s\n", qPrintable(root));
    std::printf("Dockerfiles: %lld, findings: %d\n", static_cast<long long>(inputs.size()), findings);
    std::printf("read index and folders: %.1f ms\n", readMs);
    std::printf("lint the fleet: median %.2f ms, max %.2f ms over %lld runs (%.3f ms per Dockerfile)\n",
                runs.at(runs.size() / 2), runs.last(), static_cast<long long>(runs.size()),
                runs.at(runs.size() / 2) / qMax<qsizetype>(1, inputs.size()));
    return 0;
}
