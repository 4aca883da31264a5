// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "manifest/manifestparser.h"

#include <QHash>
#include <QMap>
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
    void readTests(const YAML::Node &node, SourcePos pos, const QString &owner, QList<TestSpec> *tests);
    bool readTest(const YAML::Node &item, SourcePos itemPos, const QString &owner, TestSpec *test);
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
