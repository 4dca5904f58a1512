#pragma once
// The seam between the Streamable HTTP transport and whatever answers MCP messages: the native
// server (McpServer) or a bridge to another server (the stdio bridge). The transport owns
// HTTP, sessions, streams, resumability and routing; a SessionHandler only sees JSON-RPC
// messages of one session and sends messages back through its Outbound.
#include <functional>
#include <memory>
#include <string>

#include "core/json.hpp"
#include "core/result.hpp"
#include "net/task.hpp"
#include "protocol/jsonrpc/message.hpp"

namespace kaos::mcp {

namespace jsonrpc = protocol::jsonrpc;
namespace asio = boost::asio;
using net::Task;

/// Where a session's server-to-client messages go. Thread-safe; may be called from any thread
/// and after the request that caused them has been answered (then they go to the session's
/// standalone GET stream, or are buffered until one opens).
class Outbound {
 public:
  virtual ~Outbound() = default;
  /// The final response (result or error) to client request `id`; serialized JSON-RPC.
  /// Ends that request's stream once every request of its POST has been answered.
  virtual void respond(const json::value& id, std::string message) = 0;
  /// A notification or server-to-client request. `related` is the id of the client request
  /// it belongs to (progress, logs and sampling during a tool call travel on that request's
  /// stream), or null for session-wide messages (list_changed, resources/updated).
  virtual void send(std::string message, const json::value& related) = 0;
  /// Closes the SSE stream that carries `related` without answering it (SEP-1699 polling);
  /// the client reconnects with GET + Last-Event-ID and receives what follows.
  virtual void close_stream(const json::value& related) = 0;
};

/// One MCP session's message handler. Created by a SessionFactory on `initialize`.
class SessionHandler {
 public:
  virtual ~SessionHandler() = default;
  /// Handles one client message (request, notification, or a response to a server-to-client
  /// request). For a request the handler must, now or later, call Outbound::respond exactly
  /// once with the request's id. Returning does not mean the request was answered.
  virtual Task<void> receive(jsonrpc::Message message) = 0;
  /// The session ended (DELETE, idle expiry, server shutdown). Release resources; no more
  /// messages follow.
  virtual void close() = 0;
};

/// Creates the handler of a new session from the client's `initialize` request (which is then
/// passed to receive() like any other message). An error answers the initialize POST with a
/// JSON-RPC internal error carrying the message and creates no session.
using SessionFactory = std::function<Result<std::shared_ptr<SessionHandler>>(const jsonrpc::Message& initialize,
                                                                             std::shared_ptr<Outbound> outbound)>;

}  // namespace kaos::mcp
