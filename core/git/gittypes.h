// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>

namespace mrc {

struct CommitInfo
{
    QString sha;
    QString author;
    QString authorEmail;
    QDateTime date; // author date
    QString subject;

    bool isValid() const { return !sha.isEmpty(); }
    QString shortSha() const { return sha.left(7); }
};

struct TagInfo
{
    QString name;
    QString commit; // peeled to the commit
};

/** A ref as a remote or the mirror lists it; an annotated tag's sha is the commit it points at. */
struct RefInfo
{
    QString name; // refs/heads/master, refs/tags/12.1.0, refs/changes/34/1234/2
    QString sha;
};

struct TreeEntry
{
    QString path; // relative to the folder that was listed
    bool isDir = false;
    bool isSymlink = false;
    bool isSubmodule = false; // a gitlink: a commit of another repository, whose files are not here
    qint64 size = 0;
    quint32 mode = 0;
};

struct FetchProgress
{
    unsigned receivedObjects = 0;
    unsigned totalObjects = 0;
    quint64 receivedBytes = 0;
};

} // namespace mrc

Q_DECLARE_METATYPE(mrc::CommitInfo)
Q_DECLARE_METATYPE(mrc::FetchProgress)
