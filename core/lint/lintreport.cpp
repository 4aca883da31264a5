// SPDX-License-Identifier: Apache-2.0
#include "lint/lintreport.h"

#include "lint/lintrule.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QUrl>
#include <QXmlStreamWriter>

namespace mrc {

namespace {
QString sarifLevel(LintSeverity severity)
{
    switch (severity) {
    case LintSeverity::Error:
        return QStringLiteral("error");
    case LintSeverity::Warning:
        return QStringLiteral("warning");
    case LintSeverity::Info:
        return QStringLiteral("note");
    case LintSeverity::Off:
        return QStringLiteral("none");
    }
    return QStringLiteral("none");
}

/** A relative path stays a relative URI reference; spaces and other specials are percent-encoded. */
QString toUri(const QString &path)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(path, "/:@"));
}
} // namespace

bool LintReport::parseFormat(const QString &name, Format *format)
{
    if (name == QLatin1String("text"))
        *format = Format::Text;
    else if (name == QLatin1String("json"))
        *format = Format::Json;
    else if (name == QLatin1String("sarif"))
        *format = Format::Sarif;
    else if (name == QLatin1String("checkstyle"))
        *format = Format::Checkstyle;
    else
        return false;
    return true;
}

QByteArray LintReport::format(const QList<LintFinding> &findings, Format format)
{
    switch (format) {
    case Format::Text:
        return text(findings);
    case Format::Json:
        return json(findings);
    case Format::Sarif:
        return sarif(findings);
    case Format::Checkstyle:
        return checkstyle(findings);
    }
    return {};
}

QByteArray LintReport::text(const QList<LintFinding> &findings)
{
    QByteArray out;
    for (const LintFinding &f : findings)
        out += f.toText().toUtf8() + '\n';
    return out;
}

QByteArray LintReport::json(const QList<LintFinding> &findings)
{
    QJsonArray list;
    QMap<QString, int> summary{
        {QStringLiteral("error"), 0}, {QStringLiteral("warning"), 0}, {QStringLiteral("info"), 0}};
    for (const LintFinding &f : findings) {
        list.append(QJsonObject{{QStringLiteral("file"), f.file},
                                {QStringLiteral("line"), f.line},
                                {QStringLiteral("column"), f.column},
                                {QStringLiteral("rule"), f.rule},
                                {QStringLiteral("severity"), lintSeverityName(f.severity)},
                                {QStringLiteral("message"), f.message},
                                {QStringLiteral("source"), f.source}});
        summary[lintSeverityName(f.severity)] += 1;
    }
    QJsonObject counts;
    for (auto it = summary.cbegin(); it != summary.cend(); ++it)
        counts.insert(it.key(), it.value());
    return QJsonDocument(QJsonObject{{QStringLiteral("findings"), list}, {QStringLiteral("summary"), counts}})
        .toJson(QJsonDocument::Indented);
}

QByteArray LintReport::sarif(const QList<LintFinding> &findings)
{
    QJsonArray rules;
    QHash<QString, int> ruleIndex;
    for (const LintRule &rule : LintRule::all()) {
        ruleIndex.insert(rule.id, int(rules.size()));
        rules.append(QJsonObject{
            {QStringLiteral("id"), rule.id},
            {QStringLiteral("shortDescription"), QJsonObject{{QStringLiteral("text"), rule.title}}},
            {QStringLiteral("helpUri"), rule.helpAnchor()},
            {QStringLiteral("defaultConfiguration"), QJsonObject{{QStringLiteral("level"), sarifLevel(rule.severity)}}},
            {QStringLiteral("properties"),
             QJsonObject{{QStringLiteral("hadolintCompatible"), rule.hadolintCompatible}}}});
    }
    // Rules that only hadolint knows are added so that every result's ruleIndex points into the list.
    for (const LintFinding &f : findings) {
        if (!ruleIndex.contains(f.rule)) {
            ruleIndex.insert(f.rule, int(rules.size()));
            rules.append(
                QJsonObject{{QStringLiteral("id"), f.rule},
                            {QStringLiteral("shortDescription"), QJsonObject{{QStringLiteral("text"), f.rule}}},
                            {QStringLiteral("properties"), QJsonObject{{QStringLiteral("source"), f.source}}}});
        }
    }

    QJsonArray results;
    for (const LintFinding &f : findings) {
        QJsonObject region{{QStringLiteral("startLine"), qMax(1, f.line)}};
        if (f.column > 0)
            region.insert(QStringLiteral("startColumn"), f.column);
        const QJsonObject location{
            {QStringLiteral("physicalLocation"),
             QJsonObject{{QStringLiteral("artifactLocation"), QJsonObject{{QStringLiteral("uri"), toUri(f.file)}}},
                         {QStringLiteral("region"), region}}}};
        results.append(QJsonObject{{QStringLiteral("ruleId"), f.rule},
                                   {QStringLiteral("ruleIndex"), ruleIndex.value(f.rule)},
                                   {QStringLiteral("level"), sarifLevel(f.severity)},
                                   {QStringLiteral("message"), QJsonObject{{QStringLiteral("text"), f.message}}},
                                   {QStringLiteral("locations"), QJsonArray{location}},
                                   {QStringLiteral("properties"), QJsonObject{{QStringLiteral("source"), f.source}}}});
    }

    QString version = QCoreApplication::applicationVersion();
    if (version.isEmpty())
        version = QStringLiteral("0");
    const QJsonObject driver{{QStringLiteral("name"), QStringLiteral("mrc-lint")},
                             {QStringLiteral("version"), version},
                             {QStringLiteral("rules"), rules}};
    const QJsonObject run{{QStringLiteral("tool"), QJsonObject{{QStringLiteral("driver"), driver}}},
                          {QStringLiteral("results"), results}};
    const QJsonObject log{{QStringLiteral("$schema"), QStringLiteral("https://json.schemastore.org/sarif-2.1.0.json")},
                          {QStringLiteral("version"), QStringLiteral("2.1.0")},
                          {QStringLiteral("runs"), QJsonArray{run}}};
    return QJsonDocument(log).toJson(QJsonDocument::Indented);
}

QByteArray LintReport::checkstyle(const QList<LintFinding> &findings)
{
    QByteArray out;
    QXmlStreamWriter xml(&out);
    xml.setAutoFormatting(true);
    xml.writeStartDocument();
    xml.writeStartElement(QStringLiteral("checkstyle"));
    xml.writeAttribute(QStringLiteral("version"), QStringLiteral("4.3"));
    QMap<QString, QList<LintFinding>> byFile;
    QStringList order;
    for (const LintFinding &f : findings) {
        if (!byFile.contains(f.file))
            order << f.file;
        byFile[f.file].append(f);
    }
    for (const QString &file : std::as_const(order)) {
        xml.writeStartElement(QStringLiteral("file"));
        xml.writeAttribute(QStringLiteral("name"), file);
        for (const LintFinding &f : byFile.value(file)) {
            xml.writeStartElement(QStringLiteral("error"));
            xml.writeAttribute(QStringLiteral("line"), QString::number(f.line));
            if (f.column > 0)
                xml.writeAttribute(QStringLiteral("column"), QString::number(f.column));
            xml.writeAttribute(QStringLiteral("severity"), lintSeverityName(f.severity));
            xml.writeAttribute(QStringLiteral("message"), f.message);
            xml.writeAttribute(QStringLiteral("source"), f.source + QLatin1Char('.') + f.rule);
            xml.writeEndElement();
        }
        xml.writeEndElement();
    }
    xml.writeEndElement();
    xml.writeEndDocument();
    return out;
}

} // namespace mrc
