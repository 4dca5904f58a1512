#include "protocol/litellm/generated_config.hpp"

namespace kaos::protocol::litellm {

std::string render_generated_config(const GeneratedConfig& config) {
  std::string out = "# Auto-generated LiteLLM config\nmodel_list:\n";
  for (const auto& model : config.models) {
    out += "  - model_name: \"" + model + "\"\n";
    out += "    litellm_params:\n";
    out += "      model: \"" + (config.provider.empty() ? model : config.provider + "/" + model) + "\"\n";
    if (config.api_base) out += "      api_base: \"os.environ/PROXY_API_BASE\"\n";
    if (config.api_key) out += "      api_key: \"os.environ/PROXY_API_KEY\"\n";
  }
  out += "\nlitellm_settings:\n  drop_params: true\n";
  if (config.telemetry) out += "  success_callback: [\"otel\"]\n  failure_callback: [\"otel\"]\n";
  return out;
}

}  // namespace kaos::protocol::litellm
