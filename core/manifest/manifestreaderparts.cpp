// SPDX-License-Identifier: Apache-2.0
// The manifest reader's branches, docker releases, components and their tests.
#include "manifest/dockercontext.h"
#include "manifest/manifestreader.h"
#include "manifest/manifestreaderkeys.h"

#include <QRegularExpression>
#include <QSet>
#include <algorithm>
#include <sstream>
#include <string>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

namespace mrc {

void ManifestReader::readBranches(const YAML::Node &node, SourcePos pos)
{
    if (!expectList(node, pos, QStringLiteral("'branches'"), QStringLiteral("list at least one branch")))
        return;
    QHash<QString, int> firstLine;
    for (const YAML::Node &item : node) {
        if (emptyItem(item, pos, QStringLiteral("'branches'")))
            continue;
        const SourcePos itemPos = posOf(item, pos);
        if (!expectMap(item, itemPos, QStringLiteral("each branch")))
            continue;
        const Fields fields = readMap(item, kBranchKeys, QStringLiteral("a branch"));
        BranchSpec branch;
        branch.pos = itemPos;
        SourcePos namePos;
        branch.name =
            required(fields, QStringLiteral("name"), itemPos, QStringLiteral("branch has no 'name'"), &namePos);
        if (!branch.name.isEmpty()) {
            if (!isValidBranchName(branch.name))
                report(namePos, QStringLiteral("'%1' is not a valid git branch name").arg(branch.name));
            if (firstLine.contains(branch.name))
                report(namePos, QStringLiteral("duplicate branch '%1'; first defined at line %2")
                                    .arg(branch.name)
                                    .arg(firstLine[branch.name]));
            else
                firstLine.insert(branch.name, namePos.line);
        }
        const QString label =
            branch.name.isEmpty() ? QStringLiteral("branch") : QStringLiteral("branch '%1'").arg(branch.name);
        const auto docker = fields.constFind(QStringLiteral("docker"));
        if (docker == fields.constEnd()) {
            report(itemPos, QStringLiteral("%1 has no 'docker'; list its Docker versions").arg(label));
        } else if (expectList(docker->value, docker->valuePos, QStringLiteral("'docker'"),
                              QStringLiteral("list at least one Docker version"))) {
            QSet<QString> seenVersions;
            for (const YAML::Node &v : docker->value) {
                if (emptyItem(v, docker->valuePos, QStringLiteral("'docker'")))
                    continue;
                const SourcePos vPos = posOf(v, docker->valuePos);
                if (!v.IsScalar()) {
                    report(vPos, QStringLiteral("each Docker version must be a scalar, not %1").arg(kindOf(v)));
                    continue;
                }
                const QString version = fromStd(v.Scalar()).trimmed();
                if (!ManifestParser::isDockerVersion(version)) {
                    report(vPos, QStringLiteral("'%1' is not a Docker version; write MAJOR.MINOR or MAJOR.MINOR.PATCH, "
                                                "e.g. '28.2'")
                                     .arg(version));
                    continue;
                }
                if (seenVersions.contains(version)) {
                    report(vPos, QStringLiteral("duplicate Docker version '%1' in %2").arg(version, label));
                    continue;
                }
                seenVersions.insert(version);
                branch.docker.append(version);
                branch.dockerPos.append(vPos);
            }
        }
        SourcePos frozenPos;
        if (const QString frozen = scalar(fields, QStringLiteral("frozen"), &frozenPos); !frozen.isEmpty()) {
            branch.frozen = QDate::fromString(frozen, Qt::ISODate);
            branch.frozenPos = frozenPos;
            if (!branch.frozen.isValid())
                report(frozenPos, QStringLiteral("'frozen' of %1 is not a date; write YYYY-MM-DD").arg(label));
        }
        SourcePos publishPos;
        if (const QString publish = scalar(fields, QStringLiteral("publish_docker"), &publishPos); !publish.isEmpty()) {
            branch.publishDocker = publish;
            branch.publishDockerPos = publishPos;
            if (!branch.docker.contains(publish))
                report(publishPos, QStringLiteral("'publish_docker' %1 is not one of the Docker versions of %2 (%3)")
                                       .arg(publish, label, branch.docker.join(QStringLiteral(", "))));
        }
        m_manifest.branches.append(branch);
    }
}

void ManifestReader::readDockerReleases(const YAML::Node &node, SourcePos pos)
{
    m_manifest.dockerReleasesPos = pos;
    if (!expectList(node, pos, QStringLiteral("'docker_releases'"),
                    QStringLiteral("list the supported Docker versions, newest first")))
        return;
    for (const YAML::Node &v : node) {
        if (emptyItem(v, pos, QStringLiteral("'docker_releases'")))
            continue;
        const SourcePos vPos = posOf(v, pos);
        const QString version = v.IsScalar() ? fromStd(v.Scalar()).trimmed() : QString();
        if (!ManifestParser::isDockerVersion(version)) {
            report(vPos, QStringLiteral("'%1' is not a Docker version; write MAJOR.MINOR, e.g. '28.5'").arg(version));
            continue;
        }
        if (m_manifest.dockerReleases.contains(version)) {
            report(vPos, QStringLiteral("duplicate Docker version '%1' in 'docker_releases'").arg(version));
            continue;
        }
        m_manifest.dockerReleases.append(version);
    }
}

void ManifestReader::readComponents(const YAML::Node &node, SourcePos pos)
{
    if (!expectList(node, pos, QStringLiteral("'components'"), QStringLiteral("list at least one image to build")))
        return;
    QHash<QString, int> firstLine;
    for (const YAML::Node &item : node) {
        if (emptyItem(item, pos, QStringLiteral("'components'")))
            continue;
        const SourcePos itemPos = posOf(item, pos);
        if (!expectMap(item, itemPos, QStringLiteral("each component")))
            continue;
        const Fields fields = readMap(item, kComponentKeys, QStringLiteral("a component"));
        ComponentSpec c;
        c.pos = itemPos;
        SourcePos namePos;
        c.name = required(fields, QStringLiteral("name"), itemPos, QStringLiteral("component has no 'name'"), &namePos);
        const QString label =
            c.name.isEmpty() ? QStringLiteral("component") : QStringLiteral("component '%1'").arg(c.name);
        if (!c.name.isEmpty()) {
            if (!isValidComponentName(c.name))
                report(namePos, QStringLiteral("component name '%1' must be lowercase letters, digits, '.', '_' or '-'")
                                    .arg(c.name));
            if (firstLine.contains(c.name))
                report(namePos, QStringLiteral("duplicate component '%1'; first defined at line %2")
                                    .arg(c.name)
                                    .arg(firstLine[c.name]));
            else
                firstLine.insert(c.name, namePos.line);
        }
        c.repo = required(fields, QStringLiteral("repo"), itemPos,
                          QStringLiteral("%1 has no 'repo'; add the URL of its git repository").arg(label));

        SourcePos imagePos;
        c.image = scalar(fields, QStringLiteral("image"), &imagePos);
        if (!fields.contains(QStringLiteral("image")) && !c.name.isEmpty())
            c.image = m_manifest.registry.ns + QLatin1Char('/') + c.name;
        else if (!c.image.isEmpty() && !isValidImageName(c.image))
            report(imagePos, QStringLiteral("image '%1' is not a valid image name; use lowercase letters, digits, "
                                            "'.', '_', '-' and '/', without a tag")
                                 .arg(c.image));

        SourcePos contextPos;
        c.context = scalar(fields, QStringLiteral("context"), &contextPos);
        if (!fields.contains(QStringLiteral("context")))
            c.context = QStringLiteral("docker");
        else if (!c.context.isEmpty() && !isRelativeFolder(c.context))
            report(contextPos,
                   QStringLiteral("context '%1' must be a folder inside the repository, e.g. 'docker'").arg(c.context));
        while (c.context.size() > 1 && c.context.endsWith(QLatin1Char('/')))
            c.context.chop(1);

        SourcePos basePos = itemPos;
        c.base = scalar(fields, QStringLiteral("base"), &basePos);

        if (fields.contains(QStringLiteral("tests"))) {
            const Field &f = fields[QStringLiteral("tests")];
            readTests(f.value, f.valuePos, c.name.isEmpty() ? QStringLiteral("?") : c.name, &c.tests);
        }

        m_manifest.components.append(c);
        m_namePos.append(namePos);
        m_basePos.append(basePos);
    }
}

void ManifestReader::checkBases()
{
    const QList<ComponentSpec> &components = m_manifest.components;
    QHash<QString, int> index;
    QStringList names;
    for (int i = 0; i < components.size(); ++i) {
        if (!components[i].name.isEmpty() && !index.contains(components[i].name)) {
            index.insert(components[i].name, i);
            names.append(components[i].name);
        }
    }

    for (int i = 0; i < components.size(); ++i) {
        const QString &base = components[i].base;
        if (base.isEmpty() || index.contains(base))
            continue;
        const QString guess = m_problems.size() < kMaxProblems ? closest(base, names) : QString();
        if (!guess.isEmpty())
            report(m_basePos[i], QStringLiteral("base '%1' names no component; did you mean '%2'?").arg(base, guess));
        else
            report(m_basePos[i],
                   QStringLiteral("base '%1' names no component; add it to 'components' or fix the name").arg(base));
    }

    // Follow each chain of bases; a cycle is reported once, starting from its member that comes first in the file.
    // Each component is walked once: a chain that reaches a component already checked stops there.
    QSet<int> inReportedCycle;
    QList<int> checkedBy(components.size(), -1);
    for (int start = 0; start < components.size(); ++start) {
        QList<int> path;
        int at = start;
        while (at >= 0 && checkedBy[at] < 0 && !inReportedCycle.contains(at)) {
            checkedBy[at] = start;
            path.append(at);
            at = index.value(components[at].base, -1);
        }
        if (at < 0 || inReportedCycle.contains(at) || checkedBy[at] != start)
            continue;
        const QList<int> cycle = path.mid(path.indexOf(at));
        const int first = *std::min_element(cycle.begin(), cycle.end());
        const qsizetype offset = cycle.indexOf(first);
        QStringList chain;
        for (qsizetype k = 0; k <= cycle.size(); ++k)
            chain.append(components[cycle[(offset + k) % cycle.size()]].name);
        for (int member : cycle)
            inReportedCycle.insert(member);
        report(m_basePos[first], QStringLiteral("'base' forms a cycle: %1; remove one of these 'base' keys")
                                     .arg(chain.join(QStringLiteral(" -> "))));
    }
}

// `tests:` of a component (owner = its name) or the workspace's `stacks:` (owner empty).
void ManifestReader::readTests(const YAML::Node &node, SourcePos pos, const QString &owner, QList<TestSpec> *tests)
{
    const QString list = owner.isEmpty() ? QStringLiteral("'stacks'") : QStringLiteral("'tests'");
    if (!expectList(node, pos, list, QStringLiteral("list at least one test, or remove the key")))
        return;
    QHash<QString, int> firstLine;
    for (const TestSpec &existing : m_manifest.stacks)
        firstLine.insert(existing.name, existing.pos.line);
    for (const YAML::Node &item : node) {
        if (emptyItem(item, pos, list))
            continue;
        const SourcePos itemPos = posOf(item, pos);
        TestSpec test;
        if (!readTest(item, itemPos, owner, &test))
            continue;
        if (!test.name.isEmpty()) {
            if (firstLine.contains(test.name)) {
                report(itemPos, QStringLiteral("duplicate test '%1'; first defined at line %2")
                                    .arg(test.name)
                                    .arg(firstLine[test.name]));
                continue;
            }
            firstLine.insert(test.name, itemPos.line);
        }
        tests->append(test);
    }
}

bool ManifestReader::readTest(const YAML::Node &item, SourcePos itemPos, const QString &owner, TestSpec *test)
{
    const bool isStack = owner.isEmpty();
    if (!expectMap(item, itemPos, isStack ? QStringLiteral("each stack") : QStringLiteral("each test")))
        return false;
    const Fields fields =
        readMap(item, isStack ? kStackKeys : kTestKeys, isStack ? QStringLiteral("a stack") : QStringLiteral("a test"));
    test->pos = itemPos;
    test->name = required(fields, QStringLiteral("name"), itemPos,
                          isStack ? QStringLiteral("stack has no 'name'") : QStringLiteral("test has no 'name'"));
    if (!test->name.isEmpty() && !isValidComponentName(test->name))
        report(itemPos,
               QStringLiteral("test name '%1' must be lowercase letters, digits, '.', '_' or '-'").arg(test->name));
    const QString label = test->name.isEmpty() ? QStringLiteral("test") : QStringLiteral("test '%1'").arg(test->name);

    SourcePos kindPos = itemPos;
    QString kind = scalar(fields, QStringLiteral("kind"), &kindPos);
    if (!fields.contains(QStringLiteral("kind"))) {
        if (isStack)
            kind = QStringLiteral("stack");
        else
            report(itemPos, QStringLiteral("%1 has no 'kind'; write run, health or stack").arg(label));
    }
    if (!kind.isEmpty() && !kTestKinds.contains(kind)) {
        const QString guess = closest(kind, kTestKinds);
        report(kindPos, guess.isEmpty()
                            ? QStringLiteral("unknown test kind '%1'; write run, health or stack").arg(kind)
                            : QStringLiteral("unknown test kind '%1'; did you mean '%2'?").arg(kind, guess));
        kind.clear();
    }
    test->kind = kind == QLatin1String("health")  ? TestSpec::Kind::Health
                 : kind == QLatin1String("stack") ? TestSpec::Kind::Stack
                                                  : TestSpec::Kind::Run;
    if (isStack && !kind.isEmpty() && test->kind != TestSpec::Kind::Stack)
        report(kindPos, QStringLiteral("a workspace stack must be of kind stack; put %1 tests under a component's "
                                       "'tests'")
                            .arg(kind));

    // Keys that make no sense for the kind are mistakes worth naming.
    const auto only = [&](const QString &key, TestSpec::Kind wanted) {
        if (fields.contains(key) && test->kind != wanted && !kind.isEmpty())
            report(fields[key].keyPos,
                   QStringLiteral("'%1' applies only to %2 tests").arg(key, TestSpec::kindName(wanted)));
    };
    only(QStringLiteral("command"), TestSpec::Kind::Run);
    only(QStringLiteral("expect"), TestSpec::Kind::Run);
    only(QStringLiteral("network"), TestSpec::Kind::Run);
    for (const char *key : {"compose", "compose_file", "services", "probe", "probe_image"})
        only(QString::fromLatin1(key), TestSpec::Kind::Stack);

    test->command = scalar(fields, QStringLiteral("command"));
    if (test->kind == TestSpec::Kind::Run && !fields.contains(QStringLiteral("command")) && !kind.isEmpty())
        report(itemPos, QStringLiteral("%1 has no 'command'; give the command to run in the image").arg(label));
    SourcePos expectPos;
    test->expect = scalar(fields, QStringLiteral("expect"), &expectPos);
    if (!test->expect.isEmpty()) {
        const QRegularExpression re(test->expect);
        if (!re.isValid())
            report(expectPos, QStringLiteral("'expect' is not a valid regular expression: %1").arg(re.errorString()));
    }
    if (fields.contains(QStringLiteral("network")))
        test->network = scalar(fields, QStringLiteral("network"));

    readTimeout(fields, test);

    readStackKeys(fields, itemPos, kind, label, test);

    if (isStack) {
        SourcePos componentPos;
        test->component = required(fields, QStringLiteral("component"), itemPos,
                                   QStringLiteral("stack %1 has no 'component'; name the component whose repository "
                                                  "holds the compose file")
                                       .arg(test->name),
                                   &componentPos);
        if (!test->component.isEmpty())
            m_componentRefs.append({test->component, componentPos, QStringLiteral("'component'")});
    } else {
        test->component = owner;
    }
    return true;
}

void ManifestReader::readTimeout(const Fields &fields, TestSpec *test)
{
    SourcePos timeoutPos;
    const QString timeout = scalar(fields, QStringLiteral("timeout"), &timeoutPos);
    if (test->kind == TestSpec::Kind::Stack)
        test->timeoutSeconds = 180;
    if (!timeout.isEmpty()) {
        bool ok = false;
        QString number = timeout;
        if (number.endsWith(QLatin1Char('s')))
            number.chop(1);
        const int seconds = number.toInt(&ok);
        if (!ok || seconds < 1 || seconds > 86400)
            report(timeoutPos,
                   QStringLiteral("'timeout' must be a number of seconds from 1 to 86400, not '%1'").arg(timeout));
        else
            test->timeoutSeconds = seconds;
    }
}

void ManifestReader::readStackKeys(const Fields &fields, SourcePos itemPos, const QString &kind, const QString &label,
                                   TestSpec *test)
{
    SourcePos composePos;
    test->compose = scalar(fields, QStringLiteral("compose"), &composePos);
    if (!test->compose.isEmpty() && !isRelativeFolder(test->compose))
        report(composePos, QStringLiteral("'compose' must be a path inside the repository, e.g. "
                                          "'docker/docker-compose.yml'"));
    test->composeFile = scalar(fields, QStringLiteral("compose_file"));
    if (test->kind == TestSpec::Kind::Stack && !kind.isEmpty()) {
        if (test->compose.isEmpty() == test->composeFile.isEmpty() && !fields.contains(QStringLiteral("compose")) &&
            !fields.contains(QStringLiteral("compose_file")))
            report(itemPos, QStringLiteral("%1 has no 'compose'; name the compose file in the repository, or give "
                                           "'compose_file'")
                                .arg(label));
        else if (!test->compose.isEmpty() && !test->composeFile.isEmpty())
            report(composePos, QStringLiteral("give either 'compose' or 'compose_file', not both"));
        test->probe = scalar(fields, QStringLiteral("probe"));
        if (!fields.contains(QStringLiteral("probe")))
            report(itemPos,
                   QStringLiteral("%1 has no 'probe'; give the smoke command to run against the stack").arg(label));
    }
    if (fields.contains(QStringLiteral("services"))) {
        const Field &f = fields[QStringLiteral("services")];
        if (expectMap(f.value, f.valuePos, QStringLiteral("'services'"))) {
            for (auto it = f.value.begin(); it != f.value.end(); ++it) {
                const SourcePos keyPos = posOf(it->first, f.valuePos);
                const QString service = it->first.IsScalar() ? fromStd(it->first.Scalar()).trimmed() : QString();
                const QString component = it->second.IsScalar() ? fromStd(it->second.Scalar()).trimmed() : QString();
                if (service.isEmpty() || component.isEmpty()) {
                    report(keyPos, QStringLiteral("each service maps a compose service to a component, e.g. "
                                                  "'api: api'"));
                    continue;
                }
                test->services.insert(service, component);
                m_componentRefs.append({component, it->second.IsNull() ? keyPos : posOf(it->second, keyPos),
                                        QStringLiteral("service '%1'").arg(service)});
            }
        }
    }
    SourcePos probeImagePos;
    test->probeImage = scalar(fields, QStringLiteral("probe_image"), &probeImagePos);
    if (!test->probeImage.isEmpty())
        m_componentRefs.append({test->probeImage, probeImagePos, QStringLiteral("'probe_image'")});
}

void ManifestReader::checkTestReferences()
{
    QStringList names;
    QSet<QString> known;
    for (const ComponentSpec &c : m_manifest.components) {
        names.append(c.name);
        known.insert(c.name);
    }
    for (const ComponentRef &ref : std::as_const(m_componentRefs)) {
        if (known.contains(ref.name))
            continue;
        const QString guess = m_problems.size() < kMaxProblems ? closest(ref.name, names) : QString();
        report(ref.pos,
               guess.isEmpty()
                   ? QStringLiteral("%1 names no component '%2'; use a name from 'components'").arg(ref.what, ref.name)
                   : QStringLiteral("%1 names no component '%2'; did you mean '%3'?").arg(ref.what, ref.name, guess));
    }
}

} // namespace mrc
