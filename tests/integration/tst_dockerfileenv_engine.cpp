// SPDX-License-Identifier: Apache-2.0
// Checks the Dockerfile ENV evaluation against Docker itself: every distinct corpus Dockerfile is built on the
// private engine with its FROM replaced by a busybox base (made FROM scratch here, never pulled) and its RUN,
// COPY and ADD lines blanked; the image's Config.Env must equal DockerfileEnv's result on the original file.
#include "common/corpusrepos.h"
#include "dockerfile/dockerfileenv.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace mrc;

namespace {

const QString baseTag = QStringLiteral("mrc-test/busybox:envtest");

QString dockerHost()
{
    const QString host = qEnvironmentVariable("MRC_TEST_DOCKER_HOST");
    return host.isEmpty() ? QStringLiteral("unix:///tmp/mrc-dockerd/docker.sock") : host;
}

bool docker(const QStringList &arguments, QByteArray *output, QString *error)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DOCKER_BUILDKIT"), QStringLiteral("0")); // the classic builder: no buildx plugin here
    process.setProcessEnvironment(env);
    process.start(QStringLiteral("docker"), QStringList{QStringLiteral("-H"), dockerHost()} + arguments);
    if (!process.waitForFinished(120000) || process.exitCode() != 0) {
        *error = QStringLiteral("docker %1: %2%3")
                     .arg(arguments.join(QLatin1Char(' ')), QString::fromUtf8(process.readAllStandardError()),
                          process.errorString());
        return false;
    }
    if (output)
        *output = process.readAllStandardOutput();
    return true;
}

std::optional<QStringList> configEnv(const QString &image, QString *error)
{
    QByteArray out;
    if (!docker({QStringLiteral("image"), QStringLiteral("inspect"), QStringLiteral("--format"),
                 QStringLiteral("{{json .Config.Env}}"), image},
                &out, error))
        return std::nullopt;
    QStringList env;
    for (const QJsonValue &value : QJsonDocument::fromJson(out).array())
        env.append(value.toString());
    return env;
}

/** The Dockerfile with FROM on the busybox base and RUN/COPY/ADD blanked, line numbers unchanged. */
QByteArray rewrite(const QByteArray &text, const Dockerfile &file)
{
    QList<QByteArray> lines = text.split('\n');
    QStringList stages;
    for (const DockerfileInstruction &inst : file.instructions) {
        const bool from = inst.keyword == QLatin1String("FROM");
        if (!from && inst.keyword != QLatin1String("RUN") && inst.keyword != QLatin1String("COPY") &&
            inst.keyword != QLatin1String("ADD"))
            continue;
        QByteArray replacement;
        if (from) {
            const QStringList words = Dockerfile::splitWords(inst.arguments.trimmed(), file.escape);
            const QString alias = words.size() >= 3 ? words.at(2).toLower() : QString();
            const QString image = stages.contains(words.value(0).toLower()) ? words.value(0) : baseTag;
            replacement = QStringLiteral("FROM %1%2")
                              .arg(image, alias.isEmpty() ? QString() : QStringLiteral(" AS ") + alias)
                              .toUtf8();
            if (!alias.isEmpty())
                stages.append(alias);
        }
        for (int line = inst.firstLine; line <= inst.lastLine && line - 1 < lines.size(); ++line)
            lines[line - 1] = line == inst.firstLine ? replacement : QByteArray();
    }
    return lines.join('\n');
}

} // namespace

class TestDockerfileEnvEngine : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void matchesTheEngine_data();
    void matchesTheEngine();
    void cleanupTestCase();

private:
    QTemporaryDir m_dir;
    QList<DockerfileEnvVar> m_baseEnv;
    QStringList m_images;
};

void TestDockerfileEnvEngine::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QString error;
    QVERIFY2(
        docker({QStringLiteral("version"), QStringLiteral("--format"), QStringLiteral("{{.Server.Version}}")}, nullptr,
               &error),
        qPrintable(
            QStringLiteral("the private engine at %1 is needed (scripts/ starts it): %2").arg(dockerHost(), error)));
    const QString busybox = QFileInfo::exists(QStringLiteral("/bin/busybox"))
                                ? QStringLiteral("/bin/busybox")
                                : QStandardPaths::findExecutable(QStringLiteral("busybox"));
    QVERIFY2(!busybox.isEmpty(), "busybox-static is needed");
    const QString context = m_dir.filePath(QStringLiteral("base"));
    QDir().mkpath(context);
    QVERIFY(QFile::copy(busybox, context + QStringLiteral("/busybox")));
    QFile dockerfile(context + QStringLiteral("/Dockerfile"));
    QVERIFY(dockerfile.open(QIODevice::WriteOnly));
    dockerfile.write("FROM scratch\nCOPY busybox /bin/busybox\n");
    dockerfile.close();
    QVERIFY2(docker({QStringLiteral("build"), QStringLiteral("-q"), QStringLiteral("-t"), baseTag, context}, nullptr,
                    &error),
             qPrintable(error));
    const auto env = configEnv(baseTag, &error);
    QVERIFY2(env, qPrintable(error));
    for (const QString &entry : *env)
        m_baseEnv.append({entry.section(QLatin1Char('='), 0, 0), entry.section(QLatin1Char('='), 1), 0});
}

void TestDockerfileEnvEngine::matchesTheEngine_data()
{
    QTest::addColumn<QString>("path");
    const QString root = test::CorpusRepos::corpusRoot();
    QVERIFY2(QFileInfo::exists(root), qPrintable(QStringLiteral("no corpus at '%1'").arg(root)));
    QDirIterator it(root, {QStringLiteral("Dockerfile*")}, QDir::Files, QDirIterator::Subdirectories);
    QStringList paths;
    while (it.hasNext())
        paths.append(it.next());
    paths.sort();
    QSet<QByteArray> seen;
    for (const QString &path : std::as_const(paths)) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray hash = QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha1);
        if (seen.contains(hash))
            continue; // byte-identical copies on other branches
        seen.insert(hash);
        QTest::addRow("%s", qPrintable(QDir(root).relativeFilePath(path))) << path;
    }
    QVERIFY(seen.size() >= 5);
}

void TestDockerfileEnvEngine::matchesTheEngine()
{
    QFETCH(QString, path);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    const Dockerfile parsed = Dockerfile::parse(text, path);
    const DockerfileEnvResult expected = DockerfileEnv::evaluate(parsed, m_baseEnv);
    QVERIFY2(expected.problems.isEmpty(), qPrintable(expected.problems.value(0).message));

    const QString context = m_dir.filePath(QStringLiteral("ctx%1").arg(m_images.size()));
    QDir().mkpath(context);
    QFile out(context + QStringLiteral("/Dockerfile"));
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(rewrite(text, parsed));
    out.close();
    const QString tag = QStringLiteral("mrc-test/envcheck:%1").arg(m_images.size());
    QString error;
    QVERIFY2(
        docker({QStringLiteral("build"), QStringLiteral("-q"), QStringLiteral("-t"), tag, context}, nullptr, &error),
        qPrintable(error));
    m_images.append(tag);
    const auto actual = configEnv(tag, &error);
    QVERIFY2(actual, qPrintable(error));
    QCOMPARE(expected.toStrings(), *actual);
}

void TestDockerfileEnvEngine::cleanupTestCase()
{
    QString error;
    if (!m_images.isEmpty())
        docker(QStringList{QStringLiteral("rmi"), QStringLiteral("-f")} + m_images, nullptr, &error);
}

QTEST_GUILESS_MAIN(TestDockerfileEnvEngine)
#include "tst_dockerfileenv_engine.moc"
