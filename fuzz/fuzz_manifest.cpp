// SPDX-License-Identifier: Apache-2.0
// The manifest reader on any bytes: never a crash, and every problem names a position inside the text.
#include "manifest/manifestreader.h"

#include <QByteArray>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    mrc::ManifestReader reader(QStringLiteral("fuzz.yaml"));
    const mrc::ManifestResult result = reader.read(text);
    // yaml-cpp also counts a lone '\r' as a line break.
    const qsizetype lines = text.count('\n') + text.count('\r') + 1;
    for (const mrc::ManifestProblem &problem : result.problems) {
        if (problem.line < 0 || problem.line > lines + 1 || problem.message.isEmpty())
            std::abort();
    }
    return 0;
}
