// SPDX-License-Identifier: Apache-2.0
#include "jobs/contexttar.h"

#include "git/gitmirror.h"

#include <QIODevice>
#include <algorithm>
#include <cstring>

namespace mrc {

namespace {

constexpr int blockSize = 512;

void putOctal(char *field, int width, quint64 value)
{
    // width includes the terminating NUL.
    const QByteArray digits = QByteArray::number(value, 8).rightJustified(width - 1, '0');
    std::memcpy(field, digits.constData(), size_t(width - 1));
    field[width - 1] = '\0';
}

// ustar splits a long name into a 155-byte prefix and a 100-byte name at a '/'.
bool splitName(const QByteArray &path, QByteArray *prefix, QByteArray *name)
{
    if (path.size() <= 100) {
        *name = path;
        prefix->clear();
        return true;
    }
    for (qsizetype slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
        if (slash <= 155 && path.size() - slash - 1 <= 100) {
            *prefix = path.left(slash);
            *name = path.mid(slash + 1);
            return true;
        }
    }
    return false;
}

// One PAX record, "LEN key=value\n", where LEN counts the whole record, its own digits included.
QByteArray paxRecord(const QByteArray &key, const QByteArray &value)
{
    const qsizetype body = key.size() + value.size() + 3; // ' ', '=', '\n'
    qsizetype length = body + QByteArray::number(body).size();
    if (QByteArray::number(length).size() != QByteArray::number(body).size())
        ++length;
    return QByteArray::number(length) + ' ' + key + '=' + value + '\n';
}

bool writeBlock(QIODevice *out, char type, quint32 mode, quint64 size, qint64 mtime, const QByteArray &name,
                const QByteArray &prefix, const QByteArray &linkName, QString *error)
{
    char header[blockSize];
    std::memset(header, 0, sizeof header);
    std::memcpy(header, name.constData(), size_t(std::min<qsizetype>(name.size(), 100)));
    putOctal(header + 100, 8, mode & 07777);
    putOctal(header + 108, 8, 0);
    putOctal(header + 116, 8, 0);
    putOctal(header + 124, 12, size);
    putOctal(header + 136, 12, quint64(std::max<qint64>(0, mtime)));
    std::memset(header + 148, ' ', 8);
    header[156] = type;
    std::memcpy(header + 157, linkName.constData(), size_t(std::min<qsizetype>(linkName.size(), 100)));
    std::memcpy(header + 257, "ustar", 6);
    std::memcpy(header + 263, "00", 2);
    std::memcpy(header + 345, prefix.constData(), size_t(std::min<qsizetype>(prefix.size(), 155)));
    unsigned checksum = 0;
    for (unsigned char c : header)
        checksum += c;
    putOctal(header + 148, 7, checksum);
    header[155] = ' ';
    if (out->write(header, blockSize) != blockSize) {
        *error = QStringLiteral("cannot write the build context: %1").arg(out->errorString());
        return false;
    }
    return true;
}

bool writePadded(QIODevice *out, const QByteArray &data, QString *error);

// A name or link target that ustar cannot hold goes first into a PAX extended header ('x'), which Docker's
// archive/tar reads; the ustar header after it carries a shortened name for readers that do not.
bool writeHeader(QIODevice *out, const QByteArray &path, char type, quint32 mode, quint64 size, qint64 mtime,
                 const QByteArray &linkName, QString *error)
{
    QByteArray prefix;
    QByteArray name;
    QByteArray pax;
    if (!splitName(path, &prefix, &name)) {
        pax += paxRecord("path", path);
        prefix.clear();
        name = path.right(99);
    }
    if (linkName.size() > 100)
        pax += paxRecord("linkpath", linkName);
    if (!pax.isEmpty()) {
        const QByteArray paxName = "PaxHeaders/" + path.right(80);
        if (!writeBlock(out, 'x', 0644, quint64(pax.size()), mtime, paxName, {}, {}, error) ||
            !writePadded(out, pax, error))
            return false;
    }
    return writeBlock(out, type, mode, size, mtime, name, prefix, linkName.left(100), error);
}

bool writePadded(QIODevice *out, const QByteArray &data, QString *error)
{
    const qsizetype padding = (blockSize - data.size() % blockSize) % blockSize;
    if (out->write(data) != data.size() || out->write(QByteArray(padding, '\0')) != padding) {
        *error = QStringLiteral("cannot write the build context: %1").arg(out->errorString());
        return false;
    }
    return true;
}

} // namespace

QString ContextTar::resolveInside(const QString &linkPath, const QString &target, const QHash<QString, QString> &links)
{
    if (target.startsWith(QLatin1Char('/')))
        return {};
    QStringList parts = linkPath.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (!parts.isEmpty())
        parts.removeLast(); // the link's own name
    // Each step that lands on another symlink of the context continues with that link's target, as the kernel
    // resolves it in the image: `a -> .` makes `a/..` the context's parent.
    QStringList pending = target.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    int hops = 0;
    while (!pending.isEmpty()) {
        const QString part = pending.takeFirst();
        if (part == QLatin1String("."))
            continue;
        if (part == QLatin1String("..")) {
            if (parts.isEmpty())
                return {};
            parts.removeLast();
            continue;
        }
        parts.append(part);
        const auto link = links.constFind(parts.join(QLatin1Char('/')));
        if (link == links.constEnd())
            continue;
        if (++hops > 40 || link->startsWith(QLatin1Char('/')))
            return {}; // a loop, as ELOOP; or an absolute target
        parts.removeLast();
        pending = link->split(QLatin1Char('/'), Qt::SkipEmptyParts) + pending;
    }
    return parts.isEmpty() ? QStringLiteral(".") : parts.join(QLatin1Char('/'));
}

bool ContextTar::write(GitMirror &mirror, const QString &commit, const QString &folder, QIODevice *out, QString *error,
                       const QDateTime &mtime)
{
    QString listError;
    const auto entries = mirror.listTree(commit, folder, &listError);
    if (!entries) {
        *error = listError.isEmpty() ? QStringLiteral("folder %1/ does not exist at %2").arg(folder, commit.left(7))
                                     : listError;
        return false;
    }
    const qint64 time = mtime.isValid() ? mtime.toSecsSinceEpoch() : 0;
    const QString prefix = folder == QLatin1String(".") || folder.isEmpty() ? QString() : folder + QLatin1Char('/');
    // Names come from git objects, which anyone can craft: "..", "/Dockerfile" or "x/../../setup.cfg" would name
    // files outside the folder once a reader cleans the path.
    QHash<QString, QString> links;
    for (const TreeEntry &entry : *entries) {
        const QStringList parts = entry.path.split(QLatin1Char('/'));
        const bool bad = std::any_of(parts.cbegin(), parts.cend(), [](const QString &part) {
            return part.isEmpty() || part == QLatin1String(".") || part == QLatin1String("..") ||
                   part.contains(QChar(0)) || part.contains(QLatin1Char('\\'));
        });
        if (bad) {
            *error = QStringLiteral("%1 at %2 has a tree entry named '%3', which would leave the build context %1; "
                                    "the commit was made by a tool that does not check names")
                         .arg(prefix.isEmpty() ? QStringLiteral(".") : prefix, commit.left(7), entry.path);
            return false;
        }
        if (entry.isSubmodule) {
            *error = QStringLiteral("%1%2 is a git submodule: its files are in another repository, which the build "
                                    "context does not include; copy them into %1 or build from that repository")
                         .arg(prefix, entry.path);
            return false;
        }
        if (entry.isSymlink) {
            QString readError;
            const auto target = mirror.readFile(commit, prefix + entry.path, &readError);
            if (!target) {
                *error = readError.isEmpty()
                             ? QStringLiteral("cannot read %1%2 at %3").arg(prefix, entry.path, commit.left(7))
                             : readError;
                return false;
            }
            links.insert(entry.path, QString::fromUtf8(*target));
        }
    }
    for (const TreeEntry &entry : *entries) {
        const QByteArray path = entry.path.toUtf8();
        if (entry.isDir) {
            if (!writeHeader(out, path + '/', '5', 0755, 0, time, {}, error))
                return false;
            continue;
        }
        QString readError;
        const auto blob = mirror.readFile(commit, prefix + entry.path, &readError);
        if (!blob) {
            *error = readError.isEmpty()
                         ? QStringLiteral("cannot read %1%2 at %3").arg(prefix, entry.path, commit.left(7))
                         : readError;
            return false;
        }
        if (entry.isSymlink) {
            const QString target = QString::fromUtf8(*blob);
            if (resolveInside(entry.path, target, links).isEmpty()) {
                *error = QStringLiteral("%1%2 is a symlink to %3, which leaves the build context %1; replace it "
                                        "with the file itself")
                             .arg(prefix, entry.path, target);
                return false;
            }
            if (!writeHeader(out, path, '2', 0777, 0, time, *blob, error))
                return false;
            continue;
        }
        const quint32 mode = (entry.mode & 0111) ? 0755 : 0644;
        if (!writeHeader(out, path, '0', mode, quint64(blob->size()), time, {}, error) ||
            !writePadded(out, *blob, error))
            return false;
    }
    // Two zero blocks end the archive.
    if (out->write(QByteArray(2 * blockSize, '\0')) != 2 * blockSize) {
        *error = QStringLiteral("cannot write the build context: %1").arg(out->errorString());
        return false;
    }
    return true;
}

} // namespace mrc
