#pragma once
// MCP Streamable HTTP (specification 2025-03-26 … 2025-11-25, "Transports"): POST /mcp answered
// with JSON or an SSE stream, GET /mcp for the server-to-client stream, DELETE to end a
// session, Mcp-Session-Id, MCP-Protocol-Version checks, resumable streams (event ids,
// Last-Event-ID, priming events with a retry hint) and Origin/Host checks against DNS
// rebinding.
//
// Answer shape: a POST holding one request is answered with application/json when its response
// is the first message the handler produces for it; when a notification or server-to-client
// request comes first (progress, logs, sampling), the answer switches to text/event-stream.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "net/router.hpp"
#include "servers/mcp/session_handler.hpp"

namespace kaos::mcp {

struct TransportOptions {
  std::string path = "/mcp";
  /// Bound on concurrent sessions; beyond it the least recently active idle session of the
  /// client holding the most sessions is ended (session_admission.hpp).
  std::size_t max_sessions = 10'000;
  /// Bound on one client's sessions (per peer address); beyond it the client's own least
  /// recently active idle session is ended, or, with none idle, initialize gets 429.
  std::size_t max_sessions_per_client = 256;
  /// A session with no request and no open stream for this long is ended.
  std::chrono::milliseconds session_idle_timeout{30 * 60 * 1000};
  /// Events kept per stream for resumption (oldest dropped first).
  std::size_t replay_events = 256;
  /// The `retry:` hint (ms) sent with priming events.
  std::chrono::milliseconds retry_hint{1000};
  /// Elements allowed in one JSON-RPC batch.
  std::size_t max_batch = 100;
  /// An SSE comment is sent on a quiet stream this often, so proxies keep it open.
  std::chrono::milliseconds keepalive{25'000};
};

/// Counters the transport keeps (for /metrics and tests).
struct TransportStats {
  std::size_t sessions = 0;
  std::uint64_t sessions_created = 0;
  std::uint64_t sessions_expired = 0;
  std::size_t open_streams = 0;
};

class StreamableHttpTransport {
 public:
  StreamableHttpTransport(net::Executor executor, TransportOptions options, SessionFactory factory);
  ~StreamableHttpTransport();
  StreamableHttpTransport(const StreamableHttpTransport&) = delete;
  StreamableHttpTransport& operator=(const StreamableHttpTransport&) = delete;

  /// Registers POST/GET/DELETE on options.path.
  void mount(net::Router& router);
  /// Ends every session (server shutdown).
  void close_all();
  TransportStats stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace kaos::mcp
