// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDateTime>
#include <QHash>
#include <QString>

namespace mrc {

/**
 * Bearer tokens by (realm, service, scope). A token is fresh until issued_at + expires_in, renewed a little
 * early (a tenth of its life, at most 10 s). Tokens live in memory only.
 */
class TokenCache
{
public:
    static QString key(const QString &realm, const QString &service, const QString &scope);

    /** The token when it is still fresh at @p now, else empty. */
    QString token(const QString &key, const QDateTime &now) const;
    /**
     * @p expiresIn <= 0 means the specification's default of 60 s; @p minimumLifetime raises short ones.
     * @p issuedAt is trusted unless invalid or more than 5 minutes from @p now (a skewed clock).
     */
    void insert(const QString &key, const QString &token, const QDateTime &issuedAt, int expiresIn, int minimumLifetime,
                const QDateTime &now);
    void remove(const QString &key) { m_entries.remove(key); }
    void clear() { m_entries.clear(); }
    QDateTime renewAt(const QString &key) const { return m_entries.value(key).renewAt; }
    int size() const { return int(m_entries.size()); }

private:
    struct Entry
    {
        QString token;
        QDateTime renewAt;
    };
    QHash<QString, Entry> m_entries;
};

} // namespace mrc
