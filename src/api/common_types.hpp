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

/// corev1.VolumeMount (the volume itself comes from `podSpec.volumes`).
struct VolumeMount {
  std::string name;
  std::string mount_path;
  std::optional<bool> read_only;
  std::string sub_path;
  std::string sub_path_expr;
  std::string mount_propagation;    ///< None | HostToContainer | Bidirectional (corev1 leaves it open)
  std::string recursive_read_only;  ///< Disabled | IfPossible | Enabled
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("name", s.name);
    v("mountPath", s.mount_path);
    v("readOnly", s.read_only);
    v("subPath", s.sub_path);
    v("subPathExpr", s.sub_path_expr);
    v("mountPropagation", s.mount_propagation);
    v("recursiveReadOnly", s.recursive_read_only);
  }
};

/// KAOS ContainerOverride: patched onto the workload's first container. `resources` is a
/// corev1.ResourceRequirements and `securityContext` a corev1.SecurityContext, both kept as
/// JSON (limits/requests quantities are checked; the security context is not modelled).
struct ContainerOverride {
  std::string image;
  std::vector<std::string> command;
  std::vector<std::string> args;
  std::optional<json::object> resources;
  std::vector<EnvVar> env;
  std::optional<json::object> security_context;
  std::string working_dir;
  std::vector<VolumeMount> volume_mounts;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("image", s.image);
    v("command", s.command);
    v("args", s.args);
    v("resources", s.resources);
    v("env", s.env);
    v("securityContext", s.security_context);
    v("workingDir", s.working_dir);
    v("volumeMounts", s.volume_mounts);
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

/// The Gateway API duration KAOS's CRDs accept for gatewayRoute.timeout: one to four
/// <digits><unit> groups, unit h, m, s or ms (regex `^([0-9]+(h|m|s|ms)){1,4}$`).
bool is_gateway_duration(std::string_view text);

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
/// resource quantities parse, env names are unique-ish (warning on duplicates); notes that
/// securityContext and volumeMounts take effect in a cluster only.
void check_container_override(const ContainerOverride& c, const std::string& path, Diagnostics& out);
/// KAOS only warns on telemetry.enabled without endpoint; so do we.
void check_telemetry(const TelemetryConfig& t, const std::string& path, Diagnostics& out);

}  // namespace kaos::api
