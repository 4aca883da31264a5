// SPDX-License-Identifier: Apache-2.0
#include "history/automationevent.h"

#include <QRegularExpression>

namespace mrc {

namespace {

const QRegularExpression &changeRef()
{
    static const QRegularExpression re(QStringLiteral("^refs/changes/[0-9]{2}/([0-9]+)/([0-9]+)$"));
    return re;
}

} // namespace

bool AutomationEvent::isChangeRef(const QString &ref)
{
    return changeRef().match(ref).hasMatch();
}

int AutomationEvent::changeNumber() const
{
    const QRegularExpressionMatch m = changeRef().match(ref);
    return m.hasMatch() ? m.captured(1).toInt() : 0;
}

int AutomationEvent::patchset() const
{
    const QRegularExpressionMatch m = changeRef().match(ref);
    return m.hasMatch() ? m.captured(2).toInt() : 0;
}

QString AutomationEvent::name() const
{
    switch (kind) {
    case AutomationEventKind::Commit:
        return ref.startsWith(QLatin1String("refs/heads/")) ? ref.mid(11) : branch;
    case AutomationEventKind::Tag:
        return ref.startsWith(QLatin1String("refs/tags/")) ? ref.mid(10) : ref;
    case AutomationEventKind::Change:
        return changeNumber() > 0 ? QStringLiteral("%1/%2").arg(changeNumber()).arg(patchset()) : ref;
    }
    return ref;
}

QString AutomationEvent::lane() const
{
    switch (kind) {
    case AutomationEventKind::Commit: {
        QStringList sorted = components;
        sorted.sort();
        return QStringLiteral("commit:%1:%2").arg(branch, sorted.join(QLatin1Char(',')));
    }
    case AutomationEventKind::Tag:
        return QStringLiteral("tag:%1:%2").arg(repo, name());
    case AutomationEventKind::Change:
        return QStringLiteral("change:%1:%2").arg(repo).arg(changeNumber());
    }
    return {};
}

} // namespace mrc
