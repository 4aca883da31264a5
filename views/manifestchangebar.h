// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QWidget>

class QFileSystemWatcher;
class QLabel;

namespace mrc {

/**
 * Watches the open manifest file. When its content changes on disk it shows "release.yaml changed on disk" with a
 * Reload button; F5 (Fetch) reloads it too. Editors that save by renaming are followed.
 */
class ManifestChangeBar : public QWidget
{
    Q_OBJECT
public:
    explicit ManifestChangeBar(QWidget *parent = nullptr);

    /** Watches `path`, whose content as loaded now is the reference; empty or a resource path: nothing. */
    void watch(const QString &path);
    /** The file's content differs from what was loaded (read now). */
    bool isChanged() const;
    QString path() const { return m_path; }

Q_SIGNALS:
    void reloadRequested();

private:
    void onFileChanged();
    QByteArray hash() const;

    QFileSystemWatcher *m_watcher;
    QLabel *m_text;
    QString m_path;
    QByteArray m_loaded;
};

} // namespace mrc
