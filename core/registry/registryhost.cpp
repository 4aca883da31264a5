// SPDX-License-Identifier: Apache-2.0
#include "registry/registryhost.h"

#include <QHostAddress>

namespace mrc {

QString RegistryHost::apiHost(const QString &registry)
{
    const QString host = registry.trimmed().toLower();
    if (host.isEmpty() || host == QLatin1String(DockerHub) || host == QLatin1String("index.docker.io"))
        return QString::fromLatin1(DockerHubApi);
    return host;
}

QString RegistryHost::hostName(const QString &registry)
{
    const QString host = apiHost(registry);
    if (host.startsWith(QLatin1Char('['))) {
        const qsizetype close = host.indexOf(QLatin1Char(']'));
        return close > 0 ? host.mid(1, close - 1) : host.mid(1);
    }
    // A bare IPv6 address has more than one colon and no port.
    if (host.count(QLatin1Char(':')) > 1)
        return host;
    const qsizetype colon = host.indexOf(QLatin1Char(':'));
    return colon < 0 ? host : host.left(colon);
}

bool RegistryHost::isLoopback(const QString &registry)
{
    const QString name = hostName(registry);
    if (name == QLatin1String("localhost") || name.endsWith(QLatin1String(".localhost")))
        return true;
    const QHostAddress address(name);
    return !address.isNull() && address.isLoopback();
}

bool RegistryHost::isListedInsecure(const QString &registry, const QStringList &insecure)
{
    const QString host = apiHost(registry);
    const QString name = hostName(registry);
    const QHostAddress address(name);
    for (const QString &rawEntry : insecure) {
        const QString entry = rawEntry.trimmed().toLower();
        if (entry.isEmpty())
            continue;
        if (entry == host || entry == name)
            return true;
        if (entry.contains(QLatin1Char('/')) && !address.isNull()) {
            const QPair<QHostAddress, int> subnet = QHostAddress::parseSubnet(entry);
            if (!subnet.first.isNull() && address.isInSubnet(subnet))
                return true;
        }
    }
    return false;
}

QString RegistryHost::scheme(const QString &registry, const QStringList &insecure)
{
    return isLoopback(registry) || isListedInsecure(registry, insecure) ? QStringLiteral("http")
                                                                        : QStringLiteral("https");
}

QString RegistryHost::baseUrl(const QString &registry, const QStringList &insecure)
{
    return scheme(registry, insecure) + QStringLiteral("://") + apiHost(registry);
}

QString RegistryHost::repositoryPath(const QString &registry, const QString &repository)
{
    if (apiHost(registry) == QLatin1String(DockerHubApi) && !repository.contains(QLatin1Char('/')))
        return QStringLiteral("library/") + repository;
    return repository;
}

} // namespace mrc
