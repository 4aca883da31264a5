// SPDX-License-Identifier: Apache-2.0
#include "cli/cli.h"
#include "cli/common.h"
#include "manifest/branchcut.h"
#include "manifest/manifest.h"
#include "manifest/manifestparser.h"

#include <QCommandLineParser>
#include <QDate>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QTextStream>

namespace mrc::cli {

int runBranch(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Cut a stable branch: add it to release.yaml after master, with master's current Docker versions frozen "
        "and a frozen: date. Prints the diff, then writes the file (comments and order are kept)."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("manifest"), QStringLiteral("The release manifest."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("dry-run"), QStringLiteral("Print the diff only.")});
    parser.addOption({QStringLiteral("date"), QStringLiteral("The frozen: date (default: today, UTC)."),
                      QStringLiteral("YYYY-MM-DD")});
    parser.addPositionalArgument(QStringLiteral("cut"), QStringLiteral("The action: cut."));
    parser.addPositionalArgument(QStringLiteral("NAME"), QStringLiteral("The new branch, e.g. stable/2024.1."));
    if (const std::optional<int> code = parseCommandLine(parser, QStringLiteral("branch"), arguments, out, err))
        return *code;
    const QStringList positional = parser.positionalArguments(); // "branch", "cut", NAME
    if (positional.size() != 3 || positional[1] != QLatin1String("cut")) {
        err << "mrc branch: usage: mrc branch cut NAME [--manifest FILE] [--dry-run] [--date YYYY-MM-DD]\n";
        return BadInput;
    }
    QString path = parser.value(QStringLiteral("manifest"));
    if (path.isEmpty())
        path = QStringLiteral("release.yaml");
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        err << "mrc branch cut: cannot read " << path << ": " << file.errorString() << '\n';
        return BadInput;
    }
    const QByteArray text = file.readAll();
    file.close();
    QDate today = QDate::currentDate();
    if (parser.isSet(QStringLiteral("date"))) {
        today = QDate::fromString(parser.value(QStringLiteral("date")), Qt::ISODate);
        if (!today.isValid()) {
            err << "mrc branch cut: --date " << parser.value(QStringLiteral("date")) << " is not YYYY-MM-DD\n";
            return BadInput;
        }
    }
    const BranchCut::Result result = BranchCut::cut(text, path, positional[2], today);
    if (!result.ok()) {
        err << "mrc branch cut: " << result.error << '\n';
        return BadInput;
    }
    out << result.diff;
    out.flush();
    if (parser.isSet(QStringLiteral("dry-run")))
        return Ok;
    QSaveFile save(path);
    if (!save.open(QIODevice::WriteOnly) || save.write(result.text) != result.text.size() || !save.commit()) {
        err << "mrc branch cut: cannot write " << path << ": " << save.errorString() << '\n';
        return Failure;
    }
    out << "Wrote " << QFileInfo(path).absoluteFilePath() << '\n';
    return Ok;
}

} // namespace mrc::cli
