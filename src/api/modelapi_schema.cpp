// The ModelAPI schema: mode, proxy/hosted configs and KAOS's CEL rules (mode ⇒ config,
// apiKey value XOR valueFrom, configYaml fromString XOR fromSecretKeyRef).
#include "api/modelapi.hpp"

namespace kaos::api {

namespace {

Schema api_key_schema() {
  Schema value_from =
      object_schema("Reference to a Secret or ConfigMap key holding the API key.",
                    {{"secretKeyRef", secret_key_selector_schema("Secret key holding the API key.")},
                     {"configMapKeyRef", config_map_key_selector_schema("ConfigMap key holding the API key.")}})
          .rule("has(self.secretKeyRef) != has(self.configMapKeyRef)",
                "exactly one of secretKeyRef or configMapKeyRef must be set",
                [](const json::object& o) { return has_field(o, "secretKeyRef") != has_field(o, "configMapKeyRef"); });
  return object_schema("API key of the backend LLM API (PROXY_API_KEY).",
                       {{"value", string_schema("The key itself (not recommended for production).")},
                        {"valueFrom", std::move(value_from)}})
      .rule("has(self.value) != has(self.valueFrom)", "exactly one of value or valueFrom must be set",
            [](const json::object& o) { return has_field(o, "value") != has_field(o, "valueFrom"); });
}

Schema config_yaml_schema() {
  return object_schema("A full LiteLLM config used verbatim; every model_name must match models.",
                       {{"fromString", string_schema("The config YAML as a literal string.")},
                        {"fromSecretKeyRef", secret_key_selector_schema("Secret key holding the config YAML.")}})
      .rule("has(self.fromString) != has(self.fromSecretKeyRef)",
            "exactly one of fromString or fromSecretKeyRef must be set",
            [](const json::object& o) { return has_field(o, "fromString") != has_field(o, "fromSecretKeyRef"); });
}

Schema build_spec_schema() {
  Schema proxy = object_schema(
      "ProxyConfig configures the gateway in front of model providers.",
      {{"models",
        array_schema(string_schema(""), "Model ids agents may use: exact ids, 'provider/*' or '*'.").min_items_(1),
        true},
       {"provider", string_schema("Provider prefix for routing: model <m> is sent as <provider>/<m>.")},
       {"apiBase", string_schema("Base URL of the backend LLM API (PROXY_API_BASE).")},
       {"apiKey", api_key_schema()},
       {"configYaml", config_yaml_schema()},
       {"env", array_schema(env_var_schema(), "Deprecated: use spec.container.env.")}});
  Schema hosted =
      object_schema("HostedConfig configures the in-cluster model server.",
                    {{"model", string_schema("Model pulled and served at start (e.g. smollm2:135m)."), true},
                     {"env", array_schema(env_var_schema(), "Deprecated: use spec.container.env.")}});
  return object_schema("ModelAPISpec defines the desired state of ModelAPI.",
                       {{"mode", string_schema("Deployment mode.").enums(enum_names<ModelAPIMode>()), true},
                        {"proxyConfig", std::move(proxy)},
                        {"hostedConfig", std::move(hosted)},
                        {"gatewayRoute", gateway_route_schema()},
                        {"telemetry", telemetry_schema()},
                        {"container", container_override_schema()},
                        {"podSpec", pod_spec_schema()}})
      .rule("self.mode != 'Proxy' || has(self.proxyConfig)", "proxyConfig is required when mode is 'Proxy'",
            [](const json::object& o) { return string_or(o, "mode", "") != "Proxy" || has_field(o, "proxyConfig"); })
      .rule("self.mode != 'Hosted' || has(self.hostedConfig)", "hostedConfig is required when mode is 'Hosted'",
            [](const json::object& o) { return string_or(o, "mode", "") != "Hosted" || has_field(o, "hostedConfig"); });
}

Schema build_status_schema() {
  return object_schema("ModelAPIStatus defines the observed state of ModelAPI.",
                       {{"phase", string_schema("Phase of the deployment.").enums({"Pending", "Ready", "Failed"})},
                        {"ready", boolean_schema("Whether the model API is ready.")},
                        {"endpoint", string_schema("Service endpoint of the model API.")},
                        {"message", string_schema("Additional status information.")},
                        {"conditions", conditions_schema()},
                        {"supportedModels", array_schema(string_schema(""), "Models this ModelAPI serves.")},
                        {"deployment", deployment_status_schema()},
                        {"observedGeneration", int64_schema("Generation of the spec this status was computed for.")}});
}

}  // namespace

const Schema& modelapi_spec_schema() {
  static const Schema schema = build_spec_schema();
  return schema;
}

const Schema& modelapi_status_schema() {
  static const Schema schema = build_status_schema();
  return schema;
}

}  // namespace kaos::api
