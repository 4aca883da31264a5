// SPDX-License-Identifier: Apache-2.0
#include "cli/launch.h"

#include <QFileInfo>

namespace mrc::cli {

namespace {

// Options of QGuiApplication and QApplication that consume the next argument (Qt accepts one or two dashes
// and the NAME=VALUE form). The GUI never sees them: QApplication removes them from argv.
const QStringList qtValueOptions{
    QStringLiteral("platform"),        QStringLiteral("platformpluginpath"),
    QStringLiteral("platformtheme"),   QStringLiteral("plugin"),
    QStringLiteral("qwindowgeometry"), QStringLiteral("qwindowicon"),
    QStringLiteral("qwindowtitle"),    QStringLiteral("session"),
    QStringLiteral("display"),         QStringLiteral("geometry"),
    QStringLiteral("style"),           QStringLiteral("stylesheet"),
    QStringLiteral("title"),           QStringLiteral("name"),
    QStringLiteral("visual"),
};
// Qt options without a value.
const QStringList qtFlagOptions{QStringLiteral("reverse"), QStringLiteral("widgetcount"),
                                QStringLiteral("nograb"),  QStringLiteral("dograb"),
                                QStringLiteral("sync"),    QStringLiteral("qmljsdebugger")};

// "--name=value" / "-name" → "name"; the dash count does not matter to Qt.
QString optionName(const QString &argument)
{
    QString name = argument.mid(argument.startsWith(QLatin1String("--")) ? 2 : 1);
    const qsizetype equals = name.indexOf(QLatin1Char('='));
    return equals < 0 ? name : name.left(equals);
}

bool isManifestFile(const QString &argument)
{
    const QFileInfo info(argument);
    return info.isFile() || argument.endsWith(QLatin1String(".yaml")) || argument.endsWith(QLatin1String(".yml"));
}

} // namespace

const QStringList &commandNames()
{
    static const QStringList names{QStringLiteral("matrix"),  QStringLiteral("build"),  QStringLiteral("test"),
                                   QStringLiteral("demo"),    QStringLiteral("render"), QStringLiteral("lint"),
                                   QStringLiteral("login"),   QStringLiteral("logout"), QStringLiteral("tags"),
                                   QStringLiteral("push"),    QStringLiteral("audit"),  QStringLiteral("labels"),
                                   QStringLiteral("engines"), QStringLiteral("branch"), QStringLiteral("watch")};
    return names;
}

Launch parseLaunch(const QStringList &arguments)
{
    Launch launch;
    QStringList before; // our global options seen before the command, handed to it
    const auto headless = [&](const QString &command, qsizetype restFrom, bool unknown) {
        launch.mode = Launch::Mode::Headless;
        launch.command = command;
        launch.unknown = unknown;
        launch.commandArguments = QStringList{command} + before + arguments.mid(restFrom);
        return launch;
    };

    bool optionsEnded = false;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        const bool isOption = !optionsEnded && argument.size() > 1 && argument.startsWith(QLatin1Char('-'));
        if (!isOption) {
            if (commandNames().contains(argument))
                return headless(argument, i + 1, false);
            if (isManifestFile(argument) && launch.manifest.isEmpty()) {
                launch.manifest = argument;
                continue;
            }
            return headless(argument, i + 1, true);
        }
        if (argument == QLatin1String("--")) {
            optionsEnded = true;
            continue;
        }
        if (argument == QLatin1String("--help") || argument == QLatin1String("-h"))
            return headless(QStringLiteral("--help"), i + 1, false);
        if (argument == QLatin1String("--version") || argument == QLatin1String("-v"))
            return headless(QStringLiteral("--version"), i + 1, false);
        if (argument == QLatin1String("--manifest")) {
            if (i + 1 >= arguments.size())
                return headless(argument, i + 1, true); // run() says the value is missing
            launch.manifest = arguments.at(++i);
            before << argument << launch.manifest;
            continue;
        }
        if (argument.startsWith(QLatin1String("--manifest="))) {
            launch.manifest = argument.mid(int(sizeof("--manifest=")) - 1);
            before << argument;
            continue;
        }
        const QString name = optionName(argument);
        if (qtValueOptions.contains(name)) {
            if (!argument.contains(QLatin1Char('=')))
                ++i; // its value
            continue;
        }
        if (qtFlagOptions.contains(name))
            continue;
        return headless(argument, i + 1, true);
    }
    return launch;
}

} // namespace mrc::cli
