// Streamable HTTP: the HTTP side (POST/GET/DELETE, headers, session table, expiry).
#include "servers/mcp/transport.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <unordered_map>

#include "core/ids.hpp"
#include "net/background.hpp"
#include "protocol/mcp/mcp.hpp"
#include "servers/mcp/session_admission.hpp"
#include "servers/mcp/transport_http.hpp"
#include "servers/mcp/transport_session.hpp"

namespace kaos::mcp {

using detail::Session;
using detail::Stream;
using detail::Wakeup;
namespace pmcp = protocol::mcp;

struct StreamableHttpTransport::Impl : std::enable_shared_from_this<Impl> {
  net::Executor executor;
  TransportOptions options;
  SessionFactory factory;
  mutable std::mutex mu;
  std::unordered_map<std::string, std::shared_ptr<Session>> sessions;
  std::uint64_t created = 0;
  std::uint64_t expired = 0;
  asio::steady_timer sweep_timer;
  std::atomic<bool> sweeping{false};

  Impl(net::Executor ex, TransportOptions o, SessionFactory f)
      : executor(ex), options(std::move(o)), factory(std::move(f)), sweep_timer(ex) {}

  std::shared_ptr<Session> find(std::string_view id) const {
    std::lock_guard lock(mu);
    auto it = sessions.find(std::string(id));
    return it == sessions.end() ? nullptr : it->second;
  }

  /// Room for one more session of `client` (session_admission.hpp): ends the idle session the
  /// policy picks, or says why there is none.
  detail::Admission admit(const std::string& client) {
    std::shared_ptr<Session> victim;
    detail::Admission decision;
    {
      std::lock_guard lock(mu);
      // A scan per initialize (at most max_sessions rows): simpler than a second index that
      // every erase would have to keep in step.
      std::vector<detail::SessionSnapshot> table;
      table.reserve(sessions.size());
      auto now = std::chrono::steady_clock::now();
      for (const auto& [id, s] : sessions)
        table.push_back({s->id(), s->client(), s->idle_since(now), s->last_active()});
      decision = detail::decide_admission(table, client, {options.max_sessions, options.max_sessions_per_client});
      if (!decision.evict) return decision;
      auto it = sessions.find(*decision.evict);
      victim = it->second;
      sessions.erase(it);
      ++expired;
    }
    spdlog::debug("mcp: session limit reached ({} per client, {} in all), ending idle session {} of {}",
                  options.max_sessions_per_client, options.max_sessions, victim->id(), victim->client());
    victim->close();
    return decision;
  }

  void start_sweeper() {
    if (sweeping.exchange(true)) return;
    net::spawn_background(executor, sweep(shared_from_this()), "mcp: session sweeper");
  }

  static Task<void> sweep(std::shared_ptr<Impl> self) {
    auto period = std::clamp(self->options.session_idle_timeout / 4, std::chrono::milliseconds(50),
                             std::chrono::milliseconds(60'000));
    for (;;) {
      self->sweep_timer.expires_after(period);
      boost::system::error_code ec;
      co_await self->sweep_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;  // close_all()
      std::vector<std::shared_ptr<Session>> idle;
      auto cutoff = std::chrono::steady_clock::now() - self->options.session_idle_timeout;
      {
        std::lock_guard lock(self->mu);
        for (auto it = self->sessions.begin(); it != self->sessions.end();) {
          if (it->second->idle_since(cutoff)) {
            idle.push_back(it->second);
            it = self->sessions.erase(it);
            ++self->expired;
          } else {
            ++it;
          }
        }
      }
      for (auto& s : idle) {
        spdlog::debug("mcp: session {} expired after {} ms idle", s->id(), self->options.session_idle_timeout.count());
        s->close();
      }
    }
  }

  Task<net::Response> post(net::Request& req);
  Task<net::Response> get(net::Request& req);
  Task<net::Response> del(net::Request& req);
  Task<net::Response> answer(net::Request& req, std::shared_ptr<Session> session, jsonrpc::IncomingBatch batch,
                             bool accepts_json, bool accepts_sse);
};

Task<net::Response> StreamableHttpTransport::Impl::post(net::Request& req) {
  auto ct = req.headers.get("Content-Type");
  if (!ct || ct->find("application/json") == std::string_view::npos) {
    co_return http::error(415, jsonrpc::kInvalidRequest,
                          "Unsupported Media Type: Content-Type must be application/json");
  }
  auto [accepts_json, accepts_sse] = http::accepts(req);
  if (!accepts_json && !accepts_sse) {
    co_return http::error(406, jsonrpc::kInvalidRequest,
                          "Not Acceptable: Accept must list application/json and text/event-stream");
  }
  auto batch = jsonrpc::parse(req.body, options.max_batch);
  if (!batch.batch && batch.items.size() == 1 && batch.items[0].rejection) {
    const auto& item = batch.items[0];
    co_return net::Response::json(400, jsonrpc::error_json(item.reply_id, *item.rejection));
  }

  const jsonrpc::Message* initialize = nullptr;
  for (const auto& item : batch.items) {
    if (item.message && item.message->kind == jsonrpc::Message::Kind::request && item.message->method == "initialize") {
      initialize = &*item.message;
    }
  }
  auto session_header = req.headers.get(pmcp::kSessionHeader);
  if (initialize != nullptr) {
    if (batch.items.size() != 1) {
      co_return http::error(400, jsonrpc::kInvalidRequest,
                            "Invalid Request: initialize must be sent alone, not in a batch");
    }
    if (session_header) {
      co_return http::error(400, jsonrpc::kInvalidRequest,
                            "Invalid Request: initialize must not carry Mcp-Session-Id (it starts a new session)");
    }
    auto client = detail::client_identity(req.remote_address);
    auto admission = admit(client);
    if (admission.verdict == detail::Admission::Verdict::client_at_limit) {
      co_return http::error(429, jsonrpc::kInternalError,
                            "Too Many Requests: this client already has " +
                                std::to_string(options.max_sessions_per_client) +
                                " MCP sessions, all busy (limit: --max-sessions-per-client or "
                                "MCP_MAX_SESSIONS_PER_CLIENT); end one with DELETE or retry later");
    }
    if (admission.verdict == detail::Admission::Verdict::server_at_limit) {
      co_return http::error(503, jsonrpc::kInternalError,
                            "Service Unavailable: too many active MCP sessions; retry later");
    }
    auto session = std::make_shared<Session>(secure_random_hex(32), options.replay_events, std::move(client));
    session->set_initialize_id(initialize->id);
    auto handler = factory(*initialize, session);
    if (!handler) {
      jsonrpc::ErrorObject err{jsonrpc::kInternalError, handler.error().message, std::nullopt};
      co_return net::Response::json(200, jsonrpc::error_json(initialize->id, err));
    }
    session->set_handler(std::move(*handler));
    {
      std::lock_guard lock(mu);
      sessions.emplace(session->id(), session);
      ++created;
    }
    start_sweeper();
    co_return co_await answer(req, session, std::move(batch), accepts_json, accepts_sse);
  }

  if (!session_header) {
    co_return http::error(400, jsonrpc::kInvalidRequest,
                          "Bad Request: Mcp-Session-Id header is required (send initialize first)");
  }
  auto session = find(*session_header);
  if (!session) {
    co_return http::error(404, jsonrpc::kInvalidRequest,
                          "Session not found: it ended or expired; initialize a new session");
  }
  if (auto v = req.headers.get(pmcp::kVersionHeader); v && !pmcp::is_supported_version(*v)) {
    co_return http::error(400, jsonrpc::kInvalidRequest,
                          "Bad Request: unsupported MCP-Protocol-Version '" + std::string(*v) + "'");
  }
  co_return co_await answer(req, std::move(session), std::move(batch), accepts_json, accepts_sse);
}

Task<net::Response> StreamableHttpTransport::Impl::answer(net::Request& req, std::shared_ptr<Session> session,
                                                          jsonrpc::IncomingBatch batch, bool accepts_json,
                                                          bool accepts_sse) {
  session->touch();
  auto handler = session->handler();
  if (!handler) co_return http::error(404, jsonrpc::kInvalidRequest, "Session not found: it has ended");
  auto ex = co_await asio::this_coro::executor;

  // Requests get a stream; invalid elements are answered on it; notifications and responses
  // only need delivering.
  std::vector<json::value> ids;
  std::vector<std::string> seen;
  std::vector<std::pair<json::value, std::string>> rejections;
  for (auto& item : batch.items) {
    if (item.rejection) {
      rejections.emplace_back(item.reply_id.value(), jsonrpc::error_json(item.reply_id, *item.rejection));
      continue;
    }
    if (item.message->kind != jsonrpc::Message::Kind::request) continue;
    auto key = detail::request_key(item.message->id);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      jsonrpc::ErrorObject dup{jsonrpc::kInvalidRequest, "Invalid Request: duplicate id " + key + " in one batch",
                               std::nullopt};
      rejections.emplace_back(json::value(), jsonrpc::error_json(nullptr, dup));
      item.message.reset();
      continue;
    }
    seen.push_back(key);
    ids.push_back(item.message->id.value());
  }
  if (ids.empty()) {
    for (auto& item : batch.items) {
      if (!item.message) continue;
      if (item.message->method == "notifications/cancelled" && item.message->params.is_object()) {
        if (auto* rid = item.message->params.get_object().if_contains("requestId")) session->cancel_request(*rid);
      }
      net::spawn_background(ex, handler->receive(std::move(*item.message)), "mcp: handling a notification");
    }
    if (rejections.empty()) co_return net::Response::empty(202);
    if (rejections.size() == 1 && !batch.batch) co_return net::Response::json(400, rejections[0].second);
    std::string body = "[";
    for (std::size_t i = 0; i < rejections.size(); ++i) body += (i ? "," : "") + rejections[i].second;
    co_return net::Response::json(400, body + "]");
  }

  auto stream = session->open_post_stream(ids, !accepts_sse);
  for (auto& [id, text] : rejections) session->send(std::move(text), ids.front());
  for (auto& item : batch.items) {
    if (!item.message) continue;
    auto& msg = *item.message;
    if (msg.kind == jsonrpc::Message::Kind::notification && msg.method == "notifications/cancelled" &&
        msg.params.is_object()) {
      if (auto* rid = msg.params.get_object().if_contains("requestId")) session->cancel_request(*rid);
    }
    if (msg.kind == jsonrpc::Message::Kind::request) {
      auto signal = std::make_shared<asio::cancellation_signal>();
      session->track_request(msg.id, ex, signal);
      net::spawn_background(ex, handler->receive(std::move(msg)), "mcp: handling a request", signal);
    } else {
      net::spawn_background(ex, handler->receive(std::move(msg)), "mcp: handling a message");
    }
  }

  auto wake = std::make_shared<Wakeup>(ex, 1);
  session->attach(*stream, wake);
  const bool single = ids.size() == 1 && !batch.batch;
  // JSON-only clients: wait for every answer and return them in one body.
  // Otherwise: JSON when the first thing produced is the single request's answer, else SSE.
  detail::Batch first;
  try {
    for (;;) {
      first = session->take(*stream, 0, wake);
      bool ready = accepts_sse ? (!first.events.empty() || first.finished || first.close) : first.finished;
      if (ready) break;
      co_await wake->async_receive(asio::use_awaitable);
    }
  } catch (...) {
    session->detach(*stream, wake);  // client went away: answers stay buffered for resumption
    // ...except for a client that accepts only JSON: it has no event ids to resume with, so
    // nobody can receive these answers; stop the work (a tool's worker, a queued call).
    if (!accepts_sse)
      for (const auto& id : ids) session->cancel_request(id);
    throw;
  }
  const bool json_answer =
      !accepts_sse || (accepts_json && single && first.finished && !first.close && first.events.size() == 1);
  if (json_answer) {
    session->detach(*stream, wake);
    session->forget(*stream);
    std::string body;
    if (single && first.events.size() == 1) {
      body = std::move(first.events[0].data);
    } else {
      body = "[";
      for (std::size_t i = 0; i < first.events.size(); ++i) body += (i ? "," : "") + first.events[i].data;
      body += "]";
    }
    auto res = net::Response::json(200, std::move(body));
    res.headers.set(pmcp::kSessionHeader, session->id());
    co_return res;
  }
  auto res = net::sse_response();
  res.headers.set(pmcp::kSessionHeader, session->id());
  bool priming = pmcp::version_at_least(session->protocol_version(), "2025-11-25");
  res.stream = [session, stream, wake, priming, close = first.close,
                opts = options](net::BodyWriter& out) -> Task<void> {
    co_await http::pump(session, stream, 0, wake, priming, opts, out, close);
  };
  co_return res;
}

Task<net::Response> StreamableHttpTransport::Impl::get(net::Request& req) {
  auto accept = req.headers.get("Accept");
  if (!accept ||
      (accept->find("text/event-stream") == std::string_view::npos && accept->find("*/*") == std::string_view::npos)) {
    co_return http::error(406, jsonrpc::kInvalidRequest, "Not Acceptable: GET needs Accept: text/event-stream");
  }
  auto session_header = req.headers.get(pmcp::kSessionHeader);
  if (!session_header)
    co_return http::error(400, jsonrpc::kInvalidRequest, "Bad Request: Mcp-Session-Id header is required");
  auto session = find(*session_header);
  if (!session)
    co_return http::error(404, jsonrpc::kInvalidRequest,
                          "Session not found: it ended or expired; initialize a new session");

  auto ex = co_await asio::this_coro::executor;
  auto wake = std::make_shared<Wakeup>(ex, 1);
  std::shared_ptr<Stream> stream;
  std::uint64_t after = 0;
  if (auto last = req.headers.get(pmcp::kLastEventIdHeader)) stream = session->find_stream_for_event(*last, after);
  if (!stream) {
    stream = session->standalone();
    after = stream->delivered;
  }
  if (!session->attach(*stream, wake)) {
    co_return http::error(409, jsonrpc::kInvalidRequest, "Conflict: this session already has an open SSE stream");
  }
  auto res = net::sse_response();
  res.headers.set(pmcp::kSessionHeader, session->id());
  bool priming = pmcp::version_at_least(session->protocol_version(), "2025-11-25");
  res.stream = [session, stream, wake, after, priming, opts = options](net::BodyWriter& out) -> Task<void> {
    co_await http::pump(session, stream, after, wake, priming, opts, out);
  };
  co_return res;
}

Task<net::Response> StreamableHttpTransport::Impl::del(net::Request& req) {
  auto session_header = req.headers.get(pmcp::kSessionHeader);
  if (!session_header)
    co_return http::error(400, jsonrpc::kInvalidRequest, "Bad Request: Mcp-Session-Id header is required");
  std::shared_ptr<Session> session;
  {
    std::lock_guard lock(mu);
    auto it = sessions.find(std::string(*session_header));
    if (it != sessions.end()) {
      session = it->second;
      sessions.erase(it);
    }
  }
  if (!session) co_return http::error(404, jsonrpc::kInvalidRequest, "Session not found");
  session->close();
  co_return net::Response::empty(204);
}

StreamableHttpTransport::StreamableHttpTransport(net::Executor executor, TransportOptions options,
                                                 SessionFactory factory)
    : impl_(std::make_shared<Impl>(executor, std::move(options), std::move(factory))) {}

StreamableHttpTransport::~StreamableHttpTransport() {
  close_all();
}

void StreamableHttpTransport::mount(net::Router& router) {
  auto impl = impl_;
  router.post(impl->options.path, [impl](net::Request& r) { return impl->post(r); });
  router.get(impl->options.path, [impl](net::Request& r) { return impl->get(r); });
  router.add("DELETE", impl->options.path, [impl](net::Request& r) { return impl->del(r); });
}

void StreamableHttpTransport::close_all() {
  std::unordered_map<std::string, std::shared_ptr<Session>> all;
  {
    std::lock_guard lock(impl_->mu);
    all.swap(impl_->sessions);
  }
  if (impl_->sweeping.exchange(false)) {
    asio::post(impl_->executor, [impl = impl_] { impl->sweep_timer.cancel(); });
  }
  for (auto& [id, s] : all) s->close();
}

TransportStats StreamableHttpTransport::stats() const {
  TransportStats st;
  std::lock_guard lock(impl_->mu);
  st.sessions = impl_->sessions.size();
  st.sessions_created = impl_->created;
  st.sessions_expired = impl_->expired;
  for (const auto& [id, s] : impl_->sessions) st.open_streams += s->open_streams();
  return st;
}

}  // namespace kaos::mcp
