// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>

namespace mrc {

/** One challenge of a WWW-Authenticate header: `Bearer realm="...",service="...",scope="..."`. */
struct AuthChallenge
{
    QString scheme;                // as sent ("Bearer", "Basic")
    QMap<QString, QString> params; // names in lower case, values unquoted

    bool isBearer() const { return scheme.compare(QLatin1String("bearer"), Qt::CaseInsensitive) == 0; }
    bool isBasic() const { return scheme.compare(QLatin1String("basic"), Qt::CaseInsensitive) == 0; }
    QString param(const QString &name) const { return params.value(name.toLower()); }
    bool operator==(const AuthChallenge &other) const = default;
};

/**
 * Parses WWW-Authenticate headers (RFC 7235): several challenges in one header, separated by commas, with
 * auth-params whose values are tokens or quoted strings (which may hold commas, `=` and backslash escapes).
 * A token68 credential (`Negotiate abc==`) is kept under the param name "token68".
 */
class WwwAuthenticate
{
public:
    /** The challenges of one header value; on malformed input, those before the error and @p error set. */
    static QList<AuthChallenge> parse(QByteArrayView header, QString *error = nullptr);
    /** The challenges of all the header values, in order. */
    static QList<AuthChallenge> parse(const QList<QByteArray> &headers, QString *error = nullptr);
};

} // namespace mrc
