// SPDX-License-Identifier: Apache-2.0
#include "registry/contentdigest.h"

#include <QCryptographicHash>

namespace mrc {

namespace {

bool isLowerHex(QStringView text)
{
    for (QChar c : text) {
        if (!((c >= QLatin1Char('0') && c <= QLatin1Char('9')) || (c >= QLatin1Char('a') && c <= QLatin1Char('f'))))
            return false;
    }
    return true;
}

bool isAlgorithm(QStringView text)
{
    // algorithm-component (algorithm-separator algorithm-component)*
    bool needComponent = true;
    for (QChar c : text) {
        const bool component =
            (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('0') && c <= QLatin1Char('9'));
        if (component) {
            needComponent = false;
        } else if (QStringView(u"+._-").contains(c) && !needComponent) {
            needComponent = true;
        } else {
            return false;
        }
    }
    return !needComponent;
}

bool isEncoded(QStringView text)
{
    if (text.isEmpty())
        return false;
    for (QChar c : text) {
        const bool ok = (c >= QLatin1Char('a') && c <= QLatin1Char('z')) ||
                        (c >= QLatin1Char('A') && c <= QLatin1Char('Z')) ||
                        (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('=') ||
                        c == QLatin1Char('_') || c == QLatin1Char('-');
        if (!ok)
            return false;
    }
    return true;
}

bool fail(QString *why, const QString &message)
{
    if (why)
        *why = message;
    return false;
}

} // namespace

bool ContentDigest::isValid(const QString &digest, QString *why)
{
    const qsizetype colon = digest.indexOf(QLatin1Char(':'));
    if (colon < 0)
        return fail(why, QStringLiteral("no algorithm (expected sha256:<64 hex digits>)"));
    const QStringView algorithm = QStringView(digest).left(colon);
    const QStringView encoded = QStringView(digest).mid(colon + 1);
    if (!isAlgorithm(algorithm) || !isEncoded(encoded))
        return fail(why, QStringLiteral("not of the form algorithm:hex"));
    if (algorithm == u"sha256") {
        if (encoded.size() != 64 || !isLowerHex(encoded))
            return fail(why, QStringLiteral("a sha256 digest has 64 lower-case hex digits"));
        return true;
    }
    if (algorithm == u"sha512") {
        if (encoded.size() != 128 || !isLowerHex(encoded))
            return fail(why, QStringLiteral("a sha512 digest has 128 lower-case hex digits"));
        return true;
    }
    return fail(why, QStringLiteral("the algorithm %1 is not supported (sha256, sha512)").arg(algorithm));
}

bool ContentDigest::matches(const QByteArray &bytes, const QString &digest)
{
    if (!isValid(digest))
        return false;
    const bool sha512 = digest.startsWith(QLatin1String("sha512:"));
    const QByteArray hash =
        QCryptographicHash::hash(bytes, sha512 ? QCryptographicHash::Sha512 : QCryptographicHash::Sha256).toHex();
    return QStringView(digest).mid(digest.indexOf(QLatin1Char(':')) + 1) == QLatin1String(hash);
}

bool ContentDigest::isTag(const QString &reference)
{
    if (reference.isEmpty() || reference.size() > 128)
        return false;
    for (qsizetype i = 0; i < reference.size(); ++i) {
        const QChar c = reference[i];
        const bool word = (c >= QLatin1Char('a') && c <= QLatin1Char('z')) ||
                          (c >= QLatin1Char('A') && c <= QLatin1Char('Z')) ||
                          (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('_');
        if (!word && (i == 0 || (c != QLatin1Char('.') && c != QLatin1Char('-'))))
            return false;
    }
    return true;
}

bool ContentDigest::isReference(const QString &reference, QString *why)
{
    if (reference.contains(QLatin1Char(':'))) {
        QString reason;
        if (isValid(reference, &reason))
            return true;
        return fail(why, QStringLiteral("\"%1\" is not a valid digest: %2").arg(reference.left(100), reason));
    }
    if (isTag(reference))
        return true;
    return fail(why, QStringLiteral("\"%1\" is neither a tag ([A-Za-z0-9_][A-Za-z0-9._-]{0,127}) nor a digest")
                         .arg(reference.left(100)));
}

} // namespace mrc
