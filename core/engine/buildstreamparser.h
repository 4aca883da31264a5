// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "engine/buildmessage.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace mrc {

/**
 * Splits the body of POST /build (concatenated or newline-separated JSON objects) into BuildMessages,
 * whatever the chunk boundaries, including UTF-8 sequences split across chunks.
 *
 * A hand-written scanner finds each object's end (tracking strings, escapes and depth) and decodes only the
 * known keys; QJsonDocument is used only for the rare "aux" and "errorDetail" values. Bytes that are not a
 * JSON object, and objects that do not parse, become an Error message with errorCode -1 naming the byte offset;
 * the scanner then resynchronises at the next '{'. Objects without a known key are skipped.
 */
class BuildStreamParser
{
public:
    QList<BuildMessage> feed(QByteArrayView bytes);
    /** Appends to @p out instead of returning a new list (saves an allocation per chunk). */
    void feed(QByteArrayView bytes, QList<BuildMessage> &out);

    /**
     * The end of the stream. Returns what is still pending; when the stream stopped inside an object,
     * sets @p truncationError (if given) to a message naming the offset, else clears it.
     */
    QList<BuildMessage> finish(QString *truncationError = nullptr);

    /** Bytes seen so far. */
    qint64 offset() const { return m_offset; }

private:
    void scan(QByteArrayView bytes, QList<BuildMessage> &out);
    void emitObject(QByteArrayView object, qint64 startOffset, QList<BuildMessage> &out);
    void emitGarbage(QByteArrayView bytes, qint64 startOffset, QList<BuildMessage> &out);

    QByteArray m_pending; // the start of an object whose end has not arrived yet
    qint64 m_offset = 0;  // stream offset of the first byte not yet consumed by feed()
    qint64 m_pendingStart = 0;
    int m_depth = 0; // scanner state carried across chunks
    bool m_inString = false;
    bool m_escape = false;
    QByteArray m_garbage; // non-object bytes waiting for the next '{' (reported once)
    qint64 m_garbageStart = 0;
};

} // namespace mrc
