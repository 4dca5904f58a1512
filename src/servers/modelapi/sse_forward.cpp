#include "servers/modelapi/sse_forward.hpp"

#include <algorithm>

#include "net/sse.hpp"

namespace kaos::modelapi {

net::Task<ForwardOutcome> forward_sse(net::ResponseStream& up, net::BodyWriter& out,
                                      std::function<void(const protocol::openai::Usage&)> on_usage) {
  using Kind = ForwardOutcome::Kind;
  net::SseParser parser;
  std::string pending;  // bytes of an incomplete event, held back
  for (;;) {
    auto piece = co_await up.next();
    if (!piece) {
      if (piece.error().kind == ErrorKind::cancelled || out.client_gone())
        co_return ForwardOutcome{Kind::client_gone, {}};
      co_return ForwardOutcome{Kind::upstream_failed, piece.error().message};
    }
    if (!*piece) break;
    const std::string& bytes = **piece;
    for (const auto& e : parser.feed(bytes)) {
      if (on_usage && e.data.find("\"usage\"") != std::string::npos)
        if (auto u = protocol::openai::extract_usage(e.data)) on_usage(*u);
    }
    // The parser holds back exactly the bytes of the incomplete event at the end.
    const std::size_t total = pending.size() + bytes.size();
    const std::size_t held = std::min(parser.pending(), total);
    const std::size_t complete = total - held;
    if (complete == 0) {
      pending += bytes;
      continue;
    }
    bool ok;
    if (pending.empty() && held == 0) {
      ok = co_await out.write(bytes);
    } else {
      pending += bytes;
      ok = co_await out.write(std::string_view(pending).substr(0, complete));
      pending.erase(0, complete);
    }
    if (!ok) co_return ForwardOutcome{Kind::client_gone, {}};
  }
  // A last event without its blank line (the upstream ended the body there): forward as is.
  if (!pending.empty() && !co_await out.write(pending)) co_return ForwardOutcome{Kind::client_gone, {}};
  co_return ForwardOutcome{};
}

}  // namespace kaos::modelapi
