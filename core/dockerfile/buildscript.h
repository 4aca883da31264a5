// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace mrc {

/**
 * What a component's own `build_image.sh` (or monasca-common's `build_base_image.sh`) does, read from the script's
 * text: which --build-arg it passes, how it greps each default from the Dockerfile, how it derives GITHUB_REPO and
 * the constraints file of a stable branch. The script is never run: these are the few statement shapes the
 * upstream scripts use, recognised one by one. A repository without a script gets the shape of today's upstream
 * master script.
 */
struct BuildScript
{
    enum class Kind
    {
        Image,
        Base
    };
    /** How a stable branch's constraints file is found: the URL's "master" replaced by the branch, or the URL
     *  fetched with "?h=BRANCH" (the old cgit scripts), or left alone. */
    enum class StableConstraints
    {
        ReplaceMaster,
        BranchQuery,
        None
    };

    Kind kind = Kind::Image;
    QString path;                              // where the script was read from; empty: the built-in shape
    QList<QPair<QString, QString>> buildArgs;  // --build-arg NAME="$VARIABLE", in the script's order
    QHash<QString, QString> grepPatterns;      // VARIABLE -> the text grepped for in the Dockerfile
    QList<QPair<QString, QString>> githubSeds; // GITHUB_REPO: sed 's/FROM/TO/' applied to APP_REPO, in order
    QString constraintsDefault;                // CONSTRAINTS_FILE when the Dockerfile names none
    QString commonRepoDefault;                 // COMMON_REPO when the Dockerfile names none
    StableConstraints stableConstraints = StableConstraints::ReplaceMaster;
    bool stripStablePrefix = false; // CONSTRAINTS_BRANCH_CLEAN is the branch without "stable/"

    /** The shape of today's upstream master scripts. */
    static BuildScript upstream(Kind kind);
    /**
     * The --build-arg names an image gets when its repository has no build script of its own (@p withBase: a child
     * of the base component): those of upstream(), the same table BuildPlan's resolveBuildArgs() uses, so lint
     * (MRC114) and the build cannot disagree.
     */
    static QStringList argumentNames(bool withBase);
    /** Reads a script's text; false with *error (naming `path`) when it passes no build argument mrc can read. */
    static bool parse(const QByteArray &text, Kind kind, const QString &path, BuildScript *out, QString *error);

    /** `grep PATTERN Dockerfile | cut -f2 -d"="` as the shell computes it, trailing newlines removed. */
    static QString grepCut(const QByteArray &dockerfile, const QString &pattern);
    /** The text grepped for VARIABLE: the script's own, else VARIABLE itself. */
    QString grepPattern(const QString &variable) const;
    /** `echo "$APP_REPO" | sed ... | sed ...` */
    QString githubRepo(const QString &appRepo) const;

    /** Whether `repoVersion` takes the stable path of the script (`case "$REPO_VERSION" in *stable*)`). */
    static bool isStable(const QString &repoVersion);
    /** `${UPPER_COMMON##*===}` of the `grep 'monasca-common'` lines of a constraints file; false when no line
     *  names monasca-common (the script stops there). */
    static bool commonPin(const QByteArray &constraints, QString *version);
    /**
     * The branch of the requirements repository that a constraints URL serves, as the servers answer: opendev's
     * .../raw/branch/BRANCH/upper-constraints.txt, cgit's .../plain/upper-constraints.txt?h=BRANCH (master
     * without ?h=), releases.openstack.org's /constraints/upper/SERIES (stable/SERIES, or master). Empty when the
     * URL is none of these.
     */
    static QString requirementsBranch(const QString &url);
    /** The file every requirements branch keeps its pins in. */
    static QString constraintsPath() { return QStringLiteral("upper-constraints.txt"); }
};

} // namespace mrc
