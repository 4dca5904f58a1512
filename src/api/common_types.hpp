#pragma once
// Types shared by the KAOS kinds (KAOS `operator/api/v1alpha1` shared types and the corev1
// pieces they embed), and their schemas.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/field_io.hpp"
#include "api/schema.hpp"
#include "core/json.hpp"

namespace kaos::api {

/// corev1.SecretKeySelector / ConfigMapKeySelector (same shape).
struct KeySelector {
  std::string name;
  std::string key;
  std::optional<bool> optional;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("name", s.name);
    v("key", s.key);
    v("optional", s.optional);
  }
};
using SecretKeySelector = KeySelector;
using ConfigMapKeySelector = KeySelector;

/// corev1.ObjectFieldSelector (downward API).
struct ObjectFieldSelector {
  std::string api_version;
  std::string field_path;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("apiVersion", s.api_version);
    v("fieldPath", s.field_path);
  }
};

/// corev1.ResourceFieldSelector; `divisor` is a quantity (int or string), kept as written.
struct ResourceFieldSelector {
  std::string container_name;
  std::string resource;
  std::optional<json::value> divisor;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("containerName", s.container_name);
    v("resource", s.resource);
    v("divisor", s.divisor);
  }
};

struct EnvVarSource {
  std::optional<SecretKeySelector> secret_key_ref;
  std::optional<ConfigMapKeySelector> config_map_key_ref;
  std::optional<ObjectFieldSelector> field_ref;
  std::optional<ResourceFieldSelector> resource_field_ref;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("secretKeyRef", s.secret_key_ref);
    v("configMapKeyRef", s.config_map_key_ref);
    v("fieldRef", s.field_ref);
    v("resourceFieldRef", s.resource_field_ref);
  }
};

/// corev1.EnvVar.
struct EnvVar {
  std::string name;
  std::string value;
  std::optional<EnvVarSource> value_from;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("name", s.name);
    v("value", s.value);
    v("valueFrom", s.value_from);
  }
};

/// KAOS ContainerOverride: patched onto the workload's first container. `resources` is a
/// corev1.ResourceRequirements, kept as JSON (limits/requests quantities are checked).
struct ContainerOverride {
  std::string image;
  std::vector<std::string> command;
  std::vector<std::string> args;
  std::optional<json::object> resources;
  std::vector<EnvVar> env;
  std::string working_dir;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("image", s.image);
    v("command", s.command);
    v("args", s.args);
    v("resources", s.resources);
    v("env", s.env);
    v("workingDir", s.working_dir);
  }
};

/// KAOS TelemetryConfig (OpenTelemetry). enabled without endpoint is only a warning in KAOS.
struct TelemetryConfig {
  std::optional<bool> enabled;  ///< CRD default false
  std::string endpoint;         ///< OTLP gRPC endpoint, required when enabled
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("enabled", s.enabled);
    v("endpoint", s.endpoint);
  }
};

/// KAOS GatewayRoute: HTTPRoute request timeout (Gateway API Duration; "0s" = gateway default).
struct GatewayRoute {
  std::string timeout;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("timeout", s.timeout);
  }
};

// Schemas of the shared types.
Schema secret_key_selector_schema(std::string description);
Schema config_map_key_selector_schema(std::string description);
Schema env_var_schema();
Schema container_override_schema();
Schema telemetry_schema();
Schema gateway_route_schema();
Schema pod_spec_schema();
Schema deployment_status_schema();
Schema conditions_schema();

class Diagnostics;
/// Checks JSON-level rules the schema cannot express for a ContainerOverride at `path`:
/// resource quantities parse, env names are unique-ish (warning on duplicates).
void check_container_override(const ContainerOverride& c, const std::string& path, Diagnostics& out);
/// KAOS only warns on telemetry.enabled without endpoint; so do we.
void check_telemetry(const TelemetryConfig& t, const std::string& path, Diagnostics& out);

}  // namespace kaos::api
