// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QWidget>

class QAction;
class QFrame;
class QLabel;
class QLineEdit;
class QToolButton;

namespace mrc {

class LogLinesView;
class LogModel;

/**
 * A live build log: the lines (LogLinesView, following the tail), a search bar (Ctrl+F, F3 / Shift+F3),
 * "Jump to failing step", and for a failed build a banner with the failing Dockerfile line, the last layer
 * built and the command that opens a shell in it, with a Copy button.
 */
class LogView : public QWidget
{
    Q_OBJECT
public:
    explicit LogView(QWidget *parent = nullptr);

    void setModel(LogModel *model);
    LogModel *model() const { return m_model; }
    LogLinesView *linesView() const { return m_lines; }

    bool isFollowingTail() const;
    void setFollowTail(bool follow);

    void setSearchText(const QString &text);
    QString searchText() const;
    /** Starts a search after (before) the current row; the result selects and shows the row. */
    void findNext();
    void findPrevious();

    /** Shows the header of the failing step (else the last error line); false when the log has none. */
    bool jumpToFailingStep();

    /** Shows the failure banner; @p lastLayerId empty means no layer built, so no shell command. */
    void setFailure(const QString &dockerfileLine, const QString &lastLayerId, const QString &engineHost = {});
    void clearFailure();
    bool isFailureShown() const;
    /** "docker -H <engine> run --rm -it <id> sh", or empty. */
    QString failureCommand() const;

    QAction *findAction() const { return m_findAction; }
    QAction *findNextAction() const { return m_nextAction; }
    QAction *findPreviousAction() const { return m_previousAction; }
    QAction *jumpToFailingStepAction() const { return m_jumpAction; }
    /** Wrap Long Lines (Alt+Z): checkable, remembered in the settings for every log view. */
    QAction *wrapLinesAction() const { return m_wrapAction; }

Q_SIGNALS:
    /** The answer to findNext()/findPrevious(): the row shown, or -1. */
    void searchFinished(int row);

protected:
    void changeEvent(QEvent *event) override;
    bool event(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    void find(bool forward);
    void updateBannerPalette();
    void onSearchFinished(const QString &text, int row);
    void updateActions();
    QWidget *createSearchBar();
    QFrame *createBanner();

    LogModel *m_model = nullptr;
    LogLinesView *m_lines = nullptr;
    QLineEdit *m_search = nullptr;
    QLabel *m_searchStatus = nullptr;
    QToolButton *m_followButton = nullptr;
    QFrame *m_banner = nullptr;
    QLabel *m_bannerLine = nullptr;
    QLabel *m_bannerLayer = nullptr;
    QLineEdit *m_command = nullptr;
    QToolButton *m_copyButton = nullptr;
    QAction *m_findAction = nullptr;
    QAction *m_nextAction = nullptr;
    QAction *m_previousAction = nullptr;
    QAction *m_jumpAction = nullptr;
    QAction *m_wrapAction = nullptr;
};

} // namespace mrc
