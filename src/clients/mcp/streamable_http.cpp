// Streamable HTTP transport (MCP 2025-03-26 and later): every client message is a POST to the
// endpoint; the answer comes back as application/json or as an SSE stream. A stream that ends
// before the answer is resumed with GET + Last-Event-ID after the server's `retry:` delay
// (SEP-1699).
#include <optional>

#include "clients/mcp/wire.hpp"
#include "net/sse.hpp"
#include "protocol/mcp/mcp.hpp"

namespace kaos::clients::mcp::detail {
namespace {

namespace mcp = protocol::mcp;

/// Where a resumable stream stands: the last event id and reconnection delay the server gave.
struct StreamCursor {
  std::string last_id;
  std::optional<std::chrono::milliseconds> retry;
};

class StreamableWire final : public Wire {
 public:
  explicit StreamableWire(WireContext context) : ctx_(std::move(context)), url_(ctx_.options->url) {}

  net::Task<Result<jsonrpc::Message>> request(std::string body, std::int64_t id, Deadline deadline, int* http_status,
                                              const net::Headers* extra_headers) override {
    if (http_status != nullptr) *http_status = 0;
    auto req = make_post(std::move(body), deadline);
    if (extra_headers)
      for (const auto& f : extra_headers->fields()) req.headers.set(f.name, f.value);
    const bool sent_session = !session_id_.empty();
    auto opened = co_await ctx_.http->open(std::move(req));
    if (!opened) co_return opened.error();
    auto& stream = **opened;
    if (http_status != nullptr) *http_status = stream.status();
    remember_session(stream.headers());
    if (stream.status() < 200 || stream.status() >= 300) co_return co_await status_error(stream, "POST", sent_session);
    if (content_type_is(stream.headers(), "application/json")) {
      auto all = co_await stream.read_all();
      if (!all) co_return all.error();
      std::optional<jsonrpc::Message> answer;
      for (auto& m : parse_messages(*all)) {
        if (answers(m, id))
          answer = std::move(m);
        else
          ctx_.dispatch(std::move(m), *this);
      }
      if (!answer)
        co_return Error{ErrorKind::protocol, "POST " + url_ + ": the JSON answer holds no response to request " +
                                                 std::to_string(id) + ": " + body_excerpt(*all)};
      co_return std::move(*answer);
    }
    if (content_type_is(stream.headers(), "text/event-stream")) {
      StreamCursor cursor;
      co_return co_await read_until_answer(std::move(*opened), id, deadline, cursor);
    }
    co_return Error{ErrorKind::protocol,
                    "POST " + url_ + " answered HTTP " + std::to_string(stream.status()) + " with Content-Type '" +
                        std::string(stream.headers().get("Content-Type").value_or("")) +
                        "'; an MCP server answers requests with application/json or text/event-stream"};
  }

  net::Task<Result<void>> send(std::string body, Deadline deadline) override {
    auto req = make_post(std::move(body), deadline);
    const bool sent_session = !session_id_.empty();
    auto opened = co_await ctx_.http->open(std::move(req));
    if (!opened) co_return opened.error();
    auto& stream = **opened;
    if (stream.status() < 200 || stream.status() >= 300) {
      auto err = co_await status_error(stream, "POST", sent_session);
      co_return err;
    }
    // A server may answer a notification with 200 and a body; it carries nothing for us.
    auto rest = co_await stream.read_all();
    if (!rest) co_return rest.error();
    co_return Result<void>{};
  }

  net::Task<Result<void>> close(Deadline deadline) override {
    if (session_id_.empty()) co_return Result<void>{};
    auto res = co_await ctx_.http->send(make_request("DELETE", deadline));
    session_id_.clear();
    if (!res) co_return res.error();
    // 405: the server does not let clients end sessions; 404: it is already gone.
    if (res->status >= 300 && res->status != 404 && res->status != 405)
      co_return Error::http(res->status, "DELETE " + url_ + " answered HTTP " + std::to_string(res->status) + ": " +
                                             body_excerpt(res->body));
    co_return Result<void>{};
  }

  void set_protocol_version(std::string version) override { version_ = std::move(version); }
  std::string session_id() const override { return session_id_; }
  Transport kind() const override { return Transport::streamable_http; }

 private:
  /// A POST of JSON-RPC: the Accept header lists both answer types, as the specification asks.
  net::ClientRequest make_post(std::string body, Deadline deadline) const {
    auto req = make_request("POST", deadline);
    req.headers.set("Content-Type", "application/json");
    req.headers.set("Accept", "application/json, text/event-stream");
    req.body = std::move(body);
    return req;
  }

  net::ClientRequest make_request(std::string method, Deadline deadline) const {
    auto req = base_request(*ctx_.options, std::move(method), url_, deadline);
    if (!session_id_.empty()) req.headers.set(mcp::kSessionHeader, session_id_);
    if (!version_.empty()) req.headers.set(mcp::kVersionHeader, version_);
    return req;
  }

  void remember_session(const net::Headers& headers) {
    if (!session_id_.empty()) return;
    if (auto sid = headers.get(mcp::kSessionHeader); sid && !sid->empty()) session_id_ = std::string(*sid);
  }

  net::Task<Error> status_error(net::ResponseStream& stream, std::string_view method, bool sent_session) {
    auto body = co_await stream.read_all();
    std::string text = body ? body_excerpt(*body) : std::string("(body unreadable)");
    int status = stream.status();
    if (status == 404 && sent_session) {
      session_id_.clear();
      co_return Error::http(
          status, std::string(method) + " " + url_ + ": the server no longer knows session (HTTP 404): " + text,
          ErrorKind::session_expired);
    }
    co_return Error::http(status,
                          std::string(method) + " " + url_ + " answered HTTP " + std::to_string(status) + ": " + text);
  }

  /// Reads SSE events until the answer to `id`. Returns the answer, nullopt when the stream
  /// ended first (cleanly or broken), or an error that ends the call (timeout, cancelled).
  net::Task<Result<std::optional<jsonrpc::Message>>> pump(net::ResponseStream& stream, std::int64_t id,
                                                          StreamCursor& cursor, bool& progressed) {
    net::SseParser parser;
    for (;;) {
      auto piece = co_await stream.next();
      if (!piece) {
        if (piece.error().kind == ErrorKind::io) co_return std::optional<jsonrpc::Message>{};  // broken: resumable
        co_return piece.error();
      }
      if (!*piece) co_return std::optional<jsonrpc::Message>{};
      for (auto& ev : parser.feed(**piece)) {
        if (!ev.id.empty() && ev.id != cursor.last_id) {
          cursor.last_id = ev.id;
          progressed = true;
        }
        if (ev.retry_ms) cursor.retry = std::chrono::milliseconds(*ev.retry_ms);
        if (ev.event != "message" || ev.data.empty()) continue;  // priming events carry no data
        std::optional<jsonrpc::Message> answer;
        for (auto& m : parse_messages(ev.data)) {
          if (answers(m, id))
            answer = std::move(m);
          else
            ctx_.dispatch(std::move(m), *this);
        }
        if (answer) co_return answer;
      }
      if (parser.overflowed())
        co_return Error{ErrorKind::protocol, "SSE answer from " + url_ + " has an event larger than 16 MiB"};
    }
  }

  net::Task<Result<jsonrpc::Message>> read_until_answer(std::unique_ptr<net::ResponseStream> stream, std::int64_t id,
                                                        Deadline deadline, StreamCursor& cursor) {
    const int max_attempts = std::max(1, ctx_.options->max_resume_attempts);
    int failures = 0;
    for (;;) {
      if (stream) {
        bool progressed = false;
        auto got = co_await pump(*stream, id, cursor, progressed);
        stream.reset();
        if (!got) co_return got.error();
        if (*got) co_return std::move(**got);
        if (progressed) failures = 0;
      }
      if (cursor.last_id.empty())
        co_return Error{ErrorKind::io, "the SSE answer from " + url_ + " ended before the response to request " +
                                           std::to_string(id) + ", and the server sent no event id to resume from"};
      if (++failures > max_attempts)
        co_return Error{ErrorKind::io, "the SSE answer from " + url_ + " to request " + std::to_string(id) +
                                           " kept ending; gave up after " + std::to_string(max_attempts) +
                                           " resumptions"};
      // The server said how long to wait (`retry:`); reconnecting earlier is a protocol violation.
      auto wait = cursor.retry.value_or(ctx_.options->default_sse_retry);
      if (Clock::now() + wait >= deadline)
        co_return Error::timeout("request " + std::to_string(id) + " to " + url_ +
                                 " got no answer before its deadline (the SSE stream ended; resuming needs " +
                                 std::to_string(wait.count()) + " ms)");
      if (!co_await pause(wait)) co_return Error::cancelled();
      auto opened = co_await resume(cursor.last_id, deadline);
      if (!opened) {
        if (opened.error().kind == ErrorKind::connect || opened.error().kind == ErrorKind::io)
          continue;  // counts as a failure
        co_return opened.error();
      }
      stream = std::move(*opened);
    }
  }

  /// GET with Last-Event-ID: the server replays what followed that event on a new stream.
  net::Task<Result<std::unique_ptr<net::ResponseStream>>> resume(const std::string& last_id, Deadline deadline) {
    auto req = make_request("GET", deadline);
    req.headers.set("Accept", "text/event-stream");
    req.headers.set(mcp::kLastEventIdHeader, last_id);
    auto opened = co_await ctx_.http->open(std::move(req));
    if (!opened) co_return opened.error();
    auto& stream = **opened;
    if (stream.status() == 405)
      co_return Error{
          ErrorKind::protocol,
          "the SSE answer from " + url_ + " ended early and the server does not allow resuming it (GET answered 405)"};
    if (stream.status() != 200) co_return co_await status_error(stream, "GET", !session_id_.empty());
    if (!content_type_is(stream.headers(), "text/event-stream"))
      co_return Error{ErrorKind::protocol, "GET " + url_ + " (resuming) did not answer with text/event-stream"};
    co_return std::move(*opened);
  }

  WireContext ctx_;
  std::string url_;
  std::string session_id_;
  std::string version_;
};

}  // namespace

std::shared_ptr<Wire> make_streamable_wire(WireContext context) {
  return std::make_shared<StreamableWire>(std::move(context));
}

}  // namespace kaos::clients::mcp::detail
