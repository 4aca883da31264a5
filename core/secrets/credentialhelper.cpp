// SPDX-License-Identifier: Apache-2.0
#include "secrets/credentialhelper.h"

#include "secrets/registrycredential.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTimer>

namespace mrc {

namespace {

void appendJsonString(QByteArray &out, const QByteArray &text)
{
    static const char hex[] = "0123456789abcdef";
    out.append('"');
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.append('\\');
            out.append(c);
        } else if (u < 0x20) {
            out.append("\\u00");
            out.append(hex[u >> 4]);
            out.append(hex[u & 0xf]);
        } else {
            out.append(c);
        }
    }
    out.append('"');
}

} // namespace

CredentialHelper::CredentialHelper(const QString &suffix, QObject *parent) : QObject(parent), m_suffix(suffix) {}

CredentialHelper::~CredentialHelper()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->disconnect(this);
        m_process->kill();
        m_process->waitForFinished(2000);
    }
    wipeBytes(m_result.secret);
    wipeBytes(m_scrub);
}

QString CredentialHelper::packageHint(const QString &suffix)
{
    if (suffix == QLatin1String("secretservice") || suffix == QLatin1String("pass"))
        return QStringLiteral("On Debian and Ubuntu it is in the package golang-docker-credential-helpers "
                              "(apt install golang-docker-credential-helpers).");
    if (suffix == QLatin1String("ecr-login"))
        return QStringLiteral("On Debian and Ubuntu it is in the package amazon-ecr-credential-helper.");
    if (suffix == QLatin1String("osxkeychain") || suffix == QLatin1String("wincred"))
        return QStringLiteral(
            "It comes with Docker Desktop, or from the releases of docker/docker-credential-helpers.");
    if (suffix == QLatin1String("desktop"))
        return QStringLiteral("It comes with Docker Desktop.");
    if (suffix == QLatin1String("gcloud") || suffix == QLatin1String("gcr"))
        return QStringLiteral("It comes with the Google Cloud SDK.");
    return {};
}

QString CredentialHelper::missingMessage(const QString &suffix, const QString &origin)
{
    const QString program = QStringLiteral("docker-credential-") + suffix;
    if (!QStandardPaths::findExecutable(program).isEmpty())
        return {};
    QString message = QStringLiteral("%1 is not on the PATH%2.")
                          .arg(program, origin.isEmpty() ? QString() : QStringLiteral(" (named by %1)").arg(origin));
    const QString hint = packageHint(suffix);
    if (!hint.isEmpty())
        message += QLatin1Char(' ') + hint;
    return message;
}

void CredentialHelper::get(const QString &serverUrl)
{
    start(QStringLiteral("get"), serverUrl.toUtf8());
}

void CredentialHelper::store(const QString &serverUrl, const QString &username, const QByteArray &secret)
{
    QByteArray input;
    input.reserve(64 + 6 * (serverUrl.size() + username.size() + secret.size()));
    input.append("{\"ServerURL\":");
    appendJsonString(input, serverUrl.toUtf8());
    input.append(",\"Username\":");
    appendJsonString(input, username.toUtf8());
    input.append(",\"Secret\":");
    appendJsonString(input, secret);
    input.append('}');
    start(QStringLiteral("store"), std::move(input), secret);
}

void CredentialHelper::erase(const QString &serverUrl)
{
    start(QStringLiteral("erase"), serverUrl.toUtf8());
}

void CredentialHelper::list()
{
    start(QStringLiteral("list"), {});
}

void CredentialHelper::start(const QString &action, QByteArray input, const QByteArray &scrub)
{
    m_action = action;
    m_scrub = scrub;
    const QString path = QStandardPaths::findExecutable(program());
    if (path.isEmpty()) {
        wipeBytes(input);
        Result missing;
        missing.status = Result::Missing;
        missing.message = missingMessage(m_suffix, m_origin);
        // Queued, so a caller that connects to finished() after starting sees it.
        QMetaObject::invokeMethod(
            this, [this, missing] { finish(missing); }, Qt::QueuedConnection);
        return;
    }
    m_process = new QProcess(this);
    m_process->setProgram(path);
    m_process->setArguments({action});
    connect(m_process, &QProcess::finished, this, &CredentialHelper::onFinished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            finish({Result::Failed,
                    QStringLiteral("%1 %2 could not start: %3").arg(program(), m_action, m_process->errorString()),
                    {},
                    {},
                    {}});
    });
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, [this] {
        m_timedOut = true;
        m_process->kill(); // finished() follows
    });
    m_timer->start(m_timeoutMs);
    m_process->start(QIODevice::ReadWrite);
    if (!input.isEmpty())
        m_process->write(input);
    wipeBytes(input);
    m_process->closeWriteChannel();
}

QString CredentialHelper::failureText(const QByteArray &output) const
{
    QString text = QString::fromUtf8(output).trimmed();
    if (!m_scrub.isEmpty())
        text.replace(QString::fromUtf8(m_scrub), QStringLiteral("<secret>"));
    return text.left(500);
}

void CredentialHelper::onFinished()
{
    if (m_finished)
        return;
    m_timer->stop();
    QByteArray out = m_process->readAllStandardOutput();
    const QByteArray err = m_process->readAllStandardError();
    const QString name = program() + QLatin1Char(' ') + m_action;
    if (m_timedOut) {
        wipeBytes(out);
        finish({Result::Timeout,
                QStringLiteral("%1 did not answer within %2 s and was stopped. Is its keyring locked, or waiting for "
                               "an unlock prompt? Unlock it, then retry.")
                    .arg(name)
                    .arg(m_timeoutMs / 1000),
                {},
                {},
                {}});
        return;
    }
    if (m_process->exitStatus() != QProcess::NormalExit || m_process->exitCode() != 0) {
        // The helpers print their error on stdout (docker/docker-credential-helpers' Serve) or stderr; on a failure
        // neither holds a secret, and the one being stored is cut out anyway.
        const QString stderrText = failureText(err);
        const QString stdoutText = failureText(out);
        wipeBytes(out);
        if (stdoutText.contains(QLatin1String("credentials not found")) ||
            stderrText.contains(QLatin1String("credentials not found"))) {
            finish({Result::NotFound, QStringLiteral("%1 holds no credentials for it").arg(program()), {}, {}, {}});
            return;
        }
        const QString said = !stderrText.isEmpty() ? stderrText : stdoutText;
        finish({Result::Failed,
                QStringLiteral("%1 failed (%2)%3")
                    .arg(name,
                         m_process->exitStatus() != QProcess::NormalExit
                             ? QStringLiteral("crashed")
                             : QStringLiteral("exit %1").arg(m_process->exitCode()),
                         said.isEmpty() ? QString() : QStringLiteral(": ") + said),
                {},
                {},
                {}});
        return;
    }
    Result result;
    result.status = Result::Ok;
    if (m_action == QLatin1String("get") || m_action == QLatin1String("list")) {
        QJsonParseError parseError{};
        const QJsonObject object = QJsonDocument::fromJson(out, &parseError).object();
        wipeBytes(out);
        if (parseError.error != QJsonParseError::NoError) {
            finish({Result::Failed,
                    QStringLiteral("%1 answered something that is not JSON (%2)").arg(name, parseError.errorString()),
                    {},
                    {},
                    {}});
            return;
        }
        if (m_action == QLatin1String("list")) {
            for (auto it = object.begin(); it != object.end(); ++it)
                result.registries.insert(it.key(), it.value().toString());
        } else {
            result.username = object.value(QLatin1String("Username")).toString();
            QString secret = object.value(QLatin1String("Secret")).toString();
            result.secret = secret.toUtf8();
            wipeString(secret);
            if (result.username.isEmpty() || result.secret.isEmpty()) {
                wipeBytes(result.secret);
                finish(
                    {Result::Failed, QStringLiteral("%1 answered without a Username or Secret").arg(name), {}, {}, {}});
                return;
            }
        }
    }
    wipeBytes(out);
    finish(std::move(result));
}

void CredentialHelper::finish(Result result)
{
    if (m_finished) {
        wipeBytes(result.secret);
        return;
    }
    if (m_timer)
        m_timer->stop();
    m_result = std::move(result);
    m_finished = true;
    wipeBytes(m_scrub);
    Q_EMIT finished();
}

bool CredentialHelper::waitForFinished()
{
    if (!m_finished) {
        QEventLoop loop;
        connect(this, &CredentialHelper::finished, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return m_result.ok();
}

CredentialHelper::Result CredentialHelper::getNow(const QString &suffix, const QString &serverUrl,
                                                  const QString &origin)
{
    CredentialHelper helper(suffix);
    helper.setOrigin(origin);
    helper.get(serverUrl);
    helper.waitForFinished();
    return helper.takeResult();
}

CredentialHelper::Result CredentialHelper::storeNow(const QString &suffix, const QString &serverUrl,
                                                    const QString &username, const QByteArray &secret,
                                                    const QString &origin)
{
    CredentialHelper helper(suffix);
    helper.setOrigin(origin);
    helper.store(serverUrl, username, secret);
    helper.waitForFinished();
    return helper.takeResult();
}

CredentialHelper::Result CredentialHelper::eraseNow(const QString &suffix, const QString &serverUrl,
                                                    const QString &origin)
{
    CredentialHelper helper(suffix);
    helper.setOrigin(origin);
    helper.erase(serverUrl);
    helper.waitForFinished();
    return helper.takeResult();
}

} // namespace mrc
