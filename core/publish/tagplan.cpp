// SPDX-License-Identifier: Apache-2.0
#include "publish/tagplan.h"

#include "publish/releaseversion.h"

#include <QRegularExpression>
#include <algorithm>

namespace mrc {

namespace {

QString shortDigest(const QString &digest)
{
    const int colon = digest.indexOf(QLatin1Char(':'));
    return digest.mid(colon + 1, 12);
}

QStringList releaseTags(const TagsSpec &spec, const QStringList &tags)
{
    QStringList out;
    for (const QString &tag : tags) {
        if (TagPlan::isReleaseTag(spec, tag))
            out << tag;
    }
    return out;
}

} // namespace

bool CellTagPlan::refused() const
{
    return std::any_of(tags.cbegin(), tags.cend(), [](const PlannedTag &t) { return t.action == TagAction::Refused; });
}

int CellTagPlan::changes() const
{
    return int(std::count_if(tags.cbegin(), tags.cend(), [](const PlannedTag &t) { return t.changes(); }));
}

QString TagPlan::branchTag(const QString &branch)
{
    QString tag = branch.section(QLatin1Char('/'), -1);
    static const QRegularExpression invalid(QStringLiteral("[^A-Za-z0-9_.-]"));
    tag.replace(invalid, QStringLiteral("-"));
    while (tag.startsWith(QLatin1Char('.')) || tag.startsWith(QLatin1Char('-')))
        tag.remove(0, 1);
    return tag.left(128);
}

QString TagPlan::changeTag(const QString &ref)
{
    static const QRegularExpression change(QStringLiteral("^refs/changes/\\d+/(\\d+)/(\\d+)$"));
    const QRegularExpressionMatch m = change.match(ref.trimmed());
    return m.hasMatch() ? QStringLiteral("change-%1-%2").arg(m.captured(1), m.captured(2)) : QString();
}

QString TagPlan::shaTag(const QString &commit)
{
    return QStringLiteral("sha-") + commit.left(7);
}

bool TagPlan::isReleaseTag(const TagsSpec &spec, const QString &tag)
{
    const QRegularExpression pattern(spec.releasePattern);
    return pattern.isValid() && pattern.match(tag).hasMatch() && ReleaseVersion::parse(tag).has_value();
}

CellTagPlan TagPlan::plan(const TagsSpec &spec, const PublishCell &cell)
{
    CellTagPlan result;
    result.cell = cell;

    // A tag at the registry that already names the image: every change can copy its manifest.
    QString holder;
    for (auto it = cell.remote.cbegin(); it != cell.remote.cend(); ++it) {
        if (it->exists() && !cell.imageId.isEmpty() && it->configDigest == cell.imageId &&
            (holder.isEmpty() || it.key() < holder))
            holder = it.key();
    }

    const auto add = [&](const QString &tag, TagKind kind, bool immutable) -> PlannedTag & {
        PlannedTag t;
        t.tag = tag;
        t.kind = kind;
        t.current = cell.remote.value(tag);
        t.targetImage = cell.imageId;
        if (!t.current.exists()) {
            t.action = TagAction::Create;
        } else if (t.current.configDigest == cell.imageId) {
            t.action = TagAction::Unchanged;
            t.reason = QStringLiteral("already names this image");
            t.targetDigest = t.current.digest;
        } else if (immutable) {
            t.action = TagAction::Refused;
            t.reason = QStringLiteral("exists as %1 (another image, %2); %3 tags never move")
                           .arg(shortDigest(t.current.digest), shortDigest(t.current.configDigest),
                                kind == TagKind::Release ? QStringLiteral("release") : QStringLiteral("sha"));
        } else {
            t.action = TagAction::Move;
        }
        result.tags << t;
        return result.tags.last();
    };

    if (!cell.change.isEmpty()) {
        // A change's image is for review only: one tag, which a rebuild of the patchset may move.
        add(cell.change, TagKind::Branch, false);
    } else if (spec.sha && !cell.commit.isEmpty()) {
        PlannedTag &sha = add(shaTag(cell.commit), TagKind::Sha, true);
        if (sha.action == TagAction::Refused) {
            // The same commit went up before as another image: built before it was tagged (the watcher pushes
            // every commit), or rebuilt on a newer base (a monasca-common commit rebuilds every child), or built
            // again later (the build date is a label). The sha tag keeps the first image; the release or branch
            // tag takes the new one.
            sha.action = TagAction::Unchanged;
            sha.targetImage = sha.current.configDigest;
            sha.reason = QStringLiteral("stays with the commit's earlier image %1 (sha tags never move); %2")
                             .arg(shortDigest(sha.current.configDigest),
                                  cell.release.isEmpty() ? QStringLiteral("the branch tag takes this one")
                                                         : QStringLiteral("the release has its own tag"));
        }
    }

    QStringList releasesHere = cell.change.isEmpty() ? releaseTags(spec, cell.tagsAtCommit) : QStringList();
    if (!cell.release.isEmpty() && !releasesHere.contains(cell.release) && isReleaseTag(spec, cell.release))
        releasesHere << cell.release;
    std::sort(releasesHere.begin(), releasesHere.end(),
              [](const QString &a, const QString &b) { return *ReleaseVersion::parse(a) < *ReleaseVersion::parse(b); });
    QStringList refusedReleases;
    if (spec.release) {
        for (const QString &tag : releasesHere) {
            if (add(tag, TagKind::Release, true).action == TagAction::Refused)
                refusedReleases << tag;
        }
    }

    if (spec.branch && !cell.branch.isEmpty() && cell.release.isEmpty() && cell.change.isEmpty())
        add(branchTag(cell.branch), TagKind::Branch, false);

    if (spec.latest) {
        QStringList finals;
        for (const QString &tag : releasesHere) {
            if (ReleaseVersion::parse(tag)->isFinal())
                finals << tag;
        }
        const std::optional<ReleaseVersion> here = ReleaseVersion::highestFinal(finals);
        const std::optional<ReleaseVersion> highest =
            ReleaseVersion::highestFinal(releaseTags(spec, cell.componentTags + finals));
        if (here) {
            PlannedTag &latest = add(QStringLiteral("latest"), TagKind::Latest, false);
            if (highest && *here < *highest) {
                latest.action = TagAction::Unchanged;
                latest.targetImage = latest.current.configDigest;
                latest.reason =
                    QStringLiteral("stays with %1, the highest release; %2 is older").arg(highest->tag(), here->tag());
            } else if (latest.changes() && refusedReleases.contains(here->tag())) {
                latest.action = TagAction::Refused;
                latest.reason =
                    QStringLiteral("release %1 is refused, so latest cannot name this image").arg(here->tag());
            }
        }
    }

    // The first change pushes the image (unless the registry has it already); the rest copy that manifest.
    for (PlannedTag &t : result.tags) {
        if (!t.changes())
            continue;
        if (!holder.isEmpty()) {
            t.copyFrom = holder;
            t.targetDigest = cell.remote.value(holder).digest;
        } else {
            holder = t.tag;
        }
        if (t.reason.isEmpty()) {
            t.reason = t.copyFrom.isEmpty() ? QStringLiteral("push the image")
                                            : QStringLiteral("copy the manifest of %1, no upload").arg(t.copyFrom);
        }
    }
    return result;
}

QString TagPlan::kindName(TagKind kind)
{
    switch (kind) {
    case TagKind::Sha:
        return QStringLiteral("sha");
    case TagKind::Release:
        return QStringLiteral("release");
    case TagKind::Branch:
        return QStringLiteral("branch");
    case TagKind::Latest:
        return QStringLiteral("latest");
    }
    return {};
}

QString TagPlan::actionName(TagAction action)
{
    switch (action) {
    case TagAction::Create:
        return QStringLiteral("create");
    case TagAction::Move:
        return QStringLiteral("move");
    case TagAction::Unchanged:
        return QStringLiteral("unchanged");
    case TagAction::Refused:
        return QStringLiteral("refused");
    }
    return {};
}

} // namespace mrc
