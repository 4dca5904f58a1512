#pragma once
// The MCP client: talks to one MCP server over Streamable HTTP (protocol 2025-03-26 and later)
// or the legacy HTTP+SSE transport (2024-11-05). Used by the agent runtime, `kaos mcp-call`
// and the dashboard.
//
// Contract:
// - Lazy: the first call connects and initializes. A server that is not up yet is retried with
//   backoff until the call's connect deadline; a failed connect leaves no state behind, so the
//   next call tries again (an agent started before its tool server does not lose it forever).
// - Every call has a deadline; cancelling the awaiting coroutine stops the call ("cancelled").
// - Thread model: use one McpClient from one executor (a strand or a single-threaded
//   io_context), like net::HttpClient. Concurrent calls from coroutines on that executor are
//   fine. Destroy it on that executor (or after its io_context stopped).
//
// Error kinds: connect (server unreachable within the connect deadline), timeout, cancelled,
// http (unexpected HTTP status, in http_status), protocol (malformed or unexpected answer,
// unsupported protocol version), remote (the server answered a JSON-RPC error: rpc_code, and
// the message carries its code and text), invalid (bad URL or arguments).
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/json.hpp"
#include "core/result.hpp"
#include "net/client.hpp"
#include "net/http.hpp"

namespace kaos::clients::mcp {

enum class Transport {
  automatic,        ///< Streamable HTTP; falls back to legacy SSE when POST gets 400/404/405
  streamable_http,  ///< POST/GET on one endpoint (2025-03-26+)
  sse,              ///< legacy HTTP+SSE: GET the URL, POST to the `endpoint` event's URL
};

/// "auto", "streamable-http", "sse" (the CLI's spelling); nullopt for anything else.
std::optional<Transport> parse_transport(std::string_view name);
std::string_view transport_name(Transport t);

struct McpClientOptions {
  std::string url;       ///< the MCP endpoint, e.g. http://host:8000/mcp
  net::Headers headers;  ///< added to every request (e.g. Authorization)
  Transport transport = Transport::automatic;
  std::chrono::milliseconds request_timeout{60'000};  ///< default deadline of one call
  /// How long one call keeps retrying a server that refuses connections (or answers 502/503/
  /// 504 to initialize) before giving up; bounded by the call's own deadline too.
  std::chrono::milliseconds connect_timeout{30'000};
  std::chrono::milliseconds connect_initial_backoff{100};  ///< doubled per attempt, full jitter
  std::chrono::milliseconds connect_max_backoff{2'000};
  /// Wait before resuming a broken SSE answer stream when the server sent no `retry:` field.
  std::chrono::milliseconds default_sse_retry{1'000};
  int max_resume_attempts = 5;  ///< consecutive GET resumptions that made no progress
  std::string client_name = "kaos";
  std::string client_version;  ///< empty: this build's version
  /// Sent as initialize.capabilities; sampling/elicitation/roots entries are added when the
  /// matching handler is set.
  json::object capabilities;
  net::ClientOptions http;
};

/// One `notifications/progress` for a call.
struct Progress {
  double progress = 0;
  std::optional<double> total;
  std::string message;
};
using ProgressCallback = std::function<void(const Progress&)>;

/// Answers a server-to-client request (sampling/createMessage, elicitation/create, roots/list):
/// a result object, or an Error (sent back as JSON-RPC -32603 with its message).
using ServerRequestHandler = std::function<net::Task<Result<json::value>>(const json::value& params)>;

/// Optional hooks. All run on the client's executor; callbacks must not block.
struct McpHandlers {
  std::function<void(const json::object& params)> on_log;        ///< notifications/message
  std::function<void(std::string_view method)> on_list_changed;  ///< notifications/*/list_changed
  std::function<void(std::string_view method, const json::value& params)> on_notification;  ///< others
  /// Each failed connect attempt that will be retried (for "waiting for server" logs).
  std::function<void(const Error& error, int attempt)> on_connect_retry;
  ServerRequestHandler sampling;     ///< sampling/createMessage
  ServerRequestHandler elicitation;  ///< elicitation/create
  ServerRequestHandler roots;        ///< roots/list
};

/// What initialize told us.
struct ServerInfo {
  std::string protocol_version;
  std::string name;
  std::string version;
  std::string instructions;
  json::object capabilities;
  Transport transport = Transport::streamable_http;  ///< the one in use
};

struct CallOptions {
  std::optional<std::chrono::milliseconds> timeout;  ///< default: request_timeout
  ProgressCallback on_progress;                      ///< set: the call asks for progress
  /// Added to this call's HTTP request (e.g. the caller's traceparent); McpClientOptions.headers
  /// still apply, these win on a clash.
  net::Headers headers;
};

class McpClient {
 public:
  McpClient(net::Executor executor, McpClientOptions options, McpHandlers handlers = {});
  ~McpClient();
  McpClient(const McpClient&) = delete;
  McpClient& operator=(const McpClient&) = delete;

  /// Connects and initializes now (otherwise the first call does).
  net::Task<Result<ServerInfo>> connect(std::optional<std::chrono::milliseconds> timeout = {});
  /// All tools (following nextCursor). Cached until a notifications/tools/list_changed arrives
  /// or the session is re-initialized.
  net::Task<Result<json::array>> list_tools(std::optional<std::chrono::milliseconds> timeout = {});
  /// The same list without copying it: the cached array itself, shared. It is never modified;
  /// a refresh (after list_changed or a re-initialized session) yields a different pointer, so
  /// callers may compare pointers to learn whether the list changed.
  net::Task<Result<std::shared_ptr<const json::array>>> list_tools_shared(
      std::optional<std::chrono::milliseconds> timeout = {});
  /// The tools/call result object (content, structuredContent, isError). A tool that failed
  /// reports isError: true in a value; only protocol and transport failures are Errors.
  net::Task<Result<json::object>> call_tool(std::string name, json::object arguments, CallOptions options = {});
  net::Task<Result<void>> ping(std::optional<std::chrono::milliseconds> timeout = {});
  /// Any request; its result.
  net::Task<Result<json::value>> request(std::string method, json::value params, CallOptions options = {});
  /// Ends the session (DELETE on Streamable HTTP; 405 is fine). The next call starts a new one.
  net::Task<Result<void>> close();

  /// Set once connected; null before and after close().
  const ServerInfo* server() const;
  /// The Mcp-Session-Id in use (empty when none).
  std::string session_id() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace kaos::clients::mcp
