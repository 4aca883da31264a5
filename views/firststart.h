// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>

class QMainWindow;
class QProgressBar;

namespace mrc {

/**
 * The first minute without a manifest: the welcome dialog's choice (open one, the built-in Monasca manifest, or
 * the demo), and creating the demo workspace off the GUI thread (git repositories and an engine probe).
 */
class FirstStart : public QObject
{
    Q_OBJECT
public:
    FirstStart(QMainWindow *window, QProgressBar *progress);

    void offer();
    void createDemo(const QString &folder);

Q_SIGNALS:
    void openRequested(const QString &manifestPath);
    /** The user wants to pick a manifest file. */
    void browseRequested();
    void failed(const QString &problem);

private:
    QMainWindow *m_window;
    QProgressBar *m_progress;
};

} // namespace mrc
