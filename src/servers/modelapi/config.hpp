#pragma once
// The gateway's configuration: LiteLLM's proxy config format (model_list, litellm_settings,
// router_settings, general_settings), parsed into typed settings once at start.
// `os.environ/NAME` string values are resolved through an injected lookup (this library never
// reads the environment itself); a missing variable is an error naming it.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "servers/modelapi/provider.hpp"

namespace kaos::modelapi {

/// Looks a variable up; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

/// Mock provider knobs (litellm_params), see docs/modelapi-mock.md.
struct MockSettings {
  std::chrono::milliseconds latency{0};      ///< mock_latency_ms: before the answer / first chunk
  std::chrono::milliseconds chunk_delay{0};  ///< mock_chunk_delay_ms: between streamed chunks
  int chunks = 0;                            ///< mock_chunks: content pieces (0 = one per word)
  std::optional<std::string> response;       ///< mock_response: fixed reply text
  int embedding_dim = 16;                    ///< mock_embedding_dim
};

/// One model_list entry.
struct Deployment {
  std::string model_name;     ///< the public name or pattern ("gpt-4o", "openai/*", "*")
  std::string litellm_model;  ///< litellm_params.model as configured
  std::string provider;       ///< its provider prefix ("" when none)
  ProviderKind kind = ProviderKind::openai_compatible;
  std::string upstream_model;     ///< litellm_model without the provider prefix (may hold '*')
  bool dynamic_provider = false;  ///< litellm_params.model is "*": provider read from the request
  std::string api_base;           ///< effective base URL (default applied, "/v1" appended where needed)
  std::string raw_api_base;       ///< api_base as resolved from the config (may be empty)
  std::string api_key;
  std::chrono::milliseconds timeout{0};  ///< 0: the router default
  std::string anthropic_version = "2023-06-01";
  MockSettings mock;
  std::string id;  ///< "<model_name>#<index>" for logs and metrics
};

enum class RoutingStrategy { round_robin, least_busy };

struct GatewayConfig {
  std::vector<Deployment> deployments;
  bool drop_params = false;
  std::string master_key;                      ///< empty: no inbound auth
  int num_retries = 2;                         ///< extra attempts on connect errors, 429, 5xx
  std::chrono::milliseconds timeout{600'000};  ///< per upstream request (LiteLLM's default)
  int allowed_fails = 3;                       ///< consecutive failures before a cooldown
  std::chrono::milliseconds cooldown{5'000};   ///< cooldown_time
  RoutingStrategy strategy = RoutingStrategy::round_robin;
};

/// Parses a LiteLLM config (already converted from YAML). Errors name the field path, e.g.
/// "model_list[1].litellm_params.model is required".
Result<GatewayConfig> parse_gateway_config(const json::value& root, const EnvLookup& env);
/// YAML text → GatewayConfig.
Result<GatewayConfig> load_gateway_config(std::string_view yaml_text, const EnvLookup& env);

}  // namespace kaos::modelapi
