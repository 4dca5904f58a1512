#include "control/operator/kinds.hpp"

#include <stdexcept>
#include <string>

namespace kaos::control::operator_ {

namespace {
const k8s::ResourceType kAgent{"kaos.tools", "v1alpha1", "agents", "Agent", true};
const k8s::ResourceType kMcpServer{"kaos.tools", "v1alpha1", "mcpservers", "MCPServer", true};
const k8s::ResourceType kModelApi{"kaos.tools", "v1alpha1", "modelapis", "ModelAPI", true};
const k8s::ResourceType kMemoryStore{"kaos.tools", "v1alpha1", "memorystores", "MemoryStore", true};
const k8s::ResourceType kDeployment{"apps", "v1", "deployments", "Deployment", true};
const k8s::ResourceType kService{"", "v1", "services", "Service", true};
const k8s::ResourceType kConfigMap{"", "v1", "configmaps", "ConfigMap", true};
const k8s::ResourceType kHttpRoute{"gateway.networking.k8s.io", "v1", "httproutes", "HTTPRoute", true};
const k8s::ResourceType kEvent{"events.k8s.io", "v1", "events", "Event", true};
}  // namespace

const k8s::ResourceType& kaos_resource_type(std::string_view kind) {
  if (kind == "Agent") return kAgent;
  if (kind == "MCPServer") return kMcpServer;
  if (kind == "ModelAPI") return kModelApi;
  if (kind == "MemoryStore") return kMemoryStore;
  throw std::invalid_argument("not a KAOS resource kind: " + std::string(kind));
}

const k8s::ResourceType& child_resource_type(std::string_view kind) {
  if (kind == "Deployment") return kDeployment;
  if (kind == "Service") return kService;
  if (kind == "ConfigMap") return kConfigMap;
  if (kind == "HTTPRoute") return kHttpRoute;
  throw std::invalid_argument("not a child kind of the operator: " + std::string(kind));
}

const k8s::ResourceType& event_type() {
  return kEvent;
}

}  // namespace kaos::control::operator_
