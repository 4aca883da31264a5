// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>
#include <QStringList>

namespace mrc {

/**
 * Where a registry name ("127.0.0.1:5000", "registry.example.org", "docker.io") is reached, and how.
 * HTTPS with certificate verification unless the host is loopback (127.0.0.0/8, ::1, localhost) or listed
 * as insecure, as Docker's own `insecure-registries` works. Insecure entries are "host", "host:port" or a
 * CIDR range ("10.0.0.0/8") that matches registries given by IP address.
 */
class RegistryHost
{
public:
    /** Docker Hub's name as users write it, and the host that serves its API. */
    static constexpr const char *DockerHub = "docker.io";
    static constexpr const char *DockerHubApi = "registry-1.docker.io";

    /** "docker.io", "index.docker.io" and "" become registry-1.docker.io; others are kept (lower case). */
    static QString apiHost(const QString &registry);
    /** The host without the port: "127.0.0.1", "::1" (brackets removed), "registry.example.org". */
    static QString hostName(const QString &registry);
    static bool isLoopback(const QString &registry);
    static bool isListedInsecure(const QString &registry, const QStringList &insecure);
    /** "http" for loopback and listed registries, else "https". */
    static QString scheme(const QString &registry, const QStringList &insecure = {});
    /** "https://registry-1.docker.io" or "http://127.0.0.1:5000". */
    static QString baseUrl(const QString &registry, const QStringList &insecure = {});
    /** Docker Hub's official images live under library/: "busybox" -> "library/busybox" there only. */
    static QString repositoryPath(const QString &registry, const QString &repository);
};

} // namespace mrc
