// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "imagetests/testrunner.h"

#include <QList>
#include <QString>

namespace mrc {

/**
 * JUnit XML of a test run, as CI servers read it: one <testsuite> per cell (component@branch docker), one
 * <testcase> per test, a <failure> with the message and the tail of the test's log for failed tests and
 * <skipped> for cancelled ones.
 */
class JUnitWriter
{
public:
    /** The last @p lines lines of the log file (what a failure shows). */
    static QString logTail(const QString &path, int lines = 40);
    static QByteArray toXml(const QList<TestUpdate> &results);
    static bool write(const QString &path, const QList<TestUpdate> &results, QString *error);
};

} // namespace mrc
