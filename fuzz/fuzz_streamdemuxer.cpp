// SPDX-License-Identifier: Apache-2.0
// StreamDemuxer on any bytes, whole and cut into pieces: the same lines and output whatever the cuts.
#include "engine/streamdemuxer.h"
#include "fuzzsplit.h"

#include <cstdlib>

namespace {

struct Outcome
{
    QList<QPair<int, QByteArray>> lines;
    QByteArray output;
    bool truncated;
};

Outcome run(const QList<QByteArray> &pieces, qsizetype limit)
{
    mrc::StreamDemuxer demuxer;
    demuxer.setOutputLimit(limit);
    Outcome outcome;
    auto take = [&outcome](const QList<mrc::StreamDemuxer::Line> &lines) {
        for (const mrc::StreamDemuxer::Line &line : lines) {
            if (line.text.contains('\n'))
                std::abort();
            outcome.lines.append({int(line.stream), line.text});
        }
    };
    for (const QByteArray &piece : pieces) {
        take(demuxer.feed(piece));
        if (demuxer.output().size() > limit)
            std::abort();
    }
    take(demuxer.finish());
    outcome.output = demuxer.output();
    outcome.truncated = demuxer.truncated();
    return outcome;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QByteArray whole;
    const QList<QByteArray> pieces = mrc::fuzz::pieces(data, size, &whole);
    if (pieces.isEmpty())
        return 0;
    const qsizetype limit = 16 + data[0] % 64;
    const Outcome once = run({whole}, limit);
    const Outcome cut = run(pieces, limit);
    if (once.lines != cut.lines || once.output != cut.output || once.truncated != cut.truncated)
        std::abort();
    return 0;
}
