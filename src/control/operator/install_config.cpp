// The two ConfigMaps of the install: kaos-operator-config (the operator's environment, through
// envFrom; KAOS's operator-configmap.yaml) and kaos-mcp-runtimes (the MCP runtime registry).
#include "api/mcp_runtimes.hpp"
#include "control/operator/install.hpp"
#include "core/yaml.hpp"

namespace kaos::control::operator_ {

namespace {

json::value config_map(std::string_view name, const InstallOptions& o, json::object data) {
  return json::object{{"apiVersion", "v1"},
                      {"kind", "ConfigMap"},
                      {"metadata", detail::install_metadata(name, o.namespace_)},
                      {"data", std::move(data)}};
}

}  // namespace

json::object operator_config_data(const InstallOptions& o) {
  // Our roles (agents, MCP servers, the ModelAPI gateway, a memory service) all run `kaos`
  // from the one image, so each DEFAULT_*_IMAGE KAOS splits by role is the same here. Only
  // Hosted ModelAPIs run another image (Ollama).
  json::object data{
      {"SYSTEM_NAMESPACE", o.namespace_},        {"DEFAULT_AGENT_IMAGE", o.image},
      {"DEFAULT_MCP_SERVER_IMAGE", o.image},     {"DEFAULT_LITELLM_IMAGE", o.image},
      {"DEFAULT_MEMORY_SERVICE_IMAGE", o.image}, {"DEFAULT_OLLAMA_IMAGE", o.ollama_image},
  };
  const auto& g = o.gateway;
  // As KAOS's chart: the Gateway's name and namespace only when the integration is on.
  data["GATEWAY_API_ENABLED"] = g.enabled ? "true" : "false";
  if (g.enabled) {
    data["GATEWAY_NAME"] = g.gateway_name;
    data["GATEWAY_NAMESPACE"] = g.gateway_namespace.empty() ? o.namespace_ : g.gateway_namespace;
  }
  data["GATEWAY_DEFAULT_AGENT_TIMEOUT"] = g.agent_timeout;
  data["GATEWAY_DEFAULT_MODELAPI_TIMEOUT"] = g.modelapi_timeout;
  data["GATEWAY_DEFAULT_MCP_TIMEOUT"] = g.mcp_timeout;
  data["DEFAULT_TELEMETRY_ENABLED"] = o.telemetry_enabled ? "true" : "false";
  if (o.telemetry_enabled) data["DEFAULT_TELEMETRY_ENDPOINT"] = o.telemetry_endpoint;
  data["DEFAULT_LOG_LEVEL"] = o.log_level;
  return data;
}

json::value render_operator_config(const InstallOptions& o) {
  return config_map(kOperatorConfigMap, o, operator_config_data(o));
}

json::value render_mcp_runtimes_config(const InstallOptions& o) {
  // python-string is served by our `kaos mcp`, so its image is ours; kubernetes and slack keep
  // their upstream images; stdio has none (the MCPServer's container says what to run).
  api::McpRuntimeImages images;
  images.python_string = o.image;
  json::value registry = api::to_json(api::builtin_mcp_runtimes(images));
  return config_map(kMcpRuntimesConfigMap, o, json::object{{kRuntimesKey, to_yaml(registry)}});
}

}  // namespace kaos::control::operator_
