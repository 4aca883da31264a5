// SPDX-License-Identifier: Apache-2.0
// Being polite to Docker Hub, which is unreachable here: a small loopback HTTP proxy (QTcpServer) in front of the REAL
// htpasswd registry that scripts/services starts adds Hub's RateLimit-Limit / RateLimit-Remaining headers to every
// reply (a manifest GET uses up one pull, as on Hub; a HEAD does not), can answer 429 with a Retry-After, and
// counts the requests. The built mrc plans and pushes through it: planning sends only HEADs, a 429 with
// Retry-After: 1 is waited out and succeeds, a long Retry-After fails at once naming the host and the wait, and a
// quota that the push's manifest copies would cross stops it before anything moves.
#include "common/tinyrepo.h"
#include "engine/engineprobe.h"
#include "manifest/manifest.h"
#include "registry/registryclient.h"
#include "registry/registryreply.h"
#include "secrets/credentialstore.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QHash>
#include <QLocale>
#include <QPointer>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <memory>

using namespace mrc;

namespace {

/** One request at a time per connection (it answers with Connection: close), enough for QNetworkAccessManager and
 *  the engine's push: request bodies framed by Content-Length or chunked are passed on as they came. */
class HubProxy : public QObject
{
public:
    struct Seen
    {
        QByteArray method;
        QByteArray path;
        int status = 0;
    };

    HubProxy(const QString &upstream, QObject *parent = nullptr)
        : QObject(parent), m_upstreamHost(upstream.section(QLatin1Char(':'), 0, 0)),
          m_upstreamPort(quint16(upstream.section(QLatin1Char(':'), 1).toUInt()))
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *client = m_server.nextPendingConnection()) {
                connect(client, &QTcpSocket::readyRead, this, [this, client] { readRequest(client); });
                connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
            }
        });
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QString host() const { return QStringLiteral("127.0.0.1:%1").arg(m_server.serverPort()); }

    /** Manifest requests with @p method ("GET", "HEAD", "PUT") since the last clear(). */
    int manifests(const QByteArray &method) const
    {
        return int(std::count_if(seen.cbegin(), seen.cend(),
                                 [&](const Seen &s) { return s.method == method && s.path.contains("/manifests/"); }));
    }
    int statusCount(int status) const
    {
        return int(std::count_if(seen.cbegin(), seen.cend(), [&](const Seen &s) { return s.status == status; }));
    }
    QString summary() const
    {
        QStringList lines;
        for (const Seen &s : seen)
            lines << QStringLiteral("%1 %2 -> %3")
                         .arg(QString::fromLatin1(s.method), QString::fromLatin1(s.path))
                         .arg(s.status);
        return lines.join(QLatin1Char('\n'));
    }

    QList<Seen> seen;
    int limit = 100;
    int remaining = 100;
    int tooMany = 0; // answer the next N manifest requests with 429
    QByteArray retryAfter = "1";

private:
    QByteArray rateHeaders() const
    {
        return "RateLimit-Limit: " + QByteArray::number(limit) +
               ";w=21600\r\nRateLimit-Remaining: " + QByteArray::number(std::max(remaining, 0)) + ";w=21600\r\n";
    }

    /** The length of the first complete request in @p buffer, or -1 while it is incomplete. */
    static qsizetype requestLength(const QByteArray &buffer)
    {
        const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return -1;
        const QByteArray headers = buffer.left(headerEnd).toLower();
        qsizetype pos = headerEnd + 4;
        if (headers.contains("\r\ntransfer-encoding: chunked")) {
            for (;;) {
                const qsizetype lineEnd = buffer.indexOf("\r\n", pos);
                if (lineEnd < 0)
                    return -1;
                bool ok = false;
                const qsizetype size = buffer.mid(pos, lineEnd - pos).split(';').value(0).trimmed().toLongLong(&ok, 16);
                if (!ok)
                    return -1;
                pos = lineEnd + 2;
                if (size == 0)
                    return buffer.size() >= pos + 2 ? pos + 2 : -1; // no trailers
                if (buffer.size() < pos + size + 2)
                    return -1;
                pos += size + 2;
            }
        }
        const qsizetype at = headers.indexOf("\r\ncontent-length:");
        if (at >= 0) {
            const qsizetype end = headers.indexOf("\r\n", at + 2);
            const qsizetype length = headers.mid(at + 17, end < 0 ? -1 : end - at - 17).trimmed().toLongLong();
            return buffer.size() >= pos + length ? pos + length : -1;
        }
        return pos;
    }

    void readRequest(QTcpSocket *client)
    {
        QByteArray &buffer = m_buffers[client];
        buffer += client->readAll();
        const qsizetype length = requestLength(buffer);
        if (length < 0)
            return;
        QByteArray request = buffer.left(length);
        m_buffers.remove(client);
        client->disconnect(this);
        const QList<QByteArray> requestLine = request.left(request.indexOf("\r\n")).split(' ');
        const QByteArray method = requestLine.value(0);
        const QByteArray path = requestLine.value(1);
        const bool manifest = path.contains("/manifests/");
        if (manifest && tooMany > 0) {
            --tooMany;
            seen.append({method, path, 429});
            client->write("HTTP/1.1 429 Too Many Requests\r\nRetry-After: " + retryAfter + "\r\n" + rateHeaders() +
                          "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
            client->disconnectFromHost();
            return;
        }
        // Connection: close upstream, so the reply ends with the connection.
        const qsizetype headerEnd = request.indexOf("\r\n\r\n");
        const QList<QByteArray> lines = request.left(headerEnd).split('\n');
        QByteArray rewritten;
        for (const QByteArray &line : lines) {
            if (line.toLower().startsWith("connection:"))
                continue;
            rewritten += line.endsWith('\r') ? line + '\n' : line + "\r\n";
        }
        rewritten += "Connection: close\r\n\r\n" + request.mid(headerEnd + 4);
        auto *upstream = new QTcpSocket(client);
        auto reply = std::make_shared<QByteArray>();
        QPointer<QTcpSocket> guard(client);
        connect(upstream, &QTcpSocket::connected, upstream, [upstream, rewritten] { upstream->write(rewritten); });
        connect(upstream, &QTcpSocket::readyRead, upstream, [upstream, reply] { *reply += upstream->readAll(); });
        connect(upstream, &QTcpSocket::disconnected, this, [this, upstream, reply, guard, method, path, manifest] {
            *reply += upstream->readAll();
            upstream->deleteLater();
            const qsizetype lineEnd = reply->indexOf("\r\n");
            const int status = reply->mid(9, 3).toInt();
            seen.append({method, path, status});
            if (manifest && method == "GET" && status == 200)
                --remaining; // Hub counts a manifest GET as a pull; a HEAD is free
            if (!guard)
                return;
            QByteArray answer = *reply;
            if (lineEnd > 0)
                answer.insert(lineEnd + 2, rateHeaders());
            guard->write(answer);
            guard->disconnectFromHost();
        });
        upstream->connectToHost(m_upstreamHost, m_upstreamPort);
    }

    QTcpServer m_server;
    QString m_upstreamHost;
    quint16 m_upstreamPort;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

} // namespace

class TestPoliteRegistry : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void planningSendsOnlyHeads();
    void tooManyRequestsIsWaitedOut();
    void longRetryAfterFailsAtOnce();
    void lowQuotaStopsBeforeThePush();

private:
    /** Runs the built mrc while this thread's event loop keeps the proxy answering. */
    Run mrc(const QStringList &arguments, const QByteArray &input = {});
    RegistryCredentials credentials() const { return {m_user, QString::fromUtf8(m_password)}; }

    QTemporaryDir m_dir;
    std::unique_ptr<HubProxy> m_proxy;
    test::TinyRepo m_repo;
    QString m_registry; // the real one behind the proxy
    QString m_engine;
    QString m_user;
    QByteArray m_password;
    QString m_manifest;
    QString m_repository; // namespace/hello
};

void TestPoliteRegistry::initTestCase()
{
    m_engine = qEnvironmentVariable("MRC_TEST_DOCKER_HOST");
    m_registry = qEnvironmentVariable("MRC_TEST_REGISTRY");
    m_password = qgetenv("MRC_TEST_REGISTRY_PASSWORD");
    const QByteArray bus = qgetenv("MRC_TEST_DBUS_ADDRESS");
    if (m_engine.isEmpty() || m_registry.isEmpty() || m_password.isEmpty() || bus.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("MRC_TEST_DOCKER_HOST / MRC_TEST_REGISTRY* / MRC_TEST_DBUS_ADDRESS are not set: scripts/test starts "
                  "the engine, the registry and the keyring");
        QSKIP("no private engine, registry or keyring: run through scripts/test");
    }
    QVERIFY2(QFileInfo(qEnvironmentVariable("MRC_BINARY")).isExecutable(), "MRC_BINARY must name the built mrc");
    qputenv("DBUS_SESSION_BUS_ADDRESS", bus);
    m_user = qEnvironmentVariable("MRC_TEST_REGISTRY_USER", QStringLiteral("mrc"));
    QVERIFY(m_dir.isValid());
    m_proxy = std::make_unique<HubProxy>(m_registry);
    QVERIFY(m_proxy->listen());

    EngineSpec spec;
    spec.name = QStringLiteral("local");
    spec.host = m_engine;
    const EngineStatus engine = EngineProbe::probe(spec, 5000);
    QVERIFY2(engine.reachable, qPrintable(engine.error));
    QVERIFY(m_repo.create(m_dir.filePath(QStringLiteral("repo")), "polite\n"));
    const QString ns = QStringLiteral("mrc-polite-%1-%2")
                           .arg(QCoreApplication::applicationPid())
                           .arg(QDateTime::currentSecsSinceEpoch() % 100000);
    m_repository = ns + QStringLiteral("/hello");
    m_manifest = m_dir.filePath(QStringLiteral("release.yaml"));
    QFile file(m_manifest);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QStringLiteral("version: 1\nregistry:\n  host: \"%1\"\n  namespace: %2\n"
                              "engines:\n  - {name: local, host: \"%3\"}\n"
                              "branches:\n  - {name: master, docker: [\"%4\"]}\n"
                              "components:\n  - {name: hello, repo: \"file://%5\"}\n"
                              "lint:\n  gate: false\n")
                   .arg(m_proxy->host(), ns, m_engine, engine.majorMinor(), m_repo.repo())
                   .toUtf8());
    file.close();

    // The keychain entry is the proxy's host:port, which no other test uses.
    const Run login = mrc({QStringLiteral("login"), m_proxy->host(), QStringLiteral("--username"), m_user,
                           QStringLiteral("--password-stdin")},
                          m_password);
    QVERIFY2(login.exitCode == 0, login.err.constData());
    const Run build = mrc({QStringLiteral("build"), QStringLiteral("--manifest"), m_manifest});
    QVERIFY2(build.exitCode == 0, build.err.right(2000).constData());
    // The first push goes through the proxy too (the engine's blob uploads included): sha-<7> and master.
    const Run push = mrc({QStringLiteral("push"), QStringLiteral("--manifest"), m_manifest});
    QVERIFY2(push.exitCode == 0, push.err.right(3000).constData());
}

void TestPoliteRegistry::cleanupTestCase()
{
    if (m_proxy)
        CredentialStore::removeNow(m_proxy->host());
}

Run TestPoliteRegistry::mrc(const QStringList &arguments, const QByteArray &input)
{
    Run run;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("xdg-data")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath(QStringLiteral("xdg-cache")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("xdg-config")));
    env.insert(QStringLiteral("DOCKER_CONFIG"), m_dir.filePath(QStringLiteral("docker")));
    env.insert(QStringLiteral("DOCKER_HOST"), m_engine);
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), qEnvironmentVariable("MRC_TEST_DBUS_ADDRESS"));
    env.remove(QStringLiteral("MRC_TEST_REGISTRY_PASSWORD"));
    QProcess process;
    process.setProcessEnvironment(env);
    QEventLoop loop;
    connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(300000, &loop, &QEventLoop::quit);
    process.start(qEnvironmentVariable("MRC_BINARY"), arguments);
    if (!process.waitForStarted(10000))
        return run;
    process.write(input);
    process.closeWriteChannel();
    loop.exec();
    if (process.state() != QProcess::NotRunning) {
        process.kill();
        process.waitForFinished();
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

void TestPoliteRegistry::planningSendsOnlyHeads()
{
    m_proxy->seen.clear();
    m_proxy->remaining = 100; // the first push copied sha-<7> to master: one GET, one pull
    const Run tags = mrc({QStringLiteral("tags"), QStringLiteral("--manifest"), m_manifest});
    QVERIFY2(tags.exitCode == 0, tags.err.constData());
    QVERIFY2(tags.out.contains("unchanged"), tags.out.constData());
    // sha-<7> and master, both already there: a HEAD each, and the engine's RepoDigests say which image they name.
    QVERIFY2(m_proxy->manifests("HEAD") >= 2, qPrintable(m_proxy->summary()));
    QVERIFY2(m_proxy->manifests("GET") == 0, qPrintable(m_proxy->summary()));
    QCOMPARE(m_proxy->remaining, 100);
}

void TestPoliteRegistry::tooManyRequestsIsWaitedOut()
{
    m_proxy->seen.clear();
    m_proxy->tooMany = 1;
    m_proxy->retryAfter = "1";
    RegistryClient client(m_proxy->host(), credentials());
    QElapsedTimer timer;
    timer.start();
    std::unique_ptr<RegistryReply> reply(client.manifestDigest(m_repository, QStringLiteral("master")));
    QVERIFY(reply->waitForFinished(30000));
    QVERIFY2(reply->ok(), qPrintable(reply->errorString()));
    QVERIFY2(timer.elapsed() >= 950, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(m_proxy->statusCount(429), 1);
    QCOMPARE(client.stats().rateLimitRetries, 1);
    QVERIFY(client.lastRateLimit().isValid());
    QCOMPARE(client.lastRateLimit().limit, 100);
    QCOMPARE(client.lastRateLimit().windowSeconds, 21600);
}

void TestPoliteRegistry::longRetryAfterFailsAtOnce()
{
    m_proxy->seen.clear();
    m_proxy->tooMany = 10;
    // An HTTP date an hour ahead: over the cap, so no waiting and no retry.
    m_proxy->retryAfter =
        QLocale::c()
            .toString(QDateTime::currentDateTimeUtc().addSecs(3600), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"))
            .toLatin1();
    RegistryClient client(m_proxy->host(), credentials());
    QElapsedTimer timer;
    timer.start();
    std::unique_ptr<RegistryReply> reply(client.manifestDigest(m_repository, QStringLiteral("master")));
    QVERIFY(reply->waitForFinished(30000));
    m_proxy->tooMany = 0;
    QVERIFY(!reply->ok());
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    const QString message = reply->errorString();
    QVERIFY2(message.startsWith(m_proxy->host() + QStringLiteral(": rate limit reached")) &&
                 message.contains(QLatin1String("Retry-After")) && message.contains(QLatin1String("try again after")),
             qPrintable(message));
    QCOMPARE(m_proxy->statusCount(429), 1);
}

void TestPoliteRegistry::lowQuotaStopsBeforeThePush()
{
    // A release tag at the pushed commit: the plan copies sha-<7>'s manifest to 1.0.0 and latest, a GET each.
    QVERIFY(m_repo.git({QStringLiteral("tag"), QStringLiteral("1.0.0")}));
    m_proxy->seen.clear();
    m_proxy->remaining = 1;
    const Run stopped =
        mrc({QStringLiteral("push"), QStringLiteral("--manifest"), m_manifest, QStringLiteral("--fetch")});
    QCOMPARE(stopped.exitCode, 1);
    QVERIFY2(stopped.err.contains("1 pulls left of 100 per 6 h on " + m_proxy->host().toUtf8()),
             stopped.err.constData());
    QVERIFY2(m_proxy->manifests("GET") == 0 && m_proxy->manifests("PUT") == 0, qPrintable(m_proxy->summary()));

    RegistryClient direct(m_registry, credentials());
    std::unique_ptr<RegistryReply> absent(direct.manifestDigest(m_repository, QStringLiteral("1.0.0")));
    QVERIFY(absent->waitForFinished(30000));
    QCOMPARE(absent->error(), RegistryReply::NotFound);

    // With the quota back, the same push goes through: the two copies are the only manifest GETs.
    m_proxy->seen.clear();
    m_proxy->remaining = 100;
    const Run pushed = mrc({QStringLiteral("push"), QStringLiteral("--manifest"), m_manifest});
    QVERIFY2(pushed.exitCode == 0, pushed.err.right(3000).constData());
    QCOMPARE(m_proxy->manifests("GET"), 2);
    QCOMPARE(m_proxy->remaining, 98);
    std::unique_ptr<RegistryReply> present(direct.manifestDigest(m_repository, QStringLiteral("1.0.0")));
    QVERIFY(present->waitForFinished(30000));
    QVERIFY2(present->ok(), qPrintable(present->errorString()));
}

QTEST_GUILESS_MAIN(TestPoliteRegistry)
#include "tst_politeregistry.moc"
