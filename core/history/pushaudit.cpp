// SPDX-License-Identifier: Apache-2.0
#include "history/pushaudit.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

namespace mrc {

namespace {

QAtomicInteger<quint64> counter;

const QStringList kColumns{"id",     "time",      "user",   "registry",   "repository", "tag", "digest", "action",
                           "method", "component", "branch", "git_commit", "image_id",   "ok",  "message"};

QString csvField(const QString &value)
{
    if (!value.contains(QLatin1Char(',')) && !value.contains(QLatin1Char('"')) && !value.contains(QLatin1Char('\n')))
        return value;
    QString quoted = value;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QStringList fields(const PushRecord &r)
{
    return {QString::number(r.id),
            r.when.toUTC().toString(Qt::ISODate),
            r.user,
            r.registry,
            r.repository,
            r.tag,
            r.digest,
            r.action,
            r.method,
            r.component,
            r.branch,
            r.commit,
            r.imageId,
            r.ok ? QStringLiteral("true") : QStringLiteral("false"),
            r.message};
}

} // namespace

PushAudit::PushAudit(const QString &path)
    : m_path(path), m_connection(QStringLiteral("mrc-pushes-%1").arg(counter.fetchAndAddRelaxed(1)))
{
}

PushAudit::~PushAudit()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (db.isValid())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

bool PushAudit::open(QString *error)
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(m_path);
    if (!db.open()) {
        *error = QStringLiteral("cannot open the history database %1: %2").arg(m_path, db.lastError().text());
        return false;
    }
    QSqlQuery query(db);
    for (const char *statement :
         {"PRAGMA busy_timeout=5000", "PRAGMA journal_mode=WAL",
          "CREATE TABLE IF NOT EXISTS pushes (id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, user TEXT, "
          "registry TEXT NOT NULL, repository TEXT NOT NULL, tag TEXT NOT NULL, digest TEXT, action TEXT NOT NULL, "
          "method TEXT, component TEXT, branch TEXT, git_commit TEXT, image_id TEXT, ok INTEGER NOT NULL, "
          "message TEXT)"}) {
        if (!query.exec(QString::fromLatin1(statement))) {
            *error = QStringLiteral("history database %1: %2").arg(m_path, query.lastError().text());
            return false;
        }
    }
    // A `pushes` table that another program made would read as an empty trail.
    QStringList have;
    if (query.exec(QStringLiteral("PRAGMA table_info(pushes)"))) {
        while (query.next())
            have.append(query.value(1).toString());
    }
    QStringList missing;
    for (const QString &column : kColumns) {
        if (!have.contains(column))
            missing.append(column);
    }
    if (!missing.isEmpty()) {
        *error = QStringLiteral("history database %1: its table 'pushes' was not made by mrc (no column %2); move the "
                                "file aside or point XDG_DATA_HOME elsewhere")
                     .arg(m_path, missing.join(QStringLiteral(", ")));
        return false;
    }
    return true;
}

bool PushAudit::add(PushRecord &r, QString *error)
{
    QSqlQuery query(QSqlDatabase::database(m_connection));
    query.prepare(QStringLiteral(
        "INSERT INTO pushes (time, user, registry, repository, tag, digest, action, method, component, branch, "
        "git_commit, image_id, ok, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    if (!r.when.isValid())
        r.when = QDateTime::currentDateTimeUtc();
    for (const QVariant &v : {QVariant(r.when.toUTC().toString(Qt::ISODateWithMs)), QVariant(r.user),
                              QVariant(r.registry), QVariant(r.repository), QVariant(r.tag), QVariant(r.digest),
                              QVariant(r.action), QVariant(r.method), QVariant(r.component), QVariant(r.branch),
                              QVariant(r.commit), QVariant(r.imageId), QVariant(r.ok ? 1 : 0), QVariant(r.message)})
        query.addBindValue(v);
    if (!query.exec()) {
        if (error)
            *error = QStringLiteral("history database %1: %2").arg(m_path, query.lastError().text());
        return false;
    }
    r.id = query.lastInsertId().toLongLong();
    return true;
}

QList<PushRecord> PushAudit::recent(int limit, QString *error) const
{
    QList<PushRecord> out;
    QSqlQuery query(QSqlDatabase::database(m_connection));
    query.prepare(
        QStringLiteral("SELECT %1 FROM pushes ORDER BY id DESC LIMIT ?").arg(kColumns.join(QLatin1String(", "))));
    query.addBindValue(limit);
    if (!query.exec()) {
        if (error)
            *error = QStringLiteral("history database %1: %2").arg(m_path, query.lastError().text());
        return out;
    }
    while (query.next()) {
        PushRecord r;
        r.id = query.value(0).toLongLong();
        r.when = QDateTime::fromString(query.value(1).toString(), Qt::ISODateWithMs);
        r.user = query.value(2).toString();
        r.registry = query.value(3).toString();
        r.repository = query.value(4).toString();
        r.tag = query.value(5).toString();
        r.digest = query.value(6).toString();
        r.action = query.value(7).toString();
        r.method = query.value(8).toString();
        r.component = query.value(9).toString();
        r.branch = query.value(10).toString();
        r.commit = query.value(11).toString();
        r.imageId = query.value(12).toString();
        r.ok = query.value(13).toInt() != 0;
        r.message = query.value(14).toString();
        out << r;
    }
    return out;
}

QByteArray PushAudit::toCsv(const QList<PushRecord> &records)
{
    QString out = kColumns.join(QLatin1Char(',')) + QLatin1String("\r\n");
    for (const PushRecord &r : records) {
        QStringList row;
        for (const QString &f : fields(r))
            row << csvField(f);
        out += row.join(QLatin1Char(',')) + QLatin1String("\r\n");
    }
    return out.toUtf8();
}

QByteArray PushAudit::toJson(const QList<PushRecord> &records)
{
    QJsonArray rows;
    for (const PushRecord &r : records) {
        const QStringList values = fields(r);
        QJsonObject o;
        for (int i = 0; i < kColumns.size(); ++i) {
            if (kColumns.at(i) == QLatin1String("id"))
                o.insert(kColumns.at(i), r.id);
            else if (kColumns.at(i) == QLatin1String("ok"))
                o.insert(kColumns.at(i), r.ok);
            else
                o.insert(kColumns.at(i), values.at(i));
        }
        rows.append(o);
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("pushes"), rows}}).toJson(QJsonDocument::Indented);
}

} // namespace mrc
