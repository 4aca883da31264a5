// SPDX-License-Identifier: Apache-2.0
// Issue #15, items 5, 6 and 8: what a hostile registry (or engine) can make the console do. A real registry never
// sends these replies, so each test starts a small HTTP server on 127.0.0.1 (QTcpServer) that does; the
// non-hostile paths run against the real registries in tst_registryclient and tst_credentials.
#include "engine/enginecall.h"
#include "engine/engineclient.h"
#include "manifest/manifest.h"
#include "registry/contentdigest.h"
#include "registry/registryclient.h"
#include "registry/registrymanifest.h"
#include "secrets/credentialcheck.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <functional>
#include <memory>

using namespace mrc;

namespace {

/** One request as the fake server saw it. */
struct SeenRequest
{
    QByteArray method;
    QByteArray path;
    QByteArray authorization;
};

/**
 * An HTTP/1.1 server on a loopback address that answers each request through a handler, which writes whatever
 * it likes to the socket (and may keep writing later). Every request is recorded.
 */
class FakeServer : public QObject
{
public:
    using Handler = std::function<void(QTcpSocket *, const SeenRequest &)>;

    explicit FakeServer(const QHostAddress &address = QHostAddress::LocalHost)
    {
        QVERIFY(m_server.listen(address));
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                socket->setParent(this);
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { readFrom(socket); });
            }
        });
    }

    void setHandler(Handler handler) { m_handler = std::move(handler); }
    QString hostPort() const
    {
        return m_server.serverAddress().toString() + QLatin1Char(':') + QString::number(m_server.serverPort());
    }
    QList<SeenRequest> seen;

    /** A complete response, and the connection closed after it. */
    static void reply(QTcpSocket *socket, int status, const QByteArray &body, const QList<QByteArray> &headers = {})
    {
        QByteArray text = "HTTP/1.1 " + QByteArray::number(status) +
                          " X\r\nConnection: close\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
        for (const QByteArray &header : headers)
            text += header + "\r\n";
        socket->write(text + "\r\n" + body);
        socket->disconnectFromHost();
    }

private:
    void readFrom(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        buffer.clear();
        SeenRequest request;
        const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
        request.method = first.value(0);
        request.path = first.value(1);
        for (const QByteArray &line : lines) {
            if (line.toLower().startsWith("authorization:"))
                request.authorization = line.mid(14).trimmed();
        }
        seen.append(request);
        if (m_handler)
            m_handler(socket, request);
    }

    QTcpServer m_server;
    Handler m_handler;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

QString sha(char c)
{
    return QStringLiteral("sha256:") + QString(64, QLatin1Char(c));
}

QByteArray imageManifest(const QString &configDigest)
{
    QJsonObject config{{QStringLiteral("mediaType"), QLatin1String(MediaType::DockerConfig)},
                       {QStringLiteral("digest"), configDigest},
                       {QStringLiteral("size"), 2}};
    return QJsonDocument(QJsonObject{{QStringLiteral("schemaVersion"), 2},
                                     {QStringLiteral("mediaType"), QLatin1String(MediaType::DockerManifest)},
                                     {QStringLiteral("config"), config},
                                     {QStringLiteral("layers"), QJsonArray()}})
        .toJson(QJsonDocument::Compact);
}

RegistryOptions quickOptions()
{
    RegistryOptions options;
    options.retries = 0;
    options.backoffMs = 10;
    options.requestTimeoutMs = 10000;
    return options;
}

bool anyPathContains(const QList<SeenRequest> &seen, const QByteArray &text)
{
    return std::any_of(seen.cbegin(), seen.cend(), [&](const SeenRequest &r) { return r.path.contains(text); });
}

// Qt warnings during a test, e.g. "QIODevice::read (QNetworkReplyHttpImpl): device not open".
QStringList g_warnings;
void collectWarnings(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    if (type != QtDebugMsg && type != QtInfoMsg)
        g_warnings.append(message);
}

} // namespace

class TestHostileRegistry : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init() { g_warnings.clear(); }

    // 5: digests are checked against the OCI grammar before they go into a URL, and content against its digest.
    void item5_digestGrammar_data();
    void item5_digestGrammar();
    void item5_configDigestTraversalNeverReachesAUrl();
    void item5_indexEntryDigestNeverReachesAUrl();
    void item5_badDigestHeaderOnHeadIsRefused();
    void item5_manifestBytesMustMatchTheDigestHeader();
    void item5_referenceOutsideTheGrammarSendsNothing();

    // 6: replies are bounded in size and in time.
    void item6_manifestClaimingTenGigabytesEndsAtTheCap();
    void item6_chunkedReplyOverTheCapEnds();
    void item6_slowlorisRegistryHitsTheDeadline();
    void item6_engineCallBodyIsCapped();

    // 8: credentials.
    void item8_basicCredentialsNeverGoToAnHttpRealmOnAnotherHost();
    void item8_anonymousRegistryDoesNotClaimTheCredentialsWereAccepted();
    void item8_loginRedirectHasADocumentedExitCodeAndMessage();
    void item8_badRealmHasADocumentedExitCodeAndMessage();
};

void TestHostileRegistry::item5_digestGrammar_data()
{
    QTest::addColumn<QString>("digest");
    QTest::addColumn<bool>("valid");
    QTest::addRow("sha256") << sha('a') << true;
    QTest::addRow("sha512") << QStringLiteral("sha512:") + QString(128, QLatin1Char('0')) << true;
    QTest::addRow("traversal") << QStringLiteral("sha256:../../../../etc/passwd") << false;
    QTest::addRow("upper hex") << QStringLiteral("sha256:") + QString(64, QLatin1Char('A')) << false;
    QTest::addRow("63 digits") << QStringLiteral("sha256:") + QString(63, QLatin1Char('a')) << false;
    QTest::addRow("65 digits") << QStringLiteral("sha256:") + QString(65, QLatin1Char('a')) << false;
    QTest::addRow("no algorithm") << QString(64, QLatin1Char('a')) << false;
    QTest::addRow("unknown algorithm") << QStringLiteral("md5:d41d8cd98f00b204e9800998ecf8427e") << false;
    QTest::addRow("upper algorithm") << QStringLiteral("SHA256:") + QString(64, QLatin1Char('a')) << false;
    QTest::addRow("slash") << QStringLiteral("sha256:") + QString(63, QLatin1Char('a')) + QLatin1Char('/') << false;
    QTest::addRow("query") << QStringLiteral("sha256:") + QString(60, QLatin1Char('a')) + QStringLiteral("?x=1")
                           << false;
    QTest::addRow("empty") << QString() << false;
}

void TestHostileRegistry::item5_digestGrammar()
{
    QFETCH(QString, digest);
    QFETCH(bool, valid);
    QString why;
    QCOMPARE(ContentDigest::isValid(digest, &why), valid);
    QCOMPARE(why.isEmpty(), valid);
}

void TestHostileRegistry::item5_configDigestTraversalNeverReachesAUrl()
{
    FakeServer server;
    const QByteArray manifest = imageManifest(QStringLiteral("sha256:../../../../etc/passwd"));
    server.setHandler([&](QTcpSocket *socket, const SeenRequest &request) {
        if (request.path.contains("/manifests/"))
            FakeServer::reply(socket, 200, manifest, {QByteArray("Content-Type: ") + MediaType::DockerManifest});
        else
            FakeServer::reply(socket, 404, "{}");
    });
    RegistryClient client(server.hostPort(), {}, quickOptions());
    std::unique_ptr<RegistryReply> reply(client.config(QStringLiteral("monasca/api"), QStringLiteral("latest")));
    QVERIFY(reply->waitForFinished(10000));
    QCOMPARE(reply->error(), RegistryReply::ProtocolError);
    QVERIFY2(reply->errorString().contains(QLatin1String("not a valid digest")), qPrintable(reply->errorString()));
    QVERIFY(!anyPathContains(server.seen, "etc/passwd"));
    QVERIFY(!anyPathContains(server.seen, "/blobs/"));
    QCOMPARE(server.seen.size(), 1);
}

void TestHostileRegistry::item5_indexEntryDigestNeverReachesAUrl()
{
    FakeServer server;
    const QJsonObject entry{
        {QStringLiteral("mediaType"), QLatin1String(MediaType::OciManifest)},
        {QStringLiteral("digest"), QStringLiteral("sha256:../../../v2/_catalog")},
        {QStringLiteral("size"), 10},
        {QStringLiteral("platform"), QJsonObject{{QStringLiteral("os"), QStringLiteral("linux")},
                                                 {QStringLiteral("architecture"), QStringLiteral("amd64")}}}};
    const QByteArray index =
        QJsonDocument(QJsonObject{{QStringLiteral("schemaVersion"), 2},
                                  {QStringLiteral("mediaType"), QLatin1String(MediaType::OciIndex)},
                                  {QStringLiteral("manifests"), QJsonArray{entry}}})
            .toJson(QJsonDocument::Compact);
    server.setHandler([&](QTcpSocket *socket, const SeenRequest &) { FakeServer::reply(socket, 200, index); });
    RegistryClient client(server.hostPort(), {}, quickOptions());
    std::unique_ptr<RegistryReply> reply(client.manifest(QStringLiteral("monasca/api"), QStringLiteral("latest")));
    QVERIFY(reply->waitForFinished(10000));
    QCOMPARE(reply->error(), RegistryReply::ProtocolError);
    QVERIFY2(reply->errorString().contains(QLatin1String("linux/amd64 entry digest")),
             qPrintable(reply->errorString()));
    QCOMPARE(server.seen.size(), 1);
    QVERIFY(!anyPathContains(server.seen, "_catalog"));
}

void TestHostileRegistry::item5_badDigestHeaderOnHeadIsRefused()
{
    FakeServer server;
    server.setHandler([&](QTcpSocket *socket, const SeenRequest &) {
        FakeServer::reply(socket, 200, {}, {"Docker-Content-Digest: sha256:../../x", "Content-Type: application/json"});
    });
    RegistryClient client(server.hostPort(), {}, quickOptions());
    std::unique_ptr<RegistryReply> reply(
        client.manifestDigest(QStringLiteral("monasca/api"), QStringLiteral("latest")));
    QVERIFY(reply->waitForFinished(10000));
    QCOMPARE(reply->error(), RegistryReply::ProtocolError);
    QVERIFY2(reply->errorString().contains(QLatin1String("not a valid digest")), qPrintable(reply->errorString()));
    QVERIFY(reply->digest().isEmpty());
}

void TestHostileRegistry::item5_manifestBytesMustMatchTheDigestHeader()
{
    // A sha512 header that does not match: before, only sha256 headers were compared at all.
    FakeServer server;
    const QByteArray manifest = imageManifest(sha('c'));
    const QByteArray wrong = "Docker-Content-Digest: sha512:" + QByteArray(128, '1');
    server.setHandler(
        [&](QTcpSocket *socket, const SeenRequest &) { FakeServer::reply(socket, 200, manifest, {wrong}); });
    RegistryClient client(server.hostPort(), {}, quickOptions());
    std::unique_ptr<RegistryReply> reply(client.rawManifest(QStringLiteral("monasca/api"), QStringLiteral("latest")));
    QVERIFY(reply->waitForFinished(10000));
    QCOMPARE(reply->error(), RegistryReply::ProtocolError);
    QVERIFY2(reply->errorString().contains(QLatin1String("hash to")), qPrintable(reply->errorString()));
}

void TestHostileRegistry::item5_referenceOutsideTheGrammarSendsNothing()
{
    FakeServer server;
    server.setHandler([&](QTcpSocket *socket, const SeenRequest &) { FakeServer::reply(socket, 404, "{}"); });
    RegistryClient client(server.hostPort(), {}, quickOptions());
    for (const QString &reference :
         {QStringLiteral("../../_catalog"), QStringLiteral("sha256:../x"), QStringLiteral("latest?n=1")}) {
        std::unique_ptr<RegistryReply> reply(client.manifest(QStringLiteral("monasca/api"), reference));
        QVERIFY(reply->waitForFinished(10000));
        QCOMPARE(reply->error(), RegistryReply::ProtocolError);
        QVERIFY2(reply->errorString().contains(QLatin1String("refusing")), qPrintable(reply->errorString()));
    }
    QCOMPARE(server.seen.size(), 0);
}

void TestHostileRegistry::item6_manifestClaimingTenGigabytesEndsAtTheCap()
{
    qInstallMessageHandler(collectWarnings);
    FakeServer server;
    qint64 written = 0;
    server.setHandler([&](QTcpSocket *socket, const SeenRequest &) {
        socket->write(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10737418240\r\n\r\n{\"a\":\"");
        // Keep the socket fed, up to 40 MB, as a registry that really sends 10 GB would.
        auto feed = [socket, &written] {
            while (socket->bytesToWrite() < (1 << 20) && written < (40 << 20)) {
                socket->write(QByteArray(1 << 16, 'x'));
                written += 1 << 16;
            }
        };
        connect(socket, &QTcpSocket::bytesWritten, socket, feed);
        feed();
    });
    RegistryClient client(server.hostPort(), {}, quickOptions());
    std::unique_ptr<RegistryReply> reply(client.rawManifest(QStringLiteral("monasca/api"), QStringLiteral("latest")));
    const bool finished = reply->waitForFinished(20000);
    qInstallMessageHandler(nullptr);
    QVERIFY(finished);
    QCOMPARE(reply->error(), RegistryReply::ProtocolError);
    QVERIFY2(reply->errorString().contains(QStringLiteral("reply over 16 MB from %1").arg(server.hostPort())),
             qPrintable(reply->errorString()));
    QVERIFY2(written < (20 << 20), qPrintable(QString::number(written))); // stopped at the header, not at 40 MB
    QVERIFY2(g_warnings.isEmpty(), qPrintable(g_warnings.join(QLatin1Char('\n'))));
}

void TestHostileRegistry::item6_chunkedReplyOverTheCapEnds()
{
    qInstallMessageHandler(collectWarnings);
    FakeServer server;
    qint64 written = 0;
    server.setHandler([&](QTcpSocket *socket, const SeenRequest &) {
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        auto feed = [socket, &written] {
            while (socket->isOpen() && socket->bytesToWrite() < (1 << 20) && written < (40 << 20)) {
                socket->write("10000\r\n" + QByteArray(1 << 16, ' ') + "\r\n");
                written += 1 << 16;
            }
        };
        connect(socket, &QTcpSocket::bytesWritten, socket, feed);
        feed();
    });
    RegistryOptions options = quickOptions();
    options.maxReplyBytes = 4 << 20;
    RegistryClient client(server.hostPort(), {}, options);
    std::unique_ptr<RegistryReply> reply(client.tags(QStringLiteral("monasca/api")));
    const bool finished = reply->waitForFinished(20000);
    qInstallMessageHandler(nullptr);
    QVERIFY(finished);
    QCOMPARE(reply->error(), RegistryReply::ProtocolError);
    QVERIFY2(reply->errorString().contains(QStringLiteral("reply over 4 MB from %1").arg(server.hostPort())),
             qPrintable(reply->errorString()));
    QVERIFY2(g_warnings.isEmpty(), qPrintable(g_warnings.join(QLatin1Char('\n'))));
}

void TestHostileRegistry::item6_slowlorisRegistryHitsTheDeadline()
{
    FakeServer server;
    server.setHandler([&](QTcpSocket *socket, const SeenRequest &) {
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n");
        auto *trickle = new QTimer(socket);
        connect(trickle, &QTimer::timeout, socket, [socket] { socket->write(" "); }); // one byte per tick, forever
        trickle->start(100);
    });
    RegistryOptions options = quickOptions();
    options.requestTimeoutMs = 1000; // restarts with every byte: never fires on its own
    options.requestDeadlineMs = 1500;
    RegistryClient client(server.hostPort(), {}, options);
    QElapsedTimer clock;
    clock.start();
    std::unique_ptr<RegistryReply> reply(client.config(QStringLiteral("monasca/api"), QStringLiteral("latest")));
    QVERIFY2(reply->waitForFinished(8000), "still running after 8 s");
    QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(reply->error(), RegistryReply::Timeout);
    QVERIFY2(reply->errorString().contains(QStringLiteral("%1 did not finish its reply").arg(server.hostPort())),
             qPrintable(reply->errorString()));
}

void TestHostileRegistry::item6_engineCallBodyIsCapped()
{
    FakeServer server;
    qint64 written = 0;
    server.setHandler([&](QTcpSocket *socket, const SeenRequest &) {
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 3000000000\r\n\r\n[");
        auto feed = [socket, &written] {
            while (socket->isOpen() && socket->bytesToWrite() < (1 << 20) && written < (200 << 20)) {
                socket->write(QByteArray(1 << 16, ' '));
                written += 1 << 16;
            }
        };
        connect(socket, &QTcpSocket::bytesWritten, socket, feed);
        feed();
    });
    EngineSpec spec;
    spec.name = QStringLiteral("hostile");
    spec.host = QStringLiteral("tcp://") + server.hostPort();
    EngineClient engine(spec);
    std::unique_ptr<EngineCall> call(engine.listNetworks());
    QVERIFY(call->waitForFinished(20000));
    QCOMPARE(call->error(), EngineCall::ProtocolError);
    QVERIFY2(call->errorString().contains(QStringLiteral("reply over 64 MB from tcp://%1").arg(server.hostPort())),
             qPrintable(call->errorString()));
    QVERIFY2(call->body().size() <= (64 << 20), qPrintable(QString::number(call->body().size())));
}

void TestHostileRegistry::item8_basicCredentialsNeverGoToAnHttpRealmOnAnotherHost()
{
    // 127.0.0.2 is loopback too, so the old rule (plain HTTP is fine for loopback) let the password go there.
    FakeServer tokenServer(QHostAddress(QStringLiteral("127.0.0.2")));
    tokenServer.setHandler([&](QTcpSocket *socket, const SeenRequest &) {
        FakeServer::reply(socket, 200, R"({"token":"t","expires_in":300})");
    });
    FakeServer registry;
    const QByteArray challenge =
        "WWW-Authenticate: Bearer realm=\"http://" + tokenServer.hostPort().toLatin1() + "/token\",service=\"evil\"";
    registry.setHandler([&](QTcpSocket *socket, const SeenRequest &request) {
        if (request.authorization.startsWith("Bearer"))
            FakeServer::reply(socket, 200, "{}");
        else
            FakeServer::reply(socket, 401, "{}", {challenge});
    });
    const CredentialCheck check =
        verifyCredentials(registry.hostPort(), QStringLiteral("mrc"), QByteArrayLiteral("secret"), 5000);
    QCOMPARE(check.status, CredentialCheck::Failed);
    QVERIFY2(check.message.contains(QLatin1String("another host")) && check.message.contains(QLatin1String("https")),
             qPrintable(check.message));
    QVERIFY(!check.message.contains(QLatin1String("secret")));
    QCOMPARE(tokenServer.seen.size(), 0);
}

void TestHostileRegistry::item8_anonymousRegistryDoesNotClaimTheCredentialsWereAccepted()
{
    FakeServer registry;
    registry.setHandler([&](QTcpSocket *socket, const SeenRequest &) { FakeServer::reply(socket, 200, "{}"); });
    const CredentialCheck check =
        verifyCredentials(registry.hostPort(), QStringLiteral("mrc"), QByteArrayLiteral("secret"), 5000);
    QVERIFY2(!check.message.contains(QLatin1String("accepted")), qPrintable(check.message));
    QVERIFY2(check.message.contains(QLatin1String("not checked")), qPrintable(check.message));
    QCOMPARE(check.status, CredentialCheck::NotChecked);
    // Nothing was sent that could have been checked.
    QVERIFY(std::all_of(registry.seen.cbegin(), registry.seen.cend(),
                        [](const SeenRequest &r) { return r.authorization.isEmpty(); }));
}

namespace {

// Runs `mrc login HOST --username mrc --password-stdin` with a password on stdin; returns the exit code.
int runLogin(const QString &host, QString *stderrText)
{
    QProcess mrc;
    mrc.start(qEnvironmentVariable("MRC_BINARY"), {QStringLiteral("login"), host, QStringLiteral("--username"),
                                                   QStringLiteral("mrc"), QStringLiteral("--password-stdin")});
    if (!mrc.waitForStarted(10000))
        return -1;
    mrc.write("secret\n");
    mrc.closeWriteChannel();
    // The fake server lives on this thread: keep its event loop turning while mrc runs.
    QElapsedTimer clock;
    clock.start();
    while (mrc.state() != QProcess::NotRunning && clock.elapsed() < 30000)
        QTest::qWait(50);
    *stderrText = QString::fromUtf8(mrc.readAllStandardError());
    return mrc.exitStatus() == QProcess::NormalExit && mrc.state() == QProcess::NotRunning ? mrc.exitCode() : -1;
}

} // namespace

void TestHostileRegistry::item8_loginRedirectHasADocumentedExitCodeAndMessage()
{
    if (qEnvironmentVariableIsEmpty("MRC_BINARY")) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("MRC_BINARY is not set (run through ctest)");
        QSKIP("MRC_BINARY is not set (run through ctest)");
    }
    FakeServer registry;
    registry.setHandler([&](QTcpSocket *socket, const SeenRequest &) {
        FakeServer::reply(socket, 301, {}, {"Location: http://127.0.0.2:1/v2/"});
    });
    QString err;
    const int code = runLogin(registry.hostPort(), &err);
    QCOMPARE(code, 1); // README.rst and `mrc --help`: 1, the registry's answer cannot be used safely
    QVERIFY2(err.contains(QLatin1String("redirect to http://127.0.0.2:1/v2/")), qPrintable(err));
    QVERIFY(!err.contains(QLatin1String("secret")));
    QProcess help;
    help.start(qEnvironmentVariable("MRC_BINARY"), {QStringLiteral("--help")});
    QVERIFY(help.waitForFinished(10000));
    QVERIFY(QString::fromUtf8(help.readAllStandardOutput()).contains(QLatin1String("login: the registry's answer")));
}

void TestHostileRegistry::item8_badRealmHasADocumentedExitCodeAndMessage()
{
    if (qEnvironmentVariableIsEmpty("MRC_BINARY")) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("MRC_BINARY is not set (run through ctest)");
        QSKIP("MRC_BINARY is not set (run through ctest)");
    }
    FakeServer registry;
    registry.setHandler([&](QTcpSocket *socket, const SeenRequest &) {
        FakeServer::reply(socket, 401, "{}", {"WWW-Authenticate: Bearer realm=\"file:///etc/passwd\""});
    });
    QString err;
    QCOMPARE(runLogin(registry.hostPort(), &err), 1);
    QVERIFY2(err.contains(QLatin1String("is not an http(s) URL")), qPrintable(err));

    FakeServer empty;
    empty.setHandler([&](QTcpSocket *socket, const SeenRequest &) {
        FakeServer::reply(socket, 401, "{}", {"WWW-Authenticate: Bearer service=\"x\""});
    });
    QCOMPARE(runLogin(empty.hostPort(), &err), 1);
    QVERIFY2(err.contains(QLatin1String("without a Basic or Bearer challenge")), qPrintable(err));
}

QTEST_GUILESS_MAIN(TestHostileRegistry)
#include "tst_hostileregistry.moc"
