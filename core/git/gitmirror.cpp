// SPDX-License-Identifier: Apache-2.0
#include "git/gitmirror.h"

#include <QCryptographicHash>
#include <QCoreApplication>
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

namespace {

constexpr const char *kFetchedFile = "mrc-fetched";
constexpr const char *kRemoteName = "origin";

// git_libgit2_init is refcounted; one reference held for the life of the process is enough.
void ensureLibgit2()
{
    static const int initialised = git_libgit2_init();
    Q_UNUSED(initialised);
}

QString lastGitError()
{
    const git_error *e = git_error_last();
    if (!e || !e->message)
        return QStringLiteral("unknown libgit2 error");
    return QString::fromUtf8(e->message).trimmed();
}

// URLs in messages lose their password: they end up in logs and dialogs.
QString displayUrl(const QString &url)
{
    if (!url.contains(QLatin1String("://")))
        return url;
    const QUrl parsed(url);
    return parsed.isValid() && !parsed.password().isEmpty() ? parsed.toDisplayString(QUrl::RemovePassword) : url;
}

void setError(QString *error, const QString &message)
{
    if (error)
        *error = message;
}

// Small RAII holders so that every early return frees its libgit2 objects.
template<typename T, void (*Free)(T *)> struct Holder
{
    T *p = nullptr;
    Holder() = default;
    Holder(const Holder &) = delete;
    Holder &operator=(const Holder &) = delete;
    ~Holder()
    {
        if (p)
            Free(p);
    }
    T **operator&() { return &p; }
    T *get() const { return p; }
};

using ObjectPtr = Holder<git_object, git_object_free>;
using CommitPtr = Holder<git_commit, git_commit_free>;
using TreePtr = Holder<git_tree, git_tree_free>;
using TreeEntryPtr = Holder<git_tree_entry, git_tree_entry_free>;
using BlobPtr = Holder<git_blob, git_blob_free>;
using RemotePtr = Holder<git_remote, git_remote_free>;
using ReferencePtr = Holder<git_reference, git_reference_free>;
using OdbPtr = Holder<git_odb, git_odb_free>;
using RepoPtr = Holder<git_repository, git_repository_free>;

QString oidToString(const git_oid *oid)
{
    char buf[GIT_OID_HEXSZ + 1];
    git_oid_tostr(buf, sizeof buf, oid);
    return QString::fromLatin1(buf);
}

CommitInfo commitInfo(const git_commit *commit)
{
    CommitInfo info;
    info.sha = oidToString(git_commit_id(commit));
    if (const git_signature *author = git_commit_author(commit)) {
        info.author = QString::fromUtf8(author->name);
        info.authorEmail = QString::fromUtf8(author->email);
        info.date = QDateTime::fromSecsSinceEpoch(author->when.time, Qt::OffsetFromUTC, author->when.offset * 60);
    }
    // git_commit_summary is not const-correct in 1.5: it caches the summary inside the commit.
    if (const char *summary = git_commit_summary(const_cast<git_commit *>(commit)))
        info.subject = QString::fromUtf8(summary);
    return info;
}

// Folder paths inside a tree: no leading/trailing slashes, "" or "." mean the root.
QString normalizedTreePath(const QString &path)
{
    QString p = QDir::cleanPath(path.trimmed());
    while (p.startsWith(QLatin1Char('/')))
        p.remove(0, 1);
    while (p.endsWith(QLatin1Char('/')))
        p.chop(1);
    if (p == QLatin1String("."))
        p.clear();
    return p;
}

struct FetchPayload
{
    const GitMirror::ProgressFn *progress = nullptr;
    const std::atomic_bool *cancel = nullptr;

    bool cancelled() const { return cancel && cancel->load(); }
};

int transferProgress(const git_indexer_progress *stats, void *payload)
{
    auto *p = static_cast<FetchPayload *>(payload);
    if (p->progress && *p->progress) {
        FetchProgress fp;
        fp.receivedObjects = stats->received_objects;
        fp.totalObjects = stats->total_objects;
        fp.receivedBytes = stats->received_bytes;
        (*p->progress)(fp);
    }
    // A non-zero return makes libgit2 abort the transfer.
    return p->cancelled() ? -1 : 0;
}

int sidebandProgress(const char *, int, void *payload)
{
    return static_cast<FetchPayload *>(payload)->cancelled() ? -1 : 0;
}

int updateTips(const char *, const git_oid *, const git_oid *, void *payload)
{
    return static_cast<FetchPayload *>(payload)->cancelled() ? -1 : 0;
}

bool writeFetchedStamp(const QString &folder, const QDateTime &when, QString *error)
{
    QSaveFile file(folder + QLatin1Char('/') + QLatin1String(kFetchedFile));
    if (!file.open(QIODevice::WriteOnly)) {
        setError(error, QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString()));
        return false;
    }
    file.write(when.toUTC().toString(Qt::ISODateWithMs).toUtf8() + '\n');
    if (!file.commit()) {
        setError(error, QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString()));
        return false;
    }
    return true;
}

} // namespace

struct GitMirror::Private
{
    RepoPtr repo;

    void close()
    {
        if (repo.p) {
            git_repository_free(repo.p);
            repo.p = nullptr;
        }
    }
};

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

namespace {

// Whether every branch and tag points at an object the mirror has: lost pack files leave refs to nothing, and
// a fetch then finds nothing to do.
bool refsComplete(git_repository *repo, QString *error)
{
    OdbPtr odb;
    git_reference_iterator *iterator = nullptr;
    if (git_repository_odb(&odb, repo) < 0 || git_reference_iterator_new(&iterator, repo) < 0) {
        setError(error, QStringLiteral("cannot read the mirror: %1").arg(lastGitError()));
        return false;
    }
    bool complete = true;
    git_reference *ref = nullptr;
    while (complete && git_reference_next(&ref, iterator) == 0) {
        const git_oid *target = git_reference_target(ref);
        if (target && !git_odb_exists(odb.get(), target)) {
            setError(error, QStringLiteral("%1 points at a missing object").arg(QString::fromUtf8(git_reference_name(ref))));
            complete = false;
        }
        git_reference_free(ref);
    }
    git_reference_iterator_free(iterator);
    return complete;
}

// Creates the remote with mirror refspecs in a freshly initialised bare repository.
bool createOrigin(git_repository *repo, const QString &url, QString *error)
{
    RemotePtr remote;
    const QByteArray u = url.toUtf8();
    if (git_remote_create_with_fetchspec(&remote, repo, kRemoteName, u.constData(), "+refs/heads/*:refs/heads/*") < 0 ||
        git_remote_add_fetch(repo, kRemoteName, "+refs/tags/*:refs/tags/*") < 0) {
        setError(error, QStringLiteral("cannot set up a mirror of %1: %2").arg(displayUrl(url), lastGitError()));
        return false;
    }
    return true;
}

bool fetchInto(git_repository *repo, const QString &url, const GitMirror::ProgressFn &progress,
               const std::atomic_bool *cancel, QString *error)
{
    RemotePtr remote;
    if (git_remote_lookup(&remote, repo, kRemoteName) < 0) {
        setError(error, QStringLiteral("cannot fetch %1: %2").arg(displayUrl(url), lastGitError()));
        return false;
    }

    FetchPayload payload{&progress, cancel};
    git_fetch_options opts = GIT_FETCH_OPTIONS_INIT;
    opts.callbacks.transfer_progress = transferProgress;
    opts.callbacks.sideband_progress = sidebandProgress;
    opts.callbacks.update_tips = updateTips;
    opts.callbacks.payload = &payload;
    opts.prune = GIT_FETCH_PRUNE;
    opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
    opts.proxy_opts.type = GIT_PROXY_AUTO;

    // A cancel that comes after the transfer finished changes nothing: the fetch is complete.
    if (git_remote_fetch(remote.get(), nullptr, &opts, "mrc fetch") == 0)
        return true;
    if (payload.cancelled())
        setError(error, QStringLiteral("fetch cancelled: %1").arg(displayUrl(url)));
    else
        setError(error, QStringLiteral("cannot fetch %1: %2").arg(displayUrl(url), lastGitError()));
    return false;
}

} // namespace

bool GitMirror::fetch(const ProgressFn &progress, const std::atomic_bool *cancel, QString *error)
{
    if (cancel && cancel->load()) {
        setError(error, QStringLiteral("fetch cancelled: %1").arg(displayUrl(m_url)));
        return false;
    }
    if (m_url.isEmpty()) {
        setError(error, QStringLiteral("cannot fetch: empty URL"));
        return false;
    }

    if (exists()) {
        QString problem;
        if (open(&problem) && fetchInto(d->repo.get(), m_url, progress, cancel, &problem)
            && refsComplete(d->repo.get(), &problem))
            return writeFetchedStamp(m_path, QDateTime::currentDateTimeUtc(), error);
        if (cancel && cancel->load()) {
            setError(error, problem);
            return false;
        }
        // A damaged mirror (a broken file, lost objects) is cloned again from the remote. The old one is replaced
        // only once the new one is complete, so an unreachable remote leaves the cache as it was.
        d->close();
        QString cloneError;
        if (!cloneFresh(progress, cancel, &cloneError)) {
            setError(error, QStringLiteral("%1; cloning %2 again failed too: %3").arg(problem, displayUrl(m_url), cloneError));
            return false;
        }
        qInfo("mrc: the mirror %s was damaged (%s) and is cloned again", qPrintable(m_path), qPrintable(problem));
        return open(error);
    }
    if (!cloneFresh(progress, cancel, error))
        return false;
    d->close();
    return open(error);
}

bool GitMirror::cloneFresh(const ProgressFn &progress, const std::atomic_bool *cancel, QString *error)
{
    // A new mirror is built in a temporary sibling folder and renamed into place only after the first fetch
    // succeeded, so a failed or cancelled first fetch leaves nothing behind and readers never see half a mirror.
    const QString root = QFileInfo(m_path).absolutePath();
    if (!QDir().mkpath(root)) {
        setError(error,
                 QStringLiteral("cannot fetch %1: cannot create the cache folder %2").arg(displayUrl(m_url), root));
        return false;
    }
    QTemporaryDir staging(m_path + QStringLiteral(".partial-XXXXXX"));
    if (!staging.isValid()) {
        setError(error, QStringLiteral("cannot fetch %1: cannot create a folder in %2: %3")
                            .arg(displayUrl(m_url), root, staging.errorString()));
        return false;
    }
    {
        RepoPtr repo;
        if (git_repository_init(&repo, QFile::encodeName(staging.path()).constData(), 1) < 0) {
            setError(error, QStringLiteral("cannot create a mirror of %1 in %2: %3")
                                .arg(displayUrl(m_url), staging.path(), lastGitError()));
            return false;
        }
        if (!createOrigin(repo.get(), m_url, error))
            return false;
        if (!fetchInto(repo.get(), m_url, progress, cancel, error))
            return false;
        if (!writeFetchedStamp(staging.path(), QDateTime::currentDateTimeUtc(), error))
            return false;
    }
    QString damaged;
    if (QFileInfo::exists(m_path)) {
        damaged = m_path + QStringLiteral(".damaged-%1").arg(QCoreApplication::applicationPid());
        if (!QDir().rename(m_path, damaged)) {
            setError(error, QStringLiteral("cannot move the damaged mirror %1 aside").arg(m_path));
            return false;
        }
    }
    if (!QDir().rename(staging.path(), m_path)) {
        // Another instance may have finished the same first fetch meanwhile; its mirror is as good as ours.
        if (!exists()) {
            setError(
                error,
                QStringLiteral("cannot fetch %1: cannot move the new mirror to %2").arg(displayUrl(m_url), m_path));
            return false;
        }
    }
    if (!damaged.isEmpty())
        QDir(damaged).removeRecursively();
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

namespace {

constexpr const char *kFetchedPrefix = "refs/mrc/fetched/";

bool isHexSha(const QString &text, int minLength)
{
    static const QRegularExpression hex(QStringLiteral("^[0-9a-fA-F]+$"));
    return text.size() >= minLength && text.size() <= GIT_OID_HEXSZ && hex.match(text).hasMatch();
}

// Rejects what cannot be a revision before it reaches a refspec or the revision parser.
QString refProblem(const QString &ref)
{
    if (ref.isEmpty())
        return QStringLiteral("empty ref");
    if (ref.startsWith(QLatin1Char('-')))
        return QStringLiteral("'%1' is not a ref: it starts with '-'").arg(ref);
    for (const QChar c : ref) {
        if (c.isSpace() || c == QLatin1Char(':') || c.unicode() < 0x20)
            return QStringLiteral("'%1' is not a ref: it contains '%2'").arg(ref, c.isSpace() ? QStringLiteral(" ") : QString(c));
    }
    if (ref.startsWith(QLatin1String("refs/"))) {
        int valid = 0;
        if (git_reference_name_is_valid(&valid, ref.toUtf8().constData()) < 0 || !valid)
            return QStringLiteral("'%1' is not a valid ref name").arg(ref);
    }
    return {};
}

// Fetches exactly `refspec` from origin: no pruning, no tag following, no FETCH_HEAD.
bool fetchRefspec(git_repository *repo, const QString &url, const QByteArray &refspec,
                  const GitMirror::ProgressFn &progress, const std::atomic_bool *cancel, QString *error)
{
    RemotePtr remote;
    if (git_remote_lookup(&remote, repo, kRemoteName) < 0) {
        setError(error, QStringLiteral("cannot fetch %1: %2").arg(displayUrl(url), lastGitError()));
        return false;
    }
    FetchPayload payload{&progress, cancel};
    git_fetch_options opts = GIT_FETCH_OPTIONS_INIT;
    opts.callbacks.transfer_progress = transferProgress;
    opts.callbacks.sideband_progress = sidebandProgress;
    opts.callbacks.update_tips = updateTips;
    opts.callbacks.payload = &payload;
    opts.prune = GIT_FETCH_NO_PRUNE;
    opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
    opts.update_fetchhead = 0;
    opts.proxy_opts.type = GIT_PROXY_AUTO;
    char *specs[] = {const_cast<char *>(refspec.constData())};
    const git_strarray array{specs, 1};
    if (git_remote_fetch(remote.get(), &array, &opts, "mrc fetch ref") == 0)
        return true;
    if (payload.cancelled())
        setError(error, QStringLiteral("fetch cancelled: %1").arg(displayUrl(url)));
    else
        setError(error, QStringLiteral("cannot fetch %1 from %2: %3")
                            .arg(QString::fromUtf8(refspec.mid(1).split(':').first()), displayUrl(url), lastGitError()));
    return false;
}

} // namespace

QString GitMirror::fetchedRefName(const QString &ref)
{
    const QString r = ref.trimmed();
    if (r.startsWith(QLatin1String("refs/")))
        return QLatin1String(kFetchedPrefix) + r.mid(5);
    return QLatin1String(kFetchedPrefix) + QStringLiteral("sha/") + r.toLower();
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
        setError(error, QStringLiteral("'%1' is ambiguous in %2: give more digits of the sha").arg(ref, displayUrl(m_url)));
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

std::optional<CommitInfo> GitMirror::fetchRef(const QString &ref, RefFetch mode, const ProgressFn &progress,
                                              const std::atomic_bool *cancel, QString *error, bool *notFound)
{
    setError(error, QString());
    if (notFound)
        *notFound = false;
    const QString spec = ref.trimmed();
    if (const QString problem = refProblem(spec); !problem.isEmpty()) {
        setError(error, problem);
        return std::nullopt;
    }
    bool fetchedAll = false;
    if (mode == RefFetch::Never) {
        if (!open(error))
            return std::nullopt;
        bool ambiguous = false;
        QString lookupError;
        if (auto found = lookupLocal(spec, &lookupError, &ambiguous))
            return found;
        if (!lookupError.isEmpty()) {
            setError(error, lookupError);
            return std::nullopt;
        }
        if (notFound)
            *notFound = true;
        setError(error, QStringLiteral("%1 not found at %2 when last fetched").arg(spec, displayUrl(m_url)));
        return std::nullopt;
    }
    if (!exists()) {
        if (!fetch(progress, cancel, error))
            return std::nullopt;
        fetchedAll = true;
    }
    if (!open(error))
        return std::nullopt;

    bool ambiguous = false;
    QString lookupError;
    if (mode == RefFetch::IfMissing || fetchedAll) {
        if (auto found = lookupLocal(spec, &lookupError, &ambiguous))
            return found;
        if (!lookupError.isEmpty()) {
            setError(error, lookupError);
            return std::nullopt;
        }
    }

    const bool fullName = spec.startsWith(QLatin1String("refs/"));
    const bool mirrored = spec.startsWith(QLatin1String("refs/heads/")) || spec.startsWith(QLatin1String("refs/tags/"));
    QString detail;
    if (fullName && !mirrored) {
        const QByteArray refspec = "+" + spec.toUtf8() + ":" + fetchedRefName(spec).toUtf8();
        if (!fetchRefspec(d->repo.get(), m_url, refspec, progress, cancel, error))
            return std::nullopt;
    } else {
        // Names and shas: the mirror's branches and tags may just be behind.
        if (!fetchedAll && !fetch(progress, cancel, error))
            return std::nullopt;
        if (!open(error))
            return std::nullopt;
        if (auto found = lookupLocal(spec, &lookupError, &ambiguous))
            return found;
        if (!lookupError.isEmpty()) {
            setError(error, lookupError);
            return std::nullopt;
        }
        // A full sha no branch or tag reaches: some servers hand out such commits when asked by id.
        if (isHexSha(spec, GIT_OID_HEXSZ)) {
            const QByteArray refspec = "+" + spec.toLower().toUtf8() + ":" + fetchedRefName(spec).toUtf8();
            QString ignored;
            if (!fetchRefspec(d->repo.get(), m_url, refspec, progress, cancel, &ignored) && cancel && cancel->load()) {
                setError(error, ignored);
                return std::nullopt;
            }
        }
    }
    if (auto found = lookupLocal(spec, &lookupError, &ambiguous))
        return found;
    if (!lookupError.isEmpty()) {
        setError(error, lookupError);
        return std::nullopt;
    }
    if (notFound)
        *notFound = true;
    setError(error, QStringLiteral("%1 not found at %2").arg(spec, displayUrl(m_url)));
    return std::nullopt;
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
