#include "api/resource.hpp"

namespace kaos::api {

std::string_view resource_kind(const Resource& r) {
  return std::visit(
      [](const auto& x) -> std::string_view {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, Agent>)
          return "Agent";
        else if constexpr (std::is_same_v<T, ModelAPI>)
          return "ModelAPI";
        else if constexpr (std::is_same_v<T, MCPServer>)
          return "MCPServer";
        else if constexpr (std::is_same_v<T, MemoryStore>)
          return "MemoryStore";
        else
          return x.kind;
      },
      r);
}

const ObjectMeta& resource_metadata(const Resource& r) {
  return std::visit([](const auto& x) -> const ObjectMeta& { return x.metadata; }, r);
}

json::value to_json(const GenericObject& object) {
  return object.raw;
}

json::value to_json(const Resource& r) {
  return std::visit([](const auto& x) { return to_json(x); }, r);
}

}  // namespace kaos::api
