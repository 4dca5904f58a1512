// The LiteLLM proxy config `kaos modelapi` reads (servers/modelapi/config): YAML → typed
// settings with `os.environ/NAME` lookups (names starting with SET_ resolve), then the model
// router built from it and a few lookups. Invariants: no crash; a loaded config has
// deployments with a model name.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "servers/modelapi/config.hpp"
#include "servers/modelapi/model_router.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  kaos::modelapi::EnvLookup env = [](std::string_view name) -> std::optional<std::string> {
    if (name.starts_with("SET_")) return std::string("value-of-") + std::string(name);
    return std::nullopt;
  };
  auto config = kaos::modelapi::load_gateway_config(text, env);
  if (!config) {
    FUZZ_CHECK(!config.error().message.empty(), "an error without a message");
    return 0;
  }
  for (const auto& d : config->deployments) FUZZ_CHECK(!d.model_name.empty(), "a deployment without model_name");
  kaos::modelapi::ModelRouter router(std::move(*config));
  for (std::string_view model : {"gpt-4o", "openai/gpt-4o", "x", "", "*"}) {
    if (const auto* group = router.match(model)) {
      if (group->members.empty()) continue;
      auto d = router.pick(*group, kaos::modelapi::Clock::now());
      if (d < router.config().deployments.size()) (void)router.resolve(d, *group, model);
    }
  }
  return 0;
}
