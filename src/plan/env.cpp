// Environment building, telemetry env and Secret reading shared by the planners.
#include <array>

#include "core/base64.hpp"
#include "plan/internal.hpp"

namespace kaos::plan::detail {

void EnvBuilder::set(std::string name, std::string value) {
  EnvVarPlan v{name, std::move(value), std::nullopt};
  vars_[std::move(name)] = std::move(v);
}

void EnvBuilder::set(std::string name, std::optional<api::EnvVarSource> value_from) {
  EnvVarPlan v{name, "", std::move(value_from)};
  vars_[std::move(name)] = std::move(v);
}

void EnvBuilder::set_default(std::string name, std::string value) {
  if (!has(name)) set(std::move(name), std::move(value));
}

void EnvBuilder::merge_user(const std::vector<api::EnvVar>& env) {
  for (const auto& e : env) {
    if (e.name.empty()) continue;  // the schema rejects these; never emit a nameless variable
    // corev1: valueFrom wins when both are given (the API server rejects that combination).
    if (e.value_from)
      set(e.name, e.value_from);
    else
      set(e.name, e.value);
  }
}

std::vector<EnvVarPlan> EnvBuilder::sorted() const {
  std::vector<EnvVarPlan> out;
  out.reserve(vars_.size());
  for (const auto& [name, v] : vars_) out.push_back(v);
  return out;
}

std::optional<api::TelemetryConfig> effective_telemetry(const std::optional<api::TelemetryConfig>& component,
                                                        const PlanOptions& options) {
  std::optional<api::TelemetryConfig> merged;
  if (!component) {
    merged = options.default_telemetry;
  } else {
    merged = component;
    if (merged->endpoint.empty() && options.default_telemetry) merged->endpoint = options.default_telemetry->endpoint;
  }
  if (!merged || !merged->enabled.value_or(false)) return std::nullopt;
  return merged;
}

void add_otel_env(EnvBuilder& env, const api::TelemetryConfig& telemetry, const std::string& service_name,
                  const std::string& ns) {
  env.set("OTEL_SDK_DISABLED", "false");
  env.set("OTEL_SERVICE_NAME", service_name);
  if (!telemetry.endpoint.empty()) env.set("OTEL_EXPORTER_OTLP_ENDPOINT", telemetry.endpoint);
  env.set("OTEL_RESOURCE_ATTRIBUTES", "service.namespace=" + ns + ",kaos.resource.name=" + service_name);
  env.set("OTEL_PYTHON_FASTAPI_EXCLUDED_URLS", "/health,/ready");
}

SecretValue read_secret_key(const SetIndex& index, const std::string& ns, const api::KeySelector& selector) {
  const auto* secret = SetIndex::find(index.secrets, ns, selector.name);
  if (!secret) return {std::nullopt, "Secret " + selector.name + " not found", std::nullopt};
  const auto& raw = secret->raw;
  if (const auto* string_data = find_field(raw, "stringData"); string_data && string_data->is_object()) {
    if (auto v = string_field(string_data->get_object(), selector.key)) return {std::string(*v), {}, {}};
  }
  if (const auto* data = find_field(raw, "data"); data && data->is_object()) {
    if (auto v = string_field(data->get_object(), selector.key)) {
      if (auto decoded = decode_base64(*v)) return {std::move(*decoded), {}, {}};
      return {std::nullopt, std::nullopt,
              "Secret " + selector.name + " key " + selector.key + ": data is not valid base64"};
    }
  }
  return {std::nullopt, std::nullopt, "key " + selector.key + " not found in Secret " + selector.name};
}

std::vector<std::string> user_command(const api::ContainerOverride& container, std::uint16_t port) {
  std::vector<std::string> out = container.command;
  out.insert(out.end(), container.args.begin(), container.args.end());
  const std::string placeholder = "{port}", value = std::to_string(port);
  for (auto& arg : out) {
    for (auto at = arg.find(placeholder); at != std::string::npos; at = arg.find(placeholder, at + value.size()))
      arg.replace(at, placeholder.size(), value);
  }
  return out;
}

}  // namespace kaos::plan::detail
