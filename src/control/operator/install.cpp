// `kaos install`'s objects: option checks, the order, and the small objects (Namespace,
// ServiceAccount, RBAC, Gateway). The ConfigMaps are in install_config.cpp, the Deployment in
// install_deployment.cpp.
#include "control/operator/install.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "api/crd.hpp"
#include "api/kinds.hpp"
#include "control/operator/rbac.hpp"

namespace kaos::control::operator_ {

namespace detail {

json::object install_metadata(std::string_view name, std::string_view namespace_) {
  json::object meta{{"name", name}};
  if (!namespace_.empty()) meta["namespace"] = namespace_;
  meta["labels"] = install_labels();
  return meta;
}

}  // namespace detail

namespace {

using detail::install_metadata;

constexpr std::string_view kRbacApiVersion = "rbac.authorization.k8s.io/v1";

bool is_dns_label(std::string_view s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

std::optional<Error> check_options(const InstallOptions& o) {
  if (!is_dns_label(o.namespace_))
    return Error::invalid("namespace \"" + o.namespace_ +
                          "\" is not a DNS label (lower-case letters, digits and '-', at most 63)");
  if (o.image.empty()) return Error::invalid("image: must not be empty");
  if (o.ollama_image.empty()) return Error::invalid("ollama image: must not be empty");
  static constexpr std::array kLevels = {"TRACE", "DEBUG", "INFO", "WARNING", "ERROR"};
  if (std::find(kLevels.begin(), kLevels.end(), o.log_level) == kLevels.end())
    return Error::invalid("log level \"" + o.log_level + "\": expected TRACE, DEBUG, INFO, WARNING or ERROR");
  if (o.telemetry_enabled && o.telemetry_endpoint.empty())
    return Error::invalid("telemetry: enabled needs an OTLP endpoint");
  const auto& g = o.gateway;
  if (!g.gateway_class_name.empty() && !g.enabled)
    return Error::invalid("gateway class: creating a Gateway needs the Gateway API integration enabled");
  if (g.enabled && g.gateway_name.empty()) return Error::invalid("gateway name: must not be empty");
  if (!g.gateway_namespace.empty() && !is_dns_label(g.gateway_namespace))
    return Error::invalid("gateway namespace \"" + g.gateway_namespace + "\" is not a DNS label");
  if (g.listener_port < 1 || g.listener_port > 65535) return Error::invalid("gateway listener port: 1 to 65535");
  return std::nullopt;
}

json::value namespace_object(const InstallOptions& o) {
  return json::object{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", install_metadata(o.namespace_, "")}};
}

json::value service_account(const InstallOptions& o) {
  return json::object{{"apiVersion", "v1"},
                      {"kind", "ServiceAccount"},
                      {"metadata", install_metadata(kOperatorName, o.namespace_)},
                      {"automountServiceAccountToken", true}};
}

json::array rules_json(const std::vector<PolicyRule>& rules) {
  json::array a;
  for (const auto& r : rules) a.push_back(to_json(r));
  return a;
}

json::value role(std::string_view kind, std::string_view name, std::string_view ns,
                 const std::vector<PolicyRule>& rules) {
  return json::object{{"apiVersion", kRbacApiVersion},
                      {"kind", kind},
                      {"metadata", install_metadata(name, ns)},
                      {"rules", rules_json(rules)}};
}

json::value binding(std::string_view kind, std::string_view role_kind, std::string_view name, std::string_view ns,
                    const InstallOptions& o) {
  return json::object{
      {"apiVersion", kRbacApiVersion},
      {"kind", kind},
      {"metadata", install_metadata(name, ns)},
      {"roleRef", json::object{{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", role_kind}, {"name", name}}},
      {"subjects",
       json::array{json::object{{"kind", "ServiceAccount"}, {"name", kOperatorName}, {"namespace", o.namespace_}}}}};
}

json::value gateway(const InstallOptions& o) {
  const auto& g = o.gateway;
  json::object listener{{"name", "http"},
                        {"port", g.listener_port},
                        {"protocol", g.listener_protocol},
                        {"allowedRoutes", json::object{{"namespaces", json::object{{"from", "All"}}}}}};
  return json::object{
      {"apiVersion", "gateway.networking.k8s.io/v1"},
      {"kind", "Gateway"},
      {"metadata", install_metadata(g.gateway_name, g.gateway_namespace.empty() ? o.namespace_ : g.gateway_namespace)},
      {"spec", json::object{{"gatewayClassName", g.gateway_class_name}, {"listeners", json::array{listener}}}}};
}

}  // namespace

json::object install_labels() {
  return json::object{{"app.kubernetes.io/name", kOperatorName}, {"app.kubernetes.io/managed-by", "kaos"}};
}

Result<std::vector<json::value>> render_install(const InstallOptions& options) {
  if (auto error = check_options(options)) return *error;
  std::vector<json::value> out;
  for (const auto& kind : api::kaos_kinds()) out.push_back(api::generate_crd(kind));
  out.push_back(namespace_object(options));
  out.push_back(service_account(options));
  out.push_back(role("ClusterRole", kOperatorName, "", operator_cluster_rules(options.gateway.enabled)));
  out.push_back(binding("ClusterRoleBinding", "ClusterRole", kOperatorName, "", options));
  out.push_back(role("Role", kLeaderElectionRoleName, options.namespace_, leader_election_rules()));
  out.push_back(binding("RoleBinding", "Role", kLeaderElectionRoleName, options.namespace_, options));
  out.push_back(render_operator_config(options));
  out.push_back(render_mcp_runtimes_config(options));
  out.push_back(render_operator_deployment(options));
  if (!options.gateway.gateway_class_name.empty()) out.push_back(gateway(options));
  return out;
}

}  // namespace kaos::control::operator_
