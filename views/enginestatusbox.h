// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "engine/enginestatus.h"
#include "manifest/manifest.h"

#include <QWidget>

namespace mrc {

/** The status bar's engines: an icon and "name: Docker version" (or "unreachable") for each one. */
class EngineStatusBox : public QWidget
{
    Q_OBJECT
public:
    explicit EngineStatusBox(QWidget *parent = nullptr);

    void setEngines(const QList<EngineStatus> &engines);
    /** The manifest's engines before the first probe answers. */
    void setPending(const QList<EngineSpec> &engines);
};

} // namespace mrc
