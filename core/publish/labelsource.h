// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "manifest/manifest.h"
#include "publish/labeldiff.h"
#include "secrets/registrycredential.h"
#include "workspace/cell.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace mrc {

/**
 * Where a set of image labels comes from, as written on the command line and in the Labels page:
 *   engine:IMAGE                            a local image on the engine (name:tag or id)
 *   registry:HOST/REPO:TAG                  a registry image by tag
 *   registry:HOST/REPO@sha256:DIGEST        ... or by manifest digest
 *   cell:COMPONENT@BRANCH[@DOCKER]          what a build of the cell would carry, from git and the manifest
 *   history:ID                              the image of a build job in the history
 */
struct LabelRef
{
    enum class Kind
    {
        Engine,
        Registry,
        Cell,
        History
    };

    Kind kind = Kind::Engine;
    QString image;      // engine
    QString registry;   // registry: host[:port]
    QString repository; // registry: monasca/api
    QString reference;  // registry: tag or sha256:… digest
    QString component;  // cell
    QString branch;     // cell (may contain '/')
    QString docker;     // cell, optional: the branch's newest Docker version when empty
    qint64 historyId = 0;

    /** The reference, or nothing with @p error saying what is wrong and what a valid one looks like. */
    static std::optional<LabelRef> parse(const QString &text, QString *error);
    QString toString() const;
    static QString kindName(Kind kind); // engine, registry, cell, history
    /** The text after "kind:" in toString(). */
    QString value() const;
};

/** The labels read from one source, or why they could not be read. */
struct LabelRead
{
    enum class Failure
    {
        None,
        NotFound,
        Unreachable,
        Authentication,
        BadInput,
        Other
    };

    LabelRef ref;
    Failure failure = Failure::None;
    QString error;
    Labels labels;
    /** What was actually read: "engine image sha256:1a2b… (monasca/api:master)", "reconstructed from …". */
    QString description;
    /** The image id (engine, history) or manifest digest (registry), when known. */
    QString imageId;
    /**
     * What the image should have been built from, when the source knows it (cell and history): the policy checks
     * compare the other side's labels with these.
     */
    QString commit;
    QString baseCommit;
    /** For registry sources whose reference is a release tag (manifest's pattern): the version it must carry. */
    QString releaseTag;

    bool ok() const { return failure == Failure::None; }
};

/**
 * Reads labels from the four kinds of source. Blocking (local event loops): for the CLI and worker threads; it
 * creates its engine and registry clients on the calling thread.
 */
class LabelSource
{
public:
    struct Context
    {
        Manifest manifest; // engines, components, registry namespace, tag pattern
        bool manifestLoaded = false;
        QList<Cell> cells;   // the resolved matrix; empty: cell sources scan the manifest (from the cache)
        QString cacheRoot;   // git mirrors; empty: the default
        QString historyPath; // empty: History::defaultPath()
        QStringList insecureRegistries;
        int timeoutMs = 15000;
        /**
         * When set, registry sources use these credentials (by normalised host; anonymous when absent) instead of
         * reading the keychain: the GUI reads the keychain on its own thread, since QtKeychain's jobs cannot run
         * on a worker thread.
         */
        bool credentialsGiven = false;
        QHash<QString, RegistryCredential> credentials;
    };

    static LabelRead read(const LabelRef &ref, const Context &context);

    /**
     * The release policy checks (LabelDiff::check) of the side that is an image, judged by the side that knows
     * the commit it should be built from (a cell or a history job; the left one when both do), and the release
     * tag a registry side is published under. Empty when there is nothing to judge by.
     */
    static QList<LabelCheck> checks(const LabelRead &left, const LabelRead &right);

    /**
     * How far a published image lags behind its cell: "registry master was built from abc1234, the branch is now
     * at def5678, 3 commits ahead". Empty when @p image was built from the cell's commit or says nothing. Reads the
     * component's git mirror (blocking).
     */
    static QString drift(const LabelRead &cell, const LabelRead &image, const Context &context);

private:
    static LabelRead readEngine(const LabelRef &ref, const Context &context);
    static LabelRead readRegistry(const LabelRef &ref, const Context &context);
    static LabelRead readCell(const LabelRef &ref, const Context &context);
    static LabelRead readHistory(const LabelRef &ref, const Context &context);
};

} // namespace mrc
