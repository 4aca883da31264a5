// SPDX-License-Identifier: Apache-2.0
// Test helper: where the upstream docker folders with their build scripts are, ../shared/corpus next to the
// checkout (or $MRC_CORPUS), and what a test does when they are not there: skip with the reason, but fail under CI.
#pragma once

#include <QDir>
#include <QFileInfo>
#include <QString>
#include <QTest>

namespace mrc::test {

inline QString sharedCorpus()
{
    const QString fromEnv = qEnvironmentVariable("MRC_CORPUS");
    if (!fromEnv.isEmpty())
        return fromEnv;
    return QDir::cleanPath(qEnvironmentVariable("MRC_SOURCE_DIR", QStringLiteral(".")) +
                           QStringLiteral("/../shared/corpus"));
}

} // namespace mrc::test

/** In a test function: the corpus root into @p root, or QSKIP (QFAIL when CI is set) when it is missing. */
#define MRC_REQUIRE_SHARED_CORPUS(root)                                                                                \
    const QString root = mrc::test::sharedCorpus();                                                                    \
    if (!QFileInfo::exists(root + QStringLiteral("/INDEX.yaml"))) {                                                    \
        const QByteArray why = QStringLiteral("no upstream corpus at %1 (../shared/corpus next to the checkout, or "   \
                                              "set MRC_CORPUS)")                                                       \
                                   .arg(root)                                                                          \
                                   .toUtf8();                                                                          \
        if (qEnvironmentVariableIsSet("CI"))                                                                           \
            QFAIL(why.constData());                                                                                    \
        QSKIP(why.constData());                                                                                        \
    }
