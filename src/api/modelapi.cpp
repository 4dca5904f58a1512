#include "api/modelapi.hpp"

#include "api/model_match.hpp"
#include "core/yaml.hpp"

namespace kaos::api {

ModelAPI read_modelapi(const json::value& document, std::string_view default_namespace) {
  ModelAPI m;
  const auto& o = document.get_object();
  m.metadata = read_object_meta(find_field(o, "metadata"), default_namespace);
  if (const auto* spec = find_field(o, "spec")) read_value(*spec, m.spec);
  if (const auto* status = find_field(o, "status"); status && status->is_object()) m.status = status->get_object();
  return m;
}

json::value to_json(const ModelAPI& modelapi) {
  json::object o;
  o["apiVersion"] = "kaos.tools/v1alpha1";
  o["kind"] = "ModelAPI";
  o["metadata"] = write_object_meta(modelapi.metadata);
  o["spec"] = write_value(modelapi.spec);
  if (modelapi.status) o["status"] = *modelapi.status;
  return o;
}

namespace {

// KAOS validateConfigYamlModels: parse fromString as {model_list: [{model_name}]} and match
// every model_name against proxyConfig.models.
void check_config_yaml_models(const ProxyConfig& proxy, Diagnostics& out) {
  if (!proxy.config_yaml || proxy.config_yaml->from_string.empty()) return;
  const std::string path = "spec.proxyConfig.configYaml.fromString";
  auto parsed = parse_yaml(proxy.config_yaml->from_string);
  if (!parsed) {
    out.error(path, "failed to parse configYaml: " + parsed.error().message);
    return;
  }
  if (!parsed->is_object()) {
    out.error(path, "failed to parse configYaml: expected a mapping, got " + std::string(json_kind_name(*parsed)));
    return;
  }
  const auto* list = find_field(parsed->get_object(), "model_list");
  if (!list) return;
  if (!list->is_array()) {
    out.error(path, "failed to parse configYaml: model_list must be a list, got " + std::string(json_kind_name(*list)));
    return;
  }
  for (const auto& entry : list->get_array()) {
    std::string name;
    if (entry.is_object()) name = std::string(string_or(entry.get_object(), "model_name", ""));
    if (!model_matches(name, proxy.models)) {
      out.error(path, "model_name " + go_quote(name) + " in configYaml not found in models list " +
                          go_string_list(proxy.models));
      return;  // KAOS stops at the first mismatch
    }
  }
}

}  // namespace

void check_modelapi(const ModelAPI& modelapi, Diagnostics& out) {
  const auto& spec = modelapi.spec;
  if (spec.proxy_config) {
    check_config_yaml_models(*spec.proxy_config, out);
    if (!spec.proxy_config->env.empty()) out.warning("spec.proxyConfig.env", "deprecated: use spec.container.env");
  }
  if (spec.hosted_config && !spec.hosted_config->env.empty()) {
    out.warning("spec.hostedConfig.env", "deprecated: use spec.container.env");
  }
  if (spec.mode == ModelAPIMode::Hosted && spec.proxy_config) {
    out.warning("spec.proxyConfig", "ignored in Hosted mode");
  }
  if (spec.mode == ModelAPIMode::Proxy && spec.hosted_config) {
    out.warning("spec.hostedConfig", "ignored in Proxy mode");
  }
  if (spec.telemetry) {
    check_telemetry(*spec.telemetry, "spec.telemetry", out);
    if (spec.mode == ModelAPIMode::Hosted && spec.telemetry->enabled.value_or(false)) {
      out.warning("spec.telemetry", "telemetry is not supported in Hosted mode");
    }
  }
  if (spec.container) check_container_override(*spec.container, "spec.container", out);
}

}  // namespace kaos::api
