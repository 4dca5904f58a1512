#pragma once
// Model-id patterns of a ModelAPI (KAOS agent_controller validateAgentModel and
// modelapi_controller modelMatchesPatterns) and the Go-formatted messages KAOS emits.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kaos::api {

struct ModelAPISpec;

/// "*" matches anything, "provider/*" matches ids starting with "provider/", else exact.
bool model_matches(std::string_view model, const std::vector<std::string>& patterns);

/// The models an Agent may use with this ModelAPI: proxyConfig.models (Proxy) or
/// [hostedConfig.model] (Hosted); empty when the mode's config is missing.
std::vector<std::string> supported_models(const ModelAPISpec& spec);

/// nullopt if `model` is supported, else KAOS's message:
/// `model "X" not supported by ModelAPI "Y" (supported: [a b])`.
std::optional<std::string> check_agent_model(std::string_view model, std::string_view modelapi_name,
                                             const ModelAPISpec& spec);

/// Go's %q for the plain strings we quote: "a\"b".
std::string go_quote(std::string_view s);
/// Go's %v of a []string: [a b c].
std::string go_string_list(const std::vector<std::string>& items);

}  // namespace kaos::api
