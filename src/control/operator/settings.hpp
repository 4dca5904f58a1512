#pragma once
// The operator's settings: KAOS's operator environment (the `kaos-operator-config` ConfigMap of
// the Helm chart, KAOS-REFERENCE §7.1, §7.3, §7.4; research/kaos-delta-2026-12.md §2.0) parsed
// into a typed struct, and what the plan needs from it in a cluster (addressing, options).
// Pure: the caller reads the environment and hands over a map.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/common_types.hpp"
#include "api/mcp_runtimes.hpp"
#include "api/resource.hpp"
#include "core/result.hpp"
#include "plan/plan.hpp"

namespace kaos::control::operator_ {

/// KAOS's Gateway API settings (§7.1). Timeouts are Gateway API durations.
struct GatewaySettings {
  bool enabled = false;                   ///< GATEWAY_API_ENABLED
  std::string name = "kaos-gateway";      ///< GATEWAY_NAME
  std::string namespace_;                 ///< GATEWAY_NAMESPACE; empty → OperatorSettings::system_namespace
  std::string agent_timeout = "120s";     ///< GATEWAY_DEFAULT_AGENT_TIMEOUT (KAOS code default)
  std::string modelapi_timeout = "120s";  ///< GATEWAY_DEFAULT_MODELAPI_TIMEOUT
  std::string mcp_timeout = "30s";        ///< GATEWAY_DEFAULT_MCP_TIMEOUT
};

/// Everything the renderers need besides the resources. Defaults are KAOS's code defaults
/// (not its Helm values), except the images, which are ours.
struct OperatorSettings {
  /// SYSTEM_NAMESPACE: where the operator reads its registries (kaos-mcp-runtimes). KAOS's
  /// code default is "kaos" (main.go); its Helm chart sets the release namespace.
  std::string system_namespace = "kaos";
  /// DEFAULT_AGENT_IMAGE: the image of every role of ours (`kaos agent`, `kaos mcp`,
  /// `kaos modelapi`): one `kaos` binary. Default: plan::PlanOptions{}.agent_image.
  std::string agent_image = plan::PlanOptions{}.agent_image;
  /// DEFAULT_MCP_SERVER_IMAGE and DEFAULT_LITELLM_IMAGE: accepted for KAOS's Helm chart and
  /// kept, but unused: python-string MCP servers and Proxy ModelAPIs run `kaos mcp` and
  /// `kaos modelapi` from agent_image.
  std::string mcp_server_image;
  std::string litellm_image;
  /// DEFAULT_OLLAMA_IMAGE: Hosted ModelAPIs.
  std::string ollama_image = plan::PlanOptions{}.ollama_image;
  /// DEFAULT_LOG_LEVEL: LOG_LEVEL of every workload unless the user sets it.
  std::string log_level = "INFO";
  /// DEFAULT_TELEMETRY_ENABLED / DEFAULT_TELEMETRY_ENDPOINT (nullopt when neither is set).
  std::optional<api::TelemetryConfig> default_telemetry;
  GatewaySettings gateway;
  /// The MCP runtime registry (built-ins, overlaid by the cluster's kaos-mcp-runtimes when
  /// the caller has read it).
  api::McpRuntimeRegistry mcp_runtimes = api::builtin_mcp_runtimes();
  /// The cluster has a user identity (security enabled and a user issuer): see PlanOptions.
  bool user_identity = false;

  /// The gateway's namespace: gateway.namespace_, else system_namespace.
  const std::string& gateway_namespace() const;
};

/// Parses the operator's environment. Unset or empty variables keep the defaults above.
/// Errors (ErrorKind::invalid) name the variable: a boolean that is not true/false/1/0/yes/no/
/// on/off, a timeout that is not a Gateway API duration, a log level outside
/// TRACE|DEBUG|INFO|WARNING|ERROR; every problem is reported, one per line. Telemetry enabled
/// without an endpoint is not an error (KAOS only warns).
Result<OperatorSettings> parse_operator_settings(const std::map<std::string, std::string>& env);

/// The plan's options in a cluster: images, log level, telemetry default, registry, bind host
/// 0.0.0.0, and `runs_images` (a workload may be just an image with its entrypoint).
plan::PlanOptions plan_options(const OperatorSettings& settings);

/// Cluster addressing (KAOS's rules): endpoint `http://<prefix>-<name>.<ns>.svc.cluster.local:<port>`,
/// listen port 8000, 11434 for a Hosted ModelAPI. `resources` tells which ModelAPIs are Hosted
/// (a ModelAPI absent from it counts as Proxy: 8000); the result keeps its own copy of that.
plan::Addressing cluster_addressing(const std::vector<api::Resource>& resources);

/// The port a workload of `kind` listens on in a cluster: 11434 for a Hosted ModelAPI, else 8000.
std::uint16_t cluster_port(std::string_view kind, bool hosted_modelapi);

}  // namespace kaos::control::operator_
