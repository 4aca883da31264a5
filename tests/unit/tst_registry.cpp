// SPDX-License-Identifier: Apache-2.0
// The registry client's pure parts: WWW-Authenticate challenges, the scheme choice, rate-limit headers, Link
// pagination, manifest kinds and the platform choice, and the token cache's expiry.
#include "registry/registryclient.h"
#include "registry/registryhost.h"
#include "registry/registrymanifest.h"
#include "registry/registrytypes.h"
#include "registry/tokencache.h"
#include "registry/wwwauthenticate.h"

#include <QFile>
#include <QTest>

using namespace mrc;

namespace {

// "Bearer(realm=r,service=s) Basic(realm=x)", params in name order.
QString dump(const QList<AuthChallenge> &challenges)
{
    QStringList parts;
    for (const AuthChallenge &challenge : challenges) {
        QStringList params;
        for (auto it = challenge.params.cbegin(); it != challenge.params.cend(); ++it)
            params.append(it.key() + QLatin1Char('=') + it.value());
        parts.append(challenge.scheme + QLatin1Char('(') + params.join(QLatin1Char(',')) + QLatin1Char(')'));
    }
    return parts.join(QLatin1Char(' '));
}

QByteArray fixture(const QString &name)
{
    QFile file(qEnvironmentVariable("MRC_TEST_FIXTURES") + QStringLiteral("/registry/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qWarning("cannot read fixture %s", qPrintable(file.fileName()));
    return file.readAll();
}

} // namespace

class TestRegistry : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void challenges_data();
    void challenges();
    void challengesOverSeveralHeaders();
    void scheme_data();
    void scheme();
    void dockerHubNames();
    void rateLimit_data();
    void rateLimit();
    void quota();
    void retryAfter_data();
    void retryAfter();
    void nextLink_data();
    void nextLink();
    void manifestKinds_data();
    void manifestKinds();
    void platformChoice();
    void tokenCacheExpiry();
    void tokenCacheScopes();
};

void TestRegistry::challenges_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<bool>("malformed");

    QTest::addRow("docker hub bearer")
        << QByteArray(
               R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull")")
        << QStringLiteral("Bearer(realm=https://auth.docker.io/token,scope=repository:library/"
                          "busybox:pull,service=registry.docker.io)")
        << false;
    QTest::addRow("distribution bearer without scope")
        << QByteArray(R"(Bearer realm="http://127.0.0.1:5002/token",service="mrc-test-token-registry")")
        << QStringLiteral("Bearer(realm=http://127.0.0.1:5002/token,service=mrc-test-token-registry)") << false;
    QTest::addRow("basic") << QByteArray(R"(Basic realm="mrc-test-registry")")
                           << QStringLiteral("Basic(realm=mrc-test-registry)") << false;
    QTest::addRow("space in a quoted value")
        << QByteArray(R"(Basic realm="Registry Realm")") << QStringLiteral("Basic(realm=Registry Realm)") << false;
    QTest::addRow("comma inside quotes")
        << QByteArray(R"(Bearer realm="https://t/token",scope="repository:a/b:pull,push")")
        << QStringLiteral("Bearer(realm=https://t/token,scope=repository:a/b:pull,push)") << false;
    QTest::addRow("two scopes in one quoted value")
        << QByteArray(R"(Bearer realm="r",scope="repository:a:pull repository:b:pull,push")")
        << QStringLiteral("Bearer(realm=r,scope=repository:a:pull repository:b:pull,push)") << false;
    QTest::addRow("error after scope")
        << QByteArray(R"(Bearer realm="r",service="s",scope="repository:x:pull,push",error="insufficient_scope")")
        << QStringLiteral("Bearer(error=insufficient_scope,realm=r,scope=repository:x:pull,push,service=s)") << false;
    QTest::addRow("two challenges") << QByteArray(R"(Basic realm="a", Bearer realm="https://t/token",service="s")")
                                    << QStringLiteral("Basic(realm=a) Bearer(realm=https://t/token,service=s)")
                                    << false;
    QTest::addRow("three challenges, one bare")
        << QByteArray(R"(Basic, Bearer realm="r", Digest realm="d", nonce="n=")")
        << QStringLiteral("Basic() Bearer(realm=r) Digest(nonce=n=,realm=d)") << false;
    QTest::addRow("escapes in quotes") << QByteArray(R"(Basic realm="say \"hi\" \\ there")")
                                       << QStringLiteral(R"(Basic(realm=say "hi" \ there))") << false;
    QTest::addRow("case of scheme and names")
        << QByteArray(R"(BEARER Realm="x", SERVICE=reg)") << QStringLiteral("BEARER(realm=x,service=reg)") << false;
    QTest::addRow("spaces around = and commas")
        << QByteArray(R"(Bearer realm = "x" ,  service= "y")") << QStringLiteral("Bearer(realm=x,service=y)") << false;
    QTest::addRow("empty list elements") << QByteArray(R"(, Basic realm="a",, ,Bearer realm="b",)")
                                         << QStringLiteral("Basic(realm=a) Bearer(realm=b)") << false;
    QTest::addRow("token68") << QByteArray(R"(Negotiate YIIB==, Basic realm="x")")
                             << QStringLiteral("Negotiate(token68=YIIB==) Basic(realm=x)") << false;
    QTest::addRow("token value with dots")
        << QByteArray("Bearer realm=auth.example.org,service=registry.example.org")
        << QStringLiteral("Bearer(realm=auth.example.org,service=registry.example.org)") << false;
    QTest::addRow("empty quoted value") << QByteArray(R"(Basic realm="")") << QStringLiteral("Basic(realm=)") << false;
    QTest::addRow("empty header") << QByteArray() << QString() << false;
    QTest::addRow("only spaces") << QByteArray("   ") << QString() << false;
    QTest::addRow("unterminated quote") << QByteArray(R"(Bearer service="s",realm="abc)")
                                        << QStringLiteral("Bearer(service=s)") << true;
    // RFC 7235: "realm=" alone is a token68 credential, not a parameter without value.
    QTest::addRow("token68 that looks like a parameter")
        << QByteArray("Bearer realm=") << QStringLiteral("Bearer(token68=realm=)") << false;
    QTest::addRow("missing value") << QByteArray(R"(Bearer service="s",realm=)") << QStringLiteral("Bearer(service=s)")
                                   << true;
    QTest::addRow("missing comma") << QByteArray(R"(Bearer realm="a" service="b")") << QStringLiteral("Bearer(realm=a)")
                                   << true;
    QTest::addRow("starts with =") << QByteArray(R"(="x")") << QString() << true;
}

void TestRegistry::challenges()
{
    QFETCH(QByteArray, header);
    QFETCH(QString, expected);
    QFETCH(bool, malformed);
    QString error;
    const QList<AuthChallenge> parsed = WwwAuthenticate::parse(header, &error);
    QCOMPARE(dump(parsed), expected);
    QCOMPARE(!error.isEmpty(), malformed);
}

void TestRegistry::challengesOverSeveralHeaders()
{
    const QList<AuthChallenge> parsed =
        WwwAuthenticate::parse(QList<QByteArray>{R"(Basic realm="a")", R"(Bearer realm="r",service="s")"});
    QCOMPARE(parsed.size(), 2);
    QVERIFY(parsed.at(0).isBasic());
    QVERIFY(parsed.at(1).isBearer());
    QCOMPARE(parsed.at(1).param(QStringLiteral("Service")), QStringLiteral("s"));
}

void TestRegistry::scheme_data()
{
    QTest::addColumn<QString>("registry");
    QTest::addColumn<QStringList>("insecure");
    QTest::addColumn<QString>("expected");

    const QStringList none;
    QTest::addRow("IPv4 loopback with port")
        << QStringLiteral("127.0.0.1:5000") << none << QStringLiteral("http://127.0.0.1:5000");
    QTest::addRow("anywhere in 127/8") << QStringLiteral("127.1.2.3") << none << QStringLiteral("http://127.1.2.3");
    QTest::addRow("localhost") << QStringLiteral("localhost:5000") << none << QStringLiteral("http://localhost:5000");
    QTest::addRow("LocalHost") << QStringLiteral("LocalHost:5000") << none << QStringLiteral("http://localhost:5000");
    QTest::addRow("IPv6 loopback bracketed")
        << QStringLiteral("[::1]:5000") << none << QStringLiteral("http://[::1]:5000");
    QTest::addRow("a public name") << QStringLiteral("registry.example.org") << none
                                   << QStringLiteral("https://registry.example.org");
    QTest::addRow("a name that starts like loopback")
        << QStringLiteral("127.evil.example") << none << QStringLiteral("https://127.evil.example");
    QTest::addRow("localhost as a subdomain")
        << QStringLiteral("localhost.example.org") << none << QStringLiteral("https://localhost.example.org");
    QTest::addRow("private address, not listed")
        << QStringLiteral("10.1.2.3:5000") << none << QStringLiteral("https://10.1.2.3:5000");
    QTest::addRow("private address in a listed range")
        << QStringLiteral("10.1.2.3:5000") << QStringList{QStringLiteral("10.0.0.0/8")}
        << QStringLiteral("http://10.1.2.3:5000");
    QTest::addRow("address outside the listed range")
        << QStringLiteral("192.168.1.1") << QStringList{QStringLiteral("10.0.0.0/8")}
        << QStringLiteral("https://192.168.1.1");
    QTest::addRow("listed host:port") << QStringLiteral("myreg:5000") << QStringList{QStringLiteral("myreg:5000")}
                                      << QStringLiteral("http://myreg:5000");
    QTest::addRow("other port than listed") << QStringLiteral("myreg:5001") << QStringList{QStringLiteral("myreg:5000")}
                                            << QStringLiteral("https://myreg:5001");
    QTest::addRow("listed host, any port")
        << QStringLiteral("myreg:5001") << QStringList{QStringLiteral("myreg")} << QStringLiteral("http://myreg:5001");
    QTest::addRow("a range does not match names")
        << QStringLiteral("myreg") << QStringList{QStringLiteral("0.0.0.0/0")} << QStringLiteral("https://myreg");
    QTest::addRow("docker hub") << QStringLiteral("docker.io") << none
                                << QStringLiteral("https://registry-1.docker.io");
    QTest::addRow("docker hub's index name")
        << QStringLiteral("index.docker.io") << none << QStringLiteral("https://registry-1.docker.io");
}

void TestRegistry::scheme()
{
    QFETCH(QString, registry);
    QFETCH(QStringList, insecure);
    QFETCH(QString, expected);
    QCOMPARE(RegistryHost::baseUrl(registry, insecure), expected);
}

void TestRegistry::dockerHubNames()
{
    QCOMPARE(RegistryHost::repositoryPath(QStringLiteral("docker.io"), QStringLiteral("busybox")),
             QStringLiteral("library/busybox"));
    QCOMPARE(RegistryHost::repositoryPath(QStringLiteral("docker.io"), QStringLiteral("monasca/api")),
             QStringLiteral("monasca/api"));
    QCOMPARE(RegistryHost::repositoryPath(QStringLiteral("127.0.0.1:5000"), QStringLiteral("busybox")),
             QStringLiteral("busybox"));
    QCOMPARE(RegistryHost::hostName(QStringLiteral("[::1]:5000")), QStringLiteral("::1"));
    QCOMPARE(RegistryHost::hostName(QStringLiteral("::1")), QStringLiteral("::1"));
    QVERIFY(RegistryHost::isLoopback(QStringLiteral("::1")));
}

void TestRegistry::rateLimit_data()
{
    QTest::addColumn<QByteArray>("limit");
    QTest::addColumn<QByteArray>("remaining");
    QTest::addColumn<int>("expectedLimit");
    QTest::addColumn<int>("expectedRemaining");
    QTest::addColumn<QString>("text");

    QTest::addRow("docker hub") << QByteArray("100;w=21600") << QByteArray("76;w=21600") << 100 << 76
                                << QStringLiteral("76 of 100 pulls left in 6 h");
    QTest::addRow("no window") << QByteArray("200") << QByteArray("0") << 200 << 0
                               << QStringLiteral("0 of 200 pulls left");
    QTest::addRow("odd window") << QByteArray(" 10 ; w=90") << QByteArray() << 10 << -1
                                << QStringLiteral("limit of 10 pulls in 90 s");
    QTest::addRow("none sent") << QByteArray() << QByteArray() << -1 << -1 << QString();
    QTest::addRow("garbage") << QByteArray("lots") << QByteArray("some") << -1 << -1 << QString();
}

void TestRegistry::rateLimit()
{
    QFETCH(QByteArray, limit);
    QFETCH(QByteArray, remaining);
    QFETCH(int, expectedLimit);
    QFETCH(int, expectedRemaining);
    QFETCH(QString, text);
    const RateLimit rate = RateLimit::fromHeaders(limit, remaining);
    QCOMPARE(rate.limit, expectedLimit);
    QCOMPARE(rate.remaining, expectedRemaining);
    QCOMPARE(rate.text(), text);
}

void TestRegistry::quota()
{
    const RateLimit hub = RateLimit::fromHeaders("100;w=21600", "3;w=21600");
    QCOMPARE(hub.quotaText(QStringLiteral("docker.io")), QStringLiteral("3 pulls left of 100 per 6 h on docker.io"));
    QVERIFY(!hub.wouldCross(3));
    QVERIFY(hub.wouldCross(4));
    QVERIFY(!RateLimit::fromHeaders({}, {}).wouldCross(1000)); // nothing said: nothing to stop for
    QVERIFY(!RateLimit::fromHeaders("100", {}).wouldCross(1000));
}

void TestRegistry::retryAfter_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<qint64>("expected");
    QTest::addRow("seconds") << QByteArray("120") << qint64(120000);
    QTest::addRow("zero") << QByteArray(" 0 ") << qint64(0);
    QTest::addRow("date ahead") << QByteArray("Sat, 05 Dec 2026 08:01:30 GMT") << qint64(90000);
    QTest::addRow("date past") << QByteArray("Sat, 05 Dec 2026 07:00:00 GMT") << qint64(0);
    QTest::addRow("missing") << QByteArray() << qint64(-1);
    QTest::addRow("negative") << QByteArray("-5") << qint64(-1);
    QTest::addRow("garbage") << QByteArray("soon") << qint64(-1);
    QTest::addRow("not IMF") << QByteArray("2026-12-05T08:01:30Z") << qint64(-1);
}

void TestRegistry::retryAfter()
{
    QFETCH(QByteArray, header);
    QFETCH(qint64, expected);
    const QDateTime now(QDate(2026, 12, 5), QTime(8, 0), Qt::UTC);
    QCOMPARE(retryAfterMs(header, now), expected);
}

void TestRegistry::nextLink_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QString>("expected");
    const QString base = QStringLiteral("http://127.0.0.1:5000/v2/monasca/api/tags/list?n=1");
    QTest::addRow("distribution") << QByteArray(R"(</v2/monasca/api/tags/list?last=a&n=1>; rel="next")")
                                  << QStringLiteral("http://127.0.0.1:5000/v2/monasca/api/tags/list?last=a&n=1");
    QTest::addRow("absolute") << QByteArray(R"(<https://other.example/v2/x/tags/list?last=b>; rel=next)")
                              << QStringLiteral("https://other.example/v2/x/tags/list?last=b");
    QTest::addRow("next after prev") << QByteArray(R"(</p?last=0>; rel="prev", </n?last=2>; rel="next")")
                                     << QStringLiteral("http://127.0.0.1:5000/n?last=2");
    QTest::addRow("only prev") << QByteArray(R"(</p?last=0>; rel="prev")") << QString();
    QTest::addRow("none") << QByteArray() << QString();
    QTest::addRow("broken") << QByteArray("</v2/x; rel=\"next\"") << QString();
    Q_UNUSED(base)
}

void TestRegistry::nextLink()
{
    QFETCH(QByteArray, header);
    QFETCH(QString, expected);
    const QUrl base(QStringLiteral("http://127.0.0.1:5000/v2/monasca/api/tags/list?n=1"));
    QCOMPARE(RegistryClient::nextLink(header, base).toString(), expected);
}

void TestRegistry::manifestKinds_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("contentType");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("error");

    QTest::addRow("docker schema 2") << QStringLiteral("docker-manifest.json") << QString()
                                     << int(RegistryManifest::DockerImage) << QString();
    QTest::addRow("OCI manifest without mediaType")
        << QStringLiteral("oci-manifest-no-media-type.json")
        << QStringLiteral("application/vnd.oci.image.manifest.v1+json") << int(RegistryManifest::OciImage) << QString();
    QTest::addRow("OCI manifest, plain JSON content type")
        << QStringLiteral("oci-manifest-no-media-type.json") << QStringLiteral("application/json; charset=utf-8")
        << int(RegistryManifest::OciImage) << QString();
    QTest::addRow("docker manifest list")
        << QStringLiteral("docker-list.json") << QString() << int(RegistryManifest::DockerList) << QString();
    QTest::addRow("OCI index") << QStringLiteral("oci-index-attestation.json") << QString()
                               << int(RegistryManifest::OciIndex) << QString();
    QTest::addRow("schema 1") << QStringLiteral("schema1.json")
                              << QStringLiteral("application/vnd.docker.distribution.manifest.v1+prettyjws")
                              << int(RegistryManifest::Unknown) << QStringLiteral("schema 1");
    QTest::addRow("not JSON") << QStringLiteral("no-such-file") << QString() << int(RegistryManifest::Unknown)
                              << QStringLiteral("not a JSON object");
}

void TestRegistry::manifestKinds()
{
    QFETCH(QString, file);
    QFETCH(QString, contentType);
    QFETCH(int, kind);
    QFETCH(QString, error);
    const QByteArray raw = file == QLatin1String("no-such-file") ? QByteArray("<html>") : fixture(file);
    QString problem;
    const RegistryManifest manifest = RegistryManifest::parse(raw, contentType, &problem);
    QCOMPARE(int(manifest.kind), kind);
    QVERIFY2(error.isEmpty() ? problem.isEmpty() : problem.contains(error), qPrintable(problem));
    QCOMPARE(manifest.digest, RegistryManifest::digestOf(raw));
    QVERIFY(manifest.digest.startsWith(QLatin1String("sha256:")));
    QCOMPARE(manifest.digest.size(), 71);
    if (kind == RegistryManifest::DockerImage) {
        QCOMPARE(manifest.config.digest,
                 QStringLiteral("sha256:3f57d9401f8d42f986df300f0c69192fc41da28ccc8d797829467780db3dd741"));
        QCOMPARE(manifest.layers.size(), 1);
        QCOMPARE(manifest.layers.first().size, 2823648);
    }
}

void TestRegistry::platformChoice()
{
    QString error;
    const RegistryManifest list = RegistryManifest::parse(fixture(QStringLiteral("docker-list.json")), {}, &error);
    QVERIFY(list.isList());
    const Descriptor *amd64 = list.find(QStringLiteral("linux"), QStringLiteral("amd64"));
    QVERIFY(amd64);
    QCOMPARE(amd64->digest, QStringLiteral("sha256:2222222222222222222222222222222222222222222222222222222222222222"));
    QCOMPARE(list.manifests.first().platform(), QStringLiteral("linux/arm/v7"));

    // An index with only arm64 and an attestation entry has no linux/amd64; unknown/unknown never matches.
    const RegistryManifest index =
        RegistryManifest::parse(fixture(QStringLiteral("oci-index-attestation.json")), {}, &error);
    QVERIFY(index.isList());
    QVERIFY(!index.find(QStringLiteral("linux"), QStringLiteral("amd64")));
    QVERIFY(index.find(QStringLiteral("linux"), QStringLiteral("arm64")));
    QVERIFY(RegistryManifest::acceptHeader().contains(MediaType::OciIndex));
    QVERIFY(RegistryManifest::acceptHeader().contains(MediaType::DockerManifestList));
}

void TestRegistry::tokenCacheExpiry()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QString key = TokenCache::key(QStringLiteral("http://t/token"), QStringLiteral("s"), QStringLiteral("scope"));
    TokenCache cache;

    cache.insert(key, QStringLiteral("long"), now, 300, 60, now);
    QCOMPARE(cache.token(key, now.addSecs(200)), QStringLiteral("long"));
    QCOMPARE(cache.token(key, now.addSecs(291)), QString()); // renewed 10 s early

    // A 3 s token is held for the 60 s minimum of the specification, unless the minimum is lowered.
    cache.insert(key, QStringLiteral("short"), now, 3, 60, now);
    QCOMPARE(cache.token(key, now.addSecs(50)), QStringLiteral("short"));
    cache.insert(key, QStringLiteral("short"), now, 3, 0, now);
    QCOMPARE(cache.token(key, now.addMSecs(2000)), QStringLiteral("short"));
    QCOMPARE(cache.token(key, now.addSecs(3)), QString());

    // No expires_in means 60 s.
    cache.insert(key, QStringLiteral("default"), now, 0, 0, now);
    QCOMPARE(cache.token(key, now.addSecs(40)), QStringLiteral("default"));
    QCOMPARE(cache.token(key, now.addSecs(60)), QString());

    // issued_at from a clock an hour off is ignored: the lifetime counts from now.
    cache.insert(key, QStringLiteral("skewed"), now.addSecs(-3600), 300, 0, now);
    QCOMPARE(cache.token(key, now.addSecs(200)), QStringLiteral("skewed"));
    // issued_at a few seconds back is trusted.
    cache.insert(key, QStringLiteral("older"), now.addSecs(-100), 120, 0, now);
    QCOMPARE(cache.token(key, now.addSecs(30)), QString());
}

void TestRegistry::tokenCacheScopes()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    TokenCache cache;
    const QString pull =
        TokenCache::key(QStringLiteral("r"), QStringLiteral("s"), RegistryClient::scope(QStringLiteral("a"), false));
    const QString push =
        TokenCache::key(QStringLiteral("r"), QStringLiteral("s"), RegistryClient::scope(QStringLiteral("a"), true));
    QCOMPARE(RegistryClient::scope(QStringLiteral("a"), true), QStringLiteral("repository:a:pull,push"));
    cache.insert(pull, QStringLiteral("p"), now, 300, 60, now);
    QCOMPARE(cache.token(pull, now), QStringLiteral("p"));
    QCOMPARE(cache.token(push, now), QString());
    cache.remove(pull);
    QCOMPARE(cache.size(), 0);
}

QTEST_GUILESS_MAIN(TestRegistry)
#include "tst_registry.moc"
