#pragma once
// The LiteLLM config file KAOS's operator writes for a Proxy ModelAPI (KAOS-REFERENCE §1.2):
// the one renderer, used by the plan (every substrate writes this file) and by
// `kaos modelapi --models` (the gateway started without a config file).
#include <string>
#include <vector>

namespace kaos::protocol::litellm {

/// What a generated config says: spec.proxyConfig, reduced to what the file shows.
struct GeneratedConfig {
  std::vector<std::string> models;  ///< one model_list entry each; the model_name as given
  std::string provider;             ///< prefix of each litellm_params.model ("" none)
  bool api_base = false;            ///< api_base: "os.environ/PROXY_API_BASE"
  bool api_key = false;             ///< api_key: "os.environ/PROXY_API_KEY"
  bool telemetry = false;           ///< success_callback / failure_callback: ["otel"]
};

/// The config as YAML, byte for byte what KAOS's generateLiteLLMConfig writes: names inside
/// "%s" quotes without escaping, and a blank line before litellm_settings.
std::string render_generated_config(const GeneratedConfig& config);

}  // namespace kaos::protocol::litellm
