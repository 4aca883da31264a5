// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

namespace mrc {

/** One tag that a push created, moved, left or refused: who, what, where and when. Never a credential. */
struct PushRecord
{
    qint64 id = 0;
    QDateTime when;
    QString user;       // the registry user the push authenticated as ("" for anonymous)
    QString registry;   // 127.0.0.1:5000, docker.io
    QString repository; // monasca/api
    QString tag;
    QString digest; // the manifest digest the tag names afterwards (verified with a HEAD)
    QString action; // create, move, unchanged, refused (TagPlan::actionName)
    QString method; // push (the image went up), copy (manifest copied from another tag) or none
    QString component;
    QString branch;
    QString commit;
    QString imageId;
    bool ok = false;
    QString message;
};

/**
 * The audit trail of pushes, in the history database (its own `pushes` table, WAL like the jobs). Rows are only
 * added. Exported as CSV (RFC 4180 quoting) or JSON for release records.
 */
class PushAudit
{
public:
    explicit PushAudit(const QString &path);
    ~PushAudit();
    PushAudit(const PushAudit &) = delete;
    PushAudit &operator=(const PushAudit &) = delete;

    bool open(QString *error);
    bool add(PushRecord &record, QString *error = nullptr);
    /** Newest first; on a read error, *error says why and the list is what was read. */
    QList<PushRecord> recent(int limit = 500, QString *error = nullptr) const;

    static QByteArray toCsv(const QList<PushRecord> &records);
    static QByteArray toJson(const QList<PushRecord> &records);

private:
    QString m_path;
    QString m_connection;
};

} // namespace mrc
