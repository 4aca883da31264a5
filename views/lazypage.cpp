// SPDX-License-Identifier: Apache-2.0
#include "views/lazypage.h"

#include <QVBoxLayout>

namespace mrc {

LazyPage::LazyPage(Factory factory, QWidget *parent) : QWidget(parent), m_factory(std::move(factory))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
}

QWidget *LazyPage::page()
{
    if (!m_page) {
        m_page = m_factory(this);
        m_factory = nullptr;
        layout()->addWidget(m_page);
        Q_EMIT built(m_page);
    }
    return m_page;
}

void LazyPage::showEvent(QShowEvent *event)
{
    page();
    QWidget::showEvent(event);
}

} // namespace mrc
