#include "api/mcpserver.hpp"

#include "api/object_meta.hpp"

namespace kaos::api {

namespace {

Schema build_spec_schema() {
  return object_schema("MCPServerSpec defines the desired state of MCPServer.",
                       {{"runtime",
                         string_schema("Runtime: a key of the kaos-mcp-runtimes registry (python-string, "
                                       "kubernetes, slack, ...) or 'custom' (requires container.image)."),
                         true},
                        {"params", string_schema("Runtime-specific parameters, passed in the runtime's paramsEnvVar "
                                                 "(e.g. MCP_TOOLS_STRING).")},
                        {"serviceAccountName",
                         string_schema("ServiceAccount of the pod (RBAC, e.g. for the kubernetes runtime).")},
                        {"telemetry", telemetry_schema()},
                        {"gatewayRoute", gateway_route_schema()},
                        {"container", container_override_schema()},
                        {"podSpec", pod_spec_schema()}})
      .removed("type", "the legacy format was replaced by spec.runtime")
      .removed("config", "the legacy format was replaced by spec.runtime and spec.params")
      // Like Agent's spec.security: one KAOS commit (50e88fd1), never in a later CRD.
      .removed("security",
               "remove spec.security: KAOS's current CRDs have no SecuritySpec; an MCPServer is identified by "
               "its namespace and name")
      .rule(
          "self.runtime != 'custom' || (has(self.container) && has(self.container.image) && "
          "self.container.image != '')",
          "container.image is required when runtime is 'custom'", [](const json::object& o) {
            if (string_or(o, "runtime", "") != kCustomMcpRuntime) return true;
            const auto* c = object_at(o, "container");
            return c && !string_or(*c, "image", "").empty();
          });
}

Schema build_status_schema() {
  return object_schema("MCPServerStatus defines the observed state of MCPServer.",
                       {{"phase", string_schema("Phase of the deployment.").enums({"Pending", "Ready", "Failed"})},
                        {"ready", boolean_schema("Whether the MCP server is ready.")},
                        {"endpoint", string_schema("Service endpoint; agents connect at <endpoint>/mcp.")},
                        {"availableTools", array_schema(string_schema(""), "Tools the server offers.")},
                        {"message", string_schema("Additional status information.")},
                        {"conditions", conditions_schema()},
                        {"deployment", deployment_status_schema()},
                        {"observedGeneration", int64_schema("Generation of the spec this status was computed for.")}});
}

}  // namespace

const Schema& mcpserver_spec_schema() {
  static const Schema schema = build_spec_schema();
  return schema;
}

const Schema& mcpserver_status_schema() {
  static const Schema schema = build_status_schema();
  return schema;
}

MCPServer read_mcpserver(const json::value& document, std::string_view default_namespace) {
  MCPServer m;
  const auto& o = document.get_object();
  m.metadata = read_object_meta(find_field(o, "metadata"), default_namespace);
  if (const auto* spec = find_field(o, "spec")) read_value(*spec, m.spec);
  if (const auto* status = find_field(o, "status"); status && status->is_object()) m.status = status->get_object();
  return m;
}

json::value to_json(const MCPServer& server) {
  json::object o;
  o["apiVersion"] = "kaos.tools/v1alpha1";
  o["kind"] = "MCPServer";
  o["metadata"] = write_object_meta(server.metadata);
  o["spec"] = write_value(server.spec);
  if (server.status) o["status"] = *server.status;
  return o;
}

void check_mcpserver(const MCPServer& server, Diagnostics& out) {
  if (server.spec.telemetry) check_telemetry(*server.spec.telemetry, "spec.telemetry", out);
  if (server.spec.container) check_container_override(*server.spec.container, "spec.container", out);
  if (!server.spec.service_account_name.empty()) {
    if (auto e = dns1123_subdomain_error(server.spec.service_account_name)) {
      out.error("spec.serviceAccountName", *e);
    }
  }
}

}  // namespace kaos::api
