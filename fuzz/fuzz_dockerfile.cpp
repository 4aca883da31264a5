// SPDX-License-Identifier: Apache-2.0
// The Dockerfile parser, then DockerfileEnv over what it parsed, and Docker's word processor on the raw text.
#include "dockerfile/dockerfile.h"
#include "dockerfile/dockerfileenv.h"

#include <QByteArray>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    const mrc::Dockerfile file = mrc::Dockerfile::parse(text, QStringLiteral("Dockerfile"));
    const qsizetype lines = text.count('\n') + 1;
    for (const mrc::DockerfileInstruction &instruction : file.instructions) {
        if (instruction.firstLine < 1 || instruction.lastLine < instruction.firstLine || instruction.lastLine > lines)
            std::abort();
        instruction.nameValues(file.escape);
        if (instruction.keyword == QLatin1String("ONBUILD"))
            instruction.onbuild(file.escape).nameValues(file.escape);
        for (const QString &word : mrc::Dockerfile::splitWords(instruction.arguments, file.escape))
            mrc::Dockerfile::unquote(word, file.escape);
    }
    for (const mrc::DockerfileProblem &problem : file.problems) {
        if (problem.line < 0 || problem.line > lines + 1 || problem.message.isEmpty())
            std::abort();
    }
    const mrc::DockerfileEnvResult env = mrc::DockerfileEnv::evaluate(
        file, {{QStringLiteral("PATH"), QStringLiteral("/usr/bin"), 0}}, {{QStringLiteral("A"), QStringLiteral("x")}});
    env.toStrings();

    QString error;
    const auto lookup = [](const QString &name) -> std::optional<QString> {
        if (name == QLatin1String("SET"))
            return QStringLiteral("value");
        if (name == QLatin1String("EMPTY"))
            return QString();
        return std::nullopt;
    };
    const auto word = mrc::DockerfileEnv::processWord(QString::fromUtf8(text), lookup, QLatin1Char('\\'), &error);
    if (!word && error.isEmpty())
        std::abort();
    mrc::DockerfileEnv::processWord(QString::fromUtf8(text), lookup, QLatin1Char('`'), &error);
    return 0;
}
