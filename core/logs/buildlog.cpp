// SPDX-License-Identifier: Apache-2.0
#include "logs/buildlog.h"

#include <QDir>
#include <QFileInfo>
#include <cstring>

namespace mrc {

namespace {

constexpr qint64 ReadBlock = 1 << 20;

} // namespace

BuildLog::~BuildLog()
{
    close();
}

bool BuildLog::open(const QString &path, QString *error)
{
    close();
    m_size = 0;
    m_lines = 0;
    m_marks.clear();
    m_lastStepHeader.clear();
    m_error.clear();
    const auto fail = [&](const QString &message) {
        m_error = message;
        if (error)
            *error = message;
        m_file.close();
        return false;
    };

    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath()))
        return fail(QStringLiteral("%1: cannot create the folder").arg(info.absolutePath()));
    m_file.setFileName(path);
    if (!m_file.open(QIODevice::ReadWrite | QIODevice::Append | QIODevice::Unbuffered))
        return fail(QStringLiteral("%1: %2").arg(path, m_file.errorString()));

    // Reopened after a crash: count what is there and rebuild the marks, carrying a line across reads.
    if (!m_file.seek(0))
        return fail(QStringLiteral("%1: %2").arg(path, m_file.errorString()));
    QByteArray carry;
    QByteArray block(ReadBlock, Qt::Uninitialized);
    for (;;) {
        const qint64 n = m_file.read(block.data(), ReadBlock);
        if (n < 0)
            return fail(QStringLiteral("%1: %2").arg(path, m_file.errorString()));
        if (n == 0)
            break;
        m_size += n;
        QByteArrayView view(block.constData(), n);
        const qsizetype lastNewline = view.lastIndexOf('\n');
        if (lastNewline < 0) {
            carry.append(view.first(qMin<qsizetype>(view.size(), LogLine::HeadSize)));
            continue;
        }
        // Only the head of a line matters to the marks, so the carried part stays small.
        if (!carry.isEmpty()) {
            const qsizetype firstNewline = view.indexOf('\n');
            carry.append(view.first(firstNewline + 1));
            scanLines(carry);
            carry.clear();
            view = view.sliced(firstNewline + 1);
        }
        const qsizetype cut = view.lastIndexOf('\n') + 1;
        scanLines(view.first(cut));
        carry = view.sliced(cut).first(qMin<qsizetype>(view.size() - cut, LogLine::HeadSize)).toByteArray();
    }
    if (m_size > 0 && !m_file.seek(m_size - 1))
        return fail(QStringLiteral("%1: %2").arg(path, m_file.errorString()));
    char last = '\n';
    if (m_size > 0 && m_file.read(&last, 1) != 1)
        return fail(QStringLiteral("%1: %2").arg(path, m_file.errorString()));
    if (last != '\n') {
        carry.append('\n');
        scanLines(carry);
        if (!write("\n"))
            return fail(m_error);
    }
    return true;
}

void BuildLog::close()
{
    if (m_file.isOpen())
        m_file.close();
}

bool BuildLog::append(QByteArrayView utf8Lines)
{
    if (utf8Lines.isEmpty())
        return true;
    if (utf8Lines.back() != '\n') {
        QByteArray terminated = utf8Lines.toByteArray();
        terminated.append('\n');
        return append(QByteArrayView(terminated));
    }
    if (!write(utf8Lines))
        return false;
    scanLines(utf8Lines);
    return true;
}

bool BuildLog::append(const QString &line)
{
    QByteArray bytes = line.toUtf8();
    bytes.append('\n');
    return append(QByteArrayView(bytes));
}

void BuildLog::scanLines(QByteArrayView bytes)
{
    const char *p = bytes.data();
    const char *end = p + bytes.size();
    while (p < end) {
        const char *newline = static_cast<const char *>(std::memchr(p, '\n', end - p));
        if (!newline)
            break;
        const QByteArrayView line(p, newline - p);
        const LogLine::Info info = LogLine::classify(line);
        if (info.kind == LogLine::StepHeader) {
            QByteArrayView text = line;
            if (text.endsWith('\r'))
                text.chop(1);
            m_lastStepHeader = QString::fromUtf8(text);
        }
        m_marks.add(m_lines++, info);
        p = newline + 1;
    }
}

bool BuildLog::write(QByteArrayView bytes)
{
    if (!m_file.isOpen()) {
        m_error = QStringLiteral("%1: the log is not open").arg(m_file.fileName());
        return false;
    }
    const qint64 written = m_file.write(bytes.data(), bytes.size());
    if (written != bytes.size()) {
        m_error = QStringLiteral("%1: %2").arg(m_file.fileName(), m_file.errorString());
        return false;
    }
    m_size += written;
    return true;
}

} // namespace mrc
