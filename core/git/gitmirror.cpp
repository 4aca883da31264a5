// SPDX-License-Identifier: Apache-2.0
#include "git/gitmirror.h"

#include "git/gitmirrorprivate.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUrl>
#include <algorithm>
#include <git2.h>

namespace mrc {

GitMirror::GitMirror(const QString &url, const QString &cacheRoot)
    : d(std::make_unique<Private>()), m_url(url.trimmed()), m_path(mirrorPathFor(url, cacheRoot))
{
    ensureLibgit2();
}

GitMirror::~GitMirror() = default;

QString GitMirror::defaultCacheRoot()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) + QStringLiteral("/mrc/mirrors");
}

QString GitMirror::mirrorPathFor(const QString &url, const QString &cacheRoot)
{
    const QString trimmed = url.trimmed();
    QString name = trimmed;
    while (name.endsWith(QLatin1Char('/')) || name.endsWith(QLatin1Char('\\')))
        name.chop(1);
    // The last component after '/', '\' or the ':' of scp-like URLs (git@host:org/repo.git).
    const qsizetype cut = std::max(
        {name.lastIndexOf(QLatin1Char('/')), name.lastIndexOf(QLatin1Char('\\')), name.lastIndexOf(QLatin1Char(':'))});
    name = name.mid(cut + 1);
    if (name.endsWith(QLatin1String(".git"), Qt::CaseInsensitive))
        name.chop(4);
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]"));
    name.replace(unsafe, QStringLiteral("_"));
    while (name.startsWith(QLatin1Char('.')))
        name.remove(0, 1);
    if (name.isEmpty())
        name = QStringLiteral("repo");
    name = name.left(64);

    const QByteArray hash = QCryptographicHash::hash(trimmed.toUtf8(), QCryptographicHash::Sha1).toHex().left(10);
    return QDir::cleanPath(cacheRoot) + QLatin1Char('/') + name + QLatin1Char('-') + QString::fromLatin1(hash) +
           QStringLiteral(".git");
}

bool GitMirror::exists() const
{
    const QFileInfo head(m_path + QStringLiteral("/HEAD"));
    return head.isFile() && QFileInfo(m_path + QStringLiteral("/objects")).isDir();
}

QDateTime GitMirror::lastFetched() const
{
    QFile file(m_path + QLatin1Char('/') + QLatin1String(kFetchedFile));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QDateTime when = QDateTime::fromString(QString::fromUtf8(file.readAll()).trimmed(), Qt::ISODateWithMs);
    return when.isValid() ? when.toUTC() : QDateTime();
}

bool GitMirror::open(QString *error)
{
    if (d->repo.p)
        return true;
    if (!exists()) {
        setError(error, QStringLiteral("no mirror of %1 at %2: fetch it first").arg(displayUrl(m_url), m_path));
        return false;
    }
    if (git_repository_open_bare(&d->repo, QFile::encodeName(m_path).constData()) < 0) {
        d->repo.p = nullptr;
        setError(error, QStringLiteral("cannot open mirror %1: %2").arg(m_path, lastGitError()));
        return false;
    }
    return true;
}

std::optional<CommitInfo> GitMirror::resolveBranch(const QString &branch, QString *error)
{
    setError(error, QString());
    if (!open(error))
        return std::nullopt;
    const QByteArray refName = "refs/heads/" + branch.toUtf8();
    ReferencePtr ref;
    int rc = git_reference_lookup(&ref, d->repo.get(), refName.constData());
    if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC)
        return std::nullopt;
    if (rc < 0) {
        setError(error,
                 QStringLiteral("cannot read branch %1 of %2: %3").arg(branch, displayUrl(m_url), lastGitError()));
        return std::nullopt;
    }
    ObjectPtr commit;
    if (git_reference_peel(&commit, ref.get(), GIT_OBJECT_COMMIT) < 0) {
        setError(error, QStringLiteral("branch %1 of %2 does not point to a commit: %3")
                            .arg(branch, displayUrl(m_url), lastGitError()));
        return std::nullopt;
    }
    return commitInfo(reinterpret_cast<git_commit *>(commit.get()));
}

std::optional<CommitInfo> GitMirror::resolve(const QString &ref, QString *error)
{
    setError(error, QString());
    if (!open(error))
        return std::nullopt;
    const QByteArray spec = ref.trimmed().toUtf8();
    ObjectPtr obj;
    if (spec.isEmpty() || git_revparse_single(&obj, d->repo.get(), spec.constData()) < 0) {
        setError(error,
                 QStringLiteral("cannot resolve '%1' in %2: %3")
                     .arg(ref, displayUrl(m_url), spec.isEmpty() ? QStringLiteral("empty revision") : lastGitError()));
        return std::nullopt;
    }
    ObjectPtr commit;
    if (git_object_peel(&commit, obj.get(), GIT_OBJECT_COMMIT) < 0) {
        setError(error, QStringLiteral("'%1' in %2 is not a commit: %3").arg(ref, displayUrl(m_url), lastGitError()));
        return std::nullopt;
    }
    return commitInfo(reinterpret_cast<git_commit *>(commit.get()));
}

QList<TagInfo> GitMirror::tags(QString *error)
{
    setError(error, QString());
    QList<TagInfo> result;
    if (!open(error))
        return result;

    struct Walk
    {
        git_repository *repo;
        QList<TagInfo> *result;
    } walk{d->repo.get(), &result};

    const int rc = git_tag_foreach(
        d->repo.get(),
        [](const char *name, git_oid *oid, void *payload) -> int {
            auto *w = static_cast<Walk *>(payload);
            ObjectPtr obj;
            ObjectPtr commit;
            // Tags of trees or blobs cannot be built from; skip them rather than fail the whole list.
            if (git_object_lookup(&obj, w->repo, oid, GIT_OBJECT_ANY) < 0 ||
                git_object_peel(&commit, obj.get(), GIT_OBJECT_COMMIT) < 0)
                return 0;
            QString tagName = QString::fromUtf8(name);
            tagName.remove(0, qsizetype(qstrlen("refs/tags/")));
            w->result->append({tagName, oidToString(git_object_id(commit.get()))});
            return 0;
        },
        &walk);
    if (rc < 0) {
        setError(error, QStringLiteral("cannot list the tags of %1: %2").arg(displayUrl(m_url), lastGitError()));
        return {};
    }
    std::sort(result.begin(), result.end(), [](const TagInfo &a, const TagInfo &b) { return a.name < b.name; });
    return result;
}

std::optional<CommitInfo> GitMirror::lookupLocal(const QString &ref, QString *error, bool *ambiguous)
{
    *ambiguous = false;
    ObjectPtr obj;
    if (ref.startsWith(QLatin1String("refs/"))) {
        // A full name means that ref and nothing else: no DWIM, no sha prefix.
        for (const QString &name : {ref, fetchedRefName(ref)}) {
            ReferencePtr reference;
            if (git_reference_lookup(&reference, d->repo.get(), name.toUtf8().constData()) == 0 &&
                git_reference_peel(&obj, reference.get(), GIT_OBJECT_COMMIT) == 0)
                return commitInfo(reinterpret_cast<git_commit *>(obj.get()));
        }
        return std::nullopt;
    }
    const int rc = git_revparse_single(&obj, d->repo.get(), ref.toUtf8().constData());
    if (rc == GIT_EAMBIGUOUS) {
        *ambiguous = true;
        setError(error,
                 QStringLiteral("'%1' is ambiguous in %2: give more digits of the sha").arg(ref, displayUrl(m_url)));
        return std::nullopt;
    }
    if (rc < 0) {
        // A sha fetched on its own has no branch or tag that leads to it.
        if (isHexSha(ref, GIT_OID_HEXSZ)) {
            ReferencePtr reference;
            if (git_reference_lookup(&reference, d->repo.get(), fetchedRefName(ref).toUtf8().constData()) == 0 &&
                git_reference_peel(&obj, reference.get(), GIT_OBJECT_COMMIT) == 0)
                return commitInfo(reinterpret_cast<git_commit *>(obj.get()));
        }
        return std::nullopt;
    }
    ObjectPtr commit;
    if (git_object_peel(&commit, obj.get(), GIT_OBJECT_COMMIT) < 0) {
        setError(error, QStringLiteral("'%1' in %2 is not a commit").arg(ref, displayUrl(m_url)));
        return std::nullopt;
    }
    return commitInfo(reinterpret_cast<git_commit *>(commit.get()));
}

std::optional<QPair<int, int>> GitMirror::aheadBehind(const QString &commit, const QString &upstream)
{
    if (!open(nullptr))
        return std::nullopt;
    git_oid local;
    git_oid other;
    if (git_oid_fromstr(&local, commit.toLatin1().constData()) < 0 ||
        git_oid_fromstr(&other, upstream.toLatin1().constData()) < 0)
        return std::nullopt;
    git_oid base;
    if (git_merge_base(&base, d->repo.get(), &local, &other) < 0)
        return std::nullopt; // unrelated histories: no distance worth comparing
    size_t ahead = 0;
    size_t behind = 0;
    if (git_graph_ahead_behind(&ahead, &behind, d->repo.get(), &local, &other) < 0)
        return std::nullopt;
    return QPair<int, int>(int(ahead), int(behind));
}

namespace {

// The tree of `commit`; false with *error when the revision is not a commit of the repository.
bool commitTree(git_repository *repo, const QString &url, const QString &commit, git_tree **tree, QString *error)
{
    const QByteArray spec = commit.trimmed().toUtf8();
    ObjectPtr obj;
    if (spec.isEmpty() || git_revparse_single(&obj, repo, spec.constData()) < 0) {
        setError(error, QStringLiteral("cannot resolve '%1' in %2: %3")
                            .arg(commit, url, spec.isEmpty() ? QStringLiteral("empty revision") : lastGitError()));
        return false;
    }
    ObjectPtr peeled;
    if (git_object_peel(&peeled, obj.get(), GIT_OBJECT_COMMIT) < 0) {
        setError(error, QStringLiteral("'%1' in %2 is not a commit: %3").arg(commit, url, lastGitError()));
        return false;
    }
    if (git_commit_tree(tree, reinterpret_cast<git_commit *>(peeled.get())) < 0) {
        setError(error, QStringLiteral("cannot read the tree of %1 in %2: %3").arg(commit, url, lastGitError()));
        return false;
    }
    return true;
}

enum class Lookup
{
    Found,
    Missing,
    Failed
};

// The tree at `folder` below `root`; the caller owns *out.
Lookup subTree(git_repository *repo, git_tree *root, const QString &folder, git_tree **out, QString *error)
{
    const QString f = normalizedTreePath(folder);
    if (f.isEmpty())
        return git_tree_dup(out, root) < 0 ? Lookup::Failed : Lookup::Found;
    TreeEntryPtr entry;
    const int rc = git_tree_entry_bypath(&entry, root, f.toUtf8().constData());
    if (rc == GIT_ENOTFOUND)
        return Lookup::Missing;
    if (rc < 0) {
        setError(error, QStringLiteral("cannot look up %1: %2").arg(folder, lastGitError()));
        return Lookup::Failed;
    }
    if (git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE)
        return Lookup::Missing;
    if (git_tree_lookup(out, repo, git_tree_entry_id(entry.get())) < 0) {
        setError(error, QStringLiteral("cannot read the tree %1: %2").arg(folder, lastGitError()));
        return Lookup::Failed;
    }
    return Lookup::Found;
}

} // namespace

bool GitMirror::hasFolder(const QString &commit, const QString &folder)
{
    if (!open(nullptr))
        return false;
    TreePtr root;
    if (!commitTree(d->repo.get(), displayUrl(m_url), commit, &root, nullptr))
        return false;
    TreePtr tree;
    return subTree(d->repo.get(), root.get(), folder, &tree, nullptr) == Lookup::Found;
}

std::optional<QList<TreeEntry>> GitMirror::listTree(const QString &commit, const QString &folder, QString *error)
{
    setError(error, QString());
    if (!open(error))
        return std::nullopt;
    TreePtr root;
    if (!commitTree(d->repo.get(), displayUrl(m_url), commit, &root, error))
        return std::nullopt;
    TreePtr tree;
    QString subError;
    switch (subTree(d->repo.get(), root.get(), folder, &tree, &subError)) {
    case Lookup::Missing:
        return std::nullopt;
    case Lookup::Failed:
        setError(error, QStringLiteral("%1 at %2 in %3").arg(subError, commit, displayUrl(m_url)));
        return std::nullopt;
    case Lookup::Found:
        break;
    }

    OdbPtr odb;
    if (git_repository_odb(&odb, d->repo.get()) < 0) {
        setError(error, QStringLiteral("cannot open the objects of %1: %2").arg(m_path, lastGitError()));
        return std::nullopt;
    }

    struct Walk
    {
        git_odb *odb;
        QList<TreeEntry> entries;
        QString failure;
    } walk{odb.get(), {}, {}};

    const int rc = git_tree_walk(
        tree.get(), GIT_TREEWALK_PRE,
        [](const char *root, const git_tree_entry *entry, void *payload) -> int {
            auto *w = static_cast<Walk *>(payload);
            TreeEntry e;
            e.path = QString::fromUtf8(root) + QString::fromUtf8(git_tree_entry_name(entry));
            e.mode = quint32(git_tree_entry_filemode_raw(entry));
            const git_object_t type = git_tree_entry_type(entry);
            e.isDir = type == GIT_OBJECT_TREE;
            e.isSymlink = git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK;
            e.isSubmodule = type == GIT_OBJECT_COMMIT;
            if (type == GIT_OBJECT_BLOB) {
                size_t size = 0;
                git_object_t objType = GIT_OBJECT_INVALID;
                if (git_odb_read_header(&size, &objType, w->odb, git_tree_entry_id(entry)) < 0) {
                    w->failure = QStringLiteral("cannot read %1: %2").arg(e.path, lastGitError());
                    return -1;
                }
                e.size = qint64(size);
            }
            w->entries.append(e);
            return 0;
        },
        &walk);
    if (rc < 0) {
        setError(error,
                 QStringLiteral("cannot list %1 at %2 in %3: %4")
                     .arg(folder, commit, displayUrl(m_url), walk.failure.isEmpty() ? lastGitError() : walk.failure));
        return std::nullopt;
    }
    std::sort(walk.entries.begin(), walk.entries.end(),
              [](const TreeEntry &a, const TreeEntry &b) { return a.path < b.path; });
    return walk.entries;
}

std::optional<QByteArray> GitMirror::readFile(const QString &commit, const QString &path, QString *error)
{
    setError(error, QString());
    if (!open(error))
        return std::nullopt;
    TreePtr root;
    if (!commitTree(d->repo.get(), displayUrl(m_url), commit, &root, error))
        return std::nullopt;
    const QString p = normalizedTreePath(path);
    if (p.isEmpty())
        return std::nullopt;
    TreeEntryPtr entry;
    const int rc = git_tree_entry_bypath(&entry, root.get(), p.toUtf8().constData());
    if (rc == GIT_ENOTFOUND)
        return std::nullopt;
    if (rc < 0) {
        setError(
            error,
            QStringLiteral("cannot look up %1 at %2 in %3: %4").arg(path, commit, displayUrl(m_url), lastGitError()));
        return std::nullopt;
    }
    if (git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB)
        return std::nullopt;
    BlobPtr blob;
    if (git_blob_lookup(&blob, d->repo.get(), git_tree_entry_id(entry.get())) < 0) {
        setError(error,
                 QStringLiteral("cannot read %1 at %2 in %3: %4").arg(path, commit, displayUrl(m_url), lastGitError()));
        return std::nullopt;
    }
    const auto size = git_blob_rawsize(blob.get());
    return QByteArray(static_cast<const char *>(git_blob_rawcontent(blob.get())), qsizetype(size));
}

} // namespace mrc
