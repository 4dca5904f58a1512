#pragma once
// MCPServer (mcpservers.kaos.tools): a tool server speaking MCP, started from a runtime of
// the registry (mcp_runtimes.hpp) or a custom image. KAOS-REFERENCE.md §1.3.
#include <optional>
#include <string>

#include "api/common_types.hpp"
#include "api/object_meta.hpp"

namespace kaos::api {

struct MCPServerSpec {
  std::string runtime;  ///< registry key or "custom" (which requires container.image)
  std::string params;   ///< runtime-specific, passed in the runtime's paramsEnvVar
  std::string service_account_name;
  std::optional<TelemetryConfig> telemetry;
  std::optional<GatewayRoute> gateway_route;
  std::optional<ContainerOverride> container;
  std::optional<json::object> pod_spec;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("runtime", s.runtime);
    v("params", s.params);
    v("serviceAccountName", s.service_account_name);
    v("telemetry", s.telemetry);
    v("gatewayRoute", s.gateway_route);
    v("container", s.container);
    v("podSpec", s.pod_spec);
  }
};

struct MCPServer {
  ObjectMeta metadata;
  MCPServerSpec spec;
  std::optional<json::object> status;
};

inline constexpr std::string_view kCustomMcpRuntime = "custom";

const Schema& mcpserver_spec_schema();
const Schema& mcpserver_status_schema();

MCPServer read_mcpserver(const json::value& document, std::string_view default_namespace);
json::value to_json(const MCPServer& server);
void check_mcpserver(const MCPServer& server, Diagnostics& out);

}  // namespace kaos::api
