// SPDX-License-Identifier: Apache-2.0
#include "views/policybanner.h"

#include "manifest/dockerpolicy.h"

#include <QFutureWatcher>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

namespace mrc {

PolicyBanner::PolicyBanner(QWidget *parent) : Banner(QStringLiteral("policyBanner"), parent) {}

void PolicyBanner::check(const Manifest &manifest, const QList<EngineStatus> &engines)
{
    QStringList versions;
    for (const EngineStatus &engine : engines) {
        if (engine.reachable)
            versions << engine.majorMinor();
    }
    const quint64 check = m_checks.start();
    auto *watcher = new QFutureWatcher<ManifestProblems>(this);
    connect(watcher, &QFutureWatcher<ManifestProblems>::finished, watcher, &QObject::deleteLater);
    connect(watcher, &QFutureWatcher<ManifestProblems>::finished, this, m_checks.guard(check, [this, watcher, check] {
        Q_ASSERT(QThread::currentThread() == thread());
        m_checks.finish(check);
        const ManifestProblems findings = watcher->result();
        if (findings.isEmpty()) {
            hide();
            return;
        }
        QStringList lines;
        for (const ManifestProblem &finding : findings)
            lines << finding.toString();
        showText(tr("Docker version policy: %n finding(s)\n", nullptr, int(findings.size())) +
                     lines.join(QLatin1Char('\n')),
                 CellState::NoEngine);
    }));
    watcher->setFuture(QtConcurrent::run([manifest, versions] {
        const std::optional<DockerPolicy::History> history = DockerPolicy::history(manifest.path);
        return DockerPolicy::check(manifest, versions, history ? &*history : nullptr);
    }));
}

} // namespace mrc
