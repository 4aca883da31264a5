// SPDX-License-Identifier: Apache-2.0
#include "common/sharedcorpus.h"
#include "dockerfile/dockerfile.h"

#include <QDirIterator>
#include <QFile>
#include <QTest>

using namespace mrc;

namespace {

/** One line per instruction: "KEYWORD first-last [flags] json|shell: arguments". */
QStringList dump(const Dockerfile &df)
{
    QStringList out;
    for (const DockerfileInstruction &inst : df.instructions) {
        QString line = QStringLiteral("%1 %2-%3").arg(inst.keyword).arg(inst.firstLine).arg(inst.lastLine);
        if (!inst.flags.isEmpty())
            line += QStringLiteral(" [%1]").arg(inst.flags.join(QLatin1Char(' ')));
        if (inst.jsonForm)
            line += QStringLiteral(" json: ") + inst.json.join(QLatin1Char('|'));
        else
            line += QStringLiteral(" shell: ") + inst.arguments;
        out << line;
    }
    return out;
}

QStringList dumpProblems(const Dockerfile &df)
{
    QStringList out;
    for (const DockerfileProblem &p : df.problems)
        out << QStringLiteral("%1:%2 %3 %4")
                   .arg(p.line)
                   .arg(p.column)
                   .arg(p.isError() ? "error" : "warning", p.message);
    return out;
}

} // namespace

class TestDockerfileParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parse_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QStringList>("instructions");
        QTest::addColumn<QStringList>("problems");

        QTest::addRow("simple") << QByteArray("FROM alpine:3.19\nRUN echo hi\n")
                                << QStringList{"FROM 1-1 shell: alpine:3.19", "RUN 2-2 shell: echo hi"}
                                << QStringList{};
        QTest::addRow("lower case keyword and CRLF")
            << QByteArray("from alpine\r\nrun true\r\n") << QStringList{"FROM 1-1 shell: alpine", "RUN 2-2 shell: true"}
            << QStringList{};
        QTest::addRow("continuation") << QByteArray("RUN a && \\\n    b && \\\n    c\nCMD x\n")
                                      << QStringList{"RUN 1-3 shell: a &&     b &&     c", "CMD 4-4 shell: x"}
                                      << QStringList{};
        QTest::addRow("blanks after the escape")
            << QByteArray("RUN a \\  \n b\n") << QStringList{"RUN 1-2 shell: a  b"} << QStringList{};
        QTest::addRow("comment inside continuation") << QByteArray("RUN apk add \\\n    # why\n    tini\n")
                                                     << QStringList{"RUN 1-3 shell: apk add     tini"} << QStringList{};
        QTest::addRow("indented comment lines")
            << QByteArray("  # a comment\nFROM x\n") << QStringList{"FROM 2-2 shell: x"} << QStringList{};
        QTest::addRow("hash inside arguments is not a comment")
            << QByteArray("RUN echo a # b\n") << QStringList{"RUN 1-1 shell: echo a # b"} << QStringList{};
        QTest::addRow("escape directive backtick")
            << QByteArray("# escape=`\nFROM x\nRUN a `\n    b\nRUN c \\\nRUN d\n")
            << QStringList{"FROM 2-2 shell: x", "RUN 3-4 shell: a     b", "RUN 5-5 shell: c \\", "RUN 6-6 shell: d"}
            << QStringList{};
        QTest::addRow("directive after an instruction is a comment")
            << QByteArray("FROM x\n# escape=`\nRUN a `\nRUN b\n")
            << QStringList{"FROM 1-1 shell: x", "RUN 3-3 shell: a `", "RUN 4-4 shell: b"} << QStringList{};
        QTest::addRow("directive after a blank line is a comment")
            << QByteArray("\n# escape=`\nRUN a \\\n b\n") << QStringList{"RUN 3-4 shell: a  b"} << QStringList{};
        QTest::addRow("syntax directive then escape")
            << QByteArray("# syntax=docker/dockerfile:1\n# escape=`\nRUN a `\n b\n")
            << QStringList{"RUN 3-4 shell: a  b"} << QStringList{};
        QTest::addRow("bad escape token") << QByteArray("# escape=x\nFROM x\n") << QStringList{"FROM 2-2 shell: x"}
                                          << QStringList{"1:1 error invalid escape token 'x' does not match ` or \\"};
        QTest::addRow("repeated directive")
            << QByteArray("# escape=\\\n# escape=`\nFROM x\n") << QStringList{"FROM 3-3 shell: x"}
            << QStringList{"2:1 error only one escape parser directive can be used"};
        QTest::addRow("json form") << QByteArray("CMD [\"/start.sh\"]\nENTRYPOINT [\"/sbin/tini\", \"-s\", \"--\"]\n")
                                   << QStringList{"CMD 1-1 json: /start.sh", "ENTRYPOINT 2-2 json: /sbin/tini|-s|--"}
                                   << QStringList{};
        QTest::addRow("json across lines") << QByteArray("SHELL [\"/bin/ash\", \\\n \"-c\"]\n")
                                           << QStringList{"SHELL 1-2 json: /bin/ash|-c"} << QStringList{};
        QTest::addRow("bad json is shell form")
            << QByteArray("CMD ['/start.sh']\n") << QStringList{"CMD 1-1 shell: ['/start.sh']"}
            << QStringList{"1:1 warning CMD starts with '[' but is not a JSON array of strings; Docker runs it in "
                           "shell form"};
        QTest::addRow("json array of numbers is shell form")
            << QByteArray("CMD [1, 2]\n") << QStringList{"CMD 1-1 shell: [1, 2]"}
            << QStringList{"1:1 warning CMD starts with '[' but is not a JSON array of strings; Docker runs it in "
                           "shell form"};
        QTest::addRow("ENV with brackets is not json")
            << QByteArray("ENV A=[x\n") << QStringList{"ENV 1-1 shell: A=[x"} << QStringList{};
        QTest::addRow("flags") << QByteArray("COPY --from=build --chown=1:1 a /b\nRUN --mount=type=cache,target=/c x\n")
                               << QStringList{"COPY 1-1 [--from=build --chown=1:1] shell: a /b",
                                              "RUN 2-2 [--mount=type=cache,target=/c] shell: x"}
                               << QStringList{};
        QTest::addRow("healthcheck flags and json cmd")
            << QByteArray("HEALTHCHECK --interval=5s CMD [\"python3\", \"h.py\"]\n")
            << QStringList{"HEALTHCHECK 1-1 [--interval=5s] json: python3|h.py"} << QStringList{};
        QTest::addRow("unknown instruction")
            << QByteArray("FROM x\n  FORM y\n") << QStringList{"FROM 1-1 shell: x", "FORM 2-2 shell: y"}
            << QStringList{"2:3 error unknown instruction: FORM"};
        QTest::addRow("continuation at end of file")
            << QByteArray("FROM x\nRUN a \\\n") << QStringList{"FROM 1-1 shell: x", "RUN 2-2 shell: a"}
            << QStringList{"2:0 warning the file ends inside a line continuation"};
        QTest::addRow("continuation at end after comment")
            << QByteArray("FROM x\nRUN a \\\n  # c\n") << QStringList{"FROM 1-1 shell: x", "RUN 2-3 shell: a"}
            << QStringList{"3:0 warning the file ends inside a line continuation"};
        QTest::addRow("empty continuation line")
            << QByteArray("RUN a \\\n\n  b\n") << QStringList{"RUN 1-3 shell: a   b"}
            << QStringList{"1:0 warning empty continuation line (Docker warns; a future release makes it an error)"};
        QTest::addRow("empty file") << QByteArray("") << QStringList{}
                                    << QStringList{"1:0 error file with no instructions"};
        QTest::addRow("only comments") << QByteArray("# a\n# b\n") << QStringList{}
                                       << QStringList{"2:0 error file with no instructions"};
        QTest::addRow("missing arguments") << QByteArray("FROM\n") << QStringList{"FROM 1-1 shell: "}
                                           << QStringList{"1:1 error FROM requires at least one argument"};
        QTest::addRow("heredoc") << QByteArray("RUN <<EOF\nset -e\necho hi\nEOF\nCMD x\n")
                                 << QStringList{"RUN 1-4 shell: <<EOF\nset -e\necho hi", "CMD 5-5 shell: x"}
                                 << QStringList{};
        QTest::addRow("onbuild of unknown") << QByteArray("ONBUILD FOO x\n") << QStringList{"ONBUILD 1-1 shell: FOO x"}
                                            << QStringList{"1:1 error ONBUILD cannot run FOO"};
        QTest::addRow("utf8 bom") << QByteArray("\xEF\xBB\xBF"
                                                "FROM x\n")
                                  << QStringList{"FROM 1-1 shell: x"} << QStringList{};
        QTest::addRow("no final newline") << QByteArray("FROM x") << QStringList{"FROM 1-1 shell: x"} << QStringList{};
    }

    void parse()
    {
        QFETCH(QByteArray, text);
        QFETCH(QStringList, instructions);
        QFETCH(QStringList, problems);
        const Dockerfile df = Dockerfile::parse(text, QStringLiteral("Dockerfile"));
        QCOMPARE(dump(df), instructions);
        QCOMPARE(dumpProblems(df), problems);
    }

    void comments()
    {
        const Dockerfile df = Dockerfile::parse("# top\nRUN a \\\n  # mrc-ignore: DL3018\n  b\n");
        QCOMPARE(df.comments.size(), 2);
        QCOMPARE(df.comments.at(1).first, 3);
        QCOMPARE(df.comments.at(1).second.trimmed(), QStringLiteral("mrc-ignore: DL3018"));
        QCOMPARE(df.instructions.first().source, QStringLiteral("RUN a \\\n  # mrc-ignore: DL3018\n  b"));
    }

    void nameValues_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QStringList>("pairs");
        QTest::addRow("env pairs") << "ENV A=1 B=\"two words\" C='x y'" << QStringList{"A=1", "B=two words", "C=x y"};
        QTest::addRow("env legacy") << "ENV A two words" << QStringList{"A=two words"};
        QTest::addRow("env escaped space") << "ENV A=a\\ b" << QStringList{"A=a b"};
        QTest::addRow("env empty") << "ENV A=" << QStringList{"A="};
        QTest::addRow("arg without default") << "ARG A" << QStringList{"A=<null>"};
        QTest::addRow("arg with default") << "ARG A=\"x\"" << QStringList{"A=x"};
        QTest::addRow("label") << "LABEL org.opencontainers.image.title=\"$X\""
                               << QStringList{"org.opencontainers.image.title=$X"};
    }

    void nameValues()
    {
        QFETCH(QString, line);
        QFETCH(QStringList, pairs);
        const Dockerfile df = Dockerfile::parse(line.toUtf8());
        QCOMPARE(df.instructions.size(), 1);
        QStringList got;
        for (const auto &[name, value] : df.instructions.first().nameValues(df.escape))
            got << name + QLatin1Char('=') + (value.isNull() ? QStringLiteral("<null>") : value);
        QCOMPARE(got, pairs);
    }

    void onbuild()
    {
        const Dockerfile df = Dockerfile::parse("ONBUILD COPY --chown=1 a b\nONBUILD RUN [\"x\"]\n");
        const DockerfileInstruction copy = df.instructions.at(0).onbuild();
        QCOMPARE(copy.keyword, QStringLiteral("COPY"));
        QCOMPARE(copy.flags, QStringList{QStringLiteral("--chown=1")});
        QCOMPARE(copy.arguments, QStringLiteral("a b"));
        QVERIFY(df.instructions.at(1).onbuild().jsonForm);
        QVERIFY(df.instructions.at(0).onbuild().firstLine == 1);
    }

    // Every Dockerfile of the corpus parses without a problem and its instructions cover its non-blank lines.
    void corpus()
    {
        MRC_REQUIRE_SHARED_CORPUS(root)
        int files = 0;
        QDirIterator it(root, {QStringLiteral("Dockerfile*")}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const Dockerfile df = Dockerfile::parse(file.readAll(), path);
            QVERIFY2(df.problems.isEmpty(), qPrintable(path + QLatin1Char(':') + dumpProblems(df).join(", ")));
            QVERIFY(!df.instructions.isEmpty());
            for (qsizetype i = 1; i < df.instructions.size(); ++i)
                QVERIFY(df.instructions.at(i).firstLine > df.instructions.at(i - 1).lastLine);
            ++files;
        }
        QVERIFY(files >= 20);
    }
};

QTEST_GUILESS_MAIN(TestDockerfileParser)
#include "tst_dockerfileparser.moc"
