// SPDX-License-Identifier: Apache-2.0
#include "registry/registrymanifest.h"

#include "registry/contentdigest.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace mrc {

namespace {

Descriptor descriptor(const QJsonObject &object)
{
    Descriptor d;
    d.mediaType = object.value(QStringLiteral("mediaType")).toString();
    d.digest = object.value(QStringLiteral("digest")).toString();
    d.size = object.value(QStringLiteral("size")).toInteger(-1);
    const QJsonObject platform = object.value(QStringLiteral("platform")).toObject();
    d.os = platform.value(QStringLiteral("os")).toString();
    d.architecture = platform.value(QStringLiteral("architecture")).toString();
    d.variant = platform.value(QStringLiteral("variant")).toString();
    return d;
}

} // namespace

QString Descriptor::platform() const
{
    QString text = os + QLatin1Char('/') + architecture;
    if (!variant.isEmpty())
        text += QLatin1Char('/') + variant;
    return text;
}

const Descriptor *RegistryManifest::find(const QString &os, const QString &architecture) const
{
    for (const Descriptor &entry : manifests) {
        if (entry.os == os && entry.architecture == architecture)
            return &entry;
    }
    return nullptr;
}

QByteArray RegistryManifest::acceptHeader()
{
    return QByteArray(MediaType::DockerManifest) + ", " + MediaType::DockerManifestList + ", " +
           MediaType::OciManifest + ", " + MediaType::OciIndex;
}

QString RegistryManifest::digestOf(const QByteArray &raw)
{
    return QStringLiteral("sha256:") +
           QString::fromLatin1(QCryptographicHash::hash(raw, QCryptographicHash::Sha256).toHex());
}

QString RegistryManifest::kindName(Kind kind)
{
    switch (kind) {
    case DockerImage:
        return QStringLiteral("Docker image manifest (schema 2)");
    case OciImage:
        return QStringLiteral("OCI image manifest");
    case DockerList:
        return QStringLiteral("Docker manifest list");
    case OciIndex:
        return QStringLiteral("OCI image index");
    case Unknown:
        break;
    }
    return QStringLiteral("unknown manifest");
}

RegistryManifest RegistryManifest::parse(const QByteArray &raw, const QString &contentType, QString *error)
{
    RegistryManifest manifest;
    manifest.raw = raw;
    manifest.digest = digestOf(raw);
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(raw, &parseError);
    if (!document.isObject()) {
        *error = QStringLiteral("the manifest is not a JSON object (%1)").arg(parseError.errorString());
        return manifest;
    }
    const QJsonObject object = document.object();
    QString type = object.value(QStringLiteral("mediaType")).toString();
    if (type.isEmpty())
        type = contentType.section(QLatin1Char(';'), 0, 0).trimmed();
    // OCI allows leaving mediaType out, and some registries answer application/json.
    if (type.isEmpty() || type == QLatin1String("application/json")) {
        if (object.contains(QStringLiteral("manifests")))
            type = QLatin1String(MediaType::OciIndex);
        else if (object.contains(QStringLiteral("config")))
            type = QLatin1String(MediaType::OciManifest);
    }
    manifest.mediaType = type;
    if (type == QLatin1String(MediaType::DockerManifest))
        manifest.kind = DockerImage;
    else if (type == QLatin1String(MediaType::OciManifest))
        manifest.kind = OciImage;
    else if (type == QLatin1String(MediaType::DockerManifestList))
        manifest.kind = DockerList;
    else if (type == QLatin1String(MediaType::OciIndex))
        manifest.kind = OciIndex;
    else if (object.value(QStringLiteral("schemaVersion")).toInt() == 1) {
        *error = QStringLiteral("the manifest is Docker schema 1, which this console does not read: push the "
                                "image again with a current Docker");
        return manifest;
    } else {
        *error = QStringLiteral("unknown manifest media type \"%1\"").arg(type);
        return manifest;
    }
    if (manifest.isImage()) {
        manifest.config = descriptor(object.value(QStringLiteral("config")).toObject());
        const QJsonArray layers = object.value(QStringLiteral("layers")).toArray();
        for (const QJsonValue &layer : layers)
            manifest.layers.append(descriptor(layer.toObject()));
        if (manifest.config.digest.isEmpty()) {
            *error = QStringLiteral("the image manifest has no config descriptor");
            manifest.kind = Unknown;
            return manifest;
        }
    } else {
        const QJsonArray entries = object.value(QStringLiteral("manifests")).toArray();
        for (const QJsonValue &entry : entries)
            manifest.manifests.append(descriptor(entry.toObject()));
    }
    // Digests go into URLs and name what is trusted: each one must be a digest, not a path.
    auto refuse = [&](const QString &what, const QString &digest, const QString &why) {
        *error = QStringLiteral("the %1 digest \"%2\" is not a valid digest: %3").arg(what, digest.left(100), why);
        manifest.kind = Unknown;
    };
    QString why;
    if (manifest.isImage()) {
        if (!ContentDigest::isValid(manifest.config.digest, &why)) {
            refuse(QStringLiteral("config"), manifest.config.digest, why);
            return manifest;
        }
        for (const Descriptor &layer : std::as_const(manifest.layers)) {
            if (!ContentDigest::isValid(layer.digest, &why)) {
                refuse(QStringLiteral("layer"), layer.digest, why);
                return manifest;
            }
        }
    }
    for (const Descriptor &entry : std::as_const(manifest.manifests)) {
        if (!ContentDigest::isValid(entry.digest, &why)) {
            refuse(QStringLiteral("%1 entry").arg(entry.platform()), entry.digest, why);
            return manifest;
        }
    }
    return manifest;
}

} // namespace mrc
