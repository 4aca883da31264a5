// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "manifest/manifest.h"

#include <QList>
#include <QString>

namespace mrc {

/**
 * One engine the docker CLI knows: a context from `docker context create` (meta.json under
 * $DOCKER_CONFIG/contexts/meta/<sha256 of the name>/, TLS files under contexts/tls/<same>/docker/), or the
 * "default" context, which is DOCKER_HOST with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH.
 */
struct DockerContext
{
    QString name;
    QString description;
    QString host;
    TlsSpec tls;
    bool skipTlsVerify = false;
    bool current = false; // the config's currentContext (or "default" when none is set)
    QString metaPath;     // the meta.json it came from; empty for "default"

    /** An engine of the manifest for this context: named after it, its host and TLS files, `context:` set. */
    EngineSpec toEngine() const;

    /** $DOCKER_CONFIG, else ~/.docker. */
    static QString configDir();
    /** "default" first, then every readable context in name order; unreadable ones are left out with a line in
     *  @p problems ("FILE: why"). */
    static QList<DockerContext> list(const QString &configDir = {}, QStringList *problems = nullptr);
    /** The context called @p name; false with @p error naming what is missing when there is none. */
    static bool find(const QString &name, DockerContext *context, QString *error, const QString &configDir = {});
    /** The "default" context: DOCKER_HOST (else the system socket), DOCKER_TLS_VERIFY and DOCKER_CERT_PATH. */
    static DockerContext fromEnvironment();
};

} // namespace mrc
