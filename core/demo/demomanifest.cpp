// SPDX-License-Identifier: Apache-2.0
#include "demo/demomanifest.h"

#include "demo/demodata.h"
#include "demo/demorequirements.h"

#include <QRegularExpression>
#include <QUrl>
#include <algorithm>

namespace mrc::demo {

namespace {

QString yamlQuoted(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('"'), QLatin1String("\\\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

/** The newest version, then the newest release of each of the two majors before it. */
QStringList masterDockerVersions(const QString &newest)
{
    QStringList versions{newest};
    const int major = newest.section(QLatin1Char('.'), 0, 0).toInt();
    int lastMajor = major;
    for (const char *known : KnownDockerVersions) {
        const QString version = QString::fromLatin1(known);
        const int knownMajor = version.section(QLatin1Char('.'), 0, 0).toInt();
        if (knownMajor < lastMajor) {
            versions << version;
            lastMajor = knownMajor;
        }
        if (versions.size() == 3)
            break;
    }
    return versions;
}

} // namespace

QString DemoManifest::majorMinor(const QString &version)
{
    static const QRegularExpression re(QStringLiteral("^v?(\\d+)\\.(\\d+)"));
    const QRegularExpressionMatch m = re.match(version.trimmed());
    return m.hasMatch() ? m.captured(1) + QLatin1Char('.') + m.captured(2) : QString();
}

DemoColumns DemoManifest::columnsFor(const QString &newest)
{
    const QStringList master = masterDockerVersions(newest);
    // stable/2023.2 branched while the current engine was already out; unmaintained/2023.1 is frozen at the two
    // before it, so its cells show what "no engine of that version" looks like.
    return {master, master.mid(0, 2), master.mid(1, 2)};
}

DemoColumns DemoManifest::columnsFor(const QList<DemoWorkspace::Engine> &engines)
{
    QStringList versions;
    for (const DemoWorkspace::Engine &engine : engines) {
        if (!versions.contains(engine.version))
            versions << engine.version;
    }
    std::sort(versions.begin(), versions.end(), [](const QString &a, const QString &b) {
        const int majorA = a.section(QLatin1Char('.'), 0, 0).toInt(),
                  majorB = b.section(QLatin1Char('.'), 0, 0).toInt();
        if (majorA != majorB)
            return majorA > majorB;
        return a.section(QLatin1Char('.'), 1, 1).toInt() > b.section(QLatin1Char('.'), 1, 1).toInt();
    });
    if (versions.size() < 3)
        return columnsFor(versions.value(0, QStringLiteral("28.2")));
    const QStringList master = versions.mid(0, 3);
    return {master, master.mid(1, 2), master.mid(2, 1)};
}

QByteArray DemoManifest::releaseYaml(const QString &dir, const QList<EngineSpec> &engines, const DemoColumns &columns)
{
    const auto list = [](const QStringList &versions) {
        QStringList quoted;
        for (const QString &v : versions)
            quoted << yamlQuoted(v);
        return QStringLiteral("[%1]").arg(quoted.join(QLatin1String(", ")));
    };
    QString yaml = QStringLiteral("# Demo release manifest written by `mrc demo`. Every repository is a local bare\n"
                                  "# git repository under repos/, so the console works without network access.\n"
                                  "version: 1\n"
                                  "\n"
                                  "# Images are pushed to a local registry (docker-registry), never to Docker Hub.\n"
                                  "registry:\n"
                                  "  host: 127.0.0.1:5000\n"
                                  "  namespace: monasca\n"
                                  "\n"
                                  "engines:\n");
    for (const EngineSpec &engine : engines) {
        yaml += QStringLiteral("  - name: %1\n    host: %2\n").arg(engine.name, yamlQuoted(engine.host));
        if (!engine.tls.isEmpty()) {
            yaml += QStringLiteral("    tls:\n      ca: %1\n      cert: %2\n      key: %3\n")
                        .arg(yamlQuoted(engine.tls.ca), yamlQuoted(engine.tls.cert), yamlQuoted(engine.tls.key));
        }
    }
    yaml += QStringLiteral("\n") + DemoRequirements::manifestEntry(dir);
    yaml += QStringLiteral("# Docker engine versions each branch is built and tested with, newest first.\n"
                           "# Older branches are frozen at the engines they were released with.\n"
                           "branches:\n"
                           "  - name: master\n"
                           "    docker: %1\n"
                           "  - name: stable/2023.2\n"
                           "    docker: %2\n"
                           "  - name: unmaintained/2023.1\n"
                           "    docker: %3\n"
                           "\n"
                           "components:\n")
                .arg(list(columns.master), list(columns.stable), list(columns.unmaintained));
    for (const DemoComponent &c : Components) {
        const QString repo =
            QUrl::fromLocalFile(QStringLiteral("%1/repos/%2.git").arg(dir, QLatin1String(c.repo))).toString();
        yaml += QStringLiteral("  - name: %1\n    image: %2\n    repo: %3\n    context: %4\n")
                    .arg(QLatin1String(c.name), QLatin1String(c.image), yamlQuoted(repo), QLatin1String(c.context));
        if (*c.base)
            yaml += QStringLiteral("    base: %1\n").arg(QLatin1String(c.base));
        // Every image checks its templates without starting; images that serve must become healthy.
        yaml += QStringLiteral("    tests:\n"
                               "      - name: start-check\n"
                               "        kind: run\n"
                               "        command: /start.sh --check\n"
                               "        expect: \"templates rendered\"\n"
                               "        timeout: 60\n");
        if (*c.portVariable)
            yaml += QStringLiteral("      - name: healthy\n"
                                   "        kind: health\n"
                                   "        timeout: 60\n");
    }
    yaml += QStringLiteral("\n"
                           "# Single-node deployments with docker-compose: the cell's freshly built images stand in\n"
                           "# for the compose file's services, on a network of their own.\n"
                           "stacks:\n"
                           "  - name: metrics-smoke\n"
                           "    component: api\n"
                           "    compose: docker/docker-compose.yml\n"
                           "    services:\n"
                           "      base: base\n"
                           "      api: api\n"
                           "      persister: persister\n"
                           "      notification: notification\n"
                           "    probe: wget -q -O - http://api:8070/healthcheck\n"
                           "    probe_image: base\n"
                           "    timeout: 120\n");
    yaml += automationYaml(columns);
    return yaml.toUtf8();
}

QString DemoManifest::automationYaml(const DemoColumns &columns)
{
    return QStringLiteral(
               "\n"
               "# What `mrc watch` does with new commits, release tags and Gerrit changes. Commits and tags\n"
               "# follow the defaults (build, test, push); the demo's two open changes are built on its\n"
               "# first cycle, on the newest engine only, and never pushed.\n"
               "automation:\n"
               "  interval: 60\n"
               "  first_run: changes\n"
               "  backoff:\n"
               "    initial: 120\n"
               "    max: 3600\n"
               "    retries: 2\n"
               "  rules:\n"
               "    - events: change\n"
               "      actions: [build, test]\n"
               "      docker: [%1]\n")
        .arg(yamlQuoted(columns.master.value(0, QStringLiteral("28.2"))));
}

} // namespace mrc::demo
