#include "servers/mcp/stdio/stdio_runtime.hpp"

#include <algorithm>

#include "servers/mcp/probes.hpp"
#include "telemetry/metrics.hpp"

namespace kaos::mcp {
namespace {

// Same session gauges as the native server (server_metrics.cpp), plus the bridge's own.
// Everything is a gauge set from a snapshot at scrape time.
class BridgeMetrics {
 public:
  std::string render(const StdioBridgeStats& s, const TransportStats& t) {
    const std::pair<telemetry::Gauge*, double> values[] = {
        {&sessions_, static_cast<double>(t.sessions)},
        {&open_streams_, static_cast<double>(t.open_streams)},
        {&sessions_created_, static_cast<double>(t.sessions_created)},
        {&sessions_expired_, static_cast<double>(t.sessions_expired)},
        {&running_, static_cast<double>(s.children_running.load())},
        {&started_, static_cast<double>(s.children_started.load())},
        {&exited_, static_cast<double>(s.children_exited.load())},
        {&crashed_, static_cast<double>(s.children_crashed.load())},
        {&rejected_, static_cast<double>(s.sessions_rejected.load())},
        {&in_, static_cast<double>(s.messages_in.load())},
        {&out_, static_cast<double>(s.messages_out.load())},
        {&invalid_, static_cast<double>(s.invalid_lines.load())},
    };
    for (const auto& [gauge, value] : values) gauge->set(value);
    return registry_.render_prometheus();
  }

 private:
  telemetry::Gauge& gauge(const char* name, const char* help) { return registry_.gauge(name, help).with({}); }

  telemetry::Registry registry_;
  telemetry::Gauge& sessions_ = gauge("mcp_sessions", "live MCP sessions");
  telemetry::Gauge& open_streams_ = gauge("mcp_open_streams", "SSE streams currently attached to a client");
  telemetry::Gauge& sessions_created_ = gauge("mcp_sessions_created", "sessions created since start");
  telemetry::Gauge& sessions_expired_ =
      gauge("mcp_sessions_expired", "sessions ended by idle expiry or the session limit");
  telemetry::Gauge& running_ = gauge("mcp_stdio_children", "stdio server processes alive");
  telemetry::Gauge& started_ = gauge("mcp_stdio_children_started", "stdio server processes started");
  telemetry::Gauge& exited_ = gauge("mcp_stdio_children_exited", "stdio server processes reaped");
  telemetry::Gauge& crashed_ =
      gauge("mcp_stdio_children_crashed", "stdio server processes that exited while their session was open");
  telemetry::Gauge& rejected_ =
      gauge("mcp_stdio_sessions_rejected", "initialize requests refused (session limit or start failure)");
  telemetry::Gauge& in_ = gauge("mcp_stdio_messages_in", "messages written to stdio servers");
  telemetry::Gauge& out_ = gauge("mcp_stdio_messages_out", "messages read from stdio servers");
  telemetry::Gauge& invalid_ =
      gauge("mcp_stdio_invalid_lines", "stdio server output lines skipped (not JSON-RPC or too long)");
};

class StdioRuntime final : public McpRuntime {
 public:
  explicit StdioRuntime(StdioBridgeOptions bridge) : bridge_(std::move(bridge)) {}

  void mount(net::Executor executor, const TransportOptions& transport, net::Router& router) override {
    TransportOptions t = transport;
    t.max_sessions = std::min(t.max_sessions, bridge_.max_sessions);
    transport_ = std::make_shared<StreamableHttpTransport>(executor, t, make_stdio_bridge(executor, bridge_, stats_));
    transport_->mount(router);
    mount_probes(router);  // ready once listening: each session starts its own child
    router.get("/metrics",
               [stats = stats_, metrics = metrics_, transport = transport_](net::Request&) -> Task<net::Response> {
                 co_return net::Response::text(200, metrics->render(*stats, transport->stats()),
                                               telemetry::kPrometheusContentType);
               });
  }

  Task<Result<void>> start() override { co_return check_stdio_command(bridge_); }

  void stop() override {
    if (transport_) transport_->close_all();
  }

 private:
  StdioBridgeOptions bridge_;
  std::shared_ptr<StdioBridgeStats> stats_ = std::make_shared<StdioBridgeStats>();
  std::shared_ptr<BridgeMetrics> metrics_ = std::make_shared<BridgeMetrics>();
  std::shared_ptr<StreamableHttpTransport> transport_;
};

}  // namespace

Result<std::shared_ptr<McpRuntime>> make_stdio_runtime(RuntimeConfig config, StdioBridgeOptions bridge) {
  bridge.command = std::move(config.command);
  if (config.max_sessions > 0) bridge.max_sessions = config.max_sessions;  // --max-sessions given
  if (bridge.command.empty()) {
    return Error::invalid(
        "--runtime stdio needs the MCP server's command after --, e.g. "
        "`kaos mcp --runtime stdio --port 8000 -- npx -y @modelcontextprotocol/server-filesystem /data`");
  }
  return std::shared_ptr<McpRuntime>(std::make_shared<StdioRuntime>(std::move(bridge)));
}

}  // namespace kaos::mcp
