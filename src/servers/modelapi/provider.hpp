#pragma once
// Providers: the `litellm_params.model` prefix ("openai/gpt-4o") selects how the gateway talks
// upstream. The table is in docs/modelapi.md; keep the two in step.
#include <optional>
#include <string>
#include <string_view>

namespace kaos::modelapi {

enum class ProviderKind {
  openai_compatible,  ///< POST {api_base}/chat/completions, Authorization: Bearer
  anthropic,          ///< POST {api_base}/v1/messages, x-api-key, translated both ways
  mock,               ///< answered in-process (docs/modelapi-mock.md)
};

struct ProviderInfo {
  std::string_view prefix;  ///< "openai", "anthropic", ...; empty for "no prefix"
  ProviderKind kind = ProviderKind::openai_compatible;
  std::string_view default_api_base;  ///< empty: api_base is required
  bool append_v1 = false;             ///< OpenAI-compatible API lives at api_base + "/v1" (Ollama)
  bool known = true;                  ///< false for a prefix outside the table
};

/// The provider for a prefix. Unknown prefixes are OpenAI-compatible upstreams whose
/// api_base is required (known = false).
ProviderInfo provider_for_prefix(std::string_view prefix);

/// True when `prefix` is one of the table's providers.
bool is_known_provider(std::string_view prefix);

/// Splits "provider/rest" at the first '/'. A model without '/' has an empty provider.
struct SplitModel {
  std::string_view provider;
  std::string_view model;
};
SplitModel split_provider(std::string_view litellm_model);

/// The effective OpenAI-compatible base URL: api_base (or the default) with "/v1" appended for
/// providers that need it, unless it already ends with "/v1".
std::string effective_api_base(const ProviderInfo& p, std::string_view api_base);

}  // namespace kaos::modelapi
