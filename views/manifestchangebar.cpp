// SPDX-License-Identifier: Apache-2.0
#include "views/manifestchangebar.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTimer>

namespace mrc {

ManifestChangeBar::ManifestChangeBar(QWidget *parent)
    : QWidget(parent), m_watcher(new QFileSystemWatcher(this)), m_text(new QLabel(this))
{
    setObjectName(QStringLiteral("manifestChangeBar"));
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::ToolTipBase);
    m_text->setForegroundRole(QPalette::ToolTipText);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    auto *reload = new QPushButton(tr("&Reload"), this);
    reload->setObjectName(QStringLiteral("reloadManifestButton"));
    reload->setToolTip(tr("Read the manifest again and fetch every repository (F5)"));
    layout->addWidget(m_text, 1);
    layout->addWidget(reload);
    connect(reload, &QPushButton::clicked, this, &ManifestChangeBar::reloadRequested);
    connect(m_watcher, &QFileSystemWatcher::fileChanged, this, &ManifestChangeBar::onFileChanged);
    hide();
}

QByteArray ManifestChangeBar::hash() const
{
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha1);
}

void ManifestChangeBar::watch(const QString &path)
{
    if (!m_watcher->files().isEmpty())
        m_watcher->removePaths(m_watcher->files());
    m_path = path.startsWith(QLatin1Char(':')) ? QString() : path;
    m_loaded = m_path.isEmpty() ? QByteArray() : hash();
    if (!m_path.isEmpty())
        m_watcher->addPath(m_path);
    hide();
}

bool ManifestChangeBar::isChanged() const
{
    return !m_path.isEmpty() && hash() != m_loaded;
}

void ManifestChangeBar::onFileChanged()
{
    // An editor that writes a new file and renames it over the old one ends the watch: take up the new file.
    QTimer::singleShot(100, this, [this] {
        if (m_path.isEmpty())
            return;
        if (!m_watcher->files().contains(m_path) && QFileInfo::exists(m_path))
            m_watcher->addPath(m_path);
        if (!isChanged()) {
            hide();
            return;
        }
        m_text->setText(tr("%1 changed on disk. Reload it to see the change (F5).").arg(QFileInfo(m_path).fileName()));
        setAccessibleName(m_text->text());
        show();
    });
}

} // namespace mrc
