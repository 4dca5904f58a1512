#include "servers/modelapi/config.hpp"

#include <cmath>

#include "core/yaml.hpp"

namespace kaos::modelapi {

namespace {
constexpr std::string_view kEnvPrefix = "os.environ/";

// Resolves "os.environ/NAME"; other strings are returned as they are.
Result<std::string> resolve_string(const json::value& v, const std::string& path, const EnvLookup& env) {
  if (!v.is_string()) return Error::invalid(path + " must be a string, got " + std::string(json_kind_name(v)));
  std::string_view s = v.get_string();
  if (!s.starts_with(kEnvPrefix)) return std::string(s);
  auto name = s.substr(kEnvPrefix.size());
  if (name.empty()) return Error::invalid(path + ": 'os.environ/' must be followed by a variable name");
  auto value = env ? env(name) : std::nullopt;
  if (!value)
    return Error::invalid(path + " references environment variable " + std::string(name) +
                          ", which is not set (set it or remove the reference)");
  return *value;
}

// Seconds as a number or numeric string → milliseconds.
Result<std::chrono::milliseconds> seconds_field(const json::value& v, const std::string& path) {
  double secs = 0;
  if (auto d = as_double(v))
    secs = *d;
  else if (v.is_string()) {
    try {
      std::size_t used = 0;
      std::string s(v.get_string());
      secs = std::stod(s, &used);
      if (used != s.size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      return Error::invalid(path + " must be a number of seconds, got \"" + std::string(v.get_string()) + "\"");
    }
  } else {
    return Error::invalid(path + " must be a number of seconds");
  }
  if (!(secs > 0) || !std::isfinite(secs)) return Error::invalid(path + " must be a positive number of seconds");
  // Beyond ~292 years the milliseconds do not fit int64 (found by fuzz/litellm_config).
  constexpr double kMaxSeconds = 1e9;
  if (secs > kMaxSeconds) return Error::invalid(path + " must be at most 1e9 seconds, got " + std::to_string(secs));
  return std::chrono::milliseconds(static_cast<std::int64_t>(secs * 1000));
}

Result<std::int64_t> int_in(const json::value& v, const std::string& path, std::int64_t lo, std::int64_t hi) {
  auto n = as_int64(v);
  if (!n && v.is_string()) {
    try {
      n = std::stoll(std::string(v.get_string()));
    } catch (const std::exception&) {
    }
  }
  if (!n || *n < lo || *n > hi)
    return Error::invalid(path + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return *n;
}

Result<void> parse_settings(const json::object& s, const std::string& section, GatewayConfig& cfg) {
  for (const auto& kv : s) {
    const std::string key(kv.key());
    const std::string path = std::string(section).append(".").append(key);
    const auto& v = kv.value();
    if (v.is_null()) continue;
    if (key == "drop_params") {
      if (!v.is_bool()) return Error::invalid(path + " must be true or false");
      cfg.drop_params = v.get_bool();
    } else if (key == "num_retries") {
      auto n = int_in(v, path, 0, 20);
      if (!n) return n.error();
      cfg.num_retries = static_cast<int>(*n);
    } else if (key == "request_timeout" || key == "timeout") {
      auto t = seconds_field(v, path);
      if (!t) return t.error();
      cfg.timeout = *t;
    } else if (key == "allowed_fails") {
      auto n = int_in(v, path, 1, 1000);
      if (!n) return n.error();
      cfg.allowed_fails = static_cast<int>(*n);
    } else if (key == "cooldown_time") {
      auto t = seconds_field(v, path);
      if (!t) return t.error();
      cfg.cooldown = *t;
    } else if (key == "routing_strategy") {
      if (!v.is_string()) return Error::invalid(path + " must be a string");
      cfg.strategy = v.get_string() == "least-busy" ? RoutingStrategy::least_busy : RoutingStrategy::round_robin;
    }
    // Anything else (callbacks, success_callback, set_verbose, ...) is accepted and ignored.
  }
  return {};
}

Result<Deployment> parse_deployment(const json::value& entry, std::size_t index, const GatewayConfig& cfg,
                                    const EnvLookup& env) {
  const std::string path = "model_list[" + std::to_string(index) + "]";
  if (!entry.is_object()) return Error::invalid(path + " must be a mapping");
  const auto& e = entry.get_object();
  Deployment d;
  const auto* name = e.if_contains("model_name");
  if (!name || !name->is_string() || name->get_string().empty())
    return Error::invalid(path + ".model_name is required and must be a non-empty string");
  d.model_name = std::string(name->get_string());
  d.id = d.model_name + "#" + std::to_string(index);
  const auto* params_v = e.if_contains("litellm_params");
  if (!params_v || !params_v->is_object())
    return Error::invalid(path + ".litellm_params is required and must be a mapping (model_name \"" + d.model_name +
                          "\")");
  const auto& params = params_v->get_object();
  const std::string pp = path + ".litellm_params";
  const auto* model = params.if_contains("model");
  if (!model || model->is_null())
    return Error::invalid(pp + ".model is required (model_name \"" + d.model_name + "\")");
  auto model_s = resolve_string(*model, pp + ".model", env);
  if (!model_s) return model_s.error();
  if (model_s->empty()) return Error::invalid(pp + ".model must not be empty");
  d.litellm_model = *model_s;

  for (const auto& kv : params) {
    const std::string key(kv.key());
    const std::string kp = std::string(pp).append(".").append(key);
    const auto& v = kv.value();
    if (v.is_null() || key == "model") continue;
    if (key == "api_base" || key == "base_url") {
      auto s = resolve_string(v, kp, env);
      if (!s) return s.error();
      d.raw_api_base = *s;
    } else if (key == "api_key") {
      auto s = resolve_string(v, kp, env);
      if (!s) return s.error();
      d.api_key = *s;
    } else if (key == "timeout" || key == "stream_timeout") {
      auto t = seconds_field(v, kp);
      if (!t) return t.error();
      if (key == "timeout" || d.timeout.count() == 0) d.timeout = *t;
    } else if (key == "mock_latency_ms" || key == "mock_chunk_delay_ms" || key == "mock_chunks" ||
               key == "mock_embedding_dim") {
      auto n = int_in(v, kp, key == "mock_embedding_dim" ? 1 : 0, key == "mock_embedding_dim" ? 8192 : 3'600'000);
      if (!n) return n.error();
      if (key == "mock_latency_ms")
        d.mock.latency = std::chrono::milliseconds(*n);
      else if (key == "mock_chunk_delay_ms")
        d.mock.chunk_delay = std::chrono::milliseconds(*n);
      else if (key == "mock_chunks")
        d.mock.chunks = static_cast<int>(*n);
      else
        d.mock.embedding_dim = static_cast<int>(*n);
    } else if (key == "mock_response") {
      auto s = resolve_string(v, kp, env);
      if (!s) return s.error();
      d.mock.response = *s;
    } else if (key == "anthropic_version") {
      auto s = resolve_string(v, kp, env);
      if (!s) return s.error();
      d.anthropic_version = *s;
    } else if (v.is_string()) {
      // Resolve other env references too, so a missing variable is reported at start.
      auto s = resolve_string(v, kp, env);
      if (!s) return s.error();
    }
    // rpm, tpm, max_tokens, temperature, organization, ...: accepted and ignored (docs/modelapi.md).
  }

  auto split = split_provider(d.litellm_model);
  if (d.litellm_model == "*") {
    d.dynamic_provider = true;
    d.upstream_model = "*";
    d.api_base = d.raw_api_base;
    return d;
  }
  auto info = provider_for_prefix(split.provider);
  if (!split.provider.empty() && !info.known && d.raw_api_base.empty())
    return Error::invalid(pp + ".api_base is required for provider \"" + std::string(split.provider) + "\" (model \"" +
                          d.litellm_model + "\"; known providers have defaults, see docs/modelapi.md)");
  d.provider = std::string(split.provider);
  d.upstream_model = std::string(split.model);
  d.kind = info.kind;
  // A bare "claude-*" model is Anthropic, as LiteLLM infers it.
  if (split.provider.empty() && d.upstream_model.starts_with("claude")) {
    info = provider_for_prefix("anthropic");
    d.kind = ProviderKind::anthropic;
  }
  if (d.kind != ProviderKind::mock) {
    if (info.default_api_base.empty() && d.raw_api_base.empty())
      return Error::invalid(pp + ".api_base is required for provider \"" + d.provider + "\" (model \"" +
                            d.litellm_model + "\")");
    d.api_base = d.kind == ProviderKind::anthropic
                     ? (d.raw_api_base.empty() ? std::string(info.default_api_base) : d.raw_api_base)
                     : effective_api_base(info, d.raw_api_base);
    while (!d.api_base.empty() && d.api_base.back() == '/') d.api_base.pop_back();
  }
  (void)cfg;
  return d;
}
}  // namespace

Result<GatewayConfig> parse_gateway_config(const json::value& root, const EnvLookup& env) {
  if (!root.is_object()) return Error::invalid("config must be a mapping with a model_list");
  const auto& o = root.get_object();
  GatewayConfig cfg;
  if (const auto* ls = o.if_contains("litellm_settings"); ls && !ls->is_null()) {
    if (!ls->is_object()) return Error::invalid("litellm_settings must be a mapping");
    if (auto r = parse_settings(ls->get_object(), "litellm_settings", cfg); !r) return r.error();
  }
  if (const auto* rs = o.if_contains("router_settings"); rs && !rs->is_null()) {
    if (!rs->is_object()) return Error::invalid("router_settings must be a mapping");
    if (auto r = parse_settings(rs->get_object(), "router_settings", cfg); !r) return r.error();
  }
  if (const auto* gs = o.if_contains("general_settings"); gs && !gs->is_null()) {
    if (!gs->is_object()) return Error::invalid("general_settings must be a mapping");
    if (const auto* mk = gs->get_object().if_contains("master_key"); mk && !mk->is_null()) {
      auto s = resolve_string(*mk, "general_settings.master_key", env);
      if (!s) return s.error();
      cfg.master_key = *s;
    }
  }
  const auto* list = o.if_contains("model_list");
  if (!list || list->is_null()) return Error::invalid("model_list is required");
  if (!list->is_array()) return Error::invalid("model_list must be a list of {model_name, litellm_params}");
  const auto& arr = list->get_array();
  if (arr.empty()) return Error::invalid("model_list must contain at least one model");
  for (std::size_t i = 0; i < arr.size(); ++i) {
    auto d = parse_deployment(arr[i], i, cfg, env);
    if (!d) return d.error();
    if (d->timeout.count() == 0) d->timeout = cfg.timeout;
    cfg.deployments.push_back(std::move(*d));
  }
  return cfg;
}

Result<GatewayConfig> load_gateway_config(std::string_view yaml_text, const EnvLookup& env) {
  auto doc = parse_yaml(yaml_text);
  if (!doc) return Error::invalid("config is not valid YAML: " + doc.error().message);
  return parse_gateway_config(*doc, env);
}

}  // namespace kaos::modelapi
