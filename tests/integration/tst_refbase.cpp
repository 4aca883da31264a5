// SPDX-License-Identifier: Apache-2.0
// `mrc build --ref TAG` through the real binary on the demo and the private engine: a tag that monasca-common has
// too builds its base in the ref column, and the child must be built FROM that base (BASE_TAG=ref-TAG), not FROM the
// base of the branch its Dockerfile's BASE_TAG default names. Upstream, build_base_image.sh tags the base
// monasca/base:$MONASCA_COMMON_TAG and a child picks it with BASE_TAG (build_image.sh passes none, so a build for
// another base than the default one passes it).
#include "demo/demoworkspace.h"
#include "engine/engineprobe.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace mrc;

class TestRefBase : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void dryRunPassesTheRefBaseTag();
    void childIsBuiltFromTheRefBase();

private:
    /** Runs the real binary with the test's own XDG folders; stdout, and stderr into *errors. */
    QByteArray mrc(const QStringList &arguments, int *exitCode, QByteArray *errors);
    QString git(const QString &repo, const QStringList &arguments);

    QTemporaryDir m_dir;
    QString m_engineHost;
    QString m_binary;
    QString m_manifest;
};

void TestRefBase::initTestCase()
{
    m_engineHost = qEnvironmentVariable("MRC_TEST_DOCKER_HOST");
    if (m_engineHost.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("MRC_TEST_DOCKER_HOST is not set: scripts/test starts the private engine and sets it");
        QSKIP("no private engine: run through scripts/test");
    }
    m_binary = qEnvironmentVariable("MRC_BINARY");
    QVERIFY2(!m_binary.isEmpty(), "MRC_BINARY is not set");
    qputenv("DOCKER_HOST", m_engineHost.toLocal8Bit());
    const EngineStatus engine = EngineProbe::probe(EngineProbe::localEngine(), 5000);
    QVERIFY2(engine.reachable, qPrintable(engine.error));
    QString error;
    QVERIFY2(DemoWorkspace::create(m_dir.filePath(QStringLiteral("demo")), false, engine.majorMinor(), &error),
             qPrintable(error));
    m_manifest = m_dir.filePath(QStringLiteral("demo/release.yaml"));
}

QByteArray TestRefBase::mrc(const QStringList &arguments, int *exitCode, QByteArray *errors)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath(QStringLiteral("cache")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("DOCKER_HOST"), m_engineHost);
    process.setProcessEnvironment(env);
    process.start(m_binary, arguments);
    if (!process.waitForFinished(300000))
        qWarning("mrc %s did not finish", qPrintable(arguments.join(QLatin1Char(' '))));
    *exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    *errors = process.readAllStandardError();
    return process.readAllStandardOutput();
}

QString TestRefBase::git(const QString &repo, const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral("git"), QStringList{QStringLiteral("--git-dir"),
                                                     m_dir.filePath(QStringLiteral("demo/repos/%1.git").arg(repo))} +
                                             arguments);
    process.waitForFinished(30000);
    return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
}

void TestRefBase::dryRunPassesTheRefBaseTag()
{
    // 10.0.0 is a tag of every demo repository, on master before stable/2023.2 branched off: its Dockerfiles say
    // ARG BASE_TAG=master, and its base is built from monasca-common's 10.0.0 in the same column.
    int code = -1;
    QByteArray errors;
    const QByteArray out = mrc({QStringLiteral("build"), QStringLiteral("--manifest"), m_manifest,
                                QStringLiteral("--ref"), QStringLiteral("10.0.0"), QStringLiteral("--component"),
                                QStringLiteral("api"), QStringLiteral("--dry-run"), QStringLiteral("--json")},
                               &code, &errors);
    QVERIFY2(code == 0, errors.constData());
    const QJsonArray plan = QJsonDocument::fromJson(out).object().value(QStringLiteral("plan")).toArray();
    QCOMPARE(plan.size(), 2);
    const QJsonObject base = plan[0].toObject();
    const QJsonObject api = plan[1].toObject();
    QCOMPARE(base.value(QStringLiteral("component")).toString(), QStringLiteral("base"));
    QCOMPARE(base.value(QStringLiteral("tag")).toString(), QStringLiteral("monasca/base:ref-10.0.0"));
    QVERIFY(!base.value(QStringLiteral("build_args")).toObject().contains(QStringLiteral("BASE_TAG")));
    QCOMPARE(api.value(QStringLiteral("component")).toString(), QStringLiteral("api"));
    QCOMPARE(api.value(QStringLiteral("build_args")).toObject().value(QStringLiteral("BASE_TAG")).toString(),
             QStringLiteral("ref-10.0.0"));
    // The branch columns keep the scripts' arguments: no BASE_TAG.
    const QByteArray branch = mrc({QStringLiteral("build"), QStringLiteral("--manifest"), m_manifest,
                                   QStringLiteral("--branch"), QStringLiteral("master"), QStringLiteral("--component"),
                                   QStringLiteral("api"), QStringLiteral("--dry-run")},
                                  &code, &errors);
    QVERIFY2(code == 0, errors.constData());
    QVERIFY2(branch.contains("--build-arg REPO_VERSION=master"), branch.constData());
    QVERIFY2(!branch.contains("BASE_TAG"), branch.constData());
}

void TestRefBase::childIsBuiltFromTheRefBase()
{
    int code = -1;
    QByteArray errors;
    const QByteArray out =
        mrc({QStringLiteral("build"), QStringLiteral("--manifest"), m_manifest, QStringLiteral("--ref"),
             QStringLiteral("10.0.0"), QStringLiteral("--component"), QStringLiteral("api"), QStringLiteral("--json")},
            &code, &errors);
    QVERIFY2(code == 0, errors.constData());
    const QJsonArray results = QJsonDocument::fromJson(out).object().value(QStringLiteral("results")).toArray();
    QCOMPARE(results.size(), 2);
    QCOMPARE(results[1].toObject().value(QStringLiteral("tag")).toString(), QStringLiteral("monasca/api:ref-10.0.0"));
    QVERIFY(results[1].toObject().value(QStringLiteral("state")).toString() != QLatin1String("failed"));

    // The child's /VERSIONS starts with its base's: the revision must be monasca-common's 10.0.0, not master's.
    const QString common10 =
        git(QStringLiteral("monasca-common"), {QStringLiteral("rev-parse"), QStringLiteral("10.0.0^{commit}")});
    const QString commonMaster =
        git(QStringLiteral("monasca-common"), {QStringLiteral("rev-parse"), QStringLiteral("master")});
    QCOMPARE(common10.size(), 40);
    QVERIFY(common10 != commonMaster);
    QProcess docker;
    docker.start(QStringLiteral("docker"),
                 {QStringLiteral("-H"), m_engineHost, QStringLiteral("run"), QStringLiteral("--rm"),
                  QStringLiteral("--network"), QStringLiteral("none"), QStringLiteral("monasca/api:ref-10.0.0"),
                  QStringLiteral("cat"), QStringLiteral("/VERSIONS")});
    QVERIFY(docker.waitForFinished(60000));
    const QString versions = QString::fromUtf8(docker.readAllStandardOutput());
    QVERIFY2(docker.exitCode() == 0, docker.readAllStandardError().constData());
    QVERIFY2(versions.contains(QStringLiteral("Monasca base revision:   %1\n").arg(common10)), qPrintable(versions));
}

QTEST_GUILESS_MAIN(TestRefBase)
#include "tst_refbase.moc"
