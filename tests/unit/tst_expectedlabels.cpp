// SPDX-License-Identifier: Apache-2.0
// The expected labels of an image come from its files: the Dockerfile's LABEL lines and the base's ONBUILD LABEL
// lines, build arguments resolved. Checked on every Dockerfile of the shared upstream corpus against the keys the
// test reads from the files itself, and for monasca-api, the base and monasca-thresh against lists written out here
// from reading those files.
#include "common/sharedcorpus.h"
#include "jobs/expectedlabels.h"
#include "lint/corpusindex.h"
#include "lint/lintinput.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace mrc;

namespace {

/**
 * The label keys of the LABEL instructions (`onbuild`: of the ONBUILD LABEL instructions) of a Dockerfile, read
 * line by line without the project's parser: an instruction runs on while its lines end with a backslash.
 */
QStringList labelKeys(const QByteArray &dockerfile, bool onbuild)
{
    static const QRegularExpression key(QStringLiteral("(?:^|\\s)([A-Za-z0-9_.-]+)="));
    const QRegularExpression start(onbuild ? QStringLiteral("^ONBUILD\\s+LABEL\\b") : QStringLiteral("^LABEL\\b"));
    QStringList keys;
    bool inside = false;
    for (const QString &line : QString::fromUtf8(dockerfile).split(QLatin1Char('\n'))) {
        const bool starts = start.match(line).hasMatch();
        if (!inside && !starts)
            continue;
        if (line.trimmed().startsWith(QLatin1Char('#')))
            continue;
        QString text = starts ? line.mid(start.match(line).capturedEnd()) : line;
        auto it = key.globalMatch(text);
        while (it.hasNext())
            keys << it.next().captured(1);
        inside = line.trimmed().endsWith(QLatin1Char('\\'));
    }
    keys.sort();
    keys.removeDuplicates();
    return keys;
}

// monasca-common's ONBUILD LABEL, written out from openstack/monasca-common/*/docker/Dockerfile.
const QStringList kOnbuildKeys{"org.opencontainers.image.created",      "org.opencontainers.image.licenses",
                               "org.opencontainers.image.revision",     "org.opencontainers.image.source",
                               "org.opencontainers.image.title",        "org.opencontainers.image.url",
                               "org.opencontainers.image.version",      "org.openstack.constraints_uri",
                               "org.openstack.monasca.common.revision", "org.openstack.monasca.common.source",
                               "org.openstack.monasca.common.version",  "org.openstack.monasca.python.extra_deps"};

} // namespace

class TestExpectedLabels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        MRC_REQUIRE_SHARED_CORPUS(root)
        QString error;
        QVERIFY2(m_corpus.load(root, &error), qPrintable(error));
        QVERIFY(m_corpus.images().size() >= 30);
    }

    // Every Dockerfile of the corpus: the keys are its own LABEL keys plus, on monasca/base, the base's ONBUILD ones
    // and those the base image carries from its own LABEL lines.
    void everyCorpusImage()
    {
        int children = 0;
        for (const CorpusIndex::Image &image : m_corpus.images()) {
            LintInput in;
            QString error;
            QVERIFY2(m_corpus.input(image, &in, &error), qPrintable(error));
            const bool child = in.dockerfile.contains("\nFROM monasca/base:");
            QVERIFY2(!child || !in.baseDockerfile.isEmpty(), qPrintable(in.dockerfilePath));
            const QByteArray base = child ? in.baseDockerfile : QByteArray();
            QStringList want = labelKeys(in.dockerfile, false) + labelKeys(base, true) + labelKeys(base, false);
            want.sort();
            want.removeDuplicates();
            QStringList problems;
            const QStringList got = ExpectedLabels::fromFiles(in.dockerfile, base, {}, &problems).keys();
            QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
            QVERIFY2(got == want, qPrintable(in.dockerfilePath + QStringLiteral(": ") + got.join(QLatin1Char(' ')) +
                                             QStringLiteral(" vs ") + want.join(QLatin1Char(' '))));
            if (child) {
                ++children;
                QCOMPARE(got, kOnbuildKeys);
            }
        }
        QVERIFY2(children >= 20, qPrintable(QString::number(children)));
    }

    // monasca-api on master, by hand: the base's ONBUILD ARGs take the child's global defaults before FROM, the rest
    // come from --build-arg; nothing sets a constraints branch label.
    void monascaApiMaster()
    {
        const LintInput in = input(QStringLiteral("openstack/monasca-api/master"), QStringLiteral("docker"));
        QVERIFY(!in.baseDockerfile.isEmpty());
        const QHash<QString, QString> args{
            {QStringLiteral("CREATION_TIME"), QStringLiteral("2026-12-05T07:00:00Z")},
            {QStringLiteral("GITHUB_REPO"), QStringLiteral("https://github.com/openstack/monasca-api")},
            {QStringLiteral("GIT_COMMIT"), QStringLiteral("0123456789abcdef")},
            {QStringLiteral("CONSTRAINTS_FILE"),
             QStringLiteral("https://opendev.org/openstack/requirements/raw/branch/master/upper-constraints.txt")},
            {QStringLiteral("COMMON_REPO"), QStringLiteral("https://review.opendev.org/openstack/monasca-common")},
            {QStringLiteral("COMMON_VERSION"), QStringLiteral("master")},
            {QStringLiteral("COMMON_GIT_COMMIT"), QStringLiteral("fedcba9876543210")}};
        const QMap<QString, QString> labels = ExpectedLabels::fromFiles(in.dockerfile, in.baseDockerfile, args);
        const QMap<QString, QString> want{
            {"org.opencontainers.image.created", "2026-12-05T07:00:00Z"},
            {"org.opencontainers.image.title", "monasca/api"},
            {"org.opencontainers.image.source", "https://review.opendev.org/openstack/monasca-api"},
            {"org.opencontainers.image.url", "https://github.com/openstack/monasca-api"},
            {"org.opencontainers.image.version", "master"},
            {"org.opencontainers.image.revision", "0123456789abcdef"},
            {"org.opencontainers.image.licenses", "Apache-2.0"},
            {"org.openstack.constraints_uri",
             "https://opendev.org/openstack/requirements/raw/branch/master/upper-constraints.txt"},
            {"org.openstack.monasca.python.extra_deps", "gunicorn gevent>=21.12.0 python-memcached influxdb"},
            {"org.openstack.monasca.common.source", "https://review.opendev.org/openstack/monasca-common"},
            {"org.openstack.monasca.common.version", "master"},
            {"org.openstack.monasca.common.revision", "fedcba9876543210"}};
        QCOMPARE(labels, want);
        QVERIFY(!labels.contains(QStringLiteral("org.openstack.constraints_branch")));

        // Without build arguments, what only they give is empty, as in Docker; the defaults still apply.
        const QMap<QString, QString> bare = ExpectedLabels::fromFiles(in.dockerfile, in.baseDockerfile, {});
        QCOMPARE(bare.keys(), kOnbuildKeys);
        QCOMPARE(bare.value(QStringLiteral("org.openstack.constraints_uri")), QString());
        QCOMPARE(bare.value(QStringLiteral("org.opencontainers.image.version")), QStringLiteral("master"));
        // A build argument wins over the Dockerfile's default.
        const QMap<QString, QString> other = ExpectedLabels::fromFiles(
            in.dockerfile, in.baseDockerfile, {{QStringLiteral("REPO_VERSION"), QStringLiteral("stable/2023.2")}});
        QCOMPARE(other.value(QStringLiteral("org.opencontainers.image.version")), QStringLiteral("stable/2023.2"));
    }

    // The base itself: its own LABEL lines (its ONBUILD ones are for its children), with its BASE_* arguments.
    void monascaCommonBase()
    {
        const LintInput in = input(QStringLiteral("openstack/monasca-common/master"), QStringLiteral("docker"));
        const QMap<QString, QString> labels =
            ExpectedLabels::fromFiles(in.dockerfile, {}, {{QStringLiteral("BASE_GIT_COMMIT"), QStringLiteral("abc")}});
        const QMap<QString, QString> want{{"org.opencontainers.image.created", ""},
                                          {"org.opencontainers.image.title", "monasca-base"},
                                          {"org.opencontainers.image.revision", "abc"},
                                          {"org.opencontainers.image.licenses", "Apache-2.0"}};
        QCOMPARE(labels, want);
    }

    // monasca-thresh builds FROM storm:1.2.3 and has no LABEL line: nothing is expected from its files.
    void monascaThresh()
    {
        const LintInput in = input(QStringLiteral("openstack/monasca-thresh/master"), QStringLiteral("docker"));
        QVERIFY(!in.dockerfile.isEmpty());
        QCOMPARE(ExpectedLabels::fromFiles(in.dockerfile, {}, {}), (QMap<QString, QString>{}));
    }

private:
    LintInput input(const QString &folder, const QString &context)
    {
        LintInput in;
        for (const CorpusIndex::Image &image : m_corpus.images()) {
            if (image.folder == folder && image.context == context) {
                QString error;
                if (!m_corpus.input(image, &in, &error))
                    qWarning("%s", qPrintable(error));
            }
        }
        return in;
    }

    CorpusIndex m_corpus;
};

QTEST_MAIN(TestExpectedLabels)
#include "tst_expectedlabels.moc"
