// SPDX-License-Identifier: Apache-2.0
#include "imagetests/junitwriter.h"

#include <QFile>
#include <QMap>
#include <QSaveFile>
#include <QXmlStreamWriter>

namespace mrc {

QString JUnitWriter::logTail(const QString &path, int lines)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const qint64 window = 64 * 1024;
    if (file.size() > window)
        file.seek(file.size() - window);
    QList<QByteArray> all = file.readAll().split('\n');
    while (!all.isEmpty() && all.last().isEmpty())
        all.removeLast();
    QStringList tail;
    for (qsizetype i = std::max<qsizetype>(0, all.size() - lines); i < all.size(); ++i)
        tail.append(QString::fromUtf8(all[i]));
    return tail.join(QLatin1Char('\n'));
}

namespace {

QString xmlSafe(QString text)
{
    // XML 1.0 has no place for most control characters (ANSI colour escapes in logs).
    for (QChar &c : text) {
        const ushort u = c.unicode();
        if (u < 0x20 && u != '\n' && u != '\t' && u != '\r')
            c = QChar(0xFFFD);
    }
    return text;
}

} // namespace

QByteArray JUnitWriter::toXml(const QList<TestUpdate> &results)
{
    QMap<QString, QList<const TestUpdate *>> suites; // keeps cells apart, in a stable order
    QStringList order;
    for (const TestUpdate &result : results) {
        const QString key = QStringLiteral("%1@%2 docker %3").arg(result.component, result.branch, result.docker);
        if (!suites.contains(key))
            order.append(key);
        suites[key].append(&result);
    }
    QByteArray out;
    QXmlStreamWriter xml(&out);
    xml.setAutoFormatting(true);
    xml.writeStartDocument();
    xml.writeStartElement(QStringLiteral("testsuites"));
    int total = 0, failures = 0, skipped = 0;
    double time = 0;
    for (const TestUpdate &r : results) {
        ++total;
        failures += r.state == TestState::Failed ? 1 : 0;
        skipped += r.state == TestState::Cancelled ? 1 : 0;
        time += r.durationSeconds();
    }
    xml.writeAttribute(QStringLiteral("name"), QStringLiteral("mrc test"));
    xml.writeAttribute(QStringLiteral("tests"), QString::number(total));
    xml.writeAttribute(QStringLiteral("failures"), QString::number(failures));
    xml.writeAttribute(QStringLiteral("errors"), QStringLiteral("0"));
    xml.writeAttribute(QStringLiteral("skipped"), QString::number(skipped));
    xml.writeAttribute(QStringLiteral("time"), QString::number(time, 'f', 3));
    for (const QString &key : std::as_const(order)) {
        const QList<const TestUpdate *> &cases = suites[key];
        int suiteFailures = 0, suiteSkipped = 0;
        double suiteTime = 0;
        for (const TestUpdate *r : cases) {
            suiteFailures += r->state == TestState::Failed ? 1 : 0;
            suiteSkipped += r->state == TestState::Cancelled ? 1 : 0;
            suiteTime += r->durationSeconds();
        }
        xml.writeStartElement(QStringLiteral("testsuite"));
        xml.writeAttribute(QStringLiteral("name"), key);
        xml.writeAttribute(QStringLiteral("tests"), QString::number(cases.size()));
        xml.writeAttribute(QStringLiteral("failures"), QString::number(suiteFailures));
        xml.writeAttribute(QStringLiteral("errors"), QStringLiteral("0"));
        xml.writeAttribute(QStringLiteral("skipped"), QString::number(suiteSkipped));
        xml.writeAttribute(QStringLiteral("time"), QString::number(suiteTime, 'f', 3));
        if (!cases.isEmpty() && cases.first()->started.isValid())
            xml.writeAttribute(QStringLiteral("timestamp"), cases.first()->started.toUTC().toString(Qt::ISODate));
        xml.writeStartElement(QStringLiteral("properties"));
        for (const auto &[name, value] : {std::pair{QStringLiteral("image"), cases.first()->tag},
                                          std::pair{QStringLiteral("image_id"), cases.first()->imageId},
                                          std::pair{QStringLiteral("engine"), cases.first()->engine}}) {
            xml.writeStartElement(QStringLiteral("property"));
            xml.writeAttribute(QStringLiteral("name"), name);
            xml.writeAttribute(QStringLiteral("value"), value);
            xml.writeEndElement();
        }
        xml.writeEndElement();
        for (const TestUpdate *r : cases) {
            xml.writeStartElement(QStringLiteral("testcase"));
            xml.writeAttribute(QStringLiteral("name"), r->test);
            xml.writeAttribute(QStringLiteral("classname"), QStringLiteral("%1.%2").arg(r->component, r->kind));
            xml.writeAttribute(QStringLiteral("time"), QString::number(r->durationSeconds(), 'f', 3));
            if (r->state == TestState::Failed) {
                xml.writeStartElement(QStringLiteral("failure"));
                xml.writeAttribute(QStringLiteral("message"), xmlSafe(r->message));
                xml.writeAttribute(QStringLiteral("type"), r->kind);
                xml.writeCharacters(xmlSafe(logTail(r->logPath)));
                xml.writeEndElement();
            } else if (r->state == TestState::Cancelled) {
                xml.writeStartElement(QStringLiteral("skipped"));
                xml.writeAttribute(QStringLiteral("message"), xmlSafe(r->message));
                xml.writeEndElement();
            }
            if (!r->logPath.isEmpty()) {
                xml.writeStartElement(QStringLiteral("system-out"));
                xml.writeCharacters(QStringLiteral("log: %1").arg(r->logPath));
                xml.writeEndElement();
            }
            xml.writeEndElement();
        }
        xml.writeEndElement();
    }
    xml.writeEndElement();
    xml.writeEndDocument();
    return out;
}

bool JUnitWriter::write(const QString &path, const QList<TestUpdate> &results, QString *error)
{
    QSaveFile file(path);
    const QByteArray xml = toXml(results);
    if (!file.open(QIODevice::WriteOnly) || file.write(xml) != xml.size() || !file.commit()) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace mrc
