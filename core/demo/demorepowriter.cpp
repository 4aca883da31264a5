// SPDX-License-Identifier: Apache-2.0
#include "demo/demorepowriter.h"

#include "demo/demoworkspace.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>

namespace mrc::demo {

namespace {

using FileEntry = RepoWriter::File;
using FileTree = RepoWriter::FileTree;

QByteArray readResource(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

/** Drops each line that names one of `variables`: that is how an older branch lacks a variable. */
QByteArray withoutVariables(const QByteArray &text, const QStringList &variables)
{
    if (variables.isEmpty())
        return text;
    const QRegularExpression re(QStringLiteral("\\b(%1)\\b").arg(variables.join(QLatin1Char('|'))));
    QStringList kept;
    const QStringList lines = QString::fromUtf8(text).split(QLatin1Char('\n'));
    for (const QString &line : lines) {
        if (!re.match(line).hasMatch())
            kept << line;
    }
    return kept.join(QLatin1Char('\n')).toUtf8();
}

/** The local tag mrc gives the branch's base image (stable/2023.2 → stable-2023.2): the FROM of each child. */
QString baseTag(const QString &branch)
{
    QString tag = branch;
    return tag.replace(QLatin1Char('/'), QLatin1Char('-'));
}

QByteArray requirements(int level)
{
    QByteArray text = "# Requirements lower bounds listed here are our best effort to keep them up to\n"
                      "# date but we do not test them so no guarantee of having them all correct.\n"
                      "pbr!=2.1.0,>=2.0.0 # Apache-2.0\n";
    text += level >= 1 ? "oslo.config>=6.8.0 # Apache-2.0\n" : "oslo.config>=5.2.0 # Apache-2.0\n";
    text += level >= 3 ? "oslo.log>=4.6.0 # Apache-2.0\n" : "oslo.log>=3.36.0 # Apache-2.0\n";
    if (level < 3)
        text += "six>=1.12.0 # MIT\n";
    text += level >= 2 ? "confluent-kafka>=1.3.0 # Apache-2.0\n" : "confluent-kafka>=0.11.6 # Apache-2.0\n";
    if (level >= 4)
        text += "oslo.utils>=4.5.0 # Apache-2.0\n";
    return text;
}

} // namespace

DemoRepoWriter::DemoRepoWriter(const DemoRepo &repo, int index, const QByteArray &busybox, qint64 now)
    : m_repo(repo), m_index(index), m_busybox(busybox), m_now(now)
{
}

bool DemoRepoWriter::write(const QString &path, QString *error)
{
    if (!loadDockerResources(error))
        return false;

    if (!m_writer.init(path, QStringLiteral("master"), "Demo repository of the Monasca Release Console", error))
        return false;

    // initial import → docker/ → 9.0.0 → unmaintained/2023.1 branches off → stable variable →
    // 10.0.0 → stable/2023.2 branches off → master variable → 11.0.0 → one more commit.
    const QString name = QString::fromLatin1(m_repo.name);
    const QString stableVar = QString::fromLatin1(m_repo.stableVariable);
    const QString masterVar = QString::fromLatin1(m_repo.masterVariable);
    TreeState state;
    QString m1, m2, m3, m4, m5, m6, m7, m8, u1, u2, s1, s2;
    bool ok = commit(&m1, state, {}, 168, QStringLiteral("Initial import of %1").arg(name),
                     QStringLiteral("Project layout, requirements and .gitreview."), error);
    state.docker = true;
    ok = ok && commit(&m2, state, {m1}, 161, QStringLiteral("Add Docker image files"),
                      QStringLiteral("Dockerfile, start script, health check and configuration templates,\n"
                                     "built on top of monasca-base."),
                      error);
    state.requirementsLevel = 1;
    ok = ok && commit(&m3, state, {m2}, 150, QStringLiteral("Update requirements for the 2023.1 release"),
                      QStringLiteral("Raise the oslo.config lower bound."), error);
    ok = ok && tag(QStringLiteral("9.0.0"), m3, 149, error);

    TreeState unmaintained = state;
    unmaintained.branch = QStringLiteral("unmaintained/2023.1");
    ok = ok &&
         commit(&u1, unmaintained, {m3}, 118, QStringLiteral("Update TOX_CONSTRAINTS_FILE for unmaintained/2023.1"),
                QStringLiteral("Point the Dockerfile defaults and .gitreview at the branch."), error);
    ok = ok && tag(QStringLiteral("9.0.1"), u1, 117, error);
    unmaintained.requirementsLevel = 2;
    ok = ok && commit(&u2, unmaintained, {u1}, 41, QStringLiteral("Cap confluent-kafka for unmaintained/2023.1"),
                      QStringLiteral("Newer releases need a librdkafka that 2023.1 images do not ship."), error);

    state.line = Line::Stable;
    ok = ok && commit(&m4, state, {m3}, 139, QStringLiteral("Add %1 to the docker image").arg(stableVar),
                      QStringLiteral("Expose the option as an environment variable and document it\n"
                                     "in the README table."),
                      error);
    state.requirementsLevel = 2;
    ok = ok && commit(&m5, state, {m4}, 126, QStringLiteral("Bump confluent-kafka to 1.3.0"), QString(), error);
    ok = ok && tag(QStringLiteral("10.0.0"), m5, 125, error);

    TreeState stable = state;
    stable.branch = QStringLiteral("stable/2023.2");
    ok = ok && commit(&s1, stable, {m5}, 109, QStringLiteral("Update .gitreview for stable/2023.2"),
                      QStringLiteral("Also make stable/2023.2 the default REPO_VERSION of the image."), error);
    ok = ok && tag(QStringLiteral("10.0.1"), s1, 108, error);
    stable.requirementsLevel = 3;
    ok = ok && commit(&s2, stable, {s1}, 27, QStringLiteral("Remove six"),
                      QStringLiteral("Python 2 support is long gone."), error);

    state.line = Line::Master;
    ok = ok && commit(&m6, state, {m5}, 96, QStringLiteral("Add %1 to the docker image").arg(masterVar),
                      QStringLiteral("Expose the option as an environment variable and document it\n"
                                     "in the README table."),
                      error);
    state.requirementsLevel = 3;
    ok = ok && commit(&m7, state, {m6}, 62, QStringLiteral("Remove six"),
                      QStringLiteral("Python 2 support is long gone."), error);
    ok = ok && tag(QStringLiteral("11.0.0"), m7, 61, error);
    state.requirementsLevel = 4;
    ok = ok && commit(&m8, state, {m7}, 9, QStringLiteral("Use oslo.utils for time handling"), QString(), error);

    ok = ok && branch(QStringLiteral("master"), m8, error);
    ok = ok && branch(QStringLiteral("stable/2023.2"), s2, error);
    ok = ok && branch(QStringLiteral("unmaintained/2023.1"), u2, error);
    if (qstrcmp(m_repo.name, BrokenChangeRepo) == 0)
        ok = ok && writeBrokenChange(m8, state, error);
    if (qstrcmp(m_repo.name, ReviewChangeRepo) == 0)
        ok = ok && writeReviewChange(m8, state, error);
    m_writer.close();
    return ok;
}

bool DemoRepoWriter::loadDockerResources(QString *error)
{
    const QString root = QStringLiteral("%1/%2").arg(QLatin1String(ResourceRoot), QLatin1String(m_repo.name));
    QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        FileEntry entry{readResource(file), file.endsWith(QLatin1String(".sh"))};
        m_docker.insert(QStringLiteral("docker/") + file.mid(root.size() + 1), entry);
    }
    const QByteArray start = readResource(QStringLiteral("%1/start.sh.in").arg(QLatin1String(ResourceRoot)));
    const QByteArray health = readResource(QStringLiteral("%1/health_check.py.in").arg(QLatin1String(ResourceRoot)));
    if (m_docker.isEmpty() || start.isEmpty() || health.isEmpty()) {
        *error = QStringLiteral("the demo files are missing from the program's resources (%1)").arg(root);
        return false;
    }
    for (const DemoComponent &c : Components) {
        if (qstrcmp(c.repo, m_repo.name) != 0)
            continue;
        const auto fill = [&c](QByteArray text) {
            return text.replace("@IMAGE@", c.image)
                .replace("@CONFIG_DIR@", c.configDir)
                .replace("@PORT_VARIABLE@", c.portVariable);
        };
        const QString context = QString::fromLatin1(c.context);
        m_docker.insert(context + QStringLiteral("/start.sh"), FileEntry{fill(start), true});
        m_docker.insert(context + QStringLiteral("/health_check.py"), FileEntry{fill(health), false});
        if (!*c.base)
            m_docker.insert(context + QStringLiteral("/rootfs/bin/busybox"), FileEntry{m_busybox, true});
    }
    return true;
}

FileTree DemoRepoWriter::files(const TreeState &state) const
{
    const QString name = QString::fromLatin1(m_repo.name);
    FileTree tree;
    tree.insert(QStringLiteral("README.rst"),
                FileEntry{QStringLiteral("%1\n%2\n%1\n\nDemo copy of OpenStack %2, made by the Monasca Release "
                                         "Console.\nIts docker/ folder builds offline on a busybox base image.\n")
                              .arg(QString(name.size(), QLatin1Char('=')), name)
                              .toUtf8()});
    tree.insert(QStringLiteral("setup.cfg"),
                FileEntry{QStringLiteral("[metadata]\nname = %1\nsummary = OpenStack Monitoring as a Service\n"
                                         "author = OpenStack\nhome_page = https://docs.openstack.org/%1/latest/\n"
                                         "python_requires = >=3.8\n")
                              .arg(name)
                              .toUtf8()});
    tree.insert(QStringLiteral("requirements.txt"), FileEntry{requirements(state.requirementsLevel)});
    tree.insert(QStringLiteral(".gitreview"),
                FileEntry{QStringLiteral("[gerrit]\nhost=review.opendev.org\nport=29418\nproject=openstack/%1.git\n%2")
                              .arg(name, state.branch == QLatin1String("master")
                                             ? QString()
                                             : QStringLiteral("defaultbranch=%1\n").arg(state.branch))
                              .toUtf8()});
    if (!state.docker)
        return tree;

    QStringList missing;
    if (state.line != Line::Master)
        missing << QString::fromLatin1(m_repo.masterVariable);
    if (state.line == Line::Unmaintained)
        missing << QString::fromLatin1(m_repo.stableVariable);
    const QByteArray branch = state.branch.toUtf8();
    for (auto it = m_docker.cbegin(); it != m_docker.cend(); ++it) {
        FileEntry entry = it.value();
        if (!it.key().endsWith(QLatin1String("/busybox"))) {
            entry.data.replace("@REPO_VERSION@", branch)
                .replace("@CONSTRAINTS_BRANCH@", branch)
                .replace("@BASE_TAG@", baseTag(state.branch).toUtf8());
            entry.data = withoutVariables(entry.data, missing);
        }
        tree.insert(it.key(), entry);
    }
    return tree;
}

bool DemoRepoWriter::writeBrokenChange(const QString &master, const TreeState &state, QString *error)
{
    FileTree tree = files(state);
    const QString path = QStringLiteral("docker/Dockerfile");
    QByteArray &dockerfile = tree[path].data;
    const QByteArray before = "# The busybox demo root file system has no tini";
    const qsizetype at = dockerfile.indexOf(before);
    if (at < 0) {
        *error = QStringLiteral("the demo base Dockerfile has no CMD block to put the broken step before");
        return false;
    }
    dockerfile.insert(at, "# Precompile the shared Python modules of the base.\n"
                          "RUN python3 -m compileall -q /usr/lib/python3\n\n");
    QString broken;
    return commitTree(&broken, tree, state.branch, {master}, 2, QStringLiteral("Precompile the base's Python modules"),
                      QStringLiteral("Saves a few seconds at container start."), error) &&
           reference(DemoWorkspace::brokenChangeRef(), broken, error);
}

bool DemoRepoWriter::writeReviewChange(const QString &master, const TreeState &state, QString *error)
{
    FileTree tree = files(state);
    QByteArray &readme = tree[QStringLiteral("docker/README.rst")].data;
    readme += "\nThe image logs to standard output; set ``LOG_LEVEL`` to change how much it says.\n";
    QString change;
    return commitTree(&change, tree, state.branch, {master}, 1, QStringLiteral("Document the image's log level"),
                      QStringLiteral("Under review."), error) &&
           reference(DemoWorkspace::reviewChangeRef(), change, error);
}

bool DemoRepoWriter::commit(QString *oid, const TreeState &state, const QStringList &parents, int daysAgo,
                            const QString &subject, const QString &body, QString *error)
{
    return commitTree(oid, files(state), state.branch, parents, daysAgo, subject, body, error);
}

bool DemoRepoWriter::commitTree(QString *oid, const RepoWriter::FileTree &files, const QString &branchName,
                                const QStringList &parents, int daysAgo, const QString &subject, const QString &body,
                                QString *error)
{
    // A Change-Id as Gerrit adds it, stable for the same repository and subject.
    const QByteArray changeId =
        QCryptographicHash::hash(QByteArray(m_repo.name) + subject.toUtf8() + branchName.toUtf8(),
                                 QCryptographicHash::Sha1)
            .toHex();
    QString message = subject + QStringLiteral("\n\n");
    if (!body.isEmpty())
        message += body + QStringLiteral("\n\n");
    message += QStringLiteral("Change-Id: I%1\n").arg(QString::fromLatin1(changeId));
    return m_writer.commit(oid, files, parents, when(daysAgo), message, error);
}

bool DemoRepoWriter::tag(const QString &name, const QString &target, int daysAgo, QString *error)
{
    const QString message = QStringLiteral("%1 %2 release\n").arg(QLatin1String(m_repo.name), name);
    return m_writer.tag(name, target, when(daysAgo), message, error);
}

bool DemoRepoWriter::branch(const QString &name, const QString &target, QString *error)
{
    return m_writer.branch(name, target, error);
}

bool DemoRepoWriter::reference(const QString &name, const QString &target, QString *error)
{
    return m_writer.reference(name, target, error);
}

qint64 DemoRepoWriter::when(int daysAgo) const
{
    // The history spreads over months; the repositories are a few minutes apart.
    return m_now - qint64(daysAgo) * 86400 - qint64(m_index) * 420;
}

} // namespace mrc::demo
