// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace mrc {

namespace MediaType {
inline constexpr const char DockerManifest[] = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr const char DockerManifestList[] = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr const char OciManifest[] = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char OciIndex[] = "application/vnd.oci.image.index.v1+json";
inline constexpr const char DockerConfig[] = "application/vnd.docker.container.image.v1+json";
inline constexpr const char OciConfig[] = "application/vnd.oci.image.config.v1+json";
} // namespace MediaType

/** A content descriptor: a blob or a manifest, by digest. */
struct Descriptor
{
    QString mediaType;
    QString digest;
    qint64 size = -1;
    // In a manifest list / OCI index only.
    QString os;
    QString architecture;
    QString variant;

    QString platform() const;
};

/**
 * A parsed image manifest (Docker v2 schema 2 or OCI) or manifest list / OCI index, with its raw bytes.
 * The digest is that of the raw bytes, which is what the registry addresses.
 */
struct RegistryManifest
{
    enum Kind
    {
        Unknown,
        DockerImage,
        OciImage,
        DockerList,
        OciIndex
    };

    Kind kind = Unknown;
    QString mediaType;
    QString digest;
    QByteArray raw;
    Descriptor config;           // image manifests
    QList<Descriptor> layers;    // image manifests
    QList<Descriptor> manifests; // lists and indexes

    bool isList() const { return kind == DockerList || kind == OciIndex; }
    bool isImage() const { return kind == DockerImage || kind == OciImage; }
    /** The entry for os/architecture in a list; nullptr when none (attestation entries never match). */
    const Descriptor *find(const QString &os, const QString &architecture) const;

    /** The Accept header value: all four kinds this client reads. */
    static QByteArray acceptHeader();
    /** "sha256:" + hex of the bytes. */
    static QString digestOf(const QByteArray &raw);
    /**
     * Parses @p raw; @p contentType is the response's Content-Type, used when the body has no mediaType.
     * On failure kind is Unknown and @p error says why (schema 1 and unknown types are refused).
     */
    static RegistryManifest parse(const QByteArray &raw, const QString &contentType, QString *error);
    static QString kindName(Kind kind);
};

} // namespace mrc
