// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QString>

namespace mrc {

/**
 * Desktop notifications through org.freedesktop.Notifications on the session bus. The call is asynchronous (never
 * blocks the GUI thread); without a session bus, or without a notification service on it, nothing happens.
 */
class DesktopNotifier : public QObject
{
    Q_OBJECT
public:
    explicit DesktopNotifier(QObject *parent = nullptr);

    /** Sends one notification; false when there is no session bus to send it on. */
    bool notify(const QString &summary, const QString &body);

Q_SIGNALS:
    /** The service answered with the notification's id; 0 and @p error when it did not. */
    void answered(uint id, const QString &error);
};

} // namespace mrc
