// SPDX-License-Identifier: Apache-2.0
#include "views/automationpage.h"

#include "models/automationrunsmodel.h"
#include "views/desktopnotifier.h"
#include "views/rowtable.h"
#include "workspace/workspace.h"

#include <QAction>
#include <QFile>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace mrc {

namespace {

constexpr int kRunsShown = 200;
constexpr qint64 kLogTail = 2 * 1024 * 1024; // the end of a long log is what tells why a stage failed

QString readTail(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QObject::tr("(no log yet: %1)").arg(path);
    if (file.size() > kLogTail)
        file.seek(file.size() - kLogTail);
    return QString::fromUtf8(file.readAll());
}

QString seconds(double s)
{
    return s < 60 ? QStringLiteral("%1 s").arg(s, 0, 'f', 1)
                  : QStringLiteral("%1 min %2 s").arg(int(s) / 60).arg(int(s) % 60);
}

QString stageColor(StageState state)
{
    switch (state) {
    case StageState::Running:
        return QStringLiteral("#cfe2ff");
    case StageState::Done:
        return QStringLiteral("#d1e7dd");
    case StageState::Failed:
        return QStringLiteral("#f8d7da");
    case StageState::Skipped:
        return QStringLiteral("#e2e3e5");
    }
    return {};
}

} // namespace

QString AutomationPage::policyText(const Manifest &manifest)
{
    const AutomationPolicy &p = manifest.automation;
    QStringList lines;
    lines << (p.present ? tr("automation: (%1, line %2)").arg(manifest.path).arg(p.line)
                        : tr("No automation: section in %1; the watcher follows the defaults.").arg(manifest.path));
    lines << tr("  enabled: %1   interval: %2 s   review_namespace: %3")
                 .arg(p.enabled ? QStringLiteral("true") : QStringLiteral("false"))
                 .arg(p.intervalSeconds)
                 .arg(p.reviewNamespace.isEmpty() ? tr("(none: changes are never pushed)") : p.reviewNamespace);
    const QString firstRun = p.firstRun == AutomationPolicy::FirstRun::Seen      ? QStringLiteral("seen")
                             : p.firstRun == AutomationPolicy::FirstRun::Changes ? QStringLiteral("changes")
                                                                                 : QStringLiteral("events");
    lines << tr("  first_run: %1").arg(firstRun);
    lines << tr("  backoff: %1 s, doubling up to %2 s, %3 retries")
                 .arg(p.backoff.initialSeconds)
                 .arg(p.backoff.maxSeconds)
                 .arg(p.backoff.retries);
    const auto ruleLine = [](const AutomationRule &rule, const QString &where) {
        QStringList events;
        for (AutomationEventKind kind : rule.events)
            events << automationEventKindName(kind);
        return tr("  %1 branches %2, on %3: %4%5%6")
            .arg(where, rule.branches.join(QStringLiteral(", ")), events.join(QStringLiteral(", ")),
                 rule.actions.text(),
                 rule.components.isEmpty() ? QString()
                                           : tr("; components %1").arg(rule.components.join(QStringLiteral(", "))),
                 rule.docker.isEmpty() ? QString() : tr("; Docker %1").arg(rule.docker.join(QStringLiteral(", "))));
    };
    for (const AutomationRule &rule : p.rules)
        lines << ruleLine(rule, tr("line %1:").arg(rule.line));
    lines << tr("  then the defaults:");
    for (const AutomationRule &rule : AutomationPolicy::defaultRules())
        lines << ruleLine(rule, QStringLiteral("  "));
    return lines.join(QLatin1Char('\n'));
}

AutomationPage::AutomationPage(Workspace *workspace, QWidget *parent)
    : QWidget(parent), m_workspace(workspace), m_model(new AutomationRunsModel(this)), m_table(new QTableView(this)),
      m_policy(new QPlainTextEdit(this)), m_timeline(new QWidget(this)), m_log(new QPlainTextEdit(this)),
      m_status(new QLabel(this)), m_runNow(new QAction(tr("&Run Policy Now"), this)),
      m_pause(new QAction(tr("Resume"), this)), m_notifier(new DesktopNotifier(this))
{
    auto *toolbar = new QToolBar(this);
    m_runNow->setToolTip(tr("Scan every repository once and run the pipelines of what is new"));
    m_pause->setCheckable(true);
    m_pause->setChecked(true);
    m_pause->setToolTip(tr("Paused: nothing runs by itself. Resume runs a cycle every interval"));
    toolbar->addAction(m_runNow);
    toolbar->addAction(m_pause);
    toolbar->addWidget(m_status);
    connect(m_runNow, &QAction::triggered, this, &AutomationPage::runNow);
    connect(m_pause, &QAction::toggled, this, &AutomationPage::setPaused);

    m_policy->setReadOnly(true);
    m_policy->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_policy->setMaximumHeight(fontMetrics().lineSpacing() * 9);
    m_table->setModel(m_model);
    setUpRowTable(m_table);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &index) {
        const AutomationRun *run = m_model->runAt(index.row());
        m_selected = run ? run->id : 0;
        showTimeline();
    });

    auto *timelineLayout = new QHBoxLayout(m_timeline);
    timelineLayout->setContentsMargins(0, 0, 0, 0);
    for (int i = 0; i < 4; ++i) {
        if (i > 0)
            timelineLayout->addWidget(new QLabel(QStringLiteral("→"), m_timeline));
        auto *button = new QToolButton(m_timeline);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        button->setMinimumWidth(150);
        button->setMinimumHeight(fontMetrics().lineSpacing() * 3);
        button->setEnabled(false);
        timelineLayout->addWidget(button);
        m_stages << button;
    }
    timelineLayout->addStretch();
    m_log->setReadOnly(true);
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    auto *lower = new QWidget(splitter);
    auto *lowerLayout = new QVBoxLayout(lower);
    lowerLayout->setContentsMargins(0, 0, 0, 0);
    lowerLayout->addWidget(m_timeline);
    lowerLayout->addWidget(m_log);
    splitter->addWidget(lower);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(toolbar);
    layout->addWidget(m_policy);
    layout->addWidget(splitter, 1);

    if (m_workspace)
        connect(m_workspace, &Workspace::manifestChanged, this, [this] {
            m_policy->setPlainText(policyText(m_workspace->manifest()));
            if (m_watcher)
                makeWatcher();
        });
    if (m_workspace)
        m_policy->setPlainText(policyText(m_workspace->manifest()));
    updateActions();
}

AutomationPage::~AutomationPage()
{
    // The watcher's cancel flags stop a scan early; the thread deletes the watcher (and its pipeline) as it ends.
    if (m_watcher)
        QMetaObject::invokeMethod(m_watcher, &Watcher::cancel);
    m_thread.stop();
    m_logs.invalidate();
    m_logRead.waitForFinished();
}

void AutomationPage::makeWatcher()
{
    m_thread.stop(); // the previous manifest's watcher goes with its thread
    m_cycleRunning = false;
    WatcherOptions options;
    if (m_workspace)
        options.cacheRoot = m_workspace->cacheRoot();
    auto *watcher = new Watcher(m_workspace ? m_workspace->manifest() : Manifest{}, options);
    m_watcher = watcher;
    connect(watcher, &Watcher::cycleStarted, this, [this] {
        m_cycleRunning = true;
        m_status->setText(tr("Scanning the repositories…"));
        updateActions();
    });
    connect(watcher, &Watcher::runChanged, this, [this] { refresh(); });
    connect(watcher, &Watcher::runUpdated, this, &AutomationPage::onUpdate);
    connect(watcher, &Watcher::runsRead, this, &AutomationPage::onRunsRead);
    connect(watcher, &Watcher::cycleFinished, this, [this](const WatchCycle &cycle) {
        m_cycleRunning = false;
        m_status->setText(tr("Last cycle %1: %2 new event(s), %3 done, %4 failed, %5 skipped%6")
                              .arg(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss")))
                              .arg(cycle.events)
                              .arg(cycle.done)
                              .arg(cycle.failed)
                              .arg(cycle.skipped)
                              .arg(cycle.problems.isEmpty() && cycle.storeError.isEmpty()
                                       ? QString()
                                       : QStringLiteral("; ") +
                                             (cycle.storeError.isEmpty() ? cycle.problems.first() : cycle.storeError)));
        updateActions();
        refresh();
        Q_EMIT cycleFinished(cycle);
    });
    m_thread.start(watcher);
    if (!m_paused)
        QMetaObject::invokeMethod(watcher, [watcher] { watcher->start(); });
}

void AutomationPage::runNow()
{
    if (!m_watcher)
        makeWatcher();
    if (m_cycleRunning)
        return;
    m_cycleRunning = true;
    updateActions();
    QMetaObject::invokeMethod(m_watcher, [watcher = m_watcher] { watcher->runOnce(); });
}

void AutomationPage::setPaused(bool paused)
{
    if (m_pause->isChecked() != paused) {
        m_pause->setChecked(paused); // toggled() comes back here
        return;
    }
    m_paused = paused;
    m_pause->setText(paused ? tr("Resume") : tr("Pause"));
    m_pause->setToolTip(paused ? tr("Paused: nothing runs by itself. Resume runs a cycle every interval")
                               : tr("Running a cycle every interval. Pause lets the running pipeline finish"));
    if (!m_watcher) {
        if (paused)
            return;
        makeWatcher(); // starts the loop
        return;
    }
    if (paused)
        QMetaObject::invokeMethod(m_watcher, [watcher = m_watcher] {
            watcher->pause();
            watcher->stop();
        });
    else
        QMetaObject::invokeMethod(m_watcher, [watcher = m_watcher] {
            watcher->resume();
            watcher->start();
        });
}

void AutomationPage::refresh()
{
    if (!m_watcher)
        makeWatcher();
    QMetaObject::invokeMethod(m_watcher, [watcher = m_watcher] { watcher->readRuns(kRunsShown); });
}

void AutomationPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
}

const QList<AutomationRun> &AutomationPage::runs() const
{
    return m_model->runs();
}

void AutomationPage::onRunsRead(const QList<AutomationRun> &runs, const QString &error)
{
    if (!error.isEmpty())
        m_status->setText(error);
    const bool first = m_model->rowCount() == 0;
    m_model->setRuns(runs); // merged by run id: the selection stays
    if (first)
        m_table->resizeColumnsToContents();
    if (m_model->rowOf(m_selected) < 0 && m_model->rowCount() > 0)
        m_table->selectRow(0);
    showTimeline();
    Q_EMIT runsLoaded();
}

void AutomationPage::onUpdate(const PipelineUpdate &update)
{
    if (update.state == RunState::Failed) {
        const QString summary = tr("Pipeline run %1 failed").arg(update.run);
        m_notifier->notify(summary, update.message);
        Q_EMIT pipelineFailed(update.run, update.message);
    }
    m_status->setText(tr("Run %1: %2%3")
                          .arg(update.run)
                          .arg(runStateName(update.state),
                               update.message.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(update.message)));
    refresh();
}

void AutomationPage::showTimeline()
{
    const int row = m_model->rowOf(m_selected);
    const AutomationRun *run = row >= 0 ? m_model->runAt(row) : nullptr;
    for (QToolButton *button : std::as_const(m_stages)) {
        button->disconnect();
        button->setEnabled(run != nullptr);
        button->setStyleSheet({});
    }
    if (!run) {
        for (QToolButton *button : std::as_const(m_stages))
            button->setText({});
        return;
    }
    const AutomationEvent event = run->event;
    m_stages[0]->setText(tr("%1\n%2").arg(Pipeline::describe(event), event.sha.left(7)));
    m_stages[0]->setToolTip(event.subject);
    connect(m_stages[0], &QToolButton::clicked, this,
            [this, event, state = runStateName(run->state), message = run->message] {
                m_log->setPlainText(tr("%1 in %2\nref %3 at %4\ncomponents: %5\n%6\n\nrun: %7%8")
                                        .arg(Pipeline::describe(event), event.repo, event.ref, event.sha,
                                             event.components.join(QStringLiteral(", ")), event.subject, state,
                                             message.isEmpty() ? QString() : QStringLiteral(": ") + message));
            });
    const bool wanted[] = {run->actions.build, run->actions.test, run->actions.push};
    for (RunStage stage : {RunStage::Build, RunStage::Test, RunStage::Push}) {
        QToolButton *button = m_stages[int(stage) + 1];
        const StageRecord *record = run->stage(stage);
        if (!record) {
            button->setText(tr("%1\n%2").arg(runStageName(stage), wanted[int(stage)] ? tr("—") : tr("not in policy")));
            button->setEnabled(false);
            continue;
        }
        const QDateTime end = record->finished.isValid() ? record->finished : QDateTime::currentDateTimeUtc();
        const double duration = record->started.isValid() ? record->started.msecsTo(end) / 1000.0 : 0.0;
        button->setText(tr("%1\n%2 · %3").arg(runStageName(stage), stageStateName(record->state), seconds(duration)));
        button->setToolTip(record->message);
        button->setStyleSheet(QStringLiteral("QToolButton { background: %1; }").arg(stageColor(record->state)));
        const QString path = record->logPath;
        connect(button, &QToolButton::clicked, this, [this, path] { showLog(path); });
    }
}

void AutomationPage::showLog(const QString &path)
{
    const quint64 job = m_logs.start();
    m_log->setPlainText(tr("Reading %1…").arg(path));
    m_logRead = QtConcurrent::run([this, job, path] {
        const QString text = readTail(path);
        m_logs.deliver(job, [this, job, text] {
            m_logs.finish(job);
            m_log->setPlainText(text);
            m_log->moveCursor(QTextCursor::End);
        });
        return text;
    });
}

void AutomationPage::updateActions()
{
    m_runNow->setEnabled(!m_cycleRunning);
}

} // namespace mrc
