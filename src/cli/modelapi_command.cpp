// `kaos modelapi`: the OpenAI-compatible LLM gateway (drop-in for the LiteLLM proxy in KAOS
// ModelAPI Proxy pods). Reads a LiteLLM config file, or generates KAOS's config from flags.
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "cli/command.hpp"
#include "core/env.hpp"
#include "core/log.hpp"
#include "net/server.hpp"
#include "plan/litellm_config.hpp"
#include "servers/modelapi/config.hpp"
#include "servers/modelapi/gateway.hpp"

namespace kaos::cli {

namespace {

struct ModelApiFlags {
  std::string config_path;
  std::string host = "0.0.0.0";
  std::uint16_t port = 8000;
  unsigned threads = 0;
  std::size_t body_limit = 10 * 1024 * 1024;
  std::vector<std::string> models;
  std::string provider;
  std::string api_base;
  std::string api_key_env;
  bool print_config = false;
  std::vector<std::string> allowed_origins;
  std::vector<std::string> allowed_hosts;
};

std::vector<std::string> split_models(const std::vector<std::string>& raw) {
  std::vector<std::string> out;
  for (const auto& item : raw) {
    std::stringstream ss(item);
    std::string m;
    while (std::getline(ss, m, ','))
      if (!m.empty()) out.push_back(m);
  }
  return out;
}

int run_modelapi(const ModelApiFlags& f) {
  auto log_settings = log_settings_from_env();
  if (!log_settings) {
    std::cerr << "kaos modelapi: " << log_settings.error().message << "\n";
    return 2;
  }
  if (!f.config_path.empty() && !f.models.empty()) {
    std::cerr << "kaos modelapi: give either --config FILE or --models, not both\n";
    return 2;
  }

  // Variables the flags provide, consulted before the process environment.
  std::map<std::string, std::string, std::less<>> overlay;
  std::string yaml;
  if (!f.config_path.empty()) {
    std::ifstream in(f.config_path);
    if (!in) {
      std::cerr << "kaos modelapi: cannot read config file " << f.config_path << "\n";
      return 2;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    yaml = ss.str();
  } else {
    const auto models = split_models(f.models);
    if (models.empty()) {
      std::cerr << "kaos modelapi: give --config FILE (a LiteLLM config) or --models a,b (see --help)\n";
      return 2;
    }
    plan::GeneratedConfig opts;
    opts.models = models;
    opts.provider = f.provider;
    if (!f.api_base.empty()) overlay["PROXY_API_BASE"] = f.api_base;
    if (!f.api_key_env.empty()) {
      if (auto key = env_string(f.api_key_env))
        overlay["PROXY_API_KEY"] = *key;
      else if (!f.print_config) {
        std::cerr << "kaos modelapi: --api-key-env " << f.api_key_env << ": environment variable " << f.api_key_env
                  << " is not set\n";
        return 2;
      }
    }
    opts.api_base = !f.api_base.empty() || env_string("PROXY_API_BASE").has_value();
    opts.api_key = !f.api_key_env.empty() || env_string("PROXY_API_KEY").has_value();
    yaml = plan::render_generated_config(opts);
  }
  if (f.print_config) {
    std::cout << yaml;
    return 0;
  }

  auto lookup = [overlay](std::string_view name) -> std::optional<std::string> {
    if (auto it = overlay.find(name); it != overlay.end()) return it->second;
    return env_string(name);
  };
  auto config = modelapi::load_gateway_config(yaml, lookup);
  if (!config) {
    std::cerr << "kaos modelapi: invalid config" << (f.config_path.empty() ? std::string() : " " + f.config_path)
              << ": " << config.error().message << "\n";
    return 2;
  }

  init_logging(*log_settings, "modelapi");
  for (const auto& d : config->deployments)
    spdlog::info("model {} -> {} ({})", d.model_name, d.litellm_model,
                 d.kind == modelapi::ProviderKind::mock
                     ? std::string("built-in mock")
                     : (d.api_base.empty() ? std::string("per request") : d.api_base));
  if (!config->master_key.empty()) spdlog::info("master key required on API routes");

  net::ServerOptions server;
  server.host = f.host;
  server.port = f.port;
  server.body_limit = f.body_limit;
  // Streams can run as long as the upstream deadline; the read timeout only bounds receiving
  // a request.
  modelapi::GatewayOptions gw;
  gw.config = std::move(*config);
  gw.browser.allowed_origins = f.allowed_origins;
  gw.browser.allowed_hosts = f.allowed_hosts;
  auto host = f.host;
  return net::run_server(
      server, f.threads,
      [gw = std::move(gw)](net::Executor ex) { return modelapi::make_gateway_router(gw, std::move(ex)); },
      [host](std::uint16_t port) {
        spdlog::info("kaos modelapi listening on {}:{}", host, port);
        std::cout << "kaos modelapi listening on http://" << host << ":" << port << std::endl;
      });
}

}  // namespace

void add_modelapi_command(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<ModelApiFlags>();
  auto* cmd = app.add_subcommand(
      "modelapi",
      "Run the ModelAPI gateway: an OpenAI-compatible LLM proxy (drop-in for the LiteLLM proxy of KAOS\n"
      "ModelAPI Proxy pods). Serves /v1/chat/completions (streaming too), /v1/embeddings, /v1/models,\n"
      "/health/liveliness, /health/readiness and /metrics. See docs/modelapi.md.");
  cmd->add_option("--config,-c", flags->config_path,
                  "LiteLLM config file (model_list, litellm_settings, router_settings, general_settings);\n"
                  "'os.environ/NAME' values are read from the environment at start");
  cmd->add_option("--host", flags->host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port,-p", flags->port, "Port to listen on (0 picks a free port and prints it)")
      ->capture_default_str();
  cmd->add_option("--threads", flags->threads, "Event-loop threads (0 = one per CPU core)")->capture_default_str();
  cmd->add_option("--body-limit", flags->body_limit, "Largest request body in bytes (larger gets 413)")
      ->capture_default_str();
  cmd->add_option("--models", flags->models,
                  "Instead of --config: generate KAOS's config for these models (comma-separated;\n"
                  "exact names, 'provider/*' or '*'), as the KAOS operator does for a Proxy ModelAPI");
  cmd->add_option("--provider", flags->provider,
                  "With --models: LiteLLM provider prefix, e.g. openai, anthropic, hosted_vllm, ollama, mock\n"
                  "(each model becomes '<provider>/<model>')");
  cmd->add_option("--api-base", flags->api_base,
                  "With --models: upstream base URL (provided to the config as PROXY_API_BASE without\n"
                  "changing the process environment); when omitted, PROXY_API_BASE from the environment\n"
                  "is used if set");
  cmd->add_option("--api-key-env", flags->api_key_env,
                  "With --models: environment variable holding the upstream API key (provided as\n"
                  "PROXY_API_KEY); when omitted, PROXY_API_KEY from the environment is used if set");
  cmd->add_flag("--print-config", flags->print_config, "Print the config (generated or read) and exit");
  add_browser_safety_options(*cmd, flags->allowed_origins, flags->allowed_hosts);
  cmd->footer(
      "Environment: LOG_LEVEL (TRACE, DEBUG, INFO, WARNING, ERROR), LOG_FORMAT (text, json), and any\n"
      "variable the config references as os.environ/NAME.\n"
      "Example: kaos modelapi --models '*' --provider mock --port 8000");
  cmd->callback([flags, &ctx] { ctx.exit_code = run_modelapi(*flags); });
}

}  // namespace kaos::cli
