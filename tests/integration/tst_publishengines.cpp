// SPDX-License-Identifier: Apache-2.0
// One image per component and branch across engines: with engines of several Docker versions serving master
// (MRC_TEST_ENGINES, one VERSION=HOST per engine), `mrc push` plans and writes each tag exactly once, and the
// digest the registry names is that of the image built with the newest version.
#include "engine/enginecall.h"
#include "engine/engineclient.h"
#include "registry/registryclient.h"
#include "secrets/credentialstore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace mrc;

class TestPublishEngines : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_bin;
    QString m_registry;
    QByteArray m_password;
    QList<QPair<QString, QString>> m_engines; // version -> host, newest first

    QString workspace() const { return m_dir.filePath(QStringLiteral("demo")); }

    struct Run
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };

    Run mrc(const QStringList &arguments, const QByteArray &input = {})
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath(QStringLiteral("cache")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), qEnvironmentVariable("MRC_TEST_DBUS_ADDRESS"));
        process.setProcessEnvironment(env);
        process.setWorkingDirectory(QDir(workspace()).exists() ? workspace() : m_dir.path());
        process.start(m_bin, arguments);
        process.write(input);
        process.closeWriteChannel();
        if (!process.waitForFinished(600000))
            process.kill();
        Run run;
        run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        run.out = process.readAllStandardOutput();
        run.err = process.readAllStandardError();
        return run;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_registry = qEnvironmentVariable("MRC_TEST_REGISTRY");
        for (const QString &entry :
             qEnvironmentVariable("MRC_TEST_ENGINES").split(QLatin1Char(' '), Qt::SkipEmptyParts))
            m_engines.prepend({entry.section(QLatin1Char('='), 0, 0), entry.section(QLatin1Char('='), 1)});
        if (m_engines.size() < 2 || m_registry.isEmpty() || qEnvironmentVariableIsEmpty("MRC_TEST_DBUS_ADDRESS")) {
            if (qEnvironmentVariableIsSet("CI"))
                QFAIL("MRC_TEST_ENGINES lists fewer than two engines, or the services are not running");
            QSKIP("needs MRC_TEST_ENGINES with two or more Docker versions and the services (scripts/services)");
        }
        m_bin = qEnvironmentVariable("MRC_BINARY");
        m_password = qgetenv("MRC_TEST_REGISTRY_PASSWORD");
        qputenv("DBUS_SESSION_BUS_ADDRESS", qgetenv("MRC_TEST_DBUS_ADDRESS"));
        QVERIFY(m_dir.isValid());

        const Run init = mrc({"demo", "init", workspace()});
        QVERIFY2(init.exitCode == 0, init.err.constData());
        QFile file(workspace() + QStringLiteral("/release.yaml"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QString text = QString::fromUtf8(file.readAll());
        file.close();
        // One engine per version, master on all of them; this run's own namespace.
        QString engines = QStringLiteral("engines:\n");
        QStringList versions;
        for (const auto &[version, host] : std::as_const(m_engines)) {
            engines += QStringLiteral("  - name: docker-%1\n    host: \"%2\"\n").arg(version, host);
            versions << QLatin1Char('"') + version + QLatin1Char('"');
        }
        text.replace(QRegularExpression(QStringLiteral("engines:\\n(  .*\\n|    .*\\n)+")), engines);
        text.replace(QRegularExpression(QStringLiteral("(- name: master\\n    docker: )\\[[^\\]]*\\]")),
                     QStringLiteral("\\1[%1]").arg(versions.join(QStringLiteral(", "))));
        text.replace(QRegularExpression(QStringLiteral("\\n  host: 127\\.0\\.0\\.1:5000\\n")),
                     QStringLiteral("\n  host: %1\n").arg(m_registry));
        text.replace(QRegularExpression(QStringLiteral("\\n  namespace: monasca\\n")),
                     QStringLiteral("\n  namespace: mrc-engines-%1\n").arg(QCoreApplication::applicationPid()));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(text.toUtf8());
        file.close();

        const Run login =
            mrc({"login", m_registry, "--username", qEnvironmentVariable("MRC_TEST_REGISTRY_USER"), "--password-stdin"},
                m_password + '\n');
        QVERIFY2(login.exitCode == 0, login.err.constData());
        const Run build = mrc({"build", "--branch", "master", "--component", "base", "--json"});
        QVERIFY2(build.exitCode == 0, build.err.right(3000).constData());
        QCOMPARE(QJsonDocument::fromJson(build.out).object().value("results").toArray().size(), int(m_engines.size()));
    }

    void cleanupTestCase()
    {
        if (!m_registry.isEmpty())
            CredentialStore::removeNow(m_registry);
    }

    void eachTagOnceWithTheNewestImage()
    {
        // The image of each engine: they differ, so the digest tells which one went up.
        QStringList ids;
        for (const auto &[version, host] : std::as_const(m_engines)) {
            EngineClient engine(EngineSpec{version, host, {}, {}});
            std::unique_ptr<EngineCall> inspect(engine.inspectImage(QStringLiteral("monasca/base:master")));
            QVERIFY(inspect->waitForFinished(30000));
            QVERIFY2(inspect->ok(), qPrintable(version + QStringLiteral(": ") + inspect->errorString()));
            ids << inspect->json().object().value(QLatin1String("Id")).toString();
        }
        QCOMPARE(QSet<QString>(ids.cbegin(), ids.cend()).size(), ids.size());

        const Run plan = mrc({"tags", "--branch", "master", "--component", "base", "--json"});
        QVERIFY2(plan.exitCode == 0, plan.err.right(2000).constData());
        QStringList planned;
        for (const QJsonValue &v : QJsonDocument::fromJson(plan.out).object().value("plan").toArray())
            planned << v.toObject().value("tag").toString();
        QCOMPARE(planned.size(), 2); // sha-<7> and master, once each
        QCOMPARE(QSet<QString>(planned.cbegin(), planned.cend()).size(), planned.size());

        const Run push = mrc({"push", "--branch", "master", "--component", "base", "--json"});
        QVERIFY2(push.exitCode == 0, push.err.right(3000).constData());
        const QJsonArray rows = QJsonDocument::fromJson(push.out).object().value("results").toArray();
        QStringList written;
        QString repository;
        for (const QJsonValue &v : rows) {
            const QJsonObject row = v.toObject();
            written << row.value("tag").toString();
            repository = row.value("repository").toString();
            QVERIFY(row.value("ok").toBool());
            QCOMPARE(row.value("docker").toString(), m_engines.first().first);
            QCOMPARE(row.value("image_id").toString(), ids.first());
        }
        QCOMPARE(written.size(), 2);
        QCOMPARE(QSet<QString>(written.cbegin(), written.cend()).size(), 2);

        // Read back: the registry's image is the newest engine's.
        RegistryClient registry(m_registry,
                                {qEnvironmentVariable("MRC_TEST_REGISTRY_USER"), QString::fromUtf8(m_password)});
        for (const QString &tag : std::as_const(written)) {
            std::unique_ptr<RegistryReply> config(registry.config(repository, tag));
            QVERIFY(config->waitForFinished(30000));
            QVERIFY2(config->ok(), qPrintable(config->errorString()));
            QCOMPARE(config->manifest().config.digest, ids.first());
        }

        // The audit trail has each tag once too.
        const Run audit = mrc({"audit", "--format", "json"});
        QStringList audited;
        for (const QJsonValue &v : QJsonDocument::fromJson(audit.out).object().value("pushes").toArray()) {
            if (v.toObject().value("repository").toString() == repository)
                audited << v.toObject().value("tag").toString();
        }
        audited.sort();
        written.sort();
        QCOMPARE(audited, written);
    }
};

QTEST_GUILESS_MAIN(TestPublishEngines)
#include "tst_publishengines.moc"
