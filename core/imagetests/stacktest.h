// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "imagetests/testrunner.h"

#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTemporaryDir>
#include <QTimer>
#include <functional>
#include <memory>

class QProcess;

namespace mrc {

/**
 * One stack test of a TestRunner: the compose file and its override (the cell's images, the run's label,
 * never a pull), `docker-compose up`, the wait for running and healthy services, the smoke probe on the stack's
 * network, the services' logs, and `down` plus a sweep by label. It reports through its runner, which ends the
 * test; it lives as long as the test runs.
 */
class StackTest : public QObject
{
    Q_OBJECT
public:
    StackTest(TestRunner *runner, int job);
    ~StackTest() override;

    void start();
    /** Stops polling and kills a `docker-compose up` that still runs (the test ended early). */
    void stop();
    /** Appends each service's log to the test's log. */
    void collectLogs(std::function<void()> then);
    /** `docker-compose down`, then removes whatever the project still has. */
    void down(std::function<void()> then);

private:
    bool readComposeFile(QByteArray *text, QString *path);
    bool writeOverride(const QByteArray &composeText, QList<QPair<QString, QString>> *images, QString *path);
    void checkImages(QList<QPair<QString, QString>> images);
    void compose(const QStringList &arguments, std::function<void(int, const QString &)> done,
                 bool trackForCancel = true);
    void up();
    void poll();
    void probe(const QString &network);
    void sweep(std::function<void()> then);

    TestRunner *m_runner;
    int m_job;
    QTemporaryDir m_dir;        // the compose files
    QStringList m_composeFiles; // -f arguments
    QString m_project;
    QStringList m_services;       // the compose file's services
    QPointer<QProcess> m_compose; // docker-compose up, killed when the test ends early
    QTimer m_poll;                // until every service runs and is healthy
};

} // namespace mrc
