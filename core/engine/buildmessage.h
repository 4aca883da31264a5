// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QJsonObject>
#include <QMetaType>
#include <QString>

namespace mrc {

/**
 * One JSON object of the stream that POST /build answers (the classic builder):
 *   {"stream":"Step 1/5 : FROM x\n"}                     -> Stream, text
 *   {"status":"Pushing","id":"abc","progress":"[=> ]",
 *    "progressDetail":{"current":1,"total":9}}            -> Status, text/id/progress/current/total
 *   {"errorDetail":{"code":1,"message":"..."},"error":"..."} -> Error, text/errorCode
 *   {"aux":{"ID":"sha256:..."}}                           -> Aux, aux (and id when the object has one)
 */
struct BuildMessage
{
    enum Kind
    {
        Stream,
        Status,
        Error,
        Aux
    };
    Kind kind = Stream;
    QString text;       // stream text, status, or error message
    QString id;         // layer id of a status, or the "id" key of an aux object
    QString progress;   // the progress bar of a status
    qint64 current = 0; // progressDetail of a status: bytes done and total (0 when not given)
    qint64 total = 0;
    QJsonObject aux; // e.g. {"ID":"sha256:..."}
    int errorCode = 0;

    bool operator==(const BuildMessage &other) const = default;
};

} // namespace mrc

Q_DECLARE_METATYPE(mrc::BuildMessage)
