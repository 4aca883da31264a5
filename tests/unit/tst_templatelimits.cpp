// SPDX-License-Identifier: Apache-2.0
// Issue #15, item 9: the Jinja2 helper (real python3 + python3-jinja2) is bounded in memory, output and context
// expansion. Each hostile input ends fast, with a clear message at its line, and the helper stays small.
#include "render/templaterenderer.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTest>

using namespace mrc;

namespace {

// The helper's peak resident memory in MB, from /proc (VmHWM); -1 when unknown.
int peakMegabytes(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return int(line.mid(6).trimmed().split(' ').value(0).toLongLong() / 1024);
    }
    return -1;
}

// 342 bytes that expand to 10^9 strings.
const char *const aliasBomb = "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n"
                              "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                              "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                              "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
                              "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
                              "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
                              "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
                              "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
                              "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";

} // namespace

class TestTemplateLimits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void item9_helperRunsWithAnAddressSpaceLimit();
    void item9_hugeStringStopsAtTheOutputCap();
    void item9_endlessLoopOutputStopsAtItsLine();
    void item9_yamlAliasBombContextIsRefused();
    void item9_yamlAliasBombInContextValuesIsRefused();
    void item9_ordinaryTemplatesStillRender();

private:
    TemplateRenderer m_renderer;
    QElapsedTimer m_clock;
};

void TestTemplateLimits::initTestCase()
{
    QString error;
    if (!m_renderer.start(&error)) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL(qPrintable(error));
        QSKIP(qPrintable(error + QStringLiteral(" (packaging/install-deps installs python3-jinja2)")));
    }
    // Before the limits, these inputs ran into the timeout; ten seconds tell the two apart.
    m_renderer.setTimeout(10000);
}

void TestTemplateLimits::init()
{
    m_clock.start();
}

void TestTemplateLimits::item9_helperRunsWithAnAddressSpaceLimit()
{
    QVERIFY(m_renderer.start());
    QFile limits(QStringLiteral("/proc/%1/limits").arg(m_renderer.processId()));
    QVERIFY(limits.open(QIODevice::ReadOnly));
    const QByteArray text = limits.readAll();
    const qsizetype at = text.indexOf("Max address space");
    QVERIFY(at >= 0);
    const QList<QByteArray> fields = text.mid(at + 17, text.indexOf('\n', at) - at - 17).simplified().split(' ');
    QCOMPARE(fields.value(0), QByteArray::number(512LL * 1024 * 1024));
}

void TestTemplateLimits::item9_hugeStringStopsAtTheOutputCap()
{
    const RenderResult result =
        m_renderer.render({QStringLiteral("big.j2"), QStringLiteral("line one\n{{ \"a\"*3*10**8 }}\n"), {}});
    QCOMPARE(result.status, RenderResult::Error);
    QCOMPARE(result.problems.size(), 1);
    QVERIFY2(result.problems[0].message.contains(QLatin1String("template output over 8 MB")),
             qPrintable(result.problems[0].message));
    QCOMPARE(result.problems[0].line, 2);
    QVERIFY2(m_clock.elapsed() < 5000, qPrintable(QString::number(m_clock.elapsed())));
    const int peak = peakMegabytes(m_renderer.processId());
    QVERIFY2(peak > 0 && peak < 200, qPrintable(QString::number(peak)));
}

void TestTemplateLimits::item9_endlessLoopOutputStopsAtItsLine()
{
    const RenderResult result = m_renderer.render(
        {QStringLiteral("loop.j2"),
         QStringLiteral("a\nb\n{% for i in range(100000) %}{% for j in range(100000) %}0123456789{% endfor %}"
                        "{% endfor %}\n"),
         {}});
    QCOMPARE(result.status, RenderResult::Error);
    QCOMPARE(result.problems.size(), 1);
    QVERIFY2(result.problems[0].message.contains(QLatin1String("template output over 8 MB")),
             qPrintable(result.problems[0].message));
    QCOMPARE(result.problems[0].line, 3);
    QVERIFY(result.output.isEmpty());
    QVERIFY2(m_clock.elapsed() < 8000, qPrintable(QString::number(m_clock.elapsed())));
    const int peak = peakMegabytes(m_renderer.processId());
    QVERIFY2(peak > 0 && peak < 200, qPrintable(QString::number(peak)));
}

void TestTemplateLimits::item9_yamlAliasBombContextIsRefused()
{
    RenderRequest request{QStringLiteral("ctx.j2"), QStringLiteral("{{ i | length }}\n"), {}};
    request.context = QString::fromLatin1(aliasBomb);
    const RenderResult result = m_renderer.render(request);
    QCOMPARE(result.status, RenderResult::Error);
    QCOMPARE(result.problems.size(), 1);
    QCOMPARE(result.problems[0].kind, RenderProblem::Context);
    QVERIFY2(result.problems[0].message.contains(QLatin1String("expands to over 100000 values")),
             qPrintable(result.problems[0].message));
    QVERIFY(result.problems[0].line >= 1 && result.problems[0].line <= 9);
    QVERIFY2(m_clock.elapsed() < 5000, qPrintable(QString::number(m_clock.elapsed())));
    const int peak = peakMegabytes(m_renderer.processId());
    QVERIFY2(peak > 0 && peak < 200, qPrintable(QString::number(peak)));
}

void TestTemplateLimits::item9_yamlAliasBombInContextValuesIsRefused()
{
    // mrc render --context FILE reads the file's values this way first.
    QString error;
    const auto values = m_renderer.contextValues({}, QString::fromLatin1(aliasBomb), &error);
    QVERIFY(!values);
    QVERIFY2(error.contains(QLatin1String("expands to over 100000 values")) && error.contains(QLatin1String("(line ")),
             qPrintable(error));
    QVERIFY2(m_clock.elapsed() < 5000, qPrintable(QString::number(m_clock.elapsed())));
}

void TestTemplateLimits::item9_ordinaryTemplatesStillRender()
{
    RenderRequest request{QStringLiteral("ok.j2"),
                          QStringLiteral("{{ A }} {{ 2**10 }} {{ 'ab'*3 }} {{ [1]+[2] }} {{ x.y }}"),
                          {{QStringLiteral("A"), QStringLiteral("a")}}};
    request.context = QStringLiteral("x: &x {y: 7}\nz: [*x, *x]\n");
    const RenderResult result = m_renderer.render(request);
    QCOMPARE(result.status, RenderResult::Ok);
    QCOMPARE(result.output, QStringLiteral("a 1024 ababab [1, 2] 7\n"));
}

QTEST_GUILESS_MAIN(TestTemplateLimits)
#include "tst_templatelimits.moc"
