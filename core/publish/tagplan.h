// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "manifest/manifest.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace mrc {

/** The five tag kinds of the release spec (the branch kind covers master and the stable series). */
enum class TagKind
{
    Sha,
    Release,
    Branch,
    Latest
};

enum class TagAction
{
    Create,    // the registry has no such tag
    Move,      // a mutable tag names another image now
    Unchanged, // the tag already names this image, or it must not move (with the reason)
    Refused,   // an immutable tag names another image: it is left alone, and the push fails
};

/** What a registry holds under one tag: the manifest digest and the image (config) digest it names. */
struct RemoteTag
{
    QString digest;       // sha256:… of the manifest, from HEAD
    QString configDigest; // sha256:… of the image config = the engine's image id
    bool exists() const { return !digest.isEmpty(); }
};

/** One image that may be published, with everything the plan needs to know about git and the registry. */
struct PublishCell
{
    QString component;
    QString branch;
    QString commit;
    QString repository;               // host/namespace/image without a tag: "127.0.0.1:5000/monasca/api"
    QString imageId;                  // the local image: its config digest, what every tag should name
    QStringList tagsAtCommit;         // git tags that point at the commit
    QStringList componentTags;        // every git tag of the component's repository
    QHash<QString, RemoteTag> remote; // the registry's tags, at least those this plan names
    /** Set for a release built from its tag after its branch moved on: that release tag, never a branch tag. */
    QString release;
    /** Set for a Gerrit change's column: its change-NUMBER-PATCHSET tag, the only tag it gets (a mutable one). */
    QString change;
};

struct PlannedTag
{
    QString tag;
    TagKind kind = TagKind::Sha;
    RemoteTag current;    // at the registry now (empty when absent)
    QString targetImage;  // the image id the tag will name afterwards
    QString targetDigest; // the manifest digest it will name, when already known (a copy of an existing tag)
    QString copyFrom;     // a tag that will hold the image first: its manifest is copied, no blob moves
    TagAction action = TagAction::Unchanged;
    QString reason;

    bool changes() const { return action == TagAction::Create || action == TagAction::Move; }
    /** The image itself goes up (engine push) for this tag; every other change is a manifest copy. */
    bool transfers() const { return changes() && copyFrom.isEmpty(); }
};

struct CellTagPlan
{
    PublishCell cell;
    QList<PlannedTag> tags; // the order the push follows: sha, release, branch, latest
    bool refused() const;
    int changes() const;
};

namespace TagPlan {
/** master → master, stable/2023.2 → 2023.2: the last path part, cleaned to a valid Docker tag. */
QString branchTag(const QString &branch);
/** change-NUMBER-PATCHSET for refs/changes/NN/NUMBER/PATCHSET; empty for any other ref. */
QString changeTag(const QString &ref);
/** sha-<7 hex digits>. */
QString shaTag(const QString &commit);
/** Whether @p tag is a release tag under @p spec's pattern. */
bool isReleaseTag(const TagsSpec &spec, const QString &tag);
/** The tags @p spec asks for on @p cell, each with what the push will do and why. */
CellTagPlan plan(const TagsSpec &spec, const PublishCell &cell);

QString kindName(TagKind kind);
QString actionName(TagAction action);
} // namespace TagPlan

} // namespace mrc
