// SPDX-License-Identifier: Apache-2.0
#include "views/logview.h"

#include "models/logmodel.h"
#include "views/loglinesview.h"

#include <QAction>
#include <QClipboard>
#include <QEvent>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace mrc {

LogView::LogView(QWidget *parent) : QWidget(parent), m_lines(new LogLinesView(this))
{
    m_findAction = new QAction(tr("&Find…"), this);
    m_findAction->setShortcut(QKeySequence::Find);
    m_nextAction = new QAction(tr("Find &Next"), this);
    m_nextAction->setShortcut(QKeySequence(Qt::Key_F3));
    m_nextAction->setIcon(style()->standardIcon(QStyle::SP_ArrowDown));
    m_previousAction = new QAction(tr("Find &Previous"), this);
    m_previousAction->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F3));
    m_previousAction->setIcon(style()->standardIcon(QStyle::SP_ArrowUp));
    m_jumpAction = new QAction(tr("&Jump to Failing Step"), this);
    m_jumpAction->setIcon(style()->standardIcon(QStyle::SP_MessageBoxCritical));
    m_wrapAction = new QAction(tr("&Wrap Long Lines"), this);
    m_wrapAction->setObjectName(QStringLiteral("wrapLinesAction"));
    m_wrapAction->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Z));
    m_wrapAction->setToolTip(tr("Wrap long lines at the width of the view instead of scrolling sideways (Alt+Z)"));
    m_wrapAction->setIconText(tr("Wrap"));
    m_wrapAction->setCheckable(true);
    m_wrapAction->setChecked(QSettings().value(QStringLiteral("log/wrapLines"), false).toBool());
    m_lines->setWrapLines(m_wrapAction->isChecked());
    connect(m_wrapAction, &QAction::toggled, this, [this](bool wrap) {
        m_lines->setWrapLines(wrap);
        QSettings().setValue(QStringLiteral("log/wrapLines"), wrap);
    });
    for (QAction *action : {m_findAction, m_nextAction, m_previousAction, m_jumpAction, m_wrapAction}) {
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(action);
    }
    connect(m_nextAction, &QAction::triggered, this, &LogView::findNext);
    connect(m_previousAction, &QAction::triggered, this, &LogView::findPrevious);
    connect(m_jumpAction, &QAction::triggered, this, &LogView::jumpToFailingStep);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_banner = createBanner();
    layout->addWidget(m_banner);
    layout->addWidget(createSearchBar());
    layout->addWidget(m_lines, 1);
    setFocusProxy(m_lines);

    connect(m_findAction, &QAction::triggered, this, [this] {
        m_search->setFocus(Qt::ShortcutFocusReason);
        m_search->selectAll();
    });
    connect(m_lines, &LogLinesView::followingTailChanged, m_followButton, &QToolButton::setChecked);
    updateActions();
}

namespace {
QAction *actionFor(QKeyEvent *key, std::initializer_list<QAction *> actions)
{
    const QKeySequence pressed(key->keyCombination());
    for (QAction *action : actions) {
        if (action->isEnabled() && action->shortcut() == pressed)
            return action;
    }
    return nullptr;
}
} // namespace

bool LogView::event(QEvent *event)
{
    // Inside the log its own Find wins over the window's Ctrl+F (which filters the matrix): claiming the key here
    // keeps Qt from finding two shortcuts for it ("Ambiguous shortcut overload").
    if (event->type() == QEvent::ShortcutOverride &&
        actionFor(static_cast<QKeyEvent *>(event), {m_findAction, m_nextAction, m_previousAction})) {
        event->accept();
        return true;
    }
    return QWidget::event(event);
}

void LogView::keyPressEvent(QKeyEvent *event)
{
    if (QAction *action = actionFor(event, {m_findAction, m_nextAction, m_previousAction})) {
        action->trigger();
        event->accept();
        return;
    }
    QWidget::keyPressEvent(event);
}

QWidget *LogView::createSearchBar()
{
    auto *bar = new QWidget(this);
    auto *layout = new QHBoxLayout(bar);
    layout->setContentsMargins(4, 2, 4, 2);
    m_search = new QLineEdit(bar);
    m_search->setObjectName(QStringLiteral("logSearch"));
    m_search->setPlaceholderText(tr("Search the log (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    connect(m_search, &QLineEdit::returnPressed, this, &LogView::findNext);
    connect(m_search, &QLineEdit::textChanged, m_lines, &LogLinesView::setHighlightText);
    connect(m_search, &QLineEdit::textChanged, this, [this] { m_searchStatus->clear(); });
    layout->addWidget(m_search, 1);
    for (QAction *action : {m_previousAction, m_nextAction}) {
        auto *button = new QToolButton(bar);
        button->setDefaultAction(action);
        button->setAutoRaise(true);
        layout->addWidget(button);
    }
    m_searchStatus = new QLabel(bar);
    m_searchStatus->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("Line 10000000")));
    layout->addWidget(m_searchStatus);
    auto *jump = new QToolButton(bar);
    jump->setDefaultAction(m_jumpAction);
    jump->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    jump->setAutoRaise(true);
    layout->addWidget(jump);
    auto *wrap = new QToolButton(bar);
    wrap->setObjectName(QStringLiteral("wrapLinesButton"));
    wrap->setDefaultAction(m_wrapAction);
    wrap->setAutoRaise(true);
    layout->addWidget(wrap);
    m_followButton = new QToolButton(bar);
    m_followButton->setText(tr("Follow"));
    m_followButton->setToolTip(tr("Keep the last line in view"));
    m_followButton->setCheckable(true);
    m_followButton->setChecked(true);
    m_followButton->setAutoRaise(true);
    connect(m_followButton, &QToolButton::clicked, this, &LogView::setFollowTail);
    layout->addWidget(m_followButton);
    return bar;
}

QFrame *LogView::createBanner()
{
    auto *banner = new QFrame(this);
    banner->setObjectName(QStringLiteral("failureBanner"));
    banner->setFrameShape(QFrame::StyledPanel);
    banner->setAutoFillBackground(true);
    auto *layout = new QGridLayout(banner);
    auto *icon = new QLabel(banner);
    const int size = style()->pixelMetric(QStyle::PM_LargeIconSize);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxCritical).pixmap(size, size));
    layout->addWidget(icon, 0, 0, 3, 1, Qt::AlignTop);
    auto *title = new QLabel(tr("<b>The build failed</b>"), banner);
    layout->addWidget(title, 0, 1, 1, 3);
    m_bannerLine = new QLabel(banner);
    m_bannerLine->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_bannerLine->setTextFormat(Qt::RichText);
    layout->addWidget(m_bannerLine, 1, 1, 1, 3);
    m_bannerLayer = new QLabel(banner);
    m_bannerLayer->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_bannerLayer, 2, 1);
    m_command = new QLineEdit(banner);
    m_command->setObjectName(QStringLiteral("failureCommand"));
    m_command->setReadOnly(true);
    m_command->setFont(m_lines->font());
    layout->addWidget(m_command, 2, 2);
    m_copyButton = new QToolButton(banner);
    m_copyButton->setObjectName(QStringLiteral("copyCommand"));
    m_copyButton->setText(tr("Copy"));
    m_copyButton->setToolTip(tr("Copy the command that opens a shell in the last layer"));
    m_copyButton->setAccessibleName(tr("Copy shell command"));
    connect(m_copyButton, &QToolButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_command->text());
        // Say that it worked, in the button and for a screen reader; back to "Copy" after a moment.
        m_copyButton->setText(tr("Copied ✓"));
        m_copyButton->setAccessibleDescription(tr("The command is on the clipboard"));
        QTimer::singleShot(2000, m_copyButton, [button = m_copyButton] {
            button->setText(tr("Copy"));
            button->setAccessibleDescription(QString());
        });
    });
    layout->addWidget(m_copyButton, 2, 3);
    layout->setColumnStretch(2, 1);
    banner->hide();
    return banner;
}

void LogView::setModel(LogModel *model)
{
    if (m_model)
        m_model->disconnect(this);
    m_model = model;
    m_lines->setModel(model);
    if (model) {
        connect(model, &LogModel::searchFinished, this, &LogView::onSearchFinished);
        connect(model, &LogModel::rowsInserted, this, &LogView::updateActions);
        connect(model, &LogModel::modelReset, this, &LogView::updateActions);
    }
    updateActions();
}

void LogView::updateActions()
{
    m_jumpAction->setEnabled(m_model && m_model->lastErrorRow() >= 0);
}

bool LogView::isFollowingTail() const
{
    return m_lines->isFollowingTail();
}

void LogView::setFollowTail(bool follow)
{
    m_lines->setFollowTail(follow);
    m_followButton->setChecked(m_lines->isFollowingTail());
}

void LogView::setSearchText(const QString &text)
{
    m_search->setText(text);
}

QString LogView::searchText() const
{
    return m_search->text();
}

void LogView::findNext()
{
    find(true);
}

void LogView::findPrevious()
{
    find(false);
}

void LogView::find(bool forward)
{
    if (!m_model || m_search->text().isEmpty())
        return;
    int from = m_lines->currentRow();
    if (from < 0)
        from = forward ? m_lines->firstVisibleRow() - 1 : m_lines->firstVisibleRow() + m_lines->visibleRowCount();
    m_searchStatus->setText(tr("Searching…"));
    m_model->find(m_search->text(), from, forward);
}

void LogView::onSearchFinished(const QString &text, int row)
{
    if (text != m_search->text())
        return;
    if (row >= 0) {
        m_lines->setCurrentRow(row);
        m_searchStatus->setText(tr("Line %1").arg(row + 1));
    } else {
        m_searchStatus->setText(tr("No match"));
    }
    Q_EMIT searchFinished(row);
}

bool LogView::jumpToFailingStep()
{
    if (!m_model)
        return false;
    int row = m_model->failingStepRow();
    if (row < 0)
        row = m_model->lastErrorRow();
    if (row < 0)
        return false;
    m_lines->setCurrentRow(row);
    m_lines->scrollToRow(row);
    return true;
}

void LogView::setFailure(const QString &dockerfileLine, const QString &lastLayerId, const QString &engineHost)
{
    m_bannerLine->setText(dockerfileLine.isEmpty()
                              ? tr("The failing instruction is not known.")
                              : tr("Failing instruction: <code>%1</code>").arg(dockerfileLine.toHtmlEscaped()));
    const bool haveLayer = !lastLayerId.isEmpty();
    m_bannerLayer->setText(haveLayer ? tr("Last layer built: %1 — open a shell in it:").arg(lastLayerId)
                                     : tr("No layer was built before the failure."));
    // The layer is on the engine that built it, which need not be the shell's default daemon.
    const QString engine = engineHost.isEmpty() ? QString() : QStringLiteral("-H %1 ").arg(engineHost);
    m_command->setText(haveLayer ? QStringLiteral("docker %1run --rm -it %2 sh").arg(engine, lastLayerId) : QString());
    m_command->setVisible(haveLayer);
    m_copyButton->setVisible(haveLayer);
    updateBannerPalette();
    m_banner->show();
}

void LogView::updateBannerPalette()
{
    QPalette p = palette();
    p.setColor(QPalette::Window, LogLinesView::errorTint(p));
    m_banner->setPalette(p);
}

void LogView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        updateBannerPalette();
}

void LogView::clearFailure()
{
    m_banner->hide();
    m_command->clear();
}

bool LogView::isFailureShown() const
{
    return !m_banner->isHidden();
}

QString LogView::failureCommand() const
{
    return m_command->text();
}

} // namespace mrc
