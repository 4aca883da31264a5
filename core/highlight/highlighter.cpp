// SPDX-License-Identifier: Apache-2.0
#include "highlight/highlighter.h"

#include "jinjasyntaxsource.h"

#include <QCache>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <atomic>

namespace mrc {

namespace {

QMutex cacheMutex;
QCache<QByteArray, HighlightResult> cache(400);
std::atomic_int hits{0};

const QStringList &bases()
{
    static const QStringList list{QStringLiteral("INI Files"),
                                  QStringLiteral("YAML"),
                                  QStringLiteral("JSON"),
                                  QStringLiteral("Bash"),
                                  QStringLiteral("Python"),
                                  QStringLiteral("XML"),
                                  QStringLiteral("Java Properties"),
                                  QStringLiteral("reStructuredText"),
                                  QStringLiteral("Dockerfile")};
    return list;
}

QString baseSyntax(const QString &name)
{
    const QString lower = name.toLower();
    auto ends = [&lower](std::initializer_list<const char *> suffixes) {
        return std::any_of(suffixes.begin(), suffixes.end(),
                           [&lower](const char *s) { return lower.endsWith(QLatin1String(s)); });
    };
    if (lower == QLatin1String("dockerfile") || lower.startsWith(QLatin1String("dockerfile.")) || ends({".dockerfile"}))
        return QStringLiteral("Dockerfile");
    if (ends({".ini", ".conf", ".cfg"}))
        return QStringLiteral("INI Files");
    if (ends({".yaml", ".yml"}))
        return QStringLiteral("YAML");
    if (ends({".json"}))
        return QStringLiteral("JSON");
    if (ends({".sh", ".bash", "ashrc", "bashrc"}))
        return QStringLiteral("Bash");
    if (ends({".py"}))
        return QStringLiteral("Python");
    if (ends({".xml"}))
        return QStringLiteral("XML");
    if (ends({".properties"}))
        return QStringLiteral("Java Properties");
    if (ends({".rst"}))
        return QStringLiteral("reStructuredText");
    return QStringLiteral("None");
}

QString pageStart(bool dark)
{
    return QStringLiteral("<html><body style=\"background-color:%1;color:%2\"><pre>\n")
        .arg(dark ? QStringLiteral("#232629") : QStringLiteral("#ffffff"),
             dark ? QStringLiteral("#cfcfc2") : QStringLiteral("#1f1c1b"));
}

} // namespace

QString Highlighter::toolPath()
{
    const QString fromEnv = qEnvironmentVariable("MRC_HIGHLIGHTER");
    if (!fromEnv.isNull())
        return fromEnv.isEmpty() || !QFileInfo(fromEnv).isExecutable() ? QString() : fromEnv;
    for (const char *name : {"ksyntaxhighlighter6", "kate-syntax-highlighter"}) {
        const QString path = QStandardPaths::findExecutable(QString::fromLatin1(name));
        if (!path.isEmpty())
            return path;
    }
    return {};
}

QString Highlighter::syntaxFor(const QString &fileName)
{
    QString name = QFileInfo(fileName).fileName();
    bool jinja = false;
    for (const char *suffix : {".j2", ".jinja2"}) {
        if (name.endsWith(QLatin1String(suffix))) {
            name.chop(int(qstrlen(suffix)));
            jinja = true;
        }
    }
    const QString base = baseSyntax(name);
    if (!jinja)
        return base;
    return base == QLatin1String("None") ? QStringLiteral("Jinja2 Placeholders")
                                         : QStringLiteral("Jinja2 (%1)").arg(base);
}

QString Highlighter::themeFor(bool dark)
{
    return dark ? QStringLiteral("Breeze Dark") : QStringLiteral("Breeze Light");
}

QString Highlighter::syntaxDataDir(QString *error)
{
    static QMutex mutex;
    static QString written;
    QMutexLocker lock(&mutex);
    const QString root =
        QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) + QStringLiteral("/mrc/syntax");
    if (written == root)
        return root;
    const QString dir = root + QStringLiteral("/org.kde.syntax-highlighting/syntax");
    if (!QDir().mkpath(dir)) {
        if (error)
            *error = QStringLiteral("cannot create %1").arg(dir);
        return {};
    }
    QList<QPair<QString, QByteArray>> files{{QStringLiteral("mrc-jinja2.xml"), QByteArray(jinjaSyntaxSource)}};
    for (const QString &base : bases()) {
        QString slug = base.toLower();
        slug.replace(QLatin1Char(' '), QLatin1Char('-'));
        files.append({QStringLiteral("mrc-jinja2-%1.xml").arg(slug),
                      QByteArray(jinjaOverBaseSyntaxSource).replace("@BASE@", base.toUtf8())});
    }
    for (const auto &[name, content] : files) {
        QFile file(dir + QLatin1Char('/') + name);
        if (file.open(QIODevice::ReadOnly) && file.readAll() == content)
            continue;
        file.close();
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) != content.size()) {
            if (error)
                *error = QStringLiteral("%1: %2").arg(file.fileName(), file.errorString());
            return {};
        }
    }
    written = root;
    return root;
}

int Highlighter::cacheHits()
{
    return hits.load();
}

QString Highlighter::plainHtml(const QString &text, bool dark)
{
    return numberLines(pageStart(dark) + text.toHtmlEscaped() + QStringLiteral("</pre></body></html>"), dark);
}

QString Highlighter::numberLines(const QString &html, bool dark)
{
    const qsizetype start = html.indexOf(QLatin1String("<pre>"));
    const qsizetype end = html.lastIndexOf(QLatin1String("</pre>"));
    if (start < 0 || end < start)
        return html;
    QString body = html.mid(start + 5, end - start - 5);
    if (body.startsWith(QLatin1Char('\n')))
        body.remove(0, 1); // HTML drops the newline right after <pre>
    QStringList lines = body.split(QLatin1Char('\n'));
    if (lines.size() > 1 && lines.last().isEmpty())
        lines.removeLast();
    const int width = int(QString::number(lines.size()).size());
    const QString color = dark ? QStringLiteral("#7a7c7d") : QStringLiteral("#a0a0a0");
    QString numbered;
    for (int i = 0; i < lines.size(); ++i) {
        numbered += QStringLiteral("<span style=\"color:%1;\">%2 </span>")
                        .arg(color, QString::number(i + 1).rightJustified(width, QLatin1Char(' '))) +
                    lines.at(i) + QLatin1Char('\n');
    }
    return html.left(start + 5) + QLatin1Char('\n') + numbered + html.mid(end);
}

HighlightResult Highlighter::highlight(const QString &text, const QString &fileName, bool dark)
{
    HighlightResult result;
    result.syntax = syntaxFor(fileName);
    QCryptographicHash hash(QCryptographicHash::Sha1);
    hash.addData(text.toUtf8());
    const QByteArray key = hash.result() + '\0' + result.syntax.toUtf8() + '\0' + themeFor(dark).toUtf8();
    {
        QMutexLocker lock(&cacheMutex);
        if (const HighlightResult *cached = cache.object(key)) {
            ++hits;
            return *cached;
        }
    }
    const QString tool = toolPath();
    QString error;
    const QString dataDir = tool.isEmpty() ? QString() : syntaxDataDir(&error);
    if (tool.isEmpty() || dataDir.isEmpty()) {
        result.html = plainHtml(text, dark);
        result.notice = tool.isEmpty() ? QStringLiteral("Plain text: no syntax highlighter installed "
                                                        "(install libkf5syntaxhighlighting-tools).")
                                       : QStringLiteral("Plain text: %1").arg(error);
        return result; // not cached: installing the tool should take effect at once
    }
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QString dirs = env.value(QStringLiteral("XDG_DATA_DIRS"), QStringLiteral("/usr/local/share:/usr/share"));
    env.insert(QStringLiteral("XDG_DATA_DIRS"), dataDir + QLatin1Char(':') + dirs);
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    process.setProcessEnvironment(env);
    process.start(tool, {QStringLiteral("--stdin"), QStringLiteral("-s"), result.syntax, QStringLiteral("-f"),
                         QStringLiteral("html"), QStringLiteral("-t"), themeFor(dark)});
    process.write(text.toUtf8());
    process.closeWriteChannel();
    const bool finished = process.waitForFinished(15000);
    const QString html = QString::fromUtf8(process.readAllStandardOutput());
    if (!finished || process.exitCode() != 0 || !html.contains(QLatin1String("<pre>"))) {
        if (!finished)
            process.kill();
        result.html = plainHtml(text, dark);
        result.notice = QStringLiteral("Plain text: %1 failed (%2)")
                            .arg(QFileInfo(tool).fileName(),
                                 finished ? QString::fromUtf8(process.readAllStandardError()).trimmed().left(200)
                                          : QStringLiteral("timed out"));
        return result;
    }
    result.html = numberLines(html, dark);
    result.highlighted = true;
    QMutexLocker lock(&cacheMutex);
    cache.insert(key, new HighlightResult(result));
    return result;
}

} // namespace mrc
