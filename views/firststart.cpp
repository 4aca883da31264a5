// SPDX-License-Identifier: Apache-2.0
#include "views/firststart.h"

#include "demo/demoworkspace.h"
#include "engine/engineprobe.h"
#include "manifest/manifestparser.h"
#include "views/welcomedialog.h"

#include <QDir>
#include <QFutureWatcher>
#include <QMainWindow>
#include <QProgressBar>
#include <QStatusBar>
#include <QtConcurrent/QtConcurrentRun>

namespace mrc {

FirstStart::FirstStart(QMainWindow *window, QProgressBar *progress)
    : QObject(window), m_window(window), m_progress(progress)
{
}

void FirstStart::offer()
{
    auto *dialog = new WelcomeDialog(m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::finished, this, [this, dialog] {
        switch (dialog->choice()) {
        case WelcomeDialog::Choice::Open:
            Q_EMIT browseRequested();
            break;
        case WelcomeDialog::Choice::Monasca:
            Q_EMIT openRequested(ManifestParser::defaultManifestPath());
            break;
        case WelcomeDialog::Choice::Demo:
            createDemo(dialog->demoFolder());
            break;
        case WelcomeDialog::Choice::None:
            break;
        }
    });
    dialog->open();
}

void FirstStart::createDemo(const QString &folder)
{
    m_progress->setRange(0, 0);
    m_progress->show();
    m_window->statusBar()->showMessage(tr("Creating the demo workspace in %1…").arg(folder));
    auto *watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, folder] {
        watcher->deleteLater();
        m_progress->hide();
        const QString error = watcher->result();
        if (!error.isEmpty()) {
            m_window->statusBar()->clearMessage();
            Q_EMIT failed(tr("Cannot create the demo in %1: %2").arg(folder, error));
            return;
        }
        Q_EMIT openRequested(QDir(folder).filePath(QStringLiteral("release.yaml")));
    });
    watcher->setFuture(QtConcurrent::run([folder] {
        const EngineStatus engine = EngineProbe::probe(EngineProbe::localEngine(), 2000);
        QString error;
        DemoWorkspace::create(folder, false, engine.reachable ? engine.majorMinor() : QString(), &error);
        return error;
    }));
}

} // namespace mrc
