// SPDX-License-Identifier: Apache-2.0
#include "models/pushauditmodel.h"

#include <QLocale>

namespace mrc {

namespace {

QString shortDigest(const QString &digest)
{
    return digest.isEmpty() ? QStringLiteral("—") : digest.section(QLatin1Char(':'), 1).left(12);
}

} // namespace

PushAuditModel::PushAuditModel(QObject *parent) : QAbstractTableModel(parent) {}

void PushAuditModel::setIcons(std::function<QIcon(bool)> result, std::function<QIcon(const QString &)> action)
{
    m_resultIcon = std::move(result);
    m_actionIcon = std::move(action);
    if (!m_records.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1), {Qt::DecorationRole});
}

void PushAuditModel::setRecords(const QList<PushRecord> &records)
{
    beginResetModel();
    m_records = records;
    endResetModel();
}

int PushAuditModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_records.size());
}

int PushAuditModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PushAuditModel::display(const PushRecord &r, int column) const
{
    switch (column) {
    case WhenColumn:
        return QLocale().toString(r.when.toLocalTime(), QLocale::ShortFormat);
    case UserColumn:
        return r.user.isEmpty() ? tr("(anonymous)") : r.user;
    case ImageColumn:
        return QString(r.registry + QLatin1Char('/') + r.repository);
    case TagColumn:
        return r.tag;
    case ActionColumn:
        return r.action;
    case MethodColumn:
        return r.method;
    case DigestColumn:
        return shortDigest(r.digest);
    case ResultColumn:
        return r.ok ? tr("ok") : tr("failed");
    case CommitColumn:
        return r.commit.left(7);
    case MessageColumn:
        return r.message;
    default:
        return {};
    }
}

QVariant PushAuditModel::toolTip(const PushRecord &r, int column) const
{
    switch (column) {
    case WhenColumn:
        return r.when.toUTC().toString(Qt::ISODate);
    case DigestColumn:
        return r.digest;
    case ResultColumn:
        return r.message;
    case CommitColumn:
        return r.commit;
    default: {
        const QString text = display(r, column).toString();
        return text.isEmpty() ? QVariant() : QVariant(text);
    }
    }
}

QVariant PushAuditModel::sortValue(const PushRecord &r, int column) const
{
    switch (column) {
    case WhenColumn:
        return r.when;
    case DigestColumn:
        return r.digest;
    case ResultColumn:
        return r.ok;
    case CommitColumn:
        return r.commit;
    default:
        return display(r, column);
    }
}

QVariant PushAuditModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const PushRecord &r = m_records.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(r, index.column());
    case Qt::ToolTipRole:
        return toolTip(r, index.column());
    case Qt::DecorationRole:
        if (index.column() == ResultColumn && m_resultIcon)
            return m_resultIcon(r.ok);
        if (index.column() == ActionColumn && m_actionIcon) {
            const QIcon icon = m_actionIcon(r.action);
            return icon.isNull() ? QVariant() : QVariant(icon);
        }
        return {};
    case SortRole:
        return sortValue(r, index.column());
    case RecordIdRole:
        return r.id;
    default:
        return {};
    }
}

QVariant PushAuditModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[] = {
        QT_TR_NOOP("When"), QT_TR_NOOP("User"),   QT_TR_NOOP("Image"),  QT_TR_NOOP("Tag"),    QT_TR_NOOP("Action"),
        QT_TR_NOOP("How"),  QT_TR_NOOP("Digest"), QT_TR_NOOP("Result"), QT_TR_NOOP("Commit"), QT_TR_NOOP("Message")};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

} // namespace mrc
