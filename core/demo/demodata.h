// SPDX-License-Identifier: Apache-2.0
#pragma once

// The demo workspace's fixed data: its repositories, the components of its manifest and the Docker releases
// its columns use. Shared by the files of core/demo only.

namespace mrc::demo {

inline constexpr const char *ResourceRoot = ":/mrc/demo";

/** The branch line a tree belongs to: decides which variables its docker/ files have. */
enum class Line
{
    Unmaintained,
    Stable,
    Master
};

struct DemoRepo
{
    const char *name;
    const char *stableVariable; // added before stable/2023.2 branched off
    const char *masterVariable; // added on master after stable/2023.2
};

// The nine upstream repositories; the variables make the branches' docker/ folders differ.
inline constexpr DemoRepo Repos[] = {
    {"monasca-common", "LANG", "TZ"},
    {"monasca-api", "KAFKA_LEGACY_CLIENT_ENABLED", "ENABLE_LOGS_API"},
    {"monasca-agent", "BACKLOG_SEND_RATE", "MAX_MEASUREMENT_BUFFER_SIZE"},
    {"monasca-log-api", "MEMCACHED_URI", "LOG_LEVEL_ACCESS"},
    {"monasca-notification", "RETRY_MAX_ATTEMPTS", "STATSD_ENABLED"},
    {"monasca-persister", "KAFKA_EVENTS_ENABLE", "INFLUX_IGNORE_PARSE_POINT_ERROR"},
    {"monasca-thresh", "NO_STORM_CLUSTER", "WORKER_LOGS_TO_STDOUT"},
    {"python-monascaclient", "OS_DOMAIN_NAME", "OS_INTERFACE"},
    {"monasca-tempest-plugin", "MONASCA_API_WAIT_INTERVAL", "USE_DYNAMIC_CREDS"},
};

struct DemoComponent
{
    const char *name;
    const char *image;
    const char *repo;
    const char *context;
    const char *base;
    const char *configDir;    // where the image's *.j2 templates live, rendered by start.sh
    const char *portVariable; // TCP port checked by health_check.py, or empty
};

// The components of the default manifest, in the same order.
inline constexpr DemoComponent Components[] = {
    {"base", "monasca/base", "monasca-common", "docker", "", "/etc/monasca/base", ""},
    {"api", "monasca/api", "monasca-api", "docker", "base", "/etc/monasca", "MONASCA_CONTAINER_API_PORT"},
    {"agent-collector", "monasca/agent-collector", "monasca-agent", "docker/collector", "base", "/etc/monasca/agent",
     ""},
    {"agent-forwarder", "monasca/agent-forwarder", "monasca-agent", "docker/forwarder", "base", "/etc/monasca/agent",
     ""},
    {"statsd", "monasca/statsd", "monasca-agent", "docker/statsd", "base", "/etc/monasca/agent", ""},
    {"log-api", "monasca/log-api", "monasca-log-api", "docker", "base", "/etc/monasca",
     "MONASCA_CONTAINER_LOG_API_PORT"},
    {"notification", "monasca/notification", "monasca-notification", "docker", "base", "/etc/monasca", ""},
    {"persister", "monasca/persister", "monasca-persister", "docker", "base", "/etc/monasca", ""},
    {"thresh", "monasca/thresh", "monasca-thresh", "docker", "base", "/etc/monasca", ""},
    {"client", "monasca/client", "python-monascaclient", "docker", "base", "/etc/monasca", ""},
    {"tempest-tests", "monasca/tempest-tests", "monasca-tempest-plugin", "docker", "base", "/etc/tempest", ""},
};

// The change whose base image does not build (DemoRepoWriter::writeBrokenChange).
inline constexpr const char *BrokenChangeRepo = "monasca-common";
// The change under review that builds (DemoRepoWriter::writeReviewChange).
inline constexpr const char *ReviewChangeRepo = "monasca-api";

// Real Docker releases, newest first: the older columns of master come from here.
inline constexpr const char *KnownDockerVersions[] = {"28.2", "27.5",  "26.1",  "25.0", "24.0",
                                                      "23.0", "20.10", "19.03", "18.09"};

} // namespace mrc::demo
