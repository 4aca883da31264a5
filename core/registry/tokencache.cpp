// SPDX-License-Identifier: Apache-2.0
#include "registry/tokencache.h"

#include <algorithm>

namespace mrc {

QString TokenCache::key(const QString &realm, const QString &service, const QString &scope)
{
    return realm + QLatin1Char('\n') + service + QLatin1Char('\n') + scope;
}

QString TokenCache::token(const QString &key, const QDateTime &now) const
{
    const auto it = m_entries.constFind(key);
    if (it == m_entries.constEnd() || now >= it->renewAt)
        return {};
    return it->token;
}

void TokenCache::insert(const QString &key, const QString &token, const QDateTime &issuedAt, int expiresIn,
                        int minimumLifetime, const QDateTime &now)
{
    const int lifetime = std::max(expiresIn > 0 ? expiresIn : 60, minimumLifetime);
    QDateTime base = issuedAt;
    if (!base.isValid() || qAbs(base.secsTo(now)) > 300)
        base = now;
    const qint64 earlyMs = std::min<qint64>(10000, qint64(lifetime) * 100);
    m_entries.insert(key, Entry{token, base.addMSecs(qint64(lifetime) * 1000 - earlyMs)});
}

} // namespace mrc
