// SPDX-License-Identifier: Apache-2.0
#include "registry/registrytypes.h"

#include <QLocale>
#include <algorithm>

namespace mrc {

namespace {

// "100;w=21600" -> 100 and 21600; a missing or bad value stays -1.
void parseLimit(const QByteArray &header, int *value, int *window)
{
    const QList<QByteArray> parts = header.trimmed().split(';');
    bool ok = false;
    const int number = parts.value(0).trimmed().toInt(&ok);
    if (ok)
        *value = number;
    for (qsizetype i = 1; i < parts.size(); ++i) {
        const QByteArray part = parts.at(i).trimmed();
        if (part.startsWith("w=")) {
            const int seconds = part.mid(2).toInt(&ok);
            if (ok)
                *window = seconds;
        }
    }
}

} // namespace

RateLimit RateLimit::fromHeaders(const QByteArray &limitHeader, const QByteArray &remainingHeader)
{
    RateLimit rate;
    int window = -1;
    parseLimit(limitHeader, &rate.limit, &window);
    parseLimit(remainingHeader, &rate.remaining, &window);
    rate.windowSeconds = window;
    if (rate.limit < 0)
        rate.remaining = -1;
    return rate;
}

QString RateLimit::quotaText(const QString &host) const
{
    QString window;
    if (windowSeconds > 0)
        window = windowSeconds % 3600 == 0 ? QStringLiteral(" per %1 h").arg(windowSeconds / 3600)
                                           : QStringLiteral(" per %1 s").arg(windowSeconds);
    return QStringLiteral("%1 pulls left of %2%3 on %4").arg(std::max(remaining, 0)).arg(limit).arg(window, host);
}

qint64 retryAfterMs(const QByteArray &value, const QDateTime &now)
{
    const QByteArray text = value.trimmed();
    if (text.isEmpty())
        return -1;
    bool ok = false;
    const qint64 seconds = text.toLongLong(&ok);
    if (ok)
        return seconds < 0 ? -1 : seconds * 1000;
    // IMF-fixdate, the form RFC 9110 says senders use.
    QDateTime when =
        QLocale::c().toDateTime(QString::fromLatin1(text), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (!when.isValid())
        return -1;
    when.setTimeSpec(Qt::UTC);
    return std::max<qint64>(0, now.msecsTo(when));
}

QString RateLimit::text() const
{
    if (!isValid())
        return {};
    QString text = remaining >= 0 ? QStringLiteral("%1 of %2 pulls left").arg(remaining).arg(limit)
                                  : QStringLiteral("limit of %1 pulls").arg(limit);
    if (windowSeconds > 0) {
        if (windowSeconds % 3600 == 0)
            text += QStringLiteral(" in %1 h").arg(windowSeconds / 3600);
        else
            text += QStringLiteral(" in %1 s").arg(windowSeconds);
    }
    return text;
}

} // namespace mrc
