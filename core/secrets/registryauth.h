// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QString>

namespace mrc {

struct RegistryCredential;

/** The X-Registry-Auth header that the Docker Engine API wants with a push or pull. */
class RegistryAuth
{
public:
    /** base64url of {"username","password","serveraddress"}. The value holds the password: pass it straight to
     *  the request header, then wipeBytes() it. Never log it. Empty for an invalid credential. */
    static QByteArray header(const RegistryCredential &credential);
    /** What Docker calls the server address: https://index.docker.io/v1/ for Docker Hub, else the host. */
    static QString serverAddress(const QString &registry);
};

} // namespace mrc
