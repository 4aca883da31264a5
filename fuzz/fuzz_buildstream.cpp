// SPDX-License-Identifier: Apache-2.0
// BuildStreamParser on any bytes, whole and cut into pieces: the same messages whatever the cuts.
#include "engine/buildstreamparser.h"
#include "fuzzsplit.h"

#include <cstdio>
#include <cstdlib>

namespace {

QList<mrc::BuildMessage> run(const QList<QByteArray> &pieces, QString *truncation)
{
    mrc::BuildStreamParser parser;
    QList<mrc::BuildMessage> messages;
    qint64 fed = 0;
    for (const QByteArray &piece : pieces) {
        parser.feed(piece, messages);
        fed += piece.size();
        if (parser.offset() != fed)
            std::abort();
    }
    messages += parser.finish(truncation);
    return messages;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QByteArray whole;
    const QList<QByteArray> pieces = mrc::fuzz::pieces(data, size, &whole);
    if (pieces.isEmpty())
        return 0;
    QString truncationOnce;
    QString truncationCut;
    const QList<mrc::BuildMessage> once = run({whole}, &truncationOnce);
    const QList<mrc::BuildMessage> cut = run(pieces, &truncationCut);
    if (once != cut || truncationOnce != truncationCut) {
        // Say how they differ before the crash report.
        for (const auto *list : {&once, &cut}) {
            std::fprintf(stderr, "%s:\n", list == &once ? "whole" : "cut");
            for (const mrc::BuildMessage &m : *list)
                std::fprintf(stderr, "  kind %d code %d text %s\n", int(m.kind), m.errorCode,
                             qPrintable(m.text.left(200)));
        }
        std::fprintf(stderr, "truncation whole: %s\ntruncation cut: %s\n", qPrintable(truncationOnce),
                     qPrintable(truncationCut));
        std::abort();
    }
    for (const mrc::BuildMessage &message : once) {
        if (message.kind == mrc::BuildMessage::Error && message.text.isEmpty())
            std::abort();
    }
    return 0;
}
