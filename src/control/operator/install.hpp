#pragma once
// `kaos install`: every object that installs the operator on a cluster, rendered as JSON in
// the order to apply them (the CRDs first, so the custom resources' API exists before
// anything refers to it; the Namespace before what lives in it; RBAC before the Deployment
// whose pod needs it). Pure: no I/O, no clock, no environment. The Helm chart
// (deploy/helm/kaos-operator) renders the same objects; tests/helm/chart_test.py holds them
// equal.
#include <string>
#include <vector>

#include "control/operator/names.hpp"
#include "core/json.hpp"
#include "core/result.hpp"
#include "plan/plan.hpp"

namespace kaos::control::operator_ {

/// Gateway API integration (KAOS Helm `gatewayAPI.*`, `gateway.defaultTimeouts.*`).
struct GatewayInstallOptions {
  bool enabled = false;
  std::string gateway_name = std::string(kDefaultGatewayName);
  std::string gateway_namespace;  ///< empty: the install's namespace
  /// Non-empty: also create the Gateway, of this GatewayClass (KAOS `createGateway`).
  std::string gateway_class_name;
  int listener_port = 80;
  std::string listener_protocol = "HTTP";
  /// HTTPRoute request timeouts (Gateway API durations); KAOS's Helm defaults.
  std::string agent_timeout = "300s";
  std::string modelapi_timeout = "120s";
  std::string mcp_timeout = "60s";
};

struct InstallOptions {
  std::string namespace_ = std::string(kDefaultSystemNamespace);
  /// The operator's image, and the default of every role it deploys (agents, MCP servers,
  /// the ModelAPI gateway): one `kaos` binary serves them all.
  std::string image = std::string(plan::kDefaultKaosImage);
  std::string ollama_image = std::string(plan::kDefaultOllamaImage);
  GatewayInstallOptions gateway;
  /// DEFAULT_TELEMETRY_*: telemetry on for every resource that does not say otherwise.
  bool telemetry_enabled = false;
  std::string telemetry_endpoint;
  std::string log_level = "INFO";  ///< DEFAULT_LOG_LEVEL: TRACE, DEBUG, INFO, WARNING, ERROR
};

/// The labels of every object of the install (KAOS's chart puts these on each, with Helm's
/// own on top): `app.kubernetes.io/name: kaos-operator`, `app.kubernetes.io/managed-by: kaos`.
json::object install_labels();

/// The install's objects in apply order: the CRDs, Namespace, ServiceAccount, ClusterRole,
/// ClusterRoleBinding, Role and RoleBinding (leader election), the ConfigMaps
/// kaos-operator-config and kaos-mcp-runtimes, the Deployment, and the Gateway when
/// `gateway.gateway_class_name` is set. Invalid options (a namespace that is not a DNS label,
/// an empty image, an unknown log level, telemetry without an endpoint, a Gateway without
/// the Gateway API) are an `invalid` error naming the option.
Result<std::vector<json::value>> render_install(const InstallOptions& options);

// The pieces, for the tests and for a controller that needs one (install_config.cpp,
// install_deployment.cpp).
json::value render_operator_config(const InstallOptions& options);
json::value render_mcp_runtimes_config(const InstallOptions& options);
json::value render_operator_deployment(const InstallOptions& options);
/// The `data` of kaos-operator-config: KAOS's variable names, values as strings.
json::object operator_config_data(const InstallOptions& options);

namespace detail {
/// `{name, namespace (when not empty), labels: install_labels()}`.
json::object install_metadata(std::string_view name, std::string_view namespace_);
}  // namespace detail

}  // namespace kaos::control::operator_
