// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "engine/enginestatus.h"

namespace mrc {

struct EngineSpec;

/**
 * Asks one Docker engine for its version: HTTP/1.1 GET /version over unix://, tcp:// (TLS when the
 * spec has certificates) or ssh:// (through `docker system dial-stdio`).
 * Blocking: call it from a worker thread, never from the GUI thread.
 */
class EngineProbe
{
public:
    static EngineStatus probe(const EngineSpec &spec, int timeoutMs = 3000);

    /** The engine the docker CLI would use: $DOCKER_HOST, else the system socket. */
    static EngineSpec localEngine();
};

} // namespace mrc
