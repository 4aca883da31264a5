// SPDX-License-Identifier: Apache-2.0
#include "views/templatespage.h"

#include "highlight/asynchighlighter.h"
#include "render/linediff.h"
#include "render/templaterenderer.h"
#include "sessions/rendersession.h"
#include "workspace/workspace.h"

#include <QAbstractTextDocumentLayout>
#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QScrollBar>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextBlock>
#include <QTextBrowser>
#include <QThread>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace mrc {

namespace {

/** Lives on the page's thread: reads mirrors and talks to the Jinja2 helper, one request at a time. */
class RenderWorker : public QObject
{
    Q_OBJECT
public:
    void preview(const mrc::PreviewRequest &request)
    {
        Q_ASSERT(QThread::currentThread() == thread());
        PreviewResult out;
        out.job = request.job;
        out.cell = CellTemplates::load(request.manifest, request.component, request.branch, request.cacheRoot);
        if (!out.cell.ok()) {
            out.result.problems.append({RenderProblem::Error, 0, {}, out.cell.error});
            Q_EMIT done(out);
            return;
        }
        const TemplateFile *file = out.cell.find(request.templatePath);
        if (!file && !out.cell.templates.isEmpty())
            file = &out.cell.templates.first();
        TemplateVariables variables = variablesFor(out.cell, request.user);
        out.variables = variables.rows();
        out.dockerfileProblems = variables.problems();
        if (!file) {
            out.result.problems.append({RenderProblem::Error, 0, {}, tr("%1 has no templates").arg(out.cell.folder)});
            Q_EMIT done(out);
            return;
        }
        out.templatePath = file->path;
        out.templateText = file->text;
        out.result = m_renderer.render(variables.request(file->path, file->text, request.ignoreUndefined));
        if (request.compare == PreviewRequest::Defaults) {
            out.compareTitle = tr("defaults → edited");
            TemplateVariables defaults = variablesFor(out.cell, {});
            out.compareResult = m_renderer.render(defaults.request(file->path, file->text, request.ignoreUndefined));
        } else if (request.compare == PreviewRequest::Branch) {
            out.compareTitle = tr("%1 → %2").arg(request.compareBranch, request.branch);
            const CellTemplates other =
                CellTemplates::load(request.manifest, request.component, request.compareBranch, request.cacheRoot);
            const TemplateFile *otherFile = other.ok() ? other.find(file->path) : nullptr;
            if (!other.ok())
                out.compareError = other.error;
            else if (!otherFile)
                out.compareError = tr("%1 has no %2").arg(request.compareBranch, file->path);
            else
                out.compareResult = m_renderer.render(
                    variablesFor(other, request.user).request(file->path, otherFile->text, request.ignoreUndefined));
        }
        Q_EMIT done(out);
    }

Q_SIGNALS:
    void done(const mrc::PreviewResult &result);

private:
    TemplateVariables variablesFor(const CellTemplates &cell, const QHash<QString, QString> &user)
    {
        // The same variables as `mrc render` (no context file: the page has none to offer yet).
        return *RenderSession::variables(m_renderer, cell, {}, {}, user, nullptr);
    }

    TemplateRenderer m_renderer;
};

QString diffHtml(const QList<DiffLine> &lines, bool dark)
{
    QString html = QStringLiteral("<html><body style=\"background-color:%1;color:%2\"><pre>\n")
                       .arg(dark ? QStringLiteral("#232629") : QStringLiteral("#ffffff"),
                            dark ? QStringLiteral("#cfcfc2") : QStringLiteral("#1f1c1b"));
    for (const DiffLine &line : lines) {
        const QString text = line.text.toHtmlEscaped();
        if (line.kind == DiffLine::Same)
            html += QStringLiteral("  ") + text + QLatin1Char('\n');
        else
            html +=
                QStringLiteral("<span style=\"background-color:%1;\">%2 %3</span>\n")
                    .arg(line.kind == DiffLine::Added ? (dark ? QStringLiteral("#1e4620") : QStringLiteral("#d7f5d7"))
                                                      : (dark ? QStringLiteral("#5a1f1f") : QStringLiteral("#fbd9d9")),
                         line.kind == DiffLine::Added ? QStringLiteral("+") : QStringLiteral("-"), text);
    }
    return html + QStringLiteral("</pre></body></html>");
}

QTextBrowser *codeView(const QString &name, QWidget *parent)
{
    auto *view = new QTextBrowser(parent);
    view->setObjectName(name);
    view->setLineWrapMode(QTextEdit::NoWrap);
    view->setOpenLinks(false);
    view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    return view;
}

} // namespace

TemplatesPage::TemplatesPage(Workspace *workspace, QWidget *parent)
    : QWidget(parent), m_workspace(workspace), m_component(new QComboBox(this)), m_branch(new QComboBox(this)),
      m_template(new QComboBox(this)), m_compare(new QComboBox(this)),
      m_ignoreUndefined(new QCheckBox(tr("Ignore undefined"), this)), m_status(new QLabel(this)),
      m_templateNotice(new QLabel(this)), m_outputTitle(new QLabel(tr("Rendered"), this)),
      m_templateView(codeView(QStringLiteral("templateView"), this)),
      m_outputView(codeView(QStringLiteral("outputView"), this)), m_problems(new QListWidget(this)),
      m_variables(new QTableWidget(this)), m_debounce(new QTimer(this)),
      m_templateHighlighter(new AsyncHighlighter(this)), m_outputHighlighter(new AsyncHighlighter(this))
{
    setObjectName(QStringLiteral("templatesPage"));
    qRegisterMetaType<mrc::PreviewRequest>();
    qRegisterMetaType<mrc::PreviewResult>();
    m_component->setObjectName(QStringLiteral("componentPicker"));
    m_branch->setObjectName(QStringLiteral("branchPicker"));
    m_template->setObjectName(QStringLiteral("templatePicker"));
    m_compare->setObjectName(QStringLiteral("comparePicker"));
    m_ignoreUndefined->setObjectName(QStringLiteral("ignoreUndefined"));
    m_problems->setObjectName(QStringLiteral("problemList"));
    m_variables->setObjectName(QStringLiteral("variableTable"));
    m_status->setObjectName(QStringLiteral("templateStatus"));
    m_template->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_component->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_branch->setSizeAdjustPolicy(QComboBox::AdjustToContents);

    auto *pickers = new QHBoxLayout;
    pickers->addWidget(new QLabel(tr("Component"), this));
    pickers->addWidget(m_component);
    pickers->addWidget(new QLabel(tr("Branch"), this));
    pickers->addWidget(m_branch);
    pickers->addWidget(new QLabel(tr("Template"), this));
    pickers->addWidget(m_template);
    pickers->addWidget(m_ignoreUndefined);
    pickers->addSpacing(12);
    pickers->addWidget(new QLabel(tr("Compare with"), this));
    pickers->addWidget(m_compare);
    pickers->addStretch();

    auto *templateBox = new QWidget(this);
    auto *templateLayout = new QVBoxLayout(templateBox);
    templateLayout->setContentsMargins(0, 0, 0, 0);
    templateLayout->addWidget(new QLabel(tr("Template"), templateBox));
    templateLayout->addWidget(m_templateView);
    auto *outputBox = new QWidget(this);
    auto *outputLayout = new QVBoxLayout(outputBox);
    outputLayout->setContentsMargins(0, 0, 0, 0);
    outputLayout->addWidget(m_outputTitle);
    outputLayout->addWidget(m_outputView);
    auto *sideBySide = new QSplitter(Qt::Horizontal, this);
    sideBySide->addWidget(templateBox);
    sideBySide->addWidget(outputBox);

    m_variables->setColumnCount(4);
    m_variables->setHorizontalHeaderLabels({tr("Variable"), tr("Value"), tr("Source"), QString()});
    m_variables->verticalHeader()->hide();
    m_variables->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_variables->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_variables->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_variables->horizontalHeader()->setSectionResizeMode(3, QHeaderView::ResizeToContents);
    auto *tabs = new QTabWidget(this);
    tabs->setObjectName(QStringLiteral("templateTabs"));
    tabs->addTab(m_problems, tr("Problems"));
    tabs->addTab(m_variables, tr("Variables"));

    auto *vertical = new QSplitter(Qt::Vertical, this);
    vertical->addWidget(sideBySide);
    vertical->addWidget(tabs);
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 2);

    m_templateNotice->setWordWrap(true);
    m_templateNotice->hide();
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(pickers);
    layout->addWidget(m_status);
    layout->addWidget(m_templateNotice);
    layout->addWidget(vertical, 1);

    m_debounce->setSingleShot(true);
    m_debounce->setInterval(150);
    connect(m_debounce, &QTimer::timeout, this, &TemplatesPage::request);

    auto *worker = new RenderWorker;
    connect(this, &TemplatesPage::previewRequested, worker, &RenderWorker::preview, Qt::QueuedConnection);
    connect(worker, &RenderWorker::done, this, &TemplatesPage::showResult, Qt::QueuedConnection);
    m_thread.start(worker);

    connect(m_templateHighlighter, &AsyncHighlighter::highlighted, this, [this](const HighlightResult &result) {
        const int scroll = m_templateView->verticalScrollBar()->value();
        m_templateView->setHtml(result.html);
        m_templateView->verticalScrollBar()->setValue(scroll);
        m_templateNotice->setText(result.notice);
        m_templateNotice->setVisible(!result.notice.isEmpty());
    });
    connect(m_outputHighlighter, &AsyncHighlighter::highlighted, this, [this](const HighlightResult &result) {
        const int scroll = m_outputView->verticalScrollBar()->value();
        m_outputView->setHtml(result.html);
        m_outputView->verticalScrollBar()->setValue(scroll);
    });

    connect(m_component, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_filling) {
            m_user.clear(); // edits belong to one image's environment
            schedule();
        }
    });
    connect(m_branch, &QComboBox::currentIndexChanged, this, [this] {
        updateCompareChoices();
        if (!m_filling)
            schedule();
    });
    connect(m_template, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_filling) {
            m_wantedTemplate = m_template->currentText();
            schedule();
        }
    });
    connect(m_compare, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_filling)
            schedule();
    });
    connect(m_ignoreUndefined, &QCheckBox::toggled, this, &TemplatesPage::schedule);
    connect(m_problems, &QListWidget::itemClicked, this,
            [this](QListWidgetItem *item) { jumpToLine(item->data(Qt::UserRole).toInt()); });
    connect(m_variables, &QTableWidget::itemChanged, this, [this](QTableWidgetItem *item) {
        if (m_filling || item->column() != 1)
            return;
        setVariable(m_variables->item(item->row(), 0)->text(), item->text());
    });
    connect(m_workspace, &Workspace::manifestChanged, this, &TemplatesPage::reloadPickers);
    reloadPickers();
}

TemplatesPage::~TemplatesPage()
{
    m_jobs.invalidate();
    m_thread.stop();
}

bool TemplatesPage::dark() const
{
    return palette().color(QPalette::Window).lightness() < 128;
}

bool TemplatesPage::isBusy() const
{
    return m_pending || m_debounce->isActive() || m_templateHighlighter->isBusy() || m_outputHighlighter->isBusy();
}

void TemplatesPage::reloadPickers()
{
    const Manifest &manifest = m_workspace->manifest();
    m_filling = true;
    const QString component = m_component->currentText();
    const QString branch = m_branch->currentText();
    m_component->clear();
    m_branch->clear();
    for (const ComponentSpec &spec : manifest.components)
        m_component->addItem(spec.name);
    for (const BranchSpec &spec : manifest.branches)
        m_branch->addItem(spec.name);
    m_component->setCurrentIndex(std::max(0, m_component->findText(component)));
    m_branch->setCurrentIndex(std::max(0, m_branch->findText(branch)));
    m_compare->clear();
    m_compare->addItem(tr("nothing"));
    m_compare->addItem(tr("defaults (no edits)"));
    for (const BranchSpec &spec : manifest.branches)
        m_compare->addItem(tr("branch %1").arg(spec.name), spec.name);
    updateCompareChoices();
    m_filling = false;
    schedule();
}

void TemplatesPage::setSelection(const QString &component, const QString &branch, const QString &templatePath)
{
    m_filling = true;
    if (m_component->currentText() != component)
        m_user.clear();
    m_component->setCurrentIndex(m_component->findText(component));
    m_branch->setCurrentIndex(m_branch->findText(branch));
    m_filling = false;
    m_wantedTemplate = templatePath;
    schedule();
}

void TemplatesPage::setVariable(const QString &name, const QString &value)
{
    m_user.insert(name, value);
    schedule();
}

void TemplatesPage::resetVariable(const QString &name)
{
    m_user.remove(name);
    schedule();
}

void TemplatesPage::updateCompareChoices()
{
    // The branch shown is no comparison for itself.
    auto *items = qobject_cast<QStandardItemModel *>(m_compare->model());
    if (!items)
        return;
    const QString shown = m_branch->currentText();
    for (int i = 0; i < m_compare->count(); ++i) {
        const QString branch = m_compare->itemData(i).toString();
        if (QStandardItem *item = items->item(i))
            item->setEnabled(branch.isEmpty() || branch != shown);
    }
    if (!m_compare->currentData().toString().isEmpty() && m_compare->currentData().toString() == shown)
        m_compare->setCurrentIndex(0);
}

void TemplatesPage::compareWithBranch(const QString &branch)
{
    m_compare->setCurrentIndex(m_compare->findData(branch));
}

void TemplatesPage::compareWithDefaults()
{
    m_compare->setCurrentIndex(1);
}

void TemplatesPage::stopComparing()
{
    m_compare->setCurrentIndex(0);
}

void TemplatesPage::schedule()
{
    m_debounce->start();
}

void TemplatesPage::request()
{
    if (m_component->currentIndex() < 0 || m_branch->currentIndex() < 0)
        return;
    PreviewRequest request;
    request.job = m_jobs.start();
    request.manifest = m_workspace->manifest();
    request.cacheRoot = m_workspace->cacheRoot();
    request.component = m_component->currentText();
    request.branch = m_branch->currentText();
    request.templatePath = m_wantedTemplate;
    request.user = m_user;
    request.ignoreUndefined = m_ignoreUndefined->isChecked();
    const int compare = m_compare->currentIndex();
    request.compare = compare <= 0   ? PreviewRequest::None
                      : compare == 1 ? PreviewRequest::Defaults
                                     : PreviewRequest::Branch;
    request.compareBranch = m_compare->currentData().toString();
    m_pending = true;
    m_status->setText(tr("Rendering %1 @ %2…").arg(request.component, request.branch));
    Q_EMIT previewRequested(request);
}

void TemplatesPage::showResult(const PreviewResult &result)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (!m_jobs.isCurrent(result.job))
        return; // a newer request is on its way
    m_jobs.finish(result.job);
    m_pending = false;
    m_last = result;
    m_filling = true;
    m_template->clear();
    for (const TemplateFile &file : result.cell.templates)
        m_template->addItem(file.path);
    m_template->setCurrentIndex(m_template->findText(result.templatePath));
    m_filling = false;
    m_wantedTemplate = result.templatePath;

    QString status = result.cell.ok() ? tr("%1 @ %2, commit %3 — %4")
                                            .arg(result.cell.component, result.cell.branch, result.cell.commit.left(7),
                                                 result.result.statusName())
                                      : result.cell.error;
    if (!result.result.problems.isEmpty())
        status += tr(" (%n problem(s))", nullptr, int(result.result.problems.size()));
    m_status->setText(status);

    m_problems->clear();
    for (const RenderProblem &problem : result.result.problems) {
        auto *item = new QListWidgetItem(
            problem.line > 0 ? tr("line %1: %2: %3").arg(problem.line).arg(problem.kindName(), problem.message)
                             : tr("%1: %2").arg(problem.kindName(), problem.message),
            m_problems);
        item->setData(Qt::UserRole, problem.line);
    }
    for (const DockerfileProblem &problem : result.dockerfileProblems)
        new QListWidgetItem(tr("Dockerfile: %1").arg(problem.message), m_problems);
    if (!result.cell.warning.isEmpty())
        new QListWidgetItem(result.cell.warning, m_problems);
    if (!result.compareError.isEmpty())
        new QListWidgetItem(tr("compare: %1").arg(result.compareError), m_problems);

    fillVariables(result.variables);
    m_templateHighlighter->request(result.templateText, result.templatePath, dark());
    showOutput();
    Q_EMIT previewShown(result.job);
}

void TemplatesPage::showOutput()
{
    const PreviewResult &result = m_last;
    m_lastOutput = result.result.output;
    const bool comparing = !result.compareTitle.isEmpty();
    if (comparing && result.compareError.isEmpty()) {
        const auto lines = LineDiff::compute(result.compareResult.output, result.result.output);
        m_outputTitle->setText(
            tr("Diff %1: %n changed line(s)", nullptr, LineDiff::changes(lines)).arg(result.compareTitle));
        m_outputView->setHtml(diffHtml(lines, dark()));
        const auto change =
            std::find_if(lines.cbegin(), lines.cend(), [](const DiffLine &l) { return l.kind != DiffLine::Same; });
        if (change != lines.cend()) {
            // Show the first change near the top, with a few lines of context above it.
            const QTextBlock block =
                m_outputView->document()->findBlockByNumber(std::max(0, int(change - lines.cbegin()) - 5));
            const QRectF rect = m_outputView->document()->documentLayout()->blockBoundingRect(block);
            m_outputView->verticalScrollBar()->setValue(int(rect.top()));
        }
        return;
    }
    QString rendered = result.templatePath;
    for (const char *suffix : {".j2", ".jinja2"}) {
        if (rendered.endsWith(QLatin1String(suffix)))
            rendered.chop(int(qstrlen(suffix)));
    }
    m_outputTitle->setText(result.result.partial
                               ? tr("Rendered %1 (partial: undefined values shown empty)").arg(rendered)
                               : tr("Rendered %1").arg(rendered));
    m_outputHighlighter->request(result.result.output, rendered, dark());
}

void TemplatesPage::fillVariables(const QList<TemplateVariable> &rows)
{
    m_filling = true;
    m_variables->setRowCount(int(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
        const TemplateVariable &row = rows.at(i);
        auto *name = new QTableWidgetItem(row.name);
        name->setFlags(name->flags() & ~Qt::ItemIsEditable);
        auto *value = new QTableWidgetItem(row.value);
        if (row.edited)
            value->setToolTip(tr("Default: %1").arg(row.defaultValue));
        auto *source = new QTableWidgetItem(row.sourceText());
        source->setFlags(source->flags() & ~Qt::ItemIsEditable);
        m_variables->setItem(i, 0, name);
        m_variables->setItem(i, 1, value);
        m_variables->setItem(i, 2, source);
        if (row.edited) {
            auto *reset = new QToolButton(m_variables);
            reset->setText(tr("Reset"));
            reset->setObjectName(QStringLiteral("reset_") + row.name);
            const QString variable = row.name;
            connect(reset, &QToolButton::clicked, this, [this, variable] { resetVariable(variable); });
            m_variables->setCellWidget(i, 3, reset);
        } else {
            m_variables->removeCellWidget(i, 3);
        }
    }
    m_filling = false;
}

void TemplatesPage::jumpToLine(int line)
{
    if (line <= 0)
        return;
    const QTextBlock block = m_templateView->document()->findBlockByNumber(line - 1);
    if (!block.isValid())
        return;
    QTextCursor cursor(block);
    cursor.select(QTextCursor::LineUnderCursor);
    m_templateView->setTextCursor(cursor);
    m_templateView->ensureCursorVisible();
    QTextEdit::ExtraSelection mark;
    mark.cursor = cursor;
    mark.format.setBackground(dark() ? QColor(0x5a, 0x4a, 0x1f) : QColor(0xff, 0xf1, 0xa8));
    mark.format.setProperty(QTextFormat::FullWidthSelection, true);
    m_templateView->setExtraSelections({mark});
}

} // namespace mrc

#include "templatespage.moc"
