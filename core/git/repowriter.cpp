// SPDX-License-Identifier: Apache-2.0
#include "git/repowriter.h"

#include <QFile>
#include <git2.h>

namespace mrc {

namespace {

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

QString hexOf(const git_oid &oid)
{
    char hex[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(hex, sizeof hex, &oid);
    return QString::fromLatin1(hex);
}

bool oidOf(git_oid *oid, const QString &hex)
{
    return hex.size() == GIT_OID_HEXSZ && git_oid_fromstr(oid, hex.toLatin1().constData()) == 0;
}

} // namespace

void RepoWriter::RepoDeleter::operator()(git_repository *repo) const
{
    git_repository_free(repo);
}

RepoWriter::RepoWriter()
{
    git_libgit2_init(); // reference counted
}

RepoWriter::~RepoWriter()
{
    m_git.reset();
    git_libgit2_shutdown();
}

QString RepoWriter::failure(const QString &what) const
{
    const git_error *e = git_error_last();
    return QStringLiteral("%1: %2").arg(what, e && e->message ? QString::fromUtf8(e->message)
                                                              : QStringLiteral("unknown libgit2 error"));
}

bool RepoWriter::init(const QString &path, const QString &initialHead, const QByteArray &description, QString *error)
{
    close();
    m_path = path;
    const QByteArray head = initialHead.toUtf8();
    git_repository_init_options options = GIT_REPOSITORY_INIT_OPTIONS_INIT;
    options.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
    options.initial_head = head.constData();
    if (!description.isEmpty())
        options.description = description.constData();
    git_repository *raw = nullptr;
    if (git_repository_init_ext(&raw, QFile::encodeName(path).constData(), &options) != 0) {
        *error = failure(QStringLiteral("cannot create git repository %1").arg(path));
        return false;
    }
    m_git.reset(raw);
    return true;
}

void RepoWriter::close()
{
    m_git.reset();
}

void RepoWriter::setAuthor(const QByteArray &name, const QByteArray &email)
{
    m_authorName = name;
    m_authorEmail = email;
}

bool RepoWriter::writeBlob(git_oid *oid, const QByteArray &data, QString *error)
{
    // Commits repeat most files (the demo's a 2 MB busybox): hash first, write only what is new.
    git_odb *odb = nullptr;
    if (git_repository_odb(&odb, m_git.get()) != 0) {
        *error = failure(m_path);
        return false;
    }
    bool ok = git_odb_hash(oid, data.constData(), size_t(data.size()), GIT_OBJECT_BLOB) == 0;
    if (ok && !git_odb_exists(odb, oid))
        ok = git_blob_create_from_buffer(oid, m_git.get(), data.constData(), size_t(data.size())) == 0;
    git_odb_free(odb);
    if (!ok)
        *error = failure(QStringLiteral("cannot write a file into %1").arg(m_path));
    return ok;
}

bool RepoWriter::writeTree(git_oid *oid, const FileTree &tree, QString *error)
{
    git_treebuilder *raw = nullptr;
    if (git_treebuilder_new(&raw, m_git.get(), nullptr) != 0) {
        *error = failure(m_path);
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
            *error = failure(QStringLiteral("cannot add %1 in %2").arg(it.key(), m_path));
            return false;
        }
    }
    for (auto it = folders.cbegin(); it != folders.cend(); ++it) {
        git_oid sub;
        if (!writeTree(&sub, it.value(), error))
            return false;
        if (git_treebuilder_insert(nullptr, builder.get(), it.key().toUtf8().constData(), &sub, GIT_FILEMODE_TREE) !=
            0) {
            *error = failure(QStringLiteral("cannot add %1/ in %2").arg(it.key(), m_path));
            return false;
        }
    }
    if (git_treebuilder_write(oid, builder.get()) != 0) {
        *error = failure(QStringLiteral("cannot write a tree into %1").arg(m_path));
        return false;
    }
    return true;
}

bool RepoWriter::commit(QString *id, const FileTree &files, const QStringList &parents, qint64 when,
                        const QString &message, QString *error)
{
    git_oid treeId;
    if (!writeTree(&treeId, files, error))
        return false;
    git_tree *rawTree = nullptr;
    if (git_tree_lookup(&rawTree, m_git.get(), &treeId) != 0) {
        *error = failure(m_path);
        return false;
    }
    std::unique_ptr<git_tree, TreeDeleter> tree(rawTree);
    QList<std::shared_ptr<git_commit>> parentCommits;
    QList<const git_commit *> parentPointers;
    for (const QString &parent : parents) {
        git_oid parentId;
        git_commit *raw = nullptr;
        if (!oidOf(&parentId, parent) || git_commit_lookup(&raw, m_git.get(), &parentId) != 0) {
            *error = failure(QStringLiteral("no commit %1 in %2").arg(parent, m_path));
            return false;
        }
        parentCommits << std::shared_ptr<git_commit>(raw, CommitDeleter());
        parentPointers << raw;
    }
    git_signature *rawSig = nullptr;
    if (git_signature_new(&rawSig, m_authorName.constData(), m_authorEmail.constData(), git_time_t(when), 0) != 0) {
        *error =
            failure(QStringLiteral("cannot commit \"%1\" in %2").arg(message.section(QLatin1Char('\n'), 0, 0), m_path));
        return false;
    }
    std::unique_ptr<git_signature, SignatureDeleter> sig(rawSig);
    git_oid oid;
    if (git_commit_create(&oid, m_git.get(), nullptr, sig.get(), sig.get(), "UTF-8", message.toUtf8().constData(),
                          tree.get(), size_t(parentPointers.size()), parentPointers.data()) != 0) {
        *error =
            failure(QStringLiteral("cannot commit \"%1\" in %2").arg(message.section(QLatin1Char('\n'), 0, 0), m_path));
        return false;
    }
    *id = hexOf(oid);
    return true;
}

bool RepoWriter::tag(const QString &name, const QString &target, qint64 when, const QString &message, QString *error)
{
    git_oid targetId;
    git_object *raw = nullptr;
    if (!oidOf(&targetId, target) || git_object_lookup(&raw, m_git.get(), &targetId, GIT_OBJECT_COMMIT) != 0) {
        *error = failure(QStringLiteral("no commit %1 in %2").arg(target, m_path));
        return false;
    }
    std::unique_ptr<git_object, ObjectDeleter> object(raw);
    git_signature *rawSig = nullptr;
    git_oid oid;
    const bool ok =
        git_signature_new(&rawSig, m_authorName.constData(), m_authorEmail.constData(), git_time_t(when), 0) == 0;
    std::unique_ptr<git_signature, SignatureDeleter> sig(rawSig);
    if (!ok || git_tag_create(&oid, m_git.get(), name.toUtf8().constData(), object.get(), sig.get(),
                              message.toUtf8().constData(), 0) != 0) {
        *error = failure(QStringLiteral("cannot tag %1 in %2").arg(name, m_path));
        return false;
    }
    return true;
}

bool RepoWriter::branch(const QString &name, const QString &target, QString *error)
{
    return reference(QStringLiteral("refs/heads/%1").arg(name), target, error);
}

bool RepoWriter::reference(const QString &name, const QString &target, QString *error)
{
    git_oid targetId;
    git_reference *ref = nullptr;
    if (!oidOf(&targetId, target) ||
        git_reference_create(&ref, m_git.get(), name.toUtf8().constData(), &targetId, 1, "mrc") != 0) {
        *error = failure(QStringLiteral("cannot create %1 in %2").arg(name, m_path));
        return false;
    }
    git_reference_free(ref);
    return true;
}

} // namespace mrc
