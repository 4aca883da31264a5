// SPDX-License-Identifier: Apache-2.0
#pragma once

// A private X server (Xvfb) and what a test needs to start the real mrc binary on it and see its window through
// X itself (xwininfo, xprop), never through the program's own word.

#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QThread>

namespace mrc::test {

class DesktopSession
{
public:
    ~DesktopSession() { stop(); }

    /** The tools these tests need; empty when all are there, else what is missing. */
    static QStringList missingTools()
    {
        QStringList missing;
        for (const char *tool : {"Xvfb", "xwininfo", "xprop", "import"}) {
            if (QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty())
                missing.append(QString::fromLatin1(tool));
        }
        return missing;
    }

    /** Starts Xvfb on a free display (it picks one and writes its number to stdout: -displayfd 1). */
    bool start(QString *error, const QString &geometry = QStringLiteral("1400x900x24"))
    {
        m_server.setProgram(QStringLiteral("Xvfb"));
        m_server.setArguments({QStringLiteral("-displayfd"), QStringLiteral("1"), QStringLiteral("-screen"),
                               QStringLiteral("0"), geometry, QStringLiteral("-nolisten"), QStringLiteral("tcp")});
        m_server.setProcessChannelMode(QProcess::SeparateChannels);
        m_server.start();
        if (!m_server.waitForStarted(10000)) {
            *error = QStringLiteral("cannot start Xvfb: %1").arg(m_server.errorString());
            return false;
        }
        QElapsedTimer timer;
        timer.start();
        QByteArray out;
        while (!out.contains('\n') && timer.elapsed() < 20000 && m_server.state() == QProcess::Running) {
            m_server.waitForReadyRead(200);
            out += m_server.readAllStandardOutput();
        }
        bool ok = false;
        const int number = out.trimmed().toInt(&ok);
        if (!ok) {
            *error = QStringLiteral("Xvfb did not say which display it took: %1")
                         .arg(QString::fromLocal8Bit(m_server.readAllStandardError()));
            stop();
            return false;
        }
        m_display = QStringLiteral(":%1").arg(number);
        return true;
    }

    void stop()
    {
        if (m_server.state() != QProcess::NotRunning) {
            m_server.terminate();
            if (!m_server.waitForFinished(5000)) {
                m_server.kill();
                m_server.waitForFinished(5000);
            }
        }
    }

    QString display() const { return m_display; }

    /**
     * The environment of a user's desktop session on this display: the test's own, without the offscreen
     * platform the unit GUI tests use, with HOME and the XDG folders in `home` so settings and history are fresh.
     */
    QProcessEnvironment environment(const QString &home) const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.insert(QStringLiteral("DISPLAY"), m_display);
        env.insert(QStringLiteral("HOME"), home);
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/.config"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/.local/share"));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), home + QStringLiteral("/.cache"));
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), home + QStringLiteral("/runtime"));
        QDir().mkpath(home + QStringLiteral("/runtime"));
        QFile::setPermissions(home + QStringLiteral("/runtime"),
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        return env;
    }

    /** Runs an X client against this display; its standard output. */
    QString x(const QString &program, const QStringList &arguments, int *exitCode = nullptr) const
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("DISPLAY"), m_display);
        process.setProcessEnvironment(env);
        process.start(program, arguments);
        process.waitForFinished(30000);
        if (exitCode)
            *exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        return QString::fromUtf8(process.readAllStandardOutput());
    }

    struct Window
    {
        QString id;    // 0x…
        QString title; // as X has it
    };

    /** The top-level windows whose title contains `text`, from xwininfo -root -tree. */
    QList<Window> windows(const QString &text) const
    {
        QList<Window> found;
        static const QRegularExpression line(QStringLiteral(R"re(^\s*(0x[0-9a-f]+) "(.*)":)re"));
        const QStringList lines =
            x(QStringLiteral("xwininfo"), {QStringLiteral("-root"), QStringLiteral("-tree")}).split(QLatin1Char('\n'));
        for (const QString &l : lines) {
            const QRegularExpressionMatch m = line.match(l);
            if (m.hasMatch() && m.captured(2).contains(text))
                found.append({m.captured(1), m.captured(2)});
        }
        return found;
    }

    /** One property of a window as xprop prints it ("_NET_WM_PID(CARDINAL) = 123" → "123"). */
    QString property(const QString &window, const QString &name) const
    {
        const QString out = x(QStringLiteral("xprop"), {QStringLiteral("-id"), window, name}).trimmed();
        const qsizetype eq = out.indexOf(QStringLiteral(" = "));
        return eq < 0 ? QString() : out.mid(eq + 3);
    }

    /**
     * Waits until `process` maps a window titled "… — Monasca Release Console" that X says belongs to it
     * (_NET_WM_PID). Fails at once, with the exit code and the output, when the process ends first.
     */
    bool waitForConsole(QProcess &process, int timeoutMs, Window *window, QString *error) const
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < timeoutMs) {
            if (process.state() == QProcess::NotRunning) {
                *error = QStringLiteral("%1 exited with code %2 before a window appeared:\n%3")
                             .arg(process.program())
                             .arg(process.exitCode())
                             .arg(QString::fromLocal8Bit(process.readAll().right(4000)));
                return false;
            }
            for (const Window &w : windows(QStringLiteral(" — Monasca Release Console"))) {
                if (property(w.id, QStringLiteral("_NET_WM_PID")) == QString::number(process.processId()) &&
                    isViewable(w.id)) {
                    *window = w;
                    return true;
                }
            }
            process.waitForFinished(250);
        }
        *error = QStringLiteral("no console window within %1 s; windows: %2")
                     .arg(timeoutMs / 1000)
                     .arg(x(QStringLiteral("xwininfo"), {QStringLiteral("-root"), QStringLiteral("-tree")}).left(2000));
        return false;
    }

    /** Mapped and on screen, as xwininfo says ("Map State: IsViewable"). */
    bool isViewable(const QString &window) const
    {
        return x(QStringLiteral("xwininfo"), {QStringLiteral("-id"), window}).contains(QStringLiteral("IsViewable"));
    }

    /** `import -window root`: what the screen shows. */
    bool screenshot(const QString &path, QString *error) const
    {
        QDir().mkpath(QFileInfo(path).absolutePath());
        int code = -1;
        x(QStringLiteral("import"), {QStringLiteral("-window"), QStringLiteral("root"), path}, &code);
        if (code != 0 || !QFileInfo::exists(path)) {
            *error = QStringLiteral("import -window root %1 failed (exit %2)").arg(path).arg(code);
            return false;
        }
        return true;
    }

private:
    QProcess m_server;
    QString m_display;
};

} // namespace mrc::test
