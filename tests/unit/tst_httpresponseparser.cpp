// SPDX-License-Identifier: Apache-2.0
#include "engine/httpresponseparser.h"

#include <QtTest>

using namespace mrc;

namespace {

/** What a parse ends with, as one comparable string. */
struct Outcome
{
    bool complete = false;
    int status = 0;
    QByteArray body;
    QString error;
    QByteArray trailers;

    QString dump() const
    {
        return QStringLiteral("complete=%1 status=%2 body=[%3] trailers=[%4] error=[%5]")
            .arg(complete)
            .arg(status)
            .arg(QString::fromLatin1(body), QString::fromLatin1(trailers), error);
    }
};

Outcome parse(const QList<QByteArrayView> &pieces, bool closeAtEnd, bool head = false)
{
    HttpResponseParser parser;
    parser.setHeadRequest(head);
    Outcome out;
    for (QByteArrayView piece : pieces) {
        if (!parser.feed(piece, &out.body))
            break;
    }
    if (closeAtEnd && !parser.hasError())
        parser.finish();
    out.complete = parser.isComplete();
    out.status = parser.status();
    out.error = parser.errorString();
    for (const auto &[name, value] : parser.trailers())
        out.trailers += name + '=' + value + ';';
    return out;
}

} // namespace

class TestHttpResponseParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void splits_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<bool>("closeAtEnd");
        QTest::addColumn<bool>("complete");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("error"); // a part of the message, or empty

        QTest::addRow("content-length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                                      "Content-Length: 15\r\n\r\n{\"Version\":\"x\"}")
                                        << false << true << 200 << QByteArray("{\"Version\":\"x\"}") << QString();
        QTest::addRow("content-length, extra bytes after")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOKjunk") << false << true << 200
            << QByteArray("OK") << QString();
        QTest::addRow("chunked") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                               "5\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\n\r\n")
                                 << false << true << 200 << QByteArray("hello 0123456789") << QString();
        QTest::addRow("chunked, extensions and trailers")
            << QByteArray("HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\nTrailer: X-Sum\r\n\r\n"
                          "3;name=value;q=\"a;b\"\r\nabc\r\n0;last\r\nX-Sum: 42\r\nX-Other:  x \r\n\r\n")
            << false << true << 200 << QByteArray("abc") << QString();
        QTest::addRow("chunked, upper-case hex") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                                               "B\r\nhello world\r\n0\r\n\r\n")
                                                 << false << true << 200 << QByteArray("hello world") << QString();
        QTest::addRow("until close") << QByteArray("HTTP/1.0 200 OK\r\nServer: x\r\n\r\nstream until the end\n") << true
                                     << true << 200 << QByteArray("stream until the end\n") << QString();
        QTest::addRow("interim 100 Continue") << QByteArray("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n"
                                                            "Content-Length: 3\r\n\r\nnew")
                                              << false << true << 201 << QByteArray("new") << QString();
        QTest::addRow("204 has no body") << QByteArray("HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n") << false << true
                                         << 204 << QByteArray() << QString();
        QTest::addRow("bare LF lines") << QByteArray("HTTP/1.1 404 Not Found\nContent-Length: 4\n\nnope") << false
                                       << true << 404 << QByteArray("nope") << QString();
        QTest::addRow("status without reason") << QByteArray("HTTP/1.1 500\r\nContent-Length: 0\r\n\r\n") << false
                                               << true << 500 << QByteArray() << QString();
        QTest::addRow("repeated equal Content-Length")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab") << false << true << 200
            << QByteArray("ab") << QString();

        // Broken and truncated streams: a clean error, never a crash or a hang.
        QTest::addRow("empty, closed") << QByteArray() << true << false << 0 << QByteArray()
                                       << QStringLiteral("before any response");
        QTest::addRow("garbage") << QByteArray("SSH-2.0-OpenSSH_9.2\r\n\r\n") << false << false << 0 << QByteArray()
                                 << QStringLiteral("not an HTTP/1.x response");
        QTest::addRow("bad status code") << QByteArray("HTTP/1.1 2x0 OK\r\n\r\n") << false << false << 0 << QByteArray()
                                         << QStringLiteral("bad HTTP status line");
        QTest::addRow("bad header line") << QByteArray("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n") << false << false
                                         << 200 << QByteArray() << QStringLiteral("bad HTTP header line");
        QTest::addRow("space in header name") << QByteArray("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n") << false << false
                                              << 200 << QByteArray() << QStringLiteral("bad HTTP header name");
        QTest::addRow("folded header") << QByteArray("HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n") << false << false << 200
                                       << QByteArray() << QStringLiteral("folded");
        QTest::addRow("truncated headers") << QByteArray("HTTP/1.1 200 OK\r\nContent-Len") << true << false << 200
                                           << QByteArray() << QStringLiteral("middle of the response headers");
        QTest::addRow("truncated Content-Length body")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345") << true << false << 200
            << QByteArray("12345") << QStringLiteral("closed after 5 of 10 body bytes");
        QTest::addRow("truncated chunked body")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\nwor") << true
            << false << 200 << QByteArray("hellowor") << QStringLiteral("inside the chunked body after 8 bytes");
        QTest::addRow("chunked without the last chunk")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n") << true << false << 200
            << QByteArray("hello") << QStringLiteral("inside the chunked body");
        QTest::addRow("bad chunk size") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                                      "zz\r\nhello\r\n0\r\n\r\n")
                                        << false << false << 200 << QByteArray() << QStringLiteral("bad chunk size");
        QTest::addRow("chunk longer than its size")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "2\r\nhello\r\n0\r\n\r\n")
            << false << false << 200 << QByteArray("he") << QStringLiteral("longer than its size");
        QTest::addRow("huge chunk size") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                                       "ffffffffffffffffffff\r\n")
                                         << false << false << 200 << QByteArray() << QStringLiteral("bad chunk size");
        QTest::addRow("conflicting Content-Length")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc") << false << false
            << 200 << QByteArray() << QStringLiteral("bad Content-Length");
        QTest::addRow("negative Content-Length")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n") << false << false << 200 << QByteArray()
            << QStringLiteral("bad Content-Length");
        QTest::addRow("gzip transfer coding")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n") << false << false << 200
            << QByteArray() << QStringLiteral("unsupported transfer coding");
        QTest::addRow("101 switch") << QByteArray("HTTP/1.1 101 Switching Protocols\r\nUpgrade: tcp\r\n\r\n") << false
                                    << false << 101 << QByteArray() << QStringLiteral("101");
    }

    /** Every way of cutting the input in two, and byte by byte, gives what one piece gives. */
    void splits()
    {
        QFETCH(QByteArray, input);
        QFETCH(bool, closeAtEnd);
        QFETCH(bool, complete);
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QString, error);

        const Outcome whole = parse({input}, closeAtEnd);
        QCOMPARE(whole.complete, complete);
        QCOMPARE(whole.status, status);
        QCOMPARE(whole.body, body);
        if (error.isEmpty())
            QCOMPARE(whole.error, QString());
        else
            QVERIFY2(whole.error.contains(error), qPrintable(whole.error));

        for (qsizetype cut = 0; cut <= input.size(); ++cut) {
            const QByteArrayView view(input);
            const Outcome split = parse({view.first(cut), view.sliced(cut)}, closeAtEnd);
            QVERIFY2(split.dump() == whole.dump(),
                     qPrintable(QStringLiteral("cut at %1: %2").arg(cut).arg(split.dump())));
        }
        QList<QByteArrayView> bytes;
        for (qsizetype i = 0; i < input.size(); ++i)
            bytes.append(QByteArrayView(input).sliced(i, 1));
        QCOMPARE(parse(bytes, closeAtEnd).dump(), whole.dump());
    }

    void headersAndTrailers()
    {
        HttpResponseParser parser;
        QByteArray body;
        QVERIFY(parser.feed("HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nX-A: 1\r\nx-a: 2\r\n"
                            "Transfer-Encoding: chunked\r\n\r\n",
                            &body));
        QVERIFY(parser.headersComplete());
        QVERIFY(!parser.isComplete());
        QCOMPARE(parser.header("API-Version"), QByteArray("1.41"));
        QCOMPARE(parser.header("X-A"), QByteArray("1, 2"));
        QCOMPARE(parser.header("Missing"), QByteArray());
        QCOMPARE(parser.reason(), QByteArray("OK"));
        QVERIFY(parser.isChunked());
        QCOMPARE(parser.contentLength(), -1);
        QVERIFY(parser.feed("0\r\nX-Sum: 42\r\n\r\n", &body));
        QVERIFY(parser.isComplete());
        QCOMPARE(parser.trailers().size(), 1);
        QCOMPARE(parser.trailers().constFirst().second, QByteArray("42"));
        QVERIFY(body.isEmpty());
    }

    void headRequestHasNoBody()
    {
        const Outcome out = parse({"HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"}, false, true);
        QVERIFY(out.complete);
        QVERIFY(out.body.isEmpty());
    }

    void errorsStick()
    {
        HttpResponseParser parser;
        QByteArray body;
        QVERIFY(!parser.feed("garbage\n", &body));
        QVERIFY(parser.hasError());
        QVERIFY(!parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", &body));
        QVERIFY(!parser.finish());
        QVERIFY(parser.errorString().contains(QLatin1String("garbage")));
    }

    void overlongLines()
    {
        HttpResponseParser parser;
        QByteArray body;
        QVERIFY(parser.feed("HTTP/1.1 200 OK\r\nX-Big: ", &body));
        const QByteArray big(70 * 1024, 'x');
        QVERIFY(!parser.feed(big, &body));
        QVERIFY(parser.errorString().contains(QLatin1String("longer than")));
    }

    /** Issue #15 item 11: a chunk size of 16 or more hex digits is refused before it can overflow (UBSan). */
    void item11_chunkSizeDoesNotOverflow()
    {
        for (const QByteArray &size : {QByteArray(16, 'f'), QByteArray("1") + QByteArray(15, '0'), QByteArray(64, 'F'),
                                       QByteArray(15, '0') + "1x"}) {
            HttpResponseParser parser;
            QByteArray body;
            QVERIFY(!parser.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + size + "\r\n", &body));
            QVERIFY2(parser.errorString().contains(QLatin1String("bad chunk size")), qPrintable(parser.errorString()));
        }
        // The largest size that fits is accepted; the body then ends early, which is an error of its own.
        HttpResponseParser parser;
        QByteArray body;
        QVERIFY(parser.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + QByteArray(15, 'f') + "\r\nab",
                            &body));
        QCOMPARE(body, QByteArray("ab"));
        QVERIFY(!parser.finish());
    }
};

QTEST_GUILESS_MAIN(TestHttpResponseParser)
#include "tst_httpresponseparser.moc"
