// SPDX-License-Identifier: Apache-2.0
#include "render/templaterenderer.h"

#include "jinjahelpersource.h"

#include <QDeadlineTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>

namespace mrc {

namespace {

// Far above what the helper sends (its output cap is 8 MB, JSON-escaped at most six times that).
constexpr qsizetype MaxAnswerBytes = qsizetype(64) << 20;

QJsonObject toJson(const QHash<QString, QString> &map)
{
    QJsonObject object;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

RenderProblem::Kind kindFromName(const QString &name)
{
    if (name == QLatin1String("undefined"))
        return RenderProblem::Undefined;
    if (name == QLatin1String("syntax"))
        return RenderProblem::Syntax;
    if (name == QLatin1String("security"))
        return RenderProblem::Security;
    if (name == QLatin1String("context"))
        return RenderProblem::Context;
    return RenderProblem::Error;
}

RenderResult failure(const QString &message)
{
    RenderResult result;
    result.status = RenderResult::Error;
    result.problems.append({RenderProblem::Error, 0, {}, message});
    return result;
}

} // namespace

TemplateRenderer::TemplateRenderer(QObject *parent) : QObject(parent) {}

TemplateRenderer::~TemplateRenderer()
{
    stop();
}

QString TemplateRenderer::pythonPath()
{
    const QString fromEnv = qEnvironmentVariable("MRC_PYTHON");
    if (!fromEnv.isEmpty())
        return fromEnv;
    if (QFileInfo(QStringLiteral("/usr/bin/python3")).isExecutable())
        return QStringLiteral("/usr/bin/python3");
    return QStandardPaths::findExecutable(QStringLiteral("python3"));
}

QByteArray TemplateRenderer::helperSource()
{
    return QByteArray(jinjaHelperSource);
}

qint64 TemplateRenderer::processId() const
{
    return m_process ? m_process->processId() : 0;
}

void TemplateRenderer::stop()
{
    if (!m_process)
        return;
    m_process->closeWriteChannel();
    if (!m_process->waitForFinished(1000)) {
        m_process->kill();
        m_process->waitForFinished(1000);
    }
    m_process.reset();
    m_buffer.clear();
}

bool TemplateRenderer::start(QString *error)
{
    if (m_process && m_process->state() == QProcess::Running)
        return true;
    stop();
    const QString python = pythonPath();
    if (python.isEmpty()) {
        if (error)
            *error = QStringLiteral("python3 not found: install python3 and python3-jinja2 (or set MRC_PYTHON)");
        return false;
    }
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::SeparateChannels);
    m_process->setProgram(python);
    m_process->setArguments({QStringLiteral("-c"), QString::fromUtf8(helperSource())});
    m_process->start();
    if (!m_process->waitForStarted(10000)) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(python, m_process->errorString());
        m_process.reset();
        return false;
    }
    ++m_starts;
    QString pingError;
    const auto pong = exchange(QJsonObject{{QStringLiteral("op"), QStringLiteral("ping")}}, &pingError);
    if (!pong || !pong->contains(QStringLiteral("jinja2"))) {
        const QString stderrText = QString::fromUtf8(m_process ? m_process->readAllStandardError() : QByteArray());
        if (error) {
            *error =
                stderrText.contains(QLatin1String("jinja2"))
                    ? QStringLiteral("%1 cannot import jinja2: install python3-jinja2").arg(python)
                    : QStringLiteral("the Jinja2 helper did not start: %1 %2").arg(pingError, stderrText.trimmed());
        }
        stop();
        return false;
    }
    m_jinjaVersion = pong->value(QStringLiteral("jinja2")).toString();
    return true;
}

std::optional<QJsonObject> TemplateRenderer::exchange(const QJsonObject &request, QString *error)
{
    QJsonObject sent = request;
    const qint64 id = m_nextId++;
    sent.insert(QStringLiteral("id"), id);
    m_process->write(QJsonDocument(sent).toJson(QJsonDocument::Compact) + '\n');
    const QDeadlineTimer deadline(m_timeoutMs);
    while (true) {
        const qsizetype newline = m_buffer.indexOf('\n');
        if (newline >= 0) {
            const QByteArray line = m_buffer.left(newline);
            m_buffer.remove(0, newline + 1);
            QJsonParseError parseError;
            const QJsonDocument answer = QJsonDocument::fromJson(line, &parseError);
            if (!answer.isObject()) {
                if (error)
                    *error = QStringLiteral("the Jinja2 helper answered garbage: %1").arg(parseError.errorString());
                stop();
                return std::nullopt;
            }
            if (answer.object().value(QStringLiteral("id")).toInteger() != id)
                continue; // an answer to a request that timed out earlier
            return answer.object();
        }
        if (m_process->state() != QProcess::Running || deadline.hasExpired()) {
            if (error) {
                *error = deadline.hasExpired()
                             ? QStringLiteral("the Jinja2 helper took longer than %1 ms").arg(m_timeoutMs)
                             : QStringLiteral("the Jinja2 helper exited: %1")
                                   .arg(QString::fromUtf8(m_process->readAllStandardError()).trimmed());
            }
            stop();
            return std::nullopt;
        }
        m_process->waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime())));
        m_buffer += m_process->readAllStandardOutput();
        if (m_buffer.size() > MaxAnswerBytes) {
            // The helper caps a template's output at 8 MB; an answer this large means it is broken.
            if (error)
                *error = QStringLiteral("the Jinja2 helper's answer is over %1 MB: stopped").arg(MaxAnswerBytes >> 20);
            stop();
            return std::nullopt;
        }
    }
}

std::optional<QJsonObject> TemplateRenderer::call(QJsonObject request, QString *error)
{
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (!start(error))
            return std::nullopt;
        QString exchangeError;
        auto answer = exchange(request, &exchangeError);
        if (answer)
            return answer;
        if (error)
            *error = exchangeError;
        // A helper that died gets one fresh start; a template that hangs it is not retried.
        if (exchangeError.contains(QLatin1String("longer than")))
            break;
    }
    return std::nullopt;
}

RenderResult TemplateRenderer::render(const RenderRequest &request)
{
    QJsonObject json{
        {QStringLiteral("op"), QStringLiteral("render")},
        {QStringLiteral("name"), request.name},
        {QStringLiteral("template"), request.source},
        {QStringLiteral("variables"), toJson(request.variables)},
        {QStringLiteral("overrides"), toJson(request.overrides)},
        {QStringLiteral("ignore_undefined"), request.ignoreUndefined},
        {QStringLiteral("dynamic_context"), request.dynamicContext},
    };
    if (!request.context.isEmpty())
        json.insert(QStringLiteral("context"), request.context);
    QString error;
    const auto answer = call(json, &error);
    if (!answer)
        return failure(error);
    if (answer->contains(QStringLiteral("error")))
        return failure(answer->value(QStringLiteral("error")).toString());
    RenderResult result;
    const QString status = answer->value(QStringLiteral("status")).toString();
    result.status = status == QLatin1String("ok")          ? RenderResult::Ok
                    : status == QLatin1String("undefined") ? RenderResult::Undefined
                                                           : RenderResult::Error;
    result.output = answer->value(QStringLiteral("output")).toString();
    result.partial = answer->value(QStringLiteral("partial")).toBool();
    for (const QJsonValue &value : answer->value(QStringLiteral("problems")).toArray()) {
        const QJsonObject p = value.toObject();
        result.problems.append({kindFromName(p.value(QStringLiteral("kind")).toString()),
                                p.value(QStringLiteral("line")).toInt(), p.value(QStringLiteral("name")).toString(),
                                p.value(QStringLiteral("message")).toString()});
    }
    return result;
}

std::optional<QHash<QString, QString>> TemplateRenderer::contextValues(const QHash<QString, QString> &variables,
                                                                       const QString &context, QString *error)
{
    if (context.trimmed().isEmpty())
        return QHash<QString, QString>{};
    const auto answer = call(QJsonObject{{QStringLiteral("op"), QStringLiteral("context")},
                                         {QStringLiteral("variables"), toJson(variables)},
                                         {QStringLiteral("context"), context}},
                             error);
    if (!answer)
        return std::nullopt;
    if (answer->contains(QStringLiteral("error"))) {
        if (error) {
            const int line = answer->value(QStringLiteral("line")).toInt();
            *error = answer->value(QStringLiteral("error")).toString() +
                     (line > 0 ? QStringLiteral(" (line %1)").arg(line) : QString());
        }
        return std::nullopt;
    }
    QHash<QString, QString> values;
    const QJsonObject object = answer->value(QStringLiteral("values")).toObject();
    for (auto it = object.begin(); it != object.end(); ++it)
        values.insert(it.key(), it.value().toString());
    return values;
}

} // namespace mrc
