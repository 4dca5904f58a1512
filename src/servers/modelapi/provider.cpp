#include "servers/modelapi/provider.hpp"

#include <array>

namespace kaos::modelapi {

namespace {
constexpr std::array kProviders{
    ProviderInfo{"openai", ProviderKind::openai_compatible, "https://api.openai.com/v1"},
    ProviderInfo{"anthropic", ProviderKind::anthropic, "https://api.anthropic.com"},
    ProviderInfo{"mock", ProviderKind::mock, ""},
    ProviderInfo{"hosted_vllm", ProviderKind::openai_compatible, ""},
    ProviderInfo{"vllm", ProviderKind::openai_compatible, ""},
    ProviderInfo{"ollama", ProviderKind::openai_compatible, "http://localhost:11434", true},
    ProviderInfo{"ollama_chat", ProviderKind::openai_compatible, "http://localhost:11434", true},
    ProviderInfo{"litellm_proxy", ProviderKind::openai_compatible, ""},
    ProviderInfo{"openai_like", ProviderKind::openai_compatible, ""},
    ProviderInfo{"custom_openai", ProviderKind::openai_compatible, ""},
    ProviderInfo{"groq", ProviderKind::openai_compatible, "https://api.groq.com/openai/v1"},
    ProviderInfo{"together_ai", ProviderKind::openai_compatible, "https://api.together.xyz/v1"},
    ProviderInfo{"openrouter", ProviderKind::openai_compatible, "https://openrouter.ai/api/v1"},
    ProviderInfo{"nebius", ProviderKind::openai_compatible, "https://api.studio.nebius.ai/v1"},
    ProviderInfo{"deepseek", ProviderKind::openai_compatible, "https://api.deepseek.com/v1"},
    ProviderInfo{"mistral", ProviderKind::openai_compatible, "https://api.mistral.ai/v1"},
    ProviderInfo{"fireworks_ai", ProviderKind::openai_compatible, "https://api.fireworks.ai/inference/v1"},
    ProviderInfo{"deepinfra", ProviderKind::openai_compatible, "https://api.deepinfra.com/v1/openai"},
    ProviderInfo{"perplexity", ProviderKind::openai_compatible, "https://api.perplexity.ai"},
    ProviderInfo{"xai", ProviderKind::openai_compatible, "https://api.x.ai/v1"},
    ProviderInfo{"cerebras", ProviderKind::openai_compatible, "https://api.cerebras.ai/v1"},
    ProviderInfo{"lm_studio", ProviderKind::openai_compatible, "http://localhost:1234/v1"},
};
}  // namespace

ProviderInfo provider_for_prefix(std::string_view prefix) {
  for (const auto& p : kProviders)
    if (p.prefix == prefix) return p;
  ProviderInfo unknown{prefix, ProviderKind::openai_compatible, "", false, false};
  if (prefix.empty()) unknown.default_api_base = "https://api.openai.com/v1";
  return unknown;
}

bool is_known_provider(std::string_view prefix) {
  for (const auto& p : kProviders)
    if (p.prefix == prefix) return true;
  return false;
}

SplitModel split_provider(std::string_view m) {
  auto slash = m.find('/');
  if (slash == std::string_view::npos) return {{}, m};
  return {m.substr(0, slash), m.substr(slash + 1)};
}

std::string effective_api_base(const ProviderInfo& p, std::string_view api_base) {
  std::string base(api_base.empty() ? p.default_api_base : api_base);
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (p.append_v1 && !base.ends_with("/v1")) base += "/v1";
  return base;
}

}  // namespace kaos::modelapi
