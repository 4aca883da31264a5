// SPDX-License-Identifier: Apache-2.0
// The Jinja2 helper through TemplateRenderer (real python3 + python3-jinja2), the line diff, and the highlighter.
#include "highlight/highlighter.h"
#include "render/linediff.h"
#include "render/templaterenderer.h"
#include "render/templatevariables.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTest>
#include <signal.h>

using namespace mrc;

class TestRender : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void templerSemantics_data();
    void templerSemantics();
    void strictListsEveryUndefined();
    void brokenTemplatesReportTheirLine_data();
    void brokenTemplatesReportTheirLine();
    void sandboxRefuses_data();
    void sandboxRefuses();
    void contextFileAndOverrides();
    void restartsADeadHelper();
    void rendersInMilliseconds();
    void variablesComeFromBothDockerfiles();
    void lineDiff();
    void syntaxFromFileName_data();
    void syntaxFromFileName();
    void highlightsWithLineNumbers();
    void plainWhenNoHighlighter();

private:
    TemplateRenderer m_renderer;
};

void TestRender::initTestCase()
{
    QString error;
    QVERIFY2(m_renderer.start(&error), qPrintable(error));
    QVERIFY(!m_renderer.jinjaVersion().isEmpty());
}

void TestRender::templerSemantics_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<bool>("ignore");
    QTest::addColumn<QString>("output");
    QTest::addRow("newline appended") << "a={{ A }}" << false << "a=1\n";
    QTest::addRow("trailing newline dropped then one appended") << "a={{ A }}\n" << false << "a=1\n";
    QTest::addRow("under env too") << "{{ env.A }}{{ env['B'] }}" << false << "1two\n";
    QTest::addRow("default filter") << "{{ NOPE | default('d') }}" << false << "d\n";
    QTest::addRow("defined test") << "{% if NOPE is defined %}y{% else %}n{% endif %}" << false << "n\n";
    QTest::addRow("ignore undefined") << "[{{ NOPE }}][{{ NOPE.x }}]" << true << "[][]\n";
    QTest::addRow("mandatory passes defined") << "{{ A | mandatory('need A') }}" << false << "1\n";
    QTest::addRow("mandatory silent when ignoring") << "[{{ NOPE | mandatory('need') }}]" << true << "[]\n";
    QTest::addRow("values are strings") << "{{ A + A }}" << false << "11\n";
}

void TestRender::templerSemantics()
{
    QFETCH(QString, source);
    QFETCH(bool, ignore);
    QFETCH(QString, output);
    RenderRequest request;
    request.name = QStringLiteral("t.j2");
    request.source = source;
    request.variables = {{QStringLiteral("A"), QStringLiteral("1")}, {QStringLiteral("B"), QStringLiteral("two")}};
    request.ignoreUndefined = ignore;
    const RenderResult result = m_renderer.render(request);
    QVERIFY2(result.ok(), qPrintable(result.problems.value(0).message));
    QCOMPARE(result.output, output);
}

void TestRender::strictListsEveryUndefined()
{
    RenderRequest request;
    request.source = QStringLiteral(
        "a={{ A }}\nb={{ ONE }}\n{% if TWO %}\nx\n{% endif %}\nc={{ THREE | mandatory('THREE is needed') }}\n");
    request.variables = {{QStringLiteral("A"), QStringLiteral("1")}};
    const RenderResult result = m_renderer.render(request);
    QCOMPARE(result.status, RenderResult::Undefined);
    QVERIFY(result.partial);
    QStringList found;
    for (const RenderProblem &p : result.problems)
        found.append(QStringLiteral("%1:%2").arg(p.line).arg(p.message));
    QCOMPARE(found, (QStringList{"2:'ONE' is undefined", "3:'TWO' is undefined", "6:THREE is needed"}));
    QVERIFY(result.output.startsWith(QLatin1String("a=1\nb=\n")));
}

void TestRender::brokenTemplatesReportTheirLine_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("message");
    QTest::addRow("unclosed block") << "a\n{% if A %}\nb\n{% for x in A %}{% endfor %}\nc\n"
                                    << int(RenderProblem::Syntax) << 2 << "endif";
    QTest::addRow("unclosed for") << "a\n{% for x in A %}\n{{ x }}\n" << int(RenderProblem::Syntax) << 2 << "endfor";
    QTest::addRow("unknown filter") << "a\n\n{{ A | shout }}\n"
                                    << int(RenderProblem::Syntax) << 3 << "No filter named 'shout'";
    QTest::addRow("unknown tag") << "{% frobnicate %}" << int(RenderProblem::Syntax) << 1 << "frobnicate";
    QTest::addRow("undefined in strict mode")
        << "a\nb\n{{ MISSING }}" << int(RenderProblem::Undefined) << 3 << "'MISSING' is undefined";
    QTest::addRow("type error") << "a\n{{ 1 + A }}" << int(RenderProblem::Error) << 2 << "TypeError";
}

void TestRender::brokenTemplatesReportTheirLine()
{
    QFETCH(QString, source);
    QFETCH(int, kind);
    QFETCH(int, line);
    QFETCH(QString, message);
    RenderRequest request;
    request.source = source;
    request.variables = {{QStringLiteral("A"), QStringLiteral("1")}};
    const RenderResult result = m_renderer.render(request);
    QVERIFY(!result.ok());
    QVERIFY(!result.problems.isEmpty());
    QCOMPARE(int(result.problems.first().kind), kind);
    QCOMPARE(result.problems.first().line, line);
    QVERIFY2(result.problems.first().message.contains(message), qPrintable(result.problems.first().message));
}

void TestRender::sandboxRefuses_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("message");
    QTest::addRow("class walk") << "{{ ''.__class__.__mro__[1].__subclasses__() }}"
                                << "unsafe";
    QTest::addRow("globals of a function") << "{{ cycler.__init__.__globals__ }}"
                                           << "unsafe";
    QTest::addRow("include a file") << "{% include '/etc/passwd' %}"
                                    << "no loader";
    QTest::addRow("import a file") << "{% import '/etc/passwd' as p %}"
                                   << "no loader";
    QTest::addRow("no open builtin") << "{{ open('/etc/passwd').read() }}"
                                     << "undefined";
    QTest::addRow("format string attack") << "{{ '{0.__class__}'.format(A) }}"
                                          << "unsafe";
}

void TestRender::sandboxRefuses()
{
    QFETCH(QString, source);
    QFETCH(QString, message);
    RenderRequest request;
    request.source = source;
    request.variables = {{QStringLiteral("A"), QStringLiteral("1")}};
    const RenderResult result = m_renderer.render(request);
    QVERIFY2(!result.ok(), qPrintable(result.output));
    QVERIFY(!result.output.contains(QLatin1String("root:")));
    QVERIFY2(result.problems.value(0).message.contains(message), qPrintable(result.problems.value(0).message));
}

void TestRender::contextFileAndOverrides()
{
    TemplateVariables variables;
    variables.setDockerfiles({}, {}, "FROM x\nENV PORT=80 HOST=h\n", QStringLiteral("Dockerfile"));
    const QString context = QStringLiteral("extra: from-context\nHOST: ctx\ndefaults:\n  WORKERS: 4\n");
    QString error;
    const auto values = m_renderer.contextValues(variables.environment(), context, &error);
    QVERIFY2(values.has_value(), qPrintable(error));
    QCOMPARE(values->value(QStringLiteral("extra")), QStringLiteral("from-context"));
    QCOMPARE(values->value(QStringLiteral("WORKERS")), QStringLiteral("4"));
    variables.setContext(context, QStringLiteral("ctx.yaml"), *values);
    variables.setUser(QStringLiteral("PORT"), QStringLiteral("8080"));

    const RenderResult result = m_renderer.render(variables.request(
        QStringLiteral("t.j2"), QStringLiteral("{{ PORT }} {{ HOST }} {{ env.HOST }} {{ extra }} {{ WORKERS + 1 }}")));
    QVERIFY2(result.ok(), qPrintable(result.problems.value(0).message));
    QCOMPARE(result.output, QStringLiteral("8080 ctx h from-context 5\n"));

    QStringList sources;
    for (const TemplateVariable &row : variables.rows())
        sources.append(row.name + QLatin1Char('=') + row.value + QLatin1Char('@') + row.sourceText());
    QCOMPARE(sources, (QStringList{"HOST=ctx@context file ctx.yaml", "PORT=8080@user",
                                   "WORKERS=4@context file ctx.yaml", "extra=from-context@context file ctx.yaml"}));
    variables.resetUser(QStringLiteral("PORT"));
    QCOMPARE(variables.rows().at(1).sourceText(), QStringLiteral("Dockerfile:2"));

    const auto broken = m_renderer.contextValues({}, QStringLiteral("a: [1\n"), &error);
    QVERIFY(!broken.has_value());
    QVERIFY2(error.contains(QLatin1String("YAML")), qPrintable(error));
}

void TestRender::restartsADeadHelper()
{
    TemplateRenderer renderer;
    RenderRequest request;
    request.source = QStringLiteral("x");
    QVERIFY(renderer.render(request).ok());
    const qint64 pid = renderer.processId();
    QVERIFY(pid > 0);
    ::kill(pid_t(pid), SIGKILL);
    QTRY_VERIFY(QProcess::execute(QStringLiteral("sh"),
                                  {QStringLiteral("-c"), QStringLiteral("kill -0 %1 2>/dev/null").arg(pid)}) != 0);
    const RenderResult again = renderer.render(request);
    QVERIFY2(again.ok(), qPrintable(again.problems.value(0).message));
    QCOMPARE(renderer.starts(), 2);
    QVERIFY(renderer.processId() != pid);
}

void TestRender::rendersInMilliseconds()
{
    RenderRequest request;
    request.variables = {{QStringLiteral("A"), QStringLiteral("1")}};
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < 200; ++i) {
        request.source = QStringLiteral("line %1 {{ A }}\n{% for x in range(3) %}{{ x }}{% endfor %}").arg(i);
        QVERIFY(m_renderer.render(request).ok());
    }
    const double perTemplate = double(timer.elapsed()) / 200;
    qInfo("%.2f ms per template", perTemplate);
    QVERIFY2(perTemplate < 25, qPrintable(QString::number(perTemplate)));
    QCOMPARE(m_renderer.starts(), 1);
}

void TestRender::variablesComeFromBothDockerfiles()
{
    TemplateVariables variables;
    variables.setDockerfiles("FROM python\nENV BASE_ONLY=b SHARED=base\n", QStringLiteral("base/Dockerfile"),
                             "ARG TAG=x\nFROM monasca/base:$TAG\nENV SHARED=child OWN=o\n",
                             QStringLiteral("docker/Dockerfile"));
    QStringList rows;
    for (const TemplateVariable &row : variables.rows())
        rows.append(row.name + QLatin1Char('=') + row.value + QLatin1Char('@') + row.sourceText());
    QCOMPARE(rows, (QStringList{"BASE_ONLY=b@base base/Dockerfile:2", "OWN=o@docker/Dockerfile:3",
                                "SHARED=child@docker/Dockerfile:3"}));
}

void TestRender::lineDiff()
{
    const auto lines = LineDiff::compute(QStringLiteral("a\nb\nc\nd"), QStringLiteral("a\nB\nc\nd\ne"));
    QCOMPARE(LineDiff::toText(lines), QStringLiteral("  a\n- b\n+ B\n  c\n  d\n+ e\n"));
    QCOMPARE(LineDiff::changes(lines), 3);
    QCOMPARE(lines.at(2).rightLine, 2);
    QCOMPARE(LineDiff::changes(LineDiff::compute(QStringLiteral("same"), QStringLiteral("same"))), 0);
}

void TestRender::syntaxFromFileName_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("syntax");
    QTest::addRow("ini template") << "docker/api-config.ini.j2"
                                  << "Jinja2 (INI Files)";
    QTest::addRow("conf template") << "monasca-api.conf.j2"
                                   << "Jinja2 (INI Files)";
    QTest::addRow("yaml template") << "templates/zk.yaml.j2"
                                   << "Jinja2 (YAML)";
    QTest::addRow("rendered ini") << "api-config.ini"
                                  << "INI Files";
    QTest::addRow("dockerfile") << "docker/Dockerfile"
                                << "Dockerfile";
    QTest::addRow("manifest") << "release.yaml"
                              << "YAML";
    QTest::addRow("unknown template") << "motd.j2"
                                      << "Jinja2 Placeholders";
    QTest::addRow("unknown") << "README"
                             << "None";
}

void TestRender::syntaxFromFileName()
{
    QFETCH(QString, file);
    QFETCH(QString, syntax);
    QCOMPARE(Highlighter::syntaxFor(file), syntax);
}

void TestRender::highlightsWithLineNumbers()
{
    qunsetenv("MRC_HIGHLIGHTER");
    QVERIFY2(!Highlighter::toolPath().isEmpty(), "kate-syntax-highlighter (libkf5syntaxhighlighting-tools) is needed");
    const QString text = QStringLiteral("[DEFAULT]\nport = {{ PORT }}\n{% if X %}\nx = 1\n{% endif %}\n");
    const HighlightResult result = Highlighter::highlight(text, QStringLiteral("api.ini.j2"), false);
    QVERIFY2(result.highlighted, qPrintable(result.notice));
    QCOMPARE(result.syntax, QStringLiteral("Jinja2 (INI Files)"));
    QVERIFY(result.html.contains(QLatin1String("<span")));
    QVERIFY(result.html.contains(QLatin1String(">5 </span>")));
    QVERIFY(!result.html.contains(QLatin1String(">6 </span>")));
    const int hits = Highlighter::cacheHits();
    QCOMPARE(Highlighter::highlight(text, QStringLiteral("api.ini.j2"), false).html, result.html);
    QCOMPARE(Highlighter::cacheHits(), hits + 1);
    const HighlightResult dark = Highlighter::highlight(text, QStringLiteral("api.ini.j2"), true);
    QVERIFY(dark.html != result.html);
}

void TestRender::plainWhenNoHighlighter()
{
    qputenv("MRC_HIGHLIGHTER", "");
    const HighlightResult result = Highlighter::highlight(QStringLiteral("a < b\nc"), QStringLiteral("x.txt"), false);
    qunsetenv("MRC_HIGHLIGHTER");
    QVERIFY(!result.highlighted);
    QVERIFY(result.notice.startsWith(QLatin1String("Plain text")));
    QVERIFY(result.html.contains(QLatin1String("a &lt; b")));
    QVERIFY(result.html.contains(QLatin1String("2 </span>c")));
}

QTEST_GUILESS_MAIN(TestRender)
#include "tst_render.moc"
