// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QString>

namespace mrc {

/**
 * Content digests as the OCI image specification defines them: `algorithm ":" encoded`, where the algorithm is
 * lower-case components ([a-z0-9]+) joined by [+._-] and the encoded part is [a-zA-Z0-9=_-]+. The console reads
 * and verifies sha256 (64 lower-case hex digits) and sha512 (128); any other algorithm is refused, so that no
 * digest from a registry goes into a URL or is trusted without being checked.
 */
class ContentDigest
{
public:
    /** True for a well-formed sha256 or sha512 digest; otherwise false with *why saying what is wrong. */
    static bool isValid(const QString &digest, QString *why = nullptr);
    /** True when @p bytes hash to @p digest (which must be valid). */
    static bool matches(const QByteArray &bytes, const QString &digest);
    /** A tag as the distribution spec allows it: [A-Za-z0-9_][A-Za-z0-9._-]{0,127}. */
    static bool isTag(const QString &reference);
    /** A manifest reference: a tag or a valid digest; otherwise false with *why. */
    static bool isReference(const QString &reference, QString *why = nullptr);
};

} // namespace mrc
