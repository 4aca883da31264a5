// SPDX-License-Identifier: Apache-2.0
// Over 600 lines: every lint rule firing and not firing (rules_data), plus the corpus and the report formats.
// The lint rules one by one (firing and not firing), ignores and severities, the report formats, hadolint's
// JSON, the corpus against its hand-checked expected findings, and `mrc lint` end to end.
#include "common/sharedcorpus.h"
#include "lint/corpusindex.h"
#include "lint/hadolint.h"
#include "lint/linter.h"
#include "lint/lintinput.h"
#include "lint/lintreport.h"
#include "lint/lintrule.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

using namespace mrc;

namespace {

// A child image that passes every rule; rows change one thing.
const QByteArray kGood = R"(ARG DOCKER_IMAGE=monasca/api
ARG APP_REPO=https://example.org/monasca-api
ARG REPO_VERSION=master
ARG CONSTRAINTS_BRANCH=master
ARG BASE_TAG=master
FROM monasca/base:$BASE_TAG
ENV KAFKA_URI=kafka:9092 \
    LOG_LEVEL=INFO
COPY api.conf.j2 /etc/monasca/
RUN apk add --no-cache curl && \
    echo done
CMD ["/start.sh"]
)";

const QByteArray kReadme = R"(Environment variables
~~~~~~~~~~~~~~~~~~~~~
========== ========== ============
Variable   Default    Description
========== ========== ============
KAFKA_URI  kafka:9092 Kafka
LOG_LEVEL  INFO       Level
========== ========== ============
)";

const QStringList kFiles{QStringLiteral("Dockerfile"), QStringLiteral("README.rst"), QStringLiteral("api.conf.j2"),
                         QStringLiteral("health_check.py"), QStringLiteral("start.sh")};

QString fixtures()
{
    // ctest sets MRC_TEST_FIXTURES; a direct run finds them next to this source file
    return qEnvironmentVariable("MRC_TEST_FIXTURES",
                                QFileInfo(QStringLiteral(__FILE__)).absolutePath() + QStringLiteral("/../fixtures"));
}

LintInput input(const QByteArray &dockerfile, const QStringList &files = kFiles, const QByteArray &readme = kReadme)
{
    LintInput in;
    in.dockerfilePath = QStringLiteral("Dockerfile");
    in.dockerfile = dockerfile;
    in.files = files;
    if (!readme.isNull()) {
        in.readmePath = QStringLiteral("README.rst");
        in.readme = readme;
    }
    for (const QString &f : files) {
        if (f.endsWith(QLatin1String(".sh")) || f.endsWith(QLatin1String(".py")))
            in.texts.insert(f, QByteArray("#!/bin/sh\n"));
        if (f.endsWith(QLatin1String(".j2")))
            in.texts.insert(f, QByteArray("level = {{ USED_VAR }}\n"));
    }
    return in;
}

QStringList dump(const QList<LintFinding> &findings)
{
    QStringList out;
    for (const LintFinding &f : findings)
        out << QStringLiteral("%1 %2").arg(f.line).arg(f.rule);
    return out;
}

QByteArray replaced(QByteArray text, const QByteArray &from, const QByteArray &to)
{
    Q_ASSERT(text.contains(from));
    return text.replace(from, to);
}

} // namespace

class TestLint : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_clean.isValid());
        const QHash<QString, QByteArray> files{{"Dockerfile", kGood},
                                               {"README.rst", kReadme},
                                               {"api.conf.j2", "x\n"},
                                               {"start.sh", "#!/bin/sh\n"},
                                               {"health_check.py", "pass\n"}};
        for (auto it = files.cbegin(); it != files.cend(); ++it) {
            QFile file(m_clean.filePath(it.key()));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(it.value());
        }
    }

    void rules_data()
    {
        QTest::addColumn<QByteArray>("dockerfile");
        QTest::addColumn<QStringList>("files");
        QTest::addColumn<QByteArray>("readme");
        QTest::addColumn<QStringList>("expected");

        const QByteArray base = R"(FROM python:3.10-alpine3.19
ENV PYTHONIOENCODING="utf-8"
LABEL org.opencontainers.image.created="$T" org.opencontainers.image.title="monasca-base" \
      org.opencontainers.image.revision="$C" org.opencontainers.image.licenses="Apache-2.0"
RUN apk add --no-cache tini
ONBUILD ARG DOCKER_IMAGE
ONBUILD COPY start.sh health_check.py /
ENTRYPOINT ["/sbin/tini", "-s", "--"]
)";
        const QByteArray baseReadme =
            "================ ======= ===\nVariable         Default D\n================ ======= ===\n"
            "PYTHONIOENCODING utf-8   x\n================ ======= ===\n";
        QTest::addRow("good child") << kGood << kFiles << kReadme << QStringList{};
        QTest::addRow("good base") << base << QStringList{"Dockerfile", "README.rst"} << baseReadme << QStringList{};

        // MRC001/MRC002: parse findings
        QTest::addRow("MRC001 unknown instruction")
            << replaced(kGood, "CMD [", "CMDD [") << kFiles << kReadme << QStringList{"12 MRC001", "12 MRC105"};
        QTest::addRow("MRC002 continuation at end") << kGood + "RUN echo \\\n"
                                                    << kFiles << kReadme << QStringList{"13 MRC002", "13 MRC108"};
        // MRC101
        QTest::addRow("MRC101 foreign base") << replaced(kGood, "FROM monasca/base:$BASE_TAG", "FROM storm:1.2.3")
                                             << kFiles << kReadme << QStringList{"6 MRC101", "6 MRC113"};
        QTest::addRow("MRC101 braces accepted")
            << replaced(kGood, "$BASE_TAG", "${BASE_TAG}") << kFiles << kReadme << QStringList{};
        QTest::addRow("MRC101 no ARG BASE_TAG")
            << replaced(kGood, "ARG BASE_TAG=master\n", "") << kFiles << kReadme << QStringList{"5 MRC101"};
        // MRC102
        QTest::addRow("MRC102 missing APP_REPO")
            << replaced(kGood, "ARG APP_REPO=https://example.org/monasca-api\n", "") << kFiles << kReadme
            << QStringList{"5 MRC102"};
        QTest::addRow("MRC102 ARG after FROM does not count")
            << replaced(replaced(kGood, "ARG CONSTRAINTS_BRANCH=master\n", ""), "ENV KAFKA",
                        "ARG CONSTRAINTS_BRANCH\nENV KAFKA")
            << kFiles << kReadme << QStringList{"5 MRC102"};
        // MRC103/104
        QTest::addRow("MRC103 no start.sh") << kGood << QStringList{"Dockerfile", "api.conf.j2", "health_check.py"}
                                            << kReadme << QStringList{"1 MRC103"};
        QTest::addRow("MRC104 no health_check.py")
            << kGood << QStringList{"Dockerfile", "api.conf.j2", "start.sh"} << kReadme << QStringList{"1 MRC104"};
        // MRC105
        QTest::addRow("MRC105 shell form") << replaced(kGood, "CMD [\"/start.sh\"]", "CMD /start.sh") << kFiles
                                           << kReadme << QStringList{"12 MRC105", "12 DL3025"};
        QTest::addRow("MRC105 other script")
            << replaced(kGood, "/start.sh", "/run.sh") << kFiles << kReadme << QStringList{"12 MRC105"};
        QTest::addRow("MRC105 missing") << replaced(kGood, "CMD [\"/start.sh\"]\n", "") << kFiles << kReadme
                                        << QStringList{"10 MRC105"};
        // MRC106
        QTest::addRow("MRC106 entrypoint in child") << kGood + "ENTRYPOINT [\"/start.sh\"]\n"
                                                    << kFiles << kReadme << QStringList{"13 MRC106"};
        QTest::addRow("MRC106 base without tini")
            << replaced(base, "ENTRYPOINT [\"/sbin/tini\", \"-s\", \"--\"]", "ENTRYPOINT [\"/bin/sh\"]")
            << QStringList{"Dockerfile", "README.rst"} << baseReadme << QStringList{"8 MRC106"};
        // MRC107 and DL3019
        QTest::addRow("MRC107 apk add without cleanup")
            << replaced(kGood, "--no-cache ", "") << kFiles << kReadme << QStringList{"10 MRC107", "10 DL3019"};
        QTest::addRow("MRC107 rm of the cache is enough")
            << replaced(kGood, "apk add --no-cache curl", "apk add curl && rm -rf /var/cache/apk/*") << kFiles
            << kReadme << QStringList{"10 DL3019"};
        QTest::addRow("MRC107 in ONBUILD RUN")
            << replaced(base, "RUN apk add --no-cache tini", "ONBUILD RUN apk add git")
            << QStringList{"Dockerfile", "README.rst"} << baseReadme << QStringList{"5 MRC107"};
        // MRC108 and DL3059
        QTest::addRow("MRC108 second RUN") << replaced(kGood, "CMD", "RUN echo two\nCMD") << kFiles << kReadme
                                           << QStringList{"12 MRC108", "12 DL3059"};
        QTest::addRow("DL3059 not after a long RUN")
            << replaced(kGood, "    echo done", "    echo a && echo b") << kFiles << kReadme << QStringList{};
        // MRC109..111
        QTest::addRow("MRC109 no README") << kGood << kFiles << QByteArray() << QStringList{"1 MRC109"};
        QTest::addRow("MRC110 undocumented ENV") << kGood + "ENV EXTRA=1\n"
                                                 << kFiles << kReadme << QStringList{"13 MRC110"};
        QTest::addRow("MRC110 README without a table")
            << kGood << kFiles << QByteArray("Docs\n====\nnone\n") << QStringList{"7 MRC110"};
        QTest::addRow("MRC110 grid table")
            << kGood << kFiles
            << QByteArray("+-----------+-------+\n| Variable  | Def   |\n+===========+=======+\n"
                          "| `KAFKA_URI` | `kafka:9092` |\n+-----------+-------+\n")
            << QStringList{"8 MRC110"};
        QTest::addRow("MRC111 stale default")
            << replaced(kGood, "LOG_LEVEL=INFO", "LOG_LEVEL=WARN") << kFiles << kReadme << QStringList{"7 MRC111"};
        QTest::addRow("MRC111 unused entry") << kGood << kFiles
                                             << replaced(kReadme, "LOG_LEVEL  INFO       Level\n",
                                                         "LOG_LEVEL  INFO       Level\nGONE_VAR   x          y\n")
                                             << QStringList{"8 MRC111"};
        QTest::addRow("MRC111 entry read by a template")
            << kGood << kFiles + QStringList{"x.j2"}
            << replaced(kReadme, "LOG_LEVEL  INFO       Level\n",
                        "LOG_LEVEL  INFO       Level\nUSED_VAR   x          y\n")
            << QStringList{"1 MRC112"};
        QTest::addRow("MRC111 wait-script table is the base's")
            << kGood << kFiles
            << kReadme + "\nWait scripts environment variables\n~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
                         "========== ==== ====\nVariable   D    D\n========== ==== ====\nKAFKA_WAIT_RETRIES 24 x\n"
                         "========== ==== ====\n"
            << QStringList{};
        // MRC112
        QTest::addRow("MRC112 template not copied")
            << kGood << kFiles + QStringList{"templates/x.yaml.j2"} << kReadme << QStringList{"1 MRC112"};
        QTest::addRow("MRC112 folder copy covers it")
            << replaced(kGood, "COPY api.conf.j2", "COPY templates/ /templates\nCOPY api.conf.j2")
            << kFiles + QStringList{"templates/x.yaml.j2"} << kReadme << QStringList{};
        QTest::addRow("MRC112 glob covers it")
            << replaced(kGood, "COPY api.conf.j2", "COPY api* ") << kFiles << kReadme << QStringList{};
        // MRC113
        QTest::addRow("MRC113 foreign base without labels")
            << replaced(kGood, "FROM monasca/base:$BASE_TAG", "FROM alpine:3.19") << kFiles << kReadme
            << QStringList{"6 MRC101", "6 MRC113"};
        QTest::addRow("MRC113 base without labels")
            << replaced(base, "LABEL org", "LABEL com") << QStringList{"Dockerfile", "README.rst"} << baseReadme
            << QStringList{"1 MRC113"};
        // MRC114: an ARG used without a value
        QTest::addRow("MRC114 stage ARG without default")
            << kGood + "ARG EXTRA_URL\nLABEL org.openstack.extra=\"$EXTRA_URL\"\n"
            << kFiles << kReadme << QStringList{"14 MRC114"};
        QTest::addRow("MRC114 braces count as a use")
            << kGood + "ARG EXTRA_URL\nLABEL org.openstack.extra=\"${EXTRA_URL:-x}\"\n"
            << kFiles << kReadme << QStringList{"14 MRC114"};
        QTest::addRow("MRC114 a global default fills it")
            << replaced(kGood, "ARG BASE_TAG=master\n", "ARG BASE_TAG=master\nARG EXTRA_URL=http://x\n") +
                   "ARG EXTRA_URL\nLABEL org.openstack.extra=\"$EXTRA_URL\"\n"
            << kFiles << kReadme << QStringList{};
        QTest::addRow("MRC114 declared but unused") << kGood + "ARG EXTRA_URL\n" << kFiles << kReadme << QStringList{};
        QTest::addRow("MRC114 a longer name is another variable")
            << kGood + "ARG EXTRA\nLABEL org.openstack.extra=\"$EXTRA_URL\"\n"
            << kFiles << kReadme << QStringList{};
        QTest::addRow("MRC114 FROM reads a global ARG")
            << replaced(replaced(kGood, "ARG BASE_TAG=master", "ARG BASE_TAG=master\nARG MIRROR"), "FROM monasca",
                        "FROM ${MIRROR}monasca")
            << kFiles << kReadme << QStringList{"7 MRC114", "7 MRC101", "7 MRC113"};
        // MRC115: keywords in upper case
        QTest::addRow("MRC115 lower case")
            << replaced(kGood, "CMD [", "cmd [") << kFiles << kReadme << QStringList{"12 MRC115"};
        QTest::addRow("MRC115 mixed case ONBUILD trigger")
            << replaced(base, "ONBUILD ARG DOCKER_IMAGE", "ONBUILD Arg DOCKER_IMAGE")
            << QStringList{"Dockerfile", "README.rst"} << baseReadme << QStringList{"6 MRC115"};
        // hadolint-compatible rules
        QTest::addRow("DL3000 relative WORKDIR")
            << replaced(kGood, "CMD", "WORKDIR app\nCMD") << kFiles << kReadme << QStringList{"12 DL3000"};
        QTest::addRow("DL3000 absolute WORKDIR")
            << replaced(kGood, "CMD", "WORKDIR /app\nCMD") << kFiles << kReadme << QStringList{};
        QTest::addRow("DL3003 cd") << replaced(kGood, "echo done", "cd /tmp && make") << kFiles << kReadme
                                   << QStringList{"11 DL3003"};
        QTest::addRow("DL3003 cd inside quotes is text")
            << replaced(kGood, "echo done", "echo 'cd /tmp'") << kFiles << kReadme << QStringList{};
        QTest::addRow("DL3004 sudo") << replaced(kGood, "echo done", "sudo make") << kFiles << kReadme
                                     << QStringList{"11 DL3004"};
        QTest::addRow("DL3007 latest") << replaced(kGood, "monasca/base:$BASE_TAG", "monasca/base:latest") << kFiles
                                       << kReadme << QStringList{"6 DL3007", "6 MRC101"};
        QTest::addRow("DL3009 apt lists")
            << replaced(kGood, "apk add --no-cache curl", "apt-get update && apt-get install -y x") << kFiles << kReadme
            << QStringList{"10 DL3009"};
        QTest::addRow("DL3009 lists removed")
            << replaced(kGood, "apk add --no-cache curl", "apt-get update && rm -rf /var/lib/apt/lists/*") << kFiles
            << kReadme << QStringList{};
        QTest::addRow("DL3020 ADD of a file")
            << replaced(kGood, "COPY api.conf.j2", "ADD api.conf.j2") << kFiles << kReadme << QStringList{"9 DL3020"};
        QTest::addRow("DL3020 ADD of an archive")
            << replaced(kGood, "CMD", "ADD rootfs.tar.gz /\nCMD") << kFiles << kReadme << QStringList{};
        QTest::addRow("DL3025 ENTRYPOINT shell form")
            << replaced(base, "ENTRYPOINT [\"/sbin/tini\", \"-s\", \"--\"]", "ENTRYPOINT /sbin/tini -s --")
            << QStringList{"Dockerfile", "README.rst"} << baseReadme << QStringList{"8 DL3025"};
        QTest::addRow("DL3027 apt") << replaced(kGood, "echo done", "apt install x") << kFiles << kReadme
                                    << QStringList{"11 DL3027"};
        QTest::addRow("DL3042 pip cache")
            << replaced(kGood, "echo done", "pip3 install x") << kFiles << kReadme << QStringList{"11 DL3042"};
        QTest::addRow("DL3042 --no-cache-dir")
            << replaced(kGood, "echo done", "pip3 install --no-cache-dir x") << kFiles << kReadme << QStringList{};
        QTest::addRow("DL3042 ENV PIP_NO_CACHE_DIR=1")
            << replaced(replaced(kGood, "echo done", "pip install x"), "LOG_LEVEL=INFO",
                        "LOG_LEVEL=INFO PIP_NO_CACHE_DIR=1")
            << kFiles << kReadme << QStringList{"8 MRC110"};
        QTest::addRow("DL3042 in ONBUILD RUN")
            << replaced(base, "ONBUILD ARG DOCKER_IMAGE", "ONBUILD RUN pip install x")
            << QStringList{"Dockerfile", "README.rst"} << baseReadme << QStringList{"6 DL3042"};
        QTest::addRow("DL4000 MAINTAINER")
            << replaced(kGood, "CMD", "MAINTAINER me\nCMD") << kFiles << kReadme << QStringList{"12 DL4000"};
        QTest::addRow("DL4006 pipe") << replaced(kGood, "echo done", "curl x | tar x") << kFiles << kReadme
                                     << QStringList{"11 DL4006"};
        QTest::addRow("DL4006 pipefail shell")
            << replaced(replaced(kGood, "echo done", "curl x | tar x"), "RUN apk",
                        "SHELL [\"/bin/ash\", \"-eo\", \"pipefail\", \"-c\"]\nRUN apk")
            << kFiles << kReadme << QStringList{};
        QTest::addRow("DL4006 || is no pipe")
            << replaced(kGood, "echo done", "false || true") << kFiles << kReadme << QStringList{};
        // A finding on a continuation line of a multi-line instruction is reported at that line.
        const QByteArray threeLines = "RUN apk add --no-cache curl && \\\n    echo one && \\\n    echo two\n";
        QTest::addRow("continuation: DL3009 at its apt-get update")
            << replaced(kGood, "RUN apk add --no-cache curl && \\\n    echo done\n",
                        replaced(threeLines, "echo two", "apt-get update && apt-get install -y x"))
            << kFiles << kReadme << QStringList{"12 DL3009"};
        QTest::addRow("continuation: the first cd of two")
            << replaced(kGood, "RUN apk add --no-cache curl && \\\n    echo done\n",
                        replaced(replaced(threeLines, "echo one", "cd /a"), "echo two", "cd /b"))
            << kFiles << kReadme << QStringList{"11 DL3003"};
        QTest::addRow("continuation: a comment line inside is skipped")
            << replaced(kGood, "    echo done", "    # a comment\n    sudo make") << kFiles << kReadme
            << QStringList{"12 DL3004"};
        QTest::addRow("continuation: MRC107 at its apk add")
            << replaced(kGood, "    echo done", "    echo a && \\\n    apk add git") << kFiles << kReadme
            << QStringList{"12 MRC107", "12 DL3019"};
        QTest::addRow("continuation: MRC110 at the name's line")
            << kGood + "ENV \\\n    EXTRA=1 \\\n    OTHER=2\n"
            << kFiles << kReadme << QStringList{"14 MRC110", "15 MRC110"};
        QTest::addRow("continuation: MRC114 at the use")
            << kGood + "ARG EXTRA_URL\nRUN echo a && \\\n    wget \"$EXTRA_URL\"\n"
            << kFiles << kReadme << QStringList{"15 MRC114", "14 MRC108"};
        QTest::addRow("continuation: DL3042 in ONBUILD RUN")
            << replaced(base, "ONBUILD ARG DOCKER_IMAGE", "ONBUILD RUN echo a && \\\n    pip install x")
            << QStringList{"Dockerfile", "README.rst"} << baseReadme << QStringList{"7 DL3042"};
        QTest::addRow("continuation: heredoc body line") << replaced(kGood, "CMD", "RUN <<EOF\necho a\ncd /x\nEOF\nCMD")
                                                         << kFiles << kReadme << QStringList{"14 DL3003", "12 MRC108"};
        QTest::addRow("continuation: JSON form stays at the keyword")
            << replaced(kGood, "CMD", "RUN [\"cd\", \\\n     \"/x\"]\nCMD") << kFiles << kReadme
            << QStringList{"12 DL3003", "12 MRC108", "12 DL3059"};
        // ignores
        QTest::addRow("mrc-ignore before the instruction")
            << replaced(kGood, "CMD [\"/start.sh\"]", "# mrc-ignore: MRC105, DL3025\nCMD /start.sh") << kFiles
            << kReadme << QStringList{};
        QTest::addRow("mrc-ignore inside a continuation")
            << replaced(kGood, "    echo done", "    # mrc-ignore: DL3003\n    cd /x") << kFiles << kReadme
            << QStringList{};
        QTest::addRow("mrc-ignore of another rule does not hide")
            << replaced(kGood, "    echo done", "    # mrc-ignore: DL3004\n    cd /x") << kFiles << kReadme
            << QStringList{"12 DL3003"};
    }

    void rules()
    {
        QFETCH(QByteArray, dockerfile);
        QFETCH(QStringList, files);
        QFETCH(QByteArray, readme);
        QFETCH(QStringList, expected);
        Linter linter;
        const QList<LintFinding> findings = linter.lint(input(dockerfile, files, readme));
        QStringList got = dump(findings);
        QStringList want = expected;
        got.sort();
        want.sort();
        QStringList messages;
        for (const LintFinding &f : findings)
            messages << f.toText();
        QVERIFY2(got == want, qPrintable(messages.join(QLatin1Char('\n'))));
    }

    // The base's ONBUILD ARGs, as a child's build sees them: a default before the child's FROM or a build argument.
    void onbuildArgsOfTheBase_data()
    {
        QTest::addColumn<QByteArray>("child");
        QTest::addColumn<QStringList>("buildArgs");
        QTest::addColumn<QString>("expected");
        const QStringList upstream{"CREATION_TIME", "GITHUB_REPO",    "APP_REPO",
                                   "REPO_VERSION",  "GIT_COMMIT",     "CONSTRAINTS_FILE",
                                   "COMMON_REPO",   "COMMON_VERSION", "COMMON_GIT_COMMIT"};
        QStringList dropped = upstream;
        dropped.removeAll(QStringLiteral("CONSTRAINTS_FILE"));
        QTest::addRow("the build passes it") << kGood << upstream << QString();
        QTest::addRow("nothing supplies it")
            << kGood << dropped
            << "Dockerfile:6: MRC114 warning: the base's ONBUILD ARG CONSTRAINTS_FILE (base/Dockerfile:4) has no "
               "default and the build does not pass it, but the base's ONBUILD RUN (base/Dockerfile:6) uses it";
        QTest::addRow("a default before FROM")
            << replaced(kGood, "ARG BASE_TAG", "ARG CONSTRAINTS_FILE=http://c/upper.txt\nARG BASE_TAG") << dropped
            << QString();
    }

    void onbuildArgsOfTheBase()
    {
        QFETCH(QByteArray, child);
        QFETCH(QStringList, buildArgs);
        QFETCH(QString, expected);
        LintInput in = input(child);
        in.buildArgs = buildArgs;
        in.baseDockerfilePath = QStringLiteral("base/Dockerfile");
        in.baseDockerfile = "FROM python:3.10-alpine3.19\n"
                            "ONBUILD ARG APP_REPO\n"
                            "ONBUILD LABEL org.opencontainers.image.source=\"$APP_REPO\"\n"
                            "ONBUILD ARG CONSTRAINTS_FILE\n"
                            "ONBUILD COPY start.sh health_check.py /\n"
                            "ONBUILD RUN wget -q \"$CONSTRAINTS_FILE\" -O /c.txt\n";
        Linter linter;
        QStringList got;
        for (const LintFinding &f : linter.lint(in))
            got << f.toText();
        QCOMPARE(got, expected.isEmpty() ? QStringList() : QStringList{expected});
    }

    // The upstream folders of ../shared/corpus with their own build scripts: each child is checked against the
    // base's ONBUILD ARGs with what its build_image.sh passes, and again with CONSTRAINTS_FILE taken away.
    void upstreamScriptsSupplyTheOnbuildArgs()
    {
        MRC_REQUIRE_SHARED_CORPUS(root)
        CorpusIndex corpus;
        QString error;
        QVERIFY2(corpus.load(root, &error), qPrintable(error));
        Linter linter;
        int children = 0;
        QStringList upstream;
        for (const CorpusIndex::Image &image : corpus.images()) {
            LintInput in;
            QVERIFY2(corpus.input(image, &in, &error), qPrintable(error));
            if (!in.texts.contains(QStringLiteral("build_image.sh")) || in.baseDockerfile.isEmpty() ||
                !in.dockerfile.contains("monasca/base"))
                continue;
            ++children;
            QStringList own;
            for (const LintFinding &f : linter.lint(in)) {
                if (f.rule == QLatin1String("MRC114"))
                    own << f.toText();
            }
            upstream << own;
            QStringList args = LintInput::scriptBuildArgs(in.texts.value(QStringLiteral("build_image.sh")));
            QVERIFY2(args.removeAll(QStringLiteral("CONSTRAINTS_FILE")) == 1, qPrintable(in.dockerfilePath));
            in.buildArgs = args;
            QStringList dropped;
            for (const LintFinding &f : linter.lint(in)) {
                if (f.rule == QLatin1String("MRC114") && !own.contains(f.toText()))
                    dropped << f.toText();
            }
            QVERIFY2(dropped.size() == 1 && dropped.first().contains(QLatin1String("ONBUILD ARG CONSTRAINTS_FILE")),
                     qPrintable(in.dockerfilePath + QStringLiteral(": ") + dropped.join(QLatin1Char('\n'))));
        }
        QVERIFY2(children >= 15, qPrintable(QString::number(children)));
        // With their own scripts the upstream children get every ONBUILD ARG the base reads, except EXTRA_DEPS in
        // agent-forwarder, statsd and python-monascaclient (master and unmaintained/2023.1): their
        // `#ARG EXTRA_DEPS=""` is commented out, so the base's ONBUILD LABEL gets an empty extra_deps.
        QCOMPARE(upstream.size(), 6);
        for (const QString &finding : std::as_const(upstream))
            QVERIFY2(finding.contains(QLatin1String("ONBUILD ARG EXTRA_DEPS")), qPrintable(finding));
    }

    // Real upstream Dockerfiles whose findings sit on continuation lines of one long RUN: monasca-thresh's RUN
    // starts at its keyword line, its first apt-get update and its first cd come many lines later; monasca-common's
    // base has its first pip3 install without --no-cache-dir deep inside an ONBUILD RUN. The expected line is
    // searched in the file itself.
    void continuationLinesInTheUpstreamCorpus_data()
    {
        QTest::addColumn<QString>("folder");
        QTest::addColumn<QString>("context");
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QString>("pattern"); // the first line that matches it is where the finding belongs
        QTest::addColumn<QString>("keyword"); // the instruction's keyword line, which must not be reported
        QTest::addRow("thresh DL3009") << "openstack/monasca-thresh/master"
                                       << "docker"
                                       << "DL3009"
                                       << "^\\s*apt-get update &&"
                                       << "^RUN \\\\$";
        QTest::addRow("thresh DL3003") << "openstack/monasca-thresh/master"
                                       << "docker"
                                       << "DL3003"
                                       << "^\\s*cd /"
                                       << "^RUN \\\\$";
        QTest::addRow("common DL3042") << "openstack/monasca-common/master"
                                       << "docker"
                                       << "DL3042"
                                       << "^\\s*pip3 install \\\\$"
                                       << "^ONBUILD RUN \\\\$";
    }

    void continuationLinesInTheUpstreamCorpus()
    {
        QFETCH(QString, folder);
        QFETCH(QString, context);
        QFETCH(QString, rule);
        QFETCH(QString, pattern);
        QFETCH(QString, keyword);
        MRC_REQUIRE_SHARED_CORPUS(root)
        CorpusIndex corpus;
        QString error;
        QVERIFY2(corpus.load(root, &error), qPrintable(error));
        const QList<CorpusIndex::Image> images = corpus.images();
        const auto image = std::find_if(images.cbegin(), images.cend(), [&](const CorpusIndex::Image &i) {
            return i.folder == folder && i.context == context;
        });
        QVERIFY2(image != images.cend(), qPrintable(folder));
        LintInput in;
        QVERIFY2(corpus.input(*image, &in, &error), qPrintable(error));

        QFile file(root + QLatin1Char('/') + folder + QLatin1Char('/') + context + QStringLiteral("/Dockerfile"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'));
        const QRegularExpression at(pattern);
        const QRegularExpression start(keyword);
        int keywordLine = 0;
        int expected = 0;
        for (int i = 0; i < lines.size() && !expected; ++i) {
            if (!keywordLine && start.match(lines.at(i)).hasMatch())
                keywordLine = i + 1;
            else if (keywordLine && at.match(lines.at(i)).hasMatch())
                expected = i + 1;
        }
        QVERIFY2(keywordLine > 0 && expected > keywordLine + 1,
                 qPrintable(QStringLiteral("%1 %2").arg(keywordLine).arg(expected)));

        Linter linter;
        QList<int> reported;
        for (const LintFinding &f : linter.lint(in)) {
            if (f.rule == rule)
                reported << f.line;
        }
        QCOMPARE(reported, QList<int>{expected});
    }

    void everyRuleIsDocumentedAndTested()
    {
        QFile doc(fixtures() + QStringLiteral("/../../docs/lint.rst"));
        QVERIFY(doc.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(doc.readAll());
        for (const LintRule &rule : LintRule::all()) {
            QVERIFY2(text.contains(QStringLiteral(".. _%1:").arg(rule.id.toLower())), qPrintable(rule.id));
            const qsizetype at = text.indexOf(QStringLiteral(".. _%1:").arg(rule.id.toLower()));
            const QString section = text.mid(at, text.indexOf(QStringLiteral(".. _"), at + 5) - at);
            QVERIFY2(section.contains(QLatin1String("Bad")) && section.contains(QLatin1String("Good")),
                     qPrintable(rule.id + QStringLiteral(" needs a bad and a good example")));
        }
    }

    void severityOverride_data()
    {
        QTest::addColumn<QString>("setting");
        QTest::addColumn<QStringList>("expected");
        QTest::addRow("default") << QString() << QStringList{"12:error"};
        QTest::addRow("warning") << "warning" << QStringList{"12:warning"};
        QTest::addRow("off") << "off" << QStringList{};
    }

    void severityOverride()
    {
        QFETCH(QString, setting);
        QFETCH(QStringList, expected);
        Linter linter;
        LintSeverity severity{};
        if (!setting.isEmpty()) {
            QVERIFY(parseLintSeverity(setting, &severity));
            linter.setSeverity(QStringLiteral("MRC105"), severity);
        }
        QStringList got;
        for (const LintFinding &f : linter.lint(input(replaced(kGood, "/start.sh", "/run.sh"))))
            got << QStringLiteral("%1:%2").arg(f.line).arg(lintSeverityName(f.severity));
        QCOMPARE(got, expected);
    }

    void hadolintJson()
    {
        QString error;
        const QList<LintFinding> findings = Hadolint::parseJson(
            R"([{"code":"DL3008","column":1,"file":"-","level":"warning","line":5,"message":"Pin versions"},
                {"code":"SC2086","column":1,"file":"-","level":"info","line":7,"message":"Quote"}])",
            QStringLiteral("x/Dockerfile"), &error);
        QVERIFY(error.isEmpty());
        QCOMPARE(findings.size(), 2);
        QCOMPARE(findings.at(0).toText(), QStringLiteral("x/Dockerfile:5: DL3008 warning: Pin versions [hadolint]"));
        QCOMPARE(findings.at(1).severity, LintSeverity::Info);
        Hadolint::parseJson("not json", QStringLiteral("x"), &error);
        QVERIFY(!error.isEmpty());
    }

    // The SARIF 2.1.0 schema's required properties and enums, for every object the report writes.
    void sarifIsValid()
    {
        const QList<LintFinding> findings{{QStringLiteral("a b/Dockerfile"), 3, 1, QStringLiteral("MRC105"),
                                           LintSeverity::Error, QStringLiteral("m")},
                                          {QStringLiteral("x/Dockerfile"), 1, 0, QStringLiteral("DL3008"),
                                           LintSeverity::Info, QStringLiteral("n"), QStringLiteral("hadolint")}};
        QJsonParseError error{};
        const QJsonObject log = QJsonDocument::fromJson(LintReport::sarif(findings), &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(log.value("version").toString(), QStringLiteral("2.1.0"));
        QVERIFY(log.value("$schema").toString().contains(QLatin1String("sarif-2.1.0")));
        const QJsonArray runs = log.value("runs").toArray();
        QCOMPARE(runs.size(), 1);
        const QJsonObject run = runs.first().toObject();
        const QJsonObject driver = run.value("tool").toObject().value("driver").toObject();
        QVERIFY(!driver.value("name").toString().isEmpty());
        const QJsonArray rules = driver.value("rules").toArray();
        QVERIFY(rules.size() >= LintRule::all().size() + 1);
        const QStringList levels{"none", "note", "warning", "error"};
        for (const QJsonValue &value : rules) {
            const QJsonObject rule = value.toObject();
            QVERIFY(!rule.value("id").toString().isEmpty());
            QVERIFY(rule.value("shortDescription").toObject().contains("text"));
            if (rule.contains("defaultConfiguration"))
                QVERIFY(levels.contains(rule.value("defaultConfiguration").toObject().value("level").toString()));
        }
        const QJsonArray results = run.value("results").toArray();
        QCOMPARE(results.size(), 2);
        for (const QJsonValue &value : results) {
            const QJsonObject result = value.toObject();
            QVERIFY(result.value("message").toObject().contains("text"));
            QVERIFY(levels.contains(result.value("level").toString()));
            const int index = result.value("ruleIndex").toInt(-1);
            QVERIFY(index >= 0 && index < rules.size());
            QCOMPARE(rules.at(index).toObject().value("id").toString(), result.value("ruleId").toString());
            const QJsonObject physical =
                result.value("locations").toArray().first().toObject().value("physicalLocation").toObject();
            const QString uri = physical.value("artifactLocation").toObject().value("uri").toString();
            QVERIFY(!uri.isEmpty() && !uri.contains(QLatin1Char(' ')));
            QVERIFY(physical.value("region").toObject().value("startLine").toInt() >= 1);
            if (physical.value("region").toObject().contains("startColumn"))
                QVERIFY(physical.value("region").toObject().value("startColumn").toInt() >= 1);
        }
    }

    // The OASIS SARIF 2.1.0 JSON schema itself (packaging/fetch-test-data puts it in MRC_TEST_DATA), checked by
    // python3-jsonschema: the corpus report of `mrc lint`, the report above with a hadolint finding, and a
    // broken copy that the validator must reject, so the check cannot pass by accident.
    void sarifMatchesTheSchema()
    {
        const QString schema = qEnvironmentVariable("MRC_TEST_DATA") + QStringLiteral("/sarif-schema-2.1.0.json");
        if (!QFileInfo::exists(schema)) {
            const QByteArray why = "no " + schema.toUtf8() + ": run packaging/fetch-test-data (scripts/test does)";
            if (qEnvironmentVariableIsSet("CI"))
                QFAIL(why.constData());
            QSKIP(why.constData());
        }
        QProcess mrc;
        mrc.start(qEnvironmentVariable("MRC_BINARY"),
                  {QStringLiteral("lint"), QStringLiteral("--no-hadolint"), QStringLiteral("--format"),
                   QStringLiteral("sarif"), QStringLiteral("--corpus"), fixtures() + "/lint/corpus"});
        QVERIFY(mrc.waitForFinished(60000));
        QCOMPARE(mrc.exitCode(), 1); // the corpus has error findings
        const QByteArray corpusReport = mrc.readAllStandardOutput();
        QVERIFY(QJsonDocument::fromJson(corpusReport)
                    .object()
                    .value("runs")
                    .toArray()
                    .first()
                    .toObject()
                    .value("results")
                    .toArray()
                    .size() > 50);
        QCOMPARE(schemaErrors(schema, corpusReport), QString());

        const QList<LintFinding> findings{{QStringLiteral("a b/Dockerfile"), 3, 1, QStringLiteral("MRC105"),
                                           LintSeverity::Error, QStringLiteral("m")},
                                          {QStringLiteral("x/Dockerfile"), 1, 0, QStringLiteral("DL3008"),
                                           LintSeverity::Info, QStringLiteral("n"), QStringLiteral("hadolint")}};
        const QByteArray small = LintReport::sarif(findings);
        QCOMPARE(schemaErrors(schema, small), QString());

        QJsonObject broken = QJsonDocument::fromJson(small).object();
        QJsonArray runs = broken.value("runs").toArray();
        QJsonObject run = runs.first().toObject();
        QJsonArray results = run.value("results").toArray();
        QJsonObject result = results.first().toObject();
        result.insert(QStringLiteral("level"), QStringLiteral("fatal"));
        results.replace(0, result);
        run.insert(QStringLiteral("results"), results);
        runs.replace(0, run);
        broken.insert(QStringLiteral("runs"), runs);
        QVERIFY(schemaErrors(schema, QJsonDocument(broken).toJson()).contains(QLatin1String("fatal")));
    }

    void otherFormats()
    {
        const QList<LintFinding> findings{{QStringLiteral("D"), 3, 0, QStringLiteral("MRC105"), LintSeverity::Error,
                                           QStringLiteral("CMD <x> & \"y\"")}};
        QCOMPARE(LintReport::text(findings), QByteArray("D:3: MRC105 error: CMD <x> & \"y\"\n"));
        const QJsonObject json = QJsonDocument::fromJson(LintReport::json(findings)).object();
        QCOMPARE(json.value("summary").toObject().value("error").toInt(), 1);
        QCOMPARE(json.value("findings").toArray().first().toObject().value("rule").toString(),
                 QStringLiteral("MRC105"));
        QXmlStreamReader xml(LintReport::checkstyle(findings));
        QStringList seen;
        while (xml.readNextStartElement()) {
            seen << xml.name().toString();
            if (xml.name() == QLatin1String("error")) {
                QCOMPARE(xml.attributes().value("message").toString(), findings.first().message);
                QCOMPARE(xml.attributes().value("line").toString(), QStringLiteral("3"));
                xml.skipCurrentElement();
            } else if (xml.name() == QLatin1String("file")) {
                QCOMPARE(xml.attributes().value("name").toString(), QStringLiteral("D"));
                continue;
            }
        }
        QVERIFY(!xml.hasError());
        QCOMPARE(seen, (QStringList{"checkstyle", "file", "error"}));
    }

    // Every corpus Dockerfile: no crash, no parse finding, and exactly the hand-checked findings.
    void corpus()
    {
        const QString root = fixtures() + QStringLiteral("/lint/corpus");
        CorpusIndex corpus;
        QString error;
        QVERIFY2(corpus.load(root, &error), qPrintable(error));
        QVERIFY(corpus.images().size() >= 30);
        Linter linter;
        QStringList got;
        for (const CorpusIndex::Image &image : corpus.images()) {
            LintInput in;
            QVERIFY2(corpus.input(image, &in, &error), qPrintable(error));
            for (const LintFinding &f : linter.lint(in)) {
                QVERIFY2(!f.rule.startsWith(QLatin1String("MRC00")), qPrintable(f.toText()));
                got << f.toText();
            }
        }
        QFile file(fixtures() + QStringLiteral("/lint/corpus-expected.txt"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QStringList expected;
        for (const QString &line : QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            if (!line.startsWith(QLatin1Char('#')))
                expected << line;
        }
        for (int i = 0; i < qMax(got.size(), expected.size()); ++i)
            QCOMPARE(got.value(i), expected.value(i));
        QVERIFY(got.contains(QStringLiteral(
            "openstack/monasca-thresh/master/docker/Dockerfile:8: MRC101 error: FROM storm:1.2.3: build on "
            "monasca/base:$BASE_TAG")));
    }

    void command_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("firstLine");
        const QString corpus = fixtures() + QStringLiteral("/lint/corpus");
        const QString api = corpus + QStringLiteral("/openstack/monasca-api/master/docker");
        QTest::addRow("corpus has errors") << QStringList{"lint", "--no-hadolint", "--corpus", corpus} << 1
                                           << "openstack/monasca-api/master/docker/README.rst:67: MRC111 info: "
                                              "ADD_ACCESS_LOG: the table says false, ENV sets true";
        QTest::addRow("relative corpus path") << QStringList{"lint", "--no-hadolint", "--corpus", "lint/corpus"} << 1
                                              << "openstack/monasca-api/master/docker/README.rst:67: MRC111 info: "
                                                 "ADD_ACCESS_LOG: the table says false, ENV sets true";
        QTest::addRow("scripts missing on disk") << QStringList{"lint", "--no-hadolint", api} << 1
                                                 << api + "/Dockerfile:1: MRC103 error: start.sh is not in the folder";
        QTest::addRow("severities changed")
            << QStringList{"lint", "--no-hadolint", "--severity", "MRC103=off", "--severity", "mrc104=info", api} << 0
            << api + "/Dockerfile:1: MRC104 info: health_check.py is not in the folder";
        QTest::addRow("a clean folder") << QStringList{"lint", "--no-hadolint", m_clean.path()} << 0 << QString();
        QTest::addRow("a clean Dockerfile path")
            << QStringList{"lint", "--no-hadolint", m_clean.filePath("Dockerfile")} << 0 << QString();
        QTest::addRow("missing path") << QStringList{"lint", "/nonexistent/Dockerfile"} << 2 << QString();
        QTest::addRow("bad format") << QStringList{"lint", "--format", "xml", api} << 2 << QString();
        QTest::addRow("bad severity") << QStringList{"lint", "--severity", "MRC111=loud", api} << 2 << QString();
        QTest::addRow("sarif") << QStringList{"lint", "--no-hadolint", "--format", "sarif", m_clean.path()} << 0 << "{";
        QTest::addRow("json with errors") << QStringList{"lint", "--no-hadolint", "--format", "json", api} << 1 << "{";
    }

    void command()
    {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        QFETCH(QString, firstLine);
        const QString binary = qEnvironmentVariable("MRC_BINARY");
        if (binary.isEmpty()) {
            if (qEnvironmentVariableIsSet("CI"))
                QFAIL("MRC_BINARY is set by ctest");
            QSKIP("MRC_BINARY is set by ctest");
        }
        QProcess process;
        process.setWorkingDirectory(fixtures());
        process.start(binary, arguments);
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), exitCode);
        const QString out = QString::fromUtf8(process.readAllStandardOutput());
        QCOMPARE(out.section(QLatin1Char('\n'), 0, 0), firstLine);
    }

private:
    QTemporaryDir m_clean;

    // Validates @p document against the JSON schema file; returns the validator's messages, empty when valid.
    static QString schemaErrors(const QString &schemaPath, const QByteArray &document)
    {
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("doc.json")));
        if (!file.open(QIODevice::WriteOnly) || file.write(document) != document.size())
            return QStringLiteral("cannot write ") + file.fileName();
        file.close();
        const QString script = QStringLiteral(
            "import json, sys, jsonschema\n"
            "schema = json.load(open(sys.argv[1]))\n"
            "doc = json.load(open(sys.argv[2]))\n"
            "errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(doc), key=lambda e: str(list(e.path)))\n"
            "for e in errors[:10]: print('/'.join(map(str, e.path)) + ': ' + e.message)\n");
        QProcess python;
        python.start(QFileInfo::exists(QStringLiteral("/usr/bin/python3")) ? QStringLiteral("/usr/bin/python3")
                                                                           : QStringLiteral("python3"),
                     {QStringLiteral("-c"), script, schemaPath, file.fileName()});
        if (!python.waitForFinished(60000) || python.exitCode() != 0)
            return QStringLiteral("python3 with jsonschema failed (install python3-jsonschema): ") +
                   QString::fromUtf8(python.readAllStandardError());
        return QString::fromUtf8(python.readAllStandardOutput()).trimmed();
    }
};

QTEST_GUILESS_MAIN(TestLint)
#include "tst_lint.moc"
