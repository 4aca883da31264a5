// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the two halves of GitMirror share (gitmirror.cpp reads, gitmirrorfetch.cpp fetches): libgit2 helpers and
// the private part. Included by those two files only.

#include "git/gitmirror.h"

#include <QDir>
#include <QRegularExpression>
#include <QUrl>
#include <git2.h>

namespace mrc {

namespace gitmirror {

inline constexpr const char *kFetchedFile = "mrc-fetched";
inline constexpr const char *kRemoteName = "origin";

// git_libgit2_init is refcounted; one reference held for the life of the process is enough.
inline void ensureLibgit2()
{
    static const int initialised = git_libgit2_init();
    Q_UNUSED(initialised);
}

inline QString lastGitError()
{
    const git_error *e = git_error_last();
    if (!e || !e->message)
        return QStringLiteral("unknown libgit2 error");
    return QString::fromUtf8(e->message).trimmed();
}

// URLs in messages lose their password: they end up in logs and dialogs.
inline QString displayUrl(const QString &url)
{
    if (!url.contains(QLatin1String("://")))
        return url;
    const QUrl parsed(url);
    return parsed.isValid() && !parsed.password().isEmpty() ? parsed.toDisplayString(QUrl::RemovePassword) : url;
}

inline void setError(QString *error, const QString &message)
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

inline QString oidToString(const git_oid *oid)
{
    char buf[GIT_OID_HEXSZ + 1];
    git_oid_tostr(buf, sizeof buf, oid);
    return QString::fromLatin1(buf);
}

inline CommitInfo commitInfo(const git_commit *commit)
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
inline QString normalizedTreePath(const QString &path)
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

inline constexpr const char *kFetchedPrefix = "refs/mrc/fetched/";

inline bool isHexSha(const QString &text, int minLength)
{
    static const QRegularExpression hex(QStringLiteral("^[0-9a-fA-F]+$"));
    return text.size() >= minLength && text.size() <= GIT_OID_HEXSZ && hex.match(text).hasMatch();
}

} // namespace gitmirror

using namespace gitmirror;

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

} // namespace mrc
