// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>
#include <memory>

struct git_repository;
struct git_oid;

namespace mrc {

/**
 * Writes a bare git repository from file trees held in memory: blobs, nested trees, commits, annotated tags and
 * references, with libgit2 (no checkout, no git program). The demo workspace and tests make their repositories
 * with it. Objects are named by their 40-digit hex ids. Keeps libgit2 initialised while it lives.
 */
class RepoWriter
{
public:
    struct File
    {
        QByteArray data;
        bool executable = false;
    };
    /** Paths relative to the repository root ("docker/Dockerfile") to their contents. */
    using FileTree = QMap<QString, File>;

    RepoWriter();
    ~RepoWriter();
    RepoWriter(const RepoWriter &) = delete;
    RepoWriter &operator=(const RepoWriter &) = delete;

    /** Creates the bare repository at @p path (and its parents) with HEAD on @p initialHead. */
    bool init(const QString &path, const QString &initialHead, const QByteArray &description, QString *error);
    /** Closes the repository; the writer can init another. */
    void close();
    bool isOpen() const { return m_git != nullptr; }
    QString path() const { return m_path; }

    /** The author and committer of what follows; "Demo Release Manager <release@example.org>" by default. */
    void setAuthor(const QByteArray &name, const QByteArray &email);

    /** Commits @p files on @p parents (hex ids) at @p when (seconds since the epoch, UTC); @p id gets its id. */
    bool commit(QString *id, const FileTree &files, const QStringList &parents, qint64 when, const QString &message,
                QString *error);
    /** An annotated tag @p name on the commit @p target. */
    bool tag(const QString &name, const QString &target, qint64 when, const QString &message, QString *error);
    /** refs/heads/@p name at @p target. */
    bool branch(const QString &name, const QString &target, QString *error);
    /** Any reference (refs/changes/66/900066/1), created or moved to @p target. */
    bool reference(const QString &name, const QString &target, QString *error);

private:
    bool writeBlob(git_oid *oid, const QByteArray &data, QString *error);
    bool writeTree(git_oid *oid, const FileTree &tree, QString *error);
    QString failure(const QString &what) const;

    struct RepoDeleter
    {
        void operator()(git_repository *repo) const;
    };
    std::unique_ptr<git_repository, RepoDeleter> m_git;
    QString m_path;
    QByteArray m_authorName = "Demo Release Manager";
    QByteArray m_authorEmail = "release@example.org";
};

} // namespace mrc
