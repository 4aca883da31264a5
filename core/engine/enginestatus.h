// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QMetaType>
#include <QString>

namespace mrc {

/** The result of probing one engine: GET /version on its API. */
struct EngineStatus
{
    QString name;
    QString host;
    bool reachable = false;
    QString version;    // "28.2.2"
    QString apiVersion; // "1.47"
    QString error;      // why it is not reachable

    /** "28.2" from "28.2.2": a matrix column is served by engines that match at major.minor. */
    QString majorMinor() const;
};

} // namespace mrc

Q_DECLARE_METATYPE(mrc::EngineStatus)
