#include "servers/mcp/server_metrics.hpp"

namespace kaos::mcp {

ServerMetrics::ServerMetrics()
    : requests_(registry_.counter("mcp_requests_total", "JSON-RPC requests handled, by method", {"method"})),
      request_errors_(registry_.counter("mcp_request_errors_total",
                                        "JSON-RPC requests answered with an error, by method", {"method"})),
      tool_calls_(registry_.counter("mcp_tool_calls_total", "tools/call requests, by tool", {"tool"})),
      tool_errors_(registry_.counter("mcp_tool_errors_total",
                                     "failed tool calls, by tool and reason (tool_error, invalid_arguments, "
                                     "unknown_tool, exception)",
                                     {"tool", "reason"})),
      tool_latency_(registry_.histogram("mcp_tool_call_duration_seconds", "tool call latency, by tool", {"tool"})),
      sandbox_degraded_(registry_.gauge("mcp_sandbox_degraded",
                                        "1 for each containment mechanism the tool sandbox lacks on this machine "
                                        "(python-string; see /ready's sandbox.warnings)",
                                        {"missing"})),
      sessions_(registry_.gauge("mcp_sessions", "live MCP sessions").with({})),
      open_streams_(registry_.gauge("mcp_open_streams", "SSE streams currently attached to a client").with({})),
      sessions_created_(registry_.gauge("mcp_sessions_created", "sessions created since start").with({})),
      sessions_expired_(
          registry_.gauge("mcp_sessions_expired", "sessions ended by idle expiry or the session limit").with({})) {}

void ServerMetrics::record_request(std::string_view method, bool error) {
  requests_.with({method}).inc();
  if (error) request_errors_.with({method}).inc();
}

void ServerMetrics::record_tool_call(std::string_view tool, std::string_view outcome, double seconds) {
  tool_calls_.with({tool}).inc();
  if (outcome != "ok") tool_errors_.with({tool, outcome}).inc();
  tool_latency_.with({tool}).observe(seconds);
}

void ServerMetrics::set_sandbox_missing(const std::vector<std::string>& missing) {
  for (const auto& m : missing) sandbox_degraded_.with({m}).set(1);
}

std::string ServerMetrics::render(const TransportStats& transport) {
  sessions_.set(static_cast<double>(transport.sessions));
  open_streams_.set(static_cast<double>(transport.open_streams));
  sessions_created_.set(static_cast<double>(transport.sessions_created));
  sessions_expired_.set(static_cast<double>(transport.sessions_expired));
  return registry_.render_prometheus();
}

}  // namespace kaos::mcp
