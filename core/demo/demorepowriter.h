// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "demo/demodata.h"
#include "git/repowriter.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace mrc::demo {

/**
 * Writes one demo repository: its history of three branches with release tags, and Monasca-style docker/ folders
 * (from the program's resources) whose images build offline on a busybox base. The git side is RepoWriter's.
 */
class DemoRepoWriter
{
public:
    DemoRepoWriter(const DemoRepo &repo, int index, const QByteArray &busybox, qint64 now);

    bool write(const QString &path, QString *error);

private:
    /** What a commit's tree looks like; each commit of the history moves one of these on. */
    struct TreeState
    {
        Line line = Line::Unmaintained;
        QString branch = QStringLiteral("master"); // the branch the Dockerfile defaults name
        int requirementsLevel = 0;
        bool docker = false;
    };

    /** Reads this repository's docker/ files and adds each context's start.sh and health_check.py. */
    bool loadDockerResources(QString *error);
    RepoWriter::FileTree files(const TreeState &state) const;
    /**
     * A change proposed to master that breaks the base image: its new step needs python3, which the busybox base
     * lacks. It is only on a Gerrit change ref, not on a branch, so the matrix stays green until someone adds it
     * with Build Ref… to see a failed build.
     */
    bool writeBrokenChange(const QString &master, const TreeState &state, QString *error);
    /** A change proposed to master that only documents the image (docker/README.rst): it builds and passes. */
    bool writeReviewChange(const QString &master, const TreeState &state, QString *error);
    bool commit(QString *oid, const TreeState &state, const QStringList &parents, int daysAgo, const QString &subject,
                const QString &body, QString *error);
    bool commitTree(QString *oid, const RepoWriter::FileTree &files, const QString &branchName,
                    const QStringList &parents, int daysAgo, const QString &subject, const QString &body,
                    QString *error);
    bool tag(const QString &name, const QString &target, int daysAgo, QString *error);
    bool branch(const QString &name, const QString &target, QString *error);
    bool reference(const QString &name, const QString &target, QString *error);
    /** The deterministic time of a commit or tag @p daysAgo days before the demo's creation. */
    qint64 when(int daysAgo) const;

    const DemoRepo &m_repo;
    int m_index;
    QByteArray m_busybox;
    qint64 m_now;
    RepoWriter::FileTree m_docker;
    RepoWriter m_writer;
};

} // namespace mrc::demo
