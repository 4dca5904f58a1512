#pragma once
// McpClient's state, shared by client.cpp (calls), connect.cpp (lazy connect, initialize,
// transport choice) and dispatch.cpp (server-to-client messages).
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <optional>
#include <vector>

#include "clients/mcp/client.hpp"
#include "clients/mcp/wire.hpp"

namespace kaos::clients::mcp {

struct McpClient::Impl : std::enable_shared_from_this<McpClient::Impl> {
  Impl(net::Executor ex, McpClientOptions opts, McpHandlers hooks);

  net::Executor executor;
  McpClientOptions options;
  McpHandlers handlers;
  std::shared_ptr<net::HttpClient> http;

  std::shared_ptr<detail::Wire> wire;  ///< set while a session is up
  std::optional<ServerInfo> info;
  bool connecting = false;
  /// Calls that wait for another call's connect; woken (cancelled) when it finishes.
  std::vector<std::shared_ptr<boost::asio::steady_timer>> connect_waiters;
  std::int64_t next_id = 1;
  std::map<std::int64_t, ProgressCallback> progress;
  /// The cached tools/list; replaced (never mutated) on refresh, reset on invalidation, so a
  /// pointer handed out by list_tools_shared stays valid and unchanged.
  std::shared_ptr<const json::array> tools_cache;
  std::uint64_t tools_epoch = 0;  ///< bumped by every invalidation (a fetch racing one is not cached)

  // connect.cpp
  /// The connected wire, connecting (with retries until the connect deadline) when needed.
  net::Task<Result<std::shared_ptr<detail::Wire>>> ensure_connected(detail::Deadline deadline);
  net::Task<Result<std::shared_ptr<detail::Wire>>> connect_with_retries(detail::Deadline deadline);
  net::Task<Result<std::shared_ptr<detail::Wire>>> connect_once(detail::Deadline deadline);
  net::Task<Result<void>> initialize(detail::Wire& wire, detail::Deadline deadline, int* http_status);
  /// Forgets `dropped` (when it is still the current wire) so the next call connects afresh.
  void drop(const std::shared_ptr<detail::Wire>& dropped);
  void wake_connect_waiters();

  // client.cpp
  /// One request with reconnect-and-retry on session expiry; the result or an Error.
  net::Task<Result<json::value>> call(std::string method, json::value params, detail::Deadline deadline,
                                      ProgressCallback on_progress, net::Headers headers = {});

  net::Task<Result<std::shared_ptr<const json::array>>> list_tools(detail::Deadline deadline);

  // dispatch.cpp
  void dispatch(protocol::jsonrpc::Message message, detail::Wire& from);
  detail::WireContext wire_context();
};

}  // namespace kaos::clients::mcp
