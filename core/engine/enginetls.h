// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "manifest/manifest.h"

class QSslConfiguration;

namespace mrc {

/** TLS for tcp:// engines, shared by the prober and the API client. */
namespace EngineTls {

/** The spec's files, or with DOCKER_TLS_VERIFY set and none given, ca/cert/key.pem in DOCKER_CERT_PATH (~/.docker). */
TlsSpec effective(const TlsSpec &tls);
/** Builds the TLS configuration from the PEM files; errors name the file. */
bool configuration(const TlsSpec &tls, QSslConfiguration *config, QString *error);

} // namespace EngineTls
} // namespace mrc
