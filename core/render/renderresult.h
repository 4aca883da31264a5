// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHash>
#include <QList>
#include <QMetaType>
#include <QString>

namespace mrc {

/** What to render: one template with templer's inputs. */
struct RenderRequest
{
    QString name;                      // the template's path, for messages
    QString source;                    // the template text
    QHash<QString, QString> variables; // the container's environment
    QString context;                   // a templer context file's YAML text, or empty
    bool dynamicContext = false;       // templer -d: render the context file first
    QHash<QString, QString> overrides; // user values, applied after the context file
    bool ignoreUndefined = false;      // templer -i
};

struct RenderProblem
{
    enum Kind
    {
        Undefined,
        Syntax,
        Security,
        Error,
        Context
    };
    Kind kind = Error;
    int line = 0; // 1-based template line, 0 when unknown
    QString name; // the undefined variable, when known
    QString message;

    QString kindName() const;
    /** "NAME:LINE: kind: message" */
    QString toString(const QString &templateName) const;
};

struct RenderResult
{
    enum Status
    {
        Ok,
        Undefined,
        Error
    };
    Status status = Error;
    QString output;       // templer's output (with its appended newline); lenient output when partial
    bool partial = false; // strict mode stopped: output is what the template gives with undefined values empty
    QList<RenderProblem> problems;

    QString statusName() const; // "ok", "undefined", "error"
    bool ok() const { return status == Ok; }
};

} // namespace mrc

Q_DECLARE_METATYPE(mrc::RenderResult)
