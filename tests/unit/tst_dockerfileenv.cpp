// SPDX-License-Identifier: Apache-2.0
// Docker's word processing and ENV/ARG evaluation on hand-written Dockerfiles. The same evaluation is checked
// against a real engine's Config.Env in tests/integration/tst_dockerfileenv_engine.cpp.
#include "dockerfile/dockerfileenv.h"

#include <QTest>

using namespace mrc;

class TestDockerfileEnv : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void processWord_data();
    void processWord();
    void processWordErrors_data();
    void processWordErrors();
    void evaluate_data();
    void evaluate();
    void inheritsAndReplacesInPlace();
    void problemsNameTheLine();
};

void TestDockerfileEnv::processWord_data()
{
    QTest::addColumn<QString>("word");
    QTest::addColumn<QString>("expected");
    QTest::addRow("plain") << "abc"
                           << "abc";
    QTest::addRow("dollar var") << "x$A-y"
                                << "x1-y";
    QTest::addRow("braces") << "${A}b"
                            << "1b";
    QTest::addRow("unset is empty") << "[$NOPE]"
                                    << "[]";
    QTest::addRow("default unset") << "${NOPE:-dflt}"
                                   << "dflt";
    QTest::addRow("default empty") << "${EMPTY:-dflt}"
                                   << "dflt";
    QTest::addRow("default set") << "${A:-dflt}"
                                 << "1";
    QTest::addRow("plus set") << "${A:+alt}"
                              << "alt";
    QTest::addRow("plus unset") << "${NOPE:+alt}"
                                << "";
    QTest::addRow("nested default") << "${NOPE:-$A$A}"
                                    << "11";
    QTest::addRow("double quotes keep spaces") << "\"a  b\""
                                               << "a  b";
    QTest::addRow("double quotes expand") << "\"$A x\""
                                          << "1 x";
    QTest::addRow("single quotes are literal") << "'$A \\n'"
                                               << "$A \\n";
    QTest::addRow("escaped dollar") << "\\$A"
                                    << "$A";
    QTest::addRow("escaped quote in double") << "\"a\\\"b\""
                                             << "a\"b";
    QTest::addRow("other escape in double stays") << "\"a\\nb\""
                                                  << "a\\nb";
    QTest::addRow("escape outside quotes") << "a\\ b"
                                           << "a b";
    QTest::addRow("lone dollar") << "a$"
                                 << "a$";
    QTest::addRow("dollar before space") << "a$ b"
                                         << "a$ b";
    QTest::addRow("digit name") << "$1x"
                                << "x";
    QTest::addRow("percent format") << "\"%(asctime)s [%(process)d]\""
                                    << "%(asctime)s [%(process)d]";
    QTest::addRow("mixed quotes") << "'%(h)s \"%(f)s\"' x"
                                  << "%(h)s \"%(f)s\" x";
    QTest::addRow("trailing escape dropped") << "ab\\"
                                             << "ab";
    QTest::addRow("question set") << "${A?must}"
                                  << "1";
}

void TestDockerfileEnv::processWord()
{
    QFETCH(QString, word);
    QFETCH(QString, expected);
    const DockerfileEnv::Lookup lookup = [](const QString &name) -> std::optional<QString> {
        if (name == QLatin1String("A"))
            return QStringLiteral("1");
        if (name == QLatin1String("EMPTY"))
            return QString();
        return std::nullopt;
    };
    QString error;
    const auto result = DockerfileEnv::processWord(word, lookup, QLatin1Char('\\'), &error);
    QVERIFY2(result.has_value(), qPrintable(error));
    QCOMPARE(*result, expected);
}

void TestDockerfileEnv::processWordErrors_data()
{
    QTest::addColumn<QString>("word");
    QTest::addColumn<QString>("message");
    QTest::addRow("unclosed double") << "\"abc"
                                     << "matching double-quote";
    QTest::addRow("unclosed single") << "'abc"
                                     << "matching single-quote";
    QTest::addRow("bad substitution") << "${:x}"
                                      << "bad substitution";
    QTest::addRow("missing brace") << "${A:-x"
                                   << "missing '}'";
    QTest::addRow("bad modifier") << "${A:=x}"
                                  << "unsupported modifier";
    QTest::addRow("required unset") << "${NOPE:?needed}"
                                    << "NOPE: needed";
    QTest::addRow("no colon") << "${A-x}"
                              << "missing ':'";
}

void TestDockerfileEnv::processWordErrors()
{
    QFETCH(QString, word);
    QFETCH(QString, message);
    const DockerfileEnv::Lookup lookup = [](const QString &name) -> std::optional<QString> {
        return name == QLatin1String("A") ? std::optional<QString>(QStringLiteral("1")) : std::nullopt;
    };
    QString error;
    QVERIFY(!DockerfileEnv::processWord(word, lookup, QLatin1Char('\\'), &error).has_value());
    QVERIFY2(error.contains(message), qPrintable(error));
}

void TestDockerfileEnv::evaluate_data()
{
    QTest::addColumn<QByteArray>("dockerfile");
    QTest::addColumn<QStringList>("env");
    QTest::addRow("new form") << QByteArray("FROM x\nENV A=1 B=\"two words\" C='$A'\n")
                              << QStringList{"A=1", "B=two words", "C=$A"};
    QTest::addRow("legacy form keeps the rest")
        << QByteArray("FROM x\nENV A  hello   world\n") << QStringList{"A=hello   world"};
    QTest::addRow("legacy form unquotes") << QByteArray("FROM x\nENV A \"q\" b\n") << QStringList{"A=q b"};
    QTest::addRow("continuations") << QByteArray("FROM x\nENV \\\n    A=1 \\\n    # a comment\n    B=2\n")
                                   << QStringList{"A=1", "B=2"};
    QTest::addRow("same instruction sees the old value")
        << QByteArray("FROM x\nENV A=old\nENV A=new B=$A\n") << QStringList{"A=new", "B=old"};
    QTest::addRow("arg default feeds env") << QByteArray("FROM x\nARG V=3\nENV W=v$V\n") << QStringList{"W=v3"};
    QTest::addRow("env wins over arg") << QByteArray("FROM x\nARG V=arg\nENV V=env\nENV W=$V\n")
                                       << QStringList{"V=env", "W=env"};
    QTest::addRow("meta arg needs redeclaring")
        << QByteArray("ARG G=global\nFROM x\nENV A=[$G]\nARG G\nENV B=[$G]\n") << QStringList{"A=[]", "B=[global]"};
    QTest::addRow("arg without value is empty")
        << QByteArray("FROM x\nARG N\nENV A=[${N:-d}]\n") << QStringList{"A=[d]"};
    QTest::addRow("last stage only") << QByteArray("FROM x AS one\nENV A=1\nFROM y\nENV B=2\n") << QStringList{"B=2"};
    QTest::addRow("stage inherits stage")
        << QByteArray("FROM x AS one\nENV A=1\nFROM one\nENV B=$A\n") << QStringList{"A=1", "B=1"};
    QTest::addRow("escape directive") << QByteArray("# escape=`\nFROM x\nENV A=a`$B C=\"q`\"q\"\n")
                                      << QStringList{"A=a$B", "C=q\"q"};
    QTest::addRow("onbuild is not applied") << QByteArray("FROM x\nONBUILD ENV A=1\n") << QStringList{};
    QTest::addRow("empty value") << QByteArray("FROM x\nENV A= B=\"\"\n") << QStringList{"A=", "B="};
    QTest::addRow("key expanded") << QByteArray("FROM x\nARG K=name\nENV ${K}_X=1\n") << QStringList{"name_X=1"};
}

void TestDockerfileEnv::evaluate()
{
    QFETCH(QByteArray, dockerfile);
    QFETCH(QStringList, env);
    const DockerfileEnvResult result =
        DockerfileEnv::evaluate(Dockerfile::parse(dockerfile, QStringLiteral("Dockerfile")));
    QVERIFY2(result.problems.isEmpty(), qPrintable(result.problems.value(0).message));
    QCOMPARE(result.toStrings(), env);
}

void TestDockerfileEnv::inheritsAndReplacesInPlace()
{
    const QList<DockerfileEnvVar> base{{QStringLiteral("PATH"), QStringLiteral("/bin"), 0},
                                       {QStringLiteral("LANG"), QStringLiteral("C"), 0}};
    const auto result = DockerfileEnv::evaluate(
        Dockerfile::parse("FROM base\nENV NEW=1 PATH=/opt:$PATH\n", QStringLiteral("Dockerfile")), base);
    QCOMPARE(result.toStrings(), (QStringList{"PATH=/opt:/bin", "LANG=C", "NEW=1"}));
    QCOMPARE(result.env.at(0).line, 2);
    QCOMPARE(result.env.at(1).line, 0);
}

void TestDockerfileEnv::problemsNameTheLine()
{
    const auto result = DockerfileEnv::evaluate(
        Dockerfile::parse("FROM x\n\nENV A=\"open\nENV B=2 C\n", QStringLiteral("docker/Dockerfile")));
    QCOMPARE(result.problems.size(), 2);
    QVERIFY2(result.problems.at(0).message.startsWith(QLatin1String("docker/Dockerfile:3:")),
             qPrintable(result.problems.at(0).message));
    QCOMPARE(result.problems.at(1).line, 4);
    QVERIFY(result.problems.at(1).message.contains(QLatin1String("can't find =")));
    QCOMPARE(result.toStrings(), QStringList{});
}

QTEST_GUILESS_MAIN(TestDockerfileEnv)
#include "tst_dockerfileenv.moc"
