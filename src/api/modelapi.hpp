#pragma once
// ModelAPI (modelapis.kaos.tools): LLM access, either a proxy gateway in front of providers
// (Proxy) or an in-cluster model server (Hosted). KAOS-REFERENCE.md §1.2.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "api/common_types.hpp"
#include "api/object_meta.hpp"

namespace kaos::api {

enum class ModelAPIMode { Proxy, Hosted };
template <>
struct EnumNames<ModelAPIMode> {
  static constexpr std::array values{std::pair{ModelAPIMode::Proxy, std::string_view("Proxy")},
                                     std::pair{ModelAPIMode::Hosted, std::string_view("Hosted")}};
};

struct ApiKeyValueFrom {
  std::optional<SecretKeySelector> secret_key_ref;
  std::optional<ConfigMapKeySelector> config_map_key_ref;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("secretKeyRef", s.secret_key_ref);
    v("configMapKeyRef", s.config_map_key_ref);
  }
};

/// Exactly one of value / valueFrom (CEL).
struct ApiKeySource {
  std::string value;
  std::optional<ApiKeyValueFrom> value_from;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("value", s.value);
    v("valueFrom", s.value_from);
  }
};

/// A full LiteLLM config used verbatim; exactly one of fromString / fromSecretKeyRef (CEL).
struct ConfigYamlSource {
  std::string from_string;
  std::optional<SecretKeySelector> from_secret_key_ref;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("fromString", s.from_string);
    v("fromSecretKeyRef", s.from_secret_key_ref);
  }
};

struct ProxyConfig {
  std::vector<std::string> models;  ///< exact ids, "provider/*" or "*"; at least one
  std::string provider;
  std::string api_base;
  std::optional<ApiKeySource> api_key;
  std::optional<ConfigYamlSource> config_yaml;
  std::vector<EnvVar> env;  ///< older KAOS field; prefer spec.container.env
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("models", s.models);
    v("provider", s.provider);
    v("apiBase", s.api_base);
    v("apiKey", s.api_key);
    v("configYaml", s.config_yaml);
    v("env", s.env);
  }
};

struct HostedConfig {
  std::string model;
  std::vector<EnvVar> env;  ///< older KAOS field; prefer spec.container.env
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("model", s.model);
    v("env", s.env);
  }
};

struct ModelAPISpec {
  ModelAPIMode mode = ModelAPIMode::Proxy;
  std::optional<ProxyConfig> proxy_config;
  std::optional<HostedConfig> hosted_config;
  std::optional<GatewayRoute> gateway_route;
  std::optional<TelemetryConfig> telemetry;
  std::optional<ContainerOverride> container;
  std::optional<json::object> pod_spec;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("mode", s.mode);
    v("proxyConfig", s.proxy_config);
    v("hostedConfig", s.hosted_config);
    v("gatewayRoute", s.gateway_route);
    v("telemetry", s.telemetry);
    v("container", s.container);
    v("podSpec", s.pod_spec);
  }
};

struct ModelAPI {
  ObjectMeta metadata;
  ModelAPISpec spec;
  std::optional<json::object> status;
};

const Schema& modelapi_spec_schema();
const Schema& modelapi_status_schema();

ModelAPI read_modelapi(const json::value& document, std::string_view default_namespace);
json::value to_json(const ModelAPI& modelapi);
/// Checks beyond the schema: configYaml model_name entries match proxyConfig.models (KAOS
/// controller check), telemetry on Hosted (warning), deprecated env fields (warning).
void check_modelapi(const ModelAPI& modelapi, Diagnostics& out);

}  // namespace kaos::api
