#include <set>

#include "api/common_types.hpp"
#include "api/diagnostics.hpp"
#include "core/quantity.hpp"

namespace kaos::api {

namespace {
Schema key_selector_schema(std::string description, std::string_view what) {
  return object_schema(
      std::move(description),
      {{"name", string_schema("Name of the " + std::string(what) + " in the same namespace.")},
       {"key", string_schema("The key of the " + std::string(what) + " to select."), true},
       {"optional", boolean_schema("Specify whether the " + std::string(what) + " or its key must be defined.")}});
}
}  // namespace

Schema secret_key_selector_schema(std::string description) {
  return key_selector_schema(std::move(description), "Secret");
}

Schema config_map_key_selector_schema(std::string description) {
  return key_selector_schema(std::move(description), "ConfigMap");
}

Schema env_var_schema() {
  Schema field_ref =
      object_schema("Selects a field of the pod (downward API).",
                    {{"apiVersion", string_schema("Version of the schema the FieldPath is written in terms of.")},
                     {"fieldPath", string_schema("Path of the field to select in the specified API version."), true}});
  Schema resource_field_ref =
      object_schema("Selects a resource of the container.",
                    {{"containerName", string_schema("Container name.")},
                     {"divisor", int_or_string_schema("Output format of the exposed resources (a quantity).")},
                     {"resource", string_schema("Required: resource to select."), true}});
  Schema value_from = object_schema(
      "Source for the environment variable's value.",
      {{"configMapKeyRef", config_map_key_selector_schema("Selects a key of a ConfigMap.")},
       {"fieldRef", std::move(field_ref)},
       {"resourceFieldRef", std::move(resource_field_ref)},
       {"secretKeyRef", secret_key_selector_schema("Selects a key of a secret in the pod's namespace.")}});
  return object_schema("EnvVar represents an environment variable present in a Container.",
                       {{"name", string_schema("Name of the environment variable."), true},
                        {"value", string_schema("Variable value; $(VAR_NAME) references are expanded.")},
                        {"valueFrom", std::move(value_from)}});
}

bool is_gateway_duration(std::string_view text) {
  std::size_t i = 0;
  int groups = 0;
  while (i < text.size()) {
    std::size_t digits = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == digits || i == text.size()) return false;
    if (text[i] == 'h' || text[i] == 's') {
      ++i;
    } else if (text[i] == 'm') {
      // "ms" and "m" followed by "s": a group starts with a digit, so an 's' after 'm' is "ms".
      i += (i + 1 < text.size() && text[i + 1] == 's') ? 2 : 1;
    } else {
      return false;
    }
    if (++groups > 4) return false;
  }
  return groups > 0;
}

Schema volume_mount_schema() {
  return object_schema(
      "VolumeMount (corev1.VolumeMount) of a volume declared in podSpec.volumes.",
      {{"name", string_schema("Name of the volume (podSpec.volumes[].name)."), true},
       {"mountPath", string_schema("Path within the container at which the volume is mounted."), true},
       {"readOnly", boolean_schema("Mount read-only (default false).")},
       {"subPath", string_schema("Path within the volume to mount instead of its root.")},
       {"subPathExpr", string_schema("Like subPath, with $(VAR_NAME) expanded from the container's env.")},
       {"mountPropagation", string_schema("None, HostToContainer or Bidirectional.")},
       {"recursiveReadOnly", string_schema("Disabled, IfPossible or Enabled (with readOnly).")}});
}

Schema container_override_schema() {
  return object_schema(
      "Container provides shorthand overrides for the workload's main container (image, command, "
      "args, resources, env, securityContext, workingDir, volumeMounts); applied before podSpec.",
      {{"image", string_schema("Container image override.")},
       {"command", array_schema(string_schema(""), "Entrypoint override.")},
       {"args", array_schema(string_schema(""), "Arguments override.")},
       {"resources", preserved_object_schema("Compute resources (corev1.ResourceRequirements: limits, requests).")},
       {"env", array_schema(env_var_schema(),
                            "Additional environment variables; a user value overrides an "
                            "operator-generated variable of the same name.")},
       {"securityContext", preserved_object_schema("Security context of the container (corev1.SecurityContext; "
                                                   "not modelled: accepted as written).")},
       {"workingDir", string_schema("Working directory of the container.")},
       {"volumeMounts", array_schema(volume_mount_schema(), "Volume mounts added to the container.")}});
}

Schema telemetry_schema() {
  return object_schema("Telemetry configures OpenTelemetry instrumentation.",
                       {{"enabled", boolean_schema("Enable OpenTelemetry export.").def(false)},
                        {"endpoint", string_schema("OTLP gRPC endpoint (required when enabled).")}});
}

Schema gateway_route_schema() {
  return object_schema(
      "GatewayRoute configures Gateway API routing for this resource.",
      {{"timeout", string_schema("Request timeout for the HTTPRoute (Gateway API Duration, "
                                 "e.g. \"30s\", \"5m\"); \"0s\" uses the gateway default.")
                       .pattern_("^([0-9]+(h|m|s|ms)){1,4}$", "a Gateway API duration such as 30s, 5m or 1h30m",
                                 is_gateway_duration)}});
}

Schema pod_spec_schema() {
  return preserved_object_schema(
      "PodSpec (corev1.PodSpec) strategic-merged over the generated pod spec, after container.");
}

Schema deployment_status_schema() {
  return object_schema(
      "Status of the owned Deployment.",
      {{"replicas", integer_schema("Total replicas.")},
       {"readyReplicas", integer_schema("Ready replicas.")},
       {"availableReplicas", integer_schema("Available replicas.")},
       {"updatedReplicas", integer_schema("Updated replicas.")},
       {"conditions", array_schema(preserved_object_schema("DeploymentCondition."), "Deployment conditions.")}});
}

Schema conditions_schema() {
  Schema condition =
      object_schema("Condition (metav1.Condition).",
                    {{"type", string_schema("Type of condition in CamelCase."), true},
                     {"status", string_schema("Status of the condition.").enums({"True", "False", "Unknown"}), true},
                     {"observedGeneration", int64_schema("Generation the condition was set for.")},
                     {"lastTransitionTime", string_schema("Last time the condition changed.")},
                     {"reason", string_schema("Machine-readable reason in CamelCase.")},
                     {"message", string_schema("Human-readable message.")}});
  return array_schema(std::move(condition), "Conditions of the resource.");
}

void check_container_override(const ContainerOverride& c, const std::string& path, Diagnostics& out) {
  if (c.resources) {
    for (const char* group : {"limits", "requests"}) {
      const auto* v = find_field(*c.resources, group);
      std::string group_path = join_path(join_path(path, "resources"), group);
      if (!v) continue;
      if (!v->is_object()) {
        out.error(group_path, "expected object, got " + std::string(json_kind_name(*v)));
        continue;
      }
      for (const auto& kv : v->get_object()) {
        std::string q_path = join_path(group_path, kv.key());
        std::string text;
        if (kv.value().is_string())
          text = std::string(kv.value().get_string());
        else if (auto i = as_int64(kv.value()))
          text = std::to_string(*i);
        else if (auto d = as_double(kv.value()))
          text = std::to_string(*d);
        else {
          out.error(q_path, "expected quantity (string or number), got " + std::string(json_kind_name(kv.value())));
          continue;
        }
        if (auto q = parse_quantity(text); !q) out.error(q_path, "invalid quantity \"" + text + "\"");
      }
    }
  }
  // KAOS's operator applies both to the agent container only; its other controllers ignore them.
  constexpr std::string_view kClusterOnly =
      "takes effect in a cluster only (KAOS's operator applies it to Agents): kaos up runs the process without a "
      "container";
  if (c.security_context) out.note(join_path(path, "securityContext"), std::string(kClusterOnly));
  if (!c.volume_mounts.empty()) out.note(join_path(path, "volumeMounts"), std::string(kClusterOnly));
  std::set<std::string> seen;
  for (std::size_t i = 0; i < c.env.size(); ++i) {
    if (!c.env[i].name.empty() && !seen.insert(c.env[i].name).second) {
      out.warning(index_path(join_path(path, "env"), i),
                  "duplicate environment variable \"" + c.env[i].name + "\" (the last one wins)");
    }
  }
}

void check_telemetry(const TelemetryConfig& t, const std::string& path, Diagnostics& out) {
  if (t.enabled.value_or(false) && t.endpoint.empty()) {
    out.warning(join_path(path, "endpoint"), "telemetry is enabled but no endpoint is set; telemetry stays off");
  }
}

}  // namespace kaos::api
