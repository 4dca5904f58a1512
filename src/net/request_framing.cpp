// frame_requests: a connection's read loop (Session::run in server_session.cpp) over bytes.
#include "net/request_framing.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <exception>

#include "net/detail/http_read.hpp"
#include "net/detail/request_framing.hpp"
#include "net/url.hpp"

namespace kaos::net {
namespace detail {

Request to_request(http::request<http::string_body>& msg, const std::string& remote) {
  Request r;
  r.method = std::string(msg.method_string());
  r.target = std::string(msg.target());
  std::string_view t = r.target;
  auto q = t.find('?');
  r.path = percent_decode(t.substr(0, q));
  if (q != std::string_view::npos) r.query = std::string(t.substr(q + 1));
  r.headers.reserve(static_cast<std::size_t>(std::distance(msg.begin(), msg.end())));
  for (const auto& f : msg) r.headers.add(f.name_string(), f.value());
  r.body = std::move(msg.body());
  r.remote_address = remote;
  return r;
}

std::optional<FramingReject> framing_reject(const boost::system::error_code& ec, const ServerOptions& opts) {
  if (ec == http::error::header_limit)
    return FramingReject{431,
                         "request header fields too large (limit " + std::to_string(opts.header_limit) + " bytes)"};
  if (ec == http::error::body_limit)
    return FramingReject{413, "request body too large (limit " + std::to_string(opts.body_limit) + " bytes)"};
  if (&ec.category() == &http::make_error_code(http::error::bad_method).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message)
    return FramingReject{400, "malformed HTTP request: " + ec.message()};
  return std::nullopt;
}

namespace {

/// A read-only stream over a string: each read takes at most `chunk` bytes, then EOF.
class BytesStream {
 public:
  using executor_type = asio::any_io_executor;
  BytesStream(executor_type ex, std::string_view bytes, std::size_t chunk)
      : ex_(std::move(ex)), rest_(bytes), chunk_(chunk == 0 ? bytes.size() : chunk) {}
  executor_type get_executor() { return ex_; }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, const MutableBuffers& b) {
          std::size_t n = asio::buffer_copy(b, asio::buffer(rest_.data(), std::min(rest_.size(), chunk_)));
          rest_.remove_prefix(n);
          boost::system::error_code ec;
          if (n == 0) ec = asio::error::eof;
          asio::post(ex_, [h = std::move(handler), ec, n]() mutable { std::move(h)(ec, n); });
        },
        token, buffers);
  }

 private:
  executor_type ex_;
  std::string_view rest_;
  std::size_t chunk_;
};

Task<void> read_all(BytesStream& stream, const ServerOptions& opts, FramedRequests& out) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(opts.header_limit));
    parser.body_limit(opts.body_limit);
    auto ec = co_await parse_until(stream, buffer, parser, [&parser] { return parser.is_header_done(); });
    if (!ec && !parser.is_done())  // (the server sends 100 Continue here when asked)
      ec = co_await parse_until(stream, buffer, parser, [&parser] { return parser.is_done(); });
    if (ec) {
      if (auto reject = framing_reject(ec, opts)) {
        out.reject_status = reject->status;
        out.reject_message = std::move(reject->message);
      }
      co_return;
    }
    auto& msg = parser.get();
    bool keep_alive = msg.keep_alive();
    try {
      out.requests.push_back(to_request(msg, "fuzz"));
    } catch (const std::invalid_argument& e) {
      out.reject_status = 400;
      out.reject_message = std::string("malformed HTTP request: ") + e.what();
      co_return;
    }
    if (!keep_alive) co_return;
  }
}

}  // namespace
}  // namespace detail

FramedRequests frame_requests(std::string_view bytes, const ServerOptions& options, std::size_t read_chunk) {
  FramedRequests out;
  boost::asio::io_context io;
  detail::BytesStream stream(io.get_executor(), bytes, read_chunk);
  boost::asio::co_spawn(io, detail::read_all(stream, options, out), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);  // out of io.run(): a bug, not an input error
  });
  io.run();
  return out;
}

}  // namespace kaos::net
