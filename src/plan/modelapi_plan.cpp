// ModelAPI → workload (KAOS modelapi_controller.go). Proxy runs our gateway (`kaos modelapi`,
// a drop-in for the LiteLLM proxy) on the config KAOS generates; Hosted runs Ollama.
#include "api/diagnostics.hpp"
#include "plan/internal.hpp"
#include "plan/litellm_config.hpp"

namespace kaos::plan::detail {

namespace {

// The config KAOS generates (generateLiteLLMConfig) for spec.proxyConfig.
std::string generate_litellm_config(const api::ProxyConfig& proxy, bool telemetry) {
  return plan::render_generated_config(
      {proxy.models, proxy.provider, !proxy.api_base.empty(), proxy.api_key.has_value(), telemetry});
}

// KAOS validateConfigYamlModels, through api's copy of it (check_modelapi), applied to `text`.
std::optional<std::string> config_yaml_error(const api::ModelAPI& m, const std::string& text) {
  api::ModelAPI probe = m;
  probe.spec.proxy_config->config_yaml = api::ConfigYamlSource{text, std::nullopt};
  api::Diagnostics d;
  api::check_modelapi(probe, d);
  for (const auto& item : d.items())
    if (item.severity == api::Severity::Error && item.path.starts_with("spec.proxyConfig.configYaml"))
      return item.message;
  return std::nullopt;
}

void plan_proxy(Workload& w, const api::ModelAPI& m, const SetIndex& index, const PlanOptions& options) {
  const auto& spec = m.spec;
  w.role = "modelapi";
  w.image = options.agent_image;
  w.command = {"kaos",   "modelapi",        "--config", "{files}/config.yaml",
               "--host", options.bind_host, "--port",   std::to_string(w.port)};
  // Our gateway serves LiteLLM's probe paths; KAOS probes /health/liveliness because LiteLLM's
  // /health checks every upstream. Timings: liveness 30/10/5/3, readiness 15/5/5/3.
  w.liveness = {ProbePlan::Type::http, "/health/liveliness", 30, 10, 5, 3};
  w.readiness = {ProbePlan::Type::http, "/health/liveliness", 15, 5, 5, 3};
  if (!spec.proxy_config) {
    w.failure = "mode Proxy needs spec.proxyConfig (at least proxyConfig.models)";
    return;
  }
  const auto& proxy = *spec.proxy_config;
  auto telemetry = effective_telemetry(spec.telemetry, options);

  // The config file: the user's configYaml verbatim, else the generated one.
  const auto& config_yaml = proxy.config_yaml;
  if (config_yaml && !config_yaml->from_string.empty()) {
    w.files["config.yaml"] = config_yaml->from_string;
    if (auto e = config_yaml_error(m, config_yaml->from_string)) w.failure = *e;
  } else if (config_yaml && config_yaml->from_secret_key_ref) {
    // KAOS documents fromSecretKeyRef as a full config; the content has to be in the set (or
    // the local secret store the runtime consults before planning) for us to write the file.
    auto secret = read_secret_key(index, m.metadata.namespace_, *config_yaml->from_secret_key_ref);
    if (secret.value) {
      w.files["config.yaml"] = *secret.value;
      if (auto e = config_yaml_error(m, *secret.value)) w.failure = *e;
    } else if (secret.waiting) {
      w.waiting = *secret.waiting + " (spec.proxyConfig.configYaml.fromSecretKeyRef)";
    } else {
      w.failure = *secret.failure + " (spec.proxyConfig.configYaml.fromSecretKeyRef)";
    }
  } else {
    w.files["config.yaml"] = generate_litellm_config(proxy, telemetry.has_value());
  }

  EnvBuilder env;
  if (!proxy.api_base.empty()) env.set("PROXY_API_BASE", proxy.api_base);
  if (proxy.api_key) {
    const auto& key = *proxy.api_key;
    if (!key.value.empty()) {
      env.set("PROXY_API_KEY", key.value);
    } else if (key.value_from && (key.value_from->secret_key_ref || key.value_from->config_map_key_ref)) {
      // Kept as a reference: the cluster resolves it, the local runtime reads the set's
      // Secret/ConfigMap or its secret store. KAOS prefers secretKeyRef when both are given.
      api::EnvVarSource src;
      if (key.value_from->secret_key_ref)
        src.secret_key_ref = key.value_from->secret_key_ref;
      else
        src.config_map_key_ref = key.value_from->config_map_key_ref;
      env.set("PROXY_API_KEY", std::optional<api::EnvVarSource>(std::move(src)));
    }
  }
  if (telemetry) {
    // KAOS's LiteLLM variant of the OTel env (not BuildTelemetryEnvVars).
    env.set("OTEL_EXPORTER", "otlp_grpc");
    if (!telemetry->endpoint.empty()) env.set("OTEL_EXPORTER_OTLP_ENDPOINT", telemetry->endpoint);
    env.set("OTEL_SERVICE_NAME", m.metadata.name);
    env.set("OTEL_PYTHON_EXCLUDED_URLS", "/health");
  }
  env.merge_user(proxy.env);  // older KAOS field, still honoured before container.env
  if (spec.container) env.merge_user(spec.container->env);
  // KAOS sets LITELLM_LOG for LiteLLM; our gateway reads LOG_LEVEL like every other role.
  env.set_default("LOG_LEVEL", options.log_level);
  w.env = env.sorted();
}

// KAOS maps its log level onto Ollama's: TRACE → 2, DEBUG → 1, otherwise nothing is set.
std::optional<std::string> ollama_debug_level(const std::string& level) {
  if (level == "TRACE") return "2";
  if (level == "DEBUG") return "1";
  return std::nullopt;
}

void plan_hosted(Workload& w, const api::ModelAPI& m, const PlanOptions& options) {
  const auto& spec = m.spec;
  w.role = "ollama";
  w.image = spec.container && !spec.container->image.empty() ? spec.container->image : options.ollama_image;
  w.command = {"ollama", "serve"};
  w.liveness = {ProbePlan::Type::http, "/", 30, 10, 5, 3};
  w.readiness = {ProbePlan::Type::http, "/", 15, 5, 5, 3};
  // KAOS pulls in an init container (serve, pull, kill); a process substrate pulls once the
  // server is ready instead. The pull uses the workload's env, so OLLAMA_HOST points it here.
  if (spec.hosted_config && !spec.hosted_config->model.empty())
    w.post_start.push_back({"ollama", "pull", spec.hosted_config->model});

  EnvBuilder env;
  // Not set by KAOS (its image binds 0.0.0.0:11434 by default); needed wherever the port or
  // the bind address differ, and harmless where they do not.
  env.set("OLLAMA_HOST", options.bind_host + ":" + std::to_string(w.port));
  if (spec.hosted_config) env.merge_user(spec.hosted_config->env);  // older KAOS field
  if (spec.container) env.merge_user(spec.container->env);
  if (auto level = ollama_debug_level(options.log_level)) env.set_default("OLLAMA_DEBUG", *level);
  w.env = env.sorted();
}

}  // namespace

Workload plan_modelapi(const api::ModelAPI& m, const SetIndex& index, const Addressing& addressing,
                       const PlanOptions& options) {
  Workload w;
  w.ref = {"ModelAPI", m.metadata.namespace_, m.metadata.name};
  w.port = addressing.listen_port(w.ref);
  w.wait_for_dependencies = false;  // a ModelAPI depends on nothing in the set
  if (m.spec.mode == api::ModelAPIMode::Hosted) {
    plan_hosted(w, m, options);
  } else {
    plan_proxy(w, m, index, options);
    // container.image replaces our gateway's image in a cluster, as KAOS's override does.
    if (m.spec.container && !m.spec.container->image.empty()) w.image = m.spec.container->image;
  }
  if (m.spec.container && m.spec.container->resources)  // the one override field the plan leaves
  {
    api::ContainerOverride resources_only;
    resources_only.resources = m.spec.container->resources;
    w.container_override = std::move(resources_only);
  }
  return w;
}

}  // namespace kaos::plan::detail
