// SPDX-License-Identifier: Apache-2.0
#include "registry/wwwauthenticate.h"

namespace mrc {

namespace {

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken68Char(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return QByteArrayView("-._~+/").contains(c);
}

class Reader
{
public:
    explicit Reader(QByteArrayView text) : m_text(text) {}

    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek(qsizetype ahead = 0) const { return m_pos + ahead < m_text.size() ? m_text[m_pos + ahead] : '\0'; }
    void skipSpace()
    {
        while (!atEnd() && (peek() == ' ' || peek() == '\t'))
            ++m_pos;
    }
    /** Skips spaces and any number of empty list elements (",  ,"). Returns whether a comma was seen. */
    bool skipCommas()
    {
        bool comma = false;
        skipSpace();
        while (peek() == ',') {
            comma = true;
            ++m_pos;
            skipSpace();
        }
        return comma;
    }
    QByteArray token()
    {
        const qsizetype start = m_pos;
        while (!atEnd() && isTokenChar(peek()))
            ++m_pos;
        return m_text.sliced(start, m_pos - start).toByteArray();
    }
    bool quoted(QByteArray *out, QString *error)
    {
        ++m_pos; // the opening quote
        while (!atEnd()) {
            const char c = m_text[m_pos++];
            if (c == '"')
                return true;
            if (c == '\\') {
                if (atEnd())
                    break;
                out->append(m_text[m_pos++]);
            } else {
                out->append(c);
            }
        }
        *error = QStringLiteral("unterminated quoted string");
        return false;
    }
    qsizetype pos() const { return m_pos; }
    void setPos(qsizetype pos) { m_pos = pos; }

private:
    QByteArrayView m_text;
    qsizetype m_pos = 0;
};

} // namespace

QList<AuthChallenge> WwwAuthenticate::parse(QByteArrayView header, QString *error)
{
    QList<AuthChallenge> challenges;
    QString problem;
    Reader in(header);
    in.skipCommas();
    while (!in.atEnd()) {
        const QByteArray scheme = in.token();
        if (scheme.isEmpty()) {
            problem = QStringLiteral("expected an auth scheme at column %1").arg(in.pos() + 1);
            break;
        }
        AuthChallenge challenge;
        challenge.scheme = QString::fromLatin1(scheme);
        in.skipSpace();
        // token68 (`Negotiate abc==`): 1*(ALPHA / DIGIT / "-._~+/") *"=", then a comma or the end.
        {
            const qsizetype start = in.pos();
            while (!in.atEnd() && isToken68Char(in.peek()))
                in.setPos(in.pos() + 1);
            const qsizetype coreEnd = in.pos();
            while (in.peek() == '=')
                in.setPos(in.pos() + 1);
            const QByteArray candidate = header.sliced(start, in.pos() - start).toByteArray();
            in.skipSpace();
            if (coreEnd > start && (in.atEnd() || in.peek() == ',')) {
                challenge.params.insert(QStringLiteral("token68"), QString::fromLatin1(candidate));
                challenges.append(challenge);
                in.skipCommas();
                continue;
            }
            in.setPos(start);
        }
        // auth-params: name = (token | quoted-string), separated by commas. A bare token after a comma, not
        // followed by `=`, starts the next challenge.
        while (!in.atEnd()) {
            const qsizetype start = in.pos();
            const QByteArray name = in.token();
            in.skipSpace();
            if (name.isEmpty() || in.peek() != '=') {
                in.setPos(start);
                break;
            }
            in.setPos(in.pos() + 1);
            in.skipSpace();
            QByteArray value;
            if (in.peek() == '"') {
                if (!in.quoted(&value, &problem))
                    break;
            } else {
                value = in.token();
                if (value.isEmpty()) {
                    problem = QStringLiteral("the parameter %1 has no value").arg(QString::fromLatin1(name));
                    break;
                }
            }
            challenge.params.insert(QString::fromLatin1(name).toLower(), QString::fromUtf8(value));
            in.skipSpace();
            if (in.atEnd())
                break;
            if (!in.skipCommas()) {
                problem = QStringLiteral("expected a comma at column %1").arg(in.pos() + 1);
                break;
            }
        }
        challenges.append(challenge);
        if (!problem.isEmpty())
            break;
        in.skipCommas();
    }
    if (error)
        *error = problem;
    return challenges;
}

QList<AuthChallenge> WwwAuthenticate::parse(const QList<QByteArray> &headers, QString *error)
{
    QList<AuthChallenge> all;
    for (const QByteArray &header : headers) {
        QString problem;
        all += parse(header, &problem);
        if (!problem.isEmpty() && error && error->isEmpty())
            *error = problem;
    }
    return all;
}

} // namespace mrc
