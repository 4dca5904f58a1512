// One HTTP/1.1 connection: read requests, run handlers (watching for the client to vanish),
// write plain or chunked responses, keep-alive, limits.
#include <spdlog/spdlog.h>
#include <cstdio>

#include "net/detail/http_read.hpp"
#include "net/detail/http_write.hpp"
#include "net/detail/request_framing.hpp"
#include "net/detail/server_impl.hpp"
#include "net/detail/transfer_coding.hpp"
#include "net/url.hpp"

namespace kaos::net::detail {

using Clock = ConnState::Clock;

namespace {
void on_deadline(const std::shared_ptr<ConnState>& c);

void arm(const std::shared_ptr<ConnState>& c, Clock::time_point when) {
  c->armed = when;
  c->timer.expires_at(when);
  c->timer.async_wait([c](const boost::system::error_code& ec) {
    if (!ec) on_deadline(c);
  });
}

void on_deadline(const std::shared_ptr<ConnState>& c) {
  c->armed = Clock::time_point::max();
  if (!c->socket) return;
  if (c->deadline <= Clock::now()) {
    boost::system::error_code ignored;
    c->socket->close(ignored);  // pending operations complete with operation_aborted
    return;
  }
  if (c->deadline != Clock::time_point::max()) arm(c, c->deadline);
}
}  // namespace

void set_deadline(const std::shared_ptr<ConnState>& c, Clock::time_point when) {
  c->deadline = when;
  if (when < c->armed) arm(c, when);
}

namespace {

using namespace asio::experimental::awaitable_operators;

constexpr std::size_t kReadChunk = 16 * 1024;
constexpr std::size_t kPipelineLimit = 64 * 1024;  // bytes read ahead while a handler runs (TLS)

bool is_quiet_close(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == http::error::partial_message || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
         ec == asio::error::bad_descriptor || ec == asio::error::broken_pipe || ec == ssl::error::stream_truncated;
}

/// Plain TCP: peeks at one byte while a handler runs; EOF or an error means the client left,
/// and the session coroutine gets terminal cancellation. Consumes no bytes, so it may stay
/// pending across requests (it then just completes when the next request arrives). A peeking
/// receive rather than a readiness wait: Asio re-registers the descriptor with epoll
/// (epoll_ctl) for every readiness wait, but queues a receive that would block for free.
void watch_disconnect(const std::shared_ptr<ConnState>& c) {
  if (c->watch_pending || !c->socket) return;
  c->watch_pending = true;
  c->socket->async_receive(asio::buffer(&c->peek_byte, 1), tcp::socket::message_peek,
                           [c](const boost::system::error_code& ec, std::size_t n) {
                             c->watch_pending = false;
                             if (!ec && n > 0) return;  // pipelined bytes: stop watching; a failed write will tell
                             if (!c->in_handler) {
                               // The client closed (or reset) between requests. The session's
                               // read, queued behind this receive, would never hear of it: Asio
                               // completes only the first queued receive on an EOF, and epoll
                               // reports the EOF once. Close, or the socket sits in CLOSE-WAIT
                               // until the idle timeout.
                               boost::system::error_code ignored;
                               if (ec != asio::error::operation_aborted && c->socket) c->socket->close(ignored);
                               return;
                             }
                             if (c->gone) return;
                             c->gone = true;
                             c->cancel.emit(asio::cancellation_type::terminal);
                           });
}

template <class Stream>
class Session;

/// The chunked (or, for HTTP/1.0, close-delimited) body of a streamed response.
template <class Stream>
class StreamWriter final : public BodyWriter {
 public:
  StreamWriter(Session<Stream>& s, bool chunked) : session_(s), chunked_(chunked) {}

  Task<bool> write(std::string_view data) override {
    if (client_gone()) co_return false;
    if (data.empty()) co_return true;  // an empty chunk would end the body
    boost::system::error_code ec;
    if (chunked_) {
      char head[24];
      int n = std::snprintf(head, sizeof head, "%zx\r\n", data.size());
      std::array<asio::const_buffer, 3> bufs{asio::buffer(head, static_cast<std::size_t>(n)), asio::buffer(data),
                                             asio::buffer("\r\n", 2)};
      ec = co_await session_.write_buffers(bufs);
    } else {
      ec = co_await session_.write_buffers(asio::buffer(data));
    }
    if (ec) failed_ = true;
    co_return !ec;
  }
  bool client_gone() const override { return failed_ || session_.gone(); }

 private:
  Session<Stream>& session_;
  bool chunked_;
  bool failed_ = false;
};

template <class Stream>
class Session {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, tcp::socket>;

  Session(std::shared_ptr<ServerState> impl, std::shared_ptr<ConnState> conn, Stream& stream, std::string remote,
          std::string local)
      : impl_(std::move(impl)),
        conn_(std::move(conn)),
        stream_(stream),
        remote_(std::move(remote)),
        local_(std::move(local)) {}

  Task<void> run();
  bool gone() const { return gone_ || conn_->gone; }

  /// Writes under the write timeout.
  template <class Buffers>
  Task<boost::system::error_code> write_buffers(const Buffers& bufs) {
    set_deadline(conn_, Clock::now() + opts().write_timeout);
    auto [ec, n] = co_await asio::async_write(stream_, bufs, kTuple);
    set_deadline(conn_, Clock::time_point::max());
    co_return ec;
  }

 private:
  const ServerOptions& opts() const { return impl_->options; }

  Task<bool> serve(Request& req, unsigned version, bool keep_alive, bool head);
  Task<bool> respond(Request& req, unsigned version, bool keep_alive, bool head);
  Task<void> watch();
  Task<bool> write_plain(Response& res, unsigned version, bool keep_alive, bool head);
  Task<bool> write_stream(Response& res, unsigned version, bool keep_alive, bool head);
  Task<void> reject(int status, std::string message);
  Task<void> linger_close();

  std::shared_ptr<ServerState> impl_;
  std::shared_ptr<ConnState> conn_;
  Stream& stream_;
  std::string remote_;
  std::string local_;  // the accepted socket's own address, copied into every Request
  beast::flat_buffer buffer_;
  std::string head_;   // serialized response head, reused across requests
  bool gone_ = false;  // the TLS watcher saw the client leave
};

template <class Stream>
Task<void> Session<Stream>::run() {
  for (bool first = true;; first = false) {
    auto now = Clock::now();
    conn_->idle_since.store(now.time_since_epoch().count(), std::memory_order_relaxed);
    conn_->idle.store(true, std::memory_order_relaxed);
    // Shed to make room (ServerState::admit): close at this idle moment.
    if (impl_->stopping.load() || conn_->shed.load(std::memory_order_relaxed)) break;
    if (buffer_.size() == 0) {
      set_deadline(conn_, now + (first ? opts().first_byte_timeout : opts().idle_timeout));
      auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(kReadChunk), kTuple);
      if (ec) break;
      buffer_.commit(n);
    }
    conn_->idle.store(false, std::memory_order_relaxed);

    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(opts().header_limit));
    parser.body_limit(opts().body_limit);
    set_deadline(conn_, Clock::now() + opts().read_timeout);
    auto ec = co_await parse_until(stream_, buffer_, parser, [&parser] { return parser.is_header_done(); });
    if (!ec) {
      // The body's framing is unknown when the coding is: answer and close.
      auto coding = check_transfer_coding(parser.get());
      if (coding.kind == TransferCodingCheck::unsupported) {
        co_await reject(501, "Transfer-Encoding '" + coding.coding + "' is not supported; send the body with " +
                                 "Content-Length or Transfer-Encoding: chunked alone");
        break;
      }
      if (coding.kind == TransferCodingCheck::invalid) {
        co_await reject(400, "malformed HTTP request: Transfer-Encoding must end in chunked, once");
        break;
      }
    }
    if (!ec && !parser.is_done()) {
      auto expect = parser.get()[http::field::expect];
      if (iequals(expect, "100-continue")) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        auto [wec, wn] = co_await asio::async_write(stream_, asio::buffer(kContinue), kTuple);
        if (wec) break;
      }
      ec = co_await parse_until(stream_, buffer_, parser, [&parser] { return parser.is_done(); });
    }
    if (ec) {
      if (auto rejected = framing_reject(ec, opts())) co_await reject(rejected->status, std::move(rejected->message));
      break;
    }
    set_deadline(conn_, Clock::time_point::max());
    auto& msg = parser.get();
    bool keep_alive = msg.keep_alive();
    unsigned version = msg.version();
    bool head = msg.method() == http::verb::head;
    Request req;
    std::string malformed;
    try {
      req = to_request(msg, remote_);
      req.local_address = local_;
    } catch (const std::invalid_argument& e) {  // a field Beast let through that we never echo
      malformed = e.what();
    }
    if (!malformed.empty()) {
      co_await reject(400, "malformed HTTP request: " + malformed);
      break;
    }
    bool ok = co_await serve(req, version, keep_alive, head);
    if (!ok || !keep_alive || impl_->stopping.load()) break;
  }
  boost::system::error_code ignored;
  auto& sock = stream_.lowest_layer();
  if (sock.is_open()) sock.shutdown(tcp::socket::shutdown_send, ignored);
  sock.close(ignored);
}

template <class Stream>
Task<bool> Session<Stream>::serve(Request& req, unsigned version, bool keep_alive, bool head) {
  if constexpr (kTls) {
    // TLS bytes cannot be peeked at, so a read runs beside the handler: it completes only
    // when the client leaves, and then `||` cancels the handler (terminal).
    auto result = co_await (respond(req, version, keep_alive, head) || watch());
    if (result.index() == 0) co_return std::get<0>(result);
    co_return false;
  } else {
    // Plain TCP: a zero-byte readiness watch; on EOF it cancels this coroutine (terminal).
    conn_->in_handler = true;
    watch_disconnect(conn_);
    bool ok = false;
    try {
      ok = co_await respond(req, version, keep_alive, head);
    } catch (const boost::system::system_error& e) {
      if (!conn_->gone) spdlog::error("net: request {} {} failed: {}", req.method, req.path, e.what());
      ok = false;
    }
    conn_->in_handler = false;
    co_return ok && !conn_->gone;
  }
}

template <class Stream>
Task<void> Session<Stream>::watch() {
  for (;;) {
    if (buffer_.size() >= kPipelineLimit) {
      // Enough read ahead: stop watching, wait to be cancelled when the response is done.
      asio::steady_timer park(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
      co_await park.async_wait(kTuple);
      co_return;
    }
    auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(kReadChunk), kTuple);
    if (ec) {
      gone_ = true;
      co_return;
    }
    buffer_.commit(n);
  }
}

template <class Stream>
Task<bool> Session<Stream>::respond(Request& req, unsigned version, bool keep_alive, bool head) {
  Response res;
  try {
    res = co_await impl_->router->dispatch(req);
  } catch (const boost::system::system_error& e) {
    if (e.code() == asio::error::operation_aborted) co_return false;  // cancelled: client left
    spdlog::error("net: handler for {} {} failed: {}", req.method, req.path, e.what());
    res = impl_->router->error_response(500, "internal server error");
  } catch (const std::exception& e) {
    spdlog::error("net: handler for {} {} failed: {}", req.method, req.path, e.what());
    res = impl_->router->error_response(500, "internal server error");
  }
  if (gone()) co_return false;
  if (res.stream) co_return co_await write_stream(res, version, keep_alive, head);
  co_return co_await write_plain(res, version, keep_alive, head);
}

template <class Stream>
Task<bool> Session<Stream>::write_plain(Response& res, unsigned version, bool keep_alive, bool head) {
  if (plain_fields(res.headers) && res.status >= 100 && res.status <= 999 && version >= 10 && version <= 19) {
    // The head Beast builds below (start line, the fields in order, then Connection as
    // keep_alive() sets it, then Content-Length as prepare_payload() sets it), formatted
    // directly: Beast's field container costs an allocation and a tree insert per field.
    const bool no_body = res.status < 200 || res.status == 204 || res.status == 304;
    if (no_body) res.body.clear();
    // HEAD: the length the body would have had.
    format_response_head(head_, res.status, version, res.headers, keep_alive && !impl_->stopping.load(),
                         !no_body || head, res.body.size());
    set_deadline(conn_, Clock::now() + opts().write_timeout);
    auto ec = co_await write_head_body(stream_, head_, head ? std::string_view() : std::string_view(res.body));
    set_deadline(conn_, Clock::time_point::max());
    co_return !ec;
  }
  http::response<http::string_body> msg{static_cast<http::status>(res.status), version};
  for (const auto& f : res.headers.fields()) msg.insert(f.name, f.value);
  msg.body() = std::move(res.body);
  msg.keep_alive(keep_alive && !impl_->stopping.load());
  if (res.status < 200 || res.status == 204 || res.status == 304) msg.body().clear();  // no body allowed
  msg.prepare_payload();
  if (head) {
    auto size = msg.body().size();
    msg.body().clear();
    msg.content_length(size);
  }
  set_deadline(conn_, Clock::now() + opts().write_timeout);
  auto ec = co_await write_message(stream_, msg, msg.body(), head_);
  set_deadline(conn_, Clock::time_point::max());
  co_return !ec;
}

template <class Stream>
Task<bool> Session<Stream>::write_stream(Response& res, unsigned version, bool keep_alive, bool head) {
  http::response<http::empty_body> msg{static_cast<http::status>(res.status), version};
  for (const auto& f : res.headers.fields()) msg.insert(f.name, f.value);
  bool chunked = version >= 11;
  msg.keep_alive(chunked && keep_alive && !impl_->stopping.load());
  if (chunked) msg.chunked(true);
  http::response_serializer<http::empty_body> sr{msg};
  set_deadline(conn_, Clock::now() + opts().write_timeout);
  auto [ec, n] = co_await http::async_write_header(stream_, sr, kTuple);
  set_deadline(conn_, Clock::time_point::max());
  if (ec) co_return false;
  if (head) co_return chunked;
  StreamWriter<Stream> writer(*this, chunked);
  try {
    co_await res.stream(writer);
  } catch (const boost::system::system_error& e) {
    if (e.code() != asio::error::operation_aborted) spdlog::error("net: stream handler failed: {}", e.what());
    co_return false;
  } catch (const std::exception& e) {
    spdlog::error("net: stream handler failed: {}", e.what());
    co_return false;  // the status line is gone: closing tells the client the body is cut
  }
  if (writer.client_gone() || !chunked) co_return false;
  static constexpr std::string_view kLast = "0\r\n\r\n";
  ec = co_await write_buffers(asio::buffer(kLast));
  co_return !ec;
}

template <class Stream>
Task<void> Session<Stream>::reject(int status, std::string message) {
  Response res = impl_->router->error_response(status, std::move(message));
  // `message` is moved exactly once; clang-tidy 14 takes the coroutine's suspend point for a use.
  // NOLINTNEXTLINE(bugprone-use-after-move)
  if (co_await write_plain(res, 11, false, false)) co_await linger_close();
}

template <class Stream>
Task<void> Session<Stream>::linger_close() {
  // Half-close and drain briefly so the client reads our answer before a reset can hit it.
  boost::system::error_code ignored;
  stream_.lowest_layer().shutdown(tcp::socket::shutdown_send, ignored);
  set_deadline(conn_, Clock::now() + std::chrono::seconds(1));
  std::size_t drained = 0;
  while (drained < 1024 * 1024) {
    buffer_.clear();
    auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(kReadChunk), kTuple);
    if (ec) break;
    drained += n;
  }
}

std::string remote_of(const tcp::socket& s) {
  boost::system::error_code ec;
  auto ep = s.remote_endpoint(ec);
  if (ec) return {};
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

std::string local_of(const tcp::socket& s) {
  boost::system::error_code ec;
  auto ep = s.local_endpoint(ec);
  if (ec) return {};
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

}  // namespace

Task<void> serve_connection(std::shared_ptr<ServerState> impl, std::shared_ptr<ConnState> conn, tcp::socket socket) {
  std::string remote = remote_of(socket);
  std::string local = local_of(socket);
  try {
    if (impl->tls) {
      ssl::stream<tcp::socket> stream(std::move(socket), *impl->tls);
      conn->socket = &stream.next_layer();
      // The handshake is the connection's first bytes: the first-byte timeout covers it.
      set_deadline(conn, Clock::now() + impl->options.first_byte_timeout);
      auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, kTuple);
      if (!ec) {
        Session<ssl::stream<tcp::socket>> session(impl, conn, stream, remote, std::move(local));
        co_await session.run();
      }
      conn->socket = nullptr;
    } else {
      conn->socket = &socket;
      Session<tcp::socket> session(impl, conn, socket, remote, std::move(local));
      co_await session.run();
      conn->socket = nullptr;
    }
  } catch (const boost::system::system_error& e) {
    conn->socket = nullptr;
    if (e.code() != asio::error::operation_aborted)
      spdlog::error("net: connection from {} failed: {}", remote, e.what());
  } catch (const std::exception& e) {
    conn->socket = nullptr;
    spdlog::error("net: connection from {} failed: {}", remote, e.what());
  }
  conn->timer.cancel();  // drops the timer's reference to `conn`
  impl->remove(conn);
}

}  // namespace kaos::net::detail
