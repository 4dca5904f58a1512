// Lazy connect: one connect at a time (other calls wait for it), retried with backoff while
// the server is unreachable, the transport chosen per the specification's backwards-
// compatibility rule, then the initialize handshake.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "clients/mcp/client_impl.hpp"
#include "core/backoff.hpp"
#include "core/version.hpp"
#include "protocol/mcp/mcp.hpp"

namespace kaos::clients::mcp {

namespace asio = boost::asio;
namespace jsonrpc = protocol::jsonrpc;
namespace pmcp = protocol::mcp;
using detail::Clock;
using detail::Deadline;
using detail::Wire;

namespace {

std::chrono::milliseconds backoff(const McpClientOptions& o, int attempt) {
  using std::chrono::milliseconds;
  // Jittered, but never below a tenth of the ceiling: a refused connect returns instantly, so
  // a zero wait would spin. Both bounds at least 1 ms for the same reason.
  const Backoff schedule{std::max(milliseconds(1), o.connect_initial_backoff),
                         std::max(milliseconds(1), o.connect_max_backoff), 0.1};
  return schedule.delay(attempt);
}

std::string seconds_text(std::chrono::milliseconds d) {
  auto ms = d.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms / 1000) + "." + std::to_string((ms % 1000) / 100) + " s";
}

std::string supported_list() {
  std::string out;
  for (auto v : pmcp::kSupportedVersions) out += (out.empty() ? "" : ", ") + std::string(v);
  return out;
}

/// initialize.params. Built outside any coroutine: GCC 12 mis-handles braced initializer
/// lists inside coroutines.
json::object initialize_params(const McpClientOptions& options, const McpHandlers& handlers) {
  json::object caps = options.capabilities;
  if (handlers.sampling && !caps.contains("sampling")) caps["sampling"] = json::object{};
  if (handlers.elicitation && !caps.contains("elicitation")) caps["elicitation"] = json::object{};
  if (handlers.roots && !caps.contains("roots")) caps["roots"] = json::object{};
  json::object client_info;
  client_info["name"] = options.client_name;
  client_info["version"] = options.client_version.empty() ? std::string(kaos::version()) : options.client_version;
  json::object params;
  params["protocolVersion"] = pmcp::kLatestVersion;
  params["capabilities"] = std::move(caps);
  params["clientInfo"] = std::move(client_info);
  return params;
}

/// A transient answer from a proxy in front of a server that is not ready yet.
bool unavailable_status(int status) {
  return status == 502 || status == 503 || status == 504;
}

}  // namespace

net::Task<Result<std::shared_ptr<Wire>>> McpClient::Impl::ensure_connected(Deadline deadline) {
  for (;;) {
    if (wire) co_return wire;
    if (!connecting) break;
    // Another call is connecting: wait for it (its result is the wire, or nothing and we try).
    auto timer = std::make_shared<asio::steady_timer>(executor, deadline);
    connect_waiters.push_back(timer);
    auto [ec] = co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
    if (!ec) co_return Error::timeout("connecting to " + options.url + " did not finish before the call's deadline");
    auto state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() != asio::cancellation_type::none) co_return Error::cancelled();
  }
  connecting = true;
  // Reset on every exit, including an exception from a cancelled co_await.
  struct Guard {
    Impl* self;
    ~Guard() {
      self->connecting = false;
      self->wake_connect_waiters();
    }
  } guard{this};
  co_return co_await connect_with_retries(deadline);
}

void McpClient::Impl::wake_connect_waiters() {
  for (auto& t : connect_waiters) t->cancel();
  connect_waiters.clear();
}

net::Task<Result<std::shared_ptr<Wire>>> McpClient::Impl::connect_with_retries(Deadline deadline) {
  const auto started = Clock::now();
  const auto connect_deadline = std::min(deadline, started + options.connect_timeout);
  for (int attempt = 1;; ++attempt) {
    auto connected = co_await connect_once(deadline);
    if (connected) co_return connected;
    if (connected.error().kind != ErrorKind::connect) co_return connected.error();
    // The last wait is shortened so one more attempt happens right at the connect deadline:
    // "retried for N s" then means N seconds.
    auto now = Clock::now();
    auto delay = std::min(backoff(options, attempt),
                          std::chrono::duration_cast<std::chrono::milliseconds>(connect_deadline - now));
    if (now >= connect_deadline || delay.count() <= 0) {
      auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
      co_return Error{ErrorKind::connect,
                      "cannot connect to " + options.url + ": " + connected.error().message +
                          (attempt > 1 ? " (retried for " + seconds_text(waited) + ")" : std::string())};
    }
    if (handlers.on_connect_retry) handlers.on_connect_retry(connected.error(), attempt);
    if (!co_await detail::pause(delay)) co_return Error::cancelled();
  }
}

net::Task<Result<std::shared_ptr<Wire>>> McpClient::Impl::connect_once(Deadline deadline) {
  if (options.transport != Transport::sse) {
    auto w = detail::make_streamable_wire(wire_context());
    int status = 0;
    auto init = co_await initialize(*w, deadline, &status);
    if (init) {
      wire = w;
      co_return w;
    }
    // A proxy in front of a server that is not ready yet: a connect failure, retried.
    if (init.error().kind == ErrorKind::http && unavailable_status(status))
      co_return Error::http(status, init.error().message, ErrorKind::connect);
    // The specification's backwards-compatibility rule: a server that answers POST with 400,
    // 404 or 405 may be an HTTP+SSE server; GET the same URL as its SSE endpoint.
    bool fallback = options.transport == Transport::automatic && init.error().kind == ErrorKind::http &&
                    (status == 400 || status == 404 || status == 405);
    if (!fallback) co_return init.error();
  }
  auto opened = co_await detail::open_legacy_wire(wire_context(), deadline);
  if (!opened) co_return opened.error();
  auto w = std::move(*opened);
  auto init = co_await initialize(*w, deadline, nullptr);
  if (!init) {
    w->abandon();
    co_return init.error();
  }
  wire = w;
  co_return w;
}

net::Task<Result<void>> McpClient::Impl::initialize(Wire& w, Deadline deadline, int* http_status) {
  auto params = initialize_params(options, handlers);
  const auto id = next_id++;
  auto answer = co_await w.request(jsonrpc::request_json(id, "initialize", params), id, deadline, http_status);
  if (!answer) co_return answer.error();
  if (answer->kind == jsonrpc::Message::Kind::error)
    co_return Error::rpc(answer->error.code,
                         "initialize rejected by " + options.url + ": " + answer->error.message + " (JSON-RPC error " +
                             std::to_string(answer->error.code) + ")",
                         ErrorKind::remote);
  if (!answer->result.is_object())
    co_return Error{ErrorKind::protocol, "initialize answer from " + options.url + " has no result object"};
  const auto& result = answer->result.as_object();
  auto version = string_field(result, "protocolVersion");
  if (!version)
    co_return Error{ErrorKind::protocol, "initialize answer from " + options.url + " has no protocolVersion"};
  if (!pmcp::is_supported_version(*version)) {
    (void)co_await w.close(deadline);
    co_return Error{ErrorKind::protocol, "server " + options.url + " answered protocol version '" +
                                             std::string(*version) + "', which this client does not speak (it speaks " +
                                             supported_list() + "); upgrade the server or the client"};
  }
  w.set_protocol_version(std::string(*version));
  auto sent = co_await w.send(jsonrpc::notification_json("notifications/initialized"), deadline);
  if (!sent) co_return sent.error();

  ServerInfo si;
  si.protocol_version = std::string(*version);
  si.transport = w.kind();
  if (auto* server = find_field(result, "serverInfo"); server && server->is_object()) {
    si.name = std::string(string_field(server->as_object(), "name").value_or(""));
    si.version = std::string(string_field(server->as_object(), "version").value_or(""));
  }
  if (auto* caps_v = find_field(result, "capabilities"); caps_v && caps_v->is_object())
    si.capabilities = caps_v->as_object();
  si.instructions = std::string(string_field(result, "instructions").value_or(""));
  info = std::move(si);
  tools_cache.reset();
  ++tools_epoch;
  co_return Result<void>{};
}

void McpClient::Impl::drop(const std::shared_ptr<Wire>& dropped) {
  if (!dropped || wire != dropped) return;
  wire->abandon();
  wire.reset();
  info.reset();
  tools_cache.reset();
  ++tools_epoch;
}

}  // namespace kaos::clients::mcp
