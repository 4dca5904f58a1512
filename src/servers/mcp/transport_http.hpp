#pragma once
// Internal to the Streamable HTTP transport: header checks, error answers and the loop that
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

/// 403 when the Origin (or, for a loopback-bound server, the Host) is not allowed.
std::optional<net::Response> check_origin(const net::Request& req, const TransportOptions& options);

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
