// SPDX-License-Identifier: Apache-2.0
#include "demo/demoworkspace.h"

#include "demo/demodata.h"
#include "demo/demomanifest.h"
#include "demo/demorepowriter.h"
#include "demo/demorequirements.h"
#include "engine/engineprobe.h"
#include "manifest/manifest.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <git2.h>

// Q_INIT_RESOURCE must be used outside a namespace; it also makes sure the linker keeps the
// resources when mrc_core is linked statically.
static void initDemoResources()
{
    Q_INIT_RESOURCE(mrc_resources);
}

namespace mrc {

using namespace demo;

namespace {

/** Keeps libgit2 initialised for the scope (the calls are reference counted). */
struct Libgit2Scope
{
    Libgit2Scope() { git_libgit2_init(); }
    ~Libgit2Scope() { git_libgit2_shutdown(); }
    Libgit2Scope(const Libgit2Scope &) = delete;
    Libgit2Scope &operator=(const Libgit2Scope &) = delete;
};

bool readBusybox(QByteArray *data, QString *error)
{
    const QString path = DemoWorkspace::busyboxPath();
    const QString install = QStringLiteral("install the busybox-static package (apt-get install busybox-static)");
    QFile file(path);
    if (!file.exists()) {
        *error = QStringLiteral("%1 is missing: %2").arg(path, install);
        return false;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    *data = file.readAll();
    // The image is FROM scratch: a dynamically linked busybox (package "busybox") would not run there.
    if (!data->startsWith("\x7f"
                          "ELF") ||
        data->left(4096).contains("ld-linux")) {
        *error = QStringLiteral("%1 is not a static binary: %2").arg(path, install);
        return false;
    }
    return true;
}

bool writeFile(const QString &path, const QByteArray &data, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(data) != data.size() || !file.flush()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

/** A sibling path that does not exist yet, for moving a folder aside. */
QString freeSibling(const QString &target, const QString &tag)
{
    for (;;) {
        const QString candidate = QStringLiteral("%1.%2-%3")
                                      .arg(target, tag)
                                      .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
        if (!QFileInfo::exists(candidate))
            return candidate;
    }
}

} // namespace

QStringList DemoWorkspace::repositories()
{
    QStringList names;
    for (const DemoRepo &repo : Repos)
        names << QString::fromLatin1(repo.name);
    return names;
}

namespace {
bool createDemo(const QString &dir, bool force, const QString &dockerVersion, const QList<EngineSpec> &engines,
                const DemoColumns *columns, QString *error);
} // namespace

bool DemoWorkspace::create(const QString &dir, bool force, const QString &dockerVersion, QString *error)
{
    return createDemo(dir, force, dockerVersion, {EngineProbe::localEngine()}, nullptr, error);
}

bool DemoWorkspace::create(const QString &dir, bool force, const QList<Engine> &engines, QString *error)
{
    QList<EngineSpec> specs;
    for (const Engine &engine : engines)
        specs << engine.spec;
    if (specs.isEmpty())
        specs << EngineProbe::localEngine();
    const DemoColumns columns = DemoManifest::columnsFor(engines);
    return createDemo(dir, force, columns.master.first(), specs, &columns, error);
}

namespace {

/** Replaces @p target (moved aside first when it has files) by the finished @p staging folder. */
bool moveIntoPlace(QTemporaryDir &staging, const QString &target, bool exists, bool empty, QString *error)
{
    QString aside;
    if (exists) {
        if (empty) {
            if (!QDir().rmdir(target)) {
                *error = QStringLiteral("cannot replace the empty folder %1").arg(target);
                return false;
            }
        } else {
            aside = freeSibling(target, QStringLiteral("old"));
            if (!QDir().rename(target, aside)) {
                *error = QStringLiteral("cannot move %1 aside to replace it").arg(target);
                return false;
            }
        }
    }
    if (!QDir().rename(staging.path(), target)) {
        if (!aside.isEmpty())
            QDir().rename(aside, target);
        else if (exists)
            QDir().mkpath(target);
        *error = QStringLiteral("cannot move the new demo into %1").arg(target);
        return false;
    }
    staging.setAutoRemove(false);
    if (!aside.isEmpty())
        QDir(aside).removeRecursively();
    return true;
}

bool createDemo(const QString &dir, bool force, const QString &dockerVersion, const QList<EngineSpec> &engines,
                const DemoColumns *columns, QString *error)
{
    QString ignored;
    if (!error)
        error = &ignored;
    if (dir.trimmed().isEmpty()) {
        *error = QStringLiteral("no folder given for the demo workspace");
        return false;
    }
    const QString target = QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
    const QFileInfo info(target);
    const bool exists = info.exists() || info.isSymLink();
    if (exists && !info.isDir()) {
        *error = QStringLiteral("%1 exists and is not a folder").arg(target);
        return false;
    }
    const bool empty =
        !exists || QDir(target).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
    if (!empty && !force) {
        *error = QStringLiteral("%1 is not empty; use --force to replace it").arg(target);
        return false;
    }

    QString newest = QStringLiteral("28.2");
    if (!dockerVersion.trimmed().isEmpty()) {
        newest = DemoManifest::majorMinor(dockerVersion);
        if (newest.isEmpty()) {
            *error = QStringLiteral("Docker version \"%1\" is not MAJOR.MINOR (e.g. 28.2)").arg(dockerVersion);
            return false;
        }
    }

    QByteArray busybox;
    if (!readBusybox(&busybox, error))
        return false;

    initDemoResources();
    const QString parent = info.absolutePath();
    if (!QDir().mkpath(parent)) {
        *error = QStringLiteral("cannot create folder %1").arg(parent);
        return false;
    }
    // Build next to the target so that the final move is a rename on the same file system.
    QTemporaryDir staging(QStringLiteral("%1/.%2.new-XXXXXX").arg(parent, info.fileName()));
    if (!staging.isValid()) {
        *error = QStringLiteral("cannot create a temporary folder in %1: %2").arg(parent, staging.errorString());
        return false;
    }

    {
        Libgit2Scope libgit2;
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        int index = 0;
        for (const DemoRepo &repo : Repos) {
            DemoRepoWriter writer(repo, index++, busybox, now);
            if (!writer.write(QStringLiteral("%1/repos/%2.git").arg(staging.path(), QLatin1String(repo.name)), error))
                return false;
        }
        if (!DemoRequirements::write(QStringLiteral("%1/repos/requirements.git").arg(staging.path()), now, error))
            return false;
    }
    if (!writeFile(staging.filePath(QStringLiteral("release.yaml")),
                   DemoManifest::releaseYaml(target, engines, columns ? *columns : DemoManifest::columnsFor(newest)),
                   error))
        return false;

    return moveIntoPlace(staging, target, exists, empty, error);
}

} // namespace

} // namespace mrc