// SPDX-License-Identifier: Apache-2.0
#include "afterfirstpaint.h"
#include "cli/cli.h"
#include "cli/launch.h"
#include "desktop/firstpaintreport.h"
#include "desktop/journey.h"
#include "desktop/matrixtrace.h"
#include "desktop/startuptrace.h"
#include "manifest/manifestparser.h"
#include "models/matrixmodel.h"
#include "views/mainwindow.h"
#include "views/matrixview.h"
#include "workspace/workspace.h"

#include <QApplication>
#include <QFileInfo>
#include <QTextStream>
#include <QTimer>
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
    mrc::StartupTrace::mark("QApplication");
    setIdentity();
    QApplication::setApplicationDisplayName(QStringLiteral("Monasca Release Console"));
    QApplication::setDesktopFileName(QStringLiteral("io.github.monasca.mrc"));

    QString path = manifest;
    if (path.isEmpty() && QFileInfo::exists(QStringLiteral("release.yaml")))
        path = QStringLiteral("release.yaml");
    if (path.isEmpty())
        path = mrc::MainWindow::lastManifest();

    mrc::Workspace workspace;
    mrc::StartupTrace::mark("Workspace");
    mrc::MainWindow window(&workspace);
    mrc::StartupTrace::mark("MainWindow");
    // Test-only reports, each behind its own environment variable (see the classes).
    mrc::FirstPaintReport::installFromEnvironment(window.matrixView());
    mrc::MatrixTrace::installFromEnvironment(window.matrixModel());
    window.show();
    mrc::StartupTrace::mark("show");
    if (path.isEmpty()) {
        window.offerManifest(); // the first start: open one, create the demo, or use the Monasca manifest
    } else {
        // The matrix's first frame needs the manifest, not the scan: the scan's threads start once it is shown.
        workspace.holdScans();
        window.openManifest(path);
        mrc::AfterFirstPaint::run(window.matrixView()->viewport(), 2000, [&workspace] { workspace.releaseScans(); });
    }
    mrc::StartupTrace::mark("openManifest");
    QTimer::singleShot(0, [] { mrc::StartupTrace::mark("event loop"); });
    mrc::Journey::startFromEnvironment(&window, &workspace);
    return app.exec();
}

} // namespace

int main(int argc, char **argv)
{
    mrc::StartupTrace::mark("main");
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
