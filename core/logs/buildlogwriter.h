// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "engine/buildmessage.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

namespace mrc {

class BuildLog;

/**
 * Turns the engine's BuildMessages into log lines and appends them to a BuildLog, one write per batch.
 *
 * - stream text is split on '\n'; a line without its end is kept until the rest arrives (or finish());
 * - a status becomes "<id>: <status>", written only when the status of that id changes, so that the
 *   hundreds of "Downloading" progress updates make one line;
 * - an error becomes "ERROR: <message>" (LogLine::errorPrefix()), one line per line of the message;
 * - an aux object with an "ID" becomes "Built image <ID>".
 */
class BuildLogWriter
{
public:
    explicit BuildLogWriter(BuildLog *log);

    /** Converts and appends; false on a write error (BuildLog::errorString()). */
    bool write(const QList<BuildMessage> &messages);
    /** The end of the stream: writes a pending partial line. */
    bool finish();

    /** The complete lines (UTF-8, '\n'-terminated) that the last write() or finish() appended. */
    const QByteArray &lastLines() const { return m_out; }
    /** The image id from the aux message, empty until the engine sends it. */
    QString imageId() const { return m_imageId; }
    /** The last error message the engine sent. */
    QString errorMessage() const { return m_error; }

private:
    void addStream(const QString &text);
    void endPartialLine();
    void addLine(QByteArrayView prefix, const QString &text);
    static void appendUtf8(QByteArray &out, QStringView text);

    BuildLog *m_log;
    QByteArray m_partial;
    QByteArray m_out;
    QHash<QString, QString> m_status; // last status by layer id
    QString m_imageId;
    QString m_error;
};

} // namespace mrc
