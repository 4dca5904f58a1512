#pragma once
// Reading HTTP messages without Beast's composed read operations.
//
// http::async_read_header / async_read / async_read_some wrap every step in a composed
// operation, and when the bytes they need are already buffered (the usual case: a request's
// body arrives with its head, a response's body with its head) they still complete through a
// posted handler, one extra trip through the event loop each. `parse_until` feeds the
// connection buffer to the parser synchronously and awaits the socket only when the parser
// needs more bytes. Results (error codes included) are those of Beast's read_some loop:
// header_limit, body_limit and parse errors from the parser; at EOF, end_of_stream when
// nothing of the message arrived, else whatever put_eof says (done, or partial_message).
#include "net/detail/beast.hpp"
#include "net/task.hpp"

namespace kaos::net::detail {

/// Bytes to ask the socket for: Beast's read_size policy with a 4 KiB floor (a streamed body
/// then arrives in a few reads rather than one per 512 bytes), at most 64 KiB,
/// otherwise what the buffer already has room for).
inline std::size_t read_size(const beast::flat_buffer& b) {
  return std::min<std::size_t>(std::max<std::size_t>(4096, b.capacity() - b.size()),
                               std::min<std::size_t>(65536, b.max_size() - b.size()));
}

/// Parses from `b` (reading from `s` as needed) until `stop()` holds. A parser error ends it
/// with that error; for a buffer_body, `need_buffer` means the caller's body buffer is full.
template <class Stream, class Parser, class Stop>
Task<boost::system::error_code> parse_until(Stream& s, beast::flat_buffer& b, Parser& p, Stop stop) {
  for (;;) {
    if (stop()) co_return boost::system::error_code{};
    if (b.size() > 0) {
      boost::system::error_code ec;
      std::size_t used = p.put(b.data(), ec);
      b.consume(used);
      if (ec && ec != http::error::need_more) co_return ec;
      if (!ec && used > 0) continue;  // progress: check `stop` again before reading
    }
    auto [ec, n] = co_await s.async_read_some(b.prepare(read_size(b)), kTuple);
    b.commit(n);
    if (ec == asio::error::eof) {
      if (!p.got_some()) co_return http::error::end_of_stream;
      ec = {};
      p.put_eof(ec);  // completes an EOF-delimited body, else partial_message
      co_return ec;
    }
    if (ec) co_return ec;
  }
}

}  // namespace kaos::net::detail
