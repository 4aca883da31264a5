// SPDX-License-Identifier: Apache-2.0
// WWW-Authenticate parsing on any bytes, as one header and as several (split at newlines).
#include "registry/wwwauthenticate.h"

#include <QList>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray header(reinterpret_cast<const char *>(data), qsizetype(size));
    QString error;
    const QList<mrc::AuthChallenge> challenges = mrc::WwwAuthenticate::parse(QByteArrayView(header), &error);
    for (const mrc::AuthChallenge &challenge : challenges) {
        if (challenge.scheme.isEmpty())
            std::abort();
        for (auto it = challenge.params.cbegin(); it != challenge.params.cend(); ++it) {
            if (it.key() != it.key().toLower())
                std::abort();
        }
        challenge.param(QStringLiteral("realm"));
    }
    QString splitError;
    mrc::WwwAuthenticate::parse(header.split('\n'), &splitError);
    return 0;
}
