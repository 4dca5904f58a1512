#pragma once
// Internals shared by the two transports and the client core: the Wire interface (one
// connected transport), the context a wire gets from the client, and small helpers.
// Thread model: everything here runs on the McpClient's executor.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "clients/mcp/client.hpp"
#include "protocol/jsonrpc/message.hpp"

namespace kaos::clients::mcp::detail {

namespace jsonrpc = protocol::jsonrpc;
using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

class Wire;

/// What a wire needs from the client. `dispatch` receives every server message that is not the
/// answer being waited for (notifications, server-to-client requests, stray responses); `from`
/// is the wire it came on (replies go back through it).
struct WireContext {
  std::shared_ptr<net::HttpClient> http;
  std::shared_ptr<const McpClientOptions> options;  ///< a copy: a wire may outlive the client briefly
  std::function<void(jsonrpc::Message message, Wire& from)> dispatch;
};

/// One connected transport. Errors use the kinds of client.hpp plus session_expired (HTTP
/// 404 on a request that carried a session id), which the client core turns into one
/// re-initialize and retry.
class Wire : public std::enable_shared_from_this<Wire> {
 public:
  virtual ~Wire() = default;
  /// Sends the JSON-RPC request `body` whose id is `id` and returns the response or error
  /// message answering it. `http_status`, when given, receives the status of the POST (0 when
  /// none arrived): the automatic transport choice looks at it.
  virtual net::Task<Result<jsonrpc::Message>> request(std::string body, std::int64_t id, Deadline deadline,
                                                      int* http_status = nullptr,
                                                      const net::Headers* extra_headers = nullptr) = 0;
  /// Sends a notification or a reply to a server request (no answer expected).
  virtual net::Task<Result<void>> send(std::string body, Deadline deadline) = 0;
  /// Ends the session on the server, best effort.
  virtual net::Task<Result<void>> close(Deadline deadline) = 0;
  /// Stops background work (the legacy reader) without I/O; called when the client drops the
  /// wire. The reader holds the wire alive, so this, not the destructor, is what ends it.
  virtual void abandon() {}
  /// The negotiated version, sent as MCP-Protocol-Version from now on.
  virtual void set_protocol_version(std::string version) = 0;
  virtual std::string session_id() const { return {}; }
  virtual Transport kind() const = 0;
};

/// Streamable HTTP (streamable_http.cpp).
std::shared_ptr<Wire> make_streamable_wire(WireContext context);
/// Legacy HTTP+SSE (legacy_sse.cpp): GETs the URL and waits for the `endpoint` event.
net::Task<Result<std::shared_ptr<Wire>>> open_legacy_wire(WireContext context, Deadline deadline);

/// Milliseconds left until `deadline` (at least 1, so a request built at the edge still fails
/// as a timeout rather than with a zero timeout).
std::chrono::milliseconds remaining(Deadline deadline);
bool expired(Deadline deadline);
/// Waits `delay`; false when the wait was cancelled.
net::Task<bool> pause(std::chrono::milliseconds delay);

/// Well-formed messages in a JSON body or SSE `data` (a single message or a batch); elements
/// that are not valid JSON-RPC are skipped.
std::vector<jsonrpc::Message> parse_messages(std::string_view body);
/// True when `m` is the response or error answering request `id`.
bool answers(const jsonrpc::Message& m, std::int64_t id);
/// "text/event-stream; charset=utf-8" -> true for "text/event-stream".
bool content_type_is(const net::Headers& headers, std::string_view type);
/// A short, single-line excerpt of a response body for error messages.
std::string body_excerpt(std::string_view body);
/// Resolves `ref` (absolute URL, absolute path or relative path) against `base`.
std::string resolve_url(std::string_view base, std::string_view ref);
/// Base request: method, url, the user's headers, the deadline.
net::ClientRequest base_request(const McpClientOptions& options, std::string method, std::string url,
                                Deadline deadline);

}  // namespace kaos::clients::mcp::detail
