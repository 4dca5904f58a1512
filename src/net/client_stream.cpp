// One HTTP exchange: write the request, read the head, stream the body, return to the pool.
#include "net/detail/client_impl.hpp"
#include "net/detail/http_read.hpp"
#include "net/detail/http_write.hpp"
#include "net/detail/transfer_coding.hpp"

namespace kaos::net::detail {
namespace {

constexpr std::size_t kPiece = 16 * 1024;
// At most this much of `out` is grown (and so zero-filled) ahead of one read: one read brings
// at most the connection's buffered bytes plus 64 KiB, and growing by the whole remaining
// length each time made a large body cost O(n^2) (a 64 MiB body took 32 s, 11.7 s of it user CPU, on a loaded 2-core
// machine).
constexpr std::size_t kMaxRoom = 256 * 1024;

bool is_stale_error(const boost::system::error_code& ec) {
  return ec == asio::error::eof || ec == http::error::end_of_stream || ec == http::error::partial_message ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted || ec == ssl::error::stream_truncated;
}

std::string host_header(const Url& url) {
  std::string h = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  if (url.port != (url.tls() ? 443 : 80)) h += ":" + std::to_string(url.port);
  return h;
}

}  // namespace

ClientExchange::ClientExchange(std::shared_ptr<ClientState> state, Executor ex, Clock::time_point deadline)
    : state_(std::move(state)), timer_(ex), watchdog_(std::make_shared<Watchdog>()), deadline_(deadline) {}

ClientExchange::~ClientExchange() {
  watchdog_->conn = nullptr;
  watchdog_->generation++;
  timer_.cancel();
}

Task<Result<void>> ClientExchange::start(const ParsedUrl& url, const ClientRequest& req) {
  bool stale = false;
  auto r = co_await attempt(url, req, stale);
  if (!r && stale) {
    drop_conn();
    r = co_await attempt(url, req, stale);  // a fresh connection this time
  }
  co_return r;
}

Task<Result<void>> ClientExchange::attempt(const ParsedUrl& parsed, const ClientRequest& req, bool& stale) {
  const Url& url = parsed.url;
  bool retry_ok = !stale;
  stale = false;
  auto lease = co_await state_->checkout(parsed.origin, deadline_, retry_ok);
  if (!lease) co_return lease.error();
  conn_ = std::move(lease->conn);
  bool reused = conn_ != nullptr;
  if (!conn_) {
    auto c = co_await connect(url, std::move(lease->ticket));
    watchdog_->conn = nullptr;  // connect's connection is gone when it failed
    if (!c) co_return c.error();
    conn_ = std::move(*c);
  } else {
    arm(deadline_);
  }
  watchdog_->conn = conn_.get();

  auto verb = http::string_to_verb(req.method);
  boost::system::error_code wec;
  if (plain_fields(req.headers) && !req.method.empty() && req.method.find(' ') == std::string::npos &&
      !has_line_break(req.method)) {
    // The head Beast would build (request line, Host unless given, the fields in order,
    // Content-Length), formatted into the connection's scratch string directly.
    auto& head = conn_->head;
    head.clear();
    head.append(req.method).append(" ").append(url.target).append(" HTTP/1.1\r\n");
    if (!req.headers.has("Host")) append_field(head, "Host", host_header(url));
    for (const auto& f : req.headers.fields()) append_field(head, f.name, f.value);
    if (!req.body.empty() || verb == http::verb::post || verb == http::verb::put || verb == http::verb::patch) {
      head.append("Content-Length: ");
      append_decimal(head, req.body.size());
      head.append("\r\n");
    }
    head.append("\r\n");
    wec = co_await conn_->with_stream([&](auto& s) { return write_head_body(s, head, req.body); });
  } else {
    wec = co_await write_with_beast(url, req, verb);
  }

  if (wec) {
    stale = reused && retry_ok && !watchdog_->fired && is_stale_error(wec);
    co_return io_error(wec, "sending request");
  }
  parser_.emplace();
  parser_->body_limit(boost::none);
  parser_->header_limit(64 * 1024);
  if (verb == http::verb::head) parser_->skip(true);
  auto rec = co_await conn_->with_stream([&](auto& s) {
    return parse_until(s, conn_->buffer, *parser_, [p = &*parser_] { return p->is_header_done(); });
  });
  if (rec) {
    stale = reused && retry_ok && !watchdog_->fired && !parser_->got_some() && is_stale_error(rec);
    co_return io_error(rec, "reading response");
  }
  auto& head = parser_->get();
  if (auto coding = check_transfer_coding(head);
      coding.kind != TransferCodingCheck::none && coding.kind != TransferCodingCheck::chunked) {
    // The body's framing or content would be misread: refuse the response (never pooled).
    co_return Error::protocol(coding.kind == TransferCodingCheck::unsupported
                                  ? "response uses Transfer-Encoding '" + coding.coding + "', which is not supported"
                                  : std::string("response has a malformed Transfer-Encoding"));
  }
  status_ = static_cast<int>(head.result_int());
  headers_.reserve(static_cast<std::size_t>(std::distance(head.begin(), head.end())));
  try {
    for (const auto& f : head) headers_.add(f.name_string(), f.value());
  } catch (const std::invalid_argument& e) {
    co_return Error::protocol(std::string("malformed response header: ") + e.what());
  }
  if (parser_->is_done()) finish();
  co_return Result<void>{};
}

Task<boost::system::error_code> ClientExchange::write_with_beast(const Url& url, const ClientRequest& req,
                                                                 http::verb verb) {
  http::request<http::span_body<const char>> msg;
  if (verb == http::verb::unknown)
    msg.method_string(req.method);
  else
    msg.method(verb);
  msg.target(url.target);
  msg.version(11);
  if (!req.headers.has("Host")) msg.set(http::field::host, host_header(url));
  for (const auto& f : req.headers.fields()) msg.insert(f.name, f.value);
  msg.body() = boost::span<const char>(req.body.data(), req.body.size());
  if (!req.body.empty() || verb == http::verb::post || verb == http::verb::put || verb == http::verb::patch)
    msg.content_length(req.body.size());
  msg.keep_alive(true);

  co_return co_await conn_->with_stream(
      [&](auto& s) { return write_message(s, msg, std::string_view(req.body), conn_->head); });
}

void ClientExchange::drop_conn() {
  watchdog_->conn = nullptr;
  conn_.reset();
}

void ClientExchange::finish() {
  done_ = true;
  watchdog_->conn = nullptr;
  watchdog_->generation++;
  timer_.cancel();
  if (conn_ && parser_ && parser_->is_done() && parser_->get().keep_alive() && conn_->buffer.size() == 0 &&
      !watchdog_->fired)
    state_->release(std::move(conn_));
  drop_conn();
}

Task<Result<std::size_t>> ClientExchange::read_some(char* data, std::size_t size) {
  while (!done_) {
    if (watchdog_->fired) {
      drop_conn();
      co_return Error::timeout("reading response: request deadline passed");
    }
    auto& body = parser_->get().body();
    body.data = data;
    body.size = size;
    // Until some body bytes landed in [data, data+size) or the message ended.
    auto ec = co_await conn_->with_stream([&](auto& s) {
      return parse_until(s, conn_->buffer, *parser_,
                         [p = &*parser_, size] { return p->is_done() || p->get().body().size < size; });
    });
    if (ec == http::error::need_buffer) ec = {};
    if (ec) {
      auto err = io_error(ec, "reading response body");
      drop_conn();
      done_ = true;
      co_return err;
    }
    std::size_t got = size - parser_->get().body().size;
    if (parser_->is_done()) finish();
    if (got > 0) co_return got;
  }
  co_return std::size_t{0};
}

Task<Result<std::optional<std::string>>> ClientExchange::next() {
  try {
    if (scratch_.size() < kPiece) scratch_.resize(kPiece);
    auto r = co_await read_some(scratch_.data(), scratch_.size());
    if (!r) co_return r.error();
    if (*r == 0) co_return std::optional<std::string>{};
    co_return std::optional<std::string>(std::string(scratch_.data(), *r));
  } catch (const boost::system::system_error&) {
    drop_conn();
    done_ = true;
    co_return cancelled_error();
  }
}

Task<Result<void>> ClientExchange::read_body(std::string& out) {
  const std::size_t limit = state_->options.max_response_body;
  if (auto len = parser_->content_length(); len && *len <= limit) out.reserve(out.size() + *len);
  try {
    while (!done_) {
      std::size_t before = out.size();
      // A known length is read in place (a 16 KiB piece would turn a small answer into a
      // large allocation); otherwise in pieces.
      auto remaining = parser_->content_length_remaining();
      std::size_t room = remaining && *remaining > 0 ? static_cast<std::size_t>(*remaining)
                                                     : std::max<std::size_t>(kPiece, out.capacity() - before);
      room = std::min(room, kMaxRoom);
      if (before + room > limit + 1) room = limit + 1 - before;
      out.resize(before + room);
      auto r = co_await read_some(out.data() + before, room);
      if (!r) {
        out.resize(before);
        co_return r.error();
      }
      out.resize(before + *r);
      if (out.size() > limit) {
        drop_conn();
        done_ = true;
        co_return Error{ErrorKind::too_large, "response body exceeds " + std::to_string(limit) + " bytes"};
      }
    }
  } catch (const boost::system::system_error&) {
    drop_conn();
    done_ = true;
    co_return cancelled_error();
  }
  co_return Result<void>{};
}

}  // namespace kaos::net::detail
