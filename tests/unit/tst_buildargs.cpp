// SPDX-License-Identifier: Apache-2.0
// BuildScript and BuildArgs without the corpus: the shell semantics they copy (tst_buildparity runs the real
// scripts against them).
#include "dockerfile/buildscript.h"
#include "jobs/buildargs.h"

#include <QTest>

using namespace mrc;

class TestBuildArgs : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void grepCut();
    void requirementsBranch_data();
    void requirementsBranch();
    void commonPin();
    void stableBranchReadsItsConstraints();
    void unreadableScript();
};

void TestBuildArgs::grepCut()
{
    const QByteArray dockerfile = "ARG APP_REPO=https://review.opendev.org/openstack/monasca-api\n"
                                  "ARG REPO_VERSION=master\n"
                                  "LABEL source=\"$APP_REPO\"\n"
                                  "# APP_REPO is where the code comes from\n";
    // Every line containing the text; cut prints field 2, or a line without '=' whole.
    QCOMPARE(BuildScript::grepCut(dockerfile, QStringLiteral("APP_REPO")),
             QStringLiteral("https://review.opendev.org/openstack/monasca-api\n\"$APP_REPO\"\n# APP_REPO is where the "
                            "code comes from"));
    QCOMPARE(BuildScript::grepCut(dockerfile, QStringLiteral("ARG APP_REPO=")),
             QStringLiteral("https://review.opendev.org/openstack/monasca-api"));
    QCOMPARE(BuildScript::grepCut(dockerfile, QStringLiteral("COMMON_VERSION")), QString());
    QCOMPARE(BuildScript::grepCut("ARG X=a=b\n", QStringLiteral("X")), QStringLiteral("a"));
}

void TestBuildArgs::requirementsBranch_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("branch");
    QTest::addRow("opendev")
        << "https://opendev.org/openstack/requirements/raw/branch/stable/2023.2/upper-constraints.txt"
        << "stable/2023.2";
    QTest::addRow("opendev master")
        << "https://opendev.org/openstack/requirements/raw/branch/master/upper-constraints.txt"
        << "master";
    QTest::addRow("cgit")
        << "http://git.openstack.org/cgit/openstack/requirements/plain/upper-constraints.txt?h=stable/stein"
        << "stable/stein";
    QTest::addRow("cgit master") << "http://git.openstack.org/cgit/openstack/requirements/plain/upper-constraints.txt"
                                 << "master";
    QTest::addRow("releases") << "https://releases.openstack.org/constraints/upper/yoga"
                              << "stable/yoga";
    QTest::addRow("releases ignores ?h") << "https://releases.openstack.org/constraints/upper/master?h=stable/train"
                                         << "master";
    QTest::addRow("unknown") << "https://example.org/constraints.txt"
                             << "";
}

void TestBuildArgs::requirementsBranch()
{
    QFETCH(QString, url);
    QFETCH(QString, branch);
    QCOMPARE(BuildScript::requirementsBranch(url), branch);
}

void TestBuildArgs::commonPin()
{
    QString version;
    QVERIFY(BuildScript::commonPin("kafka-python===2.0.2\nmonasca-common===3.1.0\n", &version));
    QCOMPARE(version, QStringLiteral("3.1.0"));
    QVERIFY(!BuildScript::commonPin("kafka-python===2.0.2\n", &version));
}

void TestBuildArgs::stableBranchReadsItsConstraints()
{
    const QByteArray script = R"sh(
[ -z "$APP_REPO" ] && APP_REPO=$(\grep "ARG APP_REPO=" Dockerfile | cut -f2 -d"=")
GITHUB_REPO=$(echo "$APP_REPO" | sed 's/opendev.org/github.com/' | \
              sed 's/ssh:/https:/')
    CONSTRAINTS_FILE=$(\grep "ARG CONSTRAINTS_FILE=" Dockerfile | cut -f2 -d"=") || true
    : "${CONSTRAINTS_FILE:=https://opendev.org/openstack/requirements/raw/branch/master/upper-constraints.txt}"
        CONSTRAINTS_FILE=${CONSTRAINTS_FILE/master/$CONSTRAINTS_BRANCH_CLEAN}
    : "${COMMON_REPO:=https://opendev.org/openstack/monasca-common}"
docker build --no-cache \
    --build-arg APP_REPO="$APP_REPO" \
    --build-arg GITHUB_REPO="$GITHUB_REPO" \
    --build-arg CONSTRAINTS_FILE="$CONSTRAINTS_FILE" \
    --build-arg COMMON_VERSION="$COMMON_VERSION" \
    --build-arg COMMON_GIT_COMMIT="$COMMON_GIT_COMMIT" \
    --tag "$DOCKER_IMAGE":"$REPO_VERSION_CLEAN" .
)sh";
    BuildScript parsed;
    QString error;
    QVERIFY2(
        BuildScript::parse(script, BuildScript::Kind::Image, QStringLiteral("docker/build_image.sh"), &parsed, &error),
        qPrintable(error));
    QCOMPARE(parsed.buildArgs.size(), 5);
    QCOMPARE(parsed.grepPattern(QStringLiteral("APP_REPO")), QStringLiteral("ARG APP_REPO="));
    const QByteArray dockerfile = "ARG APP_REPO=https://review.opendev.org/openstack/monasca-thresh\n"
                                  "ARG COMMON_VERSION=master\n";
    QStringList urls;
    QStringList refs;
    const auto constraints = [&](const QString &url, QString *) -> std::optional<QByteArray> {
        urls << url;
        return QByteArray("monasca-common===4.2.0\n");
    };
    const auto common = [&](const QString &ref, QString *) -> std::optional<QString> {
        refs << ref;
        return QStringLiteral("c0ffee");
    };
    const auto args =
        BuildArgs::compute(parsed, dockerfile, {QStringLiteral("stable/2024.1"), {}, QStringLiteral("abc"), {}},
                           constraints, common, &error);
    QVERIFY2(args, qPrintable(error));
    QCOMPARE(args->value(QStringLiteral("GITHUB_REPO")),
             QStringLiteral("https://review.github.com/openstack/monasca-thresh"));
    QCOMPARE(
        args->value(QStringLiteral("CONSTRAINTS_FILE")),
        QStringLiteral("https://opendev.org/openstack/requirements/raw/branch/stable/2024.1/upper-constraints.txt"));
    QCOMPARE(urls, QStringList{args->value(QStringLiteral("CONSTRAINTS_FILE"))});
    QCOMPARE(args->value(QStringLiteral("COMMON_VERSION")), QStringLiteral("4.2.0"));
    QCOMPARE(refs, QStringList{QStringLiteral("4.2.0")});
    QCOMPARE(args->value(QStringLiteral("COMMON_GIT_COMMIT")), QStringLiteral("c0ffee"));

    // Not a stable branch (unmaintained/ does not match *stable*): no constraints read, the Dockerfile's version.
    urls.clear();
    const auto master =
        BuildArgs::compute(parsed, dockerfile, {QStringLiteral("unmaintained/2023.1"), {}, QStringLiteral("abc"), {}},
                           constraints, common, &error);
    QVERIFY(master);
    QVERIFY(urls.isEmpty());
    QCOMPARE(master->value(QStringLiteral("COMMON_VERSION")), QStringLiteral("master"));

    // A constraints file without the pin stops the image, as the script's grep does.
    const auto unpinned = [](const QString &, QString *) -> std::optional<QByteArray> {
        return QByteArray("six===1.16.0\n");
    };
    QVERIFY(!BuildArgs::compute(parsed, dockerfile, {QStringLiteral("stable/2024.1"), {}, QStringLiteral("abc"), {}},
                                unpinned, common, &error));
    QVERIFY2(error.contains(QLatin1String("pins no monasca-common")), qPrintable(error));
}

void TestBuildArgs::unreadableScript()
{
    BuildScript parsed;
    QString error;
    QVERIFY(!BuildScript::parse("#!/bin/sh\ndocker build .\n", BuildScript::Kind::Image,
                                QStringLiteral("docker/build_image.sh"), &parsed, &error));
    QVERIFY2(error.startsWith(QLatin1String("docker/build_image.sh: ")), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestBuildArgs)
#include "tst_buildargs.moc"
