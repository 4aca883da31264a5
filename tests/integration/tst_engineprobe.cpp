// SPDX-License-Identifier: Apache-2.0
#include "engine/engineprobe.h"
#include "manifest/manifest.h"

#include <QFutureWatcher>
#include <QLocalServer>
#include <QLocalSocket>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtConcurrent>

using namespace mrc;

namespace {

EngineSpec spec(const QString &host)
{
    EngineSpec s;
    s.name = QStringLiteral("test");
    s.host = host;
    return s;
}

} // namespace

class TestEngineProbe : public QObject
{
    Q_OBJECT

private:
    /** Runs the blocking probe on a worker thread while this thread's event loop serves `server`. */
    EngineStatus probeInWorker(const EngineSpec &engine, int timeoutMs)
    {
        QFutureWatcher<EngineStatus> watcher;
        QSignalSpy finished(&watcher, &QFutureWatcher<EngineStatus>::finished);
        watcher.setFuture(QtConcurrent::run([engine, timeoutMs] { return EngineProbe::probe(engine, timeoutMs); }));
        if (!watcher.isFinished() && !finished.wait(timeoutMs + 5000))
            qWarning("probe did not return in time");
        watcher.waitForFinished();
        return watcher.result();
    }

private Q_SLOTS:
    void majorMinor_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("expected");
        QTest::addRow("release") << "28.2.2"
                                 << "28.2";
        QTest::addRow("debian") << "20.10.24+dfsg1"
                                << "20.10";
        QTest::addRow("two parts") << "27.5"
                                   << "27.5";
        QTest::addRow("v prefix") << "v26.1.4"
                                  << "26.1";
        QTest::addRow("rc") << "28.0.0-rc.1"
                            << "28.0";
        QTest::addRow("major only") << "28"
                                    << "";
        QTest::addRow("empty") << ""
                               << "";
        QTest::addRow("garbage") << "dev"
                                 << "";
    }

    void majorMinor()
    {
        QFETCH(QString, version);
        QFETCH(QString, expected);
        EngineStatus status;
        status.version = version;
        QCOMPARE(status.majorMinor(), expected);
    }

    void localEngine_data()
    {
        QTest::addColumn<QByteArray>("dockerHost");
        QTest::addColumn<QString>("expected");
        QTest::addRow("unset") << QByteArray() << "unix:///var/run/docker.sock";
        QTest::addRow("set") << QByteArray("tcp://127.0.0.1:2375") << "tcp://127.0.0.1:2375";
    }

    void localEngine()
    {
        QFETCH(QByteArray, dockerHost);
        QFETCH(QString, expected);
        const QByteArray saved = qgetenv("DOCKER_HOST");
        const bool wasSet = qEnvironmentVariableIsSet("DOCKER_HOST");
        if (dockerHost.isNull())
            qunsetenv("DOCKER_HOST");
        else
            qputenv("DOCKER_HOST", dockerHost);
        const EngineSpec engine = EngineProbe::localEngine();
        if (wasSet)
            qputenv("DOCKER_HOST", saved);
        else
            qunsetenv("DOCKER_HOST");
        QCOMPARE(engine.name, QStringLiteral("local"));
        QCOMPARE(engine.host, expected);
    }

    void realEngine()
    {
        const QString host = qEnvironmentVariable("MRC_TEST_DOCKER_HOST");
        if (host.isEmpty()) {
            if (qEnvironmentVariableIsSet("CI"))
                QFAIL("MRC_TEST_DOCKER_HOST is not set: CI must start a dockerd for the integration tests");
            QSKIP("MRC_TEST_DOCKER_HOST is not set (e.g. unix:///tmp/mrc-test/docker.sock)");
        }

        QProcess docker;
        docker.start(QStringLiteral("docker"), {QStringLiteral("-H"), host, QStringLiteral("version"),
                                                QStringLiteral("--format"), QStringLiteral("{{.Server.Version}}")});
        QVERIFY2(docker.waitForFinished(30000), qPrintable(docker.errorString()));
        QVERIFY2(docker.exitCode() == 0, docker.readAllStandardError().constData());
        const QString expected = QString::fromUtf8(docker.readAllStandardOutput()).trimmed();
        QVERIFY(!expected.isEmpty());

        const EngineStatus status = EngineProbe::probe(spec(host));
        QVERIFY2(status.reachable, qPrintable(status.error));
        QVERIFY(status.error.isEmpty());
        QCOMPARE(status.name, QStringLiteral("test"));
        QCOMPARE(status.host, host);
        QCOMPARE(status.version, expected);
        QVERIFY2(QRegularExpression(QStringLiteral("^1\\.\\d+$")).match(status.apiVersion).hasMatch(),
                 qPrintable(status.apiVersion));
        const QStringList parts = expected.split(QLatin1Char('.'));
        QCOMPARE(status.majorMinor(), parts.at(0) + QLatin1Char('.') + parts.value(1).section(QLatin1Char('+'), 0, 0));
    }

    void unreachable_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("ca");
        QTest::addColumn<QString>("mentions");
        QTest::addRow("missing socket") << "unix:///nonexistent/mrc/docker.sock"
                                        << ""
                                        << "no such socket";
        QTest::addRow("refused tcp") << "tcp://127.0.0.1:1"
                                     << ""
                                     << "refused";
        QTest::addRow("missing ca file") << "tcp://127.0.0.1:1"
                                         << "/nonexistent/mrc/ca.pem"
                                         << "/nonexistent/mrc/ca.pem";
        QTest::addRow("refused ssh") << "ssh://nobody@127.0.0.1:1"
                                     << ""
                                     << "ssh";
        QTest::addRow("unknown scheme") << "npipe:////./pipe/docker_engine"
                                        << ""
                                        << "unsupported";
        QTest::addRow("tcp without host") << "tcp://"
                                          << ""
                                          << "not a valid";
    }

    void unreachable()
    {
        QFETCH(QString, host);
        QFETCH(QString, ca);
        QFETCH(QString, mentions);
        EngineSpec engine = spec(host);
        engine.tls.ca = ca;
        const EngineStatus status = EngineProbe::probe(engine, 3000);
        QVERIFY(!status.reachable);
        QVERIFY(status.version.isEmpty());
        QVERIFY2(status.error.contains(host), qPrintable(status.error));
        QVERIFY2(status.error.contains(mentions, Qt::CaseInsensitive), qPrintable(status.error));
    }

    void notASocket()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString host = QStringLiteral("unix://") + dir.filePath(QStringLiteral("docker.sock"));
        const EngineStatus status = EngineProbe::probe(spec(host));
        QVERIFY(!status.reachable);
        QVERIFY2(status.error.startsWith(QStringLiteral("cannot connect to ") + host + QStringLiteral(": ")),
                 qPrintable(status.error));
    }

    // A fake engine on a local socket: each row is the exact bytes it answers.
    void fakeServer_data()
    {
        QTest::addColumn<QByteArray>("reply");
        QTest::addColumn<bool>("reachable");
        QTest::addColumn<QString>("mentions"); // the version when reachable, else a word of the error

        const QByteArray json = R"({"Version":"28.2.2","ApiVersion":"1.50","Os":"linux"})";
        QTest::addRow("content-length") << "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                                               QByteArray::number(json.size()) + "\r\n\r\n" + json
                                        << true << "28.2.2";
        QTest::addRow("chunked") << "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n10\r\n" + json.left(16) +
                                        "\r\n" + QByteArray::number(json.size() - 16, 16) + ";ext=1\r\n" +
                                        json.mid(16) + "\r\n0\r\n\r\n"
                                 << true << "28.2.2";
        QTest::addRow("until close") << "HTTP/1.0 200 OK\r\n\r\n" + json << true << "28.2.2";
        QTest::addRow("garbage") << QByteArray("garbage\r\n\r\n") << false << "not an HTTP reply: \"garbage\"";
        QTest::addRow("binary") << QByteArray("\x00\x01\xff\xfe\r\n\r\n", 8) << false << "not an HTTP reply";
        QTest::addRow("empty") << QByteArray() << false << "without a reply";
        QTest::addRow("bad status") << QByteArray("HTTP/1.1 abc OK\r\n\r\n") << false << "status line";
        QTest::addRow("bad header") << QByteArray("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n") << false << "header";
        QTest::addRow("huge length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999\r\n\r\n{")
                                     << false << "Content-Length";
        QTest::addRow("negative length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n{") << false
                                         << "Content-Length";
        QTest::addRow("truncated body") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"Ver") << false
                                        << "5 of 100";
        QTest::addRow("bad chunk size") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
                                        << false << "chunk size";
        QTest::addRow("unterminated chunk")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n") << false
            << "not terminated";
        QTest::addRow("truncated chunks")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{") << false << "chunked body";
        QTest::addRow("not json") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello") << false
                                  << "Version";
        QTest::addRow("json without version")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]") << false << "Version";
        QTest::addRow("http error") << QByteArray("HTTP/1.1 404 Not Found\r\nContent-Length: 23\r\n\r\n"
                                                  "{\"message\":\"page gone\"}")
                                    << false << "HTTP 404 Not Found: page gone";
    }

    void fakeServer()
    {
        QFETCH(QByteArray, reply);
        QFETCH(bool, reachable);
        QFETCH(QString, mentions);

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QLocalServer server;
        const QString path = dir.filePath(QStringLiteral("docker.sock"));
        QVERIFY2(server.listen(path), qPrintable(server.errorString()));
        QByteArray request;
        connect(&server, &QLocalServer::newConnection, &server, [&] {
            QLocalSocket *socket = server.nextPendingConnection();
            // Answer once the whole request has arrived, as a real server would.
            connect(socket, &QLocalSocket::readyRead, socket, [&request, socket, reply] {
                request += socket->readAll();
                if (!request.contains("\r\n\r\n"))
                    return;
                socket->write(reply);
                socket->disconnectFromServer();
            });
            connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        });

        const QString host = QStringLiteral("unix://") + path;
        const EngineStatus status = probeInWorker(spec(host), 5000);
        QVERIFY(request.startsWith("GET /version HTTP/1.1\r\n"));
        QVERIFY(request.contains("\r\nHost: docker\r\n"));
        QVERIFY(request.contains("\r\nConnection: close\r\n"));
        QCOMPARE(status.reachable, reachable);
        if (reachable) {
            QCOMPARE(status.version, mentions);
            QCOMPARE(status.apiVersion, QStringLiteral("1.50"));
            QCOMPARE(status.majorMinor(), QStringLiteral("28.2"));
            QVERIFY(status.error.isEmpty());
        } else {
            QVERIFY(status.version.isEmpty());
            QVERIFY2(status.error.contains(host), qPrintable(status.error));
            QVERIFY2(status.error.contains(mentions), qPrintable(status.error));
        }
    }

    void silentServer()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QLocalServer server;
        const QString path = dir.filePath(QStringLiteral("docker.sock"));
        QVERIFY2(server.listen(path), qPrintable(server.errorString()));
        const QString host = QStringLiteral("unix://") + path;
        const EngineStatus status = probeInWorker(spec(host), 300);
        QVERIFY(!status.reachable);
        QCOMPARE(status.error, QStringLiteral("no reply from %1 within 300 ms").arg(host));
    }
};

QTEST_GUILESS_MAIN(TestEngineProbe)
#include "tst_engineprobe.moc"
