// SPDX-License-Identifier: Apache-2.0
#include "lint/hadolint.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>

namespace mrc {

QString Hadolint::executable()
{
    return QStandardPaths::findExecutable(QStringLiteral("hadolint"));
}

QList<LintFinding> Hadolint::run(const QByteArray &dockerfile, const QString &fileName, QString *error)
{
    const QString program = executable();
    if (program.isEmpty())
        return {};
    QProcess process;
    process.start(program,
                  {QStringLiteral("-f"), QStringLiteral("json"), QStringLiteral("--no-fail"), QStringLiteral("-")});
    if (!process.waitForStarted(5000)) {
        *error = QStringLiteral("hadolint did not start: %1").arg(process.errorString());
        return {};
    }
    process.write(dockerfile);
    process.closeWriteChannel();
    if (!process.waitForFinished(30000)) {
        process.kill();
        process.waitForFinished(1000);
        *error = QStringLiteral("hadolint did not finish within 30 s");
        return {};
    }
    return parseJson(process.readAllStandardOutput(), fileName, error);
}

QList<LintFinding> Hadolint::parseJson(const QByteArray &json, const QString &fileName, QString *error)
{
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isArray()) {
        *error = QStringLiteral("hadolint output is not a JSON array: %1").arg(parseError.errorString());
        return {};
    }
    QList<LintFinding> out;
    for (const QJsonValue &value : doc.array()) {
        const QJsonObject o = value.toObject();
        LintFinding f;
        f.file = fileName;
        f.line = qMax(1, o.value(QLatin1String("line")).toInt());
        f.column = o.value(QLatin1String("column")).toInt();
        f.rule = o.value(QLatin1String("code")).toString();
        f.message = o.value(QLatin1String("message")).toString();
        f.source = QStringLiteral("hadolint");
        if (!parseLintSeverity(o.value(QLatin1String("level")).toString(), &f.severity))
            f.severity = LintSeverity::Warning;
        if (f.rule.isEmpty())
            continue;
        out.append(f);
    }
    return out;
}

} // namespace mrc
