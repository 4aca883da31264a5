// SPDX-License-Identifier: Apache-2.0
// HttpResponseParser on any bytes, fed whole and cut into pieces: the same outcome whatever the cuts.
#include "engine/httpresponseparser.h"
#include "fuzzsplit.h"

#include <cstdlib>

namespace {

struct Outcome
{
    mrc::HttpResponseParser::State state;
    int status;
    QByteArray body;
    bool finished;
};

Outcome run(const QList<QByteArray> &pieces, bool head)
{
    mrc::HttpResponseParser parser;
    parser.setHeadRequest(head);
    QByteArray body;
    for (const QByteArray &piece : pieces) {
        const bool ok = parser.feed(piece, &body);
        if (ok == parser.hasError() || (parser.hasError() && parser.errorString().isEmpty()))
            std::abort();
    }
    const bool finished = parser.finish();
    if (parser.bodyBytes() < 0 || (parser.isComplete() && !parser.headersComplete()))
        std::abort();
    parser.header("content-type");
    return {parser.state(), parser.status(), body, finished};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QByteArray whole;
    const QList<QByteArray> pieces = mrc::fuzz::pieces(data, size, &whole);
    if (pieces.isEmpty())
        return 0;
    const bool head = (data[0] & 0x80) != 0;
    const Outcome once = run({whole}, head);
    const Outcome cut = run(pieces, head);
    if (once.state != cut.state || once.status != cut.status || once.finished != cut.finished)
        std::abort();
    // After an error the body is whatever came before it, which depends on the cuts; otherwise it must match.
    if (once.state != mrc::HttpResponseParser::State::Error && once.body != cut.body)
        std::abort();
    return 0;
}
