// SPDX-License-Identifier: Apache-2.0
// Renders every corpus template through the long-lived Jinja2 helper and, for comparison, through one fresh
// Python process per template (the same helper code, one request each). Prints templates per second and the ratio;
// the goal is at least 20x. Usage: render [CORPUS_DIR] (default: $MRC_CORPUS, else the corpus copy in
// tests/fixtures/lint/corpus of the checkout, two folders above build/bench/render).
#include "render/templaterenderer.h"
#include "render/templatevariables.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <cstdio>

using namespace mrc;

namespace {

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QString root = app.arguments().value(1, qEnvironmentVariable("MRC_CORPUS"));
    if (root.isEmpty())
        root = QDir::cleanPath(QCoreApplication::applicationDirPath() +
                               QStringLiteral("/../../tests/fixtures/lint/corpus"));
    QList<RenderRequest> requests;
    const QByteArray base = readFile(root + QStringLiteral("/openstack/monasca-common/master/docker/Dockerfile"));
    QDirIterator it(root, {QStringLiteral("*.j2"), QStringLiteral("*.jinja2")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        // The Dockerfile of the docker folder the template belongs to (templates/ subfolders share it).
        QDir dir = QFileInfo(path).dir();
        while (!dir.exists(QStringLiteral("Dockerfile")) && dir.cdUp() && dir.absolutePath().startsWith(root)) {
        }
        TemplateVariables variables;
        variables.setDockerfiles(base, QStringLiteral("base/Dockerfile"),
                                 readFile(dir.filePath(QStringLiteral("Dockerfile"))), QStringLiteral("Dockerfile"));
        requests.append(variables.request(path, QString::fromUtf8(readFile(path))));
    }
    if (requests.isEmpty()) {
        std::fprintf(stderr, "no templates under %s\n", qPrintable(root));
        return 2;
    }

    TemplateRenderer renderer;
    QString error;
    if (!renderer.start(&error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 3;
    }
    int ok = 0;
    for (const RenderRequest &request : std::as_const(requests)) // warm-up: compile once, as the GUI does
        ok += renderer.render(request).ok() ? 1 : 0;
    constexpr int rounds = 5;
    QElapsedTimer timer;
    timer.start();
    for (int round = 0; round < rounds; ++round) {
        for (RenderRequest request : std::as_const(requests)) {
            request.variables.insert(QStringLiteral("MRC_BENCH_ROUND"), QString::number(round));
            renderer.render(request);
        }
    }
    const double helperSeconds = double(timer.nsecsElapsed()) / 1e9;
    const double helperRate = double(rounds * requests.size()) / helperSeconds;

    // One process per template, as a shell loop of `templer` calls would do.
    const QString python = TemplateRenderer::pythonPath();
    const QString source = QString::fromUtf8(TemplateRenderer::helperSource());
    timer.restart();
    int spawned = 0;
    for (const RenderRequest &request : std::as_const(requests)) {
        QJsonObject variables;
        for (auto v = request.variables.cbegin(); v != request.variables.cend(); ++v)
            variables.insert(v.key(), v.value());
        QProcess process;
        process.start(python, {QStringLiteral("-c"), source});
        process.write(QJsonDocument(QJsonObject{{QStringLiteral("id"), 1},
                                                {QStringLiteral("template"), request.source},
                                                {QStringLiteral("variables"), variables}})
                          .toJson(QJsonDocument::Compact) +
                      '\n');
        process.closeWriteChannel();
        process.waitForFinished(30000);
        spawned += process.readAllStandardOutput().contains("\"status\"") ? 1 : 0;
    }
    const double spawnSeconds = double(timer.nsecsElapsed()) / 1e9;
    const double spawnRate = double(requests.size()) / spawnSeconds;

    std::printf("templates:                 %lld (%d render with the Dockerfile defaults)\n",
                static_cast<long long>(requests.size()), ok);
    std::printf("helper (one process):      %8.1f templates/s  (%.2f ms each, %d rounds)\n", helperRate,
                1000.0 / helperRate, rounds);
    std::printf("one python per template:   %8.1f templates/s  (%.2f ms each, %d answered)\n", spawnRate,
                1000.0 / spawnRate, spawned);
    const double ratio = helperRate / spawnRate;
    std::printf("speed-up:                  %8.1fx  (goal >= 20x: %s)\n", ratio, ratio >= 20 ? "met" : "NOT met");
    return 0;
}
