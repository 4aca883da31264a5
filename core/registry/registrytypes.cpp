// SPDX-License-Identifier: Apache-2.0
#include "registry/registrytypes.h"

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
