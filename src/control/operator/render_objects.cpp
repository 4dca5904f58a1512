// The objects around a Deployment: labels, Service, files ConfigMap, HTTPRoute (KAOS-REFERENCE
// §1.1–§1.3, §7.1).
#include "control/operator/names.hpp"
#include "control/operator/render.hpp"
#include "control/operator/render_internal.hpp"

namespace kaos::control::operator_ {

json::object workload_labels(const plan::WorkloadRef& ref) {
  const std::string prefix(child_prefix(ref.kind));
  return json::object{{"app", prefix}, {prefix, ref.name}};
}

std::optional<json::object> render_service(const plan::Workload& w, const api::Resource& resource) {
  if (!detail::exposed(resource)) return std::nullopt;
  json::object port{{"name", kHttpPortName}, {"port", w.port}, {"targetPort", w.port}, {"protocol", "TCP"}};
  return json::object{
      {"apiVersion", "v1"},
      {"kind", "Service"},
      {"metadata", detail::child_metadata(child_name(w.ref.kind, w.ref.name), w.ref, resource)},
      {"spec",
       json::object{{"type", "ClusterIP"}, {"selector", workload_labels(w.ref)}, {"ports", json::array{port}}}}};
}

std::optional<json::object> render_files_config_map(const plan::Workload& w, const api::Resource& resource) {
  if (w.files.empty()) return std::nullopt;
  json::object data;
  for (const auto& [name, content] : w.files) data[name] = content;
  return json::object{
      {"apiVersion", "v1"},
      {"kind", "ConfigMap"},
      {"metadata", detail::child_metadata(files_config_map_name(w.ref.kind, w.ref.name), w.ref, resource)},
      {"data", std::move(data)}};
}

namespace {

const std::string& default_timeout(std::string_view kind, const GatewaySettings& gateway) {
  if (kind == "Agent") return gateway.agent_timeout;
  if (kind == "MCPServer") return gateway.mcp_timeout;
  return gateway.modelapi_timeout;
}

}  // namespace

std::optional<json::object> render_http_route(const plan::Workload& w, const api::Resource& resource,
                                              const OperatorSettings& settings) {
  if (!settings.gateway.enabled || !detail::exposed(resource)) return std::nullopt;
  const auto& ref = w.ref;
  const std::string type(route_type(ref.kind));
  json::object parent{{"group", "gateway.networking.k8s.io"},
                      {"kind", "Gateway"},
                      {"name", settings.gateway.name},
                      {"namespace", settings.gateway_namespace()}};
  json::object match{
      {"path", json::object{{"type", "PathPrefix"}, {"value", "/" + ref.namespace_ + "/" + type + "/" + ref.name}}}};
  json::object rewrite{
      {"type", "URLRewrite"},
      {"urlRewrite",
       json::object{{"path", json::object{{"type", "ReplacePrefixMatch"}, {"replacePrefixMatch", "/"}}}}}};
  json::object header{
      {"type", "RequestHeaderModifier"},
      {"requestHeaderModifier",
       json::object{{"set", json::array{json::object{{"name", kTargetResourceHeader},
                                                     {"value", logical_id(ref.kind, ref.namespace_, ref.name)}}}}}}};
  json::object backend{{"group", ""}, {"kind", "Service"}, {"name", child_name(ref.kind, ref.name)}, {"port", w.port}};
  json::object rule{{"matches", json::array{match}},
                    {"filters", json::array{rewrite, header}},
                    {"backendRefs", json::array{backend}}};
  // "0s" asks for the gateway's own default: no timeouts at all.
  std::string timeout = detail::gateway_route_timeout(resource);
  if (timeout.empty()) timeout = default_timeout(ref.kind, settings.gateway);
  if (timeout != "0s") rule["timeouts"] = json::object{{"request", timeout}};
  return json::object{{"apiVersion", "gateway.networking.k8s.io/v1"},
                      {"kind", "HTTPRoute"},
                      {"metadata", detail::child_metadata(http_route_name(ref.kind, ref.name), ref, resource)},
                      {"spec", json::object{{"parentRefs", json::array{parent}}, {"rules", json::array{rule}}}}};
}

}  // namespace kaos::control::operator_
