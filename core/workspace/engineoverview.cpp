// SPDX-License-Identifier: Apache-2.0
#include "workspace/engineoverview.h"

#include "engine/engineprobe.h"
#include "engine/enginetls.h"
#include "workspace/workspacescan.h"

#include <QJsonArray>
#include <QtConcurrent/QtConcurrentMap>

namespace mrc {

QString EngineOverview::transportOf(const EngineSpec &spec)
{
    if (spec.host.startsWith(QLatin1String("unix://")))
        return QStringLiteral("unix");
    if (spec.host.startsWith(QLatin1String("ssh://")))
        return QStringLiteral("ssh");
    if (spec.host.startsWith(QLatin1String("tcp://")))
        return EngineTls::effective(spec.tls).isEmpty() ? QStringLiteral("tcp") : QStringLiteral("tcp+tls");
    return spec.host.section(QLatin1String("://"), 0, 0);
}

QList<EngineOverview> EngineOverview::make(const Manifest &manifest, const QList<EngineStatus> &statuses)
{
    QList<EngineOverview> rows;
    for (const EngineSpec &spec : manifest.engines) {
        EngineOverview row;
        row.spec = spec;
        row.transport = transportOf(spec);
        row.status = EngineStatus{spec.name, spec.host, false, {}, {}, QStringLiteral("not probed")};
        for (const EngineStatus &status : statuses) {
            if (status.name == spec.name)
                row.status = status;
        }
        if (row.status.reachable) {
            for (const auto &column : manifest.columns()) {
                if (WorkspaceScan::enginesFor({row.status}, column.second).contains(spec.name))
                    row.columns.append(column);
            }
        }
        rows.append(row);
    }
    return rows;
}

QList<EngineStatus> EngineOverview::probeAll(const Manifest &manifest, int timeoutMs)
{
    return QtConcurrent::blockingMapped<QList<EngineStatus>>(
        manifest.engines, [timeoutMs](const EngineSpec &spec) { return EngineProbe::probe(spec, timeoutMs); });
}

QString EngineOverview::columnProblem(const QList<EngineStatus> &statuses, const QString &docker)
{
    if (!WorkspaceScan::enginesFor(statuses, docker).isEmpty())
        return {};
    QStringList unreachable;
    for (const EngineStatus &status : statuses) {
        if (!status.reachable)
            unreachable.append(QStringLiteral("%1 (%2): %3").arg(status.name, status.host, status.error));
    }
    QString text = QStringLiteral("No reachable engine runs Docker %1.").arg(docker);
    if (!unreachable.isEmpty())
        text += QStringLiteral(" Unreachable: %1.").arg(unreachable.join(QStringLiteral("; ")));
    return text;
}

QJsonObject EngineOverview::toJson() const
{
    QJsonArray served;
    for (const auto &[branch, docker] : columns)
        served.append(QJsonObject{{QStringLiteral("branch"), branch}, {QStringLiteral("docker"), docker}});
    QJsonObject object{
        {QStringLiteral("name"), spec.name},
        {QStringLiteral("host"), spec.host},
        {QStringLiteral("transport"), transport},
        {QStringLiteral("version"), status.version},
        {QStringLiteral("api_version"), status.apiVersion},
        {QStringLiteral("reachable"), status.reachable},
        {QStringLiteral("columns"), served},
        {QStringLiteral("context"), spec.context.isEmpty() ? QJsonValue() : QJsonValue(spec.context)},
        {QStringLiteral("jobs"), spec.jobs > 0 ? QJsonValue(spec.jobs) : QJsonValue()},
    };
    if (!status.reachable)
        object.insert(QStringLiteral("error"), status.error);
    return object;
}

} // namespace mrc
