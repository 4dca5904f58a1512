#pragma once
// Internal to the Streamable HTTP transport (and the refusal shape `kaos mcp` gives its
// browser-safety and key middleware): Accept checks, error answers and the loop that
// writes a stream's events as SSE.
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "net/http.hpp"
#include "servers/mcp/transport.hpp"
#include "servers/mcp/transport_session.hpp"

namespace kaos::mcp::http {

/// A JSON-RPC error body (id null) with an HTTP status, as MCP SDKs answer transport errors.
net::Response error(int status, int code, std::string message);

/// A refusal of the browser-safety or key middleware (net/browser_safety.hpp) in the route's
/// shape: a JSON-RPC error (id null) on /mcp, `{"detail": ...}` on the probes and /metrics.
net::Response refusal(const net::Request& req, int status, std::string message);

/// Which answer types the client's Accept header allows: {json, sse}. No header: both.
std::pair<bool, bool> accepts(const net::Request& req);

/// Writes `stream`'s events after `after` as SSE until the stream is finished (every request
/// answered), asked to close, the session ends, or the client goes away. Sends a priming
/// event (id + retry hint, empty data) first when `priming`, and keep-alive comments.
/// `close_first`: a close was already requested (and taken) before the stream started.
Task<void> pump(std::shared_ptr<detail::Session> session, std::shared_ptr<detail::Stream> stream, std::uint64_t after,
                std::shared_ptr<detail::Wakeup> wake, bool priming, const TransportOptions& options,
                net::BodyWriter& out, bool close_first = false);

}  // namespace kaos::mcp::http
