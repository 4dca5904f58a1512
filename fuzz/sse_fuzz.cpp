// SSE (net/sse): the incremental event-stream parser the clients and the gateway's stream
// passthrough use. The first byte picks how the rest is split into feeds. Invariants: the
// events do not depend on how the bytes were split; an event's `raw` is bytes of the input;
// the held-back bytes stay under the event size bound.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "net/sse.hpp"

namespace {

constexpr std::size_t kMaxEvent = 4096;

std::vector<kaos::net::SseEvent> parse_in_pieces(std::string_view bytes, std::size_t piece, bool& overflowed) {
  kaos::net::SseParser p;
  p.set_max_event_size(kMaxEvent);
  std::vector<kaos::net::SseEvent> events;
  while (!bytes.empty()) {
    auto n = std::min(piece, bytes.size());
    for (auto& e : p.feed(bytes.substr(0, n))) events.push_back(std::move(e));
    bytes.remove_prefix(n);
    if (!p.overflowed()) FUZZ_CHECK(p.pending() <= kMaxEvent + n, "held-back bytes exceed the event bound");
  }
  overflowed = p.overflowed();
  return events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::size_t piece = 1 + data[0] % 16;
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  bool whole_overflowed = false, split_overflowed = false;
  auto whole = parse_in_pieces(bytes, bytes.size() + 1, whole_overflowed);
  auto split = parse_in_pieces(bytes, piece, split_overflowed);
  if (whole_overflowed || split_overflowed) return 0;  // the stream is an error either way
  FUZZ_CHECK(whole.size() == split.size(), "the number of events depends on how bytes arrive");
  for (std::size_t i = 0; i < whole.size(); ++i) {
    FUZZ_CHECK(whole[i].event == split[i].event, "event type depends on how bytes arrive");
    FUZZ_CHECK(whole[i].data == split[i].data, "event data depends on how bytes arrive");
    FUZZ_CHECK(whole[i].id == split[i].id, "event id depends on how bytes arrive");
    FUZZ_CHECK(whole[i].retry_ms == split[i].retry_ms, "retry depends on how bytes arrive");
    FUZZ_CHECK(whole[i].raw == split[i].raw, "raw bytes depend on how bytes arrive");
    FUZZ_CHECK(bytes.find(whole[i].raw) != std::string_view::npos, "raw is not bytes of the input");
  }
  return 0;
}
