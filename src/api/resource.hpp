#pragma once
// A parsed object of a manifest: one of the four KAOS kinds, or any other object passed
// through untouched (Namespace, Secret, ConfigMap, ...).
#include <string>
#include <variant>

#include "api/agent.hpp"
#include "api/mcpserver.hpp"
#include "api/memorystore.hpp"
#include "api/modelapi.hpp"

namespace kaos::api {

/// Any object that is not a modelled KAOS kind, kept exactly as written.
struct GenericObject {
  std::string api_version;
  std::string kind;
  ObjectMeta metadata;  ///< read for identification; `raw` is what gets written back
  json::object raw;
};

using Resource = std::variant<Agent, ModelAPI, MCPServer, MemoryStore, GenericObject>;

std::string_view resource_kind(const Resource& r);
const ObjectMeta& resource_metadata(const Resource& r);
json::value to_json(const GenericObject& object);
json::value to_json(const Resource& r);

}  // namespace kaos::api
