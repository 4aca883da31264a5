// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>

namespace mrc::test {

/** A ustar archive of regular files, enough for a build context. */
class TarWriter
{
public:
    void addFile(const QByteArray &name, const QByteArray &data, int mode = 0644)
    {
        QByteArray header(512, '\0');
        auto put = [&header](int offset, const QByteArray &value) { header.replace(offset, value.size(), value); };
        auto octal = [](qint64 value, int width) {
            return QByteArray::number(value, 8).rightJustified(width - 1, '0') + '\0';
        };
        put(0, name.left(99));
        put(100, octal(mode, 8));
        put(108, octal(0, 8));
        put(116, octal(0, 8));
        put(124, octal(data.size(), 12));
        put(136, octal(1700000000, 12));
        put(148, QByteArray(8, ' '));
        header[156] = '0';
        put(257, QByteArray("ustar\0"
                            "00",
                            8));
        int sum = 0;
        for (char c : std::as_const(header))
            sum += static_cast<unsigned char>(c);
        put(148, QByteArray::number(sum, 8).rightJustified(6, '0') + '\0' + ' ');
        m_data += header + data;
        m_data += QByteArray((512 - data.size() % 512) % 512, '\0');
    }

    QByteArray finish() const { return m_data + QByteArray(1024, '\0'); }

private:
    QByteArray m_data;
};

} // namespace mrc::test
