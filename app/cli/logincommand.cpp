// SPDX-License-Identifier: Apache-2.0
#include "cli/cli.h"
#include "cli/common.h"
#include "secrets/credentialcheck.h"
#include "secrets/credentialhelper.h"
#include "secrets/credentialresolver.h"
#include "secrets/credentialstore.h"
#include "secrets/dockerconfig.h"
#include "secrets/registryauth.h"
#include "secrets/registrycredential.h"

#include <QCommandLineParser>
#include <QFile>
#include <QTextStream>

#ifdef Q_OS_UNIX
#include <termios.h>
#include <unistd.h>
#endif

#include <cstdio>

namespace mrc::cli {

namespace {

/** True when the arguments carry a password (--password, --password=X, -p, -pX): refused before parsing, so
 *  the value is never echoed back in an error. */
bool hasPasswordArgument(const QStringList &arguments)
{
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments[i];
        if (argument == QLatin1String("--username") || argument == QLatin1String("-u")) {
            ++i; // a user name may start with -p
            continue;
        }
        if (argument == QLatin1String("--password") || argument.startsWith(QLatin1String("--password=")) ||
            argument.startsWith(QLatin1String("-p")))
            return true;
    }
    return false;
}

/** All of stdin, less one trailing newline (as `docker login --password-stdin` does). */
QByteArray readPasswordFromStdin()
{
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly))
        return {};
    QByteArray password = in.readAll();
    if (password.endsWith('\n'))
        password.chop(1);
    if (password.endsWith('\r'))
        password.chop(1);
    return password;
}

/** Asks on the terminal with echo off; empty when stdin is not a terminal. */
QByteArray promptPassword(const QString &host, const QString &username)
{
#ifdef Q_OS_UNIX
    if (!isatty(STDIN_FILENO))
        return {};
    QTextStream err(stderr);
    err << "Password for " << username << " at " << host << ": " << Qt::flush;
    termios saved{};
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~tcflag_t(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    QByteArray password;
    for (int c = std::getchar(); c != EOF && c != '\n'; c = std::getchar())
        password.append(char(c));
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    err << '\n' << Qt::flush;
    return password;
#else
    Q_UNUSED(host)
    Q_UNUSED(username)
    return {};
#endif
}

int keychainExitCode(CredentialError error)
{
    switch (error) {
    case CredentialError::None:
        return Ok;
    case CredentialError::NoKeychain:
    case CredentialError::AccessDenied:
    case CredentialError::Timeout:
        return Environment;
    case CredentialError::NotFound:
    case CredentialError::Other:
        break;
    }
    return Failure;
}

/** `mrc login --status REGISTRY`: which source has credentials for the registry, and for which user. */
int printStatus(const QString &host, QTextStream &out, QTextStream &err)
{
    CredentialResult held = CredentialResolver::resolveNow(host);
    if (held.ok()) {
        out << host << ": credentials for " << held.credential.username << " from " << held.credential.source << '\n';
        held.credential.wipe();
        return Ok;
    }
    held.credential.wipe();
    if (held.error == CredentialError::NotFound) {
        out << host << ": " << held.message << '\n';
        return Failure;
    }
    err << "mrc login: " << held.message << '\n';
    return keychainExitCode(held.error);
}

/** --store docker: the helper that config.json names for @p host, installed; else the exit code, said on @p err. */
std::optional<int> findHelper(const QString &command, const QString &host, DockerConfig *docker, QString *helper,
                              QTextStream &err)
{
    *docker = DockerConfig::load();
    if (!docker->error().isEmpty()) {
        err << "mrc " << command << ": " << docker->error() << '\n';
        return BadInput;
    }
    *helper = docker->helperFor(host);
    if (helper->isEmpty()) {
        err << "mrc login: --store docker needs a credential helper for " << host << ", but "
            << (docker->exists() ? docker->path() + QStringLiteral(" names none (neither credHelpers nor credsStore)")
                                 : docker->path() + QStringLiteral(" does not exist"))
            << ". Name one there, e.g. {\"credsStore\": \"secretservice\"} (Debian: golang-docker-credential-helpers), "
               "or keep the default --store keychain. mrc never writes a plaintext auth entry.\n";
        return Environment;
    }
    if (const QString missing = CredentialHelper::missingMessage(*helper, docker->whereHelperIsNamed(host));
        !missing.isEmpty()) {
        err << "mrc " << command << ": " << missing << '\n';
        return Environment;
    }
    return std::nullopt;
}

/** Writes the checked credential through the helper's `store`, then wipes it. */
int storeInHelper(const QString &host, const CredentialCheck &check, RegistryCredential &credential,
                  const DockerConfig &docker, const QString &helper, QTextStream &out, QTextStream &err)
{
    const CredentialHelper::Result written =
        CredentialHelper::storeNow(helper, RegistryAuth::serverAddress(host), credential.username, credential.password,
                                   docker.whereHelperIsNamed(host));
    const QString username = credential.username;
    credential.wipe();
    if (!written.ok()) {
        err << "mrc login: " << check.message << ", but they could not be kept: " << written.message << '\n';
        return written.status == CredentialHelper::Result::Failed ? Failure : Environment;
    }
    out << (check.status == CredentialCheck::NotChecked
                ? check.message + QStringLiteral(". They are kept anyway")
                : QStringLiteral("Logged in to %1 as %2. The credentials are kept").arg(host, username))
        << " by docker-credential-" << helper << " (" << docker.whereHelperIsNamed(host) << ").\n";
    return Ok;
}

} // namespace

int runLogin(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (hasPasswordArgument(arguments)) {
        err << "mrc login: a password on the command line is refused: every user on this machine can read it in "
               "the process list (/proc/PID/cmdline), and it stays in your shell history. Pipe it on stdin instead:\n"
               "  printf '%s' \"$PASSWORD\" | mrc login REGISTRY --username USER --password-stdin\n";
        return BadInput;
    }
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Check a user name and password against a registry, then keep them in the OS keychain (Secret Service, "
        "macOS Keychain, Windows Credential Manager) or, with --store docker, in the Docker credential helper that "
        "config.json names. mrc never writes credentials to a file."));
    parser.addHelpOption();
    parser.addOption(
        {{QStringLiteral("u"), QStringLiteral("username")}, QStringLiteral("The user name."), QStringLiteral("USER")});
    parser.addOption({QStringLiteral("password-stdin"),
                      QStringLiteral("Read the password from stdin (one trailing newline is dropped).")});
    parser.addOption({QStringLiteral("store"),
                      QStringLiteral("Where to keep them: keychain (default) or docker (the credential helper that "
                                     "$DOCKER_CONFIG/config.json names in credHelpers or credsStore)."),
                      QStringLiteral("STORE"), QStringLiteral("keychain")});
    parser.addOption({QStringLiteral("status"),
                      QStringLiteral("Say where the credentials for REGISTRY come from (keychain, a Docker credential "
                                     "helper, config.json auths) and for which user; stores nothing.")});
    parser.addPositionalArgument(QStringLiteral("REGISTRY"),
                                 QStringLiteral("The registry host, e.g. docker.io or 127.0.0.1:5000."));
    if (const std::optional<int> code = parseCommandLine(parser, QStringLiteral("login"), arguments, out, err))
        return *code;
    const QStringList positional = parser.positionalArguments(); // "login", REGISTRY
    if (positional.size() != 2) {
        err << "mrc login: usage: mrc login REGISTRY --username USER --password-stdin [--store keychain|docker], "
               "or mrc login --status REGISTRY\n";
        return BadInput;
    }
    const QString host = CredentialStore::normalizeRegistry(positional[1]);
    if (host.isEmpty()) {
        err << "mrc login: '" << positional[1] << "' is not a registry host (e.g. docker.io, 127.0.0.1:5000)\n";
        return BadInput;
    }
    if (parser.isSet(QStringLiteral("status")))
        return printStatus(host, out, err);
    const QString store = parser.value(QStringLiteral("store"));
    if (store != QLatin1String("keychain") && store != QLatin1String("docker")) {
        err << "mrc login: --store " << store << ": say keychain or docker\n";
        return BadInput;
    }
    // --store docker: the helper must be named and installed before a password is asked for.
    DockerConfig docker;
    QString helper;
    if (store == QLatin1String("docker")) {
        if (const std::optional<int> code = findHelper(QStringLiteral("login"), host, &docker, &helper, err))
            return *code;
    }
    const QString username = parser.value(QStringLiteral("username")).trimmed();
    if (username.isEmpty()) {
        err << "mrc login: --username USER is required\n";
        return BadInput;
    }

    RegistryCredential credential{host, username, {}};
    if (parser.isSet(QStringLiteral("password-stdin")))
        credential.password = readPasswordFromStdin();
    else
        credential.password = promptPassword(host, username);
    if (credential.password.isEmpty()) {
        err << "mrc login: no password. Pipe it on stdin with --password-stdin, or run mrc login in a terminal to "
               "be asked for it.\n";
        return BadInput;
    }

    const CredentialCheck check = verifyCredentials(host, username, credential.password);
    switch (check.status) {
    case CredentialCheck::Ok:
    case CredentialCheck::NotChecked:
        break;
    case CredentialCheck::Unauthorized:
        credential.wipe();
        err << "mrc login: " << check.message << " Nothing was stored.\n";
        return Authentication;
    case CredentialCheck::Unreachable:
        credential.wipe();
        err << "mrc login: " << check.message << '\n';
        return Environment;
    case CredentialCheck::Failed:
        credential.wipe();
        err << "mrc login: " << check.message << '\n';
        return Failure;
    }

    if (!helper.isEmpty())
        return storeInHelper(host, check, credential, docker, helper, out, err);
    const CredentialResult stored = CredentialStore::writeNow(credential);
    credential.wipe();
    if (!stored.ok()) {
        err << "mrc login: " << check.message << ", but they could not be kept: " << stored.message << '\n';
        return keychainExitCode(stored.error);
    }
    if (check.status == CredentialCheck::NotChecked) {
        out << check.message << ". They are in the keychain anyway (service " << CredentialStore::serviceName()
            << "), for when " << host << " asks for them.\n";
        return Ok;
    }
    out << "Logged in to " << host << " as " << username << ". The credentials are in the keychain (service "
        << CredentialStore::serviceName() << ").\n";
    return Ok;
}

int runLogout(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Remove a registry's credentials from the OS keychain, or with --store docker from the Docker credential "
        "helper that config.json names."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("store"), QStringLiteral("keychain (default) or docker."), QStringLiteral("STORE"),
                      QStringLiteral("keychain")});
    parser.addPositionalArgument(QStringLiteral("REGISTRY"), QStringLiteral("The registry host."));
    if (const std::optional<int> code = parseCommandLine(parser, QStringLiteral("logout"), arguments, out, err))
        return *code;
    const QStringList positional = parser.positionalArguments(); // "logout", REGISTRY
    if (positional.size() != 2) {
        err << "mrc logout: usage: mrc logout REGISTRY [--store keychain|docker]\n";
        return BadInput;
    }
    const QString host = CredentialStore::normalizeRegistry(positional[1]);
    if (host.isEmpty()) {
        err << "mrc logout: '" << positional[1] << "' is not a registry host (e.g. docker.io, 127.0.0.1:5000)\n";
        return BadInput;
    }
    const QString store = parser.value(QStringLiteral("store"));
    if (store == QLatin1String("docker")) {
        DockerConfig docker;
        QString helper;
        if (const std::optional<int> code = findHelper(QStringLiteral("logout"), host, &docker, &helper, err))
            return *code;
        const CredentialHelper::Result erased =
            CredentialHelper::eraseNow(helper, RegistryAuth::serverAddress(host), docker.whereHelperIsNamed(host));
        if (!erased.ok() && erased.status != CredentialHelper::Result::NotFound) {
            err << "mrc logout: " << erased.message << '\n';
            return erased.status == CredentialHelper::Result::Failed ? Failure : Environment;
        }
        out << (erased.ok()
                    ? QStringLiteral("Logged out of %1: docker-credential-%2 holds no credentials for it now.\n")
                    : QStringLiteral("docker-credential-%2 holds nothing for %1; nothing to remove.\n"))
                   .arg(host, helper);
        return Ok;
    }
    if (store != QLatin1String("keychain")) {
        err << "mrc logout: --store " << store << ": say keychain or docker\n";
        return BadInput;
    }
    CredentialResult held = CredentialStore::readNow(host);
    held.credential.wipe();
    if (held.error == CredentialError::NotFound) {
        out << "Not logged in to " << host << "; nothing to remove.\n";
        return Ok;
    }
    if (!held.ok() && held.error != CredentialError::Other) {
        err << "mrc logout: " << held.message << '\n';
        return keychainExitCode(held.error);
    }
    const CredentialResult removed = CredentialStore::removeNow(host);
    if (!removed.ok()) {
        err << "mrc logout: " << removed.message << '\n';
        return keychainExitCode(removed.error);
    }
    out << "Logged out of " << host << "; its credentials are gone from the keychain.\n";
    return Ok;
}

} // namespace mrc::cli
