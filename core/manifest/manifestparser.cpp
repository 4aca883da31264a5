// SPDX-License-Identifier: Apache-2.0
#include "manifest/manifestparser.h"

#include "manifest/manifestreader.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace mrc {

namespace {

// A release manifest is a few kilobytes; anything this large is the wrong file.
constexpr qint64 kMaxManifestSize = 4 * 1024 * 1024;

QString portProblem(const QString &port)
{
    bool ok = false;
    const int value = port.toInt(&ok);
    if (!ok || value < 1 || value > 65535)
        return QStringLiteral("port '%1' must be a number from 1 to 65535").arg(port);
    return {};
}

// Splits "HOST[:PORT]" or "[V6]:PORT"; returns false when the brackets do not close.
bool splitHostPort(const QString &text, QString *host, QString *port, bool *hasPort)
{
    *hasPort = false;
    if (text.startsWith(QLatin1Char('['))) {
        const qsizetype close = text.indexOf(QLatin1Char(']'));
        if (close < 0)
            return false;
        *host = text.mid(1, close - 1);
        const QString rest = text.mid(close + 1);
        if (rest.isEmpty())
            return true;
        if (!rest.startsWith(QLatin1Char(':')))
            return false;
        *hasPort = true;
        *port = rest.mid(1);
        return true;
    }
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon < 0) {
        *host = text;
        return true;
    }
    *host = text.left(colon);
    *port = text.mid(colon + 1);
    *hasPort = true;
    return true;
}

} // namespace

ManifestResult ManifestParser::parse(const QByteArray &text, const QString &fileName)
{
    return ManifestReader(fileName).read(text);
}

ManifestResult ManifestParser::load(const QString &path)
{
    const auto fail = [&path](const QString &message) {
        ManifestResult result;
        result.manifest.path = path;
        result.problems.append({path, 0, 0, message});
        return result;
    };
    const QFileInfo info(path);
    if (!info.exists())
        return fail(QStringLiteral("no such file; check the path or create it from the default manifest"));
    if (info.isDir())
        return fail(QStringLiteral("is a folder; give the path of the manifest file"));
    if (info.size() > kMaxManifestSize)
        return fail(QStringLiteral("file is too large (%1 bytes) to be a manifest").arg(info.size()));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read the file: %1").arg(file.errorString()));
    // A pipe or a device has no size to check first: read in chunks, and stop one byte past the limit.
    QByteArray text;
    while (text.size() <= kMaxManifestSize) {
        const QByteArray chunk = file.read(std::min<qint64>(64 * 1024, kMaxManifestSize + 1 - text.size()));
        if (chunk.isEmpty()) {
            if (file.error() != QFileDevice::NoError)
                return fail(QStringLiteral("cannot read the file: %1").arg(file.errorString()));
            break; // the end: QFile reads a pipe blocking, so empty means closed
        }
        text += chunk;
    }
    if (text.size() > kMaxManifestSize)
        return fail(QStringLiteral("file is larger than %1 bytes: too large to be a manifest").arg(kMaxManifestSize));
    return parse(text, path);
}

ManifestResult ManifestParser::defaultManifest()
{
    return load(defaultManifestPath());
}

QString ManifestParser::localEngineHost()
{
    const QString host = qEnvironmentVariable("DOCKER_HOST").trimmed();
    return host.isEmpty() ? QStringLiteral("unix:///var/run/docker.sock") : host;
}

bool ManifestParser::isDockerVersion(const QString &version)
{
    static const QRegularExpression re(QStringLiteral("^\\d{1,4}\\.\\d{1,4}(?:\\.\\d{1,4})?$"));
    return re.match(version).hasMatch();
}

QString ManifestParser::engineHostProblem(const QString &host)
{
    const auto bad = [&host](const QString &why) { return QStringLiteral("bad engine host '%1': %2").arg(host, why); };
    const qsizetype sep = host.indexOf(QLatin1String("://"));
    if (sep < 0)
        return bad(QStringLiteral("no scheme; write unix://PATH, tcp://HOST:PORT or ssh://[USER@]HOST[:PORT]"));
    const QString scheme = host.left(sep);
    const QString rest = host.mid(sep + 3);

    if (scheme == QLatin1String("unix")) {
        if (rest.isEmpty())
            return bad(QStringLiteral("missing socket path; write unix:///PATH/docker.sock"));
        if (!rest.startsWith(QLatin1Char('/')))
            return bad(QStringLiteral("socket path must be absolute; write unix:///PATH/docker.sock"));
        return {};
    }

    if (scheme == QLatin1String("tcp")) {
        QString authority = rest;
        if (authority.endsWith(QLatin1Char('/')))
            authority.chop(1);
        if (authority.contains(QLatin1Char('/')))
            return bad(QStringLiteral("unexpected path; write tcp://HOST:PORT"));
        QString name;
        QString port;
        bool hasPort = false;
        if (!splitHostPort(authority, &name, &port, &hasPort))
            return bad(QStringLiteral("unclosed '[' in the address; write tcp://[ADDRESS]:PORT"));
        if (name.isEmpty())
            return bad(QStringLiteral("missing host; write tcp://HOST:PORT"));
        if (!hasPort || port.isEmpty())
            return bad(QStringLiteral("missing port; write tcp://HOST:PORT, e.g. tcp://%1:2376").arg(name));
        const QString why = portProblem(port);
        return why.isEmpty() ? QString() : bad(why);
    }

    if (scheme == QLatin1String("ssh")) {
        QString authority = rest;
        const qsizetype at = authority.lastIndexOf(QLatin1Char('@'));
        if (at >= 0) {
            if (at == 0)
                return bad(QStringLiteral("empty user before '@'; write ssh://USER@HOST"));
            authority = authority.mid(at + 1);
        }
        if (authority.endsWith(QLatin1Char('/')))
            authority.chop(1);
        if (authority.contains(QLatin1Char('/')))
            return bad(QStringLiteral("unexpected path; write ssh://[USER@]HOST[:PORT]"));
        QString name;
        QString port;
        bool hasPort = false;
        if (!splitHostPort(authority, &name, &port, &hasPort))
            return bad(QStringLiteral("unclosed '[' in the address; write ssh://[USER@][ADDRESS]:PORT"));
        if (name.isEmpty())
            return bad(QStringLiteral("missing host; write ssh://[USER@]HOST[:PORT]"));
        if (hasPort) {
            const QString why = portProblem(port);
            if (!why.isEmpty())
                return bad(why);
        }
        return {};
    }

    if (scheme.isEmpty())
        return bad(QStringLiteral("no scheme; write unix://PATH, tcp://HOST:PORT or ssh://[USER@]HOST[:PORT]"));
    return bad(QStringLiteral("unsupported scheme '%1'; use unix://, tcp:// or ssh://").arg(scheme));
}

} // namespace mrc
