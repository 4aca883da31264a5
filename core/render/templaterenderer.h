// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "render/renderresult.h"

#include <QJsonObject>
#include <QObject>
#include <memory>
#include <optional>

class QProcess;

namespace mrc {

/**
 * Renders templates through one long-lived Jinja2 helper process (resources/jinja/mrc_jinja_helper.py, embedded
 * and run as `python3 -c`), speaking one JSON object per line. Blocking: use it from one thread (the one it lives
 * in). The process starts on first use and is restarted when it dies or hangs.
 */
class TemplateRenderer : public QObject
{
    Q_OBJECT
public:
    explicit TemplateRenderer(QObject *parent = nullptr);
    ~TemplateRenderer() override;

    /** The interpreter: $MRC_PYTHON, else /usr/bin/python3 (Debian's python3-jinja2), else python3 on PATH. */
    static QString pythonPath();
    /** The helper's Python source. */
    static QByteArray helperSource();

    /** Starts the helper if it does not run; false with *error when Python or Jinja2 is missing. */
    bool start(QString *error = nullptr);
    /** Renders one template; an unusable helper gives status Error with the reason. */
    RenderResult render(const RenderRequest &request);
    /** The values a templer context file sets, as strings (lists and maps as JSON); nullopt with *error. */
    std::optional<QHash<QString, QString>> contextValues(const QHash<QString, QString> &variables,
                                                         const QString &context, QString *error = nullptr);
    /** Sends one request and waits for its answer; restarts a dead helper once. */
    std::optional<QJsonObject> call(QJsonObject request, QString *error = nullptr);

    void setTimeout(int milliseconds) { m_timeoutMs = milliseconds; }
    /** How many times the helper was (re)started: 1 after the first render. */
    int starts() const { return m_starts; }
    qint64 processId() const;
    QString jinjaVersion() const { return m_jinjaVersion; }

private:
    std::optional<QJsonObject> exchange(const QJsonObject &request, QString *error);
    void stop();

    std::unique_ptr<QProcess> m_process;
    QByteArray m_buffer;
    qint64 m_nextId = 1;
    int m_starts = 0;
    int m_timeoutMs = 30000;
    QString m_jinjaVersion;
};

} // namespace mrc
