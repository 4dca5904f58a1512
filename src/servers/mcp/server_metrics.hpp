#pragma once
// The MCP server's Prometheus metrics (names in docs/mcp.md). Per-tool series are created on
// first use; updates are relaxed atomics.
#include <string>
#include <string_view>
#include <vector>

#include "servers/mcp/transport.hpp"
#include "telemetry/metrics.hpp"

namespace kaos::mcp {

class ServerMetrics {
 public:
  ServerMetrics();
  /// One JSON-RPC request handled (`method` as sent, bounded to known methods by the caller).
  void record_request(std::string_view method, bool error);
  /// One tools/call: `outcome` is "ok", "tool_error" (isError result), "invalid_arguments",
  /// "unknown_tool" or "exception".
  void record_tool_call(std::string_view tool, std::string_view outcome, double seconds);
  /// The sandbox mechanisms the runtime lacks: mcp_sandbox_degraded{missing="<name>"} = 1 each.
  void set_sandbox_missing(const std::vector<std::string>& missing);
  /// Prometheus text, with the transport's session gauges refreshed.
  std::string render(const TransportStats& transport);

 private:
  telemetry::Registry registry_;
  telemetry::Family<telemetry::Counter>& requests_;
  telemetry::Family<telemetry::Counter>& request_errors_;
  telemetry::Family<telemetry::Counter>& tool_calls_;
  telemetry::Family<telemetry::Counter>& tool_errors_;
  telemetry::Family<telemetry::Histogram>& tool_latency_;
  telemetry::Family<telemetry::Gauge>& sandbox_degraded_;
  telemetry::Gauge& sessions_;
  telemetry::Gauge& open_streams_;
  telemetry::Gauge& sessions_created_;
  telemetry::Gauge& sessions_expired_;
};

}  // namespace kaos::mcp
