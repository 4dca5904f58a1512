// HTTP request framing as the server reads it (net/request_framing.hpp: Beast's parser with
// the server's limits, its read loop and its header checks), over one connection's bytes. The
// first byte picks the read size and small or default limits. Invariants: no crash; a request
// carries no CR, LF or NUL in a header and no body over the limit; an answer is 400, 413 or
// 431 with a message; the accepted requests do not depend on how the bytes arrive.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "net/request_framing.hpp"

namespace {

void check_request(const kaos::net::Request& r, const kaos::net::ServerOptions& opts) {
  FUZZ_CHECK(r.body.size() <= opts.body_limit, "a body over the limit was accepted");
  FUZZ_CHECK(!r.method.empty(), "a request without a method");
  for (const auto& f : r.headers.fields()) {
    FUZZ_CHECK(f.value.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos,
               "CR, LF or NUL in a header value");
    FUZZ_CHECK(!f.name.empty(), "an empty header name");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::size_t chunk = 1 + (data[0] & 0x3f);
  kaos::net::ServerOptions opts;
  if (data[0] & 0x40) {  // small limits, to reach 413 and 431 with small inputs
    opts.header_limit = 256;
    opts.body_limit = 64;
  }
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto whole = kaos::net::frame_requests(bytes, opts);
  for (const auto& r : whole.requests) check_request(r, opts);
  if (whole.reject_status != 0) {
    FUZZ_CHECK(whole.reject_status == 400 || whole.reject_status == 413 || whole.reject_status == 431,
               "an unexpected error status");
    FUZZ_CHECK(!whole.reject_message.empty(), "an error answer without a message");
  }
  auto split = kaos::net::frame_requests(bytes, opts, chunk);
  // Beast enforces the header limit to within its 4-byte end-of-head lookahead: a head a few bytes
  // over the limit passes when it arrives in one read and gets 431 when it trickles in (found by
  // this target; harmless, the limit still bounds memory). Past a 431, requests may differ.
  if (whole.reject_status == 431 || split.reject_status == 431) return 0;
  FUZZ_CHECK(split.requests.size() == whole.requests.size(), "framing depends on how bytes arrive");
  // The answer to a malformed or truncated stream may differ (Beast reports a bad byte in a head
  // when it has the whole head, or already while it arrives piecewise: 400 or a quiet close at
  // EOF, 400 or 431), but what is accepted must not.
  for (std::size_t i = 0; i < whole.requests.size(); ++i) {
    FUZZ_CHECK(split.requests[i].target == whole.requests[i].target, "target depends on how bytes arrive");
    FUZZ_CHECK(split.requests[i].body == whole.requests[i].body, "body depends on how bytes arrive");
    FUZZ_CHECK(split.requests[i].headers.fields().size() == whole.requests[i].headers.fields().size(),
               "headers depend on how bytes arrive");
  }
  return 0;
}
