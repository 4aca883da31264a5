// SPDX-License-Identifier: Apache-2.0
// LabelRef::parse: the four kinds of label source, and clear errors for bad ones. Also BuildPlan::expectedLabels and
// LabelSource::checks, which need no engine.
#include "jobs/buildplan.h"
#include "publish/labelsource.h"

#include <QtTest>

using namespace mrc;

class TestLabelRef : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesEachKind_data();
    void parsesEachKind();
    void rejectsBadRefs_data();
    void rejectsBadRefs();
    void expectedLabelsLeaveCreatedOut();
    void checksJudgeTheImageSide();
};

void TestLabelRef::parsesEachKind_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QStringList>("parts"); // kind-specific fields

    QTest::newRow("engine tag") << "engine:monasca/api:master" << int(LabelRef::Kind::Engine)
                                << QStringList{"monasca/api:master"};
    QTest::newRow("engine id") << "engine:sha256:0123abcd" << int(LabelRef::Kind::Engine)
                               << QStringList{"sha256:0123abcd"};
    QTest::newRow("registry tag") << "registry:127.0.0.1:5000/monasca/api:master" << int(LabelRef::Kind::Registry)
                                  << QStringList{"127.0.0.1:5000", "monasca/api", "master"};
    QTest::newRow("registry digest") << "registry:registry.example.org/monasca/api@sha256:" +
                                            QString(64, QLatin1Char('a'))
                                     << int(LabelRef::Kind::Registry)
                                     << QStringList{"registry.example.org", "monasca/api",
                                                    "sha256:" + QString(64, QLatin1Char('a'))};
    QTest::newRow("registry localhost") << "registry:localhost/api:2023.2" << int(LabelRef::Kind::Registry)
                                        << QStringList{"localhost", "api", "2023.2"};
    QTest::newRow("cell") << "cell:api@stable/2023.2" << int(LabelRef::Kind::Cell)
                          << QStringList{"api", "stable/2023.2", ""};
    QTest::newRow("cell docker") << "cell:api@master@28.2" << int(LabelRef::Kind::Cell)
                                 << QStringList{"api", "master", "28.2"};
    QTest::newRow("history") << "history:42" << int(LabelRef::Kind::History) << QStringList{"42"};
}

void TestLabelRef::parsesEachKind()
{
    QFETCH(QString, text);
    QFETCH(int, kind);
    QFETCH(QStringList, parts);
    QString error;
    const std::optional<LabelRef> ref = LabelRef::parse(text, &error);
    QVERIFY2(ref, qPrintable(error));
    QCOMPARE(int(ref->kind), kind);
    switch (ref->kind) {
    case LabelRef::Kind::Engine:
        QCOMPARE(ref->image, parts.at(0));
        break;
    case LabelRef::Kind::Registry:
        QCOMPARE(ref->registry, parts.at(0));
        QCOMPARE(ref->repository, parts.at(1));
        QCOMPARE(ref->reference, parts.at(2));
        break;
    case LabelRef::Kind::Cell:
        QCOMPARE(ref->component, parts.at(0));
        QCOMPARE(ref->branch, parts.at(1));
        QCOMPARE(ref->docker, parts.at(2));
        break;
    case LabelRef::Kind::History:
        QCOMPARE(ref->historyId, parts.at(0).toLongLong());
        break;
    }
    // It prints back as it was written, so the GUI's pickers and the CLI agree.
    QCOMPARE(ref->toString(), text);
}

void TestLabelRef::rejectsBadRefs_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("says");
    QTest::newRow("no kind") << "monasca/api"
                             << "no kind";
    QTest::newRow("bare image") << "monasca/api:master"
                                << "unknown kind 'monasca/api'";
    QTest::newRow("unknown kind") << "docker:monasca/api"
                                  << "unknown kind 'docker'";
    QTest::newRow("empty") << "engine:"
                           << "nothing after 'engine:'";
    QTest::newRow("space") << "engine:monasca/api master"
                           << "white space";
    QTest::newRow("registry without host") << "registry:monasca/api:master"
                                           << "registry host is missing";
    QTest::newRow("registry without tag") << "registry:127.0.0.1:5000/monasca/api"
                                          << "no tag or digest";
    QTest::newRow("registry short digest") << "registry:127.0.0.1:5000/monasca/api@sha256:abc"
                                           << "64 hex digits";
    QTest::newRow("registry bad tag") << "registry:127.0.0.1:5000/monasca/api:-x"
                                      << "not a valid tag";
    QTest::newRow("registry bad repo") << "registry:127.0.0.1:5000/Monasca/API:master"
                                       << "not a valid repository";
    QTest::newRow("cell without branch") << "cell:api"
                                         << "cell:COMPONENT@BRANCH";
    QTest::newRow("cell empty docker") << "cell:api@master@"
                                       << "Docker version";
    QTest::newRow("history word") << "history:last"
                                  << "positive number";
    QTest::newRow("history zero") << "history:0"
                                  << "positive number";
}

void TestLabelRef::rejectsBadRefs()
{
    QFETCH(QString, text);
    QFETCH(QString, says);
    QString error;
    QVERIFY(!LabelRef::parse(text, &error));
    QVERIFY2(error.contains(says), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("engine:IMAGE")), "the error lists the valid forms");
    QVERIFY2(error.contains(text), "the error quotes the input");
}

void TestLabelRef::expectedLabelsLeaveCreatedOut()
{
    ComponentSpec api;
    api.name = QStringLiteral("api");
    api.image = QStringLiteral("monasca/api");
    api.repo = QStringLiteral("/repos/api");
    api.base = QStringLiteral("base");
    Cell cell;
    cell.component = QStringLiteral("api");
    cell.branch = QStringLiteral("stable/2023.2");
    cell.commit = QString(40, QLatin1Char('1'));
    const QString baseCommit(40, QLatin1Char('2'));

    const QMap<QString, QString> expected = BuildPlan::expectedLabels(api, cell, baseCommit);
    QVERIFY(!expected.contains(QLatin1String(ImageLabels::created)));
    QCOMPARE(expected.value(QLatin1String(ImageLabels::revision)), cell.commit);
    QCOMPARE(expected.value(QLatin1String(ImageLabels::baseRevision)), baseCommit);
    QCOMPARE(expected.value(QLatin1String(ImageLabels::version)), cell.branch);
    QCOMPARE(expected.value(QLatin1String(ImageLabels::title)), api.image);

    // The build's labels are the same plus the time: one source of truth.
    const QMap<QString, QString> built =
        BuildPlan::expectedLabels(api, cell, baseCommit, QStringLiteral("2026-01-01T00:00:00Z"));
    QCOMPARE(built.size(), expected.size() + 1);
    QCOMPARE(built.value(QLatin1String(ImageLabels::created)), QStringLiteral("2026-01-01T00:00:00Z"));

    api.base.clear();
    QVERIFY(!BuildPlan::expectedLabels(api, cell, {}).contains(QLatin1String(ImageLabels::baseRevision)));
}

void TestLabelRef::checksJudgeTheImageSide()
{
    LabelRead cell;
    cell.commit = QString(40, QLatin1Char('1'));
    cell.baseCommit = QString(40, QLatin1Char('2'));
    cell.labels = {{QLatin1String(ImageLabels::revision), cell.commit}};
    LabelRead image;
    image.labels = {{QLatin1String(ImageLabels::revision), QString(40, QLatin1Char('3'))},
                    {QLatin1String(ImageLabels::baseRevision), cell.baseCommit},
                    {QLatin1String(ImageLabels::version), QStringLiteral("master")}};

    // Either order: the image side is judged by the cell side.
    for (const bool cellLeft : {true, false}) {
        const QList<LabelCheck> checks = cellLeft ? LabelSource::checks(cell, image) : LabelSource::checks(image, cell);
        QCOMPARE(checks.size(), 2);
        QCOMPARE(checks.at(0).name, QStringLiteral("revision"));
        QVERIFY(!checks.at(0).ok);
        QVERIFY2(checks.at(0).message.contains(QLatin1String("3333333; expected 1111111")),
                 qPrintable(checks.at(0).message));
        QCOMPARE(checks.at(1).name, QStringLiteral("base revision"));
        QVERIFY(checks.at(1).ok);
    }

    // A registry image under a release tag must carry it as its version.
    image.releaseTag = QStringLiteral("2.0.0");
    const QList<LabelCheck> withVersion = LabelSource::checks(cell, image);
    QCOMPARE(withVersion.size(), 3);
    QCOMPARE(withVersion.at(1).name, QStringLiteral("version"));
    QVERIFY(!withVersion.at(1).ok);

    // Two images: nobody knows the commit, no checks.
    LabelRead other;
    QVERIFY(LabelSource::checks(other, LabelRead{}).isEmpty());
}

QTEST_GUILESS_MAIN(TestLabelRef)
#include "tst_labelref.moc"
