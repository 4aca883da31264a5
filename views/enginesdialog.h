// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "engine/enginestatus.h"
#include "manifest/manifest.h"

#include <QDialog>

class QTableWidget;

namespace mrc {

/** Engines → Engines…: every engine of the manifest with how it is reached, what it runs and which columns it
 *  builds, from the last probe (it does no I/O itself). */
class EnginesDialog : public QDialog
{
    Q_OBJECT
public:
    EnginesDialog(const Manifest &manifest, const QList<EngineStatus> &statuses, QWidget *parent = nullptr);

    QTableWidget *table() const { return m_table; }

private:
    QTableWidget *m_table;
};

} // namespace mrc
