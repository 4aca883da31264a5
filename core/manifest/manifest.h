// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace mrc {

/** A 1-based line and column in the manifest file; 0 means "not from the file" (a default). */
struct SourcePos
{
    int line = 0;
    int column = 0;
};

struct TlsSpec
{
    QString ca;
    QString cert;
    QString key;
    bool isEmpty() const { return ca.isEmpty() && cert.isEmpty() && key.isEmpty(); }
};

struct RegistrySpec
{
    QString host = QStringLiteral("docker.io");
    QString ns = QStringLiteral("monasca");
};

struct EngineSpec
{
    QString name;
    QString host; // unix:///path, tcp://host:port or ssh://user@host
    TlsSpec tls;
    SourcePos pos;
};

struct BranchSpec
{
    QString name;
    QStringList docker; // Docker engine versions ("28.2", "27.5", ...), newest first
    SourcePos pos;
    /**
     * Set on a ref column, a pseudo-branch added at run time (`mrc build --ref`, Build Ref…), never read from a
     * file: a tag, a sha or a ref such as refs/changes/51/558751/1, fetched on demand. Its name is the ref too.
     */
    QString ref;
    /** For a ref column: the manifest branch it is based on, whose base images it builds FROM when its own
     *  base component lacks the ref. */
    QString basedOn;

    bool isRef() const { return !ref.isEmpty(); }
};

struct ComponentSpec
{
    QString name;
    QString image;   // monasca/api
    QString repo;    // git URL
    QString context; // folder inside the repo, "docker" or "docker/collector"
    QString base;    // name of the component this image is built FROM, or empty
    SourcePos pos;
};

/** The optional `lint:` section: whether lint errors block builds, and per-rule severity overrides. */
struct LintSpec
{
    bool gate = true;
    QHash<QString, QString> severity; // rule id -> "error", "warning", "info" or "off"
};

struct Manifest
{
    int version = 1;
    QString path; // the file it came from, or ":/mrc/default-release.yaml"
    RegistrySpec registry;
    QList<EngineSpec> engines;
    QList<BranchSpec> branches;
    QList<ComponentSpec> components;
    LintSpec lint;

    const ComponentSpec *component(const QString &name) const;
    const BranchSpec *branch(const QString &name) const;
    /** The (branch, docker version) pairs in the order the matrix shows them. */
    QList<QPair<QString, QString>> columns() const;
};

} // namespace mrc
