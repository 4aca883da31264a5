// SPDX-License-Identifier: Apache-2.0
// Over 600 lines: one table-driven case per manifest problem (broken_data), each with its exact message.
#include "lint/lintrule.h"
#include "manifest/manifestparser.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <initializer_list>

using namespace mrc;

namespace {

// One YAML line per string, so that a row's line numbers can be read off its index (first line is 1).
QByteArray yaml(std::initializer_list<const char *> lines)
{
    QByteArray text;
    for (const char *line : lines)
        text += QByteArray(line) + '\n';
    return text;
}

QStringList printed(const ManifestProblems &problems)
{
    QStringList out;
    for (const ManifestProblem &p : problems)
        out.append(p.toString());
    return out;
}

// Keeps $DOCKER_HOST as the test found it, whatever a test function sets.
class DockerHostGuard
{
public:
    DockerHostGuard() : m_had(qEnvironmentVariableIsSet("DOCKER_HOST")), m_value(qgetenv("DOCKER_HOST")) {}
    ~DockerHostGuard()
    {
        if (m_had)
            qputenv("DOCKER_HOST", m_value);
        else
            qunsetenv("DOCKER_HOST");
    }

private:
    bool m_had;
    QByteArray m_value;
};

} // namespace

class TestManifest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void defaultManifestIsValid();
    void defaultComponents_data();
    void defaultComponents();
    void defaultBranchesAndColumns();
    void lookups();

    void localEngineFromDockerHost();
    void invalidDockerHost();
    void explicitEngines();
    void versionsKeepTheirText();
    void defaultsForImageAndContext();
    void requirementsRepository();
    void lintSection_data();
    void lintSection();

    void broken_data();
    void broken();
    void everyProblemAtOnce();

    void missingFile();
    void folderInsteadOfFile();
    void loadUsesThePath();

    void engineHosts_data();
    void engineHosts();
    void dockerVersions_data();
    void dockerVersions();

private:
    DockerHostGuard m_dockerHost;
};

void TestManifest::initTestCase()
{
    // The default manifest has no engines, so its local engine must not depend on the caller's environment.
    qunsetenv("DOCKER_HOST");
}

void TestManifest::defaultManifestIsValid()
{
    const ManifestResult result = ManifestParser::defaultManifest();
    QCOMPARE(printed(result.problems), QStringList());
    QVERIFY(result.ok());
    QCOMPARE(result.manifest.path, QStringLiteral(":/mrc/default-release.yaml"));
    QCOMPARE(result.manifest.version, 1);
    QCOMPARE(result.manifest.registry.host, QStringLiteral("docker.io"));
    QCOMPARE(result.manifest.registry.ns, QStringLiteral("monasca"));
    QCOMPARE(result.manifest.components.size(), 11);

    QCOMPARE(result.manifest.engines.size(), 1);
    QCOMPARE(result.manifest.engines[0].name, QStringLiteral("local"));
    QCOMPARE(result.manifest.engines[0].host, QStringLiteral("unix:///var/run/docker.sock"));
    QCOMPARE(result.manifest.requirements, QStringLiteral("https://opendev.org/openstack/requirements"));
}

void TestManifest::requirementsRepository()
{
    const ManifestResult result = ManifestParser::parse(yaml({
                                                            "version: 1",
                                                            "requirements: /srv/git/requirements",
                                                            "branches: [{name: master, docker: ['28.2']}]",
                                                            "components:",
                                                            "  - name: base",
                                                            "    repo: /srv/git/monasca-common",
                                                        }),
                                                        QStringLiteral("t.yaml"));
    QCOMPARE(printed(result.problems), QStringList());
    QCOMPARE(result.manifest.requirements, QStringLiteral("/srv/git/requirements"));
    QCOMPARE(result.manifest.requirementsPos.line, 2);
    const ManifestResult bad = ManifestParser::parse(yaml({
                                                         "version: 1",
                                                         "requirements: [a, b]",
                                                         "branches: [{name: master, docker: ['28.2']}]",
                                                         "components:",
                                                         "  - name: base",
                                                         "    repo: /srv/git/monasca-common",
                                                     }),
                                                     QStringLiteral("t.yaml"));
    QVERIFY(!bad.ok());
    QVERIFY2(printed(bad.problems).join(QLatin1Char('\n')).contains(QStringLiteral("t.yaml:2:")),
             qPrintable(printed(bad.problems).join(QLatin1Char('\n'))));
}

void TestManifest::defaultComponents_data()
{
    QTest::addColumn<int>("row");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("image");
    QTest::addColumn<QString>("repo");
    QTest::addColumn<QString>("context");
    QTest::addColumn<QString>("base");

    const QString upstream = QStringLiteral("https://opendev.org/openstack/");
    int row = 0;
    const auto add = [&](const char *name, const char *repo, const char *context, const char *base) {
        QTest::addRow("%s", name) << row++ << QString::fromLatin1(name)
                                  << QStringLiteral("monasca/") + QLatin1String(name) << upstream + QLatin1String(repo)
                                  << QString::fromLatin1(context) << QString::fromLatin1(base);
    };
    add("base", "monasca-common", "docker", "");
    add("api", "monasca-api", "docker", "base");
    add("agent-collector", "monasca-agent", "docker/collector", "base");
    add("agent-forwarder", "monasca-agent", "docker/forwarder", "base");
    add("statsd", "monasca-agent", "docker/statsd", "base");
    add("log-api", "monasca-log-api", "docker", "base");
    add("notification", "monasca-notification", "docker", "base");
    add("persister", "monasca-persister", "docker", "base");
    // Its Dockerfile starts FROM storm, not FROM monasca/base.
    add("thresh", "monasca-thresh", "docker", "");
    add("client", "python-monascaclient", "docker", "base");
    add("tempest-tests", "monasca-tempest-plugin", "docker", "base");
}

void TestManifest::defaultComponents()
{
    QFETCH(int, row);
    QFETCH(QString, name);
    QFETCH(QString, image);
    QFETCH(QString, repo);
    QFETCH(QString, context);
    QFETCH(QString, base);

    const ManifestResult result = ManifestParser::defaultManifest();
    QVERIFY(row < result.manifest.components.size());
    const ComponentSpec &c = result.manifest.components[row];
    QCOMPARE(c.name, name);
    QCOMPARE(c.image, image);
    QCOMPARE(c.repo, repo);
    QCOMPARE(c.context, context);
    QCOMPARE(c.base, base);
    QVERIFY(c.pos.line > 0);
    QVERIFY(c.pos.column > 0);
    if (!base.isEmpty())
        QVERIFY(result.manifest.component(base));
}

void TestManifest::defaultBranchesAndColumns()
{
    const ManifestResult result = ManifestParser::defaultManifest();
    QCOMPARE(result.manifest.branches.size(), 3);
    QCOMPARE(result.manifest.branches[0].name, QStringLiteral("master"));
    QCOMPARE(result.manifest.branches[1].name, QStringLiteral("stable/2023.2"));
    QCOMPARE(result.manifest.branches[2].name, QStringLiteral("unmaintained/2023.1"));

    using Column = QPair<QString, QString>;
    const QList<Column> expected = {
        {"master", "28.2"},
        {"master", "27.5"},
        {"master", "26.1"},
        {"stable/2023.2", "24.0"},
        {"stable/2023.2", "23.0"},
        {"stable/2023.2", "20.10"},
        {"unmaintained/2023.1", "23.0"},
        {"unmaintained/2023.1", "20.10"},
        {"unmaintained/2023.1", "19.03"},
    };
    QCOMPARE(result.manifest.columns(), expected);
}

void TestManifest::lookups()
{
    const ManifestResult result = ManifestParser::defaultManifest();
    const ComponentSpec *statsd = result.manifest.component(QStringLiteral("statsd"));
    QVERIFY(statsd);
    QCOMPARE(statsd->context, QStringLiteral("docker/statsd"));
    QCOMPARE(result.manifest.component(QStringLiteral("nope")), nullptr);

    const BranchSpec *stable = result.manifest.branch(QStringLiteral("stable/2023.2"));
    QVERIFY(stable);
    QCOMPARE(stable->docker, QStringList({"24.0", "23.0", "20.10"}));
    QCOMPARE(result.manifest.branch(QStringLiteral("stable/2099.1")), nullptr);

    QCOMPARE(Manifest().columns(), (QList<QPair<QString, QString>>()));
}

void TestManifest::localEngineFromDockerHost()
{
    const QByteArray text = yaml({
        "version: 1",
        "branches:",
        "  - {name: master, docker: ['28.2']}",
        "components:",
        "  - {name: base, repo: r}",
    });

    qputenv("DOCKER_HOST", "tcp://10.0.0.7:2376");
    ManifestResult result = ManifestParser::parse(text, QStringLiteral("t.yaml"));
    QCOMPARE(printed(result.problems), QStringList());
    QCOMPARE(result.manifest.engines.size(), 1);
    QCOMPARE(result.manifest.engines[0].name, QStringLiteral("local"));
    QCOMPARE(result.manifest.engines[0].host, QStringLiteral("tcp://10.0.0.7:2376"));
    QCOMPARE(result.manifest.engines[0].pos.line, 0);
    QCOMPARE(result.manifest.engines[0].pos.column, 0);
    QVERIFY(result.manifest.engines[0].tls.isEmpty());

    qputenv("DOCKER_HOST", "");
    result = ManifestParser::parse(text, QStringLiteral("t.yaml"));
    QCOMPARE(result.manifest.engines[0].host, QStringLiteral("unix:///var/run/docker.sock"));

    qunsetenv("DOCKER_HOST");
    result = ManifestParser::parse(text, QStringLiteral("t.yaml"));
    QCOMPARE(result.manifest.engines.size(), 1);
    QCOMPARE(result.manifest.engines[0].host, QStringLiteral("unix:///var/run/docker.sock"));
}

void TestManifest::invalidDockerHost()
{
    qputenv("DOCKER_HOST", "localhost:2375");
    const ManifestResult result = ManifestParser::parse(yaml({
                                                            "version: 1",
                                                            "branches: [{name: master, docker: ['28.2']}]",
                                                            "components: [{name: base, repo: r}]",
                                                        }),
                                                        QStringLiteral("t.yaml"));
    qunsetenv("DOCKER_HOST");
    QCOMPARE(printed(result.problems),
             QStringList({"t.yaml: $DOCKER_HOST: bad engine host 'localhost:2375': no scheme; write unix://PATH, "
                          "tcp://HOST:PORT or ssh://[USER@]HOST[:PORT]"}));
}

void TestManifest::explicitEngines()
{
    qputenv("DOCKER_HOST", "tcp://ignored:1");
    const ManifestResult result = ManifestParser::parse(yaml({
                                                            "version: 1",
                                                            "engines:",
                                                            "  - name: docker-28",
                                                            "    host: unix:///run/d28.sock",
                                                            "  - name: docker-27",
                                                            "    host: tcp://build-27:2376",
                                                            "    tls:",
                                                            "      ca: /etc/mrc/ca.pem",
                                                            "      cert: /etc/mrc/cert.pem",
                                                            "      key: /etc/mrc/key.pem",
                                                            "  - {name: remote, host: 'ssh://ci@builder:2222'}",
                                                            "branches: [{name: master, docker: ['28.2']}]",
                                                            "components: [{name: base, repo: r}]",
                                                        }),
                                                        QStringLiteral("t.yaml"));
    qunsetenv("DOCKER_HOST");
    QCOMPARE(printed(result.problems), QStringList());
    const QList<EngineSpec> &engines = result.manifest.engines;
    QCOMPARE(engines.size(), 3);
    QCOMPARE(engines[0].name, QStringLiteral("docker-28"));
    QCOMPARE(engines[0].host, QStringLiteral("unix:///run/d28.sock"));
    QCOMPARE(engines[0].pos.line, 3);
    QCOMPARE(engines[0].pos.column, 5);
    QVERIFY(engines[0].tls.isEmpty());
    QCOMPARE(engines[1].host, QStringLiteral("tcp://build-27:2376"));
    QCOMPARE(engines[1].tls.ca, QStringLiteral("/etc/mrc/ca.pem"));
    QCOMPARE(engines[1].tls.cert, QStringLiteral("/etc/mrc/cert.pem"));
    QCOMPARE(engines[1].tls.key, QStringLiteral("/etc/mrc/key.pem"));
    QCOMPARE(engines[2].host, QStringLiteral("ssh://ci@builder:2222"));
    QCOMPARE(engines[2].pos.line, 11);
}

void TestManifest::versionsKeepTheirText()
{
    // Unquoted, YAML reads these as numbers; 27.10 must not turn into 27.1, nor 19.03 into 19.3.
    const ManifestResult result = ManifestParser::parse(yaml({
                                                            "version: 1",
                                                            "branches:",
                                                            "  - name: master",
                                                            "    docker: [27.10, 19.03, \"28.2\", 24.0.7, '20.10']",
                                                            "components:",
                                                            "  - {name: base, repo: r}",
                                                        }),
                                                        QStringLiteral("t.yaml"));
    QCOMPARE(printed(result.problems), QStringList());
    QCOMPARE(result.manifest.branches.size(), 1);
    QCOMPARE(result.manifest.branches[0].docker, QStringList({"27.10", "19.03", "28.2", "24.0.7", "20.10"}));
    QCOMPARE(result.manifest.branches[0].pos.line, 3);
}

void TestManifest::defaultsForImageAndContext()
{
    const ManifestResult result = ManifestParser::parse(yaml({
                                                            "version: 1",
                                                            "registry:",
                                                            "  host: registry.example.org:5000",
                                                            "  namespace: acme/monasca",
                                                            "branches: [{name: master, docker: ['28.2']}]",
                                                            "components:",
                                                            "  - name: base",
                                                            "    repo: /srv/git/monasca-common",
                                                            "  - name: api",
                                                            "    image: other/api-image",
                                                            "    repo: /srv/git/monasca-api",
                                                            "    context: docker/api/",
                                                            "    base: base",
                                                        }),
                                                        QStringLiteral("t.yaml"));
    QCOMPARE(printed(result.problems), QStringList());
    QCOMPARE(result.manifest.registry.host, QStringLiteral("registry.example.org:5000"));
    QCOMPARE(result.manifest.registry.ns, QStringLiteral("acme/monasca"));
    const ComponentSpec *base = result.manifest.component(QStringLiteral("base"));
    QVERIFY(base);
    QCOMPARE(base->image, QStringLiteral("acme/monasca/base"));
    QCOMPARE(base->context, QStringLiteral("docker"));
    QCOMPARE(base->base, QString());
    QCOMPARE(base->pos.line, 7);
    QCOMPARE(base->pos.column, 5);
    const ComponentSpec *api = result.manifest.component(QStringLiteral("api"));
    QVERIFY(api);
    QCOMPARE(api->image, QStringLiteral("other/api-image"));
    QCOMPARE(api->context, QStringLiteral("docker/api"));
    QCOMPARE(api->base, QStringLiteral("base"));
}

void TestManifest::lintSection_data()
{
    QTest::addColumn<QByteArray>("lint");
    QTest::addColumn<bool>("gate");
    QTest::addColumn<QStringList>("severity"); // "RULE=level", sorted

    QTest::addRow("absent") << QByteArray() << true << QStringList();
    QTest::addRow("gate off") << QByteArray("lint: {gate: false}\n") << false << QStringList();
    QTest::addRow("severities") << yaml({
                                       "lint:",
                                       "  gate: true",
                                       "  severity:",
                                       "    MRC106: warning",
                                       "    DL3008: off",
                                   })
                                << true << QStringList{"DL3008=off", "MRC106=warning"};
}

void TestManifest::lintSection()
{
    QFETCH(QByteArray, lint);
    QFETCH(bool, gate);
    QFETCH(QStringList, severity);

    const ManifestResult result = ManifestParser::parse(yaml({
                                                            "version: 1",
                                                            "branches: [{name: master, docker: ['28.2']}]",
                                                            "components: [{name: base, repo: r}]",
                                                        }) + lint,
                                                        QStringLiteral("t.yaml"));
    QCOMPARE(printed(result.problems), QStringList());
    QCOMPARE(result.manifest.lint.gate, gate);
    QStringList actual;
    for (auto it = result.manifest.lint.severity.cbegin(); it != result.manifest.lint.severity.cend(); ++it)
        actual << it.key() + QLatin1Char('=') + it.value();
    actual.sort();
    QCOMPARE(actual, severity);
}

void TestManifest::broken_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QStringList>("expected");

    QTest::addRow("syntax error") << yaml({
                                         "version: 1",
                                         "branches: [{name: master, docker: ['28.2']}",
                                         "components: []",
                                     })
                                  << QStringList{"t.yaml:3:1: syntax error: end of sequence flow not found"};

    QTest::addRow("bad indentation") << yaml({
                                            "version: 1",
                                            "components:",
                                            "  - name: base",
                                            " repo: r",
                                        })
                                     << QStringList{"t.yaml:4:2: syntax error: end of map not found"};

    QTest::addRow("empty file") << QByteArray("# nothing yet\n")
                                << QStringList{"t.yaml:1:1: the manifest is empty; start with 'version: 1'"};

    QTest::addRow("top level is a list")
        << yaml({
               "- version: 1",
           })
        << QStringList{"t.yaml:1:1: the manifest must be a map of keys (version, registry, engines, branches, "
                       "components, lint, stacks, tags, requirements, "
                       "docker_releases, automation), not a list"};

    QTest::addRow("unknown key with suggestion")
        << yaml({
               "version: 1",
               "branches: [{name: master, docker: ['28.2']}]",
               "components:",
               "  - name: base",
               "    repo: r",
               "    contxt: docker",
           })
        << QStringList{"t.yaml:6:5: unknown key 'contxt'; did you mean 'context'?"};

    QTest::addRow("unknown top-level key with swapped letters")
        << yaml({
               "version: 1",
               "registry: {host: docker.io, namespace: monasca}",
               "branches: [{name: master, docker: ['28.2']}]",
               "components: [{name: base, repo: r}]",
               "egnines: []",
           })
        << QStringList{"t.yaml:5:1: unknown key 'egnines'; did you mean 'engines'?"};

    QTest::addRow("unknown key without suggestion")
        << yaml({
               "version: 1",
               "branches: [{name: master, docker: ['28.2']}]",
               "components:",
               "  - name: base",
               "    repo: r",
               "    colour: blue",
           })
        << QStringList{"t.yaml:6:5: unknown key 'colour' in a component; allowed keys: name, image, repo, context, "
                       "base, tests"};

    QTest::addRow("lint: unknown rule and bad level")
        << yaml({
               "version: 1",
               "branches: [{name: master, docker: ['28.2']}]",
               "components: [{name: base, repo: r}]",
               "lint:",
               "  severity:",
               "    MRC999: error",
               "    MRC106: loud",
           })
        << QStringList{"t.yaml:6:5: unknown lint rule 'MRC999'",
                       "t.yaml:7:13: severity of 'MRC106' must be error, warning, info or off"};

    QTest::addRow("lint: a rule id of the wrong form") << yaml({
                                                              "version: 1",
                                                              "branches: [{name: master, docker: ['28.2']}]",
                                                              "components: [{name: base, repo: r}]",
                                                              "lint:",
                                                              "  severity:",
                                                              "    colour: error",
                                                          })
                                                       << QStringList{"t.yaml:6:5: unknown lint rule 'colour'"};

    QTest::addRow("lint: bad gate and unknown key")
        << yaml({
               "version: 1",
               "branches: [{name: master, docker: ['28.2']}]",
               "components: [{name: base, repo: r}]",
               "lint:",
               "  gate: maybe",
               "  colour: red",
           })
        << QStringList{"t.yaml:5:9: 'gate' must be true or false, not 'maybe'",
                       "t.yaml:6:3: unknown key 'colour' in 'lint'; allowed keys: gate, severity"};

    QTest::addRow("duplicate key") << yaml({
                                          "version: 1",
                                          "branches: [{name: master, docker: ['28.2']}]",
                                          "components:",
                                          "  - name: base",
                                          "    repo: r",
                                          "    repo: s",
                                      })
                                   << QStringList{"t.yaml:6:5: duplicate key 'repo'; first given at line 5"};

    QTest::addRow("missing version") << yaml({
                                            "branches: [{name: master, docker: ['28.2']}]",
                                            "components: [{name: base, repo: r}]",
                                        })
                                     << QStringList{"t.yaml:1:1: manifest has no 'version'; add 'version: 1'"};

    QTest::addRow("unsupported version") << yaml({
                                                "version: 2",
                                                "branches: [{name: master, docker: ['28.2']}]",
                                                "components: [{name: base, repo: r}]",
                                            })
                                         << QStringList{
                                                "t.yaml:1:10: unsupported version '2'; this console reads version 1"};

    QTest::addRow("missing branches") << yaml({
                                             "version: 1",
                                             "components: [{name: base, repo: r}]",
                                         })
                                      << QStringList{
                                             "t.yaml:1:1: manifest has no 'branches'; list the branches to build"};

    QTest::addRow("missing repo")
        << yaml({
               "version: 1",
               "branches: [{name: master, docker: ['28.2']}]",
               "components:",
               "  - name: base",
               "    context: docker",
           })
        << QStringList{"t.yaml:4:5: component 'base' has no 'repo'; add the URL of its git repository"};

    QTest::addRow("missing component name") << yaml({
                                                   "version: 1",
                                                   "branches: [{name: master, docker: ['28.2']}]",
                                                   "components:",
                                                   "  - repo: r",
                                               })
                                            << QStringList{"t.yaml:4:5: component has no 'name'"};

    QTest::addRow("empty value") << yaml({
                                        "version: 1",
                                        "branches: [{name: master, docker: ['28.2']}]",
                                        "components:",
                                        "  - name: base",
                                        "    repo:",
                                    })
                                 << QStringList{"t.yaml:5:5: 'repo' has no value; write one after the colon"};

    QTest::addRow("map expected") << yaml({
                                         "version: 1",
                                         "registry: docker.io",
                                         "branches: [{name: master, docker: ['28.2']}]",
                                         "components: [{name: base, repo: r}]",
                                     })
                                  << QStringList{"t.yaml:2:11: 'registry' must be a map, not a scalar"};

    QTest::addRow("list expected") << yaml({
                                          "version: 1",
                                          "branches:",
                                          "  name: master",
                                          "  docker: ['28.2']",
                                          "components: [{name: base, repo: r}]",
                                      })
                                   << QStringList{"t.yaml:3:3: 'branches' must be a list, not a map"};

    QTest::addRow("list item must be a map") << yaml({
                                                    "version: 1",
                                                    "branches:",
                                                    "  - master",
                                                    "components: [{name: base, repo: r}]",
                                                })
                                             << QStringList{"t.yaml:3:5: each branch must be a map, not a scalar"};

    QTest::addRow("scalar expected") << yaml({
                                            "version: 1",
                                            "branches: [{name: master, docker: ['28.2']}]",
                                            "components:",
                                            "  - name: [base, api]",
                                            "    repo: r",
                                        })
                                     << QStringList{"t.yaml:4:11: 'name' must be a scalar, not a list"};

    QTest::addRow("duplicate component") << yaml({
                                                "version: 1",
                                                "branches: [{name: master, docker: ['28.2']}]",
                                                "components:",
                                                "  - name: base",
                                                "    repo: r",
                                                "  - name: base",
                                                "    repo: s",
                                            })
                                         << QStringList{
                                                "t.yaml:6:11: duplicate component 'base'; first defined at line 4"};

    QTest::addRow("duplicate branch") << yaml({
                                             "version: 1",
                                             "branches:",
                                             "  - name: master",
                                             "    docker: ['28.2']",
                                             "  - name: master",
                                             "    docker: ['27.5']",
                                             "components: [{name: base, repo: r}]",
                                         })
                                      << QStringList{"t.yaml:5:11: duplicate branch 'master'; first defined at line 3"};

    QTest::addRow("duplicate engine") << yaml({
                                             "version: 1",
                                             "engines:",
                                             "  - {name: local, host: 'unix:///run/a.sock'}",
                                             "  - {name: local, host: 'unix:///run/b.sock'}",
                                             "branches: [{name: master, docker: ['28.2']}]",
                                             "components: [{name: base, repo: r}]",
                                         })
                                      << QStringList{"t.yaml:4:12: duplicate engine 'local'; first defined at line 3"};

    QTest::addRow("base with a typo") << yaml({
                                             "version: 1",
                                             "branches: [{name: master, docker: ['28.2']}]",
                                             "components:",
                                             "  - {name: base, repo: r}",
                                             "  - {name: api, repo: r, base: bsae}",
                                         })
                                      << QStringList{
                                             "t.yaml:5:32: base 'bsae' names no component; did you mean 'base'?"};

    QTest::addRow("base names nothing")
        << yaml({
               "version: 1",
               "branches: [{name: master, docker: ['28.2']}]",
               "components:",
               "  - name: thresh",
               "    repo: r",
               "    base: storm",
           })
        << QStringList{"t.yaml:6:11: base 'storm' names no component; add it to 'components' or fix the name"};

    QTest::addRow("base cycle")
        << yaml({
               "version: 1",
               "branches: [{name: master, docker: ['28.2']}]",
               "components:",
               "  - {name: root, repo: r}",
               "  - {name: a, repo: r, base: b}",
               "  - {name: b, repo: r, base: c}",
               "  - {name: c, repo: r, base: a}",
               "  - {name: leaf, repo: r, base: c}",
           })
        << QStringList{"t.yaml:5:30: 'base' forms a cycle: a -> b -> c -> a; remove one of these 'base' keys"};

    QTest::addRow("base is itself")
        << yaml({
               "version: 1",
               "branches: [{name: master, docker: ['28.2']}]",
               "components:",
               "  - {name: api, repo: r, base: api}",
           })
        << QStringList{"t.yaml:4:32: 'base' forms a cycle: api -> api; remove one of these 'base' keys"};

    QTest::addRow("engine scheme")
        << yaml({
               "version: 1",
               "engines:",
               "  - name: web",
               "    host: http://localhost:2375",
               "branches: [{name: master, docker: ['28.2']}]",
               "components: [{name: base, repo: r}]",
           })
        << QStringList{"t.yaml:4:11: bad engine host 'http://localhost:2375': unsupported scheme 'http'; use unix://, "
                       "tcp:// or ssh://"};

    QTest::addRow("engine without scheme")
        << yaml({
               "version: 1",
               "engines: [{name: e, host: /var/run/docker.sock}]",
               "branches: [{name: master, docker: ['28.2']}]",
               "components: [{name: base, repo: r}]",
           })
        << QStringList{"t.yaml:2:27: bad engine host '/var/run/docker.sock': no scheme; write unix://PATH, "
                       "tcp://HOST:PORT or ssh://[USER@]HOST[:PORT]"};

    QTest::addRow("unix without path")
        << yaml({
               "version: 1",
               "engines: [{name: e, host: 'unix://'}]",
               "branches: [{name: master, docker: ['28.2']}]",
               "components: [{name: base, repo: r}]",
           })
        << QStringList{"t.yaml:2:27: bad engine host 'unix://': missing socket path; write unix:///PATH/docker.sock"};

    QTest::addRow("tcp without port")
        << yaml({
               "version: 1",
               "engines: [{name: e, host: 'tcp://builder'}]",
               "branches: [{name: master, docker: ['28.2']}]",
               "components: [{name: base, repo: r}]",
           })
        << QStringList{"t.yaml:2:27: bad engine host 'tcp://builder': missing port; write tcp://HOST:PORT, e.g. "
                       "tcp://builder:2376"};

    QTest::addRow("tcp without host")
        << yaml({
               "version: 1",
               "engines: [{name: e, host: 'tcp://:2376'}]",
               "branches: [{name: master, docker: ['28.2']}]",
               "components: [{name: base, repo: r}]",
           })
        << QStringList{"t.yaml:2:27: bad engine host 'tcp://:2376': missing host; write tcp://HOST:PORT"};

    QTest::addRow("tcp bad port")
        << yaml({
               "version: 1",
               "engines: [{name: e, host: 'tcp://builder:99999'}]",
               "branches: [{name: master, docker: ['28.2']}]",
               "components: [{name: base, repo: r}]",
           })
        << QStringList{"t.yaml:2:27: bad engine host 'tcp://builder:99999': port '99999' must be a number from 1 to "
                       "65535"};

    QTest::addRow("ssh without host")
        << yaml({
               "version: 1",
               "engines: [{name: e, host: 'ssh://ci@'}]",
               "branches: [{name: master, docker: ['28.2']}]",
               "components: [{name: base, repo: r}]",
           })
        << QStringList{"t.yaml:2:27: bad engine host 'ssh://ci@': missing host; write ssh://[USER@]HOST[:PORT]"};

    QTest::addRow("engine without host")
        << yaml({
               "version: 1",
               "engines:",
               "  - name: e",
               "branches: [{name: master, docker: ['28.2']}]",
               "components: [{name: base, repo: r}]",
           })
        << QStringList{"t.yaml:3:5: engine 'e' has no 'host' or 'context'; e.g. unix:///var/run/docker.sock"};

    QTest::addRow("tls cert without key") << yaml({
                                                 "version: 1",
                                                 "engines:",
                                                 "  - name: e",
                                                 "    host: tcp://builder:2376",
                                                 "    tls: {ca: /ca.pem, cert: /cert.pem}",
                                                 "branches: [{name: master, docker: ['28.2']}]",
                                                 "components: [{name: base, repo: r}]",
                                             })
                                          << QStringList{"t.yaml:5:10: 'tls' needs both 'cert' and 'key', or neither"};

    QTest::addRow("empty engines")
        << yaml({
               "version: 1",
               "engines: []",
               "branches: [{name: master, docker: ['28.2']}]",
               "components: [{name: base, repo: r}]",
           })
        << QStringList{"t.yaml:2:10: 'engines' is empty; list at least one engine, or remove the key to use "
                       "$DOCKER_HOST"};

    QTest::addRow("empty branches") << yaml({
                                           "version: 1",
                                           "branches: []",
                                           "components: [{name: base, repo: r}]",
                                       })
                                    << QStringList{"t.yaml:2:11: 'branches' is empty; list at least one branch"};

    QTest::addRow("empty components") << yaml({
                                             "version: 1",
                                             "branches: [{name: master, docker: ['28.2']}]",
                                             "components:",
                                         })
                                      << QStringList{
                                             "t.yaml:3:1: 'components' is empty; list at least one image to build"};

    QTest::addRow("empty docker list") << yaml({
                                              "version: 1",
                                              "branches:",
                                              "  - name: master",
                                              "    docker: []",
                                              "components: [{name: base, repo: r}]",
                                          })
                                       << QStringList{
                                              "t.yaml:4:13: 'docker' is empty; list at least one Docker version"};

    QTest::addRow("empty list item") << yaml({
                                            "version: 1",
                                            "branches: [{name: master, docker: ['28.2']}]",
                                            "components:",
                                            "  - name: base",
                                            "    repo: r",
                                            "  -",
                                            "  - name: api",
                                            "    repo: r",
                                        })
                                     << QStringList{
                                            "t.yaml:4:3: 'components' has an empty item; remove it or fill it in"};

    QTest::addRow("branch without docker")
        << yaml({
               "version: 1",
               "branches:",
               "  - name: master",
               "components: [{name: base, repo: r}]",
           })
        << QStringList{"t.yaml:3:5: branch 'master' has no 'docker'; list its Docker versions"};

    QTest::addRow("docker version without minor")
        << yaml({
               "version: 1",
               "branches:",
               "  - name: master",
               "    docker: [28]",
               "components: [{name: base, repo: r}]",
           })
        << QStringList{
               "t.yaml:4:14: '28' is not a Docker version; write MAJOR.MINOR or MAJOR.MINOR.PATCH, e.g. '28.2'"};

    QTest::addRow("docker version with v and suffix")
        << yaml({
               "version: 1",
               "branches:",
               "  - name: master",
               "    docker:",
               "      - v28.2",
               "      - 27.5.1-ce",
               "components: [{name: base, repo: r}]",
           })
        << QStringList{"t.yaml:5:9: 'v28.2' is not a Docker version; write MAJOR.MINOR or MAJOR.MINOR.PATCH, e.g. "
                       "'28.2'",
                       "t.yaml:6:9: '27.5.1-ce' is not a Docker version; write MAJOR.MINOR or MAJOR.MINOR.PATCH, e.g. "
                       "'28.2'"};

    QTest::addRow("docker version listed twice")
        << yaml({
               "version: 1",
               "branches:",
               "  - name: master",
               "    docker: ['28.2', 27.5, 28.2]",
               "components: [{name: base, repo: r}]",
           })
        << QStringList{"t.yaml:4:28: duplicate Docker version '28.2' in branch 'master'"};

    QTest::addRow("invalid image")
        << yaml({
               "version: 1",
               "branches: [{name: master, docker: ['28.2']}]",
               "components:",
               "  - name: api",
               "    image: Monasca/API:latest",
               "    repo: r",
           })
        << QStringList{"t.yaml:5:12: image 'Monasca/API:latest' is not a valid image name; use lowercase letters, "
                       "digits, '.', '_', '-' and '/', without a tag"};

    QTest::addRow("context outside the repository")
        << yaml({
               "version: 1",
               "branches: [{name: master, docker: ['28.2']}]",
               "components:",
               "  - name: api",
               "    repo: r",
               "    context: ../docker",
           })
        << QStringList{"t.yaml:6:14: context '../docker' must be a folder inside the repository, e.g. 'docker'"};

    QTest::addRow("registry host with scheme")
        << yaml({
               "version: 1",
               "registry:",
               "  host: https://docker.io",
               "branches: [{name: master, docker: ['28.2']}]",
               "components: [{name: base, repo: r}]",
           })
        << QStringList{"t.yaml:3:9: registry host 'https://docker.io' must be a bare host name, e.g. 'docker.io'"};

    QTest::addRow("invalid branch name") << yaml({
                                                "version: 1",
                                                "branches: [{name: 'stable 2023.2', docker: ['24.0']}]",
                                                "components: [{name: base, repo: r}]",
                                            })
                                         << QStringList{"t.yaml:2:19: 'stable 2023.2' is not a valid git branch name"};
}

void TestManifest::broken()
{
    QFETCH(QByteArray, text);
    QFETCH(QStringList, expected);

    qunsetenv("DOCKER_HOST");
    ManifestResult result = ManifestParser::parse(text, QStringLiteral("t.yaml"));
    // As the CLI loads it: the parser checks a lint rule id's form, lint checks that the rule exists.
    result.problems += LintRule::unknownIn(result.manifest.lint);
    std::stable_sort(result.problems.begin(), result.problems.end(), [](const auto &a, const auto &b) {
        return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
    QCOMPARE(printed(result.problems), expected);
    QVERIFY(!result.ok());
    QCOMPARE(result.manifest.path, QStringLiteral("t.yaml"));
}

void TestManifest::everyProblemAtOnce()
{
    qunsetenv("DOCKER_HOST");
    const ManifestResult result = ManifestParser::parse(yaml({
                                                            "version: 3",                 // 1
                                                            "registry:",                  // 2
                                                            "  host: docker.io",          // 3
                                                            "  namespce: monasca",        // 4
                                                            "engines:",                   // 5
                                                            "  - name: e",                // 6
                                                            "    host: tcp://builder",    // 7
                                                            "branches:",                  // 8
                                                            "  - name: master",           // 9
                                                            "    docker: ['28.2', '28']", // 10
                                                            "  - name: master",           // 11
                                                            "    docker: []",             // 12
                                                            "components:",                // 13
                                                            "  - name: base",             // 14
                                                            "    repo: r",                // 15
                                                            "    base: api",              // 16
                                                            "  - name: api",              // 17
                                                            "    repo: r",                // 18
                                                            "    base: base",             // 19
                                                            "  - name: agent",            // 20
                                                            "    base: nothing",          // 21
                                                            "  - name: api",              // 22
                                                            "    repo: r",                // 23
                                                        }),
                                                        QStringLiteral("t.yaml"));
    const QStringList expected = {
        "t.yaml:1:10: unsupported version '3'; this console reads version 1",
        "t.yaml:4:3: unknown key 'namespce'; did you mean 'namespace'?",
        "t.yaml:7:11: bad engine host 'tcp://builder': missing port; write tcp://HOST:PORT, e.g. tcp://builder:2376",
        "t.yaml:10:22: '28' is not a Docker version; write MAJOR.MINOR or MAJOR.MINOR.PATCH, e.g. '28.2'",
        "t.yaml:11:11: duplicate branch 'master'; first defined at line 9",
        "t.yaml:12:13: 'docker' is empty; list at least one Docker version",
        "t.yaml:16:11: 'base' forms a cycle: base -> api -> base; remove one of these 'base' keys",
        "t.yaml:20:5: component 'agent' has no 'repo'; add the URL of its git repository",
        "t.yaml:21:11: base 'nothing' names no component; add it to 'components' or fix the name",
        "t.yaml:22:11: duplicate component 'api'; first defined at line 17",
    };
    QCOMPARE(printed(result.problems), expected);

    // What could be read is still there, so a view can show the rest of the manifest.
    QCOMPARE(result.manifest.components.size(), 4);
    QCOMPARE(result.manifest.branches.size(), 2);
    QCOMPARE(result.manifest.branches[0].docker, QStringList({"28.2"}));
}

void TestManifest::missingFile()
{
    const QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("release.yaml"));
    const ManifestResult result = ManifestParser::load(path);
    QCOMPARE(printed(result.problems),
             QStringList({path + ": no such file; check the path or create it from the default manifest"}));
    QCOMPARE(result.problems[0].line, 0);
    QCOMPARE(result.problems[0].column, 0);
    QCOMPARE(result.manifest.path, path);
}

void TestManifest::folderInsteadOfFile()
{
    const QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const ManifestResult result = ManifestParser::load(dir.path());
    QCOMPARE(printed(result.problems), QStringList({dir.path() + ": is a folder; give the path of the manifest file"}));
}

void TestManifest::loadUsesThePath()
{
    const QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("release.yaml"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(yaml({
        "version: 1",
        "branches: [{name: master, docker: ['28.2']}]",
        "components: [{name: base, repo: r, imgae: x}]",
    }));
    file.close();

    const ManifestResult result = ManifestParser::load(path);
    QCOMPARE(printed(result.problems), QStringList({path + ":3:36: unknown key 'imgae'; did you mean 'image'?"}));
    QCOMPARE(result.manifest.path, path);
}

void TestManifest::engineHosts_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("problem");

    QTest::addRow("unix") << "unix:///var/run/docker.sock"
                          << "";
    QTest::addRow("tcp") << "tcp://127.0.0.1:2376"
                         << "";
    QTest::addRow("tcp trailing slash") << "tcp://builder:2375/"
                                        << "";
    QTest::addRow("tcp ipv6") << "tcp://[::1]:2375"
                              << "";
    QTest::addRow("ssh host") << "ssh://builder"
                              << "";
    QTest::addRow("ssh user and port") << "ssh://ci@builder:2222"
                                       << "";
    QTest::addRow("unix relative") << "unix://docker.sock"
                                   << "bad engine host 'unix://docker.sock': socket path must be absolute; write "
                                      "unix:///PATH/docker.sock";
    QTest::addRow("tcp port word") << "tcp://builder:docker"
                                   << "bad engine host 'tcp://builder:docker': port 'docker' must be a number from 1 "
                                      "to 65535";
    QTest::addRow("tcp port zero") << "tcp://builder:0"
                                   << "bad engine host 'tcp://builder:0': port '0' must be a number from 1 to 65535";
    QTest::addRow("tcp path") << "tcp://builder:2375/v1.47"
                              << "bad engine host 'tcp://builder:2375/v1.47': unexpected path; write tcp://HOST:PORT";
    QTest::addRow("tcp open bracket") << "tcp://[::1:2375"
                                      << "bad engine host 'tcp://[::1:2375': unclosed '[' in the address; write "
                                         "tcp://[ADDRESS]:PORT";
    QTest::addRow("ssh bad port") << "ssh://builder:22x"
                                  << "bad engine host 'ssh://builder:22x': port '22x' must be a number from 1 to 65535";
    QTest::addRow("ssh empty user") << "ssh://@builder"
                                    << "bad engine host 'ssh://@builder': empty user before '@'; write ssh://USER@HOST";
    QTest::addRow("empty scheme") << "://builder"
                                  << "bad engine host '://builder': no scheme; write unix://PATH, tcp://HOST:PORT or "
                                     "ssh://[USER@]HOST[:PORT]";
}

void TestManifest::engineHosts()
{
    QFETCH(QString, host);
    QFETCH(QString, problem);
    QCOMPARE(ManifestParser::engineHostProblem(host), problem);
}

void TestManifest::dockerVersions_data()
{
    QTest::addColumn<QString>("version");
    QTest::addColumn<bool>("valid");

    QTest::addRow("major.minor") << "28.2" << true;
    QTest::addRow("leading zero minor") << "19.03" << true;
    QTest::addRow("two-digit minor") << "27.10" << true;
    QTest::addRow("patch") << "24.0.7" << true;
    QTest::addRow("major only") << "28" << false;
    QTest::addRow("four parts") << "28.2.1.4" << false;
    QTest::addRow("v prefix") << "v28.2" << false;
    QTest::addRow("suffix") << "20.10.24-ce" << false;
    QTest::addRow("empty") << "" << false;
    QTest::addRow("word") << "latest" << false;
}

void TestManifest::dockerVersions()
{
    QFETCH(QString, version);
    QFETCH(bool, valid);
    QCOMPARE(ManifestParser::isDockerVersion(version), valid);
}

QTEST_GUILESS_MAIN(TestManifest)
#include "tst_manifest.moc"
