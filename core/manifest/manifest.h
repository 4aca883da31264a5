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

/**
 * The optional `tags:` section: which of the five tag kinds a push creates. A release tag is each git tag
 * that is a release version and points at the built commit; `latest` follows the highest release; the branch
 * tag is the branch's series name (master, stable/2023.2 → 2023.2); `sha-<7>` names every commit.
 */
struct TagsSpec
{
    bool release = true;
    bool latest = true;
    bool branch = true;
    bool sha = true;
    /** A git tag counts as a release when it matches this pattern (a semantic-style version by default). */
    QString releasePattern = QStringLiteral("^v?[0-9]+(\\.[0-9]+)*((a|b|rc)[0-9]+)?$");
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
    TagsSpec tags;

    const ComponentSpec *component(const QString &name) const;
    const BranchSpec *branch(const QString &name) const;
    /** The (branch, docker version) pairs in the order the matrix shows them. */
    QList<QPair<QString, QString>> columns() const;
};

} // namespace mrc
