// SPDX-License-Identifier: Apache-2.0
// The one decision between the window and a headless command (app/cli/launch.h).
#include "cli/launch.h"

#include <QTemporaryDir>
#include <QTest>

using mrc::cli::Launch;
using mrc::cli::parseLaunch;

class TestLaunch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decides_data();
    void decides();
    void globalOptionsFollowTheCommand();
    void aFileGivenAloneOpensTheWindow();
};

void TestLaunch::decides_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<bool>("gui");
    QTest::addColumn<QString>("manifest");
    QTest::addColumn<QString>("command");
    QTest::addColumn<bool>("unknown");

    QTest::addRow("nothing") << QStringList{} << true << QString() << QString() << false;
    // The bug of scripts/run: the FILE of --manifest FILE was taken for an unknown command.
    QTest::addRow("--manifest F") << QStringList{"--manifest", "/d/release.yaml"} << true << "/d/release.yaml"
                                  << QString() << false;
    QTest::addRow("--manifest F, a name that is no file")
        << QStringList{"--manifest", "matrix"} << true << "matrix" << QString() << false;
    QTest::addRow("--manifest=F") << QStringList{"--manifest=/d/release.yaml"} << true << "/d/release.yaml" << QString()
                                  << false;
    QTest::addRow("-platform offscreen") << QStringList{"-platform", "offscreen", "--manifest", "r.yaml"} << true
                                         << "r.yaml" << QString() << false;
    QTest::addRow("--platform offscreen")
        << QStringList{"--platform", "offscreen"} << true << QString() << QString() << false;
    QTest::addRow("-platform=offscreen") << QStringList{"-platform=offscreen"} << true << QString() << QString()
                                         << false;
    QTest::addRow("-style Fusion") << QStringList{"-style", "Fusion", "--manifest=r.yaml"} << true << "r.yaml"
                                   << QString() << false;
    QTest::addRow("-stylesheet, -reverse, -qwindowtitle")
        << QStringList{"-stylesheet", "a.qss", "-reverse", "-qwindowtitle", "build"} << true << QString() << QString()
        << false;
    QTest::addRow("Qt option then a command")
        << QStringList{"-platform", "offscreen", "matrix", "--json"} << false << QString() << "matrix" << false;
    QTest::addRow("command") << QStringList{"build", "--manifest", "r.yaml"} << false << QString() << "build" << false;
    QTest::addRow("--manifest F command") << QStringList{"--manifest", "r.yaml", "matrix"} << false << "r.yaml"
                                          << "matrix" << false;
    QTest::addRow("unknown command") << QStringList{"frobnicate"} << false << QString() << "frobnicate" << true;
    QTest::addRow("unknown option") << QStringList{"--frobnicate"} << false << QString() << "--frobnicate" << true;
    QTest::addRow("--manifest without a value")
        << QStringList{"--manifest"} << false << QString() << "--manifest" << true;
    QTest::addRow("--help") << QStringList{"--help"} << false << QString() << "--help" << false;
    QTest::addRow("-h") << QStringList{"-h"} << false << QString() << "--help" << false;
    QTest::addRow("--version") << QStringList{"--version"} << false << QString() << "--version" << false;
    QTest::addRow("-v after --manifest") << QStringList{"--manifest", "r.yaml", "-v"} << false << "r.yaml"
                                         << "--version" << false;
    QTest::addRow("a command's --help") << QStringList{"push", "--help"} << false << QString() << "push" << false;
    QTest::addRow("-- then a command word") << QStringList{"--", "lint"} << false << QString() << "lint" << false;
}

void TestLaunch::decides()
{
    QFETCH(QStringList, arguments);
    QFETCH(bool, gui);
    QFETCH(QString, manifest);
    QFETCH(QString, command);
    QFETCH(bool, unknown);

    const Launch launch = parseLaunch(QStringList{QStringLiteral("mrc")} + arguments);
    QCOMPARE(launch.mode == Launch::Mode::Gui, gui);
    QCOMPARE(launch.manifest, manifest);
    QCOMPARE(launch.command, command);
    QCOMPARE(launch.unknown, unknown);
}

void TestLaunch::globalOptionsFollowTheCommand()
{
    const Launch launch = parseLaunch({"mrc", "--manifest", "r.yaml", "matrix", "--json"});
    QCOMPARE(launch.commandArguments, (QStringList{"matrix", "--manifest", "r.yaml", "--json"}));
    const Launch equals = parseLaunch({"mrc", "--manifest=r.yaml", "build", "--branch", "master"});
    QCOMPARE(equals.commandArguments, (QStringList{"build", "--manifest=r.yaml", "--branch", "master"}));
}

void TestLaunch::aFileGivenAloneOpensTheWindow()
{
    // A .desktop launch with %f passes the file alone; an existing file opens in the window whatever its name.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("fleet.manifest"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    const Launch launch = parseLaunch({"mrc", path});
    QCOMPARE(launch.mode, Launch::Mode::Gui);
    QCOMPARE(launch.manifest, path);
    const Launch yaml = parseLaunch({"mrc", "-platform", "xcb", "missing/release.yaml"});
    QCOMPARE(yaml.mode, Launch::Mode::Gui);
    QCOMPARE(yaml.manifest, QStringLiteral("missing/release.yaml"));
}

QTEST_GUILESS_MAIN(TestLaunch)
#include "tst_launch.moc"
