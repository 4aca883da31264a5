// SPDX-License-Identifier: Apache-2.0
#include "imagetests/stacktest.h"

#include "engine/enginecall.h"
#include "engine/engineclient.h"
#include "git/gitmirror.h"
#include "jobs/buildplan.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTimer>
#include <yaml-cpp/yaml.h>

namespace mrc {

namespace {

QString shortId(const QString &id)
{
    return id.left(12);
}

} // namespace

StackTest::StackTest(TestRunner *runner, int job) : m_runner(runner), m_job(job) {}

StackTest::~StackTest()
{
    if (m_compose)
        m_compose->kill();
}

void StackTest::stop()
{
    m_poll.stop();
    if (m_compose && m_compose->state() != QProcess::NotRunning) {
        m_runner->appendLog(m_job, QStringLiteral("mrc: stopping docker-compose"));
        m_compose->kill();
    }
}

void StackTest::start()
{
    QByteArray composeText;
    QString composePath;
    QString overridePath;
    QList<QPair<QString, QString>> images; // service, image: each must be on the engine before the stack starts
    if (!readComposeFile(&composeText, &composePath) || !writeOverride(composeText, &images, &overridePath))
        return;
    m_composeFiles = {QStringLiteral("-f"), composePath, QStringLiteral("-f"), overridePath};
    m_project = QStringLiteral("mrc-%1-%2").arg(m_runner->m_runId).arg(m_job);
    // pull_policy: never is not in every compose file version, and docker-compose pulls a missing image from Docker
    // Hub: so every service's image is checked first, and a missing one fails the test with its name.
    checkImages(images);
}

bool StackTest::readComposeFile(QByteArray *text, QString *path)
{
    const TestJobSpec &spec = m_runner->m_plan.jobs[m_job];
    if (!spec.test.compose.isEmpty()) {
        GitMirror mirror(spec.repo, m_runner->m_options.cacheRoot);
        QString error;
        const auto read = mirror.readFile(spec.cell.commit, spec.test.compose, &error);
        if (!read) {
            m_runner->fail(m_job, error.isEmpty() ? QStringLiteral("%1 has no %2 at commit %3")
                                                        .arg(spec.repo, spec.test.compose, spec.cell.commit.left(12))
                                                  : error);
            return false;
        }
        *text = *read;
        *path = m_dir.filePath(QStringLiteral("docker-compose.yml"));
        QFile file(*path);
        if (!file.open(QIODevice::WriteOnly) || file.write(*text) != text->size()) {
            m_runner->fail(m_job, QStringLiteral("cannot write %1: %2").arg(*path, file.errorString()));
            return false;
        }
        m_runner->appendLog(
            m_job, QStringLiteral("mrc: compose file %1 at %2").arg(spec.test.compose, spec.cell.commit.left(12)));
        return true;
    }
    *path = QFileInfo(spec.test.composeFile).isAbsolute()
                ? spec.test.composeFile
                : QFileInfo(m_runner->m_manifest.path).absoluteDir().filePath(spec.test.composeFile);
    QFile file(*path);
    if (!file.open(QIODevice::ReadOnly)) {
        m_runner->fail(m_job, QStringLiteral("cannot read the compose file %1: %2").arg(*path, file.errorString()));
        return false;
    }
    *text = file.readAll();
    m_runner->appendLog(m_job, QStringLiteral("mrc: compose file %1").arg(*path));
    return true;
}

bool StackTest::writeOverride(const QByteArray &composeText, QList<QPair<QString, QString>> *images, QString *path)
{
    const TestJobSpec &spec = m_runner->m_plan.jobs[m_job];
    // The services, so that the cell's images can stand in for theirs; the override file has to use the same version.
    QString version;
    QStringList services;
    QHash<QString, QString> composeImages; // service -> the image: of the compose file
    try {
        const YAML::Node root = YAML::Load(composeText.toStdString());
        if (root["version"])
            version = QString::fromStdString(root["version"].as<std::string>());
        for (auto it = root["services"].begin(); it != root["services"].end(); ++it) {
            const QString service = QString::fromStdString(it->first.as<std::string>());
            services.append(service);
            if (it->second.IsMap() && it->second["image"] && it->second["image"].IsScalar())
                composeImages.insert(service, QString::fromStdString(it->second["image"].as<std::string>()));
        }
    } catch (const YAML::Exception &e) {
        m_runner->fail(m_job,
                       QStringLiteral("the compose file is not valid YAML: %1").arg(QString::fromStdString(e.what())));
        return false;
    }
    if (services.isEmpty()) {
        m_runner->fail(m_job, QStringLiteral("the compose file has no services"));
        return false;
    }
    m_services = services;
    QJsonObject overrideServices;
    for (const QString &service : std::as_const(services)) {
        QJsonObject entry{{QStringLiteral("labels"), m_runner->labels()}};
        QString component = spec.test.services.value(service);
        if (component.isEmpty() && m_runner->m_manifest.component(service))
            component = service;
        if (const ComponentSpec *c = component.isEmpty() ? nullptr : m_runner->m_manifest.component(component)) {
            const QString tag = TestPlan::imageTag(m_runner->m_manifest, c->image, spec.cell.branch);
            entry.insert(QStringLiteral("image"), tag);
            m_runner->appendLog(m_job, QStringLiteral("mrc: service %1 runs %2").arg(service, tag));
            images->append({service, tag});
        } else if (composeImages.contains(service)) {
            images->append({service, composeImages.value(service)});
        }
        if (version.isEmpty() || version.startsWith(QLatin1Char('2')))
            entry.insert(QStringLiteral("pull_policy"), QStringLiteral("never"));
        overrideServices.insert(service, entry);
    }
    QJsonObject override{{QStringLiteral("services"), overrideServices}};
    if (!version.isEmpty())
        override.insert(QStringLiteral("version"), version);
    *path = m_dir.filePath(QStringLiteral("mrc-override.yml"));
    QFile file(*path);
    const QByteArray overrideText = QJsonDocument(override).toJson(QJsonDocument::Indented);
    if (!file.open(QIODevice::WriteOnly) || file.write(overrideText) != overrideText.size()) {
        m_runner->fail(m_job, QStringLiteral("cannot write %1: %2").arg(*path, file.errorString()));
        return false;
    }
    return true;
}

void StackTest::checkImages(QList<QPair<QString, QString>> images)
{
    if (images.isEmpty()) {
        up();
        return;
    }
    // Named copies, not a structured binding: clang 14 (the fuzz preset) cannot capture one.
    const auto next = images.takeFirst();
    const QString service = next.first;
    const QString image = next.second;
    m_runner->track(
        m_job, m_runner->client(m_runner->m_jobs[m_job].engine)->inspectImage(image),
        [this, images, service, image](EngineCall *call) {
            if (!call->ok()) {
                m_runner->fail(
                    m_job, call->status() == 404
                               ? QStringLiteral("image %1 is not on engine %2 (service %3); a stack test never pulls")
                                     .arg(image, m_runner->m_jobs[m_job].engine, service)
                               : call->errorString());
                return;
            }
            checkImages(images);
        });
}

void StackTest::compose(const QStringList &arguments, std::function<void(int, const QString &)> done,
                        bool trackForCancel)
{
    const EngineSpec *engine = nullptr;
    for (const EngineSpec &spec : m_runner->m_manifest.engines) {
        if (spec.name == m_runner->m_jobs[m_job].engine)
            engine = &spec;
    }
    auto *process = new QProcess(m_runner);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DOCKER_CONTEXT"));
    env.insert(QStringLiteral("DOCKER_HOST"), engine ? engine->host : QString());
    if (engine && !engine->tls.isEmpty()) {
        env.insert(QStringLiteral("DOCKER_TLS_VERIFY"), QStringLiteral("1"));
        env.insert(QStringLiteral("DOCKER_CERT_PATH"), QFileInfo(engine->tls.cert).absolutePath());
    }
    process->setProcessEnvironment(env);
    process->setProcessChannelMode(QProcess::MergedChannels);
    const QStringList fullArguments =
        QStringList{QStringLiteral("--ansi"), QStringLiteral("never"), QStringLiteral("-p"), m_project} +
        m_composeFiles + arguments;
    m_runner->appendLog(
        m_job,
        QStringLiteral("mrc: %1 %2").arg(m_runner->m_options.composeProgram, fullArguments.join(QLatin1Char(' '))));
    auto partial = std::make_shared<QByteArray>();
    connect(process, &QProcess::readyRead, this, [this, process, partial] {
        *partial += process->readAll();
        const qsizetype end = partial->lastIndexOf('\n');
        if (end < 0)
            return;
        for (const QByteArray &line : partial->left(end).split('\n'))
            m_runner->appendLog(m_job, QStringLiteral("compose: ") + QString::fromUtf8(line).trimmed());
        partial->remove(0, end + 1);
    });
    connect(process, &QProcess::finished, this, [this, process, partial, done](int code, QProcess::ExitStatus status) {
        process->deleteLater();
        *partial += process->readAll();
        for (const QByteArray &line : partial->split('\n')) {
            if (!line.trimmed().isEmpty())
                m_runner->appendLog(m_job, QStringLiteral("compose: ") + QString::fromUtf8(line).trimmed());
        }
        done(status == QProcess::NormalExit ? code : -1, QString());
    });
    connect(process, &QProcess::errorOccurred, this, [process, done](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return;
        process->deleteLater();
        done(-1, QStringLiteral("cannot run %1: %2; install Debian's docker-compose package")
                     .arg(process->program(), process->errorString()));
    });
    if (trackForCancel)
        m_compose = process;
    process->start(m_runner->m_options.composeProgram, fullArguments);
}

void StackTest::up()
{
    compose({QStringLiteral("up"), QStringLiteral("-d"), QStringLiteral("--no-build")}, [this](int code,
                                                                                               const QString &error) {
        if (!m_runner->isRunning(m_job))
            return;
        if (!error.isEmpty() || code != 0) {
            m_runner->fail(m_job,
                           error.isEmpty() ? QStringLiteral("docker-compose up failed with code %1").arg(code) : error);
            return;
        }
        m_runner->appendLog(
            m_job, QStringLiteral("mrc: waiting for %1 service(s) to be running and healthy").arg(m_services.size()));
        connect(&m_poll, &QTimer::timeout, this, [this] { poll(); });
        m_poll.start(1000);
        poll();
    });
}

void StackTest::poll()
{
    if (!m_runner->isRunning(m_job, true))
        return; // the last look is still out
    const QJsonObject filters{
        {QStringLiteral("label"), QJsonArray{QStringLiteral("com.docker.compose.project=%1").arg(m_project)}}};
    m_runner->track(
        m_job, m_runner->client(m_runner->m_jobs[m_job].engine)->listContainers(filters), [this](EngineCall *call) {
            if (!call->ok()) {
                m_runner->fail(m_job, call->errorString());
                return;
            }
            const QJsonArray containers = call->json().array();
            int ready = 0;
            QString network;
            QStringList waiting;
            for (const QJsonValue &value : containers) {
                const QJsonObject c = value.toObject();
                const QString service = c.value(QStringLiteral("Labels"))
                                            .toObject()
                                            .value(QStringLiteral("com.docker.compose.service"))
                                            .toString();
                const QString state = c.value(QStringLiteral("State")).toString();
                const QString status = c.value(QStringLiteral("Status")).toString();
                if (state != QLatin1String("running")) {
                    m_runner->fail(m_job, QStringLiteral("service %1 is %2 (%3)").arg(service, state, status));
                    return;
                }
                if (status.contains(QLatin1String("(unhealthy)"))) {
                    m_runner->fail(m_job, QStringLiteral("service %1 is unhealthy").arg(service));
                    return;
                }
                if (status.contains(QLatin1String("(health: starting)")))
                    waiting.append(service);
                else
                    ++ready;
                const QJsonObject networks =
                    c.value(QStringLiteral("NetworkSettings")).toObject().value(QStringLiteral("Networks")).toObject();
                if (network.isEmpty() && !networks.isEmpty())
                    network = networks.keys().first();
            }
            if (ready < m_services.size())
                return; // poll again
            m_poll.stop();
            m_runner->appendLog(m_job, QStringLiteral("mrc: all %1 services are up").arg(ready));
            probe(network);
        });
}

void StackTest::probe(const QString &network)
{
    const TestJobSpec &spec = m_runner->m_plan.jobs[m_job];
    QString image = m_runner->m_jobs[m_job].imageId;
    if (!spec.test.probeImage.isEmpty()) {
        if (const ComponentSpec *c = m_runner->m_manifest.component(spec.test.probeImage))
            image = TestPlan::imageTag(m_runner->m_manifest, c->image, spec.cell.branch);
    }
    const QJsonObject config{
        {QStringLiteral("Image"), image},
        {QStringLiteral("Cmd"), QJsonArray{QStringLiteral("sh"), QStringLiteral("-c"), spec.test.probe}},
        {QStringLiteral("Labels"), m_runner->labels()},
        {QStringLiteral("HostConfig"), QJsonObject{{QStringLiteral("NetworkMode"), network}}},
    };
    m_runner->appendLog(m_job, QStringLiteral("mrc: probe on network %1: %2").arg(network, spec.test.probe));
    m_runner->runContainer(m_job, config, QStringLiteral("probe: "), [this](int status) {
        if (status != 0) {
            m_runner->fail(m_job, QStringLiteral("the smoke command exited with code %1").arg(status));
            return;
        }
        m_runner->pass(m_job, QStringLiteral("the stack came up and the smoke command passed"));
    });
}

void StackTest::collectLogs(std::function<void()> then)
{
    if (m_project.isEmpty()) {
        then();
        return;
    }
    EngineClient *engine = m_runner->client(m_runner->m_jobs[m_job].engine);
    const QJsonObject filters{
        {QStringLiteral("label"), QJsonArray{QStringLiteral("com.docker.compose.project=%1").arg(m_project)}}};
    EngineCall *list = engine->listContainers(filters);
    connect(list, &EngineCall::finished, this, [this, list, engine, then] {
        list->deleteLater();
        const QJsonArray containers = list->ok() ? list->json().array() : QJsonArray();
        if (containers.isEmpty()) {
            then();
            return;
        }
        auto pending = std::make_shared<int>(int(containers.size()));
        for (const QJsonValue &value : containers) {
            const QJsonObject c = value.toObject();
            const QString service = c.value(QStringLiteral("Labels"))
                                        .toObject()
                                        .value(QStringLiteral("com.docker.compose.service"))
                                        .toString();
            const QString prefix = QStringLiteral("[%1] ").arg(service);
            EngineCall *logs = engine->containerLogs(c.value(QStringLiteral("Id")).toString(), false);
            logs->setTimeout(15000);
            connect(logs, &EngineCall::bodyData, this, [this, prefix](const QByteArray &chunk) {
                m_runner->appendContainerLines(m_job, prefix, chunk, false);
            });
            connect(logs, &EngineCall::finished, this, [this, logs, prefix, pending, then] {
                logs->deleteLater();
                m_runner->appendContainerLines(m_job, prefix, {}, true);
                if (--*pending == 0)
                    then();
            });
        }
    });
}

void StackTest::down(std::function<void()> then)
{
    if (m_project.isEmpty()) {
        sweep(then);
        return;
    }
    const auto down = [this, then] {
        compose(
            {QStringLiteral("down"), QStringLiteral("-v"), QStringLiteral("--remove-orphans"), QStringLiteral("-t"),
             QStringLiteral("2")},
            [this, then](int code, const QString &error) {
                if (code != 0)
                    m_runner->appendLog(m_job, QStringLiteral("mrc: docker-compose down failed (%1); removing by label")
                                                   .arg(error.isEmpty() ? QStringLiteral("code %1").arg(code) : error));
                sweep(then);
            },
            false);
    };
    // A killed `up` must be gone before `down` looks at the project.
    if (m_compose && m_compose->state() != QProcess::NotRunning) {
        QPointer<QProcess> up = m_compose;
        connect(up, &QProcess::finished, this, down);
    } else {
        down();
    }
}

void StackTest::sweep(std::function<void()> then)
{
    EngineClient *engine = m_runner->client(m_runner->m_jobs[m_job].engine);
    if (m_project.isEmpty()) {
        then();
        return;
    }
    const QJsonObject filters{
        {QStringLiteral("label"), QJsonArray{QStringLiteral("com.docker.compose.project=%1").arg(m_project)}}};
    auto pending = std::make_shared<int>(3);
    const auto step = [pending, then] {
        if (--*pending == 0)
            then();
    };
    EngineCall *containers = engine->listContainers(filters);
    connect(containers, &EngineCall::finished, this, [this, containers, engine, step] {
        containers->deleteLater();
        const QJsonArray list = containers->ok() ? containers->json().array() : QJsonArray();
        for (const QJsonValue &value : list) {
            const QString id = value.toObject().value(QStringLiteral("Id")).toString();
            m_runner->appendLog(m_job, QStringLiteral("mrc: removing leftover container %1").arg(shortId(id)));
            EngineCall *remove = engine->removeContainer(id);
            remove->waitForFinished(30000);
            remove->deleteLater();
        }
        step();
    });
    EngineCall *networks = engine->listNetworks(filters);
    connect(networks, &EngineCall::finished, this, [this, networks, engine, step] {
        networks->deleteLater();
        const QJsonArray list = networks->ok() ? networks->json().array() : QJsonArray();
        for (const QJsonValue &value : list) {
            const QString name = value.toObject().value(QStringLiteral("Name")).toString();
            m_runner->appendLog(m_job, QStringLiteral("mrc: removing leftover network %1").arg(name));
            EngineCall *remove = engine->removeNetwork(value.toObject().value(QStringLiteral("Id")).toString());
            remove->waitForFinished(30000);
            remove->deleteLater();
        }
        step();
    });
    EngineCall *volumes = engine->listVolumes(filters);
    connect(volumes, &EngineCall::finished, this, [this, volumes, engine, step] {
        volumes->deleteLater();
        const QJsonArray list =
            volumes->ok() ? volumes->json().object().value(QStringLiteral("Volumes")).toArray() : QJsonArray();
        for (const QJsonValue &value : list) {
            const QString name = value.toObject().value(QStringLiteral("Name")).toString();
            m_runner->appendLog(m_job, QStringLiteral("mrc: removing leftover volume %1").arg(name));
            EngineCall *remove = engine->removeVolume(name);
            remove->waitForFinished(30000);
            remove->deleteLater();
        }
        step();
    });
}

} // namespace mrc
