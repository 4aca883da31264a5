// SPDX-License-Identifier: Apache-2.0
#include "manifest/manifest.h"

namespace mrc {

const ComponentSpec *Manifest::component(const QString &name) const
{
    for (const ComponentSpec &c : components) {
        if (c.name == name)
            return &c;
    }
    return nullptr;
}

QString TestSpec::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Run:
        return QStringLiteral("run");
    case Kind::Health:
        return QStringLiteral("health");
    case Kind::Stack:
        return QStringLiteral("stack");
    }
    return {};
}

QList<TestSpec> Manifest::testsFor(const QString &componentName) const
{
    QList<TestSpec> tests;
    if (const ComponentSpec *c = component(componentName))
        tests = c->tests;
    for (const TestSpec &stack : stacks) {
        if (stack.component == componentName)
            tests.append(stack);
    }
    return tests;
}

const BranchSpec *Manifest::branch(const QString &name) const
{
    for (const BranchSpec &b : branches) {
        if (b.name == name)
            return &b;
    }
    return nullptr;
}

QList<QPair<QString, QString>> Manifest::columns() const
{
    QList<QPair<QString, QString>> result;
    for (const BranchSpec &b : branches) {
        for (const QString &version : b.docker)
            result.append({b.name, version});
    }
    return result;
}

} // namespace mrc
