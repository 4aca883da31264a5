// SPDX-License-Identifier: Apache-2.0
// RegistryManifest::parse on any bytes, with a Content-Type picked by the first byte. What it accepts carries
// only digests that may go into a URL, and a list entry found by platform is one of its entries.
#include "registry/contentdigest.h"
#include "registry/registrymanifest.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const char *const types[] = {
        "",
        "application/json",
        mrc::MediaType::DockerManifest,
        mrc::MediaType::DockerManifestList,
        mrc::MediaType::OciManifest,
        mrc::MediaType::OciIndex,
        "application/vnd.oci.image.index.v1+json; charset=utf-8",
        "text/html",
    };
    const QString contentType = QString::fromLatin1(types[data[0] % std::size(types)]);
    const QByteArray raw(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    QString error;
    const mrc::RegistryManifest manifest = mrc::RegistryManifest::parse(raw, contentType, &error);
    if (manifest.raw != raw || manifest.digest != mrc::RegistryManifest::digestOf(raw))
        std::abort();
    if (manifest.kind == mrc::RegistryManifest::Unknown) {
        if (error.isEmpty())
            std::abort();
        return 0;
    }
    if (!mrc::ContentDigest::isValid(manifest.digest))
        std::abort();
    if (manifest.isImage()) {
        if (!mrc::ContentDigest::isValid(manifest.config.digest))
            std::abort();
        for (const mrc::Descriptor &layer : manifest.layers) {
            if (!mrc::ContentDigest::isValid(layer.digest))
                std::abort();
        }
    }
    for (const mrc::Descriptor &entry : manifest.manifests) {
        if (!mrc::ContentDigest::isValid(entry.digest))
            std::abort();
        entry.platform();
    }
    const mrc::Descriptor *chosen = manifest.find(QStringLiteral("linux"), QStringLiteral("amd64"));
    if (chosen && (chosen < manifest.manifests.constData() ||
                   chosen >= manifest.manifests.constData() + manifest.manifests.size()))
        std::abort();
    return 0;
}
