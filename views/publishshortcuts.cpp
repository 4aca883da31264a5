// SPDX-License-Identifier: Apache-2.0
#include "views/publishshortcuts.h"

#include "views/lazypage.h"

#include <QAction>
#include <QKeySequence>
#include <QTabWidget>

namespace mrc {

void PublishShortcuts::install(QWidget *window, QTabWidget *pages, LazyPage *publish)
{
    new PublishShortcuts(window, pages, publish);
}

PublishShortcuts::PublishShortcuts(QWidget *window, QTabWidget *pages, LazyPage *publish)
    : QObject(window), m_window(window), m_pages(pages), m_publish(publish)
{
    connect(publish, &LazyPage::built, this, &PublishShortcuts::adopt);
    // The page's keys (PublishPage's constructor sets them on its plan, push and cancel actions).
    for (const QKeySequence &key :
         {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_U),
          QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_X)}) {
        auto *standIn = new QAction(this);
        standIn->setObjectName(QStringLiteral("publishStandIn"));
        standIn->setShortcut(key);
        standIn->setShortcutContext(Qt::WindowShortcut);
        window->addAction(standIn);
        connect(standIn, &QAction::triggered, this, [this, key] {
            QWidget *page = m_publish->page(); // adopt() takes the keys over
            m_pages->setCurrentWidget(m_publish);
            for (QAction *action : page->actions()) {
                if (action->shortcut() == key) {
                    action->trigger();
                    return;
                }
            }
        });
    }
}

void PublishShortcuts::adopt(QWidget *page)
{
    // The stand-ins give their keys up (one may be running now: it goes later), the page's own actions take them.
    for (QAction *standIn : findChildren<QAction *>(QStringLiteral("publishStandIn"))) {
        standIn->setShortcut({});
        m_window->removeAction(standIn);
        standIn->deleteLater();
    }
    for (QAction *action : page->actions()) {
        m_window->addAction(action);
        connect(action, &QAction::triggered, m_pages, [this] { m_pages->setCurrentWidget(m_publish); });
    }
}

} // namespace mrc
