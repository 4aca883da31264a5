// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "highlight/highlighter.h"
#include "render/celltemplates.h"
#include "render/renderresult.h"
#include "render/templatevariables.h"
#include "threading/jobtracker.h"
#include "threading/workerthread.h"

#include <QWidget>
#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QTableWidget;
class QTextBrowser;
class QTimer;

namespace mrc {

class AsyncHighlighter;
class Workspace;

/** What the render worker is asked for: one template of one cell, optionally against a second branch. */
struct PreviewRequest
{
    quint64 job = 0;
    Manifest manifest;
    QString cacheRoot;
    QString component;
    QString branch;
    QString templatePath;
    QHash<QString, QString> user;
    bool ignoreUndefined = false;
    enum Compare
    {
        None,
        Branch,
        Defaults
    };
    Compare compare = None;
    QString compareBranch;
};

struct PreviewResult
{
    quint64 job = 0;
    CellTemplates cell;
    QString templatePath;
    QString templateText;
    RenderResult result;
    QList<TemplateVariable> variables;
    QList<DockerfileProblem> dockerfileProblems;
    QString compareTitle;
    RenderResult compareResult;
    QString compareError;
};

/**
 * Templates: pick a component, branch and template; see the template and what templer would write, side by side
 * and highlighted, the problems with their lines, the variables with their sources, and a line diff against another
 * branch or against the unedited defaults. Git reads and rendering run on a worker thread.
 */
class TemplatesPage : public QWidget
{
    Q_OBJECT
public:
    explicit TemplatesPage(Workspace *workspace, QWidget *parent = nullptr);
    ~TemplatesPage() override;

    QString outputText() const { return m_lastOutput; }
    const PreviewResult &lastResult() const { return m_last; }
    /** True while a render or a highlight is pending. */
    bool isBusy() const;

public Q_SLOTS:
    void setSelection(const QString &component, const QString &branch, const QString &templatePath = {});
    void setVariable(const QString &name, const QString &value);
    void resetVariable(const QString &name);
    void compareWithBranch(const QString &branch);
    void compareWithDefaults();
    void stopComparing();
    void jumpToLine(int line);

Q_SIGNALS:
    void previewRequested(const mrc::PreviewRequest &request);
    void previewShown(quint64 job);

private:
    void updateCompareChoices();
    void reloadPickers();
    void schedule();
    void request();
    void showResult(const mrc::PreviewResult &result);
    void fillVariables(const QList<TemplateVariable> &rows);
    void showOutput();
    bool dark() const;

    Workspace *m_workspace;
    QComboBox *m_component;
    QComboBox *m_branch;
    QComboBox *m_template;
    QComboBox *m_compare;
    QCheckBox *m_ignoreUndefined;
    QLabel *m_status;
    QLabel *m_templateNotice;
    QLabel *m_outputTitle;
    QTextBrowser *m_templateView;
    QTextBrowser *m_outputView;
    QListWidget *m_problems;
    QTableWidget *m_variables;
    QTimer *m_debounce;
    AsyncHighlighter *m_templateHighlighter;
    AsyncHighlighter *m_outputHighlighter;
    WorkerThread m_thread{QStringLiteral("mrc-render")};
    QHash<QString, QString> m_user;
    JobTracker m_jobs{this};
    bool m_pending = false;
    bool m_filling = false;
    QString m_wantedTemplate;
    QString m_lastOutput;
    PreviewResult m_last;
};

} // namespace mrc

Q_DECLARE_METATYPE(mrc::PreviewRequest)
Q_DECLARE_METATYPE(mrc::PreviewResult)
