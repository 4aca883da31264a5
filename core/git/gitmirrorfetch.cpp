// SPDX-License-Identifier: Apache-2.0
// GitMirror's fetching half: the first clone, later fetches, and fetching a single ref (a tag, a Gerrit change).
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

namespace {

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
            setError(error,
                     QStringLiteral("%1 points at a missing object").arg(QString::fromUtf8(git_reference_name(ref))));
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
        if (open(&problem) && fetchInto(d->repo.get(), m_url, progress, cancel, &problem) &&
            refsComplete(d->repo.get(), &problem))
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
            setError(error,
                     QStringLiteral("%1; cloning %2 again failed too: %3").arg(problem, displayUrl(m_url), cloneError));
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

namespace {

// Rejects what cannot be a revision before it reaches a refspec or the revision parser.
QString refProblem(const QString &ref)
{
    if (ref.isEmpty())
        return QStringLiteral("empty ref");
    if (ref.startsWith(QLatin1Char('-')))
        return QStringLiteral("'%1' is not a ref: it starts with '-'").arg(ref);
    for (const QChar c : ref) {
        if (c.isSpace() || c == QLatin1Char(':') || c.unicode() < 0x20)
            return QStringLiteral("'%1' is not a ref: it contains '%2'")
                .arg(ref, c.isSpace() ? QStringLiteral(" ") : QString(c));
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
        setError(error,
                 QStringLiteral("cannot fetch %1 from %2: %3")
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

} // namespace mrc
