// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QWidget>
#include <functional>

namespace mrc {

/**
 * A tab's stand-in that builds its page the first time the tab is shown, or when page() asks for it: start-up
 * builds only the matrix, and a page nobody opens costs nothing. The page fills the stand-in, so findChild on the
 * window finds it (and its children, by their object names) once it is built.
 */
class LazyPage : public QWidget
{
    Q_OBJECT
public:
    using Factory = std::function<QWidget *(QWidget *parent)>;

    LazyPage(Factory factory, QWidget *parent = nullptr);

    /** The page, built now when it was not yet. */
    QWidget *page();
    /** A tab's page: the page of a LazyPage (built now), else the tab itself. */
    static QWidget *pageOf(QWidget *tab)
    {
        auto *lazy = qobject_cast<LazyPage *>(tab);
        return lazy ? lazy->page() : tab;
    }
    bool isBuilt() const { return m_page != nullptr; }

Q_SIGNALS:
    /** The page was just built (before it is shown). */
    void built(QWidget *page);

protected:
    void showEvent(QShowEvent *event) override;

private:
    Factory m_factory;
    QWidget *m_page = nullptr;
};

} // namespace mrc
