// SPDX-License-Identifier: Apache-2.0
#include "views/detailspanel.h"

#include "highlight/asynchighlighter.h"
#include "jobs/buildplan.h"
#include "jobs/buildrunner.h"
#include "models/logmodel.h"
#include "views/logview.h"
#include "views/statestyle.h"
#include "views/testspanel.h"

#include <QFontDatabase>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPointer>
#include <QSplitter>
#include <QTabWidget>
#include <QTextBrowser>
#include <QThread>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace mrc {

DetailsPanel::DetailsPanel(const QString &cacheRoot, QWidget *parent)
    : QWidget(parent), m_cacheRoot(cacheRoot), m_title(new QLabel(this)), m_state(new QLabel(this)),
      m_commit(new QLabel(this)), m_files(new QTreeWidget(this)), m_dockerfile(new QTextBrowser(this)),
      m_dockerfileNotice(new QLabel(this)), m_highlighter(new AsyncHighlighter(this)),
      m_buildArgs(new QTreeWidget(this)), m_tabs(new QTabWidget(this)), m_logModel(new LogModel(this)),
      m_logView(new LogView(this)), m_testsPanel(new TestsPanel(this))
{
    setObjectName(QStringLiteral("detailsPanel"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(6);

    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setObjectName(QStringLiteral("detailsTitle"));
    m_state->setObjectName(QStringLiteral("detailsState"));
    // Long names wrap instead of widening the panel: the splitter must not move when a cell is selected.
    for (QLabel *label : {m_title, m_state, m_commit}) {
        label->setWordWrap(true);
        label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        label->setMinimumWidth(1);
    }
    m_state->setWordWrap(true);
    m_state->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_commit->setWordWrap(true);
    m_commit->setTextFormat(Qt::RichText);
    m_commit->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_commit->setObjectName(QStringLiteral("commitLabel"));

    m_files->setObjectName(QStringLiteral("fileTree"));
    m_files->setHeaderLabels({tr("File"), tr("Size")});
    m_files->setRootIsDecorated(false);
    m_files->setUniformRowHeights(true);
    m_files->header()->setStretchLastSection(false);
    m_files->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_files->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_files);
    split->addWidget(createDockerfileBox(split));
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    split->setChildrenCollapsible(false);

    layout->addWidget(m_title);
    layout->addWidget(m_state);
    layout->addWidget(m_commit);
    m_logView->setObjectName(QStringLiteral("buildLogView"));
    m_logView->setModel(m_logModel);
    m_tabs->setObjectName(QStringLiteral("detailsTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(split, tr("Folder"));
    m_tabs->addTab(m_logView, tr("Build log"));
    m_tabs->addTab(m_testsPanel, tr("Tests"));
    m_buildArgs->setObjectName(QStringLiteral("buildArgsView"));
    m_buildArgs->setColumnCount(2);
    m_buildArgs->setHeaderLabels({tr("Build argument"), tr("Value")});
    m_buildArgs->setRootIsDecorated(false);
    m_buildArgs->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_tabs->addTab(m_buildArgs, tr("Build arguments"));
    TestOptions testOptions;
    testOptions.cacheRoot = cacheRoot;
    m_testsPanel->setOptions(testOptions);
    layout->addWidget(m_tabs, 1);
    showCell(nullptr, 0);
}

void DetailsPanel::setManifest(const Manifest &manifest)
{
    m_manifest = manifest;
    m_testsPanel->setManifest(manifest);
    showCell(nullptr, 0);
}

QWidget *DetailsPanel::createDockerfileBox(QWidget *parent)
{
    m_dockerfile->setObjectName(QStringLiteral("dockerfileView"));
    // Like the Templates page: KSyntaxHighlighting's HTML in a text browser, numbered lines, a notice when plain.
    m_dockerfile->setLineWrapMode(QTextEdit::NoWrap);
    m_dockerfile->setOpenLinks(false);
    m_dockerfile->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_dockerfileNotice->setObjectName(QStringLiteral("dockerfileNotice"));
    m_dockerfileNotice->setWordWrap(true);
    m_dockerfileNotice->hide();
    m_highlighter->setDebounce(0);
    connect(m_highlighter, &AsyncHighlighter::highlighted, this, [this](const HighlightResult &result) {
        if (m_highlightJob != m_jobs.current())
            return; // another cell is shown by now
        m_dockerfile->setHtml(result.html);
        m_dockerfileNotice->setText(result.notice);
        m_dockerfileNotice->setVisible(!result.notice.isEmpty());
        Q_EMIT dockerfileHighlighted();
    });

    auto *dockerfileBox = new QWidget(parent);
    auto *dockerfileLayout = new QVBoxLayout(dockerfileBox);
    dockerfileLayout->setContentsMargins(0, 4, 0, 0);
    dockerfileLayout->setSpacing(4);
    auto *dockerfileHeading = new QLabel(tr("Dockerfile"), dockerfileBox);
    QFont heading = dockerfileHeading->font();
    heading.setBold(true);
    dockerfileHeading->setFont(heading);
    dockerfileLayout->addWidget(dockerfileHeading);
    dockerfileLayout->addWidget(m_dockerfileNotice);
    dockerfileLayout->addWidget(m_dockerfile);
    return dockerfileBox;
}

void DetailsPanel::setEngines(const QList<EngineStatus> &engines)
{
    m_testsPanel->setEngines(engines);
}

void DetailsPanel::showCell(const Cell *cell, int selectedCount)
{
    const quint64 job = m_jobs.start();
    m_files->clear();
    m_dockerfile->clear();
    m_dockerfileNotice->hide();
    m_buildArgs->clear();
    m_testsPanel->showCell(selectedCount > 1 ? nullptr : cell);
    m_hasCell = cell != nullptr;
    if (!cell) {
        m_loading = false;
        m_title->setText(selectedCount > 1 ? tr("%n cells selected", nullptr, selectedCount) : tr("No cell selected"));
        m_state->setText(selectedCount > 1 ? QString()
                                           : tr("Select a cell of the matrix to see its commit and files."));
        m_commit->clear();
        return;
    }
    m_title->setText(QStringLiteral("%1 · %2 · Docker %3").arg(cell->component, cell->branch, cell->docker));
    m_cellState = cell->state;
    m_cellMessage = cell->message;
    m_jobState = cell->job;
    m_jobMessage = cell->jobMessage;
    showHeaderState();
    m_commit->setText(cell->commit.isEmpty() ? tr("No commit") : tr("Loading %1…").arg(cell->commit.left(7)));

    const ComponentSpec *component = m_manifest.component(cell->component);
    if (!component || cell->commit.isEmpty()) {
        m_loading = false;
        return;
    }
    m_loading = true;
    auto *watcher = new QFutureWatcher<CellDetails>(this);
    connect(watcher, &QFutureWatcher<CellDetails>::finished, watcher, &QObject::deleteLater);
    // Dropped when the selection moved on while this was loading.
    connect(watcher, &QFutureWatcher<CellDetails>::finished, this, m_jobs.guard(job, [this, watcher] {
        Q_ASSERT(QThread::currentThread() == thread());
        m_loading = false;
        applyDetails(watcher->result());
        Q_EMIT loaded();
    }));
    watcher->setFuture(QtConcurrent::run(&CellDetails::load, *component, *cell, m_cacheRoot));
    loadBuildArgs(*cell, *component, job);
}

void DetailsPanel::loadBuildArgs(const Cell &cell, const ComponentSpec &component, quint64 job)
{
    // What a build of this cell would pass: computed like the build does, from the mirrors, off the GUI thread.
    BuildJobSpec spec;
    spec.cell = cell;
    spec.repo = component.repo;
    spec.context = component.context;
    const BranchSpec *branch = m_manifest.branch(cell.branch);
    spec.tag = branch && branch->isRef() ? BuildPlan::refTag(component.image, branch->ref)
                                         : BuildPlan::localTag(component.image, cell.branch);
    spec.created = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ssZ"));
    auto *watcher = new QFutureWatcher<QPair<BuildJobSpec, QString>>(this);
    connect(watcher, &QFutureWatcher<QPair<BuildJobSpec, QString>>::finished, watcher, &QObject::deleteLater);
    connect(watcher, &QFutureWatcher<QPair<BuildJobSpec, QString>>::finished, this, m_jobs.guard(job, [this, watcher] {
        Q_ASSERT(QThread::currentThread() == thread());
        const auto [spec, error] = watcher->result();
        m_buildArgs->clear();
        const auto row = [this](const QString &name, const QString &value) {
            auto *item = new QTreeWidgetItem(m_buildArgs, {name, value});
            item->setToolTip(1, value);
        };
        if (!error.isEmpty()) {
            row(tr("(none)"), error);
        } else {
            for (auto it = spec.buildArgs.cbegin(); it != spec.buildArgs.cend(); ++it)
                row(it.key(), it.value());
            auto *tag = new QTreeWidgetItem(m_buildArgs, {tr("--tag"), spec.tag});
            tag->setToolTip(1, spec.buildScript.isEmpty() ? tr("as today's upstream build_image.sh")
                                                          : tr("as %1 at this commit").arg(spec.buildScript));
        }
        Q_EMIT buildArgsLoaded();
    }));
    watcher->setFuture(QtConcurrent::run([spec, manifest = m_manifest, cacheRoot = m_cacheRoot]() mutable {
        QString error;
        BuildPlan::resolveJobArgs(spec, manifest, cacheRoot, &error);
        return qMakePair(spec, error);
    }));
}

QMap<QString, QString> DetailsPanel::buildArgsShown() const
{
    QMap<QString, QString> out;
    for (int i = 0; i < m_buildArgs->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *item = m_buildArgs->topLevelItem(i);
        if (item->text(0) != QLatin1String("--tag"))
            out.insert(item->text(0), item->text(1));
    }
    return out;
}

void DetailsPanel::applyDetails(const CellDetails &details)
{
    if (details.commit.isValid()) {
        const CommitInfo &c = details.commit;
        m_commit->setText(tr("<tt>%1</tt><br/>%2 &lt;%3&gt;<br/>%4<br/><b>%5</b>")
                              .arg(c.sha, c.author.toHtmlEscaped(), c.authorEmail.toHtmlEscaped(),
                                   QLocale().toString(c.date.toLocalTime(), QLocale::LongFormat),
                                   c.subject.toHtmlEscaped()));
    }
    for (const TreeEntry &entry : details.files) {
        if (entry.isDir)
            continue;
        auto *item = new QTreeWidgetItem(
            m_files, {entry.path, entry.isSymlink ? tr("link") : QLocale().formattedDataSize(entry.size)});
        item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
    }
    if (!details.dockerfile.isEmpty()) {
        const QString text = QString::fromUtf8(details.dockerfile);
        m_dockerfile->setPlainText(text);
        // Highlighted off the GUI thread, as the Templates page does; until then the plain text shows.
        m_highlightJob = m_jobs.current();
        m_highlighter->request(text, QStringLiteral("Dockerfile"), palette().color(QPalette::Base).lightness() < 128);
    } else if (!details.error.isEmpty()) {
        m_dockerfile->setPlainText(details.error);
    }
}

void DetailsPanel::showJob(const JobUpdate *job)
{
    const QString path = job ? job->logPath : QString();
    if (path != m_logPath) {
        m_logPath = path;
        m_logOpen = false;
        m_logModel->close();
        m_logView->clearFailure();
    }
    openLogIfNeeded();
    if (job) {
        m_jobState = job->state;
        m_jobMessage = job->state == JobState::Failed && !job->failingStep.isEmpty() ? job->failingStep : job->message;
    }
    if (m_hasCell)
        showHeaderState();
    if (!job) {
        m_tabs->setTabIcon(1, QIcon());
        m_tabs->setTabText(1, tr("Build log"));
        return;
    }
    m_tabs->setTabIcon(1, StateStyle::icon(job->state));
    m_tabs->setTabText(1, tr("Build log (%1)").arg(StateStyle::label(job->state)));
    if (job->state == JobState::Failed) {
        const QString where = job->dockerfileLine > 0
                                  ? tr("Dockerfile line %1: %2").arg(job->dockerfileLine).arg(job->failingStep)
                                  : job->failingStep;
        QString host;
        for (const EngineSpec &engine : std::as_const(m_manifest.engines)) {
            if (engine.name == job->engine)
                host = engine.host;
        }
        m_logView->setFailure(where, job->lastLayerId, host);
    } else {
        m_logView->clearFailure();
    }
    m_logModel->refresh();
}

void DetailsPanel::logGrew()
{
    if (!openLogIfNeeded() && m_logOpen)
        m_logModel->refresh();
}

void DetailsPanel::focusDetails()
{
    m_tabs->setFocus(Qt::TabFocusReason);
}

bool DetailsPanel::openLogIfNeeded()
{
    // A queued job names its log before the file exists: open it as soon as it does, not only on a new path.
    if (m_logOpen || m_logPath.isEmpty())
        return false;
    m_logOpen = m_logModel->open(m_logPath);
    return m_logOpen;
}

void DetailsPanel::showHeaderState()
{
    // The build's outcome comes first: a failed cell must not read "Ready".
    QString text;
    if (m_cellState != CellState::Ready)
        text = QStringLiteral("%1 — %2").arg(StateStyle::label(m_cellState), m_cellMessage);
    else if (m_jobState == JobState::None)
        text = tr("Not built — %1").arg(m_cellMessage);
    else if (m_jobMessage.isEmpty())
        text = StateStyle::label(m_jobState);
    else
        text = QStringLiteral("%1 — %2").arg(StateStyle::label(m_jobState), m_jobMessage);
    m_state->setText(text);
    m_state->setAccessibleName(tr("State: %1").arg(text));
}

QString DetailsPanel::stateText() const
{
    return m_state->text();
}

QString DetailsPanel::commitText() const
{
    return m_commit->text();
}

QStringList DetailsPanel::fileNames() const
{
    QStringList names;
    for (int i = 0; i < m_files->topLevelItemCount(); ++i)
        names.append(m_files->topLevelItem(i)->text(0));
    return names;
}

QString DetailsPanel::dockerfileText() const
{
    return m_dockerfile->toPlainText();
}

} // namespace mrc
