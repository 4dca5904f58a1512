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

std::string files_config_map_name(std::string_view kind, std::string_view name) {
  if (kind == "ModelAPI") return litellm_config_name(name);
  return child_name(kind, name) + "-files";
}

std::string_view files_mount_path(std::string_view kind) {
  return kind == "ModelAPI" ? kLiteLlmConfigMountPath : kFilesMountPath;
}

std::string_view container_name(std::string_view kind) {
  if (kind == "Agent") return kAgentContainer;
  if (kind == "MCPServer") return kMcpServerContainer;
  if (kind == "ModelAPI") return kModelApiContainer;
  if (kind == "MemoryStore") return "memory";
  return {};
}

std::string_view route_type(std::string_view kind) {
  if (kind == "MCPServer") return "mcp";
  return child_prefix(kind);
}

std::string http_route_name(std::string_view kind, std::string_view name) {
  return std::string(route_type(kind)) + "-" + std::string(name);
}

std::string logical_id(std::string_view kind, std::string_view namespace_, std::string_view name) {
  return "kaos://" + std::string(child_prefix(kind)) + "/" + std::string(namespace_) + "/" + std::string(name);
}

std::string_view finalizer_of(std::string_view kind) {
  if (kind == "Agent") return kAgentFinalizer;
  if (kind == "MCPServer") return kMcpServerFinalizer;
  if (kind == "ModelAPI") return kModelApiFinalizer;
  return {};
}

}  // namespace kaos::control::operator_
