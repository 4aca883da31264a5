// SPDX-License-Identifier: Apache-2.0
#include "logs/buildlogwriter.h"

#include "logs/buildlog.h"
#include "logs/logline.h"

namespace mrc {

BuildLogWriter::BuildLogWriter(BuildLog *log) : m_log(log) {}

bool BuildLogWriter::write(const QList<BuildMessage> &messages)
{
    m_out.resize(0); // keeps the capacity for the next batch
    for (const BuildMessage &message : messages) {
        switch (message.kind) {
        case BuildMessage::Stream:
            addStream(message.text);
            break;
        case BuildMessage::Status: {
            QString &last = m_status[message.id];
            if (!message.id.isEmpty() && last == message.text)
                break;
            last = message.text;
            endPartialLine();
            addLine({}, message.id.isEmpty() ? message.text : message.id + QStringLiteral(": ") + message.text);
            break;
        }
        case BuildMessage::Error: {
            m_error = message.text;
            endPartialLine();
            const QStringList lines = message.text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
            for (const QString &line : lines)
                addLine(LogLine::errorPrefix(), line);
            if (lines.isEmpty())
                addLine(LogLine::errorPrefix(), QStringLiteral("code %1").arg(message.errorCode));
            break;
        }
        case BuildMessage::Aux: {
            const QString id = message.aux.value(QLatin1String("ID")).toString();
            if (id.isEmpty())
                break;
            m_imageId = id;
            endPartialLine();
            addLine("Built image ", id);
            break;
        }
        }
    }
    return m_out.isEmpty() || m_log->append(QByteArrayView(m_out));
}

bool BuildLogWriter::finish()
{
    m_out.resize(0);
    endPartialLine();
    return m_out.isEmpty() || m_log->append(QByteArrayView(m_out));
}

void BuildLogWriter::addStream(const QString &text)
{
    const qsizetype cut = text.lastIndexOf(QLatin1Char('\n')) + 1;
    if (cut == 0) {
        appendUtf8(m_partial, text);
        return;
    }
    if (!m_partial.isEmpty()) {
        m_out.append(m_partial);
        m_partial.clear();
    }
    appendUtf8(m_out, QStringView(text).first(cut));
    if (cut < text.size())
        appendUtf8(m_partial, QStringView(text).sliced(cut));
}

void BuildLogWriter::appendUtf8(QByteArray &out, QStringView text)
{
    // Build output is nearly all ASCII: check and narrow it in two branch-free (vectorised) loops, without
    // the temporary of toUtf8().
    const char16_t *source = text.utf16();
    const qsizetype size = text.size();
    char16_t bits = 0;
    for (qsizetype i = 0; i < size; ++i)
        bits |= source[i];
    if (bits >= 0x80) {
        out.append(text.toUtf8());
        return;
    }
    const qsizetype start = out.size();
    out.resize(start + size);
    char *target = out.data() + start;
    for (qsizetype i = 0; i < size; ++i)
        target[i] = char(source[i]);
}

void BuildLogWriter::endPartialLine()
{
    if (m_partial.isEmpty())
        return;
    m_out.append(m_partial);
    m_out.append('\n');
    m_partial.clear();
}

void BuildLogWriter::addLine(QByteArrayView prefix, const QString &text)
{
    m_out.append(prefix);
    appendUtf8(m_out, text);
    m_out.append('\n');
}

} // namespace mrc
