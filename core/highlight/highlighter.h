// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QMetaType>
#include <QString>

namespace mrc {

struct HighlightResult
{
    QString html; // a full HTML page for a QTextBrowser
    bool highlighted = false;
    QString notice; // one line when the text is shown plain (no highlighter installed, tool error)
    QString syntax;
};

/**
 * Syntax highlighting through KSyntaxHighlighting's command-line front end (kate-syntax-highlighter under KF5,
 * ksyntaxhighlighter6 under KF6), which renders HTML. Blocking and thread-safe; results are cached by content hash.
 */
class Highlighter
{
public:
    /** $MRC_HIGHLIGHTER, else the KF6 or KF5 tool on PATH; empty when none is installed. */
    static QString toolPath();
    /** The syntax definition for a file name: "INI Files" for x.ini, "Jinja2 (INI Files)" for x.ini.j2. */
    static QString syntaxFor(const QString &fileName);
    static QString themeFor(bool dark);
    /** The folder to prepend to XDG_DATA_DIRS, holding the Jinja2 definitions; empty with *error. */
    static QString syntaxDataDir(QString *error = nullptr);

    static HighlightResult highlight(const QString &text, const QString &fileName, bool dark);
    /** Escaped text in the same page layout, with line numbers. */
    static QString plainHtml(const QString &text, bool dark);
    static int cacheHits();

private:
    static QString numberLines(const QString &html, bool dark);
};

} // namespace mrc

Q_DECLARE_METATYPE(mrc::HighlightResult)
