// SPDX-License-Identifier: Apache-2.0
#include "secrets/registryauth.h"

#include "secrets/credentialstore.h"
#include "secrets/registrycredential.h"

namespace mrc {

namespace {

/** Appends `text` (UTF-8) as a JSON string literal. */
void appendJsonString(QByteArray &out, const QByteArray &text)
{
    static const char hex[] = "0123456789abcdef";
    out.append('"');
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.append('\\');
            out.append(c);
        } else if (u < 0x20) {
            out.append("\\u00");
            out.append(hex[u >> 4]);
            out.append(hex[u & 0xf]);
        } else {
            out.append(c);
        }
    }
    out.append('"');
}

} // namespace

QString RegistryAuth::serverAddress(const QString &registry)
{
    const QString host = CredentialStore::normalizeRegistry(registry);
    if (host == QLatin1String("docker.io"))
        return QStringLiteral("https://index.docker.io/v1/");
    return host;
}

QByteArray RegistryAuth::header(const RegistryCredential &credential)
{
    if (!credential.isValid())
        return {};
    // Built by hand into buffers reserved up front, so no reallocation or JSON object leaves a copy of the
    // password behind that could not be wiped.
    const QByteArray user = credential.username.toUtf8();
    const QByteArray server = serverAddress(credential.registry).toUtf8();
    QByteArray json;
    json.reserve(64 + 6 * (user.size() + credential.password.size() + server.size()));
    json.append("{\"username\":");
    appendJsonString(json, user);
    json.append(",\"password\":");
    appendJsonString(json, credential.password);
    json.append(",\"serveraddress\":");
    appendJsonString(json, server);
    json.append('}');
    QByteArray value = json.toBase64(QByteArray::Base64UrlEncoding);
    wipeBytes(json);
    return value;
}

} // namespace mrc
