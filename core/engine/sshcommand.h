// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>
#include <QStringList>

class QUrl;

namespace mrc {

/**
 * The command line that reaches an ssh:// engine: `ssh [options] -- [USER@]HOST docker system dial-stdio`, the
 * way the docker CLI does it. The ssh program and its leading options come from MRC_SSH_COMMAND when it is set
 * (like GIT_SSH_COMMAND: "ssh -F /path/to/config"), so that a private config, identity or known_hosts file can
 * be used without touching ~/.ssh.
 */
class SshCommand
{
public:
    /** Fills program and arguments; false with error set when the URL or MRC_SSH_COMMAND is unusable. */
    static bool make(const QUrl &url, int connectTimeoutSeconds, QString *program, QStringList *arguments,
                     QString *error);
};

} // namespace mrc
