// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "manifest/manifestparser.h"

#include <QHash>
#include <QMap>
#include <QPair>
#include <QStringList>

namespace YAML {
class Node;
}

namespace mrc {

/** Walks one parsed YAML tree into a Manifest and collects every problem it finds on the way. */
class ManifestReader
{
public:
    explicit ManifestReader(QString fileName);

    ManifestResult read(const QByteArray &text);

private:
    struct Field;
    using Fields = QMap<QString, Field>;

    void report(SourcePos pos, const QString &message);
    bool checkTree(const YAML::Node &root, const QByteArray &text);
    Fields readMap(const YAML::Node &map, const QStringList &allowed, const QString &where);
    bool expectMap(const YAML::Node &node, SourcePos pos, const QString &what);
    bool expectList(const YAML::Node &node, SourcePos pos, const QString &what, const QString &whenEmpty);
    bool emptyItem(const YAML::Node &item, SourcePos listPos, const QString &list);
    QString scalar(const Fields &fields, const QString &key, SourcePos *pos = nullptr);
    QString required(const Fields &fields, const QString &key, SourcePos owner, const QString &whenMissing,
                     SourcePos *pos = nullptr);

    void readTop(const YAML::Node &root);
    void readRegistry(const YAML::Node &node, SourcePos pos);
    void readLint(const YAML::Node &node, SourcePos pos);
    void readTags(const YAML::Node &node, SourcePos pos);
    void readEngines(const YAML::Node &node, SourcePos pos);
    void readBranches(const YAML::Node &node, SourcePos pos);
    void readDockerReleases(const YAML::Node &node, SourcePos pos);
    void readComponents(const YAML::Node &node, SourcePos pos);
    void checkBases();
    // manifestreaderautomation.cpp: the `automation:` section, read after the components it names.
    void readAutomation(const Field &field);
    void readAutomationBackoff(const Field &field);
    void readAutomationRule(const YAML::Node &item, SourcePos itemPos);
    bool readRuleActions(const Fields &fields, SourcePos itemPos, AutomationRule *rule);
    bool readRuleFilters(const Fields &fields, AutomationRule *rule);
    /** A scalar or a list of scalars, each with where it is written; empty with a problem when neither. */
    QList<QPair<QString, SourcePos>> scalarList(const Field &field, const QString &what);
    /** Seconds written as "300" or "300s", from @p min to @p max; -1 (reported) otherwise. */
    int seconds(const Fields &fields, const QString &key, int min, int max, const QString &where);
    void readTests(const YAML::Node &node, SourcePos pos, const QString &owner, QList<TestSpec> *tests);
    bool readTest(const YAML::Node &item, SourcePos itemPos, const QString &owner, TestSpec *test);
    /** A test's timeout in seconds ("90" or "90s"), 180 by default for a stack. */
    void readTimeout(const Fields &fields, TestSpec *test);
    /** A stack test's compose file, services and probe (and what names components, checked later). */
    void readStackKeys(const Fields &fields, SourcePos itemPos, const QString &kind, const QString &label,
                       TestSpec *test);
    void checkTestReferences();

    struct ComponentRef
    {
        QString name;
        SourcePos pos;
        QString what;
    };
    QList<ComponentRef> m_componentRefs; // components named by tests and stacks, checked once all are read

    QString m_fileName;
    Manifest m_manifest;
    ManifestProblems m_problems;
    QList<SourcePos> m_basePos; // per component: where its `base` value is
    QList<SourcePos> m_namePos; // per component: where its `name` value is
};

} // namespace mrc
