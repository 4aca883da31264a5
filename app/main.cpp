// SPDX-License-Identifier: Apache-2.0
#include "cli/cli.h"
#include "mainwindow.h"
#include "manifestparser.h"
#include "workspace.h"

#include <QApplication>
#include <QCommandLineParser>
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

int runGui(int argc, char **argv)
{
    QApplication app(argc, argv);
    setIdentity();
    QApplication::setApplicationDisplayName(QStringLiteral("Monasca Release Console"));
    QApplication::setDesktopFileName(QStringLiteral("io.github.monasca.mrc"));

    QCommandLineParser parser;
    parser.addOption({QStringLiteral("manifest"), QStringLiteral("The release manifest."), QStringLiteral("FILE")});
    parser.process(app);

    QString path = parser.value(QStringLiteral("manifest"));
    if (path.isEmpty() && QFileInfo::exists(QStringLiteral("release.yaml")))
        path = QStringLiteral("release.yaml");

    mrc::Workspace workspace;
    mrc::MainWindow window(&workspace);
    window.show();
    window.openManifest(path.isEmpty() ? mrc::ManifestParser::defaultManifestPath() : path);
    return app.exec();
}

} // namespace

int main(int argc, char **argv)
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    if (!mrc::cli::isHeadless(arguments))
        return runGui(argc, argv);

    QCoreApplication app(argc, argv);
    setIdentity();
    return mrc::cli::run(arguments);
}
