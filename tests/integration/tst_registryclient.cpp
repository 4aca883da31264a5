// SPDX-License-Identifier: Apache-2.0
// The registry client against the real registries that scripts/services starts: the htpasswd one (Basic) and
// the token one (Bearer, with scripts/token-server). An image built FROM scratch is pushed there through the
// private engine first.
#include "engine/enginecall.h"
#include "engine/engineclient.h"
#include "registry/registryclient.h"

#include <QBuffer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QUrlQuery>
#include <memory>

using namespace mrc;

namespace {

/** A ustar archive of regular files, enough for a build context. */
QByteArray tarOf(const QList<QPair<QByteArray, QByteArray>> &files)
{
    QByteArray out;
    for (const auto &[name, data] : files) {
        QByteArray header(512, '\0');
        auto put = [&header](int offset, const QByteArray &value) { header.replace(offset, value.size(), value); };
        auto octal = [](qint64 value, int width) {
            return QByteArray::number(value, 8).rightJustified(width - 1, '0') + '\0';
        };
        put(0, name.left(99));
        put(100, octal(0644, 8));
        put(108, octal(0, 8));
        put(116, octal(0, 8));
        put(124, octal(data.size(), 12));
        put(136, octal(1700000000, 12));
        put(148, QByteArray(8, ' '));
        header[156] = '0';
        put(257, QByteArray("ustar\0"
                            "00",
                            8));
        int sum = 0;
        for (char c : std::as_const(header))
            sum += static_cast<unsigned char>(c);
        put(148, QByteArray::number(sum, 8).rightJustified(6, '0') + '\0' + ' ');
        out += header + data + QByteArray((512 - data.size() % 512) % 512, '\0');
    }
    return out + QByteArray(1024, '\0');
}

struct Target
{
    QString name;     // "htpasswd" or "token"
    QString registry; // 127.0.0.1:PORT
    QString log;      // the registry's log file, access log included
};

using ReplyPtr = std::unique_ptr<RegistryReply>;

ReplyPtr wait(RegistryReply *reply)
{
    if (!reply->waitForFinished(60000))
        qWarning("a registry reply did not finish in 60 s");
    return ReplyPtr(reply);
}

} // namespace

class TestRegistryClient : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void pingShowsTheChallenge_data() { targets(); }
    void pingShowsTheChallenge();
    void anonymousTokenCannotPush();
    void anonymousBasicNeedsLogin();
    void headDigestEqualsGetDigest_data() { targets(); }
    void headDigestEqualsGetDigest();
    void labelsFromTheConfigBlob_data() { targets(); }
    void labelsFromTheConfigBlob();
    void tagListPages_data() { targets(); }
    void tagListPages();
    void catalogPages_data() { targets(); }
    void catalogPages();
    void promotionMovesNoBlob_data() { targets(); }
    void promotionMovesNoBlob();
    void missingTagIsNotFound();
    void expiredTokenIsRenewed_data();
    void expiredTokenIsRenewed();
    void wrongPasswordIsAnAuthenticationError_data() { targets(); }
    void wrongPasswordIsAnAuthenticationError();
    void unreachableRegistryNamesTheHost();
    void transientFailuresAreRetried();

private:
    void targets();
    Target target(const QString &name) const;
    RegistryCredentials credentials() const { return {m_user, m_password}; }
    void push(EngineClient &engine, const QString &image);

    QList<Target> m_targets;
    QString m_user;
    QString m_password;
    QString m_repository;
    QString m_nonce;
    QString m_pushedDigest; // from the engine's push of the htpasswd registry's image
    QStringList m_images;
    std::unique_ptr<EngineClient> m_engine;
};

void TestRegistryClient::initTestCase()
{
    const QString host = qEnvironmentVariable("MRC_TEST_DOCKER_HOST");
    const QString tokenRegistry = qEnvironmentVariable("MRC_TEST_TOKEN_REGISTRY");
    if (host.isEmpty() || tokenRegistry.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("MRC_TEST_DOCKER_HOST or MRC_TEST_TOKEN_REGISTRY is not set: scripts/test starts the services");
        QSKIP("no private engine and registries: run through scripts/test");
    }
    m_user = qEnvironmentVariable("MRC_TEST_REGISTRY_USER");
    m_password = qEnvironmentVariable("MRC_TEST_REGISTRY_PASSWORD");
    m_targets = {{QStringLiteral("htpasswd"), qEnvironmentVariable("MRC_TEST_REGISTRY"),
                  qEnvironmentVariable("MRC_TEST_REGISTRY_LOG")},
                 {QStringLiteral("token"), tokenRegistry, qEnvironmentVariable("MRC_TEST_TOKEN_REGISTRY_LOG")}};

    // A fresh repository per run, so that its tags are exactly the ones pushed here.
    m_nonce = QString::number(QRandomGenerator::global()->generate64(), 36);
    m_repository = QStringLiteral("mrc-test/registry-") + m_nonce;
    EngineSpec spec;
    spec.host = host;
    m_engine = std::make_unique<EngineClient>(spec);

    const QByteArray dockerfile = "FROM scratch\nCOPY payload /payload\n"
                                  "LABEL org.opencontainers.image.version=9.0.0 org.monasca.test.nonce=" +
                                  m_nonce.toUtf8() + "\n";
    QBuffer context;
    context.setData(tarOf({{"Dockerfile", dockerfile}, {"payload", "payload " + m_nonce.toUtf8() + '\n'}}));
    QVERIFY(context.open(QIODevice::ReadOnly));
    QUrlQuery query;
    for (const Target &target : std::as_const(m_targets)) {
        for (const QString &tag : {QStringLiteral("9.0.0"), QStringLiteral("9.0"), QStringLiteral("9")}) {
            const QString image = target.registry + QLatin1Char('/') + m_repository + QLatin1Char(':') + tag;
            query.addQueryItem(QStringLiteral("t"), image);
            m_images.append(image);
        }
        // A second repository, so that the catalog has two pages at least.
        const QString other = target.registry + QLatin1Char('/') + m_repository + QStringLiteral("-b:1");
        query.addQueryItem(QStringLiteral("t"), other);
        m_images.append(other);
    }
    std::unique_ptr<EngineCall> build(m_engine->build(query, &context));
    QByteArray stream;
    connect(build.get(), &EngineCall::bodyData, this, [&stream](const QByteArray &chunk) { stream += chunk; });
    QVERIFY(build->waitForFinished(120000));
    QVERIFY2(build->ok(), qPrintable(build->errorString()));
    QVERIFY2(!stream.contains("errorDetail"), stream.constData());

    for (const Target &target : std::as_const(m_targets)) {
        push(*m_engine, target.registry + QLatin1Char('/') + m_repository);
        if (QTest::currentTestFailed())
            return;
        push(*m_engine, target.registry + QLatin1Char('/') + m_repository + QStringLiteral("-b"));
        if (QTest::currentTestFailed())
            return;
    }
}

void TestRegistryClient::push(EngineClient &engine, const QString &image)
{
    const QString serverAddress = image.section(QLatin1Char('/'), 0, 0);
    const QJsonObject auth{{QStringLiteral("username"), m_user},
                           {QStringLiteral("password"), m_password},
                           {QStringLiteral("serveraddress"), serverAddress}};
    // No tag: every local tag of the image is pushed.
    std::unique_ptr<EngineCall> call(engine.request("POST", QStringLiteral("/images/%1/push").arg(image)));
    call->setRequestHeader("X-Registry-Auth",
                           QJsonDocument(auth).toJson(QJsonDocument::Compact).toBase64(QByteArray::Base64UrlEncoding));
    QVERIFY(call->waitForFinished(120000));
    QVERIFY2(call->ok(), qPrintable(call->errorString()));
    const QByteArray body = call->body();
    // The stream's errors are {"errorDetail": ...} lines under a 200; show only those, never the request.
    QVERIFY2(!body.contains("errorDetail"),
             qPrintable(QStringLiteral("push of %1 failed: %2").arg(image, QString::fromUtf8(body.right(400)))));
    for (const QByteArray &line : body.split('\n')) {
        const QJsonObject aux = QJsonDocument::fromJson(line).object().value(QStringLiteral("aux")).toObject();
        if (aux.value(QStringLiteral("Tag")).toString() == QLatin1String("9.0.0") &&
            serverAddress == m_targets.first().registry)
            m_pushedDigest = aux.value(QStringLiteral("Digest")).toString();
    }
}

void TestRegistryClient::cleanupTestCase()
{
    if (!m_engine)
        return;
    for (const QString &image : std::as_const(m_images)) {
        std::unique_ptr<EngineCall> call(m_engine->removeImage(image));
        call->waitForFinished(30000);
    }
}

void TestRegistryClient::targets()
{
    QTest::addColumn<QString>("name");
    QTest::addRow("htpasswd") << QStringLiteral("htpasswd");
    QTest::addRow("token") << QStringLiteral("token");
}

Target TestRegistryClient::target(const QString &name) const
{
    for (const Target &target : m_targets) {
        if (target.name == name)
            return target;
    }
    return {};
}

void TestRegistryClient::pingShowsTheChallenge()
{
    QFETCH(QString, name);
    const Target t = target(name);
    RegistryClient client(t.registry);
    QCOMPARE(client.baseUrl(), QStringLiteral("http://") + t.registry); // loopback: plain HTTP
    const ReplyPtr reply = wait(client.ping());
    QVERIFY2(reply->ok(), qPrintable(reply->errorString()));
    QCOMPARE(reply->status(), 401);
    QCOMPARE(reply->apiVersion(), QStringLiteral("registry/2.0"));
    QCOMPARE(reply->challenges().size(), 1);
    const AuthChallenge challenge = reply->challenges().first();
    if (name == QLatin1String("htpasswd")) {
        QVERIFY(challenge.isBasic());
        QCOMPARE(challenge.param(QStringLiteral("realm")), QStringLiteral("mrc-test-registry"));
    } else {
        QVERIFY(challenge.isBearer());
        QCOMPARE(challenge.param(QStringLiteral("realm")),
                 QStringLiteral("http://%1/token").arg(qEnvironmentVariable("MRC_TEST_TOKEN_SERVER")));
        QCOMPARE(challenge.param(QStringLiteral("service")), QStringLiteral("mrc-test-token-registry"));
    }
}

void TestRegistryClient::anonymousTokenCannotPush()
{
    const Target t = target(QStringLiteral("token"));
    // The token server grants an anonymous request pull only, whatever it asks for.
    QNetworkAccessManager network;
    QUrl url(QStringLiteral("http://%1/token").arg(qEnvironmentVariable("MRC_TEST_TOKEN_SERVER")));
    url.setQuery(QStringLiteral("service=mrc-test-token-registry&scope=repository:%1:pull,push").arg(m_repository));
    std::unique_ptr<QNetworkReply> tokenReply(network.get(QNetworkRequest(url)));
    QSignalSpy done(tokenReply.get(), &QNetworkReply::finished);
    QVERIFY(done.wait(10000));
    const QByteArray jwt =
        QJsonDocument::fromJson(tokenReply->readAll()).object().value(QStringLiteral("token")).toString().toLatin1();
    const QJsonObject claims =
        QJsonDocument::fromJson(QByteArray::fromBase64(jwt.split('.').value(1), QByteArray::Base64UrlEncoding))
            .object();
    const QJsonArray access = claims.value(QStringLiteral("access")).toArray();
    QCOMPARE(access.size(), 1);
    QCOMPARE(access.first().toObject().value(QStringLiteral("actions")).toArray(), QJsonArray{QStringLiteral("pull")});

    // Anonymous reads work; the write is refused by the registry (401 insufficient_scope), as a login error.
    RegistryClient client(t.registry);
    const ReplyPtr read = wait(client.rawManifest(m_repository, QStringLiteral("9.0.0")));
    QVERIFY2(read->ok(), qPrintable(read->errorString()));
    const ReplyPtr write =
        wait(client.putManifest(m_repository, QStringLiteral("anonymous"), read->manifest().raw, read->mediaType()));
    QCOMPARE(write->error(), RegistryReply::AuthenticationRequired);
    QVERIFY(write->isAuthenticationError());
    QCOMPARE(write->status(), 401);
    // The registry names the scope it wanted; the order of its actions varies.
    QVERIFY2(write->errorString().contains(QLatin1String("does not grant")) &&
                 write->errorString().contains(QLatin1String("push")),
             qPrintable(write->errorString()));
    QVERIFY2(write->errorString().contains(t.registry), qPrintable(write->errorString()));
    const ReplyPtr tags = wait(client.tags(m_repository));
    QVERIFY(!tags->tags().contains(QLatin1String("anonymous")));
}

void TestRegistryClient::anonymousBasicNeedsLogin()
{
    RegistryClient client(target(QStringLiteral("htpasswd")).registry);
    const ReplyPtr reply = wait(client.tags(m_repository));
    QCOMPARE(reply->error(), RegistryReply::AuthenticationRequired);
    QCOMPARE(reply->status(), 401);
}

void TestRegistryClient::headDigestEqualsGetDigest()
{
    QFETCH(QString, name);
    RegistryClient client(target(name).registry, credentials());
    const ReplyPtr head = wait(client.manifestDigest(m_repository, QStringLiteral("9.0.0")));
    QVERIFY2(head->ok(), qPrintable(head->errorString()));
    const ReplyPtr get = wait(client.manifest(m_repository, QStringLiteral("9.0.0")));
    QVERIFY2(get->ok(), qPrintable(get->errorString()));
    QVERIFY(head->digest().startsWith(QLatin1String("sha256:")));
    QCOMPARE(head->digest(), get->digest());
    QCOMPARE(get->digest(), RegistryManifest::digestOf(get->manifest().raw));
    QCOMPARE(head->mediaType(), QString::fromLatin1(MediaType::DockerManifest));
    QCOMPARE(head->size(), get->manifest().raw.size());
    QCOMPARE(get->manifest().kind, RegistryManifest::DockerImage);
    QVERIFY(get->platform().isEmpty()); // a single image: no platform was chosen
    if (name == QLatin1String("htpasswd"))
        QCOMPARE(get->digest(), m_pushedDigest); // what the engine reported when it pushed
    // By digest, the same manifest again.
    const ReplyPtr byDigest = wait(client.manifest(m_repository, head->digest()));
    QVERIFY2(byDigest->ok(), qPrintable(byDigest->errorString()));
    QCOMPARE(byDigest->manifest().raw, get->manifest().raw);
}

void TestRegistryClient::labelsFromTheConfigBlob()
{
    QFETCH(QString, name);
    RegistryClient client(target(name).registry, credentials());
    const ReplyPtr reply = wait(client.config(m_repository, QStringLiteral("9.0")));
    QVERIFY2(reply->ok(), qPrintable(reply->errorString()));
    const QJsonObject labels = reply->labels();
    QCOMPARE(labels.value(QStringLiteral("org.monasca.test.nonce")).toString(), m_nonce);
    QCOMPARE(labels.value(QStringLiteral("org.opencontainers.image.version")).toString(), QStringLiteral("9.0.0"));
    QCOMPARE(reply->config().value(QStringLiteral("os")).toString(), QStringLiteral("linux"));
}

void TestRegistryClient::tagListPages()
{
    QFETCH(QString, name);
    RegistryClient client(target(name).registry, credentials());
    // n=1 asks for pages of one tag; distribution 2.8 ignores n on tags and answers all at once, Docker Hub
    // pages. Either way the list is complete.
    const ReplyPtr paged = wait(client.tags(m_repository, 1));
    QVERIFY2(paged->ok(), qPrintable(paged->errorString()));
    QStringList tags = paged->tags();
    tags.sort();
    QVERIFY(tags.contains(QLatin1String("9")) && tags.contains(QLatin1String("9.0")) &&
            tags.contains(QLatin1String("9.0.0")));
    QCOMPARE(tags.removeDuplicates(), 0);
    QVERIFY(paged->pages() >= 1);
    const ReplyPtr whole = wait(client.tags(m_repository));
    QVERIFY2(whole->ok(), qPrintable(whole->errorString()));
    QStringList all = whole->tags();
    all.sort();
    QCOMPARE(all, tags);
}

void TestRegistryClient::catalogPages()
{
    // The catalog does page on distribution 2.8: n=1 gives one repository per page and a Link to the next.
    QFETCH(QString, name);
    RegistryClient client(target(name).registry, credentials());
    const ReplyPtr paged = wait(client.catalog(1));
    QVERIFY2(paged->ok(), qPrintable(paged->errorString()));
    QStringList repositories = paged->repositories();
    QVERIFY2(repositories.contains(m_repository) && repositories.contains(m_repository + QStringLiteral("-b")),
             qPrintable(repositories.join(QLatin1Char(' '))));
    // At most one repository per page. A repository that holds only an unfinished upload session (a push-rights
    // check, a push cut short) takes a page of its own but is not listed, so pages may outnumber repositories.
    QVERIFY2(paged->pages() >= repositories.size(), qPrintable(QString::number(paged->pages())));
    QCOMPARE(repositories.removeDuplicates(), 0);
    const ReplyPtr whole = wait(client.catalog());
    QVERIFY2(whole->ok(), qPrintable(whole->errorString()));
    QStringList all = whole->repositories();
    all.sort();
    repositories.sort();
    QCOMPARE(all, repositories);
}

void TestRegistryClient::promotionMovesNoBlob()
{
    QFETCH(QString, name);
    const Target t = target(name);
    QFile log(t.log);
    QVERIFY2(log.open(QIODevice::ReadOnly), qPrintable(t.log));
    const qint64 before = log.size();

    RegistryClient client(t.registry, credentials());
    const ReplyPtr source = wait(client.manifestDigest(m_repository, QStringLiteral("9.0.0")));
    QVERIFY2(source->ok(), qPrintable(source->errorString()));
    const ReplyPtr copy = wait(client.copyManifest(m_repository, QStringLiteral("9.0.0"), QStringLiteral("latest")));
    QVERIFY2(copy->ok(), qPrintable(copy->errorString()));
    QCOMPARE(copy->digest(), source->digest());
    const ReplyPtr latest = wait(client.manifestDigest(m_repository, QStringLiteral("latest")));
    QVERIFY2(latest->ok(), qPrintable(latest->errorString()));
    QCOMPARE(latest->digest(), source->digest());

    // The registry's access log for the promotion: the manifest PUT, and no blob upload of any kind.
    const QByteArray manifestPut = "\"PUT /v2/" + m_repository.toUtf8() + "/manifests/latest ";
    QByteArray window;
    QTRY_VERIFY_WITH_TIMEOUT((log.seek(before), window = log.readAll(), window.contains(manifestPut)), 10000);
    QVERIFY2(!window.contains("/blobs/uploads"), window.constData());
    QVERIFY(!window.contains("\"POST "));
    QVERIFY(!window.contains("\"PATCH "));
    QVERIFY(!window.contains("/blobs/"));
}

void TestRegistryClient::missingTagIsNotFound()
{
    RegistryClient client(target(QStringLiteral("token")).registry, credentials());
    const ReplyPtr reply = wait(client.manifestDigest(m_repository, QStringLiteral("no-such-tag")));
    QCOMPARE(reply->error(), RegistryReply::NotFound);
    const ReplyPtr get = wait(client.manifest(m_repository, QStringLiteral("no-such-tag")));
    QCOMPARE(get->error(), RegistryReply::NotFound);
    QVERIFY2(get->errorString().contains(QLatin1String("no-such-tag")), qPrintable(get->errorString()));
}

void TestRegistryClient::expiredTokenIsRenewed_data()
{
    QTest::addColumn<int>("minimumLifetime");
    QTest::addColumn<int>("authRetries");
    // Trusting expires_in: the token is renewed before the request that would have failed.
    QTest::addRow("renewed on expiry") << 0 << 0;
    // Holding it for Docker's 60 s minimum: the registry's 401 (invalid_token) makes the client get a new one.
    QTest::addRow("renewed after 401") << 60 << 1;
}

void TestRegistryClient::expiredTokenIsRenewed()
{
    QFETCH(int, minimumLifetime);
    QFETCH(int, authRetries);
    const int expiresIn = qEnvironmentVariableIntValue("MRC_TEST_TOKEN_SHORT_EXPIRES_IN");
    QVERIFY(expiresIn > 0 && expiresIn < 20);
    RegistryOptions options;
    options.minimumTokenLifetimeSeconds = minimumLifetime;
    RegistryClient client(target(QStringLiteral("token")).registry,
                          {qEnvironmentVariable("MRC_TEST_TOKEN_SHORT_USER"), m_password}, options);
    const ReplyPtr first = wait(client.manifestDigest(m_repository, QStringLiteral("9.0.0")));
    QVERIFY2(first->ok(), qPrintable(first->errorString()));
    QCOMPARE(client.stats().tokenFetches, 1);
    const ReplyPtr cached = wait(client.manifestDigest(m_repository, QStringLiteral("9.0")));
    QVERIFY2(cached->ok(), qPrintable(cached->errorString()));
    QCOMPARE(client.stats().tokenFetches, 1);
    const int retriesBefore = client.stats().authRetries;

    QTest::qWait(expiresIn * 1000 + 700); // the token's life has to pass on the clock
    const ReplyPtr later = wait(client.manifestDigest(m_repository, QStringLiteral("9.0.0")));
    QVERIFY2(later->ok(), qPrintable(later->errorString()));
    QCOMPARE(later->digest(), first->digest());
    QCOMPARE(client.stats().tokenFetches, 2);
    QCOMPARE(client.stats().authRetries - retriesBefore, authRetries);
}

void TestRegistryClient::wrongPasswordIsAnAuthenticationError()
{
    QFETCH(QString, name);
    const Target t = target(name);
    RegistryClient right(t.registry, credentials());
    const ReplyPtr ok = wait(right.login());
    QVERIFY2(ok->ok(), qPrintable(ok->errorString()));

    RegistryClient wrong(t.registry, {m_user, QStringLiteral("not-the-password")});
    const ReplyPtr login = wait(wrong.login());
    QCOMPARE(login->error(), RegistryReply::AuthenticationFailed);
    QVERIFY(login->isAuthenticationError());
    QVERIFY2(login->errorString().contains(m_user), qPrintable(login->errorString()));
    QVERIFY(!login->errorString().contains(QLatin1String("not-the-password")));
    const ReplyPtr read = wait(wrong.manifestDigest(m_repository, QStringLiteral("9.0.0")));
    QCOMPARE(read->error(), RegistryReply::AuthenticationFailed);
}

void TestRegistryClient::unreachableRegistryNamesTheHost()
{
    // A loopback port where nothing listens: connection refused, not retried, not an authentication error.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const QString registry = QStringLiteral("127.0.0.1:%1").arg(probe.serverPort());
    probe.close();
    RegistryClient client(registry, credentials());
    const ReplyPtr reply = wait(client.manifestDigest(m_repository, QStringLiteral("9.0.0")));
    QCOMPARE(reply->error(), RegistryReply::Unreachable);
    QVERIFY(!reply->isAuthenticationError());
    QVERIFY2(reply->errorString().contains(registry), qPrintable(reply->errorString()));
    QCOMPARE(reply->requests(), 1);
}

void TestRegistryClient::transientFailuresAreRetried()
{
    // No real registry fails on demand: a socket in front of the real one answers 503 to the first two
    // connections and forwards the third; or resets every connection.
    const Target t = target(QStringLiteral("htpasswd"));
    QTcpServer flaky;
    QVERIFY(flaky.listen(QHostAddress::LocalHost));
    int connections = 0;
    bool reset = false;
    connect(&flaky, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket *socket = flaky.nextPendingConnection()) {
            const int number = ++connections;
            connect(socket, &QTcpSocket::readyRead, socket, [socket, number, t, &reset] {
                const QByteArray request = socket->readAll();
                if (reset) {
                    socket->abort();
                    socket->deleteLater();
                } else if (number <= 2) {
                    socket->write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    socket->disconnectFromHost();
                } else {
                    auto *upstream = new QTcpSocket(socket);
                    upstream->connectToHost(QHostAddress::LocalHost,
                                            t.registry.section(QLatin1Char(':'), 1).toUShort());
                    connect(upstream, &QTcpSocket::connected, upstream,
                            [upstream, request] { upstream->write(request); });
                    connect(upstream, &QTcpSocket::readyRead, socket,
                            [socket, upstream] { socket->write(upstream->readAll()); });
                    connect(upstream, &QTcpSocket::disconnected, socket, [socket] { socket->disconnectFromHost(); });
                }
            });
        }
    });
    const QString address = QStringLiteral("127.0.0.1:%1").arg(flaky.serverPort());
    RegistryOptions options;
    options.backoffMs = 50;
    RegistryClient client(address, {}, options);
    const ReplyPtr reply = wait(client.ping());
    QVERIFY2(reply->ok(), qPrintable(reply->errorString()));
    QCOMPARE(reply->status(), 401);
    QCOMPARE(reply->challenges().value(0).param(QStringLiteral("realm")), QStringLiteral("mrc-test-registry"));
    QCOMPARE(client.stats().transientRetries, 2);
    QCOMPARE(reply->requests(), 3);

    // With no retries left, the 503 is the answer.
    options.retries = 0;
    connections = 0;
    RegistryClient impatient(address, {}, options);
    const ReplyPtr failed = wait(impatient.ping());
    QCOMPARE(failed->error(), RegistryReply::HttpError);
    QCOMPARE(failed->status(), 503);
    QVERIFY2(failed->errorString().contains(address), qPrintable(failed->errorString()));

    // Connections reset every time: retried, then reported as unreachable, naming the host.
    reset = true;
    options.retries = 2;
    RegistryClient resetting(address, {}, options);
    const ReplyPtr gone = wait(resetting.ping());
    QCOMPARE(gone->error(), RegistryReply::Unreachable);
    QCOMPARE(resetting.stats().transientRetries, 2);
    QVERIFY2(gone->errorString().contains(address), qPrintable(gone->errorString()));
}

QTEST_GUILESS_MAIN(TestRegistryClient)
#include "tst_registryclient.moc"
