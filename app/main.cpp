// SPDX-License-Identifier: Apache-2.0
#include "cli/cli.h"
#include "cli/launch.h"
#include "desktop/firstpaintreport.h"
#include "desktop/journey.h"
#include "desktop/matrixtrace.h"
#include "views/mainwindow.h"
#include "manifest/manifestparser.h"
#include "models/matrixmodel.h"
#include "views/matrixview.h"
#include "workspace/workspace.h"

#include <QApplication>
#include <QFileInfo>
#include <QTextStream>

#include <memory>

namespace {

void setIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("mrc"));
    QCoreApplication::setApplicationName(QStringLiteral("mrc"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MRC_VERSION));
}

int runGui(int argc, char **argv, const QString &manifest)
{
    QApplication app(argc, argv);
    setIdentity();
    QApplication::setApplicationDisplayName(QStringLiteral("Monasca Release Console"));
    QApplication::setDesktopFileName(QStringLiteral("io.github.monasca.mrc"));

    QString path = manifest;
    if (path.isEmpty() && QFileInfo::exists(QStringLiteral("release.yaml")))
        path = QStringLiteral("release.yaml");
    if (path.isEmpty())
        path = mrc::MainWindow::lastManifest();

    mrc::Workspace workspace;
    mrc::MainWindow window(&workspace);
    // Test-only reports, each behind its own environment variable (see the classes).
    mrc::FirstPaintReport::installFromEnvironment(window.matrixView());
    mrc::MatrixTrace::installFromEnvironment(window.matrixModel());
    window.show();
    if (path.isEmpty())
        window.offerManifest(); // the first start: open one, create the demo, or use the Monasca manifest
    else
        window.openManifest(path);
    mrc::Journey::startFromEnvironment(&window, &workspace);
    return app.exec();
}

} // namespace

int main(int argc, char **argv)
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    const mrc::cli::Launch launch = mrc::cli::parseLaunch(arguments);
    if (launch.mode == mrc::cli::Launch::Mode::Gui)
        return runGui(argc, argv, launch.manifest);

    QCoreApplication app(argc, argv);
    setIdentity();
    return mrc::cli::run(arguments);
}
