// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QString>

class QProcess;
class QTimer;

namespace mrc {

/**
 * One call of a Docker credential helper, `docker-credential-SUFFIX` (secretservice, pass, osxkeychain, ...), through
 * its protocol: the action is the only argument, the input goes on stdin, the answer comes on stdout.
 *   get    stdin: the server URL           stdout: {"ServerURL","Username","Secret"}
 *   store  stdin: {"ServerURL","Username","Secret"}
 *   erase  stdin: the server URL
 *   list   stdout: {"server URL": "user name", ...}
 * A helper that does not know the server answers "credentials not found in native keychain" and exits 1: that is
 * Result::NotFound. The secret travels on stdin or stdout only, never on a command line, and no message holds it.
 *
 * Runs asynchronously with QProcess (finished() on the starting thread, which needs an event loop) and is stopped
 * after timeoutMs; the …Now() forms wait with a local event loop, for the CLI and worker threads.
 */
class CredentialHelper : public QObject
{
    Q_OBJECT
public:
    static constexpr int defaultTimeoutMs = 20000;

    struct Result
    {
        enum Status
        {
            Ok,
            NotFound, // the helper holds nothing for the server
            Missing,  // docker-credential-SUFFIX is not on the PATH
            Failed,   // it exited non-zero, crashed or answered something unreadable
            Timeout,
        };
        Status status = Failed;
        QString message; // names the helper and says what to do; never holds the secret
        QString username;
        QByteArray secret;                  // get; wipe it when done
        QHash<QString, QString> registries; // list: server URL -> user name

        bool ok() const { return status == Ok; }
    };

    /** @p suffix: "secretservice" runs docker-credential-secretservice. */
    explicit CredentialHelper(const QString &suffix, QObject *parent = nullptr);
    ~CredentialHelper() override;

    QString program() const { return QStringLiteral("docker-credential-") + m_suffix; }
    /** Where the helper was named ("credsStore in ~/.docker/config.json"), for the messages. */
    void setOrigin(const QString &origin) { m_origin = origin; }
    void setTimeout(int ms) { m_timeoutMs = ms; }

    void get(const QString &serverUrl);
    void store(const QString &serverUrl, const QString &username, const QByteArray &secret);
    void erase(const QString &serverUrl);
    void list();

    bool isFinished() const { return m_finished; }
    const Result &result() const { return m_result; }
    Result takeResult() { return std::move(m_result); }
    /** Spins a local event loop until finished() (the helper's own timeout bounds it). */
    bool waitForFinished();

    /** "On Debian and Ubuntu it is in the package golang-docker-credential-helpers." and the like; empty when
     *  unknown. */
    static QString packageHint(const QString &suffix);
    /** "docker-credential-SUFFIX is not on the PATH (named by ORIGIN). <packageHint>"; empty when it is there. */
    static QString missingMessage(const QString &suffix, const QString &origin = {});

    static Result getNow(const QString &suffix, const QString &serverUrl, const QString &origin = {});
    static Result storeNow(const QString &suffix, const QString &serverUrl, const QString &username,
                           const QByteArray &secret, const QString &origin = {});
    static Result eraseNow(const QString &suffix, const QString &serverUrl, const QString &origin = {});

Q_SIGNALS:
    void finished();

private:
    void start(const QString &action, QByteArray input, const QByteArray &scrub = {});
    void onFinished();
    void finish(Result result);
    QString failureText(const QByteArray &output) const;

    QString m_suffix;
    QString m_origin;
    QString m_action;
    int m_timeoutMs = defaultTimeoutMs;
    QProcess *m_process = nullptr;
    QTimer *m_timer = nullptr;
    QByteArray m_scrub; // the secret being stored: cut from any message
    bool m_timedOut = false;
    bool m_finished = false;
    Result m_result;
};

} // namespace mrc
