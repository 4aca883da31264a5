// SPDX-License-Identifier: Apache-2.0
#include "common/tarwriter.h"
#include "engine/buildstreamparser.h"
#include "engine/enginecall.h"
#include "engine/engineclient.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QLocalServer>
#include <QLocalSocket>
#include <QProcess>
#include <QTemporaryDir>
#include <QUrlQuery>
#include <QtTest>
#include <memory>

using namespace mrc;
using mrc::test::TarWriter;

namespace {

struct BuildRun
{
    std::unique_ptr<EngineCall, void (*)(EngineCall *)> call{nullptr, [](EngineCall *c) { c->deleteLater(); }};
    QList<BuildMessage> messages;
    QString truncation;

    QString streamText() const
    {
        QString text;
        for (const BuildMessage &m : messages) {
            if (m.kind == BuildMessage::Stream)
                text += m.text;
        }
        return text;
    }
    QList<BuildMessage> errors() const
    {
        QList<BuildMessage> out;
        for (const BuildMessage &m : messages) {
            if (m.kind == BuildMessage::Error)
                out << m;
        }
        return out;
    }
    QString imageId() const
    {
        for (const BuildMessage &m : messages) {
            if (m.kind == BuildMessage::Aux && m.aux.contains(QLatin1String("ID")))
                return m.aux.value(QLatin1String("ID")).toString();
        }
        return {};
    }
};

QByteArray busybox()
{
    QFile file(QStringLiteral("/bin/busybox"));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestEngineClient : public QObject
{
    Q_OBJECT

    QString m_host;
    std::unique_ptr<EngineClient> m_client;
    QString m_token = QString::number(QCoreApplication::applicationPid());
    QString m_baseTag;
    QStringList m_images; // removed at the end

    /** Starts a build whose messages go into @p run; the caller waits. */
    void startBuild(BuildRun &run, QIODevice *context, QUrlQuery query)
    {
        query.addQueryItem(QStringLiteral("networkmode"), QStringLiteral("none")); // the test engine has no bridge
        query.addQueryItem(QStringLiteral("rm"), QStringLiteral("1"));
        query.addQueryItem(QStringLiteral("forcerm"), QStringLiteral("1"));
        run.call.reset(m_client->build(query, context));
        auto parser = std::make_shared<BuildStreamParser>();
        BuildRun *target = &run;
        connect(run.call.get(), &EngineCall::bodyData, this,
                [parser, target](const QByteArray &chunk) { parser->feed(chunk, target->messages); });
        connect(run.call.get(), &EngineCall::finished, this,
                [parser, target] { target->messages += parser->finish(&target->truncation); });
    }

    bool runBuild(BuildRun &run, const QByteArray &tar, const QUrlQuery &query)
    {
        QBuffer context;
        context.setData(tar);
        context.open(QIODevice::ReadOnly);
        startBuild(run, &context, query);
        return run.call->waitForFinished(120000);
    }

    /** The containers carrying our label; State "running" among them means a build still runs. */
    QStringList containerStates(const QString &label)
    {
        std::unique_ptr<EngineCall> call(
            m_client->listContainers(QJsonObject{{QStringLiteral("label"), QJsonArray{label}}}, true));
        if (!call->waitForFinished(10000) || !call->ok())
            return {QStringLiteral("error: ") + call->errorString()};
        QStringList states;
        for (const QJsonValue &c : call->json().array())
            states << c.toObject().value(QLatin1String("State")).toString();
        return states;
    }

    bool haveEngine() const { return m_client != nullptr; }

private Q_SLOTS:
    void initTestCase()
    {
        m_host = qEnvironmentVariable("MRC_TEST_DOCKER_HOST");
        if (m_host.isEmpty()) {
            if (!qEnvironmentVariableIsEmpty("CI"))
                QFAIL("MRC_TEST_DOCKER_HOST is not set; CI must run the private dockerd (scripts/)");
            return; // the engine tests skip one by one; the offline ones still run
        }
        m_client = std::make_unique<EngineClient>(EngineSpec{QStringLiteral("test"), m_host, {}, {}});
        m_client->setDefaultTimeout(30000);
        std::unique_ptr<EngineCall> negotiate(m_client->negotiate());
        QVERIFY(negotiate->waitForFinished(30000));
        QVERIFY2(negotiate->ok(), qPrintable(negotiate->errorString()));

        // A base with a shell, from the host's static busybox: no image is ever pulled.
        const QByteArray bb = busybox();
        QVERIFY2(!bb.isEmpty(), "/bin/busybox (busybox-static) is needed");
        TarWriter tar;
        tar.addFile("Dockerfile", "FROM scratch\nCOPY bin /bin/\n");
        for (const char *name : {"bin/sh", "bin/false", "bin/sleep", "bin/true"})
            tar.addFile(name, bb, 0755);
        m_baseTag = QStringLiteral("mrc-engineclient-test/busybox:%1").arg(m_token);
        BuildRun run;
        QUrlQuery query{{QStringLiteral("t"), m_baseTag}};
        // Every image built on the base inherits the run label, which lets cleanupTestCase() find them all.
        query.addQueryItem(QStringLiteral("labels"),
                           QStringLiteral("{\"plus\":\"1+1 & more=%\",\"mrc.test.engineclient\":\"%1\"}").arg(m_token));
        QVERIFY(runBuild(run, tar.finish(), query));
        QVERIFY2(run.call->ok(), qPrintable(run.call->errorString()));
        QVERIFY2(run.errors().isEmpty(), qPrintable(run.errors().value(0).text));
        m_images << m_baseTag;

        // '+', '&', '=' and '%' survive the query string (Go reads a bare '+' as a space).
        std::unique_ptr<EngineCall> inspect(m_client->inspectImage(m_baseTag));
        QVERIFY(inspect->waitForFinished(30000));
        QVERIFY2(inspect->ok(), qPrintable(inspect->errorString()));
        QCOMPARE(inspect->json()["Config"]["Labels"]["plus"].toString(), QStringLiteral("1+1 & more=%"));
    }

    void cleanupTestCase()
    {
        if (!m_client)
            return;
        // Intermediate images too (all=1), newest first so that each one's parents are pruned with it.
        const QJsonObject filters{
            {QStringLiteral("label"), QJsonArray{QStringLiteral("mrc.test.engineclient=%1").arg(m_token)}}};
        std::unique_ptr<EngineCall> list(
            m_client->request("GET", QStringLiteral("/images/json?all=1&filters=") +
                                         QString::fromLatin1(QUrl::toPercentEncoding(QString::fromUtf8(
                                             QJsonDocument(filters).toJson(QJsonDocument::Compact))))));
        list->waitForFinished(30000);
        QList<QPair<qint64, QString>> derived;
        for (const QJsonValue &image : list->json().array())
            derived.append({image["Created"].toInteger(), image["Id"].toString()});
        std::sort(derived.begin(), derived.end(), std::greater<>());
        QStringList ids;
        for (const auto &[created, id] : std::as_const(derived))
            ids << id;
        m_images = ids + m_images;
        for (const QString &image : std::as_const(m_images)) {
            std::unique_ptr<EngineCall> call(m_client->removeImage(image, true));
            call->waitForFinished(30000);
        }
    }

    void negotiate()
    {
        if (!haveEngine()) {
            if (qEnvironmentVariableIsSet("CI"))
                QFAIL("MRC_TEST_DOCKER_HOST is not set");
            QSKIP("MRC_TEST_DOCKER_HOST is not set");
        }
        EngineClient client(EngineSpec{QStringLiteral("fresh"), m_host, {}, {}});
        QVERIFY(client.apiVersion().isEmpty());
        std::unique_ptr<EngineCall> call(client.negotiate());
        QSignalSpy finished(call.get(), &EngineCall::finished);
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.count(), 1);
        QVERIFY2(call->ok(), qPrintable(call->errorString()));
        QVERIFY(QRegularExpression(QStringLiteral("^1\\.\\d+$")).match(client.apiVersion()).hasMatch());
        QVERIFY(!client.engineVersion().isEmpty());
        QCOMPARE(call->json().object().value(QLatin1String("Version")).toString(), client.engineVersion());
        QCOMPARE(call->path(), QStringLiteral("/v%1/version").arg(client.apiVersion()));
        QCOMPARE(client.versionedPath(QStringLiteral("/images/json")),
                 QStringLiteral("/v%1/images/json").arg(client.apiVersion()));
    }

    void buildFromScratch()
    {
        if (!haveEngine()) {
            if (qEnvironmentVariableIsSet("CI"))
                QFAIL("MRC_TEST_DOCKER_HOST is not set");
            QSKIP("MRC_TEST_DOCKER_HOST is not set");
        }
        TarWriter tar;
        tar.addFile("Dockerfile", "FROM scratch\nCOPY hello /hello\nLABEL a=b\n");
        tar.addFile("hello", "hello, engine\n");
        const QByteArray archive = tar.finish();

        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("context.tar")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(archive);
        file.close();
        // A pipe has no size: the body goes out with chunked transfer coding.
        QProcess cat;
        cat.start(QStringLiteral("cat"), {file.fileName()}, QIODevice::ReadOnly);
        QVERIFY(cat.waitForStarted());

        const QString tag = QStringLiteral("mrc-engineclient-test/hello:%1").arg(m_token);
        BuildRun run;
        startBuild(run, &cat, QUrlQuery{{QStringLiteral("t"), tag}});
        QSignalSpy headers(run.call.get(), &EngineCall::headersReceived);
        QVERIFY(run.call->waitForFinished(60000));
        m_images << tag;
        QVERIFY2(run.call->ok(), qPrintable(run.call->errorString()));
        QCOMPARE(run.call->status(), 200);
        QCOMPARE(headers.count(), 1);
        QCOMPARE(headers.constFirst().constFirst().toInt(), 200);
        QVERIFY(run.call->body().isEmpty()); // streaming: bytes only went to bodyData()
        QVERIFY2(run.truncation.isEmpty(), qPrintable(run.truncation));
        QVERIFY2(run.errors().isEmpty(), qPrintable(run.errors().value(0).text));
        QVERIFY2(run.streamText().contains(QLatin1String("Step 1/3 : FROM scratch")), qPrintable(run.streamText()));
        const QString id = run.imageId();
        QVERIFY2(id.startsWith(QLatin1String("sha256:")), qPrintable(run.streamText()));

        std::unique_ptr<EngineCall> inspect(m_client->inspectImage(tag));
        QVERIFY(inspect->waitForFinished(30000));
        QVERIFY2(inspect->ok(), qPrintable(inspect->errorString()));
        const QJsonObject image = inspect->json().object();
        QCOMPARE(image.value(QLatin1String("Id")).toString(), id);
        const QJsonObject labels =
            image.value(QLatin1String("Config")).toObject().value(QLatin1String("Labels")).toObject();
        QCOMPARE(labels.value(QLatin1String("a")).toString(), QStringLiteral("b"));

        std::unique_ptr<EngineCall> list(
            m_client->listImages(QJsonObject{{QStringLiteral("reference"), QJsonArray{tag}}}));
        QVERIFY(list->waitForFinished(30000));
        QVERIFY2(list->ok(), qPrintable(list->errorString()));
        QCOMPARE(list->json().array().size(), 1);
        QCOMPARE(list->json().array().at(0).toObject().value(QLatin1String("Id")).toString(), id);
    }

    void failingBuild()
    {
        if (!haveEngine()) {
            if (qEnvironmentVariableIsSet("CI"))
                QFAIL("MRC_TEST_DOCKER_HOST is not set");
            QSKIP("MRC_TEST_DOCKER_HOST is not set");
        }
        TarWriter tar;
        tar.addFile("Dockerfile", QStringLiteral("FROM %1\nRUN false\n").arg(m_baseTag).toUtf8());
        BuildRun run;
        QVERIFY(runBuild(run, tar.finish(), {}));
        // The HTTP exchange succeeds; the failure is a message in the stream.
        QVERIFY2(run.call->ok(), qPrintable(run.call->errorString()));
        const QList<BuildMessage> errors = run.errors();
        QCOMPARE(errors.size(), 1);
        QVERIFY2(errors.constFirst().text.contains(QLatin1String("non-zero code: 1")),
                 qPrintable(errors.constFirst().text));
        QCOMPARE(errors.constFirst().errorCode, 1);
        QVERIFY(run.imageId().isEmpty());
    }

    void abortStopsTheBuild()
    {
        if (!haveEngine()) {
            if (qEnvironmentVariableIsSet("CI"))
                QFAIL("MRC_TEST_DOCKER_HOST is not set");
            QSKIP("MRC_TEST_DOCKER_HOST is not set");
        }
        const QString label = QStringLiteral("mrc.test.abort=%1").arg(m_token);
        TarWriter tar;
        tar.addFile("Dockerfile", QStringLiteral("FROM %1\nLABEL %2\nRUN sleep 30\n").arg(m_baseTag, label).toUtf8());
        QBuffer context;
        context.setData(tar.finish());
        context.open(QIODevice::ReadOnly);
        BuildRun run;
        startBuild(run, &context, {});
        // Wait until the RUN container exists and runs.
        QTRY_VERIFY_WITH_TIMEOUT(run.streamText().contains(QLatin1String("Running in")) || run.call->isFinished(),
                                 60000);
        QVERIFY2(!run.call->isFinished(), qPrintable(run.call->errorString() + run.streamText()));
        QTRY_COMPARE_WITH_TIMEOUT(containerStates(label), QStringList{QStringLiteral("running")}, 10000);

        QElapsedTimer timer;
        timer.start();
        QSignalSpy finished(run.call.get(), &EngineCall::finished);
        run.call->abort();
        QCOMPARE(finished.count(), 1);
        QCOMPARE(run.call->error(), EngineCall::Aborted);
        QVERIFY(!run.call->ok());
        QVERIFY(!run.call->connectionLost());
        QVERIFY(run.call->errorString().contains(m_host));
        // The engine notices the closed connection, kills the container and (forcerm) removes it; well before the
        // 30 s sleep would have ended.
        QTRY_VERIFY_WITH_TIMEOUT(!containerStates(label).contains(QStringLiteral("running")), 15000);
        QVERIFY2(timer.elapsed() < 20000, qPrintable(QString::number(timer.elapsed())));
    }

    void engineErrorMessage()
    {
        if (!haveEngine()) {
            if (qEnvironmentVariableIsSet("CI"))
                QFAIL("MRC_TEST_DOCKER_HOST is not set");
            QSKIP("MRC_TEST_DOCKER_HOST is not set");
        }
        std::unique_ptr<EngineCall> call(m_client->inspectImage(QStringLiteral("mrc-engineclient-test/missing:0")));
        QVERIFY(call->waitForFinished(30000));
        QCOMPARE(call->error(), EngineCall::HttpError);
        QCOMPARE(call->status(), 404);
        QVERIFY2(call->message().contains(QLatin1String("No such image")), qPrintable(call->message()));
        QVERIFY2(call->errorString().contains(m_host) && call->errorString().contains(QLatin1String("404")) &&
                     call->errorString().contains(QLatin1String("No such image")),
                 qPrintable(call->errorString()));
    }

    void unreachable_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addRow("missing socket")
            << QStringLiteral("unix:///tmp/mrc-no-such-dir-%1/docker.sock").arg(QCoreApplication::applicationPid());
        QTest::addRow("refused port") << QStringLiteral("tcp://127.0.0.1:1");
        QTest::addRow("bad scheme") << QStringLiteral("http://localhost:2375");
        QTest::addRow("ssh without a host") << QStringLiteral("ssh://");
    }

    void unreachable()
    {
        QFETCH(QString, host);
        EngineClient client(EngineSpec{QStringLiteral("nowhere"), host, {}, {}});
        std::unique_ptr<EngineCall> call(client.negotiate());
        QSignalSpy finished(call.get(), &EngineCall::finished);
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.count(), 1);
        QCOMPARE(call->error(), EngineCall::ConnectError);
        QVERIFY(!call->ok());
        QVERIFY2(call->errorString().startsWith(QStringLiteral("cannot connect to %1: ").arg(host)),
                 qPrintable(call->errorString()));
        QVERIFY(client.apiVersion().isEmpty());
    }

    /** A peer that stops in the middle of a chunked body: connectionLost(), not a clean end. */
    void engineGoesAwayMidStream()
    {
        QTemporaryDir dir;
        QLocalServer server;
        const QString path = dir.filePath(QStringLiteral("engine.sock"));
        QVERIFY(server.listen(path));
        connect(&server, &QLocalServer::newConnection, this, [&server] {
            QLocalSocket *socket = server.nextPendingConnection();
            connect(socket, &QLocalSocket::readyRead, socket, [socket] {
                if (!socket->readAll().contains("\r\n\r\n"))
                    return;
                socket->write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "11\r\n{\"stream\":\"Step\"}\r\n");
                socket->flush();
                socket->disconnectFromServer();
            });
        });
        EngineClient client(EngineSpec{QStringLiteral("flaky"), QStringLiteral("unix://") + path, {}, {}});
        std::unique_ptr<EngineCall> call(client.request("GET", QStringLiteral("/events")));
        call->setStreaming(true);
        QSignalSpy data(call.get(), &EngineCall::bodyData);
        QVERIFY(call->waitForFinished(10000));
        QCOMPARE(call->error(), EngineCall::ConnectionLost);
        QVERIFY(call->connectionLost());
        QCOMPARE(call->status(), 200);
        QByteArray received;
        for (const QList<QVariant> &arguments : std::as_const(data))
            received += arguments.constFirst().toByteArray();
        QCOMPARE(received, QByteArray("{\"stream\":\"Step\"}"));
        QVERIFY2(call->errorString().contains(QLatin1String("unix://") + path) &&
                     call->errorString().contains(QLatin1String("went away")),
                 qPrintable(call->errorString()));
    }

    void timeout()
    {
        QTemporaryDir dir;
        QLocalServer server; // accepts and never answers
        const QString path = dir.filePath(QStringLiteral("silent.sock"));
        QVERIFY(server.listen(path));
        EngineClient client(EngineSpec{QStringLiteral("silent"), QStringLiteral("unix://") + path, {}, {}});
        std::unique_ptr<EngineCall> call(client.request("GET", QStringLiteral("/_ping")));
        call->setIdleTimeout(200);
        QVERIFY(call->waitForFinished(10000));
        QCOMPARE(call->error(), EngineCall::Timeout);
        QVERIFY2(call->errorString().contains(QLatin1String("timed out")), qPrintable(call->errorString()));
    }
};

QTEST_GUILESS_MAIN(TestEngineClient)
#include "tst_engineclient.moc"
