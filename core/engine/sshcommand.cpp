// SPDX-License-Identifier: Apache-2.0
#include "engine/sshcommand.h"

#include <QProcess>
#include <QUrl>

namespace mrc {

bool SshCommand::make(const QUrl &url, int connectTimeoutSeconds, QString *program, QStringList *arguments,
                      QString *error)
{
    if (!url.isValid() || url.host().isEmpty()) {
        *error = QStringLiteral("not a valid ssh://[USER@]HOST[:PORT] address");
        return false;
    }
    QStringList words{QStringLiteral("ssh")};
    const QString custom = qEnvironmentVariable("MRC_SSH_COMMAND").trimmed();
    if (!custom.isEmpty()) {
        words = QProcess::splitCommand(custom);
        if (words.isEmpty()) {
            *error = QStringLiteral("MRC_SSH_COMMAND (%1) names no program").arg(custom);
            return false;
        }
    }
    *program = words.takeFirst();
    // BatchMode: never prompt (for a password or an unknown host key); fail with ssh's reason instead.
    QStringList args = words;
    args << QStringLiteral("-o") << QStringLiteral("BatchMode=yes") << QStringLiteral("-o")
         << QStringLiteral("ConnectTimeout=%1").arg(qMax(1, connectTimeoutSeconds)) << QStringLiteral("-T");
    if (!url.userName().isEmpty())
        args << QStringLiteral("-l") << url.userName();
    if (url.port() > 0)
        args << QStringLiteral("-p") << QString::number(url.port());
    args << QStringLiteral("--") << url.host() << QStringLiteral("docker") << QStringLiteral("system")
         << QStringLiteral("dial-stdio");
    *arguments = args;
    return true;
}

} // namespace mrc
