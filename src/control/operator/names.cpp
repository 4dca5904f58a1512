#include "control/operator/names.hpp"

namespace kaos::control::operator_ {

std::string_view child_prefix(std::string_view kind) {
  if (kind == "Agent") return "agent";
  if (kind == "MCPServer") return "mcpserver";
  if (kind == "ModelAPI") return "modelapi";
  if (kind == "MemoryStore") return "memorystore";
  return {};
}

std::string child_name(std::string_view kind, std::string_view name) {
  return std::string(child_prefix(kind)) + "-" + std::string(name);
}

std::string litellm_config_name(std::string_view modelapi_name) {
  return "litellm-config-" + std::string(modelapi_name);
}

std::string_view finalizer_of(std::string_view kind) {
  if (kind == "Agent") return kAgentFinalizer;
  if (kind == "MCPServer") return kMcpServerFinalizer;
  if (kind == "ModelAPI") return kModelApiFinalizer;
  return {};
}

}  // namespace kaos::control::operator_
