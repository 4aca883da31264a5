// SPDX-License-Identifier: Apache-2.0
#include "demo/demoworkspace.h"

#include "engine/engineprobe.h"
#include "manifest/manifest.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QUrl>
#include <algorithm>
#include <git2.h>
#include <memory>

// Q_INIT_RESOURCE must be used outside a namespace; it also makes sure the linker keeps the
// resources when mrc_core is linked statically.
static void initDemoResources()
{
    Q_INIT_RESOURCE(mrc_resources);
}

namespace mrc {

namespace {

const char *const ResourceRoot = ":/mrc/demo";

/** The branch line a tree belongs to: decides which variables its docker/ files have. */
enum class Line
{
    Unmaintained,
    Stable,
    Master
};

struct DemoRepo
{
    const char *name;
    const char *stableVariable; // added before stable/2023.2 branched off
    const char *masterVariable; // added on master after stable/2023.2
};

// The nine upstream repositories; the variables make the branches' docker/ folders differ.
const DemoRepo Repos[] = {
    {"monasca-common", "LANG", "TZ"},
    {"monasca-api", "KAFKA_LEGACY_CLIENT_ENABLED", "ENABLE_LOGS_API"},
    {"monasca-agent", "BACKLOG_SEND_RATE", "MAX_MEASUREMENT_BUFFER_SIZE"},
    {"monasca-log-api", "MEMCACHED_URI", "LOG_LEVEL_ACCESS"},
    {"monasca-notification", "RETRY_MAX_ATTEMPTS", "STATSD_ENABLED"},
    {"monasca-persister", "KAFKA_EVENTS_ENABLE", "INFLUX_IGNORE_PARSE_POINT_ERROR"},
    {"monasca-thresh", "NO_STORM_CLUSTER", "WORKER_LOGS_TO_STDOUT"},
    {"python-monascaclient", "OS_DOMAIN_NAME", "OS_INTERFACE"},
    {"monasca-tempest-plugin", "MONASCA_API_WAIT_INTERVAL", "USE_DYNAMIC_CREDS"},
};

struct DemoComponent
{
    const char *name;
    const char *image;
    const char *repo;
    const char *context;
    const char *base;
    const char *configDir;    // where the image's *.j2 templates live, rendered by start.sh
    const char *portVariable; // TCP port checked by health_check.py, or empty
};

// The components of the default manifest, in the same order.
const DemoComponent Components[] = {
    {"base", "monasca/base", "monasca-common", "docker", "", "/etc/monasca/base", ""},
    {"api", "monasca/api", "monasca-api", "docker", "base", "/etc/monasca", "MONASCA_CONTAINER_API_PORT"},
    {"agent-collector", "monasca/agent-collector", "monasca-agent", "docker/collector", "base", "/etc/monasca/agent",
     ""},
    {"agent-forwarder", "monasca/agent-forwarder", "monasca-agent", "docker/forwarder", "base", "/etc/monasca/agent",
     ""},
    {"statsd", "monasca/statsd", "monasca-agent", "docker/statsd", "base", "/etc/monasca/agent", ""},
    {"log-api", "monasca/log-api", "monasca-log-api", "docker", "base", "/etc/monasca",
     "MONASCA_CONTAINER_LOG_API_PORT"},
    {"notification", "monasca/notification", "monasca-notification", "docker", "base", "/etc/monasca", ""},
    {"persister", "monasca/persister", "monasca-persister", "docker", "base", "/etc/monasca", ""},
    {"thresh", "monasca/thresh", "monasca-thresh", "docker", "base", "/etc/monasca", ""},
    {"client", "monasca/client", "python-monascaclient", "docker", "base", "/etc/monasca", ""},
    {"tempest-tests", "monasca/tempest-tests", "monasca-tempest-plugin", "docker", "base", "/etc/tempest", ""},
};

// The change whose base image does not build (RepoWriter::writeBrokenChange).
const char *const BrokenChangeRepo = "monasca-common";

// Real Docker releases, newest first: the older columns of master come from here.
const char *const KnownDockerVersions[] = {"28.2", "27.5", "26.1", "25.0", "24.0", "23.0", "20.10", "19.03", "18.09"};

struct FileEntry
{
    QByteArray data;
    bool executable = false;
};

using FileTree = QMap<QString, FileEntry>;

/** What a commit's tree looks like; each commit of the history moves one of these on. */
struct TreeState
{
    Line line = Line::Unmaintained;
    QString branch = QStringLiteral("master"); // the branch the Dockerfile defaults name
    int requirementsLevel = 0;
    bool docker = false;
};

QString libgit2Error(const QString &what)
{
    const git_error *e = git_error_last();
    return QStringLiteral("%1: %2").arg(what, e && e->message ? QString::fromUtf8(e->message)
                                                              : QStringLiteral("unknown libgit2 error"));
}

struct RepoDeleter
{
    void operator()(git_repository *r) const { git_repository_free(r); }
};
struct TreeBuilderDeleter
{
    void operator()(git_treebuilder *b) const { git_treebuilder_free(b); }
};
struct SignatureDeleter
{
    void operator()(git_signature *s) const { git_signature_free(s); }
};
struct CommitDeleter
{
    void operator()(git_commit *c) const { git_commit_free(c); }
};
struct TreeDeleter
{
    void operator()(git_tree *t) const { git_tree_free(t); }
};
struct ObjectDeleter
{
    void operator()(git_object *o) const { git_object_free(o); }
};

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

class RepoWriter
{
public:
    RepoWriter(const DemoRepo &repo, int index, const QByteArray &busybox, qint64 now)
        : m_repo(repo), m_index(index), m_busybox(busybox), m_now(now)
    {
    }

    bool write(const QString &path, QString *error)
    {
        m_path = path;
        if (!loadDockerResources(error))
            return false;

        git_repository_init_options options = GIT_REPOSITORY_INIT_OPTIONS_INIT;
        options.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
        options.initial_head = "master";
        options.description = "Demo repository of the Monasca Release Console";
        git_repository *raw = nullptr;
        if (git_repository_init_ext(&raw, QFile::encodeName(path).constData(), &options) != 0) {
            *error = libgit2Error(QStringLiteral("cannot create git repository %1").arg(path));
            return false;
        }
        m_git.reset(raw);

        // initial import → docker/ → 9.0.0 → unmaintained/2023.1 branches off → stable variable →
        // 10.0.0 → stable/2023.2 branches off → master variable → 11.0.0 → one more commit.
        const QString name = QString::fromLatin1(m_repo.name);
        const QString stableVar = QString::fromLatin1(m_repo.stableVariable);
        const QString masterVar = QString::fromLatin1(m_repo.masterVariable);
        TreeState state;
        git_oid m1, m2, m3, m4, m5, m6, m7, m8, u1, u2, s1, s2;
        bool ok = commit(&m1, state, {}, 168, QStringLiteral("Initial import of %1").arg(name),
                         QStringLiteral("Project layout, requirements and .gitreview."), error);
        state.docker = true;
        ok = ok && commit(&m2, state, {&m1}, 161, QStringLiteral("Add Docker image files"),
                          QStringLiteral("Dockerfile, start script, health check and configuration templates,\n"
                                         "built on top of monasca-base."),
                          error);
        state.requirementsLevel = 1;
        ok = ok && commit(&m3, state, {&m2}, 150, QStringLiteral("Update requirements for the 2023.1 release"),
                          QStringLiteral("Raise the oslo.config lower bound."), error);
        ok = ok && tag(QStringLiteral("9.0.0"), m3, 149, error);

        TreeState unmaintained = state;
        unmaintained.branch = QStringLiteral("unmaintained/2023.1");
        ok = ok && commit(&u1, unmaintained, {&m3}, 118,
                          QStringLiteral("Update TOX_CONSTRAINTS_FILE for unmaintained/2023.1"),
                          QStringLiteral("Point the Dockerfile defaults and .gitreview at the branch."), error);
        ok = ok && tag(QStringLiteral("9.0.1"), u1, 117, error);
        unmaintained.requirementsLevel = 2;
        ok = ok && commit(&u2, unmaintained, {&u1}, 41, QStringLiteral("Cap confluent-kafka for unmaintained/2023.1"),
                          QStringLiteral("Newer releases need a librdkafka that 2023.1 images do not ship."), error);

        state.line = Line::Stable;
        ok = ok && commit(&m4, state, {&m3}, 139, QStringLiteral("Add %1 to the docker image").arg(stableVar),
                          QStringLiteral("Expose the option as an environment variable and document it\n"
                                         "in the README table."),
                          error);
        state.requirementsLevel = 2;
        ok = ok && commit(&m5, state, {&m4}, 126, QStringLiteral("Bump confluent-kafka to 1.3.0"), QString(), error);
        ok = ok && tag(QStringLiteral("10.0.0"), m5, 125, error);

        TreeState stable = state;
        stable.branch = QStringLiteral("stable/2023.2");
        ok = ok && commit(&s1, stable, {&m5}, 109, QStringLiteral("Update .gitreview for stable/2023.2"),
                          QStringLiteral("Also make stable/2023.2 the default REPO_VERSION of the image."), error);
        ok = ok && tag(QStringLiteral("10.0.1"), s1, 108, error);
        stable.requirementsLevel = 3;
        ok = ok && commit(&s2, stable, {&s1}, 27, QStringLiteral("Remove six"),
                          QStringLiteral("Python 2 support is long gone."), error);

        state.line = Line::Master;
        ok = ok && commit(&m6, state, {&m5}, 96, QStringLiteral("Add %1 to the docker image").arg(masterVar),
                          QStringLiteral("Expose the option as an environment variable and document it\n"
                                         "in the README table."),
                          error);
        state.requirementsLevel = 3;
        ok = ok && commit(&m7, state, {&m6}, 62, QStringLiteral("Remove six"),
                          QStringLiteral("Python 2 support is long gone."), error);
        ok = ok && tag(QStringLiteral("11.0.0"), m7, 61, error);
        state.requirementsLevel = 4;
        ok = ok && commit(&m8, state, {&m7}, 9, QStringLiteral("Use oslo.utils for time handling"), QString(), error);

        ok = ok && branch(QStringLiteral("master"), m8, error);
        ok = ok && branch(QStringLiteral("stable/2023.2"), s2, error);
        ok = ok && branch(QStringLiteral("unmaintained/2023.1"), u2, error);
        if (qstrcmp(m_repo.name, BrokenChangeRepo) == 0)
            ok = ok && writeBrokenChange(m8, state, error);
        m_git.reset();
        return ok;
    }

private:
    /** Reads this repository's docker/ files and adds each context's start.sh and health_check.py. */
    bool loadDockerResources(QString *error)
    {
        const QString root = QStringLiteral("%1/%2").arg(QLatin1String(ResourceRoot), QLatin1String(m_repo.name));
        QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString file = it.next();
            FileEntry entry{readResource(file), file.endsWith(QLatin1String(".sh"))};
            m_docker.insert(QStringLiteral("docker/") + file.mid(root.size() + 1), entry);
        }
        const QByteArray start = readResource(QStringLiteral("%1/start.sh.in").arg(QLatin1String(ResourceRoot)));
        const QByteArray health =
            readResource(QStringLiteral("%1/health_check.py.in").arg(QLatin1String(ResourceRoot)));
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

    FileTree files(const TreeState &state) const
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
        tree.insert(
            QStringLiteral(".gitreview"),
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

    bool writeBlob(git_oid *oid, const QByteArray &data, QString *error)
    {
        // Every commit repeats most files (and a 2 MB busybox): hash first, write only what is new.
        git_odb *odb = nullptr;
        if (git_repository_odb(&odb, m_git.get()) != 0) {
            *error = libgit2Error(m_path);
            return false;
        }
        bool ok = git_odb_hash(oid, data.constData(), size_t(data.size()), GIT_OBJECT_BLOB) == 0;
        if (ok && !git_odb_exists(odb, oid))
            ok = git_blob_create_from_buffer(oid, m_git.get(), data.constData(), size_t(data.size())) == 0;
        git_odb_free(odb);
        if (!ok)
            *error = libgit2Error(QStringLiteral("cannot write a file into %1").arg(m_path));
        return ok;
    }

    /** Writes `tree` (paths relative to one folder) as nested git trees. */
    bool writeTree(git_oid *oid, const FileTree &tree, QString *error)
    {
        git_treebuilder *raw = nullptr;
        if (git_treebuilder_new(&raw, m_git.get(), nullptr) != 0) {
            *error = libgit2Error(m_path);
            return false;
        }
        std::unique_ptr<git_treebuilder, TreeBuilderDeleter> builder(raw);
        QMap<QString, FileTree> folders;
        for (auto it = tree.cbegin(); it != tree.cend(); ++it) {
            const qsizetype slash = it.key().indexOf(QLatin1Char('/'));
            if (slash >= 0) {
                folders[it.key().left(slash)].insert(it.key().mid(slash + 1), it.value());
                continue;
            }
            git_oid blob;
            if (!writeBlob(&blob, it.value().data, error))
                return false;
            const git_filemode_t mode = it.value().executable ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
            if (git_treebuilder_insert(nullptr, builder.get(), it.key().toUtf8().constData(), &blob, mode) != 0) {
                *error = libgit2Error(QStringLiteral("cannot add %1 in %2").arg(it.key(), m_path));
                return false;
            }
        }
        for (auto it = folders.cbegin(); it != folders.cend(); ++it) {
            git_oid sub;
            if (!writeTree(&sub, it.value(), error))
                return false;
            if (git_treebuilder_insert(nullptr, builder.get(), it.key().toUtf8().constData(), &sub,
                                       GIT_FILEMODE_TREE) != 0) {
                *error = libgit2Error(QStringLiteral("cannot add %1/ in %2").arg(it.key(), m_path));
                return false;
            }
        }
        if (git_treebuilder_write(oid, builder.get()) != 0) {
            *error = libgit2Error(QStringLiteral("cannot write a tree into %1").arg(m_path));
            return false;
        }
        return true;
    }

    /** The deterministic author; `daysAgo` spreads the history over months, repos a few minutes apart. */
    std::unique_ptr<git_signature, SignatureDeleter> signature(int daysAgo) const
    {
        git_signature *raw = nullptr;
        const git_time_t when = m_now - qint64(daysAgo) * 86400 - qint64(m_index) * 420;
        if (git_signature_new(&raw, "Demo Release Manager", "release@example.org", when, 0) != 0)
            return {};
        return std::unique_ptr<git_signature, SignatureDeleter>(raw);
    }

    /**
     * A change proposed to master that breaks the base image: its new step needs python3, which the busybox base
     * lacks. It is only on a Gerrit change ref, not on a branch, so the matrix stays green until someone adds it
     * with Build Ref… to see a failed build.
     */
    bool writeBrokenChange(const git_oid &master, const TreeState &state, QString *error)
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
        git_oid broken;
        return commitTree(&broken, tree, state.branch, {&master}, 2, QStringLiteral("Precompile the base's Python modules"),
                          QStringLiteral("Saves a few seconds at container start."), error)
            && reference(DemoWorkspace::brokenChangeRef(), broken, error);
    }

    bool commit(git_oid *oid, const TreeState &state, QList<const git_oid *> parents, int daysAgo,
                const QString &subject, const QString &body, QString *error)
    {
        return commitTree(oid, files(state), state.branch, parents, daysAgo, subject, body, error);
    }

    bool commitTree(git_oid *oid, const FileTree &files, const QString &branchName, QList<const git_oid *> parents,
                    int daysAgo, const QString &subject, const QString &body, QString *error)
    {
        git_oid treeId;
        if (!writeTree(&treeId, files, error))
            return false;
        git_tree *rawTree = nullptr;
        if (git_tree_lookup(&rawTree, m_git.get(), &treeId) != 0) {
            *error = libgit2Error(m_path);
            return false;
        }
        std::unique_ptr<git_tree, TreeDeleter> tree(rawTree);

        QList<std::shared_ptr<git_commit>> parentCommits;
        QList<const git_commit *> parentPointers;
        for (const git_oid *parent : parents) {
            git_commit *raw = nullptr;
            if (git_commit_lookup(&raw, m_git.get(), parent) != 0) {
                *error = libgit2Error(m_path);
                return false;
            }
            parentCommits << std::shared_ptr<git_commit>(raw, CommitDeleter());
            parentPointers << raw;
        }

        // A Change-Id as Gerrit adds it, stable for the same repository and subject.
        const QByteArray changeId =
            QCryptographicHash::hash(QByteArray(m_repo.name) + subject.toUtf8() + branchName.toUtf8(),
                                     QCryptographicHash::Sha1)
                .toHex();
        QString message = subject + QStringLiteral("\n\n");
        if (!body.isEmpty())
            message += body + QStringLiteral("\n\n");
        message += QStringLiteral("Change-Id: I%1\n").arg(QString::fromLatin1(changeId));

        const auto sig = signature(daysAgo);
        if (!sig ||
            git_commit_create(oid, m_git.get(), nullptr, sig.get(), sig.get(), "UTF-8", message.toUtf8().constData(),
                              tree.get(), size_t(parentPointers.size()), parentPointers.data()) != 0) {
            *error = libgit2Error(QStringLiteral("cannot commit \"%1\" in %2").arg(subject, m_path));
            return false;
        }
        return true;
    }

    bool tag(const QString &name, const git_oid &target, int daysAgo, QString *error)
    {
        git_object *raw = nullptr;
        if (git_object_lookup(&raw, m_git.get(), &target, GIT_OBJECT_COMMIT) != 0) {
            *error = libgit2Error(m_path);
            return false;
        }
        std::unique_ptr<git_object, ObjectDeleter> object(raw);
        const auto sig = signature(daysAgo);
        const QByteArray message = QStringLiteral("%1 %2 release\n").arg(QLatin1String(m_repo.name), name).toUtf8();
        git_oid oid;
        if (!sig || git_tag_create(&oid, m_git.get(), name.toUtf8().constData(), object.get(), sig.get(),
                                   message.constData(), 0) != 0) {
            *error = libgit2Error(QStringLiteral("cannot tag %1 in %2").arg(name, m_path));
            return false;
        }
        return true;
    }

    bool branch(const QString &name, const git_oid &target, QString *error)
    {
        return reference(QStringLiteral("refs/heads/%1").arg(name), target, error);
    }

    bool reference(const QString &name, const git_oid &target, QString *error)
    {
        git_reference *ref = nullptr;
        if (git_reference_create(&ref, m_git.get(), name.toUtf8().constData(), &target, 1, "demo") != 0) {
            *error = libgit2Error(QStringLiteral("cannot create %1 in %2").arg(name, m_path));
            return false;
        }
        git_reference_free(ref);
        return true;
    }

    const DemoRepo &m_repo;
    int m_index;
    QByteArray m_busybox;
    qint64 m_now;
    QString m_path;
    FileTree m_docker;
    std::unique_ptr<git_repository, RepoDeleter> m_git;
};

// --- The requirements repository: upper-constraints.txt per branch, read by the build scripts' stable path. ---

struct ConstraintsBranch
{
    const char *branch;
    const char *common; // the monasca-common release pinned there (a tag of the demo's monasca-common)
    int daysAgo;
};

const ConstraintsBranch RequirementsBranches[] = {
    {"unmaintained/2023.1", "9.0.1", 117},
    {"stable/2023.2", "10.0.1", 108},
    {"master", "11.0.0", 61},
};

QByteArray upperConstraints(const char *common)
{
    return QByteArray("# The demo's upper constraints: the exact version of every dependency.\n"
                      "confluent-kafka===1.9.2\n"
                      "monasca-common===")
           + common
           + "\n"
             "oslo.config===9.2.0\n"
             "oslo.log===5.3.0\n";
}

/** DIR/repos/requirements.git: one commit per branch, each off the same root, holding upper-constraints.txt. */
bool writeRequirementsRepo(const QString &path, qint64 now, QString *error)
{
    git_repository_init_options options = GIT_REPOSITORY_INIT_OPTIONS_INIT;
    options.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
    options.initial_head = "master";
    git_repository *raw = nullptr;
    if (git_repository_init_ext(&raw, QFile::encodeName(path).constData(), &options) != 0) {
        *error = libgit2Error(QStringLiteral("cannot create git repository %1").arg(path));
        return false;
    }
    std::unique_ptr<git_repository, RepoDeleter> repo(raw);
    const auto commitFile = [&](git_oid *oid, const QByteArray &text, const git_commit *parent, int daysAgo,
                                const QString &subject) {
        git_oid blob;
        git_oid treeId;
        git_treebuilder *rawBuilder = nullptr;
        if (git_blob_create_from_buffer(&blob, repo.get(), text.constData(), size_t(text.size())) != 0
            || git_treebuilder_new(&rawBuilder, repo.get(), nullptr) != 0)
            return false;
        std::unique_ptr<git_treebuilder, TreeBuilderDeleter> builder(rawBuilder);
        if (git_treebuilder_insert(nullptr, builder.get(), "upper-constraints.txt", &blob, GIT_FILEMODE_BLOB) != 0
            || git_treebuilder_write(&treeId, builder.get()) != 0)
            return false;
        git_tree *rawTree = nullptr;
        if (git_tree_lookup(&rawTree, repo.get(), &treeId) != 0)
            return false;
        std::unique_ptr<git_tree, TreeDeleter> tree(rawTree);
        git_signature *rawSig = nullptr;
        if (git_signature_new(&rawSig, "Demo Release Manager", "release@example.org", now - qint64(daysAgo) * 86400, 0)
            != 0)
            return false;
        std::unique_ptr<git_signature, SignatureDeleter> sig(rawSig);
        const git_commit *parents[] = {parent};
        return git_commit_create(oid, repo.get(), nullptr, sig.get(), sig.get(), "UTF-8",
                                 (subject + QLatin1Char('\n')).toUtf8().constData(), tree.get(), parent ? 1 : 0,
                                 parents)
               == 0;
    };
    git_oid rootId;
    if (!commitFile(&rootId, upperConstraints("9.0.0"), nullptr, 150, QStringLiteral("Initial upper constraints"))) {
        *error = libgit2Error(QStringLiteral("cannot commit in %1").arg(path));
        return false;
    }
    git_commit *rawRoot = nullptr;
    if (git_commit_lookup(&rawRoot, repo.get(), &rootId) != 0) {
        *error = libgit2Error(path);
        return false;
    }
    std::unique_ptr<git_commit, CommitDeleter> root(rawRoot);
    for (const ConstraintsBranch &b : RequirementsBranches) {
        git_oid id;
        const QString branch = QString::fromLatin1(b.branch);
        if (!commitFile(&id, upperConstraints(b.common), root.get(), b.daysAgo,
                        QStringLiteral("Pin monasca-common %1 for %2").arg(QLatin1String(b.common), branch))) {
            *error = libgit2Error(QStringLiteral("cannot commit in %1").arg(path));
            return false;
        }
        git_reference *ref = nullptr;
        if (git_reference_create(&ref, repo.get(), QStringLiteral("refs/heads/%1").arg(branch).toUtf8().constData(), &id,
                                 1, "demo")
            != 0) {
            *error = libgit2Error(QStringLiteral("cannot create branch %1 in %2").arg(branch, path));
            return false;
        }
        git_reference_free(ref);
    }
    return true;
}

/** The manifest's `requirements:` entry naming the demo's requirements repository. */
QString requirementsYaml(const QString &dir)
{
    return QStringLiteral("# openstack/requirements: the build scripts read a stable branch's upper-constraints.txt,\n"
                          "# and the monasca-common version pinned there, from it.\n"
                          "requirements: \"%1\"\n\n")
        .arg(QUrl::fromLocalFile(QStringLiteral("%1/repos/requirements.git").arg(dir)).toString());
}

/** Keeps libgit2 initialised for the scope (the calls are reference counted). */
struct Libgit2Scope
{
    Libgit2Scope() { git_libgit2_init(); }
    ~Libgit2Scope() { git_libgit2_shutdown(); }
    Libgit2Scope(const Libgit2Scope &) = delete;
    Libgit2Scope &operator=(const Libgit2Scope &) = delete;
};

bool readBusybox(QByteArray *data, QString *error)
{
    const QString path = DemoWorkspace::busyboxPath();
    const QString install = QStringLiteral("install the busybox-static package (apt-get install busybox-static)");
    QFile file(path);
    if (!file.exists()) {
        *error = QStringLiteral("%1 is missing: %2").arg(path, install);
        return false;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    *data = file.readAll();
    // The image is FROM scratch: a dynamically linked busybox (package "busybox") would not run there.
    if (!data->startsWith("\x7f"
                          "ELF") ||
        data->left(4096).contains("ld-linux")) {
        *error = QStringLiteral("%1 is not a static binary: %2").arg(path, install);
        return false;
    }
    return true;
}

QString yamlQuoted(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('"'), QLatin1String("\\\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

/** "28.2.2" or "28.2" → "28.2"; empty when it is not a version. */
QString majorMinor(const QString &version)
{
    static const QRegularExpression re(QStringLiteral("^v?(\\d+)\\.(\\d+)"));
    const QRegularExpressionMatch m = re.match(version.trimmed());
    return m.hasMatch() ? m.captured(1) + QLatin1Char('.') + m.captured(2) : QString();
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

/** The Docker versions of each demo branch, newest first. */
struct DemoColumns
{
    QStringList master;
    QStringList stable;
    QStringList unmaintained;
};

/** One running engine: master on its version and the two majors before it; the older branches lag behind. */
DemoColumns columnsFor(const QString &newest)
{
    const QStringList master = masterDockerVersions(newest);
    // stable/2023.2 branched while the current engine was already out; unmaintained/2023.1 is frozen at the two
    // before it, so its cells show what "no engine of that version" looks like.
    return {master, master.mid(0, 2), master.mid(1, 2)};
}

/** Several running engines: master on the three newest versions, the older branches on the older two and one. */
DemoColumns columnsFor(const QList<DemoWorkspace::Engine> &engines)
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

QByteArray releaseYaml(const QString &dir, const QList<EngineSpec> &engines, const DemoColumns &columns)
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
    yaml += QStringLiteral("\n") + requirementsYaml(dir);
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
    return yaml.toUtf8();
}

bool writeFile(const QString &path, const QByteArray &data, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(data) != data.size() || !file.flush()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

/** A sibling path that does not exist yet, for moving a folder aside. */
QString freeSibling(const QString &target, const QString &tag)
{
    for (;;) {
        const QString candidate = QStringLiteral("%1.%2-%3")
                                      .arg(target, tag)
                                      .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
        if (!QFileInfo::exists(candidate))
            return candidate;
    }
}

} // namespace

QStringList DemoWorkspace::repositories()
{
    QStringList names;
    for (const DemoRepo &repo : Repos)
        names << QString::fromLatin1(repo.name);
    return names;
}

namespace {
bool createDemo(const QString &dir, bool force, const QString &dockerVersion, const QList<EngineSpec> &engines,
                const DemoColumns *columns, QString *error);
} // namespace

bool DemoWorkspace::create(const QString &dir, bool force, const QString &dockerVersion, QString *error)
{
    return createDemo(dir, force, dockerVersion, {EngineProbe::localEngine()}, nullptr, error);
}

bool DemoWorkspace::create(const QString &dir, bool force, const QList<Engine> &engines, QString *error)
{
    QList<EngineSpec> specs;
    for (const Engine &engine : engines)
        specs << engine.spec;
    if (specs.isEmpty())
        specs << EngineProbe::localEngine();
    const DemoColumns columns = columnsFor(engines);
    return createDemo(dir, force, columns.master.first(), specs, &columns, error);
}

namespace {

bool createDemo(const QString &dir, bool force, const QString &dockerVersion, const QList<EngineSpec> &engines,
                const DemoColumns *columns, QString *error)
{
    QString ignored;
    if (!error)
        error = &ignored;
    if (dir.trimmed().isEmpty()) {
        *error = QStringLiteral("no folder given for the demo workspace");
        return false;
    }
    const QString target = QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
    const QFileInfo info(target);
    const bool exists = info.exists() || info.isSymLink();
    if (exists && !info.isDir()) {
        *error = QStringLiteral("%1 exists and is not a folder").arg(target);
        return false;
    }
    const bool empty =
        !exists || QDir(target).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
    if (!empty && !force) {
        *error = QStringLiteral("%1 is not empty; use --force to replace it").arg(target);
        return false;
    }

    QString newest = QStringLiteral("28.2");
    if (!dockerVersion.trimmed().isEmpty()) {
        newest = majorMinor(dockerVersion);
        if (newest.isEmpty()) {
            *error = QStringLiteral("Docker version \"%1\" is not MAJOR.MINOR (e.g. 28.2)").arg(dockerVersion);
            return false;
        }
    }

    QByteArray busybox;
    if (!readBusybox(&busybox, error))
        return false;

    initDemoResources();
    const QString parent = info.absolutePath();
    if (!QDir().mkpath(parent)) {
        *error = QStringLiteral("cannot create folder %1").arg(parent);
        return false;
    }
    // Build next to the target so that the final move is a rename on the same file system.
    QTemporaryDir staging(QStringLiteral("%1/.%2.new-XXXXXX").arg(parent, info.fileName()));
    if (!staging.isValid()) {
        *error = QStringLiteral("cannot create a temporary folder in %1: %2").arg(parent, staging.errorString());
        return false;
    }

    {
        Libgit2Scope libgit2;
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        int index = 0;
        for (const DemoRepo &repo : Repos) {
            RepoWriter writer(repo, index++, busybox, now);
            if (!writer.write(QStringLiteral("%1/repos/%2.git").arg(staging.path(), QLatin1String(repo.name)), error))
                return false;
        }
        if (!writeRequirementsRepo(QStringLiteral("%1/repos/requirements.git").arg(staging.path()), now, error))
            return false;
    }
    if (!writeFile(staging.filePath(QStringLiteral("release.yaml")),
                   releaseYaml(target, engines, columns ? *columns : columnsFor(newest)), error))
        return false;

    QString aside;
    if (exists) {
        if (empty) {
            if (!QDir().rmdir(target)) {
                *error = QStringLiteral("cannot replace the empty folder %1").arg(target);
                return false;
            }
        } else {
            aside = freeSibling(target, QStringLiteral("old"));
            if (!QDir().rename(target, aside)) {
                *error = QStringLiteral("cannot move %1 aside to replace it").arg(target);
                return false;
            }
        }
    }
    if (!QDir().rename(staging.path(), target)) {
        if (!aside.isEmpty())
            QDir().rename(aside, target);
        else if (exists)
            QDir().mkpath(target);
        *error = QStringLiteral("cannot move the new demo into %1").arg(target);
        return false;
    }
    staging.setAutoRemove(false);
    if (!aside.isEmpty())
        QDir(aside).removeRecursively();
    return true;
}

} // namespace

} // namespace mrc
