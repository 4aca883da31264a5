// SPDX-License-Identifier: Apache-2.0
// `mrc labels` end to end: a demo base image built on the test engine and pushed to the test registry (under a
// namespace of its own), then its labels read from the engine, the registry, the cell and the history, compared,
// and the exit codes for a bad REF (2), an unreachable registry (3) and a refused anonymous read (4).
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestLabelsCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void engineAgainstRegistry();
    void expectedAgainstEngine();
    void historyJob();
    void exitCodes();

private:
    int mrc(const QStringList &arguments, QByteArray *out = nullptr, QByteArray *err = nullptr,
            const QProcessEnvironment &extra = {});

    QTemporaryDir m_dir;
    QString m_registry;
    QString m_namespace;
    QString m_demo;
};

int TestLabelsCli::mrc(const QStringList &arguments, QByteArray *out, QByteArray *err, const QProcessEnvironment &extra)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("MRC_TEST_REGISTRY_PASSWORD"));
    for (const QString &key : extra.keys())
        env.insert(key, extra.value(key));
    process.setProcessEnvironment(env);
    process.setWorkingDirectory(m_demo.isEmpty() ? m_dir.path() : m_demo);
    process.start(qEnvironmentVariable("MRC_BINARY"), arguments);
    if (!process.waitForStarted(10000) || !process.waitForFinished(240000))
        return -1;
    const QByteArray stdoutBytes = process.readAllStandardOutput();
    const QByteArray stderrBytes = process.readAllStandardError();
    if (out)
        *out = stdoutBytes;
    if (err)
        *err = stderrBytes;
    return process.exitCode();
}

void TestLabelsCli::initTestCase()
{
    const QString engine = qEnvironmentVariable("MRC_TEST_DOCKER_HOST");
    const QByteArray password = qgetenv("MRC_TEST_REGISTRY_PASSWORD");
    m_registry = qEnvironmentVariable("MRC_TEST_REGISTRY");
    if (engine.isEmpty() || password.isEmpty() || m_registry.isEmpty() ||
        qEnvironmentVariableIsEmpty("MRC_TEST_DBUS_ADDRESS")) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("MRC_TEST_DOCKER_HOST, MRC_TEST_DBUS_ADDRESS or MRC_TEST_REGISTRY* is not set: run through "
                  "scripts/test");
        QSKIP("no engine, keyring or registry: run through scripts/test");
    }
    QVERIFY(m_dir.isValid());
    for (const char *name : {"XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"})
        qputenv(name, m_dir.filePath(QString::fromLatin1(name)).toLocal8Bit());
    qputenv("DOCKER_HOST", engine.toLocal8Bit());
    qputenv("DBUS_SESSION_BUS_ADDRESS", qgetenv("MRC_TEST_DBUS_ADDRESS"));

    QCOMPARE(mrc({QStringLiteral("demo"), QStringLiteral("init"), m_dir.filePath(QStringLiteral("demo"))}), 0);
    m_demo = m_dir.filePath(QStringLiteral("demo"));
    m_namespace = QStringLiteral("labelscli%1").arg(QCoreApplication::applicationPid());
    QFile manifest(m_demo + QStringLiteral("/release.yaml"));
    QVERIFY(manifest.open(QIODevice::ReadOnly));
    QByteArray yaml = manifest.readAll();
    manifest.close();
    QVERIFY(yaml.contains("  host: 127.0.0.1:5000\n  namespace: monasca\n"));
    yaml.replace("  host: 127.0.0.1:5000\n  namespace: monasca\n",
                 "  host: " + m_registry.toUtf8() + "\n  namespace: " + m_namespace.toUtf8() + "\n");
    QVERIFY(manifest.open(QIODevice::WriteOnly | QIODevice::Truncate));
    manifest.write(yaml);
    manifest.close();

    QCOMPARE(mrc({QStringLiteral("build"), QStringLiteral("--branch"), QStringLiteral("master"),
                  QStringLiteral("--component"), QStringLiteral("base")}),
             0);
    // mrc login reads the password from stdin only.
    QProcess login;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("MRC_TEST_REGISTRY_PASSWORD"));
    login.setProcessEnvironment(env);
    login.start(qEnvironmentVariable("MRC_BINARY"),
                {QStringLiteral("login"), m_registry, QStringLiteral("--username"),
                 qEnvironmentVariable("MRC_TEST_REGISTRY_USER", QStringLiteral("mrc")),
                 QStringLiteral("--password-stdin")});
    QVERIFY(login.waitForStarted());
    login.write(password);
    login.closeWriteChannel();
    QVERIFY(login.waitForFinished(60000));
    QCOMPARE(login.exitCode(), 0);
    QCOMPARE(mrc({QStringLiteral("push"), QStringLiteral("--branch"), QStringLiteral("master"),
                  QStringLiteral("--component"), QStringLiteral("base")}),
             0);
}

void TestLabelsCli::engineAgainstRegistry()
{
    QByteArray out, err;
    const QString registryRef = QStringLiteral("registry:%1/%2/base:master").arg(m_registry, m_namespace);
    QCOMPARE(mrc({QStringLiteral("labels"), QStringLiteral("engine:monasca/base:master"), registryRef,
                  QStringLiteral("--json")},
                 &out, &err),
             0);
    const QJsonObject json = QJsonDocument::fromJson(out).object();
    QCOMPARE(json.value(QLatin1String("differences")).toInt(), 0);
    const QJsonArray diff = json.value(QLatin1String("diff")).toArray();
    QVERIFY(diff.size() >= 6);
    for (const QJsonValue &row : diff)
        QCOMPARE(row.toObject().value(QLatin1String("change")).toString(), QStringLiteral("same"));
    QCOMPARE(json.value(QLatin1String("right")).toObject().value(QLatin1String("ref")).toString(), registryRef);
    QVERIFY(json.value(QLatin1String("right"))
                .toObject()
                .value(QLatin1String("id"))
                .toString()
                .startsWith(QLatin1String("sha256:")));

    // Against another tag of the same repository by digest: the same image, so the same labels.
    const QString digest = json.value(QLatin1String("right")).toObject().value(QLatin1String("id")).toString();
    QCOMPARE(mrc({QStringLiteral("labels"), registryRef,
                  QStringLiteral("registry:%1/%2/base@%3").arg(m_registry, m_namespace, digest)},
                 &out, &err),
             0);
    QVERIFY2(out.contains("0 of "), out.constData());
}

void TestLabelsCli::expectedAgainstEngine()
{
    QByteArray out, err;
    // The build adds its time (and the Dockerfile its own labels): they differ, so the exit code is 1.
    QCOMPARE(mrc({QStringLiteral("labels"), QStringLiteral("cell:base@master"),
                  QStringLiteral("engine:monasca/base:master"), QStringLiteral("--json")},
                 &out, &err),
             1);
    const QJsonObject json = QJsonDocument::fromJson(out).object();
    QHash<QString, QString> changes;
    for (const QJsonValue &row : json.value(QLatin1String("diff")).toArray())
        changes.insert(row.toObject().value(QLatin1String("key")).toString(),
                       row.toObject().value(QLatin1String("change")).toString());
    QCOMPARE(changes.value(QStringLiteral("org.opencontainers.image.created")), QStringLiteral("added"));
    // Every other label the image carries was expected, with its value (the Dockerfiles' and mrc's own).
    for (auto it = changes.cbegin(); it != changes.cend(); ++it) {
        if (it.key() != QLatin1String("org.opencontainers.image.created"))
            QVERIFY2(it.value() == QLatin1String("same"), qPrintable(it.key() + QLatin1Char(' ') + it.value()));
    }
    QCOMPARE(changes.value(QStringLiteral("org.opencontainers.image.revision")), QStringLiteral("same"));
    QCOMPARE(changes.value(QStringLiteral("org.opencontainers.image.version")), QStringLiteral("same"));
    const QJsonArray checks = json.value(QLatin1String("checks")).toArray();
    QCOMPARE(checks.size(), 1); // base has no base image
    QCOMPARE(checks.at(0).toObject().value(QLatin1String("name")).toString(), QStringLiteral("revision"));
    QVERIFY(checks.at(0).toObject().value(QLatin1String("ok")).toBool());

    // The text form says the same.
    QCOMPARE(mrc({QStringLiteral("labels"), QStringLiteral("cell:base@master"),
                  QStringLiteral("engine:monasca/base:master")},
                 &out, &err),
             1);
    QVERIFY2(out.contains("+ added    org.opencontainers.image.created"), out.constData());
    QVERIFY2(out.contains("ok    revision: "), out.constData());
}

void TestLabelsCli::historyJob()
{
    QByteArray out, err;
    QCOMPARE(mrc({QStringLiteral("labels"), QStringLiteral("history:1"), QStringLiteral("--json")}, &out, &err), 0);
    const QJsonObject json = QJsonDocument::fromJson(out).object();
    QVERIFY2(json.value(QLatin1String("description")).toString().contains(QLatin1String("on the engine")),
             out.constData());
    QCOMPARE(json.value(QLatin1String("labels"))
                 .toObject()
                 .value(QLatin1String("org.opencontainers.image.title"))
                 .toString(),
             QStringLiteral("monasca/base"));
    QCOMPARE(mrc({QStringLiteral("labels"), QStringLiteral("history:999")}, &out, &err), 1);
    QVERIFY2(err.contains("no job 999"), err.constData());
}

void TestLabelsCli::exitCodes()
{
    QByteArray out, err;
    QCOMPARE(mrc({QStringLiteral("labels"), QStringLiteral("monasca/base:master")}, &out, &err), 2);
    QVERIFY2(err.contains("engine:IMAGE"), err.constData());
    QCOMPARE(mrc({QStringLiteral("labels"), QStringLiteral("registry:monasca/base:master")}, &out, &err), 2);
    QCOMPARE(mrc({QStringLiteral("labels"), QStringLiteral("cell:nope@master")}, &out, &err), 2);
    QVERIFY2(err.contains("no component 'nope'"), err.constData());
    QCOMPARE(mrc({QStringLiteral("labels")}, &out, &err), 2);
    // Nothing listens on port 1.
    QCOMPARE(mrc({QStringLiteral("labels"), QStringLiteral("registry:127.0.0.1:1/monasca/base:master")}, &out, &err),
             3);
    QVERIFY2(err.contains("127.0.0.1:1"), err.constData());
    // No keychain answers: the read is anonymous, and the registry wants a login.
    QProcessEnvironment noKeychain;
    noKeychain.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=/nonexistent/bus"));
    QCOMPARE(mrc({QStringLiteral("labels"), QStringLiteral("registry:%1/%2/base:master").arg(m_registry, m_namespace)},
                 &out, &err, noKeychain),
             4);
    QVERIFY2(err.contains("401"), err.constData());
}

QTEST_GUILESS_MAIN(TestLabelsCli)
#include "tst_labelscli.moc"
