// SPDX-License-Identifier: Apache-2.0
#include "secrets/registrycredential.h"

namespace mrc {

void secureZero(void *data, size_t size)
{
    // Writes through a volatile pointer, so the compiler cannot drop them as dead stores.
    auto *p = static_cast<volatile unsigned char *>(data);
    for (size_t i = 0; i < size; ++i)
        p[i] = 0;
}

void wipeBytes(QByteArray &bytes)
{
    if (!bytes.isEmpty())
        secureZero(bytes.data(), size_t(bytes.size()));
    bytes.clear();
}

void wipeString(QString &text)
{
    if (!text.isEmpty())
        secureZero(text.data(), size_t(text.size()) * sizeof(QChar));
    text.clear();
}

void RegistryCredential::wipe()
{
    wipeBytes(password);
    username.clear();
}

} // namespace mrc
