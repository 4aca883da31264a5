// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cell.h"
#include "celldetails.h"
#include "manifest.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTreeWidget;

namespace mrc {

/** The selected cell: its commit, the files of its docker folder and the Dockerfile. Reads git off the GUI thread. */
class DetailsPanel : public QWidget
{
    Q_OBJECT
public:
    DetailsPanel(const QString &cacheRoot, QWidget *parent = nullptr);

    void setManifest(const Manifest &manifest);
    /** Shows the cell and starts loading its folder; nullptr (or several cells) shows a hint instead. */
    void showCell(const Cell *cell, int selectedCount = 1);

    // What is on screen, for tests and accessibility.
    QString commitText() const;
    QStringList fileNames() const;
    QString dockerfileText() const;
    bool isLoading() const { return m_loading; }

Q_SIGNALS:
    void loaded();

private:
    void applyDetails(const CellDetails &details);

    QString m_cacheRoot;
    Manifest m_manifest;
    quint64 m_job = 0;
    bool m_loading = false;

    QLabel *m_title;
    QLabel *m_state;
    QLabel *m_commit;
    QTreeWidget *m_files;
    QPlainTextEdit *m_dockerfile;
};

} // namespace mrc
