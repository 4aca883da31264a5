// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>

class QTabWidget;
class QWidget;

namespace mrc {

class LazyPage;

/**
 * The Publish page's shortcuts (Ctrl+Shift+P plans the selected cells, Ctrl+Shift+U pushes, Ctrl+Shift+X cancels)
 * work from every page of the window and show the page. While the page is not built yet, stand-ins with the same
 * keys build it and pass the key on to its action; once it is built, its own actions take over.
 */
class PublishShortcuts : public QObject
{
    Q_OBJECT
public:
    static void install(QWidget *window, QTabWidget *pages, LazyPage *publish);

private:
    PublishShortcuts(QWidget *window, QTabWidget *pages, LazyPage *publish);
    void adopt(QWidget *page);

    QWidget *m_window;
    QTabWidget *m_pages;
    LazyPage *m_publish;
};

} // namespace mrc
