// Legacy HTTP+SSE transport (MCP 2024-11-05): GET the URL as an SSE stream, wait for the
// `endpoint` event naming where to POST, then POST each message there (202) and read every
// answer from the one SSE stream. A reader coroutine owns the stream and hands answers to the
// waiting calls by id; when the stream ends every waiting call fails and the wire is dead (the
// client core then connects afresh on the next call).
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>
#include <optional>

#include "clients/mcp/wire.hpp"
#include "core/log.hpp"
#include "net/background.hpp"
#include "net/sse.hpp"

namespace kaos::clients::mcp::detail {
namespace {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

/// A call waiting for its answer: the reader fills `answer` and wakes `timer`.
struct Pending {
  explicit Pending(net::Executor ex) : timer(ex, asio::steady_timer::time_point::max()) {}
  asio::steady_timer timer;
  std::optional<Result<jsonrpc::Message>> answer;
};

class LegacyWire final : public Wire {
 public:
  LegacyWire(WireContext context, net::Executor ex) : ctx_(std::move(context)), ex_(std::move(ex)) {}
  ~LegacyWire() override { abandon(); }

  /// GET the SSE URL and wait for the `endpoint` event; then start the reader.
  net::Task<Result<void>> open(Deadline deadline) {
    const auto& url = ctx_.options->url;
    auto req = base_request(*ctx_.options, "GET", url, deadline);
    req.headers.set("Accept", "text/event-stream");
    // The stream lives as long as the session: no deadline of its own beyond a day.
    req.timeout = std::chrono::hours(24);
    auto opened = co_await ctx_.http->open(std::move(req));
    if (!opened) co_return opened.error();
    auto stream = std::move(*opened);
    if (stream->status() != 200 || !content_type_is(stream->headers(), "text/event-stream")) {
      auto body = co_await stream->read_all();
      const int status = stream->status();
      // 500, 502–504: a server (or the proxy in front of it) that is not ready yet: retried.
      const auto kind = status >= 500 && status <= 504 && status != 501 ? ErrorKind::connect : ErrorKind::http;
      co_return Error::http(
          status,
          "GET " + url + " (legacy HTTP+SSE transport) answered HTTP " + std::to_string(status) +
              (content_type_is(stream->headers(), "text/event-stream") ? std::string() : " without an event stream") +
              ": " + (body ? body_excerpt(*body) : std::string()),
          kind);
    }
    auto parser = std::make_shared<net::SseParser>();
    // The first event must name the POST endpoint; wait for it within the connect deadline
    // (the stream itself may live much longer).
    asio::steady_timer guard(ex_, deadline);
    while (endpoint_.empty()) {
      auto raced = co_await (stream->next() || guard.async_wait(asio::use_awaitable));
      if (raced.index() == 1)
        co_return Error::timeout("GET " + url +
                                 " sent no `endpoint` event before the deadline; is this a legacy "
                                 "MCP SSE endpoint (usually .../sse)?");
      auto piece = std::get<0>(std::move(raced));
      if (!piece) co_return piece.error();
      if (!*piece)
        co_return Error{ErrorKind::protocol,
                        "GET " + url + " ended its event stream before sending the `endpoint` event"};
      for (auto& ev : parser->feed(**piece)) {
        if (ev.event == "endpoint" && endpoint_.empty()) {
          endpoint_ = resolve_url(url, ev.data);
        } else if (!endpoint_.empty()) {
          backlog_.push_back(std::move(ev.data));  // messages that came right behind the endpoint
        }
      }
    }
    auto self = std::static_pointer_cast<LegacyWire>(shared_from_this());
    // The aliasing pointer keeps the wire, and so `stop_`, alive until the reader has ended.
    net::spawn_background(ex_, read_loop(self, std::move(stream), std::move(parser)), "mcp client: legacy SSE reader",
                          std::shared_ptr<asio::cancellation_signal>(self, &self->stop_));
    co_return Result<void>{};
  }

  net::Task<Result<jsonrpc::Message>> request(std::string body, std::int64_t id, Deadline deadline, int* http_status,
                                              const net::Headers* extra_headers) override {
    if (http_status != nullptr) *http_status = 0;
    if (dead_) co_return Error{ErrorKind::gone, "the SSE stream from " + ctx_.options->url + " has ended"};
    auto pending = std::make_shared<Pending>(ex_);
    pending->timer.expires_at(deadline);
    pending_[id] = pending;
    auto sent = co_await post(std::move(body), deadline, http_status, extra_headers);
    if (!sent) {
      pending_.erase(id);
      co_return sent.error();
    }
    if (!pending->answer) co_await pending->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    pending_.erase(id);
    if (pending->answer) co_return std::move(*pending->answer);
    auto state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() != asio::cancellation_type::none) co_return Error::cancelled();
    co_return Error::timeout("no answer to request " + std::to_string(id) + " on the SSE stream from " +
                             ctx_.options->url + " before the deadline");
  }

  net::Task<Result<void>> send(std::string body, Deadline deadline) override {
    co_return co_await post(std::move(body), deadline, nullptr);
  }

  net::Task<Result<void>> close(Deadline) override {
    abandon();
    co_return Result<void>{};
  }

  void abandon() override {
    if (stopped_) return;
    stopped_ = true;
    stop_.emit(asio::cancellation_type::terminal);
  }

  void set_protocol_version(std::string) override {}
  Transport kind() const override { return Transport::sse; }

 private:
  net::Task<Result<void>> post(std::string body, Deadline deadline, int* http_status,
                               const net::Headers* extra_headers = nullptr) {
    auto req = base_request(*ctx_.options, "POST", endpoint_, deadline);
    if (extra_headers)
      for (const auto& f : extra_headers->fields()) req.headers.set(f.name, f.value);
    req.headers.set("Content-Type", "application/json");
    req.body = std::move(body);
    auto res = co_await ctx_.http->send(std::move(req));
    if (!res) co_return res.error();
    if (http_status != nullptr) *http_status = res->status;
    if (res->status < 200 || res->status >= 300)
      co_return Error::http(res->status, "POST " + endpoint_ + " answered HTTP " + std::to_string(res->status) + ": " +
                                             body_excerpt(res->body));
    co_return Result<void>{};
  }

  void deliver(std::string_view data) {
    for (auto& m : parse_messages(data)) {
      if (m.kind == jsonrpc::Message::Kind::response || m.kind == jsonrpc::Message::Kind::error) {
        if (auto id = as_int64(m.id)) {
          if (auto it = pending_.find(*id); it != pending_.end()) {
            it->second->answer = std::move(m);
            it->second->timer.cancel();
            continue;
          }
        }
      }
      ctx_.dispatch(std::move(m), *this);
    }
  }

  void fail_all(const std::string& why) {
    dead_ = true;
    for (auto& [id, p] : pending_) {
      p->answer = Error{ErrorKind::io, why};
      p->timer.cancel();
    }
  }

  static net::Task<void> read_loop(std::shared_ptr<LegacyWire> self, std::unique_ptr<net::ResponseStream> stream,
                                   std::shared_ptr<net::SseParser> parser) {
    for (auto& data : self->backlog_) self->deliver(data);
    self->backlog_.clear();
    std::string why = "the SSE stream from " + self->ctx_.options->url + " ended";
    for (;;) {
      auto piece = co_await stream->next();
      if (!piece) {
        why += ": " + piece.error().message;
        break;
      }
      if (!*piece) break;
      for (auto& ev : parser->feed(**piece))
        if (ev.event == "message") self->deliver(ev.data);
    }
    self->fail_all(why);
  }

  WireContext ctx_;
  net::Executor ex_;
  std::string endpoint_;
  std::vector<std::string> backlog_;
  std::map<std::int64_t, std::shared_ptr<Pending>> pending_;
  asio::cancellation_signal stop_;
  bool dead_ = false;
  bool stopped_ = false;
};

}  // namespace

net::Task<Result<std::shared_ptr<Wire>>> open_legacy_wire(WireContext context, Deadline deadline) {
  auto wire = std::make_shared<LegacyWire>(std::move(context), co_await asio::this_coro::executor);
  auto opened = co_await wire->open(deadline);
  if (!opened) co_return opened.error();
  co_return std::static_pointer_cast<Wire>(wire);
}

}  // namespace kaos::clients::mcp::detail
